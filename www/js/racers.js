// The racer list, which is also the legend: per racer its colour, name, key settings, step,
// loss and status, and on demand its settings (generated from the catalog) and optimizer state.

import { el, icon, iconButton, setText, uid } from './dom.js';
import { keySettings, paramControl } from './controls.js';
import { fmt, fmtLoss, fmtValue } from './scales.js';

const MAX_LABEL = 40;
/** The scene's entries about the last step (Scene::inspect), after the optimizer's own. */
const LAST_STEP = 'last step:';
const MODEL_NOTE =
  'α*: where the quadratic model at the start of the last step (exact gradient and Hessian) is lowest along that step, in steps: 1 means the step landed there, 2 that it went half as far, 0.5 twice as far. None when the curvature along the step is negative. Degrees from −gradient: how far the step turned away from steepest descent (0 for plain gradient descent, above 90 uphill). On the plot, while these settings are open: the step’s direction at the racer’s head (an arrow in its colour), steepest descent (a black arrow) and the model’s lowest point along the step (a ring, when on the plot).';

/**
 * What a stopped racer's card says (as plot's legend says it: src/figure.rs). A diverged
 * racer stands at its last finite point, one step before it diverged; step 0 is the start itself,
 * where the landscape is undefined (a typed log or square root). Textbook Newton stops before a
 * step it has not got (a singular Hessian).
 */
export function outcomeText(state) {
  if (state.status === 'singular') return `stopped before step ${state.singular_at}: singular Hessian, no Newton step`;
  if (state.diverged_at_epoch != null) return `diverged in epoch ${state.diverged_at_epoch}`;
  if (state.diverged_at === 0) return 'no finite loss at the start';
  const [x, y] = state.position.map(fmtValue);
  return `diverged at step ${state.diverged_at} (last finite point (${x}, ${y}) at step ${state.diverged_at - 1})`;
}

/**
 * A racer's loss as its card and the saved image's legend give it: with noisy gradients the loss
 * jumps from step to step, so the level it hovers at, its mean over the latest tenth of the steps.
 */
export function lossText(state) {
  return state.mean_loss == null ? `loss ${fmtLoss(state.loss)}` : `mean loss ${fmtLoss(state.mean_loss)}`;
}

/** What a racer did once it reached a known minimum (null before); `short` for its card. */
export function arrivalText(state, { short = false } = {}) {
  const a = state.arrival;
  if (!a) return null;
  if (short) return `${a.global ? 'minimum' : 'local minimum'} at step ${a.step}`;
  return `${a.global ? 'reached the minimum' : 'reached a local minimum'} at step ${a.step}`;
}

/**
 * `actions`: setParam(i, name, value) -> error|null, setLabel(i, text), setColor(i, hex),
 * duplicate(i), remove(i), restoreDefaults(i), inspect(i) -> [{name, value}], announce(text),
 * and optionally showSteps(indices): the racers whose settings are open.
 */
export function createRacerList(root, cat, actions) {
  const optimizers = new Map(cat.optimizers.map((o) => [o.name, o]));
  let cards = [];
  let structure = '';
  let expanded = [];
  let lastStats = [];

  function title(r) {
    return r.label || optimizers.get(r.name).title;
  }

  function buildCard(i, racer, state) {
    const settingsId = uid('settings');
    const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    const name = el('span', { class: 'racer-name' });
    const what = el('span', { class: 'racer-what' });
    const stepText = el('span', { class: 'racer-step' });
    const lossText = el('span', { class: 'racer-loss' });
    const status = el('span', { class: 'racer-status' });
    const toggle = el(
      'button',
      {
        type: 'button',
        class: 'btn icon-only',
        'aria-expanded': expanded[i] ? 'true' : 'false',
        'aria-controls': settingsId,
        title: 'Settings',
        onclick: () => setExpanded(i, !expanded[i]),
      },
      icon('gear'),
    );
    const dup = iconButton('copy', 'Duplicate', () => actions.duplicate(i));
    const del = iconButton('remove', 'Remove', () => actions.remove(i));

    const settings = el('div', { class: 'racer-settings', id: settingsId, hidden: true });
    const li = el(
      'li',
      { class: 'racer' },
      el(
        'div',
        { class: 'racer-main' },
        swatch,
        el('div', { class: 'racer-id' }, name, what),
        el('div', { class: 'racer-stats' }, stepText, lossText),
        el('div', { class: 'racer-buttons', role: 'group', 'aria-label': 'Racer actions' }, toggle, dup, del),
        status,
      ),
      settings,
    );
    const card = { i, li, swatch, name, what, stepText, lossText, status, toggle, dup, del, settings, built: null };
    fill(card, i, racer, state);
    if (expanded[i]) showSettings(card, true);
    return card;
  }

  /** Builds a card's settings (name, colour, one control per catalog parameter) on first open. */
  function buildSettings(card, racer, state) {
    const i = card.i;
    const opt = optimizers.get(racer.name);
    const labelId = uid('label');
    const labelInput = el('input', {
      type: 'text',
      id: labelId,
      class: 'text',
      maxlength: MAX_LABEL,
      placeholder: opt.title,
      value: racer.label || '',
      spellcheck: 'false',
      autocomplete: 'off',
    });
    labelInput.addEventListener('input', () => actions.setLabel(i, labelInput.value.slice(0, MAX_LABEL)));
    const colorId = uid('color');
    const colorInput = el('input', { type: 'color', id: colorId, class: 'color', value: state?.color || racer.color || '#000000' });
    colorInput.addEventListener('input', () => actions.setColor(i, colorInput.value));

    const controls = new Map();
    const paramEls = opt.params.map((p) => {
      const c = paramControl(p, racer[p.name] ?? p.default, (v) => actions.setParam(i, p.name, v));
      controls.set(p.name, c);
      return c.el;
    });
    const stateList = el('dl', { class: 'state' });
    const modelNote = el('p', { class: 'param-doc', hidden: true, text: MODEL_NOTE });
    card.settings.append(
      el(
        'div',
        { class: 'racer-meta' },
        el('label', { for: labelId, text: 'Name' }),
        labelInput,
        el('label', { for: colorId, text: 'Colour' }),
        colorInput,
      ),
      el('p', { class: 'racer-ref', text: `${opt.title}: ${opt.reference}` }),
      ...paramEls,
      el(
        'div',
        { class: 'racer-settings-foot' },
        iconButton('undo', 'Restore defaults', () => actions.restoreDefaults(i), { showLabel: true }),
      ),
      el('h4', { class: 'state-title', text: 'Optimizer state' }),
      stateList,
      modelNote,
    );
    card.built = { labelInput, colorInput, controls, stateList, modelNote };
  }

  /** Updates a card's texts and controls to `racer` without rebuilding it (keeps focus). */
  function fill(card, i, racer, state) {
    const opt = optimizers.get(racer.name);
    const color = state?.color || racer.color;
    card.li.style.setProperty('--racer', color);
    // Racers of one colour are told apart by their lines' dash patterns, the swatch's ring too.
    card.swatch.dataset.dash = state?.dash ?? 'solid';
    card.swatch.title = state?.dash && state.dash !== 'solid' ? `${state.dash.replace('_', '-')} line` : '';
    card.name.textContent = title(racer);
    card.what.textContent = (racer.label ? `${opt.title} · ` : '') + keySettings(opt, racer);
    const label = `racer ${i + 1}, ${title(racer)}`;
    card.toggle.setAttribute('aria-label', `Settings of ${label}`);
    card.dup.setAttribute('aria-label', `Duplicate ${label}`);
    card.del.setAttribute('aria-label', `Remove ${label}`);
    card.racer = racer;
    card.state = state;
    const b = card.built;
    if (!b) return;
    if (document.activeElement !== b.labelInput) b.labelInput.value = racer.label || '';
    if (color && b.colorInput.value !== color) b.colorInput.value = color;
    for (const p of opt.params) b.controls.get(p.name).set(racer[p.name] ?? p.default);
  }

  function fillStats(card, i, state, racer) {
    if (!state) return;
    const prev = lastStats[i];
    const arrived = arrivalText(state, { short: true });
    const mean = state.mean_loss ?? null;
    if (prev && prev.step === state.step && prev.status === state.status && prev.loss === state.loss && prev.mean === mean && prev.arrived === arrived) return;
    lastStats[i] = { step: state.step, status: state.status, loss: state.loss, mean, arrived };
    setText(card.stepText, `step ${state.step}`);
    const diverged = state.status !== 'ok';
    setText(card.lossText, diverged ? `last ${lossText(state)}` : lossText(state));
    card.lossText.title = mean === null ? '' : `the mean over the latest tenth of the steps; this step: ${fmtLoss(state.loss)}`;
    card.li.classList.toggle('diverged', diverged);
    card.li.classList.toggle('arrived', !diverged && arrived !== null);
    const why = diverged ? outcomeText(state) : null;
    setText(card.status, diverged ? why : arrived ?? '');
    const reached = arrived && `${title(racer)} ${arrivalText(state)}`;
    card.status.title = !diverged && reached ? `${reached} (${fmt(state.arrival.at[0])}, ${fmt(state.arrival.at[1])})` : '';
    if (diverged && prev && prev.status === 'ok') actions.announce(`${title(racer)}: ${why}`);
    else if (reached && prev && !prev.arrived && state.arrival.step > 0) actions.announce(reached);
  }

  function showSettings(card, open) {
    if (open && !card.built) buildSettings(card, card.racer, card.state);
    card.settings.hidden = !open;
    card.toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
    card.li.classList.toggle('open', open);
  }

  function setExpanded(i, open) {
    expanded[i] = open;
    showSettings(cards[i], open);
    if (open) updateInspectors();
    showSteps();
  }

  /** Tells the scene whose last step to draw at its head: the racers whose settings are open. */
  let shownSteps = '';
  function showSteps() {
    const open = cards.map((_, i) => i).filter((i) => expanded[i]);
    if (String(open) === shownSteps) return;
    shownSteps = String(open);
    actions.showSteps?.(open);
  }

  /** Shows `spec`'s racers; rebuilds only when the list of optimizers changed. */
  function render(spec, states) {
    const key = spec.racers.map((r) => r.name).join(',');
    if (key !== structure) {
      structure = key;
      expanded.length = spec.racers.length;
      lastStats = [];
      cards = spec.racers.map((r, i) => buildCard(i, r, states[i]));
      root.replaceChildren(...cards.map((c) => c.li));
      updateInspectors();
      showSteps();
    } else {
      spec.racers.forEach((r, i) => fill(cards[i], i, r, states[i]));
    }
    const only = spec.racers.length === 1;
    const full = spec.racers.length >= cat.limits.max_racers;
    cards.forEach((c) => {
      c.del.disabled = only;
      c.dup.disabled = full;
    });
    updateStats(spec, states);
  }

  function updateStats(spec, states) {
    cards.forEach((c, i) => fillStats(c, i, states[i], spec.racers[i]));
  }

  function formatState(value) {
    if (Array.isArray(value) || ArrayBuffer.isView(value)) return `[${Array.from(value, (v) => fmt(v)).join(', ')}]`;
    if (typeof value === 'boolean') return String(value);
    return fmt(value);
  }

  /** Refreshes the optimizer-state read-out of every open racer. */
  function updateInspectors() {
    cards.forEach((c, i) => {
      if (!expanded[i]) return;
      const entries = actions.inspect(i) || [];
      const rows = [];
      for (const { name, value } of entries) {
        rows.push(el('dt', { text: name }), el('dd', { text: formatState(value) }));
      }
      if (!c.built) return;
      c.built.stateList.replaceChildren(...rows);
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
      const c = cards[Math.min(i, cards.length - 1)];
      if (c) c.toggle.focus();
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
    setParam: (i, name, value) =>
      local(
        change((s) => {
          s.racers[i][name] = value;
        }),
      ),
    setLabel: (i, text) =>
      change((s) => {
        if (text.trim()) s.racers[i].label = text;
        else delete s.racers[i].label;
      }),
    setColor: (i, color) =>
      change((s) => {
        s.racers[i].color = color;
      }),
    duplicate: (i) => {
      list().insertAt(i + 1, false);
      const problem = change((s) => {
        const copy = structuredClone(s.racers[i]);
        copy.label = `${copy.label || titleOf(copy.name)} (copy)`.slice(0, 40);
        copy.color = nextColor(s);
        s.racers.splice(i + 1, 0, copy);
      });
      if (problem) showProblem(problem);
      list().focusCard(i + 1);
    },
    remove: (i) => {
      list().removeAt(i);
      const problem = change((s) => {
        s.racers.splice(i, 1);
      });
      if (problem) showProblem(problem);
      list().focusCard(i);
    },
    restoreDefaults: (i) =>
      change((s) => {
        const r = s.racers[i];
        const opt = optimizers.find((o) => o.name === r.name);
        for (const p of opt.params) r[p.name] = structuredClone(p.default);
      }),
  };
}
