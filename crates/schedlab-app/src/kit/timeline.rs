//! The one timeline frame every lab's Gantt is drawn through: rows with alternate bands and
//! labels, bars (start, end, color, optional label and outline) that fill up as the
//! playhead passes them, shaded intervals, a time axis with round ticks, the playhead, and
//! hit testing.
//!
//! [`Geometry`] is pure layout (time ↔ pixels, rows), shared by the drawing and the hover
//! tooltip; the drawing functions take any plotters backend (a canvas in the browser, an
//! SVG string for export and tests). A lab turns its run into [`Bar`]s and [`Shade`]s and
//! draws what is its own alone (transfers, arrival ticks, preemption marks) between them.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::color::{self, rgb, rgba, Rgb, Theme};

/// Result of a drawing step on backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Pixel layout of a timeline of `rows` rows over [t0, t_max]: the whole run (t0 = 0), or
/// the window zoomed into ([`Geometry::zoomed`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    pub width: u32,
    pub height: u32,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub rows: usize,
    pub t_max: f64,
    /// The time at the axis's left end.
    pub t0: f64,
}

/// How far a timeline zooms in: a window at least this many times narrower than the run.
pub const MAX_ZOOM: f64 = 1_000.0;

/// The window `[a, a + span]` moved inside `[0, t_max]`; None when it covers the run.
fn fit(a: f64, span: f64, t_max: f64) -> Option<(f64, f64)> {
    // (NaN spans cover the run too.)
    if span.is_nan() || span >= t_max * (1.0 - 1e-9) {
        return None;
    }
    let a = a.clamp(0.0, t_max - span);
    Some((a, a + span))
}

/// The time window after zooming by `factor` (below 1 zooms in) around time `at`, which
/// stays where it is on the axis; within the run, at most [`MAX_ZOOM`] times narrower.
/// `window` None is the whole run `[0, t_max]`, and so is the answer None.
pub fn zoom(window: Option<(f64, f64)>, t_max: f64, at: f64, factor: f64) -> Option<(f64, f64)> {
    if t_max.is_nan() || t_max <= 0.0 || factor.is_nan() || factor <= 0.0 {
        return window;
    }
    let (a, b) = window.unwrap_or((0.0, t_max));
    let span = ((b - a) * factor).clamp(t_max / MAX_ZOOM, t_max);
    let at = if at.is_nan() { a } else { at.clamp(a, b) };
    let frac = if b > a { (at - a) / (b - a) } else { 0.5 };
    fit(at - frac * span, span, t_max)
}

/// The window moved by `dt` (positive: later), kept inside the run.
pub fn pan(window: Option<(f64, f64)>, t_max: f64, dt: f64) -> Option<(f64, f64)> {
    let (a, b) = window?;
    fit(a + if dt.is_finite() { dt } else { 0.0 }, b - a, t_max)
}

impl Geometry {
    pub fn new(width: u32, height: u32, rows: usize, t_max: f64) -> Geometry {
        Geometry {
            width,
            height,
            left: 78.0,
            right: 12.0,
            top: 8.0,
            bottom: 26.0,
            rows: rows.max(1),
            t_max: if t_max > 0.0 { t_max } else { 1.0 },
            t0: 0.0,
        }
    }
    /// This layout showing only `window` of the run (its part inside the run), if any.
    pub fn zoomed(self, window: Option<(f64, f64)>) -> Geometry {
        match window {
            Some((a, b)) if a < self.t_max && b > a.max(0.0) => Geometry {
                t0: a.max(0.0),
                t_max: b.min(self.t_max),
                ..self
            },
            _ => self,
        }
    }
    /// Whether [start, end] shows in the window.
    pub fn visible(&self, start: f64, end: f64) -> bool {
        end >= self.t0 && start <= self.t_max
    }
    /// The pixel of `t`, held to the axis's ends (what lies outside the window is drawn at
    /// its edge, never over the labels).
    pub fn x_in(&self, t: f64) -> f64 {
        self.x(t.clamp(self.t0, self.t_max))
    }
    /// This layout with a label column that fits `labels` (up to 22 characters), at least
    /// `min_left` pixels wide.
    pub fn fit_labels<'a>(
        self,
        labels: impl IntoIterator<Item = &'a String>,
        min_left: f64,
    ) -> Geometry {
        let longest = labels
            .into_iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(2)
            .min(22);
        Geometry {
            left: (14.0 + 7.0 * longest as f64).clamp(min_left, 170.0),
            ..self
        }
    }
    /// Height of one row.
    pub fn row_height(&self) -> f64 {
        (self.height as f64 - self.top - self.bottom) / self.rows as f64
    }
    /// Top and bottom pixel of row `r` (its band).
    pub fn row_y(&self, r: usize) -> (f64, f64) {
        let h = self.row_height();
        (self.top + r as f64 * h, self.top + (r + 1) as f64 * h)
    }
    pub fn x(&self, t: f64) -> f64 {
        self.left + ((t - self.t0) / self.span()) * (self.width as f64 - self.left - self.right)
    }
    pub fn t(&self, x: f64) -> f64 {
        self.t0 + (x - self.left) / (self.width as f64 - self.left - self.right) * self.span()
    }
    /// The time the axis spans.
    pub fn span(&self) -> f64 {
        (self.t_max - self.t0).max(1e-12)
    }
    /// Top and bottom of the bars of row `p`.
    pub fn bar_y(&self, p: usize) -> (f64, f64) {
        let h = self.row_height();
        let pad = (h * 0.15).min(6.0);
        (
            self.top + p as f64 * h + pad,
            self.top + (p + 1) as f64 * h - pad,
        )
    }
    /// The row under pixel height `y`.
    pub fn row_at(&self, y: f64) -> Option<usize> {
        let r = ((y - self.top) / self.row_height()).floor();
        (r >= 0.0 && (r as usize) < self.rows).then_some(r as usize)
    }
    /// The axis line's pixel height.
    pub fn axis_y(&self) -> f64 {
        self.height as f64 - self.bottom
    }
    /// The time two pixels span (the slack of hit testing on thin bars).
    pub fn two_px(&self) -> f64 {
        self.span() / self.width as f64 * 2.0
    }
}

/// Where the pointer may be to hit a bar: anywhere in its row, or on the bar's height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitArea {
    Row,
    Bar,
}

/// The first of `spans` (row, start, end) under pixel (x, y): its index in `spans`. Bars
/// thinner than two pixels are hit within two pixels.
pub fn hit(
    g: &Geometry,
    x: f64,
    y: f64,
    area: HitArea,
    spans: impl IntoIterator<Item = (usize, f64, f64)>,
) -> Option<usize> {
    let row = g.row_at(y)?;
    if area == HitArea::Bar {
        let (y0, y1) = g.bar_y(row);
        if y < y0 || y > y1 {
            return None;
        }
    }
    let (t, slack) = (g.t(x), g.two_px());
    spans
        .into_iter()
        .position(|(r, a, b)| r == row && t >= a - slack && t <= b + slack)
}

/// Round tick step (1, 2 or 5 × 10^k) giving about `target` ticks over `span`.
pub fn tick_step(span: f64, target: f64) -> f64 {
    if span.is_nan() || span <= 0.0 {
        return 1.0;
    }
    let raw = span / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    mag * if n < 1.5 {
        1.0
    } else if n < 3.5 {
        2.0
    } else if n < 7.5 {
        5.0
    } else {
        10.0
    }
}

/// The ticks of the time axis: the multiples of a round step from `t0` to `t_max`.
pub fn ticks(g: &Geometry) -> Vec<f64> {
    let step = tick_step(g.span(), ((g.width as f64 - g.left) / 90.0).max(2.0));
    let first = (g.t0 / step - 1e-4).ceil();
    let n = ((g.t_max + g.span() * 1e-4) / step).floor() - first;
    (0..=(n.max(0.0) as usize).min(1000))
        .map(|k| (first + k as f64) * step)
        .collect()
}

/// A time for people: integers bare, otherwise two decimals (one from 100 up).
pub fn format_time(t: f64) -> String {
    if t == t.round() && t.abs() < 1e9 {
        format!("{t:.0}")
    } else if t.abs() >= 100.0 {
        format!("{t:.1}")
    } else {
        format!("{t:.2}")
    }
}

/// How a bar is filled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fill {
    /// Faint (this opacity) over its whole length, solid up to the playhead.
    Progress(f64),
    /// Drawn only from its start up to the playhead, at this opacity.
    Grow(f64),
    /// Always its whole length at this opacity.
    Solid(f64),
    /// No fill (an outline only).
    None,
}

/// One bar of a timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar<'a> {
    pub row: usize,
    pub start: f64,
    pub end: f64,
    pub color: Rgb,
    pub fill: Fill,
    /// An outline in this color, drawn when the bar is wider than `min_px` pixels.
    pub outline: Option<(RGBAColor, i32)>,
    /// Centred in the bar when it fits; dark or light on a finished bar.
    pub label: Option<&'a str>,
    /// Top and bottom pixel instead of the row's bar height.
    pub y: Option<(f64, f64)>,
}

impl<'a> Bar<'a> {
    /// A bar on row `row`'s bar height that fills up as the playhead passes.
    pub fn new(row: usize, start: f64, end: f64, color: Rgb) -> Bar<'a> {
        Bar {
            row,
            start,
            end,
            color,
            fill: Fill::Progress(0.22),
            outline: None,
            label: None,
            y: None,
        }
    }
}

/// A shaded interval of a row (slowdowns, an instance's time out of service).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shade {
    pub row: usize,
    pub start: f64,
    pub end: f64,
    pub color: RGBAColor,
}

/// The text style of labels.
fn font(size: f64, c: Rgb) -> TextStyle<'static> {
    ("sans-serif", size).into_font().color(&rgb(c))
}

/// `label` cut with an ellipsis to `max_chars` characters.
pub fn truncate(label: &str, max_chars: usize) -> String {
    if label.chars().count() > max_chars {
        label
            .chars()
            .take(max_chars.saturating_sub(1))
            .chain(std::iter::once('…'))
            .collect()
    } else {
        label.to_string()
    }
}

/// The frame: background, alternate row bands, row labels (cut to the label column),
/// the axis line, and the time ticks labelled with `unit`.
pub fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    labels: &[String],
    label_px: f64,
    unit: &str,
    th: Theme,
) -> DrawResult<DB> {
    root.fill(&rgb(th.bg))?;
    let (x_left, x_right) = (g.left as i32, (g.width as f64 - g.right) as i32);
    let max_chars = ((g.left - 10.0) / 7.0).max(3.0) as usize;
    for (r, label) in labels.iter().enumerate().take(g.rows) {
        let (y0, y1) = g.row_y(r);
        let (y0, y1) = (y0 as i32, y1 as i32);
        if r % 2 == 0 {
            root.draw(&Rectangle::new(
                [(x_left, y0), (x_right, y1)],
                rgb(th.band).filled(),
            ))?;
        }
        root.draw(&Text::new(
            truncate(label, max_chars),
            (x_left - 6, (y0 + y1) / 2),
            font(label_px, th.fg).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    let axis_y = g.axis_y() as i32;
    root.draw(&PathElement::new(
        vec![(x_left, axis_y), (x_right, axis_y)],
        rgb(th.grid),
    ))?;
    for t in ticks(g) {
        let x = g.x(t) as i32;
        root.draw(&PathElement::new(
            vec![(x, g.top as i32), (x, axis_y + 4)],
            rgb(th.grid),
        ))?;
        root.draw(&Text::new(
            format!("{}{unit}", format_time(t)),
            (x, axis_y + 6),
            font(11.0, th.fg).pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
    }
    Ok(())
}

/// Shaded intervals, clipped to the time axis.
pub fn draw_shades<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    shades: &[Shade],
) -> DrawResult<DB> {
    for s in shades {
        let (a, b) = (s.start.clamp(g.t0, g.t_max), s.end.clamp(g.t0, g.t_max));
        if b <= a && s.end > s.start {
            continue;
        }
        let (y0, y1) = g.row_y(s.row);
        let (xa, xb) = (g.x(a) as i32, g.x(b) as i32);
        root.draw(&Rectangle::new(
            [(xa, y0 as i32), (xb.max(xa + 1), y1 as i32)],
            s.color.filled(),
        ))?;
    }
    Ok(())
}

/// Bars at `playhead`, labels at `label_px`.
pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    bars: &[Bar],
    playhead: f64,
    label_px: f64,
    th: Theme,
) -> DrawResult<DB> {
    for b in bars.iter().filter(|b| g.visible(b.start, b.end)) {
        let (y0, y1) = b.y.unwrap_or_else(|| g.bar_y(b.row));
        let (y0, y1) = (y0 as i32, y1 as i32);
        let c = b.color;
        let x0 = g.x_in(b.start) as i32;
        let x1 = (g.x_in(b.end) as i32).max(x0 + 1);
        let done = || {
            (g.x_in(playhead.clamp(b.start, b.end)) as i32)
                .max(x0 + 1)
                .min(x1)
        };
        match b.fill {
            Fill::Progress(faint) => {
                root.draw(&Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    rgba(c, faint).filled(),
                ))?;
                if playhead >= b.start {
                    root.draw(&Rectangle::new([(x0, y0), (done(), y1)], rgb(c).filled()))?;
                }
            }
            Fill::Grow(alpha) => {
                if playhead >= b.start {
                    root.draw(&Rectangle::new(
                        [(x0, y0), (done(), y1)],
                        rgba(c, alpha).filled(),
                    ))?;
                }
            }
            Fill::Solid(alpha) => {
                root.draw(&Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    rgba(c, alpha).filled(),
                ))?;
            }
            Fill::None => {}
        }
        if let Some((oc, min_px)) = b.outline {
            let x_end = if matches!(b.fill, Fill::Grow(_)) {
                done()
            } else {
                x1
            };
            if x_end - x0 > min_px {
                root.draw(&Rectangle::new(
                    [(x0, y0), (x_end, y1)],
                    ShapeStyle {
                        color: oc,
                        filled: false,
                        stroke_width: 1,
                    },
                ))?;
            }
        }
        if let Some(name) = b.label {
            let approx_w = name.chars().count() as f64 * label_px * 0.6;
            if (x1 - x0) as f64 > approx_w + 4.0 && (y1 - y0) as f64 >= label_px {
                let text_c = if playhead >= b.end {
                    color::text_on(c)
                } else {
                    th.fg
                };
                root.draw(&Text::new(
                    name.to_string(),
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    font(label_px, text_c).pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }
    }
    Ok(())
}

/// A vertical line at `t` from the top of the rows to the axis (scaling events).
pub fn draw_marker<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    t: f64,
    c: Rgb,
) -> DrawResult<DB> {
    if !g.visible(t, t) {
        return Ok(());
    }
    let x = g.x(t) as i32;
    root.draw(&PathElement::new(
        vec![(x, g.top as i32), (x, g.axis_y() as i32)],
        rgb(c).stroke_width(2),
    ))
}

/// The playhead, when strictly inside the time axis.
pub fn draw_playhead<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    playhead: f64,
) -> DrawResult<DB> {
    if playhead > g.t0 && playhead < g.t_max {
        let x = g.x(playhead) as i32;
        root.draw(&PathElement::new(
            vec![(x, 0), (x, g.axis_y() as i32)],
            rgb(color::PLAYHEAD).stroke_width(2),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svg(f: impl FnOnce(&DrawingArea<SVGBackend, Shift>)) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (600, 120)).into_drawing_area();
            f(&root);
            root.present().unwrap();
        }
        out
    }

    #[test]
    fn geometry_maps_time_and_rows_both_ways() {
        let g = Geometry::new(800, 200, 3, 80.0);
        assert_eq!(g.x(0.0), g.left);
        assert!((g.t(g.x(37.5)) - 37.5).abs() < 1e-9);
        assert_eq!(g.row_at(g.top + 1.0), Some(0));
        assert_eq!(g.row_at(g.height as f64 - g.bottom - 1.0), Some(2));
        assert_eq!(g.row_at(g.height as f64), None);
        assert_eq!(tick_step(80.0, 8.0), 10.0);
        assert_eq!(tick_step(0.37, 4.0), 0.1);
        let long = vec!["a very long processor name indeed".to_string()];
        assert_eq!(g.fit_labels(&long, 48.0).left, 14.0 + 7.0 * 22.0);
        assert_eq!(g.fit_labels(&["P1".to_string()], 48.0).left, 48.0);
    }

    #[test]
    fn zoom_keeps_the_time_under_the_pointer_and_pan_stays_inside_the_run() {
        // Zooming in 2× around t = 20 of [0, 80]: 20 stays a quarter along the axis.
        let w = zoom(None, 80.0, 20.0, 0.5).unwrap();
        assert_eq!(w, (10.0, 50.0));
        let g = Geometry::new(800, 200, 3, 80.0);
        let z = g.zoomed(Some(w));
        assert!(
            (z.x(20.0) - g.x(20.0)).abs() < 1e-9,
            "the pointer's time stays put"
        );
        assert!((z.t(z.x(33.3)) - 33.3).abs() < 1e-9);
        assert_eq!((z.x(10.0), z.x(50.0)), (g.x(0.0), g.x(80.0)));
        // Out again: the whole run is None (no window), never wider than the run.
        assert_eq!(zoom(Some(w), 80.0, 20.0, 2.0), None);
        assert_eq!(zoom(Some(w), 80.0, 20.0, 100.0), None);
        // At the edge the window slides back inside; at most MAX_ZOOM in.
        assert_eq!(zoom(None, 80.0, 80.0, 0.5), Some((40.0, 80.0)));
        let tiny = (0..40).fold(None, |w, _| zoom(w, 80.0, 30.0, 0.5)).unwrap();
        assert!(
            ((tiny.1 - tiny.0) - 80.0 / MAX_ZOOM).abs() < 1e-9,
            "{tiny:?}"
        );
        // Pan moves the window, held inside [0, t_max]; nothing to pan when not zoomed.
        assert_eq!(pan(Some(w), 80.0, 15.0), Some((25.0, 65.0)));
        assert_eq!(pan(Some(w), 80.0, 1e9), Some((40.0, 80.0)));
        assert_eq!(pan(Some(w), 80.0, -1e9), Some((0.0, 40.0)));
        assert_eq!(pan(None, 80.0, 5.0), None);
        assert_eq!(pan(Some(w), 80.0, f64::NAN), Some(w));
        // A window from a longer run is cut to this one; one past its end is ignored.
        assert_eq!(g.zoomed(Some((60.0, 120.0))).t0, 60.0);
        assert_eq!(g.zoomed(Some((60.0, 120.0))).t_max, 80.0);
        assert_eq!(g.zoomed(Some((90.0, 120.0))), g);
        // Ticks cover the window only, at a step for its span.
        let t = ticks(&z);
        assert_eq!((t[0], *t.last().unwrap()), (10.0, 50.0));
        assert!(
            t.windows(2).all(|p| (p[1] - p[0] - 5.0).abs() < 1e-9),
            "{t:?}"
        );
    }

    proptest::proptest! {
        /// Any sequence of zooms and pans keeps the window inside the run, no narrower than
        /// MAX_ZOOM allows, and a zoom keeps the time under the pointer where it was unless
        /// the window had to slide back inside the run.
        #[test]
        fn zoom_and_pan_stay_inside_the_run(
            t_max in 1e-3f64..1e7,
            moves in proptest::collection::vec((0.0f64..1.0, 0.05f64..4.0, -2.0f64..2.0), 1..30),
        ) {
            let g = Geometry::new(800, 200, 3, t_max);
            let mut w = None;
            for (at, factor, shift) in moves {
                let before = g.zoomed(w);
                let t = before.t0 + at * before.span();
                let next = zoom(w, t_max, t, factor);
                if let Some((a, b)) = next {
                    proptest::prop_assert!(0.0 <= a && a < b && b <= t_max * (1.0 + 1e-12));
                    proptest::prop_assert!(b - a >= t_max / MAX_ZOOM * (1.0 - 1e-9));
                    let after = g.zoomed(next);
                    // (Not slid back inside the run: clear of both ends.)
                    if a > t_max * 1e-9 && b < t_max * (1.0 - 1e-9) {
                        let moved = (after.x(t) - before.x(t)).abs();
                        proptest::prop_assert!(moved < 1e-6 * 800.0, "moved {} px", moved);
                    }
                }
                w = pan(next, t_max, shift * (next.map_or(t_max, |(a, b)| b - a)));
                if let Some((a, b)) = w {
                    proptest::prop_assert!(0.0 <= a && a < b && b <= t_max * (1.0 + 1e-12));
                }
            }
        }
    }

    #[test]
    fn a_zoomed_timeline_draws_nothing_over_its_labels() {
        let th = color::theme(false);
        let g = Geometry::new(600, 120, 1, 100.0).zoomed(Some((40.0, 60.0)));
        let bars = [
            Bar::new(0, 0.0, 10.0, (230, 159, 0)),
            Bar::new(0, 30.0, 50.0, (0, 114, 178)),
            Bar::new(0, 90.0, 95.0, (0, 158, 115)),
        ];
        let out = svg(|root| draw_bars(root, &g, &bars, 100.0, 12.0, th).unwrap());
        // Only the bar across the window's left edge, cut at the axis's start.
        assert!(!out.to_lowercase().contains("#e69f00") && !out.to_lowercase().contains("#009e73"));
        let x0 = g.left as i32;
        assert!(out.contains(&format!("x=\"{x0}\"")), "{out}");
    }

    #[test]
    fn hit_testing_finds_the_bar_under_the_pointer() {
        let g = Geometry::new(800, 200, 3, 80.0);
        let spans = [(0, 0.0, 10.0), (2, 5.0, 20.0), (2, 30.0, 30.0)];
        let (y0, y1) = g.bar_y(2);
        let mid = (y0 + y1) / 2.0;
        assert_eq!(hit(&g, g.x(7.0), mid, HitArea::Bar, spans), Some(1));
        assert_eq!(hit(&g, g.x(25.0), mid, HitArea::Bar, spans), None);
        // A zero-length bar is hit within two pixels.
        assert_eq!(hit(&g, g.x(30.0) + 1.5, mid, HitArea::Bar, spans), Some(2));
        // Between the bars' height and the row's edge: only a row hit.
        let edge = g.row_y(2).0 + 1.0;
        assert_eq!(hit(&g, g.x(7.0), edge, HitArea::Bar, spans), None);
        assert_eq!(hit(&g, g.x(7.0), edge, HitArea::Row, spans), Some(1));
        assert_eq!(
            hit(&g, g.x(7.0), g.height as f64, HitArea::Row, spans),
            None
        );
    }

    #[test]
    fn ticks_are_round_and_cover_the_axis() {
        let g = Geometry::new(800, 200, 3, 80.0);
        let t = ticks(&g);
        assert_eq!(t.first(), Some(&0.0));
        assert_eq!(t.last(), Some(&80.0));
        assert!(t.windows(2).all(|w| (w[1] - w[0] - 10.0).abs() < 1e-9));
        assert_eq!(format_time(2.5), "2.50");
        assert_eq!(format_time(120.25), "120.2");
        assert_eq!(truncate("processor", 4), "pro…");
    }

    #[test]
    fn a_bar_fills_up_as_the_playhead_passes_and_its_label_shows() {
        let g = Geometry::new(600, 120, 1, 10.0);
        let th = color::theme(false);
        let bars = [Bar {
            label: Some("job"),
            ..Bar::new(0, 0.0, 10.0, (0, 114, 178))
        }];
        let draw = |p: f64| {
            svg(|root| {
                draw_frame(root, &g, &["M1".into()], 12.0, " s", th).unwrap();
                draw_bars(root, &g, &bars, p, 12.0, th).unwrap();
                draw_playhead(root, &g, p).unwrap();
            })
        };
        let (start, mid, end) = (draw(0.0), draw(5.0), draw(10.0));
        assert_ne!(start, mid);
        assert_ne!(mid, end);
        assert!(mid.contains(">job<") || mid.contains(">\njob"), "{mid}");
        assert!(mid.contains("M1") && mid.contains("10 s"));
        assert!(mid.to_lowercase().contains("#0072b2"), "playhead drawn");
    }
}
