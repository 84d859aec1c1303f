// The page mounted in a root (the document, or an element holding the page's markup): the two
// tabs (landscape and classifier) and their switch (tabs.js), their banners, the one animation
// loop, and never a dead page. Returns the page's API (what window.optiscape offers).

import { lr_sequence as lrSequence, panic_message as panicMessage } from '../pkg/optiscape.js';
import { createBanner } from './banner.js';
import { lazyClassify, TRAIN_KEY } from './classify-tab.js';
import { finder } from './dom.js';
import { keyList } from './keys.js';
import { mountExport } from './export.js';
import { createLandscape } from './landscape.js';
import { attachPresent } from './present.js';
import { trackHeader } from './viewport.js';
import { messageOf } from './specstate.js';
import { pageTabs } from './tabs.js';

/**
 * Mounts the page in `root`. `cat`: the catalog; `host`: its surroundings (host.js); `layout`:
 * the per-frame numbers' layout (packed_layout()); `memory`: the wasm memory.
 */
export function mountPage(root, { cat, host, layout, memory }) {
  const $ = finder(root);
  const page = { broken: false, mode: 'landscape', stopped: false, prefetched: false };
  const banner = createBanner({ box: $('banner'), text: $('banner-text'), dismiss: $('banner-close'), reset: $('banner-reset'), onReset: resetToDefault });
  const trainBanner = createBanner({ box: $('train-banner'), text: $('train-banner-text'), dismiss: $('train-banner-close'), reset: $('train-banner-reset'), onReset: () => classify.race.loadPreset(cat.experiments[0]) });
  const landscape = createLandscape(root, cat, host, layout, banner);
  const classify = lazyClassify(root, cat, host, trainBanner);
  const exporter = mountExport(root, { landscape, classify, host, problem: (text) => banner.show(text), trainProblem: (text) => trainBanner.show(text) });
  const { setMode, showMode, openClassify, wire: wireTabs } = pageTabs({ $, page, landscape, classify, trainBanner, host });

  /** What went wrong, in the banner; a wasm trap stops the page (only a reload helps). */
  function reportError(e, context = 'Something went wrong') {
    if (!(e instanceof WebAssembly.RuntimeError)) return banner.show(`${context}: ${messageOf(e)}`);
    page.broken = true;
    landscape.race.playing = false;
    let why = null;
    try {
      why = panicMessage();
    } catch {
      // the module cannot answer either
    }
    banner.show(`optiscape stopped (${why ?? messageOf(e)}). “Reset to default scene” reloads the page.`);
  }

  function resetToDefault() {
    if (page.broken) return host.reload();
    try {
      landscape.race.load(cat.presets[0].spec);
      landscape.race.play();
    } catch (e) {
      reportError(e);
    }
  }

  /** The one animation loop: the tab on screen races (the landscape refines and replays in the
   * background as well). */
  function frame(now) {
    if (page.stopped) return;
    requestAnimationFrame(frame);
    if (page.broken) return;
    try {
      landscape.tick(now);
      if (page.mode === 'classify' && classify.opened()) classify.tick(now);
      if (!page.prefetched && landscape.firstFrame() !== null) prefetchClassify();
    } catch (e) {
      landscape.race.playing = false;
      landscape.race.held = true;
      landscape.race.updateTransport();
      reportError(e);
    }
  }

  /** The classifier's modules, fetched in idle time once the landscape's first frame is drawn. */
  function prefetchClassify() {
    page.prefetched = true;
    (window.requestIdleCallback ?? setTimeout)(() => classify.prefetch(), { timeout: 2000 });
  }

  showMode('landscape');
  trackHeader(root.querySelector('.top'));
  landscape.start();
  const present = attachPresent(root, { landscape, cat, host, record: exporter.setRecordSource });
  $('keys').replaceChildren(...keyList([...landscape.race.keys, ...present.keys]));
  wireTabs();
  if (host.hash().startsWith(TRAIN_KEY)) openClassify().catch(() => {});
  requestAnimationFrame(frame);

  return {
    reportError,
    firstFrame: landscape.firstFrame,
    /** Ends the animation loop (a page mounted in a notebook cell that goes away). */
    stop: () => void (page.stopped = true),
    api: {
      spec: () => JSON.parse(landscape.scene().spec()),
      racers: landscape.racers,
      play: () => landscape.race.play(),
      pause: () => landscape.race.pause(),
      reset: () => landscape.race.reset(),
      step: (n = 1) => landscape.stepNow(n),
      /** Each racer's learning rate set to the best point of its sweep (`optiscape tune`). Returns racers(). */
      tune: () => landscape.tune(),
      /** Racer i's card: {name, what, step, loss, ...}, as the core words it. */
      card: (i) => landscape.scene().cards()[i],
      /** The learning rate each step of racer i's race uses, as its settings' curve draws it. */
      lrs: (i) => Array.from(lrSequence(landscape.scene().spec(), i)),
      /** Racer i's loss curve as the loss chart draws it: [[x, loss], ...] (x: step or evaluations). */
      lossCurve: (i) => {
        const flat = landscape.scene().loss_curve(i);
        return Array.from({ length: flat.length / 2 }, (_, k) => [flat[2 * k], flat[2 * k + 1]]);
      },
      /** Every racer at step k of the race (replayed from the start if k lies behind). */
      seek: (k) => landscape.seekTo(k),
      /** "Explain step": pauses and draws racer i's next update piece by piece (null: leaves);
       * returns the core's explanation of it, or null. `explanation()` is the one shown. */
      explain: (i) => landscape.explain(i),
      explanation: () => landscape.explanation(),
      /** The plot as a 3-D surface ('3d': drag turns it, the wheel zooms) or as the contour
       * plot ('contour'); returns the mode shown (`view()` only asks). */
      view: (mode) => landscape.view(mode),
      /** A fresh race of `spec` (every racer at the start). */
      load: (spec) => landscape.race.load(spec),
      /** `spec` applied as the controls apply a change: the race keeps its step, and only
       * racers whose settings changed are replayed to it (at once, or over a few frames for a
       * long race: see `behind()`). Returns racers(). */
      update: (spec) => (landscape.race.update(spec), landscape.racers()),
      /** The race's step, and how many racers are still being replayed up to it. */
      clock: () => landscape.scene().clock(),
      behind: () => landscape.scene().behind(),
      /** The preset the scene is, or is based on: {id, title, hint} (hint null once it departs). */
      lesson: () => landscape.scene().lesson(),
      /** The saved image's caption and legend lines, as `optiscape plot` words them. */
      legend: () => landscape.scene().legend(),
      /** Bytes of wasm linear memory (it only grows): for the long-lecture test. */
      memory: () => memory?.buffer.byteLength ?? 0,
      /** Whether a costly landscape is still being sharpened. */
      refining: () => landscape.scene().refining(),
      /** Each racer's learning-rate sweep as far as it has run: [{lr, steps, done, points: [{lr, loss, diverged_at}]}]. */
      sweeps: () => landscape.scene().sweeps(),
      /** Presentation mode: `present(true)` enters it, `present(false)` leaves; returns whether
       * it is on (`present()` only asks). */
      present: (on) => (on === undefined ? present.on() : present.set(on)),
      ...exporter.api,
      classify: { open: openClassify, close: () => setMode('landscape'), active: () => page.mode === 'classify', ...classify.api },
      /** For benchmarks (benches/bench.js): the landscape's frame hook, scene and first frame. */
      instrument: { ...landscape.instrument, surface: landscape.surface, scene: landscape.scene, firstFrame: landscape.firstFrame, plot: $('plot') },
    },
  };
}
