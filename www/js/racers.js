// The racer list, which is also the legend: per racer its colour, name, settings, step, loss and
// status (the words are the core's: `cards()`), and on demand its settings (generated from the
// catalog) and optimizer state. Shared by both tabs.

import { el, focused, icon, iconButton, setText, uid } from './dom.js';
import { paramControl } from './controls.js';
import { racerFields } from './racer-fields.js';
import { fmt } from './numbers.js';
import { fillInspector, quantityTip } from './tips.js';

const MAX_LABEL = 40;
/** The scene's entries about the last step (Scene::inspect), after the optimizer's own. */
const LAST_STEP = 'last step:';
const MODEL_NOTE =
  'α*: where the quadratic model at the start of the last step (exact gradient and Hessian) is lowest along that step, in steps: 1 means the step landed there, 2 that it went half as far, 0.5 twice as far. None when the curvature along the step is negative. Degrees from −gradient: how far the step turned away from steepest descent (0 for plain gradient descent, above 90 uphill). On the plot, while these settings are open: the step’s direction at the racer’s head (an arrow in its colour), steepest descent (a black arrow) and the model’s lowest point along the step (a ring, when on the plot).';

/** A card's elements, its settings not built yet. */
function cardShell(i, open, toggle, actions) {
  const settingsId = uid('settings');
  const parts = {
    swatch: el('span', { class: 'swatch', 'aria-hidden': 'true' }),
    name: el('span', { class: 'racer-name' }),
    what: el('span', { class: 'racer-what' }),
    stepText: el('span', { class: 'racer-step' }),
    lossText: el('span', { class: 'racer-loss' }),
    status: el('span', { class: 'racer-status' }),
    toggle: el('button', { type: 'button', class: 'btn icon-only', 'aria-expanded': open ? 'true' : 'false', 'aria-controls': settingsId, title: 'Settings', onclick: () => toggle(i) }, icon('gear')),
    dup: iconButton('copy', 'Duplicate', () => actions.duplicate(i)),
    del: iconButton('remove', 'Remove', () => actions.remove(i)),
    settings: el('div', { class: 'racer-settings', id: settingsId, hidden: true }),
  };
  const main = el(
    'div',
    { class: 'racer-main' },
    parts.swatch,
    el('div', { class: 'racer-id' }, parts.name, parts.what),
    el('div', { class: 'racer-stats' }, parts.stepText, parts.lossText),
    el('div', { class: 'racer-buttons', role: 'group', 'aria-label': 'Racer actions' }, parts.toggle, parts.dup, parts.del),
    parts.status,
  );
  return { i, li: el('li', { class: 'racer' }, main, parts.settings), built: null, ...parts };
}

/** A card's settings: name, colour, one control per catalog parameter, its optimizer state. */
function buildSettings(card, opt, racer, state, actions, cat) {
  const i = card.i;
  const labelId = uid('label');
  const attrs = { type: 'text', id: labelId, class: 'text', maxlength: MAX_LABEL, placeholder: opt.title, value: racer.label || '', spellcheck: 'false', autocomplete: 'off' };
  const labelInput = el('input', attrs);
  labelInput.addEventListener('input', () => actions.setLabel(i, labelInput.value.slice(0, MAX_LABEL)));
  const colorId = uid('color');
  const colorInput = el('input', { type: 'color', id: colorId, class: 'color', value: state?.color || racer.color || '#000000' });
  colorInput.addEventListener('input', () => actions.setColor(i, colorInput.value));
  const controls = new Map(opt.params.map((p) => [p.name, paramControl(p, racer[p.name] ?? p.default, (v) => actions.setParam(i, p.name, v))]));
  const extra = actions.extraSettings?.(i, racer) ?? null;
  // Clipping and the scheduler, where the tab draws a racer's learning rates.
  const fields = actions.schedule ? racerFields(cat, i, racer, actions.setParam, actions.schedule) : null;
  const stateList = el('dl', { class: 'state' });
  const modelNote = el('p', { class: 'param-doc', hidden: true, text: MODEL_NOTE });
  card.settings.append(
    ...(extra ? [extra.el] : []),
    el('div', { class: 'racer-meta' }, el('label', { for: labelId, text: 'Name' }), labelInput, el('label', { for: colorId, text: 'Colour' }), colorInput),
    el('p', { class: 'racer-ref', text: `${opt.title}: ${opt.reference}` }),
    ...[...controls.values()].map((c) => c.el),
    ...(fields ? [fields.el] : []),
    el('div', { class: 'racer-settings-foot' }, iconButton('undo', 'Restore defaults', () => actions.restoreDefaults(i), { showLabel: true })),
    el('h4', { class: 'state-title', text: 'Optimizer state' }),
    stateList,
    modelNote,
  );
  card.built = { labelInput, colorInput, controls, extra, fields, stateList, modelNote };
}

/** A value of the optimizer state: a number, a flag, or a vector of numbers. */
function stateText(value) {
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return `[${Array.from(value, (v) => fmt(v)).join(', ')}]`;
  if (typeof value === 'boolean') return String(value);
  return fmt(value);
}

/**
 * The racer list in `root` for the catalog's optimizers. `actions`: setParam(i, name, value) ->
 * error|null, setLabel(i, text), setColor(i, hex), duplicate(i), remove(i), restoreDefaults(i),
 * announce(text); optionally inspect(i) -> [{name, value}], showSteps(indices) (the racers whose
 * settings are open), extraSettings(i, racer) -> {el, set(racer)} (a tab's own control at the
 * top of a racer's settings) and schedule (clipping and scheduler controls with the learning
 * rate's curve: see racer-fields.js).
 */
export function createRacerList(root, cat, actions) {
  const optimizers = new Map(cat.optimizers.map((o) => [o.name, o]));
  let cards = [];
  let structure = '';
  let expanded = [];
  let shown = [];
  let shownSteps = '';

  function fill(card, racer, state, text) {
    const color = state?.color || racer.color;
    card.li.style.setProperty('--racer', color);
    // Racers of one colour are told apart by their lines' dash patterns, the swatch's ring too.
    card.swatch.dataset.dash = state?.dash ?? 'solid';
    card.swatch.title = state?.dash && state.dash !== 'solid' ? `${state.dash.replace('_', '-')} line` : '';
    setText(card.name, text?.name ?? racer.label ?? '');
    setText(card.what, text?.what ?? '');
    const label = `racer ${card.i + 1}, ${text?.name ?? ''}`;
    card.toggle.setAttribute('aria-label', `Settings of ${label}`);
    card.dup.setAttribute('aria-label', `Duplicate ${label}`);
    card.del.setAttribute('aria-label', `Remove ${label}`);
    Object.assign(card, { racer, state });
    const b = card.built;
    if (!b) return;
    if (!focused(b.labelInput)) b.labelInput.value = racer.label || '';
    if (color && b.colorInput.value !== color) b.colorInput.value = color;
    for (const p of optimizers.get(racer.name).params) b.controls.get(p.name).set(racer[p.name] ?? p.default);
    b.extra?.set(racer);
    b.fields?.set(racer);
  }

  /** The card's step, loss and status; a screen reader hears a new divergence or arrival. */
  function fillStats(card, state, text) {
    if (!state || !text) return;
    const seen = shown[card.i];
    const key = `${text.step}|${text.loss}|${text.loss_note}|${text.status}|${state.status}`;
    if (seen?.key === key) return;
    shown[card.i] = { key, news: text.news };
    // Only what changed is written: the step, mostly (each write costs a style pass).
    setText(card.stepText, text.step);
    setText(card.lossText, text.loss);
    if (card.lossText.title !== text.loss_note) card.lossText.title = text.loss_note;
    const stopped = state.status !== 'ok';
    card.li.classList.toggle('diverged', stopped);
    card.li.classList.toggle('arrived', !stopped && Boolean(state.arrival));
    setText(card.status, text.status);
    if (card.status.title !== text.status_note) card.status.title = text.status_note;
    if (text.news && seen && seen.news !== text.news) actions.announce(text.news);
  }

  function showSettings(card, open) {
    if (open && !card.built) buildSettings(card, optimizers.get(card.racer.name), card.racer, card.state, actions, cat);
    card.settings.hidden = !open;
    card.toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    card.li.classList.toggle('open', open);
  }

  function toggle(i) {
    expanded[i] = !expanded[i];
    showSettings(cards[i], expanded[i]);
    if (expanded[i]) updateInspectors();
    showSteps();
  }

  /** Tells the scene whose last step to draw at its head: the racers whose settings are open. */
  function showSteps() {
    const open = cards.map((_, i) => i).filter((i) => expanded[i]);
    if (String(open) === shownSteps) return;
    shownSteps = String(open);
    actions.showSteps?.(open);
  }

  /** Shows `spec`'s racers with their `states` and card `texts`; rebuilds only when the list
   * of optimizers changed (a rebuild would take the focus away). */
  function render(spec, states, texts) {
    const key = spec.racers.map((r) => r.name).join(',');
    const rebuilt = key !== structure;
    if (rebuilt) {
      structure = key;
      expanded.length = spec.racers.length;
      shown = [];
      cards = spec.racers.map((r, i) => cardShell(i, expanded[i], toggle, actions));
      root.replaceChildren(...cards.map((c) => c.li));
    }
    spec.racers.forEach((r, i) => fill(cards[i], r, states[i], texts[i]));
    cards.forEach((c, i) => {
      if (expanded[i] && !c.built) showSettings(c, true);
      c.del.disabled = spec.racers.length === 1;
      c.dup.disabled = spec.racers.length >= cat.limits.max_racers;
    });
    if (rebuilt) updateInspectors();
    showSteps();
    updateStats(states, texts);
  }

  function updateStats(states, texts) {
    cards.forEach((c, i) => fillStats(c, states[i], texts[i]));
  }

  /** Refreshes the optimizer-state read-out of every open racer. */
  function updateInspectors() {
    if (!actions.inspect) return;
    cards.forEach((c, i) => {
      if (!expanded[i] || !c.built) return;
      const entries = actions.inspect(i) || [];
      const opt = optimizers.get(c.racer.name);
      fillInspector(c.built.stateList, entries, (name) => quantityTip(cat, opt, name), stateText);
      c.built.modelNote.hidden = !entries.some((e) => e.name.startsWith(LAST_STEP));
    });
  }

  return {
    render,
    updateStats,
    updateInspectors,
    anyExpanded: () => expanded.some(Boolean),
    /** Keeps the open/closed state aligned when racers are inserted or removed. */
    insertAt(i, open = false) {
      expanded.splice(i, 0, open);
      structure = '';
    },
    removeAt(i) {
      expanded.splice(i, 1);
      structure = '';
    },
    reset() {
      expanded = [];
      structure = '';
    },
    focusCard(i) {
      cards[Math.min(i, cards.length - 1)]?.toggle.focus();
    },
  };
}

/**
 * The editing actions of a racer list over a spec: `change(mutate)` applies a mutation of a
 * copy of the spec (returning null or the core's message); `list()` is the racer list;
 * `optimizers` the catalog's; `nextColor(spec)` a colour for a duplicate; `showProblem(message)`
 * shows what the core refused; `local(message)` shortens a message for its own control.
 */
export function editingActions({ change, list, optimizers, nextColor, showProblem, local }) {
  const titleOf = (name) => optimizers.find((o) => o.name === name).title;
  return {
    setParam: (i, name, value) => local(change((s) => void (s.racers[i][name] = value))),
    setLabel: (i, text) =>
      change((s) => {
        if (text.trim()) s.racers[i].label = text;
        else delete s.racers[i].label;
      }),
    setColor: (i, color) => change((s) => void (s.racers[i].color = color)),
    duplicate: (i) => {
      list().insertAt(i + 1, false);
      const problem = change((s) => {
        const copy = structuredClone(s.racers[i]);
        copy.label = `${copy.label || titleOf(copy.name)} (copy)`.slice(0, MAX_LABEL);
        copy.color = nextColor(s);
        s.racers.splice(i + 1, 0, copy);
      });
      if (problem) showProblem(problem);
      list().focusCard(i + 1);
    },
    remove: (i) => {
      list().removeAt(i);
      const problem = change((s) => void s.racers.splice(i, 1));
      if (problem) showProblem(problem);
      list().focusCard(i);
    },
    restoreDefaults: (i) =>
      change((s) => {
        const r = s.racers[i];
        for (const p of optimizers.find((o) => o.name === r.name).params) r[p.name] = structuredClone(p.default);
      }),
  };
}
