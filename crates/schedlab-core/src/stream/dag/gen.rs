//! DAG-stream generation: arrivals, which template each job instantiates, and the
//! per-(job, task) execution noise that every policy faces alike.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::template::{bottleneck_work, DagMix, Template};
use crate::error::{Error, Result};
use crate::sim::NOISE_FLOOR;
use crate::stream::{arrival_times, Arrivals};
use crate::util::derive_seed;

/// A DAG-stream generator request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DagSpec {
    pub jobs: usize,
    /// Arrivals; a load ρ means arrival rate × [`bottleneck_work`] (nominal: 1 saturates
    /// the busiest processor group when every task runs where it is fastest).
    pub arrivals: Arrivals,
    pub mix: DagMix,
    /// Relative σ of execution times (0 = exact).
    pub exec_sigma: f64,
    pub seed: u64,
}

/// A job: its arrival and which template it instantiates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DagJob {
    pub arrival: f64,
    pub template: usize,
}

/// A stream of DAG jobs on one platform.
#[derive(Debug, Clone)]
pub struct DagStream {
    pub templates: Vec<Template>,
    pub jobs: Vec<DagJob>,
    pub exec_sigma: f64,
    /// Seeds the execution-time noise.
    pub seed: u64,
}

/// Upper bound on the total number of tasks in a DAG stream.
pub const MAX_TASKS: usize = 5_000_000;

/// Generates a DAG stream; the same spec always gives the same stream.
pub fn generate(spec: &DagSpec) -> Result<DagStream> {
    generate_with(spec, spec.mix.templates(spec.seed)?)
}

/// [`generate`] with the templates given (`spec.mix` is not read).
pub fn generate_with(spec: &DagSpec, templates: Vec<Template>) -> Result<DagStream> {
    let times = arrival_times(
        &spec.arrivals,
        spec.jobs,
        bottleneck_work(&templates),
        1.0,
        spec.seed,
    )?;
    let mut rng = StdRng::seed_from_u64(derive_seed(spec.seed, 14));
    let jobs = times
        .into_iter()
        .map(|arrival| DagJob {
            arrival,
            template: if templates.len() == 1 {
                0
            } else {
                rng.random_range(0..templates.len())
            },
        })
        .collect();
    let s = DagStream {
        templates,
        jobs,
        exec_sigma: spec.exec_sigma,
        seed: spec.seed,
    };
    s.validate()?;
    Ok(s)
}

impl DagStream {
    pub fn n_procs(&self) -> usize {
        self.templates.first().map_or(0, |t| t.problem.n_procs())
    }

    /// The platform's processor names.
    pub fn proc_names(&self) -> &[String] {
        self.templates
            .first()
            .map_or(&[][..], |t| &t.problem.proc_names[..])
    }

    /// Checks that the templates share one platform and the jobs are sane.
    pub fn validate(&self) -> Result<()> {
        let Some(first) = self.templates.first() else {
            return Err(Error::invalid(
                "a DAG stream needs at least one job template",
            ));
        };
        let p0 = &first.problem;
        let m = p0.n_procs();
        for t in &self.templates[1..] {
            let p = &t.problem;
            let same = p.proc_names == p0.proc_names
                && (0..m).all(|a| {
                    (0..m).all(|b| {
                        p.comm(0.0, a, b) == p0.comm(0.0, a, b)
                            && p.comm(1.0, a, b) == p0.comm(1.0, a, b)
                    })
                });
            if !same {
                return Err(Error::invalid(format!(
                    "job template '{}' is not on the same processors and network as '{}'",
                    t.name, first.name
                )));
            }
        }
        if !(self.exec_sigma.is_finite() && self.exec_sigma >= 0.0) {
            return Err(Error::invalid(format!(
                "execution-time noise must be a finite number >= 0 (got {})",
                self.exec_sigma
            )));
        }
        let mut last = 0.0;
        let mut tasks = 0usize;
        for (i, j) in self.jobs.iter().enumerate() {
            if !(j.arrival.is_finite() && j.arrival >= last) {
                return Err(Error::invalid(format!(
                    "job {i}: arrival {} is not finite and in order",
                    j.arrival
                )));
            }
            last = j.arrival;
            let Some(t) = self.templates.get(j.template) else {
                return Err(Error::invalid(format!(
                    "job {i}: no template {}",
                    j.template
                )));
            };
            tasks += t.problem.n_tasks();
        }
        if tasks > MAX_TASKS {
            return Err(Error::Limit {
                what: "tasks in a DAG stream",
                found: tasks,
                limit: MAX_TASKS,
            });
        }
        Ok(())
    }

    /// The noise factor of every task of job `j` (actual = nominal × factor).
    pub fn factors(&self, j: usize) -> Vec<f64> {
        let n = self.templates[self.jobs[j].template].problem.n_tasks();
        if self.exec_sigma == 0.0 {
            return vec![1.0; n];
        }
        let mut rng = StdRng::seed_from_u64(derive_seed(derive_seed(self.seed, 15), j as u64));
        (0..n)
            .map(|_| {
                (1.0 + self.exec_sigma * crate::dist::standard_normal(&mut rng)).max(NOISE_FLOOR)
            })
            .collect()
    }
}
