// The landscape tab's own controls: the transport's step button, timeline, speed, stop step and
// zoom buttons, and the Landscape card (the function, its parameters from the catalog, the
// start). Each edits a copy of the spec through the race (race.js), which the core checks.

import { el, focused, icon } from './dom.js';
import { paramControl, wholeField } from './controls.js';
import { parseNumber, speedSteps } from './numbers.js';
import { localMessage } from './specstate.js';

/**
 * The landscape tab's controls. `t`: the tab's state (its scene, timeline drag); `fns`: speed(),
 * seekTo(k, now), stepNow(n), resetView(), plot() (the pointer handler, for zoom). Returns
 * sync(), which brings them in line with the race's spec.
 */
export function landscapeControls($, cat, t, race, banner, fns) {
  /** The speed slider's positions (steps per frame), from the catalog's limit. */
  const speeds = speedSteps(cat.limits.max_speed);
  /** The landscape whose parameter controls are shown, and those controls. */
  const shown = { name: '', controls: new Map() };
  buildTransport($, cat, t, race, fns, speeds);
  buildLandscapeCard($, cat, race, banner);
  // What the loss chart's x axis counts (a preset's hint stays: it is no part of the race).
  $('loss-x').addEventListener('change', () => race.change((s) => void (s.loss_x = $('loss-x').value)));
  return { sync: () => syncControls($, cat, t.scene, race, fns.speed(), speeds, shown) };
}

function buildTransport($, cat, t, race, fns, speeds) {
  $('step').append(icon('step'), el('span', { text: 'Step' }));
  $('step').addEventListener('click', () => fns.stepNow(1));
  $('step').title = 'Single step (S)';

  const speedInput = $('speed');
  speedInput.max = String(speeds.count - 1);
  speedInput.addEventListener('input', () => race.change((s) => void (s.speed = speeds.value(Number(speedInput.value)))));

  // The timeline: dragging replays the race up to that step (and pauses there); a far step
  // is replayed over a few frames.
  $('seek').addEventListener('input', () => {
    race.playing = false;
    race.held = true;
    t.seeking = true;
    fns.seekTo(Number($('seek').value), false);
    race.updateTransport();
  });

  const steps = { lo: 1, lo_open: false, hi: cat.limits.max_steps, hi_open: false };
  wholeField($('steps'), $('steps-err'), { name: 'Stop at', range: steps, commit: (v) => race.change((s) => void (s.steps = v)) });

  $('zoom-in').append(icon('plus'));
  $('zoom-out').append(icon('minus'));
  $('zoom-fit').append(icon('fit'));
  $('zoom-in').addEventListener('click', () => fns.plot().zoom(1 / 1.5));
  $('zoom-out').addEventListener('click', () => fns.plot().zoom(1.5));
  $('zoom-fit').addEventListener('click', fns.resetView);
}

/** The Landscape card: the function picker and the start (typed, or the default). */
function buildLandscapeCard($, cat, race, banner) {
  for (const l of cat.landscapes) $('landscape').append(el('option', { value: l.name, text: l.title }));
  $('landscape').addEventListener('change', () => {
    const name = $('landscape').value;
    const problem = race.change((s) => {
      // What every landscape takes (scale, noise, seed, rotate) stays; its own parameters go.
      const { scale, noise, seed, rotate } = s.landscape;
      s.landscape = Object.fromEntries(Object.entries({ name, scale, noise, seed, rotate }).filter(([, v]) => v !== undefined));
      delete s.start;
      delete s.view;
      delete s.preset; // another landscape is no longer based on the preset
    });
    if (problem) banner.show(problem);
  });

  const coordinates = { lo: -cat.limits.max_start, lo_open: false, hi: cat.limits.max_start, hi_open: false };
  const commitStart = () => {
    const x = parseNumber($('start-x').value, coordinates, 'start x');
    const y = parseNumber($('start-y').value, coordinates, 'start y');
    const problem = x.error || y.error || race.change((s) => void (s.start = [x.value, y.value]));
    $('start-err').textContent = problem || '';
    $('start-err').hidden = !problem;
  };
  for (const id of ['start-x', 'start-y']) {
    $(id).addEventListener('change', commitStart);
    $(id).addEventListener('keydown', (e) => e.key === 'Enter' && commitStart());
  }
  $('start-default').addEventListener('click', () => race.change((s) => void delete s.start));
}

/** What every landscape takes that transforms it: its sliders sit under the plot. */
const UNDER_PLOT = ['scale', 'rotate'];

/** The landscape's parameter controls, built from the catalog: `scale` and `rotate`, shared by
 * every landscape, sit under the plot, the others in the Landscape card. */
function landscapeParams($, entry, spec, race, shown) {
  shown.name = entry.name;
  shown.controls.clear();
  const under = [];
  const card = [];
  for (const p of entry.all_params) {
    const commit = (v) => localMessage(race.change((s) => void (s.landscape[p.name] = v)));
    const compact = UNDER_PLOT.includes(p.name);
    const c = paramControl(p, spec.landscape[p.name] ?? p.default, commit, { compact });
    shown.controls.set(p.name, c);
    (compact ? under : card).push(c.el);
  }
  $('scale-box').replaceChildren(...under);
  $('landscape-params').replaceChildren(...card);
}

/** Brings the tab's own controls in line with the race's spec (rebuilding only what changed
 * shape); `speed`: the steps per frame. */
function syncControls($, cat, scene, race, speed, speeds, shown) {
  const spec = race.spec;
  const entry = cat.landscapes.find((l) => l.name === spec.landscape.name);
  $('landscape').value = entry.name;
  $('formula').textContent = `f = ${entry.formula}`;
  // A typed formula is shown in its own field.
  $('formula').hidden = entry.all_params.some((p) => p.type === 'text');
  if (shown.name !== entry.name) landscapeParams($, entry, spec, race, shown);
  else for (const p of entry.all_params) shown.controls.get(p.name).set(spec.landscape[p.name] ?? p.default);
  const notes = scene.chart_notes();
  $('loss-sub').textContent = notes.loss;
  $('loss').setAttribute('aria-label', notes.loss_label);
  $('loss-x').value = spec.loss_x ?? 'steps';
  const start = spec.start ?? entry.start;
  for (const [k, id] of [[0, 'start-x'], [1, 'start-y']]) {
    // Every digit: a click rounds the start to the pixel, so it is short, and a start typed or
    // linked with more digits than a read-out keeps must not read as another.
    if (!focused($(id))) $(id).value = String(start[k]);
  }
  $('start-err').hidden = true;
  $('speed').value = String(speeds.index(speed));
  $('speed-out').textContent = `${speed} / frame`;
  $('speed').setAttribute('aria-valuetext', `${speed} steps per frame`);
  if (!focused($('steps'))) $('steps').value = String(spec.steps);
}
