//! The independent validator of a stream run's machine segments.

use super::engine::StreamRun;
use crate::stream::Stream;

/// Independent check of a run: every job receives exactly its size of service, never
/// before its arrival, never on two machines at once, never after its completion; no
/// machine runs two pieces at once.
pub fn check(stream: &Stream, run: &StreamRun) -> std::result::Result<(), String> {
    let n = stream.jobs.len();
    let mut per_job: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
    let mut per_machine: Vec<Vec<(f64, f64, usize)>> = vec![Vec::new(); stream.machines];
    let speeds = stream.machine_speeds();
    let mut served = vec![0.0; n];
    for s in &run.segments {
        if s.machine >= stream.machines
            || s.job >= n
            || s.end.partial_cmp(&s.start) != Some(std::cmp::Ordering::Greater)
        {
            return Err(format!("bad segment {s:?}"));
        }
        per_job[s.job].push((s.start, s.end));
        served[s.job] += (s.end - s.start) * speeds[s.machine];
        per_machine[s.machine].push((s.start, s.end, s.job));
    }
    let scale = run.completion.iter().copied().fold(1.0, f64::max);
    let tol = 1e-7 * scale;
    for (j, segs) in per_job.iter_mut().enumerate() {
        crate::util::sort_dyn(segs, &|a, b| a.0.total_cmp(&b.0));
        let job = &stream.jobs[j];
        let overhead = run.overhead.get(j).copied().unwrap_or(0.0);
        let need = job.size() + overhead;
        if overhead.is_nan() || overhead < 0.0 || (served[j] - need).abs() > 1e-6 * need.max(1.0) {
            return Err(format!(
                "job {j} got {} of service for a size of {} plus {overhead} of context switches",
                served[j],
                job.size()
            ));
        }
        if segs.first().is_some_and(|s| s.0 < job.arrival - tol) {
            return Err(format!("job {j} ran before it arrived"));
        }
        if segs.windows(2).any(|w| w[1].0 < w[0].1 - tol) {
            return Err(format!("job {j} ran on two machines at once"));
        }
        // Under sharing policies completion is the fluid model's (the end of the interval
        // in which the job's share ran out); the machine pieces realise those shares inside
        // each interval, so a piece may end earlier, never later.
        let end = segs.last().map_or(f64::NAN, |s| s.1);
        if end.is_nan() || end > run.completion[j] + tol {
            return Err(format!(
                "job {j} completes at {} but a piece ends at {end}",
                run.completion[j]
            ));
        }
    }
    for (p, segs) in per_machine.iter_mut().enumerate() {
        crate::util::sort_dyn(segs, &|a, b| a.0.total_cmp(&b.0));
        if let Some(w) = segs.windows(2).find(|w| w[1].0 < w[0].1 - tol) {
            return Err(format!(
                "machine {p} runs jobs {} and {} at once",
                w[0].2, w[1].2
            ));
        }
    }
    Ok(())
}
