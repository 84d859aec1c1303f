// The landscape tab's view: its canvases and their sizes, zoom and pan, the saved image's
// charts, and the views drawn over the plot (the pointer's read-out and new start, Explain step,
// the 3-D surface, Tune).

import { cssSize } from './dom.js';
import { attachExplain } from './explain.js';
import { attachPlot } from './plot.js';
import { attachSurface } from './surface.js';
import { attachTune } from './tune.js';

/** The plot's layers, bottom first (the loss chart has its own canvas). */
export const CANVASES = ['bg', 'casings', 'trails', 'overlay'];

/**
 * The view of the landscape tab in `root`: `$` finds its elements, `t` is the tab's state,
 * `race` the shared race (race.js), `banner` the tab's messages.
 */
export function landscapeView({ root, $, t, race, banner }) {
  /** Canvas sizes: CSS size times devicePixelRatio, redrawn on every change. */
  function fit() {
    const dpr = window.devicePixelRatio || 1;
    t.sweep?.resize(dpr);
    const css = (id) => cssSize($(id));
    const [[w, h], [lw, lh]] = [css('plot'), css('loss-box')];
    const s = t.size;
    if (s.w === w && s.h === h && s.lw === lw && s.lh === lh && s.dpr === dpr) return;
    Object.assign(s, { w, h, lw, lh, dpr });
    for (const c of CANVASES.map($)) [c.width, c.height] = [Math.round(w * dpr), Math.round(h * dpr)];
    [$('loss').width, $('loss').height] = [Math.round(lw * dpr), Math.round(lh * dpr)];
    t.scene?.resize(dpr);
  }

  function applyView(v) {
    try {
      t.scene.set_view(v.x[0], v.x[1], v.y[0], v.y[1]);
    } catch {
      return; // zoomed beyond what the core accepts: keep the last valid view
    }
    race.spec = JSON.parse(t.scene.spec());
    if (!race.playing) t.states = t.scene.frame(0);
    race.link.writeSoon();
  }

  /** The view panned or zoomed to since the last frame, applied once; whether there was one. */
  function applyPending() {
    const v = t.pendingView;
    if (!v) return false;
    t.pendingView = null;
    applyView(v);
    return true;
  }

  function resetView() {
    t.pendingView = null;
    race.change((s) => void delete s.view);
  }

  /** The canvases of the plot as shown, bottom first: the 3-D view's while it is shown, else
   * the contour plot's (what Save image and Record take). */
  const plotLayers = () => t.surface?.layers() ?? CANVASES.map($);

  /** The saved image's charts: the landscape as drawn, and beside it the loss chart and the
   * learning-rate sweep drawn again, one above the other, at the landscape's height. */
  function snapshotPanels() {
    const layers = plotLayers();
    const [w, h] = [layers[0].width, layers[0].height];
    const charts = (canvas) => {
      const top = Math.round(canvas.height / 2);
      for (const [y, height, draw] of [
        [0, top, (c) => t.scene.draw_loss_on(c)],
        [top, canvas.height - top, (c) => t.scene.draw_sweep_on(c)],
      ]) {
        const part = Object.assign(document.createElement('canvas'), { width: canvas.width, height });
        draw(part);
        canvas.getContext('2d').drawImage(part, 0, y);
      }
    };
    return [{ layers }, { width: Math.round(0.75 * w), height: h, draw: charts }];
  }

  /** The plot's pointer (read-out, zoom, pan, a click's new start), Explain step, the 3-D view
   * and Tune, once the scene is there; `loop` steps and seeks (landscape-loop.js). Canvases
   * follow their boxes' sizes from now on. */
  function attach(loop) {
    t.plot = attachPlot($('overlay'), {
      scene: () => t.scene,
      view: () => t.pendingView ?? race.spec.view,
      setView: (v) => void (t.pendingView = v),
      setStart(p) {
        const problem = race.change((s) => void (s.start = p));
        if (problem) banner.show(problem);
        else if (!race.playing) race.play();
      },
      readout(text) {
        $('readout').textContent = text ?? '';
        $('readout').hidden = !text;
      },
    });
    t.explain = attachExplain(root, $, { scene: () => t.scene, race, stepNow: loop.stepNow, seekTo: (k) => loop.seekTo(k, true), clock: () => t.clock, problem: (text) => banner.show(text), onShow: () => t.surface?.view('contour') });
    t.surface = attachSurface($, { scene: () => t.scene, problem: (text) => banner.show(text), changed: () => [t.states, race.spec, t.clock, t.size.w, t.size.h, t.size.dpr] });
    attachTune($('tune'), { scene: () => t.scene, applied: race.afterChange, problem: (text) => banner.show(text) });
    for (const id of ['plot', 'loss-box', 'sweep-box']) new ResizeObserver(fit).observe($(id));
    window.addEventListener('resize', fit);
  }

  return { fit, applyPending, resetView, plotLayers, snapshotPanels, attach };
}
