// optiscape's page: boots the wasm core, builds every control from its catalog, keeps the scene
// in the URL, runs the animation loop (one wasm call per frame) and exposes window.optiscape.
//
// The run spec is the single source of truth: every control edits a copy of the current spec and
// hands it to scene.set_spec, which validates it exactly as the CLI does; the page then reads
// back the canonical spec. Nothing typed by a user or found in a URL is evaluated or parsed as
// HTML.

import init, { catalog_json as catalogJson, panic_message as panicMessage, Scene } from '../pkg/optiscape.js';
import { el, icon, setText } from './dom.js';
import { messageOf, specState } from './specstate.js';
import { attachPlot } from './plot.js';
import { attachClassifier } from './classify.js';
import { arrivalText, createRacerList, editingActions, lossText, outcomeText } from './racers.js';
import { fmt, parseNumber, speedScale } from './scales.js';
import { keySettings, paramControl, settingText } from './controls.js';
import { composeSnapshot, download, legendName } from './snapshot.js';
import { keyList, listenKeys } from './keys.js';
import { attachSweep } from './sweep.js';

const $ = (id) => document.getElementById(id);
const HASH_KEY = '#spec=';
const DEFAULT_SPEED = 5;
const LEGEND_HZ = 10; // legend refreshes per second while racing
const INSPECT_INTERVAL_MS = 250;
const REFINE_MS = 8; // per frame, while a costly landscape is refined
/** Numbers per racer in Scene.advance()'s answer, and after them the clock and the racers
 * behind it (see src/web.rs). */
const PACKED = 11;
const PACKED_TAIL = 2;
const STATUS = ['ok', 'diverged', 'singular'];
const CHUNK = 1000; // scene.frame advances at most this many steps per call

const app = {
  cat: null,
  scene: null,
  spec: null, // the canonical spec (parsed scene.spec())
  states: [], // the last scene.frame result
  clock: 0, // the race's step: every racer is there, stopped before, or being replayed to it
  behind: 0, // racers being replayed up to the clock, a frame at a time
  seeking: false, // the timeline was dragged: it shows its own value until the replay is done
  playing: false,
  held: false, // paused on purpose (pause, step): a change does not restart the animation
  broken: false, // a wasm trap happened: only a reload helps
  firstFrameMs: null,
  lastLegend: 0,
  lastInspect: 0,
  size: { w: 0, h: 0, lw: 0, lh: 0, dpr: 0 },
  landscapeKey: '',
  landscapeControls: new Map(),
  racerList: null,
  plot: null,
  pendingView: null,
  benchFrame: null, // set while bench() measures frames
  sweep: null, // the learning-rate sweep card (sweep.js), from the first frame on
  mode: 'landscape', // or 'classify': the classifier (classify.js) owns the page, URL and keys
};

// ---------------------------------------------------------------------------------------------
// Messages: a visible banner for errors, never a dead page.


function showBanner(text) {
  $('banner-text').textContent = text;
  $('banner').hidden = false;
}

function hideBanner() {
  $('banner').hidden = true;
}

function reportError(e, context = 'Something went wrong') {
  if (e instanceof WebAssembly.RuntimeError) {
    // The module stopped (a panic, which should never happen): only a reload helps.
    app.broken = true;
    app.playing = false;
    let why = null;
    try {
      why = panicMessage();
    } catch {
      // the module cannot answer either
    }
    showBanner(`optiscape stopped (${why ?? messageOf(e)}). “Reset to default scene” reloads the page.`);
    return;
  }
  showBanner(`${context}: ${messageOf(e)}`);
}

function announce(text) {
  $('announce').textContent = text;
}

window.addEventListener('error', (e) => {
  reportError(e.error ?? e.message);
});
window.addEventListener('unhandledrejection', (e) => {
  reportError(e.reason);
});

// ---------------------------------------------------------------------------------------------
// Specs and the URL.

function defaultSpec() {
  return app.cat.presets[0].spec;
}

const url = specState({
  key: HASH_KEY,
  target: () => app.scene,
  active: () => app.mode === 'landscape',
  afterChange: () => afterChange(),
});

/** Validates and applies a spec object or JSON text as a fresh race (every racer at the start);
 * throws Error(message) when invalid. */
function load(spec) {
  const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
  try {
    app.scene.load(text);
  } catch (e) {
    throw new Error(messageOf(e));
  }
  app.racerList.reset();
  afterChange();
}

/** Validates and applies a changed spec as the controls do: the race keeps its step, and only
 * racers whose settings changed are replayed to it. Throws Error(message) when invalid. */
function update(spec) {
  const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
  const problem = change((s) => {
    for (const k of Object.keys(s)) delete s[k];
    Object.assign(s, JSON.parse(text));
  });
  if (problem) throw new Error(problem);
  return racers();
}

/**
 * Applies `mutate` to a copy of the spec. Returns null, or the core's message when the result is
 * invalid (the scene is then unchanged).
 */
function change(mutate) {
  return url.change(app.spec, mutate);
}

/** A core message shown next to its own control: without the `racers[2]: ` path prefix. */
function local(message) {
  return message && message.replace(/^(racers\[\d+\]|landscape): /, '');
}

function afterChange() {
  app.spec = JSON.parse(app.scene.spec());
  readStates();
  resumeUnlessHeld();
  syncUi();
  showLesson();
  url.writeSoon();
  app.sweep?.schedule();
}

/** Every racer's state, the clock and who is behind it, after a change (not the per-frame path). */
function readStates() {
  app.states = app.scene.frame(0);
  app.clock = app.scene.clock();
  app.behind = app.scene.behind();
  showCatchUp();
}

// ---------------------------------------------------------------------------------------------
// The race loop.

function speed() {
  return app.spec.speed ?? DEFAULT_SPEED;
}

/** Steps to take this frame: up to speed, until the clock reaches the stop step (none once
 * every racer stopped). */
function stepsThisFrame() {
  if (app.states.every((s) => s.status !== 'ok')) return 0;
  return Math.min(speed(), Math.max(0, app.spec.steps - app.clock));
}

/** Whether the race is over: at its stop step (or every racer stopped), none being replayed. */
function finished() {
  return app.behind === 0 && stepsThisFrame() === 0;
}

/** The per-frame work: one wasm call, then the legend (throttled). */
/** `live`: racing frame after frame (the legend then refreshes a few cards per frame). */
function advance(n, now = performance.now(), live = app.playing) {
  const packed = app.scene.advance(n);
  const tail = packed.length - PACKED_TAIL;
  [app.clock, app.behind] = [packed[tail], packed[tail + 1]];
  if (tail !== PACKED * app.states.length) {
    app.states = app.scene.states();
  } else {
    app.states.forEach((s, i) => {
      const o = PACKED * i;
      s.step = packed[o];
      s.position = [packed[o + 1], packed[o + 2]];
      s.loss = packed[o + 3];
      s.status = STATUS[packed[o + 4]];
      const stoppedAt = Number.isNaN(packed[o + 5]) ? null : packed[o + 5];
      s.diverged_at = s.status === 'diverged' ? stoppedAt : null;
      s.singular_at = s.status === 'singular' ? stoppedAt : null;
      const arrived = packed[o + 6];
      if (Number.isNaN(arrived)) s.arrival = null;
      else if (s.arrival?.step !== arrived) s.arrival = { step: arrived, at: [packed[o + 7], packed[o + 8]], global: packed[o + 9] === 1 };
      s.mean_loss = Number.isNaN(packed[o + 10]) ? null : packed[o + 10];
    });
  }
  // Every card at once, LEGEND_HZ times a second: racers at one step show one step.
  if (!live || now - app.lastLegend >= 1000 / LEGEND_HZ) {
    app.lastLegend = now;
    app.racerList.updateStats(app.spec, app.states);
    updateTimeline();
  }
  if (now - app.lastInspect >= INSPECT_INTERVAL_MS && app.racerList.anyExpanded()) {
    app.lastInspect = now;
    app.racerList.updateInspectors();
  }
  showCatchUp();
}

/** The note that says racers are being replayed up to the race's step (the others wait). */
function showCatchUp() {
  const note = $('catch-up');
  const show = app.behind > 0;
  if (note.hidden === show) note.hidden = !show;
  if (show) setText(note, `Replaying ${app.behind === 1 ? '1 racer' : `${app.behind} racers`} to step ${app.clock}…`);
}

function tick(now) {
  requestAnimationFrame(tick);
  if (app.broken) return;
  try {
    if (app.benchFrame) {
      app.benchFrame();
      return;
    }
    if (app.pendingView) {
      const v = app.pendingView;
      app.pendingView = null;
      applyView(v);
    }
    // A landscape too costly to sample in one frame is shown coarse, then sharpened: from the
    // second frame on, so the first one shows the page as soon as it can (the wasm still runs
    // its baseline code then, and a sharp repaint there cost as much as the coarse one).
    if (app.scene.refining() && app.firstFrameMs !== null) app.scene.refine(REFINE_MS);
    // Racers behind the clock are replayed a frame at a time, playing or not.
    if (app.behind > 0 && !app.playing) {
      advance(0, now, true);
      if (app.behind === 0) {
        app.racerList.updateStats(app.spec, app.states);
        app.racerList.updateInspectors();
        updateTransport();
      }
    }
    if (app.playing && app.mode === 'landscape') {
      const n = stepsThisFrame();
      if (n > 0 || app.behind > 0) {
        advance(n, now);
      } else {
        app.playing = false;
        app.racerList.updateStats(app.spec, app.states);
        updateTransport();
      }
    }
    if (app.firstFrameMs === null) {
      if (!app.playing) advance(0, now);
      app.firstFrameMs = performance.now();
      performance.mark('optiscape:first-frame');
      resolveReady();
      // After the first frame: the sweeps run in idle time from now on.
      app.sweep = attachSweep($('sweep'), $('sweep-box'), $('sweep-steps'), {
        scene: () => app.scene,
        active: () => app.mode === 'landscape',
      });
      app.sweep.resize(app.size.dpr);
      app.sweep.schedule();
    }
  } catch (e) {
    app.playing = false;
    app.held = true;
    updateTransport();
    reportError(e);
  }
}

/**
 * After a race ran to its end, a change that restarts racers (a slider, the scale, the start)
 * plays again, so the change is seen; a race paused on purpose stays paused.
 */
function resumeUnlessHeld() {
  if (!app.playing && !app.held && !finished()) app.playing = true;
}

function play() {
  app.held = false;
  if (finished()) {
    app.scene.reset();
    readStates();
  }
  app.playing = true;
  updateTransport();
}

function pause() {
  app.playing = false;
  app.held = true;
  app.racerList.updateStats(app.spec, app.states);
  updateTransport();
}

function reset() {
  app.scene.reset();
  readStates();
  resumeUnlessHeld();
  app.racerList.updateStats(app.spec, app.states);
  app.racerList.updateInspectors();
  updateTransport();
}

/** Advances every racer n steps now (pausing the animation; never past the stop step) and
 * redraws: racers behind the clock are replayed to it first. */
function stepNow(n) {
  const total = Math.max(0, Math.floor(Number(n) || 0));
  app.playing = false;
  app.held = true;
  app.scene.settle();
  let left = total;
  do {
    const k = Math.min(left, CHUNK);
    app.states = app.scene.frame(k);
    left -= k;
  } while (left > 0);
  app.clock = app.scene.clock();
  app.behind = app.scene.behind();
  app.racerList.updateStats(app.spec, app.states);
  app.racerList.updateInspectors();
  updateTransport();
  showCatchUp();
  return racers();
}

/** Every racer at step `k` of the race (replayed from the start when it lies behind). `now`:
 * at once; else as far as a frame's budget allows, the rest over the next frames. */
function seekTo(k, now) {
  const target = Math.max(0, Math.min(Math.floor(Number(k) || 0), app.spec.steps));
  app.scene.seek(target);
  if (now) app.scene.settle();
  app.states = app.scene.frame(0);
  app.clock = app.scene.clock();
  app.behind = app.scene.behind();
  app.racerList.updateStats(app.spec, app.states);
  app.racerList.updateInspectors();
  updateTimeline();
  showCatchUp();
  return racers();
}

/** The timeline slider and its read-out follow the race (not while it is being dragged). */
function updateTimeline() {
  if (!app.spec) return;
  const seek = $('seek');
  const step = app.clock;
  const max = String(app.spec.steps);
  if (seek.max !== max) seek.max = max;
  if (app.behind === 0) app.seeking = false;
  if (!app.seeking && seek.value !== String(step)) seek.value = String(step);
  setText($('seek-out'), `${step} / ${app.spec.steps}`);
  seek.setAttribute('aria-valuetext', `step ${step} of ${app.spec.steps}`);
}

function racers() {
  return app.states.map((s) => ({
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

// ---------------------------------------------------------------------------------------------
// Canvas sizes: CSS size times devicePixelRatio, redrawn on every change.

function fitCanvases() {
  const dpr = window.devicePixelRatio || 1;
  app.sweep?.resize(dpr);
  const plot = $('plot');
  const box = $('loss-box');
  const w = Math.max(1, Math.round(plot.clientWidth));
  const h = Math.max(1, Math.round(plot.clientHeight));
  const lw = Math.max(1, Math.round(box.clientWidth));
  const lh = Math.max(1, Math.round(box.clientHeight));
  const s = app.size;
  if (s.w === w && s.h === h && s.lw === lw && s.lh === lh && s.dpr === dpr) return;
  Object.assign(app.size, { w, h, lw, lh, dpr });
  for (const c of [$('bg'), $('casings'), $('trails'), $('overlay')]) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  $('loss').width = Math.round(lw * dpr);
  $('loss').height = Math.round(lh * dpr);
  if (app.scene) app.scene.resize(dpr);
}

// ---------------------------------------------------------------------------------------------
// View: zoom and pan.

function currentView() {
  return app.pendingView ?? app.spec.view;
}

function applyView(v) {
  try {
    app.scene.set_view(v.x[0], v.x[1], v.y[0], v.y[1]);
  } catch {
    return; // zoomed beyond what the core accepts: keep the last valid view
  }
  app.spec = JSON.parse(app.scene.spec());
  if (!app.playing) app.states = app.scene.frame(0);
  url.writeSoon();
}

function resetView() {
  app.pendingView = null;
  change((s) => {
    delete s.view;
  });
}

// ---------------------------------------------------------------------------------------------
// Controls.

const speeds = { scale: null };

/**
 * The picker and the hint say which preset the scene is: its hint while the race is the preset's
 * own, only "based on" it once the scene departs (the core decides: presets::lesson).
 */
function showLesson() {
  const lesson = app.scene.lesson();
  const same = lesson && lesson.hint !== null;
  $('preset').value = same ? lesson.id : '';
  setText($('hint'), same ? lesson.hint : lesson ? `Based on the preset “${lesson.title}”, changed since: its lesson may no longer hold here.` : '');
  $('hint').classList.toggle('based-on', Boolean(lesson) && !same);
  $('hint').hidden = !lesson;
}

function buildStatic() {
  const { cat } = app;
  // Presets.
  for (const p of cat.presets) $('preset').append(el('option', { value: p.id, text: p.title }));
  $('preset').addEventListener('change', () => {
    const preset = cat.presets.find((p) => p.id === $('preset').value);
    if (!preset) return;
    load(preset.spec);
    play();
  });

  // Landscapes.
  for (const l of cat.landscapes) $('landscape').append(el('option', { value: l.name, text: l.title }));
  $('landscape').addEventListener('change', () => {
    const name = $('landscape').value;
    const problem = change((s) => {
      // What every landscape takes (scale, noise, seed, rotate) stays; its own parameters go.
      const { scale, noise, seed, rotate } = s.landscape;
      s.landscape = Object.fromEntries(Object.entries({ name, scale, noise, seed, rotate }).filter(([, v]) => v !== undefined));
      delete s.start;
      delete s.view;
      delete s.preset; // another landscape is no longer based on the preset
    });
    if (problem) showBanner(problem);
  });

  // Transport.
  $('play').addEventListener('click', () => (app.playing ? pause() : play()));
  $('step').append(icon('step'), el('span', { text: 'Step' }));
  $('step').addEventListener('click', () => stepNow(1));
  $('step').title = 'Single step (S)';
  $('reset').append(icon('reset'), el('span', { text: 'Reset' }));
  $('reset').addEventListener('click', reset);

  speeds.scale = speedScale(cat.limits.max_speed);
  const speedInput = $('speed');
  speedInput.max = String(speeds.scale.count - 1);
  speedInput.addEventListener('input', () => {
    const v = speeds.scale.value(Number(speedInput.value));
    change((s) => {
      s.speed = v;
    });
  });

  // The timeline: dragging replays the race up to that step (and pauses there); a far step
  // is replayed over a few frames.
  $('seek').addEventListener('input', () => {
    app.playing = false;
    app.held = true;
    app.seeking = true;
    seekTo(Number($('seek').value), false);
    updateTransport();
  });

  const stepsInput = $('steps');
  const commitSteps = () => {
    const range = { lo: 1, lo_open: false, hi: cat.limits.max_steps, hi_open: false };
    const parsed = parseNumber(stepsInput.value, range, 'Stop at', { whole: true });
    let problem = parsed.error;
    if (!problem && !Number.isInteger(parsed.value)) problem = 'Stop at: give a whole number of steps';
    if (!problem) {
      problem = change((s) => {
        s.steps = parsed.value;
      });
    }
    $('steps-err').textContent = problem || '';
    $('steps-err').hidden = !problem;
    stepsInput.setAttribute('aria-invalid', problem ? 'true' : 'false');
  };
  stepsInput.addEventListener('change', commitSteps);
  stepsInput.addEventListener('keydown', (e) => e.key === 'Enter' && commitSteps());

  $('zoom-in').append(icon('plus'));
  $('zoom-out').append(icon('minus'));
  $('zoom-fit').append(icon('fit'));
  $('zoom-in').addEventListener('click', () => app.plot.zoom(1 / 1.5));
  $('zoom-out').addEventListener('click', () => app.plot.zoom(1.5));
  $('zoom-fit').addEventListener('click', resetView);

  // Start point.
  const commitStart = () => {
    const range = { lo: -1e9, lo_open: false, hi: 1e9, hi_open: false };
    const x = parseNumber($('start-x').value, range, 'start x');
    const y = parseNumber($('start-y').value, range, 'start y');
    const problem = x.error || y.error || change((s) => {
      s.start = [x.value, y.value];
    });
    $('start-err').textContent = problem || '';
    $('start-err').hidden = !problem;
  };
  for (const id of ['start-x', 'start-y']) {
    $(id).addEventListener('change', commitStart);
    $(id).addEventListener('keydown', (e) => e.key === 'Enter' && commitStart());
  }
  $('start-default').addEventListener('click', () => {
    change((s) => {
      delete s.start;
    });
  });

  // Racers.
  for (const o of cat.optimizers) $('add-opt').append(el('option', { value: o.name, text: `${o.title} (${o.reference})` }));
  $('add').addEventListener('click', addRacer);
  app.racerList = createRacerList($('racer-list'), cat, {
    ...editingActions({
      change,
      list: () => app.racerList,
      optimizers: app.cat.optimizers,
      nextColor,
      showProblem: showBanner,
      local,
    }),
    inspect: (i) => app.scene.inspect(i),
    showSteps: (open) => app.scene.set_inspected(Uint32Array.from(open)),
    announce,
  });

  // Banner.
  $('banner-close').addEventListener('click', hideBanner);
  $('banner-reset').addEventListener('click', resetToDefault);

  // Copy link.
  $('copy-link').addEventListener('click', () => url.copyLink($('copy-link')));
  $('save-image').append(icon('download'));
  $('save-image').addEventListener('click', () => saveImage().catch((e) => showBanner(`Cannot save the image: ${e.message}`)));
}

/**
 * The first palette colour no racer shows yet (the colours drawn, so racers without an explicit
 * colour count too); the palette's next one when all are taken.
 */
function nextColor(spec) {
  const used = new Set(app.states.map((r) => r.color.toLowerCase()));
  const palette = app.cat.palette;
  return palette.find((c) => !used.has(c.toLowerCase())) ?? palette[spec.racers.length % palette.length];
}

function addRacer() {
  const name = $('add-opt').value;
  const at = app.spec.racers.length;
  app.racerList.insertAt(at, true);
  const problem = change((s) => {
    s.racers.push({ name, color: nextColor(s) });
  });
  if (problem) {
    showBanner(problem);
    return;
  }
  app.racerList.focusCard(at);
}

function resetToDefault() {
  hideBanner();
  if (app.broken || !app.scene) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
    window.location.reload();
    return;
  }
  try {
    load(defaultSpec());
    play();
  } catch (e) {
    reportError(e);
  }
}

/** "Save image": the landscape and loss chart as drawn, and a legend of the racers, as a PNG. */
async function saveImage() {
  const { spec, cat } = app;
  const landscape = cat.landscapes.find((l) => l.name === spec.landscape.name);
  const caption = [landscape.title];
  for (const p of landscape.params) caption.push(settingText(p, spec.landscape[p.name] ?? p.default));
  caption.push(`scale ${fmt(spec.landscape.scale ?? 1)}`);
  // With noisy gradients, losses are means over the latest tenth of the steps, as on the cards.
  const noisy = spec.landscape.noise > 0;
  if (noisy) caption.push(`noise ${fmt(spec.landscape.noise)}, seed ${spec.landscape.seed ?? 0} (bold: mean loss over the latest tenth of the steps)`);
  const entries = app.states.map((state, i) => {
    const racer = spec.racers[i];
    const opt = cat.optimizers.find((o) => o.name === racer.name);
    const arrived = arrivalText(state);
    const outcome = state.status !== 'ok' ? outcomeText(state) : `step ${state.step} \u00b7 ${lossText(state)}${arrived ? ` \u00b7 ${arrived}` : ''}`;
    return { color: state.color, dash: cat.dashes[state.dash], text: `${legendName(racer, opt)}: ${keySettings(opt, racer)} \u00b7 ${outcome}` };
  });
  caption.push(`learning rates: ${noisy ? 'mean loss' : 'loss'} at step ${app.scene.sweep_steps()}`);
  // The landscape as drawn; beside it the loss chart and the learning-rate sweep drawn again,
  // one above the other, at the landscape's height.
  const layers = ['bg', 'casings', 'trails', 'overlay'].map($);
  const [w, h] = [layers[0].width, layers[0].height];
  const charts = (canvas) => {
    const top = Math.round(canvas.height / 2);
    const ctx = canvas.getContext('2d');
    for (const [y, height, draw] of [
      [0, top, (c) => app.scene.draw_loss_on(c)],
      [top, canvas.height - top, (c) => app.scene.draw_sweep_on(c)],
    ]) {
      const part = Object.assign(document.createElement('canvas'), { width: canvas.width, height });
      draw(part);
      ctx.drawImage(part, 0, y);
    }
  };
  const figure = composeSnapshot({
    panels: [{ layers }, { width: Math.round(0.75 * w), height: h, draw: charts }],
    caption: caption.join(' \u00b7 '),
    entries,
    dpr: app.size.dpr || 1,
  });
  await download(figure, `optiscape-${spec.landscape.name}.png`);
}

/** Brings every control in line with app.spec (rebuilding only what changed shape). */
function syncUi() {
  const { spec, cat } = app;
  // Landscape.
  const entry = cat.landscapes.find((l) => l.name === spec.landscape.name);
  $('landscape').value = entry.name;
  $('formula').textContent = `f = ${entry.formula}`;
  // A typed formula is shown in its own field.
  $('formula').hidden = entry.all_params.some((p) => p.type === 'text');
  if (app.landscapeKey !== entry.name) {
    app.landscapeKey = entry.name;
    app.landscapeControls.clear();
    // The first parameter is `scale`, shared by every landscape: it sits under the plot.
    const nodes = entry.all_params.map((p, k) => {
      const c = paramControl(
        p,
        spec.landscape[p.name] ?? p.default,
        (v) =>
          local(
            change((s) => {
              s.landscape[p.name] = v;
            }),
          ),
        { compact: k === 0 },
      );
      app.landscapeControls.set(p.name, c);
      return c.el;
    });
    $('scale-box').replaceChildren(nodes[0]);
    $('landscape-params').replaceChildren(...nodes.slice(1));
  } else {
    for (const p of entry.all_params) app.landscapeControls.get(p.name).set(spec.landscape[p.name] ?? p.default);
  }
  // Noisy gradients make the loss jump: the chart draws it pale, under its trailing mean.
  const noisy = spec.landscape.noise > 0;
  $('loss-sub').textContent = noisy ? 'against step, log scale; pale: each step, bold: the mean over the latest tenth of the steps' : 'against step, log scale';
  $('sweep-what').textContent = noisy ? 'mean loss' : 'loss';
  const start = spec.start ?? entry.start;
  for (const [k, id] of [[0, 'start-x'], [1, 'start-y']]) {
    // Every digit: a click rounds the start to the pixel, so it is short, and a start typed
    // or linked with more digits than fmt() keeps must not read as another.
    if (document.activeElement !== $(id)) $(id).value = String(start[k]);
  }
  $('start-err').hidden = true;

  // Transport.
  $('speed').value = String(speeds.scale.index(speed()));
  $('speed-out').textContent = `${speed()} / frame`;
  $('speed').setAttribute('aria-valuetext', `${speed()} steps per frame`);
  if (document.activeElement !== $('steps')) $('steps').value = String(spec.steps);

  // Racers.
  app.racerList.render(spec, app.states);
  $('racer-count').textContent = `${spec.racers.length} of at most ${cat.limits.max_racers}`;
  $('add').disabled = spec.racers.length >= cat.limits.max_racers;
  updateTransport();
}

function updateTransport() {
  updateTimeline();
  const button = $('play');
  const done = !app.playing && app.spec && finished();
  const [name, text] = app.playing ? ['pause', 'Pause'] : done ? ['reset', 'Replay'] : ['play', 'Play'];
  if (button.dataset.state !== text) {
    button.dataset.state = text;
    button.replaceChildren(icon(name), el('span', { text }));
    button.title = `${text} (Space)`;
  }
}

// ---------------------------------------------------------------------------------------------
// Keys: the handler and the Keys card read this one table (keys.js).

const KEYS = [
  { keys: [' '], label: ['Space'], text: 'play / pause', run: () => (app.playing ? pause() : play()) },
  // As in video players: a step forward and a step back.
  { keys: ['s', '.'], label: ['S', '.'], text: 'one step', run: () => stepNow(1), repeats: true },
  { keys: [','], label: [','], text: 'one step back', run: () => seekTo(app.clock - 1, true), repeats: true },
  { keys: ['r'], label: ['R'], text: 'reset', run: () => reset() },
  { keys: ['+', '='], label: ['+'], text: 'zoom in', run: () => app.plot.zoom(1 / 1.5), repeats: true },
  { keys: ['-'], label: ['−'], text: 'zoom out', run: () => app.plot.zoom(1.5), repeats: true },
  { keys: ['0'], label: ['0'], text: 'reset the view', run: () => resetView() },
];

listenKeys(KEYS, () => Boolean(app.scene) && app.mode === 'landscape');

// ---------------------------------------------------------------------------------------------
// Measurements for `cargo xtask bench`, taken in this page.

const BENCH_RACERS = [
  { name: 'sgd', lr: 0.001 },
  { name: 'sgd', lr: 0.001, momentum: 0.9 },
  { name: 'sgd', lr: 0.001, momentum: 0.9, nesterov: true },
  { name: 'adam', lr: 0.05 },
  { name: 'rmsprop', lr: 0.01 },
  { name: 'adagrad', lr: 0.5 },
  { name: 'lion', lr: 0.01 },
  { name: 'newton', lr: 0.5 },
];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/**
 * 8 racers on Rosenbrock, plot at 800x800 CSS px, 10 steps per frame: p95 of the JS+wasm time of
 * the per-frame work over 300 animation frames; median of 9 background redraws; load to first
 * drawn frame. Restores the scene afterwards.
 */
async function bench({ frames = 300 } = {}) {
  await ready;
  const saved = app.scene.spec();
  const wasPlaying = app.playing;
  const wasHeld = app.held;
  app.playing = false;
  app.held = true;
  const plot = $('plot');
  plot.classList.add('bench');
  const border = plot.offsetWidth - plot.clientWidth;
  plot.style.width = `${800 + border}px`;
  plot.style.height = `${800 + border}px`;
  fitCanvases();
  const results = {};
  try {
    load({ landscape: { name: 'rosenbrock' }, steps: 100000, speed: 10, racers: BENCH_RACERS.map((r, i) => ({ ...r, color: app.cat.palette[i] })) });
    const times = [];
    const wasmTimes = [];
    const parts = { step: [], overlay: [], loss: [] };
    await new Promise((resolve, reject) => {
      app.benchFrame = () => {
        try {
          const t0 = performance.now();
          advance(10, performance.now(), true);
          times.push(performance.now() - t0);
          const t = app.scene.timings();
          wasmTimes.push(t.frame_ms);
          for (const k of Object.keys(parts)) parts[k].push(t[`${k}_ms`]);
        } catch (e) {
          app.benchFrame = null;
          reject(e);
          return;
        }
        if (times.length >= frames) {
          app.benchFrame = null;
          resolve();
        }
      };
    });
    const view = app.spec.view;
    const bg = [];
    const wasmBg = [];
    for (let i = 0; i < 9; i += 1) {
      const shift = (i % 2) * 1e-6;
      const t0 = performance.now();
      app.scene.set_view(view.x[0] + shift, view.x[1] + shift, view.y[0], view.y[1]);
      bg.push(performance.now() - t0);
      wasmBg.push(app.scene.timings().background_ms);
    }
    Object.assign(results, {
      frame_p95_ms: percentile(times, 0.95),
      frame_median_ms: median(times),
      frame_wasm_p95_ms: percentile(wasmTimes, 0.95),
      frame_step_p95_ms: percentile(parts.step, 0.95),
      frame_overlay_p95_ms: percentile(parts.overlay, 0.95),
      frame_loss_p95_ms: percentile(parts.loss, 0.95),
      background_ms: median(bg),
      background_wasm_ms: median(wasmBg),
      first_frame_ms: app.firstFrameMs,
      bench_frames_count: times.length,
      bench_plot_px: plot.clientWidth,
    });
  } finally {
    plot.classList.remove('bench');
    plot.style.width = '';
    plot.style.height = '';
    fitCanvases();
    load(saved);
    app.playing = wasPlaying;
    app.held = wasHeld;
    updateTransport();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Boot.

let resolveReady;
let rejectReady;
const ready = new Promise((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});
ready.catch(() => {}); // a failed boot is shown in the banner; awaiting callers still see it

window.optiscape = {
  ready,
  spec: () => JSON.parse(app.scene.spec()),
  racers,
  play: () => play(),
  pause: () => pause(),
  reset: () => reset(),
  step: (n = 1) => stepNow(n),
  /** Every racer at step k of the race (replayed from the start if k lies behind). */
  seek: (k) => seekTo(k, true),
  /** A fresh race of `spec` (every racer at the start). */
  load: (spec) => load(spec),
  /** `spec` applied as the controls apply a change: the race keeps its step, and only racers
   * whose settings changed are replayed to it (at once, or over a few frames for a long race:
   * see `behind()`). Returns racers(). */
  update: (spec) => update(spec),
  /** The race's step, and how many racers are still being replayed up to it. */
  clock: () => app.clock,
  behind: () => app.behind,
  /** The preset the scene is, or is based on: {id, title, hint} (hint null once it departs). */
  lesson: () => app.scene.lesson(),
  /** Bytes of wasm linear memory (it only grows): for the long-lecture test. */
  memory: () => app.memory?.buffer.byteLength ?? 0,
  /** Whether a costly landscape is still being sharpened. */
  refining: () => app.scene.refining(),
  /** Each racer's learning-rate sweep as far as it has run: [{lr, steps, done, points: [{lr, loss, diverged_at}]}]. */
  sweeps: () => app.scene.sweeps(),
  bench,
};

async function boot() {
  performance.mark('optiscape:boot');
  // The module early.js started compiling; if it could not, the glue fetches it again.
  const early = window.optiscapeWasm;
  const wasm = early ? early.then((module) => init({ module_or_path: module }), () => init()) : init();
  app.memory = (await wasm).memory;
  performance.mark('optiscape:wasm');
  app.cat = JSON.parse(catalogJson());
  buildStatic();
  $('keys').replaceChildren(...keyList(KEYS));

  const fromUrl = url.fromHash();
  let problem = fromUrl?.error ?? null;
  if (fromUrl?.text !== undefined) {
    try {
      app.scene = new Scene(fromUrl.text, $('bg'), $('casings'), $('trails'), $('overlay'), $('loss'));
    } catch (e) {
      problem = messageOf(e);
    }
  }
  if (!app.scene) {
    app.scene = new Scene(JSON.stringify(defaultSpec()), $('bg'), $('casings'), $('trails'), $('overlay'), $('loss'));
  }
  if (problem) showBanner(`This link’s scene is invalid (${problem}), so the default scene is shown instead.`);
  performance.mark('optiscape:scene');
  // The scene draws nothing until it knows the canvases' size: one full-size drawing.
  fitCanvases();
  app.spec = JSON.parse(app.scene.spec());
  readStates();
  syncUi();
  showLesson();
  performance.mark('optiscape:ui');

  app.plot = attachPlot($('overlay'), {
    scene: () => app.scene,
    view: currentView,
    setView(v) {
      app.pendingView = v;
    },
    setStart(p) {
      const msg = change((s) => {
        s.start = p;
      });
      if (msg) showBanner(msg);
      else if (!app.playing) play();
    },
    readout(text) {
      $('readout').textContent = text ?? '';
      $('readout').hidden = !text;
    },
  });
  new ResizeObserver(() => fitCanvases()).observe($('plot'));
  new ResizeObserver(() => fitCanvases()).observe($('loss-box'));
  new ResizeObserver(() => fitCanvases()).observe($('sweep-box'));
  window.addEventListener('resize', fitCanvases);
  window.addEventListener('hashchange', () => {
    const next = url.fromHash();
    if (!next) return;
    try {
      if (next.error) throw new Error(next.error);
      load(next.text);
      hideBanner();
    } catch (e) {
      showBanner(`This link’s scene is invalid (${messageOf(e)}); the current scene is kept.`);
    }
  });

  app.held = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  app.playing = !app.held;
  updateTransport();
  window.optiscape.classify = attachClassifier({ cat: app.cat, setMode });
  requestAnimationFrame(tick);
}

/** The mode switch hook for classify.js: shows the landscape or hands the page over. */
function setMode(mode) {
  app.mode = mode;
  $('landscape-view').hidden = mode !== 'landscape';
  $('landscape-actions').hidden = mode !== 'landscape';
  if (mode === 'landscape') {
    fitCanvases();
    url.writeNow();
    app.sweep?.schedule(); // sweeps pause while the classifier has the page
  }
}

boot().catch((e) => {
  if (e instanceof WebAssembly.CompileError) {
    // The module uses WebAssembly SIMD (two weights per instruction); older browsers reject it.
    showBanner(
      'This browser cannot run optiscape: it needs WebAssembly SIMD (Chrome or Edge 91, Firefox 89, ' +
        `Safari 16.4 or later). (${messageOf(e)})`,
    );
  } else {
    reportError(e, 'optiscape could not start');
  }
  rejectReady(e);
});
