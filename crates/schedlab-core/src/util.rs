//! Small shared helpers: a totally ordered float for heaps and seed derivation.

use std::cmp::Ordering;

/// An `f64` ordered by `total_cmp`, for use as a heap or sort key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrdF64(pub f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}

/// Derives the `index`-th seed from a base seed (SplitMix64), so that sample `i` of a
/// run gets the same noise whatever else is run beside it.
pub fn derive_seed(base: u64, index: u64) -> u64 {
    let mut z = base ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stable sort through a `dyn` comparator: one instantiation of the sort per element
/// type instead of one per call site, which keeps the WebAssembly bundle small (each
/// `sort_by` closure instantiates the whole sorting algorithm). Not for hot loops.
pub fn sort_dyn<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    v.sort_by(|a, b| cmp(a, b));
}
