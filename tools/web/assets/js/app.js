// The page: tabs, the live connection and the panes (one module each).
import * as api from './api.js';
import {el, say} from './dom.js';
import * as servers from './servers.js';
import * as schedules from './schedules.js';
import * as jobs from './jobs.js';
import * as report from './report.js';
import * as history from './history.js';
import * as downloads from './downloads.js';

const panes = {servers, schedules, jobs, report, history, downloads};
const mounted = new Set();
let active = null;

function show(name) {
  if (!panes[name]) name = 'servers';
  active = name;
  for (const button of document.querySelectorAll('#tabs button')) {
    button.classList.toggle('active', button.dataset.pane === name);
  }
  for (const key of Object.keys(panes)) {
    document.getElementById('pane-' + key).hidden = key !== name;
  }
  const root = document.getElementById('pane-' + name);
  if (!mounted.has(name)) {
    mounted.add(name);
    panes[name].mount(root);
  } else {
    panes[name].refresh();
  }
  if (location.hash !== '#' + name) history_replace(name);
}

function history_replace(name) {
  window.history.replaceState(null, '', '#' + name);
}

async function main() {
  const session = await api.start();
  if (session.read_only) {
    document.body.classList.add('read-only');
    document.getElementById('read-only').hidden = false;
  }
  document.getElementById('console-id').textContent = 'console ' + (session.console || '?');
  const head = document.getElementById('head');
  head.textContent = 'seq ' + (session.head || 0);
  const live = document.getElementById('live');
  api.follow((state) => {
    live.textContent = state;
    live.className = 'badge ' + (state === 'live' ? 'good' : 'warn');
  });
  const liveEvents = document.getElementById('live-events');
  api.onEvent((event) => {
    head.textContent = 'seq ' + event.seq;
    // Straight from the stream, no timer: background tabs throttle timers, not events.
    liveEvents.insertBefore(el('li', {'data-seq': event.seq, 'data-type': event.type},
      event.seq + ' ' + event.type + ' ' + (event.correlation || '')), liveEvents.firstChild);
    while (liveEvents.childNodes.length > 50) liveEvents.removeChild(liveEvents.lastChild);
    for (const name of mounted) panes[name].onEvent(event, name === active);
  });
  for (const button of document.querySelectorAll('#tabs button')) {
    button.addEventListener('click', () => show(button.dataset.pane));
  }
  show(location.hash.slice(1) || 'servers');
}

main().catch((e) => {
  const live = document.getElementById('live');
  say(live, 'error: ' + e.message);
});
