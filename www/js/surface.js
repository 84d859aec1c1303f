// The 3-D view: the landscape as a shaded surface with every racer's path on it, on a canvas
// over the plot. Drag turns it (sideways: about the vertical; up and down: the tilt), the wheel
// and a pinch zoom it.
//
// Drawn with WebGL2 (surface-gl.js) from the core's mesh, asked for once per landscape or view,
// and the paths' new points, which come with the frame's numbers (SurfaceFeed.advance takes the
// place of Scene.advance while the view is shown; a frame that did not advance the race asks
// for them alone, and only when something changed). Where WebGL2 is not available it is drawn
// by the core (SurfaceView, the drawing of `optiscape plot --3d`) on a 2-D canvas, on a coarser
// mesh while it turns or the race runs, with a note saying so.

import { SurfaceFeed, SurfaceView } from '../pkg/optiscape.js';
import { el } from './dom.js';
import { createSurfaceGl } from './surface-gl.js';

/** Mesh vertices per side: as `plot --3d` draws it; the 2-D fallback while turning. */
const SHARP_GRID = 120;
const TURNING_GRID = 48;
/** Still this long after the last drag or wheel: the fallback draws sharp. */
const SETTLE_MS = 200;
const DEGREES_PER_PX = { yaw: 0.4, pitch: 0.3 };
const ZOOM = { min: 0.3, max: 4, perPx: 0.0015 };
/** The last frames' drawing times kept, for `times()`. */
const KEEP_TIMES = 240;
/** While nothing seems to change, the paths are still asked for this often (ms). */
const IDLE_NEWS_MS = 500;
const FALLBACK_NOTE = '3-D drawn without WebGL2 (not available in this browser): coarser while it turns.';

/**
 * The 3-D view over `$('plot')`: `scene()` the Scene, `problem(text)` shows a message,
 * `changed()` a list of values that change when the scene changes other than by a frame (its
 * states, spec and clock). Returns {view(mode?), advance(n), layers(), times(), turn(dyaw,
 * dpitch), zoom(factor), webgl()}.
 */
export function attachSurface($, { scene, problem, changed = () => [] }) {
  const make = () => el('canvas', { class: 'surface-layer', role: 'img', 'aria-label': 'The landscape as a 3-D surface with each racer’s path on it: drag to turn it, scroll or pinch to zoom.', hidden: true });
  let canvas = make();
  const labels = el('canvas', { class: 'surface-labels', 'aria-hidden': 'true', hidden: true });
  const note = el('p', { class: 'surface-note', hidden: true, text: FALLBACK_NOTE });
  const button = el('button', { type: 'button', class: 'btn view-toggle', 'aria-pressed': 'false', title: 'Show the landscape as a 3-D surface (drag turns it, the wheel zooms)', text: '3-D' });
  $('overlay').after(canvas, labels);
  $('plot').append(button, note);
  const s = { clock: -1, on: false, gl: undefined, feed: null, view: null, yaw: 20, pitch: 45, zoom: 1, moved: -Infinity, drawn: '', frame: 0, times: [], pointers: new Map(), seen: null, fed: false, news: 0, lastNews: 0, meshVersion: -1 };

  function turning() {
    return s.pointers.size > 0 || performance.now() - s.moved < SETTLE_MS;
  }

  /** WebGL2 on the canvas, once; null (and a canvas for the 2-D fallback) where there is none. */
  function webgl() {
    if (s.gl !== undefined) return s.gl;
    try {
      s.gl = createSurfaceGl(canvas, labels);
    } catch (e) {
      problem(String(e?.message ?? e));
      s.gl = null;
    }
    if (s.gl) {
      s.feed = new SurfaceFeed(SHARP_GRID);
      // A lost context (the GPU reset, or the browser took it back): the 2-D drawing from then on.
      canvas.addEventListener('webglcontextlost', () => {
        s.gl = null;
        fallBack();
      });
    } else fallBack();
    return s.gl;
  }

  /** The core's 2-D drawing in place of WebGL, on a fresh canvas (one that asked for WebGL may
   * not give a 2-D context), with its note. */
  function fallBack() {
    const fresh = make();
    fresh.hidden = canvas.hidden;
    canvas.replaceWith(fresh);
    canvas = fresh;
    listen(canvas);
    labels.hidden = true;
    note.hidden = !s.on;
    s.drawn = '';
  }

  function fitCanvases() {
    const over = $('overlay');
    for (const c of [canvas, labels]) if (c.width !== over.width || c.height !== over.height) [c.width, c.height] = [over.width, over.height];
  }

  function takeNews(numbers, from) {
    s.meshVersion = s.gl.takeNews(numbers, from);
    s.news += 1;
    s.lastNews = performance.now();
  }

  function drawGl() {
    const sc = scene();
    // The paths' news came with the frame's numbers, or is asked for when something changed.
    const now = changed();
    const same = s.seen && now.length === s.seen.length && now.every((v, k) => v === s.seen[k]);
    if (s.fed) s.fed = false;
    else if (!same || performance.now() - s.lastNews > IDLE_NEWS_MS) takeNews(s.feed.news(sc), 0);
    s.seen = now;
    // The mesh crosses once per landscape or view: when the news says it was sampled again.
    if (s.meshVersion !== s.gl.version()) s.gl.setMesh(s.feed.mesh());
    fitCanvases();
    const key = `${canvas.width}x${canvas.height}|${s.yaw}|${s.pitch}|${s.zoom}|${s.news}|${s.gl.version()}`;
    if (key === s.drawn) return;
    s.drawn = key;
    const t0 = performance.now();
    s.gl.draw({ yaw: s.yaw, pitch: s.pitch, zoom: s.zoom }, window.devicePixelRatio || 1);
    record(performance.now() - t0, SHARP_GRID);
  }

  function drawPlotters() {
    const sc = scene();
    // Coarse while anything moves (a turn, or the race: its clock changed since the last
    // drawing); sharp on the first frame that nothing did.
    const clock = sc.clock();
    const moving = turning() || clock !== s.clock;
    s.clock = clock;
    const grid = moving ? TURNING_GRID : SHARP_GRID;
    const over = $('overlay');
    const key = `${over.width}x${over.height}|${s.yaw}|${s.pitch}|${s.zoom}|${grid}|${sc.clock()}|${sc.spec()}`;
    if (key === s.drawn) return;
    s.drawn = key;
    fitCanvases();
    const t0 = performance.now();
    s.view ??= new SurfaceView();
    s.view.draw(sc, canvas, s.yaw, s.pitch, s.zoom, grid, grid === SHARP_GRID);
    record(performance.now() - t0, grid);
  }

  function record(ms, grid) {
    s.times.push({ ms, grid, webgl: Boolean(s.gl) });
    if (s.times.length > KEEP_TIMES) s.times.shift();
  }

  function draw() {
    if (!s.on) return;
    s.frame = requestAnimationFrame(draw);
    try {
      if (s.gl) drawGl();
      else drawPlotters();
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
        button.textContent = on ? 'Contour' : '3-D';
        cancelAnimationFrame(s.frame);
        s.drawn = '';
        s.seen = null;
        if (on) draw();
      }
    } else if (mode !== undefined) throw new Error(`view: "3d" or "contour", got ${JSON.stringify(mode)}`);
    return s.on ? '3d' : 'contour';
  }

  /** The frame's one call: Scene.advance, or while the WebGL view is shown SurfaceFeed's,
   * which brings the paths' new points too. Returns the scene's numbers. */
  function advance(n) {
    if (!(s.on && s.gl)) return scene().advance(n);
    const all = s.feed.advance(scene(), n);
    const own = all[all.length - 1];
    takeNews(all, own);
    s.fed = true;
    return all.subarray(0, own);
  }

  function turn(dyaw, dpitch) {
    s.yaw = (((s.yaw + dyaw) % 360) + 360) % 360;
    s.pitch = Math.min(90, Math.max(0, s.pitch + dpitch));
    s.moved = performance.now();
  }

  function zoom(factor) {
    s.zoom = Math.min(ZOOM.max, Math.max(ZOOM.min, s.zoom * factor));
    s.moved = performance.now();
  }

  // One pointer turns the surface; two pinch it (their distance's change zooms).
  const spread = () => {
    const [a, b] = [...s.pointers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y) || 1;
  };
  function listen(c) {
    c.addEventListener('pointerdown', (e) => {
      s.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      try {
        c.setPointerCapture(e.pointerId);
      } catch {
        // A pointer the browser does not know (a synthetic event): turned all the same.
      }
      c.classList.add('turning');
    });
    c.addEventListener('pointermove', (e) => {
      const p = s.pointers.get(e.pointerId);
      if (!p) return;
      if (s.pointers.size === 1) turn((e.clientX - p.x) * DEGREES_PER_PX.yaw, (e.clientY - p.y) * DEGREES_PER_PX.pitch);
      else if (s.pointers.size === 2) {
        const before = spread();
        s.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
        return zoom(spread() / before);
      }
      s.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    });
    const release = (e) => {
      s.pointers.delete(e.pointerId);
      s.moved = performance.now();
      if (s.pointers.size === 0) c.classList.remove('turning');
    };
    c.addEventListener('pointerup', release);
    c.addEventListener('pointercancel', release);
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        zoom(Math.exp(-e.deltaY * ZOOM.perPx));
      },
      { passive: false },
    );
  }
  listen(canvas);
  button.addEventListener('click', () => view(s.on ? 'contour' : '3d'));

  return {
    view,
    advance,
    turn,
    zoom,
    /** The canvases the saved image takes for the plot while the surface is shown (bottom
     * first), else null. */
    layers: () => (s.on ? (s.gl ? [canvas, labels] : [canvas]) : null),
    /** Whether the view is drawn with WebGL2 (null before it was first shown). */
    webgl: () => (s.gl === undefined ? null : Boolean(s.gl)),
    times: () => s.times.slice(),
  };
}
