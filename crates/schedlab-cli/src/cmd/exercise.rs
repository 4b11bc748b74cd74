//! `schedlab exercise`: a seeded predict-then-reveal exercise (`schedlab_app::exercise`,
//! the model the page's exercises are made of): the problem as a file the labs read (a
//! scenario, or a `P1,0,8` job table), the question, and on request the check of an
//! answer and the expected answer.

use schedlab_app::exercise::{check, pose, problem_text, Answer, Exercise, Kind, KINDS};
use serde_json::json;

use crate::args::ExerciseArgs;
use crate::error::{CliResult, Fail};
use crate::io;

pub fn exec(a: &ExerciseArgs) -> CliResult<()> {
    let kind: Kind = serde_json::from_value(json!(a.kind)).map_err(|_| {
        let known: Vec<String> = KINDS
            .iter()
            .map(|(k, _)| json!(k).as_str().unwrap_or_default().to_string())
            .collect();
        Fail::new(format!(
            "unknown exercise kind '{}' (one of: {})",
            a.kind,
            known.join(", ")
        ))
    })?;
    let ex = Exercise { kind, seed: a.seed };
    let posed = pose(&ex).map_err(Fail::new)?;
    // A scenario is embedded as JSON, a job table as its text.
    let text = problem_text(&ex);
    let problem = serde_json::from_str::<serde_json::Value>(&text).unwrap_or(json!(text));
    let mut v = json!({
        "kind": kind,
        "seed": a.seed,
        "question": posed.question,
        "problem": problem,
    });
    if let Some(given) = &a.answer {
        let right = check(&posed.answer, given).map_err(|e| Fail::new(format!("--answer: {e}")))?;
        v["right"] = json!(right);
    }
    if a.reveal {
        v["answer"] = match &posed.answer {
            Answer::Number(x) => json!(x),
            Answer::Name(n) => json!(n),
        };
    }
    io::emit_as(a.out.format, &v, |v| {
        let problem = match &v["problem"] {
            serde_json::Value::String(s) => s.trim_end().to_string(),
            other => serde_json::to_string_pretty(other).unwrap_or_default(),
        };
        let mut out = format!(
            "{problem}\n\n{}\n",
            v["question"].as_str().unwrap_or_default()
        );
        if let Some(r) = v.get("right").and_then(|r| r.as_bool()) {
            out.push_str(if r { "right\n" } else { "not quite\n" });
        }
        if let Some(ans) = v.get("answer") {
            out.push_str(&format!("answer: {ans}\n"));
        }
        out
    })
}
