//! The serving simulator: routes every request, then serves it on its instance (FIFO
//! prefill, batched decode, LRU prefix cache), with noise, instance slowdowns and scaling
//! events.

use std::collections::VecDeque;

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

/// How an instance forms its iterations (docs/serving.md, "Instance model").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstanceScheduler {
    /// vLLM's default (prefill first): an iteration prefills whole waiting prompts (up to
    /// the token budget, at least one) if any can be admitted; otherwise every running
    /// request decodes one token.
    #[default]
    Fcfs,
    /// Sarathi-Serve's chunked prefill: every iteration decodes one token of each running
    /// request and fills the rest of the token budget with prefill chunks, oldest first.
    Chunked,
}

/// The cluster and its model constants (documented defaults in docs/serving.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServeConfig {
    pub instances: usize,
    /// KV-cache memory per instance, in blocks of 512 tokens: cached prompt prefixes and
    /// the running requests' own blocks share it.
    pub cache_blocks: usize,
    pub scheduler: InstanceScheduler,
    /// Tokens per iteration: `fcfs`, prefill tokens batched in one iteration (a longer
    /// prompt runs alone; 0 = vLLM's 4,096); `chunked`, decode plus prefill tokens (0 =
    /// Sarathi-Serve's 512).
    pub token_budget: usize,
    /// An iteration's duration, ms (Vidur's operator profiles of Llama-3-8B on one
    /// A100-80GB, fitted: docs/serving.md): `iteration_ms` + `ms_per_token` × prefill
    /// tokens + `prefill_attention_ms` × Σ chunk × (context before it + chunk ÷ 2) / 10⁶
    /// (causal attention pairs) + `decode_ms_per_request` × decoding requests +
    /// `decode_ms_per_kilotoken` × their context tokens / 1000.
    pub iteration_ms: f64,
    pub ms_per_token: f64,
    pub prefill_attention_ms: f64,
    pub decode_ms_per_request: f64,
    pub decode_ms_per_kilotoken: f64,
    /// Requests running at once per instance (vLLM's max_num_seqs; 0 = unlimited).
    pub batch_limit: usize,
    /// The TTFT SLO and the time-per-output-token SLO (goodput meets both), ms.
    pub slo_ms: f64,
    pub tpot_slo_ms: f64,
    /// Relative σ of an iteration's prefill part and decode part.
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
            cache_blocks: DEFAULT_KV_BLOCKS,
            scheduler: InstanceScheduler::Fcfs,
            token_budget: 0,
            iteration_ms: 9.64,
            ms_per_token: 0.0798,
            prefill_attention_ms: 3.59,
            decode_ms_per_request: 0.0361,
            decode_ms_per_kilotoken: 0.0952,
            batch_limit: DEFAULT_BATCH_LIMIT,
            slo_ms: 2000.0,
            tpot_slo_ms: DEFAULT_TPOT_SLO_MS,
            prefill_sigma: 0.0,
            decode_sigma: 0.0,
            slow: Vec::new(),
            scaling: Vec::new(),
            rebalance: true,
            seed: 1,
        }
    }
}

/// KV memory of one A100-80GB serving Llama-3-8B in 16-bit, as Vidur sizes it
/// (docs/serving.md): 90 % of 80 GiB less 13.96 GB of weights, at 128 KiB per token
/// (2 × 32 layers × 8 KV heads × 128 × 2 bytes): 483,328 tokens, 944 blocks of 512.
pub const DEFAULT_KV_BLOCKS: usize = 944;
/// Requests running at once per instance (Vidur's default batch cap).
pub const DEFAULT_BATCH_LIMIT: usize = 128;
/// The time-per-output-token SLO (DistServe's chatbot setting, 0.1 s).
pub const DEFAULT_TPOT_SLO_MS: f64 = 100.0;

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
            ("iteration floor", self.iteration_ms, limits::MAX_NUMBER),
            (
                "time per batched token",
                self.ms_per_token,
                limits::MAX_NUMBER,
            ),
            (
                "prefill attention time",
                self.prefill_attention_ms,
                limits::MAX_NUMBER,
            ),
            (
                "decode time per request",
                self.decode_ms_per_request,
                limits::MAX_NUMBER,
            ),
            (
                "decode time per 1,000 context tokens",
                self.decode_ms_per_kilotoken,
                limits::MAX_NUMBER,
            ),
            ("the TPOT SLO", self.tpot_slo_ms, limits::MAX_NUMBER),
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
        if self.token_budget != 0
            && (self.token_budget < limits::MIN_TOKEN_BUDGET || self.token_budget > 1 << 20)
        {
            return Err(Error::invalid(format!(
                "the token budget must be 0 (the default) or between {} and {} (got {})",
                limits::MIN_TOKEN_BUDGET,
                1 << 20,
                self.token_budget
            )));
        }
        if self.cache_blocks == 0 || self.cache_blocks > limits::MAX_KV_BLOCKS {
            return Err(Error::invalid(format!(
                "KV memory must be between 1 and {} blocks per instance (got {})",
                limits::MAX_KV_BLOCKS,
                self.cache_blocks
            )));
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

    /// A prefill of `tokens` tokens alone, after `context` cached ones, in one iteration
    /// (the nominal model, no noise): a lower bound on any prefill of them.
    pub fn prefill_alone_ms(&self, tokens: f64, context: f64) -> f64 {
        self.iteration_ms
            + self.ms_per_token * tokens
            + self.prefill_attention_ms * tokens * (context + tokens / 2.0) / 1e6
    }

    /// A decode iteration of one request at `context` tokens (no noise): a lower bound on
    /// the time between two of its tokens.
    pub fn decode_alone_ms(&self, context: f64) -> f64 {
        self.iteration_ms
            + self.decode_ms_per_request
            + self.decode_ms_per_kilotoken * context / 1000.0
    }

    /// The token budget in force (0 picks the scheduler's default).
    pub fn budget(&self) -> usize {
        match (self.token_budget, self.scheduler) {
            (0, InstanceScheduler::Fcfs) => 4096,
            (0, InstanceScheduler::Chunked) => 512,
            (b, _) => b,
        }
    }

    /// The KV blocks a request needs at its largest (prompt and output), which must fit in
    /// one instance's memory.
    pub fn blocks_needed(prompt_blocks: usize, tokens: u64) -> usize {
        prompt_blocks.max(tokens.div_ceil(BLOCK_TOKENS as u64) as usize)
    }
}

/// What happened to one request.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ReqRun {
    pub instance: usize,
    /// Its first prefill chunk's iteration began.
    pub prefill_start: f64,
    /// Its prefill ended and its first token came out (the TTFT point).
    pub prefill_end: f64,
    /// Equal to `prefill_end` (decoding follows the first token at once); kept for the
    /// Gantt's decode bar.
    pub decode_start: f64,
    /// Its last token came out.
    pub decode_end: f64,
    /// Prompt tokens found in the prefix cache at its first admission.
    pub cached_tokens: u32,
    /// Moved by DualMap's rebalancing or re-routed off a removed instance.
    pub moved: bool,
    /// Times it was preempted (its KV memory freed, to be computed again).
    pub preemptions: u32,
    /// Iterations that computed part of its prompt, every attempt counted: 1 for a whole
    /// prompt (`fcfs`), one per chunk with chunked prefill.
    pub prefill_iterations: u32,
}

impl ReqRun {
    /// Its time per output token after the first, for a reply of two tokens or more (the
    /// metrics' TPOT and the page's histogram).
    pub fn tpot(&self, q: &crate::serve::Request) -> Option<f64> {
        (q.output_tokens > 1)
            .then(|| (self.decode_end - self.prefill_end) / f64::from(q.output_tokens - 1))
    }
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
    /// (time, instance, KV blocks in use: cached and running) after every prefill.
    pub cache_samples: Vec<(f64, usize, usize)>,
    pub scaling: Vec<ScaleRecord>,
    /// Instances that ever existed.
    pub instances: usize,
    pub moves: usize,
    /// Mean over arrivals of max ÷ mean predicted waiting time across instances.
    pub load_imbalance: f64,
    /// Iterations run, over all instances.
    pub iterations: usize,
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
    /// Its queueing plus its own prefill there, by the nominal model.
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
    IterationDone(usize),
}

/// A request's progress on its instance.
#[derive(Debug, Clone, Copy, Default)]
struct Progress {
    /// Prompt blocks pinned in the cache (its cached prefix while it prefills, the whole
    /// prompt after).
    pinned: usize,
    /// Blocks of its own (being computed, or holding output tokens).
    own: usize,
    /// Tokens to prefill at this admission, and those done.
    target: u32,
    prefilled: u32,
    /// Context tokens cached when admitted (where its prefill starts).
    start: u32,
    /// Output tokens produced so far.
    generated: u32,
    /// Uncached prompt tokens as estimated when it was queued.
    est_tokens: f64,
    /// Its prompt and output tokens (copied here: the decode loop reads only this).
    input: u32,
    output: u32,
}

#[derive(Debug, Clone)]
struct Inst {
    cache: Lru,
    /// Routed, not admitted (FCFS); DualMap moves requests between these.
    waiting: VecDeque<usize>,
    /// Admitted, in admission order.
    running: Vec<usize>,
    /// Blocks the running requests hold of their own.
    own: usize,
    busy_until: f64,
    busy: bool,
    /// The iteration in flight: (request, prefill tokens; 0 = one decode token).
    batch: Vec<(usize, u32)>,
    queued_tokens: f64,
    /// Prefill tokens the admitted requests still have to compute (kept as they change:
    /// routers read it at every arrival).
    partial_tokens: f64,
    /// The queue's head could not be admitted and nothing has freed memory or a batch slot
    /// since (no retry every decode iteration).
    blocked: bool,
    /// Decoding requests and their context tokens at the last iteration formed.
    decoding: usize,
    decode_context: f64,
    iterations: u64,
    slow: f64,
}

struct State<'a> {
    w: &'a Workload,
    c: &'a ServeConfig,
    now: f64,
    inst: Vec<Inst>,
    alive: Vec<usize>,
    p: Vec<Progress>,
    candidates: Vec<(usize, usize)>,
    runs: Vec<ReqRun>,
    events: EventQueue<Ev>,
    cache_samples: Vec<(f64, usize, usize)>,
    moves: usize,
    preemptions: usize,
    /// Events the preemptions' recomputation may add to the budget.
    extra_events: usize,
}

impl View for State<'_> {
    fn alive(&self) -> &[usize] {
        &self.alive
    }
    fn outstanding_requests(&self, i: usize) -> usize {
        self.inst[i].waiting.len() + self.inst[i].running.len()
    }
    fn waiting_requests(&self, i: usize) -> usize {
        self.inst[i].waiting.len()
    }
    fn outstanding_tokens(&self, i: usize) -> f64 {
        self.pending_tokens(i)
    }
    fn kv_usage(&self, i: usize) -> f64 {
        let s = &self.inst[i];
        (s.cache.pinned() + s.own) as f64 / self.c.cache_blocks as f64
    }
    fn cached_prefix(&self, i: usize, blocks: &[u64]) -> usize {
        self.inst[i].cache.prefix_hits(blocks)
    }
    fn predicted_ttft(&self, i: usize, blocks: &[u64], tokens: u32) -> f64 {
        let (unc, cached) = self.uncached(i, blocks, tokens);
        self.eta(i, self.pending_tokens(i) + unc)
            + self.c.prefill_attention_ms * unc * (cached + unc / 2.0) / 1e6 * self.inst[i].slow
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

    /// Prefill tokens still to compute on `i`: queued, and the rest of admitted prefills.
    fn pending_tokens(&self, i: usize) -> f64 {
        let s = &self.inst[i];
        s.queued_tokens + s.partial_tokens
    }

    /// The nominal time (no noise) until `tokens` more prefill tokens are done on `i`:
    /// the iteration in flight, then iterations of the token budget (`chunked`: less the
    /// decoding requests, whose tokens each iteration carries too).
    fn eta(&self, i: usize, tokens: f64) -> f64 {
        let s = &self.inst[i];
        let c = self.c;
        let rest = if s.busy {
            (s.busy_until - self.now).max(0.0)
        } else {
            0.0
        };
        // `chunked` carries the decoding requests' tokens in every iteration.
        let (decoding, context) = match c.scheduler {
            InstanceScheduler::Fcfs => (0.0, 0.0),
            InstanceScheduler::Chunked => (s.decoding as f64, s.decode_context),
        };
        let budget = (c.budget() as f64 - decoding).max(1.0);
        let iterations = (tokens / budget).ceil().max(1.0);
        let per_iteration = c.iteration_ms
            + c.decode_ms_per_request * decoding
            + c.decode_ms_per_kilotoken * context / 1000.0;
        rest + (c.ms_per_token * tokens + iterations * per_iteration) * s.slow
    }

    /// The predicted wait on `i` before a new request's own prefill could start.
    fn wait(&self, i: usize) -> f64 {
        let pending = self.pending_tokens(i);
        if pending > 0.0 {
            self.eta(i, pending)
        } else if self.inst[i].busy {
            (self.inst[i].busy_until - self.now).max(0.0)
        } else {
            0.0
        }
    }

    /// (uncached, cached) prompt tokens of a request on `i`.
    fn uncached(&self, i: usize, blocks: &[u64], tokens: u32) -> (f64, f64) {
        let hit = (self.inst[i].cache.prefix_hits(blocks) * BLOCK_TOKENS).min(tokens as usize);
        ((tokens as usize - hit) as f64, hit as f64)
    }

    fn enqueue(&mut self, r: usize, i: usize) {
        let req = &self.w.requests[r];
        let (unc, _) = self.uncached(i, &req.blocks, req.input_tokens);
        self.p[r].est_tokens = unc;
        let s = &mut self.inst[i];
        s.waiting.push_back(r);
        s.queued_tokens += unc;
        self.runs[r].instance = i;
    }

    fn dequeue_at(&mut self, i: usize, pos: usize) -> usize {
        let r = self.inst[i].waiting.remove(pos).expect("in the queue");
        let s = &mut self.inst[i];
        s.queued_tokens = (s.queued_tokens - self.p[r].est_tokens).max(0.0);
        s.blocked = false;
        r
    }

    /// Frees blocks on `i` (evicting unpinned cached blocks, least recently used first)
    /// until `k` are free; false if it cannot.
    fn make_room(&mut self, i: usize, k: usize) -> bool {
        let cap = self.c.cache_blocks;
        let s = &mut self.inst[i];
        while s.cache.len() + s.own + k > cap {
            if !s.cache.evict() {
                return false;
            }
        }
        true
    }

    /// Admits request `r` at the head of `i`'s queue if memory and the batch limit allow:
    /// pins its cached prefix and reserves blocks for the rest of its context.
    fn admit(&mut self, i: usize, r: usize) -> bool {
        let c = self.c;
        if c.batch_limit > 0 && self.inst[i].running.len() >= c.batch_limit {
            return false;
        }
        let req = &self.w.requests[r];
        let generated = self.p[r].generated;
        let context = u64::from(req.input_tokens) + u64::from(generated);
        let hits = self.inst[i].cache.prefix_hits(&req.blocks);
        let total = ServeConfig::blocks_needed(req.blocks.len(), context);
        // Even evicting every unpinned block would not make room.
        let s = &self.inst[i];
        if total - hits + s.cache.pinned() + s.own > c.cache_blocks {
            return false;
        }
        for &b in &req.blocks[..hits] {
            self.inst[i].cache.pin(b);
        }
        if !self.make_room(i, total - hits) {
            for &b in &req.blocks[..hits] {
                self.inst[i].cache.unpin(b);
            }
            return false;
        }
        let cached = (hits * BLOCK_TOKENS).min(req.input_tokens as usize) as u64;
        let s = &mut self.inst[i];
        s.own += total - hits;
        s.running.push(r);
        let p = &mut self.p[r];
        p.pinned = hits;
        p.own = total - hits;
        // A fully cached context still computes its last token.
        p.target = (context - cached).max(1) as u32;
        s.partial_tokens += f64::from(p.target);
        p.start = context.saturating_sub(u64::from(p.target)) as u32;
        p.prefilled = 0;
        // The cache the routing decision found, at the first admission (a preempted
        // request finds its own prompt cached when admitted again).
        if self.runs[r].prefill_start.is_nan() {
            self.runs[r].cached_tokens = cached as u32;
            self.runs[r].prefill_start = self.now;
        }
        true
    }

    /// The tokens `r` would prefill if admitted on `i` now (its context less the cached
    /// prefix, at least one), without admitting it.
    fn target_of(&self, i: usize, r: usize) -> usize {
        let req = &self.w.requests[r];
        let context = req.input_tokens as usize + self.p[r].generated as usize;
        let hit = (self.inst[i].cache.prefix_hits(&req.blocks) * BLOCK_TOKENS)
            .min(req.input_tokens as usize);
        (context - hit).max(1)
    }

    /// Takes `r` off `i`'s running requests, unpinning its prompt blocks and freeing its
    /// own (`requeue`: back to the head of the queue, to be computed again).
    fn release(&mut self, i: usize, r: usize, requeue: bool) {
        let req = &self.w.requests[r];
        let p = self.p[r];
        let s = &mut self.inst[i];
        for &b in &req.blocks[..p.pinned] {
            s.cache.unpin(b);
        }
        s.own -= p.own;
        s.blocked = false;
        s.partial_tokens = (s.partial_tokens - f64::from(p.target - p.prefilled)).max(0.0);
        s.running.retain(|&x| x != r);
        self.p[r].pinned = 0;
        self.p[r].own = 0;
        self.p[r].target = 0;
        self.p[r].prefilled = 0;
        if requeue {
            let (unc, _) = self.uncached(i, &req.blocks, req.input_tokens);
            self.p[r].est_tokens = unc;
            let s = &mut self.inst[i];
            s.waiting.push_front(r);
            s.queued_tokens += unc;
            self.runs[r].preemptions += 1;
            self.preemptions += 1;
            let context = u64::from(req.input_tokens) + u64::from(self.p[r].generated);
            self.extra_events += context.div_ceil(self.c.budget() as u64) as usize + 2;
        }
    }

    /// Makes room for the KV of `r`'s latest token, which this decode iteration computes
    /// (the context grows into a new block every 512 tokens), preempting the newest running
    /// requests as vLLM does; false if `r` itself was preempted.
    fn grow(&mut self, i: usize, r: usize) -> bool {
        let p = &self.p[r];
        let tokens = u64::from(p.input) + u64::from(p.generated);
        let held = p.pinned + p.own;
        if tokens <= (held * BLOCK_TOKENS) as u64 {
            return true;
        }
        let blocks = self.w.requests[r].blocks.len();
        let need = ServeConfig::blocks_needed(blocks, tokens).saturating_sub(held);
        if need == 0 {
            return true;
        }
        while !self.make_room(i, need) {
            let victim = *self.inst[i].running.last().expect("r is running");
            self.release(i, victim, true);
            if victim == r {
                return false;
            }
        }
        self.inst[i].own += need;
        self.p[r].own += need;
        true
    }

    fn factor(&self, i: usize, which: u64, sigma: f64) -> f64 {
        if sigma == 0.0 {
            return 1.0;
        }
        let seed = derive_seed(derive_seed(self.c.seed, 40 + which), i as u64);
        let mut rng = StdRng::seed_from_u64(derive_seed(seed, self.inst[i].iterations));
        (1.0 + sigma * crate::dist::standard_normal(&mut rng)).max(NOISE_FLOOR)
    }

    /// Forms and starts `i`'s next iteration if it is idle and has work.
    fn start_iteration(&mut self, i: usize) {
        if self.inst[i].busy {
            return;
        }
        let c = self.c;
        let mut batch = std::mem::take(&mut self.inst[i].batch);
        batch.clear();
        let budget = c.budget();
        let mut tokens = 0usize;
        // Decode tokens: `chunked` always, `fcfs` when no prompt can be admitted.
        let decode_first = c.scheduler == InstanceScheduler::Chunked;
        if decode_first {
            self.decode_batch(i, &mut batch);
            tokens = batch.len();
            // Prefills already admitted continue, oldest first.
            for k in 0..self.inst[i].running.len() {
                if tokens >= budget {
                    break;
                }
                let r = self.inst[i].running[k];
                let p = self.p[r];
                if p.prefilled < p.target {
                    let chunk = ((p.target - p.prefilled) as usize).min(budget - tokens);
                    batch.push((r, chunk as u32));
                    tokens += chunk;
                }
            }
        }
        // New admissions from the head of the queue, while the budget lasts.
        while let Some(&r) = self.inst[i].waiting.front() {
            let first = batch.is_empty();
            if !first && tokens >= budget {
                break;
            }
            if self.inst[i].blocked
                || !decode_first && !first && tokens + self.target_of(i, r) > budget
            {
                break;
            }
            if !self.admit(i, r) {
                self.inst[i].blocked = true;
                break;
            }
            self.dequeue_at(i, 0);
            let target = self.p[r].target as usize;
            let chunk = if decode_first {
                target.min(budget - tokens).max(1)
            } else {
                target
            };
            batch.push((r, chunk as u32));
            tokens += chunk;
        }
        if batch.is_empty() {
            self.decode_batch(i, &mut batch);
        }
        if batch.is_empty() {
            self.inst[i].batch = batch;
            return;
        }
        // The iteration's duration from its batch.
        let (mut pre, mut attn, mut dec, mut ctx) = (0.0, 0.0, 0usize, 0.0);
        for &(r, chunk) in &batch {
            let p = &self.p[r];
            if chunk > 0 {
                let k = f64::from(chunk);
                pre += k;
                // Causal attention pairs: the chunk against the context before it and
                // itself (half of its own square), so chunking a prompt costs the same
                // attention as computing it whole.
                attn += k * (f64::from(p.start + p.prefilled) + k / 2.0);
            } else {
                dec += 1;
                ctx += f64::from(p.input + p.generated);
            }
        }
        let (fp, fd) = (
            self.factor(i, 0, c.prefill_sigma),
            self.factor(i, 1, c.decode_sigma),
        );
        let d = (c.iteration_ms
            + (c.ms_per_token * pre + c.prefill_attention_ms * attn / 1e6) * fp
            + (c.decode_ms_per_request * dec as f64 + c.decode_ms_per_kilotoken * ctx / 1000.0)
                * fd)
            * self.inst[i].slow;
        let s = &mut self.inst[i];
        s.batch = batch;
        s.busy = true;
        s.busy_until = self.now + d;
        s.iterations += 1;
        if dec > 0 || decode_first {
            s.decoding = dec;
            s.decode_context = ctx;
        }
        self.events.push(self.now + d, Ev::IterationDone(i));
    }

    /// Adds one decode token of every running request whose prefill is done, making room
    /// for each (and preempting the newest when memory runs out).
    fn decode_batch(&mut self, i: usize, batch: &mut Vec<(usize, u32)>) {
        let mut k = 0;
        while k < self.inst[i].running.len() {
            let r = self.inst[i].running[k];
            let p = self.p[r];
            if p.target > 0 && p.prefilled >= p.target {
                if !self.grow(i, r) {
                    break; // r itself was preempted: every later one was first
                }
                batch.push((r, 0));
            }
            k += 1;
        }
    }

    /// Applies `i`'s finished iteration: prefill chunks advance (a finished prefill
    /// caches its prompt and gives the first token), decoders give a token.
    fn finish_iteration(&mut self, i: usize) {
        let batch = std::mem::take(&mut self.inst[i].batch);
        self.inst[i].busy = false;
        for &(r, chunk) in &batch {
            let out = self.p[r].output.max(1);
            if chunk > 0 {
                self.runs[r].prefill_iterations += 1;
                self.p[r].prefilled += chunk;
                let s = &mut self.inst[i];
                s.partial_tokens = (s.partial_tokens - f64::from(chunk)).max(0.0);
                if self.p[r].prefilled < self.p[r].target {
                    continue;
                }
                // The whole prompt is computed: its blocks join the cache, pinned while it
                // runs (a block cached meanwhile by another request is shared; the copy
                // computed here is freed).
                let req = &self.w.requests[r];
                let p = self.p[r];
                let s = &mut self.inst[i];
                for &b in &req.blocks[p.pinned..] {
                    s.cache.insert_pinned(b);
                }
                let moved = req.blocks.len() - p.pinned;
                s.own -= moved;
                s.blocked = false;
                self.p[r].own -= moved;
                self.p[r].pinned = req.blocks.len();
                if self.runs[r].prefill_end.is_nan() {
                    self.runs[r].prefill_end = self.now;
                    self.runs[r].decode_start = self.now;
                }
                let used = s.cache.len() + s.own;
                self.cache_samples.push((self.now, i, used));
            }
            self.p[r].generated += 1;
            if self.p[r].generated >= out {
                self.runs[r].decode_end = self.now;
                self.release(i, r, false);
            }
        }
        self.inst[i].batch = batch;
        self.start_iteration(i);
    }

    /// DualMap's hotspot rebalancing: when `i` is predicted past the SLO headroom, move its
    /// newest queued requests to their other candidate when that one is predicted faster.
    fn rebalance(&mut self, i: usize, mut log: Option<&mut Vec<RouteRecord>>) {
        if self.wait(i) <= DUALMAP_SLO_FACTOR * self.c.slo_ms {
            return;
        }
        let mut moved = 0;
        let mut pos = self.inst[i].waiting.len();
        // The prefill tokens ahead of each position: the admitted prefills' rest, then the
        // queue from the head (moving a request away only shortens the queue behind the
        // positions still to visit).
        let mut ahead = Vec::with_capacity(pos + 1);
        ahead.push(self.pending_tokens(i) - self.inst[i].queued_tokens);
        for &x in &self.inst[i].waiting {
            ahead.push(ahead[ahead.len() - 1] + self.p[x].est_tokens);
        }
        while pos > 0 && moved < 8 {
            pos -= 1;
            let r = self.inst[i].waiting[pos];
            let (a, b) = self.candidates[r];
            let other = if a == i { b } else { a };
            if other == i || !self.alive.contains(&other) {
                continue;
            }
            let req = &self.w.requests[r];
            let here = self.eta(i, ahead[pos] + self.p[r].est_tokens);
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
                self.start_iteration(other);
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
    // Every request must fit in one instance's KV memory alone.
    let mut work = n;
    for (k, q) in workload.requests.iter().enumerate() {
        let tokens = u64::from(q.input_tokens) + u64::from(q.output_tokens);
        let need = ServeConfig::blocks_needed(q.blocks.len(), tokens);
        if need > config.cache_blocks {
            return Err(Error::invalid(format!(
                "request {k} needs {need} KV blocks for its {tokens} tokens, more than an \
                 instance's memory of {} blocks",
                config.cache_blocks
            )));
        }
        work = work
            .saturating_add(q.output_tokens as usize)
            .saturating_add((q.input_tokens as usize).div_ceil(config.budget()));
    }
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
                cache: Lru::new(),
                waiting: VecDeque::new(),
                running: Vec::new(),
                own: 0,
                busy_until: 0.0,
                busy: false,
                batch: Vec::new(),
                queued_tokens: 0.0,
                partial_tokens: 0.0,
                blocked: false,
                decoding: 0,
                decode_context: 0.0,
                iterations: 0,
                slow: slow(i),
            })
            .collect(),
        alive: (0..config.instances).collect(),
        p: workload
            .requests
            .iter()
            .map(|q| Progress {
                input: q.input_tokens,
                output: q.output_tokens,
                ..Progress::default()
            })
            .collect(),
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
                preemptions: 0,
                prefill_iterations: 0,
            };
            n
        ],
        events: EventQueue::new(),
        cache_samples: Vec::new(),
        moves: 0,
        preemptions: 0,
        extra_events: 0,
    };
    let mut rs = RouterState::new(router.clone(), &st.alive, derive_seed(config.seed, 50));
    let mut scaling = config.scaling.clone();
    crate::util::sort_dyn(&mut scaling, &|a, b| a.time_ms.total_cmp(&b.time_ms));
    // Scaling events and arrivals come from their sorted lists (the heap holds only the
    // instances' iterations, a few entries, not every arrival); at equal times a scaling
    // event goes first, then arrivals, then iterations ending.
    let (mut next_scale, mut next_arrival) = (0, 0);
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
    let mut seen: crate::util::FastMap<u64, usize> = Default::default();
    let mut records = Vec::new();
    let (mut imb_sum, mut imb_n) = (0.0, 0usize);
    let budget = limits::EVENTS_PER_REQUEST
        .saturating_mul(work.saturating_add(scaling.len()))
        .saturating_add(limits::EVENTS_BASE);
    let mut events = 0usize;
    loop {
        let times = [
            scaling.get(next_scale).map(|e| e.time_ms),
            workload.requests.get(next_arrival).map(|q| q.arrival),
            st.events.peek_time(),
        ];
        let Some(which) = (0..3).filter(|&k| times[k].is_some()).min_by(|&a, &b| {
            times[a]
                .unwrap()
                .total_cmp(&times[b].unwrap())
                .then(a.cmp(&b))
        }) else {
            break;
        };
        let (now, ev) = match which {
            0 => {
                next_scale += 1;
                (times[0].unwrap_or(0.0), Ev::Scale(next_scale - 1))
            }
            1 => {
                next_arrival += 1;
                (times[1].unwrap_or(0.0), Ev::Arrive(next_arrival - 1))
            }
            _ => st.events.pop().expect("peeked"),
        };
        events += 1;
        if events > budget.saturating_add(limits::EVENTS_PER_REQUEST * st.extra_events) {
            return Err(Error::Simulation(format!(
                "event budget of {budget} exceeded at t = {} ms: the run is not progressing",
                crate::util::show(now)
            )));
        }
        if st.preemptions > limits::MAX_PREEMPTIONS_PER_REQUEST * n + 1000 {
            return Err(Error::Simulation(format!(
                "{} preemptions by t = {} ms: the KV memory ({} blocks) is too small for \
                 this load",
                st.preemptions,
                crate::util::show(now),
                config.cache_blocks
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
                st.start_iteration(i);
                // Hotspot rebalancing, unless the ablation takes it out.
                if router.is_dualmap()
                    && router != Router::DualMapAblated(Ablation::NoRebalance)
                    && config.rebalance
                {
                    st.rebalance(i, log.as_deref_mut());
                }
            }
            Ev::IterationDone(i) => st.finish_iteration(i),
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
                    // Route its queued requests again; what it has admitted finishes there.
                    while !st.inst[instance].waiting.is_empty() {
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
                        st.start_iteration(j);
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
        iterations: st.inst.iter().map(|s| s.iterations as usize).sum(),
    })
}
