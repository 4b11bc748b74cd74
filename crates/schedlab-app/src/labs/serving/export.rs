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
        ms("mean", "ttft_mean_ms").id("ttft-mean"),
        ms("TPOT p50", "tpot_p50_ms").id("tpot-p50"),
        ms("p99", "tpot_p99_ms"),
        Column::csv_only("e2e_p50_ms"),
        Column::csv_only("e2e_p99_ms"),
        Column::new("SLO attainment", "slo_attainment", "", Screen::Percent(1)).id("slo"),
        Column::new("goodput", "goodput", "req/s", Screen::Fixed(2)).id("goodput"),
        Column::new("preempted", "preemptions", "", Screen::Short),
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
            m.ttft_mean_ms.into(),
            m.tpot_p50_ms.into(),
            m.tpot_p99_ms.into(),
            m.e2e_p50_ms.into(),
            m.e2e_p99_ms.into(),
            m.slo_attainment.into(),
            m.goodput.into(),
            m.preemptions.into(),
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

/// Every request under every router, exact (the Export menu's "Requests (CSV)"): when it
/// arrived, its tokens, the instance it ran on, what it found cached, its prefill and decode
/// times, its TTFT and end-to-end latency (ms), whether it met the SLO and whether it was
/// moved. The metrics table's percentiles and SLO attainment are computed from these rows.
pub fn requests_csv(r: &ServingResult) -> String {
    let mut t = Table::new(
        [
            "router",
            "request",
            "arrival_ms",
            "input_tokens",
            "output_tokens",
            "instance",
            "cached_tokens",
            "prefill_start_ms",
            "prefill_end_ms",
            "decode_end_ms",
            "ttft_ms",
            "e2e_ms",
            "slo_met",
            "moved",
            "preemptions",
            "prefill_iterations",
        ]
        .into_iter()
        .map(Column::csv_only)
        .collect(),
    );
    for c in &r.columns {
        for (i, (q, x)) in r.workload.requests.iter().zip(&c.run.requests).enumerate() {
            let ttft = x.prefill_end - q.arrival;
            t.push(vec![
                c.router.as_str().into(),
                i.into(),
                q.arrival.into(),
                (q.input_tokens as usize).into(),
                (q.output_tokens as usize).into(),
                x.instance.into(),
                (x.cached_tokens as usize).into(),
                x.prefill_start.into(),
                x.prefill_end.into(),
                x.decode_end.into(),
                ttft.into(),
                (x.decode_end - q.arrival).into(),
                usize::from(ttft <= r.config.slo_ms).into(),
                usize::from(x.moved).into(),
                (x.preemptions as usize).into(),
                (x.prefill_iterations as usize).into(),
            ]);
        }
    }
    t.csv()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::serving::{run_all, ServingSettings};

    #[test]
    fn the_requests_csv_gives_back_the_metrics_tables_numbers() {
        let r = run_all(&ServingSettings::default()).unwrap();
        let csv = requests_csv(&r);
        let mut lines = csv.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("router,request,arrival_ms"));
        let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
        let n = r.workload.requests.len();
        assert_eq!(rows.len(), n * r.columns.len());
        for (k, c) in r.columns.iter().enumerate() {
            let mine = &rows[k * n..(k + 1) * n];
            assert!(mine.iter().all(|row| row[0] == c.router));
            let mut ttft: Vec<f64> = mine.iter().map(|row| row[10].parse().unwrap()).collect();
            ttft.sort_by(f64::total_cmp);
            let p50 = ttft[((n - 1) as f64 * 0.5).round() as usize];
            assert_eq!(p50, c.metrics.ttft_p50_ms, "{}", c.router);
            // The preemptions column sums to the table's.
            let preempted: usize = mine
                .iter()
                .map(|row| row[14].parse::<usize>().unwrap())
                .sum();
            assert_eq!(preempted, c.metrics.preemptions, "{}", c.router);
            assert!(mine.iter().all(|row| row[15].parse::<u32>().unwrap() >= 1));
            let met = mine.iter().filter(|row| row[12] == "1").count();
            assert_eq!(
                met as f64 / n as f64,
                c.metrics.slo_attainment,
                "{}",
                c.router
            );
        }
    }

    #[test]
    fn the_screen_cells_carry_the_page_test_ids_in_the_format_the_tests_read() {
        let r = run_all(&ServingSettings::default()).unwrap();
        let t = metrics_table(&r);
        let ids: Vec<String> = t
            .screen_columns()
            .iter()
            .filter_map(|c| c.cell_testid(1))
            .collect();
        assert_eq!(
            ids,
            [
                "ttft-p50-1",
                "ttft-mean-1",
                "tpot-p50-1",
                "slo-1",
                "goodput-1",
                "hit-1",
                "remapped-1"
            ]
        );
        let m = &r.columns[0].metrics;
        let row = &t.screen_rows()[0];
        assert_eq!(row[1], format!("{:.1}", m.ttft_p50_ms));
        assert_eq!(row[4], format!("{:.1}", m.ttft_mean_ms));
        assert_eq!(row[5], format!("{:.1}", m.tpot_p50_ms));
        assert_eq!(row[7], format!("{:.1} %", m.slo_attainment * 100.0));
        assert_eq!(row[8], format!("{:.2}", m.goodput));
        assert_eq!(row[10], format!("{:.3}", m.cache_hit_rate));
        assert!(m.tpot_p50_ms > 0.0 && m.goodput > 0.0);
        // Round robin keeps no prefix map: "—" on screen, empty in the CSV.
        assert_eq!(t.screen_rows()[1].last().unwrap(), "—");
        assert!(t.csv().lines().nth(2).unwrap().ends_with(','));
    }
}
