//! The Streams lab's Export menu: metrics CSV, the jobs as JSON, the first Gantt as PNG.

use leptos::prelude::*;
use schedlab_app::labs::streams;

use crate::browser;
use crate::ctx::Ctx;

/// Downloads the metrics of every policy as CSV.
pub fn export_metrics(ctx: Ctx) {
    if let Some(r) = ctx.streams.get_untracked() {
        browser::download("stream-metrics.csv", "text/csv", &streams::metrics_csv(&r));
    }
}

/// Downloads the stream's jobs as JSON.
pub fn export_jobs(ctx: Ctx) {
    match streams::jobs_json(&ctx.editor.with_untracked(|e| e.state.streams.clone())) {
        Ok(json) => browser::download("stream-jobs.json", "application/json", &json),
        Err(e) => ctx.banner.set(Some(e)),
    }
}

/// The Export menu's items.
pub fn menu() -> AnyView {
    let ctx = expect_context::<Ctx>();
    view! {
        <button data-testid="streams-export-csv" on:click=move |_| export_metrics(ctx)>"Metrics (CSV)"</button>
        <button on:click=move |_| export_jobs(ctx)>"Jobs (JSON)"</button>
        <button on:click=move |_| browser::download_canvas_png("streams-gantt", "stream-gantt.png")>"Gantt (PNG)"</button>
    }
    .into_any()
}
