//! Pictures of a race, drawn through plotters on any backend (no web dependency).
//!
//! The browser shell draws five canvases with them: the landscape (a banded fill put with one
//! `putImageData`, then [`scene::draw_background`] on top), the racers' trails and casings
//! ([`racers::draw_trails`], appended to every frame), their heads ([`racers::draw_heads`],
//! redrawn every frame) and the loss chart ([`loss`], appended to until its axes must grow).
//! Native tests draw the same scenes into SVG.
//!
//! * [`colormap`]: viridis, its lightened background variant, and the racers' palette.
//! * [`levels`]: nice contour levels (linear, or log-spaced above the minimum) and bands.
//! * [`contour`]: marching squares over a row-major grid, in grid coordinates.
//! * [`field`]: the landscape sampled at every plot pixel, its RGBA fill and iso-lines.
//! * [`layout`]: the plot rectangle for a canvas and device pixel ratio, and the [`Mapping`]
//!   between data and device pixels that the fill and every vector share.
//! * [`scene`]: the landscape chart and shared drawing helpers, generic over `DB: DrawingBackend`.
//! * [`racers`]: paths (incremental, one [`racers::Pen`] per racer) and heads.
//! * [`step_glyph`]: an inspected racer's last step at its head: its direction, steepest
//!   descent and where the quadratic model along it is lowest.
//! * [`explain`]: a racer's next update, piece by piece, at its head, and the panel listing
//!   the pieces (`optiscape plot --explain`, the page's "explain step" view).
//! * [`surface`]: the landscape as a shaded 3-D surface with the paths riding on it (the
//!   page's 3-D view, `optiscape plot --3d`).
//! * [`loss`]: the loss chart and its live axes.
//! * [`classify`]: the classifier race's charts, loss and test accuracy per epoch, and its projected view.
//! * [`path`], [`ticks`]: thinning and clipping in device pixels; nice ticks and labels.
//!
//! In the browser (canvases sized `css size * devicePixelRatio`, one `Field` kept and
//! [`Field::update`]d on every pan, zoom or landscape change):
//!
//! 1. `Layout::landscape(w, h, dpr)`, then `Mapping::fit(layout.plot, view)` (equal aspect) or
//!    `Mapping::new` (stretched); clicks map back with `mapping.to_data([css_x * dpr, css_y * dpr])`,
//!    wheel and drag with `mapping.zoom` and `mapping.pan`.
//! 2. Background canvas: clear, `putImageData(field.rgba(), mapping.plot.x, mapping.plot.y)`,
//!    then `draw_background` on a `CanvasBackend` of the same canvas.
//! 3. Every frame: `draw_trails` with each racer's new points on the casings and trails
//!    canvases (after a clear and with cleared pens when the view, the size or the racers
//!    changed; the casings canvas shown at `CASING_LAYER_OPACITY`); clear the
//!    heads canvas and `draw_heads`. Loss canvas: append with `draw_loss_lines` while
//!    `LossAxes::holds` the new samples, else clear and draw on `LossAxes::live` axes.
//! 4. Set `lineJoin = lineCap = "round"` on the contexts once (plotters cannot): zigzagging
//!    paths then have no miter spikes.
//!
//! ```
//! use optiscape::landscape::{find, Objective};
//! use optiscape::render::{colormap, Field, Layout, Mapping, scene::*, racers::*};
//! use plotters::prelude::*;
//!
//! let info = find("rosenbrock").unwrap();
//! let built = (info.build)(&optiscape::schema::Hyper::defaults(info.params));
//! let marks = built.marks.clone();
//! let objective = Objective::new(built.f, 1.0);
//!
//! let (width, height, dpr) = (800, 700, 1.0);
//! let layout = Layout::landscape(width, height, dpr);
//! let mapping = Mapping::fit(layout.plot, built.view);
//! let field = Field::for_mapping(&objective, &mapping, &marks);
//! let rgba = field.rgba(); // putImageData(rgba, mapping.plot.x, mapping.plot.y)
//! assert_eq!(rgba.len(), field.width * field.height * 4);
//!
//! let mut svg = String::new();
//! {
//!     let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
//!     draw_background(&area, &BackgroundInput { mapping, field: &field, marks: &marks, dpr }).unwrap();
//!     let path = [[-1.2, 1.0], [-1.0, 0.9], [-0.5, 0.3]];
//!     let racers = [RacerTrace { color: colormap::racer_color(0), points: &path, diverged: false, dash: colormap::Dash::Solid }];
//!     draw_racers(&area, &mapping, Some(built.start), &racers, dpr).unwrap();
//! }
//! assert!(svg.contains("<polyline"));
//! ```

pub mod classify;
pub mod colormap;
pub mod contour;
pub mod explain;
pub mod field;
pub mod layout;
pub mod levels;
pub mod loss;
pub mod lr_curve;
pub mod path;
pub mod racers;
pub mod scene;
pub mod step_glyph;
pub mod surface;
pub mod surface_lift;
pub mod sweep;
pub mod ticks;

pub use field::Field;
pub use layout::{Layout, Mapping, Metrics, PlotRect};
pub use levels::Levels;
pub use loss::{draw_loss, draw_loss_against, LossSeries, XAxis};
pub use racers::{draw_racers, RacerTrace};
pub use scene::{draw_background, BackgroundInput};
