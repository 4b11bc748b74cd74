//! The Streams lab's model: settings (carried by links), a chunked runner that turns them
//! into one run per policy without freezing the page, what the step-through view shows,
//! and the drawings (Gantt with arrivals and preemptions, queue length, flow times).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use schedlab_core::stream::dag::TaskRun;
use schedlab_core::stream::lab::{self, Detail, PolicyRun};
use schedlab_core::stream::learned::CurvePoint;
use schedlab_core::stream::sim::{Decision, Segment, StreamMetrics};

use crate::gantt::{format_time, DrawResult, Geometry};
use crate::palette;

pub use crate::limits::{MAX_RECORDED_JOBS, MAX_UI_DAG_JOBS, MAX_UI_JOBS};
pub use schedlab_core::stream::lab::{policy_ids, Input, JobMix, StreamsSettings};

/// One policy's run, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub policy: String,
    /// How the policy chooses, in one line.
    pub rule: String,
    pub segments: Vec<Segment>,
    pub completion: Vec<f64>,
    pub queue: Vec<(f64, usize)>,
    pub metrics: StreamMetrics,
    /// Total flow time ÷ SRPT's on one machine as fast as all together (job streams).
    pub competitive_ratio: Option<f64>,
    /// Every decision (job streams up to [`MAX_RECORDED_JOBS`] jobs).
    pub decisions: Vec<Decision>,
    /// (machine, time) where a job lost its machine unfinished.
    pub preemption_marks: Vec<(usize, f64)>,
    /// Per-task detail of DAG runs.
    pub tasks: Vec<TaskRun>,
}

/// Everything the lab shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamsResult {
    pub machine_names: Vec<String>,
    pub arrivals: Vec<f64>,
    /// Job sizes (DAG jobs: the latency lower bound).
    pub sizes: Vec<f64>,
    /// A short label per job ("J3", "J3 RX").
    pub job_labels: Vec<String>,
    pub columns: Vec<Column>,
    pub t_max: f64,
    pub dag: bool,
    /// Task names per DAG job template.
    pub task_names: Vec<Vec<String>>,
    pub template_of: Vec<usize>,
    /// Mean execution time per task per template (DAG step-through).
    pub mean_exec: Vec<Vec<f64>>,
}

/// Runs the settings' policies a few events at a time (the engine's
/// [`lab::Runner`] behind the page's own bounds), then lays the result out for drawing.
#[derive(Debug, Clone)]
pub struct Runner(lab::Runner);

/// Above this many pieces the Gantt is drawn one pixel column at a time (the job that
/// holds the machine longest in each column), so a long stream costs rows × width draws.
pub const MAX_DRAWN_SEGMENTS: usize = 6000;

fn draw_binned<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    col: &Column,
    playhead: f64,
) -> DrawResult<DB> {
    let x0 = g.left as i32;
    let width = (g.width as f64 - g.left - g.right).max(1.0) as usize;
    // Per machine and pixel column: (job, time held), the longest holder wins.
    let mut best: Vec<Vec<(usize, f64)>> = vec![vec![(usize::MAX, 0.0); width]; g.rows];
    let px = g.t_max / width as f64;
    for s in &col.segments {
        let a = ((s.start / px).floor().max(0.0) as usize).min(width - 1);
        let b = ((s.end / px).ceil().max(1.0) as usize).min(width);
        for (k, cell) in best[s.machine][a..b.max(a + 1)].iter_mut().enumerate() {
            let (lo, hi) = ((a + k) as f64 * px, (a + k + 1) as f64 * px);
            let held = s.end.min(hi) - s.start.max(lo);
            if held > cell.1 {
                *cell = (s.job, held);
            }
        }
    }
    let head = ((playhead / px).floor().max(0.0) as usize).min(width);
    for (m, cells) in best.iter().enumerate() {
        let (y0, y1) = g.bar_y(m);
        let (y0, y1) = (y0 as i32, y1 as i32);
        let mut k = 0;
        while k < width {
            let job = cells[k].0;
            let mut e = k + 1;
            while e < width && cells[e].0 == job && (e < head) == (k < head) {
                e += 1;
            }
            if job != usize::MAX {
                let c = palette::task_color(job);
                let alpha = if k < head { 1.0 } else { 0.2 };
                root.draw(&Rectangle::new(
                    [(x0 + k as i32, y0), (x0 + e as i32, y1)],
                    RGBAColor(c.0, c.1, c.2, alpha).filled(),
                ))?;
            }
            k = e;
        }
    }
    Ok(())
}

/// Marks where a job leaves a machine unfinished and does not go on right there.
fn preemption_marks(segments: &[Segment], completion: &[f64]) -> Vec<(usize, f64)> {
    let mut by_job: Vec<Vec<&Segment>> = vec![Vec::new(); completion.len()];
    for s in segments {
        by_job[s.job].push(s);
    }
    let mut marks = Vec::new();
    for (j, segs) in by_job.iter_mut().enumerate() {
        schedlab_core::util::sort_dyn(segs, &|a, b| a.start.total_cmp(&b.start));
        for (k, s) in segs.iter().enumerate() {
            let tol = 1e-9 * completion[j].abs().max(1.0);
            if s.end >= completion[j] - tol {
                continue;
            }
            let continues = segs
                .get(k + 1)
                .is_some_and(|n| n.machine == s.machine && (n.start - s.end).abs() <= tol);
            if !continues {
                marks.push((s.machine, s.end));
            }
        }
    }
    marks
}

fn column(run: PolicyRun) -> Column {
    let PolicyRun {
        policy,
        rule,
        metrics,
        competitive_ratio,
        detail,
    } = run;
    match detail {
        Detail::Flow(run) => Column {
            policy,
            rule,
            preemption_marks: preemption_marks(&run.segments, &run.completion),
            competitive_ratio,
            metrics,
            segments: run.segments,
            completion: run.completion,
            queue: run.queue,
            decisions: run.decisions,
            tasks: Vec::new(),
        },
        Detail::Dag(run) => Column {
            policy,
            rule,
            preemption_marks: Vec::new(),
            competitive_ratio,
            metrics,
            segments: run.segments(),
            completion: run.completion,
            queue: run.queue,
            decisions: Vec::new(),
            tasks: run.tasks,
        },
    }
}

impl Runner {
    pub fn new(settings: &StreamsSettings) -> Result<Runner, String> {
        crate::limits::check_streams(settings)?;
        let record = settings.jobs <= MAX_RECORDED_JOBS;
        lab::Runner::new(settings, record)
            .map(Runner)
            .map_err(|e| e.to_string())
    }

    /// Works for about `budget` simulation events; true when every policy has run.
    pub fn advance(&mut self, budget: usize) -> Result<bool, String> {
        self.0.advance(budget).map_err(|e| e.to_string())
    }

    /// Fraction done, for a progress bar.
    pub fn progress(&self) -> f64 {
        self.0.progress()
    }

    /// The finished result (call after [`Runner::advance`] returned true).
    pub fn result(self) -> StreamsResult {
        let (input, runs) = self.0.finish();
        let columns: Vec<Column> = runs.into_iter().map(column).collect();
        let t_max = columns
            .iter()
            .flat_map(|c| c.completion.iter().copied())
            .fold(0.0, f64::max);
        match input {
            Input::Flow(s) => StreamsResult {
                machine_names: (0..s.machines)
                    .map(|m| match s.speeds.get(m) {
                        Some(v) if s.speeds.iter().any(|x| x != v) => {
                            format!("M{} ×{}", m + 1, format_time(*v))
                        }
                        _ => format!("M{}", m + 1),
                    })
                    .collect(),
                arrivals: s.jobs.iter().map(|j| j.arrival).collect(),
                sizes: s.jobs.iter().map(|j| j.size()).collect(),
                job_labels: (0..s.jobs.len()).map(|j| format!("J{}", j + 1)).collect(),
                columns,
                t_max,
                dag: false,
                task_names: Vec::new(),
                template_of: Vec::new(),
                mean_exec: Vec::new(),
            },
            Input::Dag(s) => {
                let short = |name: &str| -> String {
                    match name {
                        "ds3-wifi-tx" | "WiFi_Transmitter" => "TX".into(),
                        "ds3-wifi-rx" | "WiFi_Receiver" => "RX".into(),
                        other => other.trim_start_matches("random-").to_string(),
                    }
                };
                StreamsResult {
                    machine_names: s.proc_names().to_vec(),
                    arrivals: s.jobs.iter().map(|j| j.arrival).collect(),
                    sizes: s
                        .jobs
                        .iter()
                        .map(|j| s.templates[j.template].lower_bound)
                        .collect(),
                    job_labels: s
                        .jobs
                        .iter()
                        .enumerate()
                        .map(|(k, j)| {
                            format!("J{} {}", k + 1, short(&s.templates[j.template].name))
                        })
                        .collect(),
                    columns,
                    t_max,
                    dag: true,
                    task_names: s
                        .templates
                        .iter()
                        .map(|t| t.problem.task_names.clone())
                        .collect(),
                    template_of: s.jobs.iter().map(|j| j.template).collect(),
                    mean_exec: s.templates.iter().map(|t| t.mean_exec.clone()).collect(),
                }
            }
        }
    }
}

/// Runs everything at once (tests, the CLI-like path).
pub fn run_all(settings: &StreamsSettings) -> Result<StreamsResult, String> {
    let mut r = Runner::new(settings)?;
    while !r.advance(usize::MAX / 2)? {}
    Ok(r.result())
}

/// One row of the step-through table.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRow {
    pub job: usize,
    pub label: String,
    /// "runs on M2", "shares 50 %", "waits".
    pub status: String,
    /// What the policy compared.
    pub key: String,
    pub running: bool,
}

/// What the step-through view shows at time `t`: when the decision was taken and the
/// jobs in the system, the chosen ones first.
pub fn step_view(r: &StreamsResult, column: usize, t: f64) -> Option<(f64, Vec<StepRow>)> {
    let col = r.columns.get(column)?;
    if !r.dag {
        let k = col.decisions.partition_point(|d| d.time <= t + 1e-12);
        let d = col.decisions.get(k.checked_sub(1)?)?;
        let mut rows: Vec<(usize, StepRow)> = d
            .rows
            .iter()
            .map(|row| {
                let machine = col
                    .segments
                    .iter()
                    .find(|s| s.job == row.job && s.start <= d.time + 1e-12 && s.end > d.time)
                    .map(|s| s.machine);
                let status = if row.rate >= 1.0 - 1e-9 {
                    match machine {
                        Some(m) => format!("runs on {}", r.machine_names[m]),
                        None => "runs".into(),
                    }
                } else if row.rate > 0.0 {
                    format!("shares {:.0} % of a machine", row.rate * 100.0)
                } else {
                    "waits".into()
                };
                (
                    row.rank.unwrap_or(usize::MAX / 2)
                        + if row.rate > 0.0 { 0 } else { usize::MAX / 4 },
                    StepRow {
                        job: row.job,
                        label: r.job_labels[row.job].clone(),
                        status,
                        key: row.key.clone(),
                        running: row.rate > 0.0,
                    },
                )
            })
            .collect();
        schedlab_core::util::sort_dyn(&mut rows, &|a, b| (a.0, a.1.job).cmp(&(b.0, b.1.job)));
        return Some((d.time, rows.into_iter().map(|x| x.1).collect()));
    }
    // DAG jobs: the jobs in the system at t, what runs where, and the expected work left.
    let mut rows = Vec::new();
    for j in 0..r.arrivals.len() {
        if r.arrivals[j] > t || col.completion[j] <= t {
            continue;
        }
        let tpl = r.template_of[j];
        let tasks: Vec<&TaskRun> = col.tasks.iter().filter(|x| x.job == j).collect();
        let left: f64 = tasks
            .iter()
            .filter(|x| x.end > t)
            .map(|x| r.mean_exec[tpl][x.task])
            .sum();
        let running: Vec<String> = tasks
            .iter()
            .filter(|x| x.start <= t && x.end > t)
            .map(|x| {
                format!(
                    "{} on {}",
                    r.task_names[tpl][x.task], r.machine_names[x.proc]
                )
            })
            .collect();
        let key = if col.policy == "dls_fcfs" {
            format!("arrived {}", format_time(r.arrivals[j]))
        } else {
            format!("expected work left {}", format_time(left))
        };
        rows.push(StepRow {
            job: j,
            label: r.job_labels[j].clone(),
            status: if running.is_empty() {
                "waits".into()
            } else {
                running.join(", ")
            },
            key,
            running: !running.is_empty(),
        });
    }
    schedlab_core::util::sort_dyn(&mut rows, &|a, b| {
        b.running.cmp(&a.running).then(a.job.cmp(&b.job))
    });
    Some((t, rows))
}

/// Times where something happens (arrivals, completions, decisions), for stepping.
pub fn event_times(r: &StreamsResult) -> Vec<f64> {
    let mut v: Vec<f64> = r.arrivals.clone();
    for c in &r.columns {
        v.extend(c.completion.iter().copied());
        v.extend(c.decisions.iter().map(|d| d.time));
        v.extend(c.tasks.iter().flat_map(|t| [t.start, t.end]));
    }
    schedlab_core::util::sort_dyn(&mut v, &f64::total_cmp);
    v.dedup();
    v
}

/// Flow times of the jobs completed by `t`.
pub fn flows_by(r: &StreamsResult, column: usize, t: f64) -> Vec<f64> {
    let Some(c) = r.columns.get(column) else {
        return Vec::new();
    };
    c.completion
        .iter()
        .zip(&r.arrivals)
        .filter(|(c, _)| **c <= t)
        .map(|(c, a)| c - a)
        .collect()
}

/// The segment under pixel (x, y) of the Gantt, if any.
pub fn segment_at(g: &Geometry, col: &Column, x: f64, y: f64) -> Option<usize> {
    let m = g.row_at(y)?;
    let (y0, y1) = g.bar_y(m);
    if y < y0 || y > y1 {
        return None;
    }
    let t = g.t(x);
    let slack = g.t_max / g.width as f64 * 2.0;
    col.segments
        .iter()
        .position(|s| s.machine == m && t >= s.start - slack && t <= s.end + slack)
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Layout of the streams Gantt: a strip on top for arrivals, a row per machine.
pub fn geometry(width: u32, height: u32, r: &StreamsResult) -> Geometry {
    let longest = r
        .machine_names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(2)
        .min(22);
    Geometry {
        left: (14.0 + 7.0 * longest as f64).clamp(40.0, 170.0),
        top: 20.0,
        ..Geometry::new(width, height, r.machine_names.len(), r.t_max)
    }
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
    let (bg, fg, band, grid) = crate::gantt::theme(dark);
    root.fill(&rgb(bg))?;
    let Some(col) = r.columns.get(column) else {
        return Ok(());
    };
    let font = |size: f64, c: (u8, u8, u8)| ("sans-serif", size).into_font().color(&rgb(c));
    let (x_left, x_right) = (g.left as i32, (g.width as f64 - g.right) as i32);
    let rh = g.row_height();
    let label = rh.clamp(9.0, 12.0);
    for m in 0..g.rows {
        let y0 = (g.top + m as f64 * rh) as i32;
        let y1 = (g.top + (m + 1) as f64 * rh) as i32;
        if m % 2 == 0 {
            root.draw(&Rectangle::new(
                [(x_left, y0), (x_right, y1)],
                rgb(band).filled(),
            ))?;
        }
        root.draw(&Text::new(
            r.machine_names[m].clone(),
            (x_left - 6, (y0 + y1) / 2),
            font(label, fg).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    let axis_y = (g.height as f64 - g.bottom) as i32;
    crate::gantt::time_axis(root, g, fg, grid, "")?;
    root.draw(&Text::new(
        "arrivals",
        (x_left - 6, 9),
        font(10.0, fg).pos(Pos::new(HPos::Right, VPos::Center)),
    ))?;
    // Arrivals: a tick per job on the top strip.
    let many = r.arrivals.len() > 400;
    for (j, &a) in r.arrivals.iter().enumerate() {
        let x = g.x(a) as i32;
        let c = palette::task_color(j);
        let alpha = if a <= playhead { 1.0 } else { 0.25 };
        if many {
            root.draw(&PathElement::new(
                vec![(x, 3), (x, 15)],
                RGBAColor(c.0, c.1, c.2, alpha).stroke_width(1),
            ))?;
        } else {
            root.draw(&Polygon::new(
                vec![(x - 4, 4), (x + 4, 4), (x, 14)],
                RGBAColor(c.0, c.1, c.2, alpha).filled(),
            ))?;
        }
    }
    if col.segments.len() > MAX_DRAWN_SEGMENTS {
        draw_binned(root, g, col, playhead)?;
    } else {
        for s in &col.segments {
            let (y0, y1) = g.bar_y(s.machine);
            let (y0, y1) = (y0 as i32, y1 as i32);
            let c = palette::task_color(s.job);
            let x0 = g.x(s.start) as i32;
            let x1 = (g.x(s.end) as i32).max(x0 + 1);
            root.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                RGBAColor(c.0, c.1, c.2, 0.2).filled(),
            ))?;
            if playhead >= s.start {
                let done = g.x(playhead.clamp(s.start, s.end)) as i32;
                root.draw(&Rectangle::new(
                    [(x0, y0), (done.max(x0 + 1).min(x1), y1)],
                    rgb(c).filled(),
                ))?;
            }
            if x1 - x0 > 3 {
                root.draw(&Rectangle::new(
                    [(x0, y0), (x1, y1)],
                    ShapeStyle {
                        color: if dark {
                            RGBAColor(13, 17, 23, 0.9)
                        } else {
                            RGBAColor(255, 255, 255, 0.9)
                        },
                        filled: false,
                        stroke_width: 1,
                    },
                ))?;
            }
            let name = &r.job_labels[s.job];
            let w = name.chars().count() as f64 * label * 0.6;
            if (x1 - x0) as f64 > w + 4.0 && (y1 - y0) as f64 >= label {
                let tc = if playhead >= s.end {
                    palette::text_on(c)
                } else {
                    fg
                };
                root.draw(&Text::new(
                    name.clone(),
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    font(label, tc).pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }
    }
    // Preemptions: a red notch where a job was pushed off unfinished.
    if col.preemption_marks.len() <= 1500 {
        for &(m, t) in col.preemption_marks.iter().filter(|(_, t)| *t <= playhead) {
            let (y0, _) = g.bar_y(m);
            let x = g.x(t) as i32;
            let y = y0 as i32;
            root.draw(&Polygon::new(
                vec![(x - 5, y - 7), (x + 5, y - 7), (x, y + 2)],
                RGBColor(213, 94, 0).filled(),
            ))?;
        }
    }
    if playhead > 0.0 && playhead < g.t_max {
        let x = g.x(playhead) as i32;
        root.draw(&PathElement::new(
            vec![(x, 0), (x, axis_y)],
            RGBColor(0, 114, 178).stroke_width(2),
        ))?;
    }
    Ok(())
}

/// Jobs in the system over time, one line per policy, drawn up to `playhead`.
pub fn draw_queue<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &StreamsResult,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = crate::charts::colors(dark);
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
    crate::charts::mesh(&mut chart, "time", "jobs in system", fg)?;
    for (k, c) in r.columns.iter().enumerate() {
        let color = rgb(palette::series_color(k));
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
        crate::charts::legend(&mut chart, bg, fg)?;
    }
    Ok(())
}

/// The metrics table as CSV (one row per policy).
pub fn metrics_csv(r: &StreamsResult) -> String {
    let mut out = String::from("policy,jobs,mean_flow_time,max_flow_time,p50_flow_time,p90_flow_time,p99_flow_time,mean_slowdown,mean_waiting_time,throughput,utilisation,mean_queue_length,max_queue_length,preemptions,competitive_ratio\n");
    for c in &r.columns {
        let m = &c.metrics;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            c.policy,
            m.jobs,
            m.mean_flow_time,
            m.max_flow_time,
            m.p50_flow_time,
            m.p90_flow_time,
            m.p99_flow_time,
            m.mean_slowdown,
            m.mean_waiting_time,
            m.throughput,
            m.utilisation,
            m.mean_queue_length,
            m.max_queue_length,
            m.preemptions,
            c.competitive_ratio.map_or(String::new(), |x| x.to_string())
        ));
    }
    out
}

/// The generated jobs as JSON (arrival, size, and the template for DAG jobs).
pub fn jobs_json(settings: &StreamsSettings) -> Result<String, String> {
    crate::limits::check_streams(settings)?;
    match settings.build().map_err(|e| e.to_string())? {
        Input::Flow(s) => serde_json::to_string_pretty(&s).map_err(|e| e.to_string()),
        Input::Dag(s) => {
            let jobs: Vec<serde_json::Value> = s
                .jobs
                .iter()
                .map(|j| serde_json::json!({"arrival": j.arrival, "template": s.templates[j.template].name}))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "processors": s.proc_names(),
                "exec_sigma": s.exec_sigma,
                "jobs": jobs,
            }))
            .map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schedlab_core::stream::Info;

    fn svg(r: &StreamsResult, col: usize, playhead: f64) -> String {
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (800, 200)).into_drawing_area();
            let g = geometry(800, 200, r);
            draw_gantt(&root, &g, r, col, playhead, false).unwrap();
            root.present().unwrap();
        }
        out
    }

    #[test]
    fn the_default_lab_shows_srpt_preempting_and_beating_fcfs() {
        let r = run_all(&StreamsSettings::default()).unwrap();
        assert_eq!(r.columns.len(), 2);
        let (srpt, fcfs) = (&r.columns[0], &r.columns[1]);
        assert!(srpt.metrics.mean_flow_time < fcfs.metrics.mean_flow_time);
        assert!(!srpt.preemption_marks.is_empty(), "SRPT preempts somewhere");
        assert!(fcfs.preemption_marks.is_empty(), "FCFS never preempts");
        assert!(srpt.competitive_ratio.unwrap() >= 1.0 - 1e-9);
        // Chunked runs equal one-go runs.
        let mut runner = Runner::new(&StreamsSettings::default()).unwrap();
        let mut calls = 0;
        while !runner.advance(3).unwrap() {
            calls += 1;
            assert!(runner.progress() <= 1.0);
        }
        assert!(calls > 10);
        assert_eq!(runner.result(), r);
        // The drawing has a bar per segment and arrival marks; nothing after the playhead
        // is drawn solid.
        let full = svg(&r, 0, r.t_max);
        let start = svg(&r, 0, 0.0);
        assert!(full.len() > start.len());
        assert!(full.contains("J1"));
    }

    #[test]
    fn long_streams_draw_one_pixel_column_at_a_time() {
        let s = StreamsSettings {
            jobs: 3000,
            load: 0.95,
            policies: vec!["ps".into()],
            ..StreamsSettings::default()
        };
        let r = run_all(&s).unwrap();
        assert!(r.columns[0].segments.len() > MAX_DRAWN_SEGMENTS);
        let out = svg(&r, 0, r.t_max / 2.0);
        // Bounded by rows × width, not by the pieces.
        assert!(
            out.matches("<rect").count() < 2 * 800,
            "{}",
            out.matches("<rect").count()
        );
        assert!(out.matches("<rect").count() > 50);
    }

    #[test]
    fn step_through_explains_the_decision_at_the_playhead() {
        let r = run_all(&StreamsSettings::default()).unwrap();
        let col = &r.columns[0];
        // Find a decision with a waiting job.
        let d = col
            .decisions
            .iter()
            .find(|d| d.rows.len() >= 2)
            .expect("the queue builds up somewhere");
        let (at, rows) = step_view(&r, 0, d.time + 1e-9).unwrap();
        assert_eq!(at, d.time);
        assert!(rows[0].running && rows[0].status.starts_with("runs on M1"));
        assert!(rows.iter().any(|x| x.status == "waits"));
        // SRPT runs the job with the least remaining work.
        let rem = |s: &str| s.trim_start_matches("remaining ").parse::<f64>().unwrap();
        let run = rem(&rows[0].key);
        assert!(rows[1..].iter().all(|x| rem(&x.key) >= run));
    }

    #[test]
    fn dag_mixes_run_and_step_through_shows_tasks() {
        let s = StreamsSettings {
            mix: JobMix::Ds3,
            jobs: 20,
            load: 0.7,
            exec_noise: 0.3,
            policies: StreamsSettings::default_policies(JobMix::Ds3),
            ..StreamsSettings::default()
        };
        let r = run_all(&s).unwrap();
        assert!(r.dag && r.machine_names.len() == 16);
        assert!(r.job_labels.iter().any(|l| l.ends_with("TX")));
        let c = &r.columns[0];
        let busy = c.tasks.iter().find(|t| t.end > t.start).unwrap();
        let (_, rows) = step_view(&r, 0, (busy.start + busy.end) / 2.0).unwrap();
        assert!(rows.iter().any(|x| x.running && x.status.contains(" on ")));
        assert!(metrics_csv(&r).lines().count() == 3);
        assert!(jobs_json(&s).unwrap().contains("ds3-wifi"));
    }

    #[test]
    fn bad_settings_are_refused_with_a_message() {
        let mut s = StreamsSettings {
            policies: vec!["heft_rt".into()],
            ..StreamsSettings::default()
        };
        assert!(Runner::new(&s).unwrap_err().contains("unknown policy"));
        s.policies = vec!["srpt".into()];
        s.info = Info::NonClairvoyant;
        assert!(Runner::new(&s).unwrap_err().contains("sizes"));
        s.info = Info::Clairvoyant;
        s.load = f64::NAN;
        assert!(Runner::new(&s).is_err());
        s.load = 0.5;
        s.jobs = MAX_UI_JOBS + 1;
        assert!(Runner::new(&s).unwrap_err().contains("CLI"));
    }
}

/// The learning curve of in-browser training: the policy's mean job latency on the
/// validation streams per iteration, against HEFT-RT's and dls_srpt's on the same streams.
pub fn draw_learning_curve<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    curve: &[CurvePoint],
    dark: bool,
) -> Result<(), String> {
    use crate::charts::{colors, legend, mesh};
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let Some(last) = curve.last() else {
        return Ok(());
    };
    let first = curve[0].iteration as f64;
    let x1 = (last.iteration as f64).max(first + 1.0);
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
        .build_cartesian_2d(first..x1, (lo - pad)..(hi + pad))
        .map_err(|e| e.to_string())?;
    mesh(&mut chart, "training iteration", "mean job latency", fg)?;
    type Series = (&'static str, RGBColor, fn(&CurvePoint) -> f64, u32);
    let series: [Series; 3] = [
        ("heft_rt", RGBColor(207, 34, 46), |p| p.heft, 1),
        ("dls_srpt", RGBColor(130, 130, 130), |p| p.dls, 1),
        ("learned", RGBColor(9, 105, 218), |p| p.learned, 3),
    ];
    for (name, col, get, w) in series {
        chart
            .draw_series(LineSeries::new(
                curve.iter().map(|p| (p.iteration as f64, get(p))),
                col.stroke_width(w),
            ))
            .map_err(|e| e.to_string())?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], col.stroke_width(2)));
    }
    chart
        .draw_series(curve.iter().map(|p| {
            Circle::new(
                (p.iteration as f64, p.learned),
                3,
                RGBColor(9, 105, 218).filled(),
            )
        }))
        .map_err(|e| e.to_string())?;
    legend(&mut chart, bg, fg)
}

#[cfg(test)]
mod learned_tests {
    use super::*;
    use schedlab_core::stream::dag::DagPolicy;
    use std::sync::Arc;

    #[test]
    fn learned_settings_round_trip_and_bad_weights_are_refused() {
        let mut s = StreamsSettings {
            mix: JobMix::Ds3,
            jobs: 20,
            policies: vec!["learned".into(), "heft_rt".into()],
            ..StreamsSettings::default()
        };
        let mut m = s.learned_model();
        m.training = None;
        m.b2 += 1.0;
        s.learned = Some(m.clone());
        crate::limits::check_streams(&s).unwrap();
        assert_eq!(
            s.dag_policy("learned").unwrap(),
            DagPolicy::Learned(Arc::new(m))
        );
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<StreamsSettings>(&json).unwrap(), s);
        s.learned.as_mut().unwrap().w2.clear();
        assert!(crate::limits::check_streams(&s)
            .unwrap_err()
            .contains("learned policy"));
    }

    #[test]
    fn the_learning_curve_draws() {
        let pts: Vec<CurvePoint> = (0..5)
            .map(|i| CurvePoint {
                iteration: i,
                learned: 100.0 - i as f64,
                heft: 110.0,
                dls: 104.0,
                fitness: 1.0,
            })
            .collect();
        let mut out = String::new();
        {
            let root = SVGBackend::with_string(&mut out, (400, 240)).into_drawing_area();
            draw_learning_curve(&root, &pts, false).unwrap();
        }
        assert!(
            out.contains("heft_rt")
                && out.contains("learned")
                && out.matches("<circle").count() >= 5
        );
    }
}
