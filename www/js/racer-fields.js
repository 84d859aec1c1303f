// The fields every racer takes beyond its optimizer's (the catalog's `racer_params`): gradient
// clipping, each a checkbox and a number, and the learning-rate scheduler, a picker of the
// catalog's schedulers with one control per argument (SequentialLR's and ChainedScheduler's
// nested schedulers as editable JSON) and a small curve of the learning rate each step uses,
// computed and drawn by the core.

import { el, uid } from './dom.js';
import { paramControl } from './controls.js';
import { messageLine } from './param-row.js';
import { addTip } from './tips.js';

/** The curve's height in CSS pixels. */
const CURVE_HEIGHT = 56;

/**
 * An optional number (null: off): a checkbox that turns it on at the slider's middle (its
 * geometric middle on a log slider), and the number's slider while on.
 */
function optionalNumber(param, value, commit) {
  const id = uid('o');
  const box = el('input', { type: 'checkbox', id, 'aria-describedby': `${id}-doc` });
  const error = messageLine();
  const { min, max, spacing } = param.slider;
  const middle = spacing === 'log' ? Math.sqrt(min * max) : (min + max) / 2;
  const number = paramControl({ ...param, type: 'number', tip: '' }, value ?? middle, commit, { compact: true });
  const showError = error.show;
  box.addEventListener('change', () => {
    const problem = commit(box.checked ? middle : null);
    showError(problem);
    if (problem) box.checked = !box.checked;
  });
  // The number's own label only for screen readers: the checkbox's names it on screen.
  number.el.classList.add('optional-value');
  number.el.querySelector('.param-label')?.classList.add('sr-only');
  const row = el('div', { class: 'param param-flag' }, box, el('label', { for: id, class: 'param-label', text: param.name }));
  addTip(row, param.tip);
  const set = (v) => {
    box.checked = v !== null && v !== undefined;
    number.el.hidden = !box.checked;
    if (box.checked) number.set(v);
  };
  set(value);
  const doc = el('p', { class: 'param-doc', id: `${id}-doc`, text: param.doc });
  return { el: el('div', { class: 'optional-number' }, row, number.el, doc, error.el), set };
}

/**
 * The scheduler picker of racer `i`: `schedule` gives `starter(i, name)` (the core's scheduler
 * object for that racer and race, or throws its message), `key(i)` (what the racer's learning
 * rates depend on) and `curve(i, canvas, dpr)` (the core draws them on the canvas, sized here).
 */
function schedulerPicker(cat, i, param, value, commit, schedule) {
  const infos = new Map(cat.schedulers.map((s) => [s.name, s]));
  const id = uid('s');
  const select = el(
    'select',
    { id, class: 'choice', 'aria-describedby': `${id}-doc` },
    el('option', { value: '', text: 'none (a constant rate)' }),
    ...cat.schedulers.map((s) => el('option', { value: s.name, text: s.name })),
  );
  const doc = el('p', { class: 'param-doc', id: `${id}-doc` });
  const error = messageLine();
  const canvas = el('canvas', { class: 'lr-curve', role: 'img' });
  const figure = el('div', { class: 'lr-curve-box' }, canvas);
  const args = el('div', { class: 'scheduler-args' });
  let current = value ?? null;
  let shown = { name: null, controls: new Map() };
  let drawn = '';

  const showError = error.show;

  /** One control per argument of the scheduler shown; each commits the whole object. */
  function buildArgs(object) {
    const info = object ? infos.get(object.name) : null;
    shown = { name: info?.name ?? null, controls: new Map() };
    doc.textContent = info ? `torch.optim.lr_scheduler.${info.name}: ${info.doc}` : param.doc;
    for (const p of info?.params ?? []) {
      const c = paramControl(p, object[p.name] ?? p.default, (v) => commit({ ...current, [p.name]: v }), { compact: true });
      shown.controls.set(p.name, c);
    }
    args.replaceChildren(...[...shown.controls.values()].map((c) => c.el));
  }

  select.addEventListener('change', () => {
    let next = null;
    if (select.value) {
      try {
        next = JSON.parse(schedule.starter(i, select.value));
      } catch (e) {
        showError(String(e?.message ?? e));
        select.value = current?.name ?? '';
        return;
      }
    }
    const problem = commit(next);
    showError(problem);
    if (problem) select.value = current?.name ?? '';
  });

  /** The learning rate against step, drawn again when what it depends on changed. */
  function drawCurve() {
    figure.hidden = !current;
    if (!current) return;
    const key = schedule.key(i);
    const dpr = window.devicePixelRatio || 1;
    const width = Math.round(figure.clientWidth * dpr);
    if (width === 0 || `${key}|${width}|${dpr}` === drawn) return;
    drawn = `${key}|${width}|${dpr}`;
    [canvas.width, canvas.height] = [width, Math.round(CURVE_HEIGHT * dpr)];
    canvas.setAttribute('aria-label', schedule.curve(i, canvas, dpr));
  }

  function set(object) {
    current = object ?? null;
    select.value = current?.name ?? '';
    if ((current?.name ?? null) !== shown.name) buildArgs(current);
    else for (const [name, c] of shown.controls) c.set(current[name] ?? infos.get(current.name).params.find((p) => p.name === name).default);
    // Drawn once the settings are laid out.
    requestAnimationFrame(drawCurve);
  }

  buildArgs(current);
  set(current);
  const row = el(
    'div',
    { class: 'param param-scheduler' },
    el('label', { for: id, class: 'param-label', text: param.name }),
    select,
    figure,
    doc,
    error.el,
  );
  addTip(row, param.tip);
  return { el: el('div', { class: 'scheduler' }, row, args), set, redraw: drawCurve };
}

/**
 * Racer `i`'s clipping and scheduler controls, built from `cat.racer_params`; `setParam(i,
 * name, value)` applies one (returning the core's message or null). Returns {el, set(racer)}.
 */
export function racerFields(cat, i, racer, setParam, schedule) {
  const controls = new Map(
    cat.racer_params.map((p) => {
      const commit = (v) => setParam(i, p.name, v);
      const value = racer[p.name] ?? p.default;
      if (p.type === 'optional_number') return [p.name, optionalNumber(p, value, commit)];
      if (p.type === 'scheduler') return [p.name, schedulerPicker(cat, i, p, value, commit, schedule)];
      return [p.name, paramControl(p, value, commit)];
    }),
  );
  return {
    el: el('div', { class: 'racer-fields' }, ...[...controls.values()].map((c) => c.el)),
    set(r) {
      for (const p of cat.racer_params) controls.get(p.name).set(r[p.name] ?? p.default);
    },
  };
}
