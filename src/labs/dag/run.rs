//! The DAG lab's evaluation of the current state. A lecture-sized one runs in the page at
//! once (with the robustness curves after the frame); a large sweep (many noise samples or
//! a big graph in compare mode, [`eval::in_background`]) shows the runs drawn at once and
//! computes the samples and curves in the background worker, with progress and Stop.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::jobs::{Job, Outcome};
use schedlab_app::labs::dag::eval::{self, SweepJob};
use schedlab_app::state::AppState;

use crate::browser;
use crate::ctx::{t_max_of, Ctx};
use crate::worker::{self, Failure};

/// Evaluates `state` (the evaluation of `generation`'s latest request): the runs drawn at
/// once, then the samples and curves, in place when small, else in the background.
pub fn evaluate(ctx: Ctx, state: AppState, generation: StoredValue<u64>) {
    let t0 = browser::now_ms();
    let background = eval::in_background(&state);
    let result = eval::evaluate_shown(&state).and_then(|ev| {
        // No noise and one scheduler: the run shown is the whole evaluation.
        if background || eval::sweep_work(&state) == 0 {
            return Ok(ev);
        }
        // In place: the same sweep the worker runs, so the page has one code path.
        let mut sw = eval::sweep(&SweepJob::of(&state))?;
        let curves = std::mem::take(&mut sw.curves);
        ctx.robustness.set((!curves.is_empty()).then_some(curves));
        eval::with_sweep(ev, &sw)
    });
    let result = result.map(Arc::new);
    browser::record("lastEvalMs", browser::now_ms() - t0);
    if let Ok(ev) = &result {
        // A playhead at the end of the last good run follows the new end (σ changed, a
        // file came in); the first run keeps the link's playhead, within the run.
        ctx.dag_play.new_run(t_max_of(ev));
    }
    let to_background = background && result.is_ok();
    if result.is_err() {
        // No curves for a scenario that cannot be scheduled (not the last good ones).
        ctx.robustness.set(Some(Vec::new()));
    }
    ctx.eval.set(Some(result));
    if to_background {
        ctx.robustness.set(None);
        sweep(ctx, state, generation, generation.get_value());
    } else if ctx.dag_progress.get_untracked().is_some() {
        // An older sweep still running in the background is stale.
        worker::stop(worker::Lane::Runs);
        ctx.dag_progress.set(None);
    }
}

/// Sends the samples and curves of `state` to the background worker (in the page after
/// this frame where none can start); the runs drawn (made again, which is quick) are
/// completed when they come back.
fn sweep(ctx: Ctx, state: AppState, generation: StoredValue<u64>, g: u64) {
    let job = Job::Dag(SweepJob::of(&state));
    ctx.dag_progress.set(Some(-1.0));
    let finish = move |r: Result<Outcome, Failure>| {
        if generation.get_value() != g {
            return;
        }
        ctx.dag_progress.set(None);
        match r {
            Ok(Outcome::Dag(sw)) => {
                match eval::evaluate_shown(&state).and_then(|ev| eval::with_sweep(ev, &sw)) {
                    Ok(done) => {
                        ctx.eval.set(Some(Ok(Arc::new(done))));
                        if !sw.curves.is_empty() {
                            ctx.robustness.set(Some(sw.curves));
                        }
                    }
                    Err(e) => settle(ctx, Some(e)),
                }
            }
            Ok(_) => {}
            Err(Failure::Run(e)) => settle(ctx, Some(e)),
            // The worker's panel says it; the runs drawn stay.
            Err(Failure::Died(_)) => settle(ctx, None),
        }
    };
    worker::run(job, |_, _| {}, finish);
}

/// Stop: the sweep is dropped; the runs drawn stay, without their statistics.
pub fn stop(ctx: Ctx, generation: StoredValue<u64>) {
    generation.set_value(generation.get_value() + 1);
    worker::stop(worker::Lane::Runs);
    settle(
        ctx,
        Some("noise samples stopped: the runs drawn stay, without statistics".into()),
    );
}

/// A sweep that will not come back (stopped, failed, its worker died): the runs drawn
/// stay, their statistics and curves are marked as not computed, `why` goes to the banner.
fn settle(ctx: Ctx, why: Option<String>) {
    ctx.dag_progress.set(None);
    let shown = ctx
        .editor
        .with_untracked(|e| eval::evaluate_shown(&e.state));
    if let Ok(mut ev) = shown {
        ev.pending = false;
        ev.stopped = true;
        ctx.eval.set(Some(Ok(Arc::new(ev))));
    }
    ctx.robustness.set(Some(Vec::new()));
    if let Some(why) = why {
        ctx.banner.set(Some(format!("DAG lab: {why}")));
    }
}
