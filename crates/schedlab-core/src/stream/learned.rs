//! The learned policy for streams of DAG jobs: a small neural network that scores candidate
//! ready tasks, trained here by evolution strategies (DeepSoCS's setting; see
//! docs/learned-policy.md).
//!
//! At each decision the simulator ([`super::dag`]) takes the first
//! [`Model::candidates`] ready tasks of each class (tasks that can run on the same
//! processors) in SRPT order, places each on its earliest-finish processor among those with
//! room, computes [`FEATURES`] for each and commits the best-scored one. The network is a
//! multilayer perceptron with one ReLU hidden layer, in `f32`: additions, multiplications
//! and comparisons only, so a score is bit-identical natively and in WebAssembly.
//!
//! Training ([`Trainer`]) is antithetic evolution strategies (Salimans et al. 2017) with
//! centred-rank fitness shaping and Adam: each iteration perturbs the weights in `pairs`
//! random directions, runs the perturbed policies on freshly generated training streams
//! (execution noise σ drawn from the configured list), and moves along the directions that
//! lowered the mean job latency relative to `dls_srpt` on the same streams. It needs no
//! gradient of the simulator, only runs of it, and each iteration is a pure function of the
//! configuration and the iteration number.

use std::sync::{Arc, OnceLock};

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use super::dag::{self, DagMix, DagPolicy, DagSpec, DagStream, JobPriority, Template};
use super::Arrivals;
use crate::error::{Error, Result};
use crate::util::derive_seed;

/// Number of features per candidate.
pub const N_FEATURES: usize = 16;

/// One candidate's features.
pub type Features = [f32; N_FEATURES];

/// The features, in input order. Times are divided by the templates' mean task time
/// (`T`) or mean critical path (`C`); work by the templates' mean total work (`W`).
pub const FEATURES: [&str; N_FEATURES] = [
    "job_remaining_work", // expected work of the job's unfinished tasks ÷ W
    "job_age",            // now − the job's arrival ÷ C
    "task_rank",          // the task's upward rank ÷ C
    "task_rank_fraction", // the task's rank ÷ its job's entry rank
    "wait_to_start",      // when it could start on its processor − now ÷ T
    "time_to_finish",     // its expected finish − now ÷ T
    "placement_slowdown", // time on its processor ÷ its fastest time − 1
    "task_min_time",      // its fastest time ÷ T
    "task_successors",    // successors ÷ 4
    "job_tasks_left",     // the job's unfinished tasks ÷ its tasks
    "jobs_in_system",     // jobs in the system ÷ 16
    "idle_processors",    // fraction of processors running nothing
    "observed_noise",     // 4 × moving average of |actual ÷ nominal − 1| of finished tasks
    "job_critical_path",  // the job's lower bound ÷ C
    "candidates",         // candidates in this decision ÷ 32
    "candidate_position", // index in SRPT order among the candidates ÷ 8
];

/// Candidates per class when a model does not say (and for `etf`).
pub const CANDIDATES_PER_CLASS: usize = 8;

/// The weights file's format tag and version.
pub const FORMAT: &str = "schedlab-learned-policy";
pub const VERSION: u32 = 1;

/// Upper bounds on a model's shape (a file is rejected beyond them).
pub const MAX_HIDDEN: usize = 256;

/// A trained policy: the network, its decision settings and how it was trained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub format: String,
    pub version: u32,
    /// The feature names it was trained with (must equal [`FEATURES`]).
    pub features: Vec<String>,
    pub hidden: usize,
    /// Waiting tasks a processor may hold.
    pub depth: usize,
    /// Candidates per class.
    pub candidates: usize,
    /// Hidden × features, row by row.
    pub w1: Vec<f32>,
    pub b1: Vec<f32>,
    pub w2: Vec<f32>,
    pub b2: f32,
    /// How it was produced (absent for an untrained model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training: Option<Training>,
}

/// The provenance of a model's weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Training {
    /// The command that produced it.
    pub command: String,
    pub config: TrainConfig,
    /// Iterations done (over every run that led here, fine-tuning included).
    pub iterations: usize,
    pub curve: Vec<CurvePoint>,
}

/// One point of the learning curve: mean job latency on the validation streams.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    pub iteration: usize,
    pub learned: f64,
    pub heft: f64,
    pub dls: f64,
    /// Mean training fitness of the iteration's population (dls_srpt latency ÷ latency).
    pub fitness: f64,
}

impl Model {
    /// A randomly initialised network (He-style scales, zero biases), seeded.
    pub fn random(hidden: usize, depth: usize, candidates: usize, seed: u64) -> Model {
        let mut rng = StdRng::seed_from_u64(derive_seed(seed, 0x1417));
        let s1 = (2.0 / N_FEATURES as f64).sqrt();
        let s2 = (1.0 / hidden.max(1) as f64).sqrt();
        let w1 = (0..hidden * N_FEATURES)
            .map(|_| (s1 * crate::dist::standard_normal(&mut rng)) as f32)
            .collect();
        let w2 = (0..hidden)
            .map(|_| (s2 * crate::dist::standard_normal(&mut rng)) as f32)
            .collect();
        Model {
            format: FORMAT.into(),
            version: VERSION,
            features: FEATURES.iter().map(|s| s.to_string()).collect(),
            hidden,
            depth,
            candidates,
            w1,
            b1: vec![0.0; hidden],
            w2,
            b2: 0.0,
            training: None,
        }
    }

    /// The score of one candidate (higher goes first).
    #[inline]
    pub fn score(&self, x: &Features) -> f32 {
        let mut out = self.b2;
        for ((row, b), w) in self.w1.chunks_exact(N_FEATURES).zip(&self.b1).zip(&self.w2) {
            let mut h = *b;
            for (a, v) in row.iter().zip(x) {
                h += a * v;
            }
            if h > 0.0 {
                out += w * h;
            }
        }
        out
    }

    /// Checks the format, the feature list, the shapes and that every weight is finite.
    pub fn validate(&self) -> Result<()> {
        if self.format != FORMAT {
            return Err(Error::format(
                "learned policy",
                format!("not a schedlab learned policy (format '{}')", self.format),
            ));
        }
        if self.version != VERSION {
            return Err(Error::format(
                "learned policy",
                format!(
                    "weights file version {}: this schedlab reads version {VERSION}",
                    self.version
                ),
            ));
        }
        if self
            .features
            .iter()
            .map(String::as_str)
            .ne(FEATURES.iter().copied())
        {
            return Err(Error::invalid(format!(
                "the policy was trained with other features ({}); this schedlab computes {}",
                self.features.join(", "),
                FEATURES.join(", ")
            )));
        }
        if self.hidden == 0 || self.hidden > MAX_HIDDEN {
            return Err(Error::invalid(format!(
                "hidden units must be between 1 and {MAX_HIDDEN} (got {})",
                self.hidden
            )));
        }
        if !(1..=dag::MAX_DEPTH).contains(&self.depth) {
            return Err(Error::invalid(format!(
                "depth must be between 1 and {} (got {})",
                dag::MAX_DEPTH,
                self.depth
            )));
        }
        if !(1..=64).contains(&self.candidates) {
            return Err(Error::invalid(format!(
                "candidates per class must be between 1 and 64 (got {})",
                self.candidates
            )));
        }
        let shapes = [
            ("w1", self.w1.len(), self.hidden * N_FEATURES),
            ("b1", self.b1.len(), self.hidden),
            ("w2", self.w2.len(), self.hidden),
        ];
        for (name, got, want) in shapes {
            if got != want {
                return Err(Error::invalid(format!(
                    "{name} has {got} weights; {want} expected for {} hidden units",
                    self.hidden
                )));
            }
        }
        let all = self
            .w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain([&self.b2]);
        if all.clone().any(|w| !w.is_finite()) {
            return Err(Error::invalid("a weight is not a finite number"));
        }
        Ok(())
    }

    /// Parses and validates a weights file.
    pub fn from_json(text: &str) -> Result<Model> {
        let m: Model = serde_json::from_str(text)
            .map_err(|e| Error::format("learned policy", e.to_string()))?;
        m.validate()?;
        Ok(m)
    }

    /// The weights file: compact JSON (it travels in share links and the web bundle).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a model serialises")
    }

    /// Number of weights.
    pub fn n_params(&self) -> usize {
        self.w1.len() + self.b1.len() + self.w2.len() + 1
    }

    /// The weights as one vector (w1, b1, w2, b2).
    pub fn params(&self) -> Vec<f64> {
        self.w1
            .iter()
            .chain(&self.b1)
            .chain(&self.w2)
            .chain([&self.b2])
            .map(|&w| w as f64)
            .collect()
    }

    /// Sets the weights from [`Self::params`]'s layout.
    pub fn set_params(&mut self, p: &[f64]) {
        let (a, rest) = p.split_at(self.w1.len());
        let (b, rest) = rest.split_at(self.b1.len());
        let (c, d) = rest.split_at(self.w2.len());
        for (w, v) in self.w1.iter_mut().zip(a) {
            *w = *v as f32;
        }
        for (w, v) in self.b1.iter_mut().zip(b) {
            *w = *v as f32;
        }
        for (w, v) in self.w2.iter_mut().zip(c) {
            *w = *v as f32;
        }
        self.b2 = d[0] as f32;
    }
}

/// The shipped weights (assets/learned/policy.json, produced by `schedlab train`).
pub fn shipped() -> Arc<Model> {
    static SHIPPED: OnceLock<Arc<Model>> = OnceLock::new();
    SHIPPED
        .get_or_init(|| {
            Arc::new(Model::from_json(SHIPPED_JSON).expect("the shipped policy is valid (tested)"))
        })
        .clone()
}

/// The shipped weights file's text.
pub const SHIPPED_JSON: &str = include_str!("../../../../assets/learned/policy.json");

/// What to train on and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub mix: DagMix,
    /// Random DAG templates: drawn per stream (None: generalise over DAGs) or fixed by
    /// this seed (fine-tuning on one scenario's templates).
    #[serde(default)]
    pub template_seed: Option<u64>,
    /// Jobs per training stream.
    pub jobs: usize,
    /// Target load ρ of the training streams.
    pub load: f64,
    /// Execution-noise σ of each training stream, drawn uniformly from this list.
    pub noise: Vec<f64>,
    pub iterations: usize,
    /// Antithetic perturbation pairs per iteration.
    pub pairs: usize,
    /// Perturbation scale.
    pub sigma: f64,
    /// Adam's learning rate.
    pub lr: f64,
    /// Training streams per iteration (every perturbation runs on the same ones).
    pub streams: usize,
    /// Fixed validation streams for the learning curve.
    pub validation: usize,
    /// Jobs per validation stream.
    pub validation_jobs: usize,
    pub hidden: usize,
    pub depth: usize,
    pub candidates: usize,
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            mix: DagMix::Ds3,
            template_seed: None,
            jobs: 40,
            load: 0.7,
            noise: vec![0.0, 0.1, 0.2, 0.3, 0.5],
            iterations: 150,
            pairs: 8,
            sigma: 0.05,
            lr: 0.03,
            streams: 4,
            validation: 5,
            validation_jobs: 100,
            hidden: 16,
            depth: 2,
            candidates: CANDIDATES_PER_CLASS,
            seed: 1,
        }
    }
}

/// Upper bound on jobs × streams × pairs per iteration (keeps an iteration bounded).
pub const MAX_ITERATION_JOBS: usize = 200_000;

impl TrainConfig {
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(Error::config(m));
        if self.jobs == 0 || self.jobs > 10_000 {
            return bad(format!(
                "jobs per training stream must be 1 to 10000 (got {})",
                self.jobs
            ));
        }
        if self.validation_jobs == 0 || self.validation_jobs > 10_000 {
            return bad(format!(
                "jobs per validation stream must be 1 to 10000 (got {})",
                self.validation_jobs
            ));
        }
        if !(self.load.is_finite() && self.load > 0.0 && self.load < 1.5) {
            return bad(format!("load must be in (0, 1.5) (got {})", self.load));
        }
        if self.noise.is_empty()
            || self
                .noise
                .iter()
                .any(|s| !(s.is_finite() && *s >= 0.0 && *s <= 5.0))
        {
            return bad("noise levels must be a non-empty list of σ in [0, 5]".into());
        }
        if self.pairs == 0 || self.pairs > 256 {
            return bad(format!("pairs must be 1 to 256 (got {})", self.pairs));
        }
        if self.streams == 0 || self.streams > 256 || self.validation == 0 || self.validation > 256
        {
            return bad("training and validation streams must be 1 to 256".into());
        }
        if self.jobs * self.streams * self.pairs > MAX_ITERATION_JOBS {
            return Err(Error::Limit {
                what: "jobs simulated per training iteration",
                found: self.jobs * self.streams * self.pairs,
                limit: MAX_ITERATION_JOBS,
            });
        }
        if !(self.sigma.is_finite() && self.sigma > 0.0 && self.sigma <= 10.0) {
            return bad(format!("sigma must be in (0, 10] (got {})", self.sigma));
        }
        if !(self.lr.is_finite() && self.lr > 0.0 && self.lr <= 10.0) {
            return bad(format!(
                "learning rate must be in (0, 10] (got {})",
                self.lr
            ));
        }
        if self.iterations > 1_000_000 {
            return bad(format!(
                "iterations must be at most 1000000 (got {})",
                self.iterations
            ));
        }
        Model::random(self.hidden, self.depth, self.candidates, 0).validate()
    }

    fn templates(&self, seed: u64) -> Result<Vec<Template>> {
        self.mix.templates(self.template_seed.unwrap_or(seed))
    }

    fn stream(
        &self,
        jobs: usize,
        sigma: f64,
        seed: u64,
        templates: Option<&[Template]>,
    ) -> Result<DagStream> {
        let spec = DagSpec {
            jobs,
            arrivals: Arrivals::Load { rho: self.load },
            mix: self.mix.clone(),
            exec_sigma: sigma,
            seed,
        };
        let t = match templates {
            Some(t) => t.to_vec(),
            None => self.templates(seed)?,
        };
        dag::generate_with(&spec, t)
    }
}

/// Mean job latency of a run.
pub fn mean_latency(stream: &DagStream, run: &dag::DagRun) -> f64 {
    let n = stream.jobs.len().max(1) as f64;
    stream
        .jobs
        .iter()
        .zip(&run.completion)
        .map(|(j, c)| c - j.arrival)
        .sum::<f64>()
        / n
}

fn latency(stream: &DagStream, policy: &DagPolicy) -> Result<f64> {
    Ok(mean_latency(
        stream,
        &dag::simulate_recorded(stream, policy, None)?,
    ))
}

const SRPT: DagPolicy = DagPolicy::Dls {
    priority: JobPriority::Srpt,
    depth: 1,
};

/// Evolution-strategies training, one iteration at a time (the browser runs it between
/// frames; the CLI in a loop).
#[derive(Debug)]
pub struct Trainer {
    cfg: TrainConfig,
    model: Model,
    theta: Vec<f64>,
    adam_m: Vec<f64>,
    adam_v: Vec<f64>,
    /// β1^t and β2^t (running products: no `powi`, whose rounding may differ by platform).
    adam_pow: (f64, f64),
    iteration: usize,
    validation: Vec<DagStream>,
    fixed: Option<Vec<Template>>,
    val_heft: f64,
    val_dls: f64,
    curve: Vec<CurvePoint>,
    command: String,
    /// Iterations done before this trainer started (fine-tuning).
    before: usize,
    pending: Option<Pending>,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len().max(1) as f64
}

impl Trainer {
    /// Starts from `init` (fine-tuning; its shape wins over the config's) or from a random
    /// network seeded by the config.
    pub fn new(cfg: TrainConfig, init: Option<Model>, command: &str) -> Result<Trainer> {
        cfg.validate()?;
        let (model, before) = match init {
            Some(m) => {
                m.validate()?;
                let before = m.training.as_ref().map_or(0, |t| t.iterations);
                (m, before)
            }
            None => (
                Model::random(cfg.hidden, cfg.depth, cfg.candidates, cfg.seed),
                0,
            ),
        };
        let fixed = match cfg.template_seed {
            Some(s) => Some(cfg.mix.templates(s)?),
            None => None,
        };
        let validation: Vec<DagStream> = (0..cfg.validation)
            .map(|k| {
                let seed = derive_seed(cfg.seed, 0x7A11_D000 + k as u64);
                let sigma = cfg.noise[k % cfg.noise.len()];
                cfg.stream(cfg.validation_jobs, sigma, seed, fixed.as_deref())
            })
            .collect::<Result<_>>()?;
        let val_heft = mean(
            &validation
                .iter()
                .map(|s| latency(s, &DagPolicy::HeftRt))
                .collect::<Result<Vec<_>>>()?,
        );
        let val_dls = mean(
            &validation
                .iter()
                .map(|s| latency(s, &SRPT))
                .collect::<Result<Vec<_>>>()?,
        );
        let theta = model.params();
        let n = theta.len();
        let mut t = Trainer {
            cfg,
            model,
            theta,
            adam_m: vec![0.0; n],
            adam_v: vec![0.0; n],
            adam_pow: (1.0, 1.0),
            iteration: 0,
            validation,
            fixed,
            val_heft,
            val_dls,
            curve: Vec::new(),
            command: command.to_string(),
            before,
            pending: None,
        };
        let start = t.validate_current()?;
        t.curve.push(CurvePoint {
            iteration: before,
            learned: start,
            heft: val_heft,
            dls: val_dls,
            fitness: f64::NAN,
        });
        Ok(t)
    }

    fn validate_current(&self) -> Result<f64> {
        let p = DagPolicy::Learned(Arc::new(self.model.clone()));
        Ok(mean(
            &self
                .validation
                .iter()
                .map(|s| latency(s, &p))
                .collect::<Result<Vec<_>>>()?,
        ))
    }

    pub fn config(&self) -> &TrainConfig {
        &self.cfg
    }

    /// Iterations done by this trainer.
    pub fn iteration(&self) -> usize {
        self.iteration
    }

    pub fn done(&self) -> bool {
        self.iteration >= self.cfg.iterations
    }

    /// The learning curve so far (the first point is the starting model).
    pub fn curve(&self) -> &[CurvePoint] {
        &self.curve
    }

    /// HEFT-RT's and dls_srpt's mean latency on the validation streams.
    pub fn baselines(&self) -> (f64, f64) {
        (self.val_heft, self.val_dls)
    }

    /// The current model, with its provenance.
    pub fn model(&self) -> Model {
        let mut m = self.model.clone();
        m.training = Some(Training {
            command: self.command.clone(),
            config: self.cfg.clone(),
            iterations: self.before + self.iteration,
            curve: self
                .curve
                .iter()
                .map(|p| {
                    // Three decimals are plenty for a curve, and keep the file small.
                    let r = |v: f64| {
                        if v.is_finite() {
                            (v * 1000.0).round() / 1000.0
                        } else {
                            0.0
                        }
                    };
                    CurvePoint {
                        iteration: p.iteration,
                        learned: r(p.learned),
                        heft: r(p.heft),
                        dls: r(p.dls),
                        fitness: r(p.fitness),
                    }
                })
                .collect(),
        });
        m
    }

    /// One iteration: perturb, evaluate on fresh training streams, update, validate.
    pub fn step(&mut self) -> Result<CurvePoint> {
        loop {
            if let Some(p) = self.step_part()? {
                return Ok(p);
            }
        }
    }

    /// A part of an iteration (the browser runs one per frame): generating the streams
    /// and their baseline, one antithetic pair, or the update and validation. Returns the
    /// curve point when the iteration completes.
    pub fn step_part(&mut self) -> Result<Option<CurvePoint>> {
        let cfg = &self.cfg;
        let base = derive_seed(
            cfg.seed,
            0x5EED_0000_0000 + (self.before + self.iteration) as u64,
        );
        let Some(pending) = self.pending.as_mut() else {
            let mut pick = StdRng::seed_from_u64(derive_seed(base, 1));
            let streams: Vec<DagStream> = (0..cfg.streams)
                .map(|k| {
                    let sigma = cfg.noise[pick.random_range(0..cfg.noise.len())];
                    cfg.stream(
                        cfg.jobs,
                        sigma,
                        derive_seed(base, 100 + k as u64),
                        self.fixed.as_deref(),
                    )
                })
                .collect::<Result<_>>()?;
            let baseline: Vec<f64> = streams
                .iter()
                .map(|s| latency(s, &SRPT))
                .collect::<Result<_>>()?;
            self.pending = Some(Pending {
                streams,
                baseline,
                rng: StdRng::seed_from_u64(derive_seed(base, 2)),
                eps: Vec::with_capacity(cfg.pairs),
                fit: Vec::with_capacity(2 * cfg.pairs),
            });
            return Ok(None);
        };
        let n = self.theta.len();
        if pending.eps.len() < cfg.pairs {
            let e: Vec<f64> = (0..n)
                .map(|_| crate::dist::standard_normal(&mut pending.rng))
                .collect();
            let mut probe = self.model.clone();
            for sign in [1.0, -1.0] {
                let p: Vec<f64> = self
                    .theta
                    .iter()
                    .zip(&e)
                    .map(|(t, e)| t + sign * cfg.sigma * e)
                    .collect();
                probe.set_params(&p);
                let policy = DagPolicy::Learned(Arc::new(probe.clone()));
                let mut f = 0.0;
                for (s, b) in pending.streams.iter().zip(&pending.baseline) {
                    f += b / latency(s, &policy)?.max(f64::MIN_POSITIVE);
                }
                pending.fit.push(f / pending.streams.len() as f64);
            }
            pending.eps.push(e);
            return Ok(None);
        }
        let Pending { eps, fit, .. } = self.pending.take().expect("checked above");
        // Centred ranks in [−0.5, 0.5] (ties share their mean rank).
        let mut order: Vec<usize> = (0..fit.len()).collect();
        crate::util::sort_positions(&mut order, &|a, b| {
            fit[a].total_cmp(&fit[b]).then(a.cmp(&b))
        });
        let mut rank = vec![0.0; fit.len()];
        let denom = (fit.len() - 1).max(1) as f64;
        let mut i = 0;
        while i < order.len() {
            let mut j = i;
            while j + 1 < order.len() && fit[order[j + 1]] == fit[order[i]] {
                j += 1;
            }
            let r = (i + j) as f64 / 2.0 / denom - 0.5;
            for k in i..=j {
                rank[order[k]] = r;
            }
            i = j + 1;
        }
        let mut grad = vec![0.0; n];
        for (k, e) in eps.iter().enumerate() {
            let w = rank[2 * k] - rank[2 * k + 1];
            for (g, e) in grad.iter_mut().zip(e) {
                *g += w * e;
            }
        }
        let scale = 1.0 / (cfg.pairs as f64 * cfg.sigma);
        let (b1, b2) = (0.9f64, 0.999f64);
        self.adam_pow = (self.adam_pow.0 * b1, self.adam_pow.1 * b2);
        let (p1, p2) = self.adam_pow;
        for (((th, m), v), gr) in self
            .theta
            .iter_mut()
            .zip(&mut self.adam_m)
            .zip(&mut self.adam_v)
            .zip(&grad)
        {
            let g = gr * scale - 0.005 * *th;
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            let mh = *m / (1.0 - p1);
            let vh = *v / (1.0 - p2);
            *th += cfg.lr * mh / (vh.sqrt() + 1e-8);
        }
        self.model.set_params(&self.theta);
        self.iteration += 1;
        let point = CurvePoint {
            iteration: self.before + self.iteration,
            learned: self.validate_current()?,
            heft: self.val_heft,
            dls: self.val_dls,
            fitness: mean(&fit),
        };
        self.curve.push(point);
        Ok(Some(point))
    }

    /// Parts per iteration (for a progress bar): streams, pairs, update.
    pub fn parts_per_iteration(&self) -> usize {
        self.cfg.pairs + 2
    }
}

/// An iteration under way.
#[derive(Debug)]
struct Pending {
    streams: Vec<DagStream>,
    baseline: Vec<f64>,
    rng: StdRng,
    eps: Vec<Vec<f64>>,
    fit: Vec<f64>,
}

/// Seeds of evaluation streams: `derive_seed(EVAL_SEEDS, i)`, a domain training never
/// draws from (training streams come from `derive_seed(config.seed, …)` with other
/// indices), so `schedlab eval` reports on held-out streams.
pub const EVAL_SEEDS: u64 = 0xE7A1_5EED_0000_0000;

/// What `schedlab eval` runs.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalSpec {
    pub mix: DagMix,
    /// Jobs per stream (1 = a single DAG arriving at 0: latency = makespan).
    pub jobs: usize,
    pub load: f64,
    pub noise: Vec<f64>,
    pub seeds: usize,
    /// Policy label and policy.
    pub policies: Vec<(String, DagPolicy)>,
}

/// One line of the evaluation: a policy at a noise level over every seed's jobs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvalRow {
    pub policy: String,
    pub noise: f64,
    pub mean_job_latency: f64,
    /// Standard deviation over every job of every seed.
    pub std_job_latency: f64,
    /// Standard deviation of the per-seed means.
    pub std_of_seed_means: f64,
    /// Mean makespan (last completion − first arrival) per stream.
    pub makespan: f64,
    pub seeds: usize,
    pub jobs: usize,
}

/// Runs every policy on the same held-out streams at every noise level.
pub fn evaluate(spec: &EvalSpec) -> Result<Vec<EvalRow>> {
    evaluate_with(spec, &mut |_| {})
}

/// [`evaluate`], calling `progress` after each (noise, seed) with the count done.
pub fn evaluate_with(spec: &EvalSpec, progress: &mut dyn FnMut(usize)) -> Result<Vec<EvalRow>> {
    if spec.seeds == 0 || spec.seeds > 10_000 {
        return Err(Error::config(format!(
            "seeds must be 1 to 10000 (got {})",
            spec.seeds
        )));
    }
    if spec.noise.is_empty() || spec.noise.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
        return Err(Error::config("noise levels must be finite numbers >= 0"));
    }
    if spec.policies.is_empty() {
        return Err(Error::config("no policy to evaluate"));
    }
    let mut rows = Vec::new();
    let mut done = 0;
    for &sigma in &spec.noise {
        // Per policy: every job's latency, per-seed means, makespans.
        let mut lat: Vec<Vec<f64>> = vec![Vec::new(); spec.policies.len()];
        let mut means: Vec<Vec<f64>> = vec![Vec::new(); spec.policies.len()];
        let mut spans: Vec<Vec<f64>> = vec![Vec::new(); spec.policies.len()];
        for i in 0..spec.seeds {
            let seed = derive_seed(EVAL_SEEDS, i as u64);
            let stream = dag::generate(&DagSpec {
                jobs: spec.jobs,
                arrivals: Arrivals::Load { rho: spec.load },
                mix: spec.mix.clone(),
                exec_sigma: sigma,
                seed,
            })?;
            for (k, (_, p)) in spec.policies.iter().enumerate() {
                let run = dag::simulate_recorded(&stream, p, None)?;
                let l: Vec<f64> = stream
                    .jobs
                    .iter()
                    .zip(&run.completion)
                    .map(|(j, c)| c - j.arrival)
                    .collect();
                means[k].push(mean(&l));
                lat[k].extend(l);
                let first = stream.jobs.first().map_or(0.0, |j| j.arrival);
                let last = run.completion.iter().copied().fold(first, f64::max);
                spans[k].push(last - first);
            }
            done += 1;
            progress(done);
        }
        for (k, (label, _)) in spec.policies.iter().enumerate() {
            rows.push(EvalRow {
                policy: label.clone(),
                noise: sigma,
                mean_job_latency: mean(&lat[k]),
                std_job_latency: std_dev(&lat[k]),
                std_of_seed_means: std_dev(&means[k]),
                makespan: mean(&spans[k]),
                seeds: spec.seeds,
                jobs: spec.jobs,
            });
        }
    }
    Ok(rows)
}

fn std_dev(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}
