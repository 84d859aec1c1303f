// optiscape's page in a browser tab: boots the wasm core, mounts the page in the document and
// exposes it as window.optiscape (for tests, benchmarks and lecturers scripting a demo from the
// console). The run spec is the single source of truth: every control edits a copy of it and
// hands it to the core, which validates it exactly as the CLI does. Nothing typed by a user or
// found in a link is evaluated or parsed as HTML.

import init, { catalog_json as catalogJson, packed_layout as packedLayout } from '../pkg/optiscape.js';
import { windowHost } from './host.js';
import { mountPage } from './page.js';
import { messageOf } from './specstate.js';

let resolveReady;
let rejectReady;
const ready = new Promise((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});
ready.catch(() => {}); // a failed boot is shown in the banner; awaiting callers still see it

const optiscape = { ready };
window.optiscape = optiscape;

/** A message where the page would be, when it cannot start. */
function cannotStart(text) {
  document.getElementById('banner-text').textContent = text;
  document.getElementById('banner').hidden = false;
}

async function boot() {
  performance.mark('optiscape:boot');
  // The module early.js started compiling; if it could not, the glue fetches it again.
  const early = window.optiscapeWasm;
  const wasm = await (early ? early.then((module) => init({ module_or_path: module }), () => init()) : init());
  performance.mark('optiscape:wasm');
  const page = mountPage(document, { cat: JSON.parse(catalogJson()), host: windowHost(), layout: packedLayout(), memory: wasm.memory });
  window.addEventListener('error', (e) => page.reportError(e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => page.reportError(e.reason));
  Object.assign(optiscape, page.api);
  performance.mark('optiscape:ui');
  // Ready once the first frame is drawn.
  const waitFirstFrame = () => (page.firstFrame() === null ? requestAnimationFrame(waitFirstFrame) : (performance.mark('optiscape:first-frame'), resolveReady()));
  requestAnimationFrame(waitFirstFrame);
}

boot().catch((e) => {
  if (e instanceof WebAssembly.CompileError) {
    // The module uses WebAssembly SIMD (two weights per instruction); older browsers reject it.
    cannotStart(`This browser cannot run optiscape: it needs WebAssembly SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or later). (${messageOf(e)})`);
  } else {
    cannotStart(`optiscape could not start: ${messageOf(e)}`);
  }
  rejectReady(e);
});
