//! Colours: the sequential map under the landscape and the racers' palette.
//!
//! The landscape is coloured with **viridis** (van der Walt & Smith, 2015), the perceptually
//! uniform, colour-blind-safe map that matplotlib ships as its default. [`VIRIDIS`] is its
//! 256-entry table exactly as matplotlib defines it (`lib/matplotlib/_cm_listed.py`,
//! `_viridis_data`, CC0), each channel rounded to 8 bits: `round(255 * v)`. Its CIE L* rises
//! monotonically from 16 (dark purple, low values) to 92 (yellow, high values), so "darker is
//! lower" reads the same to every viewer and in greyscale.
//!
//! Coloured racer lines must stand out on top of it, so the page does not use the map as is:
//! [`background`] mixes every entry toward white by [`BACKGROUND_LIGHTEN`] (in sRGB, a plain
//! `c + f (255 - c)` per channel), which keeps the order and the hue of the map but lifts its
//! darkest end to a mid tone, where saturated line colours and dark iso-lines both read.
//!
//! [`PALETTE`] gives the racers' colours: twelve that people with any of the three kinds of colour
//! blindness tell apart, the eight of Okabe & Ito ("Color Universal Design", 2008) and four darker
//! ones (Paul Tol's indigo, SRON EPS/TN/09-002; a purple, a brown and a grey), every pair at least
//! 10 CIEDE2000 apart for normal vision and as simulated for protanopia, deuteranopia and
//! tritanopia (Machado, Oliveira & Fernandes, 2009): the closest pair is Okabe–Ito's own reddish
//! purple and orange. They are ordered so that the first ones stand out most on the map (the dark
//! ones after the first eight, as they sink into its dark end; yellow, which blends into its
//! light end, last). A scene with more racers than colours, or two
//! racers of one colour, tells them apart by dash patterns ([`dashes`]).

use plotters::style::RGBColor;

/// matplotlib's viridis, 256 sRGB entries from the lowest value (index 0) to the highest.
pub const VIRIDIS: [[u8; 3]; 256] = [
    [68, 1, 84],
    [68, 2, 86],
    [69, 4, 87],
    [69, 5, 89],
    [70, 7, 90],
    [70, 8, 92],
    [70, 10, 93],
    [70, 11, 94],
    [71, 13, 96],
    [71, 14, 97],
    [71, 16, 99],
    [71, 17, 100],
    [71, 19, 101],
    [72, 20, 103],
    [72, 22, 104],
    [72, 23, 105],
    [72, 24, 106],
    [72, 26, 108],
    [72, 27, 109],
    [72, 28, 110],
    [72, 29, 111],
    [72, 31, 112],
    [72, 32, 113],
    [72, 33, 115],
    [72, 35, 116],
    [72, 36, 117],
    [72, 37, 118],
    [72, 38, 119],
    [72, 40, 120],
    [72, 41, 121],
    [71, 42, 122],
    [71, 44, 122],
    [71, 45, 123],
    [71, 46, 124],
    [71, 47, 125],
    [70, 48, 126],
    [70, 50, 126],
    [70, 51, 127],
    [70, 52, 128],
    [69, 53, 129],
    [69, 55, 129],
    [69, 56, 130],
    [68, 57, 131],
    [68, 58, 131],
    [68, 59, 132],
    [67, 61, 132],
    [67, 62, 133],
    [66, 63, 133],
    [66, 64, 134],
    [66, 65, 134],
    [65, 66, 135],
    [65, 68, 135],
    [64, 69, 136],
    [64, 70, 136],
    [63, 71, 136],
    [63, 72, 137],
    [62, 73, 137],
    [62, 74, 137],
    [62, 76, 138],
    [61, 77, 138],
    [61, 78, 138],
    [60, 79, 138],
    [60, 80, 139],
    [59, 81, 139],
    [59, 82, 139],
    [58, 83, 139],
    [58, 84, 140],
    [57, 85, 140],
    [57, 86, 140],
    [56, 88, 140],
    [56, 89, 140],
    [55, 90, 140],
    [55, 91, 141],
    [54, 92, 141],
    [54, 93, 141],
    [53, 94, 141],
    [53, 95, 141],
    [52, 96, 141],
    [52, 97, 141],
    [51, 98, 141],
    [51, 99, 141],
    [50, 100, 142],
    [50, 101, 142],
    [49, 102, 142],
    [49, 103, 142],
    [49, 104, 142],
    [48, 105, 142],
    [48, 106, 142],
    [47, 107, 142],
    [47, 108, 142],
    [46, 109, 142],
    [46, 110, 142],
    [46, 111, 142],
    [45, 112, 142],
    [45, 113, 142],
    [44, 113, 142],
    [44, 114, 142],
    [44, 115, 142],
    [43, 116, 142],
    [43, 117, 142],
    [42, 118, 142],
    [42, 119, 142],
    [42, 120, 142],
    [41, 121, 142],
    [41, 122, 142],
    [41, 123, 142],
    [40, 124, 142],
    [40, 125, 142],
    [39, 126, 142],
    [39, 127, 142],
    [39, 128, 142],
    [38, 129, 142],
    [38, 130, 142],
    [38, 130, 142],
    [37, 131, 142],
    [37, 132, 142],
    [37, 133, 142],
    [36, 134, 142],
    [36, 135, 142],
    [35, 136, 142],
    [35, 137, 142],
    [35, 138, 141],
    [34, 139, 141],
    [34, 140, 141],
    [34, 141, 141],
    [33, 142, 141],
    [33, 143, 141],
    [33, 144, 141],
    [33, 145, 140],
    [32, 146, 140],
    [32, 146, 140],
    [32, 147, 140],
    [31, 148, 140],
    [31, 149, 139],
    [31, 150, 139],
    [31, 151, 139],
    [31, 152, 139],
    [31, 153, 138],
    [31, 154, 138],
    [30, 155, 138],
    [30, 156, 137],
    [30, 157, 137],
    [31, 158, 137],
    [31, 159, 136],
    [31, 160, 136],
    [31, 161, 136],
    [31, 161, 135],
    [31, 162, 135],
    [32, 163, 134],
    [32, 164, 134],
    [33, 165, 133],
    [33, 166, 133],
    [34, 167, 133],
    [34, 168, 132],
    [35, 169, 131],
    [36, 170, 131],
    [37, 171, 130],
    [37, 172, 130],
    [38, 173, 129],
    [39, 173, 129],
    [40, 174, 128],
    [41, 175, 127],
    [42, 176, 127],
    [44, 177, 126],
    [45, 178, 125],
    [46, 179, 124],
    [47, 180, 124],
    [49, 181, 123],
    [50, 182, 122],
    [52, 182, 121],
    [53, 183, 121],
    [55, 184, 120],
    [56, 185, 119],
    [58, 186, 118],
    [59, 187, 117],
    [61, 188, 116],
    [63, 188, 115],
    [64, 189, 114],
    [66, 190, 113],
    [68, 191, 112],
    [70, 192, 111],
    [72, 193, 110],
    [74, 193, 109],
    [76, 194, 108],
    [78, 195, 107],
    [80, 196, 106],
    [82, 197, 105],
    [84, 197, 104],
    [86, 198, 103],
    [88, 199, 101],
    [90, 200, 100],
    [92, 200, 99],
    [94, 201, 98],
    [96, 202, 96],
    [99, 203, 95],
    [101, 203, 94],
    [103, 204, 92],
    [105, 205, 91],
    [108, 205, 90],
    [110, 206, 88],
    [112, 207, 87],
    [115, 208, 86],
    [117, 208, 84],
    [119, 209, 83],
    [122, 209, 81],
    [124, 210, 80],
    [127, 211, 78],
    [129, 211, 77],
    [132, 212, 75],
    [134, 213, 73],
    [137, 213, 72],
    [139, 214, 70],
    [142, 214, 69],
    [144, 215, 67],
    [147, 215, 65],
    [149, 216, 64],
    [152, 216, 62],
    [155, 217, 60],
    [157, 217, 59],
    [160, 218, 57],
    [162, 218, 55],
    [165, 219, 54],
    [168, 219, 52],
    [170, 220, 50],
    [173, 220, 48],
    [176, 221, 47],
    [178, 221, 45],
    [181, 222, 43],
    [184, 222, 41],
    [186, 222, 40],
    [189, 223, 38],
    [192, 223, 37],
    [194, 223, 35],
    [197, 224, 33],
    [200, 224, 32],
    [202, 225, 31],
    [205, 225, 29],
    [208, 225, 28],
    [210, 226, 27],
    [213, 226, 26],
    [216, 226, 25],
    [218, 227, 25],
    [221, 227, 24],
    [223, 227, 24],
    [226, 228, 24],
    [229, 228, 25],
    [231, 228, 25],
    [234, 229, 26],
    [236, 229, 27],
    [239, 229, 28],
    [241, 229, 29],
    [244, 230, 30],
    [246, 230, 32],
    [248, 230, 33],
    [251, 231, 35],
    [253, 231, 37],
];

/// How far [`background`] moves each entry of the map toward white.
pub const BACKGROUND_LIGHTEN: f64 = 0.42;

/// Pixels whose value is not finite (NaN, an overflow): a neutral grey, outside the map's hues.
pub const NON_FINITE: [u8; 3] = [178, 178, 178];

/// The map as the page shows it under the racers: [`VIRIDIS`] lightened by [`BACKGROUND_LIGHTEN`].
pub fn background() -> [[u8; 3]; 256] {
    let mut lut = VIRIDIS;
    for rgb in &mut lut {
        for c in rgb.iter_mut() {
            *c = lighten(*c, BACKGROUND_LIGHTEN);
        }
    }
    lut
}

fn lighten(c: u8, fraction: f64) -> u8 {
    let c = c as f64;
    (c + fraction * (255.0 - c)).round().clamp(0.0, 255.0) as u8
}

/// The entry of `lut` for a position `t` in [0, 1] (clamped; NaN gives [`NON_FINITE`]).
pub fn lookup(lut: &[[u8; 3]; 256], t: f64) -> [u8; 3] {
    if t.is_nan() {
        return NON_FINITE;
    }
    lut[(t.clamp(0.0, 1.0) * 255.0).round() as usize]
}

/// Racer colours, "#rrggbb" (see the module's notes).
pub const PALETTE: [&str; 12] = [
    // blue, vermillion, black, reddish purple, orange, sky blue, bluish green, brown, indigo,
    // purple, grey, yellow.
    "#0072b2", "#d55e00", "#000000", "#cc79a7", "#e69f00", "#56b4e9", "#009e73", "#772200",
    "#332288", "#aa3377", "#bbbbbb", "#f0e442",
];

/// The colour of racer `i`; the palette repeats after [`PALETTE`]`.len()` racers.
pub fn racer_color(i: usize) -> RGBColor {
    parse_hex(PALETTE[i % PALETTE.len()]).expect("the palette is valid hex")
}

/// How a racer's line is drawn: solid, or one of the dash patterns that tell apart racers of one
/// colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dash {
    #[default]
    Solid,
    Dashed,
    Dotted,
    DashDot,
}

impl Dash {
    /// On and off lengths in CSS pixels, repeated along the line; empty when solid.
    pub fn pattern(self) -> &'static [f64] {
        match self {
            Dash::Solid => &[],
            Dash::Dashed => &[9.0, 6.0],
            Dash::Dotted => &[1.5, 5.0],
            Dash::DashDot => &[9.0, 4.5, 1.5, 4.5],
        }
    }
}

/// Each racer's dash pattern, given every racer's colour in order, so that racers differ by more
/// than colour: solid, dashed, dotted and dash-dot in turn (racer `i` takes the `i % 4`-th), and a
/// racer whose colour an earlier racer has takes the next pattern that colour has not had yet.
pub fn dashes(colors: &[RGBColor]) -> Vec<Dash> {
    const ORDER: [Dash; 4] = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::DashDot];
    let mut out: Vec<Dash> = Vec::with_capacity(colors.len());
    for (i, c) in colors.iter().enumerate() {
        let had: Vec<Dash> = colors[..i]
            .iter()
            .zip(&out)
            .filter(|(e, _)| *e == c)
            .map(|(_, d)| *d)
            .collect();
        let fresh = (0..ORDER.len())
            .map(|k| ORDER[(i + k) % ORDER.len()])
            .find(|d| !had.contains(d));
        out.push(fresh.unwrap_or(ORDER[(i + had.len()) % ORDER.len()]));
    }
    out
}

/// Parses "#rrggbb" (or "rrggbb"), either case.
pub fn parse_hex(s: &str) -> Option<RGBColor> {
    let s = s.strip_prefix('#').unwrap_or(s);
    if s.len() != 6 || !s.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&s[i..i + 2], 16).ok();
    Some(RGBColor(channel(0)?, channel(2)?, channel(4)?))
}

/// "#rrggbb", lower case.
pub fn to_hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}

/// WCAG relative luminance of an sRGB colour, in [0, 1].
pub fn luminance([r, g, b]: [u8; 3]) -> f64 {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// CIE L* (0 black to 100 white) of an sRGB colour.
pub fn lightness(rgb: [u8; 3]) -> f64 {
    let y = luminance(rgb);
    if y > 216.0 / 24389.0 {
        116.0 * y.cbrt() - 16.0
    } else {
        y * 24389.0 / 27.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viridis_endpoints_match_matplotlib() {
        // _viridis_data[0] = (0.267004, 0.004874, 0.329415), [255] = (0.993248, 0.906157, 0.143936).
        assert_eq!(VIRIDIS[0], [68, 1, 84]);
        assert_eq!(VIRIDIS[255], [253, 231, 37]);
        assert_eq!(lookup(&VIRIDIS, 0.0), VIRIDIS[0]);
        assert_eq!(lookup(&VIRIDIS, 1.0), VIRIDIS[255]);
        assert_eq!(lookup(&VIRIDIS, -3.0), VIRIDIS[0]);
        assert_eq!(lookup(&VIRIDIS, 7.0), VIRIDIS[255]);
        assert_eq!(lookup(&VIRIDIS, f64::NAN), NON_FINITE);
    }

    #[test]
    fn lightness_rises_monotonically() {
        for lut in [VIRIDIS, background()] {
            let l: Vec<f64> = lut.iter().map(|&c| lightness(c)).collect();
            // Monotone up to the 8-bit rounding of the table (dips below 0.1 L*).
            for w in l.windows(2) {
                assert!(w[1] >= w[0] - 0.1, "lightness falls: {} -> {}", w[0], w[1]);
            }
            for w in l.windows(16) {
                assert!(w[15] > w[0] + 1.0);
            }
            assert!(l[255] - l[0] > 30.0);
        }
        let bg = background();
        assert!(lightness(VIRIDIS[0]) < 20.0 && lightness(VIRIDIS[255]) > 90.0);
        // The background's darkest entry is a mid tone, lighter than every dark racer colour.
        assert!(lightness(bg[0]) > 45.0, "{}", lightness(bg[0]));
        for (a, b) in VIRIDIS.iter().zip(bg.iter()) {
            assert!((0..3).all(|i| b[i] >= a[i]));
        }
    }

    /// CIELAB of an sRGB colour, as people with protanopia (1), deuteranopia (2) or tritanopia
    /// (3) see it (0: normal vision): Machado, Oliveira & Fernandes (2009), severity 1, applied
    /// to linear RGB; D65 white.
    fn seen_as(rgb: RGBColor, kind: usize) -> [f64; 3] {
        const MACHADO: [[[f64; 3]; 3]; 3] = [
            [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        ];
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let mut l = [lin(rgb.0), lin(rgb.1), lin(rgb.2)];
        if kind > 0 {
            let m = MACHADO[kind - 1];
            l = [0, 1, 2]
                .map(|i| (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]).clamp(0.0, 1.0));
        }
        let xyz = [
            (0.4124564 * l[0] + 0.3575761 * l[1] + 0.1804375 * l[2]) / 0.95047,
            0.2126729 * l[0] + 0.7151522 * l[1] + 0.0721750 * l[2],
            (0.0193339 * l[0] + 0.1191920 * l[1] + 0.9503041 * l[2]) / 1.08883,
        ];
        let f = |t: f64| {
            if t > 216.0 / 24389.0 {
                t.cbrt()
            } else {
                (24389.0 / 27.0 * t + 16.0) / 116.0
            }
        };
        let [fx, fy, fz] = xyz.map(f);
        [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
    }

    /// CIEDE2000 colour difference (Sharma, Wu & Dalal, 2005).
    fn ciede2000([l1, a1, b1]: [f64; 3], [l2, a2, b2]: [f64; 3]) -> f64 {
        let c7 = |c: f64| (c.powi(7) / (c.powi(7) + 25f64.powi(7))).sqrt();
        let cb = (a1.hypot(b1) + a2.hypot(b2)) / 2.0;
        let g = 0.5 * (1.0 - c7(cb));
        let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
        let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
        let hue = |b: f64, a: f64, c: f64| {
            if c == 0.0 {
                0.0
            } else {
                b.atan2(a).to_degrees().rem_euclid(360.0)
            }
        };
        let (h1p, h2p) = (hue(b1, a1p, c1p), hue(b2, a2p, c2p));
        let dhp = if c1p * c2p == 0.0 {
            0.0
        } else if (h2p - h1p).abs() <= 180.0 {
            h2p - h1p
        } else if h2p - h1p > 180.0 {
            h2p - h1p - 360.0
        } else {
            h2p - h1p + 360.0
        };
        let (dl, dc, dh) = (
            l2 - l1,
            c2p - c1p,
            2.0 * (c1p * c2p).sqrt() * (dhp / 2.0).to_radians().sin(),
        );
        let (lb, cbp) = ((l1 + l2) / 2.0, (c1p + c2p) / 2.0);
        let hb = if c1p * c2p == 0.0 {
            h1p + h2p
        } else if (h1p - h2p).abs() <= 180.0 {
            (h1p + h2p) / 2.0
        } else if h1p + h2p < 360.0 {
            (h1p + h2p + 360.0) / 2.0
        } else {
            (h1p + h2p - 360.0) / 2.0
        };
        let cos = |d: f64| d.to_radians().cos();
        let t = 1.0 - 0.17 * cos(hb - 30.0) + 0.24 * cos(2.0 * hb) + 0.32 * cos(3.0 * hb + 6.0)
            - 0.20 * cos(4.0 * hb - 63.0);
        let theta = 30.0 * (-((hb - 275.0) / 25.0).powi(2)).exp();
        let rt = -(2.0 * theta).to_radians().sin() * 2.0 * c7(cbp);
        let sl = 1.0 + 0.015 * (lb - 50.0).powi(2) / (20.0 + (lb - 50.0).powi(2)).sqrt();
        let (sc, sh) = (1.0 + 0.045 * cbp, 1.0 + 0.015 * cbp * t);
        ((dl / sl).powi(2) + (dc / sc).powi(2) + (dh / sh).powi(2) + rt * (dc / sc) * (dh / sh))
            .sqrt()
    }

    #[test]
    fn ciede2000_matches_sharmas_test_data() {
        // Pairs 1, 7 and 17 of Sharma, Wu & Dalal's table.
        for (a, b, want) in [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [73.0, 25.0, -18.0], 27.1492),
        ] {
            assert!(
                (ciede2000(a, b) - want).abs() < 1e-4,
                "{a:?} {b:?}: {}",
                ciede2000(a, b)
            );
        }
    }

    #[test]
    fn the_palette_is_told_apart_with_any_colour_blindness() {
        assert!(PALETTE.len() >= 12);
        let colors: Vec<RGBColor> = PALETTE.iter().map(|s| parse_hex(s).unwrap()).collect();
        for kind in 0..4 {
            for (i, &a) in colors.iter().enumerate() {
                for (j, &b) in colors.iter().enumerate().skip(i + 1) {
                    let d = ciede2000(seen_as(a, kind), seen_as(b, kind));
                    assert!(
                        d >= 10.0,
                        "{} and {} are {d:.1} apart (vision {kind})",
                        PALETTE[i],
                        PALETTE[j]
                    );
                }
            }
        }
        // Deuteranopia makes red and green one colour: the test's simulation sees that.
        let (red, green) = (RGBColor(200, 60, 40), RGBColor(110, 130, 40));
        assert!(ciede2000(seen_as(red, 0), seen_as(green, 0)) > 30.0);
        assert!(ciede2000(seen_as(red, 2), seen_as(green, 2)) < 10.0);
    }

    #[test]
    fn racers_differ_by_more_than_colour() {
        let c = |i| racer_color(i);
        let colors: Vec<RGBColor> = (0..30).map(c).collect();
        let d = dashes(&colors);
        // Racers of distinct colours take the four patterns in turn: four in a row never share one.
        let order = [Dash::Solid, Dash::Dashed, Dash::Dotted, Dash::DashDot];
        assert!((0..PALETTE.len()).all(|i| d[i] == order[i % 4]), "{d:?}");
        // Every (colour, dash) pair of those 30 racers is distinct.
        let styles: std::collections::BTreeSet<_> = colors
            .iter()
            .zip(&d)
            .map(|(c, d)| (to_hex(*c), *d as u8))
            .collect();
        assert_eq!(styles.len(), 30);
        // Two racers given the same colour by hand are told apart too.
        assert_eq!(
            dashes(&[c(1), c(0), c(1)]),
            vec![Dash::Solid, Dash::Dashed, Dash::Dotted]
        );
        assert_eq!(
            dashes(&[c(1), c(1), c(1), c(1), c(1)]),
            vec![
                Dash::Solid,
                Dash::Dashed,
                Dash::Dotted,
                Dash::DashDot,
                Dash::Solid
            ]
        );
        assert!(Dash::Solid.pattern().is_empty() && Dash::Dotted.pattern().len() == 2);
    }

    #[test]
    fn palette_is_distinct_valid_hex() {
        assert!(PALETTE.len() >= 12);
        let colors: Vec<RGBColor> = PALETTE.iter().map(|s| parse_hex(s).unwrap()).collect();
        for (i, a) in colors.iter().enumerate() {
            assert_eq!(to_hex(*a), PALETTE[i]);
            for b in &colors[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(racer_color(PALETTE.len()), colors[0]);
        assert_eq!(parse_hex("#FFaa00"), Some(RGBColor(255, 170, 0)));
        assert_eq!(parse_hex("#ffaa0"), None);
        assert_eq!(parse_hex("#ffaa0g"), None);
        assert_eq!(parse_hex("#ééé"), None);
    }
}
