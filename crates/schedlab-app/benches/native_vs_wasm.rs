//! The same engine calls natively and in WebAssembly (issue 18): HEFT on a 1,000-task
//! graph, SRPT on a 10,000-job stream and a 10,000-request serving run (the page's largest:
//! `limits::MAX_UI_REQUESTS`; the job goes through the page's checks), each as the job
//! bytes the background worker answers (`schedlab_app::jobs::serve`, which the page exports
//! as `schedlab_worker_serve`). This bench times them natively and writes the job bytes
//! to `<target>/bench-jobs/`, where `cargo xtask bench --web` (tests/e2e/perf.mjs) times
//! the very same bytes in headless Chromium and prints both side by side.

use criterion::{criterion_group, criterion_main, Criterion};
use schedlab_app::jobs::{self, Job};
use schedlab_app::labs::dag::eval::SweepJob;
use schedlab_core::gen::{generate, Family, GenSpec};
use schedlab_core::run::NoiseSettings;
use schedlab_core::serve::lab::ServingSettings;
use schedlab_core::stream::lab::StreamsSettings;

/// The three jobs, by the names both sides print.
fn jobs() -> Vec<(&'static str, Job)> {
    let scenario = generate(&GenSpec {
        family: Family::Random {
            tasks: 1000,
            alpha: 1.0,
            out_degree: 3,
        },
        ..GenSpec::default()
    })
    .expect("a valid generator spec");
    vec![
        (
            "heft_1000_tasks",
            Job::Dag(SweepJob {
                scenario,
                schedulers: vec!["heft".into()],
                options: Default::default(),
                noise: NoiseSettings::default(),
                curves: false,
            }),
        ),
        (
            "srpt_10000_jobs",
            Job::Streams(StreamsSettings {
                jobs: 10_000,
                policies: vec!["srpt".into()],
                ..StreamsSettings::default()
            }),
        ),
        (
            "serving_10000_requests",
            Job::Serving(ServingSettings {
                requests: schedlab_app::limits::MAX_UI_REQUESTS,
                routers: vec!["dualmap".into()],
                ..ServingSettings::default()
            }),
        ),
    ]
}

fn native_vs_wasm(c: &mut Criterion) {
    let dir = std::path::PathBuf::from(
        std::env::var("CARGO_TARGET_DIR")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target").to_string()),
    )
    .join("bench-jobs");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    let mut g = c.benchmark_group("native_vs_wasm");
    g.sample_size(10);
    for (name, job) in jobs() {
        let bytes = jobs::encode_job(&job);
        std::fs::write(dir.join(format!("{name}.json")), &bytes).expect("writable");
        // The answer is an outcome, not an error.
        let reply = jobs::decode_reply(&jobs::serve(&bytes, 20_000, |_, _| {})).expect("decodes");
        assert!(reply.is_ok(), "{name}: {reply:?}");
        g.bench_function(name, |b| b.iter(|| jobs::serve(&bytes, 20_000, |_, _| {})));
    }
    g.finish();
}

criterion_group!(benches, native_vs_wasm);
criterion_main!(benches);
