//! The Streams lab's runs, in the background worker ([`crate::worker`]); where no worker
//! can start, in chunks of about 8 ms between frames. A newer run cancels an older one;
//! errors go to the banner and the last good result stays on screen.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::jobs::{Job, Outcome, Task};
use schedlab_app::labs::streams::{StreamsResult, StreamsSettings};

use crate::browser;
use crate::ctx::Ctx;
use crate::worker::{self, Failure};

/// Shows a finished run.
fn show(ctx: Ctx, r: StreamsResult) {
    let r = Arc::new(r);
    ctx.streams_playhead.set(r.t_max);
    ctx.streams_playing.set(false);
    ctx.streams.set(Some(r));
    ctx.streams_progress.set(None);
}

/// What a finished run does on screen (an outcome of the wrong lab cannot happen).
fn finish(ctx: Ctx, t0: f64, r: Result<Outcome, Failure>) {
    match r {
        Ok(Outcome::Streams(r)) => {
            browser::record("streamsRunMs", browser::now_ms() - t0);
            show(ctx, r);
        }
        Ok(Outcome::Serving(_) | Outcome::Dag(_)) => ctx.streams_progress.set(None),
        Err(Failure::Run(e)) => {
            ctx.banner.set(Some(format!("Streams: {e}")));
            ctx.streams_progress.set(None);
        }
        // The worker's panel says it; the last result stays.
        Err(Failure::Died(_)) => ctx.streams_progress.set(None),
    }
}

/// Starts a run of the current settings; a newer run cancels an older one.
pub fn start_run(ctx: Ctx, settings: StreamsSettings, generation: StoredValue<u64>) {
    let g = generation.get_value() + 1;
    generation.set_value(g);
    ctx.streams_progress.set(Some(0.0));
    let t0 = browser::now_ms();
    let live = move || generation.get_value() == g;
    let sent = worker::run(
        Job::Streams(settings),
        move |p| {
            if live() {
                ctx.streams_progress.set(Some(p));
            }
        },
        move |r| {
            if live() {
                finish(ctx, t0, r)
            }
        },
    );
    if let Err(job) = sent {
        match Task::new(*job) {
            Ok(task) => chunk(ctx, task, t0, g, generation, 4000),
            Err(e) => finish(ctx, t0, Err(Failure::Run(e))),
        }
    }
}

/// Stops the run in progress (what is on screen stays).
pub fn stop_run(ctx: Ctx, generation: StoredValue<u64>) {
    generation.set_value(generation.get_value() + 1);
    worker::stop();
    ctx.streams_progress.set(None);
}

/// The same task on the page's own thread, about 8 ms of work per frame.
fn chunk(ctx: Ctx, mut task: Task, t0: f64, g: u64, generation: StoredValue<u64>, budget: usize) {
    set_timeout(
        move || {
            if generation.get_value() != g {
                return;
            }
            let t1 = browser::now_ms();
            match task.advance(budget) {
                Ok(Some(o)) => finish(ctx, t0, Ok(o)),
                Ok(None) => {
                    ctx.streams_progress.set(Some(task.progress()));
                    let took = (browser::now_ms() - t1).max(0.1);
                    let next = ((budget as f64) * 8.0 / took).clamp(200.0, 200_000.0) as usize;
                    chunk(ctx, task, t0, g, generation, next);
                }
                Err(e) => finish(ctx, t0, Err(Failure::Run(e))),
            }
        },
        Duration::from_millis(0),
    );
}
