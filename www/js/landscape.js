// The landscape tab: optimizers racing on a 2-D landscape. The shared race (race.js) gives it
// its spec, racer list, transport and header; this adds the Scene and its five canvases, the
// one call per animation frame, the timeline, speed and stop step, the landscape card, the view
// (zoom and pan) and the learning-rate sweep card.

import { Scene, draw_lr_sequence as drawLrSequence, lr_sequence as lrSequence, scheduler_for as schedulerFor } from '../pkg/optiscape.js';
import { finder, setText } from './dom.js';
import { frameReader } from './frames.js';
import { keyList } from './keys.js';
import { landscapeControls } from './landscape-controls.js';
import { attachExplain } from './explain.js';
import { attachPlot } from './plot.js';
import { attachSurface } from './surface.js';
import { createRace } from './race.js';
import { messageOf } from './specstate.js';
import { attachSweep } from './sweep.js';
import { attachTune } from './tune.js';

export const SPEC_KEY = '#spec=';
const DEFAULT_SPEED = 5;
const CARDS_HZ = 10; // card refreshes per second while racing
const INSPECT_INTERVAL_MS = 250;
const REFINE_MS = 8; // per frame, while a costly landscape is refined
const CHUNK = 1000; // scene.frame advances at most this many steps per call
const CANVASES = ['bg', 'casings', 'trails', 'overlay'];

/**
 * The landscape tab in `root`: `cat` the catalog, `host` the page's surroundings, `layout` the
 * core's packed frame layout, `banner` its messages. Returns the tab: its race, `tick(now)` (the
 * per-frame work, while shown), `fit()` (after a resize), and what window.optiscape offers.
 */
export function createLandscape(root, cat, host, layout, banner) {
  const $ = finder(root);
  const frames = frameReader(layout);
  const t = { scene: null, states: [], clock: 0, behind: 0, seeking: false, lastCards: 0, lastInspect: 0, size: {}, pendingView: null, sweep: null, plot: null, controls: null, onFrame: null, firstFrame: null };

  const race = createRace(root, cat, host, {
    key: SPEC_KEY,
    target: () => t.scene,
    ids: { list: 'racer-list', addOpt: 'add-opt', add: 'add', count: 'racer-count', play: 'play', reset: 'reset', preset: 'preset', hint: 'hint', copyLink: 'copy-link', saveImage: 'save-image', announce: 'announce' },
    labels: ['Play', 'Pause', 'Replay'],
    presets: cat.presets,
    optimizers: cat.optimizers,
    read: readStates,
    states: () => t.states,
    fresh: (text) => t.scene.load(text),
    finished,
    sync: () => {
      t.controls.sync();
      t.sweep?.schedule();
    },
    transport: updateTimeline,
    problem: (text) => banner.show(text),
    panels: snapshotPanels,
    fileName: () => `optiscape-${race.spec.landscape.name}.png`,
    keyTable: (shared) => [
      shared.play,
      // As in video players: a step forward and a step back.
      { keys: ['s', '.'], label: ['S', '.'], text: 'one step', run: () => stepNow(1), repeats: true },
      { keys: [','], label: [','], text: 'one step back', run: () => seekTo(t.clock - 1, true), repeats: true },
      shared.reset,
      { keys: ['+', '='], label: ['+'], text: 'zoom in', run: () => t.plot.zoom(1 / 1.5), repeats: true },
      { keys: ['-'], label: ['−'], text: 'zoom out', run: () => t.plot.zoom(1.5), repeats: true },
      { keys: ['0'], label: ['0'], text: 'reset the view', run: () => resetView() },
    ],
    inspect: (i) => t.scene.inspect(i),
    extraSettings: (i) => t.explain?.button(i) ?? null,
    showSteps: (open) => t.scene.set_inspected(Uint32Array.from(open)),
    schedule: {
      starter: (i, name) => schedulerFor(JSON.stringify(race.spec), i, name),
      /** What racer i's learning rates depend on: the landscape, start, steps and its settings. */
      key(i) {
        const { label, color, ...settings } = race.spec.racers[i];
        return JSON.stringify([race.spec.landscape, race.spec.start ?? null, race.spec.steps, settings, t.states[i]?.color]);
      },
      curve: (i, canvas, dpr) => drawLrSequence(canvas, lrSequence(JSON.stringify(race.spec), i), t.states[i]?.color ?? '#222222', race.spec.steps, dpr),
    },
  });

  /** Every racer's state, the clock and who is behind it, after a change (not every frame). */
  function readStates() {
    t.states = t.scene.frame(0);
    t.clock = t.scene.clock();
    t.behind = t.scene.behind();
    showCatchUp();
  }

  // -------------------------------------------------------------------------------------------
  // The race loop.

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
    const panned = Boolean(t.pendingView);
    if (panned) {
      const v = t.pendingView;
      t.pendingView = null;
      applyView(v);
    }
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
    seek.setAttribute('aria-valuetext', `step ${t.clock} of ${race.spec.steps}`);
  }

  /** Every racer's public state (window.optiscape.racers()). */
  function racers() {
    return t.states.map((s) => ({
      name: s.name,
      step: s.step,
      position: [s.position[0], s.position[1]],
      loss: s.loss,
      mean_loss: s.mean_loss ?? null,
      status: s.status,
      diverged_at: s.diverged_at ?? null,
      singular_at: s.singular_at ?? null,
      arrival: s.arrival ? { step: s.arrival.step, at: [...s.arrival.at], global: s.arrival.global } : null,
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Canvases, view and the saved image.

  /** Canvas sizes: CSS size times devicePixelRatio, redrawn on every change. */
  function fit() {
    const dpr = window.devicePixelRatio || 1;
    t.sweep?.resize(dpr);
    const css = (id) => [$(id).clientWidth, $(id).clientHeight].map((v) => Math.max(1, Math.round(v)));
    const [[w, h], [lw, lh]] = [css('plot'), css('loss-box')];
    const s = t.size;
    if (s.w === w && s.h === h && s.lw === lw && s.lh === lh && s.dpr === dpr) return;
    Object.assign(s, { w, h, lw, lh, dpr });
    for (const c of CANVASES.map($)) [c.width, c.height] = [Math.round(w * dpr), Math.round(h * dpr)];
    [$('loss').width, $('loss').height] = [Math.round(lw * dpr), Math.round(lh * dpr)];
    t.scene?.resize(dpr);
  }

  function applyView(v) {
    try {
      t.scene.set_view(v.x[0], v.x[1], v.y[0], v.y[1]);
    } catch {
      return; // zoomed beyond what the core accepts: keep the last valid view
    }
    race.spec = JSON.parse(t.scene.spec());
    if (!race.playing) t.states = t.scene.frame(0);
    race.link.writeSoon();
  }

  function resetView() {
    t.pendingView = null;
    race.change((s) => void delete s.view);
  }

  /** The saved image's charts: the landscape as drawn, and beside it the loss chart and the
   * learning-rate sweep drawn again, one above the other, at the landscape's height. */
  function snapshotPanels() {
    const layers = t.surface?.layers() ?? CANVASES.map($);
    const [w, h] = [layers[0].width, layers[0].height];
    const charts = (canvas) => {
      const top = Math.round(canvas.height / 2);
      for (const [y, height, draw] of [
        [0, top, (c) => t.scene.draw_loss_on(c)],
        [top, canvas.height - top, (c) => t.scene.draw_sweep_on(c)],
      ]) {
        const part = Object.assign(document.createElement('canvas'), { width: canvas.width, height });
        draw(part);
        canvas.getContext('2d').drawImage(part, 0, y);
      }
    };
    return [{ layers }, { width: Math.round(0.75 * w), height: h, draw: charts }];
  }

  // -------------------------------------------------------------------------------------------
  // Start.

  /** The scene of the link (or the default one, saying why), its canvases and controls. */
  function start() {
    const fromLink = race.link.fromLink();
    let problem = fromLink?.error ?? null;
    const canvases = [...CANVASES, 'loss'].map($);
    if (fromLink?.text !== undefined) {
      try {
        t.scene = new Scene(fromLink.text, ...canvases);
      } catch (e) {
        problem = messageOf(e);
      }
    }
    t.scene ??= new Scene(JSON.stringify(cat.presets[0].spec), ...canvases);
    if (problem) banner.show(`This link’s scene is invalid (${problem}), so the default scene is shown instead.`);
    // The scene draws nothing until it knows the canvases' size: one full-size drawing.
    fit();
    t.controls = landscapeControls($, cat, t, race, banner, { speed, seekTo, stepNow, resetView, plot: () => t.plot });
    $('keys').replaceChildren(...keyList(race.keys));
    race.show();
    t.plot = attachPlot($('overlay'), {
      scene: () => t.scene,
      view: () => t.pendingView ?? race.spec.view,
      setView: (v) => void (t.pendingView = v),
      setStart(p) {
        const problem = race.change((s) => void (s.start = p));
        if (problem) banner.show(problem);
        else if (!race.playing) race.play();
      },
      readout(text) {
        $('readout').textContent = text ?? '';
        $('readout').hidden = !text;
      },
    });
    t.explain = attachExplain(root, $, { scene: () => t.scene, race, stepNow, seekTo: (k) => seekTo(k, true), clock: () => t.clock, problem: (text) => banner.show(text), onShow: () => t.surface?.view('contour') });
    t.surface = attachSurface($, { scene: () => t.scene, problem: (text) => banner.show(text), changed: () => [t.states, race.spec, t.clock, t.size.w, t.size.h, t.size.dpr] });
    attachTune($('tune'), { scene: () => t.scene, applied: race.afterChange, problem: (text) => banner.show(text) });
    for (const id of ['plot', 'loss-box', 'sweep-box']) new ResizeObserver(fit).observe($(id));
    window.addEventListener('resize', fit);
    race.held = host.reducedMotion();
    race.playing = !race.held;
    race.updateTransport();
  }

  /** A new link: its scene as a fresh race, or a message and the scene kept. */
  function followLink() {
    const next = race.link.fromLink();
    if (!next) return;
    try {
      if (next.error) throw new Error(next.error);
      race.load(next.text);
      banner.hide();
    } catch (e) {
      banner.show(`This link’s scene is invalid (${messageOf(e)}); the current scene is kept.`);
    }
  }

  return {
    race,
    start,
    tick,
    fit,
    followLink,
    racers,
    stepNow: (n) => (stepNow(n), racers()),
    /** "Tune" at once: every racer's learning rate at the best point of its sweep. */
    tune: () => (t.scene.tune(), race.afterChange(), racers()),
    seekTo: (k) => (seekTo(k, true), racers()),
    /** Explains racer i's next update (null: leaves); the explanation shown, or null. */
    explain: (i) => t.explain.show(i),
    explanation: () => t.explain.data(),
    /** The plot as a 3-D surface ('3d') or the contour plot ('contour'); returns the mode. */
    view: (mode) => t.surface.view(mode),
    surface: () => t.surface,
    scene: () => t.scene,
    firstFrame: () => t.firstFrame,
    /** Back on screen: sizes, the link and the sweeps (paused while the other tab had it). */
    resume() {
      fit();
      race.link.writeNow();
      t.sweep?.schedule();
    },
    /** For benchmarks: `onFrame(f)` runs f(now) instead of the frame's work (null: back to
     * racing); `advance(n)` is that work; `fit()` after resizing the plot. */
    instrument: { onFrame: (f) => void (t.onFrame = f), advance: (n) => advance(n, performance.now(), true), fit },
  };
}
