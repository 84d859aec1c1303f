// A number's control: a slider built from the catalog's slider hint plus a typed field (in whole
// steps for a whole number), and a pair of them (betas).

import { el, focused, uid } from './dom.js';
import { fmt, parseNumber, sliderSteps } from './numbers.js';
import { messageLine, paramLabel, typedKeys } from './param-row.js';

/**
 * A slider with a typed field for one number.
 * `commit(value)` applies it and returns an error message, or null when applied.
 */
export function numberRow({ label, doc, range, slider, value, commit, compact = false, whole = false }) {
  const snap = whole ? Math.round : (v) => v;
  const id = uid('p');
  const steps = sliderSteps(slider);
  const range_ = el('input', {
    type: 'range',
    id,
    class: 'slider',
    min: 0,
    max: steps.count - 1,
    step: 1,
    'aria-describedby': doc ? `${id}-doc` : null,
  });
  const text = el('input', {
    type: 'text',
    class: 'num',
    inputmode: 'decimal',
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-label': `${label} (type a value)`,
    'aria-describedby': `${id}-err`,
  });
  const error = messageLine({ id, field: text });
  const showError = error.show;
  let current = value;

  function show(v, { force = false } = {}) {
    current = v;
    range_.value = String(steps.index(v));
    range_.setAttribute('aria-valuetext', fmt(v));
    if (force || !focused(text)) text.value = String(v);
  }

  /** The value in use back in the field, no message. */
  function revert() {
    showError(null);
    show(current, { force: true });
  }

  range_.addEventListener('input', () => {
    const v = snap(steps.value(Number(range_.value)));
    const problem = commit(v);
    showError(problem);
    if (problem) show(current, { force: true });
    else show(v, { force: true });
  });
  const fromText = () => {
    const parsed = parseNumber(text.value, range, label);
    if (parsed.error) {
      showError(parsed.error);
      return;
    }
    if (whole && !Number.isInteger(parsed.value)) {
      showError(`${label} must be a whole number`);
      return;
    }
    if (parsed.value === current) return revert();
    const problem = commit(parsed.value);
    showError(problem);
    if (!problem) show(parsed.value, { force: true });
  };
  typedKeys(text, fromText, revert);

  show(value, { force: true });
  const row = el(
    'div',
    { class: 'param' },
    paramLabel(id, label),
    range_,
    text,
    doc ? el('p', { class: compact ? 'sr-only' : 'param-doc', id: `${id}-doc`, text: doc }) : null,
    error.el,
  );
  if (compact && doc) row.title = doc;
  return { el: row, set: (v) => show(v), showError };
}

/** Two numbers as one value (betas): a row each, the pair's doc under the second. */
export function pairRow(param, value, commit) {
  let pair = [...value];
  const rows = [0, 1].map((k) =>
    numberRow({
      label: `${param.name}[${k}]`,
      doc: k === 1 ? param.doc : null,
      range: param.range,
      slider: param.slider,
      value: pair[k],
      commit(v) {
        const next = [...pair];
        next[k] = v;
        const problem = commit(next);
        if (!problem) pair = next;
        return problem;
      },
    }),
  );
  return {
    el: el('div', { class: 'param-pair' }, rows[0].el, rows[1].el),
    set(v) {
      pair = [...v];
      rows.forEach((r, k) => r.set(pair[k]));
    },
  };
}
