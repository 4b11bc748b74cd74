//! The DAG lab's Gantt chart: a row per processor, a bar per task in its color with its
//! label, transfers as lines between rows, planned slots as outlines behind the actual bars
//! under noise, stragglers as shaded bands, and a playhead: bars fill up as it passes them.
//!
//! Drawn through the kit's timeline frame ([`crate::kit::timeline`]), which also gives the
//! geometry and hit testing; transfers are this lab's own.

use plotters::coord::Shift;
use plotters::prelude::*;
use schedlab_core::run::RunResult;
use schedlab_core::Problem;

use crate::kit::color::{self, theme};
use crate::kit::timeline::{self, Bar, Fill, HitArea, Shade};
pub use crate::kit::timeline::{format_time, tick_step, DrawResult, Geometry};

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

/// A layout whose label column fits the processor names (up to 22 characters).
pub fn geometry(width: u32, height: u32, problem: &Problem, t_max: f64) -> Geometry {
    Geometry::new(width, height, problem.n_procs(), t_max).fit_labels(&problem.proc_names, 48.0)
}

/// The task whose actual bar is under pixel (x, y), if any.
pub fn bar_at(g: &Geometry, run: &RunResult, x: f64, y: f64) -> Option<usize> {
    let tasks = &run.execution.tasks;
    timeline::hit(
        g,
        x,
        y,
        HitArea::Bar,
        tasks.iter().map(|r| (r.proc, r.start, r.end)),
    )
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
    let th = theme(style.dark);
    let label_px = g.row_height().clamp(9.0, 13.0);
    let rows = &problem.proc_names[..g.rows.min(problem.n_procs())];
    timeline::draw_frame(root, g, rows, label_px, "", th)?;
    let exec = &run.execution;
    let shades: Vec<Shade> = exec
        .slowdowns
        .iter()
        .map(|s| Shade {
            row: s.proc,
            start: s.start,
            end: s.end,
            color: color::rgba(color::ALERT, 0.16),
        })
        .collect();
    timeline::draw_shades(root, g, &shades)?;

    // Big charts (thousands of bars at a few pixels each) skip the details that cost draw
    // calls without adding information: per-bar outlines and all-to-all transfer lines.
    let big = exec.tasks.len() > BIG_CHART_TASKS;
    // Planned slots behind the actual bars.
    if style.show_plan {
        let plan: Vec<Bar> = exec
            .tasks
            .iter()
            .enumerate()
            .filter(|(_, r)| r.planned_start != r.start || r.planned_end != r.end)
            .map(|(task, r)| {
                let (y0, y1) = g.bar_y(r.proc);
                let c = color::task_color(task);
                Bar {
                    fill: Fill::None,
                    outline: Some((color::rgb(c).to_rgba(), 0)),
                    y: Some((y0 - 2.0, y1 + 2.0)),
                    ..Bar::new(r.proc, r.planned_start, r.planned_end, c)
                }
            })
            .collect();
        timeline::draw_bars(root, g, &plan, playhead, label_px, th)?;
    }

    // Transfers that have started: a line from the producer's end to the arrival.
    if style.show_transfers && exec.transfers.len() <= MAX_TRANSFER_LINES {
        for tr in exec
            .transfers
            .iter()
            .filter(|tr| tr.start <= playhead && g.visible(tr.start, tr.end))
        {
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
                    (g.x_in(tr.start) as i32, ya as i32),
                    (g.x_in(end) as i32, yb as i32),
                ],
                c.stroke_width(1),
            ))?;
            if tr.end <= playhead && g.visible(tr.end, tr.end) {
                root.draw(&Circle::new((g.x(tr.end) as i32, yb as i32), 2, c.filled()))?;
            }
        }
    }

    // Actual bars: full color up to the playhead, faint after it.
    let bars: Vec<Bar> = exec
        .tasks
        .iter()
        .enumerate()
        .map(|(task, r)| {
            let c = color::task_color(task);
            Bar {
                outline: (!big).then(|| (color::rgb(c).to_rgba(), 0)),
                label: Some(problem.task_names[task].as_str()),
                ..Bar::new(r.proc, r.start, r.end, c)
            }
        })
        .collect();
    timeline::draw_bars(root, g, &bars, playhead, label_px, th)?;
    timeline::draw_playhead(root, g, playhead)
}

/// The whole run's Gantt as an SVG document (the page's and the CLI's export): what
/// [`draw`] shows at the end of the run, written as SVG text directly. Not drawn through
/// plotters' SVG backend: that would compile every drawing function a second time into
/// the page (5.7 KB of the gzipped bundle, docs/performance.md).
pub fn to_svg(
    problem: &Problem,
    run: &RunResult,
    t_max: f64,
    width: u32,
    height: u32,
    style: Style,
) -> String {
    use crate::kit::html::escape;
    use std::fmt::Write;
    let g = geometry(width, height, problem, t_max);
    let th = theme(style.dark);
    let hex = color::hex;
    let label_px = g.row_height().clamp(9.0, 13.0);
    let (xl, xr, axis) = (g.left, width as f64 - g.right, g.axis_y());
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\">\
         <rect width=\"100%\" height=\"100%\" fill=\"{}\"/>",
        hex(th.bg)
    );
    let rect = |s: &mut String, (x0, y0, x1, y1): (f64, f64, f64, f64), paint: &str| {
        let _ = write!(
            s,
            "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{:.1}\" height=\"{:.1}\" {paint}/>",
            (x1 - x0).max(1.0),
            y1 - y0
        );
    };
    let text = |s: &mut String, x: f64, y: f64, attrs: &str, body: &str| {
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" {attrs}>{}</text>",
            escape(body)
        );
    };
    // Rows: alternate bands and the processors' names.
    for (r, name) in problem.proc_names.iter().enumerate().take(g.rows) {
        let (y0, y1) = g.row_y(r);
        if r % 2 == 0 {
            rect(
                &mut s,
                (xl, y0, xr, y1),
                &format!("fill=\"{}\"", hex(th.band)),
            );
        }
        let attrs = format!(
            "font-size=\"{label_px:.0}\" text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"{}\"",
            hex(th.fg)
        );
        text(&mut s, xl - 6.0, (y0 + y1) / 2.0, &attrs, name);
    }
    // The time axis with its ticks.
    let grid = hex(th.grid);
    let _ = write!(
        s,
        "<path d=\"M{xl:.1} {axis:.1}H{xr:.1}\" stroke=\"{grid}\"/>"
    );
    let tick_attrs = format!(
        "font-size=\"11\" text-anchor=\"middle\" dominant-baseline=\"hanging\" fill=\"{}\"",
        hex(th.fg)
    );
    for t in timeline::ticks(&g) {
        let x = g.x(t);
        let _ = write!(
            s,
            "<path d=\"M{x:.1} {:.1}V{:.1}\" stroke=\"{grid}\"/>",
            g.top,
            axis + 4.0
        );
        text(&mut s, x, axis + 6.0, &tick_attrs, &format_time(t));
    }
    let exec = &run.execution;
    // Stragglers, shaded.
    for sd in &exec.slowdowns {
        let (y0, y1) = g.row_y(sd.proc);
        let a = hex(color::ALERT);
        rect(
            &mut s,
            (g.x_in(sd.start), y0, g.x_in(sd.end), y1),
            &format!("fill=\"{a}\" fill-opacity=\"0.16\""),
        );
    }
    // Planned slots, as outlines, where the run left them (under noise).
    if style.show_plan {
        for (task, r) in exec.tasks.iter().enumerate() {
            if r.planned_start != r.start || r.planned_end != r.end {
                let (y0, y1) = g.bar_y(r.proc);
                let c = hex(color::task_color(task));
                let at = (g.x(r.planned_start), y0 - 2.0, g.x(r.planned_end), y1 + 2.0);
                rect(&mut s, at, &format!("fill=\"none\" stroke=\"{c}\""));
            }
        }
    }
    // Transfers: a line from the producer's row at the start to the consumer's at arrival.
    if style.show_transfers && exec.transfers.len() <= MAX_TRANSFER_LINES {
        for tr in &exec.transfers {
            let ya = (g.bar_y(tr.from_proc).0 + g.bar_y(tr.from_proc).1) / 2.0;
            let yb = (g.bar_y(tr.to_proc).0 + g.bar_y(tr.to_proc).1) / 2.0;
            let (xa, xb) = (g.x(tr.start), g.x(tr.end));
            let _ = write!(
                s,
                "<path d=\"M{xa:.1} {ya:.1}L{xb:.1} {yb:.1}\" stroke=\"#5a5a5a\" stroke-opacity=\"0.55\"/>\
                 <circle cx=\"{xb:.1}\" cy=\"{yb:.1}\" r=\"2\" fill=\"#5a5a5a\" fill-opacity=\"0.55\"/>"
            );
        }
    }
    // The bars, each with its task's name where it fits.
    for (task, r) in exec.tasks.iter().enumerate() {
        let c = color::task_color(task);
        let (y0, y1) = g.bar_y(r.proc);
        let (x0, x1) = (g.x(r.start), g.x(r.end).max(g.x(r.start) + 1.0));
        rect(&mut s, (x0, y0, x1, y1), &format!("fill=\"{}\"", hex(c)));
        let name = &problem.task_names[task];
        if x1 - x0 > name.chars().count() as f64 * label_px * 0.6 + 4.0 && y1 - y0 >= label_px {
            let attrs = format!(
                "font-size=\"{label_px:.0}\" text-anchor=\"middle\" dominant-baseline=\"middle\" fill=\"{}\"",
                hex(color::text_on(c))
            );
            text(&mut s, (x0 + x1) / 2.0, (y0 + y1) / 2.0, &attrs, name);
        }
    }
    s + "</svg>"
}

#[cfg(test)]
mod tests {
    use super::super::eval::evaluate;
    use super::super::presets;
    use super::*;
    use crate::state::AppState;

    fn heft() -> (Problem, RunResult) {
        let s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        let mut e = evaluate(&s).unwrap();
        (e.problem, e.columns.remove(0).run)
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

    /// The canvas drawing at `playhead`, on plotters' SVG backend.
    fn drawn(p: &Problem, run: &RunResult, playhead: f64) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (900, 220)).into_drawing_area();
            let g = geometry(900, 220, p, 80.0);
            draw(&root, &g, p, run, playhead, Style::default()).unwrap();
            root.present().unwrap();
        }
        out
    }

    /// The texts of an SVG document.
    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split('<').next()))
            .map(str::trim)
            .collect()
    }

    #[test]
    fn the_drawing_has_a_bar_and_label_per_task_and_animates() {
        let (p, run) = heft();
        let full = drawn(&p, &run, 80.0);
        let texts = texts(&full);
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
        let (start, mid) = (drawn(&p, &run, 0.0), drawn(&p, &run, 40.0));
        assert_ne!(start, mid);
        assert_ne!(mid, full);
        assert!(
            mid.contains("#0072B2") || mid.to_lowercase().contains("#0072b2"),
            "playhead drawn"
        );
    }

    #[test]
    fn the_exported_svg_shows_the_whole_run_as_the_canvas_does() {
        let (p, run) = heft();
        let svg = to_svg(&p, &run, 80.0, 900, 220, Style::default());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        // Every task's name and processor's, and the axis's ends, as text.
        let texts = texts(&svg);
        for name in p.task_names.iter().chain(&p.proc_names) {
            assert!(texts.contains(&name.as_str()), "{name} missing: {texts:?}");
        }
        assert!(texts.contains(&"0") && texts.contains(&"80"), "{texts:?}");
        // A bar per task at the canvas's place: n1 on P3 (row 2) from 0 to 9, in its color.
        let g = geometry(900, 220, &p, 80.0);
        let (y0, _) = g.bar_y(2);
        let n1 = format!(
            "<rect x=\"{:.1}\" y=\"{y0:.1}\" width=\"{:.1}\"",
            g.x(0.0),
            g.x(9.0) - g.x(0.0)
        );
        assert!(svg.contains(&n1), "{n1} in {svg}");
        assert!(svg.contains(&format!("fill=\"{}\"", color::hex(color::task_color(0)))));
        // Transfers drawn; without noise no planned outline.
        assert_eq!(
            svg.matches("<circle").count(),
            run.execution.transfers.len()
        );
        assert!(!svg.contains("fill=\"none\""));
        // Names are escaped: a hostile name stays text.
        let mut p2 = p.clone();
        p2.task_names[0] = "<b>&".into();
        let svg2 = to_svg(&p2, &run, 80.0, 900, 220, Style::default());
        assert!(!svg2.contains("<b>") && svg2.contains("&lt;b&gt;&amp;"));
    }
}
