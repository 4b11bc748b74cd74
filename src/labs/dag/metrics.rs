//! The DAG lab's metrics: the makespan headline and a metric × scheduler table.

use leptos::prelude::*;
use schedlab_app::labs::dag::eval::Evaluation;

use crate::components::{Cell, Header, MetricsTable, Row};
use crate::ctx::Ctx;

/// A number as the tables show it: whole numbers without decimals, others to 4 places.
pub fn fmt(v: f64) -> String {
    if v.is_finite() && v == v.round() && v.abs() < 1e12 {
        format!("{v:.0}")
    } else if v.is_finite() {
        let s = format!("{v:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        "∞".into()
    }
}

/// Full precision for the makespan element (tests compare it across pages).
fn fmt_full(v: f64) -> String {
    if v == v.round() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The scalar metrics shown, as (label, key in `Metrics::scalars`).
const ROWS: [(&str, &str); 8] = [
    ("makespan", "makespan"),
    ("planned makespan", "planned_makespan"),
    ("actual ÷ planned", "makespan_ratio"),
    ("SLR", "slr"),
    ("speedup", "speedup"),
    ("efficiency", "efficiency"),
    ("mean utilisation", "mean_utilisation"),
    ("communication time", "total_comm_time"),
];

/// The table's rows: one per metric (value, and mean ± std over the noise samples when
/// noisy), then utilisation and idle time per processor.
fn rows(ev: &Evaluation, noisy: bool) -> Vec<Row> {
    let mut out: Vec<Row> = ROWS
        .iter()
        .map(|(label, key)| {
            let mut cells = vec![Cell::new(*label)];
            cells.extend(ev.columns.iter().map(|c| {
                let shown = c
                    .run
                    .metrics
                    .scalars()
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|x| x.1)
                    .unwrap_or(f64::NAN);
                let s = c.stats[key];
                Cell::new(if noisy && c.sample_makespans.len() > 1 {
                    format!("{} (mean {} ± {})", fmt(shown), fmt(s.mean), fmt(s.std))
                } else {
                    fmt(shown)
                })
            }));
            Row::new(cells)
        })
        .collect();
    let names = &ev.problem.proc_names;
    let per_proc = |label: &str, f: &dyn Fn(&schedlab_core::metrics::Metrics) -> Vec<String>| {
        let mut cells = vec![Cell::new(label)];
        cells.extend(
            ev.columns
                .iter()
                .map(|c| Cell::new(f(&c.run.metrics).join(" · ")).class("small")),
        );
        Row::new(cells)
    };
    out.push(per_proc("utilisation per processor", &|m| {
        names
            .iter()
            .zip(&m.utilisation)
            .map(|(n, u)| format!("{n} {:.0}%", u * 100.0))
            .collect()
    }));
    out.push(per_proc("idle time per processor", &|m| {
        names
            .iter()
            .zip(&m.idle_time)
            .map(|(n, u)| format!("{n} {}", fmt(*u)))
            .collect()
    }));
    out
}

#[component]
pub fn MetricsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        match ctx.eval.get() {
        None => view! { <div class="metrics">"computing…"</div> }.into_any(),
        Some(Err(e)) => view! { <div class="metrics error" role="alert">"Cannot schedule this scenario: " {e}</div> }.into_any(),
        Some(Ok(ev)) => {
            let noisy = ctx.editor.with(|e| e.state.noise.is_noisy());
            let first = ev.columns[0].run.metrics.makespan;
            let mut header: Vec<Header> = vec!["metric".into()];
            header.extend(ev.columns.iter().map(|c| Header::from(c.scheduler.as_str())));
            let rows = rows(&ev, noisy);
            view! {
                <div class="metrics">
                    <p class="headline">"Makespan: " <strong data-testid="makespan">{fmt_full(first)}</strong></p>
                    <MetricsTable header=header rows=rows class="dag-metrics"/>
                </div>
            }
            .into_any()
        }
    }
    }
}
