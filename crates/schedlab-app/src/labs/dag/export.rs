//! The DAG lab's metrics table (one row per scheduler: the shown run's metrics and, under
//! noise, the mean and standard deviation over the samples) and its CSV.

use super::eval::Evaluation;
use crate::kit::table::{short, Cell, Column, Screen, Table};

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
        // While the samples are computed in the background (or if they were stopped)
        // their columns are empty.
        let unknown = e.pending || e.stopped;
        let samples = if unknown {
            Cell::Missing
        } else {
            c.sample_makespans.len().max(1).into()
        };
        let mut row: Vec<Cell> = vec![c.scheduler.as_str().into(), samples];
        for (key, value) in METRICS.iter().map(|m| m.1).zip(shown.iter().map(|s| s.1)) {
            let s = c.stats[key];
            if unknown {
                row.extend([value.into(), Cell::Missing, Cell::Missing]);
            } else {
                row.extend([value.into(), s.mean.into(), s.std.into()]);
            }
        }
        t.push(row);
    }
    t
}

/// What the page shows: [`metrics_table`] on its side (a row per metric, a column per
/// scheduler), each value followed under noise by its mean ± standard deviation over the
/// samples, then utilisation and idle time per processor.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreenTable {
    /// "metric", then the schedulers.
    pub header: Vec<String>,
    /// A row per metric: its name, then a cell per scheduler.
    pub rows: Vec<Vec<String>>,
    /// Utilisation and idle time per processor: a name, then a cell per scheduler.
    pub per_processor: Vec<Vec<String>>,
}

/// The on-screen metrics of `e`; `noisy`: the state asks for noise, so a scheduler run over
/// more than one sample shows each metric's mean and standard deviation.
pub fn screen_table(e: &Evaluation, noisy: bool) -> ScreenTable {
    let t = metrics_table(e);
    let (header, mut rows) = t.screen_transposed("metric");
    for (row, key) in rows.iter_mut().zip(METRICS.map(|m| m.1)) {
        for (j, c) in e.columns.iter().enumerate() {
            if noisy && (e.pending || e.stopped) {
                let why = if e.pending { "computing…" } else { "stopped" };
                row[j + 1] = format!("{} (mean: {why})", row[j + 1]);
            } else if noisy && c.sample_makespans.len() > 1 {
                let num = |k: String| match t.cell_by_key(j, &k) {
                    Cell::Num(v) => short(*v),
                    _ => "—".into(),
                };
                let text = format!(
                    "{} (mean {} ± {})",
                    row[j + 1],
                    num(format!("{key}_mean")),
                    num(format!("{key}_std"))
                );
                row[j + 1] = text;
            }
        }
    }
    let names = &e.problem.proc_names;
    let per_proc = |label: &str, f: &dyn Fn(&schedlab_core::metrics::Metrics) -> Vec<String>| {
        std::iter::once(label.to_string())
            .chain(e.columns.iter().map(|c| f(&c.run.metrics).join(" · ")))
            .collect::<Vec<_>>()
    };
    let per_processor = vec![
        per_proc("utilisation per processor", &|m| {
            names
                .iter()
                .zip(&m.utilisation)
                .map(|(n, u)| format!("{n} {:.0}%", u * 100.0))
                .collect()
        }),
        per_proc("idle time per processor", &|m| {
            names
                .iter()
                .zip(&m.idle_time)
                .map(|(n, u)| format!("{n} {}", short(*u)))
                .collect()
        }),
    ];
    ScreenTable {
        header,
        rows,
        per_processor,
    }
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

    #[test]
    fn the_screen_has_a_row_per_metric_and_a_column_per_scheduler() {
        let mut s = AppState::new(presets::find("topcuoglu2002").unwrap().scenario());
        s.schedulers = vec!["heft".into(), "cpop".into()];
        let e = evaluate(&s).unwrap();
        let st = screen_table(&e, false);
        assert_eq!(st.header, ["metric", "heft", "cpop"]);
        assert_eq!(st.rows.len(), METRICS.len());
        assert_eq!(st.rows[0], ["makespan", "80", "86"]);
        assert_eq!(st.per_processor.len(), 2);
        assert_eq!(st.per_processor[0][0], "utilisation per processor");
        assert!(
            st.per_processor[0][1].starts_with("P1 "),
            "{:?}",
            st.per_processor
        );
        assert!(st.per_processor[0][1].contains(" · "));
        // Under noise with samples, each value is followed by its mean ± std.
        s.noise.exec_sigma = 0.3;
        s.noise.samples = 20;
        let e = evaluate(&s).unwrap();
        let st = screen_table(&e, s.noise.is_noisy());
        let c = &e.columns[0];
        let m = c.stats["makespan"];
        assert_eq!(
            st.rows[0][1],
            format!(
                "{} (mean {} ± {})",
                short(c.run.metrics.makespan),
                short(m.mean),
                short(m.std)
            )
        );
        // While the samples are computed in the background, the shown run and a note;
        // the CSV leaves the statistics empty rather than repeat the shown run.
        let shown = crate::labs::dag::eval::evaluate_shown(&s).unwrap();
        let st = screen_table(&shown, true);
        assert_eq!(
            st.rows[0][1],
            format!("{} (mean: computing…)", short(c.run.metrics.makespan))
        );
        let csv = metrics_csv(&shown);
        let row = csv.lines().nth(1).unwrap();
        assert!(row.starts_with("heft,,"), "{row}");
        // Stopped: the statistics stay unknown, on screen and in the CSV.
        let mut stopped = shown;
        stopped.pending = false;
        stopped.stopped = true;
        assert!(screen_table(&stopped, true).rows[0][1].ends_with("(mean: stopped)"));
        assert!(metrics_csv(&stopped)
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("heft,,"));
        // Without noise asked for, the plain value.
        assert_eq!(
            screen_table(&e, false).rows[0][1],
            short(c.run.metrics.makespan)
        );
    }
}
