//! `schedlab stream`: online scheduling of arriving jobs, policies compared on one stream.

use schedlab_core::stream::dag::{self, DagMix, DagPolicy, DagSpec};
use schedlab_core::stream::policy::Policy;
use schedlab_core::stream::sim::{reference_flow, simulate, StreamMetrics};
use schedlab_core::stream::{generate, trace, Arrivals, Info, Mix, StreamSpec};
use serde_json::json;

use crate::args::{parse_ids, random_dags, InfoArg, MixArg, StreamArgs};
use crate::error::CliResult;
use crate::{io, table};

pub fn exec(a: &StreamArgs) -> CliResult<()> {
    let arrivals = match (&a.trace, a.load, a.mean_interarrival, a.burstiness) {
        (Some(path), ..) => {
            Arrivals::Trace(trace::parse(&path.to_string_lossy(), &io::read(path)?)?)
        }
        (None, Some(rho), _, None) => Arrivals::Load { rho },
        (None, None, Some(t), None) => Arrivals::Poisson {
            mean_interarrival: t,
        },
        (None, None, None, None) => Arrivals::Load { rho: 0.8 },
        (None, Some(rho), _, Some(cv)) => Arrivals::GammaLoad { rho, cv },
        (None, None, Some(t), Some(cv)) => Arrivals::Gamma {
            mean_interarrival: t,
            cv,
        },
        (None, None, None, Some(cv)) => Arrivals::GammaLoad { rho: 0.8, cv },
    };
    let mix = match a.mix {
        MixArg::Single => Mix::Single {
            mean_size: a.mean_size,
        },
        MixArg::Chain => Mix::Chain {
            ops: a.ops,
            mean_op: a.mean_size,
        },
        MixArg::Dag => return dag_jobs(a, arrivals, random_dags(a.dag_tasks, a.machines, 16)),
        MixArg::Ds3 => return dag_jobs(a, arrivals, DagMix::Ds3),
    };
    let info = match a.info {
        InfoArg::Clairvoyant => Info::Clairvoyant,
        InfoArg::Estimated => Info::Estimated,
        InfoArg::Revealed => Info::Revealed,
        InfoArg::Nonclairvoyant => Info::NonClairvoyant,
    };
    let policies = parse_ids(&a.policies, Policy::parse)?;
    let spec = StreamSpec {
        speeds: a.speeds.clone(),
        context_switch: a.context_switch,
        jobs: a.jobs,
        machines: a.machines,
        arrivals,
        mix,
        info,
        estimate_noise: a.estimate_noise,
        deadline_slack: a.deadline_slack,
        seed: a.seed,
    };
    let stream = generate(&spec)?;
    let reference = reference_flow(&stream)?;
    let mut rows = Vec::new();
    for (id, p) in &policies {
        let run = simulate(&stream, *p)?;
        let m = StreamMetrics::compute(&stream, &run);
        let mut v = serde_json::to_value(&m)?;
        v["policy"] = json!(id);
        v["competitive_ratio"] = json!(m.total_flow_time / reference);
        rows.push(v);
    }
    io::emit_as(a.out.format, &rows, |rows| table::stream(rows, true))
}

/// Streams of DAG jobs (`--mix dag|ds3`).
fn dag_jobs(a: &StreamArgs, arrivals: Arrivals, mix: DagMix) -> CliResult<()> {
    let policies = parse_ids(&a.policies, DagPolicy::parse)?;
    let s = dag::generate(&DagSpec {
        jobs: a.jobs,
        arrivals,
        mix,
        exec_sigma: a.exec_noise,
        seed: a.seed,
    })?;
    let mut rows = Vec::new();
    for (id, p) in &policies {
        let run = dag::simulate(&s, p.clone())?;
        let m = dag::metrics(&s, &run);
        let mut v = serde_json::to_value(&m)?;
        v["policy"] = json!(id);
        rows.push(v);
    }
    io::emit_as(a.out.format, &rows, |rows| table::stream(rows, false))
}
