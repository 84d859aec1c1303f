//! Marching squares: the iso-lines of one level over a row-major grid of samples.
//!
//! After d3-contour: every cell of four samples gets a 4-bit case (a corner counts as "above"
//! when its value is `>= level`), a 16-entry table gives the cell's segments, and segments are
//! joined into polylines through the cell edges they share. Unlike d3, the two saddle cases (5
//! and 10) are disambiguated by the cell's centre value, the average of its corners: when the
//! centre is above, the above corners are joined across the cell.
//!
//! Output is in **grid coordinates**: sample `(i, j)` (column i, row j, stored at `j * nx + i`)
//! sits at `[i, j]`, and crossings are placed on the cell edges by linear interpolation. The
//! caller projects them. Every segment is oriented with the "above" side on its right (in a
//! frame whose y axis points down, like the rows), so closed rings around maxima run one way
//! and rings around minima the other, and joining needs no search.
//!
//! A cell with any non-finite corner (NaN, +-inf) produces nothing: lines stop at its edges.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Edge ids are small distinct integers: a multiplicative hash is all they need, and far
/// cheaper than SipHash on tens of thousands of segments.
#[derive(Default)]
struct EdgeHasher(u64);

impl Hasher for EdgeHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (n as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

type EdgeMap<V> = HashMap<usize, V, BuildHasherDefault<EdgeHasher>>;

/// One iso-line: `points` in grid coordinates. A closed ring repeats its first point at the end.
#[derive(Clone, Debug, PartialEq)]
pub struct Polyline {
    pub points: Vec<[f64; 2]>,
    pub closed: bool,
}

// Cell edges: top (between corners (i, j) and (i+1, j)), right, bottom, left.
const T: u8 = 0;
const R: u8 = 1;
const B: u8 = 2;
const L: u8 = 3;
const NONE: (u8, u8) = (9, 9);

/// Segments per case, as (from edge, to edge). Case bits: 1 = corner (i, j), 2 = (i+1, j),
/// 4 = (i+1, j+1), 8 = (i, j+1). Saddles (5, 10) are filled in by [`cell_segments`].
const CASES: [[(u8, u8); 2]; 16] = [
    [NONE, NONE],
    [(T, L), NONE],
    [(R, T), NONE],
    [(R, L), NONE],
    [(B, R), NONE],
    [NONE, NONE], // saddle
    [(B, T), NONE],
    [(B, L), NONE],
    [(L, B), NONE],
    [(T, B), NONE],
    [NONE, NONE], // saddle
    [(R, B), NONE],
    [(L, R), NONE],
    [(T, R), NONE],
    [(L, T), NONE],
    [NONE, NONE],
];

/// Case 5 (corners (i, j) and (i+1, j+1) above) and case 10 ((i+1, j) and (i, j+1) above),
/// for a centre above and below the level.
const SADDLE_5_JOINED: [(u8, u8); 2] = [(T, R), (B, L)];
const SADDLE_5_SPLIT: [(u8, u8); 2] = [(T, L), (B, R)];
const SADDLE_10_JOINED: [(u8, u8); 2] = [(L, T), (R, B)];
const SADDLE_10_SPLIT: [(u8, u8); 2] = [(R, T), (L, B)];

/// The corners are read only for a saddle: most cells need no sample values at all.
fn cell_segments(case: usize, corners: impl FnOnce() -> [f64; 4], level: f64) -> [(u8, u8); 2] {
    match case {
        5 | 10 => {
            let corners = corners();
            let centre = 0.25 * (corners[0] + corners[1] + corners[2] + corners[3]);
            // An overflowing average (corners near +-f64::MAX) falls back to the split form.
            let joined = centre.is_finite() && centre >= level;
            match (case, joined) {
                (5, true) => SADDLE_5_JOINED,
                (5, false) => SADDLE_5_SPLIT,
                (_, true) => SADDLE_10_JOINED,
                (_, false) => SADDLE_10_SPLIT,
            }
        }
        _ => CASES[case],
    }
}

/// The iso-lines at `level` of the `nx * ny` row-major samples `values`. Panics if
/// `values.len() != nx * ny`.
pub fn isolines(values: &[f64], nx: usize, ny: usize, level: f64) -> Vec<Polyline> {
    assert_eq!(
        values.len(),
        nx * ny,
        "isolines: {} values for a {nx} x {ny} grid",
        values.len()
    );
    if nx < 2 || ny < 2 || !level.is_finite() {
        return Vec::new();
    }
    // Oriented segments between global edge ids: horizontal edge from sample (i, j) to (i+1, j)
    // is 2 (j nx + i), vertical edge from (i, j) to (i, j+1) is 2 (j nx + i) + 1.
    let mut segments: Vec<(usize, usize)> = Vec::new();
    for j in 0..ny - 1 {
        let row = j * nx;
        for i in 0..nx - 1 {
            let c = [
                values[row + i],
                values[row + i + 1],
                values[row + nx + i + 1],
                values[row + nx + i],
            ];
            let case = (c[0] >= level) as usize
                | ((c[1] >= level) as usize) << 1
                | ((c[2] >= level) as usize) << 2
                | ((c[3] >= level) as usize) << 3;
            if case == 0 || case == 15 {
                continue; // the common case; a NaN corner compares false, checked below
            }
            if !(c[0].is_finite() && c[1].is_finite() && c[2].is_finite() && c[3].is_finite()) {
                continue;
            }
            for (from, to) in cell_segments(case, || c, level) {
                if from != NONE.0 {
                    segments.push((cell_edge(row, nx, i, from), cell_edge(row, nx, i, to)));
                }
            }
        }
    }
    // A cell with a NaN corner but case 0 or 15 by comparison was skipped early, which is what
    // we want; one whose case is mixed was skipped by the finiteness test.
    join(&segments, |e| crossing(values, nx, e, level))
}

/// The iso-lines of several increasing `levels` at once: `result[k]` holds those of
/// `levels[k]`, the same as [`isolines`] gives. One pass over the cells: a cell is visited per
/// level only when its corners fall in different bands, so twenty levels cost little more than
/// one. Panics if `values.len() != nx * ny`. Levels that are not finite and strictly increasing
/// are traced one at a time.
pub fn isolines_all(values: &[f64], nx: usize, ny: usize, levels: &[f64]) -> Vec<Vec<Polyline>> {
    assert_eq!(
        values.len(),
        nx * ny,
        "isolines_all: {} values for a {nx} x {ny} grid",
        values.len()
    );
    let valid = levels.len() < NO_BAND as usize
        && levels.iter().all(|l| l.is_finite())
        && levels.windows(2).all(|w| w[0] < w[1]);
    if nx < 2 || ny < 2 || levels.is_empty() || !valid {
        return levels
            .iter()
            .map(|&l| {
                if valid {
                    Vec::new()
                } else {
                    isolines(values, nx, ny, l)
                }
            })
            .collect();
    }
    let mut bands = Vec::new();
    bands_into(values, levels, &mut bands);
    isolines_banded(values, &bands, nx, ny, levels)
}

/// No band: the band of a non-finite sample in [`bands_into`].
pub const NO_BAND: u16 = u16::MAX;

/// The band of every sample (the number of `levels` at or below it; [`NO_BAND`] if not
/// finite) into `out`, reusing its allocation. `levels` must be increasing, fewer than 65535.
pub fn bands_into(values: &[f64], levels: &[f64], out: &mut Vec<u16>) {
    let mut finder = super::levels::BandFinder::new(levels);
    out.clear();
    out.extend(values.iter().map(|&v| {
        if v.is_finite() {
            finder.band(v) as u16
        } else {
            NO_BAND
        }
    }));
}

/// [`isolines_all`] with the samples' bands already computed by [`bands_into`] for the same
/// (finite, strictly increasing) `levels`.
pub fn isolines_banded(
    values: &[f64],
    bands: &[u16],
    nx: usize,
    ny: usize,
    levels: &[f64],
) -> Vec<Vec<Polyline>> {
    assert_eq!(
        values.len(),
        nx * ny,
        "isolines_banded: {} values for a {nx} x {ny} grid",
        values.len()
    );
    assert_eq!(
        bands.len(),
        values.len(),
        "isolines_banded: {} bands for {} values",
        bands.len(),
        values.len()
    );
    const BAD: u16 = NO_BAND;
    const SKIP: usize = 8;
    let n_levels = levels.len();
    if nx < 2 || ny < 2 {
        return vec![Vec::new(); n_levels];
    }
    let mut segments: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n_levels];
    for j in 0..ny - 1 {
        let row = j * nx;
        let (top, bottom) = (&bands[row..row + nx], &bands[row + nx..row + 2 * nx]);
        let mut i = 0;
        while i < nx - 1 {
            // Most cells lie inside one band and make no line: SKIP cells at once when the
            // samples above and below them all share one band; else each of them.
            let end = (i + SKIP).min(nx - 1);
            let uniform = end == i + SKIP && {
                let (t, b) = (&top[i..=end], &bottom[i..=end]);
                t.iter()
                    .zip(b)
                    .fold(0, |d, (&x, &y)| d | (x ^ t[0]) | (y ^ t[0]))
                    == 0
            };
            for i in if uniform { end..end } else { i..end } {
                let b = [top[i], top[i + 1], bottom[i + 1], bottom[i]];
                let (lo, hi) = (
                    b[0].min(b[1]).min(b[2]).min(b[3]),
                    b[0].max(b[1]).max(b[2]).max(b[3]),
                );
                if lo == hi || hi == BAD {
                    continue;
                }
                let c = || {
                    [
                        values[row + i],
                        values[row + i + 1],
                        values[row + nx + i + 1],
                        values[row + nx + i],
                    ]
                };
                for k in lo..hi {
                    let case = (b[0] > k) as usize
                        | ((b[1] > k) as usize) << 1
                        | ((b[2] > k) as usize) << 2
                        | ((b[3] > k) as usize) << 3;
                    for (from, to) in cell_segments(case, c, levels[k as usize]) {
                        if from != NONE.0 {
                            segments[k as usize]
                                .push((cell_edge(row, nx, i, from), cell_edge(row, nx, i, to)));
                        }
                    }
                }
            }
            i = end;
        }
    }
    segments
        .iter()
        .zip(levels)
        .map(|(segs, &level)| join(segs, |e| crossing(values, nx, e, level)))
        .collect()
}

/// The global id of edge `e` of the cell whose top-left sample is `row + i`.
fn cell_edge(row: usize, nx: usize, i: usize, e: u8) -> usize {
    match e {
        T => 2 * (row + i),
        B => 2 * (row + nx + i),
        L => 2 * (row + i) + 1,
        _ => 2 * (row + i + 1) + 1,
    }
}

/// The point where the level crosses edge `e` (in grid coordinates).
fn crossing(values: &[f64], nx: usize, e: usize, level: f64) -> [f64; 2] {
    let s = e / 2;
    let row = s / nx;
    let (i, j) = ((s - row * nx) as f64, row as f64);
    let (a, b) = if e.is_multiple_of(2) {
        (values[s], values[s + 1])
    } else {
        (values[s], values[s + nx])
    };
    let mut t = (level - a) / (b - a);
    if !t.is_finite() {
        t = 0.5;
    }
    let t = t.clamp(0.0, 1.0);
    if e.is_multiple_of(2) {
        [i + t, j]
    } else {
        [i, j + t]
    }
}

/// Joins oriented segments (from edge, to edge) into polylines.
fn join(segments: &[(usize, usize)], point: impl Fn(usize) -> [f64; 2]) -> Vec<Polyline> {
    let mut next: EdgeMap<usize> =
        EdgeMap::with_capacity_and_hasher(segments.len(), Default::default());
    let mut has_prev: EdgeMap<()> =
        EdgeMap::with_capacity_and_hasher(segments.len(), Default::default());
    for (k, &(from, to)) in segments.iter().enumerate() {
        next.insert(from, k);
        has_prev.insert(to, ());
    }
    let mut used = vec![false; segments.len()];
    let mut lines = Vec::new();
    let mut walk = |start: usize, used: &mut Vec<bool>| {
        let mut points = vec![point(segments[start].0)];
        let mut k = start;
        let mut closed = false;
        loop {
            used[k] = true;
            let to = segments[k].1;
            points.push(point(to));
            match next.get(&to) {
                Some(&n) if n == start => {
                    closed = true;
                    break;
                }
                Some(&n) if !used[n] => k = n,
                _ => break,
            }
        }
        points.dedup();
        if closed && points.len() > 1 && points.first() != points.last() {
            let first = points[0];
            points.push(first);
        }
        if points.len() >= 2 {
            lines.push(Polyline { points, closed });
        }
    };
    // Open lines start where no segment leads in, then whatever is left are rings.
    for k in 0..segments.len() {
        if !used[k] && !has_prev.contains_key(&segments[k].0) {
            walk(k, &mut used);
        }
    }
    for k in 0..segments.len() {
        if !used[k] {
            walk(k, &mut used);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    const CORNERS: [[f64; 2]; 4] = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]];
    const MID: [[f64; 2]; 4] = [[0.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 0.5]];

    /// Every segment of every case keeps above corners on its right, below corners on its left
    /// (x right, y down: right of direction d is where d x v > 0).
    #[test]
    #[allow(clippy::needless_range_loop)] // the case number is the point, not an index
    fn table_is_oriented_above_on_the_right() {
        let check = |case: usize, segs: &[(u8, u8)], joined: Option<bool>| {
            for &(from, to) in segs.iter().filter(|s| s.0 != NONE.0) {
                let (p, q) = (MID[from as usize], MID[to as usize]);
                let d = [q[0] - p[0], q[1] - p[1]];
                for (c, corner) in CORNERS.iter().enumerate() {
                    let above = case >> c & 1 == 1;
                    let v = [corner[0] - p[0], corner[1] - p[1]];
                    let cross = d[0] * v[1] - d[1] * v[0];
                    // In a saddle, check only the corner this segment cuts off: the one shared by
                    // its two (adjacent) edges; edge k runs from corner k to corner k + 1.
                    let shared = if (from + 1) % 4 == to {
                        Some(to as usize)
                    } else if (to + 1) % 4 == from {
                        Some(from as usize)
                    } else {
                        None
                    };
                    let cut_off = joined.is_none() || shared == Some(c);
                    if cut_off && cross.abs() > 1e-12 {
                        assert_eq!(
                            cross > 0.0,
                            above,
                            "case {case} segment {from}->{to} corner {c}"
                        );
                    }
                }
            }
        };
        for case in 1..15 {
            if case == 5 || case == 10 {
                for joined in [true, false] {
                    let level = 0.5;
                    let centre = if joined { 1.0 } else { 0.0 };
                    let c: Vec<f64> = (0..4)
                        .map(|k| {
                            if case >> k & 1 == 1 {
                                centre + 0.6
                            } else {
                                centre - 0.6
                            }
                        })
                        .collect();
                    check(
                        case,
                        &cell_segments(case, || [c[0], c[1], c[2], c[3]], level),
                        Some(joined),
                    );
                }
            } else {
                check(case, &CASES[case], None);
            }
        }
    }

    fn approx(a: [f64; 2], b: [f64; 2]) -> bool {
        (a[0] - b[0]).abs() < 1e-12 && (a[1] - b[1]).abs() < 1e-12
    }

    #[test]
    fn single_bump_is_one_closed_ring() {
        #[rustfmt::skip]
        let v = [
            0.0, 0.0, 0.0,
            0.0, 1.0, 0.0,
            0.0, 0.0, 0.0,
        ];
        let lines = isolines(&v, 3, 3, 0.5);
        assert_eq!(lines.len(), 1);
        let ring = &lines[0];
        assert!(ring.closed);
        assert_eq!(ring.points.len(), 5, "{:?}", ring.points);
        assert_eq!(ring.points.first(), ring.points.last());
        for p in [[1.0, 0.5], [1.5, 1.0], [1.0, 1.5], [0.5, 1.0]] {
            assert!(
                ring.points.iter().any(|&q| approx(p, q)),
                "{p:?} not in {:?}",
                ring.points
            );
        }
        // Interpolation: level 0.25 crosses a quarter of the way from the zeros toward the peak.
        let lines = isolines(&v, 3, 3, 0.25);
        assert!(lines[0].points.iter().any(|&q| approx(q, [1.0, 0.25])));
        // Above the peak, below the floor: nothing.
        assert!(isolines(&v, 3, 3, 2.0).is_empty());
        assert!(isolines(&v, 3, 3, -1.0).is_empty());
    }

    #[test]
    fn a_pit_ring_runs_the_other_way() {
        let bump = [0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
        let pit: Vec<f64> = bump.iter().map(|v| -v).collect();
        let area = |p: &[[f64; 2]]| {
            p.windows(2)
                .map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1])
                .sum::<f64>()
        };
        let a = area(&isolines(&bump, 3, 3, 0.5)[0].points);
        let b = area(&isolines(&pit, 3, 3, -0.5)[0].points);
        assert!(a * b < 0.0, "{a} {b}");
    }

    #[test]
    fn saddle_cell_both_ways() {
        // Corners (0,0) and (1,1) high, the others low: case 5.
        let level = 0.5;
        // Centre 0.55 >= level: the high corners are joined, the low ones cut off.
        let joined = [1.0, 0.1, 0.1, 1.0];
        let lines = isolines(&joined, 2, 2, level);
        assert_eq!(lines.len(), 2);
        for l in &lines {
            assert_eq!(l.points.len(), 2);
            // Each line cuts off a low corner: (1, 0) or (0, 1).
            let mid = [
                (l.points[0][0] + l.points[1][0]) / 2.0,
                (l.points[0][1] + l.points[1][1]) / 2.0,
            ];
            assert!(
                mid[0] > 0.5 && mid[1] < 0.5 || mid[0] < 0.5 && mid[1] > 0.5,
                "{:?}",
                l.points
            );
        }
        // Centre 0.45 < level: the high corners are cut off.
        let split = [0.8, 0.1, 0.1, 0.8];
        let lines = isolines(&split, 2, 2, level);
        assert_eq!(lines.len(), 2);
        for l in &lines {
            let mid = [
                (l.points[0][0] + l.points[1][0]) / 2.0,
                (l.points[0][1] + l.points[1][1]) / 2.0,
            ];
            assert!(
                mid[0] < 0.5 && mid[1] < 0.5 || mid[0] > 0.5 && mid[1] > 0.5,
                "{:?}",
                l.points
            );
        }
        // And case 10, the mirror image.
        let lines = isolines(&[0.1, 1.0, 1.0, 0.1], 2, 2, level);
        assert_eq!(lines.len(), 2);
        for l in &lines {
            let mid = [
                (l.points[0][0] + l.points[1][0]) / 2.0,
                (l.points[0][1] + l.points[1][1]) / 2.0,
            ];
            assert!(
                mid[0] < 0.5 && mid[1] < 0.5 || mid[0] > 0.5 && mid[1] > 0.5,
                "{:?}",
                l.points
            );
        }
    }

    #[test]
    fn non_finite_corners_stop_lines() {
        // A ramp in x, crossed by the level 1.5 in every row.
        let mut v: Vec<f64> = (0..12).map(|k| (k % 4) as f64).collect();
        let full = isolines(&v, 4, 3, 1.5);
        assert_eq!(full.len(), 1);
        assert_eq!(full[0].points.len(), 3);
        assert!(!full[0].closed);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            v[4 + 1] = bad; // sample (1, 1): both cells that the line crosses touch it
            let lines = isolines(&v, 4, 3, 1.5);
            assert!(lines.iter().all(|l| l
                .points
                .iter()
                .all(|p| p[0].is_finite() && p[1].is_finite())));
            assert!(lines.is_empty(), "{bad}: {lines:?}");
        }
        v[4 + 1] = 1.0;
        v[0] = f64::NAN; // touches only the top-left cell, which the line does not cross
        let lines = isolines(&v, 4, 3, 1.5);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].points, vec![[1.5, 2.0], [1.5, 1.0], [1.5, 0.0]]);
        // An all-NaN grid, and a NaN level.
        assert!(isolines(&[f64::NAN; 9], 3, 3, 0.0).is_empty());
        assert!(isolines(&[0.0, 1.0, 0.0, 1.0], 2, 2, f64::NAN).is_empty());
    }

    #[test]
    fn level_equal_to_samples() {
        // Samples exactly at the level count as above; the line runs through them.
        let v = [0.0, 1.0, 2.0, 0.0, 1.0, 2.0];
        let lines = isolines(&v, 3, 2, 1.0);
        assert_eq!(lines.len(), 1);
        let l = &lines[0];
        assert_eq!(l.points.len(), 2);
        assert!(
            l.points.iter().all(|p| approx(*p, [1.0, p[1]])),
            "{:?}",
            l.points
        );
        // A flat grid at the level: every corner is above, no line.
        assert!(isolines(&[1.0; 9], 3, 3, 1.0).is_empty());
        // One corner touching the level from below gives no zero-length line.
        let lines = isolines(&[1.0, 0.0, 0.0, 0.0], 2, 2, 1.0);
        assert!(
            lines
                .iter()
                .all(|l| l.points.len() >= 2 && l.points[0] != l.points[1]),
            "{lines:?}"
        );
    }

    #[test]
    fn open_lines_and_rings_together() {
        // A 6x6 grid: a bump in the middle (a ring) and a rising right edge (an open line).
        let mut v = vec![0.0; 36];
        v[2 * 6 + 2] = 1.0;
        for j in 0..6 {
            v[j * 6 + 5] = 1.0;
        }
        let lines = isolines(&v, 6, 6, 0.5);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines.iter().filter(|l| l.closed).count(), 1);
        let open = lines.iter().find(|l| !l.closed).unwrap();
        assert_eq!(open.points.len(), 6);
        assert!(open.points.iter().all(|p| approx(*p, [4.5, p[1]])));
        // Consecutive points of a joined line are neighbours: at most one cell apart.
        for l in &lines {
            for w in l.points.windows(2) {
                assert!((w[0][0] - w[1][0]).abs() <= 1.0 && (w[0][1] - w[1][1]).abs() <= 1.0);
            }
        }
    }

    #[test]
    fn a_large_smooth_field_gives_long_lines() {
        let n = 101;
        let mut v = Vec::with_capacity(n * n);
        for j in 0..n {
            for i in 0..n {
                let (x, y) = (i as f64 / 50.0 - 1.0, j as f64 / 50.0 - 1.0);
                v.push(x * x + 4.0 * y * y);
            }
        }
        let lines = isolines(&v, n, n, 0.5);
        assert_eq!(lines.len(), 1);
        assert!(lines[0].closed && lines[0].points.len() > 100);
        for p in &lines[0].points {
            let (x, y) = (p[0] / 50.0 - 1.0, p[1] / 50.0 - 1.0);
            assert!((x * x + 4.0 * y * y - 0.5).abs() < 0.01);
        }
    }

    #[test]
    fn all_levels_at_once_equal_one_at_a_time() {
        // A bumpy field with a few holes and exact hits on the levels.
        let (nx, ny) = (37, 23);
        let mut v: Vec<f64> = (0..nx * ny)
            .map(|k| {
                let (x, y) = ((k % nx) as f64 * 0.3, (k / nx) as f64 * 0.4);
                ((x.sin() * y.cos() + 0.3 * (2.0 * x + y).sin()) * 4.0).round() / 4.0
            })
            .collect();
        v[100] = f64::NAN;
        v[200] = f64::INFINITY;
        v[300] = f64::NEG_INFINITY;
        let levels = [-1.0, -0.5, -0.25, 0.0, 0.3, 0.75, 1.0];
        let all = isolines_all(&v, nx, ny, &levels);
        assert_eq!(all.len(), levels.len());
        let mut total = 0;
        for (k, &level) in levels.iter().enumerate() {
            assert_eq!(all[k], isolines(&v, nx, ny, level), "level {level}");
            total += all[k].len();
        }
        assert!(total > 10);
        // Unsorted levels fall back to one at a time.
        let shuffled = [0.3, -1.0];
        assert_eq!(
            isolines_all(&v, nx, ny, &shuffled)[0],
            isolines(&v, nx, ny, 0.3)
        );
    }

    /// Wide single-band stretches (skipped several cells at once), lines ending a cell before,
    /// at and after a stretch's end, and holes, on a grid whose width is no multiple of the
    /// stretch: the same lines as one level at a time.
    #[test]
    fn skipping_single_band_stretches_changes_nothing() {
        for (nx, ny) in [(9, 5), (10, 7), (64, 40), (203, 61)] {
            let mut v: Vec<f64> = (0..nx * ny)
                .map(|k| {
                    let (x, y) = (
                        (k % nx) as f64 / nx as f64 * 4.0 - 2.0,
                        (k / nx) as f64 / ny as f64 * 3.0 - 1.0,
                    );
                    (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x)
                })
                .collect();
            for k in (0..v.len()).step_by(97) {
                v[k] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY][k % 3];
            }
            let levels = [0.5, 2.0, 10.0, 50.0, 200.0, 1000.0];
            let all = isolines_all(&v, nx, ny, &levels);
            for (k, &level) in levels.iter().enumerate() {
                assert_eq!(
                    all[k],
                    isolines(&v, nx, ny, level),
                    "{nx} x {ny}, level {level}"
                );
            }
            assert!(all.iter().map(Vec::len).sum::<usize>() > 3, "{nx} x {ny}");
        }
    }

    #[test]
    fn bands_are_the_levels_at_or_below() {
        let mut v: Vec<f64> = (0..3000)
            .map(|k| ((k * 7919) % 1000) as f64 / 200.0 - 2.5)
            .collect();
        v.extend([
            -1.0,
            0.0,
            0.5,
            2.0,
            -0.0,
            f64::MIN,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            3.0,
            f64::NEG_INFINITY,
        ]);
        let mut bands = Vec::new();
        for levels in [&[-1.0, 0.0, 0.5, 2.0][..], &[], &[0.25]] {
            bands_into(&v, levels, &mut bands);
            assert_eq!(bands.len(), v.len());
            for (&x, &b) in v.iter().zip(&bands) {
                let expected = if x.is_finite() {
                    levels.iter().filter(|&&l| l <= x).count() as u16
                } else {
                    NO_BAND
                };
                assert_eq!(b, expected, "{x} among {levels:?}");
            }
        }
    }
}
