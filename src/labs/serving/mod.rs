//! The Serving lab: LLM requests routed across model instances with prefix KV caches.
//! Settings live in the editor's state (links, autosave, undo); runs and drawings in
//! `schedlab_app::labs::serving`. `controls.rs` holds the settings form, `view.rs` the pictures
//! and table, `explain.rs` why each request went where it did, `capacity.rs` the capacity
//! view, `export.rs` the Export menu.

pub mod capacity;
pub mod controls;
pub mod explain;
pub mod export;
pub mod view;

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::labs::serving;

use crate::browser;
use crate::components::{HuntPanel, RunProgress};
use crate::ctx::Ctx;
use crate::worker::{self, Failure};
use capacity::CapacityPanel;
use controls::ServingControls;
use explain::ServingExplain;
use schedlab_app::jobs::{Job, Outcome};
use view::{ServingCharts, ServingGantt, ServingMetrics, ServingTransport};

/// What a finished run does on screen: the result (the playhead kept inside the run, as
/// when an instance is added during playback, or following the end), or the banner with
/// the last good result kept.
fn finish(ctx: Ctx, t0: f64, r: Result<Outcome, Failure>) {
    ctx.serving_progress.set(None);
    match r {
        Ok(Outcome::Serving(r)) => {
            browser::record("servingRunMs", browser::now_ms() - t0);
            let r = Arc::new(r);
            // A playhead inside the last run stays (an instance added during playback); one
            // at its end follows to the new end (a new trace, more requests).
            ctx.serving_play.new_run(r.t_max);
            ctx.serving.set(Some(r));
        }
        Ok(_) => {}
        Err(Failure::Run(e)) => ctx.banner.set(Some(format!("Serving: {e}"))),
        // The worker's panel says it; the last result stays.
        Err(Failure::Died(_)) => {}
    }
}

/// Routes the settings' requests in the background worker (after this frame in the page
/// where none can start); a newer run cancels an older one.
fn start_run(ctx: Ctx, s: serving::ServingSettings, generation: StoredValue<u64>) {
    let g = generation.get_value() + 1;
    generation.set_value(g);
    let live = move || generation.get_value() == g;
    let t0 = browser::now_ms();
    ctx.serving_progress.set(Some(0.0));
    worker::run(
        Job::Serving(s),
        |_, _| {},
        move |r| {
            if live() {
                finish(ctx, t0, r)
            }
        },
    );
}

/// The whole lab.
#[component]
pub fn ServingLab() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let generation = StoredValue::new(0u64);
    // The capacity view's target is not the lab's run's business: changing it does not
    // run every router again.
    let settings = Memo::new(move |_| {
        let mut s = ctx.editor.with(|e| e.state.serving.clone());
        s.capacity_target = schedlab_core::serve::lab::DEFAULT_CAPACITY_TARGET;
        s
    });
    Effect::new(move |_| {
        let s = settings.get();
        ctx.rerun.track();
        start_run(ctx, s, generation)
    });
    on_cleanup(move || generation.set_value(generation.get_value() + 1));
    let columns = move || {
        ctx.serving
            .with(|r| r.as_ref().map_or(0, |r| r.columns.len()))
    };
    view! {
        <main class="workspace streams-lab" data-testid="serving-lab">
            <section class="left">
                <ServingControls/>
                <p class="hint">"Each bar is a request's prefill on an instance, colored by its prompt prefix (the 8 most common get colors); paler = more of the prompt was cached; orange outline = moved by rebalancing; purple outline = preempted when memory ran out, computed again; thin bars below = each request's decode, stacked as high as the batch. Green lines: instances added or removed."</p>
            </section>
            <section class="right">
                <ServingTransport/>
                <RunProgress progress=ctx.serving_progress label="routing requests" testid="serving-progress"
                    on_stop=Callback::new(move |_| {
                        generation.set_value(generation.get_value() + 1);
                        worker::stop(worker::Lane::Runs);
                        ctx.serving_progress.set(None);
                    })/>
                {move || (0..columns()).map(|i| view! { <ServingGantt column=i/> }).collect_view()}
                <ServingMetrics/>
                <ServingExplain/>
                <CapacityPanel/>
                <HuntPanel kind=&schedlab_app::labs::serving::adversary::KIND testid="serving-adversary-panel" title="Worst case"
                    on_open=Callback::new(move |_| ctx.serving_play.playhead.set(f64::INFINITY))/>
                <ServingCharts/>
            </section>
        </main>
    }
}

/// The lab's page (for [`crate::labs::LABS`]).
pub fn page() -> AnyView {
    view! { <ServingLab/> }.into_any()
}
