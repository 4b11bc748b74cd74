//! The learned policy for streams of DAG jobs: a small neural network that scores candidate
//! ready tasks, trained here by evolution strategies (DeepSoCS's setting; see
//! docs/learned-policy.md).
//!
//! At each decision the simulator ([`super::dag`]) takes the first
//! [`Model::candidates`] ready tasks of each class (tasks that can run on the same
//! processors) in SRPT order, places each on its earliest-finish processor among those with
//! room, computes [`FEATURES`] for each and commits the best-scored one. The network is a
//! multilayer perceptron with one ReLU hidden layer, in `f32`: additions, multiplications
//! and comparisons only, so a score is bit-identical natively and in WebAssembly.
//!
//! Training ([`Trainer`]) is antithetic evolution strategies (Salimans et al. 2017) with
//! centred-rank fitness shaping and Adam: each iteration perturbs the weights in `pairs`
//! random directions, runs the perturbed policies on freshly generated training streams
//! (execution noise σ drawn from the configured list), and moves along the directions that
//! lowered the mean job latency relative to `dls_srpt` on the same streams. It needs no
//! gradient of the simulator, only runs of it, and each iteration is a pure function of the
//! configuration and the iteration number.

pub mod eval;
pub mod model;
pub mod train;

pub use eval::{evaluate, evaluate_with, EvalRow, EvalSpec, EVAL_SEEDS};
pub use model::*;
pub use train::{mean_latency, Trainer, TrainerState};
