//! The Serving lab's drawings: instances as timeline rows (prefills colored by prompt
//! prefix, cache hits paler, each request's decode as a thin bar in lanes below, time out
//! of service shaded), the TTFT histogram with the SLO line, requests per instance, cache
//! occupancy.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::run::{ServingColumn, ServingResult};
use crate::kit::chart::{self, colors, legend, mesh_axes, Axis};
use crate::kit::color::{self, rgb};
use crate::kit::timeline::{self, format_time, Bar, DrawResult, Fill, Geometry, HitArea, Shade};

/// Color of a prefix rank: the 8 most common get the palette, the rest grey shades.
pub fn prefix_rgb(rank: usize) -> (u8, u8, u8) {
    if rank < 8 {
        color::OKABE_ITO[rank]
    } else {
        let g = 150 + (rank * 37 % 70) as u8;
        (g, g, g)
    }
}

/// The rows' labels: "I1", "I2", …; an instance added during the run is "I5 +".
pub fn instance_labels(r: &ServingResult) -> Vec<String> {
    r.lifetimes
        .iter()
        .enumerate()
        .map(|(i, &(from, _))| {
            if from > 0.0 && from.is_finite() {
                format!("I{} +", i + 1)
            } else {
                format!("I{}", i + 1)
            }
        })
        .collect()
}

/// Layout of the instances' timeline (seconds on the axis).
pub fn geometry(width: u32, height: u32, r: &ServingResult) -> Geometry {
    Geometry {
        left: 70.0,
        ..Geometry::new(width, height, r.lifetimes.len(), r.t_max / 1000.0)
    }
}

pub fn gantt_height(rows: usize) -> u32 {
    (40.0 + 34.0 * rows as f64) as u32
}

/// The request whose prefill is under pixel (x, y) anywhere in its instance's row, if any.
pub fn request_at(g: &Geometry, col: &ServingColumn, x: f64, y: f64) -> Option<usize> {
    let spans = col
        .run
        .requests
        .iter()
        .map(|q| (q.instance, q.prefill_start / 1000.0, q.prefill_end / 1000.0));
    timeline::hit(g, x, y, HitArea::Row, spans)
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
    let th = color::theme(dark);
    let Some(col) = r.columns.get(column) else {
        root.fill(&rgb(th.bg))?;
        return Ok(());
    };
    let sec = |ms: f64| ms / 1000.0;
    let t_end = r.t_max;
    timeline::draw_frame(root, g, &instance_labels(r), 12.0, " s", th)?;
    // Outside its lifetime an instance is shaded grey.
    let shades: Vec<Shade> = r
        .lifetimes
        .iter()
        .enumerate()
        .flat_map(|(i, &(from, to))| {
            [(0.0, from.min(t_end)), (to.min(t_end), t_end)]
                .into_iter()
                .filter(|(a, b)| b > a)
                .map(move |(a, b)| Shade {
                    row: i,
                    start: sec(a),
                    end: sec(b),
                    color: RGBAColor(128, 128, 128, 0.25),
                })
        })
        .collect();
    timeline::draw_shades(root, g, &shades)?;
    let rh = g.row_height();
    // Decodes: one thin bar per request in the bottom third of its row, colored by its
    // prefix, stacked in lanes (a request takes the lowest lane free at its start), so the
    // stack's height is the batch occupancy and each request stays visible.
    let lanes = decode_lanes(&col.run.requests, r.lifetimes.len());
    let mut depth = vec![1usize; r.lifetimes.len()];
    for (q, &l) in col.run.requests.iter().zip(&lanes) {
        depth[q.instance] = depth[q.instance].max(l + 1);
    }
    let decodes = col
        .run
        .requests
        .iter()
        .zip(&lanes)
        .enumerate()
        .filter(|(_, (q, _))| q.decode_end > q.decode_start)
        .map(|(k, (q, &l))| {
            let i = q.instance;
            let y1 = g.row_y(i).1 - 2.0;
            let lh = (rh * 0.3 / depth[i] as f64).max(1.0);
            let yb = y1 - l as f64 * lh;
            Bar {
                fill: Fill::Grow(0.7),
                y: Some(((yb - lh).round(), yb.round())),
                ..Bar::new(
                    i,
                    sec(q.decode_start),
                    sec(q.decode_end),
                    prefix_rgb(r.prefix_color[k]),
                )
            }
        });
    // Prefills: colored by prompt prefix; the cached share makes the bar paler; requests
    // preempted for memory (computed again) outlined purple, those moved off their first
    // instance orange.
    let prefills = col.run.requests.iter().enumerate().map(|(k, q)| {
        let i = q.instance;
        let hit = q.cached_tokens as f64 / r.workload.requests[k].input_tokens.max(1) as f64;
        let (top, _) = g.row_y(i);
        Bar {
            fill: Fill::Grow(1.0 - 0.6 * hit),
            outline: if q.preemptions > 0 {
                Some((rgb(color::OKABE_ITO[6]).to_rgba(), 0))
            } else {
                q.moved.then(|| (rgb(color::ALERT).to_rgba(), 0))
            },
            y: Some((top + 3.0, top + 0.66 * rh)),
            ..Bar::new(
                i,
                sec(q.prefill_start),
                sec(q.prefill_end),
                prefix_rgb(r.prefix_color[k]),
            )
        }
    });
    let bars: Vec<Bar> = decodes.chain(prefills).collect();
    timeline::draw_bars(root, g, &bars, sec(playhead), 12.0, th)?;
    // Scaling events.
    for e in col.run.scaling.iter().filter(|e| e.time_ms <= t_end) {
        timeline::draw_marker(root, g, sec(e.time_ms), (0, 158, 115))?;
    }
    timeline::draw_playhead(root, g, sec(playhead))
}

/// Each request's TTFT (or, with `tpot`, its time per output token after the first, for
/// replies of two tokens or more) under router `column`, once known at `playhead`.
pub fn latencies_by(r: &ServingResult, column: usize, playhead: f64, tpot: bool) -> Vec<f64> {
    r.columns.get(column).map_or(Vec::new(), |c| {
        c.run
            .requests
            .iter()
            .zip(&r.workload.requests)
            .filter_map(|(q, w)| match tpot {
                true => q.tpot(w).filter(|_| q.decode_end <= playhead),
                false => (q.prefill_end <= playhead).then_some(q.prefill_end - w.arrival),
            })
            .collect()
    })
}

/// The routers' names, in column order.
fn router_names(r: &ServingResult) -> Vec<String> {
    r.columns.iter().map(|c| c.router.clone()).collect()
}

/// TTFT histogram (or, with `tpot`, TPOT's), one color per router, with its SLO as a
/// vertical line.
pub fn draw_latency<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ServingResult,
    playhead: f64,
    dark: bool,
    tpot: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let series: Vec<Vec<f64>> = (0..r.columns.len())
        .map(|k| latencies_by(r, k, playhead, tpot))
        .collect();
    let slo = if tpot {
        r.config.tpot_slo_ms
    } else {
        r.config.slo_ms
    };
    let hi = series.iter().flatten().copied().fold(slo * 1.2, f64::max);
    let bins = chart::bins_over(&series, 0.0, hi, 24);
    let what = if tpot { "TPOT (ms)" } else { "TTFT (ms)" };
    let mut ch = chart::histogram_chart(root, &bins, (what, "requests"), fg)?;
    chart::draw_grouped(&mut ch, &bins, &router_names(r))?;
    let ymax = chart::count_top(&bins, 1.1);
    let alert = rgb(color::ALERT);
    ch.draw_series(std::iter::once(PathElement::new(
        vec![(slo, 0.0), (slo, ymax)],
        alert.stroke_width(2),
    )))
    .map_err(|e| e.to_string())?
    .label(format!("SLO {} ms", format_time(slo)))
    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 12, y)], alert.stroke_width(2)));
    legend(&mut ch, bg, fg)
}

/// Requests routed to each instance by `playhead` (ms): grouped bars per router over the
/// instances as categories.
pub fn draw_per_instance<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ServingResult,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let n = r.lifetimes.len();
    let mut bins: Vec<chart::Bin> = (0..n)
        .map(|i| (i as f64 - 0.4, i as f64 + 0.4, vec![0; r.columns.len()]))
        .collect();
    for (s, c) in r.columns.iter().enumerate() {
        for q in c
            .run
            .requests
            .iter()
            .filter(|q| q.prefill_start <= playhead)
        {
            bins[q.instance].2[s] += 1;
        }
    }
    let ymax = chart::count_top(&bins, 1.15);
    let mut ch = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(40)
        .build_cartesian_2d(-0.5..n as f64 - 0.5, 0.0..ymax)
        .map_err(|e| e.to_string())?;
    let labels: Vec<String> = (1..=n).map(|i| format!("I{i}")).collect();
    mesh_axes(
        &mut ch,
        ("instance", Axis::Categories(&labels)),
        ("requests routed", Axis::Count),
        fg,
    )?;
    chart::draw_grouped(&mut ch, &bins, &router_names(r))?;
    if r.columns.len() > 1 {
        legend(&mut ch, bg, fg)?;
    }
    Ok(())
}

/// KV blocks in use per instance over time (cached prefixes and running requests; one
/// router), sampled at each prefill's end, up to `playhead`; the axis ends at the memory.
pub fn draw_cache<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ServingResult,
    column: usize,
    playhead: f64,
    dark: bool,
) -> Result<(), String> {
    let (bg, fg) = colors(dark);
    root.fill(&bg).map_err(|e| e.to_string())?;
    let Some(col) = r.columns.get(column) else {
        return Ok(());
    };
    let mut ch = ChartBuilder::on(root)
        .margin(8)
        .x_label_area_size(30)
        .y_label_area_size(46)
        .build_cartesian_2d(
            0.0..r.t_max / 1000.0,
            0.0..r.config.cache_blocks as f64 * 1.05,
        )
        .map_err(|e| e.to_string())?;
    mesh_axes(
        &mut ch,
        ("time (s)", Axis::Value),
        ("KV blocks in use", Axis::Count),
        fg,
    )?;
    for i in 0..r.lifetimes.len() {
        let pts: Vec<(f64, f64)> = col
            .run
            .cache_samples
            .iter()
            .filter(|s| s.1 == i && s.0 <= playhead)
            .map(|s| (s.0 / 1000.0, s.2 as f64))
            .collect();
        let c = rgb(color::task_color(i));
        ch.draw_series(LineSeries::new(pts, c.stroke_width(2)))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}
