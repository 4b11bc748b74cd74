//! The Gantt chart: a row per processor, a bar per task in its color with its label,
//! transfers as lines between rows, planned slots as outlines behind the actual bars under
//! noise, stragglers as shaded bands, and a playhead: bars fill up as it passes them.
//!
//! [`Geometry`] is pure layout (time ↔ pixels, rows, hit testing), shared by the drawing
//! and the hover tooltip; [`draw`] renders with plotters on any backend (a canvas in the
//! browser, an SVG string for export and tests).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use schedlab_core::run::RunResult;
use schedlab_core::Problem;

use crate::palette;

/// Above this many tasks the chart drops per-bar outlines.
pub const BIG_CHART_TASKS: usize = 500;
/// Above this many transfers no transfer line is drawn (they would only be noise).
pub const MAX_TRANSFER_LINES: usize = 600;

/// Visual options.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub dark: bool,
    /// Draw planned slots as outlines (meaningful under noise).
    pub show_plan: bool,
    pub show_transfers: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            dark: false,
            show_plan: true,
            show_transfers: true,
        }
    }
}

/// Pixel layout of a Gantt chart of `rows` processors over [0, t_max].
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
        }
    }
    /// A layout whose label column fits the processor names (up to 22 characters).
    pub fn for_problem(width: u32, height: u32, problem: &Problem, t_max: f64) -> Geometry {
        let longest = problem
            .proc_names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(2)
            .min(22);
        Geometry {
            left: (14.0 + 7.0 * longest as f64).clamp(48.0, 170.0),
            ..Geometry::new(width, height, problem.n_procs(), t_max)
        }
    }
    /// Height of one processor row.
    pub fn row_height(&self) -> f64 {
        (self.height as f64 - self.top - self.bottom) / self.rows as f64
    }
    pub fn x(&self, t: f64) -> f64 {
        self.left + (t / self.t_max) * (self.width as f64 - self.left - self.right)
    }
    pub fn t(&self, x: f64) -> f64 {
        (x - self.left) / (self.width as f64 - self.left - self.right) * self.t_max
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
}

/// The task whose actual bar is under pixel (x, y), if any.
pub fn bar_at(g: &Geometry, run: &RunResult, x: f64, y: f64) -> Option<usize> {
    let p = g.row_at(y)?;
    let (y0, y1) = g.bar_y(p);
    if y < y0 || y > y1 {
        return None;
    }
    let t = g.t(x);
    let slack = g.t_max / (g.width as f64) * 2.0; // 2 px for thin bars
    run.execution.proc_order[p].iter().copied().find(|&task| {
        let r = &run.execution.tasks[task];
        t >= r.start - slack && t <= r.end + slack
    })
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

pub fn format_time(t: f64) -> String {
    if t == t.round() && t.abs() < 1e9 {
        format!("{t:.0}")
    } else if t.abs() >= 100.0 {
        format!("{t:.1}")
    } else {
        format!("{t:.2}")
    }
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Result of a drawing step on backend `DB`.
pub type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// An RGB triple.
pub type Rgb = (u8, u8, u8);

/// (background, foreground, alternate row band, grid) of the Gantt charts.
pub fn theme(dark: bool) -> (Rgb, Rgb, Rgb, Rgb) {
    if dark {
        ((13, 17, 23), (230, 237, 243), (22, 27, 34), (48, 54, 61))
    } else {
        (
            (255, 255, 255),
            (27, 31, 36),
            (246, 248, 250),
            (216, 222, 228),
        )
    }
}

/// The time ticks and labels under a Gantt chart (labels followed by `unit`), shared by
/// the DAG, Streams and Serving labs.
pub fn time_axis<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    fg: Rgb,
    grid: Rgb,
    unit: &str,
) -> DrawResult<DB> {
    let axis_y = (g.height as f64 - g.bottom) as i32;
    let step = tick_step(g.t_max, ((g.width as f64 - g.left) / 90.0).max(2.0));
    let mut t = 0.0;
    while t <= g.t_max * 1.0001 {
        let x = g.x(t) as i32;
        root.draw(&PathElement::new(
            vec![(x, g.top as i32), (x, axis_y + 4)],
            rgb(grid),
        ))?;
        root.draw(&Text::new(
            format!("{}{unit}", format_time(t)),
            (x, axis_y + 6),
            ("sans-serif", 11.0)
                .into_font()
                .color(&rgb(fg))
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))?;
        t += step;
    }
    Ok(())
}

/// Draws `run` of `problem` at `playhead` on `root` (whose pixel size is `g`'s).
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    problem: &Problem,
    run: &RunResult,
    playhead: f64,
    style: Style,
) -> Result<(), String> {
    draw_inner(root, g, problem, run, playhead, style).map_err(|e| e.to_string())
}

fn draw_inner<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    problem: &Problem,
    run: &RunResult,
    playhead: f64,
    style: Style,
) -> DrawResult<DB> {
    let (bg, fg, band, grid) = theme(style.dark);
    root.fill(&rgb(bg))?;
    let font = |size: f64, c: (u8, u8, u8)| ("sans-serif", size).into_font().color(&rgb(c));
    let (x_left, x_right) = (g.left as i32, (g.width as f64 - g.right) as i32);
    let rh = g.row_height();
    let label_size = rh.clamp(9.0, 13.0);

    // Rows, processor names, slowdown bands.
    for p in 0..g.rows.min(problem.n_procs()) {
        let y0 = (g.top + p as f64 * rh) as i32;
        let y1 = (g.top + (p + 1) as f64 * rh) as i32;
        if p % 2 == 0 {
            root.draw(&Rectangle::new(
                [(x_left, y0), (x_right, y1)],
                rgb(band).filled(),
            ))?;
        }
        let full = &problem.proc_names[p];
        let max_chars = ((g.left - 10.0) / 7.0).max(3.0) as usize;
        let name: String = if full.chars().count() > max_chars {
            full.chars()
                .take(max_chars - 1)
                .chain(std::iter::once('…'))
                .collect()
        } else {
            full.clone()
        };
        root.draw(&Text::new(
            name,
            (x_left - 6, (y0 + y1) / 2),
            font(label_size, fg).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
        for s in run.execution.slowdowns.iter().filter(|s| s.proc == p) {
            let (a, b) = (
                g.x(s.start.min(g.t_max)) as i32,
                g.x(s.end.min(g.t_max)) as i32,
            );
            root.draw(&Rectangle::new(
                [(a, y0), (b.max(a + 1), y1)],
                RGBAColor(213, 94, 0, 0.16).filled(),
            ))?;
        }
    }

    // Time axis.
    let axis_y = (g.height as f64 - g.bottom) as i32;
    root.draw(&PathElement::new(
        vec![(x_left, axis_y), (x_right, axis_y)],
        rgb(grid),
    ))?;
    time_axis(root, g, fg, grid, "")?;

    let exec = &run.execution;
    // Big charts (thousands of bars at a few pixels each) skip the details that cost draw
    // calls without adding information: per-bar outlines and all-to-all transfer lines.
    let big = exec.tasks.len() > BIG_CHART_TASKS;
    // Planned slots behind the actual bars.
    if style.show_plan {
        for (task, r) in exec.tasks.iter().enumerate() {
            if r.planned_start == r.start && r.planned_end == r.end {
                continue;
            }
            let (y0, y1) = g.bar_y(r.proc);
            let (x0, x1) = (
                g.x(r.planned_start) as i32,
                (g.x(r.planned_end) as i32).max(g.x(r.planned_start) as i32 + 1),
            );
            let c = palette::task_color(task);
            root.draw(&Rectangle::new(
                [(x0, y0 as i32 - 2), (x1, y1 as i32 + 2)],
                ShapeStyle {
                    color: rgb(c).to_rgba(),
                    filled: false,
                    stroke_width: 1,
                },
            ))?;
        }
    }

    // Transfers that have started: a line from the producer's end to the arrival.
    if style.show_transfers && exec.transfers.len() <= MAX_TRANSFER_LINES {
        for tr in exec.transfers.iter().filter(|tr| tr.start <= playhead) {
            let (a0, a1) = g.bar_y(tr.from_proc);
            let (b0, b1) = g.bar_y(tr.to_proc);
            let end = tr.end.min(playhead);
            let frac = if tr.end > tr.start {
                (end - tr.start) / (tr.end - tr.start)
            } else {
                1.0
            };
            let ya = (a0 + a1) / 2.0;
            let yb = ya + ((b0 + b1) / 2.0 - ya) * frac;
            let c = if style.dark {
                RGBAColor(200, 200, 200, 0.55)
            } else {
                RGBAColor(90, 90, 90, 0.55)
            };
            root.draw(&PathElement::new(
                vec![
                    (g.x(tr.start) as i32, ya as i32),
                    (g.x(end) as i32, yb as i32),
                ],
                c.stroke_width(1),
            ))?;
            if tr.end <= playhead {
                root.draw(&Circle::new((g.x(tr.end) as i32, yb as i32), 2, c.filled()))?;
            }
        }
    }

    // Actual bars: full color up to the playhead, faint after it.
    for (task, r) in exec.tasks.iter().enumerate() {
        let (y0, y1) = g.bar_y(r.proc);
        let (y0, y1) = (y0 as i32, y1 as i32);
        let c = palette::task_color(task);
        let x0 = g.x(r.start) as i32;
        let x1 = (g.x(r.end) as i32).max(x0 + 1);
        let done = g.x(playhead.clamp(r.start, r.end)) as i32;
        root.draw(&Rectangle::new(
            [(x0, y0), (x1, y1)],
            RGBAColor(c.0, c.1, c.2, 0.22).filled(),
        ))?;
        if playhead >= r.start {
            root.draw(&Rectangle::new(
                [(x0, y0), (done.max(x0 + 1).min(x1), y1)],
                rgb(c).filled(),
            ))?;
        }
        if !big {
            root.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                ShapeStyle {
                    color: rgb(c).to_rgba(),
                    filled: false,
                    stroke_width: 1,
                },
            ))?;
        }
        let name = &problem.task_names[task];
        let approx_w = name.chars().count() as f64 * label_size * 0.6;
        if (x1 - x0) as f64 > approx_w + 4.0 && (y1 - y0) as f64 >= label_size {
            let text_c = if playhead >= r.end {
                palette::text_on(c)
            } else {
                fg
            };
            root.draw(&Text::new(
                name.clone(),
                ((x0 + x1) / 2, (y0 + y1) / 2),
                font(label_size, text_c).pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        }
    }

    // The playhead.
    if playhead > 0.0 && playhead < g.t_max {
        let x = g.x(playhead) as i32;
        root.draw(&PathElement::new(
            vec![(x, g.top as i32 - 4), (x, axis_y)],
            RGBColor(0, 114, 178).stroke_width(2),
        ))?;
    }
    Ok(())
}

/// The Gantt as an SVG document (for export and tests).
pub fn to_svg(
    problem: &Problem,
    run: &RunResult,
    playhead: f64,
    t_max: f64,
    width: u32,
    height: u32,
    style: Style,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        let g = Geometry::for_problem(width, height, problem, t_max);
        draw(&root, &g, problem, run, playhead, style)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::evaluate;
    use crate::presets;
    use crate::state::AppState;

    fn heft() -> (Problem, RunResult) {
        let s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        let mut e = evaluate(&s).unwrap();
        (e.problem, e.columns.remove(0).run)
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
    }

    #[test]
    fn hovering_finds_the_bar() {
        let (_p, run) = heft();
        let g = Geometry::new(800, 200, 3, 80.0);
        // n1 runs 0-9 on P3 (row 2).
        let (y0, y1) = g.bar_y(2);
        assert_eq!(bar_at(&g, &run, g.x(4.0), (y0 + y1) / 2.0), Some(0));
        // Nothing on P1 before 27.
        let (y0, y1) = g.bar_y(0);
        assert_eq!(bar_at(&g, &run, g.x(10.0), (y0 + y1) / 2.0), None);
    }

    #[test]
    fn the_svg_has_a_bar_and_label_per_task_and_animates() {
        let (p, run) = heft();
        let full = to_svg(&p, &run, 80.0, 80.0, 900, 220, Style::default()).unwrap();
        let texts: Vec<&str> = full
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split('<').next()))
            .map(str::trim)
            .collect();
        for name in p.task_names.iter().chain(&p.proc_names) {
            assert!(
                texts.contains(&name.as_str()),
                "{name} label missing from {texts:?}"
            );
        }
        assert!(
            full.matches("<rect").count() >= 10 * 3,
            "a faint, a solid and an outline rect per task"
        );
        // At the start only faint bars; at the end every bar is solid: the frames differ.
        let start = to_svg(&p, &run, 0.0, 80.0, 900, 220, Style::default()).unwrap();
        let mid = to_svg(&p, &run, 40.0, 80.0, 900, 220, Style::default()).unwrap();
        assert_ne!(start, mid);
        assert_ne!(mid, full);
        assert!(
            mid.contains("#0072B2") || mid.to_lowercase().contains("#0072b2"),
            "playhead drawn"
        );
    }
}
