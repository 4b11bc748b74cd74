//! Evolution-strategies training in resumable parts.

use std::sync::Arc;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::model::*;
use crate::error::{Error, Result};
use crate::stream::dag::{self, DagPolicy, DagSpec, DagStream, JobPriority, Template};
use crate::stream::Arrivals;
use crate::util::derive_seed;

impl TrainConfig {
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

pub(super) fn mean(v: &[f64]) -> f64 {
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
        m.training = Some(provenance(
            &self.cfg,
            &self.command,
            self.before + self.iteration,
            &self.curve,
        ));
        m
    }

    /// Where it stands at the last iteration boundary (the part of an iteration under way
    /// is not in it: after [`Trainer::restore`] that part is done again, identically).
    pub fn state(&self) -> TrainerState {
        TrainerState {
            theta: self.theta.clone(),
            adam_m: self.adam_m.clone(),
            adam_v: self.adam_v.clone(),
            adam_pow: self.adam_pow,
            iteration: self.iteration,
            curve: self.curve.clone(),
        }
    }

    /// Continues from `s`, a state of a trainer made with the same configuration and
    /// starting model: the rest of the training is exactly what that trainer would have
    /// done (each iteration's randomness derives from the seed and its number alone).
    pub fn restore(&mut self, s: TrainerState) -> Result<()> {
        let n = self.theta.len();
        if s.theta.len() != n || s.adam_m.len() != n || s.adam_v.len() != n {
            return Err(Error::invalid(format!(
                "a training state of {} parameters for a model of {n}",
                s.theta.len()
            )));
        }
        if s.iteration > self.cfg.iterations || s.curve.len() != s.iteration + 1 {
            return Err(Error::invalid(format!(
                "a training state at iteration {} of {} with {} curve points",
                s.iteration,
                self.cfg.iterations,
                s.curve.len()
            )));
        }
        if !s.theta.iter().all(|v| v.is_finite()) {
            return Err(Error::invalid(
                "a training state with weights that are not finite",
            ));
        }
        self.model.set_params(&s.theta);
        self.theta = s.theta;
        self.adam_m = s.adam_m;
        self.adam_v = s.adam_v;
        self.adam_pow = s.adam_pow;
        self.iteration = s.iteration;
        self.curve = s.curve;
        self.pending = None;
        Ok(())
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

    /// Parts of the iteration under way done so far (0 between iterations).
    pub fn part(&self) -> usize {
        self.pending.as_ref().map_or(0, |p| 1 + p.eps.len())
    }

    /// Parts per iteration (for a progress bar): streams, pairs, update.
    pub fn parts_per_iteration(&self) -> usize {
        self.cfg.pairs + 2
    }
}

/// A trainer's state between iterations ([`Trainer::state`], [`Trainer::restore`]): what
/// the page's Train panel keeps while paused, and what its background worker reports after
/// each iteration.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainerState {
    pub theta: Vec<f64>,
    pub adam_m: Vec<f64>,
    pub adam_v: Vec<f64>,
    pub adam_pow: (f64, f64),
    /// Iterations done by the trainer.
    pub iteration: usize,
    /// The learning curve so far (the first point is the starting model).
    pub curve: Vec<CurvePoint>,
}

impl TrainerState {
    /// The model it stands for: `init`'s shape (the model the trainer started from) with
    /// these weights and the provenance a [`Trainer`] writes.
    pub fn model(&self, init: &Model, cfg: &TrainConfig, command: &str) -> Model {
        let before = init.training.as_ref().map_or(0, |t| t.iterations);
        let mut m = init.clone();
        m.set_params(&self.theta);
        m.training = Some(provenance(
            cfg,
            command,
            before + self.iteration,
            &self.curve,
        ));
        m
    }
}

/// How a model was trained, with its curve (three decimals are plenty for a curve, and
/// keep the file small).
fn provenance(
    cfg: &TrainConfig,
    command: &str,
    iterations: usize,
    curve: &[CurvePoint],
) -> Training {
    let r = |v: f64| {
        if v.is_finite() {
            (v * 1000.0).round() / 1000.0
        } else {
            0.0
        }
    };
    Training {
        command: command.to_string(),
        config: cfg.clone(),
        iterations,
        curve: curve
            .iter()
            .map(|p| CurvePoint {
                iteration: p.iteration,
                learned: r(p.learned),
                heft: r(p.heft),
                dls: r(p.dls),
                fitness: r(p.fitness),
            })
            .collect(),
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
