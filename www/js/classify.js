// The classifier tab: optimizers racing to train a classifier on the 8x8 digits. The shared race
// (race.js) gives it its spec (`#train=` in the link), racer list, transport and header; this
// adds the Classify object (created when the tab first opens, with the digits fetched from the
// page's origin), one wasm call per animation frame with a time budget and a pace, the model and
// data controls (built from the catalog's training-spec tables), each racer's own input, the
// results table and the projected view.

import { Classify } from '../pkg/optiscape.js';
import { el, finder, focused, uid } from './dom.js';
import { paramControl, wholeField } from './controls.js';
import { parseNumber } from './numbers.js';
import { createRace } from './race.js';
import { resultsTable, showProjection } from './results.js';
import { localMessage, messageOf } from './specstate.js';

export const TRAIN_KEY = '#train=';
/** Milliseconds of training per animation frame. */
const BUDGET_MS = 6;
/** Milliseconds per frame for sampling the projected loss surface, while training and not. */
const SURFACE_MS = 4;
const SURFACE_IDLE_MS = 10;
const TABLE_INTERVAL_MS = 100;
/** Epochs per second each racer may train at most (the pace select); Infinity: as fast as it can. */
const PACES = [
  { value: 'max', text: 'as fast as possible', epochs: Infinity },
  { value: '4', text: '4 epochs per second', epochs: 4 },
  { value: '2', text: '2 epochs per second', epochs: 2 },
  { value: '1', text: '1 epoch per second', epochs: 1 },
  { value: '0.25', text: '1 epoch every 4 s', epochs: 0.25 },
];
const DEFAULT_PACE = '2';
const CHARTS = ['train-loss', 'train-acc', 'train-proj', 'train-proj-over'];

/** The training spec's field `name` in the catalog's table. */
const field = (table, name) => table.find((p) => p.name === name);

/**
 * The classifier tab in `root`: `cat` the catalog, `host` the page's surroundings, `banner` its
 * messages. Returns the tab: its race, `open()` (creates the race on first use), `tick(now)`,
 * `fit()`, and what window.optiscape.classify offers.
 */
export function createClassify(root, cat, host, banner) {
  const $ = finder(root);
  const c = { classify: null, states: [], opening: null, lastTable: 0, size: {}, projPending: false, pace: PACES.find((p) => p.value === DEFAULT_PACE), lastFrame: null, credit: 0 };
  const table = resultsTable($('train-results-body'));
  const factorField = field(cat.classify.input, 'scale');

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
    sync: syncControls,
    transport: () => void ($('train-status').textContent = race.playing ? 'training…' : c.classify?.finished() ? 'finished' : 'paused'),
    refresh,
    problem: (text) => banner.show(text),
    panels: () => [{ layers: [$('train-loss')] }, { layers: [$('train-acc')] }, ...($('train-proj-wrap').hidden ? [] : [{ layers: [$('train-proj'), $('train-proj-over')] }])],
    fileName: () => 'optiscape-digits.png',
    extraSettings: racerInput,
  });

  /** The results table and the projected view's read-outs. */
  function refresh() {
    c.projPending = showProjection($, c.classify).available && !c.classify.projection().done;
    table(c.classify, race.spec, c.states);
  }

  // -------------------------------------------------------------------------------------------
  // Controls from the catalog's tables.

  function buildControls() {
    for (const [id, name] of [['train-model', 'model'], ['train-transform', 'transform']]) {
      const p = field(name === 'model' ? cat.classify.params : cat.classify.input, name);
      p.choices.forEach((choice, k) => $(id).append(el('option', { value: choice, text: p.titles?.[k] ?? choice })));
    }
    $('train-model').addEventListener('change', () => race.change((s) => void (s.model = $('train-model').value)));
    $('train-transform').addEventListener('change', () => race.change((s) => void (s.input.transform = $('train-transform').value)));
    c.scale = paramControl({ ...factorField, name: 'input scale' }, 1, (v) => race.change((s) => void (s.input.scale = v)));
    $('train-scale-box').replaceChildren(c.scale.el);
    for (const [id, name, label] of [['train-epochs', 'epochs', 'epochs'], ['train-batch', 'batch_size', 'batch size'], ['train-seed', 'seed', 'seed']]) {
      const { range } = field(cat.classify.params, name);
      wholeField($(id), $(`${id}-err`), { name: label, range, commit: (v) => race.change((s) => void (s[name] = v)) });
    }
    for (const p of PACES) $('train-pace').append(el('option', { value: p.value, text: p.text }));
    $('train-pace').value = c.pace.value;
    $('train-pace').addEventListener('change', () => setPace($('train-pace').value));
    $('train-samples').textContent = `8×8 digits, ${cat.classify.train_samples} to train`;
    $('train-tested').textContent = `on the ${cat.classify.test_samples} held-out digits, after each epoch`;
  }

  function setPace(value) {
    c.pace = PACES.find((p) => p.value === String(value)) ?? c.pace;
    $('train-pace').value = c.pace.value;
    c.credit = 0;
  }

  function syncControls() {
    const { spec } = race;
    $('train-model').value = spec.model;
    $('train-transform').value = spec.input.transform;
    c.scale.set(spec.input.scale);
    for (const [id, v] of [['train-epochs', spec.epochs], ['train-batch', spec.batch_size], ['train-seed', spec.seed]]) {
      if (!focused($(id))) $(id).value = String(v);
      $(`${id}-err`).hidden = true;
    }
  }

  /** A racer's own input (replacing the spec's), at the top of its settings: a transform (or
   * the model's input) and a scale. */
  function racerInput(i) {
    const transform = field(cat.classify.input, 'transform');
    const id = uid('racer-input');
    const select = el('select', { id, class: 'racer-input-transform' });
    select.append(el('option', { value: '', text: 'as the model’s input' }), ...transform.choices.map((t, k) => el('option', { value: t, text: transform.titles[k] })));
    const scale = el('input', { type: 'text', class: 'num racer-input-scale', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'this racer’s input scale' });
    const error = el('p', { class: 'param-error', 'aria-live': 'polite', hidden: true });
    const commit = () => {
      let problem;
      if (!select.value) problem = race.change((s) => void delete s.racers[i].input);
      else {
        const parsed = parseNumber(scale.value, factorField.range, 'input scale');
        problem = parsed.error ?? localMessage(race.change((s) => void (s.racers[i].input = { transform: select.value, scale: parsed.value })));
      }
      error.textContent = problem || '';
      error.hidden = !problem;
    };
    select.addEventListener('change', commit);
    scale.addEventListener('change', commit);
    scale.addEventListener('keydown', (e) => e.key === 'Enter' && commit());
    const box = el('div', { class: 'racer-input' }, el('label', { for: id, class: 'param-label', text: 'input' }), select, el('span', { class: 'racer-input-times', 'aria-hidden': 'true', text: '×' }), scale, error);
    const set = (racer) => {
      select.value = racer.input ? racer.input.transform : '';
      if (!focused(scale)) scale.value = String(racer.input ? racer.input.scale : 1);
      scale.disabled = !racer.input;
    };
    return { el: box, set };
  }

  // -------------------------------------------------------------------------------------------
  // The training loop: one wasm call per frame.

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

  /** Canvas sizes: CSS size times devicePixelRatio, redrawn on every change. */
  function fit() {
    if (!c.classify || !race.active) return;
    const dpr = window.devicePixelRatio || 1;
    const css = (id) => [$(id).clientWidth, $(id).clientHeight].map((v) => Math.max(1, Math.round(v)));
    const [loss, acc, proj] = [css('train-loss-box'), css('train-acc-box'), css('train-proj-box')];
    const key = [...loss, ...acc, ...proj, dpr].join(',');
    if (c.size.key === key) return;
    c.size.key = key;
    for (const [id, [w, h]] of [['train-loss', loss], ['train-acc', acc], ['train-proj', proj], ['train-proj-over', proj]]) {
      [$(id).width, $(id).height] = [Math.round(w * dpr), Math.round(h * dpr)];
    }
    c.classify.resize(dpr);
  }

  // -------------------------------------------------------------------------------------------
  // Opening.

  /** The race of the link (or the default experiment, saying why), on the fetched digits. */
  async function create() {
    buildControls();
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
    tick,
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
      pace: setPace,
      finished: () => c.classify.finished(),
      play: () => race.play(),
      pause: () => race.pause(),
      reset: () => race.reset(),
    },
  };
}
