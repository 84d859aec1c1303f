// Small DOM helpers. Text always goes in as text nodes (never innerHTML): labels and URL content
// are user text.

/** `$(id)`: the element of that id inside `root` (the document, or the element the page is
 * mounted in). */
export function finder(root) {
  return (id) => root.querySelector(`#${id}`);
}

/** Whether `node` has the focus, asked of its own root: in a page mounted in a shadow root (a
 * notebook cell), the document's active element is the root's host. */
export function focused(node) {
  return node.getRootNode().activeElement === node;
}

/**
 * Creates an element. `attrs` keys: `class`, `text` (textContent), `on<event>` (listener),
 * `hidden`/`disabled`/`checked`/`value` (properties), anything else an attribute.
 * Children may be nodes, strings (as text) or null (skipped).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'hidden' || key === 'disabled' || key === 'checked' || key === 'value') node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

const SVG = 'http://www.w3.org/2000/svg';

/** Icon paths on a 24x24 grid, stroked with currentColor. */
const ICONS = {
  play: 'M7 4.5v15l12.5-7.5z',
  pause: 'M7 4.5h3.5v15H7zM13.5 4.5H17v15h-3.5z',
  step: 'M5 4.5v15l10-7.5zM17 4.5h2.5v15H17z',
  reset: 'M4.5 12a7.5 7.5 0 1 0 2.2-5.3M4.5 3.5v4h4',
  plus: 'M12 5v14M5 12h14',
  minus: 'M5 12h14',
  // The default view back: a house, as plotting tools' "home" button (not four corners, which
  // read as full screen).
  fit: 'M3.5 11.5L12 4l8.5 7.5M6 9.5v10h12v-10M10 19.5v-5h4v5',
  // A projector's screen on its stand.
  present: 'M3 4.5h18M4.5 4.5v10h15v-10M12 14.5v3M8 20.5l4-3 4 3',
  copy: 'M8 8h11v11H8zM5 16V5h11',
  download: 'M12 4v11M7 10.5l5 5 5-5M5 19.5h14',
  remove: 'M6 6l12 12M18 6L6 18',
  gear: 'M4 7h10M18 7h2M4 17h2M10 17h10M14 4.5v5M8 14.5v5',
  undo: 'M9 5L4 10l5 5M4 10h10a6 6 0 0 1 0 12h-3',
  export: 'M12 14.5V4M7.5 8.5L12 4l4.5 4.5M5 12.5v7h14v-7',
  record: 'M12 5.5a6.5 6.5 0 1 0 0 13a6.5 6.5 0 1 0 0-13z',
  stop: 'M6.5 6.5h11v11h-11z',
};
const FILLED = new Set(['play', 'pause', 'step', 'record', 'stop']);

/** An inline SVG icon, hidden from assistive technology (its button carries the label). */
export function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon icon-${name}`);
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name]);
  if (FILLED.has(name)) path.setAttribute('class', 'filled');
  svg.append(path);
  return svg;
}

/** A button with an icon and a visible or screen-reader-only text. */
export function iconButton(name, label, onclick, { showLabel = false, cls = '' } = {}) {
  return el(
    'button',
    { type: 'button', class: `btn ${showLabel ? '' : 'icon-only'} ${cls}`.trim(), 'aria-label': showLabel ? null : label, title: label, onclick },
    icon(name),
    showLabel ? el('span', { text: label }) : null,
  );
}

let counter = 0;
/** A page-unique id with a readable prefix. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Sets an element's text, touching the DOM only when it changed (cheap at 10 Hz). */
export function setText(node, text) {
  const t = node.firstChild;
  if (t && t.nodeType === Node.TEXT_NODE && !t.nextSibling) {
    if (t.data !== text) t.data = text;
  } else if (node.textContent !== text) {
    node.textContent = text;
  }
}

/** An element's size in whole CSS pixels, at least 1 each way (a canvas sized from it is never empty). */
export function cssSize(node) {
  return [node.clientWidth, node.clientHeight].map((v) => Math.max(1, Math.round(v)));
}

/** Offers `data` (text or a Blob) as a download named `name`. */
export function downloadFile(data, name, type = 'text/plain') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const link = el('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}
