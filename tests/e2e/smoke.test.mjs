// Smoke test: the page loads, becomes ready, the wasm module works under the page's CSP, and
// nothing is logged to the console or fetched from another origin.
//
// Run with `cargo xtask test` (builds, serves www/, sets OPTISCAPE_URL), or by hand against a
// running `cargo xtask serve`: OPTISCAPE_URL=http://127.0.0.1:8000/ node --test tests/e2e/

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BASE_URL, expectClean, launch, openPage, recordsOf, screenshot, waitReady } from './harness.mjs';

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await openPage(browser);
});

after(async () => {
  await browser?.close();
});

test('the page loads', async () => {
  const { status } = recordsOf(page);
  assert.equal(status, 200, `GET ${BASE_URL} answered ${status}`);
  assert.equal(await page.evaluate(() => document.readyState), 'complete');
  assert.ok((await page.title()).length > 0, 'the page has no <title>');
});

test('window.optiscape.ready resolves within 10 s', async (t) => {
  const state = await waitReady(page, { timeoutMs: 10_000 });
  if (state === 'absent') {
    t.skip('window.optiscape is undefined: the page does not expose its hooks yet');
    return;
  }
  assert.notEqual(state, 'no-ready', 'window.optiscape exists but has no `ready` promise');
  assert.equal(state, 'ready');
});

test('the wasm module loads and runs under the page CSP', async () => {
  const pkg = new URL('pkg/optiscape.js', BASE_URL).href;
  const result = await page.evaluate(async (url) => {
    const m = await import(url);
    await m.default(); // wasm-bindgen init: fetches optiscape_bg.wasm next to the JS (no-op if the page did it)
    const c = JSON.parse(m.catalog_json());
    return { exports: Object.keys(m).sort(), optimizers: c.optimizers.length, landscapes: c.landscapes.length };
  }, pkg);
  assert.ok(result.exports.includes('default'), `pkg/optiscape.js exports: ${result.exports.join(', ')}`);
  assert.ok(result.optimizers > 0, 'catalog_json() lists no optimizers');
  assert.ok(result.landscapes > 0, 'catalog_json() lists no landscapes');
});

test('the wasm is fetched once and compiled while the modules load (early.js)', async () => {
  const wasm = recordsOf(page).requests.filter((u) => new URL(u).pathname.endsWith('/optiscape_bg.wasm'));
  assert.equal(wasm.length, 1, `requests for the wasm: ${wasm.join(', ')}`);
  const early = await page.evaluate(async () => (await window.optiscapeWasm) instanceof WebAssembly.Module);
  assert.equal(early, true, 'early.js left no compiled module in window.optiscapeWasm');
});

test('screenshot', async () => {
  // Let a frame or two render before the picture (target/e2e/smoke.png).
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const file = await screenshot(page, 'smoke');
  console.log(`screenshot: ${file}`);
});

test('no console errors or warnings, no off-origin or failed requests', () => {
  expectClean(page);
});
