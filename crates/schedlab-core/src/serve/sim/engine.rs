//! The serving simulator: routes every request, then serves it on its instance (FIFO
//! prefill, batched decode, LRU prefix cache), with noise, instance slowdowns and scaling
//! events.

use std::collections::{HashMap, VecDeque};

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::serve::cache::Lru;
use crate::serve::router::{
    prefix_key, Ablation, Looked, Router, RouterState, View, DUALMAP_SLO_FACTOR,
};
use crate::serve::{limits, Workload, BLOCK_TOKENS};
use crate::sim::{EventQueue, NOISE_FLOOR};
use crate::util::derive_seed;

/// An instance added or removed at a time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScaleAction {
    Add,
    /// Removes the highest-numbered instance still serving; its queued requests are routed
    /// again, what it has started finishes.
    Remove,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ScaleEvent {
    pub time_ms: f64,
    pub action: ScaleAction,
}

/// The cluster and its model constants (documented defaults in docs/serving.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServeConfig {
    pub instances: usize,
    /// KV-cache capacity per instance, in blocks of 512 tokens.
    pub cache_blocks: usize,
    /// Prefill time = `prefill_base_ms` + `prefill_ms_per_token` × uncached tokens.
    pub prefill_base_ms: f64,
    pub prefill_ms_per_token: f64,
    /// Decode time per output token.
    pub decode_ms_per_token: f64,
    /// Requests decoding at once per instance (0 = unlimited).
    pub batch_limit: usize,
    pub slo_ms: f64,
    /// Relative σ of prefill and decode times.
    pub prefill_sigma: f64,
    pub decode_sigma: f64,
    /// (instance, factor ≥ 1): instances that run slower by that factor.
    pub slow: Vec<(usize, f64)>,
    pub scaling: Vec<ScaleEvent>,
    /// DualMap's hotspot-aware rebalancing of queued requests.
    pub rebalance: bool,
    pub seed: u64,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            instances: 8,
            cache_blocks: 4096,
            prefill_base_ms: 10.0,
            prefill_ms_per_token: 0.04,
            decode_ms_per_token: 20.0,
            batch_limit: 64,
            slo_ms: 2000.0,
            prefill_sigma: 0.0,
            decode_sigma: 0.0,
            slow: Vec::new(),
            scaling: Vec::new(),
            rebalance: true,
            seed: 1,
        }
    }
}

/// Upper bound on instances.
pub const MAX_INSTANCES: usize = 1024;

impl ServeConfig {
    pub fn validate(&self) -> Result<()> {
        if self.instances == 0 || self.instances > MAX_INSTANCES {
            return Err(Error::invalid(format!(
                "instances must be between 1 and {MAX_INSTANCES} (got {})",
                self.instances
            )));
        }
        for (what, v, max) in [
            (
                "prefill base time",
                self.prefill_base_ms,
                limits::MAX_NUMBER,
            ),
            (
                "prefill time per token",
                self.prefill_ms_per_token,
                limits::MAX_NUMBER,
            ),
            (
                "decode time per token",
                self.decode_ms_per_token,
                limits::MAX_NUMBER,
            ),
            ("prefill σ", self.prefill_sigma, limits::MAX_SIGMA),
            ("decode σ", self.decode_sigma, limits::MAX_SIGMA),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(Error::invalid(format!(
                    "{what} must be a finite number >= 0 (got {v})"
                )));
            }
            if v > max {
                return Err(Error::invalid(format!(
                    "{what} {} is above the limit of {}",
                    crate::util::show(v),
                    crate::util::show(max)
                )));
            }
        }
        if self.scaling.len() > limits::MAX_SCALING_EVENTS {
            return Err(Error::Limit {
                what: "scaling events",
                found: self.scaling.len(),
                limit: limits::MAX_SCALING_EVENTS,
            });
        }
        if !(self.slo_ms.is_finite() && self.slo_ms > 0.0) {
            return Err(Error::invalid(format!(
                "the TTFT SLO must be > 0 ms (got {})",
                self.slo_ms
            )));
        }
        if self.slo_ms > limits::MAX_NUMBER {
            return Err(Error::invalid(format!(
                "the TTFT SLO {} ms is above the limit of {}",
                crate::util::show(self.slo_ms),
                crate::util::show(limits::MAX_NUMBER)
            )));
        }
        for &(i, f) in &self.slow {
            if !(f.is_finite() && (1.0..=limits::MAX_SLOWDOWN).contains(&f)) || i >= MAX_INSTANCES {
                return Err(Error::invalid(format!(
                    "slowdown ({i}, {f}): the factor must be between 1 and {}",
                    limits::MAX_SLOWDOWN
                )));
            }
        }
        let mut alive = self.instances as i64;
        let mut scaling = self.scaling.clone();
        crate::util::sort_dyn(&mut scaling, &|a, b| a.time_ms.total_cmp(&b.time_ms));
        for e in &scaling {
            if !(e.time_ms.is_finite() && e.time_ms >= 0.0 && e.time_ms <= limits::MAX_NUMBER) {
                return Err(Error::invalid("a scaling event needs a time >= 0"));
            }
            alive += if e.action == ScaleAction::Add { 1 } else { -1 };
            if alive < 1 || alive as usize > MAX_INSTANCES {
                return Err(Error::invalid(format!(
                    "scaling at {} ms would leave {alive} instances",
                    e.time_ms
                )));
            }
        }
        Ok(())
    }

    pub(super) fn prefill_ms(&self, uncached: f64) -> f64 {
        self.prefill_base_ms + self.prefill_ms_per_token * uncached
    }
}

/// What happened to one request.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReqRun {
    pub instance: usize,
    pub prefill_start: f64,
    pub prefill_end: f64,
    pub decode_start: f64,
    pub decode_end: f64,
    pub cached_tokens: u32,
    /// Moved by DualMap's rebalancing or re-routed off a removed instance.
    pub moved: bool,
}

/// A scaling event as it happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleRecord {
    pub time_ms: f64,
    pub action: ScaleAction,
    pub instance: usize,
    /// Prefix keys seen so far whose instance (hash routers) or candidate pair (DualMap)
    /// changed; None for routers without a prefix mapping.
    pub prefixes_remapped: Option<usize>,
    pub prefixes_seen: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServeRun {
    pub requests: Vec<ReqRun>,
    /// (time, instance, cached blocks) after every prefill.
    pub cache_samples: Vec<(f64, usize, usize)>,
    pub scaling: Vec<ScaleRecord>,
    /// Instances that ever existed.
    pub instances: usize,
    pub moves: usize,
    /// Mean over arrivals of max ÷ mean outstanding prefill work across instances.
    pub load_imbalance: f64,
}

/// One instance as a routing decision saw it (issue 12).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Seen {
    pub instance: usize,
    /// Requests queued, in prefill or decoding there.
    pub outstanding_requests: usize,
    /// Prefill tokens queued or running there (their uncached part).
    pub outstanding_tokens: f64,
    /// Blocks of the request's prompt cached there, from the first.
    pub cached_blocks: usize,
    /// Its queueing plus its own prefill there.
    pub predicted_ttft_ms: f64,
}

/// Why a request went where it did: a routing decision on arrival, a re-route off a
/// removed instance, or a move by DualMap's rebalancing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteRecord {
    pub request: usize,
    pub time_ms: f64,
    /// The instances the router looked at, as it saw them.
    pub candidates: Vec<Seen>,
    pub chosen: usize,
    /// The instance it left (moves and re-routes), None for a first routing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<usize>,
    pub reason: &'static str,
}

/// Routing records a run may keep (requests × instances looked at): bounds
/// `serve --explain`'s output.
pub const MAX_ROUTE_RECORDS: usize = 250_000;

#[derive(Debug, Clone, Copy)]
enum Ev {
    Scale(usize),
    Arrive(usize),
    PrefillDone(usize),
    DecodeDone(usize, usize),
}

#[derive(Debug, Clone)]
struct Inst {
    cache: Lru,
    queue: VecDeque<usize>,
    running: Option<usize>,
    running_end: f64,
    running_tokens: f64,
    queued_ms: f64,
    queued_tokens: f64,
    outstanding: usize,
    decoding: usize,
    decode_wait: VecDeque<usize>,
    slow: f64,
}

struct State<'a> {
    w: &'a Workload,
    c: &'a ServeConfig,
    now: f64,
    inst: Vec<Inst>,
    alive: Vec<usize>,
    est_ms: Vec<f64>,
    est_tokens: Vec<f64>,
    candidates: Vec<(usize, usize)>,
    runs: Vec<ReqRun>,
    events: EventQueue<Ev>,
    cache_samples: Vec<(f64, usize, usize)>,
    moves: usize,
}

impl View for State<'_> {
    fn alive(&self) -> &[usize] {
        &self.alive
    }
    fn outstanding_requests(&self, i: usize) -> usize {
        self.inst[i].outstanding
    }
    fn outstanding_tokens(&self, i: usize) -> f64 {
        let s = &self.inst[i];
        s.queued_tokens
            + if s.running.is_some() {
                s.running_tokens
            } else {
                0.0
            }
    }
    fn cached_prefix(&self, i: usize, blocks: &[u64]) -> usize {
        self.inst[i].cache.prefix_hits(blocks)
    }
    fn predicted_ttft(&self, i: usize, blocks: &[u64], tokens: u32) -> f64 {
        self.wait(i) + self.c.prefill_ms(self.uncached(i, blocks, tokens))
    }
    fn slo_ms(&self) -> f64 {
        self.c.slo_ms
    }
}

impl State<'_> {
    /// Instance `i` as a router sees it for request `r`.
    fn seen(&self, i: usize, r: usize) -> Seen {
        let req = &self.w.requests[r];
        Seen {
            instance: i,
            outstanding_requests: self.outstanding_requests(i),
            outstanding_tokens: self.outstanding_tokens(i),
            cached_blocks: self.cached_prefix(i, &req.blocks),
            predicted_ttft_ms: self.predicted_ttft(i, &req.blocks, req.input_tokens),
        }
    }

    /// Routes request `r` (recording why into `log` when there is one; `from`: the
    /// instance it left).
    fn route(
        &self,
        rs: &mut RouterState,
        r: usize,
        from: Option<usize>,
        log: Option<&mut Vec<RouteRecord>>,
    ) -> usize {
        let req = &self.w.requests[r];
        let Some(log) = log else {
            return rs.route(self, &req.blocks, req.input_tokens);
        };
        let (i, why) = rs.route_why(self, &req.blocks, req.input_tokens);
        let candidates = match why.looked {
            Looked::Chosen => vec![self.seen(i, r)],
            Looked::Two(a, b) if a == b => vec![self.seen(a, r)],
            Looked::Two(a, b) => vec![self.seen(a, r), self.seen(b, r)],
            Looked::All => self.alive.iter().map(|&x| self.seen(x, r)).collect(),
        };
        log.push(RouteRecord {
            request: r,
            time_ms: self.now,
            candidates,
            chosen: i,
            from,
            reason: if from.is_some() {
                "re-routed: its instance was removed"
            } else {
                why.reason
            },
        });
        i
    }

    fn wait(&self, i: usize) -> f64 {
        let s = &self.inst[i];
        (s.running_end - self.now).max(0.0) * (s.running.is_some() as u8 as f64) + s.queued_ms
    }

    fn uncached(&self, i: usize, blocks: &[u64], tokens: u32) -> f64 {
        let hit = (self.inst[i].cache.prefix_hits(blocks) * BLOCK_TOKENS).min(tokens as usize);
        (tokens as usize - hit) as f64
    }

    fn enqueue(&mut self, r: usize, i: usize) {
        let req = &self.w.requests[r];
        let unc = self.uncached(i, &req.blocks, req.input_tokens);
        self.est_tokens[r] = unc;
        self.est_ms[r] = self.c.prefill_ms(unc);
        let s = &mut self.inst[i];
        s.queue.push_back(r);
        s.queued_ms += self.est_ms[r];
        s.queued_tokens += unc;
        s.outstanding += 1;
        self.runs[r].instance = i;
    }

    fn dequeue_at(&mut self, i: usize, pos: usize) -> usize {
        let r = self.inst[i].queue.remove(pos).expect("in the queue");
        let s = &mut self.inst[i];
        s.queued_ms = (s.queued_ms - self.est_ms[r]).max(0.0);
        s.queued_tokens = (s.queued_tokens - self.est_tokens[r]).max(0.0);
        s.outstanding -= 1;
        r
    }

    fn factor(&self, r: usize, which: u64, sigma: f64) -> f64 {
        if sigma == 0.0 {
            return 1.0;
        }
        let mut rng =
            StdRng::seed_from_u64(derive_seed(derive_seed(self.c.seed, 40 + which), r as u64));
        (1.0 + sigma * crate::dist::standard_normal(&mut rng)).max(NOISE_FLOOR)
    }

    fn try_prefill(&mut self, i: usize) {
        if self.inst[i].running.is_some() || self.inst[i].queue.is_empty() {
            return;
        }
        let r = self.dequeue_at(i, 0);
        self.inst[i].outstanding += 1; // still outstanding while it runs
        let req = &self.w.requests[r];
        let hit = (self.inst[i].cache.prefix_hits(&req.blocks) * BLOCK_TOKENS)
            .min(req.input_tokens as usize);
        let unc = (req.input_tokens as usize - hit) as f64;
        let d =
            self.c.prefill_ms(unc) * self.factor(r, 0, self.c.prefill_sigma) * self.inst[i].slow;
        let s = &mut self.inst[i];
        s.running = Some(r);
        s.running_end = self.now + d;
        s.running_tokens = unc;
        self.runs[r].prefill_start = self.now;
        self.runs[r].cached_tokens = hit as u32;
        self.events.push(self.now + d, Ev::PrefillDone(i));
    }

    fn start_decode(&mut self, i: usize, r: usize) {
        let d = self.w.requests[r].output_tokens as f64
            * self.c.decode_ms_per_token
            * self.factor(r, 1, self.c.decode_sigma)
            * self.inst[i].slow;
        self.inst[i].decoding += 1;
        self.runs[r].decode_start = self.now;
        self.events.push(self.now + d, Ev::DecodeDone(i, r));
    }

    /// DualMap's hotspot rebalancing: when `i` is predicted past the SLO headroom, move its
    /// newest queued requests to their other candidate when that one is predicted faster.
    fn rebalance(&mut self, i: usize, mut log: Option<&mut Vec<RouteRecord>>) {
        if self.wait(i) <= DUALMAP_SLO_FACTOR * self.c.slo_ms {
            return;
        }
        let mut moved = 0;
        let mut pos = self.inst[i].queue.len();
        // The work queued ahead of each position, summed left to right once (the same
        // additions, in the same order, as summing the first `pos` each time; moving a
        // request away only shortens the queue behind the positions still to visit).
        let mut prefix = Vec::with_capacity(pos + 1);
        prefix.push(std::iter::empty::<f64>().sum::<f64>());
        for &x in &self.inst[i].queue {
            prefix.push(prefix[prefix.len() - 1] + self.est_ms[x]);
        }
        while pos > 0 && moved < 8 {
            pos -= 1;
            let r = self.inst[i].queue[pos];
            let (a, b) = self.candidates[r];
            let other = if a == i { b } else { a };
            if other == i || !self.alive.contains(&other) {
                continue;
            }
            let req = &self.w.requests[r];
            // Its predicted TTFT here: the work queued ahead of it plus its own prefill.
            let ahead: f64 = prefix[pos]
                + if self.inst[i].running.is_some() {
                    (self.inst[i].running_end - self.now).max(0.0)
                } else {
                    0.0
                };
            let here = ahead + self.est_ms[r];
            let there = self.predicted_ttft(other, &req.blocks, req.input_tokens);
            if there + 1.0 < here {
                if let Some(log) = log.as_deref_mut() {
                    log.push(RouteRecord {
                        request: r,
                        time_ms: self.now,
                        candidates: vec![
                            Seen {
                                predicted_ttft_ms: here,
                                ..self.seen(i, r)
                            },
                            self.seen(other, r),
                        ],
                        chosen: other,
                        from: Some(i),
                        reason: "rebalancing move: predicted faster on its other candidate",
                    });
                }
                let r = self.dequeue_at(i, pos);
                self.enqueue(r, other);
                self.runs[r].moved = true;
                self.moves += 1;
                moved += 1;
                self.try_prefill(other);
            }
        }
    }
}

/// Routes and serves `workload` on the cluster `config` with `router`; deterministic in
/// the inputs and the seed.
pub fn simulate(workload: &Workload, config: &ServeConfig, router: Router) -> Result<ServeRun> {
    run(workload, config, router, None)
}

/// [`simulate`] with a record of every routing decision, re-route and rebalancing move
/// (the same run: recording reads the router's view, never changes it); refused when the
/// routing decisions alone could look at more than [`MAX_ROUTE_RECORDS`] instances (moves
/// and re-routes add at most 8 two-instance records per arrival: memory stays linear).
pub fn simulate_explained(
    workload: &Workload,
    config: &ServeConfig,
    router: Router,
) -> Result<(ServeRun, Vec<RouteRecord>)> {
    let instances = config.instances
        + config
            .scaling
            .iter()
            .filter(|e| e.action == ScaleAction::Add)
            .count();
    let most = workload.requests.len().saturating_mul(instances.max(2));
    if most > MAX_ROUTE_RECORDS {
        return Err(Error::Limit {
            what: "requests × instances to explain (each routing records what it looked at)",
            found: most,
            limit: MAX_ROUTE_RECORDS,
        });
    }
    let mut log = Vec::new();
    let out = run(workload, config, router, Some(&mut log))?;
    Ok((out, log))
}

/// The simulator, recording into `log` when given: one branch per routing when not (the
/// page and the CLI share one copy of the engine; docs/performance.md measures the cost).
fn run(
    workload: &Workload,
    config: &ServeConfig,
    router: Router,
    mut log: Option<&mut Vec<RouteRecord>>,
) -> Result<ServeRun> {
    workload.validate()?;
    config.validate()?;
    let n = workload.requests.len();
    let total_instances = config.instances
        + config
            .scaling
            .iter()
            .filter(|e| e.action == ScaleAction::Add)
            .count();
    let slow = |i: usize| {
        config
            .slow
            .iter()
            .filter(|s| s.0 == i)
            .map(|s| s.1)
            .fold(1.0, f64::max)
    };
    let mut st = State {
        w: workload,
        c: config,
        now: 0.0,
        inst: (0..total_instances)
            .map(|i| Inst {
                cache: Lru::new(config.cache_blocks),
                queue: VecDeque::new(),
                running: None,
                running_end: 0.0,
                running_tokens: 0.0,
                queued_ms: 0.0,
                queued_tokens: 0.0,
                outstanding: 0,
                decoding: 0,
                decode_wait: VecDeque::new(),
                slow: slow(i),
            })
            .collect(),
        alive: (0..config.instances).collect(),
        est_ms: vec![0.0; n],
        est_tokens: vec![0.0; n],
        candidates: vec![(0, 0); n],
        runs: vec![
            ReqRun {
                instance: 0,
                prefill_start: f64::NAN,
                prefill_end: f64::NAN,
                decode_start: f64::NAN,
                decode_end: f64::NAN,
                cached_tokens: 0,
                moved: false,
            };
            n
        ],
        events: EventQueue::new(),
        cache_samples: Vec::new(),
        moves: 0,
    };
    let mut rs = RouterState::new(router.clone(), &st.alive, derive_seed(config.seed, 50));
    let mut scaling = config.scaling.clone();
    crate::util::sort_dyn(&mut scaling, &|a, b| a.time_ms.total_cmp(&b.time_ms));
    // Scaling events first at equal times (pushed first, the queue is FIFO on ties).
    for (k, e) in scaling.iter().enumerate() {
        st.events.push(e.time_ms, Ev::Scale(k));
    }
    for (r, req) in workload.requests.iter().enumerate() {
        st.events.push(req.arrival, Ev::Arrive(r));
    }
    // Hash routers count the prefixes each scaling event re-maps: one pass over the
    // prefixes seen (at most the requests) per event, bounded up front.
    let remaps = router.is_dualmap() || router == Router::ConsistentHash;
    let remap_work = scaling.len().saturating_mul(n);
    if remaps && remap_work > limits::MAX_REMAP_WORK {
        return Err(Error::Limit {
            what: "scaling events × requests (each scaling event re-maps every prefix seen)",
            found: remap_work,
            limit: limits::MAX_REMAP_WORK,
        });
    }
    let mut next_instance = config.instances;
    // The prefix keys seen (a map of the type the LRU cache uses: one hash-map
    // instantiation fewer in the WebAssembly bundle; the values are unused).
    let mut seen: HashMap<u64, usize> = HashMap::new();
    let mut records = Vec::new();
    let (mut imb_sum, mut imb_n) = (0.0, 0usize);
    let budget = limits::EVENTS_PER_REQUEST * (n + scaling.len()) + limits::EVENTS_BASE;
    let mut events = 0usize;
    while let Some((now, ev)) = st.events.pop() {
        events += 1;
        if events > budget {
            return Err(Error::Simulation(format!(
                "event budget of {budget} exceeded at t = {} ms: the run is not progressing",
                crate::util::show(now)
            )));
        }
        st.now = now;
        match ev {
            Ev::Arrive(r) => {
                // Load imbalance as the router finds it.
                let works: Vec<f64> = st.alive.iter().map(|&i| st.wait(i)).collect();
                let mean = works.iter().sum::<f64>() / works.len() as f64;
                if mean > 0.0 {
                    imb_sum += works.iter().copied().fold(0.0, f64::max) / mean;
                    imb_n += 1;
                }
                let req = &workload.requests[r];
                let key = prefix_key(&req.blocks);
                seen.insert(key, 0);
                if router.is_dualmap() {
                    st.candidates[r] = rs.candidates(key);
                }
                let i = st.route(&mut rs, r, None, log.as_deref_mut());
                if let Some(e) = rs.error.take() {
                    return Err(e);
                }
                st.enqueue(r, i);
                st.try_prefill(i);
                // Hotspot rebalancing, unless the ablation takes it out.
                if router.is_dualmap()
                    && router != Router::DualMapAblated(Ablation::NoRebalance)
                    && config.rebalance
                {
                    st.rebalance(i, log.as_deref_mut());
                }
            }
            Ev::PrefillDone(i) => {
                let r = st.inst[i].running.take().expect("a prefill was running");
                st.inst[i].running_tokens = 0.0;
                for &b in &workload.requests[r].blocks {
                    st.inst[i].cache.touch(b);
                }
                st.runs[r].prefill_end = now;
                st.cache_samples.push((now, i, st.inst[i].cache.len()));
                if config.batch_limit == 0 || st.inst[i].decoding < config.batch_limit {
                    st.start_decode(i, r);
                } else {
                    st.inst[i].decode_wait.push_back(r);
                }
                st.try_prefill(i);
            }
            Ev::DecodeDone(i, r) => {
                st.runs[r].decode_end = now;
                st.inst[i].decoding -= 1;
                st.inst[i].outstanding -= 1;
                if let Some(next) = st.inst[i].decode_wait.pop_front() {
                    st.start_decode(i, next);
                }
            }
            Ev::Scale(k) => {
                let e = scaling[k];
                let lookup = |rs: &RouterState, key: u64| match router {
                    Router::DualMap | Router::DualMapAblated(_) => rs.candidates(key),
                    _ => (rs.ring_a.lookup(key).unwrap_or(0), 0),
                };
                // Only the hash routers report re-mapped prefixes: the others skip the pass.
                let before: Vec<(usize, usize)> = if remaps {
                    seen.keys().map(|&key| lookup(&rs, key)).collect()
                } else {
                    Vec::new()
                };
                let instance = match e.action {
                    ScaleAction::Add => {
                        let i = next_instance;
                        next_instance += 1;
                        st.alive.push(i);
                        i
                    }
                    ScaleAction::Remove => {
                        let i = *st.alive.iter().max().expect("validated: one stays");
                        st.alive.retain(|&x| x != i);
                        i
                    }
                };
                rs.rescale(&st.alive);
                let remapped = if remaps {
                    seen.keys()
                        .zip(&before)
                        .filter(|(&key, b)| {
                            let now = lookup(&rs, key);
                            let same = now == **b || (router.is_dualmap() && now == (b.1, b.0));
                            !same
                        })
                        .count()
                } else {
                    0
                };
                records.push(ScaleRecord {
                    time_ms: now,
                    action: e.action,
                    instance,
                    prefixes_remapped: remaps.then_some(remapped),
                    prefixes_seen: seen.len(),
                });
                if e.action == ScaleAction::Remove {
                    // Route its queued requests again.
                    while !st.inst[instance].queue.is_empty() {
                        let r = st.dequeue_at(instance, 0);
                        let req = &workload.requests[r];
                        if router.is_dualmap() {
                            st.candidates[r] = rs.candidates(prefix_key(&req.blocks));
                        }
                        let j = st.route(&mut rs, r, Some(instance), log.as_deref_mut());
                        if let Some(e) = rs.error.take() {
                            return Err(e);
                        }
                        st.enqueue(r, j);
                        st.runs[r].moved = true;
                        st.try_prefill(j);
                    }
                }
            }
        }
    }
    if st.runs.iter().any(|r| r.decode_end.is_nan()) {
        return Err(Error::Simulation("some requests were never served".into()));
    }
    Ok(ServeRun {
        requests: st.runs,
        cache_samples: st.cache_samples,
        scaling: records,
        instances: total_instances,
        moves: st.moves,
        load_imbalance: if imb_n > 0 {
            imb_sum / imb_n as f64
        } else {
            1.0
        },
    })
}
