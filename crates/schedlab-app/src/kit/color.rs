//! Colors: the Okabe–Ito palette (distinguishable with every common color-vision
//! deficiency), then lighter and darker variants for graphs with many tasks; the light and
//! dark theme of every drawing; the one conversion to plotters' colors.

use plotters::style::{RGBAColor, RGBColor};

/// An RGB triple.
pub type Rgb = (u8, u8, u8);

/// The colors of every drawing in the light or dark theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub bg: Rgb,
    pub fg: Rgb,
    /// Alternate row band of timelines.
    pub band: Rgb,
    pub grid: Rgb,
}

/// The theme of the page (GitHub's light and dark greys).
pub fn theme(dark: bool) -> Theme {
    if dark {
        Theme {
            bg: (13, 17, 23),
            fg: (230, 237, 243),
            band: (22, 27, 34),
            grid: (48, 54, 61),
        }
    } else {
        Theme {
            bg: (255, 255, 255),
            fg: (27, 31, 36),
            band: (246, 248, 250),
            grid: (216, 222, 228),
        }
    }
}

/// The playhead line.
pub const PLAYHEAD: Rgb = (0, 114, 178);
/// Marks that need attention (preemptions, moved requests, the SLO line).
pub const ALERT: Rgb = (213, 94, 0);

/// A triple as plotters' color.
pub fn rgb(c: Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// A triple with opacity `alpha`.
pub fn rgba(c: Rgb, alpha: f64) -> RGBAColor {
    RGBAColor(c.0, c.1, c.2, alpha)
}

/// Okabe & Ito (2008), "Color Universal Design": orange, sky blue, bluish green, yellow,
/// blue, vermillion, reddish purple, grey.
pub const OKABE_ITO: [(u8, u8, u8); 8] = [
    (230, 159, 0),
    (86, 180, 233),
    (0, 158, 115),
    (240, 228, 66),
    (0, 114, 178),
    (213, 94, 0),
    (204, 121, 167),
    (153, 153, 153),
];

/// The color of task `i`: the palette, then tints (lighter) and shades (darker) of it.
pub fn task_color(i: usize) -> (u8, u8, u8) {
    let (r, g, b) = OKABE_ITO[i % 8];
    match (i / 8) % 3 {
        0 => (r, g, b),
        1 => mix((r, g, b), (255, 255, 255), 0.45),
        _ => mix((r, g, b), (0, 0, 0), 0.35),
    }
}

/// The color of scheduler `i` in comparisons.
pub fn series_color(i: usize) -> (u8, u8, u8) {
    [OKABE_ITO[4], OKABE_ITO[5], OKABE_ITO[2], OKABE_ITO[6]][i % 4]
}

fn mix(a: (u8, u8, u8), b: (u8, u8, u8), t: f64) -> (u8, u8, u8) {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    (m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Black or white text, whichever reads better on `bg` (WCAG relative luminance).
pub fn text_on(bg: (u8, u8, u8)) -> (u8, u8, u8) {
    let lin = |c: u8| {
        let c = c as f64 / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    if l > 0.35 {
        (0, 0, 0)
    } else {
        (255, 255, 255)
    }
}

/// `#rrggbb`.
pub fn hex(c: (u8, u8, u8)) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
