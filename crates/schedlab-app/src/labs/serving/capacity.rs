//! The Serving lab's capacity view: each compared router's effective capacity (the highest
//! request rate at which the settings' target fraction of requests meets the TTFT SLO),
//! searched as `schedlab serve capacity` does (the core's [`CapacitySearch`]), one
//! simulation per step so the page's worker reports progress between them; and the
//! panel's table and its two charts (attainment and goodput against the rate) as HTML
//! text with inline SVG.

use std::fmt::Write;

use schedlab_core::serve::router::Router;
use schedlab_core::serve::sim::{Capacity, CapacitySearch, ServeConfig};
use schedlab_core::serve::Workload;

use super::ServingSettings;
use crate::kit::color::{hex, series_color};
use crate::kit::html::{button, escape, table, Marks};
use crate::kit::table::{short, Cell, Column, Screen, Table};

/// One router's search.
#[derive(Debug, Clone, PartialEq)]
pub struct RouterCapacity {
    pub router: String,
    pub capacity: Capacity,
}

/// Every compared router's capacity, with what it was measured against.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacityResult {
    /// The attainment target and the SLOs (ms).
    pub target: f64,
    pub slo_ms: f64,
    pub tpot_slo_ms: f64,
    /// The rate of the workload as the settings give it (req/s): the search scales it.
    pub base_rate: f64,
    pub routers: Vec<RouterCapacity>,
}

/// The searches in progress: the routers one after the other, one simulation per
/// [`CapacityRun::step`].
#[derive(Debug)]
pub struct CapacityRun {
    workload: Workload,
    config: ServeConfig,
    routers: Vec<(String, Router)>,
    search: CapacitySearch,
    result: CapacityResult,
}

impl CapacityRun {
    /// Checks the settings (the page's bounds too) and gets the first search ready.
    pub fn new(s: &ServingSettings) -> Result<CapacityRun, String> {
        crate::limits::check_serving(s)?;
        let workload = s.workload().map_err(|e| e.to_string())?;
        // A loop, not `collect::<Result<_>>` (an iterator adapter instantiated for it alone).
        let mut routers = Vec::new();
        for id in &s.routers {
            routers.push((id.clone(), Router::parse(id).map_err(|e| e.to_string())?));
        }
        let base_rate = workload.rate_rps();
        if base_rate <= 0.0 || base_rate.is_nan() {
            return Err(
                "Capacity: these requests all arrive at one instant, so there is no rate to scale"
                    .into(),
            );
        }
        Ok(CapacityRun {
            search: CapacitySearch::new(base_rate, s.capacity_target).map_err(|e| e.to_string())?,
            config: s.config(),
            workload,
            routers,
            result: CapacityResult {
                target: s.capacity_target,
                slo_ms: s.slo_ms,
                tpot_slo_ms: s.tpot_slo_ms,
                base_rate,
                routers: Vec::new(),
            },
        })
    }

    /// One simulation; the result once every router's search is over.
    pub fn step(&mut self) -> Result<Option<CapacityResult>, String> {
        let i = self.result.routers.len();
        let more = self
            .search
            .probe(&self.workload, &self.config, &self.routers[i].1)
            .map_err(|e| format!("{}: {e}", self.routers[i].0))?;
        if !more {
            let next = CapacitySearch::new(self.result.base_rate, self.result.target)
                .map_err(|e| e.to_string())?;
            let done = std::mem::replace(&mut self.search, next);
            self.result.routers.push(RouterCapacity {
                router: self.routers[i].0.clone(),
                capacity: done.finish(),
            });
            if self.result.routers.len() == self.routers.len() {
                return Ok(Some(self.result.clone()));
            }
        }
        Ok(None)
    }

    /// Fraction done.
    pub fn progress(&self) -> f64 {
        let n = self.routers.len().max(1) as f64;
        ((self.result.routers.len() as f64 + self.search.progress()) / n).min(1.0)
    }
}

/// The capacity table: per router its capacity, the ratio to the best, goodput there and
/// the number of rates tried.
pub fn capacity_table(r: &CapacityResult) -> Table {
    let best = r
        .routers
        .iter()
        .map(|x| x.capacity.rate)
        .fold(0.0, f64::max);
    let mut t = Table::new(vec![
        Column::new("Router", "router", "", Screen::Short),
        Column::new("Capacity", "effective_capacity", "req/s", Screen::Fixed(2))
            .id("capacity-rate")
            .titled("The highest rate meeting the target"),
        Column::new("vs best", "vs_best", "", Screen::Fixed(2)),
        Column::new("Goodput there", "goodput", "req/s", Screen::Fixed(2))
            .titled("Requests per second meeting both SLOs"),
        Column::new("Rates tried", "probes", "", Screen::Short),
    ]);
    for x in &r.routers {
        let c = &x.capacity;
        let at = c.points.iter().find(|p| p.scale == c.scale);
        t.push(vec![
            Cell::Text(x.router.clone()),
            Cell::Num(c.rate),
            if best > 0.0 {
                Cell::Num(c.rate / best)
            } else {
                Cell::Missing
            },
            at.map_or(Cell::Missing, |p| Cell::Num(p.goodput)),
            Cell::Int(c.points.len() as u64),
        ]);
    }
    t
}

/// The whole panel: what it does, Measure (or the progress bar with Stop while a search
/// runs: `data-run` 1 and 0), and the last result (`stale` when the settings changed since).
pub fn panel_html(result: Option<(&CapacityResult, bool)>, progress: Option<f64>) -> String {
    let mut out = String::from("<p class=\"hint\">The arrival rate is doubled or halved until the capacity target (Cluster) breaks, then bisected: each step a full run, as <code>schedlab serve capacity</code> does.</p>");
    match progress {
        Some(p) => {
            let pct = (p.clamp(0.0, 1.0) * 100.0).round();
            let _ = write!(
                out,
                "<div class=\"progress\" data-testid=\"serving-capacity-progress\" role=\"progressbar\" aria-label=\"measuring capacity\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-valuenow=\"{pct}\"><div class=\"bar\" style=\"width:{pct}%\"></div><span>measuring capacity… {pct} %</span>{}</div>",
                // The same test id as Measure: the panel puts the keyboard focus back on it.
                button("serving-capacity-run", "run", 0, false, "Stop")
            );
        }
        None => out += &button("serving-capacity-run", "run", 1, false, "Measure capacity"),
    }
    if let Some((r, stale)) = result {
        out += &result_html(r, stale);
    }
    out
}

/// The panel's result: what was measured, the table, and the two charts. `stale` when the
/// settings changed since.
pub fn result_html(r: &CapacityResult, stale: bool) -> String {
    let mut out = String::new();
    if stale {
        out += "<p class=\"hint\" data-testid=\"capacity-stale\">Measured before the settings changed: measure again for these.</p>";
    }
    let _ = write!(
        out,
        "<p class=\"hint\">At the settings' rate ({} req/s), scaled up and down: the highest rate at which {} % of the requests meet the {} ms TTFT SLO.</p>",
        short(round2(r.base_rate)),
        short(round2(r.target * 100.0)),
        short(r.slo_ms),
    );
    out += &table(
        &capacity_table(r),
        Marks {
            testid: "capacity-table",
            row_id: "capacity-row",
            ..Marks::default()
        },
    );
    let series: Vec<Series> = r
        .routers
        .iter()
        .enumerate()
        .map(|(i, x)| Series {
            name: &x.router,
            color: hex(series_color(i)),
            points: x
                .capacity
                .points
                .iter()
                .map(|p| (p.rate, p.attainment, p.goodput))
                .collect(),
            mark: x.capacity.rate,
        })
        .collect();
    out += "<div class=\"capacity-charts\">";
    out += &rate_chart(
        "capacity-attainment",
        "TTFT SLO attainment",
        &series,
        false,
        Some(r.target),
    );
    out += &rate_chart(
        "capacity-goodput",
        &format!("goodput (req/s, TPOT ≤ {} ms too)", short(r.tpot_slo_ms)),
        &series,
        true,
        None,
    );
    out += "</div>";
    out
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// One router's curve: (rate, attainment, goodput) per rate tried, and its capacity.
struct Series<'a> {
    name: &'a str,
    color: String,
    points: Vec<(f64, f64, f64)>,
    mark: f64,
}

/// Ticks at 1, 2 and 5 × 10^k within [lo, hi] (a log axis); at every digit × 10^k when
/// that gives fewer than three (a narrow range).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let ticks = |digits: &[f64]| {
        let mut out = Vec::new();
        let mut k = lo.log10().floor() as i32;
        while 10f64.powi(k) <= hi && out.len() < 40 {
            for m in digits {
                let v = m * 10f64.powi(k);
                if v >= lo && v <= hi {
                    out.push(v);
                }
            }
            k += 1;
        }
        out
    };
    let coarse = ticks(&[1.0, 2.0, 5.0]);
    if coarse.len() > 8 {
        // Many decades (one router at the search's cap, another near 0): powers of ten.
        return ticks(&[1.0]);
    }
    if coarse.len() >= 3 {
        return coarse;
    }
    ticks(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
}

/// A chart of attainment (or goodput, `goodput`) against the offered rate on a log axis,
/// one line per router with a dot per rate tried (its numbers on hover), each router's
/// capacity as a dashed vertical line in its color, and the target as a dashed level.
fn rate_chart(
    testid: &str,
    y_label: &str,
    series: &[Series],
    goodput: bool,
    target: Option<f64>,
) -> String {
    const W: f64 = 520.0;
    const H: f64 = 230.0;
    const L: f64 = 46.0;
    const R: f64 = 12.0;
    const T: f64 = 14.0 + 16.0;
    const B: f64 = 34.0;
    let pts = || series.iter().flat_map(|s| s.points.iter());
    let (mut lo, mut hi) = pts()
        .map(|p| p.0)
        .filter(|x| *x > 0.0)
        .fold((f64::INFINITY, 0.0f64), |(a, b), x| (a.min(x), b.max(x)));
    if !(lo.is_finite() && hi > 0.0) {
        (lo, hi) = (1.0, 10.0);
    }
    let (lo, hi) = (lo / 1.25, hi * 1.25);
    // Goodput from 0; attainment from a tenth below its lowest point (the part of the
    // curve near the target is what matters).
    let (y_min, y_max) = if goodput {
        // Four steps of 1, 2 or 5 × 10^k up to the highest goodput.
        // (An axis to 1 when no request met both SLOs anywhere.)
        let top = Some(pts().map(|p| p.2).fold(0.0, f64::max))
            .filter(|t| *t > 1e-6)
            .unwrap_or(1.0);
        let raw = top / 4.0;
        let unit = 10f64.powi(raw.log10().floor() as i32);
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * unit)
            .find(|s| 4.0 * s >= top)
            .unwrap_or(10.0 * unit);
        (0.0, 4.0 * step)
    } else {
        let low = pts()
            .map(|p| p.1)
            .fold(1.0, f64::min)
            .min(target.unwrap_or(1.0));
        (((low - 0.05) * 10.0).floor().max(0.0) / 10.0, 1.0)
    };
    let x = |v: f64| L + (v.max(lo).ln() - lo.ln()) / (hi.ln() - lo.ln()) * (W - L - R);
    let y = |v: f64| T + (y_max - v) / (y_max - y_min) * (H - T - B);
    let mut out = format!(
        "<svg class=\"capacity-chart\" data-testid=\"{testid}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{} against the request rate\">",
        escape(y_label)
    );
    // Axes and ticks.
    let _ = write!(
        out,
        "<g class=\"axis\"><line x1=\"{L}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{}\"/>",
        H - B,
        W - R,
        H - B,
        H - B
    );
    let mut last = f64::NEG_INFINITY;
    for v in log_ticks(lo, hi) {
        // A label too close to the last one (9 beside 10) is left out; its line stays.
        let label = if x(v) - last >= 18.0 {
            last = x(v);
            short(v)
        } else {
            String::new()
        };
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{0:.1}\" y1=\"{T}\" x2=\"{0:.1}\" y2=\"{1}\"/><text x=\"{0:.1}\" y=\"{2}\" text-anchor=\"middle\">{3}</text>",
            x(v),
            H - B,
            H - B + 13.0,
            label
        );
    }
    for k in 0..=4 {
        let v = y_min + (y_max - y_min) * k as f64 / 4.0;
        let label = if goodput {
            short((v * 1e6).round() / 1e6)
        } else {
            format!("{} %", short(round2(v * 100.0)))
        };
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{L}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\"/><text x=\"{2}\" y=\"{3:.1}\" text-anchor=\"end\">{label}</text>",
            y(v),
            W - R,
            L - 4.0,
            y(v) + 4.0
        );
    }
    let _ = write!(
        out,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">offered rate (req/s, log scale)</text><text x=\"{L}\" y=\"{}\">{}</text></g>",
        (L + W - R) / 2.0,
        H - 4.0,
        T - 6.0,
        escape(y_label)
    );
    if let Some(t) = target {
        let _ = write!(
            out,
            "<line class=\"target\" x1=\"{L}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\"/><text x=\"{2}\" y=\"{3:.1}\" text-anchor=\"end\">target {4} %</text>",
            y(t),
            W - R,
            W - R - 2.0,
            y(t) - 3.0,
            short(round2(t * 100.0))
        );
    }
    // The legend, on its own line above the plot's title; a long id (a rule) cut to 20
    // characters there (the table has it whole).
    let mut lx = L;
    for s in series {
        let mut name: String = s.name.chars().take(20).collect();
        if s.name.chars().nth(20).is_some() {
            name.push('…');
        }
        let _ = write!(
            out,
            "<line x1=\"{lx}\" y1=\"8\" x2=\"{}\" y2=\"8\" stroke=\"{}\" stroke-width=\"3\"/><text x=\"{}\" y=\"12\">{}</text>",
            lx + 14.0,
            s.color,
            lx + 17.0,
            escape(&name)
        );
        lx += 24.0 + 6.5 * name.chars().count() as f64;
    }
    for s in series {
        let val = |p: &(f64, f64, f64)| if goodput { p.2 } else { p.1 };
        let line: String = s
            .points
            .iter()
            .map(|p| format!("{:.1},{:.1} ", x(p.0), y(val(p))))
            .collect();
        let _ = write!(
            out,
            "<g class=\"series\" stroke=\"{0}\" fill=\"{0}\"><polyline fill=\"none\" points=\"{line}\"/>",
            s.color
        );
        for p in &s.points {
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"><title>{}: {} req/s, {:.1} % within the TTFT SLO, goodput {} req/s</title></circle>",
                x(p.0),
                y(val(p)),
                escape(s.name),
                short(round2(p.0)),
                p.1 * 100.0,
                short(round2(p.2))
            );
        }
        if s.mark > 0.0 {
            let _ = write!(
                out,
                "<line class=\"mark\" x1=\"{0:.1}\" y1=\"{T}\" x2=\"{0:.1}\" y2=\"{1}\"><title>{2}: capacity {3} req/s</title></line>",
                x(s.mark),
                H - B,
                escape(s.name),
                short(round2(s.mark))
            );
        }
        out += "</g>";
    }
    out += "</svg>";
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use schedlab_core::serve::sim::capacity;

    fn settings() -> ServingSettings {
        ServingSettings {
            requests: 300,
            instances: 2,
            routers: vec!["dualmap".into(), "round_robin".into()],
            ..ServingSettings::default()
        }
    }

    /// The page's stepwise search gives exactly what `schedlab serve capacity` prints.
    #[test]
    fn the_stepwise_run_matches_the_cli_search() {
        let s = settings();
        let mut run = CapacityRun::new(&s).unwrap();
        let mut progress = vec![run.progress()];
        let r = loop {
            if let Some(r) = run.step().unwrap() {
                break r;
            }
            progress.push(run.progress());
        };
        assert!(progress.windows(2).all(|p| p[0] <= p[1]) && progress[0] == 0.0);
        assert!(progress.iter().all(|p| *p < 1.0));
        let w = s.workload().unwrap();
        for (x, id) in r.routers.iter().zip(&s.routers) {
            let cli = capacity(&w, &s.config(), Router::parse(id).unwrap(), 0.9).unwrap();
            assert_eq!((&x.router, &x.capacity), (id, &cli));
            assert!(cli.rate > 0.0);
        }
        assert_eq!(r.base_rate, w.rate_rps());
        // On screen: the table's capacities, the best at 1.00, both charts with a line per
        // router, the target level and each capacity marked.
        let html = result_html(&r, true);
        assert!(html.contains("capacity-stale"));
        let best = r
            .routers
            .iter()
            .map(|x| x.capacity.rate)
            .fold(0.0, f64::max);
        for (i, x) in r.routers.iter().enumerate() {
            let cell = format!(
                "data-testid=\"capacity-rate-{i}\">{:.2}</td>",
                x.capacity.rate
            );
            assert!(html.contains(&cell), "{cell}");
            assert!(html.contains(&format!("{}: capacity", x.router)));
        }
        assert!(html.contains(">1.00<") && best > 0.0);
        assert_eq!(html.matches("<polyline").count(), 4);
        assert!(html.contains("target 90 %"));
        assert!(!result_html(&r, false).contains("capacity-stale"));
        // The panel: Measure, or the progress with Stop while it runs.
        let idle = panel_html(Some((&r, false)), None);
        assert!(idle.contains("data-run=\"1\"") && idle.contains("capacity-table"));
        let busy = panel_html(None, Some(0.426));
        assert!(busy.contains("aria-valuenow=\"43\"") && busy.contains("data-run=\"0\""));
        assert!(!busy.contains("data-run=\"1\""));
    }

    #[test]
    fn a_bad_target_or_an_unknown_router_is_refused_before_any_run() {
        let mut s = settings();
        s.capacity_target = 1.5;
        assert!(CapacityRun::new(&s)
            .unwrap_err()
            .contains("capacity target"));
        s.capacity_target = 0.5;
        s.routers = vec!["warp".into()];
        assert!(CapacityRun::new(&s).is_err());
        // One request: no rate to scale, said rather than a capacity of 0.
        let one = ServingSettings {
            requests: 1,
            ..settings()
        };
        assert!(CapacityRun::new(&one).unwrap_err().contains("one instant"));
    }

    #[test]
    fn log_ticks_are_1_2_5() {
        assert_eq!(log_ticks(0.8, 30.0), vec![1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(log_ticks(3.5, 9.5), vec![4.0, 5.0, 6.0, 7.0, 8.0, 9.0]);
        assert_eq!(log_ticks(3.1, 3.9), Vec::<f64>::new());
        assert_eq!(
            log_ticks(0.002, 5000.0),
            vec![0.01, 0.1, 1.0, 10.0, 100.0, 1000.0],
            "powers of ten over many decades"
        );
    }
}
