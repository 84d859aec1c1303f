// The default scene and the one-click presets, as run specs. Colours are filled in from the
// catalog's palette (in order) when a preset is loaded, so the URL always carries them.

export const PRESETS = [
  {
    id: 'rosenbrock',
    title: 'Race on Rosenbrock’s banana valley',
    hint: 'Six optimizers from the same start: plain SGD crawls along the curved valley, momentum overshoots and recovers, the adaptive methods take their own routes and Newton’s method uses curvature to arrive first.',
    spec: {
      landscape: { name: 'rosenbrock' },
      start: [-1.2, 1],
      steps: 2000,
      speed: 5,
      racers: [
        { name: 'sgd', label: 'SGD', lr: 0.001 },
        { name: 'sgd', label: 'Momentum 0.9', lr: 0.001, momentum: 0.9 },
        { name: 'adam', lr: 0.05 },
        { name: 'rmsprop', lr: 0.01 },
        { name: 'adagrad', lr: 0.5 },
        { name: 'newton', lr: 0.5 },
      ],
    },
  },
  {
    id: 'ravine',
    title: 'Momentum vs SGD in a ravine',
    hint: 'A quadratic 50 times steeper across than along. SGD at nearly its largest stable step zig-zags across the ravine and crawls along it. Momentum 0.9 builds up speed along the floor but overshoots; Nesterov’s look-ahead damps that; momentum 0.6 with a step matched to both curvatures is fastest of all.',
    spec: {
      landscape: { name: 'quadratic', condition: 50 },
      start: [-3.5, 1.5],
      steps: 400,
      speed: 1,
      racers: [
        { name: 'sgd', label: 'SGD, lr near the limit', lr: 0.038 },
        { name: 'sgd', label: 'Momentum 0.9', lr: 0.02, momentum: 0.9 },
        { name: 'sgd', label: 'Nesterov 0.9', lr: 0.02, momentum: 0.9, nesterov: true },
        { name: 'sgd', label: 'Momentum 0.6, tuned', lr: 0.05, momentum: 0.6 },
      ],
    },
  },
  {
    id: 'adam-family',
    title: 'The Adam family on Beale',
    hint: 'Adam and its descendants at one learning rate, 0.05 (Lion, which steps by the sign, at 0.005). RAdam does not trust its variance estimate for the first few steps and takes un-normalised momentum steps instead: at this learning rate they blow up. AdaBelief is shown without that rectification.',
    spec: {
      landscape: { name: 'beale' },
      start: [1, 1.5],
      steps: 2000,
      speed: 5,
      racers: [
        { name: 'adam', lr: 0.05 },
        { name: 'adam', label: 'AMSGrad', lr: 0.05, amsgrad: true },
        { name: 'adamw', lr: 0.05 },
        { name: 'nadam', lr: 0.05 },
        { name: 'radam', lr: 0.05 },
        { name: 'adamax', lr: 0.05 },
        { name: 'adabelief', label: 'AdaBelief, no rectify', lr: 0.05, rectify: false },
        { name: 'lion', lr: 0.005 },
      ],
    },
  },
  {
    id: 'scale',
    title: 'Scale lesson: multiply the loss',
    hint: 'Move the scale slider. Multiplying the loss multiplies every gradient: SGD’s steps grow with it (at scale 3 it diverges, at 0.01 it barely moves), while Adam and RMSprop divide the scale away and follow the same path: their cards say they reach the minimum at the same step at every scale. In the Learning rate card, SGD’s range of good learning rates slides along the axis as the scale changes (two decades per hundredfold); Adam’s and RMSprop’s stay put.',
    spec: {
      landscape: { name: 'quadratic', condition: 10, scale: 1 },
      start: [-3.5, 1.5],
      steps: 600,
      speed: 2,
      racers: [
        { name: 'sgd', label: 'SGD', lr: 0.1 },
        { name: 'sgd', label: 'Momentum 0.8', lr: 0.05, momentum: 0.8 },
        { name: 'adam', lr: 0.1 },
        { name: 'rmsprop', lr: 0.03 },
      ],
    },
  },
  {
    id: 'saddle',
    title: 'Saddle escape',
    hint: 'Starting a hair off the ridge through the saddle point at (0, 0): the gradient pulling away from it is tiny, so SGD walks straight to the saddle and lingers there; momentum and the adaptive methods escape sooner. Newton’s method divides by the curvature, and leaps where it is nearly zero.',
    spec: {
      landscape: { name: 'saddle' },
      start: [1.8, 0.001],
      steps: 600,
      speed: 2,
      racers: [
        { name: 'sgd', label: 'SGD', lr: 0.05 },
        { name: 'sgd', label: 'Momentum 0.9', lr: 0.05, momentum: 0.9 },
        { name: 'adam', lr: 0.05 },
        { name: 'rmsprop', lr: 0.01 },
        { name: 'adagrad', lr: 0.2 },
        { name: 'newton', lr: 0.5 },
      ],
    },
  },
  {
    id: 'memory',
    title: 'A cliff Adam remembers (β2)',
    hint: 'The race starts on a cliff, f = exp(8x) + x² + y², whose slope along x is about 10⁶ there and at most 8 in the basin left of x = 0. Adam divides its step by √v, a running average of squared gradients that forgets by a factor β2 = 0.999 per step: long after the slope has eased, its steps stay tiny, and after 1000 steps it is still on the way down. With β2 = 0.9 its memory is a hundred times shorter (1/(1 − β2) = 10 steps, not 1000), and it reaches the minimum at step 215. AMSGrad divides by the largest v it has seen, Adagrad by the sum of every squared gradient: neither ever forgets the cliff.',
    spec: {
      landscape: { name: 'custom', f: 'exp(8x) + x^2 + y^2' },
      start: [1.5, 1.5],
      steps: 1000,
      speed: 2,
      racers: [
        { name: 'adam', label: 'Adam, β2 0.999', lr: 0.05 },
        { name: 'adam', label: 'Adam, β2 0.9', lr: 0.05, betas: [0.9, 0.9] },
        { name: 'adam', label: 'AMSGrad', lr: 0.05, amsgrad: true },
        { name: 'adagrad', lr: 0.5 },
      ],
    },
  },
  {
    id: 'noise',
    title: 'Noisy gradients: the step sets the floor',
    hint: 'Every gradient here carries noise, σ = 2 on each coordinate, as when training on mini-batches; every racer gets the same draws. With a constant learning rate nobody settles: each racer hovers at a loss its step size sets. SGD at lr 0.1 is down within 10 steps, then hovers around 0.3; at lr 0.01 it needs about 100 steps but hovers an order of magnitude lower. Momentum 0.9 at lr 0.01 moves like SGD at lr/(1 − 0.9) = 0.1: almost as fast, almost as noisy. Adam at lr 0.1 hovers two to four times lower than SGD at the same rate: it divides by √v, which the noise keeps near σ, so its steps stay about lr long. The cards give each racer’s mean loss over the latest tenth of the steps; the loss chart draws each step’s loss pale under that mean. The learning-rate card shows the trade: after 2000 steps SGD does best at a constant rate of about 0.0025 (smaller ones have not got down yet, larger ones hover higher). Change the seed (Landscape, below) for other draws: the same lesson.',
    spec: {
      landscape: { name: 'quadratic', condition: 10, noise: 2, seed: 0 },
      start: [-3.5, 1.5],
      steps: 2000,
      speed: 5,
      racers: [
        { name: 'sgd', label: 'SGD lr 0.1', lr: 0.1 },
        { name: 'sgd', label: 'SGD lr 0.01', lr: 0.01 },
        { name: 'sgd', label: 'Momentum 0.9, lr 0.01', lr: 0.01, momentum: 0.9 },
        { name: 'adam', label: 'Adam lr 0.1', lr: 0.1 },
      ],
    },
  },
  {
    id: 'divergence',
    title: 'Divergence demo',
    hint: 'Too large a step blows up: watch the legend say where. A diverged racer’s line ends at its last finite point; the others keep running. Adam survives a learning rate of 0.5: it divides each gradient by its own size, so here no coordinate of its step is ever longer than the learning rate.',
    spec: {
      landscape: { name: 'rosenbrock' },
      start: [-1.2, 1],
      steps: 1000,
      speed: 2,
      racers: [
        { name: 'sgd', label: 'SGD lr 0.001', lr: 0.001 },
        { name: 'sgd', label: 'SGD lr 0.01', lr: 0.01 },
        { name: 'adam', label: 'Adam lr 0.5', lr: 0.5 },
        { name: 'radam', label: 'RAdam lr 0.01', lr: 0.01 },
        { name: 'newton', label: 'Newton lr 1.5', lr: 1.5 },
      ],
    },
  },
  {
    id: 'himmelblau',
    title: 'Which minimum? (Himmelblau)',
    hint: 'Four equally good minima, and a start just off the local maximum between them: from the same point, the optimizers end in three different minima.',
    spec: {
      landscape: { name: 'himmelblau' },
      start: [-0.3, -0.9],
      steps: 600,
      speed: 2,
      racers: [
        { name: 'sgd', label: 'SGD', lr: 0.01 },
        { name: 'sgd', label: 'Momentum 0.9', lr: 0.005, momentum: 0.9 },
        { name: 'adam', lr: 0.1 },
        { name: 'rmsprop', lr: 0.05 },
        { name: 'newton', lr: 0.5 },
        { name: 'lion', lr: 0.02 },
      ],
    },
  },
  {
    id: 'formula',
    title: 'Type your own function (three-hump camel)',
    hint: 'This landscape is a formula typed in the Landscape card: change it and the race restarts on yours, with exact derivatives by automatic differentiation. Here, the three-hump camel: momentum, Adam and Lion cross the hump into the global minimum at the centre (Lion keeps jittering by its fixed step), while plain SGD, RMSprop and Newton’s method settle in the local minimum beside the start.',
    spec: {
      landscape: { name: 'custom', f: '2x^2 - 1.05x^4 + x^6/6 + x y + y^2' },
      start: [1.9, 1.9],
      steps: 600,
      speed: 2,
      racers: [
        { name: 'sgd', label: 'SGD', lr: 0.01 },
        { name: 'sgd', label: 'Momentum 0.9', lr: 0.005, momentum: 0.9 },
        { name: 'adam', lr: 0.1 },
        { name: 'rmsprop', lr: 0.02 },
        { name: 'newton', lr: 0.5 },
        { name: 'lion', lr: 0.02 },
      ],
    },
  },
];

export const DEFAULT_PRESET = PRESETS[0];

/** A copy of `spec` in which every racer has a colour, taken from the palette in order. */
export function withColors(spec, palette) {
  const copy = structuredClone(spec);
  copy.racers.forEach((r, i) => {
    if (!r.color) r.color = palette[i % palette.length];
  });
  return copy;
}
