//! A formula typed by the user: any f(x, y) of [`super::expr`]'s grammar, with exact derivatives
//! from automatic differentiation.
//!
//! The default is the three-hump camel, 2x^2 - 1.05x^4 + x^6/6 + xy + y^2: global minimum f = 0
//! at (0, 0), two local minima beside it. View [-2, 2]^2; start (1.9, 1.9), from where some
//! optimizers cross the hump to the global minimum and others settle in a local one. The minima
//! marked are those Newton's method finds from a grid of starts over the view.

use super::expr::{Formula, MAX_CHARS};
use super::{minima, newton_step, refine, Built, Landscape, LandscapeInfo, Mark, Matrix, Point, View};
use crate::schema::Param;

pub static INFO: LandscapeInfo = LandscapeInfo {
    name: "custom",
    title: "Your formula",
    formula: "any f(x, y) you type",
    params: &[Param::text(
        "f",
        "2x^2 - 1.05x^4 + x^6/6 + x y + y^2",
        MAX_CHARS,
        |text| Formula::parse(text).map(drop),
        "f(x, y) with + - * / ^, parentheses, pi, e and sin cos tan exp log (ln) log10 sqrt sinh cosh tanh atan abs; 2x means 2*x",
    )
        .tip("the function of x and y to optimize, typed as you would write it")],
    build: |h| {
        let f = Custom(Formula::parse(h.text("f")).unwrap_or_else(|e| unreachable!("checked when the spec was read: {e}")));
        let view = View::new(-2.0, 2.0, -2.0, 2.0);
        let marks = found_minima(&f, view);
        Built { f: Box::new(f), view, start: [1.9, 1.9], marks }
    },
};

/// Starts per side of the grid [`found_minima`] searches from.
const GRID: usize = 9;
/// Most minima marked: the lowest ones.
const MOST_MARKS: usize = 12;

/// The minima inside `view` that Newton's method reaches from a grid of starts: points where the
/// gradient vanishes (to the tolerance of the landscapes' tests), Newton's step too, and the
/// Hessian is positive definite, each once; the lowest are global.
fn found_minima(f: &Custom, view: View) -> Vec<Mark> {
    let (w, h) = (view.x[1] - view.x[0], view.y[1] - view.y[0]);
    let inside = |p: Point| view.x[0] <= p[0] && p[0] <= view.x[1] && view.y[0] <= p[1] && p[1] <= view.y[1];
    let mut found: Vec<(f64, Point)> = Vec::new();
    for i in 0..GRID {
        for j in 0..GRID {
            let guess = [view.x[0] + w * (i as f64 + 0.5) / GRID as f64, view.y[0] + h * (j as f64 + 0.5) / GRID as f64];
            let Some(p) = newton(&f.0, guess, view) else { continue };
            // Polished before they are compared: starts converge to a flat bottom slowly, from
            // different sides.
            let p = refine(f, p);
            if inside(p) && !found.iter().any(|(_, q)| (q[0] - p[0]).abs() <= 1e-6 * w && (q[1] - p[1]).abs() <= 1e-6 * h) {
                found.push((f.0.value(p), p));
            }
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0));
    found.truncate(MOST_MARKS);
    minima(f, &found.iter().map(|&(_, p)| p).collect::<Vec<_>>())
}

/// Newton's method from `guess` (as [`super::refine`], one derivative pass per step): near the
/// minimum it converges to, or None when it leaves the neighbourhood of `view`, meets a
/// non-finite value, does not settle in 50 steps or ends where the Hessian is not positive
/// definite.
fn newton(f: &Formula, guess: Point, view: View) -> Option<Point> {
    let (w, h) = (view.x[1] - view.x[0], view.y[1] - view.y[0]);
    let near = |p: Point| (p[0] - view.x[0]).abs().max((p[0] - view.x[1]).abs()) <= 2.0 * w && (p[1] - view.y[0]).abs().max((p[1] - view.y[1]).abs()) <= 2.0 * h;
    let mut p = guess;
    for _ in 0..50 {
        let (value, g, hessian) = f.derivatives(p);
        let step = newton_step(g, hessian).filter(|_| value.is_finite() && near(p))?;
        let [[a, b], [c, d]] = hessian;
        let scale = a.abs().max(d.abs()).max(b.abs()).max(1.0) * (1.0 + p[0].abs().max(p[1].abs()));
        // Converged when the gradient vanishes and the step is short too: where a flank
        // flattens out (exp(50 x) far left) the gradient is 1e-40, but each step is still 1/50
        // long (1/a on exp(a x), and a < 400 where exp(a x) is still a double there). On a flat
        // bottom (x^6) Newton only converges linearly: [`super::refine`] finishes the job.
        let still = step[0].abs() <= 1e-4 * w && step[1].abs() <= 1e-4 * h;
        if g[0].abs().max(g[1].abs()) <= 1e-10 * scale && still {
            return (a > 0.0 && a * d - b * c > 0.0).then_some(p);
        }
        p = [p[0] - step[0], p[1] - step[1]];
    }
    None
}

pub struct Custom(pub Formula);

impl Landscape for Custom {
    fn value(&self, p: Point) -> f64 {
        self.0.value(p)
    }
    fn gradient(&self, p: Point) -> Point {
        self.0.derivatives(p).1
    }
    fn hessian(&self, p: Point) -> Matrix {
        self.0.derivatives(p).2
    }
    fn values_along_x(&self, xs: &[f64], y: f64, out: &mut Vec<f64>) {
        self.0.values_along_x(xs, y, out);
    }
}
