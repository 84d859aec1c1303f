// "Tune": each racer's learning rate set to the best point of its sweep, as `optiscape tune`
// sets it. What is left of the sweeps runs a few milliseconds a frame first, so the page never
// freezes (the button says how far they are); then the core applies the tuned spec and the cards
// say which rates it set.

import { messageOf } from './specstate.js';

/** Sweep work per frame while tuning, in ms. */
const WORK_MS = 12;

/**
 * The Tune button. `hooks`: scene() -> Scene, applied() (after the core took the tuned spec),
 * problem(message).
 */
export function attachTune(button, hooks) {
  let running = false;
  const label = button.textContent;

  function done() {
    running = false;
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }

  function frame() {
    try {
      if (hooks.scene().sweep_work(WORK_MS)) {
        button.textContent = hooks.scene().tuning_text();
        requestAnimationFrame(frame);
        return;
      }
      hooks.scene().tune();
      hooks.applied();
    } catch (e) {
      hooks.problem(`Cannot tune: ${messageOf(e)}`);
    }
    done();
  }

  button.addEventListener('click', () => {
    if (running) return;
    running = true;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
    button.textContent = hooks.scene().tuning_text();
    requestAnimationFrame(frame);
  });
}
