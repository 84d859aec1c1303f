// Typed controls the core checks: a formula as text, and a value as JSON for the kinds without
// a control of their own (a value that may be null, a tuple, a list, a scheduler).

import { el, focused, uid } from './dom.js';
import { messageLine, paramLabel, typedKeys } from './param-row.js';

/**
 * A text field (a formula), applied on Enter or when it loses focus; Escape puts back the value
 * in use. The core checks it: its message shows under the field, and the scene keeps the last
 * valid text.
 */
export function textRow({ label, doc, maxChars, value, commit }) {
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
  const error = messageLine({ id, field: input });
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

/**
 * A field holding a value as JSON (`null`, `[null, 0.001]`, `{"name": "StepLR", "step_size": 100}`),
 * for the kinds without a control of their own: applied on Enter or when it loses focus, and
 * checked by the core, whose message shows under it.
 */
export function jsonRow({ label, doc, value, commit }) {
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
  const error = messageLine({ id, field: input });
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
