// The page's only way to the daemon: distsync-web's /api (tools/web/web_server.h). Every
// POST carries the session's CSRF token; the session cookie is HttpOnly.
let session = null;
const listeners = new Set();

export async function start() {
  const reply = await fetch('/api/session', {credentials: 'same-origin'});
  session = await reply.json();
  return session;
}

export function current() { return session; }

export async function op(name, args = {}) {
  const reply = await fetch('/api/op/' + encodeURIComponent(name), {
    method: 'POST',
    credentials: 'same-origin',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': session.csrf},
    body: JSON.stringify(args),
  });
  let body;
  try {
    body = await reply.json();
  } catch (e) {
    throw new Error('distsync-web answered ' + reply.status + ' without a reply body');
  }
  if (!body.ok) throw new Error(body.error || ('request failed (' + reply.status + ')'));
  return body.result;
}

// Every event after the session's head, once, in order (the server fills bus gaps; the
// browser reconnects with Last-Event-ID).
export function follow(onState) {
  const source = new EventSource('/api/events?after=' + encodeURIComponent(session.head || 0));
  source.onopen = () => onState('live');
  source.onerror = () => onState('reconnecting');
  source.onmessage = (message) => {
    let event;
    try { event = JSON.parse(message.data); } catch (e) { return; }
    for (const fn of listeners) fn(event);
  };
  return source;
}

export function onEvent(fn) { listeners.add(fn); }
