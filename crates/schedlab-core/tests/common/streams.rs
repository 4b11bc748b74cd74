//! The streams' cross-target fingerprint, shared by the native determinism test and the
//! browser test (tests/web.rs includes this file): every online policy on a bursty,
//! estimated-size stream on related machines with context switches, and every DAG policy on
//! a noisy DS3 stream, each reduced to a hash of its completion times' bits.

pub fn stream_fingerprints() -> serde_json::Value {
    use schedlab_core::stream::{dag, policy::Policy, sim, Arrivals, Info, Mix, StreamSpec};
    let fold = |c: &[f64]| {
        let h = c.iter().fold(0u64, |h, x| h.rotate_left(7) ^ x.to_bits());
        format!("{h:016x}")
    };
    let s = schedlab_core::stream::generate(&StreamSpec {
        jobs: 300,
        machines: 3,
        speeds: vec![1.0, 1.5, 2.0],
        context_switch: 0.01,
        arrivals: Arrivals::GammaLoad { rho: 0.9, cv: 2.0 },
        mix: Mix::Chain {
            ops: 2,
            mean_op: 1.5,
        },
        info: Info::Estimated,
        estimate_noise: 0.4,
        deadline_slack: Some(3.0),
        seed: 5,
    })
    .unwrap();
    let mut rows = Vec::new();
    // With a user rule through log and sqrt (libm's: the same bits in WebAssembly).
    for id in [
        "fcfs",
        "sjf",
        "srpt_est",
        "rr:0.5",
        "ps",
        "las",
        "mlfq",
        "edf",
        "rule:estimate + log(1 + attained) - 0.1 * sqrt(age)",
    ] {
        let run = sim::simulate(&s, Policy::parse(id).unwrap()).unwrap();
        rows.push(serde_json::json!({"policy": id, "completion_bits": fold(&run.completion)}));
    }
    let d = dag::generate(&dag::DagSpec {
        jobs: 80,
        arrivals: Arrivals::Load { rho: 0.8 },
        mix: dag::DagMix::Ds3,
        exec_sigma: 0.3,
        seed: 9,
    })
    .unwrap();
    // Every entry (the page has them all) and a spelled rule through exp.
    let spelled = "rule:wait_to_start + exp(-job_remaining_work / 1000)";
    for id in dag::DAG_POLICIES.iter().map(|e| e.id).chain([spelled]) {
        let run = dag::simulate(&d, dag::DagPolicy::parse(id).unwrap()).unwrap();
        rows.push(serde_json::json!({"policy": id, "completion_bits": fold(&run.completion)}));
    }
    serde_json::Value::Array(rows)
}
