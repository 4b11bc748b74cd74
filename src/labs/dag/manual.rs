//! "Be the scheduler" (issue 12): the student places the tasks of the current graph one by
//! one on processors she picks; the page places each at its earliest start, refuses a task
//! that is not ready (naming what it waits for), shows HEFT's next move when asked, and at
//! the end compares her makespan with HEFT's and with a lower bound. The model and the
//! body are `schedlab_app::labs::dag::manual`'s; the frame is the shared [`ExplainBox`].

use leptos::prelude::*;
use schedlab_app::labs::dag::manual::{check, panel_html, replay};

use crate::components::ExplainBox;
use crate::ctx::Ctx;

#[component]
pub fn ManualPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let open = RwSignal::new(false);
    let moves = RwSignal::new(Vec::<(usize, usize)>::new());
    let chosen = RwSignal::new(None::<usize>);
    let hint = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    // A new graph (or any new evaluation) starts the exercise over.
    Effect::new(move |_| {
        ctx.eval.track();
        moves.set(Vec::new());
        chosen.set(None);
        message.set(String::new());
    });
    let body = Signal::derive(move || {
        ctx.eval.with(|e| match e {
            Some(Ok(ev)) => moves.with(|m| {
                message.with(|msg| panel_html(&ev.problem, m, chosen.get(), hint.get(), msg))
            }),
            _ => String::new(),
        })
    });
    let on_action = Callback::new(move |(action, v): (&'static str, usize)| {
        message.set(String::new());
        match action {
            "task" => {
                // A task that is not ready is refused at once, with what it waits for.
                let why = ctx.eval.with_untracked(|e| match e {
                    Some(Ok(ev)) => moves.with_untracked(|m| {
                        replay(&ev.problem, m).and_then(|b| {
                            let p = ev.problem.feasible_procs(v).next().unwrap_or(0);
                            check(&ev.problem, &b.placed, v, p)
                        })
                    }),
                    _ => Ok(()),
                });
                match why {
                    Ok(()) => chosen.set(Some(v)),
                    Err(e) => message.set(e),
                }
            }
            "proc" => {
                if let Some(t) = chosen.get_untracked() {
                    moves.update(|m| m.push((t, v)));
                    chosen.set(None);
                }
            }
            "undo" => moves.update(|m| {
                m.pop();
            }),
            "reset" => moves.set(Vec::new()),
            "hint" => hint.update(|h| *h = !*h),
            _ => {}
        }
    });
    view! {
        <ExplainBox testid="manual-panel" title="Be the scheduler" open=open body=body on_action=on_action/>
    }
}
