//! Engine benchmarks (criterion): HEFT on Topcuoglu random DAGs of 100 to 10,000 tasks × 8
//! processors, the other schedulers at 1,000 tasks, and the simulation of a plan under noise.
//! `cargo xtask bench` runs them; docs/performance.md records the numbers.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use schedlab_core::gen::{generate, Family, GenSpec};
use schedlab_core::sched::{self, Options, REGISTRY};
use schedlab_core::{simulate, Noise, Problem};

fn problem(tasks: usize) -> Problem {
    let spec = GenSpec {
        family: Family::Random {
            tasks,
            alpha: 1.0,
            out_degree: 3,
        },
        processors: 8,
        ccr: 1.0,
        beta: 1.0,
        mean_cost: 20.0,
        seed: 1,
    };
    Problem::new(&generate(&spec).unwrap()).unwrap()
}

fn heft_scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("heft");
    g.sample_size(20);
    for n in [100, 1_000, 5_000, 10_000] {
        let p = problem(n);
        let heft = sched::build("heft", &Options::new()).unwrap();
        g.throughput(Throughput::Elements((p.deps.len() * p.n_procs()) as u64));
        g.bench_with_input(BenchmarkId::from_parameter(format!("{n}x8")), &p, |b, p| {
            b.iter(|| heft.schedule(p, 0))
        });
    }
    g.finish();
}

fn all_schedulers(c: &mut Criterion) {
    let mut g = c.benchmark_group("schedulers_1000x8");
    g.sample_size(10);
    let p = problem(1_000);
    for spec in REGISTRY {
        let s = spec.build(&Options::new()).unwrap();
        g.bench_function(spec.id, |b| b.iter(|| s.schedule(&p, 0)));
    }
    // Recording every decision (issue 12): what `--explain` costs over the plan alone.
    let heft = sched::build("heft", &Options::new()).unwrap();
    g.bench_function("heft_explained", |b| b.iter(|| heft.explain(&p, 0)));
    g.finish();
}

fn simulation(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate");
    g.sample_size(20);
    for n in [1_000, 10_000] {
        let p = problem(n);
        let plan = sched::build("heft", &Options::new())
            .unwrap()
            .schedule(&p, 0);
        let noise = Noise {
            exec_sigma: 0.3,
            comm_sigma: 0.1,
            ..Default::default()
        };
        g.bench_function(format!("heft_plan_{n}x8_sigma0.3"), |b| {
            b.iter(|| simulate(&p, &plan, &noise, 7).unwrap())
        });
    }
    g.finish();
}

fn import(c: &mut Criterion) {
    let text = schedlab_core::gen::generate(&GenSpec {
        family: Family::Random {
            tasks: 5_000,
            alpha: 1.0,
            out_degree: 3,
        },
        processors: 8,
        ..GenSpec::default()
    })
    .unwrap()
    .to_json();
    c.bench_function("parse_and_validate_5000x8", |b| {
        b.iter(|| Problem::new(&schedlab_core::Scenario::from_json(&text).unwrap()).unwrap())
    });
}

fn streams(c: &mut Criterion) {
    use schedlab_core::stream::policy::Policy;
    use schedlab_core::stream::{generate, sim, Arrivals, Info, Mix, StreamSpec};
    let mut g = c.benchmark_group("stream");
    g.sample_size(10);
    let spec = StreamSpec {
        speeds: vec![],
        context_switch: 0.0,
        jobs: 100_000,
        machines: 4,
        arrivals: schedlab_core::stream::Arrivals::Load { rho: 0.9 },
        mix: Mix::Single { mean_size: 1.0 },
        info: Info::Clairvoyant,
        estimate_noise: 0.0,
        deadline_slack: None,
        seed: 1,
    };
    let s = generate(&spec).unwrap();
    for (id, p) in [
        ("srpt", Policy::Srpt),
        ("fcfs", Policy::Fcfs),
        ("ps", Policy::Ps),
    ] {
        g.bench_function(format!("{id}_100k_jobs_4_machines_rho0.9"), |b| {
            b.iter(|| sim::simulate(&s, p.clone()).unwrap())
        });
    }
    // Related machines and context switches on the same stream.
    let related = generate(&StreamSpec {
        speeds: vec![2.0, 1.5, 1.0, 0.5],
        context_switch: 0.01,
        ..spec.clone()
    })
    .unwrap();
    g.bench_function("srpt_100k_jobs_related_machines_cs", |b| {
        b.iter(|| sim::simulate(&related, Policy::Srpt).unwrap())
    });
    // DAG jobs: 10,000 DS3 WiFi jobs (about 300,000 tasks) on the 16-PE SoC, σ = 0.3.
    use schedlab_core::stream::dag;
    let d = dag::generate(&dag::DagSpec {
        jobs: 10_000,
        arrivals: Arrivals::Load { rho: 0.8 },
        mix: dag::DagMix::Ds3,
        exec_sigma: 0.3,
        seed: 1,
    })
    .unwrap();
    for id in dag::DAG_POLICIES.iter().map(|e| e.id) {
        let p = dag::DagPolicy::parse(id).unwrap();
        g.bench_function(format!("{id}_10k_ds3_jobs"), |b| {
            b.iter(|| dag::simulate(&d, p.clone()).unwrap())
        });
    }
    g.finish();
}

/// The learned policy: scoring 100 candidates (real feature vectors recorded from a DS3
/// run), and one training iteration of the browser's fine-tuning on a 20-job stream.
fn learned(c: &mut Criterion) {
    use schedlab_core::stream::dag::{self, DagPolicy, Recorder};
    use schedlab_core::stream::learned::{self, Features, Trainer};
    struct Keep(Vec<Features>);
    impl Recorder for Keep {
        fn decision(&mut self, _: f64, f: &[Features], _: usize) {
            if self.0.len() < 100 {
                self.0.extend_from_slice(f);
            }
        }
    }
    let d = dag::generate(&dag::DagSpec {
        jobs: 200,
        arrivals: schedlab_core::stream::Arrivals::Load { rho: 0.9 },
        mix: dag::DagMix::Ds3,
        exec_sigma: 0.3,
        seed: 1,
    })
    .unwrap();
    let model = learned::shipped();
    let mut keep = Keep(Vec::new());
    dag::simulate_recorded(&d, &DagPolicy::Learned(model.clone()), Some(&mut keep)).unwrap();
    let feats: Vec<Features> = keep.0.iter().cycle().take(100).copied().collect();
    let mut g = c.benchmark_group("learned");
    g.bench_function("score_100_candidates", |b| {
        b.iter(|| {
            let mut best = (f32::NEG_INFINITY, 0);
            for (i, x) in feats.iter().enumerate() {
                let s = model.score(std::hint::black_box(x));
                if s > best.0 {
                    best = (s, i);
                }
            }
            best
        })
    });
    let settings_like = learned::TrainConfig {
        jobs: 20,
        pairs: 6,
        streams: 2,
        validation: 3,
        validation_jobs: 30,
        noise: vec![0.3],
        template_seed: Some(1),
        iterations: 1_000_000,
        ..learned::TrainConfig::default()
    };
    let mut t = Trainer::new(settings_like, Some((*model).clone()), "bench").unwrap();
    g.sample_size(10);
    g.bench_function("train_iteration_20_jobs_6_pairs", |b| {
        b.iter(|| t.step().unwrap())
    });
    g.finish();
}

fn serving(c: &mut Criterion) {
    use schedlab_core::serve::router::{Router, ROUTERS};
    use schedlab_core::serve::sim::{capacity, simulate, ServeConfig};
    use schedlab_core::serve::{parse_trace, Request, Workload};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/mooncake");
    let conv = parse_trace(
        "conversation",
        &std::fs::read_to_string(format!("{dir}/conversation_trace.jsonl")).unwrap(),
    )
    .unwrap();
    // 100,000 trace requests: the conversation trace nine times in a row, each copy with its
    // own block ids, played twice as fast on 16 instances (6.8 req/s, near the routers'
    // capacity there with the iteration-level model: docs/serving.md).
    let span = conv.span_ms() + 1.0;
    let mut requests: Vec<Request> = Vec::new();
    for k in 0..9u64 {
        for r in &conv.requests {
            if requests.len() == 100_000 {
                break;
            }
            requests.push(Request {
                arrival: (r.arrival + k as f64 * span) / 2.0,
                blocks: r.blocks.iter().map(|b| b + k * 1_000_000).collect(),
                ..r.clone()
            });
        }
    }
    let big = Workload {
        name: "conversation×9".into(),
        requests,
    };
    let cfg16 = ServeConfig {
        instances: 16,
        ..ServeConfig::default()
    };
    let mut g = c.benchmark_group("serve");
    g.sample_size(10);
    for id in ["dualmap", "round_robin", "cache_aware", "llm_d"] {
        let r = Router::parse(id).unwrap();
        g.bench_function(format!("{id}_100k_requests_16_instances"), |b| {
            b.iter(|| simulate(&big, &cfg16, r.clone()).unwrap())
        });
    }
    // The SLO of docs/serving.md's tables (10 s: at 2 s a fifth of the trace's prompts
    // cannot be prefilled in time even alone).
    let cfg8 = ServeConfig {
        slo_ms: 10_000.0,
        ..ServeConfig::default()
    };
    let conv = conv.spread(1);
    g.bench_function("capacity_every_router_conversation_8_instances", |b| {
        b.iter(|| {
            for id in ROUTERS.iter().map(|e| e.id) {
                capacity(&conv, &cfg8, Router::parse(id).unwrap(), 0.9).unwrap();
            }
        })
    });
    g.finish();
}

/// Issue 14's budgets: a priority rule over 1,000 tasks (≤ 1 ms), an annealing step on a
/// 10-task instance (≤ 100 µs).
fn rules(c: &mut Criterion) {
    use schedlab_core::adversary::{Search, Settings};
    use schedlab_core::rule::Rule;
    use schedlab_core::sched::rule::{RuleScheduler, PRIORITY_VARS};
    let mut g = c.benchmark_group("rules");
    g.sample_size(20);
    let p = problem(1_000);
    let text = "if out_degree > 2 then rank_u + 0.5 * rank_d else max(rank_u, mean_cost * level)";
    let rule = Rule::parse(text, PRIORITY_VARS).unwrap();
    let vars: Vec<[f64; 15]> = (0..1_000)
        .map(|t| std::array::from_fn(|k| (t * 7 + k * 13) as f64 % 17.0))
        .collect();
    g.bench_function("eval_1000_tasks", |b| {
        b.iter(|| vars.iter().map(|v| rule.eval(v).unwrap()).sum::<f64>())
    });
    let options: Options = [("priority".to_string(), text.to_string())].into();
    let sched = RuleScheduler::new(&options).unwrap();
    g.bench_function("priorities_1000_tasks_with_ranks", |b| {
        b.iter(|| sched.priorities(&p).unwrap())
    });
    let settings = Settings {
        tasks: 10,
        ..Settings::default()
    };
    let (search, pair) = Search::new(settings).unwrap();
    g.bench_function("anneal_100_steps_10_tasks", |b| {
        b.iter(|| {
            let mut s = search.clone();
            s.step(&pair, 100);
            s.state.best_ratio
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    rules,
    serving,
    heft_scaling,
    all_schedulers,
    simulation,
    import,
    streams,
    learned
);
criterion_main!(benches);
