//! The DAG lab's metrics: the makespan headline and a metric × scheduler table, the kit's
//! table model of the evaluation on its side (`schedlab_app::labs::dag::screen_table`).

use leptos::prelude::*;
use schedlab_app::labs::dag::screen_table;

use crate::components::{Cell, Header, MetricsTable, Row};
use crate::ctx::Ctx;

/// Full precision for the makespan element (tests compare it across pages).
fn fmt_full(v: f64) -> String {
    if v == v.round() && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
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
                    <p class="headline">"Makespan: " <strong data-testid="makespan">{fmt_full(first)}</strong></p>
                    <MetricsTable header=header rows=rows class="dag-metrics"/>
                </div>
            }
            .into_any()
        }
    }
    }
}
