//! `schedlab run`: schedule a scenario with one scheduler and execute the plan.

use schedlab_core::explain::Explanation;
use schedlab_core::run::{self, RunResult};
use schedlab_core::sched;
use schedlab_core::Problem;
use serde::Serialize;
use serde_json::{json, Value};

use crate::args::{check_sigma, parse_sets, RunArgs};
use crate::error::CliResult;
use crate::{io, table};

pub fn exec(a: &RunArgs) -> CliResult<()> {
    check_sigma("--noise", a.noise)?;
    check_sigma("--comm-noise", a.noise_args.comm_noise)?;
    let options = parse_sets(&a.set)?;
    let (spec, _) = sched::resolve(&a.scheduler, &options)?;
    // A spelling's entry filters the shared options; on `run` every --set must be its own.
    for k in options.keys() {
        if !spec.options.iter().any(|o| o.key == k.as_str()) {
            return Err(crate::error::Fail::new(format!(
                "scheduler '{}' has no option '{k}'",
                spec.id
            )));
        }
    }
    sched::build(&a.scheduler, &options)?;
    let (_, problem) = io::load(&a.input.file, a.input.processors)?;
    let noise = a.noise_args.noise(a.noise);
    let seed = a.noise_args.seed;
    let (result, why) = if a.explain {
        let (r, why) = run::run_explained(&problem, &a.scheduler, &options, &noise, seed)?;
        (r, Some(why))
    } else {
        (
            run::run(&problem, &a.scheduler, &options, &noise, seed)?,
            None,
        )
    };
    // Written straight from typed rows (keys in the sorted order a `Value` map had, so the
    // output is unchanged): 10,000 rows as `Value` maps cost more than the scheduling.
    let v = Output {
        critical_path: why.as_ref().and_then(|e| critical_path(&problem, e)),
        decisions: why.as_ref().map(|e| decisions(&problem, e)),
        ranks: why.as_ref().map(|e| tables(&problem, e)),
        makespan: result.metrics.makespan,
        metrics: metrics_json(&problem, &result),
        noise: serde_json::to_value(&noise)?,
        options: serde_json::to_value(&options)?,
        plan: schedule_rows(&problem, &result, true),
        schedule: schedule_rows(&problem, &result, false),
        scheduler: &a.scheduler,
        seed: a.noise_args.seed,
    };
    io::emit_as(a.out.format, &v, |_| {
        let mut out = table::run(&problem, &result);
        if let Some(e) = &why {
            out.push_str(&table::decisions(&problem, e));
        }
        out
    })
}

/// `schedlab run`'s JSON; fields in alphabetical order, as before (the explanation's only
/// with `--explain`).
#[derive(Serialize)]
struct Output<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    critical_path: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    decisions: Option<Vec<Value>>,
    makespan: f64,
    metrics: Value,
    noise: Value,
    options: Value,
    plan: Vec<Row<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ranks: Option<Value>,
    schedule: Vec<Row<'a>>,
    scheduler: &'a str,
    seed: u64,
}

/// One task of a schedule; fields in alphabetical order.
#[derive(Serialize)]
struct Row<'a> {
    end: f64,
    processor: &'a str,
    start: f64,
    task: &'a str,
}

/// The executed (or `planned`) schedule, by start time.
fn schedule_rows<'a>(problem: &'a Problem, result: &RunResult, planned: bool) -> Vec<Row<'a>> {
    let mut rows: Vec<(usize, f64, f64, usize)> = result
        .execution
        .tasks
        .iter()
        .enumerate()
        .map(|(t, r)| {
            if planned {
                (r.proc, r.planned_start, r.planned_end, t)
            } else {
                (r.proc, r.start, r.end, t)
            }
        })
        .collect();
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)).then(a.3.cmp(&b.3)));
    rows.into_iter()
        .map(|(p, s, e, t)| Row {
            end: e,
            processor: &problem.proc_names[p],
            start: s,
            task: &problem.task_names[t],
        })
        .collect()
}

/// Each placement, by task and processor names.
fn decisions(problem: &Problem, e: &Explanation) -> Vec<Value> {
    let task = |t: usize| problem.task_names[t].as_str();
    let proc = |p: usize| problem.proc_names[p].as_str();
    e.decisions
        .iter()
        .map(|d| {
            let mut v = json!({
                "step": d.step,
                "task": task(d.task),
                "priority": d.priority,
                "ready": d.ready.iter().map(|&t| task(t)).collect::<Vec<_>>(),
                "ready_total": d.ready_total,
                "candidates": d.candidates.iter().map(|c| json!({
                    "processor": proc(c.proc),
                    "data_ready": c.data_ready,
                    "start": c.start,
                    "finish": c.finish,
                    "gap": c.gap,
                })).collect::<Vec<_>>(),
                "chosen": proc(d.proc),
                "start": d.start,
                "finish": d.finish,
                "rule": d.rule,
            });
            if !d.scores.is_empty() {
                // The completion-time matrix the rule compared: {TASK: {PROC: finish}}.
                v["scores"] = Value::Object(
                    d.scores
                        .iter()
                        .map(|s| {
                            let row = s
                                .finish
                                .iter()
                                .enumerate()
                                .filter(|(_, f)| f.is_finite())
                                .map(|(p, f)| (proc(p).to_string(), json!(f)))
                                .collect();
                            (task(s.task).to_string(), Value::Object(row))
                        })
                        .collect(),
                );
            }
            v
        })
        .collect()
}

/// The scheduler's per-task tables: `{TASK: {"rank_u": x, "rank_d": y, ...}}`.
fn tables(problem: &Problem, e: &Explanation) -> Value {
    Value::Object(
        problem
            .task_names
            .iter()
            .enumerate()
            .map(|(t, name)| {
                let row = e
                    .tables
                    .iter()
                    .map(|tb| (tb.name.clone(), json!(tb.values[t])))
                    .collect();
                (name.clone(), Value::Object(row))
            })
            .collect(),
    )
}

/// CPOP's critical path and its processor.
fn critical_path(problem: &Problem, e: &Explanation) -> Option<Value> {
    let (tasks, proc) = e.critical_path.as_ref()?;
    Some(json!({
        "tasks": tasks.iter().map(|&t| problem.task_names[t].as_str()).collect::<Vec<_>>(),
        "processor": proc.map(|p| problem.proc_names[p].as_str()),
    }))
}

fn metrics_json(problem: &Problem, result: &RunResult) -> Value {
    let m = &result.metrics;
    let mut obj = serde_json::Map::new();
    for (k, v) in m.scalars() {
        obj.insert(k.to_string(), json!(v));
    }
    let per_proc = |vals: &[f64]| -> Value {
        Value::Object(
            problem
                .proc_names
                .iter()
                .zip(vals)
                .map(|(n, v)| (n.clone(), json!(v)))
                .collect(),
        )
    };
    obj.insert("utilisation".into(), per_proc(&m.utilisation));
    obj.insert("idle_time".into(), per_proc(&m.idle_time));
    Value::Object(obj)
}
