// Measurements taken in the page for `cargo xtask bench` (benches/page.mjs imports this module;
// the page itself never loads it). Each figure is measured beside its anchor in the same page.

import { Classify, contour_levels as contourLevels } from '../pkg/optiscape.js';

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

/** The plot at 800x800 CSS px for the measurements, then back as it was. */
async function withBenchPlot(optiscape, work) {
  const { plot, fit } = optiscape.instrument;
  const saved = optiscape.spec();
  optiscape.pause();
  plot.classList.add('bench');
  const border = plot.offsetWidth - plot.clientWidth;
  plot.style.width = `${800 + border}px`;
  plot.style.height = `${800 + border}px`;
  fit();
  try {
    return await work();
  } finally {
    plot.classList.remove('bench');
    plot.style.width = '';
    plot.style.height = '';
    fit();
    optiscape.load(saved);
    optiscape.pause();
  }
}

/** The p95 of the per-frame work (one wasm call and the cards) over `frames` animation frames,
 * `racers` racing on Rosenbrock at `speed` steps a frame; and the parts the wasm timed. */
async function frames(optiscape, racers, speed, count) {
  const { instrument } = optiscape;
  optiscape.load({ landscape: { name: 'rosenbrock' }, steps: 1_000_000_000, speed, racers });
  const times = [];
  const parts = { frame: [], step: [], overlay: [], loss: [] };
  await new Promise((resolve, reject) => {
    instrument.onFrame(() => {
      try {
        const t0 = performance.now();
        instrument.advance(speed);
        times.push(performance.now() - t0);
        const t = instrument.scene().timings();
        for (const k of Object.keys(parts)) parts[k].push(t[`${k}_ms`]);
      } catch (e) {
        instrument.onFrame(null);
        reject(e);
        return;
      }
      if (times.length >= count) {
        instrument.onFrame(null);
        resolve();
      }
    });
  });
  return { p95: percentile(times, 0.95), median: median(times), parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, percentile(v, 0.95)])) };
}

/** Milliseconds of the page's background (fill and iso-lines), redrawn sharp for a view moved
 * by a hair (refined at once when the pan showed it coarse first), and the part the wasm timed
 * of the pan's own drawing. */
function pageBackground(scene, view, i) {
  const shift = (i % 2) * 1e-6;
  const t0 = performance.now();
  scene.set_view(view.x[0] + shift, view.x[1] + shift, view.y[0], view.y[1]);
  const wasm = scene.timings().background_ms;
  while (scene.refining()) scene.refine(1e9);
  return { wall: performance.now() - t0, wasm };
}

/** The plot's rectangle in CSS px, `{x, y, width, height}`: where the scene maps to data. */
function plotRect(scene, size) {
  const inside = (x, y) => scene.data_at(x + 0.5, y + 0.5) !== undefined;
  const mid = size / 2;
  const xs = [...Array(size).keys()].filter((x) => inside(x, mid));
  const ys = [...Array(size).keys()].filter((y) => inside(mid, y));
  return { x: xs[0], y: ys[0], width: xs.length, height: ys.length };
}

/** Rosenbrock (a = 1, b = 100) at the centre of every pixel of a `width` x `height` grid over
 * `view`, row by row from the top: what a d3 user computes to contour the landscape. */
function rosenbrockGrid(view, width, height, out) {
  const [x0, x1] = view.x;
  const [y0, y1] = view.y;
  for (let j = 0; j < height; j += 1) {
    const y = y1 - ((j + 0.5) * (y1 - y0)) / height;
    for (let i = 0; i < width; i += 1) {
      const x = x0 + ((i + 0.5) * (x1 - x0)) / width;
      const a = 1 - x;
      const b = y - x * x;
      out[j * width + i] = a * a + 100 * b * b;
    }
  }
  return out;
}

/** d3-contour's filled contours and iso-lines of `values` at `levels` on `ctx`: the whole grid
 * in the lowest band's colour, each level's region over it in its band's, then every ring
 * stroked in one style (d3's usual recipe for filled contours). */
function d3Background(d3, ctx, values, width, height, levels, colors) {
  const contours = d3.contours().size([width, height]).thresholds(levels)(values);
  ctx.fillStyle = colors[0];
  ctx.fillRect(0, 0, width, height);
  const rings = new Path2D();
  contours.forEach((c, k) => {
    const band = new Path2D();
    for (const polygon of c.coordinates) {
      for (const ring of polygon) {
        band.moveTo(ring[0][0], ring[0][1]);
        for (let p = 1; p < ring.length; p += 1) band.lineTo(ring[p][0], ring[p][1]);
        band.closePath();
      }
    }
    ctx.fillStyle = colors[k + 1];
    ctx.fill(band);
    rings.addPath(band);
  });
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.45)';
  ctx.lineWidth = 1;
  ctx.stroke(rings);
}

/**
 * The page's background on Rosenbrock at the bench plot's size against d3-contour (loaded by
 * benches/page.mjs as `window.d3`, never by the page) sampling, filling and contouring the same
 * landscape at the same pixel size and levels on a canvas of the same size, `n` times each,
 * alternately; medians, and d3's over the page's.
 */
function backgroundVsD3(optiscape, n = 9) {
  const scene = optiscape.instrument.scene();
  // The racers at their start: the figure is the landscape's, not the trails' (a pan's end
  // draws every trail again).
  scene.reset();
  const view = optiscape.spec().view;
  const rect = plotRect(scene, optiscape.instrument.plot.clientWidth);
  const { width, height } = rect;
  const values = rosenbrockGrid(view, width, height, new Float64Array(width * height));
  const levels = Array.from(contourLevels(values, 0));
  const colors = levels.concat([0]).map((_, b) => `hsl(${240 - (200 * b) / levels.length}, 60%, ${30 + (40 * b) / levels.length}%)`);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  const d3 = globalThis.d3;
  const page = [];
  const wasm = [];
  const anchor = [];
  for (let i = 0; i < n; i += 1) {
    const p = pageBackground(scene, view, i);
    page.push(p.wall);
    wasm.push(p.wasm);
    if (!d3?.contours) continue;
    const t0 = performance.now();
    d3Background(d3, ctx, rosenbrockGrid(view, width, height, values), width, height, levels, colors);
    anchor.push(performance.now() - t0);
  }
  const out = { background_ms: median(page), background_wasm_ms: median(wasm), background_levels_count: levels.length, background_plot_px: width };
  if (anchor.length) {
    out.background_d3_ms = median(anchor);
    out.background_vs_d3 = { value: median(anchor) / median(page), unit: 'x' };
  }
  return out;
}

/**
 * The page's figures: frames of 8 racers at 10 steps and of 32 racers at 1000 steps, the
 * background at 800x800 CSS px beside d3-contour's. Restores the scene afterwards.
 */
export async function bench(optiscape, { frames: count = 300 } = {}) {
  await optiscape.ready;
  return withBenchPlot(optiscape, async () => {
    const small = await frames(optiscape, BENCH_RACERS, 10, count);
    const bg = backgroundVsD3(optiscape);
    const many = Array.from({ length: 32 }, (_, i) => ({ ...BENCH_RACERS[i % BENCH_RACERS.length] }));
    const big = await frames(optiscape, many, 1000, Math.min(count, 120));
    return {
      frame_p95_ms: small.p95,
      frame_median_ms: small.median,
      frame_wasm_p95_ms: small.parts.frame,
      frame_step_p95_ms: small.parts.step,
      frame_overlay_p95_ms: small.parts.overlay,
      frame_loss_p95_ms: small.parts.loss,
      frame_32x1000_p95_ms: big.p95,
      frame_32x1000_wasm_p95_ms: big.parts.frame,
      frame_32x1000_step_p95_ms: big.parts.step,
      frame_32x1000_overlay_p95_ms: big.parts.overlay,
      frame_32x1000_loss_p95_ms: big.parts.loss,
      ...bg,
      bench_frames_count: count,
      bench_plot_px: optiscape.instrument.plot.clientWidth,
    };
  });
}

/**
 * Seconds to train `spec` to the end in wasm, timing only the training: a fresh Classify on
 * off-screen canvases, advanced in slices of `slice` steps per racer until every racer is done.
 */
export async function benchTrain(spec, { slice = 100000 } = {}) {
  const response = await fetch(new URL('../data/digits.bin', import.meta.url));
  const bytes = new Uint8Array(await response.arrayBuffer());
  const c = new Classify(JSON.stringify(spec), bytes, document.createElement('canvas'), document.createElement('canvas'));
  try {
    const t0 = performance.now();
    while (!c.train_steps(slice));
    return { seconds: (performance.now() - t0) / 1e3, states: c.states() };
  } finally {
    c.free();
  }
}
