//! The Streams lab's runs, in chunks of about 8 ms between frames (a newer run cancels an
//! older one).

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::labs::streams::{Runner, StreamsSettings};

use crate::browser;
use crate::ctx::Ctx;

/// Starts a run of the current settings in chunks; a newer run cancels an older one.
/// Errors go to the banner and the last good result stays on screen.
pub fn start_run(ctx: Ctx, settings: StreamsSettings, generation: StoredValue<u64>) {
    let g = generation.get_value() + 1;
    generation.set_value(g);
    let runner = match Runner::new(&settings) {
        Ok(r) => r,
        Err(e) => {
            ctx.banner.set(Some(format!("Streams: {e}")));
            ctx.streams_progress.set(None);
            return;
        }
    };
    ctx.streams_progress.set(Some(0.0));
    chunk(ctx, runner, g, generation, 4000);
}

fn chunk(ctx: Ctx, mut runner: Runner, g: u64, generation: StoredValue<u64>, budget: usize) {
    set_timeout(
        move || {
            if generation.get_value() != g {
                return;
            }
            let t0 = browser::now_ms();
            match runner.advance(budget) {
                Ok(true) => {
                    let r = Arc::new(runner.result());
                    browser::record("streamsRunMs", browser::now_ms() - t0);
                    ctx.streams_playhead.set(r.t_max);
                    ctx.streams_playing.set(false);
                    ctx.streams.set(Some(r));
                    ctx.streams_progress.set(None);
                }
                Ok(false) => {
                    ctx.streams_progress.set(Some(runner.progress()));
                    // About 8 ms of work per chunk, then let the page breathe.
                    let took = (browser::now_ms() - t0).max(0.1);
                    let next = ((budget as f64) * 8.0 / took).clamp(200.0, 200_000.0) as usize;
                    chunk(ctx, runner, g, generation, next);
                }
                Err(e) => {
                    ctx.banner.set(Some(format!("Streams: {e}")));
                    ctx.streams_progress.set(None);
                }
            }
        },
        Duration::from_millis(0),
    );
}
