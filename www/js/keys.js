// The page's keys: one table feeds the keyboard handler and the Keys card, so the card lists
// every key there is. A key acts wherever the focus is within the page, except in a text field:
// Space on a focused button, checkbox or drop-down (the Scene picker just used) plays and pauses
// rather than pressing, ticking or opening it (Enter presses and ticks, the arrow keys choose).

import { el } from './dom.js';

/** Whether keys pressed on `target` type there (a text field) rather than act on the page. */
export function typing(target) {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.tagName === 'TEXTAREA') return true;
  return target.tagName === 'INPUT' && !['range', 'checkbox', 'color', 'button', 'radio'].includes(target.type);
}

/**
 * Runs the action of `table`'s keys ([{keys: ['s', '.'], run}]) pressed within `root` (the
 * document, or the element the page is mounted in) while `active()`, but where the focus types.
 * Space taken here does not also press a focused button on its release.
 */
export function listenKeys(root, table, active) {
  let tookSpace = false;
  root.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || !active() || typing(e.target)) return;
    const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    const entry = table.find((k) => k.keys.includes(key));
    if (!entry) return;
    e.preventDefault();
    tookSpace = key === ' ';
    if (!e.repeat || entry.repeats) entry.run();
  });
  root.addEventListener('keyup', (e) => {
    if (e.key === ' ' && tookSpace) {
      e.preventDefault();
      tookSpace = false;
    }
  });
}

/** The keys that act on a focused control, for the Keys card after the page's own. */
export const CONTROL_KEYS = [
  { label: ['←', '↑', '→', '↓'], text: 'pan (on the focused plot)' },
  { label: ['Enter'], text: 'apply a typed value; tick a focused checkbox' },
  { label: ['Esc'], text: 'put back a typed value' },
];

/** The Keys card's list: every entry of `table` ([{label, text}]) and then `CONTROL_KEYS`. */
export function keyList(table) {
  return [...table, ...CONTROL_KEYS].map((k) =>
    el('li', {}, ...k.label.flatMap((l, i) => [i > 0 ? ' ' : null, el('kbd', { text: l })].filter(Boolean)), ` ${k.text}`),
  );
}
