//! A real classifier with two weights: logistic regression telling the handwritten 1s from the 4s.
//!
//! Data: the 8x8 digits ([`crate::classify::digits`]), the 180 images of a 1 (91) or a 4 (89)
//! among the first 898, the training half. Two features per image, from its mean pixel values
//! (0..=16) over the central 2x2 block (c2), the central 4x4 block (c4) and the whole image (m):
//!
//!   u = (c4 - m) / 2,  v = (c2 - m) / 2,   i.e. u = (4 S16 - S64) / 128, v = (16 S4 - S64) / 128
//!
//! with S4, S16, S64 the integer ink sums of those blocks, so every feature is exact in f64. With
//! labels t = +1 for a 4 and -1 for a 1, input scale s (`input_scale`, default 1) and weights
//! (x, y) = (w_u, w_v), no bias:
//!
//!   f(x, y) = mean_i softplus(-t_i s (x u_i + y v_i)),   softplus(m) = log(1 + e^m),
//!
//! the mean binary cross-entropy of sigmoid(s (x u + y v)) predicting "4". With a_i = -t_i s (u_i,
//! v_i) and m_i = a_i . (x, y): gradient mean_i sigmoid(m_i) a_i, Hessian mean_i sigmoid(m_i)
//! sigmoid(-m_i) a_i a_i'. softplus and sigmoid are evaluated in their stable forms (max(m, 0) +
//! log1p(e^-|m|), and from e^-|m|), so any weights give finite values. Written by hand.
//!
//! The two features are strongly correlated (both measure ink at the centre), so the loss is a long
//! diagonal valley (condition number 93 at the minimum): plain gradient descent zigzags across it
//! and crawls along it. Neither class is linearly separable from the other through the origin,
//! so the minimum is finite: f = 0.325236609355854 at (2.26132722907241, -1.78505622411647)
//! (Newton's method in 60-digit decimal arithmetic; polished at build and checked by a test),
//! where the classifier gets 153 of the 180 training images (85.0 %) and 150 of the 183 test ones
//! (82.0 %) right. At (0, 0) f = log 2. `input_scale` multiplies the features: the minimum moves to
//! (2.26, -1.79) / s and the curvature grows as s^2, so gradient descent with a fixed learning rate
//! diverges for large s and stalls for small s, while Adam's steps keep their size. It is a
//! different knob from the objective's `scale`, which multiplies f itself.
//!
//! View [-3, 5] x [-5, 3] (it does not follow `input_scale`: the landscape visibly stretches);
//! start (-1, 1), on the valley's wall.

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use crate::math;
use crate::schema::{Param, Range, Spacing, Slider};

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "digits2d",
    title: "Digits 1 vs 4 (logistic regression)",
    formula: "mean_i log(1 + exp(-t_i s (x u_i + y v_i))): 1s (t = -1) vs 4s (t = +1) of the 8x8 digits, u, v = central ink",
    params: &[Param::number(
        "input_scale",
        1.0,
        Range::closed(1e-2, 1e2),
        Slider { min: 1e-2, max: 1e2, spacing: Spacing::Log },
        "multiplies the two input features: the minimum moves to w*/s and the curvature grows as s^2",
    )
        .tip("multiplies the two input features: the bowl's curvature grows as its square")],
    build: |h| {
        let f = Digits2d::new(h.num("input_scale"));
        let guess = [MINIMUM[0] / f.input_scale, MINIMUM[1] / f.input_scale];
        let marks = minima(&f, &[guess]);
        Built { f: Box::new(f), view: View::new(-3.0, 5.0, -5.0, 3.0), start: [-1.0, 1.0], marks }
    },
};

/// The minimum at `input_scale` 1, to the digits shown (see the header).
pub const MINIMUM: Point = [2.261_327_229_072_409_7, -1.785_056_224_116_471];

/// Per training image of a 1 or a 4, in data order: the ink sums of the central 2x2 block, the
/// central 4x4 block and the whole image, and the digit. Computed from `www/data/digits.bin`;
/// the test below recomputes it from the data, so the landscape needs no data at run time (the
/// page draws it before, and without, fetching the digits).
pub const SAMPLES: [(u16, u16, u16, u8); 180] = [
    (64, 164, 313, 1), (25, 155, 258, 4), (62, 183, 319, 1), (35, 197, 348, 4), (58, 183, 338, 1),
    (30, 170, 259, 4), (37, 198, 340, 4), (52, 157, 268, 1), (46, 146, 266, 1), (52, 173, 297, 1),
    (27, 180, 341, 4), (43, 150, 259, 4), (46, 150, 264, 1), (56, 180, 316, 1), (60, 157, 271, 1),
    (53, 171, 324, 4), (56, 165, 271, 1), (62, 164, 304, 1), (38, 179, 290, 4), (58, 166, 309, 1),
    (24, 171, 269, 4), (54, 167, 262, 1), (34, 132, 265, 4), (31, 147, 258, 4), (57, 194, 337, 4),
    (30, 177, 308, 4), (26, 152, 299, 1), (63, 186, 307, 4), (51, 185, 311, 1), (60, 181, 293, 4),
    (40, 160, 268, 1), (58, 202, 328, 4), (63, 205, 336, 4), (55, 184, 369, 1), (41, 170, 314, 1),
    (59, 207, 339, 1), (37, 169, 257, 4), (59, 173, 296, 4), (60, 185, 299, 1), (56, 200, 345, 1),
    (58, 175, 282, 1), (47, 176, 297, 1), (64, 211, 395, 1), (64, 207, 340, 4), (62, 195, 329, 1),
    (64, 204, 330, 4), (64, 223, 404, 1), (62, 192, 325, 4), (64, 202, 325, 4), (61, 207, 336, 4),
    (63, 198, 328, 4), (62, 162, 323, 1), (37, 157, 262, 4), (61, 165, 267, 1), (51, 191, 343, 4),
    (64, 196, 356, 1), (27, 145, 261, 4), (13, 149, 263, 4), (64, 177, 335, 1), (64, 177, 326, 1),
    (64, 202, 326, 1), (29, 169, 323, 4), (20, 152, 301, 4), (61, 165, 306, 1), (61, 147, 272, 1),
    (61, 157, 280, 1), (43, 183, 329, 4), (61, 165, 306, 1), (62, 149, 292, 1), (19, 170, 337, 4),
    (55, 144, 279, 1), (42, 180, 342, 4), (57, 174, 362, 1), (10, 145, 310, 4), (30, 147, 258, 4),
    (26, 165, 313, 4), (38, 182, 324, 4), (38, 172, 356, 1), (36, 178, 301, 4), (55, 189, 341, 1),
    (44, 185, 289, 4), (58, 211, 394, 1), (44, 200, 315, 4), (42, 184, 297, 4), (51, 185, 324, 1),
    (50, 163, 312, 1), (45, 104, 258, 1), (35, 184, 292, 4), (44, 180, 274, 4), (56, 186, 352, 1),
    (58, 167, 304, 1), (64, 188, 332, 1), (31, 177, 268, 4), (55, 158, 284, 1), (58, 191, 379, 1),
    (27, 179, 297, 4), (59, 189, 366, 1), (39, 184, 297, 4), (56, 208, 384, 1), (49, 193, 313, 4),
    (46, 182, 280, 4), (32, 179, 272, 4), (48, 185, 303, 4), (60, 124, 320, 1), (44, 185, 313, 4),
    (41, 87, 263, 1), (50, 178, 313, 4), (55, 118, 311, 1), (37, 176, 317, 4), (32, 159, 270, 4),
    (51, 130, 316, 1), (55, 147, 334, 1), (47, 124, 316, 1), (36, 184, 320, 4), (54, 195, 342, 4),
    (54, 142, 342, 1), (48, 114, 300, 1), (62, 151, 340, 1), (49, 192, 337, 4), (44, 111, 289, 1),
    (61, 124, 317, 1), (35, 184, 342, 4), (64, 206, 409, 1), (35, 182, 326, 4), (63, 144, 326, 1),
    (29, 170, 338, 4), (28, 168, 323, 4), (48, 177, 322, 4), (40, 179, 332, 4), (64, 181, 322, 1),
    (49, 185, 304, 4), (62, 194, 370, 1), (52, 204, 336, 4), (50, 167, 342, 1), (44, 203, 334, 4),
    (49, 190, 332, 4), (64, 210, 406, 1), (64, 204, 403, 1), (63, 165, 325, 1), (47, 175, 318, 4),
    (44, 197, 315, 4), (53, 175, 327, 1), (61, 160, 302, 1), (55, 180, 348, 1), (43, 202, 331, 4),
    (62, 193, 406, 1), (58, 193, 364, 1), (41, 196, 329, 4), (57, 180, 321, 1), (51, 171, 306, 4),
    (61, 184, 335, 1), (30, 162, 351, 4), (53, 177, 332, 4), (22, 172, 350, 4), (53, 175, 314, 4),
    (63, 134, 267, 1), (25, 138, 300, 4), (47, 126, 278, 1), (45, 185, 331, 4), (64, 159, 305, 1),
    (21, 157, 299, 4), (23, 177, 310, 4), (64, 226, 433, 1), (64, 190, 367, 1), (45, 113, 320, 1),
    (39, 203, 351, 4), (38, 174, 306, 4), (64, 192, 364, 1), (57, 175, 364, 1), (62, 174, 335, 1),
    (13, 171, 340, 4), (60, 153, 300, 1), (61, 156, 318, 1), (32, 162, 333, 4), (62, 154, 297, 1),
    (17, 120, 261, 4), (64, 187, 333, 1), (31, 167, 289, 4), (46, 184, 315, 4), (21, 149, 306, 4),
];

/// The logistic loss over [`SAMPLES`]; every feature pre-multiplied by `-t s`.
pub struct Digits2d {
    pub input_scale: f64,
    a: Vec<Point>,
}

impl Digits2d {
    pub fn new(input_scale: f64) -> Digits2d {
        let a = SAMPLES
            .iter()
            .map(|&(s4, s16, s64, digit)| {
                let (s4, s16, s64) = (s4 as f64, s16 as f64, s64 as f64);
                let (u, v) = ((4.0 * s16 - s64) / 128.0 * input_scale, (16.0 * s4 - s64) / 128.0 * input_scale);
                if digit == 4 {
                    [-u, -v]
                } else {
                    [u, v]
                }
            })
            .collect();
        Digits2d { input_scale, a }
    }

    /// For every image: a_i, m_i = a_i . p and e^-|m_i|.
    fn terms(&self, [x, y]: Point) -> impl Iterator<Item = (Point, f64, f64)> + '_ {
        self.a.iter().map(move |&a| {
            let m = x * a[0] + y * a[1];
            (a, m, math::exp(-m.abs()))
        })
    }
}

/// sigmoid(m) from e = e^-|m|: 1 / (1 + e^-m) without overflow.
fn sigmoid(m: f64, e: f64) -> f64 {
    if m >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

impl Landscape for Digits2d {
    fn value(&self, p: Point) -> f64 {
        // sum_i softplus(m_i) = sum_i max(m_i, 0) + log(prod_i (1 + e^-|m_i|)): one exp per image
        // and one log in all (the page evaluates this at every pixel). Each factor is in [1, 2],
        // so the product of the 180 stays below 2^180, far from overflow.
        let (mut linear, mut product) = (0.0, 1.0);
        for (_, m, e) in self.terms(p) {
            linear += m.max(0.0);
            product *= 1.0 + e;
        }
        (linear + math::ln(product)) / self.a.len() as f64
    }
    fn gradient(&self, p: Point) -> Point {
        let mut g = [0.0, 0.0];
        for (a, m, e) in self.terms(p) {
            let s = sigmoid(m, e);
            g = [g[0] + s * a[0], g[1] + s * a[1]];
        }
        let n = self.a.len() as f64;
        [g[0] / n, g[1] / n]
    }
    fn hessian(&self, p: Point) -> Matrix {
        let mut h = [0.0; 3];
        for (a, _, e) in self.terms(p) {
            // sigmoid(m) sigmoid(-m) = e / (1 + e)^2, symmetric in m.
            let q = e / ((1.0 + e) * (1.0 + e));
            h = [h[0] + q * a[0] * a[0], h[1] + q * a[0] * a[1], h[2] + q * a[1] * a[1]];
        }
        let n = self.a.len() as f64;
        let off = h[1] / n;
        [[h[0] / n, off], [off, h[2] / n]]
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::classify::digits::{Digits, FEATURES, TRAIN};
    use crate::landscape::refine;

    #[test]
    fn the_table_is_the_data() {
        let d = Digits::embedded();
        let sum = |img: &[f64], r: std::ops::Range<usize>| -> u16 {
            r.clone().flat_map(|i| r.clone().map(move |j| i * 8 + j)).map(|k| img[k] as u16).sum()
        };
        let from_data: Vec<(u16, u16, u16, u8)> = (0..TRAIN)
            .filter(|&i| matches!(d.labels[i], 1 | 4))
            .map(|i| {
                let img = d.image(i);
                assert_eq!(img.len(), FEATURES);
                (sum(img, 3..5), sum(img, 2..6), sum(img, 0..8), d.labels[i])
            })
            .collect();
        assert_eq!(from_data, SAMPLES.to_vec());
        assert_eq!(SAMPLES.iter().filter(|s| s.3 == 4).count(), 89);
    }

    #[test]
    fn the_minimum_is_the_stated_one() {
        let f = Digits2d::new(1.0);
        let p = refine(&f, [0.0, 0.0]);
        assert!((p[0] - MINIMUM[0]).abs() < 1e-13 && (p[1] - MINIMUM[1]).abs() < 1e-13, "{p:?}");
        assert!((f.value(p) - 0.325_236_609_355_854_4).abs() < 1e-15, "{}", f.value(p));
        let g = f.gradient(MINIMUM);
        assert!(g[0].abs() < 1e-15 && g[1].abs() < 1e-15, "{g:?}");
        // Condition number 93 there, as the header says.
        let [[a, b], [_, d]] = f.hessian(p);
        let (mean, det) = ((a + d) / 2.0, a * d - b * b);
        let root = (mean * mean - det).sqrt();
        assert!(((mean + root) / (mean - root) - 93.0).abs() < 0.5);
        assert!((f.value([0.0, 0.0]) - std::f64::consts::LN_2).abs() < 1e-15);
        // The stated accuracy: 153 of the 180 training images on the right side.
        let right = f.a.iter().filter(|a| a[0] * p[0] + a[1] * p[1] < 0.0).count();
        assert_eq!(right, 153);
    }

    #[test]
    fn input_scale_moves_the_minimum_to_w_over_s() {
        for s in [1e-2, 0.1, 3.0, 1e2] {
            let f = Digits2d::new(s);
            let p = refine(&f, [MINIMUM[0] / s, MINIMUM[1] / s]);
            assert!((p[0] * s - MINIMUM[0]).abs() < 1e-12 && (p[1] * s - MINIMUM[1]).abs() < 1e-12, "{s}: {p:?}");
            assert!((f.value(p) - 0.325_236_609_355_854_4).abs() < 1e-14);
        }
    }

    #[test]
    fn far_weights_give_finite_values() {
        let f = Digits2d::new(1e2);
        for p in [[1e12, -1e12], [-1e100, 1e100], [1e-300, 0.0]] {
            assert!(f.value(p).is_finite() && f.gradient(p).iter().all(|g| g.is_finite()), "{p:?}");
            assert!(f.hessian(p).iter().flatten().all(|h| h.is_finite()), "{p:?}");
        }
    }
}
