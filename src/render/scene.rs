//! The landscape chart and the pieces every chart shares, drawn through plotters on any
//! backend (the canvas in the browser, SVG in tests).
//!
//! [`draw_background`] draws axes, iso-lines, colour bar and the landscape's known critical
//! points on top of the banded fill that the caller has already put in place (in the browser
//! with one `putImageData` of [`Field::rgba`]). Racers are in [`super::racers`], the loss chart
//! in [`super::loss`].
//!
//! Each function draws a handful of paths per colour and never changes style per point: on a
//! canvas, setting the stroke style is what costs. Geometry is thinned in device pixels first,
//! and no non-finite number ever reaches the backend. Nothing is cleared: the caller clears its
//! canvas.

use super::colormap::luminance;
use super::field::Field;
use super::layout::{Mapping, Metrics, COLORBAR_GAP_CSS, COLORBAR_WIDTH_CSS};
use super::levels::Spacing;
use super::path::{clip, simplify, straighten, thin, to_backend, Bounds};
use super::ticks;
use crate::landscape::{Mark, MarkKind};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, DrawingAreaErrorKind};
use plotters::element::{Circle, PathElement, Polygon, Rectangle};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{
    Color, FontDesc, FontFamily, FontStyle, FontTransform, RGBAColor, RGBColor, ShapeStyle,
    TextStyle,
};

/// What the scene functions return: plotters' error for the backend.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Ink for text, frames and ticks.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Iso-lines: thin, dark and translucent, so that they read on every band without competing
/// with the racers.
pub const ISO_LINE: RGBAColor = RGBAColor(16, 16, 32, 0.32);
/// The outline of a diverged racer's end mark.
pub const DIVERGED: RGBColor = RGBColor(220, 0, 0);
pub(super) const WHITE: RGBColor = RGBColor(255, 255, 255);

/// Everything [`draw_background`] needs.
pub struct BackgroundInput<'a> {
    /// Data to device pixels; `field` must have been sampled for it (see
    /// [`Field::for_mapping`]).
    pub mapping: Mapping,
    pub field: &'a Field,
    /// The landscape's known critical points.
    pub marks: &'a [Mark],
    pub dpr: f64,
}

fn font(size: f64, style: FontStyle) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, style)
}

pub fn text_style(size: f64, style: FontStyle, h: HPos, v: VPos) -> TextStyle<'static> {
    TextStyle {
        font: font(size, style),
        color: INK.to_backend_color(),
        pos: Pos::new(h, v),
    }
}

pub fn stroke(color: impl Color, width: u32) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: false,
        stroke_width: width,
    }
}

pub(super) fn fill(color: impl Color) -> ShapeStyle {
    ShapeStyle {
        color: color.to_rgba(),
        filled: true,
        stroke_width: 0,
    }
}

pub(super) fn at(p: [f64; 2]) -> Option<(i32, i32)> {
    super::layout::backend_coord(p)
}

pub(super) fn bounds(m: &Mapping) -> Bounds {
    [
        m.plot.x as f64,
        m.plot.y as f64,
        m.plot.right() as f64,
        m.plot.bottom() as f64,
    ]
}

/// Axes, iso-lines, colour bar and marks of the landscape chart. Draw the fill
/// ([`Field::rgba`] at `(mapping.plot.x, mapping.plot.y)`) first.
pub fn draw_background<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &BackgroundInput,
) -> DrawResult<DB> {
    let m = Metrics::new(input.dpr);
    let mapping = &input.mapping;
    let field = input.field;

    // Iso-lines, one path each, in one style.
    let iso = stroke(ISO_LINE, m.stroke(1.0));
    for (_, lines) in field.isolines() {
        for line in lines {
            let px: Vec<[f64; 2]> = line
                .points
                .iter()
                .map(|&g| mapping.to_px(field.grid_to_data(g)))
                .collect();
            let px = simplify(&thin(px, 0.5), 0.3);
            for part in clip(&px, bounds(mapping)) {
                let part = straighten(&to_backend(&part), 0.5);
                if part.len() >= 2 {
                    area.draw(&PathElement::new(part, iso))?;
                }
            }
        }
    }

    draw_marks(area, mapping, input.marks, &m)?;
    draw_axes(area, mapping, &m, "x", "y")?;
    draw_colorbar(area, mapping, field, &m)
}

fn draw_marks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    marks: &[Mark],
    m: &Metrics,
) -> DrawResult<DB> {
    let b = bounds(mapping);
    let halo = stroke(WHITE.mix(0.9), m.stroke(3.5));
    for mark in marks {
        let [x, y] = mapping.to_px(mark.at);
        if !(x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3]) {
            continue;
        }
        let c = (x, y);
        match mark.kind {
            MarkKind::Global => {
                let (outer, inner) = (m.px(8.0), m.px(3.4));
                let star: Vec<[f64; 2]> = (0..10)
                    .map(|k| {
                        let r = if k % 2 == 0 { outer } else { inner };
                        let a = std::f64::consts::PI * (k as f64 / 5.0 - 0.5);
                        [c.0 + r * a.cos(), c.1 + r * a.sin()]
                    })
                    .collect();
                let mut ring = to_backend(&star);
                area.draw(&Polygon::new(ring.clone(), fill(WHITE)))?;
                ring.push(ring[0]);
                area.draw(&PathElement::new(ring, stroke(INK, m.stroke(1.25))))?;
            }
            MarkKind::Local => {
                let r = m.px(5.0).round() as i32;
                let Some(p) = at([c.0, c.1]) else { continue };
                area.draw(&Circle::new(p, r, halo))?;
                area.draw(&Circle::new(p, r, stroke(INK, m.stroke(1.5))))?;
            }
            MarkKind::Saddle => {
                cross(area, [c.0, c.1], m.px(5.0), halo)?;
                cross(area, [c.0, c.1], m.px(5.0), stroke(INK, m.stroke(1.5)))?;
            }
        }
    }
    Ok(())
}

pub(super) fn cross<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: [f64; 2],
    half: f64,
    style: ShapeStyle,
) -> DrawResult<DB> {
    for (dx, dy) in [(1.0, 1.0), (1.0, -1.0)] {
        let line = to_backend(&[
            [c[0] - dx * half, c[1] - dy * half],
            [c[0] + dx * half, c[1] + dy * half],
        ]);
        if line.len() == 2 {
            area.draw(&PathElement::new(line, style))?;
        }
    }
    Ok(())
}

/// Frame, ticks, tick labels and titles for a linear x and y; deep in a zoom, each axis's
/// offset text ([`ticks::AxisLabels::offset`]) at its far end: x's right-aligned in the title
/// row, y's above the plot's top-left corner.
pub(super) fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    m: &Metrics,
    x_title: &str,
    y_title: &str,
) -> DrawResult<DB> {
    let p = mapping.plot;
    let v = mapping.view;
    let (xs, xstep) = x_ticks(v.x, p.width as f64, m);
    let (ys, ystep) = ticks::linear(
        v.y[0],
        v.y[1],
        ((p.height as f64 / m.px(70.0)).round() as usize).clamp(2, 12),
    );
    let xl = ticks::axis_labels(&xs, xstep, v.x[0], v.x[1]);
    let yl = ticks::axis_labels(&ys, ystep, v.y[0], v.y[1]);
    let xt: Vec<(f64, String)> = xs
        .iter()
        .map(|&t| mapping.to_px([t, v.y[0]])[0])
        .zip(xl.labels)
        .collect();
    let yt: Vec<(f64, String)> = ys
        .iter()
        .map(|&t| mapping.to_px([v.x[0], t])[1])
        .zip(yl.labels)
        .collect();
    frame_and_ticks(area, p, m, &xt, &yt)?;
    titles(area, p, m, x_title, y_title, 6)?;
    if let Some(text) = &xl.offset {
        let below = m.tick_len() + m.px(4.0) + m.font() * 1.2 + m.px(6.0);
        area.draw_text(
            text,
            &text_style(m.font(), FontStyle::Normal, HPos::Right, VPos::Top),
            (p.right(), p.bottom() + below.round() as i32),
        )?;
    }
    if let Some(text) = &yl.offset {
        area.draw_text(
            text,
            &text_style(m.font(), FontStyle::Normal, HPos::Left, VPos::Bottom),
            (p.x, p.y - m.px(4.0).round() as i32),
        )?;
    }
    Ok(())
}

/// Linear x ticks whose labels do not collide.
pub(super) fn x_ticks(range: [f64; 2], width: f64, m: &Metrics) -> (Vec<f64>, f64) {
    let mut target = ((width / m.px(85.0)).round() as usize).clamp(2, 12);
    loop {
        let (t, step) = ticks::linear(range[0], range[1], target);
        let labels = ticks::axis_labels(&t, step, range[0], range[1]).labels;
        let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let spacing = if t.len() > 1 {
            width * step / (range[1] - range[0])
        } else {
            f64::INFINITY
        };
        if spacing >= m.label_width(widest) + m.px(10.0) || target <= 2 {
            return (t, step);
        }
        target -= 1;
    }
}

pub(super) fn frame_and_ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: super::layout::PlotRect,
    m: &Metrics,
    xt: &[(f64, String)],
    yt: &[(f64, String)],
) -> DrawResult<DB> {
    let ink = stroke(INK, m.stroke(1.0));
    area.draw(&Rectangle::new([(p.x, p.y), (p.right(), p.bottom())], ink))?;
    let tick = m.tick_len();
    let label = |h, v| text_style(m.font(), FontStyle::Normal, h, v);
    for (x, text) in xt {
        let Some((x, y)) = at([*x, p.bottom() as f64]) else {
            continue;
        };
        if x < p.x || x > p.right() {
            continue;
        }
        area.draw(&PathElement::new(
            vec![(x, y), (x, y + tick.round() as i32)],
            ink,
        ))?;
        area.draw_text(
            text,
            &label(HPos::Center, VPos::Top),
            (x, y + (tick + m.px(4.0)).round() as i32),
        )?;
    }
    for (y, text) in yt {
        let Some((x, y)) = at([p.x as f64, *y]) else {
            continue;
        };
        if y < p.y || y > p.bottom() {
            continue;
        }
        area.draw(&PathElement::new(
            vec![(x - tick.round() as i32, y), (x, y)],
            ink,
        ))?;
        area.draw_text(
            text,
            &label(HPos::Right, VPos::Center),
            (x - (tick + m.px(6.0)).round() as i32, y),
        )?;
    }
    Ok(())
}

pub(super) fn titles<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    p: super::layout::PlotRect,
    m: &Metrics,
    x_title: &str,
    y_title: &str,
    y_label_chars: usize,
) -> DrawResult<DB> {
    let italic = if x_title.chars().count() == 1 {
        FontStyle::Italic
    } else {
        FontStyle::Normal
    };
    let below = m.tick_len() + m.px(4.0) + m.font() * 1.2 + m.px(6.0);
    area.draw_text(
        x_title,
        &text_style(m.title_font(), italic, HPos::Center, VPos::Top),
        (p.x + p.width as i32 / 2, p.bottom() + below.round() as i32),
    )?;
    let italic = if y_title.chars().count() == 1 {
        FontStyle::Italic
    } else {
        FontStyle::Normal
    };
    let left = m.tick_len() + m.px(6.0) + m.label_width(y_label_chars) + m.px(8.0);
    let style = text_style(m.title_font(), italic, HPos::Center, VPos::Bottom);
    let style = TextStyle {
        font: style.font.transform(FontTransform::Rotate270),
        ..style
    };
    let x = (p.x as f64 - left).max(m.title_font()).round() as i32;
    // Rotated 270 degrees, "bottom" of the text faces right, toward the tick labels.
    area.draw_text(y_title, &style, (x, p.y + p.height as i32 / 2))
}

/// The title of a colour bar: one for linear levels, one for levels log-spaced above the
/// minimum, and whether it is a variable (italic).
pub struct ColorbarTitle {
    pub linear: &'static str,
    pub above_min: &'static str,
    pub italic: bool,
}

/// The landscape's colour bar: `f`, or `f − f*` above a known minimum.
const LANDSCAPE_COLORBAR: ColorbarTitle = ColorbarTitle {
    linear: "f",
    above_min: "f \u{2212} f*",
    italic: true,
};

fn draw_colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    field: &Field,
    m: &Metrics,
) -> DrawResult<DB> {
    colorbar(area, mapping, field, m, &LANDSCAPE_COLORBAR)
}

/// A discrete colour bar right of the plot: one block per band, labelled at the levels, titled
/// above.
pub fn colorbar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    mapping: &Mapping,
    field: &Field,
    m: &Metrics,
    title: &ColorbarTitle,
) -> DrawResult<DB> {
    let p = mapping.plot;
    let x0 = p.right() + m.px(COLORBAR_GAP_CSS).round() as i32;
    let x1 = x0 + m.px(COLORBAR_WIDTH_CSS).round() as i32;
    let (top, h) = (p.y as f64, p.height as f64);
    let colors = field.band_colors();
    let n = colors.len();
    let y_of = |band: usize| (top + h - h * band as f64 / n as f64).round() as i32;
    for (b, c) in colors.iter().enumerate() {
        area.draw(&Rectangle::new(
            [(x0, y_of(b + 1)), (x1, y_of(b))],
            fill(RGBColor(c[0], c[1], c[2])),
        ))?;
    }
    let ink = stroke(INK, m.stroke(1.0));
    area.draw(&Rectangle::new([(x0, p.y), (x1, p.bottom())], ink))?;
    let levels = &field.levels;
    if !levels.is_empty() {
        let label = text_style(m.font(), FontStyle::Normal, HPos::Left, VPos::Center);
        let tick = m.px(4.0).round() as i32;
        let labelled = colorbar_labels(levels, h / n as f64, m.font() * 1.15);
        for (k, &level) in levels.values.iter().enumerate() {
            let y = y_of(k + 1);
            area.draw(&PathElement::new(vec![(x1, y), (x1 + tick, y)], ink))?;
            if labelled[k] {
                let text = ticks::format_value(levels.label_value(level));
                area.draw_text(&text, &label, (x1 + tick + m.px(4.0).round() as i32, y))?;
            }
        }
    }
    let text = match levels.spacing {
        Spacing::Log { base } if base.abs() > 1e-12 => title.above_min,
        _ => title.linear,
    };
    let style = text_style(
        m.font(),
        if title.italic {
            FontStyle::Italic
        } else {
            FontStyle::Normal
        },
        HPos::Left,
        VPos::Bottom,
    );
    area.draw_text(text, &style, (x0, p.y - m.px(8.0).round() as i32))
}

/// Which levels get a label on a colour bar whose bands are `band_px` tall, when labels need
/// `min_gap` px. Linear levels: the multiples of the smallest multiple of the step that is a
/// round number (1, 2 or 5 x 10^k) and leaves room, so 0.0025-spaced levels are labelled at
/// 0.005, 0.01, ... Log levels: all if they fit, else powers of ten, thinned until they fit.
pub fn colorbar_labels(levels: &super::levels::Levels, band_px: f64, min_gap: f64) -> Vec<bool> {
    let n = levels.len();
    let offsets: Vec<f64> = levels
        .values
        .iter()
        .map(|&v| levels.label_value(v))
        .collect();
    let round = |x: f64, unit: f64| {
        let q = x / unit;
        (q - q.round()).abs() < 1e-6 * q.abs().max(1.0)
    };
    let is_nice = |u: f64| {
        let mantissa = u / 10f64.powf(u.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .iter()
            .any(|m| (mantissa - m).abs() < 1e-6)
    };
    match levels.spacing {
        Spacing::Linear if n >= 2 => {
            let step = levels.values[1] - levels.values[0];
            let fits = |k: f64| k * band_px >= min_gap;
            // The smallest multiple of the step that is itself a nice number and fits.
            let unit = (1..=n)
                .map(|k| k as f64)
                .find(|&k| {
                    fits(k) && is_nice(k * step) && offsets.iter().any(|&o| round(o, k * step))
                })
                .map_or(f64::INFINITY, |k| k * step);
            offsets
                .iter()
                .map(|&o| unit.is_finite() && round(o, unit))
                .collect()
        }
        Spacing::Log { .. } if band_px < min_gap => {
            let decades: Vec<bool> = offsets
                .iter()
                .map(|&o| o > 0.0 && round(o.log10(), 1.0))
                .collect();
            let per_decade = n as f64 / decades.iter().filter(|&&d| d).count().max(1) as f64;
            let every = (min_gap / (per_decade * band_px)).ceil().max(1.0) as i64;
            offsets
                .iter()
                .zip(&decades)
                .map(|(&o, &d)| d && (o.log10().round() as i64).rem_euclid(every) == 0)
                .collect()
        }
        _ => vec![band_px >= min_gap || n == 1; n],
    }
}

/// A ring `radius` CSS px about `center` in `color`, `width` CSS px wide, over its casing.
pub(super) fn ring<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    center: [f64; 2],
    radius: f64,
    color: RGBColor,
    width: f64,
    m: &Metrics,
) -> DrawResult<DB> {
    if let Some(c) = at(center) {
        let r = m.px(radius).round() as i32;
        let under = stroke(casing(color), m.stroke(2.0 * width));
        area.draw(&Circle::new(c, r, under))?;
        area.draw(&Circle::new(c, r, stroke(color, m.stroke(width))))?;
    }
    Ok(())
}

/// An arrow from `from` to `tip` in `color` over its casing: a shaft `width` CSS px wide and a
/// filled head, whose length and half width in device pixels `head` gives for the shaft's
/// length.
pub(super) fn arrow<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    [from, tip]: [[f64; 2]; 2],
    color: RGBColor,
    width: f64,
    head: impl FnOnce(f64) -> [f64; 2],
    m: &Metrics,
) -> DrawResult<DB> {
    let (dx, dy) = (tip[0] - from[0], tip[1] - from[1]);
    let n = dx.hypot(dy);
    let (ux, uy) = (dx / n, dy / n);
    let [len, half] = head(n);
    let base = [tip[0] - len * ux, tip[1] - len * uy];
    let under = casing(color);
    let shaft = to_backend(&[from, base]);
    let head: Vec<(i32, i32)> = [
        tip,
        [base[0] - half * uy, base[1] + half * ux],
        [base[0] + half * uy, base[1] - half * ux],
    ]
    .iter()
    .filter_map(|&p| at(p))
    .collect();
    if shaft.len() == 2 {
        area.draw(&PathElement::new(
            shaft.clone(),
            stroke(under, m.stroke(width + 3.0)),
        ))?;
    }
    if head.len() == 3 {
        area.draw(&PathElement::new(
            vec![head[0], head[1], head[2], head[0]],
            stroke(under, m.stroke(3.0)),
        ))?;
    }
    if shaft.len() == 2 {
        area.draw(&PathElement::new(shaft, stroke(color, m.stroke(width))))?;
    }
    if head.len() == 3 {
        area.draw(&Polygon::new(head, fill(color)))?;
    }
    Ok(())
}

/// Casing colour for a line colour: white under dark lines, dark under light ones, so that a
/// line reads on the light and the dark end of the map alike.
pub fn casing(color: RGBColor) -> RGBAColor {
    if luminance([color.0, color.1, color.2]) > 0.3 {
        RGBAColor(20, 20, 20, 0.75)
    } else {
        RGBAColor(255, 255, 255, 0.85)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::colormap;

    #[test]
    fn colorbar_labels_are_round_and_fit() {
        use crate::render::levels::Levels;
        // Gaussian-mixture-like: step 0.0025, labels only at multiples of 0.005 when crowded.
        let l = Levels::linear(-0.048, -0.001);
        let step = l.values[1] - l.values[0];
        assert!((step - 0.0025).abs() < 1e-12, "{:?}", l.values);
        let some = colorbar_labels(&l, 30.0, 17.0);
        for (v, b) in l.values.iter().zip(&some) {
            let q = v / 0.005;
            assert_eq!(*b, (q - q.round()).abs() < 1e-6, "{v}");
        }
        // Log levels 1, 2, 5, 10, ...: decades only, then every other decade.
        let l = Levels::log(0.0, 0.1, 0.1, 3000.0);
        assert!(colorbar_labels(&l, 20.0, 17.0).iter().all(|&b| b));
        let dec = colorbar_labels(&l, 10.0, 17.0);
        for (v, b) in l.values.iter().zip(&dec) {
            assert_eq!(*b, (v.log10() - v.log10().round()).abs() < 1e-9, "{v}");
        }
        let sparse = colorbar_labels(&l, 3.0, 17.0);
        assert!(sparse.iter().filter(|&&b| b).count() < dec.iter().filter(|&&b| b).count());
        assert!(sparse.iter().filter(|&&b| b).count() >= 1);
    }

    #[test]
    fn casing_contrasts_with_the_line() {
        for hex in colormap::PALETTE {
            let c = colormap::parse_hex(hex).unwrap();
            let k = casing(c);
            let (lc, lk) = (luminance([c.0, c.1, c.2]), luminance([k.0, k.1, k.2]));
            assert!((lc - lk).abs() > 0.25, "{hex}");
        }
    }
}
