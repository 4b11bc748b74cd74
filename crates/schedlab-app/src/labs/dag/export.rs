//! The DAG lab's metrics table (one row per scheduler: the shown run's metrics and, under
//! noise, the mean and standard deviation over the samples) and its CSV.

use super::eval::Evaluation;
use crate::kit::table::{Cell, Column, Screen, Table};

/// The metrics shown per scheduler: (header, key).
pub const METRICS: [(&str, &str); 8] = [
    ("makespan", "makespan"),
    ("planned makespan", "planned_makespan"),
    ("actual ÷ planned", "makespan_ratio"),
    ("SLR", "slr"),
    ("speedup", "speedup"),
    ("efficiency", "efficiency"),
    ("mean utilisation", "mean_utilisation"),
    ("communication time", "total_comm_time"),
];

/// The metrics table: a row per scheduler; on screen the shown run's metrics, in the CSV
/// also the sample count and each metric's mean and standard deviation under noise.
pub fn metrics_table(e: &Evaluation) -> Table {
    let mut columns = vec![
        Column::new("scheduler", "scheduler", "", Screen::Short),
        Column::csv_only("samples"),
    ];
    for (header, key) in METRICS {
        columns.push(Column::new(header, key, "", Screen::Short));
        columns.push(Column::csv_only(&format!("{key}_mean")));
        columns.push(Column::csv_only(&format!("{key}_std")));
    }
    let mut t = Table::new(columns);
    for c in &e.columns {
        let shown = c.run.metrics.scalars();
        let mut row: Vec<Cell> = vec![
            c.scheduler.as_str().into(),
            c.sample_makespans.len().max(1).into(),
        ];
        for (key, value) in METRICS.iter().map(|m| m.1).zip(shown.iter().map(|s| s.1)) {
            let s = c.stats[key];
            row.extend([value.into(), s.mean.into(), s.std.into()]);
        }
        t.push(row);
    }
    t
}

/// CSV with a header; per scheduler the shown run's metrics and, under noise, the mean and
/// standard deviation over the samples.
pub fn metrics_csv(e: &Evaluation) -> String {
    metrics_table(e).csv()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::eval::evaluate;
    use crate::labs::dag::presets;
    use crate::state::AppState;

    #[test]
    fn csv_has_a_row_per_scheduler() {
        let mut s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        s.schedulers = vec!["heft".into(), "cpop".into()];
        let csv = metrics_csv(&evaluate(&s).unwrap());
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[1].starts_with("heft,1,80,80,0,"), "{}", lines[1]);
        assert!(lines[2].starts_with("cpop,1,86,"));
        assert_eq!(lines[0].split(',').count(), lines[1].split(',').count());
    }

    #[test]
    fn the_table_names_the_core_metrics_in_order_and_rounds_only_the_screen() {
        let mut s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        s.schedulers = vec!["heft".into()];
        let e = evaluate(&s).unwrap();
        let keys: Vec<&str> = e.columns[0].run.metrics.scalars().map(|x| x.0).to_vec();
        assert_eq!(METRICS.map(|m| m.1).to_vec(), keys);
        let t = metrics_table(&e);
        assert_eq!(
            t.screen_headers()[..3],
            ["scheduler", "makespan", "planned makespan"]
        );
        let row = &t.screen_rows()[0];
        assert_eq!(
            row.len(),
            1 + METRICS.len(),
            "no samples, means or stds on screen"
        );
        assert_eq!(row[..3], ["heft", "80", "80"]);
        // The SLR on screen has at most 4 decimals; the CSV has every digit.
        let slr = e.columns[0].run.metrics.slr;
        assert!(row[4].len() <= 6, "{}", row[4]);
        assert!(t.csv().contains(&format!(",{slr},")));
    }
}
