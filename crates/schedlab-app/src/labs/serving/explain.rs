//! The Serving lab's explain panel (issue 12): why each request went where it did, from
//! the router's own records (`schedlab_core::serve::sim::simulate_explained`, the same run
//! as the one drawn): the instances it looked at, what it saw of each (outstanding
//! requests and prefill tokens, cached prefix blocks, predicted TTFT), the one chosen and
//! the reason (affinity, SLO fallback, load threshold, rebalancing move, re-route).

use schedlab_core::serve::router::Router;
use schedlab_core::serve::sim::{simulate_explained, RouteRecord};

use super::ServingResult;
use crate::kit::html;
use crate::kit::table::{Column, Screen, Table};

/// Every routing record of router `column` of the result.
pub fn records(r: &ServingResult, column: usize) -> Result<Vec<RouteRecord>, String> {
    let c = r
        .columns
        .get(column)
        .ok_or_else(|| format!("no router {}", column + 1))?;
    let router = Router::parse(&c.router).map_err(|e| e.to_string())?;
    simulate_explained(&r.workload, &r.config, router)
        .map(|(_, log)| log)
        .map_err(|e| e.to_string())
}

/// The last record at or before `t_ms` (the decision in force at the playhead), or the
/// first when none is.
pub fn at(records: &[RouteRecord], t_ms: f64) -> usize {
    records
        .partition_point(|x| x.time_ms <= t_ms)
        .saturating_sub(1)
}

/// What record `d` saw of each instance it looked at.
pub fn candidates_table(d: &RouteRecord) -> Table {
    let mut t = Table::new(vec![
        Column::new("instance", "instance", "", Screen::Short),
        Column::new(
            "outstanding requests",
            "outstanding_requests",
            "",
            Screen::Short,
        ),
        Column::new(
            "outstanding prefill tokens",
            "outstanding_tokens",
            "",
            Screen::Short,
        ),
        Column::new("cached prefix blocks", "cached_blocks", "", Screen::Short).id("route-cached"),
        Column::new(
            "predicted TTFT",
            "predicted_ttft_ms",
            "ms",
            Screen::Fixed(1),
        )
        .id("route-ttft"),
        Column::new("chosen", "chosen", "", Screen::Short),
    ]);
    for s in &d.candidates {
        t.push(vec![
            format!("I{}", s.instance).into(),
            s.outstanding_requests.into(),
            s.outstanding_tokens.into(),
            s.cached_blocks.into(),
            s.predicted_ttft_ms.into(),
            (if s.instance == d.chosen { "✓" } else { "" }).into(),
        ]);
    }
    t
}

/// The panel's body as HTML: the router picker (when several are compared), the record
/// stepper (`data-step`, and `data-at` for the decision at the playhead), the request and
/// the reason, and what the router saw of each candidate with the chosen one marked.
pub fn panel_html(r: &ServingResult, column: usize, records: &[RouteRecord], k: usize) -> String {
    let column = column.min(r.columns.len().saturating_sub(1));
    let mut out = String::new();
    if r.columns.len() > 1 {
        out.push_str("<div class=\"stepper\">");
        out.push_str(&html::choices(
            "route-router",
            r.columns.iter().map(|c| c.router.as_str()),
            column,
        ));
        out.push_str("</div>");
    }
    if let Some(c) = r.columns.get(column) {
        out.push_str(&html::para("formula", "", &c.rule));
    }
    let n = records.len();
    let Some(d) = records.get(k.min(n.saturating_sub(1))) else {
        return out + &html::para("hint", "", "No request was routed.");
    };
    let k = k.min(n - 1);
    out.push_str("<div class=\"stepper\">");
    out.push_str(&html::button(
        "route-prev",
        "step",
        k.saturating_sub(1),
        k == 0,
        "◀ Prev",
    ));
    out.push_str(&format!(
        "<span data-testid=\"route-step\">Decision {} of {n}</span>",
        k + 1
    ));
    out.push_str(&html::button(
        "route-next",
        "step",
        k + 1,
        k + 1 >= n,
        "Next ▶",
    ));
    out.push_str(&html::button("route-at", "at", 0, false, "At the playhead"));
    out.push_str("</div>");
    let req = &r.workload.requests[d.request];
    let what = match d.from {
        None => format!(
            "Request {} arrived at {:.1} ms ({} prompt tokens, {} blocks): to I{} — {}.",
            d.request,
            d.time_ms,
            req.input_tokens,
            req.blocks.len(),
            d.chosen,
            d.reason
        ),
        Some(f) => format!(
            "Request {} moved at {:.1} ms from I{f} to I{} — {}.",
            d.request, d.time_ms, d.chosen, d.reason
        ),
    };
    out.push_str(&html::para("", "route-summary", &what));
    out.push_str(&html::table(
        &candidates_table(d),
        html::Marks {
            testid: "route-table",
            row_id: "route-row",
            winner: d.candidates.iter().position(|s| s.instance == d.chosen),
            ..html::Marks::default()
        },
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::serving::{run_all, ServingSettings};

    #[test]
    fn dualmap_explains_each_request_with_its_two_candidates() {
        let r = run_all(&ServingSettings::default()).unwrap();
        let log = records(&r, 0).unwrap();
        let first: Vec<&RouteRecord> = log.iter().filter(|x| x.from.is_none()).collect();
        assert_eq!(first.len(), r.workload.requests.len());
        // The records end where the drawn run put each request.
        for (q, run) in r.columns[0].run.requests.iter().enumerate() {
            let last = log.iter().rev().find(|x| x.request == q).unwrap();
            assert_eq!(last.chosen, run.instance);
        }
        let html = panel_html(&r, 0, &log, 0);
        assert!(html.contains("Decision 1 of"), "{html}");
        assert!(html.contains(
            "data-testid=\"route-router-1\" data-col=\"1\" aria-pressed=\"false\">round_robin"
        ));
        assert!(html.contains("Request 0 arrived at 0.0 ms"));
        assert_eq!(html.matches("class=\"winner\"").count(), 1);
        assert!(html.contains("affinity"), "{html}");
        // The decision at the playhead: the last one at or before it.
        let t = log[5].time_ms;
        let k = at(&log, t);
        assert!(log[k].time_ms <= t && log.get(k + 1).is_none_or(|x| x.time_ms > t));
        assert_eq!(at(&log, -1.0), 0);
        // Round robin looks at one instance only.
        let rr = records(&r, 1).unwrap();
        assert!(rr
            .iter()
            .all(|x| x.candidates.len() == 1 && x.reason == "next in turn"));
    }
}
