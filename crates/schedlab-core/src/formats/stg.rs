//! Kasahara Standard Task Graph (STG) files.
//!
//! A line with the number n of real tasks, then n + 2 lines `id cost npred pred...` (ids 0
//! to n+1; 0 and n+1 are zero-cost dummy entry and exit tasks, dropped here), then `#`
//! comment lines. Identical processors, no communication: the platform is `processors`
//! identical CPUs (default 4) with free communication.

use super::{int, ImportOptions, InputFile};
use crate::error::{Error, Result};
use crate::scenario::{limits, Edge, Network, ProcKind, Processor, Scenario, Task};

const FMT: &str = "STG";
/// Processors created when none is asked for.
pub const DEFAULT_PROCESSORS: usize = 4;

pub fn import(file: &InputFile, options: &ImportOptions) -> Result<Scenario> {
    let e = |line: usize, msg: String| Error::format(FMT, format!("{}:{line}: {msg}", file.name));
    // (line number, tokens) of the non-comment, non-blank lines.
    let mut lines = file
        .text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .take_while(|(_, l)| !l.starts_with('#'))
        .filter(|(_, l)| !l.is_empty());
    let (hl, header) = lines.next().ok_or_else(|| e(1, "empty file".into()))?;
    let n = int(
        FMT,
        file.name,
        hl,
        "task count",
        header.split_whitespace().next().unwrap_or(""),
    )?;
    if n > limits::MAX_TASKS {
        return Err(Error::Limit {
            what: "number of tasks",
            found: n,
            limit: limits::MAX_TASKS,
        });
    }
    if n == 0 {
        return Err(e(hl, "the graph has no tasks".into()));
    }
    let total = n + 2;
    let mut cost = vec![None::<f64>; total];
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); total];
    for (ln, line) in lines {
        let toks: Vec<&str> = line.split_whitespace().collect();
        if toks.len() < 3 {
            return Err(e(
                ln,
                format!("expected `id cost npred pred...`, got '{line}'"),
            ));
        }
        let id = int(FMT, file.name, ln, "task id", toks[0])?;
        if id >= total {
            return Err(e(
                ln,
                format!("task id {id} is out of range 0..={}", total - 1),
            ));
        }
        if cost[id].is_some() {
            return Err(e(ln, format!("task {id} is defined twice")));
        }
        let c = int(FMT, file.name, ln, "processing time", toks[1])? as f64;
        let k = int(FMT, file.name, ln, "predecessor count", toks[2])?;
        // `toks.len() >= 3` here; `3 + k` could overflow for a hostile k.
        if toks.len() - 3 != k {
            return Err(e(
                ln,
                format!(
                    "task {id} declares {k} predecessors but lists {}",
                    toks.len() - 3
                ),
            ));
        }
        for t in &toks[3..] {
            let p = int(FMT, file.name, ln, "predecessor id", t)?;
            if p >= total {
                return Err(e(
                    ln,
                    format!("predecessor {p} of task {id} is out of range"),
                ));
            }
            preds[id].push(p);
        }
        cost[id] = Some(c);
    }
    if let Some(missing) = cost.iter().position(Option::is_none) {
        return Err(e(
            hl,
            format!("the header announces {n} tasks (+2 dummies) but task {missing} is missing"),
        ));
    }
    let cost: Vec<f64> = cost.into_iter().map(|c| c.unwrap_or(0.0)).collect();
    // Zero-cost entry (0) and exit (n+1) are the format's dummies.
    let keep = |id: usize| !((id == 0 || id == n + 1) && cost[id] == 0.0);

    let m = options.processors.unwrap_or(DEFAULT_PROCESSORS);
    let mut s = Scenario::new(
        file.name
            .rsplit('/')
            .next()
            .unwrap_or(file.name)
            .trim_end_matches(".stg"),
    );
    s.source = "Kasahara Standard Task Graph Set (identical processors, no communication)".into();
    s.processors = (1..=m)
        .map(|i| Processor {
            name: format!("P{i}"),
            kind: ProcKind::Cpu,
            speed: 1.0,
        })
        .collect();
    s.network = Network {
        bandwidth: None,
        latency: 0.0,
        links: Vec::new(),
    };
    s.tasks = (0..total)
        .filter(|&id| keep(id))
        .map(|id| Task {
            name: id.to_string(),
            cost: Some(cost[id]),
            costs: None,
        })
        .collect();
    for id in (0..total).filter(|&id| keep(id)) {
        for &p in preds[id].iter().filter(|&&p| keep(p)) {
            s.edges.push(Edge {
                from: p.to_string(),
                to: id.to_string(),
                data: 0.0,
            });
        }
    }
    Ok(s)
}
