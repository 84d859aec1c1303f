// Recording what the plot shows while the race plays: as WebM through the browser's
// MediaRecorder (a canvas composed from the plot's layers every frame, captured as a stream), or
// as an animated GIF through the core's encoder (optiscape animate's, compiled to wasm), fed the
// same composed frames. What is recorded is whatever `source()` returns at each frame, so a view
// that shows the race otherwise (presentation mode) records itself by giving its own layers.

import { GifRecorder } from '../pkg/optiscape.js';

/** GIF frames are taken at most this often (hundredths of a second: GIF's own unit). */
const GIF_INTERVAL_CS = 8;
/** A GIF is at most this wide (its pixels are the plot's CSS pixels, scaled down beyond). */
const GIF_MAX_WIDTH = 720;
/** The last GIF frame stays this long before the GIF starts over, as `optiscape animate`'s. */
const GIF_HOLD_CS = 200;
/** WebM: frames a second captured, and the bitrate asked of the encoder. */
const WEBM_FPS = 30;
const WEBM_BITS_PER_SECOND = 6_000_000;
/** A WebM recording whose encoder has written no frame this long after Stop failed. */
const WEBM_FIRST_FRAME_MS = 15_000;

/** The WebM types to ask MediaRecorder for, best first. */
const WEBM_TYPES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

/** The WebM type this browser records, or null when it records none. */
export function webmType() {
  if (typeof MediaRecorder === 'undefined' || typeof HTMLCanvasElement.prototype.captureStream !== 'function') return null;
  return WEBM_TYPES.find((t) => MediaRecorder.isTypeSupported(t)) ?? null;
}

/**
 * Draws `layers` (canvases of one size, bottom first, each at its CSS opacity, as on screen) onto
 * `canvas`, at `width` x `height`, over white; then `paint(ctx, origin, scale)`, when given, draws
 * what the screen shows over them (origin: the first layer's top left on screen, in CSS pixels;
 * scale: the canvas's pixels per CSS pixel).
 */
function compose(canvas, { layers, paint }, width, height) {
  if (canvas.width !== width || canvas.height !== height) [canvas.width, canvas.height] = [width, height];
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.globalAlpha = 1;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  for (const layer of layers) {
    ctx.globalAlpha = layer.isConnected ? Number(getComputedStyle(layer).opacity) : 1;
    drawLayer(ctx, layer, width, height);
  }
  ctx.globalAlpha = 1;
  if (paint) {
    const origin = layers[0].getBoundingClientRect();
    if (origin.width > 0) paint(ctx, origin, width / origin.width);
  }
  return ctx;
}

/** `layer` over `width x height`; as shown while a pan moves it (its `data-moved`: scale, offset
 * and clip in its device pixels; see the scene's canvas layer). */
function drawLayer(ctx, layer, width, height) {
  const m = layer.dataset?.moved?.split(' ').map(Number);
  if (!m || m.length !== 8 || !m.every(Number.isFinite)) return ctx.drawImage(layer, 0, 0, width, height);
  const [sx, sy, ox, oy, cx, cy, cw, ch] = m;
  const [kx, ky] = [width / layer.width, height / layer.height];
  ctx.save();
  ctx.beginPath();
  ctx.rect(cx * kx, cy * ky, cw * kx, ch * ky);
  ctx.clip();
  ctx.drawImage(layer, ox * kx, oy * ky, width * sx, height * sy);
  ctx.restore();
}

/** `#rrggbb` colours as RGB triples, one after another. */
function rgbTriples(colors) {
  const out = [];
  for (const c of colors) if (/^#[0-9a-f]{6}$/i.test(c)) out.push(...[1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16)));
  return new Uint8Array(out);
}

/**
 * Starts recording. `format`: 'webm' or 'gif'; `source()`: `{ layers, dpr, paint? }` (the canvases
 * shown, bottom first, their device pixels per CSS pixel, and what to draw over them: see
 * `compose`); `colors()`: the racers' colours (exact in
 * a GIF's palette). Returns `{ format, frames(), seconds(), stop() }`; `stop()` resolves to the
 * file as a Blob with its `frames` (a WebM's once its first frame is in it; rejects, with a
 * one-line message, when it holds none).
 */
export function startRecording({ format, source, colors }) {
  return format === 'gif' ? recordGif(source, colors) : recordWebm(source);
}

/** One rAF loop while recording, run after the page's frame drew (it was asked for later). */
function everyFrame(work) {
  let id = requestAnimationFrame(function loop(now) {
    id = requestAnimationFrame(loop);
    work(now);
  });
  return () => cancelAnimationFrame(id);
}

function recordWebm(source) {
  const type = webmType();
  if (!type) throw new Error('this browser cannot record video (no MediaRecorder for WebM)');
  const canvas = document.createElement('canvas');
  // One size for the whole recording, the first frame's (the encoder is set up for it): a plot
  // resized meanwhile is scaled into it.
  const first = source();
  const [width, height] = [first.layers[0].width, first.layers[0].height];
  const draw = (frame = source()) => compose(canvas, frame, width, height);
  draw(first);
  const stream = canvas.captureStream(WEBM_FPS);
  const recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: WEBM_BITS_PER_SECOND });
  const chunks = [];
  const s = { error: null, frames: 0 };
  // Nothing is in the file before the encoder's first frame was written, which a loaded machine
  // can take seconds to reach: stopping waits for it (`written`), so a file is never empty.
  let wrote;
  const written = new Promise((resolve) => (wrote = resolve));
  recorder.ondataavailable = (e) => e.data.size > 0 && (chunks.push(e.data), wrote());
  // Chromium fires `start` at the first write: its bytes are asked for at once.
  recorder.onstart = () => recorder.state === 'recording' && recorder.requestData();
  recorder.onerror = (e) => {
    s.error = e.error ?? new Error('the recording failed');
    wrote();
  };
  const started = performance.now();
  const cancel = everyFrame(() => {
    draw();
    s.frames += 1;
  });
  recorder.start(1000);

  async function stop() {
    let timer = 0;
    await Promise.race([written, new Promise((resolve) => (timer = setTimeout(resolve, WEBM_FIRST_FRAME_MS)))]);
    clearTimeout(timer);
    cancel();
    if (recorder.state !== 'inactive') {
      draw();
      await new Promise((resolve) => {
        recorder.onstop = resolve;
        recorder.stop();
      });
    }
    for (const track of stream.getTracks()) track.stop();
    if (s.error) throw s.error;
    if (chunks.length === 0) throw new Error(`the browser's video encoder wrote no frame within ${WEBM_FIRST_FRAME_MS / 1000} s, so no file was saved`);
    return Object.assign(new Blob(chunks, { type: 'video/webm' }), { frames: s.frames });
  }

  return {
    format: 'webm',
    frames: () => s.frames,
    seconds: () => (performance.now() - started) / 1000,
    stop,
  };
}

/**
 * A GIF of the composed frames at the plot's CSS pixels (at most GIF_MAX_WIDTH wide). Each frame
 * is handed to the encoder when the next is taken, so its delay is the time it really stayed on
 * screen.
 */
function recordGif(source, colors) {
  const canvas = document.createElement('canvas');
  const size = () => {
    const { layers, dpr } = source();
    const css = layers[0].width / dpr;
    const scale = Math.min(1, GIF_MAX_WIDTH / css) / dpr;
    return [Math.max(1, Math.round(layers[0].width * scale)), Math.max(1, Math.round(layers[0].height * scale))];
  };
  const [width, height] = size();
  const grab = () => compose(canvas, source(), width, height).getImageData(0, 0, width, height).data;
  const started = performance.now();
  let encoder = null;
  let pending = { rgba: grab(), at: started };
  let error = null;

  /** Hands the pending frame to the encoder, shown for `delay` hundredths of a second. */
  function flush(delay) {
    const d = Math.max(2, Math.min(65535, Math.round(delay)));
    if (encoder === null) encoder = new GifRecorder(width, height, pending.rgba, rgbTriples(colors()), d);
    else encoder.push(pending.rgba, d);
  }

  const cancel = everyFrame((now) => {
    if (error || now - pending.at < GIF_INTERVAL_CS * 10) return;
    try {
      flush((now - pending.at) / 10);
      pending = { rgba: grab(), at: now };
    } catch (e) {
      error = e;
    }
  });
  return {
    format: 'gif',
    frames: () => (encoder?.frames() ?? 0) + 1,
    seconds: () => (performance.now() - started) / 1000,
    stop: async () => {
      cancel();
      if (error) throw error;
      // What is on screen now is the last frame, held before the GIF starts over.
      const now = performance.now();
      flush((now - pending.at) / 10);
      pending = { rgba: grab(), at: now };
      flush(GIF_HOLD_CS);
      const frames = encoder.frames();
      const bytes = encoder.finish();
      encoder.free();
      return Object.assign(new Blob([bytes], { type: 'image/gif' }), { frames });
    },
  };
}
