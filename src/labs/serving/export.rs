//! The Serving lab's Export menu: metrics and per-request CSV, the first Gantt as PNG.

use leptos::prelude::*;
use schedlab_app::labs::serving;

use crate::browser;
use crate::components::fields::{menu_items, MenuItem};
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
    static ITEMS: [MenuItem; 3] = [
        MenuItem {
            label: "Metrics (CSV)",
            testid: "serving-export-csv",
            run: export_metrics,
        },
        MenuItem {
            label: "Requests (CSV)",
            testid: "serving-export-requests",
            run: export_requests,
        },
        MenuItem {
            label: "Gantt (PNG)",
            testid: "",
            run: |_| browser::download_canvas_png("serving-gantt", "serving-gantt.png"),
        },
    ];
    menu_items(&ITEMS)
}
