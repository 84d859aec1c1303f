//! The live view: a race as the page shows it, frame after frame, on any drawing surface.
//!
//! What the page shows is decided here, natively tested: which racers restart when the spec
//! changes (through [`crate::race::Race::apply`]), their bounded trails and loss curves, what a
//! frame draws (only the new pieces of each path, the heads in their own boxes, the loss chart
//! appended to until its axes must grow), the landscape sampled coarse then sharpened when
//! costly, the per-frame numbers, the cards' and the saved image's texts. The browser shell
//! (`src/web/`) only binds it to canvases ([`Layer`]); tests bind it to a [`raster::Raster`].
//!
//! * [`scene`]: a landscape race and its five layers ([`Scene`]); [`trail`]: one racer's
//!   recorded path and loss; [`report`]: what the page reads back (states, the packed frame,
//!   cards, the legend, sweeps).
//! * [`classify`]: a classifier race and its charts; [`projection`]: its projected loss
//!   surface and paths.
//! * [`pan`]: the trails shown moved while the view pans, drawn exactly once it rests.
//! * [`raster`]: a layer of RGBA pixels in memory, for tests.

pub mod classify;
mod draw;
pub mod pan;
pub mod projection;
pub mod raster;
pub mod report;
pub mod scene;
pub mod trail;
pub mod tune;

pub use classify::Classify;
pub use scene::Scene;

use crate::render::layout::PlotRect;
use crate::render::path::Strokes;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::prelude::DrawingBackend;

/// One drawing surface of the live view, in device pixels: a canvas in the page, a
/// [`raster::Raster`] in tests. Vectors are drawn through [`Layer::area`] (plotters); the few
/// operations plotters has no word for are the layer's own.
pub trait Layer {
    type Backend: DrawingBackend;

    /// A plotters drawing area over the whole layer.
    fn area(&self) -> &DrawingArea<Self::Backend, Shift>;

    /// Width and height in device pixels.
    fn size(&self) -> (u32, u32);

    /// After the surface changed size: a drawing area of the new size.
    fn refresh(&mut self) -> Result<(), String>;

    /// Makes `[x, y, width, height]` transparent.
    fn clear_rect(&self, rect: [f64; 4]);

    /// Paints `[x, y, width, height]` opaque white.
    fn fill_white_rect(&self, rect: [f64; 4]);

    /// Puts `rgba` (`width x height` pixels) with its top left corner at `(x, y)`, replacing what
    /// was there.
    fn put_rgba(&self, rgba: &[u8], width: u32, height: u32, x: f64, y: f64) -> Result<(), String>;

    /// Scales the `from` rectangle `[x, y, width, height]` up `factor` times about its top left
    /// corner, in place, drawing inside `clip` only.
    fn scale_up(&self, from: [f64; 4], factor: f64, clip: PlotRect) -> Result<(), String>;

    /// Puts `rgba` (`width x height` pixels) scaled up `factor` times with its top left corner
    /// at `(x, y)`, inside `clip` only: a coarse landscape over the plot. By default, put then
    /// [`Layer::scale_up`] in place; a canvas scales from a small canvas of its own instead.
    #[allow(clippy::too_many_arguments)]
    fn put_rgba_scaled(
        &self,
        rgba: &[u8],
        width: u32,
        height: u32,
        (x, y): (f64, f64),
        factor: f64,
        clip: PlotRect,
    ) -> Result<(), String> {
        self.put_rgba(rgba, width, height, x, y)?;
        self.scale_up([x, y, width as f64, height as f64], factor, clip)
    }

    /// Shows what is drawn moved as `moved` says (a pan or zoom, before it is drawn again), or
    /// as drawn (None). The pixels stay as they are.
    fn show_moved(&self, moved: Option<pan::Moved>);

    /// Strokes every polyline of `strokes` in its one style: by default a plotters path each; a
    /// canvas strokes them as one path.
    fn stroke(&self, strokes: &Strokes) -> Result<(), String> {
        drawn(strokes.draw(self.area()))
    }

    /// Whatever the surface needs once drawing through [`Layer::area`] is done.
    fn present(&self) -> Result<(), String> {
        self.area().present().map_err(|e| e.to_string())
    }

    /// Makes the whole layer transparent.
    fn clear(&self) {
        let (w, h) = self.size();
        self.clear_rect([0.0, 0.0, w as f64, h as f64]);
    }

    /// Paints the whole layer white.
    fn fill_white(&self) {
        let (w, h) = self.size();
        self.fill_white_rect([0.0, 0.0, w as f64, h as f64]);
    }

    /// White everywhere but `plot` (which the caller covers): four strips instead of a whole
    /// layer of pixels.
    fn fill_white_around(&self, plot: PlotRect) {
        let (w, h) = self.size();
        let (w, h) = (w as f64, h as f64);
        let (x0, y0) = (plot.x as f64, plot.y as f64);
        let (x1, y1) = (x0 + plot.width as f64, y0 + plot.height as f64);
        self.fill_white_rect([0.0, 0.0, w, y0]);
        self.fill_white_rect([0.0, y1, w, h - y1]);
        self.fill_white_rect([0.0, y0, x0, y1 - y0]);
        self.fill_white_rect([x1, y0, w - x1, y1 - y0]);
    }
}

/// A drawing error as one line.
pub(crate) fn drawn<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, String> {
    result.map_err(|e| e.to_string())
}

/// Milliseconds on some monotonic clock: the page's `performance.now`, a test's counter.
pub type Clock = fn() -> f64;

/// The device pixel ratio a view accepts: 0.5 to 4, 1 for nonsense.
pub fn dpr_of(dpr: f64) -> f64 {
    if dpr.is_finite() && dpr > 0.0 {
        dpr.clamp(0.5, 4.0)
    } else {
        1.0
    }
}
