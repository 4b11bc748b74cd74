//! The DAG lab: a task graph on a heterogeneous platform, scheduled by the registry's
//! schedulers. `editor.rs` is the SVG graph editor, `panels.rs` the controls, inspector and
//! platform editor, `gantt.rs` the canvases, `metrics.rs` the table, `explain.rs` the
//! scheduler's decisions, `manual.rs` "be the scheduler", `export.rs` its files
//! (header tools, Export menu, import).

pub mod author;
pub mod editor;
pub mod explain;
pub mod export;
pub mod gantt;
pub mod manual;
pub mod metrics;
pub mod panels;
pub mod run;

use leptos::prelude::*;
use schedlab_app::labs::dag::presets;
use schedlab_app::state::Panel;

use crate::components::{HuntPanel, RunProgress};
use crate::ctx::{Ctx, DagGeneration};
use author::AuthorBoxes;
use editor::DagEditor;
use explain::ExplainPanel;
use gantt::{ChartsPanel, GanttPanel};
use manual::ManualPanel;
use metrics::MetricsPanel;
use panels::{Controls, Inspector, PlatformEditor};

#[component]
pub fn PresetGallery() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    view! {
        <section class="gallery" aria-label="Presets">
            <h2>"Presets"</h2>
            <div class="cards">
                {presets::ALL.iter().map(|p| (p.id, p.description))
                    .chain(presets::STATES.iter().map(|p| (p.id, p.description)))
                    .map(|(id, description)| view! {
                        <button class="card" data-testid=format!("preset-card-{id}") on:click=move |_| ctx.load_preset(id)>
                            <strong>{id}</strong>
                            <span>{description}</span>
                        </button>
                    }).collect_view()}
            </div>
        </section>
    }
}

fn set_panel(ctx: Ctx, p: Panel) {
    ctx.edit_state(&mut |s| s.view.panel = p);
}

/// The whole lab.
#[component]
pub fn DagLab() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let compare = Memo::new(move |_| ctx.editor.with(|e| e.state.schedulers.len() > 1));
    // The task graph's tab, or the platform's (a `bool` memo: one memo type fewer).
    let on_dag = Memo::new(move |_| ctx.editor.with(|e| e.state.view.panel == Panel::Dag));
    let generation = expect_context::<DagGeneration>().0;
    view! {
        <main class="workspace" class:compare=compare>
            <section class="left">
                <div class="tabs" role="tablist">
                    <button role="tab" class:active=move || on_dag.get()
                        on:click=move |_| set_panel(ctx, Panel::Dag)>"Task graph"</button>
                    <button role="tab" class:active=move || !on_dag.get()
                        on:click=move |_| set_panel(ctx, Panel::Platform)>"Platform"</button>
                </div>
                <Show when=move || on_dag.get()
                      fallback=|| view! { <PlatformEditor/> }>
                    <DagEditor/>
                    <Inspector/>
                    <AuthorBoxes/>
                </Show>
            </section>
            <section class="right">
                <Controls/>
                <RunProgress progress=ctx.dag_progress label="computing the noise samples" testid="dag-progress"
                    on_stop=Callback::new(move |_| run::stop(ctx, generation))/>
                <GanttPanel/>
                <MetricsPanel/>
                <ExplainPanel/>
                <ManualPanel/>
                <HuntPanel kind=&schedlab_app::labs::dag::adversary::KIND testid="adversary-panel" title="Find a bad instance"
                    on_open=Callback::new(move |_| {
                        ctx.selected.set(crate::ctx::Selection::None);
                        ctx.dag_play.playhead.set(f64::INFINITY);
                    })/>
                <ChartsPanel/>
            </section>
        </main>
        <PresetGallery/>
    }
}

/// The lab's page (for [`crate::labs::LABS`]).
pub fn page() -> AnyView {
    view! { <DagLab/> }.into_any()
}
