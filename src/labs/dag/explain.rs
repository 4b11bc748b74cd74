//! The DAG lab's explain panel (issue 12): why the scheduler placed each task where it did,
//! from its own decision records. Closed, it costs nothing; open, it records the plan the
//! Gantt shows (the first scheduler, its options and seed) and shows the body
//! `schedlab_app::labs::dag::explain::panel_html` renders (formula, sortable rank table,
//! decision stepper, per-processor table with the winner) in the shared
//! [`ExplainBox`]. The decision's task is selected in the task graph.

use std::sync::Arc;

use leptos::prelude::*;
use schedlab_app::kit::html::escape;
use schedlab_app::labs::dag::eval::Evaluation;
use schedlab_app::labs::dag::explain::{explain, panel_html};
use schedlab_core::explain::Explanation;

use crate::components::ExplainBox;
use crate::ctx::{Ctx, Selection};

/// An evaluation and the explanation recorded for it.
type Record = (Arc<Evaluation>, Arc<Result<Explanation, String>>);

thread_local! {
    /// The panel's record, made once per evaluation while open (stepping and sorting reuse
    /// it), and the decision shown: the Gantt draws where that decision's task could have
    /// gone (ghost bars) while the task is selected. Not signals: the selection the
    /// stepper sets redraws the Gantt.
    pub static RECORD: std::cell::RefCell<Option<Record>> = const { std::cell::RefCell::new(None) };
    pub static SHOWN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    /// Whether the panel is open (the Gantt reads it, so closing the panel redraws the
    /// Gantt without ghosts).
    pub static OPEN: std::cell::Cell<Option<RwSignal<bool>>> = const { std::cell::Cell::new(None) };
}

fn set_record(r: Option<Record>) {
    RECORD.with(|x| *x.borrow_mut() = r);
}

#[component]
pub fn ExplainPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    // (Once the panel is gone its signal is disposed: the Gantt reads that as closed.)
    OPEN.set(Some(open));
    let step = RwSignal::new(0usize);
    let sort = RwSignal::new(None::<(usize, bool)>);
    let body = Memo::new(move |_| {
        if !open.get() {
            // Closed: nothing kept (a record can be large).
            set_record(None);
            return (String::new(), None);
        }
        let (k, s) = (step.get(), sort.get());
        ctx.eval.with(|e| match e {
            Some(Ok(ev)) => {
                // The record keeps its evaluation alive, so a new evaluation is a new Arc.
                let why = match RECORD.with(|r| r.borrow().clone()) {
                    Some((seen, why)) if Arc::ptr_eq(&seen, ev) => why,
                    _ => {
                        let why = Arc::new(
                            ctx.editor
                                .with_untracked(|ed| explain(&ed.state, &ev.problem, 0)),
                        );
                        set_record(Some((ev.clone(), why.clone())));
                        why
                    }
                };
                ctx.editor.with_untracked(|ed| match why.as_ref() {
                    Ok(why) => {
                        let last = why.decisions.len().saturating_sub(1);
                        SHOWN.set(k.min(last));
                        let task = why.decisions.get(k.min(last)).map(|d| d.task);
                        let id = ed.state.schedulers[0].as_str();
                        (panel_html(&ev.problem, why, id, k, s), task)
                    }
                    Err(err) => (
                        format!(
                            "<p class=\"error\" role=\"alert\">Cannot explain: {}</p>",
                            escape(err)
                        ),
                        None,
                    ),
                })
            }
            _ => {
                set_record(None);
                (String::new(), None)
            }
        })
    });
    let on_action = Callback::new(move |(action, v): (&'static str, usize)| match action {
        "step" => {
            step.set(v);
            if let Some(t) = body.get_untracked().1 {
                ctx.selected.set(Selection::Task(t));
            }
        }
        // First click ascending, again to turn it round.
        "sort" => sort.update(|s| *s = Some((v, matches!(*s, Some((b, false)) if b == v)))),
        _ => {}
    });
    view! {
        <ExplainBox testid="explain-panel" title="Why this schedule" open=open
            body=Signal::derive(move || body.get().0) on_action=on_action/>
    }
}
