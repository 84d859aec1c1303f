//! The landscape as a shaded surface in 3-D, every racer's path riding on it, drawn with
//! plotters' 3-D charts (`build_cartesian_3d`) on any backend: the page's canvas and
//! `optiscape plot --3d`'s SVG and PNG.
//!
//! The height is the loss where the contour plot's levels are linear, and its logarithm above
//! the lowest known value, `log10(f − f*)`, where they are log-spaced ([`super::levels`]):
//! Rosenbrock's valley, a thousand times lower than its walls, is then a visible trench rather
//! than a flat floor. Below the innermost contour level the surface is flat (the logarithm
//! would fall without bound at the minimum). Each cell is coloured as the contour plot colours
//! its band and shaded by its slope toward a light above the viewer's left shoulder.
//!
//! plotters draws polygons in the order given, without a depth buffer, so the cells are drawn
//! from the farthest to the nearest (painter's order), and each piece of a path right after
//! the cell it crosses: a path behind a ridge is hidden by it.

use super::colormap::{self, Dash};
use super::layout::Metrics;
use super::levels::{Levels, Spacing};
use super::path::{dash, to_backend};
use super::scene::{casing, DrawResult, INK};
use super::ticks::format_pow10;
use crate::landscape::{Mark, Objective, Point, View};
use plotters::chart::ChartBuilder;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::{Circle, EmptyElement, PathElement, Polygon, Text};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{
    Color, FontDesc, FontFamily, FontStyle, RGBAColor, RGBColor, ShapeStyle, TextStyle,
};

/// Vertices along each side of the surface's grid by default.
pub const GRID: usize = 120;

/// How the surface is turned, in degrees, and how large it is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Turn {
    /// About the vertical axis.
    pub yaw: f64,
    /// Tilt toward the viewer: 0 looks from the side, 90 from straight above.
    pub pitch: f64,
    /// 1 fits the box to the area.
    pub zoom: f64,
}

impl Default for Turn {
    fn default() -> Turn {
        Turn {
            yaw: 20.0,
            pitch: 45.0,
            zoom: 1.0,
        }
    }
}

/// How a value of the objective becomes a height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Height {
    /// The value itself.
    Linear,
    /// `log10(max(f − base, floor))`.
    Log { base: f64, floor: f64 },
}

impl Height {
    /// The height of the value `f`; NaN where it is not finite.
    pub fn of(&self, f: f64) -> f64 {
        match *self {
            Height::Linear => f,
            Height::Log { .. } if f.is_nan() => f,
            Height::Log { base, floor } => (f - base).max(floor).log10(),
        }
    }
}

/// Vertex `(i, j)` of an `n x n` grid over `view`.
fn grid_point(view: View, n: usize, i: usize, j: usize) -> Point {
    [
        view.x[0] + (view.x[1] - view.x[0]) * i as f64 / (n - 1) as f64,
        view.y[0] + (view.y[1] - view.y[0]) * j as f64 / (n - 1) as f64,
    ]
}

/// The landscape sampled on a square grid of vertices over a view.
#[derive(Clone, Debug)]
pub struct Surface {
    pub view: View,
    /// Vertices per side.
    pub n: usize,
    /// Row-major, row 0 at `view.y[0]`: the objective at vertex `(i, j)` is `values[j * n + i]`.
    pub values: Vec<f64>,
    /// The contour plot's levels for these values: the cells' colours.
    pub levels: Levels,
    /// The height of every vertex, as `values`.
    heights: Vec<f64>,
    pub height: Height,
    /// The lowest and highest finite height.
    pub z: [f64; 2],
    /// Per cell (row-major, `n - 1` a row): whether it is cut into triangles along its
    /// diagonal from `(i + 1, j)` to `(i, j + 1)` rather than from `(i, j)` to `(i + 1, j + 1)`:
    /// the diagonal whose middle is nearer the objective at the cell's centre, so that a ridge
    /// or valley running across the grid keeps its crest (a fixed cut made a saw of it).
    pub cut: Vec<bool>,
}

impl Surface {
    /// `objective` over `view` on an `n x n` grid (n at least 2), with its levels chosen from
    /// the samples as the contour plot chooses them (with the global minima among `marks`).
    /// Where a contour plot of the view is drawn too, give its levels to [`Surface::with_levels`]
    /// instead: the two then agree on a landscape near the choice's threshold.
    pub fn sample(objective: &Objective, view: View, marks: &[Mark], n: usize) -> Surface {
        let n = n.max(2);
        let values: Vec<f64> = (0..n * n)
            .map(|k| objective.value(grid_point(view, n, k % n, k / n)))
            .collect();
        let levels = Levels::choose(&values, super::field::known_minimum(objective, marks));
        Surface::from_values(objective, view, values, levels, n)
    }

    /// `objective` over `view` on an `n x n` grid, coloured and scaled by the contour plot's
    /// `levels` (its [`super::Field::levels`]).
    pub fn with_levels(objective: &Objective, view: View, levels: Levels, n: usize) -> Surface {
        let n = n.max(2);
        let values: Vec<f64> = (0..n * n)
            .map(|k| objective.value(grid_point(view, n, k % n, k / n)))
            .collect();
        Surface::from_values(objective, view, values, levels, n)
    }

    fn from_values(
        objective: &Objective,
        view: View,
        values: Vec<f64>,
        levels: Levels,
        n: usize,
    ) -> Surface {
        let at = |i: usize, j: usize| grid_point(view, n, i, j);
        let height = match levels.spacing {
            Spacing::Log { base } if !levels.is_empty() => Height::Log {
                base,
                floor: levels.values[0] - base,
            },
            _ => Height::Linear,
        };
        let (lo, hi) = values
            .iter()
            .map(|&v| height.of(v))
            .filter(|z| z.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), z| {
                (lo.min(z), hi.max(z))
            });
        let z = if lo < hi {
            [lo, hi]
        } else if lo.is_finite() {
            [lo - 1.0, lo + 1.0]
        } else {
            [0.0, 1.0]
        };
        let heights = values.iter().map(|&v| height.of(v)).collect();
        let mut surface = Surface {
            view,
            n,
            values,
            levels,
            height,
            heights,
            z,
            cut: Vec::new(),
        };
        surface.cut = (0..(n - 1) * (n - 1))
            .map(|c| {
                let (i, j) = (c % (n - 1), c / (n - 1));
                let step = [
                    (view.x[1] - view.x[0]) / (n - 1) as f64,
                    (view.y[1] - view.y[0]) / (n - 1) as f64,
                ];
                let mid = [at(i, j)[0] + step[0] / 2.0, at(i, j)[1] + step[1] / 2.0];
                let h = |a: usize, b: usize| surface.vertex(a, b).1;
                let middle = height.of(objective.value(mid));
                let (main, other) = (
                    (h(i, j) + h(i + 1, j + 1)) / 2.0,
                    (h(i + 1, j) + h(i, j + 1)) / 2.0,
                );
                (other - middle).abs() < (main - middle).abs()
            })
            .collect();
        surface
    }

    /// The two triangles of cell `(i, j)`, as vertex indices `(i, j)`, cut as [`Surface::cut`]
    /// says.
    fn triangles(&self, i: usize, j: usize) -> [[(usize, usize); 3]; 2] {
        let (a, b, c, d) = ((i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1));
        if self.cut[j * (self.n - 1) + i] {
            [[a, b, d], [b, c, d]]
        } else {
            [[a, b, c], [a, c, d]]
        }
    }

    /// Vertex `(i, j)` as plotters' 3-D coordinates `(x, height, y)`.
    fn vertex(&self, i: usize, j: usize) -> (f64, f64, f64) {
        let n = self.n;
        let x = self.view.x[0] + (self.view.x[1] - self.view.x[0]) * i as f64 / (n - 1) as f64;
        let y = self.view.y[0] + (self.view.y[1] - self.view.y[0]) * j as f64 / (n - 1) as f64;
        (x, self.heights[j * n + i], y)
    }

    /// A point of the plane at the height of `loss` (clamped to the surface's), and never under
    /// the drawn surface (whose flat cells cut across a valley narrower than them), in
    /// plotters' 3-D coordinates; None off the view or where not finite.
    pub fn lift(&self, p: Point, loss: f64) -> Option<(f64, f64, f64)> {
        let v = self.view;
        let inside = p[0] >= v.x[0] && p[0] <= v.x[1] && p[1] >= v.y[0] && p[1] <= v.y[1];
        let z = self.height.of(loss);
        if !(inside && z.is_finite()) {
            return None;
        }
        let drawn = self.drawn_height(p);
        let z = if drawn.is_finite() { z.max(drawn) } else { z };
        Some((p[0], z.clamp(self.z[0], self.z[1]), p[1]))
    }

    /// The height of the drawn surface at `p` (in the view): on the cell's triangle holding it,
    /// as [`draw_surface`] splits the cells.
    pub fn drawn_height(&self, p: Point) -> f64 {
        let (i, j) = self.cell_of(p);
        let m = (self.n - 1) as f64;
        let u = (p[0] - self.view.x[0]) / (self.view.x[1] - self.view.x[0]) * m - i as f64;
        let w = (p[1] - self.view.y[0]) / (self.view.y[1] - self.view.y[0]) * m - j as f64;
        let h = |a: usize, b: usize| self.vertex(a, b).1;
        let (h0, h1, h2, h3) = (h(i, j), h(i + 1, j), h(i + 1, j + 1), h(i, j + 1));
        match (self.cut[j * (self.n - 1) + i], u >= w, u + w <= 1.0) {
            (false, true, _) => h0 + u * (h1 - h0) + w * (h2 - h1),
            (false, false, _) => h0 + w * (h3 - h0) + u * (h2 - h3),
            (true, _, true) => h0 + u * (h1 - h0) + w * (h3 - h0),
            (true, _, false) => h2 + (1.0 - u) * (h3 - h2) + (1.0 - w) * (h1 - h2),
        }
    }

    /// The cell `(i, j)` (between vertices i..i+1 and j..j+1) holding `p`.
    fn cell_of(&self, p: Point) -> (usize, usize) {
        let m = (self.n - 1) as f64;
        let f = |t: f64, lo: f64, hi: f64| {
            (((t - lo) / (hi - lo) * m).floor().max(0.0) as usize).min(self.n - 2)
        };
        (
            f(p[0], self.view.x[0], self.view.x[1]),
            f(p[1], self.view.y[0], self.view.y[1]),
        )
    }
}

/// The surface as a triangle mesh in the box's unit coordinates, for a GPU to draw (WebGL2):
/// the same vertices, heights, colours and cut as [`draw_surface`]'s.
#[derive(Clone, Debug, PartialEq)]
pub struct Mesh {
    /// `(x, up, y)` per vertex, row-major as [`Surface::values`]: x and y from 0 to 1 across
    /// the view, up from 0 (the lowest height) to [`BOX_HEIGHT`] (the highest).
    pub positions: Vec<f32>,
    /// `(r, g, b)` per vertex: the contour plot's colours, blended between levels.
    pub colors: Vec<u8>,
    /// Three vertex indices per triangle, two triangles per cell whose corners are finite, cut
    /// as [`Surface::cut`] says.
    pub indices: Vec<u32>,
}

impl Surface {
    /// `p` (plotters' 3-D coordinates `(x, height, y)`, as [`Surface::lift`] gives a path's
    /// point) in the box's unit coordinates, as [`Mesh::positions`].
    pub fn unit(&self, (x, h, y): (f64, f64, f64)) -> [f64; 3] {
        [
            (x - self.view.x[0]) / (self.view.x[1] - self.view.x[0]),
            (h - self.z[0]) / (self.z[1] - self.z[0]) * BOX_HEIGHT,
            (y - self.view.y[0]) / (self.view.y[1] - self.view.y[0]),
        ]
    }

    /// The surface as a [`Mesh`].
    pub fn mesh(&self) -> Mesh {
        let n = self.n;
        let lut = colormap::background();
        let mut positions = Vec::with_capacity(n * n * 3);
        let mut colors = Vec::with_capacity(n * n * 3);
        for j in 0..n {
            for i in 0..n {
                let v = self.vertex(i, j);
                let u = if v.1.is_finite() {
                    self.unit(v)
                } else {
                    [0.0; 3]
                };
                positions.extend(u.map(|c| c as f32));
                colors.extend(smooth_color(self, &lut, self.values[j * n + i]));
            }
        }
        let mut indices = Vec::with_capacity((n - 1) * (n - 1) * 6);
        for j in 0..n - 1 {
            for i in 0..n - 1 {
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
                if corners
                    .iter()
                    .all(|&(a, b)| self.heights[b * n + a].is_finite())
                {
                    for t in self.triangles(i, j) {
                        indices.extend(t.map(|(a, b)| (b * n + a) as u32));
                    }
                }
            }
        }
        Mesh {
            positions,
            colors,
            indices,
        }
    }
}

/// One racer's path on the surface: its points and the loss at each.
#[derive(Clone, Copy, Debug)]
pub struct SurfacePath<'a> {
    pub color: RGBColor,
    pub points: &'a [Point],
    pub losses: &'a [f64],
    /// Its dash pattern, as on the plot and in the legend ([`colormap::dashes`]).
    pub dash: Dash,
}

/// The direction light comes from, in the box's unit coordinates `(x, up, y)`: above, from the
/// viewer's left.
pub const LIGHT: [f64; 3] = [-0.45, 0.8, -0.4];

/// The cell's colour, its band's shaded by how squarely it faces the light (`normal`, in the
/// box's unit coordinates).
fn shade(band: [u8; 3], normal: [f64; 3]) -> RGBColor {
    let n = (normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]).sqrt();
    let l = (LIGHT[0] * LIGHT[0] + LIGHT[1] * LIGHT[1] + LIGHT[2] * LIGHT[2]).sqrt();
    let lambert = if n > 0.0 {
        ((normal[0] * LIGHT[0] + normal[1] * LIGHT[1] + normal[2] * LIGHT[2]) / (n * l)).abs()
    } else {
        1.0
    };
    let k = 0.5 + 0.5 * lambert;
    RGBColor(
        (band[0] as f64 * k) as u8,
        (band[1] as f64 * k) as u8,
        (band[2] as f64 * k) as u8,
    )
}

fn font(size: f64, style: FontStyle) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, style)
}

/// What [`draw_surface`] draws: its shapes, its text, or both. An SVG figure takes the shapes
/// as one picture (tens of thousands of triangles are megabytes of SVG) and the text as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layers {
    All,
    Shapes,
    Text,
}

/// The surface and the paths in `area`, turned as `turn` says. `start` (a point and its loss)
/// is marked where the racers set off; each path ends in a dot. On a bitmap; a canvas that
/// antialiases wants [`draw_surface_layers`] with `seams`.
pub fn draw_surface<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Surface,
    paths: &[SurfacePath],
    start: Option<(Point, f64)>,
    turn: Turn,
    dpr: f64,
) -> DrawResult<DB> {
    draw_surface_layers(area, s, paths, start, turn, dpr, Layers::All, false)
}

/// [`draw_surface`], only the `layers` asked for; with `seams`, each triangle outlined in its
/// own colour (an antialiasing canvas leaves hairline seams between abutting triangles; a
/// bitmap does not, and the outlines cost it a third of the frame).
#[allow(clippy::too_many_arguments)]
pub fn draw_surface_layers<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Surface,
    paths: &[SurfacePath],
    start: Option<(Point, f64)>,
    turn: Turn,
    dpr: f64,
    layers: Layers,
    seams: bool,
) -> DrawResult<DB> {
    let m = Metrics::new(dpr);
    let (x, y, z) = (s.view.x, s.view.y, s.z);
    let mut chart = ChartBuilder::on(area)
        .margin(m.px(8.0).round() as u32)
        .build_cartesian_3d(x[0]..x[1], z[0]..z[1], y[1]..y[0])?;
    // A box lower than it is wide, as a relief map: less of the landscape hides behind its
    // own walls.
    let (w, h) = area.dim_in_pixel();
    let side = (w.min(h) as f64 * 0.8) as i32;
    chart.set_3d_pixel_range((side, (side as f64 * BOX_HEIGHT) as i32, side));
    let project = |chart: &mut plotters::chart::ChartContext<DB, _>, scale: f64| {
        chart.with_projection(|mut pb| {
            pb.yaw = turn.yaw.to_radians();
            pb.pitch = turn.pitch.to_radians();
            pb.scale = scale;
            pb.into_matrix()
        });
    };
    // Turned, the box is scaled to fill the area but for room for the labels, whatever the
    // angles; then zoomed.
    project(&mut chart, 1.0);
    let corners: Vec<[f64; 2]> = [x[0], x[1]]
        .iter()
        .flat_map(|&a| [z[0], z[1]].map(move |b| (a, b)))
        .flat_map(|(a, b)| [y[0], y[1]].map(move |c| (a, b, c)))
        .map(|p| {
            let (u, v) = plotters::coord::CoordTranslate::translate(chart.as_coord_spec(), &p);
            [u as f64, v as f64]
        })
        .collect();
    let (lo, hi) = corners.iter().fold(
        ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]),
        |(lo, hi), c| {
            (
                [lo[0].min(c[0]), lo[1].min(c[1])],
                [hi[0].max(c[0]), hi[1].max(c[1])],
            )
        },
    );
    let room = [
        w as f64 - 2.0 * m.px(LABEL_ROOM_CSS[0]),
        h as f64 - 2.0 * m.px(LABEL_ROOM_CSS[1]),
    ];
    let fit = (room[0] / (hi[0] - lo[0])).min(room[1] / (hi[1] - lo[1]));
    project(
        &mut chart,
        if fit.is_finite() && fit > 0.0 {
            fit * turn.zoom
        } else {
            turn.zoom
        },
    );
    let coord = chart.as_coord_spec().clone();
    let area3 = chart.plotting_area();
    let box3 = Box3 {
        x,
        y,
        z,
        coord: &coord,
    };
    if layers == Layers::Text {
        return draw_axes(area3, &box3, s, &m, layers);
    }
    draw_panels(area3, &box3, s, &m)?;

    // Cells from the farthest to the nearest along the ground: exact for a height field seen
    // from above (a cell only hides cells farther away), where sorting by their centres' depth
    // in space is not (steep walls came out jagged).
    let n = s.n;
    let mut cells: Vec<(i32, usize, usize)> = Vec::with_capacity((n - 1) * (n - 1));
    for j in 0..n - 1 {
        for i in 0..n - 1 {
            let (a, b) = (s.vertex(i, j), s.vertex(i + 1, j + 1));
            cells.push((
                coord.projected_depth(&((a.0 + b.0) / 2.0), &z[0], &((a.2 + b.2) / 2.0)),
                i,
                j,
            ));
        }
    }
    // plotters' projected depth grows away from the viewer.
    cells.sort_by_key(|c| std::cmp::Reverse(c.0));

    // Each racer's segments, each after the nearest cell it crosses: on top of the cells it
    // lies on (after its midpoint's alone, the nearer cells it crosses cut it into dashes), under
    // the ones in front of it.
    let mut rank = vec![0usize; (n - 1) * (n - 1)];
    for (order, &(_, i, j)) in cells.iter().enumerate() {
        rank[j * (n - 1) + i] = order;
    }
    let cell_step =
        ((s.view.x[1] - s.view.x[0]).min(s.view.y[1] - s.view.y[0]) / (n - 1) as f64) / 2.0;
    let mut on_cell: Vec<Vec<(usize, usize)>> = vec![Vec::new(); (n - 1) * (n - 1)];
    for (r, path) in paths.iter().enumerate() {
        for k in 0..path.points.len().min(path.losses.len()).saturating_sub(1) {
            let (a, b) = (path.points[k], path.points[k + 1]);
            if s.lift(a, path.losses[k]).is_none() || s.lift(b, path.losses[k + 1]).is_none() {
                continue;
            }
            let samples =
                (((b[0] - a[0]).hypot(b[1] - a[1]) / cell_step).ceil() as usize).clamp(1, 4 * n);
            let last = (0..=samples)
                .map(|q| {
                    let t = q as f64 / samples as f64;
                    let (i, j) = s.cell_of([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
                    j * (n - 1) + i
                })
                .max_by_key(|&c| rank[c])
                .unwrap_or(0);
            on_cell[last].push((r, k));
        }
    }

    // How far along its dash pattern each path is at each point: its length on screen so far.
    let (bx, by) = area.get_base_pixel();
    let base = [bx as f64, by as f64];
    let phases: Vec<Vec<f64>> = paths
        .iter()
        .map(|path| {
            let mut at = 0.0;
            let mut last: Option<[f64; 2]> = None;
            path.points
                .iter()
                .zip(path.losses)
                .map(|(&p, &l)| {
                    if let Some(q) = s.lift(p, l).map(|q| box3.screen(q)) {
                        if let Some(prev) = last {
                            at += ((q[0] - prev[0]).powi(2) + (q[1] - prev[1]).powi(2)).sqrt();
                        }
                        last = Some(q);
                    }
                    at
                })
                .collect()
        })
        .collect();

    let lut = colormap::background();
    let bands: Vec<[u8; 3]> = (0..=s.levels.len())
        .map(|b| colormap::lookup(&lut, s.levels.band_position(b)))
        .collect();
    let unit = |(a, b, c): (f64, f64, f64)| {
        [
            (a - x[0]) / (x[1] - x[0]),
            (b - z[0]) / (z[1] - z[0]),
            (c - y[0]) / (y[1] - y[0]),
        ]
    };
    let (line, under) = (m.stroke(2.5), m.stroke(5.0));
    for &(_, i, j) in &cells {
        let c = [
            s.vertex(i, j),
            s.vertex(i + 1, j),
            s.vertex(i + 1, j + 1),
            s.vertex(i, j + 1),
        ];
        if c.iter().all(|c| c.1.is_finite()) {
            let mean = (s.values[j * n + i]
                + s.values[j * n + i + 1]
                + s.values[(j + 1) * n + i + 1]
                + s.values[(j + 1) * n + i])
                / 4.0;
            let band = smooth_color(s, &lut, mean);
            // Shaded by the cell's normal (the cross product of its diagonals), both halves
            // alike: a checkerboard otherwise.
            let [p0, p1, p2, p3] = c.map(unit);
            let (u, v) = (
                [p2[0] - p0[0], p2[1] - p0[1], p2[2] - p0[2]],
                [p3[0] - p1[0], p3[1] - p1[1], p3[2] - p1[2]],
            );
            let normal = [
                u[1] * v[2] - u[2] * v[1],
                u[2] * v[0] - u[0] * v[2],
                u[0] * v[1] - u[1] * v[0],
            ];
            let color = shade(band, normal).to_rgba();
            // Two triangles: a steep cell's four corners do not lie in a plane, and its
            // outline can fold over itself on screen (filled, it lost triangles). The far one
            // first.
            let [t1, t2] = s.triangles(i, j).map(|t| t.map(|(a, b)| s.vertex(a, b)));
            let centre = |t: &[(f64, f64, f64); 3]| {
                coord.projected_depth(
                    &((t[0].0 + t[1].0 + t[2].0) / 3.0),
                    &z[0],
                    &((t[0].2 + t[1].2 + t[2].2) / 3.0),
                )
            };
            let ordered = if centre(&t1) >= centre(&t2) {
                [t1, t2]
            } else {
                [t2, t1]
            };
            for t in ordered {
                area3.draw(&Polygon::new(
                    t.to_vec(),
                    ShapeStyle {
                        color,
                        filled: true,
                        stroke_width: 0,
                    },
                ))?;
                // On an antialiasing canvas, its outline in its own colour too: no hairline
                // seams between triangles.
                if seams {
                    area3.draw(&PathElement::new(
                        vec![t[0], t[1], t[2], t[0]],
                        ShapeStyle {
                            color,
                            filled: false,
                            stroke_width: 1,
                        },
                    ))?;
                }
            }
        }
        let segments = &on_cell[j * (n - 1) + i];
        let mut k = 0;
        while k < segments.len() {
            // A run of consecutive segments of one racer: one polyline.
            let (r, first) = segments[k];
            let mut last = first;
            while k + 1 < segments.len() && segments[k + 1] == (r, last + 1) {
                k += 1;
                last += 1;
            }
            k += 1;
            let path = &paths[r];
            let points: Vec<(f64, f64, f64)> = (first..=last + 1)
                .filter_map(|q| s.lift(path.points[q], path.losses[q]))
                .collect();
            // On screen, dashed from where the path's pattern stands at its first point.
            let on_screen: Vec<[f64; 2]> = points
                .iter()
                .map(|&p| box3.screen(p))
                .map(|[u, v]| [u - base[0], v - base[1]])
                .collect();
            let pattern: Vec<f64> = path.dash.pattern().iter().map(|&l| m.px(l)).collect();
            let (pieces, _) = dash(&on_screen, &pattern, phases[r][first]);
            for (color, width) in [(casing(path.color), under), (path.color.to_rgba(), line)] {
                for piece in &pieces {
                    let piece = to_backend(piece);
                    if piece.len() >= 2 {
                        area.draw(&PathElement::new(
                            piece,
                            ShapeStyle {
                                color,
                                filled: false,
                                stroke_width: width,
                            },
                        ))?;
                    }
                }
            }
        }
    }

    draw_sides(area3, &box3, s, &bands)?;

    // Every path again, thin and faint over everything: what the surface hides of it still
    // shows, as a ghost.
    for path in paths {
        let points: Vec<(f64, f64, f64)> = path
            .points
            .iter()
            .zip(path.losses)
            .filter_map(|(&p, &l)| s.lift(p, l))
            .collect();
        area3.draw(&PathElement::new(
            points,
            ShapeStyle {
                color: path.color.mix(0.45),
                filled: false,
                stroke_width: m.stroke(1.0),
            },
        ))?;
    }

    // The start and every racer's end, on top.
    let r = m.px(5.0).round() as i32;
    for path in paths {
        let end = path
            .points
            .iter()
            .zip(path.losses)
            .rev()
            .find_map(|(&p, &l)| s.lift(p, l));
        if let Some(p) = end {
            area3.draw(&Circle::new(
                p,
                r,
                ShapeStyle {
                    color: path.color.to_rgba(),
                    filled: true,
                    stroke_width: 0,
                },
            ))?;
            area3.draw(&Circle::new(
                p,
                r,
                ShapeStyle {
                    color: casing(path.color),
                    filled: false,
                    stroke_width: m.stroke(1.5),
                },
            ))?;
        }
    }
    if let Some((p, loss)) = start {
        if let Some(q) = s.lift(p, loss) {
            area3.draw(&Circle::new(
                q,
                r,
                ShapeStyle {
                    color: RGBColor(255, 255, 255).to_rgba(),
                    filled: true,
                    stroke_width: 0,
                },
            ))?;
            area3.draw(&Circle::new(
                q,
                r,
                ShapeStyle {
                    color: INK.to_rgba(),
                    filled: false,
                    stroke_width: m.stroke(1.5),
                },
            ))?;
        }
    }
    draw_axes(area3, &box3, s, &m, layers)
}

/// The box's height over its width and depth.
pub const BOX_HEIGHT: f64 = 0.55;

/// Room left around the turned box for its labels and names, in CSS px: each side of it, and
/// above and below.
const LABEL_ROOM_CSS: [f64; 2] = [70.0, 46.0];

type Area3<'a, DB> = DrawingArea<
    DB,
    plotters::coord::cartesian::Cartesian3d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// The chart's box: its ranges (x, y of the plane; z the height) and its projection.
struct Box3<'a> {
    x: [f64; 2],
    y: [f64; 2],
    z: [f64; 2],
    coord: &'a plotters::coord::cartesian::Cartesian3d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
}

impl Box3<'_> {
    /// How far from the viewer a point is (larger: farther, as plotters puts its panels).
    fn depth(&self, p: (f64, f64, f64)) -> i32 {
        self.coord.projected_depth(&p.0, &p.1, &p.2)
    }
    fn screen(&self, p: (f64, f64, f64)) -> [f64; 2] {
        let (a, b) = plotters::coord::CoordTranslate::translate(self.coord, &p);
        [a as f64, b as f64]
    }
    /// The far side of x and of y: the walls behind the surface.
    fn far(&self) -> (f64, f64) {
        let fx = if self.depth((self.x[0], self.z[0], (self.y[0] + self.y[1]) / 2.0))
            > self.depth((self.x[1], self.z[0], (self.y[0] + self.y[1]) / 2.0))
        {
            self.x[0]
        } else {
            self.x[1]
        };
        let fy = if self.depth(((self.x[0] + self.x[1]) / 2.0, self.z[0], self.y[0]))
            > self.depth(((self.x[0] + self.x[1]) / 2.0, self.z[0], self.y[1]))
        {
            self.y[0]
        } else {
            self.y[1]
        };
        (fx, fy)
    }
}

/// The colour of the value `v`: the contour plot's band colours at the levels, blended between
/// them, so that the bands' edges do not follow the cells in steps.
fn smooth_color(s: &Surface, lut: &[[u8; 3]; 256], v: f64) -> [u8; 3] {
    let levels = &s.levels.values;
    let Some(band) = s.levels.band(v) else {
        return colormap::NON_FINITE;
    };
    if levels.len() < 2 {
        return colormap::lookup(lut, s.levels.band_position(band));
    }
    // Where v lies between the levels around it, in the height's own terms (log or linear).
    let h = |x: f64| s.height.of(x);
    let k = band.clamp(1, levels.len() - 1);
    let (lo, hi) = (h(levels[k - 1]), h(levels[k]));
    let t = if hi > lo {
        ((h(v) - lo) / (hi - lo)).clamp(-1.0, 2.0)
    } else {
        0.5
    };
    let position = ((k as f64 - 0.5 + t) / levels.len() as f64).clamp(0.0, 1.0);
    colormap::lookup(lut, position)
}

/// The surface's two near sides closed down to the floor, as a block's faces: without them the
/// eye looked under a raised near edge at the surface's underside. Each strip in the band colour
/// of the surface above it, darkened; the surface's edge drawn over them.
fn draw_sides<DB: DrawingBackend>(
    area: &Area3<DB>,
    b: &Box3,
    s: &Surface,
    bands: &[[u8; 3]],
) -> DrawResult<DB> {
    let (fx, fy) = b.far();
    let n = s.n;
    let (near_i, near_j) = (
        if fx == b.x[0] { n - 1 } else { 0 },
        if fy == b.y[0] { n - 1 } else { 0 },
    );
    let floor = b.z[0];
    let edge = ShapeStyle {
        color: RGBAColor(20, 20, 30, 0.55),
        filled: false,
        stroke_width: 1,
    };
    let sides: [Vec<(usize, usize)>; 2] = [
        (0..n).map(|i| (i, near_j)).collect(),
        (0..n).map(|j| (near_i, j)).collect(),
    ];
    for (side, vertices) in sides.iter().enumerate() {
        for w in vertices.windows(2) {
            let (a, c) = (s.vertex(w[0].0, w[0].1), s.vertex(w[1].0, w[1].1));
            if !(a.1.is_finite() && c.1.is_finite()) {
                continue;
            }
            let mean = (s.values[w[0].1 * n + w[0].0] + s.values[w[1].1 * n + w[1].0]) / 2.0;
            let band = s
                .levels
                .band(mean)
                .map_or(colormap::NON_FINITE, |k| bands[k.min(bands.len() - 1)]);
            // The two sides a little apart in tone, as two faces of a block in one light.
            let k = if side == 0 { 0.62 } else { 0.74 };
            let color = RGBColor(
                (band[0] as f64 * k) as u8,
                (band[1] as f64 * k) as u8,
                (band[2] as f64 * k) as u8,
            )
            .to_rgba();
            let quad = vec![a, c, (c.0, floor, c.2), (a.0, floor, a.2)];
            area.draw(&Polygon::new(
                quad.clone(),
                ShapeStyle {
                    color,
                    filled: true,
                    stroke_width: 0,
                },
            ))?;
            area.draw(&PathElement::new(
                [quad, vec![a]].concat(),
                ShapeStyle {
                    color,
                    filled: false,
                    stroke_width: 1,
                },
            ))?;
        }
        let top: Vec<(f64, f64, f64)> = vertices
            .iter()
            .map(|&(i, j)| s.vertex(i, j))
            .filter(|v| v.1.is_finite())
            .collect();
        area.draw(&PathElement::new(top, edge))?;
    }
    Ok(())
}

/// The ticks of each axis: x and y of the plane, and the height (decades where it is a
/// logarithm, labelled as powers of ten).
pub fn ticks(s: &Surface) -> [Vec<(f64, String)>; 3] {
    let plane = |r: [f64; 2]| {
        let (t, step) = super::ticks::linear(r[0], r[1], 5);
        let labels = super::ticks::axis_labels(&t, step, r[0], r[1]).labels;
        t.into_iter().zip(labels).collect::<Vec<_>>()
    };
    let up = match s.height {
        Height::Log { .. } => {
            let (lo, hi) = (s.z[0].ceil() as i32, s.z[1].floor() as i32);
            super::ticks::decades(lo, hi, 6)
                .into_iter()
                .map(|e| (e as f64, format_pow10(e)))
                .collect()
        }
        Height::Linear => {
            let (t, step) = super::ticks::linear(s.z[0], s.z[1], 5);
            let labels = super::ticks::axis_labels(&t, step, s.z[0], s.z[1]).labels;
            t.into_iter().zip(labels).collect()
        }
    };
    [plane(s.view.x), plane(s.view.y), up]
}

/// The height axis's name, as the contour plot's colour bar's: `f − f*` above a known minimum
/// other than 0, else `f`.
pub fn height_name(s: &Surface) -> &'static str {
    match s.height {
        Height::Log { base, .. } if base.abs() > 1e-12 => "f \u{2212} f*",
        _ => "f",
    }
}

/// The floor and the two walls behind the surface, with grid lines at the ticks.
fn draw_panels<DB: DrawingBackend>(
    area: &Area3<DB>,
    b: &Box3,
    s: &Surface,
    m: &Metrics,
) -> DrawResult<DB> {
    let (x, y, z) = (b.x, b.y, b.z);
    let (fx, fy) = b.far();
    // Opaque greys (the page and the figures draw on white): a translucent fill of half the
    // picture is a blend per pixel.
    let panel = ShapeStyle {
        color: RGBColor(245, 245, 245).to_rgba(),
        filled: true,
        stroke_width: 0,
    };
    let edge = ShapeStyle {
        color: RGBColor(160, 160, 160).to_rgba(),
        filled: false,
        stroke_width: m.stroke(1.0),
    };
    let grid = ShapeStyle {
        color: RGBColor(215, 215, 215).to_rgba(),
        filled: false,
        stroke_width: m.stroke(1.0),
    };
    let faces = [
        vec![
            (x[0], z[0], y[0]),
            (x[1], z[0], y[0]),
            (x[1], z[0], y[1]),
            (x[0], z[0], y[1]),
        ],
        vec![
            (fx, z[0], y[0]),
            (fx, z[1], y[0]),
            (fx, z[1], y[1]),
            (fx, z[0], y[1]),
        ],
        vec![
            (x[0], z[0], fy),
            (x[1], z[0], fy),
            (x[1], z[1], fy),
            (x[0], z[1], fy),
        ],
    ];
    for face in &faces {
        area.draw(&Polygon::new(face.clone(), panel))?;
    }
    let [tx, ty, tz] = ticks(s);
    for (t, _) in &tx {
        area.draw(&PathElement::new(
            vec![(*t, z[0], y[0]), (*t, z[0], y[1])],
            grid,
        ))?;
        area.draw(&PathElement::new(
            vec![(*t, z[0], fy), (*t, z[1], fy)],
            grid,
        ))?;
    }
    for (t, _) in &ty {
        area.draw(&PathElement::new(
            vec![(x[0], z[0], *t), (x[1], z[0], *t)],
            grid,
        ))?;
        area.draw(&PathElement::new(
            vec![(fx, z[0], *t), (fx, z[1], *t)],
            grid,
        ))?;
    }
    for (t, _) in &tz {
        area.draw(&PathElement::new(
            vec![(fx, *t, y[0]), (fx, *t, y[1])],
            grid,
        ))?;
        area.draw(&PathElement::new(
            vec![(x[0], *t, fy), (x[1], *t, fy)],
            grid,
        ))?;
    }
    for face in &faces {
        let mut ring = face.clone();
        ring.push(face[0]);
        area.draw(&PathElement::new(ring, edge))?;
    }
    Ok(())
}

/// One axis to draw: where its ticks are in space, their values and labels, its name, and the
/// box edge it runs along.
type Axis<'a> = (
    Vec<(f64, f64, f64)>,
    &'a [(f64, String)],
    &'a str,
    [(f64, f64, f64); 2],
);

/// Ticks, labels and names of the three axes on the box's near edges: x and y along the floor's
/// two front edges, the height up the wall edge on the left.
fn draw_axes<DB: DrawingBackend>(
    area: &Area3<DB>,
    b: &Box3,
    s: &Surface,
    m: &Metrics,
    layers: Layers,
) -> DrawResult<DB> {
    let (shapes, text) = (layers != Layers::Text, layers != Layers::Shapes);
    let (x, y, z) = (b.x, b.y, b.z);
    let (fx, fy) = b.far();
    let (nx, ny) = (x[0] + x[1] - fx, y[0] + y[1] - fy);
    let centre = b.screen((
        (x[0] + x[1]) / 2.0,
        (z[0] + z[1]) / 2.0,
        (y[0] + y[1]) / 2.0,
    ));
    let ink = ShapeStyle {
        color: INK.to_rgba(),
        filled: false,
        stroke_width: m.stroke(1.0),
    };
    let [tx, ty, tz] = ticks(s);
    // The vertical edge farthest left on screen, among the three in view.
    let corners = [(nx, fy), (fx, ny), (nx, ny)];
    let (vx, vy) = corners
        .into_iter()
        .min_by(|a, b2| b.screen((a.0, z[0], a.1))[0].total_cmp(&b.screen((b2.0, z[0], b2.1))[0]))
        .unwrap_or((nx, ny));
    let up = height_name(s);
    let axes: [Axis; 3] = [
        (
            tx.iter().map(|(t, _)| (*t, z[0], ny)).collect(),
            &tx,
            "x",
            [(x[0], z[0], ny), (x[1], z[0], ny)],
        ),
        (
            ty.iter().map(|(t, _)| (nx, z[0], *t)).collect(),
            &ty,
            "y",
            [(nx, z[0], y[0]), (nx, z[0], y[1])],
        ),
        (
            tz.iter().map(|(t, _)| (vx, *t, vy)).collect(),
            &tz,
            up,
            [(vx, z[0], vy), (vx, z[1], vy)],
        ),
    ];
    let label = |size: f64, style: FontStyle, d: [f64; 2]| {
        let h = if d[0] < -0.35 {
            HPos::Right
        } else if d[0] > 0.35 {
            HPos::Left
        } else {
            HPos::Center
        };
        let v = if d[1] < -0.35 {
            VPos::Bottom
        } else if d[1] > 0.35 {
            VPos::Top
        } else {
            VPos::Center
        };
        TextStyle {
            font: font(size, style),
            color: INK.to_backend_color(),
            pos: Pos::new(h, v),
        }
    };
    for (at, ticks, name, ends) in axes {
        if shapes {
            area.draw(&PathElement::new(ends.to_vec(), ink))?;
        }
        // Outward: from the box's centre on screen toward the edge's middle (sideways for the
        // height, whose edge runs through the centre's height).
        let mid = [
            (b.screen(ends[0])[0] + b.screen(ends[1])[0]) / 2.0,
            (b.screen(ends[0])[1] + b.screen(ends[1])[1]) / 2.0,
        ];
        let mut d = [
            mid[0] - centre[0],
            if name == up { 0.0 } else { mid[1] - centre[1] },
        ];
        let n = d[0].hypot(d[1]).max(1e-9);
        d = [d[0] / n, d[1] / n];
        let tick = m.px(6.0);
        for (p, (_, label_text)) in at.iter().zip(ticks) {
            let o = [d[0] * tick, d[1] * tick];
            if shapes {
                area.draw(
                    &(EmptyElement::at(*p)
                        + PathElement::new(
                            vec![(0, 0), (o[0].round() as i32, o[1].round() as i32)],
                            ink,
                        )),
                )?;
            }
            let t = [d[0] * (tick + m.px(4.0)), d[1] * (tick + m.px(4.0))];
            if text {
                area.draw(
                    &(EmptyElement::at(*p)
                        + Text::new(
                            label_text.clone(),
                            (t[0].round() as i32, t[1].round() as i32),
                            label(m.font() * 0.93, FontStyle::Normal, d),
                        )),
                )?;
            }
        }
        let away = m.px(if name == up { 48.0 } else { 36.0 });
        let middle = (
            (ends[0].0 + ends[1].0) / 2.0,
            (ends[0].1 + ends[1].1) / 2.0,
            (ends[0].2 + ends[1].2) / 2.0,
        );
        let style = if name.chars().count() <= 1 || name == up {
            FontStyle::Italic
        } else {
            FontStyle::Normal
        };
        if !text {
            continue;
        }
        area.draw(
            &(EmptyElement::at(middle)
                + Text::new(
                    name.to_string(),
                    ((d[0] * away).round() as i32, (d[1] * away).round() as i32),
                    label(m.title_font(), style, d),
                )),
        )?;
    }
    Ok(())
}
