// Measurements taken in the page for `cargo xtask bench` (benches/page.mjs imports this module;
// the page itself never loads it). Each figure is measured beside its anchor in the same page.

import { Classify } from '../pkg/optiscape.js';

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

/** The landscape's background (fill and iso-lines), median of `n` redraws of a view moved by
 * a hair each time. */
function background(optiscape, n = 9) {
  const scene = optiscape.instrument.scene();
  const view = optiscape.spec().view;
  const wall = [];
  const wasm = [];
  for (let i = 0; i < n; i += 1) {
    const shift = (i % 2) * 1e-6;
    const t0 = performance.now();
    scene.set_view(view.x[0] + shift, view.x[1] + shift, view.y[0], view.y[1]);
    wall.push(performance.now() - t0);
    wasm.push(scene.timings().background_ms);
  }
  return { wall: median(wall), wasm: median(wasm) };
}

/**
 * The page's figures: frames of 8 racers at 10 steps and of 32 racers at 1000 steps, the
 * background at 800x800 CSS px, and the first frame. Restores the scene afterwards.
 */
export async function bench(optiscape, { frames: count = 300 } = {}) {
  await optiscape.ready;
  return withBenchPlot(optiscape, async () => {
    const small = await frames(optiscape, BENCH_RACERS, 10, count);
    const bg = background(optiscape);
    const many = Array.from({ length: 32 }, (_, i) => ({ ...BENCH_RACERS[i % BENCH_RACERS.length] }));
    const big = await frames(optiscape, many, 1000, Math.min(count, 120));
    return {
      frame_p95_ms: small.p95,
      frame_median_ms: small.median,
      frame_wasm_p95_ms: small.parts.frame,
      frame_step_p95_ms: small.parts.step,
      frame_overlay_p95_ms: small.parts.overlay,
      frame_loss_p95_ms: small.parts.loss,
      frame_p95_ms_32x1000: big.p95,
      background_ms: bg.wall,
      background_wasm_ms: bg.wasm,
      first_frame_ms: optiscape.instrument.firstFrame(),
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
