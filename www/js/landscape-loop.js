// The landscape race's clock: the per-frame work (one wasm call), the racers replayed up to the
// race's step, stepping and seeking, and the timeline.

import { setText } from './dom.js';
import { attachSweep } from './sweep.js';

const DEFAULT_SPEED = 5;
const CARDS_HZ = 10; // card refreshes per second while racing
const INSPECT_INTERVAL_MS = 250;
const REFINE_MS = 8; // per frame, while a costly landscape is refined
const CHUNK = 1000; // scene.frame advances at most this many steps per call

/**
 * The loop of the landscape tab's race: `$` finds its elements, `t` is the tab's state (scene,
 * states, clock, ...), `race` the shared race (race.js), `frames` reads the packed frame
 * (frames.js) and `view` the tab's view (landscape-view.js), whose pending pan each frame applies.
 */
export function landscapeLoop({ $, t, race, frames, view }) {
  /** Every racer's state, the clock and who is behind it, after a change (not every frame). */
  function readStates() {
    t.states = t.scene.frame(0);
    t.clock = t.scene.clock();
    t.behind = t.scene.behind();
    showCatchUp();
  }

  function speed() {
    return race.spec.speed ?? DEFAULT_SPEED;
  }

  /** Steps to take this frame: up to speed, until the clock reaches the stop step (none once
   * every racer stopped). */
  function stepsThisFrame() {
    if (t.states.every((s) => s.status !== 'ok')) return 0;
    return Math.min(speed(), Math.max(0, race.spec.steps - t.clock));
  }

  /** Whether the race is over: at its stop step (or every racer stopped), none being replayed. */
  function finished() {
    return t.behind === 0 && stepsThisFrame() === 0;
  }

  /** The per-frame work: one wasm call, then the cards (a few times a second while `live`). */
  function advance(n, now = performance.now(), live = race.playing) {
    const packed = t.surface ? t.surface.advance(n) : t.scene.advance(n);
    ({ clock: t.clock, behind: t.behind } = frames.tail(packed));
    if (frames.racers(packed) !== t.states.length) t.states = t.scene.states();
    else frames.read(packed, t.states);
    if (!live || now - t.lastCards >= 1000 / CARDS_HZ) {
      t.lastCards = now;
      race.refreshCards();
      updateTimeline();
    }
    if (now - t.lastInspect >= INSPECT_INTERVAL_MS && race.list.anyExpanded()) {
      t.lastInspect = now;
      race.list.updateInspectors();
    }
    showCatchUp();
  }

  /** The note that says racers are being replayed up to the race's step (the others wait). */
  function showCatchUp() {
    const note = $('catch-up');
    const show = t.behind > 0;
    if (note.hidden === show) note.hidden = !show;
    if (show) setText(note, `Replaying ${t.behind === 1 ? '1 racer' : `${t.behind} racers`} to step ${t.clock}…`);
  }

  /** One animation frame while the tab is shown. */
  function tick(now) {
    if (t.onFrame) return t.onFrame(now);
    const panned = view.applyPending();
    // A landscape too costly to sample in one frame is shown coarse, then sharpened: from the
    // second frame on, so the first one shows the page as soon as it can, and not while the
    // view moves (each pan starts it over).
    if (!panned && t.scene.refining() && t.firstFrame !== null) t.scene.refine(REFINE_MS);
    // Racers behind the clock are replayed a frame at a time, playing or not.
    if (t.behind > 0 && !race.playing) {
      advance(0, now, true);
      if (t.behind === 0) {
        race.refreshCards();
        race.list.updateInspectors();
        race.updateTransport();
      }
    }
    if (race.playing && race.active) {
      const n = stepsThisFrame();
      if (n > 0 || t.behind > 0) advance(n, now);
      else {
        race.playing = false;
        race.refreshCards();
        race.updateTransport();
      }
    }
    if (t.firstFrame === null) firstFrame(now);
  }

  /** The first frame: the page is there; the sweeps run in idle time from now on. */
  function firstFrame(now) {
    if (!race.playing) advance(0, now);
    t.firstFrame = performance.now();
    t.sweep = attachSweep($('sweep'), $('sweep-box'), $('sweep-sub'), { scene: () => t.scene, active: () => race.active });
    t.sweep.resize(t.size.dpr);
    t.sweep.schedule();
  }

  /** Advances every racer n steps now (pausing the animation; never past the stop step):
   * racers behind the clock are replayed to it first. */
  function stepNow(n) {
    let left = Math.max(0, Math.floor(Number(n) || 0));
    race.playing = false;
    race.held = true;
    t.scene.settle();
    do {
      const k = Math.min(left, CHUNK);
      t.states = t.scene.frame(k);
      left -= k;
    } while (left > 0);
    afterJump();
  }

  /** Every racer at step `k` of the race (replayed from the start when it lies behind). `now`:
   * at once; else as far as a frame's budget allows, the rest over the next frames. */
  function seekTo(k, now) {
    t.scene.seek(Math.max(0, Math.min(Math.floor(Number(k) || 0), race.spec.steps)));
    if (now) t.scene.settle();
    t.states = t.scene.frame(0);
    afterJump();
  }

  function afterJump() {
    t.clock = t.scene.clock();
    t.behind = t.scene.behind();
    race.refreshCards();
    race.list.updateInspectors();
    race.updateTransport();
    showCatchUp();
  }

  /** The timeline slider and its read-out follow the race (not while it is being dragged). */
  function updateTimeline() {
    if (!race.spec) return;
    const seek = $('seek');
    const max = String(race.spec.steps);
    if (seek.max !== max) seek.max = max;
    if (t.behind === 0) t.seeking = false;
    if (!t.seeking && seek.value !== String(t.clock)) seek.value = String(t.clock);
    setText($('seek-out'), `${t.clock} / ${race.spec.steps}`);
    const said = `step ${t.clock} of ${race.spec.steps}`;
    if (seek.getAttribute('aria-valuetext') !== said) seek.setAttribute('aria-valuetext', said);
  }

  return { readStates, speed, finished, advance, tick, stepNow, seekTo, updateTimeline };
}
