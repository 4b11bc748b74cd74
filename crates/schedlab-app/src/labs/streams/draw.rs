//! The Streams lab's drawings: the Gantt (arrivals, preemptions, a color per job), the
//! queue length, and the learning curve of the Train panel.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use schedlab_core::stream::learned::CurvePoint;

use super::run::{Column, StreamsResult};
use crate::kit::chart::{colors, legend, mesh_axes, Axis};
use crate::kit::color::{self, rgb};
use crate::kit::timeline::{self, Bar, DrawResult, Fill, Geometry};

/// Above this many pieces the Gantt is drawn one pixel column at a time (the job that
/// holds the machine longest in each column), so a long stream costs rows × width draws.
pub const MAX_DRAWN_SEGMENTS: usize = 6000;

/// The Gantt's bars when it has too many pieces: one per pixel column and machine run (the
/// job that holds the machine longest in the column), solid before the playhead.
fn binned_bars<'a>(g: &Geometry, col: &Column, playhead: f64) -> Vec<Bar<'a>> {
    let width = (g.width as f64 - g.left - g.right).max(1.0) as usize;
    // Per machine and pixel column: (job, time held), the longest holder wins.
    let mut best: Vec<Vec<(usize, f64)>> = vec![vec![(usize::MAX, 0.0); width]; g.rows];
    // Pixel columns of the window shown (the whole run unless zoomed).
    let (t0, px) = (g.t0, g.span() / width as f64);
    for s in col.segments.iter().filter(|s| g.visible(s.start, s.end)) {
        let a = (((s.start - t0) / px).floor().max(0.0) as usize).min(width - 1);
        let b = (((s.end - t0) / px).ceil().max(1.0) as usize).min(width);
        for (k, cell) in best[s.machine][a..b.max(a + 1)].iter_mut().enumerate() {
            let (lo, hi) = (t0 + (a + k) as f64 * px, t0 + (a + k + 1) as f64 * px);
            let held = s.end.min(hi) - s.start.max(lo);
            if held > cell.1 {
                *cell = (s.job, held);
            }
        }
    }
    let head = (((playhead - t0) / px).floor().max(0.0) as usize).min(width);
    let mut bars = Vec::new();
    for (m, cells) in best.iter().enumerate() {
        let mut k = 0;
        while k < width {
            let job = cells[k].0;
            let mut e = k + 1;
            while e < width && cells[e].0 == job && (e < head) == (k < head) {
                e += 1;
            }
            if job != usize::MAX {
                bars.push(Bar {
                    fill: Fill::Solid(if k < head { 1.0 } else { 0.2 }),
                    ..Bar::new(
                        m,
                        t0 + k as f64 * px,
                        t0 + e as f64 * px,
                        color::task_color(job),
                    )
                });
            }
            k = e;
        }
    }
    bars
}

/// Layout of the streams Gantt: a strip on top for arrivals, a row per machine.
pub fn geometry(width: u32, height: u32, r: &StreamsResult) -> Geometry {
    Geometry {
        top: 20.0,
        ..Geometry::new(width, height, r.machine_names.len(), r.t_max)
    }
    .fit_labels(&r.machine_names, 40.0)
}

/// Height in pixels of a streams Gantt.
pub fn gantt_height(rows: usize) -> u32 {
    let row = if rows > 10 { 16.0 } else { 30.0 };
    (52.0 + row * rows as f64) as u32
}

/// Draws `column`'s Gantt at `playhead`: arrivals as ticks on the top strip (filled once
/// passed), a bar per piece in its job's color, preemptions as red marks, the playhead.
pub fn draw_gantt<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    r: &StreamsResult,
    column: usize,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    draw_gantt_inner(root, g, r, column, playhead, dark).map_err(|e| e.to_string())
}

fn draw_gantt_inner<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    r: &StreamsResult,
    column: usize,
    playhead: f64,
    dark: bool,
) -> DrawResult<DB> {
    let th = color::theme(dark);
    let Some(col) = r.columns.get(column) else {
        root.fill(&rgb(th.bg))?;
        return Ok(());
    };
    let label = g.row_height().clamp(9.0, 12.0);
    timeline::draw_frame(root, g, &r.machine_names, label, "", th)?;
    root.draw(&Text::new(
        "arrivals",
        (g.left as i32 - 6, 9),
        ("sans-serif", 10.0)
            .into_font()
            .color(&rgb(th.fg))
            .pos(Pos::new(HPos::Right, VPos::Center)),
    ))?;
    // Arrivals: a tick per job on the top strip.
    let many = r.arrivals.len() > 400;
    for (j, &a) in r
        .arrivals
        .iter()
        .enumerate()
        .filter(|(_, &a)| g.visible(a, a))
    {
        let x = g.x(a) as i32;
        let c = color::rgba(color::task_color(j), if a <= playhead { 1.0 } else { 0.25 });
        if many {
            root.draw(&PathElement::new(vec![(x, 3), (x, 15)], c.stroke_width(1)))?;
        } else {
            root.draw(&Polygon::new(
                vec![(x - 4, 4), (x + 4, 4), (x, 14)],
                c.filled(),
            ))?;
        }
    }
    let bars = if col.segments.len() > MAX_DRAWN_SEGMENTS {
        binned_bars(g, col, playhead)
    } else {
        let edge = color::rgba(th.bg, 0.9);
        col.segments
            .iter()
            .map(|s| Bar {
                fill: Fill::Progress(0.2),
                outline: Some((edge, 3)),
                label: Some(r.job_labels[s.job].as_str()),
                ..Bar::new(s.machine, s.start, s.end, color::task_color(s.job))
            })
            .collect()
    };
    timeline::draw_bars(root, g, &bars, playhead, label, th)?;
    // Preemptions: a red notch where a job was pushed off unfinished.
    if col.preemption_marks.len() <= 1500 {
        for &(m, t) in col
            .preemption_marks
            .iter()
            .filter(|(_, t)| *t <= playhead && g.visible(*t, *t))
        {
            let (y0, _) = g.bar_y(m);
            let x = g.x(t) as i32;
            let y = y0 as i32;
            root.draw(&Polygon::new(
                vec![(x - 5, y - 7), (x + 5, y - 7), (x, y + 2)],
                rgb(color::ALERT).filled(),
            ))?;
        }
    }
    timeline::draw_playhead(root, g, playhead)
}

/// Jobs in the system over time, one line per policy, drawn up to `playhead`.
pub fn draw_queue<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &StreamsResult,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let y_max = r
        .columns
        .iter()
        .flat_map(|c| c.queue.iter().map(|q| q.1))
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.1;
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..r.t_max.max(1e-9), 0.0..y_max)
        .map_err(|e| e.to_string())?;
    mesh_axes(
        &mut chart,
        ("time", Axis::Value),
        ("jobs in system", Axis::Count),
        fg,
    )?;
    for (k, c) in r.columns.iter().enumerate() {
        let color = rgb(color::series_color(k));
        let mut pts = Vec::with_capacity(c.queue.len() * 2);
        let mut last = 0usize;
        for &(t, q) in &c.queue {
            if t > playhead {
                break;
            }
            pts.push((t, last as f64));
            pts.push((t, q as f64));
            last = q;
        }
        pts.push((playhead.min(r.t_max), last as f64));
        // Thin very long series: keep one point in `stride` (the step shape stays readable).
        let stride = (pts.len() / 4000).max(1);
        let pts: Vec<(f64, f64)> = pts.into_iter().step_by(stride).collect();
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label(c.policy.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 12, y)], color.stroke_width(2))
            });
    }
    if r.columns.len() > 1 {
        legend(&mut chart, bg, fg)?;
    }
    Ok(())
}

/// The learning curve of in-browser training: the policy's mean job latency on the
/// validation streams per iteration, against HEFT-RT's and dls_srpt's on the same streams.
pub fn draw_learning_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    curve: &[CurvePoint],
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let Some(last) = curve.last() else {
        return Ok(());
    };
    // Iterations of this run (the curve's own numbers add the weights' earlier training).
    let first = curve[0].iteration as f64;
    let x1 = (last.iteration as f64 - first).max(1.0);
    let ys = curve
        .iter()
        .flat_map(|p| [p.learned, p.heft, p.dls])
        .filter(|v| v.is_finite());
    let (lo, hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        return Ok(());
    }
    let pad = ((hi - lo) * 0.1).max(1e-6 * hi.abs().max(1.0));
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(34)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..x1, (lo - pad)..(hi + pad))
        .map_err(|e| e.to_string())?;
    // Iterations are counts: whole-number labels (not 200.0, 205.0).
    crate::kit::chart::mesh_axes(
        &mut chart,
        ("training iteration", crate::kit::chart::Axis::Count),
        ("mean job latency", crate::kit::chart::Axis::Value),
        fg,
    )?;
    type Series = (&'static str, RGBColor, fn(&CurvePoint) -> f64, u32);
    let series: [Series; 3] = [
        ("heft_rt", RGBColor(207, 34, 46), |p| p.heft, 1),
        ("dls_srpt", RGBColor(130, 130, 130), |p| p.dls, 1),
        ("learned", RGBColor(9, 105, 218), |p| p.learned, 3),
    ];
    for (name, col, get, w) in series {
        chart
            .draw_series(LineSeries::new(
                curve.iter().map(|p| (p.iteration as f64 - first, get(p))),
                col.stroke_width(w),
            ))
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], col.stroke_width(2)));
    }
    chart
        .draw_series(curve.iter().map(|p| {
            Circle::new(
                (p.iteration as f64 - first, p.learned),
                3,
                RGBColor(9, 105, 218).filled(),
            )
        }))
        .map_err(|e| e.to_string())?;
    legend(&mut chart, bg, fg)
}
