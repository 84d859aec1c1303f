// Taking a race out of the page: the Export menus' files equal the CLI's for the same spec, byte
// for byte (the race's CSV and JSON with state, the PyTorch scripts, the classifier's epochs),
// Copy as PyTorch copies (or, without the clipboard, downloads) the script, and Record saves a
// WebM and a GIF of a short race whose frames are counted in the files themselves.
//
// Run with `cargo xtask test`, or against `cargo xtask serve` (with a release CLI built):
//   OPTISCAPE_URL=http://127.0.0.1:8000/ node --test tests/e2e/export.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { expectClean, launch, MIXED, openPage, waitReady } from './harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The release CLI's output for `args` with `input` on stdin, as bytes. */
function cli(args, input) {
  const targets = [process.env.OPTISCAPE_ARTIFACTS && path.dirname(process.env.OPTISCAPE_ARTIFACTS), process.env.CARGO_TARGET_DIR, path.join(REPO, 'target')];
  const candidates = process.env.OPTISCAPE_CLI ? [process.env.OPTISCAPE_CLI] : targets.filter(Boolean).map((t) => path.join(t, 'release', 'optiscape'));
  const exe = candidates.find((f) => fs.existsSync(f));
  assert.ok(exe, `no release CLI at ${candidates.join(' or ')}: run cargo build --release`);
  return execFileSync(exe, args, { input, maxBuffer: 256 << 20 });
}

let browser;
let page;

before(async () => {
  browser = await launch();
  page = await openPage(browser);
  assert.equal(await waitReady(page), 'ready');
});

after(async () => {
  await browser?.close();
});

/** Opens a menu by its button's label and clicks an item; resolves to the download's bytes and name. */
async function download(p, menu, item) {
  await p.getByRole('button', { name: menu }).click();
  const [file] = await Promise.all([p.waitForEvent('download'), p.getByRole('button', { name: item, exact: true }).click()]);
  return { name: file.suggestedFilename(), bytes: fs.readFileSync(await file.path()) };
}

/** The scene's spec as the page holds it (canonical JSON text). */
const sceneSpec = (p) => p.evaluate(() => JSON.stringify(window.optiscape.spec()));

test('the race as CSV and as JSON with state: the bytes of `run --format csv` and `run --state`', async () => {
  await page.evaluate((spec) => window.optiscape.load({ ...spec, preset: undefined }), MIXED);
  const spec = await sceneSpec(page);
  const csv = await download(page, 'Export the race', 'Race as CSV');
  assert.equal(csv.name, 'optiscape-rosenbrock.csv');
  const want = cli(['run', '--format', 'csv'], spec);
  assert.ok(csv.bytes.equals(want), `the page's CSV (${csv.bytes.length} bytes) differs from the CLI's (${want.length})`);
  const header = csv.bytes.toString().split('\n')[0].split(',');
  assert.deepEqual(header.slice(0, 9), ['step', 'racer', 'label', 'optimizer', 'x', 'y', 'loss', 'lr', 'evaluations']);
  assert.ok(header.length > 20, `state columns: ${header.slice(9)}`);

  const json = await download(page, 'Export the race', 'Race as JSON, with optimizer state');
  assert.equal(json.name, 'optiscape-rosenbrock.json');
  assert.ok(json.bytes.equals(cli(['run', '--state'], spec)), "the page's JSON differs from `run --state`'s");
  const parsed = JSON.parse(json.bytes);
  assert.equal(parsed.racers.length, MIXED.racers.length);
  assert.equal(parsed.racers[1].state.length, parsed.racers[1].trajectory.length);
  expectClean(page);
});

test('a race too long for a file in the page says so in the banner, and saves nothing', async () => {
  await page.evaluate(() => window.optiscape.load({ landscape: { name: 'rosenbrock' }, steps: 100000, racers: [{ name: 'adam' }, { name: 'sgd' }] }));
  let downloads = 0;
  const count = () => (downloads += 1);
  page.on('download', count);
  await page.getByRole('button', { name: 'Export the race' }).click();
  await page.getByRole('button', { name: 'Race as CSV', exact: true }).click();
  await page.locator('#banner-text').filter({ hasText: 'Cannot export optiscape-rosenbrock.csv: steps: the page\'s files keep every point, so (steps + 1) x racers must stay within 200000, got (100000 + 1) x 2' }).waitFor();
  await page.waitForTimeout(300);
  page.off('download', count);
  assert.equal(downloads, 0);
  await page.locator('#banner-close').click();
});

test('Copy as PyTorch copies `optiscape torch`\'s script and says so', async () => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin });
  await page.evaluate(() => window.optiscape.load({ landscape: { name: 'beale' }, steps: 200, racers: [{ name: 'adam', lr: 0.05 }, { name: 'lion', lr: 0.01 }] }));
  const spec = await sceneSpec(page);
  await page.getByRole('button', { name: 'Export the race' }).click();
  await page.getByRole('button', { name: 'Copy as PyTorch', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'PyTorch script copied' }).waitFor();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, cli(['torch'], spec).toString());
  assert.match(copied, /torch\.optim\.Adam\(/);
  expectClean(page);
});

test('without the clipboard, Copy as PyTorch downloads the script instead', async () => {
  const p = await openPage(browser);
  assert.equal(await waitReady(p, { appearMs: 10_000, timeoutMs: 30_000 }), 'ready');
  await p.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
  });
  const spec = await sceneSpec(p);
  const script = await download(p, 'Export the race', 'Copy as PyTorch');
  assert.equal(script.name, 'optiscape-rosenbrock.py');
  assert.ok(script.bytes.equals(cli(['torch'], spec)));
  await p.getByRole('status').filter({ hasText: 'the script was saved as optiscape-rosenbrock.py' }).waitFor();
  await p.context().close();
});

test('the Export menu works from the keyboard: Enter opens it at its first item, arrows move, Escape closes it', async () => {
  const button = page.getByRole('button', { name: 'Export the race' });
  await button.focus();
  await page.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Race as CSV');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Race as JSON, with optimizer state');
  await page.keyboard.press('Escape');
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'export');
});

/** The frames of a GIF: its image descriptors, found by walking its blocks; its size, and each
 * frame's delay (hundredths of a second, from its graphic control extension). */
function gifFrames(bytes) {
  assert.equal(bytes.subarray(0, 6).toString(), 'GIF89a');
  const [width, height] = [bytes.readUInt16LE(6), bytes.readUInt16LE(8)];
  let at = 13 + (bytes[10] & 0x80 ? 3 * 2 ** ((bytes[10] & 7) + 1) : 0);
  const skipSubBlocks = () => {
    while (bytes[at] !== 0) at += bytes[at] + 1;
    at += 1;
  };
  let frames = 0;
  const delays = [];
  for (;;) {
    const block = bytes[at];
    if (block === 0x3b) break; // trailer
    if (block === 0x21) {
      if (bytes[at + 1] === 0xf9) delays.push(bytes.readUInt16LE(at + 4));
      at += 2; // extension introducer and label
      skipSubBlocks();
    } else if (block === 0x2c) {
      frames += 1;
      const flags = bytes[at + 9];
      at += 10 + (flags & 0x80 ? 3 * 2 ** ((flags & 7) + 1) : 0);
      at += 1; // LZW minimum code size
      skipSubBlocks();
    } else {
      assert.fail(`unexpected GIF block 0x${block?.toString(16)} at byte ${at}`);
    }
  }
  return { width, height, frames, delays };
}

/** EBML: an element's id and size at `at` (size null when unknown, as a live recording's). */
function ebmlHeader(bytes, at) {
  const length = (b) => Math.clz32(b) - 23; // bytes in a vint whose first byte is b
  const idLen = length(bytes[at]);
  const id = bytes.readUIntBE(at, idLen);
  const sizeLen = length(bytes[at + idLen]);
  let size = bytes[at + idLen] & (0xff >> sizeLen);
  let unknown = size === (0xff >> sizeLen);
  for (let k = 1; k < sizeLen; k++) {
    size = size * 256 + bytes[at + idLen + k];
    unknown &&= bytes[at + idLen + k] === 0xff;
  }
  return { id, start: at + idLen + sizeLen, size: unknown ? null : size };
}

/** The video frames of a WebM: its SimpleBlocks and BlockGroups, found by walking its EBML. */
function webmFrames(bytes) {
  const SEGMENT = 0x18538067;
  const CLUSTER = 0x1f43b675;
  const masters = new Set([SEGMENT, CLUSTER]);
  let frames = 0;
  let sawHeader = false;
  const walk = (from, to) => {
    let at = from;
    while (at < to) {
      const { id, start, size } = ebmlHeader(bytes, at);
      if (id === 0x1a45dfa3) sawHeader = true;
      if (id === 0xa3 || id === 0xa0) frames += 1;
      if (masters.has(id)) {
        // A live recording's segment and clusters have unknown sizes: they end where the next
        // cluster (or the file) begins, so their children are walked in the same loop.
        if (size === null) {
          at = start;
          continue;
        }
        walk(start, Math.min(to, start + size));
      }
      if (size === null) break;
      at = start + size;
    }
  };
  walk(0, bytes.length);
  assert.ok(sawHeader, 'no EBML header');
  return frames;
}

/** A short race recorded with Record in `format`; resolves to the saved file and what the page said. */
async function record(p, format) {
  await p.evaluate(() => {
    window.optiscape.load({ landscape: { name: 'rosenbrock' }, steps: 60, speed: 1, racers: [{ name: 'adam', lr: 0.05 }, { name: 'sgd', lr: 0.001, momentum: 0.9 }] });
    window.optiscape.pause();
  });
  await p.getByRole('button', { name: 'Record the plot' }).click();
  const [file] = await Promise.all([p.waitForEvent('download', { timeout: 30_000 }), p.getByRole('button', { name: format, exact: true }).click()]);
  const bytes = fs.readFileSync(await file.path());
  await p.getByRole('button', { name: 'Record the plot' }).waitFor();
  return { name: file.suggestedFilename(), bytes, last: await p.evaluate(() => window.optiscape.record.last()) };
}

test('Record as GIF: the race plays, stops with it, and the GIF holds the frames taken', async () => {
  const { name, bytes, last } = await record(page, 'Animated GIF');
  assert.equal(name, 'optiscape-rosenbrock.gif');
  const gif = gifFrames(bytes);
  const plot = await page.evaluate(() => document.getElementById('overlay').getBoundingClientRect().width);
  assert.equal(gif.width, Math.round(Math.min(plot, 720)));
  assert.equal(gif.frames, last.frames);
  assert.equal(gif.delays.length, gif.frames);
  // Each frame stays as long as it was on screen (identical ones merged: the finished race's
  // last second joins the last frame), the last one 2 s more, as `optiscape animate`'s.
  assert.ok(gif.delays.at(-1) >= 200 + 80 && gif.delays.at(-1) <= 200 + 250, `the last frame's delay ${gif.delays.at(-1)}`);
  assert.ok(gif.delays.slice(0, -1).every((d) => d >= 2), `delays ${gif.delays}`);
  // 60 steps at one a frame take a second at 60 fps; frames come at most every 80 ms.
  assert.ok(gif.frames >= 5 && gif.frames <= 60, `${gif.frames} frames`);
  assert.ok(bytes.length > 5_000 && bytes.length < 3_000_000, `${bytes.length} bytes`);
  assert.equal(last.bytes, bytes.length);
  console.log(`GIF: ${gif.width}x${gif.height}, ${gif.frames} frames, ${bytes.length} bytes`);
  expectClean(page);
});

test('Record as WebM: a video of the race, its frames counted in the file, Stop ends it', async () => {
  const { name, bytes, last } = await record(page, 'Video (WebM)');
  assert.equal(name, 'optiscape-rosenbrock.webm');
  const frames = webmFrames(bytes);
  assert.ok(frames >= 10, `${frames} frames in ${bytes.length} bytes`);
  assert.ok(bytes.length > 2_000 && bytes.length < 20_000_000, `${bytes.length} bytes`);
  console.log(`WebM: ${frames} blocks, ${bytes.length} bytes (${last.frames} frames drawn)`);

  // Stop: a race far from its end is recorded until the button is pressed again.
  await page.evaluate(() => window.optiscape.load({ landscape: { name: 'rosenbrock' }, steps: 100000, speed: 1, racers: [{ name: 'adam', lr: 0.05 }] }));
  await page.getByRole('button', { name: 'Record the plot' }).click();
  await page.getByRole('button', { name: 'Video (WebM)', exact: true }).click();
  const badge = page.locator('.rec-badge');
  await badge.filter({ hasText: 'REC 0:00 · WebM' }).waitFor();
  await badge.filter({ hasText: 'REC 0:01 · WebM' }).waitFor();
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Stop recording' }).click()]);
  const stopped = webmFrames(fs.readFileSync(await file.path()));
  assert.ok(stopped >= 5, `${stopped} frames in a second's video`);
  await page.getByRole('status').filter({ hasText: /Saved optiscape-rosenbrock\.webm \(\d+ kB, \d\.\d s\)/ }).waitFor();
  await badge.waitFor({ state: 'hidden' });

  // Leaving the tab saves what was recorded.
  await page.evaluate(() => window.optiscape.record.start('gif'));
  await badge.filter({ hasText: 'GIF' }).waitFor();
  const [gif] = await Promise.all([page.waitForEvent('download'), page.getByRole('tab', { name: 'Digits classifier' }).click()]);
  assert.equal(gif.suggestedFilename(), 'optiscape-rosenbrock.gif');
  assert.ok(gifFrames(fs.readFileSync(await gif.path())).frames >= 1);
  await page.getByRole('tab', { name: 'Landscape' }).click();
  expectClean(page);
});

/**
 * Mean colour, dark-pixel share (`ink`) and share of pixels not white (`painted`) of each rectangle, and its mean colours on a 4 x 4 grid (`cells`), (CSS pixels of a `cssWidth`-wide screen) in
 * each of `images` (data: URLs), read in a blank page of `p`'s browser (the page's own policy
 * loads no media from data). Resolves to `[[{mean, ink}, ...], ...]`.
 */
async function regionStats(p, images, rects, cssWidth) {
  const lab = await p.context().newPage();
  const stats = await lab.evaluate(
    async ({ images, rects, cssWidth }) => {
      const load = async (url) => {
        if (url.startsWith('data:video/')) {
          const video = document.createElement('video');
          video.muted = true;
          video.src = url;
          await new Promise((ok, fail) => ((video.onloadeddata = ok), (video.onerror = () => fail(new Error(`the WebM does not decode: ${video.error?.message}`)))));
          // A frame shown: the first the decoder presents while playing.
          await new Promise((ok) => (video.requestVideoFrameCallback(ok), video.play()));
          video.pause();
          return [video, video.videoWidth, video.videoHeight];
        }
        const img = new Image();
        img.src = url;
        await img.decode();
        return [img, img.naturalWidth, img.naturalHeight];
      };
      // Each rectangle's mean colours on a CELLS x CELLS grid too: where its colours are.
      const CELLS = 4;
      const out = [];
      for (const url of images) {
        const [source, w, h] = await load(url);
        const canvas = Object.assign(document.createElement('canvas'), { width: w, height: h });
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(source, 0, 0, w, h);
        const s = w / cssWidth;
        out.push(
          rects.map((r) => {
            const [x, y] = [Math.round(r.x * s), Math.round(r.y * s)];
            const [rw, rh] = [Math.max(1, Math.round(r.width * s)), Math.max(1, Math.round(r.height * s))];
            const d = ctx.getImageData(x, y, rw, rh).data;
            const mean = [0, 0, 0];
            let [ink, painted] = [0, 0];
            const cells = Array.from({ length: CELLS * CELLS }, () => [0, 0, 0, 0]);
            for (let k = 0; k < d.length; k += 4) {
              for (let c = 0; c < 3; c++) mean[c] += d[k + c];
              if (0.3 * d[k] + 0.59 * d[k + 1] + 0.11 * d[k + 2] < 110) ink += 1;
              if (Math.min(d[k], d[k + 1], d[k + 2]) < 235) painted += 1;
              const [px, py] = [(k / 4) % rw, Math.floor(k / 4 / rw)];
              const cell = cells[Math.floor((py * CELLS) / rh) * CELLS + Math.floor((px * CELLS) / rw)];
              for (let c = 0; c < 3; c++) cell[c] += d[k + c];
              cell[3] += 1;
            }
            const n = d.length / 4;
            return { mean: mean.map((m) => m / n), ink: ink / n, painted: painted / n, cells: cells.map((c) => c.slice(0, 3).map((v) => v / Math.max(1, c[3]))) };
          }),
        );
      }
      return out;
    },
    { images, rects, cssWidth },
  );
  await lab.close();
  return stats;
}

test('Record while presenting: the WebM\'s and the GIF\'s frames hold what the room sees, the legend (swatches, names) and the caption, where they are on screen, over the contour plot and over the 3-D view', async () => {
  const p = await openPage(browser, '', { viewport: { width: 1280, height: 720 } });
  assert.equal(await waitReady(p, { appearMs: 10_000, timeoutMs: 30_000 }), 'ready');
  await p.evaluate(() => window.optiscape.present(true));
  await p.waitForFunction(() => document.querySelectorAll('.present-name').length > 1 && document.getElementById('hint').textContent.length > 20);
  // Over the 3-D view the overlays stand in a column beside the surface.
  for (const view of ['contour', '3d']) await recordsTheRoom(p, view);
  expectClean(p);
  await p.context().close();
});

/** Records `p`'s plot as WebM and as GIF, the race paused in the task that starts each (which
 * plays it); resolves to `{ webm, gif }`, the files' bytes. */
async function recordStill(p) {
  const files = {};
  for (const format of ['webm', 'gif']) {
    const saved = p.waitForEvent('download', { timeout: 30_000 });
    await p.evaluate((f) => (window.optiscape.record.start(f), window.optiscape.pause()), format);
    // Stop waits for the video encoder's first frame, however long a loaded machine takes.
    await p.waitForTimeout(1200);
    await p.evaluate(() => window.optiscape.record.stop());
    files[format] = fs.readFileSync(await (await saved).path());
  }
  return files;
}

/** The recording's surface (`got`, regionStats's) is the screen's (`want`): as much of it painted,
 * and its colours where the screen has them (the surface's shading, not the contour plot's bands
 * under it), within SURFACE_OFF on average over its cells. */
function assertSameSurface(what, want, got) {
  assert.ok(want.painted > 0.5 && Math.abs(got.painted - want.painted) < 0.1, `${what}: ${got.painted} of its pixels painted, the screen's ${want.painted}`);
  const cellOff = want.cells.map((m, i) => Math.max(...m.map((v, c) => Math.abs(v - got.cells[i][c]))));
  const meanOff = cellOff.reduce((a, b) => a + b) / cellOff.length;
  assert.ok(meanOff <= SURFACE_OFF, `${what}: its 4 x 4 cells' colours are ${meanOff.toFixed(1)} off the screen's on average`);
}

/** Records presentation mode over `view` as WebM and GIF and checks their first frames against
 * the screen where the overlays are. */
async function recordsTheRoom(p, view) {
  // The first frames are checked against the screen after both recordings, so the room stands
  // still meanwhile: over the 3-D view an arrival adds a line under its racer's name and moves
  // the rows below it. Paused at the start and refreshed (the legend five times a second), the
  // race is paused again in the task that starts each recording (which plays it).
  await p.evaluate((v) => (window.optiscape.view(v), window.optiscape.pause(), window.optiscape.reset()), view);
  await p.waitForTimeout(500);
  const files = await recordStill(p);
  assert.equal(await p.evaluate(() => window.optiscape.present()), true);
  // The parts of the overlays that stay as they are while the race plays: each racer's swatch and
  // name, and the caption.
  const rects = await p.evaluate(() =>
    ['.present-swatch', '.present-name', '#hint'].flatMap((q) =>
      [...document.querySelectorAll(q)].map((e) => {
        const r = e.getBoundingClientRect();
        return { what: `${q} ${e.textContent.slice(0, 20)}`, x: r.x, y: r.y, width: r.width, height: r.height };
      }),
    ),
  );
  // Over the 3-D view, the surface itself: the middle of what its canvas paints (the box, read
  // from the WebGL canvas, which keeps its drawing).
  if (view === '3d') rects.push(await p.evaluate(surfaceMiddle));
  const shot = `data:image/png;base64,${(await p.screenshot()).toString('base64')}`;
  const [screen, webm, gif] = await regionStats(p, [shot, `data:video/webm;base64,${files.webm.toString('base64')}`, `data:image/gif;base64,${files.gif.toString('base64')}`], rects, 1280);
  for (const [name, frame, tolerance] of [['WebM', webm, 24], ['GIF', gif, 30]]) {
    rects.forEach((r, k) => {
      const [want, got] = [screen[k], frame[k]];
      const off = Math.max(...want.mean.map((m, c) => Math.abs(m - got.mean[c])));
      assert.ok(off <= tolerance, `${name}'s first frame at ${r.what} (${view}): mean colour ${got.mean.map(Math.round)}, the screen's ${want.mean.map(Math.round)}`);
      if (r.what === 'surface') assertSameSurface(`${name}'s surface (${view})`, want, got);
      else if (!r.what.startsWith('.present-swatch')) {
        assert.ok(want.ink > 0.03 && got.ink > want.ink / 2 && got.ink < want.ink * 2, `${name}'s text at ${r.what} (${view}): ${got.ink} dark, the screen's ${want.ink}`);
      }
    });
  }
}

/** How far a recording's surface may be from the screen's on average (assertSameSurface): the
 * WebM's and the GIF's are about 2 off, the contour plot under the surface 26 to 39. */
const SURFACE_OFF = 12;

/** In the page: the middle third (each way) of the box the 3-D view paints on its canvas (its
 * pixels not white), as a rectangle in CSS pixels of the screen, or of `plot` ({x, y}: the
 * plot's top left on screen) when given. */
function surfaceMiddle(plot) {
  const layer = document.querySelector('canvas.surface-layer');
  const [w, h] = [layer.width, layer.height];
  const c = Object.assign(document.createElement('canvas'), { width: w, height: h });
  const ctx = c.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(layer, 0, 0);
  const d = ctx.getImageData(0, 0, w, h).data;
  let [x0, y0, x1, y1] = [w, h, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = 4 * (y * w + x);
      if (Math.min(d[k], d[k + 1], d[k + 2]) >= 235) continue;
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const r = layer.getBoundingClientRect();
  const s = r.width / w;
  const [ox, oy] = plot ? [r.x - plot.x, r.y - plot.y] : [r.x, r.y];
  return { what: 'surface', x: ox + (x0 + (x1 - x0) / 3) * s, y: oy + (y0 + (y1 - y0) / 3) * s, width: ((x1 - x0) / 3) * s, height: ((y1 - y0) / 3) * s };
}

test('Record over the 3-D view, not presenting: the WebM\'s and the GIF\'s first frames hold the surface shown, not the contour plot under it', async () => {
  const p = await openPage(browser, '', { viewport: { width: 1280, height: 720 } });
  assert.equal(await waitReady(p, { appearMs: 10_000, timeoutMs: 30_000 }), 'ready');
  await p.evaluate(() => (window.optiscape.view('3d'), window.optiscape.pause(), window.optiscape.reset()));
  await p.waitForTimeout(500);
  const files = await recordStill(p);
  assert.equal(await p.evaluate(() => window.optiscape.present()), false);
  // The recording is the plot: the screen's plot is what it is compared with.
  const plot = await p.locator('canvas.surface-layer').boundingBox();
  const rect = await p.evaluate(surfaceMiddle, plot);
  const shot = `data:image/png;base64,${(await p.screenshot({ clip: plot })).toString('base64')}`;
  const [[screen], [webm], [gif]] = await regionStats(p, [shot, `data:video/webm;base64,${files.webm.toString('base64')}`, `data:image/gif;base64,${files.gif.toString('base64')}`], [rect], plot.width);
  assertSameSurface("the WebM's surface", screen, webm);
  assertSameSurface("the GIF's surface", screen, gif);
  expectClean(p);
  await p.context().close();
});

test('the classifier\'s epochs as CSV and its PyTorch script: the bytes of `train --format csv` and `torch`', async () => {
  await page.evaluate(() => window.optiscape.classify.open());
  await page.fill('#train-epochs', '2');
  await page.press('#train-epochs', 'Enter');
  await page.evaluate(() => window.optiscape.classify.pace('max'));
  await page.waitForFunction(() => window.optiscape.classify.finished() && !window.optiscape.classify.playing(), null, { timeout: 60_000 });
  const spec = await page.evaluate(() => JSON.stringify(window.optiscape.classify.spec()));
  const csv = await download(page, 'Export the training', 'Epochs as CSV');
  assert.match(csv.name, /^optiscape-digits.*\.csv$/);
  assert.ok(csv.bytes.equals(cli(['train', '--format', 'csv'], spec)), "the page's epochs differ from `train --format csv`'s");
  assert.equal(csv.bytes.toString().trim().split('\n').length, 1 + 2 * JSON.parse(spec).racers.length);
  const want = cli(['torch'], spec);
  const script = await download(page, 'Export the training', 'PyTorch script (.py)');
  assert.ok(script.bytes.equals(want), "the page's training script differs from `torch`'s");
  await page.getByRole('button', { name: 'Export the training' }).click();
  await page.locator('#train-export-menu').getByRole('button', { name: 'Copy as PyTorch' }).click();
  await page.getByRole('status').filter({ hasText: 'PyTorch script copied' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), want.toString());
  await page.evaluate(() => window.optiscape.classify.close());
  expectClean(page);
});

test('on a phone, Record and Export and their menus fit the screen, in the transport\'s row', async () => {
  const p = await openPage(browser, '', { viewport: { width: 390, height: 844 }, device: { deviceScaleFactor: 2, isMobile: true, hasTouch: true } });
  assert.equal(await waitReady(p, { appearMs: 10_000, timeoutMs: 30_000 }), 'ready');
  const inside = (box, what) => assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${what}: ${JSON.stringify(box)}`);
  for (const [button, menu] of [['Record the plot', '#record-menu'], ['Export the race', '#export-menu']]) {
    const box = await p.getByRole('button', { name: button }).boundingBox();
    inside(box, button);
    assert.ok(box.height >= 40, `${button} is ${box.height}px high`);
    await p.getByRole('button', { name: button }).click();
    inside(await p.locator(menu).boundingBox(), menu);
    await p.keyboard.press('Escape');
  }
  const [record, exporter, reset] = await Promise.all(['#record', '#export', '#reset'].map((q) => p.locator(q).boundingBox()));
  assert.ok(Math.abs(record.y - reset.y) < 2 && Math.abs(exporter.y - reset.y) < 2, 'Record and Export sit in the row of Reset');
  // The header is as it was: its actions on one row.
  const middles = await p.locator('#landscape-actions > *').evaluateAll((es) => es.map((e) => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
  assert.ok(Math.max(...middles) - Math.min(...middles) < 4, `the header's actions at ${middles}`);
  await p.context().close();
});
