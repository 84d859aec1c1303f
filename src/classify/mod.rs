//! Small classifiers trained on real data, raced by the same optimizers as the landscapes.
//!
//! Seeds 000 and 003 compare Adam, SGD, RMSprop and Adagrad on the 8x8 digits: a linear model
//! (or a small MLP) with softmax cross-entropy, one sample per step, 15 epochs over the first 898
//! samples, tested on the last 899. [`digits`] loads the data, [`model`] holds the models with
//! exact gradients, [`train`] races optimizers over them, [`projection`] draws the linear model's
//! loss on a plane through the initial weights and places the racers' weights on it.

pub mod digits;
pub mod model;
pub mod projection;
pub mod train;
