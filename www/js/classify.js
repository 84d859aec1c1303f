// The page's second mode: optimizers racing to train a classifier on the 8x8 digits.
//
// The training spec (src/classify/train.rs) is the single source of truth, as the run spec is
// for the landscape: every control edits a copy, hands it to Training.set_spec (the parser
// `optiscape train` uses) and reads back the canonical spec, which also lives in the URL as
// `#train=` + URI-encoded JSON. Training runs in slices: one wasm call per animation frame with
// a time budget of a few milliseconds (Training.advance), so the page stays responsive.
//
// main.js owns the landscape; it calls attachClassifier() once at boot with a `setMode` hook and
// stops its own loop, URL and keys while this mode is shown.

import { Classify as Training } from '../pkg/optiscape.js';
import { el, icon } from './dom.js';
import { messageOf, specState } from './specstate.js';
import { keySettings, paramControl } from './controls.js';
import { createRacerList, editingActions } from './racers.js';
import { fmt, fmtLoss, parseNumber } from './scales.js';
import { composeSnapshot, download, legendName } from './snapshot.js';
import { listenKeys } from './keys.js';

const $ = (id) => document.getElementById(id);
export const TRAIN_HASH = '#train=';
/** Milliseconds of training per animation frame. */
const BUDGET_MS = 6;
/** Milliseconds per frame for sampling the projected loss surface, while training and not. */
const SURFACE_MS = 4;
const SURFACE_IDLE_MS = 10;
const TABLE_INTERVAL_MS = 100;
const MAX_EPOCHS = 200;
/** Epochs per second each racer may train at most (the pace select); Infinity: as fast as it can. */
const PACES = [
  { value: 'max', text: 'as fast as possible', epochs: Infinity },
  { value: '4', text: '4 epochs per second', epochs: 4 },
  { value: '2', text: '2 epochs per second', epochs: 2 },
  { value: '1', text: '1 epoch per second', epochs: 1 },
  { value: '0.25', text: '1 epoch every 4 s', epochs: 0.25 },
];
const DEFAULT_PACE = '2';
const TRAIN_SAMPLES = 898;

const MODELS = [
  { value: 'linear', text: 'Linear, 64 → 10' },
  { value: 'mlp', text: 'MLP, 64 → 32 → 10 (ReLU)' },
];
const TRANSFORMS = [
  { value: 'raw', text: 'Raw pixels (0 to 16)' },
  { value: 'standardize', text: 'Standardized per pixel' },
];
const INPUT_SCALE = {
  name: 'input scale',
  type: 'number',
  doc: 'Multiplies every input after the transform: 0.02 is X/50, 50 is X×50.',
  range: { lo: 1e-6, lo_open: false, hi: 1e6, hi_open: false },
  slider: { min: 0.01, max: 100, spacing: 'log' },
  default: 1,
};


/** "raw", "standardized / 50", "raw × 5": a racer's input as the results table shows it. */
function inputText(input) {
  const t = input.transform === 'standardize' ? 'standardized' : 'raw';
  const s = input.scale;
  if (s === 1) return t;
  if (s < 1 && Number.isInteger(Math.round(1 / s * 1e9) / 1e9)) return `${t} / ${fmt(1 / s)}`;
  return `${t} × ${fmt(s)}`;
}

/**
 * `hooks`: cat (the catalog), setMode('landscape' | 'classify'). Returns the automation API
 * (window.optiscape.classify).
 */
export function attachClassifier({ cat, setMode }) {
  const c = {
    active: false,
    training: null,
    opening: null, // the promise of the first open (fetches the digits)
    spec: null,
    states: [],
    playing: false,
    held: false,
    lastTable: 0,
    size: { lw: 0, lh: 0, aw: 0, ah: 0, pw: 0, ph: 0, dpr: 0 },
    projection: null, // the latest Training.projection()
    projPending: false, // the surface is still being sampled
    racerList: null,
    controls: {},
    rows: [],
    tableKey: '',
    loop: 0,
    pace: PACES.find((p) => p.value === DEFAULT_PACE),
    lastFrame: null,
    credit: 0, // steps per racer allowed by the pace and not yet taken
  };
  const gradientOptimizers = cat.optimizers.filter((o) => !o.needs_hessian);

  // -------------------------------------------------------------------------------------------
  // Messages.

  function showMessage(text) {
    $('train-banner-text').textContent = text;
    $('train-banner').hidden = false;
  }
  function hideMessage() {
    $('train-banner').hidden = true;
  }

  // -------------------------------------------------------------------------------------------
  // Mode switch.

  function showTabs(mode) {
    for (const [id, m] of [['mode-landscape', 'landscape'], ['mode-classify', 'classify']]) {
      const tab = $(id);
      tab.setAttribute('aria-selected', m === mode ? 'true' : 'false');
      tab.tabIndex = m === mode ? 0 : -1;
    }
    $('classify-view').hidden = mode !== 'classify';
    $('classify-actions').hidden = mode !== 'classify';
  }

  /** The experiments (the first the default one), with their hints (presets/experiments.json). */
  const experiments = cat.experiments;

  function defaultSpec() {
    return experiments[0].spec;
  }

  const url = specState({
    key: TRAIN_HASH,
    target: () => c.training,
    active: () => c.active && Boolean(c.training),
    afterChange: () => afterChange(),
  });

  async function create() {
    buildStatic();
    wireKeysAndSizes();
    const response = await fetch('data/digits.bin');
    if (!response.ok) throw new Error(`the digits data could not be loaded (HTTP ${response.status})`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const fromUrl = url.fromHash();
    let problem = fromUrl?.error ?? null;
    if (fromUrl?.text !== undefined) {
      try {
        c.training = new Training(fromUrl.text, bytes, $('train-loss'), $('train-acc'));
      } catch (e) {
        problem = messageOf(e);
      }
    }
    if (!c.training) {
      c.training = new Training(JSON.stringify(defaultSpec()), bytes, $('train-loss'), $('train-acc'));
    }
    if (problem) showMessage(`This link’s training spec is invalid (${problem}), so the default experiment is shown instead.`);
    c.training.attach_projection($('train-proj'), $('train-proj-over'));
    c.spec = JSON.parse(c.training.spec());
    c.states = c.training.states();
    showLesson();
  }

  /**
   * The picker and the hint say which experiment this is: its hint while the training race is
   * the experiment's own, only "based on" it once it departs (presets::train_lesson).
   */
  function showLesson() {
    const lesson = c.training.lesson();
    const same = lesson && lesson.hint !== null;
    $('train-preset').value = same ? lesson.id : '';
    $('train-hint').textContent = same ? lesson.hint : lesson ? `Based on the experiment “${lesson.title}”, changed since: its lesson may no longer hold here.` : '';
    $('train-hint').classList.toggle('based-on', Boolean(lesson) && !same);
  }

  /** Shows the classifier (creating it on first use) and starts training unless paused. */
  function open() {
    if (!c.opening) {
      c.opening = create().then(() => {
        c.held = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
        c.playing = !c.held;
      });
      c.opening.catch(() => {});
    }
    setMode('classify');
    showTabs('classify');
    c.active = true;
    return c.opening.then(() => {
      if (!c.active) return;
      fitCharts();
      syncUi();
      url.writeNow();
      startLoop();
    }).catch((e) => {
      showMessage(`The classifier could not start: ${messageOf(e)}`);
      throw e;
    });
  }

  function close() {
    c.active = false;
    url.cancel();
    cancelAnimationFrame(c.loop);
    hideMessage();
    showTabs('landscape');
    setMode('landscape');
  }

  // -------------------------------------------------------------------------------------------
  // Specs and the URL.

  /** Validates and applies a spec (object or JSON text); throws Error(message) when invalid. */
  function load(spec) {
    url.load(spec, () => {
      c.racerList.reset();
    });
  }

  /** Applies `mutate` to a copy of the spec; returns null or the core's message (nothing changed). */
  function change(mutate) {
    return url.change(c.spec, mutate);
  }

  function local(message) {
    return message && message.replace(/^racers\[\d+\]: /, '');
  }

  function afterChange() {
    c.spec = JSON.parse(c.training.spec());
    c.states = c.training.states();
    if (!c.held && !c.training.finished()) c.playing = true;
    syncUi();
    showLesson();
    url.writeSoon();
  }

  // -------------------------------------------------------------------------------------------
  // The training loop: one wasm call per frame.

  function startLoop() {
    cancelAnimationFrame(c.loop);
    c.loop = requestAnimationFrame(frame);
  }

  function frame(now) {
    if (!c.active) return;
    c.loop = requestAnimationFrame(frame);
    try {
      const dt = c.lastFrame === null ? 1000 / 60 : Math.min(100, now - c.lastFrame);
      c.lastFrame = now;
      if (!c.playing) {
        // Paused or finished: the projected surface keeps filling in, without training.
        if (!c.projPending) return;
        c.states = c.training.advance(0, 0, SURFACE_IDLE_MS);
        if (now - c.lastTable >= TABLE_INTERVAL_MS) {
          c.lastTable = now;
          updateProjection();
        }
        return;
      }
      let cap = Infinity;
      if (Number.isFinite(c.pace.epochs)) {
        const perEpoch = Math.ceil(TRAIN_SAMPLES / c.spec.batch_size);
        c.credit = Math.min(c.credit + (c.pace.epochs * perEpoch * dt) / 1000, perEpoch);
        cap = Math.floor(c.credit);
        c.credit -= cap;
      }
      c.states = c.training.advance(BUDGET_MS, cap, SURFACE_MS);
      const done = c.training.finished();
      if (done || now - c.lastTable >= TABLE_INTERVAL_MS) {
        c.lastTable = now;
        updateStats();
      }
      if (done) {
        c.playing = false;
        updateTransport();
        $('train-announce').textContent = 'Training finished.';
      }
    } catch (e) {
      c.playing = false;
      c.held = true;
      updateTransport();
      showMessage(`Training stopped: ${messageOf(e)}`);
    }
  }

  function play() {
    c.held = false;
    if (c.training.finished()) reset();
    c.playing = true;
    updateTransport();
  }

  function pause() {
    c.playing = false;
    c.held = true;
    updateStats();
    updateTransport();
  }

  function reset() {
    c.training.reset();
    c.states = c.training.states();
    if (!c.held) c.playing = true;
    updateStats();
    updateTransport();
  }

  // -------------------------------------------------------------------------------------------
  // Canvas sizes.

  function fitCharts() {
    if (!c.training || !c.active) return;
    const dpr = window.devicePixelRatio || 1;
    const lb = $('train-loss-box');
    const ab = $('train-acc-box');
    const lw = Math.max(1, Math.round(lb.clientWidth));
    const lh = Math.max(1, Math.round(lb.clientHeight));
    const aw = Math.max(1, Math.round(ab.clientWidth));
    const ah = Math.max(1, Math.round(ab.clientHeight));
    const pb = $('train-proj-box');
    const pw = Math.max(1, Math.round(pb.clientWidth));
    const ph = Math.max(1, Math.round(pb.clientHeight));
    const s = c.size;
    if (s.lw === lw && s.lh === lh && s.aw === aw && s.ah === ah && s.pw === pw && s.ph === ph && s.dpr === dpr) return;
    Object.assign(s, { lw, lh, aw, ah, pw, ph, dpr });
    for (const id of ['train-proj', 'train-proj-over']) {
      $(id).width = Math.round(pw * dpr);
      $(id).height = Math.round(ph * dpr);
    }
    $('train-loss').width = Math.round(lw * dpr);
    $('train-loss').height = Math.round(lh * dpr);
    $('train-acc').width = Math.round(aw * dpr);
    $('train-acc').height = Math.round(ah * dpr);
    c.training.resize(dpr);
  }

  // -------------------------------------------------------------------------------------------
  // Controls.

  function textNumber(id, { lo, hi, name, apply }) {
    const input = $(id);
    const error = $(`${id}-err`);
    const commit = () => {
      const parsed = parseNumber(input.value, { lo, hi, lo_open: false, hi_open: false }, name, { whole: true });
      let problem = parsed.error;
      if (!problem && !Number.isInteger(parsed.value)) problem = `${name}: give a whole number`;
      if (!problem) problem = change((s) => apply(s, parsed.value));
      error.textContent = problem || '';
      error.hidden = !problem;
      input.setAttribute('aria-invalid', problem ? 'true' : 'false');
    };
    input.addEventListener('change', commit);
    input.addEventListener('keydown', (e) => e.key === 'Enter' && commit());
  }

  function nextColor(spec) {
    const used = new Set(c.states.map((r) => r.color.toLowerCase()));
    return cat.palette.find((p) => !used.has(p.toLowerCase())) ?? cat.palette[spec.racers.length % cat.palette.length];
  }

  function buildStatic() {
    for (const p of experiments) $('train-preset').append(el('option', { value: p.id, text: p.title }));
    $('train-preset').addEventListener('change', () => {
      const preset = experiments.find((p) => p.id === $('train-preset').value);
      if (preset) loadPreset(preset);
    });
    $('train-copy-link').addEventListener('click', () => url.copyLink($('train-copy-link')));
    $('train-save-image').append(icon('download'));
    $('train-save-image').addEventListener('click', () => saveImage().catch((e) => showMessage(`Cannot save the image: ${e.message}`)));

    for (const m of MODELS) $('train-model').append(el('option', { value: m.value, text: m.text }));
    $('train-model').addEventListener('change', () => {
      change((s) => {
        s.model = $('train-model').value;
      });
    });
    for (const t of TRANSFORMS) $('train-transform').append(el('option', { value: t.value, text: t.text }));
    $('train-transform').addEventListener('change', () => {
      change((s) => {
        s.input.transform = $('train-transform').value;
      });
    });
    c.controls.scale = paramControl(INPUT_SCALE, 1, (v) =>
      change((s) => {
        s.input.scale = v;
      }),
    );
    $('train-scale-box').replaceChildren(c.controls.scale.el);
    textNumber('train-epochs', { lo: 1, hi: MAX_EPOCHS, name: 'epochs', apply: (s, v) => (s.epochs = v) });
    textNumber('train-batch', { lo: 1, hi: TRAIN_SAMPLES, name: 'batch size', apply: (s, v) => (s.batch_size = v) });
    textNumber('train-seed', { lo: 0, hi: 2 ** 32, name: 'seed', apply: (s, v) => (s.seed = v) });

    $('train-play').addEventListener('click', () => (c.playing ? pause() : play()));
    for (const p of PACES) $('train-pace').append(el('option', { value: p.value, text: p.text }));
    $('train-pace').value = c.pace.value;
    $('train-pace').addEventListener('change', () => {
      c.pace = PACES.find((p) => p.value === $('train-pace').value) ?? c.pace;
      c.credit = 0;
    });
    $('train-reset').replaceChildren(icon('reset'), el('span', { text: 'Reset' }));
    $('train-reset').addEventListener('click', reset);

    for (const o of gradientOptimizers) $('train-add-opt').append(el('option', { value: o.name, text: `${o.title} (${o.reference})` }));
    $('train-add').addEventListener('click', addRacer);
    $('train-banner-close').addEventListener('click', hideMessage);
    $('train-banner-reset').addEventListener('click', () => {
      hideMessage();
      loadPreset(experiments[0]);
    });

    c.racerList = createRacerList($('train-racer-list'), { ...cat, optimizers: cat.optimizers }, {
      ...editingActions({
        change,
        list: () => c.racerList,
        optimizers: cat.optimizers,
        nextColor,
        showProblem: showMessage,
        local,
      }),
      inspect: () => [],
      announce: (text) => {
        $('train-announce').textContent = text;
      },
    });

  }

  /** What works before the classifier was ever opened: the tabs, and links to it. */
  function wireTabs() {
    // Tabs: click, and arrow keys between them.
    $('mode-landscape').addEventListener('click', () => c.active && close());
    $('mode-classify').addEventListener('click', () => !c.active && open());
    for (const id of ['mode-landscape', 'mode-classify']) {
      $(id).addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        e.preventDefault();
        const other = id === 'mode-landscape' ? 'mode-classify' : 'mode-landscape';
        $(other).focus();
        $(other).click();
      });
    }
    window.addEventListener('hashchange', () => {
      const next = url.fromHash();
      if (!next) return;
      if (!c.active || !c.training) {
        open().catch(() => {});
        return;
      }
      try {
        if (next.error) throw new Error(next.error);
        load(next.text);
        hideMessage();
      } catch (e) {
        showMessage(`This link’s training spec is invalid (${messageOf(e)}); the current experiment is kept.`);
      }
    });
  }

  function wireKeysAndSizes() {
    listenKeys(
      [
        { keys: [' '], run: () => (c.playing ? pause() : play()) },
        { keys: ['r'], run: () => reset() },
      ],
      () => c.active && Boolean(c.training),
    );

    new ResizeObserver(() => fitCharts()).observe($('train-loss-box'));
    new ResizeObserver(() => fitCharts()).observe($('train-acc-box'));
    new ResizeObserver(() => fitCharts()).observe($('train-proj-box'));
    window.addEventListener('resize', fitCharts);
  }

  function loadPreset(preset) {
    try {
      load(preset.spec);
    } catch (e) {
      showMessage(messageOf(e));
      return;
    }
    c.held = false;
    c.training.reset();
    c.states = c.training.states();
    c.playing = true;
    updateStats();
    updateTransport();
  }

  function addRacer() {
    const name = $('train-add-opt').value;
    const at = c.spec.racers.length;
    c.racerList.insertAt(at, true);
    const problem = change((s) => {
      s.racers.push({ name, color: nextColor(s) });
    });
    if (problem) {
      showMessage(problem);
      return;
    }
    c.racerList.focusCard(at);
  }

  /** "Save image": the loss and accuracy charts (and the projected view, when shown) as drawn,
   * and a legend of every racer's settings and results, as a PNG. */
  async function saveImage() {
    const { spec, states } = c;
    const model = MODELS.find((m) => m.value === spec.model)?.text ?? spec.model;
    const caption = `Digits classifier \u00b7 ${model} \u00b7 input ${inputText(spec.input)} \u00b7 batch ${spec.batch_size} \u00b7 ${spec.epochs} epochs \u00b7 seed ${spec.seed}`;
    const entries = states.map((s, i) => {
      const racer = spec.racers[i];
      const opt = cat.optimizers.find((o) => o.name === racer.name);
      const input = racer.input ? ` \u00b7 input ${s.input}` : '';
      const accuracy = s.test_accuracy === null ? '–' : `${(100 * s.test_accuracy).toFixed(1)} %`;
      const outcome =
        s.status === 'diverged'
          ? `diverged in epoch ${s.diverged_at_epoch}`
          : `epoch ${s.epoch}/${s.epochs} \u00b7 loss ${s.loss === null ? '–' : fmtLoss(s.loss)} \u00b7 test accuracy ${accuracy}`;
      return { color: s.color, text: `${legendName(racer, opt)}: ${keySettings(opt, racer)}${input} \u00b7 ${outcome}` };
    });
    const panels = [{ layers: [$('train-loss')] }, { layers: [$('train-acc')] }];
    if (!$('train-proj-wrap').hidden) panels.push({ layers: [$('train-proj'), $('train-proj-over')] });
    await download(composeSnapshot({ panels, caption, entries, dpr: c.size.dpr || 1 }), 'optiscape-digits.png');
  }

  // -------------------------------------------------------------------------------------------
  // Showing the state.

  function syncUi() {
    const { spec } = c;
    $('train-model').value = spec.model;
    $('train-transform').value = spec.input.transform;
    c.controls.scale.set(spec.input.scale);
    for (const [id, v] of [['train-epochs', spec.epochs], ['train-batch', spec.batch_size], ['train-seed', spec.seed]]) {
      if (document.activeElement !== $(id)) $(id).value = String(v);
      $(`${id}-err`).hidden = true;
    }
    c.racerList.render(spec, c.states);
    racerInputs();
    $('train-racer-count').textContent = `${spec.racers.length} of at most ${cat.limits.max_racers}`;
    $('train-add').disabled = spec.racers.length >= cat.limits.max_racers;
    updateStats();
    updateTransport();
  }

  /**
   * Each racer's own input (replacing the spec's), at the top of its settings: a transform
   * ("as above" keeps the spec's) and a scale. Added next to the generated optimizer controls.
   */
  function racerInputs() {
    const cards = [...$('train-racer-list').children];
    cards.forEach((card, i) => {
      const settings = card.querySelector('.racer-settings');
      const racer = c.spec.racers[i];
      if (!settings || !racer) return;
      let box = settings.querySelector('.racer-input');
      if (!box) {
        const id = `train-racer-input-${i}-${Math.random().toString(36).slice(2, 8)}`;
        const select = el('select', { id, class: 'racer-input-transform' });
        for (const [value, text] of [['', 'as the model’s input'], ['raw', 'raw pixels'], ['standardize', 'standardized']]) select.append(el('option', { value, text }));
        const scale = el('input', { type: 'text', class: 'num racer-input-scale', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'this racer’s input scale' });
        const error = el('p', { class: 'param-error', 'aria-live': 'polite', hidden: true });
        box = el('div', { class: 'racer-input' }, el('label', { for: id, class: 'param-label', text: 'input' }), select, el('span', { class: 'racer-input-times', 'aria-hidden': 'true', text: '×' }), scale, error);
        const commit = () => {
          const index = cards.indexOf(card);
          let problem = null;
          if (!select.value) {
            problem = change((s) => {
              delete s.racers[index].input;
            });
          } else {
            const parsed = parseNumber(scale.value, INPUT_SCALE.range, 'input scale');
            problem = parsed.error ?? local(change((s) => {
              s.racers[index].input = { transform: select.value, scale: parsed.value };
            }));
          }
          error.textContent = problem || '';
          error.hidden = !problem;
        };
        select.addEventListener('change', commit);
        scale.addEventListener('change', commit);
        scale.addEventListener('keydown', (e) => e.key === 'Enter' && commit());
        settings.prepend(box);
      }
      const select = box.querySelector('select');
      const scale = box.querySelector('input');
      select.value = racer.input ? racer.input.transform : '';
      if (document.activeElement !== scale) scale.value = String(racer.input ? racer.input.scale : 1);
      scale.disabled = !racer.input;
    });
  }

  function title(racer) {
    return racer.label || cat.optimizers.find((o) => o.name === racer.name).title;
  }

  /** The legend's step and loss lines, the racers' inputs, and the results table. */
  function updateStats() {
    const { spec, states } = c;
    c.racerList.updateStats(spec, states);
    const cards = $('train-racer-list').children;
    states.forEach((s, i) => {
      const card = cards[i];
      const racer = spec.racers[i];
      if (!card || !racer) return;
      const opt = cat.optimizers.find((o) => o.name === racer.name);
      const what = (racer.label && racer.label !== opt.title ? `${opt.title} · ` : '') + keySettings(opt, racer) + (racer.input ? ` · input ${s.input}` : '');
      setText(card.querySelector('.racer-what'), what);
      setText(card.querySelector('.racer-step'), `epoch ${s.epoch}/${s.epochs}`);
      const loss = s.loss ?? s.running_loss;
      setText(card.querySelector('.racer-loss'), loss === null || loss === undefined ? 'loss –' : `loss ${fmtLoss(loss)}`);
      if (s.status === 'diverged') setText(card.querySelector('.racer-status'), `diverged in epoch ${s.diverged_at_epoch}`);
    });
    updateProjection();
    updateTable();
  }

  /** The projected view's status line and notes (the MLP, racers on other inputs). */
  function updateProjection() {
    const p = c.training.projection();
    c.projection = p;
    c.projPending = p.available && !p.done;
    const mlp = !p.available;
    $('train-proj-wrap').hidden = mlp;
    $('train-proj-mlp').hidden = !mlp;
    let status;
    if (mlp) status = 'linear model only';
    else if (!p.cells || p.evaluated === 0) status = 'sampling the plane…';
    else if (!p.done) status = `sampling the plane… ${Math.floor((100 * p.evaluated) / p.cells)} %`;
    else status = `${p.grid[0]} × ${p.grid[1]} points, filled in ${(p.fill_ms / 1000).toFixed(1)} s; lowest loss ${fmtLoss(p.min)}`;
    setText($('train-proj-status'), status);
    const { spec } = c;
    const names = (list) => list.filter((i) => spec.racers[i]).map((i) => title(spec.racers[i])).join(', ');
    const notes = [];
    if (!mlp && p.rescaled.length) {
      const base = inputText(spec.input);
      notes.push(`${names(p.rescaled)}: trained on a rescaled input, so drawn at the equivalent weights for the model’s input (${base}): weights times the scale ratio, biases kept, the same logits on every digit. They start away from w₀ because their initial function differs.`);
    }
    if (!mlp && p.not_projected.length) {
      notes.push(`${names(p.not_projected)}: not drawn. Trained on another transform (standardized vs raw pixels), their weights do not live in the plane’s space.`);
    }
    if (!mlp && p.view) {
      const [x, y] = [p.view.x, p.view.y];
      const outside = c.states.filter((s) => s.plane && (s.plane[0] < x[0] || s.plane[0] > x[1] || s.plane[1] < y[0] || s.plane[1] > y[1]));
      if (outside.length) {
        const where = outside.map((s) => `${spec.racers[s.index] ? title(spec.racers[s.index]) : '?'} (a = ${fmt(s.plane[0], 1)}, b = ${fmt(s.plane[1], 1)})`);
        notes.push(`Outside the view now: ${where.join(', ')}.`);
      }
    }
    const box = $('train-proj-inputs');
    setText(box, notes.join(' '));
    box.hidden = notes.length === 0;
  }

  /** A distance from the plane for the table: 3 significant digits. */
  function offText(s, i) {
    if (s.off_plane_relative === null || s.off_plane_relative === undefined) {
      if (!c.projection?.available) return '–';
      return c.projection.not_projected.includes(i) ? 'not drawn' : '–';
    }
    return fmt(s.off_plane_relative, 1);
  }

  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function updateTable() {
    const { spec, states } = c;
    const body = $('train-results-body');
    const key = spec.racers.map((r) => r.name).join(',');
    if (key !== c.tableKey || c.rows.length !== states.length) {
      c.tableKey = key;
      c.rows = states.map(() => {
        const cells = {
          swatch: el('span', { class: 'swatch', 'aria-hidden': 'true' }),
          name: el('span', { class: 'result-name' }),
          bar: el('span', { class: 'result-bar' }),
          input: el('td', { class: 'result-input' }),
          epoch: el('td', { class: 'num-cell' }),
          loss: el('td', { class: 'num-cell' }),
          acc: el('td', { class: 'num-cell result-acc' }),
          off: el('td', { class: 'num-cell result-off' }),
          time: el('td', { class: 'num-cell' }),
        };
        const progress = el('span', { class: 'result-progress', 'aria-hidden': 'true' }, cells.bar);
        cells.tr = el(
          'tr',
          {},
          el('th', { scope: 'row' }, el('span', { class: 'result-racer' }, cells.swatch, cells.name), progress),
          cells.input,
          cells.epoch,
          cells.loss,
          cells.acc,
          cells.off,
          cells.time,
        );
        return cells;
      });
      body.replaceChildren(...c.rows.map((r) => r.tr));
    }
    const best = Math.max(...states.map((s) => (s.status === 'ok' && s.test_accuracy !== null ? s.test_accuracy : -1)));
    states.forEach((s, i) => {
      const r = c.rows[i];
      const racer = spec.racers[i];
      if (!r || !racer) return;
      r.tr.style.setProperty('--racer', s.color);
      setText(r.name, title(racer));
      r.bar.style.width = `${(100 * s.progress).toFixed(1)}%`;
      setText(r.input, s.input);
      setText(r.epoch, s.status === 'diverged' ? `diverged (${s.diverged_at_epoch})` : `${s.epoch}/${s.epochs}`);
      setText(r.loss, s.loss === null ? '–' : fmtLoss(s.loss));
      setText(r.acc, s.test_accuracy === null ? '–' : `${(100 * s.test_accuracy).toFixed(1)} %`);
      r.acc.classList.toggle('best', s.test_accuracy !== null && s.test_accuracy === best && s.epoch > 0);
      setText(r.off, offText(s, i));
      setText(r.time, `${s.seconds.toFixed(2)} s`);
      r.tr.classList.toggle('diverged', s.status === 'diverged');
    });
  }

  function updateTransport() {
    const button = $('train-play');
    const done = !c.playing && c.training && c.training.finished();
    const [name, text] = c.playing ? ['pause', 'Pause'] : done ? ['reset', 'Train again'] : ['play', 'Train'];
    if (button.dataset.state !== text) {
      button.dataset.state = text;
      button.replaceChildren(icon(name), el('span', { text }));
      button.title = `${text} (Space)`;
    }
    $('train-status').textContent = c.playing ? 'training…' : done ? 'finished' : 'paused';
  }

  // -------------------------------------------------------------------------------------------
  // Automation (tests, benchmarks).

  /**
   * Seconds to train `spec` to the end in wasm, timing only the training: a fresh Training on
   * off-screen canvases, advanced in slices of `slice` steps per racer until every racer is done.
   */
  async function benchTrain(spec, { slice = 100000 } = {}) {
    const response = await fetch('data/digits.bin');
    const bytes = new Uint8Array(await response.arrayBuffer());
    const t = new Training(JSON.stringify(spec), bytes, document.createElement('canvas'), document.createElement('canvas'));
    try {
      const t0 = performance.now();
      while (!t.train_steps(slice));
      const seconds = (performance.now() - t0) / 1e3;
      return { seconds, states: t.states() };
    } finally {
      t.free();
    }
  }

  wireTabs();
  const api = {
    open,
    close,
    active: () => c.active,
    spec: () => JSON.parse(c.training.spec()),
    load: (spec) => load(spec),
    preset: (id) => loadPreset(experiments.find((p) => p.id === id)),
    presets: () => experiments.map((p) => ({ id: p.id, title: p.title })),
    /** The experiment the race is, or is based on: {id, title, hint} (hint null once it departs). */
    lesson: () => c.training.lesson(),
    states: () => c.training.states(),
    epochs: () => c.training.epochs(),
    /** The projected view's progress (Training.projection). */
    projection: () => c.training.projection(),
    playing: () => c.playing,
    /** Sets the pace: epochs per second per racer, or 'max'. */
    pace: (value) => {
      c.pace = PACES.find((p) => p.value === String(value)) ?? c.pace;
      $('train-pace').value = c.pace.value;
    },
    finished: () => c.training.finished(),
    play: () => play(),
    pause: () => pause(),
    reset: () => reset(),
    benchTrain,
  };
  if (url.fromHash()) open().catch(() => {});
  return api;
}
