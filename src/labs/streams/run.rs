//! The Streams lab's runs, in the background worker ([`crate::worker`], which runs them in
//! the page where no worker can start). A newer run cancels an older one;
//! errors go to the banner and the last good result stays on screen.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::jobs::{Job, Outcome};
use schedlab_app::labs::streams::{StreamsResult, StreamsSettings};

use crate::browser;
use crate::ctx::Ctx;
use crate::worker::{self, Failure};

/// Shows a finished run.
fn show(ctx: Ctx, r: StreamsResult) {
    let r = Arc::new(r);
    ctx.streams_play.playhead.set(r.t_max);
    ctx.streams_play.playing.set(false);
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
        Ok(_) => ctx.streams_progress.set(None),
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
    worker::run(
        Job::Streams(settings),
        move |p, _| {
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
}

/// Stops the run in progress (what is on screen stays).
pub fn stop_run(ctx: Ctx, generation: StoredValue<u64>) {
    generation.set_value(generation.get_value() + 1);
    worker::stop(worker::Lane::Runs);
    ctx.streams_progress.set(None);
}
