// Controls generated from the catalog's parameter descriptions: a number is a slider plus a typed
// field, a whole number the same in whole steps, a pair (betas) two of those (number-row.js), a
// flag a checkbox, text (a formula) a text field, a choice a drop-down; any other kind (a value
// that may be null, a tuple, a list, a scheduler) a field holding its JSON, which the core checks
// (text-rows.js). No optimizer or landscape has code of its own here.

import { el, uid } from './dom.js';
import { numberRow, pairRow } from './number-row.js';
import { parseNumber } from './numbers.js';
import { messageLine, paramLabel } from './param-row.js';
import { jsonRow, textRow } from './text-rows.js';
import { addTip } from './tips.js';

/** The name a choice shows: its own, or "none" for null (torch's None). */
const choiceName = (c) => c ?? 'none';

/** A drop-down for a choice parameter; null (torch's None) shows as "none". */
function choiceRow(param, value, commit) {
  const id = uid('c');
  const options = [...param.choices, ...(param.nullable ? [null] : [])];
  const select = el(
    'select',
    { id, class: 'choice', 'aria-describedby': `${id}-doc` },
    ...options.map((c, k) => el('option', { value: String(k), text: choiceName(c) })),
  );
  const error = messageLine();
  let current = value;
  const show = (v) => {
    current = v;
    select.value = String(Math.max(0, options.indexOf(v)));
  };
  select.addEventListener('change', () => {
    const next = options[Number(select.value)];
    const problem = commit(next);
    error.show(problem);
    if (problem) show(current);
    else current = next;
  });
  show(value);
  return {
    el: el(
      'div',
      { class: 'param param-choice' },
      paramLabel(id, param.name),
      select,
      el('p', { class: 'param-doc', id: `${id}-doc`, text: param.doc }),
      error.el,
    ),
    set: show,
  };
}

/** A checkbox for a flag. */
function flagRow(param, value, commit) {
  const id = uid('f');
  const box = el('input', { type: 'checkbox', id, checked: Boolean(value), 'aria-describedby': `${id}-doc` });
  // Space plays and pauses wherever the focus is (keys.js): Enter ticks a focused checkbox.
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      box.click();
    }
  });
  const error = messageLine();
  box.addEventListener('change', () => {
    const problem = commit(box.checked);
    error.show(problem);
    if (problem) box.checked = !box.checked;
  });
  return {
    el: el(
      'div',
      { class: 'param param-flag' },
      box,
      paramLabel(id, param.name),
      el('p', { class: 'param-doc', id: `${id}-doc`, text: param.doc }),
      error.el,
    ),
    set(v) {
      box.checked = Boolean(v);
    },
  };
}

/**
 * The control for one catalog parameter.
 * `commit(value)` applies a new value and returns an error message or null.
 * Returns { el, set(value) }.
 */
export function paramControl(param, value, commit, options = {}) {
  const control = buildControl(param, value, commit, options);
  if (param.type === 'pair' && param.item_tips) {
    // Each number of a pair gets its own item's tip (β1, β2), the pair's tip on the pair.
    control.el.querySelectorAll(':scope > .param').forEach((row, k) => addTip(row, param.item_tips[k] && `${param.item_tips[k].symbol}: ${param.item_tips[k].tip}`));
    control.el.dataset.tip = param.tip || '';
  } else addTip(control.el, param.tip);
  return control;
}

function buildControl(param, value, commit, { compact = false } = {}) {
  if (param.type === 'number') {
    return numberRow({ label: param.name, doc: param.doc, range: param.range, slider: param.slider, value, commit, compact });
  }
  if (param.type === 'pair') return pairRow(param, value, commit);
  if (param.type === 'text') {
    return textRow({ label: param.name, doc: param.doc, maxChars: param.max_chars, value, commit });
  }
  if (param.type === 'choice') return choiceRow(param, value, commit);
  if (param.type === 'integer' && !param.nullable) {
    return numberRow({ label: param.name, doc: param.doc, range: param.range, slider: param.slider, value, commit, compact, whole: true });
  }
  if (param.type !== 'flag') return jsonRow({ label: param.name, doc: param.doc, value, commit });
  return flagRow(param, value, commit);
}

/**
 * A whole number typed in an existing `input` (its error line `error`), applied on Enter or when
 * it loses focus: read with the decimal and thousands commas people write, checked against
 * `range` (the catalog's) and applied by `commit(value)`, which returns the core's message or
 * null.
 */
export function wholeField(input, error, { name, range, commit }) {
  const apply = () => {
    const parsed = parseNumber(input.value, range, name, { whole: true });
    let problem = parsed.error;
    if (!problem && !Number.isInteger(parsed.value)) problem = `${name}: give a whole number`;
    if (!problem) problem = commit(parsed.value);
    error.textContent = problem || '';
    error.hidden = !problem;
    input.setAttribute('aria-invalid', problem ? 'true' : 'false');
  };
  input.addEventListener('change', apply);
  input.addEventListener('keydown', (e) => e.key === 'Enter' && apply());
}
