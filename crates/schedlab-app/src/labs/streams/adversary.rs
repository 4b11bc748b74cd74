//! "Worst case" (issues 14 and 17): the Streams lab searches small one-machine job sets
//! for the largest ratio of its first policy's total flow time to the optimum's
//! (clairvoyant SRPT on the jobs' full lengths: the empirical competitive ratio), with the
//! engine's [`StreamSearch`], a slice at a time; on a chain mix with a uniform test
//! (`test:T`, the paper's special case) the jobs are test-then-work chains under the
//! revealed model. The worst job set opens as the lab's typed jobs, so the lab shows the
//! ratio found and the link carries it. The panel is the shared [`crate::kit::hunt`].

use schedlab_core::adversary::{StreamSearch, MAX_JOBS};
use schedlab_core::stream::{trace, Info};

use super::{JobMix, StreamsSettings};
use crate::kit::html::escape;
use crate::kit::hunt::{next_slice, Hunt, HuntKind};
use crate::state::AppState;

/// Steps per slice and in all (a stream step costs more than a DAG one).
pub const SLICE: u64 = 200;
pub const STEPS: u64 = 10_000;
/// Jobs the search starts with (it may grow the set to [`MAX_JOBS`]).
pub const JOBS: usize = 5;

/// The Streams lab's search: its test ids start with `streams-adversary`.
pub static KIND: HuntKind = HuntKind {
    prefix: "streams-adversary",
    intro,
    start,
};

/// The uniform test of a chain mix, if any: the search's instance family.
fn test_of(s: &StreamsSettings) -> Option<f64> {
    (s.mix == JobMix::Chain).then_some(s.test).flatten()
}

fn intro(state: &AppState) -> Result<String, String> {
    let s = &state.streams;
    if s.mix.is_dag() {
        return Err("The search is for jobs on one machine: choose single tasks or chains.".into());
    }
    let family = match test_of(s) {
        Some(t) => format!("each job a test of length {t} then its work, revealed after the test (the paper's uniform obligatory tests)"),
        None => "single-operation jobs".into(),
    };
    Ok(format!(
        "Simulated annealing over small job sets on one machine: where does <b>{}</b> do worst against the optimum (SRPT knowing every length)? {JOBS} to {MAX_JOBS} jobs, arrivals in [0, 5], sizes in [0.1, 1], {family}; seed {}.",
        escape(s.policies.first().map_or("", String::as_str)),
        s.seed
    ))
}

fn start(state: &AppState) -> Result<Box<dyn Hunt>, String> {
    intro(state)?;
    let s = &state.streams;
    let policy = s.policies.first().ok_or("no policy to search for")?;
    let search = StreamSearch::new(policy, JOBS, test_of(s), s.seed).map_err(|e| e.to_string())?;
    Ok(Box::new(StreamHunt { search }))
}

/// A stream search in progress.
pub struct StreamHunt {
    pub search: StreamSearch,
}

impl Hunt for StreamHunt {
    fn slice(&mut self) -> bool {
        // The policy parsed when the search started: a step cannot fail.
        let _ = self
            .search
            .step(next_slice(self.search.state.iteration, STEPS, SLICE));
        self.search.state.iteration < STEPS
    }

    fn progress(&self) -> (u64, u64) {
        (self.search.state.iteration, STEPS)
    }

    fn history(&self) -> &[(u64, f64)] {
        &self.search.state.history
    }

    fn ratio_of(&self) -> String {
        format!("flow time {} ÷ the optimum's", self.search.policy)
    }

    fn is_for(&self, state: &AppState) -> bool {
        let s = &state.streams;
        !s.mix.is_dag()
            && s.policies.first() == Some(&self.search.policy)
            && s.seed == self.search.state.seed
            && test_of(s) == self.search.state.best.test
    }

    /// The worst job set as typed jobs on one machine with the model the search used
    /// (clairvoyant single operations, or test-then-work chains revealed after the test),
    /// the policy first and SRPT beside it; the seed kept.
    fn open(&self, state: &mut AppState) {
        let jobs = &self.search.state.best;
        let Ok(t) = trace::parse("worst case", &jobs.table()) else {
            return;
        };
        let s = &mut state.streams;
        *s = StreamsSettings {
            seed: s.seed,
            policies: vec![self.search.policy.clone(), "srpt".into()],
            ..StreamsSettings::default()
        };
        s.machines = 1;
        s.mean_size = 1.0;
        if let Some(test) = jobs.test {
            s.mix = JobMix::Chain;
            s.ops = 1;
            s.test = Some(test);
            s.info = Info::Revealed;
            s.policies.truncate(1);
        } else {
            s.mix = JobMix::Single;
            s.info = Info::Clairvoyant;
        }
        super::use_trace(s, t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::hunt::{best, panel_html};
    use crate::labs::dag::presets;
    use crate::labs::streams::run_all;

    fn lab() -> AppState {
        AppState::new(presets::ALL[0].scenario())
    }

    /// Runs a search to its end and opens it: the lab's own run gives the ratio found.
    fn found_and_reproduced(state: &AppState) -> f64 {
        let mut h = start(state).unwrap();
        assert!(h.is_for(state));
        while h.slice() {}
        assert_eq!(h.progress(), (STEPS, STEPS));
        let ratio = best(h.as_ref());
        let mut opened = state.clone();
        h.open(&mut opened);
        opened.check().unwrap();
        let r = run_all(&opened.streams).unwrap();
        assert_eq!(
            r.columns[0].competitive_ratio,
            Some(ratio),
            "the lab shows the ratio found"
        );
        if let Some(srpt) = r.columns.get(1) {
            assert_eq!(srpt.competitive_ratio, Some(1.0), "SRPT is the optimum");
        }
        ratio
    }

    #[test]
    fn fcfs_is_found_out_and_the_worst_job_set_opens_with_its_ratio() {
        let mut state = lab();
        state.streams.policies = vec!["fcfs".into(), "srpt".into()];
        let ratio = found_and_reproduced(&state);
        assert!(ratio > 1.5, "{ratio}");
        let html = panel_html(&KIND, &state, None, false, "");
        assert!(
            html.contains("<b>fcfs</b> do worst against the optimum"),
            "{html}"
        );
        // A DAG mix cannot search: said, and Search is off.
        state.streams.mix = JobMix::Ds3;
        assert!(start(&state).is_err());
        let html = panel_html(&KIND, &state, None, false, "");
        assert!(html.contains("choose single tasks or chains") && html.contains("disabled"));
    }

    #[test]
    fn op_srpt_stays_within_2_on_uniform_tests_and_the_instance_reopens() {
        let mut state = lab();
        crate::labs::streams::set_mix(&mut state.streams, JobMix::Chain);
        crate::labs::streams::set_ops_model(&mut state.streams, "test:1").unwrap();
        state.streams.info = Info::Revealed;
        state.streams.policies = vec!["op_srpt".into()];
        let ratio = found_and_reproduced(&state);
        assert!((1.0..=2.0).contains(&ratio), "the paper's bound: {ratio}");
    }
}
