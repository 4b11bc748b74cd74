//! [`HuntPanel`]: a lab's adversarial search in the page (`schedlab_app::kit::hunt`): the
//! engine's annealing a slice at a time between frames (the page stays live), each slice
//! redrawing only the panel's live part (the ratio and its chart) in place, so Search/Stop
//! stays under the pointer and the keyboard focus; Open puts the worst instance into the
//! lab's state as one undoable edit. The DAG lab's "Find a bad instance" and the Streams
//! and Serving labs' "Worst case" are this panel with their own [`HuntKind`]. The frame is the shared
//! [`ExplainBox`].

use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::kit::hunt::{live_html, panel_html, Hunt, HuntKind};

use crate::components::ExplainBox;
use crate::ctx::Ctx;

/// The search in progress (not `Send`: kept in the page's thread).
type Slot = StoredValue<Option<Box<dyn Hunt>>, LocalStorage>;

/// One slice, then the next after the browser has drawn, until stopped or done.
fn tick(kind: &'static HuntKind, hunt: Slot, running: RwSignal<bool>) {
    // The lab may have been left (its panel disposed) since the last slice.
    if !running.try_get_untracked().unwrap_or(false) {
        return;
    }
    let (more, live) = hunt
        .try_update_value(|h| match h.as_mut() {
            Some(h) => (h.slice(), live_html(kind.prefix, h.as_ref())),
            None => (false, String::new()),
        })
        .unwrap_or_default();
    let sel = format!("[data-testid={}-live]", kind.prefix);
    if let Some(el) = document().query_selector(&sel).ok().flatten() {
        el.set_inner_html(&live);
    }
    if more {
        set_timeout(move || tick(kind, hunt, running), Duration::ZERO);
    } else {
        running.try_set(false);
    }
}

#[component]
pub fn HuntPanel(
    kind: &'static HuntKind,
    testid: &'static str,
    title: &'static str,
    /// After the worst instance opened (the lab moves its playhead).
    on_open: Callback<()>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let running = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let hunt: Slot = StoredValue::new_local(None);
    let body = Signal::derive(move || {
        let r = running.get();
        ctx.editor.with(|e| {
            message.with(|m| hunt.with_value(|h| panel_html(kind, &e.state, h.as_deref(), r, m)))
        })
    });
    let on_action = Callback::new(move |(action, _): (&'static str, usize)| {
        message.set(String::new());
        match action {
            "run" if running.get_untracked() => running.set(false),
            "run" => {
                // A new search unless the last one is for these settings (then it resumes).
                let started = ctx.editor.with_untracked(|e| {
                    if hunt.with_value(|h| h.as_ref().is_some_and(|x| x.is_for(&e.state))) {
                        return Ok(());
                    }
                    (kind.start)(&e.state).map(|x| hunt.set_value(Some(x)))
                });
                if let Err(e) = started {
                    return message.set(e);
                }
                running.set(true);
                tick(kind, hunt, running);
            }
            "open" => {
                let opened = ctx.apply(|e| {
                    e.edit(|s| {
                        hunt.with_value(|h| h.as_ref().map(|x| x.open(s)));
                        Ok(())
                    })
                });
                if opened.is_some() {
                    on_open.run(());
                }
            }
            _ => {}
        }
    });
    view! {
        <ExplainBox testid=testid title=title open=open body=body on_action=on_action/>
    }
}
