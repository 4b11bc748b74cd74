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
use crate::labs::serving::{self, ServingResult, ServingSettings};
use crate::labs::streams::{self, StreamsResult, StreamsSettings};
use crate::wire::{Reader, Wire};

/// A long run the page can hand off.
// One job at a time crosses to the worker: the size of the variants does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Job {
    /// Every selected policy on the Streams lab's stream.
    Streams(StreamsSettings),
    /// Every selected router on the Serving lab's requests.
    Serving(ServingSettings),
    /// The DAG lab's noise samples and robustness curves (a large sweep).
    Dag(SweepJob),
}

impl Job {
    /// Which lab's run this is, for messages ("Streams: …").
    pub fn lab(&self) -> &'static str {
        match self {
            Job::Streams(_) => "Streams",
            Job::Serving(_) => "Serving",
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
    Dag(Sweep),
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
    /// So does a DAG sweep (bounded by the page's limits on graphs and samples).
    Dag(SweepJob),
    Done,
}

impl Task {
    /// Gets ready to run the job. A Streams job's settings are checked here (building
    /// its runner does); a Serving job's by `run_all` when it runs, as in the page.
    pub fn new(job: Job) -> Result<Task, String> {
        let state = match job {
            Job::Streams(s) => State::Streams(Some(streams::Runner::new(&s)?)),
            Job::Serving(s) => State::Serving(s),
            Job::Dag(j) => State::Dag(j),
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
            State::Dag(j) => dag_eval::sweep(&j).map(|r| Some(Outcome::Dag(r))),
            State::Streams(None) | State::Done => Err("this job has already finished".into()),
        }
    }

    /// Fraction done, for the progress bar.
    pub fn progress(&self) -> f64 {
        match &self.state {
            State::Streams(Some(r)) => r.progress(),
            State::Streams(None) | State::Serving(_) | State::Dag(_) => 0.0,
            State::Done => 1.0,
        }
    }

    /// Runs to the end, calling `progress` between slices of `slice` events.
    pub fn run(mut self, slice: usize, mut progress: impl FnMut(f64)) -> Result<Outcome, String> {
        loop {
            if let Some(o) = self.advance(slice)? {
                return Ok(o);
            }
            progress(self.progress());
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
        _ => None,
    };
    reply.filter(|_| r.done()).ok_or_else(unreadable)
}

/// What the worker does with one request: decode, run in slices, encode the answer.
pub fn serve(request: &[u8], slice: usize, progress: impl FnMut(f64)) -> Vec<u8> {
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
        let bytes = serve(&encode_job(job), 97, |_| ticks += 1);
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
    fn progress_rises_and_ends_the_run() {
        let mut seen = Vec::new();
        let mut s = streams_settings();
        s.jobs = 2000;
        Task::new(Job::Streams(s))
            .unwrap()
            .run(500, |p| seen.push(p))
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
            let answer = decode_reply(&serve(bytes, 100, |_| {})).unwrap();
            assert!(answer.unwrap_err().contains("unreadable request"));
        }
        assert!(decode_reply(&[9, 9, 9]).is_err());
    }
}
