// Plain-language tips on controls and read-outs. The words are the catalog's (`tip`,
// `item_tips`, an optimizer's `state` and the `quantities`); this module only shows them: as
// the row's title on hover, and as a line under it that a small (i) button (focusable, so it
// works by keyboard and on a touch screen) shows and hides.

import { el, setText, uid } from './dom.js';

/** An ⓘ button that shows and hides `line` (its letter `letter`; none: drawn by the stylesheet). */
function tipToggle(line, label, letter = 'i') {
  const button = el('button', {
    type: 'button',
    class: 'tip-toggle',
    'aria-expanded': 'false',
    'aria-controls': line.id,
    'aria-label': label,
    text: letter,
  });
  button.addEventListener('click', () => {
    line.hidden = !line.hidden;
    button.setAttribute('aria-expanded', line.hidden ? 'false' : 'true');
  });
  return button;
}

/**
 * Adds `tip` to a control's row: its title, a data attribute the tests read, and an ⓘ toggle
 * for a line that says it. Nothing without a tip.
 */
export function addTip(row, tip) {
  if (!row || !tip) return row;
  const id = uid('tip');
  row.dataset.tip = tip;
  row.title = tip;
  const line = el('p', { class: 'param-tip', id, hidden: true, text: tip });
  const button = tipToggle(line, 'What is this?');
  // The label and the button share the label's cell (the button outside the <label>, so that
  // the control's accessible name stays the parameter's).
  const label = row.querySelector(':scope > .param-label');
  if (label) {
    const head = el('span', { class: 'param-head' });
    label.replaceWith(head);
    head.append(label, button);
  } else row.prepend(button);
  row.append(line);
  return row;
}

/**
 * The plain-language line of an inspector quantity named `name` (an optimizer state's, then
 * the race's quantities), or ''.
 */
export function quantityTip(cat, optimizer, name) {
  const own = optimizer?.state?.find((s) => s.name === name);
  if (own) return own.tip;
  return cat.quantities?.find((q) => q.name === name)?.tip ?? '';
}

/**
 * Fills the inspector's list `dl` with `entries` ([{name, value}]): each name (its tip as its
 * title, and an ⓘ button for a line that says it, as the controls have), its value as
 * `text(value)`. Refreshed many times a second, the rows are kept while the names stay, so an
 * open line and a focused button stay as they are.
 */
export function fillInspector(dl, entries, tipOf, text) {
  const rows = (dl.inspectorRows ??= new Map());
  const names = entries.map((e) => e.name).join('\n');
  if (dl.dataset.names !== names || dl.childElementCount === 0) {
    const focused = dl.contains(document.activeElement) ? document.activeElement : null;
    dl.dataset.names = names;
    const kept = new Map();
    for (const { name } of entries) kept.set(name, rows.get(name) ?? inspectorRow(name, tipOf(name)));
    rows.clear();
    kept.forEach((row, name) => rows.set(name, row));
    dl.replaceChildren(...[...rows.values()].flatMap((r) => [r.dt, r.dd, r.line].filter(Boolean)));
    if (focused && dl.contains(focused)) focused.focus({ preventScroll: true });
  }
  for (const { name, value } of entries) setText(rows.get(name).dd, text(value));
}

/** One row of the inspector: the name (with its ⓘ when it has a tip), the value, the tip's line. */
function inspectorRow(name, tip) {
  const dt = el('dt', { title: tip || null, 'data-tip': tip || null }, name);
  const dd = el('dd', { title: tip || null });
  if (!tip) return { dt, dd, line: null };
  const line = el('dd', { class: 'param-tip state-tip', id: uid('tip'), hidden: true, text: tip });
  // Its letter drawn by the stylesheet: the name stays the row's text.
  dt.append(tipToggle(line, `What is ${name}?`, ''));
  return { dt, dd, line };
}
