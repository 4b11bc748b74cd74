//! `cargo xtask bench`: the criterion benchmarks and their summary, the web budgets in
//! headless Chromium (`--web`), and saga's Python HEFT against the whole `schedlab run`
//! process on the same graphs (`--saga`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::{build_web, ensure_chromium, root, run, step, Result, Server, CHROMIUM, E2E_DIR};

pub(crate) fn bench(with_saga: bool, with_web: bool) -> Result {
    if with_web {
        return web_bench();
    }
    step("criterion benchmarks (schedlab-core)");
    run(Command::new("cargo").args(["bench", "-p", "schedlab-core", "--bench", "engine"]))?;
    step("summary: median time per iteration (from target/criterion)");
    let mut rows = Vec::new();
    collect_estimates(&target_dir().join("criterion"), &mut rows);
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    for (name, ns) in rows {
        println!("{name:width$}  {}", human_ns(ns));
    }
    if with_saga {
        saga_bench()?;
    }
    Ok(())
}

/// The web budgets (docs/performance.md): first render, animation frame rate with 2,000
/// bars, a 200-task edit, bundle size; measured in headless Chromium by tests/e2e/perf.mjs.
/// Also the same engine calls natively (criterion, `native_vs_wasm`) and in the page.
fn web_bench() -> Result {
    step("the engine calls natively (crates/schedlab-app/benches/native_vs_wasm.rs)");
    run(Command::new("cargo").args(["bench", "-p", "schedlab-app", "--bench", "native_vs_wasm"]))?;
    let gz = build_web()?;
    ensure_chromium()?;
    step("web budgets and the same engine calls in headless Chromium (tests/e2e/perf.mjs)");
    let server = Server::start(root().join("dist"))?;
    run(Command::new("node")
        .arg(root().join(E2E_DIR).join("perf.mjs"))
        .env("SCHEDLAB_URL", server.url())
        .env("SCHEDLAB_WASM_JS_GZIP", gz.to_string())
        .env("SCHEDLAB_BENCH_JOBS", target_dir().join("bench-jobs"))
        .env("SCHEDLAB_CRITERION", target_dir().join("criterion"))
        .env("CHROMIUM", CHROMIUM))
}

/// Finds criterion's `<bench>/new/estimates.json` files and reads their median (ns).
fn collect_estimates(dir: &Path, out: &mut Vec<(String, f64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            let est = p.join("new/estimates.json");
            if let Ok(text) = std::fs::read_to_string(&est) {
                // {"mean":{...},"median":{"confidence_interval":{...},"point_estimate":X,...
                let median = text.find("\"median\"").and_then(|i| {
                    let rest = &text[i..];
                    let j = rest.find("\"point_estimate\":")? + "\"point_estimate\":".len();
                    rest[j..]
                        .split([',', '}'])
                        .next()?
                        .trim()
                        .parse::<f64>()
                        .ok()
                });
                if let Some(ns) = median {
                    let rel = p
                        .strip_prefix(root().join("target/criterion"))
                        .unwrap_or(&p);
                    out.push((rel.to_string_lossy().into_owned(), ns));
                }
            } else if p
                .file_name()
                .is_some_and(|n| n != "report" && n != "new" && n != "base" && n != "change")
            {
                collect_estimates(&p, out);
            }
        }
    }
}

fn human_ns(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The build directory: `CARGO_TARGET_DIR` if set (shared worktrees), else `target/`.
fn target_dir() -> PathBuf {
    root().join(std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| "target".into()))
}

/// Whole-process runs of `schedlab run` per graph; the median is reported.
const PROCESS_RUNS: usize = 20;

/// Times saga's Python HEFT on the same generated graphs, in a private virtualenv under
/// target/ (anrg-saga from PyPI), next to the whole `schedlab run` process (median of
/// `PROCESS_RUNS`: reading the file, validating, scheduling, simulating, writing the JSON)
/// and their ratio. Reference numbers for docs/performance.md.
fn saga_bench() -> Result {
    step("saga 2.0.2 HEFT (Python) on the same graphs");
    let venv = target_dir().join("saga-venv");
    let py = venv.join("bin/python");
    if !py.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
        run(Command::new(venv.join("bin/pip")).args(["install", "-q", "anrg-saga==2.0.2"]))?;
    }
    run(Command::new("cargo").args(["build", "--release", "-p", "schedlab-cli"]))?;
    let dir = target_dir().join("saga-bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let schedlab = target_dir().join("release/schedlab");
    let mut rows = Vec::new();
    for tasks in [1000usize, 5000] {
        let scen = dir.join(format!("random-{tasks}.json"));
        run(Command::new(&schedlab)
            .args([
                "gen",
                "dag",
                "--tasks",
                &tasks.to_string(),
                "--processors",
                "8",
                "--beta",
                "0",
            ])
            .arg("-o")
            .arg(&scen))?;
        let saga_file = dir.join(format!("random-{tasks}-saga.json"));
        run(Command::new(&schedlab)
            .args(["export", "--to", "saga"])
            .arg(&scen)
            .arg("-o")
            .arg(&saga_file))?;
        let process = process_times(&schedlab, &scen)?;
        let script = format!(
            "import json,time\nfrom saga import TaskGraph, Network\nfrom saga.schedulers import HeftScheduler\nd=json.load(open({f:?}))\ntg=TaskGraph.model_validate(d['task_graph']); net=Network.model_validate(d['network'])\nt=time.perf_counter(); s=HeftScheduler().schedule(net, tg); dt=time.perf_counter()-t\nprint(dt, max(x.end for ts in s.mapping.values() for x in ts))",
            f = saga_file.to_string_lossy()
        );
        let out = Command::new(&py)
            .arg("-c")
            .arg(&script)
            .output()
            .map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let saga: Vec<Option<f64>> = text.split_whitespace().map(|w| w.parse().ok()).collect();
        let line = match saga.as_slice() {
            [Some(secs), Some(makespan)] => format!(
                "saga HEFT {secs:.2} s (makespan {makespan:.2}); {process}; saga HEFT / schedlab process = {:.0}x",
                secs / process.median_s
            ),
            _ => format!(
                "saga HEFT did not run ({}); {process}",
                String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("no output")
            ),
        };
        rows.push(format!("{tasks} tasks x 8 processors: {line}"));
    }
    step("summary");
    for r in rows {
        println!("{r}");
    }
    Ok(())
}

/// Whole-process times of `schedlab run --scheduler heft --set comm_average=saga`.
struct ProcessTimes {
    median_s: f64,
    min_s: f64,
    max_s: f64,
    makespan: String,
    load: String,
}

impl std::fmt::Display for ProcessTimes {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "schedlab run, whole process: median {:.1} ms (min {:.1}, max {:.1}, {PROCESS_RUNS} runs, load average {}), makespan {}",
            self.median_s * 1e3,
            self.min_s * 1e3,
            self.max_s * 1e3,
            self.load,
            self.makespan
        )
    }
}

/// Runs `schedlab run` on `scen` `PROCESS_RUNS` times (after one warm-up run that fills
/// the page cache), stdout into a pipe that is drained, as a user's shell would.
fn process_times(schedlab: &Path, scen: &Path) -> Result<ProcessTimes> {
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into());
    let mut makespan = String::new();
    let mut secs = Vec::with_capacity(PROCESS_RUNS);
    for i in 0..=PROCESS_RUNS {
        let t0 = Instant::now();
        let out = Command::new(schedlab)
            .arg("run")
            .arg(scen)
            .args(["--scheduler", "heft", "--set", "comm_average=saga"])
            .output()
            .map_err(|e| e.to_string())?;
        let dt = t0.elapsed().as_secs_f64();
        if !out.status.success() {
            return Err(format!(
                "schedlab run {}: {}",
                scen.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        if i == 0 {
            // `"makespan": 12576.47,` is the first field of the output.
            let text = String::from_utf8_lossy(&out.stdout);
            makespan = text
                .split_once("\"makespan\": ")
                .and_then(|(_, rest)| rest.split([',', '\n']).next())
                .unwrap_or("?")
                .to_string();
        } else {
            secs.push(dt);
        }
    }
    secs.sort_by(f64::total_cmp);
    Ok(ProcessTimes {
        median_s: secs[secs.len() / 2],
        min_s: secs[0],
        max_s: secs[secs.len() - 1],
        makespan,
        load,
    })
}
