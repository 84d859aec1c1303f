// The Export menus: the landscape race as CSV and as JSON with every optimizer's state, the
// classifier's epochs as CSV, and each one's PyTorch script (copied, or downloaded). The files'
// bytes are the core's, from the very functions `optiscape run --format csv`, `run --state`,
// `train --format csv` and `torch` print, so a file from the page equals the CLI's.

import { race_csv as raceCsv, race_json as raceJson, race_torch as raceTorch } from '../pkg/optiscape.js';
import { downloadFile, el, icon } from './dom.js';
import { disclosure } from './menu.js';
import { fileSize } from './numbers.js';
import { messageOf } from './specstate.js';

/**
 * The Export menus in each tab's transport, after Reset: `landscape` and `classify` are the tabs
 * (landscape.js, classify.js), `host` the page's surroundings (its clipboard), `problem` and
 * `trainProblem` show a message in each tab's banner, `say(text)` in the toast, and
 * `raceName()` names the landscape race's files.
 */
export function mountExportMenus($, { landscape, classify, host, problem, trainProblem, say, raceName }) {
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
      say(`Saved ${name} (${fileSize(new Blob([text]).size)})`);
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
}
