//! The Serving lab's Export menu: metrics and per-request CSV, the first Gantt as PNG.

use leptos::prelude::*;
use schedlab_app::labs::serving;

use crate::browser;
use crate::ctx::Ctx;

/// Downloads the metrics of every router as CSV.
pub fn export_metrics(ctx: Ctx) {
    if let Some(r) = ctx.serving.get_untracked() {
        browser::download("serving-metrics.csv", "text/csv", &serving::metrics_csv(&r));
    }
}

/// Downloads every request under every router as CSV.
pub fn export_requests(ctx: Ctx) {
    if let Some(r) = ctx.serving.get_untracked() {
        browser::download(
            "serving-requests.csv",
            "text/csv",
            &serving::requests_csv(&r),
        );
    }
}

/// The Export menu's items.
pub fn menu() -> AnyView {
    let ctx = expect_context::<Ctx>();
    view! {
        <button data-testid="serving-export-csv" on:click=move |_| export_metrics(ctx)>"Metrics (CSV)"</button>
        <button data-testid="serving-export-requests" on:click=move |_| export_requests(ctx)>"Requests (CSV)"</button>
        <button on:click=move |_| browser::download_canvas_png("serving-gantt", "serving-gantt.png")>"Gantt (PNG)"</button>
    }
    .into_any()
}
