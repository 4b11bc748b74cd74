//! The Serving lab's metrics table (a row per router) and its CSV.

use super::run::ServingResult;
use crate::kit::table::{Column, Screen, Table};

/// The metrics table: a row per router, the screen's columns rounded, every metric exact in
/// the CSV.
pub fn metrics_table(r: &ServingResult) -> Table {
    let ms = |h: &str, k: &str| Column::new(h, k, "ms", Screen::Fixed(1));
    let mut t = Table::new(vec![
        Column::new("router", "router", "", Screen::Short),
        Column::csv_only("requests"),
        ms("TTFT p50", "ttft_p50_ms"),
        ms("p90", "ttft_p90_ms"),
        ms("p99", "ttft_p99_ms"),
        Column::csv_only("e2e_p50_ms"),
        Column::csv_only("e2e_p99_ms"),
        Column::new("SLO attainment", "slo_attainment", "", Screen::Percent(1)),
        Column::new("cache hit rate", "cache_hit_rate", "", Screen::Fixed(3)),
        Column::new("load imbalance", "load_imbalance", "", Screen::Fixed(2)),
        Column::new("moved", "moves", "", Screen::Short),
        Column::new("prefixes remapped", "prefixes_remapped", "", Screen::Short),
    ]);
    for c in &r.columns {
        let m = &c.metrics;
        t.push(vec![
            c.router.as_str().into(),
            m.requests.into(),
            m.ttft_p50_ms.into(),
            m.ttft_p90_ms.into(),
            m.ttft_p99_ms.into(),
            m.e2e_p50_ms.into(),
            m.e2e_p99_ms.into(),
            m.slo_attainment.into(),
            m.cache_hit_rate.into(),
            m.load_imbalance.into(),
            m.moves.into(),
            m.prefixes_remapped.into(),
        ]);
    }
    t
}

/// The metrics as CSV.
pub fn metrics_csv(r: &ServingResult) -> String {
    metrics_table(r).csv()
}
