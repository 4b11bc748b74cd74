//! The effective-capacity search: the highest request rate a router sustains at an SLO
//! attainment target.

use serde::Serialize;

use super::engine::{simulate, ServeConfig};
use super::metrics::ServeMetrics;
use crate::error::{Error, Result};
use crate::serve::router::Router;
use crate::serve::Workload;

/// One rate the search tried.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacityPoint {
    /// Requests per second offered, and the scale of the workload's arrival rate.
    pub rate: f64,
    pub scale: f64,
    /// Fraction of requests meeting the TTFT SLO, and requests per second meeting both
    /// SLOs.
    pub attainment: f64,
    pub goodput: f64,
}

/// The effective capacity and the attainment curve the search measured on its way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Capacity {
    /// The highest rate found meeting the target (0 if even 1/4096 of the rate does not).
    pub rate: f64,
    pub scale: f64,
    /// Every rate tried, by rate.
    pub points: Vec<CapacityPoint>,
}

/// The effective capacity: the highest request rate (req/s) at which at least `target` of
/// the requests meet the TTFT SLO, found by scaling the workload's arrival rate (doubling
/// or halving to bracket it, then 12 bisection steps in log space).
pub fn capacity(w: &Workload, c: &ServeConfig, router: Router, target: f64) -> Result<Capacity> {
    if !(target > 0.0 && target <= 1.0) {
        return Err(Error::invalid("the attainment target must be in (0, 1]"));
    }
    let mut points = Vec::new();
    let mut ok = |scale: f64| -> Result<bool> {
        let s = w.scaled(scale);
        let run = simulate(&s, c, router.clone())?;
        let m = ServeMetrics::compute(&s, c, &run);
        points.push(CapacityPoint {
            rate: w.rate_rps() * scale,
            scale,
            attainment: m.slo_attainment,
            goodput: m.goodput,
        });
        Ok(m.slo_attainment >= target)
    };
    let (mut lo, mut hi);
    let mut found = None;
    if ok(1.0)? {
        lo = 1.0;
        hi = 2.0;
        while ok(hi)? {
            lo = hi;
            hi *= 2.0;
            if hi > 4096.0 {
                found = Some(lo);
                break;
            }
        }
    } else {
        hi = 1.0;
        lo = 0.5;
        while !ok(lo)? {
            hi = lo;
            lo /= 2.0;
            if lo < 1.0 / 4096.0 {
                found = Some(0.0);
                break;
            }
        }
    }
    if found.is_none() {
        for _ in 0..12 {
            let mid = (lo * hi).sqrt();
            if ok(mid)? {
                lo = mid;
            } else {
                hi = mid;
            }
        }
    }
    let scale = found.unwrap_or(lo);
    crate::util::sort_dyn(&mut points, &|a, b| a.scale.total_cmp(&b.scale));
    Ok(Capacity {
        rate: w.rate_rps() * scale,
        scale,
        points,
    })
}
