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

/// Reads a number as `s.parse::<f64>()` does, bit for bit (both round correctly), but
/// through serde_json's parser: WebAssembly then carries one float parser instead of two
/// (core's `dec2flt` and its 10 KB table of powers of five, about 8 KB of the gzipped
/// bundle). The same grammar as Rust's: an optional sign, digits with an optional point
/// (`5.`, `.5`), an optional exponent, or `inf` / `infinity` / `nan` in any case; no
/// spaces. One difference: a magnitude past `f64::MAX` (`1e400`) is refused (None) where
/// Rust reads infinity; every caller refuses non-finite numbers anyway.
pub fn parse_f64(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Some(sign * f64::INFINITY);
    }
    if body.eq_ignore_ascii_case("nan") {
        return Some(f64::NAN);
    }
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let int_len = digits(body);
    let (int, rest) = body.split_at(int_len);
    let (frac, rest) = match rest.strip_prefix('.') {
        Some(r) => r.split_at(digits(r)),
        None => ("", rest),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exp = match rest.as_bytes().first() {
        None => "",
        Some(b'e' | b'E') => {
            let e = &rest[1..];
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || digits(unsigned) != unsigned.len() {
                return None;
            }
            e
        }
        Some(_) => return None,
    };
    // JSON's form: no leading zeros, a digit on each side of the point.
    let int = int.trim_start_matches('0');
    let mut json = String::with_capacity(s.len() + 4);
    if neg {
        json.push('-');
    }
    json.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        json.push('.');
        json.push_str(frac);
    }
    if !exp.is_empty() {
        json.push('e');
        json.push_str(exp);
    }
    serde_json::from_str::<f64>(&json).ok()
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

/// The one hash map of names and pairs the engine and the page share: foldhash (fast, and
/// already built for petgraph). One hasher and few key/value types keep the WebAssembly
/// bundle to a few hash-table instantiations (each is about 1 KB gzipped).
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// [`FastMap`]'s set.
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Compact JSON text laid out as `serde_json::to_string_pretty` lays it out (two-space
/// indent, `"key": value`, empty `[]` and `{}` kept on one line), byte for byte (tested on
/// every preset and on strings full of brackets and escapes). Files the page writes go
/// through this and the compact serializer the links already need, instead of a second,
/// pretty serializer per type in the WebAssembly bundle.
pub fn pretty_json(compact: &str) -> String {
    fn newline(out: &mut String, depth: usize) {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let (mut in_str, mut esc) = (false, false);
    let mut chars = compact.chars().peekable();
    while let Some(c) = chars.next() {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    out.push(close);
                    chars.next();
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    #[test]
    fn parse_f64_reads_what_rust_reads() {
        for t in [
            "0",
            "-0",
            "+1",
            "1.",
            ".5",
            "-.5",
            "007.25",
            "1e3",
            "1E-3",
            "2.5e+2",
            "1e-400",
            "inf",
            "-Infinity",
            "NaN",
            "123456789012345678901234567890",
            "0.1",
            "4.9e-324",
            "1.7976931348623157e308",
            "00",
            "0.000",
            "9007199254740993",
        ] {
            let want = t.parse::<f64>().unwrap();
            let got = super::parse_f64(t).unwrap_or_else(|| panic!("{t}"));
            assert!(
                got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                "{t}: {got} vs {want}"
            );
        }
        for t in [
            "", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "0x10", "1_000", "--1",
            "+-1", "in", "1e5x", "1e400",
        ] {
            assert_eq!(super::parse_f64(t), None, "{t}");
        }
    }

    proptest! {
        #[test]
        fn parse_f64_is_bit_exact_on_every_float(bits in any::<u64>(), sig in 1usize..20) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite());
            for t in [format!("{v}"), format!("{v:e}"), format!("{v:.sig$e}"), format!("{v:.sig$}")] {
                let want = t.parse::<f64>().unwrap();
                prop_assert_eq!(super::parse_f64(&t).map(f64::to_bits), Some(want.to_bits()), "{}", t);
            }
        }
    }

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

    #[test]
    fn pretty_json_lays_out_as_serde_json_does() {
        let tricky = serde_json::json!({
            "a": [], "b": {}, "c": [1, [2, {}], {"d": "x, y: [z] {w}"}],
            "e": "quote \" and backslash \\ and \\\" and unicode é", "f": null, "g": -1.5e-7,
            "h": [{"i": [[]]}], "": true
        });
        let compact = serde_json::to_string(&tricky).unwrap();
        assert_eq!(
            pretty_json(&compact),
            serde_json::to_string_pretty(&tricky).unwrap()
        );
        for json in [
            include_str!("../../../assets/scenarios/topcuoglu2002.json"),
            include_str!("../../../assets/scenarios/montage.json"),
            include_str!("../../../assets/scenarios/ds3-wifi-rx.json"),
        ] {
            let s = crate::Scenario::from_json(json).unwrap();
            let c = serde_json::to_string(&s).unwrap();
            assert_eq!(pretty_json(&c), serde_json::to_string_pretty(&s).unwrap());
        }
        assert_eq!(pretty_json("[]"), "[]");
        assert_eq!(pretty_json("{}"), "{}");
    }
}
