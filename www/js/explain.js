// "Explain step": one racer's next update drawn at its head on a canvas over the plot, its
// pieces revealed one after another in the update's own order, and a panel listing each
// piece's label, value and caption. Everything shown is the core's (Scene::explain and
// Scene::draw_explanation_on); this module only paces it and steps the race. ← and → step the
// race back and forth (the explanation follows), Esc or the button again leaves; playing leaves
// too. The panel takes the plot's corner where it covers none of the pieces drawn (found from the
// drawing itself), nor, if it can, the plot's other overlays.

import { el } from './dom.js';

/** One more piece every this many milliseconds. */
const REVEAL_MS = 600;
/** How often a fully revealed explanation checks whether the plot moved under it. */
const WATCH_MS = 250;
/** Pixels read per side when finding where a piece was drawn (its lines are wider than this). */
const INK_STRIDE = 2;
/** The panel's corners, best first: beside the colour bar's foot, then away from the axes' labels. */
const CORNERS = [['bottom', 'right'], ['top', 'right'], ['bottom', 'left'], ['top', 'left']];
/** The narrowest the panel may be beside the plot (CSS pixels): its captions still read. */
const BESIDE_MIN_PX = 200;
/** Overlays over the plot the panel should rather not cover (the 3-D toggle, presentation mode's). */
const SOFT_OBSTACLES = '.view-toggle, .present-legend:not([hidden]), .presenting #hint:not([hidden]), .presenting .loss-card';

/** Ink of `now` not in `before` (RGBA of one size), as a box in the canvas's pixels, or null. */
function newInk(before, now, width, height) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < height; y += INK_STRIDE) {
    for (let x = 0; x < width; x += INK_STRIDE) {
      const k = (y * width + x) * 4;
      if (now[k + 3] === 0 || (now[k] === before[k] && now[k + 1] === before[k + 1] && now[k + 2] === before[k + 2] && now[k + 3] === before[k + 3])) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return x1 < 0 ? null : { left: x0 - INK_STRIDE, top: y0 - INK_STRIDE, right: x1 + INK_STRIDE, bottom: y1 + INK_STRIDE };
}

/** The area two boxes share. */
function overlap(a, b) {
  return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
}

/**
 * The explain view over the plot `$('plot')`: `scene()` the Scene, `race` the shared race,
 * `stepNow(n)`, `seekTo(k)` and `clock()` the tab's, `onShow()` runs as an explanation opens (the
 * plot back to its contours: the pieces are drawn on them). Returns {show(i | null), button(i), on(),
 * data()}.
 */
export function attachExplain(root, $, { scene, race, stepNow, seekTo, clock, problem, onShow }) {
  const canvas = el('canvas', { class: 'explain-layer', 'aria-hidden': 'true' });
  const list = el('ol', { class: 'explain-pieces' });
  const title = el('h3', { class: 'explain-title' });
  const note = el('p', { class: 'explain-note' });
  const close = el('button', { type: 'button', class: 'btn', text: 'Done', onclick: () => show(null) });
  const panel = el('aside', { class: 'explain-panel', 'aria-label': 'The next update, piece by piece', 'aria-live': 'polite', hidden: true }, title, note, list, close);
  $('plot').append(canvas, panel);
  const s = { i: null, data: null, shown: 0, timer: 0, drawn: '', placed: '', scratch: null };

  /**
   * Where each piece is drawn, as boxes in the page's CSS pixels: the pieces drawn one more at a
   * time on a scratch canvas of the layer's size, each box the ink it added.
   */
  function pieceBoxes() {
    const over = $('overlay');
    const scratch = (s.scratch ??= document.createElement('canvas'));
    [scratch.width, scratch.height] = [over.width, over.height];
    // Asked first, so the drawing's context is one made for reading back.
    const ctx = scratch.getContext('2d', { willReadFrequently: true });
    const r = over.getBoundingClientRect();
    const css = r.width / over.width;
    const boxes = [];
    let before = null;
    for (let k = 0; k <= s.data.pieces.length; k++) {
      scene().draw_explanation_on(scratch, s.i, k);
      const now = ctx.getImageData(0, 0, scratch.width, scratch.height).data;
      if (before) {
        const b = newInk(before, now, scratch.width, scratch.height);
        boxes.push(b && { left: r.left + b.left * css, top: r.top + b.top * css, right: r.left + b.right * css, bottom: r.top + b.bottom * css });
      }
      before = now;
    }
    return boxes;
  }

  /**
   * Puts the panel in the plot's corner that covers none of the pieces but boxes (the arrows,
   * points and their labels; a box may span the plot), and the least of the other overlays; where
   * no corner is clear, the panel keeps only the latest piece's caption and tries again; where
   * none is clear then either (a small plot, as a phone's), the panel goes under the plot, unless
   * the plot is the whole screen (presenting).
   */
  function place() {
    $('plot').append(panel);
    panel.style.left = panel.style.top = panel.style.maxWidth = panel.style.maxHeight = '';
    panel.classList.remove('below');
    const boxes = pieceBoxes();
    const keep = s.data.pieces.map((p, k) => p.shape !== 'box' && boxes[k]).filter(Boolean);
    const soft = [...root.querySelectorAll(SOFT_OBSTACLES)].filter((e) => e.getClientRects().length).map((e) => e.getBoundingClientRect());
    let best = null;
    for (const compact of [false, true]) {
      panel.classList.toggle('compact', compact);
      for (const [v, h] of CORNERS) {
        panel.dataset.corner = `${v} ${h}`;
        const r = panel.getBoundingClientRect();
        const hard = keep.reduce((a, b) => a + overlap(r, b), 0);
        const score = hard * 1e6 + soft.reduce((a, b) => a + overlap(r, b), 0);
        if (best === null || score < best.score) best = { score, compact, corner: `${v} ${h}`, clear: hard === 0 };
      }
      if (best.clear) break;
    }
    const presenting = Boolean($('plot').closest('.presenting'));
    if (!best.clear && !presenting) {
      // Beside the plot (outside its clipped box, placed by its side), where the window has
      // room there that the controls do not take.
      panel.classList.remove('compact');
      $('plot').after(panel);
      const width = panel.ownerDocument.documentElement.clientWidth;
      const controls = $('controls').getBoundingClientRect();
      const plot = $('plot').getBoundingClientRect();
      const gap = 8;
      for (const side of ['right', 'left']) {
        panel.dataset.corner = `beside ${side}`;
        const room = (side === 'right' ? width - plot.right : plot.left) - 2 * gap;
        if (room < BESIDE_MIN_PX) continue;
        panel.style.maxWidth = `${room}px`;
        // Down to the controls when they come under the plot (it scrolls within).
        if (controls.top >= plot.bottom) panel.style.maxHeight = `${controls.top - plot.top - gap}px`;
        const origin = (panel.offsetParent ?? panel.ownerDocument.body).getBoundingClientRect();
        const w = panel.getBoundingClientRect().width;
        panel.style.left = `${(side === 'right' ? plot.right + gap : plot.left - gap - w) - origin.left}px`;
        panel.style.top = `${plot.top - origin.top}px`;
        const r = panel.getBoundingClientRect();
        if (r.left >= 0 && r.right <= width && overlap(r, controls) === 0) return;
      }
      panel.style.left = panel.style.top = panel.style.maxWidth = panel.style.maxHeight = '';

      panel.classList.remove('compact');
      panel.classList.add('below');
      panel.dataset.corner = 'below';
      $('plot').after(panel);
      return;
    }
    panel.classList.toggle('compact', best.compact);
    panel.dataset.corner = best.corner;
  }

  /** Sizes the layer as the plot's canvases and draws the pieces shown so far. */
  function draw(force = false) {
    const over = $('overlay');
    const key = `${over.width}x${over.height}|${scene().spec()}|${s.shown}`;
    if (!force && key === s.drawn) return;
    s.drawn = key;
    if (canvas.width !== over.width || canvas.height !== over.height) [canvas.width, canvas.height] = [over.width, over.height];
    scene().draw_explanation_on(canvas, s.i, s.shown);
    list.querySelectorAll(':scope > li').forEach((li, k) => {
      li.classList.toggle('shown', k < s.shown);
      li.classList.toggle('latest', k === s.shown - 1);
    });
    const layout = `${over.width}x${over.height}|${scene().spec()}|${s.i}|${s.data.step}`;
    if (layout !== s.placed) {
      s.placed = layout;
      place();
    }
  }

  function tick() {
    if (s.i === null) return;
    if (race.playing) return show(null);
    if (s.shown < s.data.pieces.length) s.shown += 1;
    try {
      draw();
    } catch (e) {
      return leave(e);
    }
    s.timer = setTimeout(tick, s.shown < s.data.pieces.length ? REVEAL_MS : WATCH_MS);
  }

  function leave(e) {
    show(null);
    if (e) problem(String(e?.message ?? e));
  }

  /** Explains racer `i`'s next update from the start of its sequence (null: leaves). */
  function show(i) {
    clearTimeout(s.timer);
    if (i === null || i === undefined) {
      s.i = null;
      s.data = null;
      panel.hidden = true;
      canvas.hidden = true;
      root.classList?.remove('explaining');
      updateButtons();
      return null;
    }
    race.pause();
    onShow?.();
    s.data = scene().explain(i);
    s.i = i;
    s.shown = 0;
    s.drawn = '';
    s.placed = '';
    title.textContent = `${s.data.name}: step ${s.data.step} → ${s.data.step + 1}`;
    note.textContent = s.data.magnify > 1 ? `step drawn ×${s.data.magnify}` : '';
    list.replaceChildren(
      ...s.data.pieces.map((p, k) =>
        el('li', { 'data-key': p.key, title: p.caption }, el('span', { class: 'explain-label', text: p.label }), ' ', el('span', { class: 'explain-value', text: s.data.values[k] }), el('span', { class: 'explain-caption', text: p.caption })),
      ),
    );
    panel.hidden = false;
    canvas.hidden = false;
    updateButtons();
    tick();
    return s.data;
  }

  /** Moves the race one step forward or back and explains the same racer again. */
  function move(by) {
    const i = s.i;
    if (by > 0) stepNow(1);
    else seekTo(Math.max(0, clock() - 1));
    try {
      show(i);
    } catch (e) {
      leave(e);
    }
  }

  root.addEventListener(
    'keydown',
    (e) => {
      if (s.i === null || e.ctrlKey || e.metaKey || e.altKey) return;
      const act = { ArrowRight: () => move(1), ArrowLeft: () => move(-1), Escape: () => show(null) }[e.key];
      if (!act) return;
      e.preventDefault();
      e.stopImmediatePropagation();
      act();
    },
    { capture: true },
  );

  const buttons = new Map();
  function updateButtons() {
    for (const [i, b] of buttons) {
      if (!b.isConnected) buttons.delete(i);
      else b.setAttribute('aria-pressed', s.i === i ? 'true' : 'false');
    }
  }

  return {
    show,
    on: () => s.i !== null,
    data: () => s.data,
    /** The "Explain step" button of racer i's settings (`extraSettings`). */
    button(i) {
      const b = el('button', {
        type: 'button',
        class: 'btn explain-button',
        'aria-pressed': 'false',
        title: 'Draw the next update of this racer piece by piece (← → step, Esc leaves)',
        text: 'Explain step',
        onclick: () => {
          try {
            show(s.i === i ? null : i);
          } catch (e) {
            leave(e);
          }
        },
      });
      buttons.set(i, b);
      return { el: el('div', { class: 'racer-explain' }, b), set() {} };
    },
  };
}
