// Jobs: running and recent syncs and downloads with a progress bar (files, bytes, rate,
// ETA), "attempt k of n, next retry at T" and Cancel. Unfinished jobs get their progress
// from sync.job: the bar follows the bytes written so far (workers report them while a
// batch is in flight), the text beside it also the bytes already durable (FileCopied). The
// list refreshes as the bus reports copies, and once a second while a job runs and the pane
// is shown, since written bytes move between events.
import * as api from './api.js';
import {el, replace, say, table, bytes, utc, debounce} from './dom.js';

let root, list, downloadsList, message;
const refreshSoon = debounce(() => refresh(), 200);
const LIVE_POLL_MS = 1000;
let livePoll = null;

export function mount(node) {
  root = node;
  message = el('div', {class: 'message', id: 'jobs-message'});
  list = el('div', {id: 'jobs-list'});
  downloadsList = el('div', {id: 'jobs-downloads'});
  replace(root, el('h2', {}, 'Jobs'), message, list, el('h3', {}, 'Downloads'), downloadsList);
  refresh();
}

export function onEvent(event, visible) {
  if (/^(Sync|FileCopied|FileCopyFailed|Download)/.test(event.type) && visible) refreshSoon();
}

function percent(done, total) {
  if (!total) return 100;
  return Math.min(100, Math.floor((100 * done) / total));
}

function progressCell(job, p) {
  const status = (p && p.status) || job.status;
  const finished = Boolean(job.finished_us);
  const filesDone = p ? p.files_done + (p.files_up_to_date || 0) : job.files_done;
  const filesTotal = p ? p.files_total : job.files_total;
  const b = p || job;
  const written = p && !finished ? Math.max(p.bytes_written || 0, b.bytes_done) : b.bytes_done;
  let pct = percent(written, b.bytes_total);
  if (!b.bytes_total && filesTotal) pct = percent(filesDone, filesTotal);
  if (!finished && !filesTotal && !b.bytes_total) pct = 0;
  if (finished && status === 'completed') pct = 100;
  const parts = [el('progress', {max: 100, value: pct, class: 'job-progress', 'data-percent': pct,
      'data-written': written, 'data-durable': b.bytes_done, 'data-total': b.bytes_total || 0}),
    ' ', el('span', {class: 'percent'}, pct + '%'),
    el('div', {class: 'muted'}, `${b.files_done} of ${filesTotal} files, ${bytes(b.bytes_done)} of ${bytes(b.bytes_total)} durable`)];
  if (p && !finished && written > b.bytes_done) {
    parts.push(el('div', {class: 'muted written'}, bytes(written) + ' written'));
  }
  if (p && !finished) {
    parts.push(el('div', {class: 'muted'}, (p.rate_bps ? bytes(p.rate_bps) + '/s' : '—') +
      (p.eta_s ? ', ETA ' + Math.round(p.eta_s) + ' s' : '')));
  }
  for (const r of (p && p.retries) || []) {
    parts.push(el('div', {class: 'retry'}, r.path + ': attempt ' + r.attempt + ' of ' + r.max_attempts +
      (r.next_retry_us ? ', next retry at ' + utc(r.next_retry_us) : '') + (r.message ? ' (' + r.message + ')' : '')));
  }
  return parts;
}

async function cancel(job) {
  try {
    await api.op('sync.cancel', {job});
    say(message, 'cancelled ' + job, 'ok');
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

export async function refresh() {
  if (!root) return;
  let jobs, downloads;
  try {
    [jobs, downloads] = await Promise.all([api.op('sync.jobs', {all: true}), api.op('download.list', {all: true})]);
  } catch (e) {
    return say(message, e.message, 'error');
  }
  const recent = (jobs.jobs || []).slice().sort((a, b) => (b.queued_us || 0) - (a.queued_us || 0)).slice(0, 50);
  const progress = await Promise.all(recent.map((j) =>
    j.finished_us ? null : api.op('sync.job', {job: j.job}).catch(() => null)));
  const rows = recent.map((job, i) => el('tr', {'data-job': job.job, 'data-status': job.status},
    el('td', {}, job.job, el('div', {class: 'muted'}, job.trigger)),
    el('td', {}, job.server),
    el('td', {}, job.component),
    el('td', {class: 'status'}, (progress[i] && progress[i].status) || job.status,
      job.deferred_by ? el('div', {class: 'muted'}, 'waiting for ' + job.deferred_by) : null,
      job.reason ? el('div', {class: 'muted'}, job.reason) : null),
    el('td', {}, 'attempt ' + ((progress[i] && progress[i].attempt) || job.attempt || 1)),
    el('td', {}, progressCell(job, progress[i])),
    el('td', {}, utc(job.queued_us), job.finished_us ? el('div', {class: 'muted'}, 'ended ' + utc(job.finished_us)) : null),
    el('td', {class: 'write'}, job.finished_us ? null :
      el('button', {type: 'button', class: 'cancel', onclick: () => cancel(job.job)}, 'Cancel'))));
  replace(list, rows.length ? table(['Job', 'Server', 'Component', 'Status', 'Attempt', 'Progress', 'Queued', ''], rows, {id: 'jobs-table'})
    : el('p', {class: 'muted'}, 'no sync jobs yet'));
  const drows = (downloads.downloads || []).map((d) => el('tr', {'data-download': d.id || d.download},
    el('td', {}, d.id || d.download), el('td', {}, d.kind), el('td', {}, d.status),
    el('td', {}, bytes(d.bytes_fetched || d.bytes_done || 0))));
  replace(downloadsList, drows.length ? table(['Download', 'Kind', 'Status', 'Fetched'], drows)
    : el('p', {class: 'muted'}, 'no downloads yet'));
  pollWhileRunning(recent.some((j) => !j.finished_us));
}

// One timer at most; it stops when nothing runs or the pane is hidden (a tab switch back
// calls refresh(), which starts it again).
function pollWhileRunning(running) {
  clearTimeout(livePoll);
  livePoll = null;
  if (running && !root.closest('[hidden]')) livePoll = setTimeout(refresh, LIVE_POLL_MS);
}
