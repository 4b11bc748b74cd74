//! The independent validator of a serving run.

use super::engine::{InstanceScheduler, ServeConfig, ServeRun};
use crate::serve::Workload;

/// Independent check of a run: every request served once, on an instance that existed,
/// prefill after arrival, its first token at the end of its prefill, its last after it,
/// cached tokens ≤ prompt tokens, no request needing more KV memory than an instance has
/// and no instance holding more; without noise (slowdowns only lengthen), no prefill
/// faster than computing its uncached tokens alone in one iteration and no token faster
/// than a decode iteration of its own; at most `batch_limit` requests never preempted
/// between admission and their last token at once per instance (a request that was never
/// preempted runs from its admission to its last token).
pub fn check(w: &Workload, c: &ServeConfig, run: &ServeRun) -> std::result::Result<(), String> {
    if run.requests.len() != w.requests.len() {
        return Err("one record per request expected".into());
    }
    let exact = c.prefill_sigma == 0.0 && c.decode_sigma == 0.0;
    let mut spans: Vec<Vec<(f64, i32)>> = vec![Vec::new(); run.instances];
    // Rounding: relative to the duration, and to the size of the times it is the
    // difference of (a trace in Unix milliseconds), once per iteration.
    let tol = |x: f64, at: f64, iterations: f64| {
        1e-9 * x.abs().max(1.0) + 8.0 * f64::EPSILON * at.abs() * (iterations + 1.0)
    };
    for (k, (q, r)) in w.requests.iter().zip(&run.requests).enumerate() {
        if r.instance >= run.instances {
            return Err(format!(
                "request {k} on instance {} that never existed",
                r.instance
            ));
        }
        let ordered = q.arrival <= r.prefill_start
            && r.prefill_start <= r.prefill_end
            && r.prefill_end == r.decode_start
            && r.decode_start <= r.decode_end;
        if !ordered {
            return Err(format!("request {k}: times out of order {r:?}"));
        }
        if r.cached_tokens > q.input_tokens {
            return Err(format!("request {k}: more cached tokens than its prompt"));
        }
        let tokens = u64::from(q.input_tokens) + u64::from(q.output_tokens);
        if ServeConfig::blocks_needed(q.blocks.len(), tokens) > c.cache_blocks {
            return Err(format!("request {k} cannot fit in an instance's KV memory"));
        }
        // Every prompt takes an iteration at least; a chunk is at most the token budget
        // (so at least ⌈uncached ÷ budget⌉ iterations); whole prompts one per attempt.
        let uncached = (q.input_tokens - r.cached_tokens).max(1) as usize;
        let fewest = if c.scheduler == InstanceScheduler::Chunked {
            uncached.div_ceil(c.budget())
        } else {
            1
        };
        let n = r.prefill_iterations as usize;
        let too_many = c.scheduler == InstanceScheduler::Fcfs && n > r.preemptions as usize + 1;
        if (r.preemptions == 0 && n < fewest) || n == 0 || too_many {
            return Err(format!(
                "request {k}: prefill in {n} iterations ({fewest} at least, {} preemptions)",
                r.preemptions
            ));
        }
        if exact && r.preemptions == 0 {
            let unc = f64::from((q.input_tokens - r.cached_tokens).max(1));
            let least = c.prefill_alone_ms(unc, f64::from(q.input_tokens) - unc);
            let chunks = f64::from(q.input_tokens) / c.budget() as f64;
            if r.prefill_end - r.prefill_start < least - tol(least, r.prefill_end, chunks) {
                return Err(format!(
                    "request {k}: prefill took {} ms, less than the {least} ms of its tokens alone",
                    r.prefill_end - r.prefill_start
                ));
            }
            // Each later token needs an iteration of its own, at least a decode of one
            // request at its prompt's length.
            let rest = f64::from(q.output_tokens.max(1) - 1);
            let least = rest * c.decode_alone_ms(f64::from(q.input_tokens));
            if r.decode_end - r.decode_start < least - tol(least, r.decode_end, rest) {
                return Err(format!(
                    "request {k}: {rest} tokens in {} ms, faster than {least} ms",
                    r.decode_end - r.decode_start
                ));
            }
        }
        if r.preemptions == 0 {
            spans[r.instance].push((r.prefill_start, 1));
            spans[r.instance].push((r.decode_end, -1));
        }
    }
    if let Some(s) = run.cache_samples.iter().find(|s| s.2 > c.cache_blocks) {
        return Err(format!(
            "instance {} holds {} KV blocks at {} ms, more than its {}",
            s.1, s.2, s.0, c.cache_blocks
        ));
    }
    if c.batch_limit > 0 {
        for (i, v) in spans.iter_mut().enumerate() {
            crate::util::sort_dyn(v, &|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut k = 0i32;
            for &(_, d) in v.iter() {
                k += d;
                if k > c.batch_limit as i32 {
                    return Err(format!("instance {i} runs {k} requests at once"));
                }
            }
        }
    }
    Ok(())
}
