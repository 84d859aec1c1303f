// The classifier's one-click experiments, as training specs (see src/classify/train.rs). They
// reproduce the seed experiments: a linear classifier on the 8x8 digits, one sample per step, 15
// epochs over the first 898 images, tested on the other 899. A racer's own `input` replaces the
// spec's, so one race can put Adam on X/50, X*50 and X side by side. Colours are filled in from
// the palette (in order) when a preset is loaded, so the URL always carries them.

const seed = { dataset: 'digits', model: 'linear', epochs: 15, batch_size: 1, seed: 0, input: { transform: 'raw', scale: 1 } };

export const TRAIN_PRESETS = [
  {
    id: 'four',
    title: 'Adam vs SGD vs RMSprop vs Adagrad (lr 1e-3)',
    hint: 'Four optimizers, one learning rate, 10⁻³, from the same weights over the same samples. At this rate Adam, RMSprop and SGD all reach about 91–92 % test accuracy, and Adam drives the training loss lowest; Adagrad’s steps shrink as its squared-gradient sum grows, and it is still far behind after 15 epochs.',
    spec: {
      ...seed,
      racers: [
        { name: 'adam', lr: 0.001 },
        { name: 'sgd', lr: 0.001 },
        { name: 'rmsprop', lr: 0.001 },
        { name: 'adagrad', lr: 0.001 },
      ],
    },
  },
  {
    id: 'adam-scale',
    title: 'Adam on X/50 and X*50',
    hint: 'The same Adam on the pixels as they are (0 to 16), divided by 50 and multiplied by 50. Adam divides the gradient’s scale away, so its step size in weight space stays about lr whatever the inputs: on X/50 the weights must grow 50 times larger and it creeps; on X×50 they must stay 50 times smaller and its steps are too coarse. Both end with a higher training loss and a lower test accuracy than on X.',
    spec: {
      ...seed,
      racers: [
        { name: 'adam', label: 'Adam on X', lr: 0.001 },
        { name: 'adam', label: 'Adam on X/50', lr: 0.001, input: { transform: 'raw', scale: 0.02 } },
        { name: 'adam', label: 'Adam on X×50', lr: 0.001, input: { transform: 'raw', scale: 50 } },
      ],
    },
  },
  {
    id: 'sgd-scale',
    title: 'SGD on X/5 and X*5',
    hint: 'SGD’s step is lr times the gradient, and a linear model’s gradient grows with its inputs: on X/5 its steps shrink and the training loss falls slowly; on X×5 its effective rate is 25 times larger and the loss stays high. Unlike Adam, its learning rate must be tuned to the input scale. (The seed notebook’s 10.8 % on X*5 came from an optimizer still bound to the previous model’s weights, which left the new model untrained.)',
    spec: {
      ...seed,
      racers: [
        { name: 'sgd', label: 'SGD on X', lr: 0.001 },
        { name: 'sgd', label: 'SGD on X/5', lr: 0.001, input: { transform: 'raw', scale: 0.2 } },
        { name: 'sgd', label: 'SGD on X×5', lr: 0.001, input: { transform: 'raw', scale: 5 } },
      ],
    },
  },
  {
    id: 'standardized',
    title: 'Adam on standardized inputs',
    hint: 'Standardizing every pixel (minus its training mean, over its standard deviation) puts all inputs on one scale. Adam on standardized inputs generalizes best of these racers; raw Adam fits the training set more tightly but tests a little worse.',
    spec: {
      ...seed,
      racers: [
        { name: 'adam', label: 'Adam on X', lr: 0.001 },
        { name: 'adam', label: 'Adam on standardized X', lr: 0.001, input: { transform: 'standardize', scale: 1 } },
      ],
    },
  },
];

export const DEFAULT_TRAIN_PRESET = TRAIN_PRESETS[0];
