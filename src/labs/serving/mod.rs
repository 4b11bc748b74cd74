//! The Serving lab: LLM requests routed across model instances with prefix KV caches.
//! Settings live in the editor's state (links, autosave, undo); runs and drawings in
//! `schedlab_app::labs::serving`. `controls.rs` holds the settings form, `view.rs` the pictures
//! and table, `export.rs` the Export menu.

pub mod controls;
pub mod export;
pub mod view;

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::labs::serving;

use crate::browser;
use crate::components::run_latest;
use crate::ctx::Ctx;
use controls::ServingControls;
use view::{ServingCharts, ServingGantt, ServingMetrics, ServingTransport};

/// Runs the settings after this frame; a newer run cancels an older one. Errors go to the
/// banner and the last good result stays on screen.
fn start_run(ctx: Ctx, s: serving::ServingSettings, generation: StoredValue<u64>) {
    run_latest(generation, Duration::from_millis(0), move || {
        let t0 = browser::now_ms();
        match serving::run_all(&s) {
            Ok(r) => {
                browser::record("servingRunMs", browser::now_ms() - t0);
                let keep = ctx.serving_playhead.get_untracked();
                let r = Arc::new(r);
                // Keep the playhead when only the scaling changed (add instance during playback).
                if !(keep > 0.0 && keep < r.t_max) {
                    ctx.serving_playhead.set(r.t_max);
                }
                ctx.serving.set(Some(r));
            }
            Err(e) => ctx.banner.set(Some(format!("Serving: {e}"))),
        }
    });
}

/// The whole lab.
#[component]
pub fn ServingLab() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let generation = StoredValue::new(0u64);
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.serving.clone()));
    Effect::new(move |_| start_run(ctx, settings.get(), generation));
    on_cleanup(move || generation.set_value(generation.get_value() + 1));
    let columns = move || {
        ctx.serving
            .with(|r| r.as_ref().map_or(0, |r| r.columns.len()))
    };
    view! {
        <main class="workspace streams-lab" data-testid="serving-lab">
            <section class="left">
                <ServingControls/>
                <p class="hint">"Each bar is a request's prefill on an instance, colored by its prompt prefix (the 8 most common get colors); paler = more of the prompt was cached; orange outline = moved by rebalancing; thin bars below = each request's decode, stacked as high as the batch. Green lines: instances added or removed."</p>
            </section>
            <section class="right">
                <ServingTransport/>
                {move || (0..columns()).map(|i| view! { <ServingGantt column=i/> }).collect_view()}
                <ServingMetrics/>
                <ServingCharts/>
            </section>
        </main>
    }
}

/// The lab's page (for [`crate::labs::LABS`]).
pub fn page() -> AnyView {
    view! { <ServingLab/> }.into_any()
}
