// The 3-D view: the landscape as a shaded surface with every racer's path on it, on a canvas
// over the plot, turned and zoomed by the camera (surface-camera.js).
//
// Drawn with WebGL2 (surface-gl.js, fed by surface-gl-feed.js) from the core's mesh and the
// paths' new points, which come with the frame's numbers. Where WebGL2 is not available, or its
// context is lost, it is drawn by the core on a 2-D canvas (surface-fallback.js) with a note
// saying so. This module holds the canvases, the toggle and the frame loop.

import { el, setText } from './dom.js';
import { createCamera } from './surface-camera.js';
import { createFallback } from './surface-fallback.js';
import { overRects } from './surface-fit.js';
import { createGlFeed } from './surface-gl-feed.js';
import { createSurfaceGl } from './surface-gl.js';

/** Mesh vertices per side, as `plot --3d` draws it. */
const SHARP_GRID = 120;
/** The last frames' drawing times kept, for `times()`. */
const KEEP_TIMES = 240;

/** The canvas the surface is drawn on (a fresh one for the fallback: one that asked for WebGL
 * may not give a 2-D context). */
const surfaceCanvas = () => el('canvas', { class: 'surface-layer', role: 'img', 'aria-label': 'The landscape as a 3-D surface with each racer’s path on it: drag to turn it, scroll or pinch to zoom.', hidden: true });

/**
 * The 3-D view over `$('plot')`: `scene()` the Scene, `problem(text)` shows a message,
 * `changed()` a list of values that change when the scene changes other than by a frame (its
 * states, spec and clock). Returns {view(mode?), advance(n), layers(), times(), turn(dyaw,
 * dpitch), zoom(factor), webgl()}.
 */
export function attachSurface($, { scene, problem, changed = () => [] }) {
  let canvas = surfaceCanvas();
  const labels = el('canvas', { class: 'surface-labels', 'aria-hidden': 'true', hidden: true });
  const note = el('p', { class: 'surface-note', hidden: true });
  const button = el('button', { type: 'button', class: 'btn view-toggle', 'aria-pressed': 'false', title: 'Show the landscape as a 3-D surface (drag turns it, the wheel zooms)', text: '3-D' });
  $('overlay').after(canvas, labels);
  $('plot').append(button, note);
  // What may lie over the plot (presentation mode's legend, caption and loss inset): the WebGL
  // view's box keeps clear of them.
  const overlays = [$('present-legend'), $('hint'), $('loss-box')?.closest('.loss-card'), button];
  // Its class on the tab tells the page's style the 3-D view is shown (presentation mode sets
  // its overlays aside then).
  const shown = $('plot').closest('.layout') ?? $('plot');
  const camera = createCamera();
  const fallback = createFallback(SHARP_GRID, camera, scene);
  // `gl`: the WebGL2 view and its feed; undefined before the view was first shown, null where
  // there is none.
  const s = { on: false, gl: undefined, feed: null, frame: 0, times: [] };

  /** WebGL2 on the canvas, once; null (and the core's drawing) where there is none. */
  function webgl() {
    if (s.gl !== undefined) return s.gl;
    try {
      s.gl = createSurfaceGl(canvas, labels);
    } catch (e) {
      problem(String(e?.message ?? e));
      s.gl = null;
    }
    if (s.gl) {
      s.feed = createGlFeed(s.gl, SHARP_GRID, { scene, changed });
      // A lost context (the GPU reset, or the browser took it back): the 2-D drawing from then on.
      canvas.addEventListener('webglcontextlost', () => {
        s.gl = null;
        fallBack(true);
      });
    } else fallBack(false);
    return s.gl;
  }

  /** The core's 2-D drawing in place of WebGL, on a fresh canvas, with its note (`lost`: the
   * context was lost, else WebGL2 is missing). */
  function fallBack(lost) {
    const fresh = surfaceCanvas();
    fresh.hidden = canvas.hidden;
    canvas.replaceWith(fresh);
    canvas = fresh;
    camera.listen(canvas);
    labels.hidden = true;
    setText(note, fallback.note(lost));
    note.hidden = !s.on;
    fallback.forget();
  }

  function fitCanvases() {
    const over = $('overlay');
    for (const c of [canvas, labels]) if (c.width !== over.width || c.height !== over.height) [c.width, c.height] = [over.width, over.height];
  }

  /** Draws the frame if anything it shows changed, and keeps how long it took. */
  function paint() {
    fitCanvases();
    const t0 = performance.now();
    const [dpr, over] = [window.devicePixelRatio || 1, overRects(canvas, overlays)];
    const grid = s.gl ? (s.feed.draw(canvas, camera.view(), dpr, over) ? SHARP_GRID : 0) : fallback.draw(canvas, over, dpr);
    if (!grid) return;
    s.times.push({ ms: performance.now() - t0, grid, webgl: Boolean(s.gl) });
    if (s.times.length > KEEP_TIMES) s.times.shift();
  }

  function draw() {
    if (!s.on) return;
    s.frame = requestAnimationFrame(draw);
    try {
      paint();
    } catch (e) {
      problem(String(e?.message ?? e));
      view('contour');
    }
  }

  /** Shows the 3-D surface ('3d') or the contour plot ('contour'); returns the mode shown. */
  function view(mode) {
    if (mode === '3d' || mode === 'contour') {
      const on = mode === '3d';
      if (on !== s.on) {
        s.on = on;
        if (on) webgl();
        canvas.hidden = !on;
        labels.hidden = !(on && s.gl);
        note.hidden = !(on && !s.gl);
        button.setAttribute('aria-pressed', on ? 'true' : 'false');
        shown.classList.toggle('surface-shown', on);
        button.textContent = on ? 'Contour' : '3-D';
        cancelAnimationFrame(s.frame);
        s.feed?.forget();
        fallback.forget();
        if (on) draw();
      }
    } else if (mode !== undefined) throw new Error(`view: "3d" or "contour", got ${JSON.stringify(mode)}`);
    return s.on ? '3d' : 'contour';
  }

  camera.listen(canvas);
  button.addEventListener('click', () => view(s.on ? 'contour' : '3d'));

  return {
    view,
    /** The frame's one call: Scene.advance, or while the WebGL view is shown SurfaceFeed's,
     * which brings the paths' new points too. Returns the scene's numbers. */
    advance: (n) => (s.on && s.gl ? s.feed.advance(n) : scene().advance(n)),
    turn: camera.turn,
    zoom: camera.zoom,
    /** The canvases the saved image takes for the plot while the surface is shown (bottom
     * first), else null. */
    layers: () => (s.on ? (s.gl ? [canvas, labels] : [canvas]) : null),
    /** Whether the view is drawn with WebGL2 (null before it was first shown). */
    webgl: () => (s.gl === undefined ? null : Boolean(s.gl)),
    times: () => s.times.slice(),
  };
}
