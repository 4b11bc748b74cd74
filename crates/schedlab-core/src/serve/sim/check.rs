//! The independent validator of a serving run.

use super::engine::{ServeConfig, ServeRun};
use crate::serve::Workload;

/// Independent check of a run: every request served once, on an instance that existed,
/// prefill after arrival, decode after prefill, one prefill at a time per instance, at
/// most `batch_limit` decoding at once, cached tokens ≤ prompt tokens.
pub fn check(w: &Workload, c: &ServeConfig, run: &ServeRun) -> std::result::Result<(), String> {
    if run.requests.len() != w.requests.len() {
        return Err("one record per request expected".into());
    }
    let mut prefills: Vec<Vec<(f64, f64)>> = vec![Vec::new(); run.instances];
    let mut decodes: Vec<Vec<(f64, i32)>> = vec![Vec::new(); run.instances];
    for (k, (q, r)) in w.requests.iter().zip(&run.requests).enumerate() {
        if r.instance >= run.instances {
            return Err(format!(
                "request {k} on instance {} that never existed",
                r.instance
            ));
        }
        let ordered = q.arrival <= r.prefill_start
            && r.prefill_start <= r.prefill_end
            && r.prefill_end <= r.decode_start
            && r.decode_start <= r.decode_end;
        if !ordered {
            return Err(format!("request {k}: times out of order {r:?}"));
        }
        if r.cached_tokens > q.input_tokens {
            return Err(format!("request {k}: more cached tokens than its prompt"));
        }
        if c.prefill_sigma == 0.0 && c.slow.is_empty() {
            let want = c.prefill_ms((q.input_tokens - r.cached_tokens) as f64);
            if ((r.prefill_end - r.prefill_start) - want).abs() > 1e-6 * want.max(1.0) {
                return Err(format!(
                    "request {k}: prefill took {} instead of {want}",
                    r.prefill_end - r.prefill_start
                ));
            }
        }
        prefills[r.instance].push((r.prefill_start, r.prefill_end));
        decodes[r.instance].push((r.decode_start, 1));
        decodes[r.instance].push((r.decode_end, -1));
    }
    for (i, v) in prefills.iter_mut().enumerate() {
        crate::util::sort_dyn(v, &|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        if v.windows(2).any(|x| x[1].0 < x[0].1 - 1e-9) {
            return Err(format!("instance {i} runs two prefills at once"));
        }
    }
    if c.batch_limit > 0 {
        for (i, v) in decodes.iter_mut().enumerate() {
            crate::util::sort_dyn(v, &|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut k = 0i32;
            for &(_, d) in v.iter() {
                k += d;
                if k > c.batch_limit as i32 {
                    return Err(format!("instance {i} decodes {k} requests at once"));
                }
            }
        }
    }
    Ok(())
}
