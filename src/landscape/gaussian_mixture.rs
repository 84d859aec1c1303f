//! Seed 004's mixture of Gaussians, negated so that its modes are minima.
//!
//! f(p) = -sum_k 0.25 N(p; mu_k, S), S = [[1, 0.5], [0.5, 1]],
//! mu = (-2, -2), (2, 2), (-2, 2), (2, -2); N(p; mu, S) = exp(-d'S^-1 d / 2) / (2 pi sqrt(det S)),
//! d = p - mu. Gradient sum_k 0.25 N_k S^-1 d_k; Hessian sum_k 0.25 N_k (S^-1 - S^-1 d_k d_k' S^-1).
//! The correlation makes the modes along the diagonal deep (global minima near (2, 2) and
//! (-2, -2)) and the two off it shallow (local minima near (-2, 2) and (2, -2)); all four are
//! polished at build. View [-4, 4]^2; start (-1, 3.5), between a shallow and a deep basin.
//! Written by hand.

use super::{minima, Built, Landscape, LandscapeInfo, Matrix, Point, View};
use crate::math::exp;
use std::f64::consts::PI;

const MEANS: [Point; 4] = [[-2.0, -2.0], [2.0, 2.0], [-2.0, 2.0], [2.0, -2.0]];
const WEIGHT: f64 = 0.25;
/// S^-1 for S = [[1, 0.5], [0.5, 1]], det S = 0.75.
const INV: Matrix = [[1.0 / 0.75, -0.5 / 0.75], [-0.5 / 0.75, 1.0 / 0.75]];

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "gaussian_mixture",
    title: "Gaussian mixture",
    formula: "-sum_k 0.25 N(p; mu_k, [[1, .5], [.5, 1]]), mu = (+-2, +-2)",
    params: &[],
    build: |_| Built {
        f: Box::new(GaussianMixture),
        view: View::new(-4.0, 4.0, -4.0, 4.0),
        start: [-1.0, 3.5],
        marks: minima(&GaussianMixture, &MEANS),
    },
};

pub struct GaussianMixture;

/// For each component: its weighted density w N_k and S^-1 d_k.
fn components(p: Point) -> impl Iterator<Item = (f64, Point)> {
    let norm = 1.0 / (2.0 * PI * 0.75f64.sqrt());
    MEANS.iter().map(move |mu| {
        let d = [p[0] - mu[0], p[1] - mu[1]];
        let sd = [
            INV[0][0] * d[0] + INV[0][1] * d[1],
            INV[1][0] * d[0] + INV[1][1] * d[1],
        ];
        let q = d[0] * sd[0] + d[1] * sd[1];
        (WEIGHT * norm * exp(-0.5 * q), sd)
    })
}

impl Landscape for GaussianMixture {
    fn value(&self, p: Point) -> f64 {
        -components(p).map(|(wn, _)| wn).sum::<f64>()
    }
    fn gradient(&self, p: Point) -> Point {
        components(p).fold([0.0, 0.0], |g, (wn, sd)| {
            [g[0] + wn * sd[0], g[1] + wn * sd[1]]
        })
    }
    fn hessian(&self, p: Point) -> Matrix {
        components(p).fold([[0.0; 2]; 2], |mut h, (wn, sd)| {
            for i in 0..2 {
                for j in 0..2 {
                    h[i][j] += wn * (INV[i][j] - sd[i] * sd[j]);
                }
            }
            h
        })
    }
}
