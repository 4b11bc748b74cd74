//! The Serving lab's model: settings (carried by links), runs per router, and the
//! drawings: instances as Gantt rows (prefills colored by prompt prefix, cache hits paler,
//! each request's decode as a thin bar in lanes below), cache occupancy, TTFT histogram with the SLO line, requests
//! per instance.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use schedlab_core::registry::Entry;
use schedlab_core::serve::lab;
use schedlab_core::serve::router::{prefix_key, ROUTERS};
use schedlab_core::serve::sim::{ScaleAction, ScaleEvent, ServeConfig, ServeMetrics, ServeRun};
use schedlab_core::serve::Workload;

use crate::gantt::{format_time, DrawResult, Geometry};
use crate::palette;

pub use crate::limits::MAX_UI_REQUESTS;
pub use schedlab_core::serve::lab::ServingSettings;

/// Keeps the first requests of an uploaded trace.
pub fn trim_trace(mut w: Workload) -> Workload {
    w.requests.truncate(MAX_UI_REQUESTS);
    w
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServingColumn {
    pub router: String,
    pub rule: String,
    pub run: ServeRun,
    pub metrics: ServeMetrics,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServingResult {
    pub workload: Workload,
    pub config: ServeConfig,
    pub columns: Vec<ServingColumn>,
    pub t_max: f64,
    /// Color index per request (its prompt prefix).
    pub prefix_color: Vec<usize>,
    /// When each instance starts and stops serving.
    pub lifetimes: Vec<(f64, f64)>,
}

/// Runs every router of the settings (the engine's [`lab::run`] behind the page's own
/// bounds), then lays the result out for drawing.
pub fn run_all(s: &ServingSettings) -> Result<ServingResult, String> {
    crate::limits::check_serving(s)?;
    let lab::LabRun {
        workload: w,
        config: c,
        runs,
    } = lab::run(s).map_err(|e| e.to_string())?;
    let columns: Vec<ServingColumn> = runs
        .into_iter()
        .map(|r| ServingColumn {
            router: r.router,
            rule: r.rule,
            run: r.run,
            metrics: r.metrics,
        })
        .collect();
    let t_max = columns
        .iter()
        .flat_map(|c| c.run.requests.iter().map(|r| r.decode_end))
        .fold(1.0, f64::max);
    // Prefix colors: the most common prefixes get distinct colors.
    let keys: Vec<u64> = w.requests.iter().map(|r| prefix_key(&r.blocks)).collect();
    let mut counts: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    for &k in &keys {
        *counts.entry(k).or_default() += 1;
    }
    let mut ranked: Vec<(u64, usize)> = counts.into_iter().collect();
    schedlab_core::util::sort_dyn(&mut ranked, &|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rank: std::collections::HashMap<u64, usize> = ranked
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (*k, i))
        .collect();
    let prefix_color = keys.iter().map(|k| rank[k]).collect();
    let total = columns.first().map_or(c.instances, |c| c.run.instances);
    let mut lifetimes = vec![(0.0, f64::INFINITY); total];
    for (i, l) in lifetimes.iter_mut().enumerate().skip(c.instances) {
        l.0 = f64::INFINITY;
        let _ = i;
    }
    if let Some(col) = columns.first() {
        for e in &col.run.scaling {
            match e.action {
                ScaleAction::Add => lifetimes[e.instance].0 = e.time_ms,
                ScaleAction::Remove => lifetimes[e.instance].1 = e.time_ms,
            }
        }
    }
    Ok(ServingResult {
        workload: w,
        config: c,
        columns,
        t_max,
        prefix_color,
        lifetimes,
    })
}

/// The routers, in picker order (their registry entries without makers).
pub fn routers() -> Vec<Entry<()>> {
    ROUTERS.iter().map(Entry::about).collect()
}

/// Color of a prefix rank: the 8 most common get the palette, the rest grey shades.
pub fn prefix_rgb(rank: usize) -> (u8, u8, u8) {
    if rank < 8 {
        palette::OKABE_ITO[rank]
    } else {
        let g = 150 + (rank * 37 % 70) as u8;
        (g, g, g)
    }
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

pub fn geometry(width: u32, height: u32, r: &ServingResult) -> Geometry {
    Geometry {
        left: 70.0,
        ..Geometry::new(width, height, r.lifetimes.len(), r.t_max / 1000.0)
    }
}

pub fn gantt_height(rows: usize) -> u32 {
    (40.0 + 34.0 * rows as f64) as u32
}

/// The request whose prefill bar is under pixel (x, y), if any (times in seconds).
pub fn request_at(g: &Geometry, col: &ServingColumn, x: f64, y: f64) -> Option<usize> {
    let i = g.row_at(y)?;
    let t = g.t(x) * 1000.0;
    let slack = g.t_max * 1000.0 / g.width as f64 * 2.0;
    col.run
        .requests
        .iter()
        .position(|r| r.instance == i && t >= r.prefill_start - slack && t <= r.prefill_end + slack)
}

/// The decode lane of every request on its instance: sorted by decode start, each takes
/// the lowest lane whose previous request has finished decoding.
pub fn decode_lanes(
    requests: &[schedlab_core::serve::sim::ReqRun],
    instances: usize,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    schedlab_core::util::sort_dyn(&mut order, &|&a, &b| {
        requests[a]
            .decode_start
            .total_cmp(&requests[b].decode_start)
            .then(a.cmp(&b))
    });
    let mut ends: Vec<Vec<f64>> = vec![Vec::new(); instances];
    let mut lane = vec![0usize; requests.len()];
    for k in order {
        let q = &requests[k];
        let Some(e) = ends.get_mut(q.instance) else {
            continue;
        };
        let l = match e.iter().position(|&end| end <= q.decode_start) {
            Some(l) => l,
            None => {
                e.push(0.0);
                e.len() - 1
            }
        };
        e[l] = q.decode_end;
        lane[k] = l;
    }
    lane
}

/// One router's instances over time (seconds on the axis) at `playhead` (ms).
pub fn draw_gantt<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    r: &ServingResult,
    column: usize,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    draw_gantt_inner(root, g, r, column, playhead, dark).map_err(|e| e.to_string())
}

fn draw_gantt_inner<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    g: &Geometry,
    r: &ServingResult,
    column: usize,
    playhead: f64,
    dark: bool,
) -> DrawResult<DB> {
    let (bg, fg, band, grid) = crate::gantt::theme(dark);
    root.fill(&rgb(bg))?;
    let Some(col) = r.columns.get(column) else {
        return Ok(());
    };
    let font = |size: f64, c: (u8, u8, u8)| ("sans-serif", size).into_font().color(&rgb(c));
    let (xl, xr) = (g.left as i32, (g.width as f64 - g.right) as i32);
    let rh = g.row_height();
    let sec = |ms: f64| g.x(ms / 1000.0);
    for (i, &(from, to)) in r.lifetimes.iter().enumerate() {
        let y0 = (g.top + i as f64 * rh) as i32;
        let y1 = (g.top + (i + 1) as f64 * rh) as i32;
        if i % 2 == 0 {
            root.draw(&Rectangle::new([(xl, y0), (xr, y1)], rgb(band).filled()))?;
        }
        // Outside its lifetime an instance is hatched grey.
        for (a, b) in [(0.0, from.min(r.t_max)), (to.min(r.t_max), r.t_max)] {
            if b > a {
                root.draw(&Rectangle::new(
                    [(sec(a) as i32, y0), (sec(b) as i32, y1)],
                    RGBAColor(128, 128, 128, 0.25).filled(),
                ))?;
            }
        }
        let label = if from > 0.0 && from.is_finite() {
            format!("I{} +", i + 1)
        } else {
            format!("I{}", i + 1)
        };
        root.draw(&Text::new(
            label,
            (xl - 6, (y0 + y1) / 2),
            font(12.0, fg).pos(Pos::new(HPos::Right, VPos::Center)),
        ))?;
    }
    let axis_y = (g.height as f64 - g.bottom) as i32;
    crate::gantt::time_axis(root, g, fg, grid, " s")?;
    // Decodes: one thin bar per request in the bottom third of its row, colored by its
    // prefix, stacked in lanes (a request takes the lowest lane free at its start), so the
    // stack's height is the batch occupancy and each request stays visible.
    let lanes = decode_lanes(&col.run.requests, r.lifetimes.len());
    let mut depth = vec![1usize; r.lifetimes.len()];
    for (q, &l) in col.run.requests.iter().zip(&lanes) {
        depth[q.instance] = depth[q.instance].max(l + 1);
    }
    for (k, (q, &l)) in col.run.requests.iter().zip(&lanes).enumerate() {
        if q.decode_start > playhead || q.decode_end <= q.decode_start {
            continue;
        }
        let i = q.instance;
        let y1 = g.top + (i + 1) as f64 * rh - 2.0;
        let lh = (rh * 0.3 / depth[i] as f64).max(1.0);
        let yb = y1 - l as f64 * lh;
        let c = prefix_rgb(r.prefix_color[k]);
        let x0 = sec(q.decode_start) as i32;
        let x1 = (sec(q.decode_end.min(playhead)) as i32).max(x0 + 1);
        root.draw(&Rectangle::new(
            [(x0, (yb - lh).round() as i32), (x1, yb.round() as i32)],
            RGBAColor(c.0, c.1, c.2, 0.7).filled(),
        ))?;
    }
    // Prefills: colored by prompt prefix; the cached share makes the bar paler.
    for (k, q) in col.run.requests.iter().enumerate() {
        if q.prefill_start > playhead {
            continue;
        }
        let i = q.instance;
        let y0 = g.top + i as f64 * rh + 3.0;
        let y1 = g.top + (i as f64 + 0.66) * rh;
        let c = prefix_rgb(r.prefix_color[k]);
        let hit = q.cached_tokens as f64 / r.workload.requests[k].input_tokens.max(1) as f64;
        let x0 = sec(q.prefill_start) as i32;
        let x1 = (sec(q.prefill_end.min(playhead)) as i32).max(x0 + 1);
        root.draw(&Rectangle::new(
            [(x0, y0 as i32), (x1, y1 as i32)],
            RGBAColor(c.0, c.1, c.2, 1.0 - 0.6 * hit).filled(),
        ))?;
        if q.moved {
            root.draw(&Rectangle::new(
                [(x0, y0 as i32), (x1, y1 as i32)],
                ShapeStyle {
                    color: RGBColor(213, 94, 0).to_rgba(),
                    filled: false,
                    stroke_width: 1,
                },
            ))?;
        }
    }
    // Scaling events.
    for e in &col.run.scaling {
        if e.time_ms <= r.t_max {
            let x = sec(e.time_ms) as i32;
            root.draw(&PathElement::new(
                vec![(x, g.top as i32), (x, axis_y)],
                RGBColor(0, 158, 115).stroke_width(2),
            ))?;
        }
    }
    if playhead > 0.0 && playhead < r.t_max {
        let x = sec(playhead) as i32;
        root.draw(&PathElement::new(
            vec![(x, 0), (x, axis_y)],
            RGBColor(0, 114, 178).stroke_width(2),
        ))?;
    }
    Ok(())
}

/// TTFTs of requests whose prefill ended by `playhead` (ms), per router.
pub fn ttfts_by(r: &ServingResult, column: usize, playhead: f64) -> Vec<f64> {
    r.columns.get(column).map_or(Vec::new(), |c| {
        c.run
            .requests
            .iter()
            .zip(&r.workload.requests)
            .filter(|(q, _)| q.prefill_end <= playhead)
            .map(|(q, w)| q.prefill_end - w.arrival)
            .collect()
    })
}

/// TTFT histogram (one color per router) with the SLO as a vertical line.
pub fn draw_ttft<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ServingResult,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = crate::charts::colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let series: Vec<Vec<f64>> = (0..r.columns.len())
        .map(|k| ttfts_by(r, k, playhead))
        .collect();
    let hi = series
        .iter()
        .flatten()
        .copied()
        .fold(r.config.slo_ms * 1.2, f64::max);
    let bins = 24;
    let w = hi / bins as f64;
    let counts: Vec<Vec<usize>> = series
        .iter()
        .map(|s| {
            let mut c = vec![0usize; bins];
            for &v in s {
                c[((v / w) as usize).min(bins - 1)] += 1;
            }
            c
        })
        .collect();
    let ymax = counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.0..hi, 0.0..ymax)
        .map_err(|e| e.to_string())?;
    crate::charts::mesh(&mut chart, "TTFT (ms)", "requests", fg)?;
    let k = r.columns.len().max(1) as f64;
    for (s, col) in r.columns.iter().enumerate() {
        let c = rgb(palette::series_color(s));
        chart
            .draw_series((0..bins).map(|b| {
                let l = b as f64 * w + w / k * s as f64;
                Rectangle::new(
                    [(l, 0.0), (l + w / k * 0.9, counts[s][b] as f64)],
                    c.mix(0.85).filled(),
                )
            }))
            .map_err(|e| e.to_string())?
            .label(col.router.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], c.filled()));
    }
    let slo = r.config.slo_ms;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(slo, 0.0), (slo, ymax)],
            RGBColor(213, 94, 0).stroke_width(2),
        )))
        .map_err(|e| e.to_string())?
        .label(format!("SLO {} ms", format_time(slo)))
        .legend(|(x, y)| {
            PathElement::new(
                vec![(x, y), (x + 12, y)],
                RGBColor(213, 94, 0).stroke_width(2),
            )
        });
    crate::charts::legend(&mut chart, bg, fg)?;
    Ok(())
}

/// Requests per instance (grouped bars per router) and cached blocks per instance at the
/// playhead (a line of dots, first router).
pub fn draw_per_instance<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ServingResult,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = crate::charts::colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let n = r.lifetimes.len();
    let counts: Vec<Vec<usize>> = r
        .columns
        .iter()
        .map(|c| {
            let mut v = vec![0usize; n];
            for q in c
                .run
                .requests
                .iter()
                .filter(|q| q.prefill_start <= playhead)
            {
                v[q.instance] += 1;
            }
            v
        })
        .collect();
    let ymax = counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(0.5..n as f64 + 0.5, 0.0..ymax)
        .map_err(|e| e.to_string())?;
    crate::charts::mesh(&mut chart, "instance (I1 = 1)", "requests routed", fg)?;
    let k = r.columns.len().max(1) as f64;
    for (s, col) in r.columns.iter().enumerate() {
        let c = rgb(palette::series_color(s));
        chart
            .draw_series((0..n).map(|i| {
                let l = i as f64 + 0.6 + 0.8 / k * s as f64;
                Rectangle::new(
                    [(l, 0.0), (l + 0.8 / k * 0.9, counts[s][i] as f64)],
                    c.mix(0.85).filled(),
                )
            }))
            .map_err(|e| e.to_string())?
            .label(col.router.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 10, y + 4)], c.filled()));
    }
    if r.columns.len() > 1 {
        crate::charts::legend(&mut chart, bg, fg)?;
    }
    Ok(())
}

/// Cached blocks per instance over time (first router), up to `playhead`.
pub fn draw_cache<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ServingResult,
    column: usize,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = crate::charts::colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let Some(col) = r.columns.get(column) else {
        return Ok(());
    };
    let mut chart = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(46)
        .build_cartesian_2d(
            0.0..r.t_max / 1000.0,
            0.0..r.config.cache_blocks as f64 * 1.05,
        )
        .map_err(|e| e.to_string())?;
    crate::charts::mesh(&mut chart, "time (s)", "cached blocks", fg)?;
    for i in 0..r.lifetimes.len() {
        let pts: Vec<(f64, f64)> = col
            .run
            .cache_samples
            .iter()
            .filter(|s| s.1 == i && s.0 <= playhead)
            .map(|s| (s.0 / 1000.0, s.2 as f64))
            .collect();
        let c = rgb(palette::task_color(i));
        chart
            .draw_series(LineSeries::new(pts, c.stroke_width(2)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The metrics as CSV.
pub fn metrics_csv(r: &ServingResult) -> String {
    let mut out = String::from("router,requests,ttft_p50_ms,ttft_p90_ms,ttft_p99_ms,e2e_p50_ms,e2e_p99_ms,slo_attainment,cache_hit_rate,load_imbalance,moves,prefixes_remapped\n");
    for c in &r.columns {
        let m = &c.metrics;
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{}\n",
            c.router,
            m.requests,
            m.ttft_p50_ms,
            m.ttft_p90_ms,
            m.ttft_p99_ms,
            m.e2e_p50_ms,
            m.e2e_p99_ms,
            m.slo_attainment,
            m.cache_hit_rate,
            m.load_imbalance,
            m.moves,
            m.prefixes_remapped.map_or(String::new(), |x| x.to_string())
        ));
    }
    out
}

/// Adds (or removes) an instance at `t_ms`.
pub fn scale_at(s: &mut ServingSettings, t_ms: f64, add: bool) {
    s.scaling.push(ScaleEvent {
        time_ms: t_ms,
        action: if add {
            ScaleAction::Add
        } else {
            ScaleAction::Remove
        },
    });
    schedlab_core::util::sort_dyn(&mut s.scaling, &|a, b| a.time_ms.total_cmp(&b.time_ms));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_lanes_never_overlap_and_stack_as_high_as_the_batch() {
        let r = run_all(&ServingSettings::default()).unwrap();
        let run = &r.columns[0].run;
        let lanes = decode_lanes(&run.requests, r.lifetimes.len());
        let mut deepest = vec![0usize; r.lifetimes.len()];
        for (a, qa) in run.requests.iter().enumerate() {
            deepest[qa.instance] = deepest[qa.instance].max(lanes[a] + 1);
            for (b, qb) in run.requests.iter().enumerate().skip(a + 1) {
                let overlap = qa.decode_start < qb.decode_end && qb.decode_start < qa.decode_end;
                if qa.instance == qb.instance && overlap {
                    assert_ne!(lanes[a], lanes[b], "requests {a} and {b} share a lane");
                }
            }
        }
        // Lowest-free-lane assignment uses exactly as many lanes as the peak concurrency.
        for (i, &d) in deepest.iter().enumerate() {
            let mut ev: Vec<(f64, i32)> = run
                .requests
                .iter()
                .filter(|q| q.instance == i && q.decode_end > q.decode_start)
                .flat_map(|q| [(q.decode_start, 1), (q.decode_end, -1)])
                .collect();
            ev.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            let (mut k, mut peak) = (0, 0);
            for (_, e) in ev {
                k += e;
                peak = peak.max(k);
            }
            assert!(
                d as i32 >= peak && peak > 0,
                "instance {i}: {d} lanes, peak {peak}"
            );
        }
        assert!(deepest.iter().any(|&d| d > 1), "some decodes are batched");
    }

    #[test]
    fn the_default_lab_shows_dualmap_keeping_prefixes_together() {
        let r = run_all(&ServingSettings::default()).unwrap();
        let (d, rr) = (&r.columns[0].metrics, &r.columns[1].metrics);
        assert!(
            d.cache_hit_rate > rr.cache_hit_rate + 0.1,
            "{} vs {}",
            d.cache_hit_rate,
            rr.cache_hit_rate
        );
        assert!(d.ttft_p50_ms < rr.ttft_p50_ms);
        // The most common prefix: on how many instances does each router put it?
        let spread = |c: &ServingColumn| {
            let mut set = std::collections::BTreeSet::new();
            for (k, q) in c.run.requests.iter().enumerate() {
                if r.prefix_color[k] == 0 {
                    set.insert(q.instance);
                }
            }
            set.len()
        };
        assert!(
            spread(&r.columns[0]) <= 2,
            "DualMap: two candidates at most"
        );
        assert!(spread(&r.columns[1]) == 4, "round robin scatters it");
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, (900, 200)).into_drawing_area();
            draw_gantt(&root, &geometry(900, 200, &r), &r, 0, r.t_max, false).unwrap();
            root.present().unwrap();
        }
        assert!(svg.matches("<rect").count() > 300);
        assert_eq!(metrics_csv(&r).lines().count(), 3);
    }

    #[test]
    fn adding_an_instance_at_the_playhead_reports_the_remapped_prefixes() {
        let mut s = ServingSettings::default();
        let base = run_all(&s).unwrap();
        scale_at(&mut s, base.t_max / 3.0, true);
        let r = run_all(&s).unwrap();
        assert_eq!(r.lifetimes.len(), 5);
        assert!(r.lifetimes[4].0 > 0.0);
        let remapped = r.columns[0].metrics.prefixes_remapped.unwrap();
        let seen = r.columns[0].run.scaling[0].prefixes_seen;
        assert!(
            remapped > 0 && (remapped as f64) < 0.7 * seen as f64,
            "{remapped} of {seen}"
        );
        s.scaling.clear();
        s.instances = 1;
        scale_at(&mut s, 10.0, false);
        assert!(run_all(&s).is_err(), "cannot remove the last instance");
    }
}
