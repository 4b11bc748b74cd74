//! A small exact binary codec for what the background worker sends back: every `f64` as
//! its 8 bytes (infinities and NaN payloads included), lengths as `u64`, strings as UTF-8.
//!
//! Why not serde: a derived `Deserialize` costs its visitor, field enum and error paths
//! per type; for the two result trees below that was 18 KB of WebAssembly, this is a
//! fraction of it. Each struct's impl is written by [`wire!`] from its field list, and
//! both directions destructure or build the struct whole, so a field added to any of
//! these types is a compile error here until it is carried.

use schedlab_core::serve::sim::{
    Capacity, CapacityPoint, InstanceScheduler, ReqRun, ScaleAction, ScaleEvent, ScaleRecord,
    ServeConfig, ServeMetrics, ServeRun,
};
use schedlab_core::serve::{Request, Workload};
use schedlab_core::stream::dag::TaskRun;
use schedlab_core::stream::learned::{CurvePoint, TrainerState};
use schedlab_core::stream::sim::{Decision, QueuePlace, QueueRow, Segment, StreamMetrics};

use schedlab_core::run::{Curve, Stat};

use crate::labs::dag::eval::{Sweep, SweepColumn};
use crate::labs::serving::capacity::{CapacityResult, RouterCapacity};
use crate::labs::serving::{ServingColumn, ServingResult};
use crate::labs::streams::{Column, StreamsResult};

/// Reads what [`Wire::put`] wrote.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader(bytes)
    }

    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*head)
    }

    /// A length that cannot be larger than the bytes left (each item takes at least one
    /// byte), so a forged length never allocates more than the message.
    fn len(&mut self) -> Option<usize> {
        let n = u64::from_le_bytes(self.take()?);
        usize::try_from(n).ok().filter(|&n| n <= self.0.len())
    }

    /// True when every byte was read.
    pub fn done(&self) -> bool {
        self.0.is_empty()
    }
}

/// A value that travels exactly.
pub trait Wire: Sized {
    fn put(&self, out: &mut Vec<u8>);
    fn get(r: &mut Reader) -> Option<Self>;
}

impl Wire for f64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_bits().to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(f64::from_bits(u64::from_le_bytes(r.take()?)))
    }
}

impl Wire for u64 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(u64::from_le_bytes(r.take()?))
    }
}

impl Wire for usize {
    fn put(&self, out: &mut Vec<u8>) {
        (*self as u64).put(out)
    }
    fn get(r: &mut Reader) -> Option<Self> {
        usize::try_from(u64::get(r)?).ok()
    }
}

impl Wire for u32 {
    fn put(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(u32::from_le_bytes(r.take()?))
    }
}

impl Wire for bool {
    fn put(&self, out: &mut Vec<u8>) {
        out.push(u8::from(*self));
    }
    fn get(r: &mut Reader) -> Option<Self> {
        match r.take::<1>()? {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
}

impl Wire for String {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        out.extend_from_slice(self.as_bytes());
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.len()?;
        let (s, rest) = r.0.split_at(n);
        r.0 = rest;
        String::from_utf8(s.to_vec()).ok()
    }
}

impl<T: Wire> Wire for Vec<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.len().put(out);
        for x in self {
            x.put(out);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        let n = r.len()?;
        // A plain loop: `collect::<Option<Vec<_>>>()` instantiates an adapter per type.
        let mut v = Vec::with_capacity(n);
        for _ in 0..n {
            v.push(T::get(r)?);
        }
        Some(v)
    }
}

impl<T: Wire> Wire for Option<T> {
    fn put(&self, out: &mut Vec<u8>) {
        self.is_some().put(out);
        if let Some(x) = self {
            x.put(out);
        }
    }
    fn get(r: &mut Reader) -> Option<Self> {
        if bool::get(r)? {
            T::get(r).map(Some)
        } else {
            Some(None)
        }
    }
}

impl<A: Wire, B: Wire> Wire for (A, B) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?))
    }
}

impl<A: Wire, B: Wire, C: Wire> Wire for (A, B, C) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?, C::get(r)?))
    }
}

impl<A: Wire, B: Wire, C: Wire, D: Wire> Wire for (A, B, C, D) {
    fn put(&self, out: &mut Vec<u8>) {
        self.0.put(out);
        self.1.put(out);
        self.2.put(out);
        self.3.put(out);
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some((A::get(r)?, B::get(r)?, C::get(r)?, D::get(r)?))
    }
}

impl Wire for ScaleAction {
    fn put(&self, out: &mut Vec<u8>) {
        matches!(self, ScaleAction::Remove).put(out)
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(if bool::get(r)? {
            ScaleAction::Remove
        } else {
            ScaleAction::Add
        })
    }
}

impl Wire for InstanceScheduler {
    fn put(&self, out: &mut Vec<u8>) {
        matches!(self, InstanceScheduler::Chunked).put(out)
    }
    fn get(r: &mut Reader) -> Option<Self> {
        Some(if bool::get(r)? {
            InstanceScheduler::Chunked
        } else {
            InstanceScheduler::Fcfs
        })
    }
}

/// `Wire` for a struct from its complete field list.
macro_rules! wire {
    ($($t:ident { $($f:ident),* $(,)? })*) => {$(
        impl Wire for $t {
            fn put(&self, out: &mut Vec<u8>) {
                let $t { $($f),* } = self;
                $( $f.put(out); )*
            }
            fn get(r: &mut Reader) -> Option<Self> {
                Some($t { $($f: Wire::get(r)?),* })
            }
        }
    )*};
}

wire! {
    Segment { machine, job, start, end }
    StreamMetrics {
        jobs, total_flow_time, mean_flow_time, max_flow_time, p50_flow_time, p90_flow_time,
        p99_flow_time, mean_slowdown, mean_waiting_time, throughput, utilisation,
        mean_queue_length, max_queue_length, preemptions, average_job_latency,
    }
    QueueRow { job, arrival, attained, rate, rank, key, queue }
    QueuePlace { level, seq }
    Decision { time, until, rows }
    TaskRun { job, task, proc, start, end }
    Column {
        policy, rule, segments, completion, queue, metrics, competitive_ratio, decisions,
        preemption_marks, tasks,
    }
    StreamsResult {
        machine_names, arrivals, sizes, job_labels, columns, t_max, dag, task_names,
        template_of, mean_exec,
    }
    Request { arrival, input_tokens, output_tokens, blocks }
    Workload { name, requests }
    ScaleEvent { time_ms, action }
    ServeConfig {
        instances, cache_blocks, scheduler, token_budget, iteration_ms, ms_per_token,
        prefill_attention_ms, decode_ms_per_request, decode_ms_per_kilotoken, batch_limit,
        slo_ms, tpot_slo_ms, prefill_sigma, decode_sigma, slow, scaling, rebalance, seed,
    }
    ReqRun {
        instance, prefill_start, prefill_end, decode_start, decode_end, cached_tokens, moved,
        preemptions, prefill_iterations,
    }
    ScaleRecord { time_ms, action, instance, prefixes_remapped, prefixes_seen }
    ServeRun { requests, cache_samples, scaling, instances, moves, load_imbalance, iterations }
    ServeMetrics {
        requests, ttft_p50_ms, ttft_p90_ms, ttft_p99_ms, ttft_mean_ms, tpot_p50_ms, tpot_p99_ms,
        e2e_p50_ms, e2e_p99_ms, slo_attainment, goodput, preemptions, cache_hit_rate,
        load_imbalance, requests_per_instance, moves, request_rate, prefixes_remapped,
    }
    ServingColumn { router, rule, run, metrics }
    CapacityPoint { rate, scale, attainment, goodput }
    Capacity { rate, scale, points }
    RouterCapacity { router, capacity }
    CapacityResult { target, slo_ms, tpot_slo_ms, base_rate, routers }
    ServingResult { workload, config, columns, t_max, prefix_color, lifetimes }
    Stat { mean, std, min, max }
    Curve { scheduler, points }
    SweepColumn { sample_makespans, stats }
    Sweep { columns, curves }
    CurvePoint { iteration, learned, heft, dls, fitness }
    TrainerState { theta, adam_m, adam_v, adam_pow, iteration, curve }
}

/// `value` as bytes.
pub fn to_bytes<T: Wire>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    value.put(&mut out);
    out
}

/// The value in `bytes`, if they are exactly one.
pub fn from_bytes<T: Wire>(bytes: &[u8]) -> Option<T> {
    let mut r = Reader::new(bytes);
    let v = T::get(&mut r)?;
    r.done().then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_bits() {
        for x in [
            0.0,
            -0.0,
            1.5,
            f64::INFINITY,
            f64::NEG_INFINITY,
            5e-324,
            f64::MAX,
        ] {
            let back: f64 = from_bytes(&to_bytes(&x)).unwrap();
            assert_eq!(back.to_bits(), x.to_bits());
        }
        let nan = f64::from_bits(0x7ff8_0000_dead_beef);
        let back: f64 = from_bytes(&to_bytes(&nan)).unwrap();
        assert_eq!(back.to_bits(), nan.to_bits());
    }

    type Nested = Vec<(Option<String>, Vec<(f64, usize, usize)>)>;

    #[test]
    fn nested_values_round_trip() {
        let v: Nested = vec![(Some("é J3".into()), vec![(1.0, 2, 3)]), (None, vec![])];
        assert_eq!(from_bytes::<Nested>(&to_bytes(&v)), Some(v));
    }

    #[test]
    fn forged_bytes_are_refused_without_allocating() {
        // A length of 2^60 items in a 9-byte message.
        let mut b = (1u64 << 60).to_le_bytes().to_vec();
        b.push(0);
        assert_eq!(from_bytes::<Vec<f64>>(&b), None);
        assert_eq!(
            from_bytes::<String>(&[1, 0, 0, 0, 0, 0, 0, 0, 0xff]),
            None,
            "not UTF-8"
        );
        assert_eq!(from_bytes::<bool>(&[2]), None);
        assert_eq!(from_bytes::<f64>(&[0; 7]), None, "short");
        assert_eq!(from_bytes::<f64>(&[0; 9]), None, "trailing bytes");
    }
}
