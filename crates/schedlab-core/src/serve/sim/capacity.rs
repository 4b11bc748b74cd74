//! The effective-capacity search: the highest request rate a router sustains at an SLO
//! attainment target.

use super::engine::{simulate, ServeConfig};
use super::metrics::ServeMetrics;
use crate::error::{Error, Result};
use crate::serve::router::Router;
use crate::serve::Workload;

/// The effective capacity: the highest request rate (req/s) at which at least `target` of
/// the requests meet the TTFT SLO, found by scaling the workload's arrival rate (doubling
/// or halving to bracket it, then 12 bisection steps in log space). Returns (rate, scale).
pub fn capacity(w: &Workload, c: &ServeConfig, router: Router, target: f64) -> Result<(f64, f64)> {
    if !(target > 0.0 && target <= 1.0) {
        return Err(Error::invalid("the attainment target must be in (0, 1]"));
    }
    let ok = |scale: f64| -> Result<bool> {
        let s = w.scaled(scale);
        let run = simulate(&s, c, router.clone())?;
        Ok(ServeMetrics::compute(&s, c, &run).slo_attainment >= target)
    };
    let (mut lo, mut hi);
    if ok(1.0)? {
        lo = 1.0;
        hi = 2.0;
        while ok(hi)? {
            lo = hi;
            hi *= 2.0;
            if hi > 4096.0 {
                return Ok((w.rate_rps() * lo, lo));
            }
        }
    } else {
        hi = 1.0;
        lo = 0.5;
        while !ok(lo)? {
            hi = lo;
            lo /= 2.0;
            if lo < 1.0 / 4096.0 {
                return Ok((0.0, 0.0));
            }
        }
    }
    for _ in 0..12 {
        let mid = (lo * hi).sqrt();
        if ok(mid)? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok((w.rate_rps() * lo, lo))
}
