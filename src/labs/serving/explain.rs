//! The Serving lab's explain panel (issue 12): per routing decision, the instances the
//! router looked at, what it saw of each and why it chose one, from the router's own
//! records of the run drawn (`schedlab_app::labs::serving::explain`). Recorded when the
//! panel is open, once per result and router; "At the playhead" shows the decision in
//! force at the playhead, so scrubbing or stepping the events and asking "why?" go
//! together.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::kit::html::escape;
use schedlab_app::labs::serving::explain::{at, panel_html, records};
use schedlab_core::serve::sim::RouteRecord;

use crate::components::ExplainBox;
use crate::ctx::Ctx;

type Log = Arc<Result<Vec<RouteRecord>, String>>;

#[component]
pub fn ServingExplain() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let column = RwSignal::new(0usize);
    let step = RwSignal::new(0usize);
    // (result, router) -> its records: recorded again only for a new result or router.
    // The cache keeps its result alive, so a new result is a new Arc (an address alone
    // could be reused by the next result once the old one is freed).
    type Result_ = Arc<schedlab_app::labs::serving::ServingResult>;
    let cache: StoredValue<Option<(Result_, usize, Log)>> = StoredValue::new(None);
    let log = move |r: &Result_, col: usize| -> Log {
        if let Some(l) = cache.with_value(|c| {
            c.as_ref()
                .filter(|c| Arc::ptr_eq(&c.0, r) && c.1 == col)
                .map(|c| c.2.clone())
        }) {
            return l;
        }
        let l: Log = Arc::new(records(r, col));
        cache.set_value(Some((r.clone(), col, l.clone())));
        l
    };
    let body = Signal::derive(move || {
        let (col, k) = (column.get(), step.get());
        ctx.serving.with(|r| match r {
            Some(r) => match &*log(r, col.min(r.columns.len().saturating_sub(1))) {
                Ok(l) => panel_html(r, col, l, k),
                Err(e) => format!(
                    "<p class=\"error\" role=\"alert\">Cannot explain: {}</p>",
                    escape(e)
                ),
            },
            None => String::new(),
        })
    });
    let on_action = Callback::new(move |(action, v): (&'static str, usize)| match action {
        "step" => step.set(v),
        "col" => column.set(v),
        "at" => {
            let t = ctx.serving_play.playhead.get_untracked();
            let k = ctx.serving.with_untracked(|r| {
                r.as_ref().and_then(|r| {
                    match &*log(
                        r,
                        column
                            .get_untracked()
                            .min(r.columns.len().saturating_sub(1)),
                    ) {
                        Ok(l) => Some(at(l, t)),
                        Err(_) => None,
                    }
                })
            });
            if let Some(k) = k {
                step.set(k);
            }
        }
        _ => {}
    });
    view! {
        <ExplainBox testid="route-explain" title="Why this instance" open=open body=body on_action=on_action/>
    }
}
