//! The DAG lab's metrics: the makespan headline and a metric × scheduler table, the kit's
//! table model of the evaluation on its side (`schedlab_app::labs::dag::screen_table`).

use leptos::prelude::*;
use schedlab_app::kit::table::short;
use schedlab_app::labs::dag::screen_table;

use crate::components::{Cell, Header, MetricsTable, Row};
use crate::ctx::Ctx;

/// The headline: the makespan of the run drawn, rounded for reading (its exact value in
/// `data-value`, which tests and scripts read), and under noise what it is: one sample
/// (the seed drawn on the Gantt) beside the mean ± std over the samples.
fn headline(
    ev: &schedlab_app::labs::dag::Evaluation,
    noisy: bool,
    seed: u64,
) -> (String, f64, String, String) {
    let first = &ev.columns[0];
    let m = first.run.metrics.makespan;
    let exact = if m == m.round() && m.abs() < 1e15 {
        format!("{m:.0}")
    } else {
        format!("{m}")
    };
    let label = if noisy {
        format!("Makespan of the run drawn (seed {seed}): ")
    } else {
        "Makespan: ".into()
    };
    let stats = match (noisy, first.stats.get("makespan"), ev.pending || ev.stopped) {
        (true, Some(s), false) => format!(
            " · mean over {} samples {} ± {}",
            first.sample_makespans.len(),
            short(s.mean),
            short(s.std)
        ),
        _ => String::new(),
    };
    (label, m, exact, stats)
}

#[component]
pub fn MetricsPanel() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    move || {
        match ctx.eval.get() {
        None => view! { <div class="metrics">"computing…"</div> }.into_any(),
        Some(Err(e)) => view! { <div class="metrics error" role="alert">"Cannot schedule this scenario: " {e}</div> }.into_any(),
        Some(Ok(ev)) => {
            let (noisy, seed) = ctx.editor.with(|e| (e.state.noise.is_noisy(), e.state.noise.seed));
            let (label, m, exact, stats) = headline(&ev, noisy, seed);
            let t = screen_table(&ev, noisy);
            let header: Vec<Header> = t.header.iter().map(|h| Header::from(h.as_str())).collect();
            let mut rows: Vec<Row> = t
                .rows
                .into_iter()
                .map(|r| Row::new(r.into_iter().map(Cell::new).collect()))
                .collect();
            rows.extend(t.per_processor.into_iter().map(|r| {
                Row::new(
                    r.into_iter()
                        .enumerate()
                        .map(|(k, text)| if k == 0 { Cell::new(text) } else { Cell::new(text).class("small") })
                        .collect(),
                )
            }));
            view! {
                <div class="metrics">
                    <p class="headline">{label} <strong data-testid="makespan" data-value=exact>{short(m)}</strong>{stats}</p>
                    <MetricsTable header=header rows=rows class="dag-metrics"/>
                </div>
            }
            .into_any()
        }
    }
    }
}
