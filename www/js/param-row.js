// What every parameter's control is made of: its label, the message line under it, and the
// keys of a typed field.

import { el } from './dom.js';

/** A parameter's label: a long snake_case name breaks after its underscores, not mid-word. */
export function paramLabel(id, text) {
  const parts = String(text).split(/(?<=_)/);
  return el('label', { for: id, class: 'param-label' }, ...parts.flatMap((p, i) => (i > 0 ? [el('wbr'), p] : [p])));
}

/**
 * The line under a control for what the core refused: `show(message)` shows or clears it.
 * With `id` the line is `${id}-err`; with `field` it marks that field invalid too.
 */
export function messageLine({ id = null, field = null } = {}) {
  const line = el('p', { class: 'param-error', id: id && `${id}-err`, 'aria-live': 'polite', hidden: true });
  return {
    el: line,
    show(message) {
      line.textContent = message || '';
      line.hidden = !message;
      field?.setAttribute('aria-invalid', message ? 'true' : 'false');
    },
  };
}

/** A typed field is applied on Enter or when it loses focus; Escape puts back the value in use. */
export function typedKeys(field, apply, revert) {
  field.addEventListener('change', apply);
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') apply();
    if (e.key === 'Escape') revert();
  });
}
