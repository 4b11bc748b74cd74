//! `schedlab adversary`: the worst small instance found for a scheduler against a baseline
//! (`schedlab_core::adversary`, simulated annealing after PISA). The JSON carries the
//! instance as a schedlab scenario: `schedlab run` on it gives the two makespans whose
//! ratio is reported. `--all` searches every pair of the registry and prints the matrix
//! docs/adversary.md shows.

use schedlab_core::adversary::{
    flow_times, ttft_means, Search, ServeSearch, Settings, StreamSearch,
};
use schedlab_core::sched::REGISTRY;
use schedlab_core::stream::policy::Policy;
use serde_json::{json, Value};

use crate::args::AdversaryArgs;
use crate::error::CliResult;
use crate::io;

/// One search, run to the end.
fn search(settings: Settings, iterations: usize) -> CliResult<Search> {
    let (mut s, pair) = Search::new(settings)?;
    s.step(&pair, iterations as u64);
    Ok(s)
}

/// `--stream`: the worst job set found for a policy against SRPT.
fn stream(a: &AdversaryArgs, policy: &str) -> CliResult<()> {
    let (test, revealed) = match a.instances.as_str() {
        "single" => (None, false),
        "uniform-tests" => (Some(a.test), false),
        "revealed" => (None, true),
        other => {
            return Err(crate::error::Fail::new(format!(
                "--instances must be single, uniform-tests or revealed (got '{other}')"
            )))
        }
    };
    let mut s = if revealed {
        StreamSearch::new_revealed(policy, a.jobs, a.max_ops, a.seed)?
    } else {
        StreamSearch::new(policy, a.jobs, test, a.seed)?
    };
    s.step(a.iterations as u64)?;
    let p = Policy::parse(policy)?;
    let (flow, optimum) = flow_times(&p, &s.state.best)?;
    let table = s.state.best.table();
    let jobs: Vec<Value> = table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let num = |k: usize| f.get(k).and_then(|v| v.parse::<f64>().ok());
            // A revealed job's size is its operations joined by `+`.
            let ops: Vec<f64> = f
                .get(2)?
                .split('+')
                .filter_map(|v| v.parse().ok())
                .collect();
            let mut job =
                json!({"name": f.first()?, "arrival": num(1)?, "size": ops.iter().sum::<f64>()});
            if revealed {
                job["ops"] = json!(ops);
            }
            Some(job)
        })
        .collect();
    let v = json!({
        "policy": policy,
        "instances": a.instances,
        "test": test,
        "ratio": s.state.best_ratio,
        "flow_times": {"policy": flow, "optimum": optimum},
        "iterations": s.state.iteration,
        "seed": a.seed,
        "history": s.state.history,
        "jobs": jobs,
        "trace": table,
    });
    io::emit_as(a.out.format, &v, |v| {
        format!(
            "{policy} against the optimum (SRPT, one machine): total flow time {} vs {}, ratio {:.4} after {} iterations (seed {})\nthe jobs (`schedlab stream --trace FILE --machines 1 {}--policies {policy}` reproduces its competitive_ratio):\n{}",
            v["flow_times"]["policy"],
            v["flow_times"]["optimum"],
            v["ratio"].as_f64().unwrap_or(f64::NAN),
            v["iterations"],
            v["seed"],
            match test {
                None if revealed => "--mix chain --info revealed ".to_string(),
                None => "--info clairvoyant ".to_string(),
                Some(t) => format!("--mix chain --tests uniform:{t} --info revealed "),
            },
            v["trace"].as_str().unwrap_or_default()
        )
    })
}

/// `--serve`: the worst short request sequence found for a router against another.
fn serve(a: &AdversaryArgs, router: &str, baseline: &str) -> CliResult<()> {
    let mut s = ServeSearch::new(router, baseline, a.cluster, a.requests, a.seed)?;
    s.step(a.iterations as u64);
    let (ta, tb) = ttft_means(a.cluster, router, baseline, &s.state.best)?;
    let trace = s.state.best.trace();
    let v = json!({
        "router": router,
        "baseline": baseline,
        "instances": a.cluster,
        "ratio": s.state.best_ratio,
        "ttft_mean_ms": {"router": ta, "baseline": tb},
        "iterations": s.state.iteration,
        "seed": a.seed,
        "history": s.state.history,
        "requests": s.state.best.arrivals.len(),
        "trace": trace,
    });
    io::emit_as(a.out.format, &v, |v| {
        format!(
            "{router} against {baseline} on {} instances: mean TTFT {} vs {} ms, ratio {:.4} after {} iterations (seed {})\nthe requests (a Mooncake trace; `schedlab serve --trace FILE --no-spread --instances {} --routers {router},{baseline}` reproduces it):\n{}",
            a.cluster,
            v["ttft_mean_ms"]["router"],
            v["ttft_mean_ms"]["baseline"],
            v["ratio"].as_f64().unwrap_or(f64::NAN),
            v["iterations"],
            v["seed"],
            a.cluster,
            v["trace"].as_str().unwrap_or_default()
        )
    })
}

pub fn exec(a: &AdversaryArgs) -> CliResult<()> {
    if a.serve {
        return serve(
            a,
            a.router.as_deref().unwrap_or_default(),
            a.baseline.as_deref().unwrap_or_default(),
        );
    }
    if a.stream {
        return stream(a, a.policy.as_deref().unwrap_or_default());
    }
    let settings = |scheduler: &str, baseline: &str| Settings {
        scheduler: scheduler.to_string(),
        baseline: baseline.to_string(),
        tasks: a.tasks,
        processors: a.processors,
        seed: a.seed,
    };
    if a.all {
        // Every entry but the user's rule (its default is HEFT) and the learned policy
        // (trained for another distribution of graphs).
        let ids: Vec<&str> = REGISTRY
            .iter()
            .map(|s| s.id)
            .filter(|id| !matches!(*id, "rule" | "learned"))
            .collect();
        let mut rows = Vec::new();
        for &x in &ids {
            for &y in ids.iter().filter(|&&y| y != x) {
                let s = search(settings(x, y), a.iterations)?;
                rows.push(json!({"scheduler": x, "baseline": y, "ratio": s.state.best_ratio}));
            }
        }
        let v = json!({
            "iterations": a.iterations,
            "seed": a.seed,
            "tasks": a.tasks,
            "processors": a.processors,
            "pairs": rows,
        });
        return io::emit_as(a.out.format, &v, |v| matrix(&ids, v));
    }
    let (x, y) = (
        a.scheduler.as_deref().unwrap_or_default(),
        a.baseline.as_deref().unwrap_or_default(),
    );
    let s = search(settings(x, y), a.iterations)?;
    let scenario = s.best_scenario();
    let (ma, mb) = schedlab_core::adversary::Pair::new(&s.settings)?.makespans(&scenario)?;
    let v = json!({
        "scheduler": x,
        "baseline": y,
        "ratio": s.state.best_ratio,
        "makespans": {"scheduler": ma, "baseline": mb},
        "iterations": s.state.iteration,
        "seed": a.seed,
        "history": s.state.history,
        "skipped": s.state.skipped,
        "scenario": scenario,
    });
    io::emit_as(a.out.format, &v, |v| {
        format!(
            "{x} against {y}: {:.4}× after {} iterations (seed {}): makespan {} vs {}\n\
             the instance (a schedlab scenario; `schedlab run FILE --scheduler {x}` reproduces it):\n{}\n",
            v["ratio"].as_f64().unwrap_or(f64::NAN),
            v["iterations"],
            v["seed"],
            v["makespans"]["scheduler"],
            v["makespans"]["baseline"],
            serde_json::to_string_pretty(&v["scenario"]).unwrap_or_default()
        )
    })
}

/// The pairs as a Markdown matrix: a row per scheduler, a column per baseline.
fn matrix(ids: &[&str], v: &Value) -> String {
    let mut out = format!(
        "worst makespan ratio found (row ÷ column), {} iterations, seed {}, {} tasks × {} processors\n\n| scheduler \\ baseline | {} | worst |\n|---|{}---|\n",
        v["iterations"],
        v["seed"],
        v["tasks"],
        v["processors"],
        ids.join(" | "),
        "---|".repeat(ids.len())
    );
    let pairs = v["pairs"].as_array().cloned().unwrap_or_default();
    for &x in ids {
        let mut worst = 1.0f64;
        let cells: Vec<String> = ids
            .iter()
            .map(|&y| {
                pairs
                    .iter()
                    .find(|p| p["scheduler"] == x && p["baseline"] == y)
                    .and_then(|p| p["ratio"].as_f64())
                    .map_or("–".to_string(), |r| {
                        worst = worst.max(r);
                        format!("{r:.2}")
                    })
            })
            .collect();
        out.push_str(&format!("| {x} | {} | {worst:.2} |\n", cells.join(" | ")));
    }
    out
}
