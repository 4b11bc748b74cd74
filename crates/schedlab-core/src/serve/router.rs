//! Routers: which instance serves a request. One registry ([`ROUTERS`]); each router
//! sees the instances only through [`View`], what a real router can observe (queue
//! lengths, outstanding work, its own record of cached prefixes).
//!
//! | id | rule |
//! | --- | --- |
//! | `round_robin` | instances in turn |
//! | `random` | uniformly at random (seeded) |
//! | `least_loaded` | fewest outstanding requests (`least_loaded:tokens`: fewest outstanding prefill tokens) |
//! | `consistent_hash` | a hash ring on the prompt prefix: pure cache affinity |
//! | `p2c` | power of two random choices on outstanding requests |
//! | `cache_aware` | SGLang's router with its defaults: the least loaded (requests in flight) when the load is imbalanced (max − min > 64 and max > 1.5 × min) or the best cached match covers at most 0.3 of the prompt; otherwise the best match |
//! | `llm_d` | llm-d's default scorers: 2 × queue (min-max normalised waiting requests) + 2 × (1 − KV-cache use) + 3 × cached fraction of the prompt, the highest wins, ties at random |
//! | `rule` | your score over [`ROUTE_VARS`] per alive instance, lowest wins (`rule:outstanding` is least loaded) |
//! | `dualmap` | two hash rings give two candidates; the cache-affine one unless its predicted TTFT passes 0.8 × SLO, then the one predicted faster; hotspot rebalancing moves queued requests between their own two candidates |

use rand::rngs::StdRng;
use rand::RngExt;

use crate::error::{Error, Result};
use crate::registry::{self, Entry, OptionSpec, Parsed, Values};
use crate::rule::Var;

/// Blocks of the prompt hashed into the routing key (the prefix that identifies a
/// conversation or a shared system prompt).
pub const KEY_BLOCKS: usize = 4;
/// Virtual nodes per instance on a hash ring.
pub const VNODES: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub enum Router {
    RoundRobin,
    Random,
    LeastLoaded {
        tokens: bool,
    },
    ConsistentHash,
    P2c,
    CacheAware,
    LlmD,
    DualMap,
    /// DualMap with one part taken out, to rerun the paper's ablations (`dualmap:no_slo`,
    /// `dualmap:no_rebalance`, `dualmap:one_hash`).
    DualMapAblated(Ablation),
    /// A user-written score over [`ROUTE_VARS`], lowest wins (the CLI and the Serving
    /// lab's rule editor).
    Rule(std::sync::Arc<crate::rule::Rule>),
}

/// What a DualMap ablation takes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ablation {
    /// Always the cache-affine candidate: no SLO-aware fallback to the other.
    NoSlo,
    /// No hotspot rebalancing of queued requests.
    NoRebalance,
    /// The second candidate from the same hash ring (the next instance clockwise) instead
    /// of an independent second hash: the two candidates of a prefix are neighbours.
    OneHash,
}

/// What a router rule may read, per alive instance, for the request being routed.
pub const ROUTE_VARS: &[Var] = &[
    Var {
        name: "outstanding",
        help: "requests queued, in prefill or decoding on the instance",
    },
    Var {
        name: "queued_tokens",
        help: "prefill tokens outstanding on the instance (uncached part)",
    },
    Var {
        name: "cached",
        help: "blocks of this prompt cached on the instance, from the first",
    },
    Var {
        name: "blocks",
        help: "blocks in this prompt",
    },
    Var {
        name: "hit",
        help: "cached ÷ blocks (0 for an empty prompt)",
    },
    Var {
        name: "ttft",
        help: "predicted time to first token on the instance, ms (queueing + prefill)",
    },
    Var {
        name: "slo",
        help: "the TTFT SLO, ms",
    },
    Var {
        name: "tokens",
        help: "prompt tokens of this request",
    },
    Var {
        name: "index",
        help: "the instance's number, from 0",
    },
    Var {
        name: "instances",
        help: "instances alive",
    },
];

/// How a registry entry makes its router from a parsed spelling.
pub type Make = fn(&Parsed) -> Result<Router>;

/// Every router, in picker order.
pub static ROUTERS: &[Entry<Make>] = &[
    Entry::new(
        "dualmap",
        "DualMap",
        "two hashed candidates; the cache-affine one unless the TTFT SLO is at risk",
        "",
        &[OptionSpec {
            key: "ablation",
            values: Values::OneOf(&["none", "no_slo", "no_rebalance", "one_hash"]),
            help: "take out the SLO fallback, the rebalancing or the second hash (the paper's ablations)",
        }],
        |p| {
            Ok(match p.word("ablation") {
                "no_slo" => Router::DualMapAblated(Ablation::NoSlo),
                "no_rebalance" => Router::DualMapAblated(Ablation::NoRebalance),
                "one_hash" => Router::DualMapAblated(Ablation::OneHash),
                _ => Router::DualMap,
            })
        },
    ),
    Entry::<Make>::new(
        "round_robin",
        "Round robin",
        "instances in turn",
        "",
        &[],
        |_| Ok(Router::RoundRobin),
    )
    .aliases(&["rr"]),
    Entry::new(
        "random",
        "Random",
        "any instance, uniformly (seeded)",
        "",
        &[],
        |_| Ok(Router::Random),
    ),
    Entry::new(
        "least_loaded",
        "Least loaded",
        "the fewest outstanding requests (least_loaded:tokens: prefill tokens)",
        "",
        &[OptionSpec {
            key: "by",
            values: Values::OneOf(&["requests", "tokens"]),
            help: "count outstanding requests or outstanding prefill tokens",
        }],
        |p| {
            Ok(Router::LeastLoaded {
                tokens: p.word("by") == "tokens",
            })
        },
    ),
    Entry::new(
        "consistent_hash",
        "Consistent hashing",
        "a hash ring on the prompt prefix: pure cache affinity",
        "",
        &[],
        |_| Ok(Router::ConsistentHash),
    ),
    Entry::new(
        "p2c",
        "Power of two choices",
        "the less loaded of two random instances",
        "",
        &[],
        |_| Ok(Router::P2c),
    ),
    Entry::new(
        "cache_aware",
        "Cache-aware (SGLang)",
        "the longest cached prefix unless the load is imbalanced",
        "",
        &[],
        |_| Ok(Router::CacheAware),
    ),
    Entry::new(
        "llm_d",
        "llm-d scorer",
        "queue, KV-cache use and prefix-cache scores, weighted 2, 2 and 3",
        "",
        &[],
        |_| Ok(Router::LlmD),
    ),
    Entry::new(
        "rule",
        "Custom rule",
        "your score per instance, lowest wins",
        "",
        &[OptionSpec {
            key: "score",
            values: Values::Rule("outstanding"),
            help: "an instance's score over the router variables (lowest wins), e.g. ttft - 20 * cached",
        }],
        |p| {
            let rule = crate::rule::Rule::parse_for("router", p.word("score"), ROUTE_VARS)?;
            Ok(Router::Rule(std::sync::Arc::new(rule)))
        },
    ),
];

impl Router {
    /// DualMap, whole or ablated.
    pub fn is_dualmap(&self) -> bool {
        matches!(self, Router::DualMap | Router::DualMapAblated(_))
    }

    /// Parses a spelling of [`ROUTERS`] (see [`crate::registry::parse`]).
    pub fn parse(text: &str) -> Result<Router> {
        let (entry, parsed) = registry::parse(ROUTERS, "router", "", text)?;
        (entry.make)(&parsed)
    }

    /// The registry id.
    pub fn id(&self) -> &'static str {
        match self {
            Router::RoundRobin => "round_robin",
            Router::Random => "random",
            Router::LeastLoaded { .. } => "least_loaded",
            Router::ConsistentHash => "consistent_hash",
            Router::P2c => "p2c",
            Router::CacheAware => "cache_aware",
            Router::LlmD => "llm_d",
            Router::DualMap | Router::DualMapAblated(_) => "dualmap",
            Router::Rule(_) => "rule",
        }
    }

    /// One line saying how the router chooses: the registry's name and rule (one copy of
    /// the text in the bundle).
    pub fn rule(&self) -> String {
        let ablation = match self {
            Router::DualMapAblated(Ablation::NoSlo) => " (ablation: no SLO fallback)",
            Router::DualMapAblated(Ablation::NoRebalance) => " (ablation: no rebalancing)",
            Router::DualMapAblated(Ablation::OneHash) => " (ablation: one hash ring)",
            _ => "",
        };
        match ROUTERS.iter().find(|e| e.id == self.id()) {
            Some(e) => format!("{}: {}{ablation}", e.name, e.rule),
            None => self.id().to_string(),
        }
    }
}

/// A 64-bit mix (SplitMix64's finaliser).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The routing key of a prompt: its first [`KEY_BLOCKS`] block hashes.
pub fn prefix_key(blocks: &[u64]) -> u64 {
    blocks
        .iter()
        .take(KEY_BLOCKS)
        .fold(0x51_7CC1_B727_220A_u64, |h, &b| {
            mix(h ^ b.wrapping_add(0x9E37_79B9_7F4A_7C15))
        })
}

/// A consistent-hash ring with virtual nodes; `salt` makes independent rings.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    salt: u64,
    points: Vec<(u64, usize)>,
}

impl Ring {
    pub fn new(salt: u64, instances: &[usize]) -> Ring {
        let mut points: Vec<(u64, usize)> = instances
            .iter()
            .flat_map(|&i| {
                (0..VNODES).map(move |v| (mix(salt ^ mix((i as u64) << 16 | v as u64)), i))
            })
            .collect();
        crate::util::sort_ord(&mut points);
        Ring { salt, points }
    }

    /// The instance owning `key` (the first point clockwise), or None on an empty ring.
    pub fn lookup(&self, key: u64) -> Option<usize> {
        self.walk(key).next()
    }

    /// Instances clockwise from `key` (with repeats).
    pub fn walk(&self, key: u64) -> impl Iterator<Item = usize> + '_ {
        let h = mix(key ^ self.salt);
        let start = self.points.partition_point(|p| p.0 < h);
        let n = self.points.len();
        (0..n).map(move |k| self.points[(start + k) % n].1)
    }
}

/// What a router observes of the cluster at a routing decision.
pub trait View {
    /// Instances accepting requests.
    fn alive(&self) -> &[usize];
    /// Outstanding requests (queued, in prefill, decoding) on `i`.
    fn outstanding_requests(&self, i: usize) -> usize;
    /// Requests routed to `i` and not yet admitted to its batch.
    fn waiting_requests(&self, i: usize) -> usize;
    /// Outstanding prefill tokens on `i` (queued and running, uncached part).
    fn outstanding_tokens(&self, i: usize) -> f64;
    /// The fraction of `i`'s KV memory held by running requests (cached blocks no request
    /// uses count as free, as vLLM reports it).
    fn kv_usage(&self, i: usize) -> f64;
    /// Blocks of the request's prompt cached on `i`, from the first.
    fn cached_prefix(&self, i: usize, blocks: &[u64]) -> usize;
    /// Predicted TTFT (ms) of the request on `i`: queueing + its prefill, by the nominal
    /// iteration model.
    fn predicted_ttft(&self, i: usize, blocks: &[u64], tokens: u32) -> f64;
    fn slo_ms(&self) -> f64;
}

/// The router's own state (round-robin position, rings, random stream).
#[derive(Debug)]
pub struct RouterState {
    pub router: Router,
    pub next: usize,
    pub ring_a: Ring,
    pub ring_b: Ring,
    pub rng: StdRng,
    /// The first error of a rule router (a division by zero): the run fails with it.
    pub error: Option<Error>,
}

/// SGLang's cache-aware defaults (sgl-router's `router_args.py`): the match fraction
/// above which the best match wins, and the imbalance test on requests in flight.
pub const CACHE_AWARE_THRESHOLD: f64 = 0.3;
pub const CACHE_AWARE_BALANCE_ABS: usize = 64;
pub const CACHE_AWARE_BALANCE_REL: f64 = 1.5;
/// llm-d's default scorer weights (queue, KV-cache use, prefix cache), from its default
/// configuration (`pkg/epp/config/loader/defaults.go`).
pub const LLM_D_WEIGHTS: [f64; 3] = [2.0, 2.0, 3.0];

/// DualMap: TTFT headroom before the router leaves the cache-affine candidate.
pub const DUALMAP_SLO_FACTOR: f64 = 0.8;

impl RouterState {
    pub fn new(router: Router, alive: &[usize], seed: u64) -> RouterState {
        use rand::SeedableRng;
        RouterState {
            router,
            next: 0,
            ring_a: Ring::new(0xA11CE, alive),
            ring_b: Ring::new(0xB0B5EED, alive),
            rng: StdRng::seed_from_u64(seed),
            error: None,
        }
    }

    /// Rebuilds the rings after instances are added or removed.
    pub fn rescale(&mut self, alive: &[usize]) {
        self.ring_a = Ring::new(0xA11CE, alive);
        self.ring_b = Ring::new(0xB0B5EED, alive);
    }

    /// DualMap's two distinct candidates for a key (one if only one instance is alive);
    /// with `one_hash` the second is the next instance clockwise on the first ring.
    pub fn candidates(&self, key: u64) -> (usize, usize) {
        let a = self.ring_a.lookup(key).unwrap_or(0);
        let ring = if self.router == Router::DualMapAblated(Ablation::OneHash) {
            &self.ring_a
        } else {
            &self.ring_b
        };
        let b = ring.walk(key).find(|&x| x != a).unwrap_or(a);
        (a, b)
    }

    /// The instance for a request with these blocks and tokens.
    pub fn route(&mut self, view: &dyn View, blocks: &[u64], tokens: u32) -> usize {
        self.route_why(view, blocks, tokens).0
    }

    /// The instance for a request, with which instances the router looked at and why it
    /// chose this one (issue 12's routing records; the choice is [`RouterState::route`]'s).
    pub fn route_why(&mut self, view: &dyn View, blocks: &[u64], tokens: u32) -> (usize, Why) {
        let why = |looked: Looked, reason: &'static str| Why { looked, reason };
        let alive = view.alive();
        let least = |by_tokens: bool| {
            *alive
                .iter()
                .min_by(|&&x, &&y| {
                    let (a, b) = if by_tokens {
                        (view.outstanding_tokens(x), view.outstanding_tokens(y))
                    } else {
                        (
                            view.outstanding_requests(x) as f64,
                            view.outstanding_requests(y) as f64,
                        )
                    };
                    a.total_cmp(&b).then(x.cmp(&y))
                })
                .expect("at least one instance")
        };
        match &self.router {
            Router::Rule(rule) => {
                let mut best = (alive[0], f64::INFINITY);
                let blocks_n = blocks.len() as f64;
                for (k, &i) in alive.iter().enumerate() {
                    // What the rule does not read is not asked of the view (a cache lookup
                    // and a TTFT prediction per instance and request).
                    let cached = if rule.uses(2) || rule.uses(4) {
                        view.cached_prefix(i, blocks) as f64
                    } else {
                        0.0
                    };
                    let vars = [
                        view.outstanding_requests(i) as f64,
                        view.outstanding_tokens(i),
                        cached,
                        blocks_n,
                        if blocks_n > 0.0 {
                            cached / blocks_n
                        } else {
                            0.0
                        },
                        if rule.uses(5) {
                            view.predicted_ttft(i, blocks, tokens)
                        } else {
                            0.0
                        },
                        view.slo_ms(),
                        f64::from(tokens),
                        i as f64,
                        alive.len() as f64,
                    ];
                    match rule.eval(&vars) {
                        Ok(v) if k == 0 || v < best.1 => best = (i, v),
                        Ok(_) => {}
                        Err(e) => {
                            let text = rule.text().to_string();
                            self.error.get_or_insert_with(|| {
                                Error::config(format!("router rule '{text}': {e} (instance {i})"))
                            });
                            return (least(false), why(Looked::All, "your rule failed"));
                        }
                    }
                }
                (best.0, why(Looked::All, "your rule: the lowest score"))
            }
            Router::RoundRobin => {
                let i = alive[self.next % alive.len()];
                self.next = self.next.wrapping_add(1);
                (i, why(Looked::Chosen, "next in turn"))
            }
            Router::Random => (
                alive[self.rng.random_range(0..alive.len())],
                why(Looked::Chosen, "drawn at random"),
            ),
            &Router::LeastLoaded { tokens } => (
                least(tokens),
                why(
                    Looked::All,
                    if tokens {
                        "fewest outstanding prefill tokens"
                    } else {
                        "fewest outstanding requests"
                    },
                ),
            ),
            Router::ConsistentHash => (
                self.ring_a.lookup(prefix_key(blocks)).unwrap_or(alive[0]),
                why(
                    Looked::Chosen,
                    "affinity: the prefix's owner on the hash ring",
                ),
            ),
            Router::P2c => {
                let a = alive[self.rng.random_range(0..alive.len())];
                let b = alive[self.rng.random_range(0..alive.len())];
                let pick = if view.outstanding_requests(b) < view.outstanding_requests(a) {
                    b
                } else {
                    a
                };
                (
                    pick,
                    why(Looked::Two(a, b), "the less loaded of two random instances"),
                )
            }
            Router::CacheAware => {
                let loads: Vec<usize> = alive
                    .iter()
                    .map(|&i| view.outstanding_requests(i))
                    .collect();
                let (mx, mn) = (
                    *loads.iter().max().unwrap_or(&0),
                    *loads.iter().min().unwrap_or(&0),
                );
                if mx - mn > CACHE_AWARE_BALANCE_ABS
                    && mx as f64 > CACHE_AWARE_BALANCE_REL * mn as f64
                {
                    return (
                        least(false),
                        why(
                            Looked::All,
                            "load threshold: imbalanced, so the least loaded",
                        ),
                    );
                }
                let (best, hits) = alive
                    .iter()
                    .map(|&i| (i, view.cached_prefix(i, blocks)))
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                    .expect("at least one instance");
                if blocks.is_empty() || (hits as f64) <= CACHE_AWARE_THRESHOLD * blocks.len() as f64
                {
                    (
                        least(false),
                        why(
                            Looked::All,
                            "the best cached match covers at most 0.3 of the prompt: the least loaded",
                        ),
                    )
                } else {
                    (
                        best,
                        why(Looked::All, "affinity: the longest cached prefix"),
                    )
                }
            }
            Router::LlmD => {
                let q: Vec<f64> = alive
                    .iter()
                    .map(|&i| view.waiting_requests(i) as f64)
                    .collect();
                let (mn, mx) = q
                    .iter()
                    .fold((f64::INFINITY, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
                let scores: Vec<f64> = alive
                    .iter()
                    .zip(&q)
                    .map(|(&i, &qi)| {
                        let queue = if mx > mn { (mx - qi) / (mx - mn) } else { 1.0 };
                        let kv = (1.0 - view.kv_usage(i)).clamp(0.0, 1.0);
                        let prefix = if blocks.is_empty() {
                            0.0
                        } else {
                            view.cached_prefix(i, blocks) as f64 / blocks.len() as f64
                        };
                        LLM_D_WEIGHTS[0] * queue + LLM_D_WEIGHTS[1] * kv + LLM_D_WEIGHTS[2] * prefix
                    })
                    .collect();
                let top = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let tied: Vec<usize> = alive
                    .iter()
                    .zip(&scores)
                    .filter(|p| *p.1 == top)
                    .map(|p| *p.0)
                    .collect();
                let pick = if tied.len() > 1 {
                    tied[self.rng.random_range(0..tied.len())]
                } else {
                    tied[0]
                };
                (
                    pick,
                    why(
                        Looked::All,
                        "the highest weighted score of queue, KV-cache use and cached prefix",
                    ),
                )
            }
            Router::DualMap | Router::DualMapAblated(_) => {
                let no_slo = self.router == Router::DualMapAblated(Ablation::NoSlo);
                let (a, b) = self.candidates(prefix_key(blocks));
                let (affine, other) =
                    if view.cached_prefix(b, blocks) > view.cached_prefix(a, blocks) {
                        (b, a)
                    } else {
                        (a, b)
                    };
                let looked = Looked::Two(a, b);
                let ta = view.predicted_ttft(affine, blocks, tokens);
                if no_slo {
                    return (
                        affine,
                        why(
                            looked,
                            "affinity: the cache-affine candidate (no SLO fallback: ablation)",
                        ),
                    );
                }
                if ta <= DUALMAP_SLO_FACTOR * view.slo_ms() {
                    return (
                        affine,
                        why(
                            looked,
                            "affinity: the cache-affine candidate is within the SLO headroom",
                        ),
                    );
                }
                let tb = view.predicted_ttft(other, blocks, tokens);
                if tb < ta {
                    (
                        other,
                        why(looked, "SLO fallback: the affine candidate is at risk, the other is predicted faster"),
                    )
                } else {
                    (
                        affine,
                        why(
                            looked,
                            "SLO at risk on both: the affine candidate is still predicted faster",
                        ),
                    )
                }
            }
        }
    }
}

/// Which instances a routing decision looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looked {
    /// Only the one it chose (round robin, random, the hash ring's owner).
    Chosen,
    /// Two (DualMap's hashed pair, power of two choices' draws).
    Two(usize, usize),
    /// Every instance alive.
    All,
}

/// Why a router chose its instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Why {
    pub looked: Looked,
    pub reason: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_an_instance_remaps_few_keys() {
        let before = Ring::new(7, &[0, 1, 2, 3, 4, 5, 6, 7]);
        let after = Ring::new(7, &[0, 1, 2, 3, 4, 5, 6, 7, 8]);
        let keys: Vec<u64> = (0..20_000u64).map(mix).collect();
        let moved = keys
            .iter()
            .filter(|&&k| before.lookup(k) != after.lookup(k))
            .count();
        // Ideally 1/9 of the keys move (all to the new instance).
        let frac = moved as f64 / keys.len() as f64;
        assert!((0.06..0.18).contains(&frac), "{frac}");
        assert!(keys
            .iter()
            .filter(|&&k| before.lookup(k) != after.lookup(k))
            .all(|&k| after.lookup(k) == Some(8)));
        // The load spreads: every instance owns some keys.
        let mut count = [0usize; 9];
        for &k in &keys {
            count[after.lookup(k).unwrap()] += 1;
        }
        assert!(count.iter().all(|&c| c > keys.len() / 30), "{count:?}");
    }

    /// A cluster as numbers: per instance (waiting, outstanding, KV use, cached blocks).
    struct Fake(Vec<usize>, Vec<(usize, usize, f64, usize)>);

    impl View for Fake {
        fn alive(&self) -> &[usize] {
            &self.0
        }
        fn outstanding_requests(&self, i: usize) -> usize {
            self.1[i].1
        }
        fn waiting_requests(&self, i: usize) -> usize {
            self.1[i].0
        }
        fn outstanding_tokens(&self, _: usize) -> f64 {
            0.0
        }
        fn kv_usage(&self, i: usize) -> f64 {
            self.1[i].2
        }
        fn cached_prefix(&self, i: usize, _: &[u64]) -> usize {
            self.1[i].3
        }
        fn predicted_ttft(&self, _: usize, _: &[u64], _: u32) -> f64 {
            0.0
        }
        fn slo_ms(&self) -> f64 {
            1.0
        }
    }

    #[test]
    fn llm_d_weighs_queue_kv_and_prefix_scores_as_its_defaults() {
        let blocks = [1, 2, 3, 4];
        let mut s = RouterState::new(Router::LlmD, &[0, 1, 2], 1);
        // Queue scores 1, 0.5, 0 (min-max over 0..4 waiting); KV 0.5, 1, 1; prefix 0, 0,
        // 0.75. Totals 2 + 1 + 0 = 3, 1 + 2 + 0 = 3, 0 + 2 + 2.25 = 4.25.
        let v = Fake(
            vec![0, 1, 2],
            vec![(0, 0, 0.5, 0), (2, 0, 0.0, 0), (4, 0, 0.0, 3)],
        );
        let (i, why) = s.route_why(&v, &blocks, 2048);
        assert_eq!((i, why.looked), (2, Looked::All));
        // One block less cached: 4.25 − 0.75 = 3.5, still ahead; two less: 2.75, behind
        // the tie at 3 between 0 and 1, broken at random (seeded): both get picked.
        let v = Fake(
            vec![0, 1, 2],
            vec![(0, 0, 0.5, 0), (2, 0, 0.0, 0), (4, 0, 0.0, 2)],
        );
        assert_eq!(s.route(&v, &blocks, 2048), 2);
        let v = Fake(
            vec![0, 1, 2],
            vec![(0, 0, 0.5, 0), (2, 0, 0.0, 0), (4, 0, 0.0, 1)],
        );
        let picks: std::collections::BTreeSet<usize> =
            (0..40).map(|_| s.route(&v, &blocks, 2048)).collect();
        assert_eq!(picks, [0, 1].into());
        // Equal queues score 1 everywhere.
        let v = Fake(vec![0, 1], vec![(3, 0, 0.9, 0), (3, 0, 0.1, 0)]);
        assert_eq!(s.route(&v, &blocks, 2048), 1);
    }

    #[test]
    fn cache_aware_follows_sglangs_thresholds() {
        let blocks = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        let mut s = RouterState::new(Router::CacheAware, &[0, 1], 1);
        // Balanced, 4 of 10 blocks cached on 1 (above 0.3): the best match.
        let v = Fake(vec![0, 1], vec![(0, 10, 0.0, 0), (0, 30, 0.0, 4)]);
        assert_eq!(s.route(&v, &blocks, 5000), 1);
        // 3 of 10 is not above 0.3: the least loaded.
        let v = Fake(vec![0, 1], vec![(0, 10, 0.0, 0), (0, 30, 0.0, 3)]);
        assert_eq!(s.route(&v, &blocks, 5000), 0);
        // Imbalanced needs both: a gap over 64 and over 1.5 × the least.
        let v = Fake(vec![0, 1], vec![(0, 200, 0.0, 0), (0, 280, 0.0, 9)]);
        assert_eq!(
            s.route(&v, &blocks, 5000),
            1,
            "gap 80 but 280 < 1.5 × 200: balanced"
        );
        let v = Fake(vec![0, 1], vec![(0, 10, 0.0, 0), (0, 40, 0.0, 9)]);
        assert_eq!(
            s.route(&v, &blocks, 5000),
            1,
            "4 × the least but a gap of 30"
        );
        let v = Fake(vec![0, 1], vec![(0, 10, 0.0, 0), (0, 75, 0.0, 9)]);
        let (i, why) = s.route_why(&v, &blocks, 5000);
        assert_eq!(i, 0);
        assert!(why.reason.starts_with("load threshold"), "{}", why.reason);
    }

    #[test]
    fn the_two_candidates_are_distinct_and_stable() {
        let s = RouterState::new(Router::DualMap, &[0, 1, 2, 3], 1);
        for k in 0..1000u64 {
            let (a, b) = s.candidates(mix(k));
            assert_ne!(a, b);
            assert_eq!((a, b), s.candidates(mix(k)));
        }
        assert_eq!(prefix_key(&[1, 2, 3, 4, 5]), prefix_key(&[1, 2, 3, 4, 9]));
        assert_ne!(prefix_key(&[1, 2, 3, 4]), prefix_key(&[1, 2, 3, 5]));
        assert!(Router::parse("nope")
            .unwrap_err()
            .to_string()
            .contains("dualmap"));
    }
}
