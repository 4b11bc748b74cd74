//! "Find a bad instance" (issue 14): the first compared scheduler against the second, the
//! engine's annealing a slice at a time between frames (the page stays live), the worst
//! instance opened as the lab's scenario. The model is `schedlab_app::labs::dag::adversary`;
//! the frame is the shared [`ExplainBox`].

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::labs::dag::adversary::{live_html, panel_html, Hunt};

use crate::components::ExplainBox;
use crate::ctx::Ctx;

thread_local! {
    /// The search in progress (one DAG lab per page; reactive values must be `Send`, a
    /// search with its schedulers is not).
    static HUNT: RefCell<Option<Hunt>> = const { RefCell::new(None) };
}

/// One slice, then the next after the browser has drawn, until stopped or done. Each slice
/// redraws only the panel's live part (the ratio and its chart), in place: the buttons stay
/// under the pointer and the keyboard focus.
fn tick(running: RwSignal<bool>) {
    if !running.get_untracked() {
        return;
    }
    let (more, live) = HUNT.with_borrow_mut(|h| match h.as_mut() {
        Some(h) => (h.slice(), live_html(h)),
        None => (false, String::new()),
    });
    if let Some(el) = document()
        .query_selector("[data-testid=adversary-live]")
        .ok()
        .flatten()
    {
        el.set_inner_html(&live);
    }
    if more {
        set_timeout(move || tick(running), Duration::ZERO);
    } else {
        running.set(false);
    }
}

#[component]
pub fn AdversaryPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let running = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let body = Signal::derive(move || {
        let r = running.get();
        ctx.editor.with(|e| {
            message.with(|m| HUNT.with_borrow(|h| panel_html(&e.state, h.as_ref(), r, m)))
        })
    });
    let on_action = Callback::new(move |(action, _): (&'static str, usize)| {
        message.set(String::new());
        match action {
            "run" if running.get_untracked() => running.set(false),
            "run" => {
                // A new search unless the last one is for this pair and seed (then it resumes).
                let started = ctx.editor.with_untracked(|e| {
                    let fresh =
                        HUNT.with_borrow(|h| h.as_ref().is_none_or(|x| !x.is_for(&e.state)));
                    if fresh {
                        Hunt::start(&e.state).map(|x| HUNT.set(Some(x)))
                    } else {
                        Ok(())
                    }
                });
                if let Err(e) = started {
                    return message.set(e);
                }
                running.set(true);
                tick(running);
            }
            "open" => {
                let opened = ctx.apply(|e| {
                    e.edit(|s| {
                        HUNT.with_borrow(|h| h.as_ref().map(|x| x.open(s)));
                        Ok(())
                    })
                });
                if opened.is_some() {
                    ctx.dag_play.playhead.set(f64::INFINITY);
                }
            }
            _ => {}
        }
    });
    view! {
        <ExplainBox testid="adversary-panel" title="Find a bad instance" open=open body=body on_action=on_action/>
    }
}
