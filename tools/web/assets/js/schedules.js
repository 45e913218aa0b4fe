// Scheduled synchronization: every console's schedules with their owner (schedule.list),
// "Add scheduled sync" with a live preview of the next fire times (schedule.preview, in the
// zone and in UTC) as the form changes, Edit (the same form, prefilled, through
// schedule.edit: the daemon's checks and messages, as the CLI's), Run now on one or several,
// enable/disable and delete. Another console's schedule can only be deleted (R4): its other
// controls are disabled and its row says why.
import * as api from './api.js';
import {el, replace, say, table, debounce, field, check} from './dom.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
let root, list, form, message, preview, serverSelect, formTitle, submitButton, cancelButton;
let editing = null;  // the id of the schedule the form edits; null: the form adds
const refreshSoon = debounce(() => refresh(), 250);
const previewSoon = debounce(() => updatePreview(), 200);

export function mount(node) {
  root = node;
  message = el('div', {class: 'message', id: 'schedules-message'});
  preview = el('div', {class: 'preview', id: 'schedule-preview'});
  list = el('div', {id: 'schedules-list'});
  formTitle = el('h3', {class: 'write', id: 'schedule-form-title'}, 'Add scheduled sync');
  form = buildForm();
  replace(root, el('h2', {}, 'Scheduled synchronization'),
    el('div', {class: 'toolbar write'},
      el('button', {type: 'button', id: 'schedules-run-selected', onclick: () => runNow(selected())}, 'Run now (selected)'),
      el('button', {type: 'button', id: 'schedules-delete-selected', onclick: () => remove(selected())}, 'Delete selected')),
    list, formTitle, form, message);
  refresh();
  updatePreview();
}

export function onEvent(event) {
  if (/^(Schedule|Server)/.test(event.type)) refreshSoon();
}

function select(name, options, attrs = {}) {
  return el('select', Object.assign({name, id: 'schedule-' + name}, attrs),
    options.map(([value, text]) => el('option', {value}, text)));
}

function input(name, attrs = {}) {
  return el('input', Object.assign({name, id: 'schedule-' + name}, attrs));
}

function buildForm() {
  serverSelect = select('server', []);
  const f = el('form', {class: 'box write', id: 'schedule-form'},
    field('Kind', select('kind', [['sync', 'sync'], ['download_patches', 'download patches'], ['refresh', 'refresh files']])),
    field('Component', select('component', [['all', 'all'], ['patches', 'patch downloads'], ['core', 'core engines/definitions']])),
    field('Server', serverSelect),
    field('Recurs', select('frequency', [['once', 'once'], ['daily', 'daily'], ['weekly', 'weekly'], ['monthly', 'monthly']], {value: 'monthly'})),
    field('Date (once) / start', input('start_date', {placeholder: 'YYYY-MM-DD (default today)', size: 14})),
    field('Every N', input('interval', {type: 'number', min: 1, value: 1})),
    el('fieldset', {id: 'schedule-weekdays', class: 'box'}, 'Weekdays (weekly):',
      WEEKDAYS.map((d) => check(d, el('input', {type: 'checkbox', name: 'wd-' + d, id: 'schedule-wd-' + d})))),
    field('Monthly on', select('monthly_mode', [['nth_weekday', 'Nth weekday'], ['day_of_month', 'day of month']])),
    field('Nth', select('nth', [['1', 'first'], ['2', 'second'], ['3', 'third'], ['4', 'fourth'], ['-1', 'last']], {value: '2'})),
    field('Weekday', select('weekday', WEEKDAYS.map((d) => [d, d]), {value: 'tue'})),
    field('Day of month', input('day_of_month', {type: 'number', min: 1, max: 31, value: 1})),
    field('Delay (days, 0–31)', input('delay_days', {type: 'number', min: 0, max: 31, value: 0})),
    field('Time (HH:MM)', input('time_of_day', {value: '03:00', size: 6})),
    field('Zone (IANA)', input('time_zone', {placeholder: "the daemon's zone", size: 16})),
    submitButton = el('button', {type: 'submit', class: 'primary', id: 'schedule-submit'}, 'Add schedule'),
    cancelButton = el('button', {type: 'button', id: 'schedule-cancel-edit', hidden: true, onclick: stopEdit}, 'Cancel edit'),
    preview);
  f.addEventListener('submit', (e) => { e.preventDefault(); editing ? save() : add(); });
  f.addEventListener('input', previewSoon);
  f.addEventListener('change', previewSoon);
  return f;
}

// Today in `zone` (YYYY-MM-DD), as the CLI's default start date.
function today(zone) {
  try {
    return new Intl.DateTimeFormat('en-CA', {timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit'}).format(new Date());
  } catch (e) {
    return new Intl.DateTimeFormat('en-CA', {year: 'numeric', month: '2-digit', day: '2-digit'}).format(new Date());
  }
}

// The schedule spec of the form, as `distsync schedule add` builds it from its flags.
function spec() {
  const v = (n) => form.elements[n];
  const frequency = v('frequency').value;
  const zone = v('time_zone').value.trim();
  const r = {frequency, time_of_day: v('time_of_day').value.trim()};
  if (zone) r.time_zone = zone;
  r.start_date = v('start_date').value.trim() || today(zone);
  if (frequency !== 'once') r.interval = Number(v('interval').value || 1);
  if (frequency === 'weekly') r.weekdays = WEEKDAYS.filter((d) => v('wd-' + d).checked);
  if (frequency === 'monthly') {
    r.monthly_mode = v('monthly_mode').value;
    if (r.monthly_mode === 'nth_weekday') {
      r.nth = Number(v('nth').value);
      r.weekday = v('weekday').value;
    } else {
      r.day_of_month = Number(v('day_of_month').value);
    }
    r.delay_days = Number(v('delay_days').value || 0);
  }
  const s = {kind: v('kind').value, component: v('component').value, recurrence: r};
  if (s.kind === 'sync') s.server = v('server').value;
  return s;
}

async function updatePreview() {
  const s = spec();
  delete s.server;
  s.kind = 'refresh';  // as the CLI's preview: no server needed
  try {
    const reply = await api.op('schedule.preview', {schedule: s, next: 5});
    replace(preview, el('div', {id: 'schedule-preview-description'}, reply.description),
      table(['Next (zone)', 'Next (UTC)'], (reply.next || []).map((f) =>
        el('tr', {class: 'fire'}, el('td', {class: 'local'}, f.local), el('td', {class: 'utc'}, f.utc)))));
  } catch (e) {
    replace(preview, el('div', {class: 'message error', id: 'schedule-preview-error'}, e.message));
  }
}

async function add() {
  try {
    const reply = await api.op('schedule.add', {schedule: spec()});
    say(message, 'added schedule ' + reply.id + ': ' + reply.description, 'ok');
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

// Fills the form with schedule `s` (as schedule.list gives it) and turns it into its editor.
function startEdit(s) {
  const v = (n) => form.elements[n];
  const r = s.recurrence || {};
  editing = s.id;
  v('kind').value = s.kind;
  v('component').value = s.component || 'all';
  if (s.server) v('server').value = s.server;
  v('frequency').value = r.frequency || 'once';
  v('start_date').value = r.start_date || '';
  v('interval').value = r.interval || 1;
  for (const d of WEEKDAYS) v('wd-' + d).checked = (r.weekdays || []).map((w) => w.slice(0, 3).toLowerCase()).includes(d);
  v('monthly_mode').value = r.monthly_mode || 'day_of_month';
  v('nth').value = String(r.nth || 1);
  v('weekday').value = (r.weekday || 'mon').slice(0, 3).toLowerCase();
  v('day_of_month').value = r.day_of_month || 1;
  v('delay_days').value = r.delay_days || 0;
  v('time_of_day').value = r.time_of_day || '00:00';
  v('time_zone').value = r.time_zone || '';
  formTitle.textContent = 'Edit schedule ' + s.id;
  submitButton.textContent = 'Save changes';
  cancelButton.hidden = false;
  say(message, '');
  updatePreview();
  form.scrollIntoView({block: 'nearest'});
}

function stopEdit() {
  editing = null;
  formTitle.textContent = 'Add scheduled sync';
  submitButton.textContent = 'Add schedule';
  cancelButton.hidden = true;
  updatePreview();
}

async function save() {
  const id = editing;
  const changes = spec();
  try {
    const reply = await api.op('schedule.edit', {id, changes});
    stopEdit();
    say(message, 'edited schedule ' + id + ': ' + reply.description, 'ok');
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

function selected() {
  return Array.from(list.querySelectorAll('input.pick:checked')).map((c) => c.value);
}

async function runNow(ids) {
  if (!ids.length) return say(message, 'select the schedules to run first', 'error');
  try {
    const reply = await api.op('schedule.run', {ids});
    say(message, 'started ' + (reply.started || []).map((s) => s.id + (s.joined ? ' (joined)' : '')).join(', '), 'ok');
  } catch (e) {
    say(message, e.message, 'error');
  }
}

async function remove(ids) {
  if (!ids.length) return say(message, 'select the schedules to delete first', 'error');
  try {
    await api.op('schedule.delete', {ids});
    say(message, 'deleted ' + ids.join(', '), 'ok');
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

async function setEnabled(id, enabled) {
  try {
    await api.op('schedule.edit', {id, changes: {enabled}});
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

let refreshes = 0;  // replies may come out of order: only the newest is shown

export async function refresh() {
  if (!root) return;
  const ticket = ++refreshes;
  const mine = api.current().console;
  let schedules, servers;
  try {
    [schedules, servers] = await Promise.all([api.op('schedule.list', {next: 3}), api.op('server.list')]);
  } catch (e) {
    return say(message, e.message, 'error');
  }
  if (ticket !== refreshes) return;
  const picked = new Set(selected());  // a re-render keeps the operator's selection
  const chosen = serverSelect.value;
  replace(serverSelect, (servers.servers || []).map((s) => el('option', {value: s.name}, s.name)));
  if (chosen) serverSelect.value = chosen;
  const rows = (schedules.schedules || []).map((s) => {
    const remote = s.owner !== mine;
    const why = remote ? 'owned by console ' + s.owner + ': a console may delete another console\'s schedule, but not edit it or run it now' : null;
    const next = (s.next || [])[0];
    return el('tr', {'data-schedule': s.id, 'data-owner': s.owner},
      el('td', {class: 'write'}, el('input', {type: 'checkbox', class: 'pick', value: s.id, checked: picked.has(s.id)})),
      el('td', {}, s.id),
      el('td', {}, s.kind),
      el('td', {}, s.server || '—'),
      el('td', {}, s.component),
      el('td', {}, s.owner, remote ? el('div', {class: 'muted remote-note'}, 'remote: delete only (' + why + ')') : null),
      el('td', {}, s.description),
      el('td', {}, next ? [next.local, el('div', {class: 'muted'}, next.utc)] : '—'),
      el('td', {}, s.enabled ? 'yes' : 'no'),
      el('td', {class: 'write'},
        el('button', {type: 'button', class: 'run-now', disabled: remote, title: why, onclick: () => runNow([s.id])}, 'Run now'), ' ',
        el('button', {type: 'button', class: 'edit', disabled: remote, title: why, onclick: () => startEdit(s)}, 'Edit'), ' ',
        el('button', {type: 'button', class: 'toggle', disabled: remote, title: why, onclick: () => setEnabled(s.id, !s.enabled)}, s.enabled ? 'Disable' : 'Enable'), ' ',
        el('button', {type: 'button', class: 'delete', onclick: () => remove([s.id])}, 'Delete')));
  });
  replace(list, table(['', 'Id', 'Kind', 'Server', 'Component', 'Owner', 'When', 'Next', 'Enabled', ''], rows, {id: 'schedules-table'}));
  updatePreview();
}
