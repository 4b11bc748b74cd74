//! `schedlab-fuzz [--seconds N | --execs-per-target N] [--max-execs N] [--target T]...
//! [--seed S] [--hang-ms MS] [--stuck-ms MS] [--max-rss-mb MB] [--data DIR] [--save-corpus]
//! [--no-save] [--replay-fixtures] [--replay FILE]`: a fuzz campaign (see the library's documentation). Exits 1 when it found
//! a panic, a bad error message or a hang; a stuck input or a runaway allocation is saved
//! by the watchdog, which then aborts the process.

use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use schedlab_fuzz::{campaign, rss_mb, save, seeds, targets, Config, Current};

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("schedlab-fuzz: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<bool, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = Config {
        seed: 1,
        seconds: None,
        execs_per_target: None,
        max_execs: None,
        targets: Vec::new(),
        hang_ms: 1000,
        save_findings: true,
        save_corpus: false,
        progress: true,
    };
    let mut stuck_ms = 10_000u64;
    let mut max_rss_mb = 4096.0;
    let mut data = seeds::root().join("../shared/data");
    let mut replay = None;
    let mut replay_fixtures = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        let num = |v: &String| {
            v.parse::<f64>()
                .map_err(|_| format!("{a}: not a number: {v}"))
        };
        match a.as_str() {
            "--seconds" => config.seconds = Some(num(value()?)?),
            "--execs-per-target" => config.execs_per_target = Some(num(value()?)? as u64),
            "--max-execs" => config.max_execs = Some(num(value()?)? as u64),
            "--seed" => config.seed = num(value()?)? as u64,
            "--hang-ms" => config.hang_ms = num(value()?)? as u64,
            "--stuck-ms" => stuck_ms = num(value()?)? as u64,
            "--max-rss-mb" => max_rss_mb = num(value()?)?,
            "--data" => data = value()?.into(),
            "--target" => {
                let id = value()?;
                config.targets.push(targets::find(id).ok_or_else(|| {
                    let ids: Vec<&str> = targets::TARGETS.iter().map(|t| t.id).collect();
                    format!("unknown target '{id}' (known: {})", ids.join(", "))
                })?);
            }
            "--replay" => replay = Some(value()?.clone()),
            "--replay-fixtures" => replay_fixtures = true,
            "--save-corpus" => config.save_corpus = true,
            "--no-save" => config.save_findings = false,
            "--quiet" => config.progress = false,
            _ => return Err(format!("unknown argument '{a}'")),
        }
    }
    if let Some(path) = replay {
        // One saved input through one target (`--target`, or the folder it is saved in).
        let input = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
        let target = match config.targets.first() {
            Some(t) => *t,
            None => std::path::Path::new(&path)
                .parent()
                .and_then(|d| d.file_name())
                .and_then(|d| targets::find(&d.to_string_lossy()))
                .ok_or("--replay needs --target")?,
        };
        let t0 = Instant::now();
        let out = targets::execute(target, &input);
        println!(
            "{}: {out:?} in {:.1} ms",
            target.id,
            t0.elapsed().as_secs_f64() * 1e3
        );
        return Ok(out.is_ok());
    }
    if config.targets.is_empty() {
        config.targets = targets::TARGETS.iter().collect();
    }
    let mut ok = true;
    if replay_fixtures {
        // Every kept finding and the corpus, slow ones included, each under the hang limit.
        let fixtures = seeds::fixtures();
        let t0 = Instant::now();
        for (id, path, input) in &fixtures {
            let t1 = Instant::now();
            let out = targets::execute(
                targets::find(id).expect("fixture folders are targets"),
                input,
            );
            let ms = t1.elapsed().as_secs_f64() * 1e3;
            // Kept slow inputs (`slow-*`, known slow paths) must end (the watchdog's
            // limit); the others within the hang limit.
            let slow = seeds::is_slow(path);
            if out.is_err() || (!slow && ms > config.hang_ms as f64) {
                ok = false;
            }
            if out.is_err() || slow || ms > config.hang_ms as f64 {
                println!(
                    "{path}: {:?} in {ms:.0} ms",
                    out.map_err(|e| schedlab_fuzz::short(&e))
                );
            }
        }
        println!(
            "replayed {} fixtures in {:.1} s",
            fixtures.len(),
            t0.elapsed().as_secs_f64()
        );
    }
    if config.seconds.is_none() && config.execs_per_target.is_none() && config.max_execs.is_none() {
        config.seconds = Some(60.0);
    }
    let seeds = seeds::load(&data);
    eprintln!(
        "fuzz: seed {}, {} seeds ({}), data {}",
        config.seed,
        seeds.values().map(Vec::len).sum::<usize>(),
        seeds
            .iter()
            .map(|(k, v)| format!("{k} {}", v.len()))
            .collect::<Vec<_>>()
            .join(", "),
        if data.is_dir() {
            "found"
        } else {
            "missing: repository fixtures only"
        }
    );
    // Caught panics are findings, reported once by the campaign; keep stderr readable.
    std::panic::set_hook(Box::new(|_| {}));
    let current = Arc::new(Current::default());
    watchdog(current.clone(), stuck_ms, max_rss_mb, config.save_findings);
    let report = campaign(&config, &seeds, &current);
    println!("{}", report.table());
    for (id, s) in &report.stats {
        for f in s.findings.iter().take(5) {
            println!("{id}: {f}");
        }
    }
    for p in &report.written {
        println!("wrote {}", p.display());
    }
    Ok(ok && report.findings() == 0 && report.hangs() == 0)
}

/// Saves the running input and aborts when one execution runs longer than `stuck_ms` or
/// the process grows past `max_rss_mb`.
fn watchdog(current: Arc<Current>, stuck_ms: u64, max_rss_mb: f64, save_it: bool) {
    let start = Instant::now();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(100));
        let began = current.started_ms.load(Ordering::SeqCst);
        let now = start.elapsed().as_millis() as u64;
        let rss = rss_mb();
        let why = if began > 0 && now.saturating_sub(began) > stuck_ms {
            format!("stuck for more than {stuck_ms} ms")
        } else if rss > max_rss_mb {
            format!("resident memory {rss:.0} MB, over {max_rss_mb:.0} MB")
        } else {
            continue;
        };
        let (target, input) = current
            .input
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        eprintln!(
            "schedlab-fuzz: {target}: {why} on a {}-byte input",
            input.len()
        );
        if save_it {
            if let Some(p) = save(&seeds::crashes_dir(), target, "stuck-", &input) {
                eprintln!("schedlab-fuzz: saved {}", p.display());
            }
        }
        std::process::abort();
    });
}
