//! Trajectories and loss curves kept in bounded memory, faithful at screen resolution.
//!
//! A lecture runs at up to 1000 steps per frame for an hour: ten million points per racer would
//! not fit. A [`Path`] keeps a point only once it has moved at least `min_gap` from the last kept
//! one (a converged racer adds nothing), and when it reaches its capacity it drops every other
//! interior point and doubles `min_gap`: the shape is kept uniformly, the first and the latest
//! point always. A [`Curve`] (loss against step) keeps every `stride`-th step and doubles the
//! stride when full, always keeping the latest sample. A [`TrailingMean`] smooths a loss that
//! noisy gradients make jump, for the loss chart.

use crate::landscape::Point;
use std::collections::VecDeque;

/// A trajectory in data coordinates.
#[derive(Clone, Debug)]
pub struct Path {
    points: Vec<Point>,
    /// The latest point, kept even when too close to be stored.
    head: Option<Point>,
    min_gap: f64,
    capacity: usize,
}

impl Path {
    /// `min_gap` in data units (for instance 1e-4 of the view's diagonal); `capacity` >= 4.
    pub fn new(min_gap: f64, capacity: usize) -> Path {
        Path {
            points: Vec::new(),
            head: None,
            min_gap: min_gap.max(0.0),
            capacity: capacity.max(4),
        }
    }

    pub fn clear(&mut self) {
        self.points.clear();
        self.head = None;
    }

    pub fn push(&mut self, p: Point) {
        self.head = Some(p);
        let far = match self.points.last() {
            None => true,
            Some(q) => {
                let (dx, dy) = (p[0] - q[0], p[1] - q[1]);
                (dx * dx + dy * dy).sqrt() >= self.min_gap
            }
        };
        if far {
            self.points.push(p);
            if self.points.len() >= self.capacity {
                self.compact();
            }
        }
    }

    fn compact(&mut self) {
        let last = self.points.len() - 1;
        let mut i = 0;
        self.points.retain(|_| {
            let keep = i == 0 || i == last || i % 2 == 0;
            i += 1;
            keep
        });
        self.min_gap = if self.min_gap > 0.0 {
            self.min_gap * 2.0
        } else {
            f64::MIN_POSITIVE
        };
    }

    /// The kept points, ending with the latest one.
    pub fn points(&self) -> impl Iterator<Item = Point> + '_ {
        let tail = match (self.head, self.points.last()) {
            (Some(h), Some(l)) if h != *l => Some(h),
            (Some(h), None) => Some(h),
            _ => None,
        };
        self.points.iter().copied().chain(tail)
    }

    pub fn len(&self) -> usize {
        self.points().count()
    }

    pub fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Bytes held, for memory tests.
    pub fn heap_bytes(&self) -> usize {
        self.points.capacity() * std::mem::size_of::<Point>()
    }
}

/// A sampled curve `(step, value)`.
#[derive(Clone, Debug)]
pub struct Curve {
    samples: Vec<(f64, f64)>,
    /// The step of each kept sample: thinning goes by step, whatever the x values count.
    steps: Vec<u64>,
    head: Option<(f64, f64)>,
    stride: u64,
    capacity: usize,
}

impl Curve {
    pub fn new(capacity: usize) -> Curve {
        Curve {
            samples: Vec::new(),
            steps: Vec::new(),
            head: None,
            stride: 1,
            capacity: capacity.max(4),
        }
    }

    pub fn clear(&mut self) {
        self.samples.clear();
        self.steps.clear();
        self.head = None;
        self.stride = 1;
    }

    pub fn push(&mut self, step: u64, value: f64) {
        self.push_at(step, step as f64, value);
    }

    /// The value of step `step`, drawn at `x` (the evaluations made by then, say).
    pub fn push_at(&mut self, step: u64, x: f64, value: f64) {
        self.head = Some((x, value));
        if step.is_multiple_of(self.stride) {
            self.samples.push((x, value));
            self.steps.push(step);
            if self.samples.len() >= self.capacity {
                self.stride *= 2;
                let stride = self.stride;
                let mut keep = self.steps.iter().map(|s| s.is_multiple_of(stride));
                self.samples.retain(|_| keep.next().unwrap_or(false));
                self.steps.retain(|s| s.is_multiple_of(stride));
            }
        }
    }

    /// The kept samples, ending with the latest one.
    pub fn samples(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let tail = match (self.head, self.samples.last()) {
            (Some(h), Some(l)) if h.0 != l.0 => Some(h),
            (Some(h), None) => Some(h),
            _ => None,
        };
        self.samples.iter().copied().chain(tail)
    }

    pub fn heap_bytes(&self) -> usize {
        self.samples.capacity() * std::mem::size_of::<(f64, f64)>()
            + self.steps.capacity() * std::mem::size_of::<u64>()
    }
}

/// The most steps a [`TrailingMean`] averages.
pub const MAX_MEAN_WINDOW: usize = 1000;

/// The mean of a loss over its latest steps: after k values, the last ⌈k/10⌉ of them (at most
/// [`MAX_MEAN_WINDOW`]). On a chart with a linear step axis the window, and the lag any trailing
/// mean brings, stays a tenth of the way along: a fast early descent still shows where it
/// happened, while a racer hovering in noise reads as the level it hovers at.
#[derive(Clone, Debug, Default)]
pub struct TrailingMean {
    recent: VecDeque<f64>,
    sum: f64,
    seen: u64,
    /// Values pushed since `sum` was last added up afresh.
    since_exact: usize,
}

impl TrailingMean {
    pub fn clear(&mut self) {
        *self = TrailingMean::default();
    }

    /// Takes the next value; returns the mean of the window that ends with it.
    pub fn push(&mut self, value: f64) -> f64 {
        self.seen += 1;
        let window = self.seen.div_ceil(10).min(MAX_MEAN_WINDOW as u64) as usize;
        self.recent.push_back(value);
        self.sum += value;
        while self.recent.len() > window {
            self.sum -= self.recent.pop_front().expect("not empty");
        }
        // A running sum keeps the rounding of values long gone (a loss of 100 at the start, 1e-6
        // later): add it up afresh once per window, so that error never outlives two windows.
        self.since_exact += 1;
        if self.since_exact >= self.recent.len() {
            self.sum = self.recent.iter().sum();
            self.since_exact = 0;
        }
        self.sum / self.recent.len() as f64
    }

    /// The mean of the current window; None before the first value.
    pub fn value(&self) -> Option<f64> {
        (!self.recent.is_empty()).then(|| self.sum / self.recent.len() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_keeps_everything_below_capacity_and_always_the_ends() {
        let mut p = Path::new(0.0, 100);
        for i in 0..50 {
            p.push([i as f64, 0.0]);
        }
        assert_eq!(p.len(), 50);
        let mut p = Path::new(0.0, 64);
        for i in 0..10_000 {
            p.push([i as f64, crate::math::sin(i as f64)]);
        }
        let pts: Vec<_> = p.points().collect();
        assert!(pts.len() < 64);
        assert_eq!(pts[0], [0.0, 0.0]);
        assert_eq!(*pts.last().unwrap(), [9999.0, crate::math::sin(9999.0)]);
    }

    #[test]
    fn a_converged_path_stops_growing_but_its_head_is_current() {
        let mut p = Path::new(1e-3, 1000);
        p.push([0.0, 0.0]);
        for i in 0..100_000 {
            p.push([1.0 + 1e-9 * i as f64, 0.0]);
        }
        assert_eq!(p.points.len(), 2);
        assert_eq!(p.points().last().unwrap(), [1.0 + 1e-9 * 99_999.0, 0.0]);
    }

    #[test]
    fn a_curve_is_bounded_and_ends_at_the_latest_sample() {
        let mut c = Curve::new(128);
        for s in 0..1_000_000u64 {
            c.push(s, s as f64);
        }
        let v: Vec<_> = c.samples().collect();
        assert!(v.len() <= 129, "{}", v.len());
        assert_eq!(v[0], (0.0, 0.0));
        assert_eq!(*v.last().unwrap(), (999_999.0, 999_999.0));
        assert!(v.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn a_trailing_mean_averages_the_last_tenth() {
        let mut m = TrailingMean::default();
        let values: Vec<f64> = (0..30_000)
            .map(|k| ((k * 7919) % 101) as f64 + if k < 50 { 1e6 } else { 0.0 })
            .collect();
        for (k, &v) in values.iter().enumerate() {
            let mean = m.push(v);
            let n = k + 1;
            let window = n.div_ceil(10).min(MAX_MEAN_WINDOW);
            let exact = values[n - window..n].iter().sum::<f64>() / window as f64;
            assert!(
                (mean - exact).abs() <= 1e-12 * exact.abs().max(1.0),
                "after {n}: {mean} against {exact}"
            );
        }
        assert_eq!(m.recent.len(), MAX_MEAN_WINDOW);
        // Huge values long gone leave nothing behind in the sum.
        let mut m = TrailingMean::default();
        for _ in 0..100 {
            m.push(1e20);
        }
        let mut last = 0.0;
        for _ in 0..2000 {
            last = m.push(1e-9);
        }
        assert!((last - 1e-9).abs() < 1e-21, "{last}");
        assert_eq!(m.value(), Some(last));
        m.clear();
        assert_eq!(m.value(), None);
        assert_eq!(m.push(3.0), 3.0);
    }
}
