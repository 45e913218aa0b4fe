// Distribution servers: the registry (server.list) with each server's last sync and what
// its running job still has to copy (sync.jobs), and the add / edit / remove form. The
// validation and its messages are the daemon's, as in the CLI.
import * as api from './api.js';
import {el, replace, say, table, bytes, utc, debounce, field, check} from './dom.js';

let root, list, form, message, editing = null;
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

export async function refresh() {
  if (!root) return;
  let servers, jobs;
  try {
    [servers, jobs] = await Promise.all([api.op('server.list'), api.op('sync.jobs', {all: true})]);
  } catch (e) {
    say(message, e.message, 'error');
    return;
  }
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
      el('td', {class: 'write'},
        el('button', {type: 'button', class: 'edit', onclick: () => setEditing(s)}, 'Edit'), ' ',
        el('button', {type: 'button', class: 'remove', onclick: (e) => remove(s.name, e.target)}, 'Remove')));
  });
  replace(list, table(['Name', 'Path or share', 'Enabled', 'Bandwidth', 'Parallel copies',
    'Last sync', 'Pending', ''], rows, {id: 'servers-table'}),
  el('div', {class: 'muted'}, (servers.servers || []).length + ' servers, as of seq ' + servers.as_of_seq));
}
