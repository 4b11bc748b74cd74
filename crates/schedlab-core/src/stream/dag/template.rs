//! Job templates: one DAG on the stream's processors with what policies precompute, the
//! DS3 templates, random DAG mixes and the bottleneck work that turns a load into a rate.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::gen::{self, Family, GenSpec};
use crate::problem::Problem;
use crate::ranks::{self, CommAverage};
use crate::scenario::Scenario;
use crate::util::derive_seed;

/// A job template: one DAG on the stream's processors, with what policies precompute.
#[derive(Debug, Clone)]
pub struct Template {
    pub name: String,
    pub problem: Problem,
    /// Upward rank of each task (mean costs, Topcuoglu's averaging).
    pub rank: Vec<f64>,
    /// Tasks by decreasing rank, predecessors first.
    pub order: Vec<usize>,
    pub mean_exec: Vec<f64>,
    /// Sum of the tasks' mean execution times.
    pub mean_work: f64,
    /// Sum of the tasks' fastest execution times.
    pub min_work: f64,
    /// Longest path with every task at its fastest and free transfers: a lower bound on
    /// the job's latency under any schedule without noise.
    pub lower_bound: f64,
}

impl Template {
    pub fn new(name: impl Into<String>, problem: Problem) -> Template {
        let rank = ranks::upward(&problem, CommAverage::DistinctPairs);
        let order = ranks::topo_consistent(&problem, ranks::by_decreasing(&rank));
        let n = problem.n_tasks();
        let mean_exec: Vec<f64> = (0..n).map(|t| problem.mean_exec(t)).collect();
        let mut longest = vec![0.0f64; n];
        for &t in &problem.topo {
            let start = problem
                .predecessors(t)
                .map(|(p, _)| longest[p])
                .fold(0.0, f64::max);
            longest[t] = start + problem.min_exec(t);
        }
        Template {
            name: name.into(),
            mean_work: mean_exec.iter().sum(),
            min_work: (0..n).map(|t| problem.min_exec(t)).sum(),
            lower_bound: longest.iter().copied().fold(0.0, f64::max),
            rank,
            order,
            mean_exec,
            problem,
        }
    }

    pub fn from_scenario(s: &Scenario) -> Result<Template> {
        Ok(Template::new(s.name.clone(), Problem::new(s)?))
    }
}

/// DS3's WiFi transmitter (27 tasks) and receiver (34 tasks) jobs on the 16-PE DASH SoC,
/// converted from the DS3 files (assets/scenarios, see NOTICE).
pub fn ds3_templates() -> Vec<Template> {
    [
        include_str!("../../../../../assets/scenarios/ds3-wifi-tx.json"),
        include_str!("../../../../../assets/scenarios/ds3-wifi-rx.json"),
    ]
    .iter()
    .map(|json| {
        let s = Scenario::from_json(json).expect("shipped DS3 templates are valid (tested)");
        Template::from_scenario(&s).expect("shipped DS3 templates are valid (tested)")
    })
    .collect()
}

/// What the jobs look like.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DagMix {
    /// DS3's WiFi TX and RX jobs, half each on average, on the DASH SoC (16 PEs).
    Ds3,
    /// `templates` random Topcuoglu DAGs of about `tasks` tasks on `processors`
    /// heterogeneous processors (heterogeneity β, communication-to-computation ratio).
    Random {
        tasks: usize,
        processors: usize,
        templates: usize,
        ccr: f64,
        beta: f64,
    },
}

impl DagMix {
    pub fn templates(&self, seed: u64) -> Result<Vec<Template>> {
        match *self {
            DagMix::Ds3 => Ok(ds3_templates()),
            DagMix::Random {
                tasks,
                processors,
                templates,
                ccr,
                beta,
            } => {
                if templates == 0 || templates > 1000 {
                    return Err(Error::invalid(format!(
                        "templates must be between 1 and 1000 (got {templates})"
                    )));
                }
                if tasks == 0 || tasks > 1000 {
                    return Err(Error::invalid(format!(
                        "tasks per job must be between 1 and 1000 (got {tasks})"
                    )));
                }
                (0..templates)
                    .map(|k| {
                        let mut s = gen::generate(&GenSpec {
                            family: Family::Random {
                                tasks,
                                alpha: 1.0,
                                out_degree: 3,
                            },
                            processors,
                            ccr,
                            beta,
                            mean_cost: 20.0,
                            seed: derive_seed(seed, 1000 + k as u64),
                        })?;
                        s.name = format!("random-{k}");
                        Template::from_scenario(&s)
                    })
                    .collect()
            }
        }
    }
}

/// Mean work per job on the busiest processor group when every task runs on its fastest
/// group (processors with identical execution times form a group and share its work):
/// a load ρ means ρ ÷ this many jobs per time unit, so ρ = 1 saturates that group.
pub fn bottleneck_work(templates: &[Template]) -> f64 {
    let Some(first) = templates.first() else {
        return 1.0;
    };
    let m = first.problem.n_procs();
    let column = |p: usize| -> Vec<u64> {
        templates
            .iter()
            .flat_map(|tp| (0..tp.problem.n_tasks()).map(move |t| tp.problem.exec(t, p).to_bits()))
            .collect()
    };
    let mut group_of = vec![0usize; m];
    let mut groups: Vec<(Vec<u64>, usize)> = Vec::new();
    for (p, g) in group_of.iter_mut().enumerate() {
        let col = column(p);
        *g = match groups.iter().position(|(c, _)| *c == col) {
            Some(i) => i,
            None => {
                groups.push((col, 0));
                groups.len() - 1
            }
        };
        groups[*g].1 += 1;
    }
    let mut load = vec![0.0; groups.len()];
    for tp in templates {
        for t in 0..tp.problem.n_tasks() {
            // The fastest group (ties: the larger group, then the first).
            let mut best: Option<(f64, usize)> = None;
            for p in tp.problem.feasible_procs(t) {
                let g = group_of[p];
                let e = tp.problem.exec(t, p);
                let better = match best {
                    None => true,
                    Some((be, bg)) => e < be || (e == be && groups[g].1 > groups[bg].1),
                };
                if better {
                    best = Some((e, g));
                }
            }
            if let Some((e, g)) = best {
                load[g] += e / groups[g].1 as f64;
            }
        }
    }
    let w = load.iter().copied().fold(0.0, f64::max) / templates.len() as f64;
    if w > 0.0 {
        w
    } else {
        1.0
    }
}

/// The largest `:depth` a policy accepts (waiting tasks a processor may hold); a trained
/// model's depth is bounded by it too.
pub const MAX_DEPTH: usize = 8;
