//! `schedlab gen dag`: a task DAG, Topcuoglu's random DAGs or a structured family.

use schedlab_core::gen::{self, Family, GenSpec};

use crate::args::{FamilyArg, GenDagArgs};
use crate::error::CliResult;
use crate::io;

pub fn exec(a: &GenDagArgs) -> CliResult<()> {
    let family = match a.family {
        FamilyArg::Random => Family::Random {
            tasks: a.tasks,
            alpha: a.alpha,
            out_degree: a.out_degree,
        },
        FamilyArg::Gaussian => Family::Gaussian { size: a.size },
        FamilyArg::Fft => Family::Fft { points: a.points },
        FamilyArg::ForkJoin => Family::ForkJoin {
            width: a.width,
            stages: a.stages,
        },
        FamilyArg::InTree => Family::InTree {
            branching: a.branching,
            depth: a.depth,
        },
        FamilyArg::OutTree => Family::OutTree {
            branching: a.branching,
            depth: a.depth,
        },
        FamilyArg::Chain => Family::Chain { length: a.length },
    };
    let s = gen::generate(&GenSpec {
        family,
        processors: a.processors,
        ccr: a.ccr,
        beta: a.beta,
        mean_cost: a.mean_cost,
        seed: a.seed,
    })?;
    io::emit(&s.to_json(), a.output.as_deref())
}
