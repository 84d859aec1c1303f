// Controls generated from the catalog's parameter descriptions: a number is a slider plus a typed
// field, a whole number the same in whole steps, a pair (betas) two of those, a flag a checkbox,
// text (a formula) a text field, a choice a drop-down; any other kind (a value that may be null, a
// tuple, a list, a scheduler) a field holding its JSON, which the core checks. No optimizer or
// landscape has code of its own here.

import { el, focused, uid } from './dom.js';
import { fmt, parseNumber, sliderSteps } from './numbers.js';
import { addTip } from './tips.js';

/** A parameter's label: a long snake_case name breaks after its underscores, not mid-word. */
function paramLabel(id, text) {
  const parts = String(text).split(/(?<=_)/);
  return el('label', { for: id, class: 'param-label' }, ...parts.flatMap((p, i) => (i > 0 ? [el('wbr'), p] : [p])));
}

/** The line under a typed field (`${id}-err`): `show(message)` shows or clears it and marks the field. */
function errorLine(id, field) {
  const line = el('p', { class: 'param-error', id: `${id}-err`, 'aria-live': 'polite', hidden: true });
  return {
    el: line,
    show(message) {
      line.textContent = message || '';
      line.hidden = !message;
      field.setAttribute('aria-invalid', message ? 'true' : 'false');
    },
  };
}

/** A typed field is applied on Enter or when it loses focus; Escape puts back the value in use. */
function typedKeys(field, apply, revert) {
  field.addEventListener('change', apply);
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') apply();
    if (e.key === 'Escape') revert();
  });
}

/**
 * A slider with a typed field for one number.
 * `commit(value)` applies it and returns an error message, or null when applied.
 */
function numberRow({ label, doc, range, slider, value, commit, compact = false, whole = false }) {
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
  const error = errorLine(id, text);
  const showError = error.show;
  let current = value;

  function show(v, { force = false } = {}) {
    current = v;
    range_.value = String(steps.index(v));
    range_.setAttribute('aria-valuetext', fmt(v));
    if (force || !focused(text)) text.value = String(v);
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
    if (parsed.value === current) {
      showError(null);
      show(current, { force: true });
      return;
    }
    const problem = commit(parsed.value);
    showError(problem);
    if (!problem) show(parsed.value, { force: true });
  };
  typedKeys(text, fromText, () => {
    showError(null);
    show(current, { force: true });
  });

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

/**
 * A text field (a formula), applied on Enter or when it loses focus; Escape puts back the value
 * in use. The core checks it: its message shows under the field, and the scene keeps the last
 * valid text.
 */
function textRow({ label, doc, maxChars, value, commit }) {
  const id = uid('t');
  const input = el('input', {
    type: 'text',
    id,
    class: 'text formula-input',
    maxlength: maxChars,
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    'aria-describedby': `${id}-doc ${id}-err`,
  });
  const error = errorLine(id, input);
  const showError = error.show;
  let current = value;

  function show(v, { force = false } = {}) {
    current = v;
    if (force || !focused(input)) input.value = v;
  }

  const apply = () => {
    const v = input.value;
    if (v === current) {
      showError(null);
      return;
    }
    const problem = commit(v);
    showError(problem);
    if (!problem) show(v, { force: true });
  };
  typedKeys(input, apply, () => {
    showError(null);
    show(current, { force: true });
  });

  show(value, { force: true });
  return {
    el: el(
      'div',
      { class: 'param param-text' },
      paramLabel(id, label),
      input,
      el('p', { class: 'param-doc', id: `${id}-doc`, text: doc }),
      error.el,
    ),
    set: (v) => show(v),
    showError,
  };
}

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
  const error = el('p', { class: 'param-error', 'aria-live': 'polite', hidden: true });
  let current = value;
  const show = (v) => {
    current = v;
    select.value = String(Math.max(0, options.indexOf(v)));
  };
  select.addEventListener('change', () => {
    const next = options[Number(select.value)];
    const problem = commit(next);
    error.textContent = problem || '';
    error.hidden = !problem;
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
      error,
    ),
    set: show,
  };
}

/**
 * A field holding a value as JSON (`null`, `[null, 0.001]`, `{"name": "StepLR", "step_size": 100}`),
 * for the kinds without a control of their own: applied on Enter or when it loses focus, and
 * checked by the core, whose message shows under it.
 */
function jsonRow({ label, doc, value, commit }) {
  const id = uid('j');
  const input = el('input', {
    type: 'text',
    id,
    class: 'text json-input',
    spellcheck: 'false',
    autocomplete: 'off',
    autocapitalize: 'off',
    'aria-describedby': `${id}-doc ${id}-err`,
  });
  const error = errorLine(id, input);
  let current = JSON.stringify(value ?? null);
  const show = (v, { force = false } = {}) => {
    current = JSON.stringify(v ?? null);
    if (force || !focused(input)) input.value = current;
  };
  const apply = () => {
    if (input.value === current) {
      error.show(null);
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(input.value);
    } catch {
      error.show(`${label}: not JSON`);
      return;
    }
    const problem = commit(parsed);
    error.show(problem);
    if (!problem) show(parsed, { force: true });
  };
  typedKeys(input, apply, () => {
    error.show(null);
    show(JSON.parse(current), { force: true });
  });
  show(value, { force: true });
  return {
    el: el(
      'div',
      { class: 'param param-json' },
      paramLabel(id, label),
      input,
      el('p', { class: 'param-doc', id: `${id}-doc`, text: doc }),
      error.el,
    ),
    set: (v) => show(v),
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
  if (param.type === 'pair') {
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
  if (param.type === 'text') {
    return textRow({ label: param.name, doc: param.doc, maxChars: param.max_chars, value, commit });
  }
  if (param.type === 'choice') return choiceRow(param, value, commit);
  if (param.type === 'integer' && !param.nullable) {
    return numberRow({ label: param.name, doc: param.doc, range: param.range, slider: param.slider, value, commit, compact, whole: true });
  }
  if (param.type !== 'flag') return jsonRow({ label: param.name, doc: param.doc, value, commit });
  // flag
  const id = uid('f');
  const box = el('input', { type: 'checkbox', id, checked: Boolean(value), 'aria-describedby': `${id}-doc` });
  // Space plays and pauses wherever the focus is (keys.js): Enter ticks a focused checkbox.
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      box.click();
    }
  });
  const error = el('p', { class: 'param-error', 'aria-live': 'polite', hidden: true });
  box.addEventListener('change', () => {
    const problem = commit(box.checked);
    error.textContent = problem || '';
    error.hidden = !problem;
    if (problem) box.checked = !box.checked;
  });
  return {
    el: el(
      'div',
      { class: 'param param-flag' },
      box,
      paramLabel(id, param.name),
      el('p', { class: 'param-doc', id: `${id}-doc`, text: param.doc }),
      error,
    ),
    set(v) {
      box.checked = Boolean(v);
    },
  };
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
