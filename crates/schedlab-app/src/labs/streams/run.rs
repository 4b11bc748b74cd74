//! Runs of the lab's settings, laid out for drawing: one column per policy.

use schedlab_core::stream::dag::TaskRun;
use schedlab_core::stream::lab::{self, Detail, Input, PolicyRun, StreamsSettings};
use schedlab_core::stream::sim::{Decision, Segment, StreamMetrics};

use crate::kit::timeline::format_time;
use crate::limits::MAX_RECORDED_JOBS;

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
pub struct Runner(lab::Runner, Option<Vec<String>>);

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
        // A typed job table's names label its jobs (job streams replay the trace in order).
        let names = settings
            .trace
            .as_ref()
            .and_then(|t| t.names.clone())
            .filter(|_| !settings.mix.is_dag());
        lab::Runner::new(settings, record)
            .map(|r| Runner(r, names))
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
        let names = self.1;
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
                job_labels: (0..s.jobs.len())
                    .map(|j| {
                        names
                            .as_ref()
                            .and_then(|n| n.get(j).cloned())
                            .unwrap_or_else(|| format!("J{}", j + 1))
                    })
                    .collect(),
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
