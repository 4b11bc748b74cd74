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

/// A stable sort through a `dyn` comparator that instantiates the sorting algorithm once
/// for the whole program: it sorts positions (`usize`) with [`sort_positions`], then moves
/// the elements into place by following the permutation's cycles. Each `sort_by` with its
/// own closure or element type instantiates the whole algorithm (about 2 KB of
/// WebAssembly each); this keeps the bundle small. Not for hot loops (one allocation).
pub fn sort_dyn<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut idx, &|a, b| cmp(&v[a], &v[b]));
    // Now v[idx[k]] must go to k. Walk each cycle once, marking visited slots.
    for i in 0..idx.len() {
        let mut cur = i;
        loop {
            let next = idx[cur];
            idx[cur] = cur;
            if next == i || next == cur {
                break;
            }
            v.swap(cur, next);
            cur = next;
        }
    }
}

/// Stable sort of positions by a comparator on positions (the one instantiation).
#[inline(never)]
pub fn sort_positions(idx: &mut [usize], cmp: &dyn Fn(usize, usize) -> Ordering) {
    idx.sort_by(|&a, &b| cmp(a, b));
}

/// Sorts by `Ord` where equal elements are indistinguishable (tuples of integers and
/// [`OrdF64`]s), so every sorting algorithm gives the same result: natively std's
/// unstable sort (fast, inlined), in WebAssembly [`sort_dyn`] (the one shared
/// instantiation, about 2 KB less per element type). The unit tests check that both agree.
#[inline]
pub fn sort_ord<T: Ord>(v: &mut [T]) {
    #[cfg(target_arch = "wasm32")]
    sort_dyn(v, &T::cmp);
    #[cfg(not(target_arch = "wasm32"))]
    v.sort_unstable();
}

/// The `m` smallest positions under a total order (`cmp` never says Equal for two
/// different positions), sorted: natively a selection then a sort of the `m`, in
/// WebAssembly one sort through the shared instantiation ([`smallest_sorted_compact`]).
#[inline]
pub fn smallest_sorted<F: Fn(&usize, &usize) -> Ordering>(idx: &mut Vec<usize>, m: usize, cmp: F) {
    // One machine (the usual case): the minimum, in one pass.
    if m == 1 && idx.len() > 1 {
        let best = idx[1..]
            .iter()
            .fold(idx[0], |b, &i| if cmp(&i, &b).is_lt() { i } else { b });
        idx.clear();
        idx.push(best);
        return;
    }
    #[cfg(target_arch = "wasm32")]
    smallest_sorted_compact(idx, m, &cmp);
    #[cfg(not(target_arch = "wasm32"))]
    {
        if m < idx.len() {
            if m == 0 {
                idx.clear();
                return;
            }
            idx.select_nth_unstable_by(m - 1, &cmp);
            idx.truncate(m);
        }
        idx.sort_by(cmp);
    }
}

/// WebAssembly's [`smallest_sorted`]: sort everything, keep the first `m`.
#[cfg(any(test, target_arch = "wasm32"))]
fn smallest_sorted_compact(
    idx: &mut Vec<usize>,
    m: usize,
    cmp: &dyn Fn(&usize, &usize) -> Ordering,
) {
    sort_positions(idx, &|a, b| cmp(&a, &b));
    idx.truncate(m);
}

/// A number for an error message: plain when it reads well (`2.5`, `1000`), in scientific
/// notation when it would print dozens of digits (`1e308`, `5e-324`).
pub fn show(v: f64) -> String {
    let a = v.abs();
    if v.is_finite() && a != 0.0 && !(1e-6..1e16).contains(&a) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::StdRng;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn sort_dyn_equals_a_stable_sort_by() {
        let mut rng = StdRng::seed_from_u64(5);
        for n in [0usize, 1, 2, 3, 7, 50, 300] {
            for _ in 0..20 {
                // Few distinct keys: many ties, so stability is tested.
                let v: Vec<(u8, usize)> = (0..n).map(|i| (rng.random_range(0..4u8), i)).collect();
                let mut a = v.clone();
                let mut b = v.clone();
                a.sort_by_key(|x| x.0);
                sort_dyn(&mut b, &|x, y| x.0.cmp(&y.0));
                assert_eq!(a, b);
                let mut c = v.clone();
                sort_dyn(&mut c, &|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)));
                let mut d = v;
                d.sort_by(|x, y| y.0.cmp(&x.0).then(y.1.cmp(&x.1)));
                assert_eq!(c, d);
            }
        }
    }

    #[test]
    fn the_compact_sorts_of_the_bundle_equal_the_native_ones() {
        let mut rng = StdRng::seed_from_u64(9);
        for n in [0usize, 1, 2, 5, 40, 400] {
            let v: Vec<(u8, u64)> = (0..n)
                .map(|_| (rng.random_range(0..4), rng.random_range(0..9)))
                .collect();
            let (mut a, mut b) = (v.clone(), v.clone());
            sort_ord(&mut a);
            sort_dyn(&mut b, &Ord::cmp);
            assert_eq!(a, b);
            let keys: Vec<f64> = (0..n).map(|_| rng.random_range(0..5) as f64).collect();
            let cmp = |x: &usize, y: &usize| keys[*x].total_cmp(&keys[*y]).then(x.cmp(y));
            for m in [0, 1, n / 2, n, n + 3] {
                let (mut a, mut b): (Vec<usize>, Vec<usize>) = ((0..n).collect(), (0..n).collect());
                smallest_sorted(&mut a, m, cmp);
                smallest_sorted_compact(&mut b, m, &cmp);
                assert_eq!(a, b, "n {n} m {m}");
                assert_eq!(a.len(), m.min(n));
            }
        }
    }
}
