// File Status Report (R10): pick servers, see each downloaded patch as missing, out of date
// or up to date there, and download the report as CSV.
import * as api from './api.js';
import {el, replace, say, table, bytes} from './dom.js';

let root, picker, result, message, csvLink;

export function mount(node) {
  root = node;
  message = el('div', {class: 'message', id: 'report-message'});
  picker = el('div', {class: 'box', id: 'report-servers'});
  result = el('div', {id: 'report-result'});
  csvLink = el('a', {id: 'report-csv', href: '/api/report.csv', download: 'file-status-report.csv'}, 'Download CSV');
  replace(root, el('h2', {}, 'File Status Report'), picker,
    el('div', {class: 'toolbar'}, el('button', {type: 'button', class: 'primary', id: 'report-show', onclick: show}, 'Show report'), csvLink),
    message, result);
  refresh();
}

export function onEvent() {}

function chosen() {
  return Array.from(picker.querySelectorAll('input:checked')).map((c) => c.value);
}

function updateLink() {
  csvLink.setAttribute('href', '/api/report.csv?servers=' + encodeURIComponent(chosen().join(',')));
}

async function show() {
  const servers = chosen();
  if (!servers.length) return say(message, 'pick at least one server', 'error');
  try {
    const r = await api.op('report', {servers, format: 'json'});
    say(message, '');
    replace(result,
      table(['Server', 'Missing', 'Out of date', 'Up to date'], (r.servers || []).map((s) =>
        el('tr', {'data-server': s.server}, el('td', {}, s.server), el('td', {class: 'num missing'}, s.missing),
          el('td', {class: 'num out-of-date'}, s.out_of_date), el('td', {class: 'num up-to-date'}, s.up_to_date))), {id: 'report-summary'}),
      el('h3', {}, 'Patches'),
      table(['Server', 'Patch', 'Size', 'Status'], (r.patches || []).map((p) =>
        el('tr', {class: 'status-' + p.status}, el('td', {}, p.server), el('td', {}, p.patch),
          el('td', {class: 'num'}, bytes(p.size)), el('td', {}, String(p.status).replace(/_/g, ' ')))), {id: 'report-patches'}));
  } catch (e) {
    say(message, e.message, 'error');
  }
}

export async function refresh() {
  if (!root) return;
  try {
    const list = await api.op('server.list');
    const before = new Set(chosen());
    replace(picker, 'Servers:', (list.servers || []).map((s) =>
      el('label', {class: 'check'}, el('input', {type: 'checkbox', value: s.name, checked: before.has(s.name), onchange: updateLink}), s.name)));
    updateLink();
  } catch (e) {
    say(message, e.message, 'error');
  }
}
