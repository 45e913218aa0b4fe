// Event history: filters (server, job, type, console, since/until) over the daemon's
// history.query, paged on the server side (50 a page, forward by seq, or the latest page),
// a job's timeline (click its id), follow live, CSV export of the whole filtered history.
// Acknowledge waits for the daemon's EventAcknowledged event type (not in this build).
import * as api from './api.js';
import {el, replace, say, table, utc, debounce, field, check} from './dom.js';

const TYPES = ['ConsoleStarted', 'ServerAdded', 'ServerEdited', 'ServerRemoved', 'ScheduleAdded',
  'ScheduleEdited', 'ScheduleDeleted', 'ScheduleFired', 'ScheduleMissed', 'DownloadStarted',
  'DownloadCompleted', 'DownloadFailed', 'DownloadSourceChanged', 'SyncQueued', 'SyncDeferred',
  'SyncStarted', 'FileCopied', 'FileCopyFailed', 'SyncCompleted', 'SyncFailed', 'SyncCancelled'];
const PAGE = 50;
let root, filters, list, message, csvLink, pager, follow, serverSelect;
let cursor = {after: 0, newest: true};
const back = [];
const followSoon = debounce(() => { cursor = {after: 0, newest: true}; back.length = 0; load(); }, 300);

export function mount(node) {
  root = node;
  message = el('div', {class: 'message', id: 'history-message'});
  list = el('div', {id: 'history-list'});
  serverSelect = el('select', {name: 'server', id: 'history-server'}, el('option', {value: ''}, 'any'));
  const text = (name, placeholder) => el('input', {name, id: 'history-' + name, placeholder, size: 14});
  filters = el('form', {class: 'box', id: 'history-filters'},
    field('Server', serverSelect),
    field('Job', text('job', 'job-…')),
    field('Type', el('select', {name: 'type', id: 'history-type'}, el('option', {value: ''}, 'any'),
      TYPES.map((t) => el('option', {value: t}, t)))),
    field('Console', text('console', 'console id')),
    field('Since', text('since', '7d, 2026-03-01 …')),
    field('Until', text('until', '')),
    el('button', {type: 'submit', class: 'primary', id: 'history-apply'}, 'Apply'));
  filters.addEventListener('submit', (e) => { e.preventDefault(); first(); });
  follow = el('input', {type: 'checkbox', id: 'history-follow'});
  csvLink = el('a', {id: 'history-csv', href: '/api/history.csv', download: 'distsync-history.csv'}, 'Export CSV');
  pager = el('span', {class: 'muted', id: 'history-page'});
  replace(root, el('h2', {}, 'Event history'), filters,
    el('div', {class: 'toolbar'},
      el('button', {type: 'button', id: 'history-first', onclick: first}, 'Oldest'),
      el('button', {type: 'button', id: 'history-prev', onclick: previous}, 'Previous'),
      el('button', {type: 'button', id: 'history-next', onclick: next}, 'Next'),
      el('button', {type: 'button', id: 'history-latest', onclick: latest}, 'Latest'),
      pager, check('follow live', follow), csvLink),
    message, list);
  refresh();
}

export function onEvent(event) {
  if (follow && follow.checked) followSoon();
}

function args() {
  const a = {};
  for (const name of ['server', 'job', 'type', 'console', 'since', 'until']) {
    const v = filters.elements[name].value.trim();
    if (v) a[name] = v;
  }
  return a;
}

function updateLink() {
  const q = new URLSearchParams(args());
  csvLink.setAttribute('href', '/api/history.csv?' + q.toString());
}

function first() { back.length = 0; cursor = {after: 0, newest: false}; load(); }
function latest() { back.length = 0; cursor = {after: 0, newest: true}; load(); }
function next() {
  if (!lastPage || !lastPage.more && !cursor.newest) return;
  const events = lastPage.events || [];
  if (!events.length || cursor.newest) return;
  back.push(cursor);
  cursor = {after: events[events.length - 1].seq, newest: false};
  load();
}
function previous() {
  if (!back.length) return;
  cursor = back.pop();
  load();
}

let lastPage = null;

// A payload's fields as "key=value", without the schema versions.
function summary(payload) {
  const strip = (v) => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const o = {};
      for (const [k, x] of Object.entries(v)) if (k !== 'cereal_class_version') o[k] = strip(x);
      return o;
    }
    return v;
  };
  return Object.entries(strip(payload || {})).map(([k, v]) =>
    k + '=' + (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('  ');
}

function serverOf(event, servers) {
  const p = event.payload || {};
  if (typeof p.server === 'string') return p.server;
  if (p.server && typeof p.server.name === 'string') return p.server.name;
  if (p.schedule && typeof p.schedule.server === 'string') return p.schedule.server;
  return (servers || {})[event.correlation] || '';
}

async function load() {
  updateLink();
  const a = Object.assign(args(), {limit: PAGE, after_seq: cursor.after});
  if (cursor.newest) a.newest = true;
  let page;
  try {
    page = await api.op('history.query', a);
  } catch (e) {
    return say(message, e.message, 'error');
  }
  lastPage = page;
  const rows = (page.events || []).map((e) => el('tr', {'data-seq': e.seq, 'data-type': e.type},
    el('td', {class: 'num'}, e.seq),
    el('td', {}, utc(e.time_us)),
    el('td', {}, e.console),
    el('td', {}, e.type),
    el('td', {}, e.correlation ? el('a', {href: '#history', class: 'correlation', onclick: (ev) => {
      ev.preventDefault();
      filters.elements.job.value = e.correlation;
      first();
    }}, e.correlation) : ''),
    el('td', {}, serverOf(e, page.servers)),
    el('td', {class: 'payload'}, summary(e.payload))));
  replace(list, table(['Seq', 'Time (UTC)', 'Console', 'Type', 'Job / schedule', 'Server', 'Details'], rows, {id: 'history-table'}));
  const events = page.events || [];
  pager.textContent = events.length ? `seq ${events[0].seq}–${events[events.length - 1].seq} of head ${page.head}` +
    (cursor.newest ? ' (latest)' : page.more ? ' (more)' : '') : 'no events match';
}

export async function refresh() {
  if (!root) return;
  try {
    const servers = await api.op('server.list');
    const chosen = serverSelect.value;
    replace(serverSelect, el('option', {value: ''}, 'any'),
      (servers.servers || []).map((s) => el('option', {value: s.name}, s.name)));
    serverSelect.value = chosen;
  } catch (e) {
    say(message, e.message, 'error');
  }
  load();
}
