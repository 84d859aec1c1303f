//! Where the plot goes on a canvas, and the one mapping between data and device pixels.
//!
//! Sizes are chosen in CSS pixels and multiplied by the device pixel ratio (`dpr`): tick labels
//! are [`Metrics::font`] = 14 CSS px, so 28 device px on a 2x screen. All coordinates here are
//! **device pixels relative to the drawing area** handed to the scene functions; for the root
//! area of a canvas (what web.rs uses) they are the canvas's own pixels.
//!
//! [`Mapping`] is the single source of truth for the landscape chart: the RGBA field samples
//! the data point at the centre of every plot pixel with [`Mapping::pixel_center`], and every
//! line plotters draws is projected with [`Mapping::to_px`] and rounded to the nearest pixel,
//! so the fill and the vectors agree to half a pixel. Plot pixel `(i, j)` covers
//! `[plot.x + i, plot.x + i + 1) x [plot.y + j, plot.y + j + 1)`; the view's edges lie on the
//! plot rectangle's edges, and y grows upward in data, downward in pixels.

use crate::landscape::{Point, View};

/// A rectangle in device pixels: `x, y` its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlotRect {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl PlotRect {
    pub fn right(&self) -> i32 {
        self.x + self.width as i32
    }
    pub fn bottom(&self) -> i32 {
        self.y + self.height as i32
    }
    /// Whether a device-pixel position lies inside (edges included).
    pub fn contains(&self, [px, py]: [f64; 2]) -> bool {
        px >= self.x as f64
            && px <= self.right() as f64
            && py >= self.y as f64
            && py <= self.bottom() as f64
    }
}

/// Sizes in device pixels for one device pixel ratio.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    pub dpr: f64,
}

impl Metrics {
    /// Tick-label font size in CSS px.
    pub const FONT_CSS: f64 = 14.0;
    /// Axis-title font size in CSS px.
    pub const TITLE_CSS: f64 = 15.0;

    /// A sanitized ratio: non-finite or non-positive becomes 1, and it is kept within [0.5, 8].
    pub fn new(dpr: f64) -> Metrics {
        let dpr = if dpr.is_finite() && dpr > 0.0 {
            dpr.clamp(0.5, 8.0)
        } else {
            1.0
        };
        Metrics { dpr }
    }
    /// CSS pixels to device pixels.
    pub fn px(&self, css: f64) -> f64 {
        css * self.dpr
    }
    /// A whole number of device pixels, at least 1 (plotters' stroke widths are integers).
    pub fn stroke(&self, css: f64) -> u32 {
        (css * self.dpr).round().max(1.0) as u32
    }
    pub fn font(&self) -> f64 {
        self.px(Self::FONT_CSS)
    }
    pub fn title_font(&self) -> f64 {
        self.px(Self::TITLE_CSS)
    }
    pub fn tick_len(&self) -> f64 {
        self.px(5.0)
    }
    /// A generous width for a label of `chars` characters (sans-serif digits are ~0.55 em).
    pub fn label_width(&self, chars: usize) -> f64 {
        chars as f64 * 0.6 * self.font()
    }
}

/// The plot rectangle of a chart on a canvas of `width x height` device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    pub width: u32,
    pub height: u32,
    pub metrics: Metrics,
    pub plot: PlotRect,
}

impl Layout {
    /// The landscape chart: y tick labels and title on the left, x below, and the colour bar
    /// with its labels on the right. Margins have fixed sizes (in CSS px, for labels of up to
    /// six characters), so that panning and zooming never move the plot.
    pub fn landscape(width: u32, height: u32, dpr: f64) -> Layout {
        let m = Metrics::new(dpr);
        let left = m.tick_len() + m.px(6.0) + m.label_width(6) + m.px(8.0) + m.title_font();
        let bottom = m.tick_len() + m.px(4.0) + m.font() * 1.2 + m.px(6.0) + m.title_font() * 1.2;
        let right =
            m.px(COLORBAR_GAP_CSS + COLORBAR_WIDTH_CSS) + m.px(8.0) + m.label_width(6) + m.px(4.0);
        let top = m.px(10.0) + m.font() * 1.3;
        Layout::with_margins(width, height, m, [top, right, bottom, left])
    }

    /// The loss chart: log y labels and title on the left, steps below.
    pub fn loss(width: u32, height: u32, dpr: f64) -> Layout {
        let m = Metrics::new(dpr);
        let left = m.tick_len() + m.px(6.0) + m.label_width(5) + m.px(8.0) + m.title_font();
        let bottom = m.tick_len() + m.px(4.0) + m.font() * 1.2 + m.px(6.0) + m.title_font() * 1.2;
        let right = m.px(22.0);
        let top = m.px(12.0);
        Layout::with_margins(width, height, m, [top, right, bottom, left])
    }

    /// Margins `[top, right, bottom, left]` in device pixels; the plot keeps at least 1 x 1
    /// pixel, however small the canvas.
    pub fn with_margins(
        width: u32,
        height: u32,
        metrics: Metrics,
        [top, right, bottom, left]: [f64; 4],
    ) -> Layout {
        let fit = |size: u32, a: f64, b: f64| {
            let a = a.round().max(0.0) as u32;
            let b = b.round().max(0.0) as u32;
            if a + b < size {
                (a, size - a - b)
            } else {
                let a = (size.saturating_sub(1) as f64 * a as f64 / (a + b).max(1) as f64) as u32;
                (a, 1)
            }
        };
        let (x, w) = fit(width, left, right);
        let (y, h) = fit(height, top, bottom);
        Layout {
            width,
            height,
            metrics,
            plot: PlotRect {
                x: x as i32,
                y: y as i32,
                width: w,
                height: h,
            },
        }
    }
}

/// Width of the colour bar beside the landscape, and its gap from the plot, in CSS px.
pub const COLORBAR_WIDTH_CSS: f64 = 14.0;
pub const COLORBAR_GAP_CSS: f64 = 18.0;

/// The affine map between a data view and a plot rectangle in device pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mapping {
    pub plot: PlotRect,
    pub view: View,
}

impl Mapping {
    /// `view` stretched over the whole rectangle.
    pub fn new(plot: PlotRect, view: View) -> Mapping {
        Mapping { plot, view }
    }

    /// `view` widened about its centre along one axis so that a data unit is as long in x as
    /// in y: the aspect ratio the eye needs to see gradients at right angles to iso-lines.
    pub fn fit(plot: PlotRect, view: View) -> Mapping {
        let (w, h) = (plot.width.max(1) as f64, plot.height.max(1) as f64);
        let (dx, dy) = (view.x[1] - view.x[0], view.y[1] - view.y[0]);
        let scale = (dx / w).max(dy / h); // data units per pixel
        let (cx, cy) = (0.5 * (view.x[0] + view.x[1]), 0.5 * (view.y[0] + view.y[1]));
        let (hx, hy) = (0.5 * scale * w, 0.5 * scale * h);
        let fitted = View::new(cx - hx, cx + hx, cy - hy, cy + hy);
        // Keep the given edges exactly along the axis that already fills the rectangle.
        let view = if dx / w >= dy / h {
            View {
                x: view.x,
                y: fitted.y,
            }
        } else {
            View {
                x: fitted.x,
                y: view.y,
            }
        };
        Mapping { plot, view }
    }

    /// Data to device pixels (continuous; not rounded, not clamped).
    pub fn to_px(&self, [x, y]: Point) -> [f64; 2] {
        let v = &self.view;
        [
            self.plot.x as f64 + (x - v.x[0]) / (v.x[1] - v.x[0]) * self.plot.width as f64,
            self.plot.y as f64 + (v.y[1] - y) / (v.y[1] - v.y[0]) * self.plot.height as f64,
        ]
    }

    /// Device pixels to data: the inverse of [`Mapping::to_px`]. Use it for clicks, with the
    /// event's CSS offset times the device pixel ratio.
    pub fn to_data(&self, [px, py]: [f64; 2]) -> Point {
        let v = &self.view;
        [
            v.x[0] + (px - self.plot.x as f64) / self.plot.width as f64 * (v.x[1] - v.x[0]),
            v.y[1] - (py - self.plot.y as f64) / self.plot.height as f64 * (v.y[1] - v.y[0]),
        ]
    }

    /// The data point at the centre of plot pixel `(i, j)` (column i, row j from the top).
    pub fn pixel_center(&self, i: usize, j: usize) -> Point {
        self.to_data([
            self.plot.x as f64 + i as f64 + 0.5,
            self.plot.y as f64 + j as f64 + 0.5,
        ])
    }

    /// The nearest whole device pixel, for plotters; None if not finite. Coordinates are
    /// clamped to +-2^24 so that nothing overflows in a backend.
    pub fn to_backend(&self, p: Point) -> Option<(i32, i32)> {
        backend_coord(self.to_px(p))
    }

    /// Data units per device pixel along x and y.
    pub fn data_per_px(&self) -> [f64; 2] {
        [
            (self.view.x[1] - self.view.x[0]) / self.plot.width as f64,
            (self.view.y[1] - self.view.y[0]) / self.plot.height as f64,
        ]
    }

    /// The view after zooming by `factor` (> 1 zooms in) about the device pixel `at`, which
    /// keeps showing the same data point.
    pub fn zoom(&self, at: [f64; 2], factor: f64) -> View {
        let factor = if factor.is_finite() && factor > 0.0 {
            factor
        } else {
            1.0
        };
        let [cx, cy] = self.to_data(at);
        let v = &self.view;
        View::new(
            cx - (cx - v.x[0]) / factor,
            cx + (v.x[1] - cx) / factor,
            cy - (cy - v.y[0]) / factor,
            cy + (v.y[1] - cy) / factor,
        )
    }

    /// The view after dragging the picture by `delta` device pixels (right and down positive).
    pub fn pan(&self, [dx, dy]: [f64; 2]) -> View {
        let [sx, sy] = self.data_per_px();
        let v = &self.view;
        View::new(
            v.x[0] - dx * sx,
            v.x[1] - dx * sx,
            v.y[0] + dy * sy,
            v.y[1] + dy * sy,
        )
    }
}

/// Rounds a device-pixel position to plotters' integer coordinates; None if not finite.
pub fn backend_coord([px, py]: [f64; 2]) -> Option<(i32, i32)> {
    const LIMIT: f64 = (1 << 24) as f64;
    if px.is_finite() && py.is_finite() {
        Some((
            px.round().clamp(-LIMIT, LIMIT) as i32,
            py.round().clamp(-LIMIT, LIMIT) as i32,
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping() -> Mapping {
        let layout = Layout::landscape(1600, 1400, 2.0);
        Mapping::new(layout.plot, View::new(-2.0, 2.0, -1.0, 3.0))
    }

    #[test]
    fn pixel_data_pixel_round_trip() {
        let m = mapping();
        for px in [
            [m.plot.x as f64, m.plot.y as f64],
            [500.25, 700.75],
            [-30.0, 5000.0],
        ] {
            let back = m.to_px(m.to_data(px));
            assert!(
                (back[0] - px[0]).abs() < 1e-9 && (back[1] - px[1]).abs() < 1e-9,
                "{px:?} -> {back:?}"
            );
        }
        for p in [[-2.0, -1.0], [1.0, 1.0], [0.3, 2.9]] {
            let back = m.to_data(m.to_px(p));
            assert!((back[0] - p[0]).abs() < 1e-12 && (back[1] - p[1]).abs() < 1e-12);
        }
    }

    #[test]
    fn view_edges_are_plot_edges_and_y_points_up() {
        let m = mapping();
        assert_eq!(m.to_px([-2.0, 3.0]), [m.plot.x as f64, m.plot.y as f64]);
        assert_eq!(
            m.to_px([2.0, -1.0]),
            [m.plot.right() as f64, m.plot.bottom() as f64]
        );
        let c = m.pixel_center(0, 0);
        let [sx, sy] = m.data_per_px();
        assert!(
            (c[0] - (-2.0 + 0.5 * sx)).abs() < 1e-12 && (c[1] - (3.0 - 0.5 * sy)).abs() < 1e-12
        );
        assert_eq!(m.to_backend([-2.0, 3.0]), Some((m.plot.x, m.plot.y)));
        assert_eq!(m.to_backend([f64::NAN, 0.0]), None);
        assert_eq!(m.to_backend([1e300, -1e300]), Some((1 << 24, 1 << 24)));
        assert_eq!(
            m.to_backend([-1e300, 1e300]),
            Some((-(1 << 24), -(1 << 24)))
        );
    }

    #[test]
    fn margins_fit_labels_at_any_ratio() {
        for dpr in [1.0, 1.5, 2.0, 3.0] {
            let l = Layout::landscape((900.0 * dpr) as u32, (800.0 * dpr) as u32, dpr);
            let m = l.metrics;
            assert!(m.font() >= 14.0 * dpr);
            assert!(l.plot.x as f64 >= m.tick_len() + m.label_width(6) + m.title_font());
            assert!(
                (l.height as i32 - l.plot.bottom()) as f64
                    >= m.tick_len() + m.font() + m.title_font()
            );
            assert!(
                l.plot.width as f64 > 600.0 * dpr && l.plot.height as f64 > 650.0 * dpr,
                "{l:?}"
            );
        }
        // A tiny canvas still gets a plot.
        let l = Layout::loss(10, 10, 2.0);
        assert!(
            l.plot.width >= 1
                && l.plot.height >= 1
                && l.plot.right() <= 10
                && l.plot.bottom() <= 10
        );
        assert_eq!(Metrics::new(f64::NAN).dpr, 1.0);
        assert_eq!(Metrics::new(-2.0).dpr, 1.0);
    }

    #[test]
    fn fit_keeps_aspect_and_contains_view() {
        let plot = PlotRect {
            x: 10,
            y: 20,
            width: 600,
            height: 400,
        };
        let view = View::new(-2.0, 2.0, -1.0, 3.0);
        let m = Mapping::fit(plot, view);
        let [sx, sy] = m.data_per_px();
        assert!((sx - sy).abs() < 1e-12 * sx);
        assert!(
            m.view.x[0] <= -2.0 && m.view.x[1] >= 2.0 && m.view.y[0] <= -1.0 && m.view.y[1] >= 3.0
        );
        assert_eq!(m.view.y, [-1.0, 3.0]);
        let tall = Mapping::fit(
            PlotRect {
                x: 0,
                y: 0,
                width: 300,
                height: 900,
            },
            view,
        );
        assert_eq!(tall.view.x, [-2.0, 2.0]);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor_and_pan_follows_the_drag() {
        let m = mapping();
        let at = [700.0, 333.0];
        let before = m.to_data(at);
        let zoomed = Mapping::new(m.plot, m.zoom(at, 2.0));
        let after = zoomed.to_data(at);
        assert!((before[0] - after[0]).abs() < 1e-12 && (before[1] - after[1]).abs() < 1e-12);
        assert!(((zoomed.view.x[1] - zoomed.view.x[0]) - 2.0).abs() < 1e-12);
        // Dragging by (+30, +40) px moves what was under p to p + (30, 40).
        let panned = Mapping::new(m.plot, m.pan([30.0, 40.0]));
        let p = [400.0, 500.0];
        let moved = panned.to_px(m.to_data(p));
        assert!(
            (moved[0] - 430.0).abs() < 1e-9 && (moved[1] - 540.0).abs() < 1e-9,
            "{moved:?}"
        );
    }
}
