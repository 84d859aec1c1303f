// A button that opens a small menu of actions below it (Record's formats, the Export menus).

import { el } from './dom.js';

/**
 * A button that opens a small panel of actions below it (the disclosure pattern: Tab reaches
 * every item; arrows move between them; Escape closes and gives the focus back).
 * `items`: [{ label, run, disabled?, note? }].
 */
export function disclosure(button, items, cls) {
  const panel = el('div', { class: `action-menu ${cls}`, hidden: true });
  const buttons = items.map((item) =>
    el('button', { type: 'button', class: 'menu-item', disabled: item.disabled, title: item.note, onclick: () => (close(false), item.run()) }, item.label),
  );
  panel.append(...buttons);
  const wrap = el('div', { class: 'menu-wrap' });
  button.replaceWith(wrap);
  wrap.append(button, panel);
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', (panel.id = `${button.id}-menu`));

  function open(focusFirst) {
    panel.hidden = false;
    // Below the button, on the side that keeps it inside the window.
    panel.classList.remove('to-left');
    if (panel.getBoundingClientRect().left < 0) panel.classList.add('to-left');
    button.setAttribute('aria-expanded', 'true');
    if (focusFirst) buttons.find((b) => !b.disabled)?.focus();
  }
  function close(focusButton) {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  }
  button.addEventListener('click', (e) => (panel.hidden ? open(e.detail === 0) : close(false)));
  wrap.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !panel.hidden) {
      e.preventDefault();
      const live = buttons.filter((b) => !b.disabled);
      const at = live.indexOf(document.activeElement);
      live[(at + (e.key === 'ArrowDown' ? 1 : live.length - 1)) % live.length]?.focus();
    }
  });
  wrap.addEventListener('focusout', (e) => !wrap.contains(e.relatedTarget) && e.relatedTarget && close(false));
  document.addEventListener('pointerdown', (e) => !wrap.contains(e.target) && close(false));
  return { wrap, panel, close };
}
