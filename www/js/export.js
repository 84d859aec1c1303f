// Taking a race out of the page: Record (the plot as WebM video or an animated GIF, while the
// race plays), and the Export menu: the race as CSV and as JSON with every optimizer's state,
// and its PyTorch script (copied, or downloaded). The files' bytes are the core's, from the very
// functions `optiscape run --format csv`, `run --state`, `train --format csv` and `torch`
// print, so a file from the page equals the CLI's for the same spec.

import { race_csv as raceCsv, race_json as raceJson, race_torch as raceTorch } from '../pkg/optiscape.js';
import { el, finder, icon } from './dom.js';
import { startRecording, webmType } from './recorder.js';
import { messageOf } from './specstate.js';

const TOAST_MS = 4000;
/** A finished race keeps being recorded this long (its last frame), then the file is saved. */
const FINISHED_HOLD_MS = 1000;

/** Offers `data` (text or a Blob) as a download named `name`. */
export function downloadFile(data, name, type = 'text/plain') {
  const blob = data instanceof Blob ? data : new Blob([data], { type });
  const link = el('a', { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

/** Bytes as "12 kB" or "1.3 MB". */
function size(bytes) {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} kB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * A button that opens a small panel of actions below it (the disclosure pattern: Tab reaches
 * every item; arrows move between them; Escape closes and gives the focus back).
 * `items`: [{ label, run, disabled?, note? }].
 */
function disclosure(button, items, cls) {
  const panel = el('div', { class: `action-menu ${cls}`, hidden: true });
  const buttons = items.map((item) =>
    el('button', { type: 'button', class: 'menu-item', disabled: item.disabled, title: item.note, onclick: () => (close(false), item.run()) }, item.label),
  );
  panel.append(...buttons);
  const wrap = el('div', { class: 'menu-wrap' });
  button.replaceWith(wrap);
  wrap.append(button, panel);
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-controls', (panel.id = `${button.id}-menu`));

  function open(focusFirst) {
    panel.hidden = false;
    // Below the button, on the side that keeps it inside the window.
    panel.classList.remove('to-left');
    if (panel.getBoundingClientRect().left < 0) panel.classList.add('to-left');
    button.setAttribute('aria-expanded', 'true');
    if (focusFirst) buttons.find((b) => !b.disabled)?.focus();
  }
  function close(focusButton) {
    if (panel.hidden) return;
    panel.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  }
  button.addEventListener('click', (e) => (panel.hidden ? open(e.detail === 0) : close(false)));
  wrap.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) {
      e.preventDefault();
      e.stopPropagation();
      close(true);
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && !panel.hidden) {
      e.preventDefault();
      const live = buttons.filter((b) => !b.disabled);
      const at = live.indexOf(document.activeElement);
      live[(at + (e.key === 'ArrowDown' ? 1 : live.length - 1)) % live.length]?.focus();
    }
  });
  wrap.addEventListener('focusout', (e) => !wrap.contains(e.relatedTarget) && e.relatedTarget && close(false));
  document.addEventListener('pointerdown', (e) => !wrap.contains(e.target) && close(false));
  return { wrap, panel, close };
}

/**
 * Mounts Record and the Export menus in `root`, in each tab's transport beside Reset (the
 * race's own actions; the header keeps the scene's). `landscape` and `classify` are the
 * tabs (landscape.js, classify.js), `host` the page's surroundings (its clipboard), `problem`
 * and `trainProblem` show a message in each tab's banner. Returns what window.optiscape offers
 * (`record`) and `setRecordSource(fn)`: what Record records (`fn(plot)` returns `{ layers, dpr,
 * paint? }`, recorder.js's source, given the plot's own); the plot's layers unless a view such as
 * presentation mode gives its own (null: back to the plot).
 */
export function mountExport(root, { landscape, classify, host, problem, trainProblem }) {
  const $ = finder(root);
  const toast = el('p', { class: 'export-toast', role: 'status', 'aria-live': 'polite', hidden: true });
  $('landscape-actions').parentElement.append(toast);
  let toastTimer = 0;
  function say(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (toast.hidden = true), TOAST_MS);
  }

  /** A name for the race's files: its preset's id, else its landscape's name. */
  const raceName = () => {
    const spec = landscape.race.spec;
    return `optiscape-${spec.preset ?? spec.landscape.name}`;
  };
  const trainName = () => {
    const spec = classify.race.spec;
    return `optiscape-digits${spec?.preset ? `-${spec.preset}` : ''}`;
  };

  /** Runs `make()` for a file's text (or its promise), and offers it; the core's message if it
   * refuses. */
  async function offer(make, name, type, report) {
    try {
      const text = await make();
      downloadFile(text, name, type);
      say(`Saved ${name} (${size(new Blob([text]).size)})`);
    } catch (e) {
      report(`Cannot export ${name}: ${messageOf(e)}`);
    }
  }

  /** Puts the script on the clipboard; where the page may not write there, downloads it. */
  async function copyScript(make, name, report) {
    let text;
    try {
      text = await make();
    } catch (e) {
      return report(`Cannot write the PyTorch script: ${messageOf(e)}`);
    }
    try {
      await host.copy(text);
      say(`PyTorch script copied (${text.split('\n').length} lines): paste it into a notebook or a .py file`);
    } catch {
      downloadFile(text, name, 'text/x-python');
      say(`The clipboard is not available here: the script was saved as ${name}`);
    }
  }

  const spec = () => landscape.scene().spec();
  const exportButton = (id, label) => el('button', { type: 'button', id, class: 'btn icon-only', 'aria-label': label, title: label }, icon('export'));

  // The landscape's Export menu.
  const raceExport = exportButton('export', 'Export the race: CSV, JSON, PyTorch');
  $('reset').after(raceExport); // Record comes between them, below
  disclosure(raceExport, [
    { label: 'Race as CSV', run: () => offer(() => raceCsv(spec()), `${raceName()}.csv`, 'text/csv', problem) },
    { label: 'Race as JSON, with optimizer state', run: () => offer(() => raceJson(spec()), `${raceName()}.json`, 'application/json', problem) },
    { label: 'Copy as PyTorch', run: () => copyScript(() => raceTorch(spec()), `${raceName()}.py`, problem) },
    { label: 'PyTorch script (.py)', run: () => offer(() => raceTorch(spec()), `${raceName()}.py`, 'text/x-python', problem) },
  ], 'export-menu');

  // The classifier's Export menu. Its script embeds the digits, fetched (from beside the module)
  // only for it.
  const target = () => classify.target();
  let digits = null;
  const trainScript = async () => {
    digits ??= fetch(new URL('../pkg/digits.b64', import.meta.url)).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`the digits file: HTTP ${r.status}`))));
    try {
      return target().torch_script(await digits);
    } catch (e) {
      digits = null;
      throw e;
    }
  };
  const trainExport = exportButton('train-export', 'Export the training: CSV, PyTorch');
  $('train-reset').after(trainExport);
  disclosure(trainExport, [
    { label: 'Epochs as CSV', run: () => offer(() => target().csv(), `${trainName()}.csv`, 'text/csv', trainProblem) },
    { label: 'Copy as PyTorch', run: () => copyScript(trainScript, `${trainName()}.py`, trainProblem) },
    { label: 'PyTorch script (.py)', run: () => offer(trainScript, `${trainName()}.py`, 'text/x-python', trainProblem) },
  ], 'export-menu');

  // Record.
  const plotSource = () => ({ layers: ['bg', 'casings', 'trails', 'overlay'].map($), dpr: window.devicePixelRatio || 1 });
  let source = plotSource;
  const rec = { recording: null, finishedAt: null, timer: 0, stopping: null, last: null };
  const recordButton = el('button', { type: 'button', id: 'record', class: 'btn icon-only record', title: 'Record the plot while the race plays: WebM video or GIF' });
  const badge = el('p', { class: 'rec-badge', role: 'status', hidden: true });
  $('plot').append(badge);
  $('reset').after(recordButton);
  const webm = webmType();
  const recordMenu = disclosure(recordButton, [
    { label: 'Video (WebM)', run: () => start('webm'), disabled: !webm, note: webm ? null : 'This browser cannot record video' },
    { label: 'Animated GIF', run: () => start('gif') },
  ], 'record-menu');
  showRecordButton();

  function showRecordButton() {
    const on = rec.recording !== null;
    recordButton.replaceChildren(icon(on ? 'stop' : 'record'));
    recordButton.setAttribute('aria-label', on ? 'Stop recording' : 'Record the plot');
    recordButton.classList.toggle('recording', on);
    if (on) recordButton.removeAttribute('aria-expanded');
    else recordButton.setAttribute('aria-expanded', 'false');
  }

  // While recording, the button stops (its menu stays shut).
  recordButton.addEventListener(
    'click',
    (e) => {
      if (rec.recording === null) return;
      e.stopImmediatePropagation();
      recordMenu.close(false);
      stop();
    },
    { capture: true },
  );

  function start(format) {
    if (rec.recording) return;
    try {
      rec.recording = startRecording({ format, source: () => source(), colors: () => landscape.scene().states().map((r) => r.color) });
    } catch (e) {
      problem(`Cannot record: ${messageOf(e)}`);
      return;
    }
    rec.finishedAt = null;
    if (!landscape.race.playing) landscape.race.play();
    showRecordButton();
    badge.hidden = false;
    rec.timer = setInterval(watch, 250);
    watch();
    say(`Recording the plot as ${format === 'gif' ? 'a GIF' : 'WebM video'}: Stop saves it`);
  }

  /** The badge's time and frames; a finished race stops the recording after a moment, and so
   * does leaving the tab (the file is saved with what was recorded). */
  function watch() {
    const r = rec.recording;
    if (!r) return;
    if (!landscape.race.active) return void stop();
    const s = Math.floor(r.seconds());
    // A GIF's frames are the encoder's; a video's are the browser's, which it does not tell.
    badge.textContent = `REC ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')} · ${r.format === 'gif' ? `GIF · ${r.frames()} frames` : 'WebM'}`;
    const done = !landscape.race.playing && landscape.scene().clock() >= landscape.race.spec.steps;
    if (!done) rec.finishedAt = null;
    else if (rec.finishedAt === null) rec.finishedAt = performance.now();
    else if (performance.now() - rec.finishedAt >= FINISHED_HOLD_MS) stop();
  }

  /** Stops and saves the recording; resolves to `{ name, bytes, frames }` of the file. */
  function stop() {
    if (rec.stopping) return rec.stopping;
    const r = rec.recording;
    if (!r) return Promise.resolve(null);
    clearInterval(rec.timer);
    const name = `${raceName()}.${r.format}`;
    const seconds = r.seconds();
    rec.stopping = r
      .stop()
      .then((blob) => {
        downloadFile(blob, name);
        say(`Saved ${name} (${size(blob.size)}, ${r.format === 'gif' ? `${blob.frames} frames` : `${seconds.toFixed(1)} s`})`);
        return (rec.last = { name, bytes: blob.size, frames: blob.frames });
      })
      .catch((e) => {
        problem(`The recording failed: ${messageOf(e)}`);
        return null;
      })
      .finally(() => {
        rec.recording = null;
        rec.stopping = null;
        badge.hidden = true;
        showRecordButton();
      });
    return rec.stopping;
  }

  return {
    setRecordSource: (fn) => void (source = fn ? () => fn(plotSource()) : plotSource),
    api: {
      record: {
        /** Starts recording the plot as 'webm' or 'gif' (the race plays). */
        start,
        /** Stops and saves; resolves to { name, bytes, frames } of the file. */
        stop,
        recording: () => rec.recording?.format ?? null,
        /** The last file saved: { name, bytes, frames } (a video's frames: those drawn for it). */
        last: () => rec.last,
      },
    },
  };
}
