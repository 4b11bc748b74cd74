//! What the step-through view and the playback show at a time: the decision in force,
//! the events to step through, flow times so far, the piece under the pointer.

use schedlab_core::stream::dag::TaskRun;

use super::run::{Column, StreamsResult};
use crate::kit::timeline::{self, format_time, Geometry, HitArea};

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
    /// A queue policy's queue (MLFQ's level, 0 for round robin) and the job's place in it
    /// (1 = the head), counted among the jobs in the system.
    pub queue: Option<(usize, usize)>,
}

/// What the step-through view shows at time `t`: when the decision was taken and the
/// jobs in the system, the chosen ones first.
pub fn step_view(r: &StreamsResult, column: usize, t: f64) -> Option<(f64, Vec<StepRow>)> {
    let col = r.columns.get(column)?;
    if !r.dag {
        let k = col.decisions.partition_point(|d| d.time <= t + 1e-12);
        let d = col.decisions.get(k.checked_sub(1)?)?;
        // Jobs done by t left the system (a completion that emptied it records no decision).
        let done = |job: usize| col.completion.get(job).is_some_and(|&c| c <= t + 1e-12);
        if d.rows.iter().all(|row| done(row.job)) {
            return Some((t, Vec::new()));
        }
        let mut rows: Vec<(usize, StepRow)> = d
            .rows
            .iter()
            .filter(|row| !done(row.job))
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
                        queue: row.queue.map(|q| (q.level, 0)),
                    },
                )
            })
            .collect();
        // The places from the head of each queue, among the jobs in the system: the rows
        // sorted once by (level, order in it), then counted (queue policies only: the
        // step view is redrawn as the playhead moves).
        if rows.iter().any(|r| r.1.queue.is_some()) {
            let seqs: Vec<(usize, u64)> = d
                .rows
                .iter()
                .filter(|row| !done(row.job))
                .map(|row| row.queue.map_or((usize::MAX, 0), |q| (q.level, q.seq)))
                .collect();
            let mut order: Vec<usize> = (0..rows.len()).collect();
            schedlab_core::util::sort_dyn(&mut order, &|&a, &b| seqs[a].cmp(&seqs[b]));
            let (mut level, mut place) = (usize::MAX, 0);
            for i in order {
                let row = &mut rows[i].1;
                if let Some(q) = row.queue.as_mut() {
                    (level, place) = if q.0 == level {
                        (level, place + 1)
                    } else {
                        (q.0, 1)
                    };
                    q.1 = place;
                    row.key = format!("place {place} in its queue, {}", row.key);
                }
            }
        }
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
            queue: None,
        });
    }
    schedlab_core::util::sort_dyn(&mut rows, &|a, b| {
        b.running.cmp(&a.running).then(a.job.cmp(&b.job))
    });
    Some((t, rows))
}

/// Rows of the step-through table put on the page.
pub const MAX_STEP_ROWS: usize = 40;

/// The "Why this choice" body as HTML (`crate::kit::html`): the policy picker when several
/// are compared (`data-col` buttons), the rule, when the decision was taken, and the jobs
/// in the system with what the policy compared, the running ones first.
pub fn step_html(r: &StreamsResult, column: usize, t: f64) -> String {
    use crate::kit::color as palette;
    use crate::kit::html::{self, escape};
    use std::fmt::Write;
    let column = column.min(r.columns.len().saturating_sub(1));
    let mut out = String::new();
    if r.columns.len() > 1 {
        out.push_str("<div class=\"stepper\">");
        out.push_str(&html::choices(
            "step-policy",
            r.columns.iter().map(|c| c.policy.as_str()),
            column,
        ));
        out.push_str("</div>");
    }
    let Some((at, rows)) = step_view(r, column, t) else {
        return out
            + &html::para(
                "hint",
                "",
                "Move the playhead to a moment with jobs in the system (‹ Prev / Next › step through events).",
            );
    };
    let col = &r.columns[column];
    if col.decisions.is_empty() && !r.dag {
        return out
            + &html::para(
                "hint",
                "",
                "Decisions are recorded for streams of up to 2,000 jobs.",
            );
    }
    out.push_str(&html::para("rule", "step-rule", &col.rule));
    if rows.is_empty() {
        return out
            + &html::para(
                "hint",
                "",
                &format!("No job is in the system at t = {}.", format_time(at)),
            );
    }
    out.push_str(&html::para(
        "hint",
        "",
        &if r.dag {
            format!("Jobs in the system at t = {}", format_time(at))
        } else {
            format!(
                "Decision taken at t = {}, in force until the next event",
                format_time(at)
            )
        },
    ));
    out.push_str(&queues_html(&col.policy, &rows));
    out.push_str("<div class=\"table-scroll\"><table class=\"metrics step-table\"><thead><tr><th>job</th><th>state</th><th>what the policy compares</th></tr></thead><tbody>");
    for row in rows.iter().take(MAX_STEP_ROWS) {
        let _ = write!(
            out,
            "<tr data-testid=\"step-row\"{}><td><span class=\"swatch\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td></tr>",
            if row.running { " class=\"running\"" } else { "" },
            palette::hex(palette::task_color(row.job)),
            escape(&row.label),
            escape(&row.status),
            escape(&row.key)
        );
    }
    out.push_str("</tbody></table></div>");
    if rows.len() > MAX_STEP_ROWS {
        out.push_str(&html::para(
            "hint",
            "",
            &format!("… and {} more jobs", rows.len() - MAX_STEP_ROWS),
        ));
    }
    out
}

/// A queue policy's queues drawn: a lane per level (MLFQ's from the highest priority; one
/// for round robin), each job a chip in its colour from the head, the running ones marked.
fn queues_html(policy: &str, rows: &[StepRow]) -> String {
    use crate::kit::color as palette;
    use crate::kit::html::escape;
    use schedlab_core::stream::policy::Policy;
    use std::fmt::Write;
    let levels = match Policy::parse(policy) {
        Ok(Policy::Mlfq { levels, .. }) => levels,
        Ok(Policy::Rr { .. }) => 1,
        _ => return String::new(),
    };
    let mut out = String::from("<div class=\"queues\" data-testid=\"step-queues\">");
    for level in 0..levels {
        let mut lane: Vec<&StepRow> = rows
            .iter()
            .filter(|r| r.queue.is_some_and(|q| q.0 == level))
            .collect();
        schedlab_core::util::sort_dyn(&mut lane, &|a, b| a.queue.cmp(&b.queue));
        let _ =
            write!(
            out,
            "<div class=\"lane\" data-testid=\"queue-lane\"><span class=\"lane-name\">{}</span>",
            if levels > 1 { format!("level {level}") } else { "queue".into() }
        );
        if lane.is_empty() {
            out.push_str("<span class=\"hint\">empty</span>");
        }
        for r in lane.iter().take(MAX_STEP_ROWS) {
            let _ = write!(
                out,
                "<span class=\"chip{}\" data-testid=\"queue-job\" style=\"border-color:{}\">{}</span>",
                if r.running { " running" } else { "" },
                palette::hex(palette::task_color(r.job)),
                escape(&r.label)
            );
        }
        out.push_str("</div>");
    }
    out + "</div>"
}

/// Times where something happens to policy `column` (arrivals, its completions, decisions
/// and task starts and ends), for stepping: Prev/Next move through the events of the policy
/// "Why this choice" shows, so every step changes what it shows. Another column's events
/// are not stops (they changed nothing on this one).
pub fn event_times(r: &StreamsResult, column: usize) -> Vec<f64> {
    let mut v: Vec<f64> = r.arrivals.clone();
    // The column the panel shows (it clamps a stale choice the same way).
    let column = column.min(r.columns.len().saturating_sub(1));
    if let Some(c) = r.columns.get(column) {
        v.extend(c.completion.iter().copied());
        v.extend(c.decisions.iter().map(|d| d.time));
        v.extend(c.tasks.iter().flat_map(|t| [t.start, t.end]));
    }
    crate::kit::playback::events(v)
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
    let spans = col.segments.iter().map(|s| (s.machine, s.start, s.end));
    timeline::hit(g, x, y, HitArea::Bar, spans)
}
