// The landscape tab: optimizers racing on a 2-D landscape. The shared race (race.js) gives it
// its spec, racer list, transport and header; this mounts the Scene on its five canvases with
// the tab's own parts: its loop (landscape-loop.js: one call per animation frame, the timeline),
// its view (landscape-view.js: sizes, zoom and pan, the views over the plot), its controls
// (landscape-controls.js), its keys and each racer's learning-rate curve.

import { Scene, draw_lr_sequence as drawLrSequence, lr_sequence as lrSequence, scheduler_for as schedulerFor } from '../pkg/optiscape.js';
import { finder } from './dom.js';
import { frameReader } from './frames.js';
import { keyList } from './keys.js';
import { landscapeControls } from './landscape-controls.js';
import { landscapeLoop } from './landscape-loop.js';
import { CANVASES, landscapeView } from './landscape-view.js';
import { createRace } from './race.js';
import { messageOf } from './specstate.js';

export const SPEC_KEY = '#spec=';

/** A racer's public state (window.optiscape.racers()) from its state in the frame. */
function publicState(s) {
  return {
    name: s.name,
    step: s.step,
    position: [s.position[0], s.position[1]],
    loss: s.loss,
    mean_loss: s.mean_loss ?? null,
    status: s.status,
    diverged_at: s.diverged_at ?? null,
    singular_at: s.singular_at ?? null,
    arrival: s.arrival ? { step: s.arrival.step, at: [...s.arrival.at], global: s.arrival.global } : null,
  };
}

/**
 * The landscape tab in `root`: `cat` the catalog, `host` the page's surroundings, `layout` the
 * core's packed frame layout, `banner` its messages. Returns the tab: its race, `tick(now)` (the
 * per-frame work, while shown), `fit()` (after a resize), and what window.optiscape offers.
 */
export function createLandscape(root, cat, host, layout, banner) {
  const $ = finder(root);
  const t = { scene: null, states: [], clock: 0, behind: 0, seeking: false, lastCards: 0, lastInspect: 0, size: {}, pendingView: null, sweep: null, plot: null, controls: null, onFrame: null, firstFrame: null };

  const race = createRace(root, cat, host, {
    key: SPEC_KEY,
    target: () => t.scene,
    ids: { list: 'racer-list', addOpt: 'add-opt', add: 'add', count: 'racer-count', play: 'play', reset: 'reset', preset: 'preset', hint: 'hint', copyLink: 'copy-link', saveImage: 'save-image', announce: 'announce' },
    labels: ['Play', 'Pause', 'Replay'],
    presets: cat.presets,
    optimizers: cat.optimizers,
    read: () => loop.readStates(),
    states: () => t.states,
    fresh: (text) => t.scene.load(text),
    finished: () => loop.finished(),
    sync: () => {
      t.controls.sync();
      t.sweep?.schedule();
    },
    transport: () => loop.updateTimeline(),
    problem: (text) => banner.show(text),
    panels: () => view.snapshotPanels(),
    fileName: () => `optiscape-${race.spec.landscape.name}.png`,
    keyTable,
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

  const view = landscapeView({ root, $, t, race, banner });
  const loop = landscapeLoop({ $, t, race, frames: frameReader(layout), view });
  const { stepNow, seekTo } = loop;
  const racers = () => t.states.map(publicState);

  /** The tab's keys: Space and R (`shared`) among stepping, zooming and the view's reset. */
  function keyTable(shared) {
    return [
      shared.play,
      // As in video players: a step forward and a step back.
      { keys: ['s', '.'], label: ['S', '.'], text: 'one step', run: () => stepNow(1), repeats: true },
      { keys: [','], label: [','], text: 'one step back', run: () => seekTo(t.clock - 1, true), repeats: true },
      shared.reset,
      { keys: ['+', '='], label: ['+'], text: 'zoom in', run: () => t.plot.zoom(1 / 1.5), repeats: true },
      { keys: ['-'], label: ['−'], text: 'zoom out', run: () => t.plot.zoom(1.5), repeats: true },
      { keys: ['0'], label: ['0'], text: 'reset the view', run: () => view.resetView() },
    ];
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
    view.fit();
    t.controls = landscapeControls($, cat, t, race, banner, { speed: loop.speed, seekTo, stepNow, resetView: view.resetView, plot: () => t.plot });
    $('keys').replaceChildren(...keyList(race.keys));
    race.show();
    view.attach(loop);
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
    tick: loop.tick,
    fit: view.fit,
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
    /** The plot's canvases as shown (the 3-D view's while it is shown), bottom first. */
    plotLayers: view.plotLayers,
    scene: () => t.scene,
    firstFrame: () => t.firstFrame,
    /** Back on screen: sizes, the link and the sweeps (paused while the other tab had it). */
    resume() {
      view.fit();
      race.link.writeNow();
      t.sweep?.schedule();
    },
    /** For benchmarks: `onFrame(f)` runs f(now) instead of the frame's work (null: back to
     * racing); `advance(n)` is that work; `fit()` after resizing the plot. */
    instrument: { onFrame: (f) => void (t.onFrame = f), advance: (n) => loop.advance(n, performance.now(), true), fit: view.fit },
  };
}
