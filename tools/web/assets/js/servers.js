// Distribution servers: the registry (server.list) with each server's last sync and what
// its running job still has to copy (sync.jobs), the files and bytes pending on each as the
// File Status Report counts them (op report, fetched after the table is shown: it lists
// every server's files; automatic up to AUTO_PENDING servers, else on "Check pending"), and
// the add / edit / remove form. The validation and its messages are the daemon's, as in the
// CLI.
import * as api from './api.js';
import {el, replace, say, table, bytes, utc, debounce, field, check} from './dom.js';

let root, list, form, message, editing = null;
const AUTO_PENDING = 50;
let pending = new Map();  // server -> {pending_files, pending_bytes, error} of the last report
let pendingAsOf = '';
let pendingStale = true;  // a sync ended or the registry changed since the last report
const refreshSoon = debounce(() => refresh(), 250);

export function mount(node) {
  root = node;
  message = el('div', {class: 'message', id: 'servers-message'});
  list = el('div', {id: 'servers-list'});
  form = buildForm();
  replace(root, el('h2', {}, 'Distribution servers'), form, message, list);
  refresh();
}

export function onEvent(event) {
  if (/^(Server|SyncCompleted|SyncFailed|SyncCancelled|FilesPruned)/.test(event.type)) pendingStale = true;
  if (/^(Server|Sync|FileCopied)/.test(event.type)) refreshSoon();
}

function input(name, attrs = {}) {
  return el('input', Object.assign({name, id: 'server-' + name}, attrs));
}

function buildForm() {
  const f = el('form', {class: 'box write', id: 'server-form'},
    field('Name', input('name', {required: true, placeholder: 'dist-berlin'})),
    field('Path or share', input('root_path', {required: true, placeholder: '/srv/dist/berlin', size: 32})),
    field('Description', input('description', {size: 24})),
    field('Bandwidth (bytes/s, 0 = unlimited)', input('bandwidth_limit_bps', {type: 'number', min: 0, value: 0})),
    field('Parallel copies', input('max_parallel_copies', {type: 'number', min: 1, value: 4})),
    check('enabled', input('enabled', {type: 'checkbox', checked: true})),
    check('download source', input('download_source', {type: 'checkbox'})),
    check('verify after copy', input('verify_after_copy', {type: 'checkbox'})),
    el('button', {type: 'submit', class: 'primary', id: 'server-submit'}, 'Add server'),
    el('button', {type: 'button', id: 'server-cancel-edit', hidden: true, onclick: () => setEditing(null)}, 'Cancel edit'));
  f.addEventListener('submit', (e) => { e.preventDefault(); submit(); });
  return f;
}

function values() {
  const v = (n) => form.elements[n];
  return {
    name: v('name').value.trim(),
    root_path: v('root_path').value.trim(),
    description: v('description').value,
    bandwidth_limit_bps: Number(v('bandwidth_limit_bps').value || 0),
    max_parallel_copies: Number(v('max_parallel_copies').value || 0),
    enabled: v('enabled').checked,
    download_source: v('download_source').checked,
    verify_after_copy: v('verify_after_copy').checked,
  };
}

function setEditing(server) {
  editing = server ? server.name : null;
  const v = (n) => form.elements[n];
  v('name').disabled = Boolean(server);
  form.querySelector('#server-submit').textContent = server ? 'Save ' + server.name : 'Add server';
  form.querySelector('#server-cancel-edit').hidden = !server;
  if (!server) { form.reset(); return; }
  v('name').value = server.name;
  v('root_path').value = server.root_path || '';
  v('description').value = server.description || '';
  v('bandwidth_limit_bps').value = server.bandwidth_limit_bps || 0;
  v('max_parallel_copies').value = server.max_parallel_copies || 1;
  v('enabled').checked = Boolean(server.enabled);
  v('download_source').checked = Boolean(server.download_source);
  v('verify_after_copy').checked = Boolean(server.verify_after_copy);
}

async function submit() {
  const spec = values();
  try {
    if (editing) {
      const changes = Object.assign({}, spec);
      delete changes.name;
      await api.op('server.edit', {name: editing, changes});
      say(message, 'saved server ' + editing, 'ok');
      setEditing(null);
    } else {
      await api.op('server.add', {server: spec});
      say(message, 'added server ' + spec.name, 'ok');
      form.reset();
    }
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

async function remove(name, button) {
  if (button.dataset.confirm !== 'yes') {
    button.dataset.confirm = 'yes';
    button.textContent = 'Confirm remove';
    return;
  }
  try {
    await api.op('server.remove', {name});
    say(message, 'removed server ' + name, 'ok');
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

let refreshes = 0;  // replies may come out of order: only the newest is shown

export async function refresh() {
  if (!root) return;
  const mine = ++refreshes;
  let servers, jobs;
  try {
    [servers, jobs] = await Promise.all([api.op('server.list'), api.op('sync.jobs', {all: true})]);
  } catch (e) {
    say(message, e.message, 'error');
    return;
  }
  if (mine !== refreshes) return;
  const last = new Map(), running = new Map();
  for (const job of jobs.jobs || []) {
    if (job.finished_us) {
      const seen = last.get(job.server);
      if (!seen || seen.finished_us < job.finished_us) last.set(job.server, job);
    } else {
      running.set(job.server, job);
    }
  }
  const rows = (servers.servers || []).map((s) => {
    const done = last.get(s.name);
    const run = running.get(s.name);
    return el('tr', {'data-server': s.name},
      el('td', {}, s.name, s.description ? el('div', {class: 'muted'}, s.description) : null),
      el('td', {}, s.root_path),
      el('td', {}, s.enabled ? 'yes' : 'no', s.download_source ? el('div', {class: 'muted'}, 'download source') : null),
      el('td', {class: 'num'}, s.bandwidth_limit_bps ? bytes(s.bandwidth_limit_bps) + '/s' : 'unlimited'),
      el('td', {class: 'num'}, s.max_parallel_copies),
      el('td', {}, done ? [utc(done.finished_us), ' ',
        el('span', {class: done.status === 'completed' ? 'result-ok' : 'result-bad'}, done.status),
        done.reason ? el('div', {class: 'muted'}, done.reason) : null] : 'never'),
      el('td', {class: 'num'}, run ? (run.files_total - run.files_done) + ' files, ' +
        bytes(run.bytes_total - run.bytes_done) : '—'),
      pendingCell(s.name),
      el('td', {class: 'write'},
        el('button', {type: 'button', class: 'edit', onclick: () => setEditing(s)}, 'Edit'), ' ',
        el('button', {type: 'button', class: 'remove', onclick: (e) => remove(s.name, e.target)}, 'Remove')));
  });
  replace(list, table(['Name', 'Path or share', 'Enabled', 'Bandwidth', 'Parallel copies',
    'Last sync', 'Running job left', 'Pending (File Status Report)', ''], rows, {id: 'servers-table'}),
  el('div', {class: 'toolbar'},
    el('span', {class: 'muted'}, (servers.servers || []).length + ' servers, as of seq ' + servers.as_of_seq),
    el('button', {type: 'button', id: 'servers-check-pending', onclick: checkPending}, 'Check pending'),
    el('span', {class: 'muted', id: 'servers-pending-as-of'}, pendingAsOf)));
  if ((servers.servers || []).length <= AUTO_PENDING && pendingStale && !pendingBusy) {
    pendingStale = false;
    checkPending();
  }
}

function pendingCell(name) {
  const p = pending.get(name);
  if (!p) return el('td', {class: 'num pending'}, '…');
  if (p.error) return el('td', {class: 'pending result-bad', title: p.error}, 'cannot read');
  return el('td', {class: 'num pending', 'data-files': p.pending_files, 'data-bytes': p.pending_bytes},
    p.pending_files + ' files, ' + bytes(p.pending_bytes));
}

let pendingBusy = false;
// One File Status Report over every server; fills the Pending column in place.
async function checkPending() {
  const names = Array.from(list.querySelectorAll('#servers-table tr[data-server]')).map((r) => r.dataset.server);
  if (!names.length || pendingBusy) return;
  pendingBusy = true;
  try {
    const r = await api.op('report', {servers: names, format: 'json'});
    pending = new Map((r.servers || []).map((s) => [s.server, s]));
    pendingAsOf = 'pending as of ' + new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  } catch (e) {
    say(message, e.message, 'error');
    return;
  } finally {
    pendingBusy = false;
  }
  for (const row of list.querySelectorAll('#servers-table tr[data-server]')) {
    const cell = row.querySelector('td.pending');
    if (cell) row.replaceChild(pendingCell(row.dataset.server), cell);
  }
  const asOf = list.querySelector('#servers-pending-as-of');
  if (asOf) asOf.textContent = pendingAsOf;
}
