//! `schedlab eval`: DAG-job policies on held-out streams over noise levels.

use std::sync::Arc;

use schedlab_core::stream::dag::DagPolicy;
use schedlab_core::stream::learned::{evaluate_with, EvalSpec};

use crate::args::{parse_ids, EvalArgs, WorkloadArg};
use crate::error::CliResult;
use crate::{io, table};

pub fn exec(a: &EvalArgs) -> CliResult<()> {
    let custom = a
        .model
        .as_deref()
        .map(io::load_model)
        .transpose()?
        .map(Arc::new);
    let policies = parse_ids(&a.policies, |id| match (id, &custom) {
        ("learned", Some(m)) => Ok(DagPolicy::Learned(m.clone())),
        _ => DagPolicy::parse(id),
    })?;
    let jobs = if a.workload.workload == WorkloadArg::RandomDag {
        1
    } else {
        a.jobs
    };
    let spec = EvalSpec {
        mix: a.workload.mix(),
        jobs,
        load: a.load,
        noise: a.noise.clone(),
        seeds: a.seeds,
        policies,
    };
    let bar = io::progress_bar((a.seeds * a.noise.len()) as u64);
    let rows = evaluate_with(&spec, &mut |done| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    io::emit_as(a.out.format, &rows, |rows| table::eval(rows))
}
