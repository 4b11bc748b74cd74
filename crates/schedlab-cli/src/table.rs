//! Plain-text tables for `--format table`.

use schedlab_core::run::{CompareRow, RunResult};
use schedlab_core::Problem;

fn num(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e12 {
        format!("{v:.0}")
    } else {
        format!("{v:.4}")
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
