//! A racer's path on the 3-D surface for a depth-tested (GPU) view, kept up to date as the
//! race grows it: each point lifted as [`Surface::lift`] lifts it for `plot --3d`, and each
//! segment cut where it crosses cells, its height interpolated between its ends' and raised
//! onto the drawn surface wherever it would pass under it. `plot --3d` draws a segment over
//! the cells it crosses (painter's order); a depth test would hide the part of a straight
//! segment that dips under a ridge between two iterates.
//!
//! Vertices are in the box's unit coordinates `(x, up, y)`, as [`super::surface::Mesh`]'s; a
//! NaN vertex marks where the path leaves the view or stops being finite (a gap).

use super::surface::Surface;
use crate::landscape::{Objective, Point};

/// One racer's path as last lifted: its points, their losses, and its vertices.
#[derive(Clone, Debug, Default)]
pub struct LiftedPath {
    points: Vec<Point>,
    losses: Vec<f64>,
    /// How many vertices there were once each point was lifted.
    ends: Vec<usize>,
    vertices: Vec<[f32; 3]>,
}

/// A gap between two runs of a path.
pub const GAP: [f32; 3] = [f32::NAN; 3];

impl LiftedPath {
    pub fn clear(&mut self) {
        self.points.clear();
        self.losses.clear();
        self.ends.clear();
        self.vertices.clear();
    }

    /// Every vertex.
    pub fn vertices(&self) -> &[[f32; 3]] {
        &self.vertices
    }

    /// Brings the path to `points` (the trail as it is now) on `s`, evaluating `objective` at
    /// the points not seen before; returns how many vertices were kept (the rest, from there
    /// on, are new). A trail only grows between two frames, but its head moves and a thinned
    /// or restarted trail changes: whatever follows the common prefix is lifted again.
    pub fn update(
        &mut self,
        s: &Surface,
        objective: &Objective,
        points: impl Iterator<Item = Point>,
    ) -> usize {
        let mut kept = 0;
        let mut fresh = Vec::new();
        for p in points {
            if fresh.is_empty() && kept < self.points.len() && self.points[kept] == p {
                kept += 1;
            } else {
                fresh.push(p);
            }
        }
        if kept == self.points.len() && fresh.is_empty() {
            return self.vertices.len();
        }
        self.points.truncate(kept);
        self.losses.truncate(kept);
        self.ends.truncate(kept);
        let keep = self.ends.last().copied().unwrap_or(0);
        self.vertices.truncate(keep);
        for p in fresh {
            let loss = objective.value(p);
            self.push(s, p, loss);
        }
        keep
    }

    fn push(&mut self, s: &Surface, p: Point, loss: f64) {
        let here = s.lift(p, loss);
        let before = match (self.points.last(), self.losses.last()) {
            (Some(&q), Some(&l)) => s.lift(q, l).map(|_| (q, l)),
            _ => None,
        };
        match (before, here) {
            (_, None) => {
                if self.vertices.last().is_some_and(|v| !v[0].is_nan()) {
                    self.vertices.push(GAP);
                }
            }
            (None, Some(q)) => self.vertices.push(unit(s, q)),
            (Some((a, la)), Some(_)) => segment(s, a, la, p, loss, &mut self.vertices),
        }
        self.points.push(p);
        self.losses.push(loss);
        self.ends.push(self.vertices.len());
    }
}

fn unit(s: &Surface, q: (f64, f64, f64)) -> [f32; 3] {
    s.unit(q).map(|c| c as f32)
}

/// The segment from `a` (loss `la`) to `b` (loss `lb`), both lifted, without `a`'s vertex:
/// cut every half cell, its height interpolated between its ends' and never under the drawn
/// surface. Its last vertex is `b` exactly as [`Surface::lift`] lifts it.
fn segment(s: &Surface, a: Point, la: f64, b: Point, lb: f64, out: &mut Vec<[f32; 3]>) {
    let n = s.n;
    let cell = (s.view.x[1] - s.view.x[0]).min(s.view.y[1] - s.view.y[0]) / (n - 1) as f64 / 2.0;
    let pieces = ((b[0] - a[0]).hypot(b[1] - a[1]) / cell).ceil();
    let pieces = if pieces.is_finite() {
        (pieces as usize).clamp(1, 4 * n)
    } else {
        1
    };
    let (za, zb) = (s.height.of(la), s.height.of(lb));
    for q in 1..=pieces {
        let t = q as f64 / pieces as f64;
        let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        let z = za + t * (zb - za);
        let drawn = s.drawn_height(p);
        let z = if drawn.is_finite() { z.max(drawn) } else { z };
        out.push(unit(s, (p[0], z.clamp(s.z[0], s.z[1]), p[1])));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::{find, View};
    use crate::schema::Hyper;

    fn rosenbrock() -> (Objective, Surface) {
        let info = find("rosenbrock").unwrap();
        let objective = Objective::new((info.build)(&Hyper::defaults(info.params)).f, 1.0);
        let s = Surface::sample(&objective, View::new(-2.0, 2.0, -1.0, 3.0), &[], 40);
        (objective, s)
    }

    fn zigzag(k: usize) -> Vec<Point> {
        (0..k)
            .map(|i| {
                let t = i as f64 / 10.0;
                [-1.8 + 0.1 * t, if i % 2 == 0 { 2.5 } else { -0.5 }]
            })
            .collect()
    }

    #[test]
    fn a_grown_path_is_the_path_lifted_at_once() {
        let (objective, s) = rosenbrock();
        let points = zigzag(30);
        let mut grown = LiftedPath::default();
        for k in 1..=points.len() {
            let keep = grown.update(&s, &objective, points[..k].iter().copied());
            assert!(keep <= grown.vertices().len());
        }
        let mut once = LiftedPath::default();
        assert_eq!(once.update(&s, &objective, points.iter().copied()), 0);
        assert_eq!(grown.vertices(), once.vertices());
        // Unchanged: everything kept; a moved head: all but its own vertices kept.
        let n = once.vertices().len();
        assert_eq!(once.update(&s, &objective, points.iter().copied()), n);
        let mut moved = points.clone();
        *moved.last_mut().unwrap() = [0.5, 0.5];
        let keep = once.update(&s, &objective, moved.iter().copied());
        assert!(keep < n && keep > 0);
    }

    #[test]
    fn every_point_is_lifted_as_plot_3d_lifts_it_and_no_vertex_is_under_the_surface() {
        let (objective, s) = rosenbrock();
        let points = zigzag(20);
        let mut path = LiftedPath::default();
        path.update(&s, &objective, points.iter().copied());
        // Across the valley the segments are cut: more vertices than points.
        assert!(path.vertices().len() > 3 * points.len());
        for (k, &p) in points.iter().enumerate() {
            let q = s.lift(p, objective.value(p)).unwrap();
            let want = s.unit(q).map(|c| c as f32);
            assert_eq!(path.vertices()[path.ends[k] - 1], want);
        }
        for v in path.vertices() {
            let p = [
                s.view.x[0] + v[0] as f64 * (s.view.x[1] - s.view.x[0]),
                s.view.y[0] + v[2] as f64 * (s.view.y[1] - s.view.y[0]),
            ];
            let floor = s.unit((p[0], s.drawn_height(p), p[1]))[1];
            assert!(v[1] as f64 >= floor - 1e-5, "{v:?} under {floor}");
        }
    }

    #[test]
    fn a_path_leaving_the_view_has_a_gap() {
        let (objective, s) = rosenbrock();
        let points = [[0.0, 0.0], [0.5, 0.5], [5.0, 5.0], [6.0, 6.0], [1.0, 1.0]];
        let mut path = LiftedPath::default();
        path.update(&s, &objective, points.iter().copied());
        let gaps = path.vertices().iter().filter(|v| v[0].is_nan()).count();
        assert_eq!(gaps, 1);
        assert!(!path.vertices().last().unwrap()[0].is_nan());
    }
}
