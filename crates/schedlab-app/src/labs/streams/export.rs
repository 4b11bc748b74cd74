//! The Streams lab's exports: metrics as CSV, the generated jobs as JSON.

use schedlab_core::stream::lab::{Input, StreamsSettings};

use super::run::StreamsResult;

/// The metrics table as CSV (one row per policy).
pub fn metrics_csv(r: &StreamsResult) -> String {
    let mut out = String::from("policy,jobs,mean_flow_time,max_flow_time,p50_flow_time,p90_flow_time,p99_flow_time,mean_slowdown,mean_waiting_time,throughput,utilisation,mean_queue_length,max_queue_length,preemptions,competitive_ratio\n");
    for c in &r.columns {
        let m = &c.metrics;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            c.policy,
            m.jobs,
            m.mean_flow_time,
            m.max_flow_time,
            m.p50_flow_time,
            m.p90_flow_time,
            m.p99_flow_time,
            m.mean_slowdown,
            m.mean_waiting_time,
            m.throughput,
            m.utilisation,
            m.mean_queue_length,
            m.max_queue_length,
            m.preemptions,
            c.competitive_ratio.map_or(String::new(), |x| x.to_string())
        ));
    }
    out
}

/// The generated jobs as JSON (arrival, size, and the template for DAG jobs).
pub fn jobs_json(settings: &StreamsSettings) -> Result<String, String> {
    crate::limits::check_streams(settings)?;
    match settings.build().map_err(|e| e.to_string())? {
        Input::Flow(s) => serde_json::to_string_pretty(&s).map_err(|e| e.to_string()),
        Input::Dag(s) => {
            let jobs: Vec<serde_json::Value> = s
                .jobs
                .iter()
                .map(|j| serde_json::json!({"arrival": j.arrival, "template": s.templates[j.template].name}))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "processors": s.proc_names(),
                "exec_sigma": s.exec_sigma,
                "jobs": jobs,
            }))
            .map_err(|e| e.to_string())
        }
    }
}
