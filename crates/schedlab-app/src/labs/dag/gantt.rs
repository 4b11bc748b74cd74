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
        let g = geometry(width, height, problem, t_max);
        draw(&root, &g, problem, run, playhead, style)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
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
