//! The Streams lab: jobs arriving over time under online policies. Settings live in the
//! editor's state (so links, autosave and undo cover them); runs happen in chunks between
//! frames (`run.rs`: the page stays responsive on long streams); `controls.rs` holds the
//! settings form, `view.rs` the pictures and tables, `train.rs` the Train panel of the
//! learned policy, `export.rs` the Export menu.

pub mod controls;
pub mod export;
pub mod run;
pub mod train;
pub mod view;

use leptos::prelude::*;

use crate::components::{HuntPanel, RunProgress};
use crate::ctx::Ctx;
use controls::StreamsControls;
use run::start_run;
use view::{
    StepThrough, StreamsCharts, StreamsGantt, StreamsJobs, StreamsMetrics, StreamsTransport,
};

/// The whole lab.
#[component]
pub fn StreamsLab() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let generation = StoredValue::new(0u64);
    let settings = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.clone()));
    Effect::new(move |_| {
        let s = settings.get();
        ctx.rerun.track();
        start_run(ctx, s, generation);
    });
    on_cleanup(move || generation.set_value(generation.get_value() + 1));
    let dag_mix = Memo::new(move |_| ctx.editor.with(|e| e.state.streams.mix.is_dag()));
    let columns = move || {
        ctx.streams
            .with(|r| r.as_ref().map_or(0, |r| r.columns.len()))
    };
    view! {
        <main class="workspace streams-lab" data-testid="streams-lab">
            <section class="left">
                <StreamsControls/>
                <p class="hint">"Jobs arrive over time; the policy never sees the future. Red notches mark preemptions, triangles on top mark arrivals, a color per job."</p>
            </section>
            <section class="right">
                <StreamsTransport/>
                <RunProgress progress=ctx.streams_progress label="simulating" testid="streams-progress"
                    on_stop=Callback::new(move |_| run::stop_run(ctx, generation))/>
                {move || (0..columns()).map(|i| view! { <StreamsGantt column=i/> }).collect_view()}
                <StreamsMetrics/>
                <StreamsJobs/>
                {move || if dag_mix.get() {
                    view! { <train::TrainPanel/> }.into_any()
                } else {
                    view! { <p class="hint" data-testid="train-pointer">"The learned policy (DeepSoCS-style) schedules DAG jobs on processors and trains here, in the page: choose a DAG mix (DS3) under Mix to train it."</p> }.into_any()
                }}
                <StepThrough/>
                <HuntPanel kind=&schedlab_app::labs::streams::adversary::KIND testid="streams-adversary-panel" title="Worst case"
                    on_open=Callback::new(move |_| ctx.streams_play.playhead.set(f64::INFINITY))/>
                <StreamsCharts/>
            </section>
        </main>
    }
}

/// The lab's page (for [`crate::labs::LABS`]).
pub fn page() -> AnyView {
    view! { <StreamsLab/> }.into_any()
}
