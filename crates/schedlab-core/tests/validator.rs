//! Every scheduler on thousands of random instances, with and without noise, checked by the
//! independent validator; σ = 0 reproduces the plan exactly; simulation is deterministic.

#[path = "common/proptest_cases.rs"]
mod proptest_cases;
#[path = "common/sweep.rs"]
mod sweep;

use proptest::prelude::*;
use schedlab_core::scenario::{
    Edge, Link, LinkBandwidth, Network, ProcKind, Processor, Scenario, Task,
};
use schedlab_core::sched::Options;
use schedlab_core::sim::{RandomStragglers, Straggler};
use schedlab_core::{check, simulate, Noise, Problem};

/// A random valid scenario: a DAG (edges only from lower to higher index), mixed cost
/// models, tasks that cannot run everywhere, zero costs, heterogeneous links and latency.
fn scenario() -> impl Strategy<Value = Scenario> {
    (1usize..28, 1usize..5).prop_flat_map(|(n, m)| {
        (
            proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![3 => (0u32..40).prop_map(|c| Some(c as f64)), 1 => Just(None)],
                    m,
                ),
                n,
            ),
            proptest::collection::vec(any::<bool>(), n),
            proptest::collection::vec((0..n, 0..n, 0u32..30), 0..(n * 2)),
            proptest::collection::vec(
                prop_oneof![Just(None), (1u32..5).prop_map(|b| Some(b as f64))],
                m * m,
            ),
            0u32..3,
            proptest::collection::vec(1u32..4, m),
        )
            .prop_map(
                move |(costs, use_speed, raw_edges, links, latency, speeds)| {
                    let mut s = Scenario::new("random");
                    s.processors = (0..m)
                        .map(|p| Processor {
                            name: format!("p{p}"),
                            kind: ProcKind::ALL[p % 6],
                            speed: speeds[p] as f64,
                        })
                        .collect();
                    s.network = Network {
                        bandwidth: Some(2.0),
                        latency: latency as f64,
                        links: Vec::new(),
                    };
                    for a in 0..m {
                        for b in (a + 1)..m {
                            if let Some(bw) = links[a * m + b] {
                                s.network.links.push(Link {
                                    a: format!("p{a}"),
                                    b: format!("p{b}"),
                                    bandwidth: LinkBandwidth::Value(bw),
                                    latency: None,
                                });
                            } else if (a + b) % 3 == 0 {
                                s.network.links.push(Link {
                                    a: format!("p{a}"),
                                    b: format!("p{b}"),
                                    bandwidth: LinkBandwidth::Infinite,
                                    latency: Some(0.0),
                                });
                            }
                        }
                    }
                    s.tasks = (0..n)
                        .map(|t| {
                            let mut row = costs[t].clone();
                            if row.iter().all(Option::is_none) {
                                row[t % m] = Some(1.0);
                            }
                            if use_speed[t] {
                                Task {
                                    name: format!("t{t}"),
                                    cost: row.iter().flatten().next().copied(),
                                    costs: None,
                                }
                            } else {
                                Task {
                                    name: format!("t{t}"),
                                    cost: None,
                                    costs: Some(row),
                                }
                            }
                        })
                        .collect();
                    let mut seen = std::collections::HashSet::new();
                    for (a, b, d) in raw_edges {
                        let (a, b) = (a.min(b), a.max(b));
                        if a != b && seen.insert((a, b)) {
                            s.edges.push(Edge {
                                from: format!("t{a}"),
                                to: format!("t{b}"),
                                data: d as f64,
                            });
                        }
                    }
                    s
                },
            )
    })
}

fn noises(problem: &Problem) -> Vec<Noise> {
    vec![
        Noise::default(),
        Noise::exec(0.1),
        Noise {
            exec_sigma: 0.5,
            comm_sigma: 0.3,
            ..Default::default()
        },
        Noise {
            exec_sigma: 0.2,
            stragglers: vec![Straggler {
                processor: problem.proc_names[0].clone(),
                factor: 3.0,
                start: 1.0,
                end: 20.0,
            }],
            random_stragglers: Some(RandomStragglers {
                probability: 0.5,
                factor: 2.0,
                duration: 0.3,
            }),
            ..Default::default()
        },
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: proptest_cases::cases(1500), ..ProptestConfig::default() })]

    #[test]
    fn every_scheduler_every_noise_passes_the_validator(s in scenario(), seed in any::<u64>()) {
        let problem = Problem::new(&s).expect("generated scenarios are valid");
        for variant in sweep::schedulers() {
            let (spec, options) = schedlab_core::sched::parse(&variant).unwrap();
            let plan = spec.build(&options).unwrap().schedule(&problem, seed);
            if let Err(e) = check::check_plan(&problem, &plan) {
                prop_assert!(false, "{}: invalid plan: {e}", variant);
            }
            // Recording the decisions changes nothing, and records each placement.
            let (same, why) = spec.build(&options).unwrap().explain(&problem, seed);
            prop_assert_eq!(&same, &plan, "{}: recording changed the plan", variant);
            prop_assert_eq!(why.decisions.len(), problem.n_tasks());
            let mut placed = vec![false; problem.n_tasks()];
            for d in &why.decisions {
                let slot = plan.slots[d.task];
                prop_assert_eq!((d.proc, d.start, d.finish), (slot.proc, slot.start, slot.end));
                prop_assert!(!placed[d.task] && d.ready.contains(&d.task), "{}: step {}", variant, d.step);
                prop_assert!(d.candidates.iter().any(|c| c.proc == d.proc));
                placed[d.task] = true;
            }
            for (i, noise) in noises(&problem).iter().enumerate() {
                let exec = simulate(&problem, &plan, noise, seed).unwrap();
                if let Err(e) = check::check_execution(&problem, &plan, &exec) {
                    prop_assert!(false, "{} noise #{i}: invalid execution: {e}", variant);
                }
                if noise.is_none() {
                    // σ = 0: what happens is exactly what was planned.
                    for (t, r) in exec.tasks.iter().enumerate() {
                        prop_assert_eq!((r.start, r.end), (plan.slots[t].start, plan.slots[t].end), "{} task {}", variant, t);
                    }
                    prop_assert_eq!(exec.makespan, plan.makespan());
                }
                // Deterministic: the same seed gives the same execution.
                prop_assert_eq!(&exec, &simulate(&problem, &plan, noise, seed).unwrap());
            }
        }
    }
}

#[test]
fn noise_changes_the_execution_and_seeds_differ() {
    let s = schedlab_core::gen::generate(&schedlab_core::gen::GenSpec::default()).unwrap();
    let p = Problem::new(&s).unwrap();
    let plan = schedlab_core::sched::build("heft", &Options::new())
        .unwrap()
        .schedule(&p, 0);
    let a = simulate(&p, &plan, &Noise::exec(0.3), 1).unwrap();
    let b = simulate(&p, &plan, &Noise::exec(0.3), 2).unwrap();
    assert_ne!(a.makespan, plan.makespan());
    assert_ne!(a.makespan, b.makespan);
    // A straggler on every processor for the whole run slows everything by its factor
    // when there is no communication.
    let mut chain = Scenario::new("chain");
    chain.processors = vec![Processor {
        name: "p".into(),
        kind: ProcKind::Cpu,
        speed: 1.0,
    }];
    chain.tasks = (0..3)
        .map(|i| Task {
            name: format!("t{i}"),
            cost: Some(2.0),
            costs: None,
        })
        .collect();
    chain.edges = vec![
        Edge {
            from: "t0".into(),
            to: "t1".into(),
            data: 5.0,
        },
        Edge {
            from: "t1".into(),
            to: "t2".into(),
            data: 5.0,
        },
    ];
    let p = Problem::new(&chain).unwrap();
    let plan = schedlab_core::sched::build("heft", &Options::new())
        .unwrap()
        .schedule(&p, 0);
    let slow = Noise {
        stragglers: vec![Straggler {
            processor: "p".into(),
            factor: 2.5,
            start: 0.0,
            end: 100.0,
        }],
        ..Default::default()
    };
    assert_eq!(simulate(&p, &plan, &slow, 0).unwrap().makespan, 15.0);
}

#[test]
fn the_validator_catches_broken_plans() {
    let s = schedlab_core::gen::generate(&schedlab_core::gen::GenSpec::default()).unwrap();
    let p = Problem::new(&s).unwrap();
    let plan = schedlab_core::sched::build("heft", &Options::new())
        .unwrap()
        .schedule(&p, 0);
    check::check_plan(&p, &plan).unwrap();
    // Start a task that has a predecessor at time 0.
    let t = (0..p.n_tasks())
        .find(|&t| !p.pred_deps(t).is_empty())
        .unwrap();
    let mut bad = plan.clone();
    let w = bad.slots[t].end - bad.slots[t].start;
    bad.slots[t].start = 0.0;
    bad.slots[t].end = w;
    assert!(check::check_plan(&p, &bad).is_err());
    // Stretch a task.
    let mut bad = plan.clone();
    bad.slots[0].end += 1.0;
    assert!(check::check_plan(&p, &bad).unwrap_err().contains("lasts"));
    // Put two tasks at the same time on the same processor.
    let mut bad = plan.clone();
    let (a, b) = (p.topo[0], p.topo[1]);
    bad.slots[b] = bad.slots[a];
    bad.slots[b].end = bad.slots[b].start + p.exec(b, bad.slots[b].proc);
    assert!(check::check_plan(&p, &bad).is_err());
}
