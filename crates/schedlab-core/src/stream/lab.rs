//! The Streams lab as one value: the settings that a share link, the page and the CLI
//! share ([`StreamsSettings`]), the stream they build, and one run API ([`run`], or
//! [`Runner`] a few events at a time for the page). The web app and `schedlab stream` /
//! `schedlab open` both call these, so the same settings give the same numbers everywhere.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::dag::{self, DagMix, DagPolicy, DagRun, DagSpec, DagStream};
use super::learned::model::{shipped, Model};
use super::learned::TrainConfig;
use super::policy::{Policy, POLICIES};
use super::sim::{reference_flow, Sim, StreamMetrics, StreamRun};
use super::trace::Trace;
use super::{generate, Arrivals, Info, Mix, OpCount, OpSize, Stream, StreamSpec};
use crate::error::{Error, Result};
use crate::registry::Entry;

/// What the jobs look like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum JobMix {
    /// One task of exponential size (classic flow time).
    #[default]
    Single,
    /// A chain of operations.
    Chain,
    /// DS3's WiFi TX/RX jobs on the DASH SoC.
    Ds3,
    /// Random DAGs on heterogeneous processors.
    Dag,
}

impl JobMix {
    pub fn is_dag(self) -> bool {
        matches!(self, JobMix::Ds3 | JobMix::Dag)
    }
}

/// Random DAG job mixes draw their jobs from this many templates (the page, `schedlab
/// stream --mix dag` and `schedlab eval --workload random-dag-stream` alike).
pub const RANDOM_DAG_TEMPLATES: usize = 16;

/// The Streams lab's settings, as the controls show them, links carry them and the CLI's
/// flags fill them in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StreamsSettings {
    pub mix: JobMix,
    pub jobs: usize,
    /// Machines (single/chain) or processors (random DAGs; DS3's SoC has 16).
    pub machines: usize,
    /// Machine speeds (empty = identical machines).
    pub speeds: Vec<f64>,
    /// Target load ρ.
    pub load: f64,
    /// Mean inter-arrival time instead of a load (the CLI's `--mean-interarrival`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_interarrival: Option<f64>,
    /// Coefficient of variation of inter-arrival times (1 = Poisson).
    pub burstiness: f64,
    /// Mean job size (single) or operation size (chain).
    pub mean_size: f64,
    pub ops: usize,
    /// Chains only (kept but unused for other mixes, so a page that switches back finds
    /// them; the CLI refuses them with another mix): operations per job drawn from a distribution (`uniform:1:6`,
    /// `geometric:3`, `fixed:4`) instead of `ops` each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ops_dist: Option<String>,
    /// Chains only: operation sizes `exp` (the default), `uniform`, `bimodal`, `pareto:ALPHA`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub op_size: Option<String>,
    /// Chains only: a uniform obligatory test of this length before each job's operations
    /// (the paper's special case; a trace's sizes are then the work after the test).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test: Option<f64>,
    /// Tasks per random DAG job.
    pub dag_tasks: usize,
    pub info: Info,
    pub estimate_noise: f64,
    pub context_switch: f64,
    /// Execution-time σ of DAG jobs' tasks.
    pub exec_noise: f64,
    /// Deadlines at arrival + slack × size (EDF); None: no deadlines.
    pub deadline_slack: Option<f64>,
    /// The policies to run on the same stream.
    pub policies: Vec<String>,
    pub seed: u64,
    /// An uploaded arrival trace (replaces load and burstiness).
    pub trace: Option<Trace>,
    /// Weights trained in the browser (or uploaded) for `learned`; None = the shipped ones.
    pub learned: Option<Model>,
}

impl Default for StreamsSettings {
    fn default() -> Self {
        StreamsSettings {
            mix: JobMix::Single,
            jobs: 30,
            machines: 1,
            speeds: Vec::new(),
            load: 0.85,
            mean_interarrival: None,
            burstiness: 1.0,
            mean_size: 4.0,
            ops: 3,
            ops_dist: None,
            op_size: None,
            test: None,
            dag_tasks: 10,
            info: Info::Clairvoyant,
            estimate_noise: 0.3,
            context_switch: 0.0,
            exec_noise: 0.0,
            deadline_slack: Some(3.0),
            policies: vec!["srpt".into(), "fcfs".into()],
            seed: 1,
            trace: None,
            learned: None,
        }
    }
}

/// The policies that fit a mix, in picker order (their registry entries without makers).
pub fn policy_entries(mix: JobMix) -> Vec<Entry<()>> {
    if mix.is_dag() {
        dag::DAG_POLICIES.iter().map(Entry::about).collect()
    } else {
        POLICIES.iter().map(Entry::about).collect()
    }
}

impl StreamsSettings {
    /// Checks what serde cannot and the engine would only find out later: known policies
    /// that fit the mix, one speed per machine, finite numbers. Bounds on sizes and counts
    /// are the engine's, checked when the stream is built.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::config(m));
        if self.policies.is_empty() {
            return bad("no policy to run".into());
        }
        if let Some(m) = &self.learned {
            m.validate()
                .map_err(|e| Error::config(format!("learned policy: {e}")))?;
        }
        for p in &self.policies {
            if self.mix.is_dag() {
                self.dag_policy(p)?;
            } else {
                Policy::parse(p)?;
            }
        }
        for (what, v) in [
            ("load", self.load),
            ("burstiness", self.burstiness),
            ("mean size", self.mean_size),
            (
                "mean inter-arrival time",
                self.mean_interarrival.unwrap_or(1.0),
            ),
            ("deadline slack", self.deadline_slack.unwrap_or(1.0)),
        ] {
            if !(v.is_finite() && v > 0.0) {
                return bad(format!("{what} must be a finite number > 0 (got {v})"));
            }
        }
        for (what, v) in [
            ("estimate noise", self.estimate_noise),
            ("context-switch time", self.context_switch),
            ("execution noise", self.exec_noise),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return bad(format!("{what} must be a finite number >= 0 (got {v})"));
            }
        }
        if !self.speeds.is_empty() && self.speeds.len() != self.machines {
            return bad(format!(
                "{} speeds for {} machines",
                self.speeds.len(),
                self.machines
            ));
        }
        Ok(())
    }

    /// The default policies for a mix (when switching between job and DAG mixes).
    pub fn default_policies(mix: JobMix) -> Vec<String> {
        if mix.is_dag() {
            vec!["dls_srpt".into(), "heft_rt".into()]
        } else {
            vec!["srpt".into(), "fcfs".into()]
        }
    }

    /// A DAG policy by id; `learned` takes these settings' weights when they have some.
    pub fn dag_policy(&self, id: &str) -> Result<DagPolicy> {
        match (id, &self.learned) {
            ("learned", Some(m)) => Ok(DagPolicy::Learned(Arc::new(m.clone()))),
            _ => DagPolicy::parse(id),
        }
    }

    /// The DAG mix the settings describe.
    pub fn dag_mix(&self) -> DagMix {
        if self.mix == JobMix::Ds3 {
            DagMix::Ds3
        } else {
            DagMix::Random {
                tasks: self.dag_tasks,
                processors: self.machines,
                templates: RANDOM_DAG_TEMPLATES,
                ccr: 1.0,
                beta: 1.0,
            }
        }
    }

    /// Fine-tuning on this scenario: its job templates, load and execution noise, on short
    /// streams (20 jobs) so that an iteration takes a fraction of a second in a browser.
    pub fn train_config(&self, iterations: usize) -> TrainConfig {
        TrainConfig {
            mix: self.dag_mix(),
            template_seed: Some(self.seed),
            jobs: 20,
            load: self.load.min(1.2),
            noise: vec![self.exec_noise],
            iterations,
            pairs: 6,
            sigma: 0.05,
            lr: 0.05,
            streams: 2,
            validation: 3,
            validation_jobs: 30,
            seed: self.seed,
            ..TrainConfig::default()
        }
    }

    /// The weights `learned` runs with here.
    pub fn learned_model(&self) -> Model {
        self.learned.clone().unwrap_or_else(|| (*shipped()).clone())
    }

    /// The arrival process: a trace, a mean inter-arrival time, or a load; gamma
    /// inter-arrival times when the burstiness is not 1.
    pub fn arrivals(&self) -> Arrivals {
        let poisson = self.burstiness == 1.0;
        match (&self.trace, self.mean_interarrival) {
            (Some(t), _) => Arrivals::Trace(t.clone()),
            (None, Some(t)) if poisson => Arrivals::Poisson {
                mean_interarrival: t,
            },
            (None, Some(t)) => Arrivals::Gamma {
                mean_interarrival: t,
                cv: self.burstiness,
            },
            (None, None) if poisson => Arrivals::Load { rho: self.load },
            (None, None) => Arrivals::GammaLoad {
                rho: self.load,
                cv: self.burstiness,
            },
        }
    }

    /// A chain's mix: the plain chain of `ops` exponential operations, or the revealed
    /// model's `Ops` when a count distribution, a size distribution or a test is given.
    pub fn chain_mix(&self) -> Result<Mix> {
        if self.ops_dist.is_none() && self.op_size.is_none() && self.test.is_none() {
            return Ok(Mix::Chain {
                ops: self.ops,
                mean_op: self.mean_size,
            });
        }
        let count = match &self.ops_dist {
            Some(t) => OpCount::parse(t)?,
            None => OpCount::Fixed { ops: self.ops },
        };
        let size = match &self.op_size {
            Some(t) => OpSize::parse(t)?,
            None => OpSize::Exp,
        };
        if let Some(t) = self.test {
            if !(t.is_finite() && t > 0.0) {
                return Err(Error::config(format!(
                    "the test length must be a finite number > 0 (got {t})"
                )));
            }
        }
        Ok(Mix::Ops {
            count,
            size,
            mean_op: self.mean_size,
            test: self.test,
        })
    }

    /// The instance parameters of a chain stream (m, and our m1, m2), None for other mixes.
    pub fn instance(&self) -> Result<Option<super::Instance>> {
        if self.mix != JobMix::Chain {
            return Ok(None);
        }
        Ok(self.instance_of(&self.build()?))
    }

    /// [`StreamsSettings::instance`] of a stream already built from these settings.
    pub fn instance_of(&self, input: &Input) -> Option<super::Instance> {
        match (self.mix, input) {
            (JobMix::Chain, Input::Flow(s)) => Some(super::Instance::of(s)),
            _ => None,
        }
    }

    /// Builds the stream the settings describe (the same settings, the same stream).
    pub fn build(&self) -> Result<Input> {
        self.validate()?;
        if self.mix.is_dag() {
            return dag::generate(&DagSpec {
                jobs: self.jobs,
                arrivals: self.arrivals(),
                mix: self.dag_mix(),
                exec_sigma: self.exec_noise,
                seed: self.seed,
            })
            .map(Input::Dag);
        }
        let mix = match self.mix {
            JobMix::Chain => self.chain_mix()?,
            _ => Mix::Single {
                mean_size: self.mean_size,
            },
        };
        generate(&StreamSpec {
            jobs: self.jobs,
            machines: self.machines,
            speeds: self.speeds.clone(),
            context_switch: self.context_switch,
            arrivals: self.arrivals(),
            mix,
            info: self.info,
            estimate_noise: self.estimate_noise,
            deadline_slack: self.deadline_slack,
            seed: self.seed,
        })
        .map(Input::Flow)
    }
}

/// The generated input of a run.
#[derive(Debug, Clone)]
pub enum Input {
    Flow(Stream),
    Dag(DagStream),
}

/// What one policy did.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    Flow(StreamRun),
    Dag(DagRun),
}

/// One policy's run on the lab's stream.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRun {
    pub policy: String,
    /// How the policy chooses, in one line.
    pub rule: String,
    pub metrics: StreamMetrics,
    /// Total flow time ÷ SRPT's on one machine as fast as all together (job streams).
    pub competitive_ratio: Option<f64>,
    pub detail: Detail,
}

impl PolicyRun {
    /// The row `schedlab stream` and `schedlab open` print: the metrics, `policy`, and
    /// for job streams `competitive_ratio`.
    pub fn row(&self) -> Value {
        let mut v = serde_json::to_value(&self.metrics).expect("metrics serialise");
        v["policy"] = json!(self.policy);
        if let Some(r) = self.competitive_ratio {
            v["competitive_ratio"] = json!(r);
        }
        v
    }
}

/// Runs the settings' policies a few events at a time (the page runs it between frames;
/// [`run`] in one go).
#[derive(Debug, Clone)]
pub struct Runner {
    input: Input,
    policies: Vec<(String, Option<DagPolicy>)>,
    done: Vec<PolicyRun>,
    current: Option<Sim>,
    reference: Option<f64>,
    record: bool,
    /// Refuse a run whose records hit the bound (`stream --explain`); the page keeps the
    /// prefix instead.
    strict: bool,
}

impl Runner {
    /// `record`: keep every decision of job-stream runs (the step-through view).
    pub fn new(settings: &StreamsSettings, record: bool) -> Result<Runner> {
        let input = settings.build()?;
        if let Input::Flow(stream) = &input {
            for p in &settings.policies {
                // Refuse what the information model cannot give before running anything.
                Policy::parse(p)?.check(
                    stream.info,
                    stream.jobs.iter().any(|j| j.deadline.is_some()),
                )?;
            }
        }
        let policies = settings
            .policies
            .iter()
            .map(|id| {
                let p = match input {
                    Input::Dag(_) => Some(settings.dag_policy(id)?),
                    Input::Flow(_) => None,
                };
                Ok((id.clone(), p))
            })
            .collect::<Result<_>>()?;
        Ok(Runner {
            input,
            policies,
            done: Vec::new(),
            current: None,
            reference: None,
            record,
            strict: false,
        })
    }

    pub fn input(&self) -> &Input {
        &self.input
    }

    /// Works for about `budget` simulation events; true when every policy has run.
    pub fn advance(&mut self, budget: usize) -> Result<bool> {
        match &self.input {
            Input::Dag(s) => {
                // A DAG run is fast at lab sizes: one policy per call.
                if let Some((id, Some(p))) = self.policies.get(self.done.len()) {
                    let run = dag::simulate(s, p.clone())?;
                    self.done.push(PolicyRun {
                        policy: id.clone(),
                        rule: p.rule(),
                        metrics: dag::metrics(s, &run),
                        competitive_ratio: None,
                        detail: Detail::Dag(run),
                    });
                }
            }
            Input::Flow(stream) => {
                if self.reference.is_none() {
                    self.reference = Some(reference_flow(stream)?);
                    return Ok(false);
                }
                let mut left = budget.max(1);
                while self.done.len() < self.policies.len() && left > 0 {
                    let id = &self.policies[self.done.len()].0;
                    let policy = Policy::parse(id)?;
                    if self.current.is_none() {
                        let sim = Sim::new(stream, policy.clone())?;
                        self.current = Some(if self.record {
                            sim.record_decisions()
                        } else {
                            sim
                        });
                    }
                    let sim = self.current.as_mut().expect("just set");
                    let before = sim.events();
                    let done = sim.run_for(stream, left)?;
                    left = left.saturating_sub((sim.events() - before).max(1));
                    if done {
                        let sim = self.current.take().expect("running");
                        if self.strict && sim.recording_stopped() {
                            return Err(Error::Limit {
                                what: "decision rows to record (jobs in the system at each event)",
                                found: super::sim::MAX_RECORDED_ROWS + 1,
                                limit: super::sim::MAX_RECORDED_ROWS,
                            });
                        }
                        let run = sim.finish();
                        let metrics = StreamMetrics::compute(stream, &run);
                        self.done.push(PolicyRun {
                            policy: id.clone(),
                            rule: policy.rule(),
                            competitive_ratio: self.reference.map(|r| metrics.total_flow_time / r),
                            metrics,
                            detail: Detail::Flow(run),
                        });
                    }
                }
            }
        }
        Ok(self.done.len() == self.policies.len())
    }

    /// Fraction done, for a progress bar.
    pub fn progress(&self) -> f64 {
        let n = self.policies.len().max(1) as f64;
        let partial = match (&self.current, &self.input) {
            (Some(sim), Input::Flow(s)) => sim.completed() as f64 / s.jobs.len().max(1) as f64,
            _ => 0.0,
        };
        (self.done.len() as f64 + partial) / n
    }

    /// The input and every policy's run (call after [`Runner::advance`] returned true).
    pub fn finish(self) -> (Input, Vec<PolicyRun>) {
        (self.input, self.done)
    }
}

/// Jobs a stream may have for its decisions to be recorded ([`run_explained`], the page's
/// step-through): each decision keeps every job in the system.
pub const MAX_RECORDED_JOBS: usize = 2_000;

/// [`run`] with every decision recorded (each run's `StreamRun::decisions`): the jobs in
/// the system at each event, what the policy compared and the rate it gave each. Job
/// streams of up to [`MAX_RECORDED_JOBS`] jobs; DAG mixes are refused (their task-level
/// decisions are not recorded).
pub fn run_explained(settings: &StreamsSettings) -> Result<Vec<PolicyRun>> {
    Ok(run_with_input(settings, true)?.1)
}

/// [`run`] or [`run_explained`], with the stream they ran on (the CLI reads its instance
/// parameters from it instead of generating it again).
pub fn run_with_input(
    settings: &StreamsSettings,
    explain: bool,
) -> Result<(Input, Vec<PolicyRun>)> {
    let mut r = Runner::new(settings, explain)?;
    if explain {
        r.strict = true;
        match r.input() {
            Input::Dag(_) => {
                return Err(Error::config(
                    "decisions are recorded for job streams (single, chain), not for DAG mixes",
                ))
            }
            Input::Flow(s) if s.jobs.len() > MAX_RECORDED_JOBS => {
                return Err(Error::Limit {
                    what: "jobs to explain (each decision records every job in the system)",
                    found: s.jobs.len(),
                    limit: MAX_RECORDED_JOBS,
                })
            }
            Input::Flow(_) => {}
        }
    }
    while !r.advance(usize::MAX / 2)? {}
    Ok(r.finish())
}

/// Runs every policy of the settings on the same stream, in one go.
pub fn run(settings: &StreamsSettings) -> Result<Vec<PolicyRun>> {
    Ok(run_with_input(settings, false)?.1)
}
