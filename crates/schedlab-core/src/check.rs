//! An independent validator for plans and executions.
//!
//! It shares nothing with the schedulers but the model (`Problem::exec`, `Problem::comm`):
//! it re-derives every constraint from scratch, so a scheduler or simulator bug cannot hide
//! behind the code that made it. Used by the tests on every scheduler and every fixture.

use crate::problem::Problem;
use crate::schedule::Schedule;
use crate::sim::Execution;

fn tolerance(makespan: f64) -> f64 {
    1e-9 * makespan.abs().max(1.0)
}

/// Checks a plan: every task exactly once, on a processor that can run it, for exactly its
/// execution time; every dependency's data arrives before the consumer starts; no two tasks
/// overlap on a processor. Returns the first violation found.
pub fn check_plan(problem: &Problem, plan: &Schedule) -> Result<(), String> {
    let n = problem.n_tasks();
    if plan.slots.len() != n {
        return Err(format!("plan has {} slots for {n} tasks", plan.slots.len()));
    }
    let tol = tolerance(plan.makespan());
    for (t, s) in plan.slots.iter().enumerate() {
        let name = &problem.task_names[t];
        if s.proc >= problem.n_procs() {
            return Err(format!("task {name} on unknown processor {}", s.proc));
        }
        if !problem.can_run(t, s.proc) {
            return Err(format!(
                "task {name} on {} which cannot run it",
                problem.proc_names[s.proc]
            ));
        }
        if !(s.start.is_finite() && s.end.is_finite() && s.start >= -tol) {
            return Err(format!(
                "task {name} has bad times [{}, {}]",
                s.start, s.end
            ));
        }
        let w = problem.exec(t, s.proc);
        if (s.end - s.start - w).abs() > tol {
            return Err(format!(
                "task {name} lasts {} but its execution time is {w}",
                s.end - s.start
            ));
        }
    }
    for d in &problem.deps {
        let (a, b) = (plan.slots[d.src], plan.slots[d.dst]);
        let arrival = a.end + problem.comm(d.data, a.proc, b.proc);
        if b.start < arrival - tol {
            return Err(format!(
                "task {} starts at {} before the data of {} arrives at {arrival}",
                problem.task_names[d.dst], b.start, problem.task_names[d.src]
            ));
        }
    }
    no_overlap(
        problem,
        plan.slots.iter().map(|s| (s.proc, s.start, s.end)),
        tol,
    )
}

fn no_overlap(
    problem: &Problem,
    intervals: impl Iterator<Item = (usize, f64, f64)>,
    tol: f64,
) -> Result<(), String> {
    let mut per_proc: Vec<Vec<(f64, f64, usize)>> = vec![Vec::new(); problem.n_procs()];
    for (t, (p, s, e)) in intervals.enumerate() {
        per_proc[p].push((s, e, t));
    }
    for (p, ivs) in per_proc.iter_mut().enumerate() {
        crate::util::sort_dyn(ivs, &|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        for w in ivs.windows(2) {
            if w[1].0 < w[0].1 - tol {
                return Err(format!(
                    "tasks {} and {} overlap on {}",
                    problem.task_names[w[0].2], problem.task_names[w[1].2], problem.proc_names[p]
                ));
            }
        }
    }
    Ok(())
}

/// Checks an execution of `plan`: each task ran once on its planned processor, in the
/// planned order, for a non-negative time; every cross-processor dependency has one
/// transfer that starts when its producer ends and ends before its consumer starts;
/// same-processor consumers start after their producers end; no overlap.
pub fn check_execution(problem: &Problem, plan: &Schedule, exec: &Execution) -> Result<(), String> {
    let n = problem.n_tasks();
    if exec.tasks.len() != n {
        return Err(format!("execution has {} tasks for {n}", exec.tasks.len()));
    }
    let tol = tolerance(exec.makespan);
    for (t, r) in exec.tasks.iter().enumerate() {
        let name = &problem.task_names[t];
        if r.proc != plan.slots[t].proc {
            return Err(format!("task {name} ran on another processor than planned"));
        }
        if !(r.start.is_finite() && r.end.is_finite() && r.end >= r.start && r.start >= -tol) {
            return Err(format!(
                "task {name} has bad times [{}, {}]",
                r.start, r.end
            ));
        }
    }
    let mut transfer_of = vec![None; problem.deps.len()];
    for tr in &exec.transfers {
        if transfer_of[tr.dep].replace(tr).is_some() {
            return Err(format!("dependency {} transferred twice", tr.dep));
        }
    }
    for (i, d) in problem.deps.iter().enumerate() {
        let (a, b) = (exec.tasks[d.src], exec.tasks[d.dst]);
        let arrival = if a.proc == b.proc {
            if transfer_of[i].is_some() {
                return Err(format!("same-processor dependency {i} has a transfer"));
            }
            a.end
        } else {
            let Some(tr) = transfer_of[i] else {
                return Err(format!(
                    "dependency {} -> {} crosses processors without a transfer",
                    problem.task_names[d.src], problem.task_names[d.dst]
                ));
            };
            if (tr.start - a.end).abs() > tol
                || tr.end < tr.start
                || tr.from_proc != a.proc
                || tr.to_proc != b.proc
            {
                return Err(format!(
                    "transfer of dependency {i} is inconsistent with its tasks"
                ));
            }
            tr.end
        };
        if b.start < arrival - tol {
            return Err(format!(
                "task {} started at {} before its input from {} arrived at {arrival}",
                problem.task_names[d.dst], b.start, problem.task_names[d.src]
            ));
        }
    }
    // The planned per-processor order is kept.
    let planned = &plan.orders;
    for (p, order) in exec.proc_order.iter().enumerate() {
        let starts: Vec<f64> = order.iter().map(|&t| exec.tasks[t].start).collect();
        if *order != planned[p] || starts.windows(2).any(|w| w[1] < w[0]) {
            return Err(format!(
                "processor {} did not keep its planned order",
                problem.proc_names[p]
            ));
        }
    }
    no_overlap(
        problem,
        exec.tasks.iter().map(|r| (r.proc, r.start, r.end)),
        tol,
    )
}
