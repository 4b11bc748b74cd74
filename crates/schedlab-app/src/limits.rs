//! What the page adds to the engine's own checks: bounds that keep a lab interactive in a
//! browser tab (the CLI runs the same settings much further). Every entry point of the
//! page (controls, links, autosave, uploads) goes through these before a run.

use schedlab_core::serve::lab::ServingSettings;
use schedlab_core::stream::lab::StreamsSettings;

/// At most this many schedulers, policies or routers side by side.
pub const MAX_COMPARE: usize = 4;
/// Upper bound of the DAG lab's noise-samples control (keeps a recomputation interactive).
pub const MAX_SAMPLES: usize = 200;
/// Jobs the Streams lab runs (job streams; DAG-job streams).
pub const MAX_UI_JOBS: usize = 20_000;
pub const MAX_UI_DAG_JOBS: usize = 2_000;
/// Decisions are recorded for the step-through view up to this many jobs (the core's
/// bound for `stream --explain`).
pub use schedlab_core::stream::lab::MAX_RECORDED_JOBS;
/// Requests the Serving lab keeps from an uploaded trace (its first ones): the whole of
/// every Mooncake trace in ../shared/data (the conversation trace has 12,031), run in the
/// background worker, so the page's numbers are the CLI's.
pub const MAX_UI_REQUESTS: usize = 20_000;

/// The Streams lab's settings, as the page may run them.
pub fn check_streams(s: &StreamsSettings) -> Result<(), String> {
    if s.policies.is_empty() || s.policies.len() > MAX_COMPARE {
        return Err(format!(
            "between 1 and {MAX_COMPARE} policies (got {})",
            s.policies.len()
        ));
    }
    s.validate().map_err(|e| e.to_string())?;
    let max = if s.mix.is_dag() {
        MAX_UI_DAG_JOBS
    } else {
        MAX_UI_JOBS
    };
    if s.jobs == 0 || s.jobs > max {
        return Err(format!(
            "jobs must be between 1 and {max} here (the CLI runs more)"
        ));
    }
    if s.machines == 0 || s.machines > 64 {
        return Err("machines must be between 1 and 64".into());
    }
    if s.ops == 0 || s.ops > 50 || s.dag_tasks == 0 || s.dag_tasks > 200 {
        return Err("operations per job must be 1-50 and tasks per DAG job 1-200".into());
    }
    Ok(())
}

/// The Serving lab's settings, as the page may run them.
pub fn check_serving(s: &ServingSettings) -> Result<(), String> {
    if s.routers.is_empty() || s.routers.len() > MAX_COMPARE {
        return Err(format!("between 1 and {MAX_COMPARE} routers"));
    }
    if s.requests == 0 || s.requests > MAX_UI_REQUESTS {
        return Err(format!(
            "requests must be between 1 and {MAX_UI_REQUESTS} here (the CLI runs more)"
        ));
    }
    if s.instances == 0 || s.instances > 32 {
        return Err("instances must be between 1 and 32 here".into());
    }
    if s.groups == 0 || s.groups > 10_000 {
        return Err("prefix groups must be between 1 and 10000".into());
    }
    s.validate().map_err(|e| e.to_string())
}
