//! Plain-text tables for `--format table`: every command's table is made here.

use schedlab_core::explain::Explanation;
use schedlab_core::run::{CompareRow, RunResult};
use schedlab_core::stream::learned::EvalRow;
use schedlab_core::Problem;
use serde_json::Value;

fn num(v: f64) -> String {
    let s = if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
    };
    unsigned_zero(s)
}

/// "-0" and "-0.0000" (a −0.0 from a sum, or a tiny negative rounded away) read as 0.
fn unsigned_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if rest.chars().all(|c| c == '0' || c == '.') => rest.to_string(),
        _ => s,
    }
}

/// Aligns rows of cells into columns (first column left-aligned, others right-aligned).
pub fn render(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if c == 0 {
                    format!("{s:<w$}", w = width[c])
                } else {
                    format!("{s:>w$}", w = width[c])
                }
            })
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn run(problem: &Problem, r: &RunResult) -> String {
    let mut out = format!(
        "scheduler {}  makespan {}\n\n",
        r.scheduler,
        num(r.metrics.makespan)
    );
    let mut rows = vec![vec!["metric".to_string(), "value".to_string()]];
    for (k, v) in r.metrics.scalars() {
        rows.push(vec![k.to_string(), num(v)]);
    }
    out.push_str(&render(&rows));
    out.push('\n');
    let mut rows = vec![[
        "processor",
        "task",
        "planned start",
        "planned end",
        "start",
        "end",
    ]
    .map(String::from)
    .to_vec()];
    for (p, order) in r.execution.proc_order.iter().enumerate() {
        for &t in order {
            let x = &r.execution.tasks[t];
            rows.push(vec![
                problem.proc_names[p].clone(),
                problem.task_names[t].clone(),
                num(x.planned_start),
                num(x.planned_end),
                num(x.start),
                num(x.end),
            ]);
        }
    }
    out.push_str(&render(&rows));
    out
}

pub fn compare(rows: &[CompareRow]) -> String {
    let names = [
        "makespan",
        "makespan_ratio",
        "slr",
        "speedup",
        "efficiency",
        "mean_utilisation",
    ];
    let mut table = vec![{
        let mut h = vec![
            "scheduler".to_string(),
            "noise".to_string(),
            "samples".to_string(),
        ];
        h.extend(names.iter().map(|n| n.to_string()));
        h
    }];
    for r in rows {
        let mut line = vec![r.scheduler.clone(), num(r.noise), r.samples.to_string()];
        for n in names {
            let s = r.metrics[n];
            line.push(if r.samples > 1 {
                format!("{} ± {}", num(s.mean), num(s.std))
            } else {
                num(s.mean)
            });
        }
        table.push(line);
    }
    render(&table)
}

/// A table of JSON rows: the `id` column, then one column per key, each number written by
/// `cell` (`None` when the row lacks the key).
pub fn keyed(rows: &[Value], id: &str, keys: &[&str], cell: fn(Option<f64>) -> String) -> String {
    let mut t = vec![std::iter::once(id.to_string())
        .chain(keys.iter().map(|k| k.to_string()))
        .collect::<Vec<_>>()];
    for r in rows {
        t.push(
            std::iter::once(r[id].as_str().unwrap_or("").to_string())
                .chain(keys.iter().map(|k| cell(r[*k].as_f64())))
                .collect(),
        );
    }
    render(&t)
}

/// `stream`: one row per policy; `ratio` adds the competitive ratio and preemptions (not
/// measured for DAG jobs).
pub fn stream(rows: &[Value], ratio: bool) -> String {
    let keys: Vec<&str> = [
        "mean_flow_time",
        "max_flow_time",
        "p99_flow_time",
        "mean_slowdown",
        "throughput",
        "utilisation",
        "mean_queue_length",
        "preemptions",
        "competitive_ratio",
    ]
    .into_iter()
    .filter(|k| ratio || !matches!(*k, "competitive_ratio" | "preemptions"))
    .collect();
    keyed(rows, "policy", &keys, |x| match x {
        Some(x) if x.fract() == 0.0 => unsigned_zero(format!("{x:.0}")),
        Some(x) => unsigned_zero(format!("{x:.4}")),
        None => String::new(),
    })
}

/// `serve`: one row per router; `capacity` adds the effective capacity.
pub fn serve(rows: &[Value], capacity: bool) -> String {
    let mut keys = vec![
        "ttft_p50_ms",
        "ttft_p90_ms",
        "ttft_p99_ms",
        "tpot_p50_ms",
        "tpot_p99_ms",
        "slo_attainment",
        "goodput",
        "cache_hit_rate",
        "preemptions",
        "load_imbalance",
        "moves",
    ];
    if capacity {
        keys.push("effective_capacity");
    }
    if rows.iter().any(|r| r.get("prefixes_remapped").is_some()) {
        keys.push("prefixes_remapped");
    }
    keyed(rows, "router", &keys, |x| match x {
        Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
        Some(x) if x.abs() < 10.0 => format!("{x:.3}"),
        Some(x) => format!("{x:.1}"),
        None => "—".into(),
    })
}

/// `eval`: one row per policy and noise level, with the change against HEFT and against
/// the best hand rule at that level, which a line below each table names.
pub fn eval(rows: &[EvalRow]) -> String {
    let mut t = vec![[
        "policy",
        "noise",
        "mean_job_latency",
        "std_job_latency",
        "std_of_seed_means",
        "vs_heft",
        "vs_best_rule",
        "makespan",
    ]
    .map(String::from)
    .to_vec()];
    for r in rows {
        let heft = rows
            .iter()
            .find(|h| h.noise == r.noise && matches!(h.policy.as_str(), "heft" | "heft_rt"))
            .map(|h| h.mean_job_latency);
        t.push(vec![
            r.policy.clone(),
            format!("{}", r.noise),
            format!("{:.1}", r.mean_job_latency),
            format!("{:.1}", r.std_job_latency),
            format!("{:.1}", r.std_of_seed_means),
            heft.map_or(String::new(), |h| {
                format!("{:+.1}%", 100.0 * (r.mean_job_latency / h - 1.0))
            }),
            r.vs_best_rule
                .map_or(String::new(), |v| format!("{:+.1}%", 100.0 * v)),
            format!("{:.1}", r.makespan),
        ]);
    }
    let mut out = render(&t);
    let mut named: Vec<(f64, &str)> = Vec::new();
    for r in rows {
        if let Some(b) = r.best_rule.as_deref() {
            if !named.iter().any(|(n, _)| *n == r.noise) {
                named.push((r.noise, b));
            }
        }
    }
    for (noise, b) in named {
        out.push_str(&format!("best hand rule at noise {noise}: {b}\n"));
    }
    out
}

/// `run --explain` as tables: the scheduler's per-task values, then each placement with the
/// finish time on every processor (`*` marks the one chosen).
pub fn decisions(problem: &Problem, e: &Explanation) -> String {
    let mut out = String::new();
    if !e.tables.is_empty() {
        let mut rows = vec![std::iter::once("task".to_string())
            .chain(e.tables.iter().map(|t| t.name.clone()))
            .collect::<Vec<_>>()];
        for (t, name) in problem.task_names.iter().enumerate() {
            rows.push(
                std::iter::once(name.clone())
                    .chain(e.tables.iter().map(|tb| num(tb.values[t])))
                    .collect(),
            );
        }
        out.push('\n');
        out.push_str(&render(&rows));
    }
    let mut rows = vec![std::iter::once("step")
        .chain(["task", "priority"])
        .chain(problem.proc_names.iter().map(String::as_str))
        .chain(["rule"])
        .map(String::from)
        .collect::<Vec<_>>()];
    for d in &e.decisions {
        let mut row = vec![
            (d.step + 1).to_string(),
            problem.task_names[d.task].clone(),
            d.priority.map_or_else(|| "-".to_string(), num),
        ];
        for p in 0..problem.n_procs() {
            row.push(match d.candidates.iter().find(|c| c.proc == p) {
                Some(c) if p == d.proc => format!("{}*", num(c.finish)),
                Some(c) => num(c.finish),
                None => "-".into(),
            });
        }
        row.push(d.rule.to_string());
        rows.push(row);
    }
    out.push('\n');
    out.push_str(&render(&rows));
    out
}

/// `serve --explain` as a table per router: each request's routing (or move), the
/// instances looked at as `instance:predicted TTFT ms/cached blocks` with the chosen one
/// starred, and the reason.
pub fn routing(router: &str, records: &[schedlab_core::serve::sim::RouteRecord]) -> String {
    let mut rows = vec![[
        "request",
        "t (ms)",
        "from",
        "looked at (TTFT ms/cached blocks)",
        "reason",
    ]
    .map(String::from)
    .to_vec()];
    for r in records {
        let looked: Vec<String> = r
            .candidates
            .iter()
            .map(|c| {
                format!(
                    "{}{}:{}/{}",
                    c.instance,
                    if c.instance == r.chosen { "*" } else { "" },
                    num(c.predicted_ttft_ms),
                    c.cached_blocks
                )
            })
            .collect();
        rows.push(vec![
            r.request.to_string(),
            num(r.time_ms),
            r.from.map_or_else(|| "-".into(), |f| f.to_string()),
            looked.join(" "),
            r.reason.to_string(),
        ]);
    }
    format!(
        "\n{router}: why each request went where it did\n{}",
        render(&rows)
    )
}

/// `stream --explain` as a table per policy: at each event, the jobs in the system in the
/// policy's order (running ones starred with their rate) and what it compared.
pub fn stream_decisions(
    policy: &str,
    decisions: &[schedlab_core::stream::sim::Decision],
) -> String {
    let mut rows = vec![[
        "t",
        "until",
        "jobs in the system (* running at rate): what the policy compares",
    ]
    .map(String::from)
    .to_vec()];
    for d in decisions {
        let jobs: Vec<String> = d
            .rows
            .iter()
            .map(|q| {
                let run = if q.rate > 0.0 {
                    format!("*{}", num(q.rate))
                } else {
                    String::new()
                };
                format!("J{}{run}: {}", q.job + 1, q.key)
            })
            .collect();
        rows.push(vec![num(d.time), num(d.until), jobs.join("; ")]);
    }
    format!("\n{policy}: the decision at each event\n{}", render(&rows))
}

#[cfg(test)]
mod tests {
    use super::num;

    #[test]
    fn numbers_read_without_a_negative_zero() {
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(-0.00001), "0.0000");
        assert_eq!(num(-1.5), "-1.5000");
        assert_eq!(num(80.0), "80");
    }
}
