//! Reading plotters' SVG output in tests.

use plotters::style::RGBColor;

/// The texts of every `<text>` element, trimmed, in order.
pub fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .map(|t| {
            t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]
                .trim()
                .to_string()
        })
        .collect()
}

/// The `stroke="#RRGGBB"` polylines of a colour.
pub fn polylines_in(svg: &str, color: RGBColor) -> usize {
    let needle = format!("stroke=\"#{:02X}{:02X}{:02X}\"", color.0, color.1, color.2);
    svg.lines()
        .filter(|l| l.starts_with("<polyline") && l.contains(&needle))
        .count()
}
