//! The policy network, its features, the weights file and what it was trained with.

use std::sync::{Arc, OnceLock};

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::stream::dag::{self, DagMix};
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
pub const SHIPPED_JSON: &str = include_str!("../../../../../assets/learned/policy.json");

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
}
