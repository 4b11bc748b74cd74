//! The learned policy: the shipped weights, their provenance, training determinism, the
//! DeepSoCS effect on held-out streams, and bad weight files.

use std::sync::Arc;

use schedlab_core::sched;
use schedlab_core::stream::dag::{self, DagMix, DagPolicy, DagSpec};
use schedlab_core::stream::learned::{
    self, evaluate, EvalSpec, Model, TrainConfig, Trainer, TrainerState, FEATURES, N_FEATURES,
};
use schedlab_core::stream::Arrivals;
use schedlab_core::{Problem, Scenario};

/// The shipped learning curve (assets/learned/curve.csv, written by the same command).
fn shipped_curve() -> Vec<learned::CurvePoint> {
    include_str!("../../../assets/learned/curve.csv")
        .lines()
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            learned::CurvePoint {
                iteration: v[0] as usize,
                learned: v[1],
                heft: v[2],
                dls: v[3],
                fitness: v[4],
            }
        })
        .collect()
}

fn small_config() -> TrainConfig {
    TrainConfig {
        jobs: 8,
        streams: 1,
        pairs: 2,
        validation: 1,
        validation_jobs: 8,
        iterations: 2,
        hidden: 4,
        ..TrainConfig::default()
    }
}

#[test]
fn the_shipped_weights_are_valid_and_were_trained_by_the_cli() {
    let m = learned::shipped();
    m.validate().unwrap();
    assert_eq!(m.features, FEATURES.map(String::from).to_vec());
    let t = m
        .training
        .as_ref()
        .expect("the shipped file records its training");
    assert!(t.command.starts_with("schedlab train"), "{}", t.command);
    assert_eq!(t.iterations, t.config.iterations);
    let curve = shipped_curve();
    assert_eq!(curve.len(), t.iterations + 1);
    // Training lowered the validation latency, and the policy beats HEFT-RT there.
    let (first, last) = (curve[0], curve[t.iterations]);
    assert!(last.learned < first.learned, "{first:?} -> {last:?}");
    assert!(last.learned < last.heft, "{last:?}");
}

/// The shipped file's curve begins exactly where its recorded command starts: re-running
/// the first iterations of that training gives the same validation latencies.
#[test]
fn the_shipped_curve_is_reproduced_by_its_training_config() {
    let m = learned::shipped();
    let t = m.training.as_ref().unwrap();
    let mut cfg = t.config.clone();
    cfg.iterations = 1;
    let mut trainer = Trainer::new(cfg, None, "test").unwrap();
    trainer.step().unwrap();
    let curve = shipped_curve();
    let got = trainer.model().training.unwrap().curve;
    assert_eq!(got.len(), 2);
    for (got, want) in got.iter().zip(&curve) {
        assert_eq!(got.iteration, want.iteration);
        assert_eq!(got, want);
    }
}

#[test]
fn training_is_deterministic_and_parts_equal_whole_iterations() {
    let run = |parts: bool| {
        let mut t = Trainer::new(small_config(), None, "test").unwrap();
        while !t.done() {
            if parts {
                while t.step_part().unwrap().is_none() {}
            } else {
                t.step().unwrap();
            }
        }
        t.model()
    };
    let a = run(false);
    assert_eq!(a, run(false));
    assert_eq!(a, run(true));
    // It moved the weights, and the file round-trips.
    let start = Model::random(4, 2, learned::CANDIDATES_PER_CLASS, 1);
    assert_ne!(a.params(), start.params());
    assert_eq!(Model::from_json(&a.to_json()).unwrap(), a);
}

#[test]
fn fine_tuning_continues_the_iteration_count() {
    let mut t = Trainer::new(small_config(), None, "test").unwrap();
    t.step().unwrap();
    let m = t.model();
    let mut cfg = small_config();
    cfg.iterations = 1;
    let mut t2 = Trainer::new(cfg, Some(m.clone()), "test").unwrap();
    assert_eq!(t2.curve()[0].iteration, 1);
    let p = t2.step().unwrap();
    assert_eq!(p.iteration, 2);
    assert_eq!(t2.model().training.unwrap().iterations, 2);
    assert_eq!(t2.model().hidden, m.hidden);
}

/// DeepSoCS's effect on held-out DS3 streams: the learned policy keeps up with HEFT-RT
/// without noise and beats it clearly when execution times are noisy.
#[test]
fn learned_matches_heft_without_noise_and_beats_it_under_noise() {
    let rows = evaluate(&EvalSpec {
        mix: DagMix::Ds3,
        jobs: 150,
        load: 0.7,
        noise: vec![0.0, 0.5],
        seeds: 2,
        policies: vec![
            ("learned".into(), DagPolicy::parse("learned").unwrap()),
            ("heft".into(), DagPolicy::parse("heft").unwrap()),
        ],
    })
    .unwrap();
    let get = |p: &str, s: f64| {
        rows.iter()
            .find(|r| r.policy == p && r.noise == s)
            .unwrap()
            .mean_job_latency
    };
    assert!(get("learned", 0.0) <= 1.05 * get("heft", 0.0), "{rows:?}");
    assert!(get("learned", 0.5) <= 0.9 * get("heft", 0.5), "{rows:?}");
    // The strongest hand rule is named in every row (HEFT-RT, the only one here), and
    // each row's change against it.
    for r in &rows {
        assert_eq!(r.best_rule.as_deref(), Some("heft"));
        let rel = r.mean_job_latency / get("heft", r.noise) - 1.0;
        assert_eq!(r.vs_best_rule, Some(rel));
    }
}

/// With several hand rules, the best is the one with the lowest mean at each level.
#[test]
fn the_best_hand_rule_is_named_at_each_noise_level() {
    let rows = evaluate(&EvalSpec {
        mix: DagMix::Ds3,
        jobs: 60,
        load: 0.7,
        noise: vec![0.0, 0.5],
        seeds: 1,
        policies: ["learned", "heft", "etf", "etf:2", "dls_srpt"]
            .map(|id| (id.to_string(), DagPolicy::parse(id).unwrap()))
            .to_vec(),
    })
    .unwrap();
    for sigma in [0.0, 0.5] {
        let level: Vec<_> = rows.iter().filter(|r| r.noise == sigma).collect();
        let best = level
            .iter()
            .filter(|r| r.policy != "learned")
            .min_by(|a, b| a.mean_job_latency.total_cmp(&b.mean_job_latency))
            .unwrap();
        for r in &level {
            assert_eq!(r.best_rule.as_deref(), Some(best.policy.as_str()));
        }
        assert_eq!(best.vs_best_rule, Some(0.0));
        assert!(level
            .iter()
            .all(|r| r.policy == "learned" || r.vs_best_rule.unwrap() >= 0.0));
    }
}

#[test]
fn every_learned_run_passes_the_validator() {
    for (mix, sigma) in [
        (DagMix::Ds3, 0.3),
        (
            DagMix::Random {
                tasks: 12,
                processors: 3,
                templates: 3,
                ccr: 2.0,
                beta: 1.5,
            },
            0.0,
        ),
    ] {
        let s = dag::generate(&DagSpec {
            jobs: 40,
            arrivals: Arrivals::Load { rho: 0.9 },
            mix,
            exec_sigma: sigma,
            seed: 3,
        })
        .unwrap();
        for id in ["learned", "etf", "etf:3", "dls_srpt:2"] {
            let run = dag::simulate(&s, DagPolicy::parse(id).unwrap()).unwrap();
            dag::check(&s, &run).unwrap_or_else(|e| panic!("{id}: {e}"));
        }
    }
}

#[test]
fn the_learned_scheduler_plans_a_single_dag() {
    let s =
        Scenario::from_json(include_str!("../../../assets/scenarios/topcuoglu2002.json")).unwrap();
    let p = Problem::new(&s).unwrap();
    let plan = sched::build("learned", &Default::default())
        .unwrap()
        .schedule(&p, 0);
    schedlab_core::check::check_plan(&p, &plan).unwrap();
    // A sane list schedule of Topcuoglu's example: HEFT takes 80; no plan beats the
    // critical path on the fastest processors, and none should be worse than serial.
    let serial: f64 = (0..p.n_tasks()).map(|t| p.min_exec(t)).sum();
    assert!(
        plan.makespan() >= 60.0 && plan.makespan() < serial,
        "{}",
        plan.makespan()
    );
}

#[test]
fn bad_weight_files_are_refused_with_a_clear_error() {
    let good = learned::shipped().to_json();
    let cases = [
        ("", "learned policy"),
        ("{\"format\":\"x\"", "learned policy"),
        (&good[..good.len() / 2], "learned policy"),
    ];
    for (text, want) in cases {
        let e = Model::from_json(text).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
    let mut m = (*learned::shipped()).clone();
    m.format = "other".into();
    assert!(m
        .validate()
        .unwrap_err()
        .to_string()
        .contains("not a schedlab learned policy"));
    let mut m = (*learned::shipped()).clone();
    m.version = 99;
    assert!(m.validate().unwrap_err().to_string().contains("version 99"));
    let mut m = (*learned::shipped()).clone();
    m.features.swap(0, 1);
    assert!(m
        .validate()
        .unwrap_err()
        .to_string()
        .contains("other features"));
    let mut m = (*learned::shipped()).clone();
    m.w1.pop();
    assert!(m.validate().unwrap_err().to_string().contains("w1 has"));
    let mut m = (*learned::shipped()).clone();
    m.b2 = f32::NAN;
    assert!(m.validate().unwrap_err().to_string().contains("finite"));
    let mut m = (*learned::shipped()).clone();
    m.depth = 0;
    assert!(m.validate().is_err());
    // A bad model never runs.
    let s = dag::generate(&DagSpec {
        jobs: 3,
        arrivals: Arrivals::Load { rho: 0.5 },
        mix: DagMix::Ds3,
        exec_sigma: 0.0,
        seed: 1,
    })
    .unwrap();
    assert!(dag::simulate(&s, DagPolicy::Learned(Arc::new(m))).is_err());
    // Bad training configurations too.
    for bad in [
        TrainConfig {
            jobs: 0,
            ..small_config()
        },
        TrainConfig {
            noise: vec![],
            ..small_config()
        },
        TrainConfig {
            noise: vec![f64::NAN],
            ..small_config()
        },
        TrainConfig {
            sigma: 0.0,
            ..small_config()
        },
        TrainConfig {
            hidden: 0,
            ..small_config()
        },
        TrainConfig {
            jobs: 10_000,
            streams: 100,
            pairs: 100,
            ..small_config()
        },
    ] {
        assert!(Trainer::new(bad, None, "test").is_err());
    }
}

#[test]
fn policy_ids_parse_with_depths_and_refuse_bad_ones() {
    assert_eq!(DagPolicy::parse("dls_srpt:3").unwrap().depth(), 3);
    assert_eq!(DagPolicy::parse("etf").unwrap().depth(), 1);
    assert_eq!(DagPolicy::parse("heft").unwrap(), DagPolicy::HeftRt);
    for bad in [
        "dls_srpt:0",
        "dls_srpt:9",
        "etf:x",
        "heft_rt:2",
        "learned:1",
        "nope",
    ] {
        assert!(DagPolicy::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_score_reads_every_feature() {
    let m = learned::shipped();
    let base = [0.5f32; N_FEATURES];
    let s0 = m.score(&base);
    let moved = (0..N_FEATURES)
        .filter(|&i| {
            let mut x = base;
            x[i] += 1.0;
            m.score(&x) != s0
        })
        .count();
    assert!(
        moved >= N_FEATURES / 2,
        "only {moved} features change the score"
    );
}

/// The page's Train panel pauses by keeping a trainer's state and resumes in a fresh
/// trainer: the result must be the uninterrupted run's, bit for bit.
#[test]
fn a_restored_trainer_continues_exactly_where_it_stopped() {
    let cfg = TrainConfig {
        iterations: 4,
        ..small_config()
    };
    let init = Model::random(cfg.hidden, cfg.depth, cfg.candidates, 9);
    let mut whole = Trainer::new(cfg.clone(), Some(init.clone()), "test").unwrap();
    while !whole.done() {
        whole.step().unwrap();
    }
    let mut first = Trainer::new(cfg.clone(), Some(init.clone()), "test").unwrap();
    first.step().unwrap();
    first.step().unwrap();
    // Stopped part-way through the third iteration: the state is the boundary's.
    assert_eq!(first.step_part().unwrap(), None);
    let paused = first.state();
    assert_eq!((paused.iteration, paused.curve.len()), (2, 3));
    let mut second = Trainer::new(cfg.clone(), Some(init.clone()), "test").unwrap();
    second.restore(paused.clone()).unwrap();
    while !second.done() {
        second.step().unwrap();
    }
    // Debug text: exact for every float (shortest round-trip form), and NaN (the first
    // point's fitness) equals itself there.
    let exact = |s: &TrainerState| format!("{s:?}");
    assert_eq!(exact(&second.state()), exact(&whole.state()));
    assert_eq!(second.model(), whole.model());
    // The page builds the model from the state alone.
    assert_eq!(whole.state().model(&init, &cfg, "test"), whole.model());
    // A state of another shape or beyond the run is refused, not applied.
    let mut bad = paused.clone();
    bad.theta.pop();
    assert!(second
        .restore(bad)
        .unwrap_err()
        .to_string()
        .contains("parameters"));
    let mut bad = paused;
    bad.iteration = 9;
    assert!(second.restore(bad).is_err());
    assert_eq!(
        exact(&second.state()),
        exact(&whole.state()),
        "a refused state changes nothing"
    );
}
