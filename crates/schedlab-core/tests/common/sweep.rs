//! What the validator sweeps run: every registry entry, and every word option's other
//! values (`least_loaded:by=tokens`, `heft:comm_average=saga`). `tests/registry.rs` fails if
//! a list misses an entry or an option value.
#![allow(dead_code)]

use schedlab_core::registry::variants;
use schedlab_core::sched;
use schedlab_core::serve::router::ROUTERS;
use schedlab_core::stream::dag::DAG_POLICIES;
use schedlab_core::stream::policy::POLICIES;

pub fn schedulers() -> Vec<String> {
    variants(sched::REGISTRY)
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
