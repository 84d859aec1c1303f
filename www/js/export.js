// Taking a race out of the page: Record (the plot as WebM video or an animated GIF, while the
// race plays), the Export menus (export-menus.js) and the toast that says what was saved.

import { downloadFile, el, finder, icon } from './dom.js';
import { mountExportMenus } from './export-menus.js';
import { disclosure } from './menu.js';
import { fileSize } from './numbers.js';
import { startRecording, webmType } from './recorder.js';
import { messageOf } from './specstate.js';

const TOAST_MS = 4000;
/** A finished race keeps being recorded this long (its last frame), then the file is saved. */
const FINISHED_HOLD_MS = 1000;

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

  mountExportMenus($, { landscape, classify, host, problem, trainProblem, say, raceName });

  // Record.
  // The view shown, asked at each frame: switching to the 3-D view or back switches what is
  // recorded at the next frame.
  const plotSource = () => ({ layers: landscape.plotLayers(), dpr: window.devicePixelRatio || 1 });
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
        say(`Saved ${name} (${fileSize(blob.size)}, ${r.format === 'gif' ? `${blob.frames} frames` : `${seconds.toFixed(1)} s`})`);
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
