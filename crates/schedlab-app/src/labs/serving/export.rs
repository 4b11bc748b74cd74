//! The Serving lab's metrics table (a row per router) and its CSV.

use super::run::ServingResult;
use crate::kit::table::{Column, Screen, Table};

/// The metrics table: a row per router, the screen's columns rounded (with the test ids the
/// page's cells carry), every metric exact in the CSV.
pub fn metrics_table(r: &ServingResult) -> Table {
    let ms = |h: &str, k: &str| Column::new(h, k, "ms", Screen::Fixed(1));
    let mut t = Table::new(vec![
        Column::new("router", "router", "", Screen::Short),
        Column::csv_only("requests"),
        ms("TTFT p50", "ttft_p50_ms").id("ttft-p50"),
        ms("p90", "ttft_p90_ms"),
        ms("p99", "ttft_p99_ms"),
        Column::csv_only("e2e_p50_ms"),
        Column::csv_only("e2e_p99_ms"),
        Column::new("SLO attainment", "slo_attainment", "", Screen::Percent(1)).id("slo"),
        Column::new("cache hit rate", "cache_hit_rate", "", Screen::Fixed(3)).id("hit"),
        Column::new("load imbalance", "load_imbalance", "", Screen::Fixed(2)),
        Column::new("moved", "moves", "", Screen::Short),
        Column::new("prefixes remapped", "prefixes_remapped", "", Screen::Short).id("remapped"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::serving::{run_all, ServingSettings};

    #[test]
    fn the_screen_cells_carry_the_page_test_ids_in_the_format_the_tests_read() {
        let r = run_all(&ServingSettings::default()).unwrap();
        let t = metrics_table(&r);
        let ids: Vec<String> = t
            .screen_columns()
            .iter()
            .filter_map(|c| c.cell_testid(1))
            .collect();
        assert_eq!(ids, ["ttft-p50-1", "slo-1", "hit-1", "remapped-1"]);
        let m = &r.columns[0].metrics;
        let row = &t.screen_rows()[0];
        assert_eq!(row[1], format!("{:.1}", m.ttft_p50_ms));
        assert_eq!(row[4], format!("{:.1} %", m.slo_attainment * 100.0));
        assert_eq!(row[5], format!("{:.3}", m.cache_hit_rate));
        // Round robin keeps no prefix map: "—" on screen, empty in the CSV.
        assert_eq!(t.screen_rows()[1].last().unwrap(), "—");
        assert!(t.csv().lines().nth(2).unwrap().ends_with(','));
    }
}
