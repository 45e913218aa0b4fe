// DOM helpers. Everything the daemon says is untrusted in the page: it reaches the DOM only
// as text nodes and attribute values (never innerHTML), so no string can become markup.

// el('td', {class: 'num', onclick: fn}, 'text', child, ...): attributes via setAttribute,
// on* keys as listeners, boolean attributes for true/false; children are nodes or text.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  let initial;
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'value') {
      initial = String(value);
      if (tag === 'input') node.setAttribute('value', initial);
    } else if (key === 'checked') {
      node.defaultChecked = Boolean(value);
      node.checked = Boolean(value);
    } else if (value === true) {
      node.setAttribute(key, '');
    } else {
      node.setAttribute(key, String(value));
    }
  }
  append(node, children);
  if (initial !== undefined) node.value = initial;  // after the options of a <select>
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else if (child instanceof Node) node.appendChild(child);
    else node.appendChild(document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function replace(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}

// A message line: text only, 'error' or 'ok' styling.
export function say(node, text, kind = '') {
  node.className = 'message' + (kind ? ' ' + kind : '');
  node.textContent = text;
}

export function table(headers, rows, attrs = {}) {
  return el('table', attrs,
    el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))),
    el('tbody', {}, rows));
}

export function utc(us) {
  if (!us && us !== 0) return '';
  const d = new Date(Math.floor(Number(us) / 1000));
  return d.toISOString().replace('.000Z', 'Z');
}

export function bytes(n) {
  n = Number(n || 0);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(n) : n.toFixed(1)) + ' ' + units[i];
}

// Calls fn at most once per `ms`, after the last request.
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function field(label, input) {
  return el('label', {}, label, input);
}

export function check(label, input) {
  return el('label', {class: 'check'}, input, label);
}
