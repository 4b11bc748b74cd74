//! `schedlab stream`: online scheduling of arriving jobs, policies compared on one stream.
//! The flags fill in the Streams lab's settings ([`StreamsSettings`], what a share link
//! carries) and the core's lab API runs them, so a link opened with `schedlab open` and
//! the same flags give the same rows.

use schedlab_core::stream::lab::{self, Detail, JobMix, StreamsSettings};
use schedlab_core::stream::{trace, Info};

use crate::args::{InfoArg, MixArg, StreamArgs};
use crate::error::CliResult;
use crate::{io, table};

/// Target load ρ when neither `--load` nor `--mean-interarrival` is given.
const DEFAULT_LOAD: f64 = 0.8;

pub fn exec(a: &StreamArgs) -> CliResult<()> {
    let settings = settings(a)?;
    let (input, runs) = lab::run_with_input(&settings, a.explain)?;
    let mut rows = Vec::new();
    for r in &runs {
        let mut v = r.row();
        if let (true, Detail::Flow(run)) = (a.explain, &r.detail) {
            v["decisions"] = serde_json::to_value(&run.decisions)?;
        }
        rows.push(v);
    }
    let ratio = !settings.mix.is_dag();
    // Chains: the instance parameters (m, and our reading's m1, m2) on every row.
    let instance = settings.instance_of(&input);
    if let Some(i) = instance {
        for v in &mut rows {
            v["instance"] = serde_json::to_value(i)?;
        }
    }
    io::emit_as(a.out.format, &rows, |rows| {
        let mut out = String::new();
        if let Some(i) = instance {
            out.push_str(&format!(
                "instance: m = {} operations per job at most; m1 = {} chunks, m2 = {} operations per chunk (our reading, docs/streams.md)\n",
                i.m, i.m1, i.m2
            ));
        }
        out.push_str(&table::stream(rows, ratio));
        if a.explain {
            for r in &runs {
                if let Detail::Flow(run) = &r.detail {
                    out.push_str(&table::stream_decisions(&r.policy, &run.decisions));
                }
            }
        }
        out
    })
}

/// The lab's settings the flags describe (the trace read into them).
fn settings(a: &StreamArgs) -> CliResult<StreamsSettings> {
    if !matches!(a.mix, MixArg::Chain)
        && (a.ops_dist.is_some() || a.op_size.is_some() || a.tests.is_some())
    {
        return Err(crate::error::Fail::new(
            "--ops-dist, --op-size and --tests describe chains of operations: add --mix chain",
        ));
    }
    let trace = match &a.trace {
        Some(path) => Some(trace::parse(&path.to_string_lossy(), &io::read(path)?)?),
        None => None,
    };
    Ok(StreamsSettings {
        mix: match a.mix {
            MixArg::Single => JobMix::Single,
            MixArg::Chain => JobMix::Chain,
            MixArg::Dag => JobMix::Dag,
            MixArg::Ds3 => JobMix::Ds3,
        },
        jobs: a.jobs,
        machines: a.machines,
        speeds: a.speeds.clone(),
        load: a.load.unwrap_or(DEFAULT_LOAD),
        mean_interarrival: a.mean_interarrival,
        burstiness: a.burstiness.unwrap_or(1.0),
        mean_size: a.mean_size,
        ops: a.ops,
        ops_dist: a.ops_dist.clone(),
        op_size: a.op_size.clone(),
        test: match &a.tests {
            None => None,
            Some(t) => Some(
                t.strip_prefix("uniform:")
                    .and_then(schedlab_core::util::parse_f64)
                    .filter(|v| v.is_finite() && *v > 0.0)
                    .ok_or_else(|| {
                        crate::error::Fail::new(format!(
                            "--tests expects uniform:LENGTH with a length > 0 (got '{t}')"
                        ))
                    })?,
            ),
        },
        dag_tasks: a.dag_tasks,
        info: match a.info {
            InfoArg::Clairvoyant => Info::Clairvoyant,
            InfoArg::Estimated => Info::Estimated,
            InfoArg::Revealed => Info::Revealed,
            InfoArg::Nonclairvoyant => Info::NonClairvoyant,
        },
        estimate_noise: a.estimate_noise,
        context_switch: a.context_switch,
        exec_noise: a.exec_noise,
        deadline_slack: a.deadline_slack,
        policies: crate::args::rejoin_parens(&a.policies),
        seed: a.seed,
        trace,
        learned: None,
    })
}
