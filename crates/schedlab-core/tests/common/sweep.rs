//! What the validator sweeps run: every registry entry, and every word option's other
//! values (`least_loaded:by=tokens`, `heft:comm_average=saga`). `tests/registry.rs` fails if
//! a list misses an entry or an option value.
#![allow(dead_code)]

use schedlab_core::registry::variants;
use schedlab_core::sched;
use schedlab_core::serve::router::ROUTERS;
use schedlab_core::stream::dag::DAG_POLICIES;
use schedlab_core::stream::policy::POLICIES;

/// User-written rules the sweeps add: each placement kind and a priority that reads most
/// variables (rules that cannot fail at run time: no division).
pub const RULES: &[&str] = &[
    "rule:priority=-rank_u + 0.5 * rank_d:placement=est",
    "rule:priority=out_degree * level - min_cost + max(in_data, out_data):placement=min_exec",
    "rule:priority=if in_degree == 0 then oct else static_level + index:placement=finish + 2 * idle - speed + load + count",
];

pub fn schedulers() -> Vec<String> {
    let mut out = variants(sched::REGISTRY);
    out.extend(RULES.iter().map(|r| r.to_string()));
    out
}

pub fn policies() -> Vec<String> {
    variants(POLICIES)
}

pub fn dag_policies() -> Vec<String> {
    variants(DAG_POLICIES)
}

pub fn routers() -> Vec<String> {
    variants(ROUTERS)
}
