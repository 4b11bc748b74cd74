//! The Streams lab's Export menu: metrics CSV, the jobs as JSON, the first Gantt as PNG.

use leptos::prelude::*;
use schedlab_app::labs::streams;

use crate::browser;
use crate::components::fields::{menu_items, MenuItem};
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
    static ITEMS: [MenuItem; 3] = [
        MenuItem {
            label: "Metrics (CSV)",
            testid: "streams-export-csv",
            run: export_metrics,
        },
        MenuItem {
            label: "Jobs (JSON)",
            testid: "",
            run: export_jobs,
        },
        MenuItem {
            label: "Gantt (PNG)",
            testid: "",
            run: |_| browser::download_canvas_png("streams-gantt", "stream-gantt.png"),
        },
    ];
    menu_items(&ITEMS)
}
