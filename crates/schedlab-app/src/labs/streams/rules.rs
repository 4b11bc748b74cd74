//! The Streams lab's editing rules: what a change of mix resets, what an uploaded trace
//! sets, how a policy joins the comparison, how trained weights come into use. The page's
//! controls call these inside one undoable edit; each is tested natively.

use schedlab_core::stream::lab::{policy_entries, JobMix, StreamsSettings};
use schedlab_core::stream::learned::Model;
use schedlab_core::stream::trace::Trace;

use crate::labs::dag::rules::{no_colon, problem_of, Problem};
use crate::limits::{MAX_COMPARE, MAX_UI_DAG_JOBS, MAX_UI_JOBS};

/// The largest stream the page runs for `mix`.
pub fn job_cap(mix: JobMix) -> usize {
    if mix.is_dag() {
        MAX_UI_DAG_JOBS
    } else {
        MAX_UI_JOBS
    }
}

/// Switches the job mix. Between flow and DAG mixes the policies, the machines and their
/// speeds start over (the two families share no policy) and DAG streams start at 40 jobs
/// at most; random DAGs need two processors or more.
pub fn set_mix(s: &mut StreamsSettings, mix: JobMix) {
    if s.mix.is_dag() != mix.is_dag() {
        s.policies = StreamsSettings::default_policies(mix);
        s.jobs = s.jobs.min(if mix.is_dag() { 40 } else { s.jobs });
        s.machines = if mix == JobMix::Dag { 4 } else { 1 };
        s.speeds.clear();
    }
    if mix == JobMix::Dag && s.machines < 2 {
        s.machines = 4;
    }
    s.mix = mix;
}

/// The revealed model's settings of a chain stream as one line (the page's field):
/// an operation count (`uniform:1:6`, `geometric:3`, `fixed:4`), an operation size (`exp`,
/// `uniform`, `bimodal`, `pareto:1.5`) and `test:LEN`, in any order; empty clears them.
pub fn ops_model_text(s: &StreamsSettings) -> String {
    let test = s.test.map(|t| format!("test:{t}"));
    [s.ops_dist.clone(), s.op_size.clone(), test]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sets what [`ops_model_text`] shows; the whole line is checked before anything changes.
pub fn set_ops_model(s: &mut StreamsSettings, text: &str) -> Result<(), String> {
    let mut next = s.clone();
    (next.ops_dist, next.op_size, next.test) = (None, None, None);
    for word in text.split_whitespace() {
        let slot = if let Some(t) = word.strip_prefix("test:") {
            next.test = Some(
                schedlab_core::util::parse_f64(t)
                    .filter(|t| t.is_finite() && *t > 0.0)
                    .ok_or_else(|| format!("'{word}': a test length is a number > 0"))?,
            );
            continue;
        } else if word.contains(':') && !word.starts_with("pareto") {
            &mut next.ops_dist
        } else {
            &mut next.op_size
        };
        if slot.replace(word.to_string()).is_some() {
            return Err(format!(
                "'{word}': one operation count and one size, at most"
            ));
        }
    }
    if next.mix == JobMix::Chain {
        next.chain_mix().map_err(|e| e.to_string())?;
    }
    *s = next;
    Ok(())
}

/// Takes arrivals from an uploaded trace: as many jobs as it has, up to the page's cap.
pub fn use_trace(s: &mut StreamsSettings, t: Trace) {
    s.jobs = t.arrivals.len().min(job_cap(s.mix));
    s.trace = Some(t);
}

/// Adds the first policy of the mix not yet compared (the first one when all are).
pub fn add_policy(s: &mut StreamsSettings) {
    let all = policy_entries(s.mix);
    let next = all
        .iter()
        .map(|p| p.id)
        .find(|p| !s.policies.iter().any(|x| x == p))
        .unwrap_or(all[0].id);
    s.policies.push(next.to_string());
}

/// Runs `learned` with weights `m` (trained or loaded in the Train panel): it joins the
/// comparison first, or replaces the first policy when the comparison is full. The
/// training curve stays in the panel; the link carries the weights and their config.
pub fn use_learned(s: &mut StreamsSettings, mut m: Model) {
    if let Some(t) = m.training.as_mut() {
        t.curve.clear();
    }
    s.learned = Some(m);
    if !s.policies.iter().any(|p| p == "learned") {
        if s.policies.len() < MAX_COMPARE {
            s.policies.insert(0, "learned".into());
        } else {
            s.policies[0] = "learned".into();
        }
    }
}

/// The job-priority rule editor's examples: (label, rule), lowest first.
pub const JOB_RULE_EXAMPLES: &[(&str, &str)] = &[
    ("SRPT", "remaining"),
    ("FCFS", "arrival"),
    ("Least attained service", "attained"),
    ("SRPT with aging", "remaining - 0.5 * waiting"),
    ("Shortest estimate first", "estimate"),
];

/// The DAG-job score rule's examples (DS3 and random-DAG streams): (label, score), lowest
/// wins.
pub const DAG_RULE_EXAMPLES: &[(&str, &str)] = &[
    ("Earliest start (ETF)", "wait_to_start"),
    ("Earliest finish", "time_to_finish"),
    (
        "Shortest job first, then ETF",
        "job_remaining_work + wait_to_start",
    ),
    ("Critical path first", "-task_rank + wait_to_start"),
];

/// The rule editor's examples for the settings' mix.
pub fn rule_examples(s: &StreamsSettings) -> &'static [(&'static str, &'static str)] {
    if s.mix.is_dag() {
        DAG_RULE_EXAMPLES
    } else {
        JOB_RULE_EXAMPLES
    }
}

/// A rule as the page's Streams editor checks it: its policy spelling `rule:TEXT` when it
/// parses and, for job streams, reads only what the settings' information model gives
/// (deadlines: only when the settings make them); for DAG-job streams a score over the
/// learned policy's features. Otherwise the message and the position it names.
pub fn check_job_rule(s: &StreamsSettings, text: &str) -> Result<String, Problem> {
    let text = text.trim();
    no_colon("rule", "policy", text)?;
    check_policy(s, &format!("rule:{text}"))
}

/// A policy spelling as the page's editors check it (`rr:0.2`, `mlfq:1:5`, `rule:…`): the
/// spelling when it parses and, on job streams, asks only for what the information model
/// gives; otherwise the message and the position it names.
pub fn check_policy(s: &StreamsSettings, spelling: &str) -> Result<String, Problem> {
    if s.mix.is_dag() {
        schedlab_core::stream::dag::DagPolicy::parse(spelling).map(|_| ())
    } else {
        schedlab_core::stream::policy::Policy::parse(spelling)
            .and_then(|p| p.check(s.info, s.deadline_slack.is_some()))
    }
    .map_err(|e| problem_of(e.to_string()))?;
    Ok(spelling.to_string())
}

#[cfg(test)]
mod ops_model_tests {
    use super::*;

    #[test]
    fn the_revealed_model_line_round_trips_and_refuses_as_a_whole() {
        let mut s = StreamsSettings {
            mix: JobMix::Chain,
            ..StreamsSettings::default()
        };
        set_ops_model(&mut s, "pareto:1.5  uniform:1:6 test:0.5").unwrap();
        assert_eq!(s.ops_dist.as_deref(), Some("uniform:1:6"));
        assert_eq!(s.op_size.as_deref(), Some("pareto:1.5"));
        assert_eq!(s.test, Some(0.5));
        assert_eq!(ops_model_text(&s), "uniform:1:6 pareto:1.5 test:0.5");
        let before = s.clone();
        for bad in [
            "pareto:0.5",
            "uniform:0:3",
            "test:-1",
            "bimodal exp",
            "geometric:2 fixed:3",
        ] {
            assert!(set_ops_model(&mut s, bad).is_err(), "{bad}");
            assert_eq!(s, before, "{bad} changed the settings");
        }
        set_ops_model(&mut s, "").unwrap();
        assert_eq!(
            (s.ops_dist.clone(), s.op_size.clone(), s.test),
            (None, None, None)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switching_between_flow_and_dag_mixes_starts_the_policies_over() {
        let mut s = StreamsSettings {
            jobs: 500,
            speeds: vec![1.0, 2.0],
            ..StreamsSettings::default()
        };
        set_mix(&mut s, JobMix::Dag);
        assert_eq!(s.mix, JobMix::Dag);
        assert_eq!(s.policies, StreamsSettings::default_policies(JobMix::Dag));
        assert_eq!((s.jobs, s.machines), (40, 4));
        assert!(s.speeds.is_empty());
        // Within the DAG family nothing is reset, but random DAGs keep two processors.
        s.machines = 1;
        s.policies = vec!["heft_rt".into()];
        set_mix(&mut s, JobMix::Ds3);
        assert_eq!((s.machines, s.policies.len()), (1, 1));
        set_mix(&mut s, JobMix::Dag);
        assert_eq!(s.machines, 4);
        // Back to flow jobs: one machine, the flow policies, the job count kept.
        s.jobs = 30;
        set_mix(&mut s, JobMix::Chain);
        assert_eq!((s.jobs, s.machines), (30, 1));
        assert_eq!(s.policies, StreamsSettings::default_policies(JobMix::Chain));
        for p in &s.policies {
            assert!(policy_entries(JobMix::Chain)
                .iter()
                .any(|e| e.id == p.as_str()));
        }
    }

    #[test]
    fn a_trace_sets_the_job_count_up_to_the_cap() {
        let mut s = StreamsSettings::default();
        let csv: String = (0..10).map(|i| format!("{i}\n")).collect();
        use_trace(
            &mut s,
            schedlab_core::stream::trace::parse("a.csv", &csv).unwrap(),
        );
        assert_eq!(s.jobs, 10);
        let big: String = (0..MAX_UI_JOBS + 5).map(|i| format!("{i}\n")).collect();
        use_trace(
            &mut s,
            schedlab_core::stream::trace::parse("b.csv", &big).unwrap(),
        );
        assert_eq!(s.jobs, MAX_UI_JOBS);
        assert_eq!(s.trace.as_ref().unwrap().arrivals.len(), MAX_UI_JOBS + 5);
    }

    #[test]
    fn adding_a_policy_picks_one_not_yet_compared() {
        let mut s = StreamsSettings::default();
        let before = s.policies.clone();
        add_policy(&mut s);
        assert_eq!(s.policies.len(), before.len() + 1);
        let added = s.policies.last().unwrap();
        assert!(!before.contains(added), "{added} was already compared");
    }

    #[test]
    fn trained_weights_bring_learned_into_the_comparison() {
        let mut s = StreamsSettings::default();
        set_mix(&mut s, JobMix::Ds3);
        let m = s.learned_model();
        use_learned(&mut s, m.clone());
        assert_eq!(s.policies[0], "learned");
        assert!(s.learned.is_some());
        let n = s.policies.len();
        use_learned(&mut s, m.clone());
        assert_eq!(s.policies.len(), n, "learned is never added twice");
        // A full comparison: learned replaces the first policy.
        s.policies = policy_entries(s.mix)
            .iter()
            .map(|p| p.id)
            .filter(|p| *p != "learned")
            .take(MAX_COMPARE)
            .map(|p| p.to_string())
            .collect();
        use_learned(&mut s, m);
        assert_eq!(s.policies.len(), MAX_COMPARE);
        assert_eq!(s.policies[0], "learned");
    }

    #[test]
    fn a_job_rule_is_checked_against_the_information_model() {
        let mut s = StreamsSettings::default();
        assert_eq!(check_job_rule(&s, " remaining ").unwrap(), "rule:remaining");
        for (label, rule) in JOB_RULE_EXAMPLES {
            assert!(check_job_rule(&s, rule).is_ok(), "{label}");
        }
        let p = check_job_rule(&s, "remaning + 1").unwrap_err();
        assert_eq!(p.pos, Some(1), "{}", p.message);
        assert!(
            p.message.contains("did you mean 'remaining'"),
            "{}",
            p.message
        );
        assert_eq!(check_job_rule(&s, "age:2").unwrap_err().pos, Some(4));
        s.info = schedlab_core::stream::Info::NonClairvoyant;
        let p = check_job_rule(&s, "remaining").unwrap_err();
        assert!(p.message.contains("needs job sizes"), "{}", p.message);
        assert!(check_job_rule(&s, "attained").is_ok());
        set_mix(&mut s, JobMix::Ds3);
        for (label, rule) in rule_examples(&s) {
            assert!(check_job_rule(&s, rule).is_ok(), "{label}");
        }
        let p = check_job_rule(&s, "wait_to_strat").unwrap_err();
        assert!(
            p.message.contains("did you mean 'wait_to_start'"),
            "{}",
            p.message
        );
        assert!(
            check_job_rule(&s, "remaining").is_err(),
            "job variables are not DAG features"
        );
    }

    #[test]
    fn a_policy_with_options_is_checked_as_spelled() {
        let s = StreamsSettings::default();
        assert_eq!(check_policy(&s, "rr:0.2").unwrap(), "rr:0.2");
        assert!(check_policy(&s, "mlfq:1:5").is_ok());
        assert!(check_policy(&s, "rr:quantum=2").is_ok());
        for bad in ["rr:0", "rr:abc", "rr:1:2:3", "mlfq:0:5"] {
            let p = check_policy(&s, bad).unwrap_err();
            assert!(!p.message.is_empty(), "{bad}");
        }
    }
}
