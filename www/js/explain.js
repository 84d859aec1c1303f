// "Explain step": one racer's next update drawn at its head on a canvas over the plot, its
// pieces revealed one after another in the update's own order, and a panel listing each
// piece's label, value and caption. Everything shown is the core's (Scene::explain and
// Scene::draw_explanation_on); this module only paces it and steps the race. ← and → step the
// race back and forth (the explanation follows), Esc or the button again leaves; playing leaves
// too. Where the panel goes is explain-place.js's.

import { el } from './dom.js';
import { explainPlacer } from './explain-place.js';

/** One more piece every this many milliseconds. */
const REVEAL_MS = 600;
/** How often a fully revealed explanation checks whether the plot moved under it. */
const WATCH_MS = 250;

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
  const s = { i: null, data: null, shown: 0, timer: 0, drawn: '', placed: '' };
  const place = explainPlacer(root, $, panel);

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
      place(scene(), s.i, s.data.pieces);
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
