//! The Serving lab's run: every router of the settings through the engine's
//! [`lab::run`], laid out for drawing (prefix colors, instance lifetimes, the time axis).

use schedlab_core::registry::Entry;
use schedlab_core::serve::lab::{self, ServingSettings};
use schedlab_core::serve::router::{prefix_key, ROUTERS};
use schedlab_core::serve::sim::{ScaleAction, ServeConfig, ServeMetrics, ServeRun};
use schedlab_core::serve::Workload;
use schedlab_core::util::FastMap;

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
    let mut counts: FastMap<u64, usize> = FastMap::default();
    for &k in &keys {
        *counts.entry(k).or_default() += 1;
    }
    let mut ranked: Vec<(u64, usize)> = counts.into_iter().collect();
    schedlab_core::util::sort_dyn(&mut ranked, &|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rank: FastMap<u64, usize> = ranked
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (*k, i))
        .collect();
    let prefix_color = keys.iter().map(|k| rank[k]).collect();
    let total = columns.first().map_or(c.instances, |c| c.run.instances);
    let mut lifetimes = vec![(0.0, f64::INFINITY); total];
    for l in lifetimes.iter_mut().skip(c.instances) {
        l.0 = f64::INFINITY;
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

/// Arrivals and first tokens of every router's requests, sorted and deduplicated: the
/// playback's step stops.
pub fn event_times(r: &ServingResult) -> Vec<f64> {
    let mut times: Vec<f64> = r.workload.requests.iter().map(|q| q.arrival).collect();
    for c in &r.columns {
        times.extend(c.run.requests.iter().map(|q| q.prefill_end));
    }
    crate::kit::playback::events(times)
}
