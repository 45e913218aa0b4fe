// Event history: filters (server, job, type, console, since/until) over the daemon's
// history.query, paged on the server side (50 a page: the oldest or the latest page, then
// forward with after_seq and backward with before_seq; the page never holds more than one
// page of the log), a job's timeline (click its id), follow live, CSV export of the whole
// filtered history, and Acknowledge, which records an EventAcknowledged event so every
// operator sees who acknowledged what, and when.
import * as api from './api.js';
import {el, replace, say, table, utc, debounce, field, check} from './dom.js';

const TYPES = ['ConsoleStarted', 'ServerAdded', 'ServerEdited', 'ServerRemoved', 'ScheduleAdded',
  'ScheduleEdited', 'ScheduleDeleted', 'ScheduleFired', 'ScheduleMissed', 'DownloadStarted',
  'DownloadCompleted', 'DownloadFailed', 'DownloadSourceChanged', 'SyncQueued', 'SyncDeferred',
  'SyncStarted', 'FileCopied', 'FileCopyFailed', 'SyncCompleted', 'SyncFailed', 'SyncCancelled',
  'PruneRefused', 'FilesPruned', 'GroupAdded', 'GroupRemoved', 'GroupMemberAdded',
  'GroupMemberRemoved', 'GroupPlanSet', 'ValidationCompleted', 'EventAcknowledged'];
const PAGE = 50;
let root, filters, list, message, csvLink, pager, follow, who, serverSelect, prevButton, nextButton;
// The page shown: {after: seq} (forward from seq), or {before: seq, newest: true} (the page
// ending just before seq; before 0 means the latest page).
let cursor = {after: 0, before: 0, newest: true};
const followSoon = debounce(() => { if (cursor.newest && !cursor.before) load(); }, 300);

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
  filters.addEventListener('submit', (e) => { e.preventDefault(); latest(); });
  follow = el('input', {type: 'checkbox', id: 'history-follow'});
  csvLink = el('a', {id: 'history-csv', href: '/api/history.csv', download: 'distsync-history.csv'}, 'Export CSV');
  pager = el('span', {class: 'muted', id: 'history-page'});
  who = el('input', {id: 'history-operator', value: api.current().operator || '', size: 12});
  prevButton = el('button', {type: 'button', id: 'history-prev', onclick: previous}, 'Previous');
  nextButton = el('button', {type: 'button', id: 'history-next', onclick: next}, 'Next');
  replace(root, el('h2', {}, 'Event history'), filters,
    el('div', {class: 'toolbar'},
      el('button', {type: 'button', id: 'history-first', onclick: first}, 'Oldest'),
      prevButton, nextButton,
      el('button', {type: 'button', id: 'history-latest', onclick: latest}, 'Latest'),
      pager, check('follow live', follow), csvLink,
      el('span', {class: 'write'}, field('Acknowledge as', who))),
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

function first() { cursor = {after: 0, before: 0, newest: false}; load(); }
function latest() { cursor = {after: 0, before: 0, newest: true}; load(); }
// Forward: the page after the last event shown.
function next() {
  const events = (lastPage && lastPage.events) || [];
  if (!events.length || !hasNewer) return;
  cursor = {after: events[events.length - 1].seq, before: 0, newest: false};
  load();
}
// Backward: the page before the first event shown (history.query newest + before_seq).
function previous() {
  const events = (lastPage && lastPage.events) || [];
  if (!events.length || !hasOlder) return;
  cursor = {after: 0, before: events[0].seq, newest: true};
  load();
}

let lastPage = null;
let hasOlder = false, hasNewer = false;

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

let loads = 0;  // only the newest request's page is shown: replies may come out of order

async function load() {
  const mine = ++loads;
  updateLink();
  const a = Object.assign(args(), {limit: PAGE, after_seq: cursor.after});
  if (cursor.newest) a.newest = true;
  if (cursor.before) a.before_seq = cursor.before;
  let page;
  try {
    page = await api.op('history.query', a);
  } catch (e) {
    if (mine === loads) say(message, e.message, 'error');
    return;
  }
  if (mine !== loads) return;
  lastPage = page;
  // Going back, `more` says older matches exist; going forward, newer ones.
  if (cursor.newest) {
    hasOlder = Boolean(page.more);
    hasNewer = Boolean(cursor.before);
  } else {
    hasNewer = Boolean(page.more);
    hasOlder = cursor.after > 0;
  }
  prevButton.disabled = !hasOlder;
  nextButton.disabled = !hasNewer;
  const acks = page.acknowledged || {};
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
    el('td', {class: 'payload'}, summary(e.payload)),
    el('td', {class: 'ack'}, ackCell(e, acks[String(e.seq)]))));
  replace(list, table(['Seq', 'Time (UTC)', 'Console', 'Type', 'Job / schedule', 'Server', 'Details', 'Acknowledged'], rows, {id: 'history-table'}));
  const events = page.events || [];
  pager.textContent = events.length ? `seq ${events[0].seq}–${events[events.length - 1].seq} of head ${page.head}` +
    (cursor.newest && !cursor.before ? ' (latest)' : hasNewer ? ' (more)' : '') : 'no events match';
}

// Who acknowledged the event and when; else (an acknowledgement itself aside) the button.
function ackCell(e, list) {
  const done = (list || []).map((a) => el('div', {class: 'acked'},
    'acknowledged by ' + a.by + ' at ' + utc(a.time_us) + (a.note ? ': ' + a.note : '')));
  if (e.type === 'EventAcknowledged') return done;
  return [done, el('button', {type: 'button', class: 'ack write', onclick: () => acknowledge(e)}, 'Acknowledge')];
}

async function acknowledge(e) {
  const by = who.value.trim();
  if (!by) return say(message, 'name who acknowledges the event (Acknowledge as)', 'error');
  try {
    await api.op('event.acknowledge', {seq: e.seq, by});
  } catch (err) {
    return say(message, err.message, 'error');
  }
  say(message, 'acknowledged event ' + e.seq + ' as ' + by, 'ok');
  load();
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
