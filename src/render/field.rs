//! The landscape sampled at every plot pixel: its levels, its banded RGBA fill and its
//! iso-lines.
//!
//! Sample `(i, j)` (column i, row j from the top) is the value at the centre of plot pixel
//! `(i, j)`: exactly [`Mapping::pixel_center`] when the field is sampled for a mapping at the
//! plot's resolution. The fill colours each pixel by its band (see [`super::levels`]) with the
//! page's background map ([`colormap::background`]); non-finite values are a neutral grey. The
//! iso-lines are traced through the same samples, so they run exactly along the fill's band
//! edges.

use super::colormap::{self, NON_FINITE};
use super::contour::{bands_into, isolines_banded, Polyline};
use super::layout::Mapping;
use super::levels::Levels;
use crate::landscape::{Mark, MarkKind, Objective, Point, View};

/// A landscape sampled on a `width x height` grid of pixel centres covering `view`.
#[derive(Clone, Debug)]
pub struct Field {
    pub view: View,
    pub width: usize,
    pub height: usize,
    /// Row-major, top row first: `values[j * width + i]`.
    pub values: Vec<f64>,
    pub levels: Levels,
    /// The band of every sample under `levels` ([`NO_BAND`](super::contour::NO_BAND) where not finite).
    pub bands: Vec<u16>,
}

impl Field {
    /// Samples `f` at the centre of every cell of a `width x height` grid over `view` (row 0 at
    /// the top, `view.y[1]`) and chooses levels; `known_min` is the global minimum value of `f`,
    /// if known (see [`known_minimum`]).
    pub fn sample(
        view: View,
        width: usize,
        height: usize,
        known_min: Option<f64>,
        f: impl FnMut(Point) -> f64,
    ) -> Field {
        let mut field = Field::empty();
        field.resample(view, width, height, known_min, f);
        field
    }

    /// A field of no samples, to [`Field::resample`] into.
    pub fn empty() -> Field {
        Field {
            view: View::new(0.0, 1.0, 0.0, 1.0),
            width: 0,
            height: 0,
            values: Vec::new(),
            levels: Levels {
                values: Vec::new(),
                spacing: super::levels::Spacing::Linear,
            },
            bands: Vec::new(),
        }
    }

    /// [`Field::sample`] in place, reusing this field's buffers: no allocation when the size
    /// does not grow (fresh megabytes cost page faults, natively and in wasm alike).
    pub fn resample(
        &mut self,
        view: View,
        width: usize,
        height: usize,
        known_min: Option<f64>,
        mut f: impl FnMut(Point) -> f64,
    ) {
        let mut rows = Rows::new(view, width, height, std::mem::take(&mut self.values));
        while rows.next_row(&mut f) {}
        rows.finish_into(self, known_min);
    }

    /// The objective (scale included) at every pixel of the mapping's plot rectangle, with
    /// levels based on the global minima among `marks`. Put [`Field::rgba`] at
    /// `(mapping.plot.x, mapping.plot.y)`.
    pub fn for_mapping(objective: &Objective, mapping: &Mapping, marks: &[Mark]) -> Field {
        Field::for_mapping_at(objective, mapping, marks, 1)
    }

    /// Like [`Field::for_mapping`], at one sample per `step x step` device pixels (step >= 1):
    /// a quarter of the work for step 2, for a canvas scaled up with `drawImage`.
    pub fn for_mapping_at(
        objective: &Objective,
        mapping: &Mapping,
        marks: &[Mark],
        step: u32,
    ) -> Field {
        let step = step.max(1) as usize;
        let (w, h) = (mapping.plot.width as usize, mapping.plot.height as usize);
        let (w, h) = (w.div_ceil(step), h.div_ceil(step));
        // Sub-sampled, the grid covers step * w pixels, a little more than the plot.
        let view = if step == 1 {
            mapping.view
        } else {
            let far = mapping.to_data([
                mapping.plot.x as f64 + (w * step) as f64,
                mapping.plot.y as f64 + (h * step) as f64,
            ]);
            View {
                x: [mapping.view.x[0], far[0]],
                y: [far[1], mapping.view.y[1]],
            }
        };
        let mut field = Field::empty();
        field.resample_objective(objective, view, w, h, marks);
        field
    }

    /// [`Field::for_mapping`] in place, reusing this field's buffers.
    pub fn update(&mut self, objective: &Objective, mapping: &Mapping, marks: &[Mark]) {
        let (w, h) = (mapping.plot.width as usize, mapping.plot.height as usize);
        self.resample_objective(objective, mapping.view, w, h, marks);
    }

    fn resample_objective(
        &mut self,
        objective: &Objective,
        view: View,
        w: usize,
        h: usize,
        marks: &[Mark],
    ) {
        let known = known_minimum(objective, marks);
        let mut rows = Rows::new(view, w, h, std::mem::take(&mut self.values));
        while rows.next_objective_row(objective) {}
        rows.finish_into(self, known);
    }

    /// Grid coordinates (as [`super::contour`] returns them) to data.
    pub fn grid_to_data(&self, [gi, gj]: [f64; 2]) -> Point {
        [
            self.view.x[0] + (gi + 0.5) / self.width as f64 * (self.view.x[1] - self.view.x[0]),
            self.view.y[1] - (gj + 0.5) / self.height as f64 * (self.view.y[1] - self.view.y[0]),
        ]
    }

    /// The colour of every band, lowest first ([`colormap::background`] at the band's position).
    pub fn band_colors(&self) -> Vec<[u8; 3]> {
        let lut = colormap::background();
        (0..=self.levels.len())
            .map(|b| colormap::lookup(&lut, self.levels.band_position(b)))
            .collect()
    }

    /// The banded fill, `width * height * 4` bytes of straight RGBA, ready for `ImageData`.
    pub fn rgba(&self) -> Vec<u8> {
        let mut out = vec![0; self.width * self.height * 4];
        self.write_rgba(&mut out);
        out
    }

    /// [`Field::rgba`] into a buffer of `width * height * 4` bytes (no allocation per call
    /// beyond the band table). Panics on a buffer of another size.
    pub fn write_rgba(&self, out: &mut [u8]) {
        assert_eq!(
            out.len(),
            self.values.len() * 4,
            "write_rgba: buffer of {} bytes for {} pixels",
            out.len(),
            self.values.len()
        );
        let table: Vec<[u8; 4]> = self
            .band_colors()
            .into_iter()
            .map(|[r, g, b]| [r, g, b, 255])
            .collect();
        let bad = [NON_FINITE[0], NON_FINITE[1], NON_FINITE[2], 255];
        let (pixels, _) = out.as_chunks_mut::<4>();
        for (px, &b) in pixels.iter_mut().zip(&self.bands) {
            *px = *table.get(b as usize).unwrap_or(&bad);
        }
    }

    /// The iso-lines of every level, in grid coordinates: `(level, lines)`, lowest level first.
    pub fn isolines(&self) -> Vec<(f64, Vec<Polyline>)> {
        let lines = isolines_banded(
            &self.values,
            &self.bands,
            self.width,
            self.height,
            &self.levels.values,
        );
        self.levels.values.iter().copied().zip(lines).collect()
    }
}

/// Rows of samples filled one at a time, tracking the finite range on the way.
struct Rows {
    view: View,
    width: usize,
    height: usize,
    xs: Vec<f64>,
    values: Vec<f64>,
    lo: f64,
    hi: f64,
}

impl Rows {
    fn new(view: View, width: usize, height: usize, mut values: Vec<f64>) -> Rows {
        let dx = view.x[1] - view.x[0];
        let xs = (0..width)
            .map(|i| view.x[0] + (i as f64 + 0.5) / width as f64 * dx)
            .collect();
        values.clear();
        values.reserve(width * height);
        Rows {
            view,
            width,
            height,
            xs,
            values,
            lo: f64::INFINITY,
            hi: f64::NEG_INFINITY,
        }
    }

    fn done(&self) -> usize {
        self.values
            .len()
            .checked_div(self.width)
            .unwrap_or(self.height)
    }

    /// Fills the next row with `fill(xs, y, out)`, which appends one value per x; false once
    /// every row is done.
    fn fill_next_row(&mut self, fill: impl FnOnce(&[f64], f64, &mut Vec<f64>)) -> bool {
        let j = self.done();
        if j >= self.height {
            return false;
        }
        let y = self.view.y[1]
            - (j as f64 + 0.5) / self.height as f64 * (self.view.y[1] - self.view.y[0]);
        let start = self.values.len();
        fill(&self.xs, y, &mut self.values);
        // Comparisons, not f64::min/max: wasm has no instruction for IEEE minNum (its f64.min
        // propagates NaN), so those are a libm call per sample, two thirds of the sampling time.
        for &v in &self.values[start..] {
            if v.is_finite() {
                if v < self.lo {
                    self.lo = v;
                }
                if v > self.hi {
                    self.hi = v;
                }
            }
        }
        true
    }

    /// Samples the next row of `f`; false once every row is done.
    fn next_row(&mut self, f: &mut impl FnMut(Point) -> f64) -> bool {
        self.fill_next_row(|xs, y, out| out.extend(xs.iter().map(|&x| f([x, y]))))
    }

    /// [`Rows::next_row`] for an objective, a row per dynamic call: `scale * f`, exactly as
    /// `Objective::value` computes it.
    fn next_objective_row(&mut self, objective: &Objective) -> bool {
        self.fill_next_row(|xs, y, out| {
            let start = out.len();
            objective.f.values_along_x(xs, y, out);
            for v in &mut out[start..] {
                *v *= objective.scale;
            }
        })
    }

    fn finish_into(self, field: &mut Field, known_min: Option<f64>) {
        field.view = self.view;
        field.width = self.width;
        field.height = self.height;
        field.values = self.values;
        field.levels = Levels::choose_in(&field.values, self.lo, self.hi, known_min);
        bands_into(&field.values, &field.levels.values, &mut field.bands);
    }
}

/// A [`Field::for_mapping`] computed a few rows at a time, for landscapes too costly to sample
/// in one frame: [`Sampler::advance`] until it returns the field.
pub struct Sampler {
    rows: Rows,
    known_min: Option<f64>,
}

impl Sampler {
    pub fn new(objective: &Objective, mapping: &Mapping, marks: &[Mark]) -> Sampler {
        let (w, h) = (mapping.plot.width as usize, mapping.plot.height as usize);
        Sampler {
            rows: Rows::new(mapping.view, w, h, Vec::new()),
            known_min: known_minimum(objective, marks),
        }
    }

    /// Samples up to `rows` more rows; the finished field once every row is done.
    pub fn advance(&mut self, objective: &Objective, rows: usize) -> Option<Field> {
        for _ in 0..rows {
            if !self.rows.next_objective_row(objective) {
                break;
            }
        }
        if self.rows.done() < self.rows.height {
            return None;
        }
        let view = self.rows.view;
        let rows = std::mem::replace(&mut self.rows, Rows::new(view, 0, 0, Vec::new()));
        let mut field = Field::empty();
        rows.finish_into(&mut field, self.known_min);
        Some(field)
    }

    /// Fraction of the rows done.
    pub fn progress(&self) -> f64 {
        if self.rows.height == 0 {
            1.0
        } else {
            self.rows.done() as f64 / self.rows.height as f64
        }
    }
}

/// The lowest objective value (scale included) among the global minima in `marks`.
pub fn known_minimum(objective: &Objective, marks: &[Mark]) -> Option<f64> {
    marks
        .iter()
        .filter(|m| m.kind == MarkKind::Global)
        .map(|m| objective.value(m.at))
        .filter(|v| v.is_finite())
        .fold(None, |best, v| Some(best.map_or(v, |b: f64| b.min(v))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::landscape::find;
    use crate::render::layout::{Layout, Mapping};
    use crate::schema::Hyper;

    fn objective(name: &str) -> (Objective, crate::landscape::Built) {
        let info = find(name).unwrap();
        let built = (info.build)(&Hyper::defaults(info.params));
        let again = (info.build)(&Hyper::defaults(info.params));
        (Objective::new(again.f, 1.0), built)
    }

    #[test]
    fn samples_are_the_mappings_pixel_centres() {
        let (obj, built) = objective("rosenbrock");
        let layout = Layout::landscape(300, 260, 1.0);
        let m = Mapping::fit(layout.plot, built.view);
        let field = Field::for_mapping(&obj, &m, &built.marks);
        assert_eq!(
            (field.width, field.height),
            (m.plot.width as usize, m.plot.height as usize)
        );
        for (i, j) in [(0, 0), (17, 3), (field.width - 1, field.height - 1)] {
            let p = m.pixel_center(i, j);
            assert_eq!(field.grid_to_data([i as f64, j as f64]), p);
            assert_eq!(field.values[j * field.width + i], obj.value(p));
        }
    }

    #[test]
    fn rgba_is_banded_and_lowest_at_the_minimum() {
        let (obj, built) = objective("rosenbrock");
        let layout = Layout::landscape(400, 400, 1.0);
        let m = Mapping::new(layout.plot, built.view);
        let field = Field::for_mapping(&obj, &m, &built.marks);
        let rgba = field.rgba();
        assert_eq!(rgba.len(), field.width * field.height * 4);
        assert!(rgba.chunks(4).all(|p| p[3] == 255));
        let colors = field.band_colors();
        // The pixel under the minimum (1, 1) has the lowest band's colour.
        let [px, py] = m.to_px([1.0, 1.0]);
        let (i, j) = (
            (px - m.plot.x as f64) as usize,
            (py - m.plot.y as f64) as usize,
        );
        let k = (j * field.width + i) * 4;
        assert_eq!(&rgba[k..k + 3], &colors[0]);
        // The highest corner (-2, -1) has the top band's.
        let k = ((field.height - 1) * field.width) * 4;
        assert_eq!(&rgba[k..k + 3], colors.last().unwrap());
        // Every pixel is one of the band colours.
        assert!(rgba
            .chunks(4)
            .all(|p| colors.iter().any(|c| c[..] == p[..3])));
    }

    #[test]
    fn non_finite_is_grey() {
        let view = View::new(-1.0, 1.0, -1.0, 1.0);
        let field = Field::sample(view, 4, 4, None, |[x, y]| {
            if x < 0.0 {
                f64::NAN
            } else if y < 0.0 {
                f64::INFINITY
            } else {
                x + y
            }
        });
        let rgba = field.rgba();
        assert_eq!(&rgba[0..3], &NON_FINITE); // top-left: x < 0
        assert_eq!(&rgba[(3 * 4 + 3) * 4..(3 * 4 + 3) * 4 + 3], &NON_FINITE); // bottom-right: y < 0
        assert_ne!(&rgba[3 * 4..3 * 4 + 3], &NON_FINITE); // top-right: finite
                                                          // A constant field has no levels and one colour.
        let flat = Field::sample(view, 3, 3, None, |_| 2.0);
        assert!(flat.levels.is_empty() && flat.isolines().is_empty());
        let rgba = flat.rgba();
        assert!(rgba.chunks(4).all(|p| p == &rgba[..4]));
    }

    #[test]
    fn subsampled_field_covers_the_plot() {
        let (obj, built) = objective("himmelblau");
        let layout = Layout::landscape(801, 600, 1.0);
        let m = Mapping::fit(layout.plot, built.view);
        let f2 = Field::for_mapping_at(&obj, &m, &built.marks, 2);
        assert_eq!(f2.width, (m.plot.width as usize).div_ceil(2));
        // Sample (i, j) is the centre of the 2x2 block of plot pixels (2i, 2j)..(2i+1, 2j+1).
        let p = f2.grid_to_data([3.0, 5.0]);
        let q = m.to_data([m.plot.x as f64 + 7.0, m.plot.y as f64 + 11.0]);
        assert!(
            (p[0] - q[0]).abs() < 1e-12 && (p[1] - q[1]).abs() < 1e-12,
            "{p:?} {q:?}"
        );
    }

    #[test]
    fn update_reuses_and_matches_a_fresh_field() {
        let (obj, built) = objective("beale");
        let layout = Layout::landscape(320, 300, 1.0);
        let m = Mapping::fit(layout.plot, built.view);
        let mut field = Field::for_mapping(&obj, &m, &built.marks);
        let zoomed = Mapping::new(m.plot, m.zoom([150.0, 120.0], 3.0));
        field.update(&obj, &zoomed, &built.marks);
        let fresh = Field::for_mapping(&obj, &zoomed, &built.marks);
        assert_eq!(field.values, fresh.values);
        assert_eq!(field.levels, fresh.levels);
        assert_eq!(field.bands, fresh.bands);
        assert_eq!(field.rgba(), fresh.rgba());
        assert_eq!(field.isolines(), fresh.isolines());
    }

    #[test]
    fn known_minimum_uses_global_marks_and_scale() {
        let (mut obj, built) = objective("styblinski_tang");
        let m = known_minimum(&obj, &built.marks).unwrap();
        assert!((m + 78.33233).abs() < 1e-4, "{m}");
        obj.scale = 2.0;
        assert!((known_minimum(&obj, &built.marks).unwrap() - 2.0 * m).abs() < 1e-9);
        assert_eq!(known_minimum(&obj, &[]), None);
    }

    #[test]
    fn a_field_sampled_row_by_row_equals_one_sampled_at_once() {
        let (objective, built) = objective("himmelblau");
        let mapping = Mapping::fit(
            crate::render::Layout::landscape(160, 120, 1.0).plot,
            built.view,
        );
        let whole = Field::for_mapping(&objective, &mapping, &built.marks);
        let mut sampler = Sampler::new(&objective, &mapping, &built.marks);
        let mut calls = 0;
        let field = loop {
            calls += 1;
            if let Some(f) = sampler.advance(&objective, 7) {
                break f;
            }
            assert!(sampler.progress() < 1.0);
        };
        assert_eq!(calls, whole.height.div_ceil(7));
        assert_eq!(field.values, whole.values);
        assert_eq!(field.bands, whole.bands);
        assert_eq!(field.levels.values, whole.levels.values);
        assert_eq!(
            (field.width, field.height, field.view),
            (whole.width, whole.height, whole.view)
        );
    }
}
