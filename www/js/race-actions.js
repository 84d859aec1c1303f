// A race's buttons, for both tabs: the preset picker and its hint, Copy link, Save image, play
// and reset in the header and transport, and Add racer with the racer list it fills (its
// colours too).

import { el, icon } from './dom.js';
import { createRacerList, editingActions } from './racers.js';
import { composeSnapshot, download } from './snapshot.js';
import { localMessage, messageOf } from './specstate.js';

/** The header's and transport's buttons of `race` (race.js), its elements those of `tab.ids`. */
export function mountHeader($, tab, race) {
  /** "Save image": the tab's charts as drawn, and under them the core's legend, as a PNG. */
  async function saveImage() {
    const { caption, entries } = tab.target().legend();
    const figure = composeSnapshot({ panels: tab.panels(), caption, entries, dpr: window.devicePixelRatio || 1 });
    await download(figure, tab.fileName());
  }

  for (const p of tab.presets) $(tab.ids.preset).append(el('option', { value: p.id, text: p.title }));
  $(tab.ids.preset).addEventListener('change', () => {
    const preset = tab.presets.find((p) => p.id === $(tab.ids.preset).value);
    if (preset) race.loadPreset(preset);
  });
  $(tab.ids.copyLink).addEventListener('click', () => race.link.copyLink($(tab.ids.copyLink)));
  $(tab.ids.saveImage).append(icon('download'));
  $(tab.ids.saveImage).addEventListener('click', () => saveImage().catch((e) => tab.problem(`Cannot save the image: ${messageOf(e)}`)));
  $(tab.ids.play).addEventListener('click', () => (race.playing ? race.pause() : race.play()));
  $(tab.ids.reset).replaceChildren(icon('reset'), el('span', { text: 'Reset' }));
  $(tab.ids.reset).addEventListener('click', race.reset);
}

/** The picker and the hint say which preset the race is (the core decides: its hint while the
 * race is the preset's own, only what it was based on once it departs). */
export function showPreset($, tab) {
  const lesson = tab.target().lesson();
  const same = Boolean(lesson) && lesson.hint !== null;
  const hint = $(tab.ids.hint);
  $(tab.ids.preset).value = same ? lesson.id : '';
  if (hint.textContent !== tab.target().lesson_text()) hint.textContent = tab.target().lesson_text();
  hint.classList.toggle('based-on', Boolean(lesson) && !same);
  hint.hidden = !lesson;
}

/** Add racer and the racer list of `race` (race.js) for the catalog `cat`; returns the list. */
export function mountRacers($, cat, tab, race) {
  /** The first palette colour no racer shows yet (the colours drawn, so racers without an
   * explicit colour count too); the palette's next one when all are taken. */
  function nextColor(spec) {
    const used = new Set(tab.states().map((r) => r.color.toLowerCase()));
    return cat.palette.find((c) => !used.has(c.toLowerCase())) ?? cat.palette[spec.racers.length % cat.palette.length];
  }

  function addRacer() {
    const name = $(tab.ids.addOpt).value;
    const at = race.spec.racers.length;
    race.list.insertAt(at, true);
    const problem = race.change((s) => void s.racers.push({ name, color: nextColor(s) }));
    if (problem) tab.problem(problem);
    else race.list.focusCard(at);
  }

  for (const o of tab.optimizers) $(tab.ids.addOpt).append(el('option', { value: o.name, text: `${o.title} (${o.reference})` }));
  $(tab.ids.add).addEventListener('click', addRacer);
  const edits = editingActions({ change: race.change, list: () => race.list, optimizers: cat.optimizers, nextColor, showProblem: tab.problem, local: localMessage });
  return createRacerList($(tab.ids.list), cat, {
    ...edits,
    inspect: tab.inspect,
    showSteps: tab.showSteps,
    extraSettings: tab.extraSettings,
    schedule: tab.schedule,
    announce: (text) => void ($(tab.ids.announce).textContent = text),
  });
}
