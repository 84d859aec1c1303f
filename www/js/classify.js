// The classifier tab: optimizers racing to train a classifier on the 8x8 digits. The shared race
// (race.js) gives it its spec (`#train=` in the link), racer list, transport and header; this
// adds the Classify object (created when the tab first opens, with the digits fetched from the
// page's origin) with the tab's own parts: its loop (classify-loop.js: one wasm call per
// animation frame with a time budget and a pace), its controls (classify-controls.js: model and
// data, each racer's own input), the results table and the projected view (results.js).

import { Classify } from '../pkg/optiscape.js';
import { finder } from './dom.js';
import { classifyControls } from './classify-controls.js';
import { classifyLoop, defaultPace } from './classify-loop.js';
import { createRace } from './race.js';
import { resultsTable, showProjection } from './results.js';
import { messageOf } from './specstate.js';
import { TRAIN_KEY } from './classify-tab.js';

const CHARTS = ['train-loss', 'train-acc', 'train-proj', 'train-proj-over'];

/**
 * The classifier tab in `root`: `cat` the catalog, `host` the page's surroundings, `banner` its
 * messages. Returns the tab: its race, `open()` (creates the race on first use), `tick(now)`,
 * `fit()`, and what window.optiscape.classify offers.
 */
export function createClassify(root, cat, host, banner) {
  const $ = finder(root);
  const c = { classify: null, states: [], opening: null, lastTable: 0, size: {}, projPending: false, pace: defaultPace(), lastFrame: null, credit: 0 };
  const table = resultsTable($('train-results-body'));

  const race = createRace(root, cat, host, {
    key: TRAIN_KEY,
    target: () => c.classify,
    ids: { list: 'train-racer-list', addOpt: 'train-add-opt', add: 'train-add', count: 'train-racer-count', play: 'train-play', reset: 'train-reset', preset: 'train-preset', hint: 'train-hint', copyLink: 'train-copy-link', saveImage: 'train-save-image', announce: 'train-announce' },
    labels: ['Train', 'Pause', 'Train again'],
    presets: cat.experiments,
    optimizers: cat.optimizers.filter((o) => !o.needs_hessian),
    read: () => void (c.states = c.classify.states()),
    states: () => c.states,
    fresh(text) {
      c.classify.set_spec(text);
      c.classify.reset();
    },
    finished: () => c.classify.finished(),
    sync: () => controls.sync(),
    transport: () => void ($('train-status').textContent = race.playing ? 'training…' : c.classify?.finished() ? 'finished' : 'paused'),
    refresh,
    problem: (text) => banner.show(text),
    panels: () => [{ layers: [$('train-loss')] }, { layers: [$('train-acc')] }, ...($('train-proj-wrap').hidden ? [] : [{ layers: [$('train-proj'), $('train-proj-over')] }])],
    fileName: () => 'optiscape-digits.png',
    extraSettings: (i) => controls.racerInput(i),
  });
  const loop = classifyLoop({ $, c, cat, race, banner });
  const controls = classifyControls({ $, cat, c, race, setPace: loop.setPace });
  const { fit } = loop;

  /** The results table and the projected view's read-outs. */
  function refresh() {
    c.projPending = showProjection($, c.classify).available && !c.classify.projection().done;
    table(c.classify, race.spec, c.states);
  }

  // -------------------------------------------------------------------------------------------
  // Opening.

  /** The race of the link (or the default experiment, saying why), on the fetched digits. */
  async function create() {
    controls.build();
    const response = await fetch(new URL('../data/digits.bin', import.meta.url));
    if (!response.ok) throw new Error(`the digits data could not be loaded (HTTP ${response.status})`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const fromLink = race.link.fromLink();
    let problem = fromLink?.error ?? null;
    const charts = CHARTS.slice(0, 2).map($);
    if (fromLink?.text !== undefined) {
      try {
        c.classify = new Classify(fromLink.text, bytes, ...charts);
      } catch (e) {
        problem = messageOf(e);
      }
    }
    c.classify ??= new Classify(JSON.stringify(cat.experiments[0].spec), bytes, ...charts);
    if (problem) banner.show(`This link’s training spec is invalid (${problem}), so the default experiment is shown instead.`);
    c.classify.attach_projection($('train-proj'), $('train-proj-over'));
    race.held = host.reducedMotion();
    race.playing = !race.held;
  }

  /** Shows the classifier (creating it on first use); trains unless paused. */
  function open() {
    c.opening ??= create();
    return c.opening.then(() => {
      if (!race.active) return;
      fit();
      race.show();
      race.link.writeNow();
    });
  }

  /** A new link: its experiment as a fresh race, or a message and the race kept. */
  function followLink() {
    const next = race.link.fromLink();
    if (!next || !c.classify) return;
    try {
      if (next.error) throw new Error(next.error);
      race.load(next.text);
      banner.hide();
    } catch (e) {
      banner.show(`This link’s training spec is invalid (${messageOf(e)}); the current experiment is kept.`);
    }
  }

  for (const id of ['train-loss-box', 'train-acc-box', 'train-proj-box']) new ResizeObserver(fit).observe($(id));
  window.addEventListener('resize', fit);

  return {
    race,
    open,
    tick: loop.tick,
    fit,
    followLink,
    opened: () => c.classify !== null,
    target: () => c.classify,
    api: {
      spec: () => JSON.parse(c.classify.spec()),
      load: (spec) => race.update(spec),
      preset: (id) => race.loadPreset(cat.experiments.find((p) => p.id === id)),
      presets: () => cat.experiments.map((p) => ({ id: p.id, title: p.title })),
      /** The experiment the race is, or is based on: {id, title, hint} (hint null once it departs). */
      lesson: () => c.classify.lesson(),
      states: () => c.classify.states(),
      epochs: () => c.classify.epochs(),
      /** The projected view's progress. */
      projection: () => c.classify.projection(),
      playing: () => race.playing,
      /** Sets the pace: epochs per second per racer, or 'max'. */
      pace: loop.setPace,
      finished: () => c.classify.finished(),
      play: () => race.play(),
      pause: () => race.pause(),
      reset: () => race.reset(),
    },
  };
}
