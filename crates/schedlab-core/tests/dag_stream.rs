//! Streams of DAG jobs on heterogeneous processors: the DS3 templates from the real files,
//! HEFT-RT against the engine's HEFT, and the validator on every policy.

#[path = "common/proptest_cases.rs"]
mod proptest_cases;
#[path = "common/sweep.rs"]
mod sweep;

use proptest::prelude::*;
use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::sched::{self, Options};
use schedlab_core::stream::dag::{self, DagJob, DagMix, DagPolicy, DagSpec, DagStream};
use schedlab_core::stream::Arrivals;

fn ds3(jobs: usize, rho: f64, sigma: f64, seed: u64) -> DagStream {
    dag::generate(&DagSpec {
        jobs,
        arrivals: Arrivals::Load { rho },
        mix: DagMix::Ds3,
        exec_sigma: sigma,
        seed,
    })
    .unwrap()
}

#[test]
fn the_ds3_templates_are_the_real_wifi_jobs() {
    let t = dag::ds3_templates();
    assert_eq!(t.len(), 2);
    assert_eq!(t[0].problem.n_tasks(), 27);
    assert_eq!(t[1].problem.n_tasks(), 34);
    assert_eq!(t[0].problem.n_procs(), 16);
    // Same as importing the DS3 files in ../shared/data directly.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/ds3");
    for (k, job) in ["job_WIFI_5TXM.txt", "job_WIFI_5RXM.txt"]
        .iter()
        .enumerate()
    {
        let j = std::fs::read_to_string(format!("{dir}/config_Jobs/{job}")).unwrap();
        let soc =
            std::fs::read_to_string(format!("{dir}/config_SoC/SoC.MULTIPLE_BAL.txt")).unwrap();
        let s = formats::import(
            Format::Ds3,
            &[
                InputFile {
                    name: job,
                    text: &j,
                },
                InputFile {
                    name: "soc",
                    text: &soc,
                },
            ],
            &ImportOptions::default(),
        )
        .unwrap();
        let p = schedlab_core::Problem::new(&s).unwrap();
        assert_eq!(p.n_tasks(), t[k].problem.n_tasks());
        assert_eq!(p.deps.len(), t[k].problem.deps.len());
        for task in 0..p.n_tasks() {
            assert_eq!(p.exec_row(task), t[k].problem.exec_row(task));
        }
    }
    let s = ds3(400, 0.5, 0.0, 1);
    let tx = s.jobs.iter().filter(|j| j.template == 0).count();
    assert!((150..250).contains(&tx), "both jobs appear: {tx} TX of 400");
}

#[test]
fn a_lone_job_under_heft_rt_takes_heft_s_makespan() {
    let heft = sched::build(
        "heft",
        &Options::from([("insertion".to_string(), "false".to_string())]),
    )
    .unwrap();
    for (k, t) in dag::ds3_templates().into_iter().enumerate() {
        let plan = heft.schedule(&t.problem, 0);
        let s = DagStream {
            templates: vec![t],
            jobs: vec![DagJob {
                arrival: 5.0,
                template: 0,
            }],
            exec_sigma: 0.0,
            seed: 0,
        };
        let run = dag::simulate(&s, DagPolicy::HeftRt).unwrap();
        dag::check(&s, &run).unwrap();
        assert!(
            (run.completion[0] - 5.0 - plan.makespan()).abs() < 1e-9,
            "template {k}: {} vs HEFT {}",
            run.completion[0] - 5.0,
            plan.makespan()
        );
        assert!(run.completion[0] - 5.0 >= s.templates[0].lower_bound - 1e-9);
    }
}

#[test]
fn runs_are_deterministic_and_share_the_noise() {
    let s = ds3(200, 0.6, 0.3, 7);
    let a = dag::simulate(&s, DagPolicy::parse("dls_srpt").unwrap()).unwrap();
    assert_eq!(
        a,
        dag::simulate(&s, DagPolicy::parse("dls_srpt").unwrap()).unwrap()
    );
    let b = dag::simulate(&s, DagPolicy::HeftRt).unwrap();
    // Same task, same processor → same actual duration under both policies.
    let mut same = 0;
    for (x, y) in a.tasks.iter().zip(&b.tasks) {
        if x.proc == y.proc {
            assert!(((x.end - x.start) - (y.end - y.start)).abs() < 1e-9);
            same += 1;
        }
    }
    assert!(same > 100);
}

#[test]
fn job_level_srpt_beats_fcfs_under_load_on_the_ds3_mix() {
    let s = ds3(1500, 0.9, 0.0, 3);
    let mean = |id: &str| {
        let run = dag::simulate(&s, DagPolicy::parse(id).unwrap()).unwrap();
        dag::check(&s, &run).unwrap();
        dag::metrics(&s, &run).mean_flow_time
    };
    let (srpt, fcfs) = (mean("dls_srpt"), mean("dls_fcfs"));
    assert!(srpt < fcfs, "SRPT {srpt} vs FCFS {fcfs}");
}

#[test]
fn bad_dag_streams_are_refused() {
    let mut s = ds3(5, 0.5, 0.0, 1);
    s.exec_sigma = f64::NAN;
    assert!(dag::simulate(&s, DagPolicy::HeftRt)
        .unwrap_err()
        .to_string()
        .contains("noise"));
    let mut s = ds3(5, 0.5, 0.0, 1);
    s.jobs[0].template = 9;
    assert!(dag::simulate(&s, DagPolicy::HeftRt).is_err());
    let mut s = ds3(5, 0.5, 0.0, 1);
    s.jobs.swap(0, 4);
    assert!(dag::simulate(&s, DagPolicy::HeftRt)
        .unwrap_err()
        .to_string()
        .contains("order"));
    // Templates on different platforms.
    let random = DagMix::Random {
        tasks: 10,
        processors: 3,
        templates: 1,
        ccr: 1.0,
        beta: 0.5,
    };
    let mut s = ds3(5, 0.5, 0.0, 1);
    s.templates.push(random.templates(1).unwrap().remove(0));
    assert!(dag::simulate(&s, DagPolicy::HeftRt)
        .unwrap_err()
        .to_string()
        .contains("same processors"));
    assert!(DagPolicy::parse("srpt")
        .unwrap_err()
        .to_string()
        .contains("dls_srpt"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: proptest_cases::cases(120), ..ProptestConfig::default() })]

    #[test]
    fn every_dag_policy_passes_the_validator(seed in any::<u64>(), use_ds3 in any::<bool>(), rho in 0.2f64..1.3, sigma in prop_oneof![Just(0.0), 0.0f64..0.6], procs in 1usize..6, tasks in 1usize..30) {
        let mix = if use_ds3 { DagMix::Ds3 } else { DagMix::Random { tasks, processors: procs, templates: 3, ccr: 1.0, beta: 1.0 } };
        let s = dag::generate(&DagSpec { jobs: 30, arrivals: Arrivals::Load { rho }, mix, exec_sigma: sigma, seed }).unwrap();
        for id in sweep::dag_policies() {
            let run = dag::simulate(&s, DagPolicy::parse(&id).unwrap()).unwrap();
            if let Err(e) = dag::check(&s, &run) {
                prop_assert!(false, "{}: {}", id, e);
            }
            let m = dag::metrics(&s, &run);
            prop_assert!(m.mean_flow_time.is_finite() && m.utilisation <= 1.0 + 1e-9);
            if sigma == 0.0 {
                for (j, c) in run.completion.iter().enumerate() {
                    let lb = s.templates[s.jobs[j].template].lower_bound;
                    prop_assert!(c - s.jobs[j].arrival >= lb - 1e-9 * lb.max(1.0));
                }
            }
        }
    }
}
