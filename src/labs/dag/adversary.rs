//! "Find a bad instance" (issue 14): the first compared scheduler against the second, the
//! engine's annealing a slice at a time between frames (the page stays live), the worst
//! instance opened as the lab's scenario. The model is `schedlab_app::labs::dag::adversary`;
//! the frame is the shared [`ExplainBox`].

use std::cell::RefCell;
use std::time::Duration;

use leptos::prelude::*;
use schedlab_app::labs::dag::adversary::{panel_html, Hunt};

use crate::components::ExplainBox;
use crate::ctx::Ctx;

thread_local! {
    /// The search in progress (one DAG lab per page; reactive values must be `Send`, a
    /// search with its schedulers is not).
    static HUNT: RefCell<Option<Hunt>> = const { RefCell::new(None) };
}

/// One slice, then the next after the browser has drawn, until stopped or done.
fn tick(running: RwSignal<bool>, shown: RwSignal<u64>) {
    if !running.get_untracked() {
        return;
    }
    let more = HUNT.with_borrow_mut(|h| h.as_mut().is_some_and(Hunt::slice));
    shown.update(|n| *n += 1);
    if more {
        set_timeout(move || tick(running, shown), Duration::ZERO);
    } else {
        running.set(false);
    }
}

#[component]
pub fn AdversaryPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let running = RwSignal::new(false);
    let shown = RwSignal::new(0u64);
    let message = RwSignal::new(String::new());
    let body = Signal::derive(move || {
        shown.track();
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
                let state = ctx.state();
                let fresh = HUNT.with_borrow(|h| h.as_ref().is_none_or(|x| !x.is_for(&state)));
                if fresh {
                    match Hunt::start(&state) {
                        Ok(x) => HUNT.set(Some(x)),
                        Err(e) => return message.set(e),
                    }
                }
                running.set(true);
                tick(running, shown);
            }
            "open" => {
                let state = ctx.state();
                let opened = HUNT.with_borrow(|h| h.as_ref().map(|x| x.instance(&state)));
                if let Some(s) = opened {
                    if ctx.apply(|e| e.load(s)).is_some() {
                        ctx.dag_play.playhead.set(f64::INFINITY);
                    }
                }
            }
            _ => {}
        }
    });
    view! {
        <ExplainBox testid="adversary-panel" title="Find a bad instance" open=open body=body on_action=on_action/>
    }
}
