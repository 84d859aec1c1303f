// What both tabs share, the landscape's race and the classifier's: the spec (in the link,
// applied through the core, read back canonical), the transport (play, pause, reset, the play
// button) and the keys; the racer list with Add racer, the preset picker and its hint, Copy
// link and Save image are race-actions.js's. Each tab adds only what is its own through `tab`.

import { el, finder, icon } from './dom.js';
import { listenKeys } from './keys.js';
import { mountHeader, mountRacers, showPreset } from './race-actions.js';
import { messageOf, specState } from './specstate.js';

/**
 * `root`: where the page is mounted; `cat`: the catalog; `host`: the page's surroundings
 * (host.js). `tab`:
 * - `key`: the link's prefix ('#spec='); `target()`: the wasm object (Scene, Classify);
 * - `ids`: the elements' ids: `list`, `addOpt`, `add`, `count` (racers), `play`, `reset`,
 *   `preset`, `hint`, `copyLink`, `saveImage`, `announce`;
 * - `labels`: the play button's `[play, pause, again]` texts;
 * - `presets` ([{id, title, spec}]) and `optimizers` (those Add racer offers);
 * - `read()`: reads the race's state back after a change; `states()`: every racer's state;
 * - `fresh(text)`: takes a spec as a fresh race (throws the core's message);
 * - `finished()`: whether the race is over; `sync()`: the tab's own controls after a change;
 * - `problem(text)`: shows a message; `panels()`, `fileName()`: the saved image's charts;
 * - optional: `keyTable({play, reset})` (the key table with the shared entries in it),
 *   `transport()` and `refresh()` (the tab's own read-outs), `inspect(i)`, `showSteps(indices)`,
 *   `extraSettings(i, racer)`, `schedule` (see racers.js).
 */
export function createRace(root, cat, host, tab) {
  const $ = finder(root);
  const race = { spec: null, playing: false, held: false, active: false, list: null };
  const link = specState({ key: tab.key, host, target: tab.target, active: () => race.active, afterChange: () => afterChange() });

  /** After every accepted spec: its canonical form, the race's state, every control; the race
   * plays on unless held, and the link follows. */
  function afterChange() {
    race.spec = JSON.parse(tab.target().spec());
    tab.read();
    resumeUnlessHeld();
    sync();
    showLesson();
    link.writeSoon();
  }

  /** The race as it is, every control brought in line (when the tab's wasm object is new). */
  function show() {
    race.spec = JSON.parse(tab.target().spec());
    tab.read();
    sync();
    showLesson();
  }

  /** Applies `mutate` to a copy of the spec; returns null or the core's message (then nothing
   * changed). */
  function change(mutate) {
    return link.change(race.spec, mutate);
  }

  /** A spec object or JSON text as a fresh race; throws Error(the core's message). */
  function load(spec) {
    const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
    try {
      tab.fresh(text);
    } catch (e) {
      throw new Error(messageOf(e));
    }
    race.list.reset();
    afterChange();
  }

  /** A changed spec applied as the controls apply it; throws Error(the core's message). */
  function update(spec) {
    const text = typeof spec === 'string' ? spec : JSON.stringify(spec);
    link.load(text);
  }

  function sync() {
    tab.sync();
    race.list.render(race.spec, tab.states(), tab.target().cards());
    tab.refresh?.();
    $(tab.ids.count).textContent = `${race.spec.racers.length} of at most ${cat.limits.max_racers}`;
    $(tab.ids.add).disabled = race.spec.racers.length >= cat.limits.max_racers;
    updateTransport();
  }

  /** Each card's step, loss and status, and the tab's own read-outs (a few times a second
   * while racing). */
  function refreshCards() {
    race.list.updateStats(tab.states(), tab.target().cards());
    tab.refresh?.();
  }

  /** The picker and the hint say which preset the race is (race-actions.js). */
  const showLesson = () => showPreset($, tab);

  // -------------------------------------------------------------------------------------------
  // Transport.

  /** After a race ran to its end, a change that restarts racers plays again, so the change is
   * seen; a race paused on purpose stays paused. */
  function resumeUnlessHeld() {
    if (!race.playing && !race.held && !tab.finished()) race.playing = true;
  }

  function play() {
    race.held = false;
    if (tab.finished()) {
      tab.target().reset();
      tab.read();
    }
    race.playing = true;
    updateTransport();
  }

  function pause() {
    race.playing = false;
    race.held = true;
    refreshCards();
    updateTransport();
  }

  function reset() {
    tab.target().reset();
    tab.read();
    resumeUnlessHeld();
    refreshCards();
    race.list.updateInspectors();
    updateTransport();
  }

  /** A preset as a fresh race, playing. */
  function loadPreset(preset) {
    try {
      load(preset.spec);
    } catch (e) {
      tab.problem(messageOf(e));
      return;
    }
    race.held = false;
    race.playing = true;
    updateTransport();
  }

  function updateTransport() {
    const button = $(tab.ids.play);
    const done = !race.playing && race.spec && tab.finished();
    const [name, text] = race.playing ? ['pause', tab.labels[1]] : done ? ['reset', tab.labels[2]] : ['play', tab.labels[0]];
    if (button.dataset.state !== text) {
      button.dataset.state = text;
      button.replaceChildren(icon(name), el('span', { text }));
      button.title = `${text} (Space)`;
    }
    tab.transport?.();
  }

  /** The key table: Space and R, among the tab's own where it has some (`keyTable`). */
  const shared = {
    play: { keys: [' '], label: ['Space'], text: 'play / pause', run: () => (race.playing ? pause() : play()) },
    reset: { keys: ['r'], label: ['R'], text: 'reset', run: () => reset() },
  };
  const keys = tab.keyTable?.(shared) ?? [shared.play, shared.reset];

  Object.assign(race, { link, keys, change, load, update, afterChange, show, sync, refreshCards, showLesson, play, pause, reset, loadPreset, updateTransport, resumeUnlessHeld });
  mountHeader($, tab, race);
  race.list = mountRacers($, cat, tab, race);
  listenKeys(root, keys, () => race.active && race.spec !== null);
  return race;
}
