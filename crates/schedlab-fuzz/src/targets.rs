//! The fuzz targets: each reads one hostile input the way the page (or the CLI) would, and
//! for an accepted input runs what the page runs next, through the public run APIs and
//! with the page's own bounds. A target returns the error the user would see; a panic, a
//! multi-line error or a link that does not survive its own round trip is a finding.

use schedlab_app::limits::{self, MAX_UI_JOBS, MAX_UI_REQUESTS};
use schedlab_app::link;
use schedlab_app::state::AppState;
use schedlab_core::formats::{self, Format, ImportOptions, InputFile};
use schedlab_core::run::{self, NoiseSettings};
use schedlab_core::serve::lab::ServingSettings;
use schedlab_core::serve::sim::ServeConfig;
use schedlab_core::stream::lab::{JobMix, StreamsSettings};
use schedlab_core::stream::learned::model::Model;
use schedlab_core::{serve, stream, Problem, Scenario};

use crate::mutate::Shape;

/// Separates the files of a multi-file input (saga's task graph and network, DS3's jobs and
/// SoC); the page reads them the same way when several files are dropped at once.
pub const FILE_SEPARATOR: &str = "\n%%schedlab-fuzz-file%%\n";

/// Errors longer than this are findings: they quote too much of the input.
pub const MAX_ERROR_BYTES: usize = 2048;

/// What a target did with an input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Read, and what the page runs next ran to completion.
    Accepted,
    /// Refused with this (one-line) error, while reading or in the run after it.
    Refused(String),
}

/// One fuzz target.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub id: &'static str,
    pub shape: Shape,
    /// Which seed files belong to this target (by path).
    pub seeds: fn(&str) -> bool,
    pub run: fn(&[u8]) -> Result<(), String>,
}

fn ext(p: &str, e: &str) -> bool {
    p.to_ascii_lowercase().ends_with(e)
}

/// Every target, in the order the driver visits them.
pub const TARGETS: [Target; 10] = [
    Target {
        id: "link",
        shape: Shape::Link,
        seeds: |p| p.contains("/links/") && ext(p, ".txt"),
        run: run_link,
    },
    Target {
        id: "schedlab",
        shape: Shape::Json,
        seeds: |p| p.contains("assets/scenarios/") || ext(p, "determinism.json"),
        run: |b| import(Format::Schedlab, b),
    },
    Target {
        id: "saga",
        shape: Shape::Json,
        seeds: |p| p.contains("/saga/") && (ext(p, "_taskgraph.json") || ext(p, ".pair")),
        run: |b| import(Format::Saga, b),
    },
    Target {
        id: "wfformat",
        shape: Shape::Json,
        seeds: |p| p.contains("/wfcommons/") && ext(p, ".json"),
        run: |b| import(Format::WfFormat, b),
    },
    Target {
        id: "stg",
        shape: Shape::Text,
        seeds: |p| ext(p, ".stg"),
        run: |b| import(Format::Stg, b),
    },
    Target {
        id: "dot",
        shape: Shape::Text,
        seeds: |p| ext(p, ".dot") || ext(p, ".gv"),
        run: |b| import(Format::Dot, b),
    },
    Target {
        id: "ds3",
        shape: Shape::Text,
        seeds: |p| p.contains("/ds3") && ext(p, ".txt"),
        run: |b| import(Format::Ds3, b),
    },
    Target {
        id: "trace",
        shape: Shape::JsonLines,
        seeds: |p| ext(p, ".jsonl") || ext(p, ".csv") && p.contains("trace"),
        run: run_trace,
    },
    Target {
        id: "mooncake",
        shape: Shape::JsonLines,
        seeds: |p| p.contains("mooncake") && ext(p, ".jsonl"),
        run: run_mooncake,
    },
    Target {
        id: "weights",
        shape: Shape::Json,
        seeds: |p| p.contains("learned/") && ext(p, ".json"),
        run: run_weights,
    },
];

pub fn find(id: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.id == id)
}

/// Runs `target` on `input`: Ok(outcome), or Err(finding) for a panic (caught here), an
/// empty error, or one longer than [`MAX_ERROR_BYTES`].
pub fn execute(target: &Target, input: &[u8]) -> Result<Outcome, String> {
    let run = target.run;
    match std::panic::catch_unwind(|| run(input)) {
        Ok(Ok(())) => Ok(Outcome::Accepted),
        Ok(Err(e)) if e.trim().is_empty() => Err("an empty error message".into()),
        // Line breaks and control characters are escaped where errors are shown (the
        // CLI's error line, the page's banner); a message that echoes the input whole is not.
        Ok(Err(e)) if e.len() > MAX_ERROR_BYTES => Err(format!(
            "a {}-byte error message: {:?}",
            e.len(),
            &e[..e.floor_char_boundary(200)]
        )),
        Ok(Err(e)) => Ok(Outcome::Refused(e)),
        Err(p) => Err(format!(
            "panic: {}",
            p.downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| p.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
    }
}

/// The input's files, as the page reads dropped files: text with invalid UTF-8 replaced.
fn files(input: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(input);
    text.split(FILE_SEPARATOR)
        .enumerate()
        .map(|(i, t)| (format!("input{i}"), t.to_string()))
        .collect()
}

/// An importer, then what the page does with an imported scenario: lay it out, evaluate it
/// with the default scheduler, and save it as a link that must reopen to the same state.
fn import(format: Format, input: &[u8]) -> Result<(), String> {
    let owned = files(input);
    let files: Vec<InputFile> = owned
        .iter()
        .map(|(name, text)| InputFile { name, text })
        .collect();
    let _ = formats::detect(&files[0]);
    let scenario =
        formats::import(format, &files, &ImportOptions::default()).map_err(|e| e.to_string())?;
    dag_lab(AppState::new(scenario))
}

/// The DAG lab's evaluation of a state, then its autosave link reopened.
fn dag_lab(state: AppState) -> Result<(), String> {
    evaluate(
        &state.scenario,
        &state.schedulers,
        &state.options,
        &state.noise,
    )?;
    let text = link::encode(&state);
    match link::decode(&text) {
        Ok(back) if back == state => Ok(()),
        Ok(_) => panic!("the state's link reopens to a different state"),
        Err(e) => panic!("the state's own link does not reopen: {e}"),
    }
}

fn evaluate(
    scenario: &Scenario,
    schedulers: &[String],
    options: &schedlab_core::sched::Options,
    noise: &NoiseSettings,
) -> Result<(), String> {
    let problem = Problem::new(scenario).map_err(|e| e.to_string())?;
    run::evaluate(&problem, schedulers, options, noise).map_err(|e| e.to_string())?;
    Ok(())
}

/// A share link, then the three labs' runs as the page would start them.
fn run_link(input: &[u8]) -> Result<(), String> {
    let state = link::decode(&String::from_utf8_lossy(input))?;
    evaluate(
        &state.scenario,
        &state.schedulers,
        &state.options,
        &state.noise,
    )?;
    streams(&state.streams)?;
    serving(&state.serving)
}

fn streams(s: &StreamsSettings) -> Result<(), String> {
    limits::check_streams(s)?;
    stream::lab::run(s).map_err(|e| e.to_string())?;
    Ok(())
}

fn serving(s: &ServingSettings) -> Result<(), String> {
    limits::check_serving(s)?;
    serve::lab::run(s).map_err(|e| e.to_string())?;
    Ok(())
}

/// An uploaded arrival trace, then the Streams lab's run on it (as the upload sets it).
fn run_trace(input: &[u8]) -> Result<(), String> {
    let t = stream::trace::parse("trace", &String::from_utf8_lossy(input))
        .map_err(|e| e.to_string())?;
    let s = StreamsSettings {
        jobs: t.arrivals.len().min(MAX_UI_JOBS),
        trace: Some(t),
        ..StreamsSettings::default()
    };
    streams(&s)
}

/// An uploaded Mooncake trace, then the Serving lab's run (its first requests, the CLI's
/// cache at least).
fn run_mooncake(input: &[u8]) -> Result<(), String> {
    let mut w =
        serve::parse_trace("trace", &String::from_utf8_lossy(input)).map_err(|e| e.to_string())?;
    w.requests.truncate(MAX_UI_REQUESTS);
    let d = ServingSettings::default();
    let s = ServingSettings {
        trace: Some(w),
        cache_blocks: d.cache_blocks.max(ServeConfig::default().cache_blocks),
        ..d
    };
    serving(&s)
}

/// An uploaded weights file, then the learned policy on a small DAG-job stream.
fn run_weights(input: &[u8]) -> Result<(), String> {
    let m = Model::from_json(&String::from_utf8_lossy(input)).map_err(|e| e.to_string())?;
    let s = StreamsSettings {
        mix: JobMix::Dag,
        jobs: 20,
        machines: 4,
        policies: vec!["learned".into()],
        learned: Some(m),
        ..StreamsSettings::default()
    };
    streams(&s)
}
