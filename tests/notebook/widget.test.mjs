// optiscape.Race in JupyterLab: starts a headless JupyterLab with the Python package's venv
// (OPTISCAPE_PYTHON: a python with optiscape, jupyterlab and anywidget; `cargo xtask test` passes
// target/python's), opens examples/race_in_a_cell.ipynb in Chromium, runs it, and checks that the
// cell draws the landscape and the racers, that a spec set from Python redraws it, that a control
// moved in the cell reaches Python, that racers() is the cell's state, that presentation mode
// fills the cell (from Python) or the screen (its button, P) and leaves it as it was, and that the
// console is clean and nothing is requested from anywhere but the local server.
//
//   OPTISCAPE_PYTHON=target/python/bin/python node --test tests/notebook/widget.test.mjs

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, launch } from '../e2e/harness.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const NOTEBOOK = 'race_in_a_cell.ipynb';
const PYTHON = process.env.OPTISCAPE_PYTHON ?? path.join(REPO, 'target/python/bin/python');
const TOKEN = 'optiscape-test';

let lab; // {process, url}
let browser;
let page;
const seen = { console: [], requests: [] };

before(async () => {
  lab = await startLab();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  // The cell's element (its `optiscape` property is the page's API for that cell).
  await page.addInitScript(() => (window.widget = () => document.querySelector('.optiscape-widget')));
  // JupyterLab's own note of a plugin slow to start (a busy machine) is not the widget's.
  const slowPlugin = /^Plugin \S+ \(with \d+ dependants\) took [\d.]+ms to activate\.$/;
  page.on('console', (m) => ['error', 'warning'].includes(m.type()) && !slowPlugin.test(m.text()) && seen.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => seen.console.push(`uncaught: ${e.message}`));
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('websocket', (ws) => seen.requests.push(ws.url()));
});

after(async () => {
  await browser?.close();
  await stopLab(lab);
});

test('the example notebook draws the race in its cell, and the spec syncs both ways', { timeout: 100_000 }, async () => {
  await page.goto(`${lab.url}lab/tree/${NOTEBOOK}?token=${TOKEN}`);
  await page.waitForFunction(() => window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.status === 'idle', null, { timeout: 60_000 });
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));

  // The cell: the page's API on the widget's element, racing.
  await page.waitForFunction(() => widget()?.optiscape?.clock() > 20, null, { timeout: 30_000 }).catch(async (e) => {
    await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-failed.png') });
    throw e;
  });
  const first = await canvases();
  assert.ok(first.bgColours > 50, `the landscape is drawn in many colours (${first.bgColours})`);
  assert.ok(first.trailPixels > 500, `the racers' paths are drawn (${first.trailPixels} pixels)`);
  assert.ok(first.racerColours >= 4, `each racer in its colour (${first.racerColours} colours on the trails)`);

  // The notebook's own change (every lr doubled from Python) is the cell's race.
  const python = JSON.parse(await kernel('import json; print(json.dumps(race.spec))'));
  const shown = await page.evaluate(() => widget().optiscape.spec());
  assert.deepEqual(shown.racers.map((r) => r.lr), python.racers.map((r) => r.lr));
  assert.equal(shown.racers[0].lr, 2 * (await catalogLr()), 'the notebook doubled the preset learning rates');

  // A spec set from Python redraws the cell.
  await kernel('race.spec = dict(race.spec, landscape={"name": "himmelblau"}, start=[0.5, -3.5])');
  await page.waitForFunction(() => widget().optiscape.spec().landscape.name === 'himmelblau', null, { timeout: 10_000 });
  await page.waitForFunction(() => widget().optiscape.clock() > 20, null, { timeout: 20_000 });
  const second = await canvases();
  assert.notEqual(second.bgHash, first.bgHash, 'the landscape was drawn again');
  assert.ok(second.bgColours > 50 && second.trailPixels > 500, 'the new race is drawn');

  // A control moved in the cell reaches Python: the speed slider.
  const speed = page.locator('#speed');
  const before = Number(await speed.inputValue());
  await speed.focus();
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((b) => Number(widget().optiscape.spec().speed ?? 0) !== b, before, { timeout: 5_000 }).catch(() => {});
  const moved = await page.evaluate(() => widget().optiscape.spec().speed);
  await waitFor(async () => (await kernel('print(race.spec.get("speed"))')).trim() === String(moved), 'race.spec has the slider\'s speed');
  assert.notEqual(String(moved), String(before), 'the slider moved');

  // Typing in the cell: a racer's name is applied key by key, and reaches Python.
  await page.locator('#racer-list button[title="Settings"]').first().click();
  const name = page.getByLabel('Name').first();
  await name.fill('');
  await name.pressSequentially('ab');
  await page.keyboard.press('ArrowLeft');
  await name.pressSequentially('XY');
  assert.equal(await name.inputValue(), 'aXYb');
  await waitFor(async () => (await kernel('print(race.spec["racers"][0].get("label"))')).trim() === 'aXYb', 'race.spec has the typed name');

  // racers(): the cell's state, a step behind at most by the report interval.
  await page.evaluate(() => widget().optiscape.pause());
  await page.waitForTimeout(800);
  const inCell = await page.evaluate(() => widget().optiscape.racers());
  const inPython = JSON.parse(await kernel('import json; print(json.dumps(race.racers()))'));
  assert.deepEqual(inPython, inCell);
  assert.ok(inCell.every((r) => r.step > 20));

  // A field being typed in keeps what is typed when a change comes from Python meanwhile (the
  // page redraws its controls, but the one with the focus, which it finds in its shadow root).
  const stopAt = page.locator('#steps');
  await stopAt.click();
  await stopAt.press('End');
  await stopAt.pressSequentially('7');
  const typed = await stopAt.inputValue();
  await kernel('race.spec = dict(race.spec, speed=3)');
  await page.waitForFunction(() => widget().optiscape.spec().speed === 3, null, { timeout: 5_000 });
  assert.equal(await stopAt.inputValue(), typed);
  assert.notEqual(typed, String(await page.evaluate(() => widget().optiscape.spec().steps)));

  // Keys pressed in the cell are the race's, never the notebook's shortcuts ("0 0" restarts the
  // kernel, "a" and "b" add cells, "d d" deletes one).
  const notebook = () => page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget;
    return { cells: panel.content.widgets.length, kernel: panel.sessionContext.session.kernel.id };
  });
  const beforeKeys = await notebook();
  await page.locator('#overlay').focus();
  for (const key of ['0', '0', 'a', 'b', 'd', 'd', 'm']) await page.keyboard.press(key);
  await page.waitForTimeout(500);
  assert.deepEqual(await notebook(), beforeKeys);

  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'notebook.png') });
  const origin = new URL(lab.url).host;
  const away = seen.requests.filter((u) => !['http:', 'ws:', 'blob:', 'data:'].includes(new URL(u).protocol) || !(u.startsWith('data:') || u.includes(`//${origin}/`)));
  assert.deepEqual(away, [], 'no request leaves the machine');
  assert.deepEqual(seen.console, [], 'the console is clean');
});

test('presentation mode in the cell: from Python the race fills the cell, from the button and P the widget\'s full screen; the legend lists every racer, the caption shows, and leaving restores the cell', { timeout: 60_000 }, async () => {
  await kernel('import optiscape; race.spec = optiscape.catalog()["presets"][0]["spec"]');
  await page.waitForFunction(() => widget().optiscape.lesson()?.hint, null, { timeout: 10_000 });
  await page.evaluate(() => widget().optiscape.play());
  await page.locator('#overlay').scrollIntoViewIfNeeded();
  const desk = await presentLayout();
  assert.equal(desk.presenting, false);
  assert.ok(desk.legendRows === 0 || !desk.legendShown, 'no overlay legend at the desk');

  /** Waits for presentation mode to be `on` in the cell and in Python. */
  const presenting = async (on) => {
    await page.waitForFunction((on) => widget().optiscape.present() === on, on, { timeout: 5_000 });
    await waitFor(async () => (await kernel('print(race.present)')).trim() === (on ? 'True' : 'False'), `race.present is ${on}`);
  };
  /** The room (the cell, or the full screen) filled: the plot covers it, the legend lists every
   * racer by its card's name, the caption and the loss inset are inside it. */
  const checkRoom = (l, room, what) => {
    assert.ok(l.presenting, `${what}: presenting`);
    assert.ok(l.plotShare >= 0.97, `${what}: the plot covers ${l.plotShare} of ${JSON.stringify(room)}`);
    assert.equal(l.legendRows, l.racers, `${what}: a legend row per racer`);
    assert.deepEqual(l.legendNames, l.cardNames, `${what}: the legend's names are the cards'`);
    for (const part of ['legend', 'caption', 'inset']) {
      const r = l[part];
      assert.ok(r && r.width > 0 && r.left >= room.left - 1 && r.top >= room.top - 1 && r.right <= room.right + 1 && r.bottom <= room.bottom + 1, `${what}: the ${part} ${JSON.stringify(r)} inside ${JSON.stringify(room)}`);
    }
    assert.ok(l.caption.text.length > 20, `${what}: the caption says the hint`);
    const apart = (a, b) => a.right <= b.left || a.left >= b.right || a.bottom <= b.top || a.top >= b.bottom;
    assert.ok(l.toggle && apart(l.legend, l.toggle), `${what}: the legend ${JSON.stringify(l.legend)} clear of the 3-D toggle ${JSON.stringify(l.toggle)}`);
  };

  // From Python: the race fills the cell (no full screen without a click).
  await kernel('race.present = True');
  await presenting(true);
  await page.waitForTimeout(300);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-present.png') });
  const inCell = await presentLayout();
  assert.equal(inCell.fullscreen, false);
  checkRoom(inCell, inCell.widget, 'race.present = True');
  assert.ok(Math.abs(inCell.widget.height - desk.widget.height) < 2, `the cell keeps its height: ${desk.widget.height} then ${inCell.widget.height}`);
  await kernel('race.present = False');
  await presenting(false);
  assert.deepEqual(boxes(await presentLayout()), boxes(desk), 'leaving restores the cell');

  // The page's button: the widget's element in full screen, the race filling it; Esc leaves.
  await page.locator('#present').click();
  await presenting(true);
  await page.waitForFunction(() => document.fullscreenElement === widget(), null, { timeout: 5_000 });
  await page.waitForTimeout(300);
  const full = await presentLayout();
  await page.screenshot({ path: path.join(ARTIFACTS, 'notebook-present-full.png') });
  checkRoom(full, { left: 0, top: 0, right: full.viewport.width, bottom: full.viewport.height }, 'the button');
  assert.ok(full.widget.width >= full.viewport.width - 1 && full.widget.height >= full.viewport.height - 1, `the widget fills the screen: ${JSON.stringify(full.widget)}`);
  await page.keyboard.press('Escape');
  await presenting(false);
  await page.waitForFunction(() => document.fullscreenElement === null, null, { timeout: 5_000 });
  await page.waitForTimeout(300);
  assert.deepEqual(boxes(await presentLayout()), boxes(desk), 'Esc restores the cell');

  // P with the focus in the cell, and P again leaves.
  await page.locator('#overlay').focus();
  await page.keyboard.press('p');
  await presenting(true);
  await page.waitForFunction(() => document.fullscreenElement === widget(), null, { timeout: 5_000 });
  await page.keyboard.press('p');
  await presenting(false);
  await page.waitForFunction(() => document.fullscreenElement === null, null, { timeout: 5_000 });
  await page.waitForTimeout(300);
  assert.deepEqual(boxes(await presentLayout()), boxes(desk), 'P restores the cell');
  assert.deepEqual(seen.console, [], 'the console is clean');
});

/** The boxes that make the cell's layout, rounded. */
const boxes = (l) => JSON.stringify([l.widget, l.plot].map((r) => [r.left, r.top, r.width, r.height].map(Math.round)));

/** The cell's presentation layout: the widget's and the plot's boxes, the plot's share of the
 * widget (or the full screen), the legend's rows and names, the caption, the loss inset and the
 * 3-D toggle. */
function presentLayout() {
  return page.evaluate(() => {
    const el = widget();
    const root = el.shadowRoot;
    const box = (e) => {
      if (!e || e.hidden || !e.getClientRects().length) return null;
      const r = e.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
    };
    const widgetBox = box(el);
    const plot = box(root.querySelector('#overlay'));
    const full = document.fullscreenElement === el;
    const room = full ? { left: 0, top: 0, right: innerWidth, bottom: innerHeight } : widgetBox;
    const overlap = Math.max(0, Math.min(plot.right, room.right) - Math.max(plot.left, room.left)) * Math.max(0, Math.min(plot.bottom, room.bottom) - Math.max(plot.top, room.top));
    const texts = (q) => [...root.querySelectorAll(q)].map((e) => e.textContent);
    const caption = box(root.querySelector('#hint'));
    return {
      presenting: el.optiscape.present(),
      fullscreen: full,
      viewport: { width: innerWidth, height: innerHeight },
      widget: widgetBox,
      plot,
      plotShare: overlap / ((room.right - room.left) * (room.bottom - room.top)),
      racers: el.optiscape.racers().length,
      legendRows: root.querySelectorAll('.present-racer').length,
      legendShown: Boolean(box(root.querySelector('#present-legend'))),
      legendNames: texts('.present-name'),
      cardNames: texts('#racer-list .racer-name'),
      legend: box(root.querySelector('#present-legend')),
      caption: caption && { ...caption, text: root.querySelector('#hint').textContent },
      inset: box(root.querySelector('#loss')),
      toggle: box(root.querySelector('.view-toggle')),
    };
  });
}

/** Runs `code` in the notebook's kernel; resolves to what it printed. */
function kernel(code) {
  return page.evaluate(
    (code) =>
      new Promise((resolve, reject) => {
        const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
        const future = k.requestExecute({ code });
        let out = '';
        future.onIOPub = (msg) => {
          if (msg.header.msg_type === 'stream') out += msg.content.text;
          if (msg.header.msg_type === 'error') reject(new Error(`${msg.content.ename}: ${msg.content.evalue}`));
        };
        future.done.then(() => resolve(out), reject);
      }),
    code,
  );
}

async function catalogLr() {
  return Number(await kernel('import optiscape; print(optiscape.catalog()["presets"][0]["spec"]["racers"][0]["lr"])'));
}

/** The plot's canvases in the cell: the landscape's colours and a hash of its pixels, the
 * trails' drawn pixels and colours. */
function canvases() {
  return page.evaluate(() => {
    const root = widget().shadowRoot;
    const pixels = (id) => {
      // Read through a copy made for reading (reading the live canvas back slows its drawing).
      const c = root.querySelector(`#${id}`);
      const copy = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height });
      const ctx = copy.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(c, 0, 0);
      return ctx.getImageData(0, 0, c.width, c.height).data;
    };
    const bg = pixels('bg');
    const colours = new Set();
    let hash = 2166136261;
    for (let i = 0; i < bg.length; i += 4) {
      const rgb = (bg[i] << 16) | (bg[i + 1] << 8) | bg[i + 2];
      colours.add(rgb);
      hash = Math.imul(hash ^ rgb, 16777619) >>> 0;
    }
    const trails = pixels('trails');
    let drawn = 0;
    const racerColours = new Set();
    for (let i = 0; i < trails.length; i += 4) {
      if (trails[i + 3] < 250) continue;
      drawn += 1;
      racerColours.add(((trails[i] >> 4) << 8) | ((trails[i + 1] >> 4) << 4) | (trails[i + 2] >> 4));
    }
    return { bgColours: colours.size, bgHash: hash, trailPixels: drawn, racerColours: racerColours.size };
  });
}

async function waitFor(check, what, ms = 10_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** JupyterLab on a free port, in a scratch directory holding a copy of the notebook (a run
 * saves nothing into examples/), with its settings, news and update checks kept local. */
async function startLab() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optiscape-lab-'));
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  fs.copyFileSync(path.join(REPO, 'examples', NOTEBOOK), path.join(root, NOTEBOOK));
  const notification = path.join(dir, 'settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings');
  fs.mkdirSync(path.dirname(notification), { recursive: true });
  fs.writeFileSync(notification, JSON.stringify({ fetchNews: 'false', checkForUpdates: false }));
  const port = await freePort();
  const env = {
    ...process.env,
    JUPYTER_CONFIG_DIR: path.join(dir, 'config'),
    JUPYTER_DATA_DIR: path.join(dir, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime'),
    JUPYTERLAB_SETTINGS_DIR: path.join(dir, 'settings'),
    JUPYTERLAB_WORKSPACES_DIR: path.join(dir, 'workspaces'),
    IPYTHONDIR: path.join(dir, 'ipython'),
  };
  const args = ['-m', 'jupyterlab', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--IdentityProvider.token=${TOKEN}`, `--ServerApp.root_dir=${root}`, '--expose-app-in-browser', '--LabApp.news_url=None', '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate', '--LabApp.extension_manager=readonly'];
  // Its own process group: stopping it stops its kernels too.
  const child = spawn(PYTHON, args, { env, cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}/`;
  const end = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`JupyterLab exited (${child.exitCode}):\n${log}`);
    const ok = await fetch(`${url}api/status?token=${TOKEN}`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > end) throw new Error(`JupyterLab did not start in 60 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { process: child, url, dir };
}

async function stopLab(l) {
  if (!l) return;
  const exited = new Promise((r) => (l.process.exitCode !== null ? r() : l.process.once('exit', r)));
  const signal = (s) => {
    try {
      process.kill(-l.process.pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  signal('SIGKILL'); // its kernels, should any outlive it
  fs.rmSync(l.dir, { recursive: true, force: true });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
