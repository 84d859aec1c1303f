//! A whole race as one SVG figure, for slides and papers (`optiscape plot`): the landscape with
//! every racer's path, the loss chart beside it, and a legend under both.
//!
//! It is drawn by the same functions as the page's canvases, through plotters' SVG backend. The
//! filled contours, an RGBA buffer in the page, are embedded as a PNG `<image>` under the vector
//! layers, at one image pixel per plot pixel. [`explain`] is `plot --explain`'s figure,
//! [`surface`] `plot --3d`'s; each writes a PNG too.

pub mod explain;
pub mod surface;

use crate::landscape::View;
use crate::race::{run_race, Race, RacerResult, Status};
use crate::render::field::known_minimum;
use crate::render::layout::Metrics;
use crate::render::loss::loss_series;
use crate::render::scene::{stroke, text_style, DrawResult};
use crate::render::sweep::{draw_sweep, SweepSeries};
use crate::render::{
    colormap, draw_background, draw_loss_against, draw_racers, BackgroundInput, Field, Layout,
    Mapping, RacerTrace, XAxis,
};
use crate::spec::RunSpec;
use crate::text::{self, Standing};
use crate::trace::TrailingMean;
use plotters::backend::SVGBackend;
use plotters::coord::Shift;
use plotters::drawing::DrawingArea;
use plotters::element::PathElement;
use plotters::prelude::{DrawingBackend, IntoDrawingArea};
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{FontStyle, RGBColor, WHITE};

/// The file a figure is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// SVG text, the landscape's fill a PNG inside it.
    Svg,
    /// One PNG picture, text set in DejaVu Sans.
    Png,
}

impl Format {
    /// PNG for a file name ending in `.png` (any case), else SVG.
    pub fn of_file(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".png") {
            Format::Png
        } else {
            Format::Svg
        }
    }
}

/// SVG units per CSS pixel of the page: fonts and strokes as the page draws them at 1x.
pub const DPR: f64 = 1.0;
/// Smallest and largest width or height accepted, in pixels.
pub const MIN_SIZE: u32 = 320;
pub const MAX_SIZE: u32 = 4000;

/// Each racer's path as the figures draw it: in its colour, dashed where racers share one.
pub fn traces<'a>(racers: &'a [RacerResult], colors: &[RGBColor]) -> Vec<RacerTrace<'a>> {
    racers
        .iter()
        .zip(colors)
        .zip(colormap::dashes(colors))
        .map(|((r, &color), dash)| RacerTrace {
            color,
            points: &r.trajectory,
            diverged: r.status == Status::Diverged,
            dash,
        })
        .collect()
}

/// Whether a figure may be `width x height` pixels: an error that says which side is out of
/// [`MIN_SIZE`] to [`MAX_SIZE`].
pub fn check_size(width: u32, height: u32) -> Result<(), String> {
    for (name, v) in [("width", width), ("height", height)] {
        if !(MIN_SIZE..=MAX_SIZE).contains(&v) {
            return Err(format!(
                "size: the {name} must be {MIN_SIZE} to {MAX_SIZE} pixels, got {v}"
            ));
        }
    }
    Ok(())
}

/// The step `plot --at` draws: `at`, or the spec's `steps` when None; an error past them.
fn step_at(spec: &RunSpec, at: Option<u64>) -> Result<u64, String> {
    let at = at.unwrap_or(spec.steps);
    if at > spec.steps {
        return Err(format!(
            "plot: --at must be at most the spec's steps ({}), got {at}",
            spec.steps
        ));
    }
    Ok(at)
}
/// The landscape takes between these shares of the figure's width; the loss chart the rest.
const LANDSCAPE_SHARE: [f64; 2] = [0.45, 0.65];
/// Height of one legend line, in pixels.
pub const LINE: f64 = 24.0;
/// Figures at least this wide have the loss chart beside the landscape and two legend columns;
/// narrower ones stack them.
pub const WIDE: u32 = 900;

/// The figure of `spec` raced for `spec.steps` steps, as SVG text: a landscape and loss chart of
/// `width x height` pixels (under [`WIDE`], the landscape alone, and the loss chart half as tall
/// under it), and under them a legend as tall as the racers need. With `sweep`, the loss chart
/// shares its place with the learning-rate sweep chart ([`crate::sweep`]) under it, as in the
/// page's saved image. The loss chart's x axis counts what the spec's `loss_x` says.
pub fn figure(spec: &RunSpec, width: u32, height: u32, sweep: bool) -> Result<String, String> {
    figure_against(spec, width, height, sweep, spec.loss_x)
}

/// [`figure`] with the loss chart's x axis counting `x` (steps, or evaluations of the
/// objective: the work done, which sets L-BFGS, Newton and Adam apart differently).
pub fn figure_against(
    spec: &RunSpec,
    width: u32,
    height: u32,
    sweep: bool,
    x: XAxis,
) -> Result<String, String> {
    let svg = figure_as(spec, width, height, sweep, x, Format::Svg)?;
    Ok(String::from_utf8(svg).expect("SVG is text"))
}

/// [`figure_against`] as a file's bytes: SVG text, or a PNG picture.
pub fn figure_as(
    spec: &RunSpec,
    width: u32,
    height: u32,
    sweep: bool,
    x: XAxis,
    format: Format,
) -> Result<Vec<u8>, String> {
    check_size(width, height)?;
    let mut race = Race::new(spec);
    let result = run_race(&mut race, spec.steps);
    let colors = racer_colors(spec);

    // Narrow figures stack the loss chart, half as tall, under the landscape; wide ones put it
    // beside, and their legends have two columns.
    let wide = width >= WIDE;
    let columns = if wide { 2 } else { 1 };
    let legend_lines = 1 + result.racers.len().div_ceil(columns);
    let legend_height = (LINE * (legend_lines as f64 + 1.5)).round() as u32;
    let view = spec.view.unwrap_or(race.default_view);
    let left = if wide {
        landscape_width(width, height, view)
    } else {
        width
    };
    let below = match (wide, sweep) {
        (true, _) => 0,
        (false, false) => height / 2,
        (false, true) => height,
    };
    let mapping = Mapping::fit(Layout::landscape(left, height, DPR).plot, view);
    let field = Field::for_mapping(&race.objective, &mapping, &race.marks);
    // On the race's own landscape, not a second one built from the spec.
    let sweeps = sweep.then(|| crate::sweep::sweeps_of(&race, spec.steps));

    let size = (width, height + below + legend_height);
    let panels = Panels {
        left,
        height,
        below,
        mapping,
        field: &field,
        columns,
        sweeps: sweeps.as_ref(),
        x,
    };
    let failed = |e: String| format!("cannot draw the figure: {e}");
    match format {
        Format::Svg => {
            let mut svg = String::new();
            {
                let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
                root.fill(&WHITE).map_err(|e| failed(e.to_string()))?;
                draw(&root, &race, &result, &colors, spec, panels)
                    .map_err(|e| failed(e.to_string()))?;
                root.present().map_err(|e| failed(e.to_string()))?;
            }
            Ok(round_lines(&with_fill(&svg, &mapping, &field)?).into_bytes())
        }
        Format::Png => {
            let mut raster = crate::export::raster::Raster::new(size.0, size.1);
            raster.put(
                mapping.plot.x,
                mapping.plot.y,
                field.width,
                field.height,
                &field.rgba(),
            );
            {
                let root = raster.backend().into_drawing_area();
                draw(&root, &race, &result, &colors, spec, panels)
                    .map_err(|e| failed(e.to_string()))?;
            }
            Ok(png(raster.width, raster.height, &raster.rgba))
        }
    }
}

/// `svg` with `field`'s banded fill as a PNG `<image>` on the plot of `mapping`, right after the
/// first element (the white background): under everything plotters drew, as the page puts it.
pub fn with_fill(svg: &str, mapping: &Mapping, field: &Field) -> Result<String, String> {
    with_image(
        svg,
        [mapping.plot.x, mapping.plot.y],
        field.width as u32,
        field.height as u32,
        &field.rgba(),
    )
}

/// `svg` with an RGBA picture of `width x height` pixels as a PNG `<image>` at `at`, right
/// after the first element (the white background): under everything else.
pub fn with_image(
    svg: &str,
    at: [i32; 2],
    width: u32,
    height: u32,
    rgba: &[u8],
) -> Result<String, String> {
    let image = format!(
        r#"<image x="{}" y="{}" width="{width}" height="{height}" image-rendering="pixelated" href="data:image/png;base64,{}"/>"#,
        at[0],
        at[1],
        base64(&png(width, height, rgba))
    );
    let cut = svg
        .find("<rect")
        .and_then(|i| svg[i..].find("/>").map(|j| i + j + 2))
        .ok_or("cannot draw the figure: no background")?;
    Ok(format!("{}\n{image}{}", &svg[..cut], &svg[cut..]))
}

/// Round joins and caps on every line, as the page sets on its canvases (plotters cannot say
/// so): zigzagging paths then have no miter spikes.
pub fn round_lines(svg: &str) -> String {
    svg.replace(
        "<polyline ",
        "<polyline stroke-linejoin=\"round\" stroke-linecap=\"round\" ",
    )
}

/// The landscape panel's width: as wide as the view's shape asks at this height (the plot keeps
/// equal scales on both axes), within a share of the figure; the loss chart takes the rest.
pub fn landscape_width(width: u32, height: u32, view: View) -> u32 {
    let trial = Layout::landscape(width, height, DPR).plot;
    let (margin_x, margin_y) = ((width - trial.width) as f64, (height - trial.height) as f64);
    let aspect = (view.x[1] - view.x[0]) / (view.y[1] - view.y[0]);
    let wanted = margin_x + aspect * (height as f64 - margin_y);
    let [lo, hi] = LANDSCAPE_SHARE.map(|share| share * width as f64);
    wanted.clamp(lo, hi).round() as u32
}

/// Where the charts go: the landscape `left` wide and `height` tall at the top left; the loss
/// chart beside it, or `below` tall under it when that is not 0; then the legend.
struct Panels<'a> {
    left: u32,
    height: u32,
    below: u32,
    mapping: Mapping,
    field: &'a Field,
    columns: usize,
    /// The sweeps, drawn under the loss chart in its place.
    sweeps: Option<&'a crate::sweep::SweepsResult>,
    /// What the loss chart's x axis counts.
    x: XAxis,
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    race: &Race,
    result: &crate::race::RunResult,
    colors: &[RGBColor],
    spec: &RunSpec,
    p: Panels,
) -> DrawResult<DB> {
    let (top, legend) = root.split_vertically(p.height + p.below);
    let (landscape, loss) = if p.below == 0 {
        top.split_horizontally(p.left)
    } else {
        top.split_vertically(p.height)
    };

    draw_background(
        &landscape,
        &BackgroundInput {
            mapping: p.mapping,
            field: p.field,
            marks: &race.marks,
            dpr: DPR,
        },
    )?;
    let traces = traces(&result.racers, colors);
    draw_racers(&landscape, &p.mapping, Some(race.start), &traces, DPR)?;

    // With noisy gradients, each loss under its trailing mean, as in the page.
    let noisy = !race.objective.noise.is_none();
    let losses: Vec<Vec<Vec<(f64, f64)>>> = result
        .racers
        .iter()
        .map(|r| {
            let at = |k: usize| match p.x {
                XAxis::Steps => k as f64,
                XAxis::Evaluations => r.evaluations[k] as f64,
            };
            let loss: Vec<(f64, f64)> = r
                .loss
                .iter()
                .enumerate()
                .map(|(k, &l)| (at(k), l))
                .collect();
            let mut mean = TrailingMean::default();
            let means = noisy.then(|| loss.iter().map(|&(k, l)| (k, mean.push(l))).collect());
            std::iter::once(loss).chain(means).collect()
        })
        .collect();
    let series = loss_series(&losses, colors);
    let reference = known_minimum(&race.objective, &race.marks);
    let caption = text::caption(spec, race.start, spec.steps, p.sweeps.map(|s| s.steps));
    match p.sweeps {
        None => draw_loss_against(&loss, &series, reference, DPR, p.x)?,
        Some(sweeps) => {
            let (loss, below) = loss.split_vertically(loss.dim_in_pixel().1 / 2);
            draw_loss_against(&loss, &series, reference, DPR, p.x)?;
            let curves: Vec<SweepSeries> = sweeps
                .racers
                .iter()
                .zip(colors)
                .map(|(s, &color)| SweepSeries {
                    color,
                    points: &s.points,
                    lr: s.lr,
                })
                .collect();
            draw_sweep(&below, &curves, reference, DPR)?;
        }
    }

    let means = losses
        .iter()
        .map(|traces| traces.get(1).and_then(|mean| mean.last()).map(|&(_, m)| m));
    let entries: Vec<String> = spec
        .racers
        .iter()
        .zip(&result.racers)
        .zip(means)
        .map(|((s, r), mean)| text::legend_line(s, &Standing::of_result(r, mean)))
        .collect();
    draw_legend(&legend, &caption, &entries, colors, p.columns)
}

/// The legend: a caption, then a line per racer (its colour, then its text), in `columns`.
pub fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    entries: &[String],
    colors: &[RGBColor],
    columns: usize,
) -> DrawResult<DB> {
    let m = Metrics::new(DPR);
    let (width, _) = area.dim_in_pixel();
    let margin = m.px(24.0);
    let column = (width as f64 - 2.0 * margin) / columns as f64;
    let middle = |line: usize| (LINE * (line as f64 + 1.0)).round() as i32;
    area.draw_text(
        caption,
        &text_style(m.title_font(), FontStyle::Normal, HPos::Left, VPos::Center),
        (margin as i32, middle(0)),
    )?;
    let rows = entries.len().div_ceil(columns);
    let style = text_style(m.font(), FontStyle::Normal, HPos::Left, VPos::Center);
    for (i, ((text, &color), dash)) in entries
        .iter()
        .zip(colors)
        .zip(colormap::dashes(colors))
        .enumerate()
    {
        let x = (margin + column * (i / rows) as f64).round() as i32;
        let y = middle(1 + i % rows);
        // The swatch as the racer's line: its colour and dash pattern.
        let pattern: Vec<f64> = dash.pattern().iter().map(|&l| m.px(l)).collect();
        for piece in crate::render::path::dash(
            &[[x as f64, y as f64], [x as f64 + 28.0, y as f64]],
            &pattern,
            0.0,
        )
        .0
        {
            area.draw(&PathElement::new(
                crate::render::path::to_backend(&piece),
                stroke(color, m.stroke(3.0)),
            ))?;
        }
        area.draw_text(text, &style, (x + 38, y))?;
    }
    Ok(())
}

/// An 8-bit RGBA PNG of `width x height` pixels (zlib-compressed, no filter).
pub fn png(width: u32, height: u32, rgba: &[u8]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(rgba.len() + height as usize);
    for row in rgba.chunks(width as usize * 4) {
        raw.push(0);
        raw.extend_from_slice(row);
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(
        &mut out,
        b"IDAT",
        &miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6),
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = 0xFFFF_FFFFu32;
    for &x in kind.iter().chain(data) {
        crc ^= x as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    out.extend_from_slice(&(!crc).to_be_bytes());
}

/// Standard base64 with padding.
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::with_capacity(data.len().div_ceil(3) * 4);
    for c in data.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            s.push(if k <= c.len() {
                ALPHABET[(n >> (18 - 6 * k) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    s
}

/// Each racer's colour: its spec's `color` where given, else its place in the palette.
pub fn racer_colors(spec: &RunSpec) -> Vec<RGBColor> {
    spec.racers
        .iter()
        .enumerate()
        .map(|(i, r)| {
            r.color
                .as_deref()
                .and_then(colormap::parse_hex)
                .unwrap_or_else(|| colormap::racer_color(i))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_known_texts() {
        for (text, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(text.as_bytes()), encoded);
        }
    }

    #[test]
    fn png_pixels_come_back() {
        let (w, h) = (5u32, 3u32);
        let rgba: Vec<u8> = (0..w * h * 4).map(|i| (i * 37 % 251) as u8).collect();
        let file = png(w, h, &rgba);
        assert_eq!(&file[..8], b"\x89PNG\r\n\x1a\n");
        let idat = file.windows(4).position(|k| k == b"IDAT").unwrap();
        let len = u32::from_be_bytes(file[idat - 4..idat].try_into().unwrap()) as usize;
        let raw =
            miniz_oxide::inflate::decompress_to_vec_zlib(&file[idat + 4..idat + 4 + len]).unwrap();
        let rows: Vec<u8> = raw
            .chunks(w as usize * 4 + 1)
            .flat_map(|r| {
                assert_eq!(r[0], 0, "filter byte");
                r[1..].to_vec()
            })
            .collect();
        assert_eq!(rows, rgba);
        // Every chunk's CRC, against the polynomial's known value for IEND.
        assert_eq!(&file[file.len() - 4..], &0xAE42_6082u32.to_be_bytes());
    }
}
