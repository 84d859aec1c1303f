// Plain-language tips on controls and read-outs. The words are the catalog's (`tip`,
// `item_tips`, an optimizer's `state` and the `quantities`); this module only shows them: as
// the row's title on hover, and as a line under it that a small (i) button (focusable, so it
// works by keyboard and on a touch screen) shows and hides.

import { el, uid } from './dom.js';

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
  const button = el('button', {
    type: 'button',
    class: 'tip-toggle',
    'aria-expanded': 'false',
    'aria-controls': id,
    'aria-label': 'What is this?',
    text: 'i',
  });
  button.addEventListener('click', () => {
    line.hidden = !line.hidden;
    button.setAttribute('aria-expanded', line.hidden ? 'false' : 'true');
  });
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
