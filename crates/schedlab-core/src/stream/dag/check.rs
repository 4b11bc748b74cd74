//! Metrics and the independent validator of DAG-stream runs.

use super::gen::DagStream;
use super::sim::DagRun;
use crate::stream::sim::StreamMetrics;

/// Flow-time metrics of a DAG run: flow time = job latency (DS3's metric); slowdown is
/// relative to the job's lower bound; utilisation is busy time ÷ (processors × span).
pub fn metrics(stream: &DagStream, run: &DagRun) -> StreamMetrics {
    let arrivals: Vec<f64> = stream.jobs.iter().map(|j| j.arrival).collect();
    let sizes: Vec<f64> = stream
        .jobs
        .iter()
        .map(|j| {
            stream.templates[j.template]
                .lower_bound
                .max(f64::MIN_POSITIVE)
        })
        .collect();
    let busy: f64 = run.tasks.iter().map(|t| t.end - t.start).sum();
    StreamMetrics::from_flows(
        &arrivals,
        &run.completion,
        &sizes,
        &run.queue,
        busy,
        stream.n_procs() as f64,
        0,
    )
}

/// Independent check of a DAG run: every task ran once, on a processor that can run it,
/// for its nominal time × its noise factor, after its job arrived and after every input
/// arrived; no processor runs two tasks at once; a job completes with its last task.
pub fn check(stream: &DagStream, run: &DagRun) -> std::result::Result<(), String> {
    let m = stream.n_procs();
    let mut per_proc: Vec<Vec<(f64, f64)>> = vec![Vec::new(); m];
    let mut base = 0usize;
    let scale = run.completion.iter().copied().fold(1.0, f64::max);
    let tol = 1e-9 * scale;
    if run.completion.len() != stream.jobs.len() {
        return Err("one completion per job expected".into());
    }
    for (j, job) in stream.jobs.iter().enumerate() {
        let p = &stream.templates[job.template].problem;
        let f = stream.factors(j);
        let n = p.n_tasks();
        let Some(runs) = run.tasks.get(base..base + n) else {
            return Err(format!("job {j}: tasks missing"));
        };
        let mut last = f64::NEG_INFINITY;
        for (t, r) in runs.iter().enumerate() {
            if r.job != j || r.task != t {
                return Err(format!("job {j} task {t}: record out of place"));
            }
            if r.proc >= m || !p.can_run(t, r.proc) {
                return Err(format!(
                    "job {j} task {t}: on a processor that cannot run it"
                ));
            }
            let want = p.exec(t, r.proc) * f[t];
            if !((r.end - r.start) - want).abs().le(&(1e-9 * want.max(1.0))) {
                return Err(format!(
                    "job {j} task {t}: ran {} instead of {want}",
                    r.end - r.start
                ));
            }
            if r.start < job.arrival - tol {
                return Err(format!("job {j} task {t}: started before the job arrived"));
            }
            for d in p.pred_deps(t) {
                let dep = &p.deps[*d];
                let pr = &runs[dep.src];
                let ready = pr.end + p.comm(dep.data, pr.proc, r.proc);
                if r.start < ready - tol {
                    return Err(format!(
                        "job {j} task {t}: started at {} before its input from task {} arrived at {ready}",
                        r.start, dep.src
                    ));
                }
            }
            per_proc[r.proc].push((r.start, r.end));
            last = last.max(r.end);
        }
        if (run.completion[j] - last).abs() > tol {
            return Err(format!(
                "job {j}: completion {} but its last task ends at {last}",
                run.completion[j]
            ));
        }
        base += n;
    }
    for (p, v) in per_proc.iter_mut().enumerate() {
        // Zero-length tasks sort before a task starting at the same instant.
        crate::util::sort_dyn(v, &|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if v.windows(2).any(|w| w[1].0 < w[0].1 - tol) {
            return Err(format!("processor {p} runs two tasks at once"));
        }
    }
    Ok(())
}
