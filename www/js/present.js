// Presentation mode: the landscape race fills the screen for a room. The plot covers the
// window, drawn at the core's room scale (lines, markers and text twice their desk size); an
// overlay legend gives each racer's name, live loss and arrival or divergence (the cards'
// words, from the core); the loss chart is an inset and the hint a caption. P enters and
// leaves, F also asks for the browser's full screen, Esc leaves; PageDown and PageUp (what a
// presentation clicker sends) and the arrow keys go to the next and previous scene.
// Mounted in an element (a notebook cell) rather than a document, the room is that element: the
// plot fills it, and P and the button also ask for its full screen (the window is the notebook's).

import { Scene } from '../pkg/optiscape.js';
import { finder, icon } from './dom.js';
import { listenKeys, typing } from './keys.js';
import { fitCaption } from './present-caption.js';
import { overlayPainter } from './present-frame.js';
import { presentLegend } from './present-legend.js';

const LEGEND_HZ = 5; // legend refreshes per second
const NEXT = ['PageDown', 'ArrowRight', 'ArrowDown'];
const PREVIOUS = ['PageUp', 'ArrowLeft', 'ArrowUp'];

/** Whether the page's link asks for presentation mode (`?present=1`, or `present=1` after the
 * hash's spec). */
export function linkPresents(search, hash) {
  const query = new URLSearchParams(search);
  return query.get('present') === '1' || /(^|[#&])present=1(&|$)/.test(hash);
}

/**
 * Presentation mode for the landscape tab `landscape` (landscape.js) mounted in `root`; `cat`
 * the catalog (its presets), `host` the page's surroundings (`host.presented(on)`, when it has
 * one, hears every change), `record(fn)` sets what Record
 * records (export.js's setRecordSource; presenting, the plot and its overlays). Returns `{on(), set(on, full),
 * keys}`: `keys` the entries the Keys card lists.
 */
export function attachPresent(root, { landscape, cat, host, record = () => {} }) {
  const $ = finder(root);
  const doc = root.ownerDocument ?? root;
  const inCell = root !== doc;
  // Where the mode's class goes, and what goes full screen: the document's body and element, or
  // the cell's page and the element holding it (its shadow root's host).
  const stage = inCell ? root : doc.body;
  const fullTarget = inCell ? (root.getRootNode().host ?? root) : doc.documentElement;
  const state = { on: false, full: false, timer: 0 };
  const button = $('present');
  const legend = $('present-legend');
  const rows = presentLegend(doc, legend, landscape);
  const refreshLegend = () => {
    rows.refresh();
    fitCaption($('hint'), legend, state.on);
  };
  // A recording made while presenting holds what the room sees: the overlays over the plot.
  const paint = overlayPainter({ legend, inset: $('loss-box').closest('.loss-card'), caption: $('hint') });
  const recordRoom = (plot) => ({ ...plot, paint });

  /** Enters (`on`) or leaves presentation mode; `full`: also the browser's full screen. */
  function set(on, full = false) {
    on = Boolean(on);
    if (on === state.on) {
      if (on && full) requestFull();
      return state.on;
    }
    state.on = on;
    stage.classList.toggle('presenting', on);
    button.setAttribute('aria-pressed', String(on));
    legend.hidden = !on;
    record(on ? recordRoom : null);
    landscape.fit();
    fitRoom();
    clearInterval(state.timer);
    if (on) {
      rows.reset();
      refreshLegend();
      state.timer = setInterval(refreshLegend, 1000 / LEGEND_HZ);
      if (full) requestFull();
      // In a cell, the keys go to the race only with the focus inside it (the notebook takes it
      // on a click): the plot holds it while presenting.
      if (inCell) $('overlay').focus({ preventScroll: true });
    } else {
      fitCaption($('hint'), legend, false);
      if (state.full && doc.fullscreenElement) doc.exitFullscreen?.().catch(() => {});
      state.full = false;
      button.focus({ preventScroll: true });
    }
    host.presented?.(on);
    return on;
  }

  /** Presentation mode's room scale for the room as it is (the desk's outside it). */
  function fitRoom() {
    const view = doc.defaultView;
    const [w, h] = inCell ? [stage.clientWidth, stage.clientHeight] : [view.innerWidth, view.innerHeight];
    landscape.scene().set_room(state.on && w > 0 && h > 0 ? Scene.present_room(w, h, view.devicePixelRatio || 1) : 1);
  }

  function requestFull() {
    if (!fullTarget.requestFullscreen || doc.fullscreenElement) return;
    fullTarget.requestFullscreen().then(() => {
      state.full = true;
      fitRoom();
    }, () => {});
  }

  /** P and the button: in a cell, the cell's full screen too (a key or a click may ask for it). */
  const toggle = () => (state.on ? set(false) : set(true, inCell));

  /** The scene `by` presets after (or before) the one the race is, or is based on. */
  function stepPreset(by) {
    const presets = cat.presets;
    const lesson = landscape.scene().lesson();
    const at = lesson ? presets.findIndex((p) => p.id === lesson.id) : -1;
    const next = at < 0 ? (by > 0 ? 0 : presets.length - 1) : (at + by + presets.length) % presets.length;
    landscape.race.loadPreset(presets[next]);
    rows.reset();
    refreshLegend();
  }

  // The clicker's keys and Esc act before the focused plot's own arrow keys (capture phase).
  root.addEventListener(
    'keydown',
    (e) => {
      if (!state.on || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
      const by = NEXT.includes(e.key) ? 1 : PREVIOUS.includes(e.key) ? -1 : 0;
      if (by !== 0) {
        e.preventDefault();
        e.stopPropagation();
        if (!e.repeat) stepPreset(by);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        set(false);
      }
    },
    true,
  );
  // Leaving the browser's full screen (its own Esc) leaves presentation mode entered with F.
  doc.addEventListener('fullscreenchange', () => {
    if (!doc.fullscreenElement && state.full) {
      state.full = false;
      set(false);
    }
  });
  doc.defaultView.addEventListener('resize', () => state.on && fitRoom());
  if (inCell) new ResizeObserver(() => state.on && fitRoom()).observe(stage);
  button.append(icon('present'));
  button.addEventListener('click', toggle);

  const keys = [
    { keys: ['p'], label: ['P'], text: 'presentation mode', run: toggle },
    { keys: ['f'], label: ['F'], text: 'presentation mode in full screen', run: () => (state.on && state.full ? set(false) : set(true, true)) },
    { keys: [], label: ['PgDn', 'PgUp', '→', '←'], text: 'next / previous scene (presenting; Esc leaves)', run: () => {} },
  ];

  listenKeys(root, keys.filter((k) => k.keys.length > 0), () => landscape.race.active);
  if (linkPresents(host.search?.() ?? '', host.hash())) set(true);

  return { on: () => state.on, set, keys };
}
