// Downloads: Refresh files (engines/definitions, R9) and patch downloads, their progress
// and the sources they come from.
import * as api from './api.js';
import {el, replace, say, table, bytes, utc, debounce} from './dom.js';

let root, list, sources, message;
const refreshSoon = debounce(() => refresh(), 250);

export function mount(node) {
  root = node;
  message = el('div', {class: 'message', id: 'downloads-message'});
  list = el('div', {id: 'downloads-list'});
  sources = el('div', {id: 'downloads-sources'});
  replace(root, el('h2', {}, 'Downloads'),
    el('div', {class: 'toolbar write'},
      el('button', {type: 'button', id: 'download-refresh', onclick: () => start('refresh')}, 'Refresh files'),
      el('button', {type: 'button', id: 'download-patches', onclick: () => start('patches')}, 'Download patches')),
    message, list, el('h3', {}, 'Sources'), sources);
  refresh();
}

export function onEvent(event) {
  if (/^Download/.test(event.type)) refreshSoon();
}

async function start(kind) {
  try {
    const r = await api.op('download.start', {kind});
    say(message, 'started ' + (r.download || kind), 'ok');
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

async function cancel(id) {
  try {
    await api.op('download.cancel', {id});
    refresh();
  } catch (e) {
    say(message, e.message, 'error');
  }
}

export async function refresh() {
  if (!root) return;
  let downloads, src;
  try {
    [downloads, src] = await Promise.all([api.op('download.list', {all: true}), api.op('download.sources')]);
  } catch (e) {
    return say(message, e.message, 'error');
  }
  const rows = (downloads.downloads || []).map((d) => {
    const id = d.id || d.download;
    const total = d.bytes_total || 0, done = d.bytes_fetched || d.bytes_done || 0;
    const pct = total ? Math.min(100, Math.floor((100 * done) / total)) : (d.finished_us ? 100 : 0);
    return el('tr', {'data-download': id},
      el('td', {}, id), el('td', {}, d.kind), el('td', {}, d.status, d.reason ? el('div', {class: 'muted'}, d.reason) : null),
      el('td', {}, el('progress', {max: 100, value: pct}), ' ', pct + '%', el('div', {class: 'muted'}, bytes(done) + (total ? ' of ' + bytes(total) : ''))),
      el('td', {}, d.source || ''),
      el('td', {}, utc(d.started_us || d.queued_us)),
      el('td', {class: 'write'}, d.finished_us ? null : el('button', {type: 'button', onclick: () => cancel(id)}, 'Cancel')));
  });
  replace(list, rows.length ? table(['Download', 'Kind', 'Status', 'Progress', 'Source', 'Started', ''], rows)
    : el('p', {class: 'muted'}, 'no downloads yet'));
  replace(sources, table(['Kind', 'Source', 'Set by'], (src.sources || []).map((s) =>
    el('tr', {}, el('td', {}, s.kind), el('td', {}, s.source || '(not set)'), el('td', {}, s.origin)))));
}
