//! Online scheduling: textbook numbers, SRPT's optimality, and the validator on every policy.

#[path = "common/proptest_cases.rs"]
mod proptest_cases;
#[path = "common/sweep.rs"]
mod sweep;

use proptest::prelude::*;
use schedlab_core::stream::policy::Policy;
use schedlab_core::stream::sim::{check, simulate, StreamMetrics};
use schedlab_core::stream::{generate, Arrivals, Info, Job, Mix, Stream, StreamSpec};

fn stream(machines: usize, jobs: &[(f64, f64)]) -> Stream {
    Stream {
        machines,
        speeds: vec![],
        context_switch: 0.0,
        info: Info::Clairvoyant,
        jobs: jobs
            .iter()
            .map(|&(a, s)| Job {
                arrival: a,
                ops: vec![s],
                estimate: s,
                deadline: None,
            })
            .collect(),
    }
}

fn waiting(s: &Stream, policy: &str) -> Vec<f64> {
    let run = simulate(s, Policy::parse(policy).unwrap()).unwrap();
    check(s, &run).unwrap();
    s.jobs
        .iter()
        .zip(&run.completion)
        .map(|(j, c)| c - j.arrival - j.size())
        .collect()
}

#[test]
fn textbook_cpu_scheduling_examples() {
    // Silberschatz, Galvin, Gagne, "Operating System Concepts", ch. 5: P1..P4 arrive at
    // 0, 1, 2, 3 with bursts 8, 4, 9, 5.
    let s = stream(1, &[(0.0, 8.0), (1.0, 4.0), (2.0, 9.0), (3.0, 5.0)]);
    assert_eq!(waiting(&s, "fcfs"), [0.0, 7.0, 10.0, 18.0]); // average 8.75
    assert_eq!(waiting(&s, "sjf"), [0.0, 7.0, 15.0, 9.0]); // average 7.75
    assert_eq!(waiting(&s, "srpt"), [9.0, 0.0, 15.0, 2.0]); // SRTF, average 6.5
                                                            // Round robin, quantum 4: P1 24, P2 3, P3 3 all at 0 → waits 6, 4, 7 (average 17/3).
    let s = stream(1, &[(0.0, 24.0), (0.0, 3.0), (0.0, 3.0)]);
    assert_eq!(waiting(&s, "rr:4"), [6.0, 4.0, 7.0]);
    // Processor sharing: two equal jobs at 0 both finish at 2×size.
    let s = stream(1, &[(0.0, 3.0), (0.0, 3.0)]);
    assert_eq!(waiting(&s, "ps"), [3.0, 3.0]);
    // LAS: a newcomer catches up with the long job, then they share.
    let s = stream(1, &[(0.0, 10.0), (4.0, 2.0)]);
    let w = waiting(&s, "las");
    assert!(
        (w[1] - 0.0).abs() < 1e-9 && (w[0] - 2.0).abs() < 1e-9,
        "{w:?}"
    );
}

#[test]
fn srpt_preempts_a_long_job_for_a_short_one() {
    let s = stream(1, &[(0.0, 10.0), (2.0, 1.0)]);
    let run = simulate(&s, Policy::Srpt).unwrap();
    assert_eq!(run.completion, [11.0, 3.0]);
    assert_eq!(run.preemptions, 1);
    let fcfs = simulate(&s, Policy::Fcfs).unwrap();
    assert_eq!(fcfs.completion, [10.0, 11.0]);
}

/// The optimal total flow time on one machine, by trying every choice at every event
/// (an optimal preemptive schedule only switches at arrivals and completions).
fn brute_force(jobs: &[(f64, f64)]) -> f64 {
    fn go(t: f64, rem: &mut Vec<f64>, jobs: &[(f64, f64)], done: usize) -> f64 {
        if done == jobs.len() {
            return 0.0;
        }
        let avail: Vec<usize> = (0..jobs.len())
            .filter(|&j| rem[j] > 0.0 && jobs[j].0 <= t)
            .collect();
        let next_arrival = jobs
            .iter()
            .map(|j| j.0)
            .filter(|&a| a > t)
            .fold(f64::INFINITY, f64::min);
        if avail.is_empty() {
            return go(next_arrival, rem, jobs, done);
        }
        let mut best = f64::INFINITY;
        for &j in &avail {
            let run = rem[j].min(next_arrival - t);
            rem[j] -= run;
            let finished = rem[j] <= 1e-12;
            let own = if finished { t + run - jobs[j].0 } else { 0.0 };
            if finished {
                rem[j] = 0.0;
            }
            let total = own + go(t + run, rem, jobs, done + finished as usize);
            rem[j] += run;
            if finished {
                rem[j] = run;
            }
            best = best.min(total);
        }
        best
    }
    let mut rem: Vec<f64> = jobs.iter().map(|j| j.1).collect();
    go(0.0, &mut rem, jobs, 0)
}

fn jobs_strategy(max: usize) -> impl Strategy<Value = Vec<(f64, f64)>> {
    proptest::collection::vec((0u32..20, 1u32..12), 1..max).prop_map(|mut v| {
        v.sort();
        v.into_iter().map(|(a, s)| (a as f64, s as f64)).collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: proptest_cases::cases(1000), ..ProptestConfig::default() })]

    #[test]
    fn srpt_total_flow_is_at_most_every_other_policys_on_one_machine(jobs in jobs_strategy(14)) {
        let s = stream(1, &jobs);
        let total = |p: &str| {
            let run = simulate(&s, Policy::parse(p).unwrap()).unwrap();
            check(&s, &run).unwrap();
            StreamMetrics::compute(&s, &run).total_flow_time
        };
        let srpt = total("srpt");
        for p in ["fcfs", "sjf", "srpt_est", "op_srpt", "rr", "rr:0.5", "ps", "las", "mlfq"] {
            let other = total(p);
            prop_assert!(srpt <= other + 1e-6 * other.max(1.0), "SRPT {} > {} {}", srpt, p, other);
        }
    }

    #[test]
    fn srpt_equals_the_brute_force_optimum(jobs in jobs_strategy(5)) {
        let s = stream(1, &jobs);
        let run = simulate(&s, Policy::Srpt).unwrap();
        let srpt = StreamMetrics::compute(&s, &run).total_flow_time;
        let opt = brute_force(&jobs);
        prop_assert!((srpt - opt).abs() < 1e-6, "SRPT {} vs optimum {}", srpt, opt);
    }

    #[test]
    fn every_policy_passes_the_validator_on_random_streams(seed in any::<u64>(), machines in 1usize..5, chain in any::<bool>(), rho in 0.3f64..1.2, hetero in any::<bool>(), cs in prop_oneof![Just(0.0), 0.01f64..0.5]) {
        let spec = StreamSpec {
            // Related machines: speeds 1, 1.5, 2... (with a repeat to exercise speed classes).
            speeds: if hetero { (0..machines).map(|i| 1.0 + 0.5 * (i / 2 * 2 + i % 2 * (i % 3)) as f64).collect() } else { vec![] },
            context_switch: cs,
            jobs: 40,
            machines,
            arrivals: Arrivals::Load { rho },
            mix: if chain { Mix::Chain { ops: 3, mean_op: 2.0 } } else { Mix::Single { mean_size: 5.0 } },
            info: Info::Clairvoyant,
            estimate_noise: 0.0,
            deadline_slack: Some(3.0),
            seed,
        };
        let s = generate(&spec).unwrap();
        for id in sweep::policies() {
            let run = simulate(&s, Policy::parse(&id).unwrap()).unwrap();
            if let Err(e) = check(&s, &run) {
                prop_assert!(false, "{}: {}", id, e);
            }
            prop_assert!(run.completion.iter().all(|c| c.is_finite()));
        }
    }
}

#[test]
fn information_models_gate_the_policies() {
    let mut spec = StreamSpec {
        speeds: vec![],
        context_switch: 0.0,
        jobs: 50,
        machines: 2,
        arrivals: Arrivals::Load { rho: 0.8 },
        mix: Mix::Single { mean_size: 3.0 },
        info: Info::NonClairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 1,
    };
    let s = generate(&spec).unwrap();
    assert!(simulate(&s, Policy::Srpt)
        .unwrap_err()
        .to_string()
        .contains("sizes"));
    assert!(simulate(&s, Policy::Edf).is_err());
    simulate(&s, Policy::Las).unwrap();
    spec.info = Info::Estimated;
    spec.estimate_noise = 0.5;
    let s = generate(&spec).unwrap();
    assert!(
        s.jobs.iter().any(|j| (j.estimate - j.size()).abs() > 1e-9),
        "estimates are noisy"
    );
    let est = simulate(&s, Policy::SrptEstimate).unwrap();
    check(&s, &est).unwrap();
}

#[test]
fn generation_is_seeded_and_hits_the_target_load() {
    let spec = StreamSpec {
        speeds: vec![],
        context_switch: 0.0,
        jobs: 20_000,
        machines: 4,
        arrivals: Arrivals::Load { rho: 0.7 },
        mix: Mix::Single { mean_size: 2.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 9,
    };
    let a = generate(&spec).unwrap();
    assert_eq!(a, generate(&spec).unwrap());
    let work: f64 = a.jobs.iter().map(|j| j.size()).sum();
    let span = a.jobs.last().unwrap().arrival;
    let rho = work / (span * 4.0);
    assert!((rho - 0.7).abs() < 0.03, "load {rho}");
    let m = StreamMetrics::compute(&a, &simulate(&a, Policy::Srpt).unwrap());
    assert!((m.utilisation - 0.7).abs() < 0.05, "{}", m.utilisation);
}

#[test]
fn bursty_arrivals_have_their_coefficient_of_variation_and_hurt_flow_time() {
    let base = StreamSpec {
        speeds: vec![],
        context_switch: 0.0,
        jobs: 40_000,
        machines: 2,
        arrivals: Arrivals::GammaLoad { rho: 0.8, cv: 3.0 },
        mix: Mix::Single { mean_size: 1.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 5,
    };
    let bursty = generate(&base).unwrap();
    let gaps: Vec<f64> = bursty
        .jobs
        .windows(2)
        .map(|w| w[1].arrival - w[0].arrival)
        .collect();
    let mean = gaps.iter().sum::<f64>() / gaps.len() as f64;
    let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len() as f64).sqrt();
    assert!(
        (mean - 1.0 / 1.6).abs() < 0.03 * (1.0 / 1.6),
        "mean gap {mean}"
    );
    assert!((sd / mean - 3.0).abs() < 0.3, "cv {}", sd / mean);
    let smooth = generate(&StreamSpec {
        arrivals: Arrivals::GammaLoad { rho: 0.8, cv: 0.5 },
        ..base.clone()
    })
    .unwrap();
    let flow =
        |s: &Stream| StreamMetrics::compute(s, &simulate(s, Policy::Srpt).unwrap()).mean_flow_time;
    assert!(
        flow(&bursty) > 1.5 * flow(&smooth),
        "bursts make queues: {} vs {}",
        flow(&bursty),
        flow(&smooth)
    );
}

#[test]
fn related_machines_put_the_shortest_job_on_the_fastest_machine() {
    let mut s = stream(2, &[(0.0, 4.0), (0.0, 2.0)]);
    s.speeds = vec![1.0, 2.0];
    let run = simulate(&s, Policy::Srpt).unwrap();
    check(&s, &run).unwrap();
    // Job 1 (2 units) on the speed-2 machine ends at 1; job 0 does 1 unit on the slow one,
    // then moves to the fast machine: 3 units at speed 2.
    assert_eq!(run.completion, [2.5, 1.0]);
    assert!(run
        .segments
        .iter()
        .any(|g| g.job == 1 && g.machine == 1 && g.start == 0.0));
    // Processor sharing on related machines: 2 jobs share speeds 1 and 2 → 1.5 each.
    let mut s = stream(2, &[(0.0, 3.0), (0.0, 3.0), (0.0, 3.0)]);
    s.speeds = vec![1.0, 2.0];
    let run = simulate(&s, Policy::Ps).unwrap();
    check(&s, &run).unwrap();
    assert!(
        run.completion.iter().all(|&c| (c - 3.0).abs() < 1e-9),
        "{:?}",
        run.completion
    );
    // Bad speeds are refused.
    s.speeds = vec![1.0];
    assert!(simulate(&s, Policy::Ps)
        .unwrap_err()
        .to_string()
        .contains("speeds"));
    s.speeds = vec![1.0, f64::NAN];
    assert!(simulate(&s, Policy::Ps).is_err());
}

#[test]
fn context_switches_cost_time_and_punish_small_quanta() {
    let mut s = stream(1, &[(0.0, 8.0), (1.0, 4.0), (2.0, 9.0), (3.0, 5.0)]);
    s.context_switch = 1.0;
    // FCFS: each job pays one switch.
    assert_eq!(waiting_with_overhead(&s, "fcfs"), [1.0, 9.0, 13.0, 22.0]);
    // Round robin, quantum 4, on P1 24, P2 3, P3 3: P1, P2, P3 start and P1 resumes once.
    let mut s = stream(1, &[(0.0, 24.0), (0.0, 3.0), (0.0, 3.0)]);
    s.context_switch = 0.5;
    let run = simulate(&s, Policy::parse("rr:4").unwrap()).unwrap();
    check(&s, &run).unwrap();
    assert_eq!(run.overhead.iter().sum::<f64>(), 2.0);
    let q1 = simulate(&s, Policy::parse("rr:1").unwrap()).unwrap();
    check(&s, &q1).unwrap();
    assert!(q1.overhead.iter().sum::<f64>() > 4.0);
    let flow =
        |r: &schedlab_core::stream::sim::StreamRun| StreamMetrics::compute(&s, r).mean_flow_time;
    assert!(flow(&q1) > flow(&run));
    s.context_switch = -1.0;
    assert!(simulate(&s, Policy::Fcfs).is_err());
}

fn waiting_with_overhead(s: &Stream, policy: &str) -> Vec<f64> {
    let run = simulate(s, Policy::parse(policy).unwrap()).unwrap();
    check(s, &run).unwrap();
    s.jobs
        .iter()
        .zip(&run.completion)
        .map(|(j, c)| c - j.arrival - j.size())
        .collect()
}

#[test]
fn a_real_mooncake_trace_drives_the_arrivals() {
    use schedlab_core::stream::trace;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mooncake/conversation_trace.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let tr = trace::parse("conversation_trace.jsonl", &text).unwrap();
    assert_eq!(
        tr.arrivals.len(),
        text.lines().filter(|l| !l.trim().is_empty()).count()
    );
    assert!(tr.sizes.is_none());
    let spec = StreamSpec {
        speeds: vec![],
        context_switch: 0.0,
        jobs: 2000,
        machines: 4,
        arrivals: Arrivals::Trace(tr.clone()),
        mix: Mix::Single { mean_size: 300.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 3,
    };
    let s = generate(&spec).unwrap();
    assert_eq!(s.jobs.len(), 2000);
    for (j, t) in s.jobs.iter().zip(&tr.arrivals) {
        assert_eq!(j.arrival, *t);
    }
    let srpt = simulate(&s, Policy::Srpt).unwrap();
    check(&s, &srpt).unwrap();
    let fcfs = simulate(&s, Policy::Fcfs).unwrap();
    assert!(
        StreamMetrics::compute(&s, &srpt).mean_flow_time
            <= StreamMetrics::compute(&s, &fcfs).mean_flow_time
    );
    // Sizes from a CSV trace are used as given.
    let tr = trace::parse("t.csv", "arrival,size\n0,5\n1,1\n").unwrap();
    let s = generate(&StreamSpec {
        arrivals: Arrivals::Trace(tr),
        machines: 1,
        ..spec
    })
    .unwrap();
    assert_eq!(
        s.jobs.iter().map(|j| j.size()).collect::<Vec<_>>(),
        [5.0, 1.0]
    );
    assert_eq!(simulate(&s, Policy::Srpt).unwrap().completion, [6.0, 2.0]);
}

#[test]
fn step_by_step_equals_one_go_and_records_why() {
    use schedlab_core::stream::sim::Sim;
    let s = stream(1, &[(0.0, 10.0), (2.0, 1.0), (3.0, 4.0)]);
    let whole = simulate(&s, Policy::Srpt).unwrap();
    let mut sim = Sim::new(&s, Policy::Srpt).unwrap().record_decisions();
    let mut chunks = 0;
    while !sim.run_for(&s, 1).unwrap() {
        chunks += 1;
    }
    assert!(chunks >= 3);
    let d = sim.decisions().to_vec();
    let run = sim.finish();
    assert_eq!(run.completion, whole.completion);
    assert_eq!(run.segments, whole.segments);
    // At t = 2 the short job arrives and takes the machine: rank 0, "remaining 1.000".
    let at2 = d.iter().find(|x| x.time == 2.0).unwrap();
    let short = at2.rows.iter().find(|r| r.job == 1).unwrap();
    assert_eq!(short.rank, Some(0));
    assert_eq!(short.key, "remaining 1.000");
    let long = at2.rows.iter().find(|r| r.job == 0).unwrap();
    assert_eq!((long.rank, long.rate), (None, 0.0));
    assert_eq!(long.key, "remaining 8.000");
}
