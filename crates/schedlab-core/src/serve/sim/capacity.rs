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
    let mut search = CapacitySearch::new(w.rate_rps(), target)?;
    while search.probe(w, c, &router)? {}
    Ok(search.finish())
}

/// Where the search stands: the rate scale it tries next is decided by the answers so far.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Trying the workload's own rate.
    First,
    /// Doubling until the target fails (`hi`), or halving until it holds (`lo`).
    Up,
    Down,
    /// Bisection steps done, between `lo` (holds) and `hi` (fails).
    Bisect(usize),
    Done,
}

/// Bisection steps in log space once the capacity is bracketed.
const BISECT_STEPS: usize = 12;
/// The search gives up beyond 4096× (or below 1/4096×) the workload's rate.
const MAX_SCALE: f64 = 4096.0;

/// The effective-capacity search one simulation at a time ([`CapacitySearch::probe`]), so
/// that a caller can report progress or stop between probes (the page's worker does);
/// [`capacity`] runs it to the end.
#[derive(Debug, Clone, PartialEq)]
pub struct CapacitySearch {
    base_rate: f64,
    target: f64,
    phase: Phase,
    lo: f64,
    hi: f64,
    found: Option<f64>,
    points: Vec<CapacityPoint>,
}

impl CapacitySearch {
    /// A search on a workload offering `base_rate` req/s, for an attainment `target` in
    /// (0, 1].
    pub fn new(base_rate: f64, target: f64) -> Result<CapacitySearch> {
        if !(target > 0.0 && target <= 1.0) {
            return Err(Error::invalid("the attainment target must be in (0, 1]"));
        }
        Ok(CapacitySearch {
            base_rate,
            target,
            phase: Phase::First,
            lo: 1.0,
            hi: 1.0,
            found: None,
            points: Vec::new(),
        })
    }

    /// The rate scale the next probe tries (None once the search is over).
    pub fn next_scale(&self) -> Option<f64> {
        match self.phase {
            Phase::First => Some(1.0),
            Phase::Up => Some(self.hi),
            Phase::Down => Some(self.lo),
            Phase::Bisect(_) => Some((self.lo * self.hi).sqrt()),
            Phase::Done => None,
        }
    }

    /// Simulates the next rate; whether the search goes on.
    pub fn probe(&mut self, w: &Workload, c: &ServeConfig, router: &Router) -> Result<bool> {
        let Some(scale) = self.next_scale() else {
            return Ok(false);
        };
        let s = w.scaled(scale);
        let run = simulate(&s, c, router.clone())?;
        let m = ServeMetrics::compute(&s, c, &run);
        self.record(CapacityPoint {
            rate: self.base_rate * scale,
            scale,
            attainment: m.slo_attainment,
            goodput: m.goodput,
        });
        Ok(self.phase != Phase::Done)
    }

    /// Takes the answer at [`CapacitySearch::next_scale`] and moves on.
    fn record(&mut self, p: CapacityPoint) {
        let ok = p.attainment >= self.target;
        let scale = p.scale;
        self.points.push(p);
        self.phase = match self.phase {
            Phase::First if ok => {
                (self.lo, self.hi) = (1.0, 2.0);
                Phase::Up
            }
            Phase::First => {
                (self.lo, self.hi) = (0.5, 1.0);
                Phase::Down
            }
            Phase::Up if ok => {
                self.lo = scale;
                self.hi = scale * 2.0;
                if self.hi > MAX_SCALE {
                    self.found = Some(self.lo);
                    Phase::Done
                } else {
                    Phase::Up
                }
            }
            Phase::Down if !ok => {
                self.hi = scale;
                self.lo = scale / 2.0;
                if self.lo < 1.0 / MAX_SCALE {
                    self.found = Some(0.0);
                    Phase::Done
                } else {
                    Phase::Down
                }
            }
            Phase::Up | Phase::Down => Phase::Bisect(0),
            Phase::Bisect(k) => {
                if ok {
                    self.lo = scale;
                } else {
                    self.hi = scale;
                }
                if k + 1 == BISECT_STEPS {
                    Phase::Done
                } else {
                    Phase::Bisect(k + 1)
                }
            }
            Phase::Done => Phase::Done,
        };
    }

    /// Fraction done, for a progress bar: probes made over those made plus those still
    /// expected (the bracket's end is not known in advance; the bisection's is).
    pub fn progress(&self) -> f64 {
        let done = self.points.len() as f64;
        let left = match self.phase {
            Phase::First | Phase::Up | Phase::Down => 1 + BISECT_STEPS,
            Phase::Bisect(k) => BISECT_STEPS - k,
            Phase::Done => 0,
        } as f64;
        done / (done + left)
    }

    /// The capacity found and every rate tried, by rate.
    pub fn finish(mut self) -> Capacity {
        let scale = if self.phase == Phase::Done {
            self.found.unwrap_or(self.lo)
        } else {
            self.lo
        };
        crate::util::sort_dyn(&mut self.points, &|a, b| a.scale.total_cmp(&b.scale));
        Capacity {
            rate: self.base_rate * scale,
            scale,
            points: self.points,
        }
    }
}
