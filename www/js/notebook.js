// The page in a notebook cell (optiscape.Race, an anywidget): the landscape race mounted in the
// cell's element, inside a shadow root so that its ids, keys and styles stay its own. The
// widget's model is its host: the spec it keeps in a browser tab's link lives in the model's
// `spec` (synced with Python both ways), and the racers' state goes back as `_racers`.

import init, { catalog_json as catalogJson, packed_layout as packedLayout } from '../pkg/optiscape.js';
import { SPEC_KEY } from './landscape.js';
import { mountPage } from './page.js';
import { messageOf } from './specstate.js';

const RACERS_MS = 300; // how often the racers' state goes to Python while it changes

/** The wasm module, compiled once for every cell of the notebook. */
let compiled = null;

/** Mounts the page in the widget's element `el`; returns what anywidget calls to remove it. */
export async function mountNotebook(el, model) {
  const bytes = model.get('_wasm'); // a DataView of the binary buffer the comm brought
  compiled ??= WebAssembly.compile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const wasm = await init({ module_or_path: await compiled });
  const root = el.attachShadow ? (el.shadowRoot ?? el.attachShadow({ mode: 'open' })) : el;
  el.classList.add('optiscape-widget');
  // Keys pressed in the cell are the race's, not the notebook's shortcuts.
  el.dataset.lmSuppressShortcuts = 'true';
  el.addEventListener('keydown', (e) => e.stopPropagation());
  let page = pageElement(model);
  root.replaceChildren(styleElement(model), page);

  const host = notebookHost(model, () => remount());
  const cat = JSON.parse(catalogJson());
  const mount = (into) => mountPage(into, { cat, host, layout: packedLayout(), memory: wasm.memory });
  let mounted = mount(page);
  const sendRacers = reporter(model, () => mounted.api.racers());

  function remount() {
    mounted.stop();
    const presenting = mounted.api.present();
    if (presenting) mounted.api.present(false);
    const fresh = pageElement(model);
    page.replaceWith(fresh);
    page = fresh;
    mounted = mount(page);
    mounted.api.present(presenting);
    el.optiscape = mounted.api;
  }

  /** `spec` set from Python: applied as the controls apply a change (racers keep their place). */
  function onSpec() {
    const spec = model.get('spec');
    if (host.wrote(spec)) return;
    try {
      if (Object.keys(spec).length === 0) mounted.api.load(cat.presets[0].spec);
      else mounted.api.update(spec);
    } catch (e) {
      mounted.reportError(e, 'This spec is invalid');
    }
  }

  /** `present` set from Python: presentation mode in the cell (a full screen needs a key or a
   * click in it, which Python is not). */
  function onPresent() {
    mounted.api.present(model.get('present'));
  }

  model.on('change:spec', onSpec);
  model.on('change:present', onPresent);
  const onHeight = () => page.style.setProperty('--cell-height', model.get('height'));
  model.on('change:height', onHeight);
  onPresent();
  const timer = setInterval(sendRacers, RACERS_MS);
  el.optiscape = mounted.api; // for tests and scripting: the page's API for this cell

  return () => {
    clearInterval(timer);
    model.off('change:spec', onSpec);
    model.off('change:present', onPresent);
    model.off('change:height', onHeight);
    mounted.stop();
  };
}

/** The page's markup (index.html's body, without what only a tab needs) in a fresh element. */
function pageElement(model) {
  const doc = new DOMParser().parseFromString(model.get('_markup'), 'text/html');
  // A tab's skip link and noscript note (the classifier's tab stays, hidden: the widget races
  // landscapes).
  for (const gone of doc.body.querySelectorAll('.skip, noscript')) gone.remove();
  const page = document.createElement('div');
  page.className = 'optiscape-page';
  page.style.setProperty('--cell-height', model.get('height'));
  page.append(...[...doc.body.childNodes].map((n) => document.adoptNode(n)));
  return page;
}

/** Presentation mode's rules (and the legend's): its room is the page in the cell, a container of
 * its own size (and, by layout containment, its fixed pieces' containing block), so their window
 * units become the container's. */
const PRESENT_RULES = /[^{}]*\.present[^{}]*\{[^{}]*\}/g;
/** The page's rules for presenting in a small window: in the cell, a cell of a notebook's size
 * (40rem high by default); its full screen has the room's. */
const PRESENT_SMALL = '@media (max-width: 48rem), (max-height: 34rem)';
const CELL_SMALL = '@container (max-width: 64rem) or (max-height: 40rem)';

/** The page's stylesheet for a shadow root (the document's rules become the root's), and the
 * cell's own: the plot fits the cell's height, the controls scroll beside it. */
function styleElement(model) {
  const css = model
    .get('_style')
    .replace(/:root\b/g, ':host')
    .replace(/^html\s*\{/m, ':host {')
    .replace(/^body\s*\{/m, '.optiscape-page {')
    .replace(PRESENT_RULES, (rule) => rule.replace(/(\d)v([wh])\b/g, '$1cq$2'))
    .replace(PRESENT_SMALL, CELL_SMALL);
  const style = document.createElement('style');
  style.textContent = `${css}
:host { display: block; }
.optiscape-page.presenting { container-type: size; contain: layout; height: var(--cell-height); }
:host(:fullscreen) { background: var(--bg, #fff); }
:host(:fullscreen) .optiscape-page.presenting { height: 100%; border-radius: 0; }
.optiscape-page.presenting .plot { width: 100%; }
.optiscape-page { container-type: inline-size; border-radius: var(--radius); overflow: hidden; }
.optiscape-page .plot { width: max(16rem, min(calc(100cqw - 26rem - 3 * var(--gap)), calc(var(--cell-height) - var(--header) - 2 * var(--gap)))); }
.optiscape-page .side { max-height: calc(var(--cell-height) - var(--header) - 2 * var(--gap)); overflow-y: auto; }
.optiscape-page .stage { position: static; }
.optiscape-page #copy-link, .optiscape-page .tagline, .optiscape-page .modes, .optiscape-page #classify-view { display: none !important; }
@container (max-width: 40rem) {
  .optiscape-page .layout { grid-template-columns: minmax(0, 1fr); }
  .optiscape-page .plot { width: 100%; }
  .optiscape-page .side { max-height: none; }
}`;
  return style;
}

/**
 * The cell as the page's host (see host.js): its "link" is the model's spec. `reload` starts the
 * page over in the cell. `wrote(spec)`: whether `spec` is the one the page itself last sent.
 */
function notebookHost(model, reload) {
  let sent = null;
  const initial = model.get('spec');
  let hash = Object.keys(initial).length ? SPEC_KEY + encodeURIComponent(JSON.stringify(initial)) : '';
  return {
    hash: () => hash,
    setHash(next) {
      hash = next;
      if (!next.startsWith(SPEC_KEY)) return;
      const spec = JSON.parse(decodeURIComponent(next.slice(SPEC_KEY.length)));
      sent = JSON.stringify(spec);
      model.set('spec', spec);
      model.save_changes();
    },
    link: (h) => h,
    onLinkChange: () => {},
    copy: (text) => navigator.clipboard.writeText(text),
    reducedMotion: () => window.matchMedia('(prefers-reduced-motion: reduce)').matches,
    reload,
    /** Presentation mode entered or left in the cell (a key, the button, Esc): Python hears it. */
    presented(on) {
      if (model.get('present') === on) return;
      model.set('present', on);
      model.save_changes();
    },
    wrote: (spec) => JSON.stringify(spec) === sent,
  };
}

/** Sends the racers' state to Python when it changed since the last time. */
function reporter(model, racers) {
  let last = '';
  return () => {
    let state;
    try {
      state = racers();
    } catch (e) {
      console.warn(`optiscape: ${messageOf(e)}`);
      return;
    }
    const text = JSON.stringify(state);
    if (text === last) return;
    last = text;
    model.set('_racers', state);
    model.save_changes();
  };
}
