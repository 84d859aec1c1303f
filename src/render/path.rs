//! Polylines in device pixels: thinning, simplification and clipping before they reach a
//! backend. Nothing here lets a non-finite number through.

use super::layout::backend_coord;

/// An axis-aligned rectangle `[x0, y0, x1, y1]` in device pixels, x0 <= x1, y0 <= y1.
pub type Bounds = [f64; 4];

/// Keeps the first finite point, then every point at least `min_dist` from the last kept one,
/// and always the last finite point. Non-finite points are dropped.
pub fn thin(points: impl IntoIterator<Item = [f64; 2]>, min_dist: f64) -> Vec<[f64; 2]> {
    let d2 = min_dist * min_dist;
    let mut out: Vec<[f64; 2]> = Vec::new();
    let mut pending: Option<[f64; 2]> = None;
    for p in points.into_iter().filter(|p| p[0].is_finite() && p[1].is_finite()) {
        match out.last() {
            Some(q) if (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) < d2 => pending = Some(p),
            _ => {
                out.push(p);
                pending = None;
            }
        }
    }
    if let Some(p) = pending {
        out.push(p);
    }
    out
}

/// Douglas–Peucker: drops points within `tolerance` of the chord that replaces them.
pub fn simplify(points: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0, points.len() - 1)];
    let t2 = tolerance * tolerance;
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (p, q) = (points[a], points[b]);
        let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
        let len2 = dx * dx + dy * dy;
        let (mut worst, mut at) = (-1.0, a);
        for (k, r) in points.iter().enumerate().take(b).skip(a + 1) {
            let (rx, ry) = (r[0] - p[0], r[1] - p[1]);
            let d2 = if len2 > 0.0 {
                let cross = dx * ry - dy * rx;
                cross * cross / len2
            } else {
                rx * rx + ry * ry
            };
            if d2 > worst {
                worst = d2;
                at = k;
            }
        }
        if worst > t2 {
            keep[at] = true;
            stack.push((a, at));
            stack.push((at, b));
        }
    }
    points.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// The parts of a polyline inside `bounds` (Liang–Barsky on every segment). A lone point
/// inside gives a one-point part.
pub fn clip(points: &[[f64; 2]], bounds: Bounds) -> Vec<Vec<[f64; 2]>> {
    let inside = |p: [f64; 2]| p[0] >= bounds[0] && p[0] <= bounds[2] && p[1] >= bounds[1] && p[1] <= bounds[3];
    let mut parts: Vec<Vec<[f64; 2]>> = Vec::new();
    if points.len() == 1 {
        if inside(points[0]) {
            parts.push(vec![points[0]]);
        }
        return parts;
    }
    let mut current: Vec<[f64; 2]> = Vec::new();
    for w in points.windows(2) {
        match clip_segment(w[0], w[1], bounds) {
            Some((a, b)) => {
                if current.last() != Some(&a) {
                    if !current.is_empty() {
                        parts.push(std::mem::take(&mut current));
                    }
                    current.push(a);
                }
                current.push(b);
                if b != w[1] {
                    parts.push(std::mem::take(&mut current));
                }
            }
            None => {
                if !current.is_empty() {
                    parts.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

fn clip_segment(p: [f64; 2], q: [f64; 2], b: Bounds) -> Option<([f64; 2], [f64; 2])> {
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (den, num) in [(-dx, p[0] - b[0]), (dx, b[2] - p[0]), (-dy, p[1] - b[1]), (dy, b[3] - p[1])] {
        if den == 0.0 {
            if num < 0.0 {
                return None;
            }
        } else {
            let t = num / den;
            if den < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    // NaN (from a NaN corner) fails the comparison too.
    if t0 > t1 || t0.is_nan() || t1.is_nan() {
        return None;
    }
    let at = |t: f64| if t == 0.0 { p } else if t == 1.0 { q } else { [p[0] + t * dx, p[1] + t * dy] };
    Some((at(t0), at(t1)))
}

/// Whole device pixels for plotters, consecutive duplicates removed.
pub fn to_backend(points: &[[f64; 2]]) -> Vec<(i32, i32)> {
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(points.len());
    for &p in points {
        if let Some(c) = backend_coord(p) {
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
    }
    out
}

/// Removes the stair steps that rounding a finely sampled line to whole pixels leaves: a point
/// goes when it lies within `tol` pixels of the chord from the last kept point to the next
/// one, and that chord is at most 6 px long (so that a slow curve never drifts). O(n); the
/// first and last points stay.
pub fn straighten(points: &[(i32, i32)], tol: f64) -> Vec<(i32, i32)> {
    if points.len() < 3 {
        return points.to_vec();
    }
    let mut out = Vec::with_capacity(points.len());
    out.push(points[0]);
    for k in 1..points.len() - 1 {
        let a = *out.last().expect("the first point is kept");
        let (b, c) = (points[k], points[k + 1]);
        let (dx, dy) = ((c.0 - a.0) as f64, (c.1 - a.1) as f64);
        let len2 = dx * dx + dy * dy;
        let (bx, by) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
        let cross = dx * by - dy * bx;
        // Within the chord's span, too: a point past either end is a turn, not a step.
        let along = dx * bx + dy * by;
        let on_chord = len2 > 0.0 && len2 <= 36.0 && cross * cross <= tol * tol * len2 && along >= 0.0 && along <= len2;
        if !on_chord {
            out.push(b);
        }
    }
    out.push(points[points.len() - 1]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thin_keeps_ends_and_drops_crowds_and_nan() {
        let pts = [[0.0, 0.0], [0.1, 0.0], [f64::NAN, 1.0], [0.2, 0.1], [5.0, 5.0], [5.1, 5.0], [5.2, 5.0]];
        assert_eq!(thin(pts, 0.5), vec![[0.0, 0.0], [5.0, 5.0], [5.2, 5.0]]);
        assert_eq!(thin([[1.0, 1.0]; 1000], 0.5), vec![[1.0, 1.0], [1.0, 1.0]]);
        assert!(thin([[f64::INFINITY, 0.0]], 0.5).is_empty());
        assert_eq!(thin([[1.0, 2.0]], 0.5), vec![[1.0, 2.0]]);
    }

    #[test]
    fn simplify_drops_collinear_points() {
        let line: Vec<[f64; 2]> = (0..100).map(|i| [i as f64, 2.0 * i as f64]).collect();
        assert_eq!(simplify(&line, 0.1), vec![[0.0, 0.0], [99.0, 198.0]]);
        let corner = [[0.0, 0.0], [5.0, 0.0], [10.0, 0.0], [10.0, 5.0]];
        assert_eq!(simplify(&corner, 0.1), vec![[0.0, 0.0], [10.0, 0.0], [10.0, 5.0]]);
        let ring = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]];
        assert_eq!(simplify(&ring, 0.1).len(), 4);
    }

    #[test]
    fn clip_cuts_at_the_bounds() {
        let b = [0.0, 0.0, 10.0, 10.0];
        let parts = clip(&[[-5.0, 5.0], [5.0, 5.0], [15.0, 5.0]], b);
        assert_eq!(parts, vec![vec![[0.0, 5.0], [5.0, 5.0], [10.0, 5.0]]]);
        // Out and back in: two parts.
        let parts = clip(&[[5.0, 5.0], [5.0, 20.0], [6.0, 20.0], [6.0, 5.0]], b);
        assert_eq!(parts, vec![vec![[5.0, 5.0], [5.0, 10.0]], vec![[6.0, 10.0], [6.0, 5.0]]]);
        // Entirely outside, and far away.
        assert!(clip(&[[20.0, 20.0], [30.0, 20.0]], b).is_empty());
        let parts = clip(&[[5.0, 5.0], [1e15, 5.0]], b);
        assert_eq!(parts, vec![vec![[5.0, 5.0], [10.0, 5.0]]]);
        assert_eq!(clip(&[[3.0, 3.0]], b), vec![vec![[3.0, 3.0]]]);
        assert!(clip(&[[-3.0, 3.0]], b).is_empty());
    }

    #[test]
    fn straighten_removes_stairs_but_keeps_turns() {
        let stairs = [(0, 0), (1, 0), (2, 1), (3, 1), (4, 2)];
        assert_eq!(straighten(&stairs, 0.5), vec![(0, 0), (4, 2)]);
        let zigzag = [(0, 0), (2, 3), (4, 0), (6, 3)];
        assert_eq!(straighten(&zigzag, 0.5), zigzag.to_vec());
        let back = [(0, 0), (3, 0), (1, 0)];
        assert_eq!(straighten(&back, 0.5), back.to_vec());
        // A long gentle arc keeps points every few pixels.
        let arc: Vec<(i32, i32)> = (0..100).map(|x| (x, (x * x) / 100)).collect();
        assert!(straighten(&arc, 0.5).len() > 100 / 7);
    }

    #[test]
    fn backend_points_are_whole_and_distinct() {
        assert_eq!(to_backend(&[[0.4, 0.4], [0.1, 0.2], [1.6, 0.0], [f64::NAN, 0.0]]), vec![(0, 0), (2, 0)]);
    }
}
