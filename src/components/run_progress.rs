//! What the page shows of its background runs: a progress bar with a Stop button, and the
//! panel that says a background worker died (the page and its last results stay).

use leptos::prelude::*;

use crate::ctx::Ctx;

/// A run's progress (`None`: nothing running) with a Stop button. `fraction` below 0
/// means "running, no estimate".
#[component]
pub fn RunProgress(
    progress: RwSignal<Option<f64>>,
    /// What is running ("simulating", "routing requests").
    label: &'static str,
    /// Test id of the bar; the Stop button is `{testid}-stop`.
    testid: &'static str,
    on_stop: Callback<()>,
) -> impl IntoView {
    // The bar stays one element while the run goes on (only its width and text change),
    // so the Stop button under the pointer is never replaced mid-click.
    let pct = move || (progress.get().unwrap_or(0.0).clamp(0.0, 1.0) * 100.0).round();
    view! {
        <Show when=move || progress.with(Option::is_some)>
            <div class="progress" data-testid=testid role="progressbar"
                 aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || format!("{:.0}", pct())
                 aria-label=label>
                <div class="bar" style=move || format!("width:{:.0}%", pct())></div>
                <span>{move || if pct() > 0.0 { format!("{label}… {:.0} %", pct()) } else { format!("{label}…") }}</span>
                <button data-testid=format!("{testid}-stop")
                        title="Stop this run; what is on screen stays"
                        on:click=move |_| on_stop.run(())>"Stop"</button>
            </div>
        </Show>
    }
}

/// The panel shown when a background worker dies: what it said, the reassurance that
/// nothing was lost, and a way to run again.
#[component]
pub fn WorkerDied() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        ctx.worker_died.get().map(|why| {
            view! {
                <div class="banner worker-died" role="alert" data-testid="worker-died">
                    <span>
                        <strong>"A background run stopped on an internal error. "</strong>
                        "Your settings and the results on screen are kept. "
                        <code>{why}</code>
                    </span>
                    <button data-testid="worker-rerun" on:click=move |_| {
                        ctx.worker_died.set(None);
                        ctx.rerun.update(|n| *n += 1);
                    }>"Run again"</button>
                    <button class="link" aria-label="Dismiss" on:click=move |_| ctx.worker_died.set(None)>"×"</button>
                </div>
            }
        })
    }
}
