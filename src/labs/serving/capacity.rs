//! The capacity view: each compared router's effective capacity and its attainment and
//! goodput against the request rate (`schedlab_app::labs::serving::capacity`, HTML text in
//! the shared [`ExplainBox`]), searched in the background worker's capacity lane with a
//! progress bar and Stop, so the page keeps drawing and the lab's own runs go on. The
//! result is kept with the settings it was measured for; once they change it says so.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::jobs::{Job, Outcome};
use schedlab_app::labs::serving::capacity::{panel_html, CapacityResult};
use schedlab_app::labs::serving::ServingSettings;

use crate::components::ExplainBox;
use crate::ctx::Ctx;
use crate::worker::{self, Failure, Lane};

type Measured = Option<Arc<(ServingSettings, CapacityResult)>>;

/// Before the panel's body is redrawn (each progress report, the end): a focus on its
/// Measure/Stop button, or lost to the page by the last redraw, goes back to the button
/// that replaces it, so a keyboard user can stop or measure again without searching.
fn keep_focus() {
    let here = document().active_element().is_none_or(|e| {
        e.tag_name() == "BODY" || e.get_attribute("data-testid").as_deref() == Some(RUN)
    });
    if here {
        crate::components::rule_editor::refocus(RUN.into());
    }
}

const RUN: &str = "serving-capacity-run";

#[component]
pub fn CapacityPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let progress = RwSignal::new(None::<f64>);
    let measured = RwSignal::new(Measured::None);
    // Leaving the lab stops a search under way (its result would have nowhere to go).
    on_cleanup(|| worker::stop(Lane::Capacity));
    let body = Signal::derive(move || {
        let p = progress.get();
        measured.with(|m| {
            let m = m.as_deref();
            let stale = m.is_some_and(|m| ctx.editor.with(|e| e.state.serving != m.0));
            panel_html(m.map(|m| (&m.1, stale)), p)
        })
    });
    let on_action = Callback::new(move |(action, v): (&'static str, usize)| {
        if action != "run" {
            return;
        }
        if v == 0 {
            worker::stop(Lane::Capacity);
            return progress.set(None);
        }
        let s = ctx.editor.with_untracked(|e| e.state.serving.clone());
        progress.set(Some(0.0));
        let kept = s.clone();
        worker::run(
            Job::Capacity(s),
            move |p, _| {
                keep_focus();
                progress.set(Some(p))
            },
            move |r| {
                keep_focus();
                progress.set(None);
                match r {
                    Ok(Outcome::Capacity(r)) => measured.set(Some(Arc::new((kept, r)))),
                    Ok(_) | Err(Failure::Died(_)) => {}
                    Err(Failure::Run(e)) => ctx.banner.set(Some(format!("Capacity: {e}"))),
                }
            },
        );
    });
    view! {
        <ExplainBox testid="serving-capacity-panel" title="Capacity" open=open body=body on_action=on_action/>
    }
}
