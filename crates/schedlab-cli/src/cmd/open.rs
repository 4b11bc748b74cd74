//! `schedlab open`: what a share link shows, at the terminal. The link (or an exported
//! state, or a plain scenario) is decoded into the page's whole state, and the lab on
//! screen is run with the core's run API for that lab (`run::evaluate`, `stream::lab`,
//! `serve::lab`), the one the page calls: the rows are those of `compare`, `stream` or
//! `serve`, with `lab` added, and the numbers are the page's.

use std::path::Path;

use schedlab_app::link;
use schedlab_app::state::{AppState, Lab, NoiseSettings, ViewState};
use schedlab_core::run::{self, CompareRow};
use schedlab_core::{serve, stream, Problem, Scenario};
use serde_json::{json, Value};

use crate::args::{OpenArgs, OutFormat};
use crate::error::{CliResult, Fail};
use crate::{io, table};

pub fn exec(a: &OpenArgs) -> CliResult<()> {
    let state = load(&a.input)?;
    let text = match state.view.lab {
        Lab::Dag => {
            let rows = dag_rows(&state)?;
            match a.out.format {
                OutFormat::Json => json_text(&with_lab(&rows, "dag")?)?,
                OutFormat::Table => table::compare(&rows),
            }
        }
        Lab::Streams => {
            let rows: Vec<Value> = stream::lab::run(&state.streams)?
                .iter()
                .map(|r| r.row())
                .collect();
            match a.out.format {
                OutFormat::Json => json_text(&with_lab(&rows, "streams")?)?,
                OutFormat::Table => table::stream(&rows, !state.streams.mix.is_dag()),
            }
        }
        Lab::Serving => {
            let rows: Vec<Value> = serve::lab::run(&state.serving)?
                .runs
                .iter()
                .map(|r| r.row())
                .collect();
            match a.out.format {
                OutFormat::Json => json_text(&with_lab(&rows, "serving")?)?,
                OutFormat::Table => table::serve(&rows, false),
            }
        }
    };
    io::emit(&text, None)
}

/// The DAG lab: each selected scheduler at the state's noise, as `compare` prints it.
fn dag_rows(state: &AppState) -> CliResult<Vec<CompareRow>> {
    let problem = Problem::new(&state.scenario)?;
    Ok(
        run::evaluate(&problem, &state.schedulers, &state.options, &state.noise)?
            .iter()
            .map(|e| e.compare_row(&state.noise))
            .collect(),
    )
}

/// The rows as JSON objects with `"lab": lab` added.
fn with_lab<T: serde::Serialize>(rows: &[T], lab: &str) -> CliResult<Vec<Value>> {
    rows.iter()
        .map(|r| {
            let mut v = serde_json::to_value(r)?;
            v["lab"] = json!(lab);
            Ok(v)
        })
        .collect()
}

fn json_text(rows: &[Value]) -> CliResult<String> {
    Ok(serde_json::to_string_pretty(rows)? + "\n")
}

/// The state the argument describes: a file (read bounded) if there is one by that name,
/// else a link.
fn load(arg: &str) -> CliResult<AppState> {
    let path = Path::new(arg);
    if path.exists() {
        let text = io::read(path)?;
        return from_text(&text, &path.display().to_string());
    }
    if is_link(arg) {
        return from_link(arg, None);
    }
    Err(Fail::new(format!(
        "{}: no such file, and not a schedlab link (#s1.…)",
        short(arg)
    )))
}

/// A URL with a fragment, or a fragment alone (`s1.…`).
fn is_link(text: &str) -> bool {
    let t = text.trim();
    t.contains('#')
        || t.split_once('.').is_some_and(|(v, _)| {
            v.strip_prefix('s')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        })
}

/// At most 60 characters of a user's argument, for an error line.
fn short(arg: &str) -> String {
    match arg.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &arg[..i]),
        None => arg.to_string(),
    }
}

/// A file's text: JSON (a state, or a plain scenario), or a link.
fn from_text(text: &str, origin: &str) -> CliResult<AppState> {
    let t = text.trim();
    if !t.starts_with('{') {
        return from_link(t, Some(origin));
    }
    let value: Value =
        serde_json::from_str(t).map_err(|e| Fail::new(format!("{origin}: not valid JSON: {e}")))?;
    let state = if value.get("scenario").is_some() {
        serde_json::from_str::<AppState>(t)
            .map_err(|e| Fail::new(format!("{origin}: not a valid schedlab state: {e}")))?
    } else {
        let scenario = Scenario::from_json(t).map_err(|e| Fail::new(format!("{origin}: {e}")))?;
        plain(scenario)
    };
    state
        .check()
        .map_err(|e| Fail::new(format!("{origin}: not a valid schedlab state: {e}")))?;
    Problem::new(&state.scenario)
        .map_err(|e| Fail::new(format!("{origin}: the scenario is not valid: {e}")))?;
    Ok(state)
}

/// A plain scenario opens as the page opens one: the DAG lab, HEFT, no noise (node
/// positions, which only the editor draws, are not laid out).
fn plain(scenario: Scenario) -> AppState {
    AppState {
        positions: vec![[0.0, 0.0]; scenario.tasks.len()],
        scenario,
        schedulers: vec!["heft".into()],
        options: Default::default(),
        noise: NoiseSettings::default(),
        view: ViewState::default(),
        streams: Default::default(),
        serving: Default::default(),
    }
}

/// Decodes a link: the fragment of a URL, or the fragment alone.
/// `origin` names the file it was read from.
fn from_link(text: &str, origin: Option<&str>) -> CliResult<AppState> {
    let t = text.trim();
    let fragment = t.rsplit_once('#').map_or(t, |(_, f)| f);
    link::decode(fragment).map_err(|e| match origin {
        Some(o) => Fail::new(format!("{o}: {e}")),
        None => Fail::new(e),
    })
}
