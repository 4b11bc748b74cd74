//! A list scheduler written by the user: a task **priority** rule and a **placement**.
//!
//! Tasks are taken in decreasing priority among the ready ones (a task whose predecessors
//! are not all placed waits, as in HEFT; priorities within 1e-9 of the largest |priority|
//! of each other tie, as HEFT's ranks do, then by task index), each placed by the placement:
//! `eft` (the processor that finishes it earliest, insertion into idle gaps: HEFT's),
//! `est` (the earliest start, ties by finish), `min_exec` (the fastest processor for the
//! task, at its earliest there), or a rule over processor variables, lowest score wins
//! (ties: earliest finish, then lowest index), the task placed at its earliest start there.
//! `rule:priority=rank_u` is HEFT (the same plan, bit for bit).
//!
//! The priority is static: evaluated once per task before scheduling, from [`PRIORITY_VARS`].
//! A rule that fails on some task or processor (division by zero, `log` of 0, overflow)
//! fails the run with one line naming the rule, the error, its position and the task.
//! Complexity: O(n log n + e m) plus one rule evaluation per task and, for a placement
//! rule, per (task, processor).

use super::{comm_average, ranks, Error, OptionSpec, Options, Result, Scheduler, SchedulerSpec};
use super::{Values, COMM_AVERAGE};
use crate::problem::Problem;
use crate::rule::{Rule, Var};
use crate::schedule::Builder;

pub const SPEC: SchedulerSpec = SchedulerSpec::new(
    "rule",
    "Custom rule",
    "your priority rule, highest first; placement by earliest finish or your rule",
    "",
    &[PRIORITY, PLACEMENT, COMM_AVERAGE, super::heft::INSERTION],
    |o| Ok(Box::new(RuleScheduler::new(o)?)),
);

const PRIORITY: OptionSpec = OptionSpec {
    key: "priority",
    values: Values::Rule("rank_u"),
    help: "a task's priority over the task variables (highest first), e.g. rank_u + rank_d",
};

const PLACEMENT: OptionSpec = OptionSpec {
    key: "placement",
    values: Values::Rule("eft"),
    help: "eft, est, min_exec, or a score over the processor variables (lowest wins), e.g. finish + idle",
};

/// What a priority rule may read, per task.
pub const PRIORITY_VARS: &[Var] = &[
    Var {
        name: "rank_u",
        help:
            "upward rank: mean cost of the longest path to an exit, communication included (HEFT)",
    },
    Var {
        name: "rank_d",
        help: "downward rank: longest mean path from an entry to the task, excluding it",
    },
    Var {
        name: "mean_cost",
        help: "mean execution time over the processors that can run it",
    },
    Var {
        name: "min_cost",
        help: "least execution time over the processors",
    },
    Var {
        name: "max_cost",
        help: "greatest execution time over the processors that can run it",
    },
    Var {
        name: "in_degree",
        help: "number of predecessors",
    },
    Var {
        name: "out_degree",
        help: "number of successors",
    },
    Var {
        name: "in_data",
        help: "data received from predecessors, summed",
    },
    Var {
        name: "out_data",
        help: "data sent to successors, summed",
    },
    Var {
        name: "level",
        help: "edges on the longest path from an entry (entries are 0)",
    },
    Var {
        name: "static_level",
        help: "mean execution times on the longest path to an exit, communication excluded",
    },
    Var {
        name: "oct",
        help: "PEFT's optimistic cost, averaged over processors",
    },
    Var {
        name: "index",
        help: "the task's position in the file, from 0",
    },
    Var {
        name: "tasks",
        help: "number of tasks",
    },
    Var {
        name: "procs",
        help: "number of processors",
    },
];

/// What a placement rule may read, per processor, for the task being placed.
pub const PLACEMENT_VARS: &[Var] = &[
    Var { name: "finish", help: "earliest finish of the task on the processor (insertion)" },
    Var { name: "start", help: "earliest start of the task on the processor" },
    Var { name: "exec", help: "execution time of the task on the processor" },
    Var { name: "ready", help: "when the task's inputs are all on the processor" },
    Var { name: "idle", help: "idle time the placement leaves before the task (0 in a gap or right after the last task)" },
    Var { name: "speed", help: "the task's mean cost ÷ its cost here (above 1: faster than average)" },
    Var { name: "load", help: "busy time already placed on the processor" },
    Var { name: "count", help: "tasks already placed on the processor" },
    Var { name: "proc", help: "the processor's position, from 0" },
    Var { name: "priority", help: "the task's priority" },
];

#[derive(Debug, Clone)]
enum Placement {
    Eft,
    Est,
    MinExec,
    Score(Rule),
}

/// `rule`: see the module documentation.
#[derive(Debug, Clone)]
pub struct RuleScheduler {
    priority: Rule,
    placement: Placement,
    comm_average: ranks::CommAverage,
    insertion: bool,
}

impl RuleScheduler {
    pub fn new(o: &Options) -> Result<RuleScheduler> {
        // Parsed as typed (the lexer skips blanks), so positions are the user's.
        let text = |k: &str, d: &str| o.get(k).map_or(d, String::as_str).to_string();
        let priority = Rule::parse_for("priority", &text("priority", "rank_u"), PRIORITY_VARS)?;
        let placement_text = text("placement", "eft");
        let placement = match placement_text.trim() {
            "eft" => Placement::Eft,
            "est" => Placement::Est,
            "min_exec" => Placement::MinExec,
            _ => Placement::Score(Rule::parse_for(
                "placement",
                &placement_text,
                PLACEMENT_VARS,
            )?),
        };
        Ok(RuleScheduler {
            priority,
            placement,
            comm_average: comm_average(o),
            insertion: super::heft::insertion(o, true),
        })
    }

    /// Every task's priority, or the first error with the task it happened on.
    pub fn priorities(&self, problem: &Problem) -> Result<Vec<f64>> {
        let n = problem.n_tasks();
        let want = |name: &str| {
            PRIORITY_VARS
                .iter()
                .position(|v| v.name == name)
                .is_some_and(|i| self.priority.uses(i))
        };
        let table =
            |name: &str, f: &dyn Fn() -> Vec<f64>| if want(name) { f() } else { Vec::new() };
        let avg = self.comm_average;
        let rank_u = table("rank_u", &|| ranks::upward(problem, avg));
        let rank_d = table("rank_d", &|| ranks::downward(problem, avg));
        let static_level = table("static_level", &|| ranks::static_level(problem));
        let oct = table("oct", &|| {
            let m = problem.n_procs();
            let t = ranks::optimistic_cost_table(problem, avg);
            (0..n)
                .map(|i| t[i * m..(i + 1) * m].iter().sum::<f64>() / m as f64)
                .collect()
        });
        let level = table("level", &|| {
            let mut level = vec![0.0f64; n];
            for &t in &problem.topo {
                for (s, _) in problem.successors(t) {
                    level[s] = level[s].max(level[t] + 1.0);
                }
            }
            level
        });
        let at = |v: &Vec<f64>, t: usize| v.get(t).copied().unwrap_or(0.0);
        let mut vars = vec![0.0; PRIORITY_VARS.len()];
        let mut out = Vec::with_capacity(n);
        for t in 0..n {
            let row = problem.exec_row(t);
            let feasible = || row.iter().copied().filter(|e| e.is_finite());
            vars[0] = at(&rank_u, t);
            vars[1] = at(&rank_d, t);
            vars[2] = problem.mean_exec(t);
            vars[3] = problem.min_exec(t);
            vars[4] = feasible().fold(0.0, f64::max);
            vars[5] = problem.pred_deps(t).len() as f64;
            vars[6] = problem.succ_deps(t).len() as f64;
            vars[7] = problem.predecessors(t).map(|(_, d)| d).sum();
            vars[8] = problem.successors(t).map(|(_, d)| d).sum();
            vars[9] = at(&level, t);
            vars[10] = at(&static_level, t);
            vars[11] = at(&oct, t);
            vars[12] = t as f64;
            vars[13] = n as f64;
            vars[14] = problem.n_procs() as f64;
            let v = self.priority.eval(&vars).map_err(|e| {
                Error::config(format!(
                    "priority rule '{}': {e} (task {})",
                    self.priority.text(),
                    problem.task_names[t]
                ))
            })?;
            out.push(v);
        }
        Ok(out)
    }

    /// The processor and start for `task`, or an error naming the task and processor.
    fn place(&self, b: &Builder, task: usize, priority: f64) -> Result<(usize, f64)> {
        let problem = b.problem;
        let ins = self.insertion;
        Ok(match &self.placement {
            Placement::Eft => {
                let (p, s, _) = b.best_eft(task, ins);
                (p, s)
            }
            Placement::Est => {
                let mut best = (usize::MAX, f64::INFINITY, f64::INFINITY);
                for p in problem.feasible_procs(task) {
                    let (s, f) = b.eft(task, p, ins);
                    if (s, f) < (best.1, best.2) {
                        best = (p, s, f);
                    }
                }
                (best.0, best.1)
            }
            Placement::MinExec => {
                let row = problem.exec_row(task);
                let p = (0..row.len())
                    .filter(|&p| row[p].is_finite())
                    .fold(usize::MAX, |a, p| {
                        if a == usize::MAX || row[p] < row[a] {
                            p
                        } else {
                            a
                        }
                    });
                (p, b.eft(task, p, ins).0)
            }
            Placement::Score(rule) => {
                let mean = problem.mean_exec(task);
                let mut best = (usize::MAX, f64::INFINITY, f64::INFINITY, f64::INFINITY);
                for p in problem.feasible_procs(task) {
                    let ready = b.data_ready(task, p);
                    let w = problem.exec(task, p);
                    let s = b.earliest_start(p, ready, w, ins);
                    let (load, count) = if rule.uses(6) || rule.uses(7) {
                        b.load(p)
                    } else {
                        (0.0, 0)
                    };
                    let vars = [
                        s + w,
                        s,
                        w,
                        ready,
                        (s - b.available(p)).max(0.0),
                        if w > 0.0 { mean / w } else { 1.0 },
                        load,
                        count as f64,
                        p as f64,
                        priority,
                    ];
                    let score = rule.eval(&vars).map_err(|e| {
                        Error::config(format!(
                            "placement rule '{}': {e} (task {} on {})",
                            rule.text(),
                            problem.task_names[task],
                            problem.proc_names[p]
                        ))
                    })?;
                    if (score, s + w) < (best.1, best.2) {
                        best = (p, score, s + w, s);
                    }
                }
                (best.0, best.3)
            }
        })
    }
}

impl Scheduler for RuleScheduler {
    fn plan(&self, b: &mut Builder, _seed: u64) {
        let problem: &Problem = b.problem;
        let priority = match self.priorities(problem) {
            Ok(p) => p,
            Err(e) => {
                b.fail(e);
                vec![0.0; problem.n_tasks()]
            }
        };
        let what = match self.placement {
            Placement::Eft => "earliest finish time",
            Placement::Est => "earliest start time",
            Placement::MinExec => "least execution time",
            Placement::Score(_) => "your placement rule (lowest score)",
        };
        b.explain_with(self.insertion, Some(&priority), what);
        b.explain_table("priority", || priority.clone());
        let order = ranks::by_decreasing(&priority);
        for t in ranks::topo_consistent(problem, order) {
            let (p, s) = if b.failed() {
                let (p, s, _) = b.best_eft(t, self.insertion);
                (p, s)
            } else {
                match self.place(b, t, priority[t]) {
                    Ok(ps) => ps,
                    Err(e) => {
                        b.fail(e);
                        let (p, s, _) = b.best_eft(t, self.insertion);
                        (p, s)
                    }
                }
            };
            b.place(t, p, s);
        }
    }
}
