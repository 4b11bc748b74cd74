//! schedlab's in-process fuzzer (docs/reliability.md). Structured mutation, not coverage
//! guidance (cargo-fuzz needs nightly Rust): seeds are real files, mutations know JSON,
//! JSON lines, line-based text and share links, and an input that draws an error message
//! the target has not given before joins the pool of inputs to mutate further (feedback by
//! outcome, the cheap stand-in for coverage). Every accepted input goes on to the run the
//! page would do next.
//!
//! `cargo xtask fuzz [--seconds N] [--target T]` runs a campaign; `cargo xtask test` a
//! short pass with a fixed seed and a fixed number of executions; the regression test
//! (`tests/regression.rs`) replays the committed corpus and every kept finding.

pub mod mutate;
pub mod rng;
pub mod seeds;
pub mod targets;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rng::Rng;
use targets::{execute, Outcome, Target};

/// What the watchdog sees: the input being run and since when.
#[derive(Debug, Default)]
pub struct Current {
    /// Milliseconds since the campaign's start when the running execution began; 0 = idle.
    pub started_ms: AtomicU64,
    pub input: Mutex<(&'static str, Arc<Vec<u8>>)>,
}

/// A campaign's settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub seed: u64,
    /// Stop after this long (time-balanced across targets)...
    pub seconds: Option<f64>,
    /// ...or after this many executions per target (round robin: deterministic).
    pub execs_per_target: Option<u64>,
    /// Stop after this many executions in all.
    pub max_execs: Option<u64>,
    pub targets: Vec<&'static Target>,
    /// An execution longer than this is a hang.
    pub hang_ms: u64,
    /// Write new findings under `tests/fixtures/fuzz/crashes/`.
    pub save_findings: bool,
    /// Write a small corpus (inputs that drew a new outcome) under `tests/fixtures/fuzz/corpus/`.
    pub save_corpus: bool,
    pub progress: bool,
}

/// One target's counts.
#[derive(Debug, Clone, Default)]
pub struct TargetStats {
    pub execs: u64,
    pub accepted: u64,
    pub refused: u64,
    /// Distinct outcomes (error messages with numbers masked, and "accepted").
    pub classes: BTreeSet<String>,
    pub findings: Vec<String>,
    pub hangs: u64,
    pub max_ms: f64,
    pub seconds: f64,
}

/// A campaign's result.
#[derive(Debug, Clone)]
pub struct Report {
    pub stats: Vec<(&'static str, TargetStats)>,
    pub seconds: f64,
    pub peak_rss_mb: f64,
    /// Files written (findings and corpus).
    pub written: Vec<PathBuf>,
}

impl Report {
    pub fn execs(&self) -> u64 {
        self.stats.iter().map(|(_, s)| s.execs).sum()
    }

    pub fn findings(&self) -> usize {
        self.stats.iter().map(|(_, s)| s.findings.len()).sum()
    }

    pub fn hangs(&self) -> u64 {
        self.stats.iter().map(|(_, s)| s.hangs).sum()
    }

    /// A Markdown table (docs/reliability.md records one).
    pub fn table(&self) -> String {
        let mut out = String::from(
            "| target | executions | accepted | distinct outcomes | panics/findings | hangs | slowest (ms) | time (s) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
        );
        for (id, s) in &self.stats {
            out += &format!(
                "| {id} | {} | {} | {} | {} | {} | {:.1} | {:.0} |\n",
                s.execs,
                s.accepted,
                s.classes.len(),
                s.findings.len(),
                s.hangs,
                s.max_ms,
                s.seconds
            );
        }
        out += &format!(
            "| **all** | **{}** | {} | | **{}** | **{}** | | {:.0} |\n\npeak memory (VmHWM): {:.0} MB; {:.0} executions/s\n",
            self.execs(),
            self.stats.iter().map(|(_, s)| s.accepted).sum::<u64>(),
            self.findings(),
            self.hangs(),
            self.seconds,
            self.peak_rss_mb,
            self.execs() as f64 / self.seconds.max(1e-9)
        );
        out
    }
}

/// The process's peak resident memory in MB (Linux: VmHWM; 0 elsewhere).
pub fn peak_rss_mb() -> f64 {
    proc_status_kb("VmHWM:") / 1024.0
}

/// The process's resident memory in MB now.
pub fn rss_mb() -> f64 {
    proc_status_kb("VmRSS:") / 1024.0
}

fn proc_status_kb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0.0)
}

/// An error message with its numbers and quoted parts masked: the outcome's class.
pub fn class(msg: &str) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for c in msg.chars() {
        match c {
            '\'' | '`' | '"' => {
                quoted = !quoted;
                out.push('\'');
            }
            _ if quoted => {}
            '0'..='9' => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            _ => out.push(c),
        }
        if out.len() >= 80 {
            break;
        }
    }
    out
}

/// At most 300 characters of a message (hostile inputs make long ones).
pub fn short(msg: &str) -> String {
    match msg.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &msg[..i]),
        None => msg.to_string(),
    }
}

/// Saves `input` under `dir/<target>/<prefix><hash>`; the path (None if it was there).
pub fn save(dir: &std::path::Path, target: &str, prefix: &str, input: &[u8]) -> Option<PathBuf> {
    let d = dir.join(target);
    let p = d.join(format!("{prefix}{:016x}", rng::hash(input)));
    if p.exists() {
        return None;
    }
    std::fs::create_dir_all(&d).ok()?;
    std::fs::write(&p, input).ok()?;
    Some(p)
}

const POOL: usize = 256;
/// Slow inputs kept per target and campaign (one slow path is found again and again).
const MAX_SLOW_SAVED: u64 = 2;
const CORPUS_PER_TARGET: usize = 12;
const CORPUS_MAX_BYTES: usize = 4096;

struct Lane {
    target: &'static Target,
    seeds: usize,
    pool: Vec<Vec<u8>>,
    stats: TargetStats,
    corpus: Vec<Vec<u8>>,
}

/// Runs a campaign. `current` is shared with the watchdog.
pub fn campaign(config: &Config, seeds: &seeds::Seeds, current: &Arc<Current>) -> Report {
    let start = Instant::now();
    let mut rng = Rng::new(config.seed);
    let mut lanes: Vec<Lane> = config
        .targets
        .iter()
        .map(|t| {
            let pool: Vec<Vec<u8>> = seeds.get(t.id).cloned().unwrap_or_default();
            let pool = if pool.is_empty() {
                vec![Vec::new()]
            } else {
                pool
            };
            Lane {
                target: t,
                seeds: pool.len(),
                pool,
                stats: TargetStats::default(),
                corpus: Vec::new(),
            }
        })
        .collect();
    let mut written = Vec::new();
    let mut total = 0u64;
    let mut turn = 0usize;
    let mut last_progress = Instant::now();
    loop {
        let elapsed = start.elapsed().as_secs_f64();
        if config.seconds.is_some_and(|s| elapsed >= s)
            || config.max_execs.is_some_and(|m| total >= m)
        {
            break;
        }
        // Round robin for a fixed count (deterministic), else the target with the least time.
        let i = match config.execs_per_target {
            Some(n) => match (0..lanes.len())
                .map(|k| (turn + k) % lanes.len())
                .find(|&k| lanes[k].stats.execs < n)
            {
                Some(k) => k,
                None => break,
            },
            None => (0..lanes.len())
                .min_by(|&a, &b| lanes[a].stats.seconds.total_cmp(&lanes[b].stats.seconds))
                .expect("at least one target"),
        };
        turn = i + 1;
        let lane = &mut lanes[i];
        let base = rng.below(lane.pool.len());
        let other = rng.below(lane.pool.len());
        let t0 = Instant::now();
        let input = Arc::new(mutate::mutate(
            &lane.pool[base],
            &lane.pool[other],
            lane.target.shape,
            &mut rng,
        ));
        *current.input.lock().unwrap_or_else(|e| e.into_inner()) = (lane.target.id, input.clone());
        current
            .started_ms
            .store(start.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
        let t1 = Instant::now();
        let result = execute(lane.target, &input);
        let ms = t1.elapsed().as_secs_f64() * 1e3;
        current.started_ms.store(0, Ordering::SeqCst);
        total += 1;
        let s = &mut lane.stats;
        s.execs += 1;
        // Mutation time counts too: targets share the campaign's time, not only the runs'.
        s.seconds += t0.elapsed().as_secs_f64();
        s.max_ms = s.max_ms.max(ms);
        if ms > config.hang_ms as f64 {
            s.hangs += 1;
            eprintln!(
                "{}: HANG {ms:.0} ms on a {}-byte input",
                lane.target.id,
                input.len()
            );
            if config.save_findings && s.hangs <= MAX_SLOW_SAVED {
                written.extend(save(&seeds::crashes_dir(), lane.target.id, "slow-", &input));
            }
        }
        let cls = match result {
            Ok(Outcome::Accepted) => {
                s.accepted += 1;
                "accepted".to_string()
            }
            Ok(Outcome::Refused(e)) => {
                s.refused += 1;
                class(&e)
            }
            Err(finding) => {
                eprintln!("{}: FINDING {}", lane.target.id, short(&finding));
                s.findings.push(short(&finding));
                if config.save_findings {
                    written.extend(save(&seeds::crashes_dir(), lane.target.id, "", &input));
                }
                continue;
            }
        };
        let new = s.classes.insert(cls);
        let input = Arc::unwrap_or_clone(input);
        if new || rng.one_in(64) {
            if new && input.len() <= CORPUS_MAX_BYTES && lane.corpus.len() < CORPUS_PER_TARGET {
                lane.corpus.push(input.clone());
            }
            if input.len() <= 256 << 10 {
                if lane.pool.len() < lane.seeds + POOL {
                    lane.pool.push(input);
                } else {
                    // Seeds stay; a random earlier find makes room.
                    let k = lane.seeds + rng.below(POOL);
                    lane.pool[k] = input;
                }
            }
        }
        if config.progress && last_progress.elapsed().as_secs() >= 30 {
            last_progress = Instant::now();
            eprintln!(
                "fuzz: {total} executions in {:.0} s, {} findings, peak {:.0} MB",
                start.elapsed().as_secs_f64(),
                lanes.iter().map(|l| l.stats.findings.len()).sum::<usize>(),
                peak_rss_mb()
            );
        }
    }
    if config.save_corpus {
        for lane in &lanes {
            for input in &lane.corpus {
                written.extend(save(&seeds::corpus_dir(), lane.target.id, "", input));
            }
        }
    }
    Report {
        stats: lanes.into_iter().map(|l| (l.target.id, l.stats)).collect(),
        seconds: start.elapsed().as_secs_f64(),
        peak_rss_mb: peak_rss_mb(),
        written,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcome_classes_mask_numbers_and_quoted_parts() {
        assert_eq!(
            class("STG: input0:12: task id 'x7' is not a number"),
            class("STG: input0:3: task id '{{' is not a number")
        );
        assert_ne!(class("no arrivals"), class("no sizes"));
        assert_eq!(short(&"é".repeat(1000)).chars().count(), 301);
    }

    #[test]
    fn a_fixed_seed_pass_is_deterministic_and_finds_nothing() {
        let seeds = seeds::load(std::path::Path::new("/nonexistent"));
        let config = Config {
            seed: 3,
            seconds: None,
            execs_per_target: Some(4),
            max_execs: None,
            targets: targets::TARGETS.iter().collect(),
            hang_ms: 60_000,
            save_findings: false,
            save_corpus: false,
            progress: false,
        };
        let current = Arc::new(Current::default());
        let a = campaign(&config, &seeds, &current);
        let b = campaign(&config, &seeds, &current);
        assert_eq!(a.execs(), 4 * targets::TARGETS.len() as u64);
        assert_eq!(a.findings(), 0, "{}", a.table());
        let sig = |r: &Report| {
            r.stats
                .iter()
                .map(|(id, s)| (*id, s.accepted, s.classes.clone()))
                .collect::<Vec<_>>()
        };
        assert_eq!(sig(&a), sig(&b));
    }
}
