//! Long runs as jobs: what the page hands its background worker, how the worker runs it a
//! slice at a time, and what comes back, as bytes.
//!
//! The worker is the same WebAssembly module as the page (nothing is shipped twice), so a
//! job is just the lab's settings, and the outcome is the very value the page would have
//! computed itself. A job travels as the same JSON a share link carries (the settings skip
//! fields at their defaults, which only a self-describing format reads back); the outcome
//! travels in [`crate::wire`]'s exact binary form (every `f64` as its bits, infinities
//! and all), so a result from the worker is bit-identical to one computed in place. The tests below
//! check that through the whole encode → run → decode path.

use serde::{Deserialize, Serialize};

use crate::labs::dag::eval::{self as dag_eval, Sweep, SweepJob};
use crate::labs::serving::capacity::{CapacityResult, CapacityRun};
use crate::labs::serving::{self, ServingResult, ServingSettings};
use crate::labs::streams::{self, StreamsResult, StreamsSettings};
use crate::wire::{self, Reader, Wire};
use schedlab_core::stream::learned::{Trainer, TrainerState};

/// A long run the page can hand off.
// One job at a time crosses to the worker: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Every selected policy on the Streams lab's stream.
    Streams(StreamsSettings),
    /// Every selected router on the Serving lab's requests.
    Serving(ServingSettings),
    /// Every selected router's effective capacity on them (the capacity view).
    Capacity(ServingSettings),
    /// The DAG lab's noise samples and robustness curves (a large sweep).
    Dag(SweepJob),
    /// The Streams lab's Train panel: fine-tuning the learned policy.
    Train(TrainJob),
}

/// Fine-tunes the learned policy in use on the Streams lab's scenario
/// ([`StreamsSettings::train_config`]), from the start or from a paused state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainJob {
    pub settings: StreamsSettings,
    pub iterations: usize,
    /// A [`TrainerState`] to continue from, in [`crate::wire`]'s exact bytes (JSON
    /// numbers would not keep every bit of the weights) as base64url ([`TrainJob::resuming`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
}

/// What the Train panel's runs are called in a model's provenance.
pub const TRAIN_COMMAND: &str = "schedlab web: Train panel";

impl TrainJob {
    /// This job continuing from `state`.
    pub fn resuming(mut self, state: Option<&TrainerState>) -> TrainJob {
        self.resume = state.map(|s| crate::b64::encode(&wire::to_bytes(s)));
        self
    }

    /// A trainer for the job, at its resume state if any.
    pub fn trainer(&self) -> Result<Trainer, String> {
        let s = &self.settings;
        let mut t = Trainer::new(
            s.train_config(self.iterations),
            Some(s.learned_model()),
            TRAIN_COMMAND,
        )
        .map_err(|e| format!("Training: {e}"))?;
        if let Some(text) = &self.resume {
            let state: TrainerState = crate::b64::decode(text)
                .and_then(|b| wire::from_bytes(&b))
                .ok_or_else(|| "Training: unreadable paused state".to_string())?;
            t.restore(state).map_err(|e| format!("Training: {e}"))?;
        }
        Ok(t)
    }

    /// The model a state of this job's training stands for (to use or download).
    pub fn model(&self, state: &TrainerState) -> schedlab_core::stream::learned::Model {
        let s = &self.settings;
        state.model(
            &s.learned_model(),
            &s.train_config(self.iterations),
            TRAIN_COMMAND,
        )
    }
}

impl Job {
    /// Which lab's run this is, for messages ("Streams: …").
    pub fn lab(&self) -> &'static str {
        match self {
            Job::Streams(_) | Job::Train(_) => "Streams",
            Job::Serving(_) | Job::Capacity(_) => "Serving",
            Job::Dag(_) => "DAG",
        }
    }
}

/// What a finished job gives.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Streams(StreamsResult),
    Serving(ServingResult),
    Capacity(CapacityResult),
    Dag(Sweep),
    /// Where the training ended.
    Train(TrainerState),
}

/// A job being run, a slice at a time.
#[derive(Debug)]
pub struct Task {
    state: State,
}

// One task at a time exists: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
enum State {
    Streams(Option<streams::Runner>),
    /// The serving simulator runs in one go (its budget bounds it).
    Serving(ServingSettings),
    /// Capacity searches, one simulation per advance.
    Capacity(Box<CapacityRun>),
    /// So does a DAG sweep (bounded by the page's limits on graphs and samples).
    Dag(SweepJob),
    /// Training, a part of an iteration per advance; `reported` curve points were
    /// reported as partial results.
    Train(Box<Trainer>, usize),
    Done,
}

impl Task {
    /// Gets ready to run the job. A Streams job's settings are checked here (building
    /// its runner does); a Serving job's by `run_all` when it runs, as in the page.
    pub fn new(job: Job) -> Result<Task, String> {
        let state = match job {
            Job::Streams(s) => State::Streams(Some(streams::Runner::new(&s)?)),
            Job::Serving(s) => State::Serving(s),
            Job::Capacity(s) => State::Capacity(Box::new(CapacityRun::new(&s)?)),
            Job::Dag(j) => State::Dag(j),
            // Nothing reported yet: the first report is the starting point (or the
            // state resumed from).
            Job::Train(j) => State::Train(Box::new(j.trainer()?), 0),
        };
        Ok(Task { state })
    }

    /// Works for about `budget` simulation events; the outcome once the job is done.
    pub fn advance(&mut self, budget: usize) -> Result<Option<Outcome>, String> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Streams(Some(mut r)) => {
                if r.advance(budget)? {
                    Ok(Some(Outcome::Streams(r.result())))
                } else {
                    self.state = State::Streams(Some(r));
                    Ok(None)
                }
            }
            State::Serving(s) => serving::run_all(&s).map(|r| Some(Outcome::Serving(r))),
            State::Capacity(mut c) => match c.step()? {
                Some(r) => Ok(Some(Outcome::Capacity(r))),
                None => {
                    self.state = State::Capacity(c);
                    Ok(None)
                }
            },
            State::Dag(j) => dag_eval::sweep(&j).map(|r| Some(Outcome::Dag(r))),
            State::Train(mut t, reported) => {
                if t.done() {
                    return Ok(Some(Outcome::Train(t.state())));
                }
                t.step_part().map_err(|e| format!("Training: {e}"))?;
                self.state = State::Train(t, reported);
                Ok(None)
            }
            State::Streams(None) | State::Done => Err("this job has already finished".into()),
        }
    }

    /// What is new since the last call and worth showing before the end: a training's
    /// state after each iteration (its curve, and weights the panel can use or resume
    /// from), as [`crate::wire`] bytes of a [`TrainerState`]; empty when nothing is.
    pub fn partial(&mut self) -> Vec<u8> {
        match &mut self.state {
            State::Train(t, reported) if t.curve().len() > *reported => {
                *reported = t.curve().len();
                wire::to_bytes(&t.state())
            }
            _ => Vec::new(),
        }
    }

    /// Fraction done, for the progress bar.
    pub fn progress(&self) -> f64 {
        match &self.state {
            State::Streams(Some(r)) => r.progress(),
            State::Capacity(c) => c.progress(),
            State::Train(t, _) => {
                let total = t.config().iterations.max(1) * t.parts_per_iteration();
                let done = t.iteration() * t.parts_per_iteration() + t.part();
                (done as f64 / total as f64).min(1.0)
            }
            State::Streams(None) | State::Serving(_) | State::Dag(_) => 0.0,
            State::Done => 1.0,
        }
    }

    /// Runs to the end, calling `progress` between slices of `slice` events with the
    /// fraction done and [`Task::partial`]'s bytes.
    pub fn run(
        mut self,
        slice: usize,
        mut progress: impl FnMut(f64, &[u8]),
    ) -> Result<Outcome, String> {
        loop {
            if let Some(o) = self.advance(slice)? {
                return Ok(o);
            }
            let part = self.partial();
            progress(self.progress(), &part);
        }
    }
}

/// The job as bytes for the worker (JSON, as in a link).
pub fn encode_job(job: &Job) -> Vec<u8> {
    serde_json::to_vec(job).expect("a job always serialises")
}

/// Reads a job; bytes that are not one are refused with a line that says so.
pub fn decode_job(bytes: &[u8]) -> Result<Job, String> {
    // `from_str`, as the link reader does: one JSON deserializer of the settings in the
    // bundle, not two.
    let text = std::str::from_utf8(bytes)
        .map_err(|_| "background job: unreadable request (not UTF-8)".to_string())?;
    serde_json::from_str(text).map_err(|e| format!("background job: unreadable request ({e})"))
}

/// The worker's answer as bytes: the outcome, or the run's one-line error.
pub fn encode_reply(reply: &Result<Outcome, String>) -> Vec<u8> {
    let mut out = Vec::new();
    match reply {
        Ok(Outcome::Streams(r)) => {
            out.push(0);
            r.put(&mut out);
        }
        Ok(Outcome::Serving(r)) => {
            out.push(1);
            r.put(&mut out);
        }
        Ok(Outcome::Dag(r)) => {
            out.push(3);
            r.put(&mut out);
        }
        Ok(Outcome::Train(r)) => {
            out.push(4);
            r.put(&mut out);
        }
        Ok(Outcome::Capacity(r)) => {
            out.push(5);
            r.put(&mut out);
        }
        Err(e) => {
            out.push(2);
            e.put(&mut out);
        }
    }
    out
}

/// Reads the worker's answer.
pub fn decode_reply(bytes: &[u8]) -> Result<Result<Outcome, String>, String> {
    let unreadable = || "background job: unreadable answer".to_string();
    let (&tag, rest) = bytes.split_first().ok_or_else(unreadable)?;
    let mut r = Reader::new(rest);
    let reply = match tag {
        0 => StreamsResult::get(&mut r).map(|x| Ok(Outcome::Streams(x))),
        1 => ServingResult::get(&mut r).map(|x| Ok(Outcome::Serving(x))),
        2 => String::get(&mut r).map(Err),
        3 => Sweep::get(&mut r).map(|x| Ok(Outcome::Dag(x))),
        4 => TrainerState::get(&mut r).map(|x| Ok(Outcome::Train(x))),
        5 => CapacityResult::get(&mut r).map(|x| Ok(Outcome::Capacity(x))),
        _ => None,
    };
    reply.filter(|_| r.done()).ok_or_else(unreadable)
}

/// What the worker does with one request: decode, run in slices (reporting the fraction
/// done and partial results between them), encode the answer.
pub fn serve(request: &[u8], slice: usize, progress: impl FnMut(f64, &[u8])) -> Vec<u8> {
    let reply = decode_job(request).and_then(|job| Task::new(job)?.run(slice, progress));
    encode_reply(&reply)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::streams::JobMix;

    fn streams_settings() -> StreamsSettings {
        StreamsSettings {
            jobs: 300,
            policies: vec!["srpt".into(), "fcfs".into(), "rr".into()],
            ..Default::default()
        }
    }

    fn through_worker(job: &Job) -> Result<Outcome, String> {
        let mut ticks = 0;
        let bytes = serve(&encode_job(job), 97, |_, _| ticks += 1);
        decode_reply(&bytes).expect("the answer decodes")
    }

    #[test]
    fn a_streams_job_gives_exactly_the_in_page_result() {
        let s = streams_settings();
        let direct = streams::run_all(&s).unwrap();
        let Outcome::Streams(via) = through_worker(&Job::Streams(s)).unwrap() else {
            panic!("a streams job answers with a streams outcome")
        };
        assert_eq!(via, direct);
        assert!(via.columns.iter().all(|c| !c.segments.is_empty()));
    }

    #[test]
    fn a_dag_streams_job_round_trips() {
        let mut s = streams_settings();
        s.mix = JobMix::Ds3;
        s.jobs = 20;
        s.policies = vec!["dls_srpt".into(), "heft_rt".into()];
        let direct = streams::run_all(&s).unwrap();
        assert_eq!(
            through_worker(&Job::Streams(s)).unwrap(),
            Outcome::Streams(direct)
        );
    }

    #[test]
    fn a_capacity_job_reports_progress_and_gives_the_stepwise_result() {
        let s = ServingSettings {
            requests: 200,
            instances: 2,
            routers: vec!["least_loaded".into(), "random".into()],
            ..ServingSettings::default()
        };
        let mut run = serving::capacity::CapacityRun::new(&s).unwrap();
        let direct = loop {
            if let Some(r) = run.step().unwrap() {
                break r;
            }
        };
        let mut seen = Vec::new();
        let bytes = serve(&encode_job(&Job::Capacity(s)), 1, |p, _| seen.push(p));
        assert_eq!(
            decode_reply(&bytes).unwrap().unwrap(),
            Outcome::Capacity(direct.clone())
        );
        // One report per simulation but the last, rising.
        let probes: usize = direct.routers.iter().map(|r| r.capacity.points.len()).sum();
        assert_eq!(seen.len(), probes - 1);
        assert!(seen.windows(2).all(|p| p[0] <= p[1]) && seen[seen.len() - 1] > 0.9);
    }

    #[test]
    fn a_serving_job_keeps_infinite_lifetimes_exact() {
        let s = ServingSettings::default();
        let direct = serving::run_all(&s).unwrap();
        assert!(direct.lifetimes.iter().any(|l| l.1.is_infinite()));
        let Outcome::Serving(via) = through_worker(&Job::Serving(s)).unwrap() else {
            panic!("a serving job answers with a serving outcome")
        };
        assert_eq!(via, direct);
    }

    #[test]
    fn a_dag_sweep_gives_exactly_the_in_page_samples_and_curves() {
        use crate::labs::dag::{eval, presets};
        let mut s = crate::state::AppState::new(presets::find("montage").unwrap().scenario());
        s.schedulers = vec!["heft".into(), "cpop".into(), "peft".into()];
        s.noise.exec_sigma = 0.3;
        s.noise.samples = 12;
        assert!(eval::in_background(&s), "{}", eval::sweep_work(&s));
        let whole = eval::evaluate(&s).unwrap();
        let curves = eval::robustness(&s, &whole.problem, eval::ROBUSTNESS_SEEDS).unwrap();
        let Outcome::Dag(sweep) = through_worker(&Job::Dag(eval::SweepJob::of(&s))).unwrap() else {
            panic!("a DAG job answers with a sweep")
        };
        assert_eq!(sweep.curves, curves);
        let shown = eval::evaluate_shown(&s).unwrap();
        assert!(shown.pending);
        let done = eval::with_sweep(shown, &sweep).unwrap();
        assert!(!done.pending);
        for (a, b) in done.columns.iter().zip(&whole.columns) {
            assert_eq!(a.stats, b.stats);
            assert_eq!(a.sample_makespans, b.sample_makespans);
            assert_eq!(a.run.metrics, b.run.metrics);
        }
        // A lecture-sized comparison stays in the page.
        let mut small =
            crate::state::AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        small.schedulers = vec!["heft".into(), "cpop".into()];
        assert!(!eval::in_background(&small));
    }

    #[test]
    fn training_reports_each_iteration_and_resumes_exactly_from_a_pause() {
        let mut settings = streams_settings();
        settings.mix = JobMix::Ds3;
        let job = TrainJob {
            settings,
            iterations: 2,
            resume: None,
        };
        let mut partials = Vec::new();
        let mut fractions = Vec::new();
        let answer = serve(&encode_job(&Job::Train(job.clone())), 1, |p, part| {
            fractions.push(p);
            if !part.is_empty() {
                partials.push(part.to_vec());
            }
        });
        let Ok(Outcome::Train(end)) = decode_reply(&answer).unwrap() else {
            panic!("a training job answers with its state")
        };
        // Debug text is exact for floats and lets NaN (the first fitness) equal itself.
        let exact = |s: &TrainerState| format!("{s:?}");
        let mut direct = job.trainer().unwrap();
        direct.step().unwrap();
        let after_one = direct.state();
        direct.step().unwrap();
        assert_eq!(exact(&end), exact(&direct.state()));
        assert_eq!(end.curve.len(), 3);
        // The starting point, then one state per iteration.
        assert_eq!(partials.len(), 3);
        let state = |k: usize| exact(&wire::from_bytes::<TrainerState>(&partials[k]).unwrap());
        assert_eq!(state(0), exact(&job.trainer().unwrap().state()));
        assert_eq!(state(1), exact(&after_one));
        assert_eq!(state(2), exact(&end));
        assert!(
            fractions.windows(2).all(|w| w[0] <= w[1])
                && fractions.iter().all(|p| (0.0..=1.0).contains(p)),
            "{fractions:?}"
        );
        // Paused after the first iteration, resumed in a fresh job: the same end.
        let paused: TrainerState = wire::from_bytes(&partials[1]).unwrap();
        let resumed = job.clone().resuming(Some(&paused));
        let Ok(Outcome::Train(again)) = through_worker(&Job::Train(resumed)) else {
            panic!("a resumed training answers with its state")
        };
        assert_eq!(exact(&again), exact(&end));
        assert_eq!(job.model(&again), direct.model());
        // Bytes that are not a state are refused with a line.
        let bad = TrainJob {
            resume: Some("AQID".into()),
            ..job
        };
        assert!(through_worker(&Job::Train(bad))
            .unwrap_err()
            .contains("unreadable paused state"));
    }

    #[test]
    fn progress_rises_and_ends_the_run() {
        let mut seen = Vec::new();
        let mut s = streams_settings();
        s.jobs = 2000;
        Task::new(Job::Streams(s))
            .unwrap()
            .run(500, |p, _| seen.push(p))
            .unwrap();
        assert!(seen.len() > 3, "{seen:?}");
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert!(seen.iter().all(|p| (0.0..=1.0).contains(p)));
    }

    #[test]
    fn bad_settings_come_back_as_the_run_error() {
        let mut s = streams_settings();
        s.policies = vec!["no-such-policy".into()];
        let err = through_worker(&Job::Streams(s)).unwrap_err();
        assert!(err.contains("no-such-policy"), "{err}");
    }

    #[test]
    fn garbage_bytes_are_refused_not_run() {
        for bytes in [&b""[..], &[0xff; 3][..], &[1, 200, 200, 200, 200, 200][..]] {
            let answer = decode_reply(&serve(bytes, 100, |_, _| {})).unwrap();
            assert!(answer.unwrap_err().contains("unreadable request"));
        }
        assert!(decode_reply(&[9, 9, 9]).is_err());
    }
}
