//! Exports: the metrics as CSV (one row per scheduler, mean and std under noise).

use crate::eval::Evaluation;

/// CSV with a header; per scheduler the shown run's metrics and, under noise, the mean and
/// standard deviation over the samples.
pub fn metrics_csv(e: &Evaluation) -> String {
    let names = [
        "makespan",
        "planned_makespan",
        "makespan_ratio",
        "slr",
        "speedup",
        "efficiency",
        "mean_utilisation",
        "total_comm_time",
    ];
    let mut out = String::from("scheduler,samples");
    for n in names {
        out.push_str(&format!(",{n},{n}_mean,{n}_std"));
    }
    out.push('\n');
    for c in &e.columns {
        let samples = c.sample_makespans.len().max(1);
        out.push_str(&format!("{},{samples}", c.scheduler));
        let shown = c.run.metrics.scalars();
        for (i, n) in names.iter().enumerate() {
            let s = c.stats[n];
            out.push_str(&format!(",{},{},{}", shown[i].1, s.mean, s.std));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::evaluate;
    use crate::presets;
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
}
