// The classifier's training loop: one wasm call per animation frame within a time budget and at
// the chosen pace, the projected surface filled in while paused, and the charts' sizes.

import { cssSize } from './dom.js';
import { messageOf } from './specstate.js';
import { showProjection } from './results.js';

/** Milliseconds of training per animation frame. */
const BUDGET_MS = 6;
/** Milliseconds per frame for sampling the projected loss surface, while training and not. */
const SURFACE_MS = 4;
const SURFACE_IDLE_MS = 10;
const TABLE_INTERVAL_MS = 100;
/** Epochs per second each racer may train at most (the pace select); Infinity: as fast as it can. */
export const PACES = [
  { value: 'max', text: 'as fast as possible', epochs: Infinity },
  { value: '4', text: '4 epochs per second', epochs: 4 },
  { value: '2', text: '2 epochs per second', epochs: 2 },
  { value: '1', text: '1 epoch per second', epochs: 1 },
  { value: '0.25', text: '1 epoch every 4 s', epochs: 0.25 },
];
const DEFAULT_PACE = '2';

/** The pace a tab starts at. */
export const defaultPace = () => PACES.find((p) => p.value === DEFAULT_PACE);

/**
 * The loop of the classifier tab: `$` finds its elements, `c` is the tab's state (the Classify
 * object, states, pace, ...), `cat` the catalog, `race` the shared race (race.js), `banner` the
 * tab's messages.
 */
export function classifyLoop({ $, c, cat, race, banner }) {
  function tick(now) {
    const dt = c.lastFrame === null ? 1000 / 60 : Math.min(100, now - c.lastFrame);
    c.lastFrame = now;
    try {
      if (!race.playing) return idle(now);
      let cap = Infinity;
      if (Number.isFinite(c.pace.epochs)) {
        const perEpoch = Math.ceil(cat.classify.train_samples / race.spec.batch_size);
        c.credit = Math.min(c.credit + (c.pace.epochs * perEpoch * dt) / 1000, perEpoch);
        cap = Math.floor(c.credit);
        c.credit -= cap;
      }
      c.states = c.classify.advance(BUDGET_MS, cap, SURFACE_MS);
      const done = c.classify.finished();
      if (done || now - c.lastTable >= TABLE_INTERVAL_MS) {
        c.lastTable = now;
        race.refreshCards();
      }
      if (done) {
        race.playing = false;
        race.updateTransport();
        $('train-announce').textContent = 'Training finished.';
      }
    } catch (e) {
      race.playing = false;
      race.held = true;
      race.updateTransport();
      banner.show(`Training stopped: ${messageOf(e)}`);
    }
  }

  /** Paused or finished: the projected surface keeps filling in, without training. */
  function idle(now) {
    if (!c.projPending) return;
    c.states = c.classify.advance(0, 0, SURFACE_IDLE_MS);
    if (now - c.lastTable >= TABLE_INTERVAL_MS) {
      c.lastTable = now;
      c.projPending = showProjection($, c.classify).available && !c.classify.projection().done;
    }
  }

  /** Sets the pace: epochs per second per racer, or 'max' (an unknown one keeps the pace). */
  function setPace(value) {
    c.pace = PACES.find((p) => p.value === String(value)) ?? c.pace;
    $('train-pace').value = c.pace.value;
    c.credit = 0;
  }

  /** Canvas sizes: CSS size times devicePixelRatio, redrawn on every change. */
  function fit() {
    if (!c.classify || !race.active) return;
    const dpr = window.devicePixelRatio || 1;
    const css = (id) => cssSize($(id));
    const [loss, acc, proj] = [css('train-loss-box'), css('train-acc-box'), css('train-proj-box')];
    const key = [...loss, ...acc, ...proj, dpr].join(',');
    if (c.size.key === key) return;
    c.size.key = key;
    for (const [id, [w, h]] of [['train-loss', loss], ['train-acc', acc], ['train-proj', proj], ['train-proj-over', proj]]) {
      [$(id).width, $(id).height] = [Math.round(w * dpr), Math.round(h * dpr)];
    }
    c.classify.resize(dpr);
  }

  return { tick, setPace, fit };
}
