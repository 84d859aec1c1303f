// The classifier tab's own controls: the model, the input's transform and scale, epochs, batch
// size, seed and pace, built from the catalog's training-spec tables, and each racer's own input.

import { el, focused, uid } from './dom.js';
import { paramControl, wholeField } from './controls.js';
import { PACES } from './classify-loop.js';
import { parseNumber } from './numbers.js';
import { messageLine } from './param-row.js';
import { localMessage } from './specstate.js';

/** The training spec's field `name` in the catalog's table. */
const field = (table, name) => table.find((p) => p.name === name);

/**
 * The controls of the classifier tab: `$` finds its elements, `cat` is the catalog, `c` the
 * tab's state (its pace), `race` the shared race (race.js), `setPace(value)` the loop's.
 */
export function classifyControls({ $, cat, c, race, setPace }) {
  const factorField = field(cat.classify.input, 'scale');

  function build() {
    for (const [id, name] of [['train-model', 'model'], ['train-transform', 'transform']]) {
      const p = field(name === 'model' ? cat.classify.params : cat.classify.input, name);
      p.choices.forEach((choice, k) => $(id).append(el('option', { value: choice, text: p.titles?.[k] ?? choice })));
    }
    $('train-model').addEventListener('change', () => race.change((s) => void (s.model = $('train-model').value)));
    $('train-transform').addEventListener('change', () => race.change((s) => void (s.input.transform = $('train-transform').value)));
    c.scale = paramControl({ ...factorField, name: 'input scale' }, 1, (v) => race.change((s) => void (s.input.scale = v)));
    $('train-scale-box').replaceChildren(c.scale.el);
    for (const [id, name, label] of [['train-epochs', 'epochs', 'epochs'], ['train-batch', 'batch_size', 'batch size'], ['train-seed', 'seed', 'seed']]) {
      const { range } = field(cat.classify.params, name);
      wholeField($(id), $(`${id}-err`), { name: label, range, commit: (v) => race.change((s) => void (s[name] = v)) });
    }
    for (const p of PACES) $('train-pace').append(el('option', { value: p.value, text: p.text }));
    $('train-pace').value = c.pace.value;
    $('train-pace').addEventListener('change', () => setPace($('train-pace').value));
    $('train-samples').textContent = `8×8 digits, ${cat.classify.train_samples} to train`;
    $('train-tested').textContent = `on the ${cat.classify.test_samples} held-out digits, after each epoch`;
  }

  function sync() {
    const { spec } = race;
    $('train-model').value = spec.model;
    $('train-transform').value = spec.input.transform;
    c.scale.set(spec.input.scale);
    for (const [id, v] of [['train-epochs', spec.epochs], ['train-batch', spec.batch_size], ['train-seed', spec.seed]]) {
      if (!focused($(id))) $(id).value = String(v);
      $(`${id}-err`).hidden = true;
    }
  }

  /** A racer's own input (replacing the spec's), at the top of its settings: a transform (or
   * the model's input) and a scale. */
  function racerInput(i) {
    const transform = field(cat.classify.input, 'transform');
    const id = uid('racer-input');
    const select = el('select', { id, class: 'racer-input-transform' });
    select.append(el('option', { value: '', text: 'as the model’s input' }), ...transform.choices.map((t, k) => el('option', { value: t, text: transform.titles[k] })));
    const scale = el('input', { type: 'text', class: 'num racer-input-scale', inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false', 'aria-label': 'this racer’s input scale' });
    const error = messageLine();
    const commit = () => {
      let problem;
      if (!select.value) problem = race.change((s) => void delete s.racers[i].input);
      else {
        const parsed = parseNumber(scale.value, factorField.range, 'input scale');
        problem = parsed.error ?? localMessage(race.change((s) => void (s.racers[i].input = { transform: select.value, scale: parsed.value })));
      }
      error.show(problem);
    };
    select.addEventListener('change', commit);
    scale.addEventListener('change', commit);
    scale.addEventListener('keydown', (e) => e.key === 'Enter' && commit());
    const box = el('div', { class: 'racer-input' }, el('label', { for: id, class: 'param-label', text: 'input' }), select, el('span', { class: 'racer-input-times', 'aria-hidden': 'true', text: '×' }), scale, error.el);
    const set = (racer) => {
      select.value = racer.input ? racer.input.transform : '';
      if (!focused(scale)) scale.value = String(racer.input ? racer.input.scale : 1);
      scale.disabled = !racer.input;
    };
    return { el: box, set };
  }

  return { build, sync, racerInput };
}
