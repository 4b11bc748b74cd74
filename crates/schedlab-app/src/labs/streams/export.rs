//! The Streams lab's exports: metrics as CSV, the generated jobs as JSON.

use schedlab_core::stream::lab::{Input, StreamsSettings};

use super::run::StreamsResult;
use crate::kit::table::{Cell, Column, Screen, Table};

/// The metrics table: a row per policy, the screen's columns rounded (with the test ids the
/// page's cells carry), every metric exact in the CSV. Flow times read mean, percentiles up,
/// then max, on screen and in the CSV alike.
pub fn metrics_table(r: &StreamsResult) -> Table {
    let col = |h: &str, k: &str, screen| Column::new(h, k, "", screen);
    let mut t = Table::new(vec![
        col("policy", "policy", Screen::Short),
        Column::csv_only("jobs"),
        col("mean flow", "mean_flow_time", Screen::Magnitude).id("mean-flow"),
        Column::csv_only("p50_flow_time"),
        Column::csv_only("p90_flow_time"),
        col("p99 flow", "p99_flow_time", Screen::Magnitude),
        col("max flow", "max_flow_time", Screen::Magnitude),
        col("mean slowdown", "mean_slowdown", Screen::Magnitude),
        col("mean wait", "mean_waiting_time", Screen::Magnitude),
        col("throughput", "throughput", Screen::Fixed(4)),
        col("utilisation", "utilisation", Screen::Percent(1)),
        col("mean queue", "mean_queue_length", Screen::Magnitude),
        Column::csv_only("max_queue_length"),
        col("preemptions", "preemptions", Screen::Short),
        col("competitive ratio", "competitive_ratio", Screen::Fixed(3))
            .titled("total flow time ÷ SRPT's on one machine as fast as all together"),
    ]);
    for c in &r.columns {
        let m = &c.metrics;
        t.push(vec![
            c.policy.as_str().into(),
            m.jobs.into(),
            m.mean_flow_time.into(),
            m.p50_flow_time.into(),
            m.p90_flow_time.into(),
            m.p99_flow_time.into(),
            m.max_flow_time.into(),
            m.mean_slowdown.into(),
            m.mean_waiting_time.into(),
            m.throughput.into(),
            m.utilisation.into(),
            m.mean_queue_length.into(),
            m.max_queue_length.into(),
            m.preemptions.into(),
            c.competitive_ratio.into(),
        ]);
    }
    t
}

/// Per job under policy `column` (job streams): arrival, size, first start, response
/// (first start − arrival), completion, turnaround (completion − arrival) and waiting
/// (turnaround − the time it ran), then a row of their means: the classroom table. Start
/// is the first time the job is on a machine in the drawn schedule: for policies that share
/// a machine (PS, LAS ties) the drawing serialises the shares, so start and response are
/// the drawing's; time spent switching in counts as run. DAG jobs give completion and
/// turnaround only (their tasks start on several processors).
pub fn jobs_table(r: &StreamsResult, column: usize) -> Table {
    let mut t = Table::new(vec![
        Column::new("job", "job", "", Screen::Short),
        Column::new("arrival", "arrival", "", Screen::Short),
        Column::new("size", "size", "", Screen::Short),
        Column::new("start", "start", "", Screen::Short).id("job-start"),
        Column::new("response", "response", "", Screen::Short).id("job-response"),
        Column::new("completion", "completion", "", Screen::Short).id("job-completion"),
        Column::new("turnaround", "turnaround", "", Screen::Short).id("job-turnaround"),
        Column::new("waiting", "waiting", "", Screen::Short).id("job-waiting"),
    ]);
    let Some(c) = r.columns.get(column) else {
        return t;
    };
    let n = r.arrivals.len().min(c.completion.len());
    let mut first = vec![f64::INFINITY; n];
    let mut ran = vec![0.0f64; n];
    if !r.dag {
        for s in &c.segments {
            if s.job < n {
                first[s.job] = first[s.job].min(s.start);
                ran[s.job] += s.end - s.start;
            }
        }
    }
    let mut sums = [0.0f64; 5];
    for j in 0..n {
        let turnaround = c.completion[j] - r.arrivals[j];
        let (start, response, waiting) = if r.dag {
            (None, None, None)
        } else {
            (
                Some(first[j]),
                Some(first[j] - r.arrivals[j]),
                Some(turnaround - ran[j]),
            )
        };
        for (k, v) in [
            start,
            response,
            Some(c.completion[j]),
            Some(turnaround),
            waiting,
        ]
        .into_iter()
        .enumerate()
        {
            sums[k] += v.unwrap_or(0.0);
        }
        t.push(vec![
            r.job_labels[j].as_str().into(),
            r.arrivals[j].into(),
            r.sizes[j].into(),
            start.into(),
            response.into(),
            c.completion[j].into(),
            turnaround.into(),
            waiting.into(),
        ]);
    }
    if n > 0 {
        let mean = |k: usize| sums[k] / n as f64;
        t.push(vec![
            "mean".into(),
            Cell::Missing,
            Cell::Missing,
            (!r.dag).then(|| mean(0)).into(),
            (!r.dag).then(|| mean(1)).into(),
            mean(2).into(),
            mean(3).into(),
            (!r.dag).then(|| mean(4)).into(),
        ]);
    }
    t
}

/// The per-job panel's body as HTML: a button per compared policy (`data-col`), the table
/// of [`jobs_table`] (its first 200 jobs on screen) and a CSV button (`data-csv`).
pub fn jobs_html(r: &StreamsResult, column: usize) -> String {
    use crate::kit::html;
    let column = column.min(r.columns.len().saturating_sub(1));
    let mut out = String::from("<div class=\"stepper\">");
    out.push_str(&html::choices(
        "jobs-policy",
        r.columns.iter().map(|c| c.policy.as_str()),
        column,
    ));
    out.push_str(&html::button("jobs-csv", "csv", column, false, "CSV"));
    out.push_str("</div>");
    out.push_str(&html::para(
        "hint",
        "",
        "response = first start − arrival · turnaround = completion − arrival · waiting = turnaround − time run; the last row is the mean.",
    ));
    // On screen the first 200 jobs, then the mean row (the CSV has every job).
    let mut t = jobs_table(r, column);
    if t.rows.len() > 201 {
        let mean = t.rows.pop();
        t.rows.truncate(200);
        t.rows.extend(mean);
    }
    out + &html::table(
        &t,
        html::Marks {
            testid: "jobs-table",
            row_id: "job-row",
            ..html::Marks::default()
        },
    )
}

/// The metrics table as CSV (one row per policy).
pub fn metrics_csv(r: &StreamsResult) -> String {
    metrics_table(r).csv()
}

/// The generated jobs as JSON (arrival, size, and the template for DAG jobs).
pub fn jobs_json(settings: &StreamsSettings) -> Result<String, String> {
    crate::limits::check_streams(settings)?;
    match settings.build().map_err(|e| e.to_string())? {
        Input::Flow(s) => serde_json::to_string(&s)
            .map(|c| schedlab_core::util::pretty_json(&c))
            .map_err(|e| e.to_string()),
        Input::Dag(s) => {
            // Keys in alphabetical order, as a JSON object map writes them.
            #[derive(serde::Serialize)]
            struct Job<'a> {
                arrival: f64,
                template: &'a str,
            }
            #[derive(serde::Serialize)]
            struct Jobs<'a> {
                exec_sigma: f64,
                jobs: Vec<Job<'a>>,
                processors: &'a [String],
            }
            let jobs = Jobs {
                exec_sigma: s.exec_sigma,
                jobs: s
                    .jobs
                    .iter()
                    .map(|j| Job {
                        arrival: j.arrival,
                        template: &s.templates[j.template].name,
                    })
                    .collect(),
                processors: s.proc_names(),
            };
            serde_json::to_string(&jobs)
                .map(|c| schedlab_core::util::pretty_json(&c))
                .map_err(|e| e.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::streams::run_all;

    #[test]
    fn flow_times_read_mean_percentiles_max_on_screen_and_in_the_csv() {
        let r = run_all(&StreamsSettings::default()).unwrap();
        let t = metrics_table(&r);
        assert_eq!(
            t.screen_headers()[..4],
            ["policy", "mean flow", "p99 flow", "max flow"]
        );
        let csv = t.csv();
        let header = csv.lines().next().unwrap();
        assert!(
            header.starts_with(
                "policy,jobs,mean_flow_time,p50_flow_time,p90_flow_time,p99_flow_time,max_flow_time,"
            ),
            "{header}"
        );
        // The page's test ids: the mean flow time of row i is `mean-flow-{i}`, in the
        // format the browser tests read (3 decimals below 1000).
        let mean = &t.columns[2];
        assert_eq!(mean.cell_testid(1).as_deref(), Some("mean-flow-1"));
        let m = r.columns[0].metrics.mean_flow_time;
        assert!(m < 1000.0);
        assert_eq!(t.screen_rows()[0][1], format!("{m:.3}"));
        let ratio = t.columns.last().unwrap();
        assert!(ratio.title.unwrap().contains("SRPT"));
    }
}
