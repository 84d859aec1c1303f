//! Polylines in device pixels: thinning, simplification and clipping before they reach a
//! backend. Nothing here lets a non-finite number through.

use super::layout::backend_coord;
use super::scene::DrawResult;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::PathElement;
use plotters::prelude::DrawingBackend;
use plotters::style::ShapeStyle;

/// An axis-aligned rectangle `[x0, y0, x1, y1]` in device pixels, x0 <= x1, y0 <= y1.
pub type Bounds = [f64; 4];

/// Polylines in whole device pixels stroked in one style: what a canvas strokes as one path
/// (setting its style is what costs), a plotters backend as one path each.
#[derive(Clone, Debug)]
pub struct Strokes {
    pub style: ShapeStyle,
    /// Each of at least two points.
    pub lines: Vec<Vec<(i32, i32)>>,
}

impl Strokes {
    /// Each polyline as a plotters path on `area`.
    pub fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        for line in &self.lines {
            area.draw(&PathElement::new(line.clone(), self.style))?;
        }
        Ok(())
    }
}

/// Keeps the first finite point, then every point at least `min_dist` from the last kept one,
/// and always the last finite point. Non-finite points are dropped.
pub fn thin(points: impl IntoIterator<Item = [f64; 2]>, min_dist: f64) -> Vec<[f64; 2]> {
    let d2 = min_dist * min_dist;
    let mut out: Vec<[f64; 2]> = Vec::new();
    let mut pending: Option<[f64; 2]> = None;
    for p in points
        .into_iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
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
    points
        .iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(p, _)| *p)
        .collect()
}

/// The parts of a polyline inside `bounds` (Liang–Barsky on every segment). A lone point
/// inside gives a one-point part.
pub fn clip(points: &[[f64; 2]], bounds: Bounds) -> Vec<Vec<[f64; 2]>> {
    let inside = |p: [f64; 2]| {
        p[0] >= bounds[0] && p[0] <= bounds[2] && p[1] >= bounds[1] && p[1] <= bounds[3]
    };
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

/// The polyline without its segments that lie wholly outside `bounds` and reach far from it
/// (farther than the bounds' own width or height): a racer flung far away and back, or
/// bouncing between far points, would draw a line across the plot that no step of it took
/// there. What is left is split where segments were dropped.
pub fn drop_far(points: &[[f64; 2]], bounds: Bounds) -> Vec<Vec<[f64; 2]>> {
    let (w, h) = (bounds[2] - bounds[0], bounds[3] - bounds[1]);
    let outside =
        |p: [f64; 2]| p[0] < bounds[0] || p[0] > bounds[2] || p[1] < bounds[1] || p[1] > bounds[3];
    let far = |p: [f64; 2]| {
        p[0] < bounds[0] - w || p[0] > bounds[2] + w || p[1] < bounds[1] - h || p[1] > bounds[3] + h
    };
    let mut runs: Vec<Vec<[f64; 2]>> = Vec::new();
    let mut current: Vec<[f64; 2]> = Vec::new();
    for (k, &p) in points.iter().enumerate() {
        let dropped = k > 0 && {
            let q = points[k - 1];
            outside(p) && outside(q) && (far(p) || far(q))
        };
        if dropped && !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
        current.push(p);
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// The drawn pieces of a polyline with a dash `pattern` (on, off, on, off... lengths, in the
/// points' units) that starts `phase` into the pattern, and the phase where the line ends (the
/// next piece of the same line goes on from there).
pub fn dash(points: &[[f64; 2]], pattern: &[f64], phase: f64) -> (Vec<Vec<[f64; 2]>>, f64) {
    let period: f64 = pattern.iter().sum();
    if pattern.is_empty() || period.is_nan() || period <= 0.0 || points.len() < 2 {
        return (vec![points.to_vec()], phase);
    }
    // Where in the pattern the line starts: element k, `left` of it still to go.
    let mut at = phase.rem_euclid(period);
    let mut k = 0;
    while at >= pattern[k] {
        at -= pattern[k];
        k = (k + 1) % pattern.len();
    }
    let mut left = pattern[k] - at;
    let (mut pieces, mut current) = (Vec::new(), Vec::new());
    if k % 2 == 0 {
        current.push(points[0]);
    }
    let mut travelled = phase;
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = (b[0] - a[0]).hypot(b[1] - a[1]);
        let mut done = 0.0;
        while left <= len - done {
            done += left;
            let t = done / len;
            let p = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
            if k % 2 == 0 {
                current.push(p);
                pieces.push(std::mem::take(&mut current));
            } else {
                current.push(p);
            }
            k = (k + 1) % pattern.len();
            left = pattern[k];
        }
        left -= len - done;
        if k % 2 == 0 && current.last() != Some(&b) {
            current.push(b);
        }
        travelled += len;
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    (pieces, travelled)
}

/// The drawn pieces of a polyline dashed by its x coordinate: on where `x` falls in an "on"
/// element of `pattern` repeated from x = 0. A line that runs left to right (a loss curve
/// against step) is dashed the same whether it is drawn whole or piece by piece.
pub fn dash_by_x(points: &[[f64; 2]], pattern: &[f64]) -> Vec<Vec<[f64; 2]>> {
    let period: f64 = pattern.iter().sum();
    if pattern.is_empty() || period.is_nan() || period <= 0.0 {
        return vec![points.to_vec()];
    }
    let on = |x: f64| {
        let mut at = x.rem_euclid(period);
        let mut k = 0;
        while k + 1 < pattern.len() && at >= pattern[k] {
            at -= pattern[k];
            k += 1;
        }
        k % 2 == 0
    };
    // Where the pattern changes between x0 and x1 (at most a few hundred per segment).
    let cuts = |x0: f64, x1: f64| {
        let (lo, hi) = (x0.min(x1), x0.max(x1));
        let mut out = Vec::new();
        let mut start = (lo / period).floor() * period;
        while start <= hi && out.len() < 4096 {
            let mut edge = start;
            for &len in pattern {
                edge += len;
                if edge > lo && edge < hi {
                    out.push(edge);
                }
            }
            start += period;
        }
        if x1 < x0 {
            out.reverse();
        }
        out
    };
    let (mut pieces, mut current): (Vec<Vec<[f64; 2]>>, Vec<[f64; 2]>) = (Vec::new(), Vec::new());
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mut xs = vec![a[0]];
        xs.extend(cuts(a[0], b[0]));
        xs.push(b[0]);
        let point = |x: f64| {
            if b[0] == a[0] {
                a
            } else {
                [x, a[1] + (x - a[0]) / (b[0] - a[0]) * (b[1] - a[1])]
            }
        };
        for pair in xs.windows(2) {
            let (p, q) = (
                if pair[0] == a[0] { a } else { point(pair[0]) },
                if pair[1] == b[0] { b } else { point(pair[1]) },
            );
            if on(0.5 * (pair[0] + pair[1])) {
                if current.last() != Some(&p) {
                    if current.len() >= 2 {
                        pieces.push(std::mem::take(&mut current));
                    }
                    current.clear();
                    current.push(p);
                }
                current.push(q);
            } else if current.len() >= 2 {
                pieces.push(std::mem::take(&mut current));
            } else {
                current.clear();
            }
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

fn clip_segment(p: [f64; 2], q: [f64; 2], b: Bounds) -> Option<([f64; 2], [f64; 2])> {
    let (dx, dy) = (q[0] - p[0], q[1] - p[1]);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (den, num) in [
        (-dx, p[0] - b[0]),
        (dx, b[2] - p[0]),
        (-dy, p[1] - b[1]),
        (dy, b[3] - p[1]),
    ] {
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
    let at = |t: f64| {
        if t == 0.0 {
            p
        } else if t == 1.0 {
            q
        } else {
            [p[0] + t * dx, p[1] + t * dy]
        }
    };
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
        let on_chord = len2 > 0.0
            && len2 <= 36.0
            && cross * cross <= tol * tol * len2
            && along >= 0.0
            && along <= len2;
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
        let pts = [
            [0.0, 0.0],
            [0.1, 0.0],
            [f64::NAN, 1.0],
            [0.2, 0.1],
            [5.0, 5.0],
            [5.1, 5.0],
            [5.2, 5.0],
        ];
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
        assert_eq!(
            simplify(&corner, 0.1),
            vec![[0.0, 0.0], [10.0, 0.0], [10.0, 5.0]]
        );
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
        assert_eq!(
            parts,
            vec![vec![[5.0, 5.0], [5.0, 10.0]], vec![[6.0, 10.0], [6.0, 5.0]]]
        );
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
        assert_eq!(
            to_backend(&[[0.4, 0.4], [0.1, 0.2], [1.6, 0.0], [f64::NAN, 0.0]]),
            vec![(0, 0), (2, 0)]
        );
    }
    #[test]
    fn segments_far_outside_are_dropped_not_drawn_across() {
        let b = [0.0, 0.0, 100.0, 100.0];
        // In, out a little (kept: it may cut a corner), far out, far out on the other side
        // (the segment between them would cross the plot), back in.
        let path = [
            [50.0, 50.0],
            [120.0, 50.0],
            [1e9, 50.0],
            [-1e9, 60.0],
            [50.0, 60.0],
        ];
        let runs = drop_far(&path, b);
        assert_eq!(
            runs,
            vec![
                vec![[50.0, 50.0], [120.0, 50.0]],
                vec![[1e9, 50.0]],
                vec![[-1e9, 60.0], [50.0, 60.0]]
            ]
        );
        // Clipped, the path leaves at the right edge and comes back from the left one.
        let parts: Vec<_> = runs.iter().flat_map(|r| clip(r, b)).collect();
        assert_eq!(
            parts,
            vec![
                vec![[50.0, 50.0], [100.0, 50.0]],
                vec![[0.0, 60.0], [50.0, 60.0]]
            ]
        );
        assert_eq!(drop_far(&[[1.0, 1.0]], b), vec![vec![[1.0, 1.0]]]);
    }

    #[test]
    fn dashes_follow_the_pattern_across_pieces() {
        let pattern = [4.0, 2.0];
        let line = [[0.0, 0.0], [10.0, 0.0], [10.0, 5.0]];
        let (pieces, end) = dash(&line, &pattern, 0.0);
        assert_eq!(end, 15.0);
        assert_eq!(
            pieces,
            vec![
                vec![[0.0, 0.0], [4.0, 0.0]],
                vec![[6.0, 0.0], [10.0, 0.0]],
                vec![[10.0, 2.0], [10.0, 5.0]]
            ]
        );
        // The same line in two pieces gives the same dashes.
        let (first, mid) = dash(&line[..2], &pattern, 0.0);
        let (second, _) = dash(&line[1..], &pattern, mid);
        assert_eq!(first.len() + second.len(), pieces.len());
        assert_eq!(second[0], vec![[10.0, 2.0], [10.0, 5.0]]);
        // Solid: the line itself.
        assert_eq!(dash(&line, &[], 3.0), (vec![line.to_vec()], 3.0));
        // By x: the same pieces whole or split.
        let curve = [[0.0, 0.0], [7.0, 7.0], [13.0, 1.0]];
        let whole = dash_by_x(&curve, &pattern);
        assert_eq!(whole.len(), 3);
        assert_eq!(whole[0], vec![[0.0, 0.0], [4.0, 4.0]]);
        let split: Vec<_> = [&curve[..2], &curve[1..]]
            .iter()
            .flat_map(|c| dash_by_x(c, &pattern))
            .collect();
        let xs = |ps: &[Vec<[f64; 2]>]| {
            ps.iter()
                .map(|p| (p[0][0], p.last().unwrap()[0]))
                .collect::<Vec<_>>()
        };
        assert_eq!(xs(&whole), vec![(0.0, 4.0), (6.0, 10.0), (12.0, 13.0)]);
        assert_eq!(
            xs(&split),
            vec![(0.0, 4.0), (6.0, 7.0), (7.0, 10.0), (12.0, 13.0)]
        );
    }
}
