//! saga 2.x (PyPI `anrg-saga`) ProblemInstance JSON, or its TaskGraph + Network pair.
//!
//! saga's model: execution time = task cost / node speed; transfer time = dependency size /
//! link speed; a link speed of `null` is infinite. Same-node transfers are free in schedlab
//! (saga's self-links carry very large speeds, i.e. near-zero time).

use serde::{Deserialize, Serialize};

use super::InputFile;
use crate::error::{Error, Result};
use crate::scenario::{
    limits, Edge, Link, LinkBandwidth, Network, ProcKind, Processor, Scenario, Task,
};

const FMT: &str = "saga JSON";

#[derive(Debug, Deserialize, Serialize)]
struct SagaTask {
    name: String,
    cost: f64,
}
#[derive(Debug, Deserialize, Serialize)]
struct SagaDep {
    source: String,
    target: String,
    size: f64,
}
#[derive(Debug, Deserialize, Serialize)]
struct TaskGraph {
    tasks: Vec<SagaTask>,
    #[serde(default)]
    dependencies: Vec<SagaDep>,
}
#[derive(Debug, Deserialize, Serialize)]
struct Node {
    name: String,
    speed: f64,
}
#[derive(Debug, Deserialize, Serialize)]
struct NetEdge {
    source: String,
    target: String,
    speed: Option<f64>,
}
#[derive(Debug, Deserialize, Serialize)]
struct NetworkJson {
    nodes: Vec<Node>,
    #[serde(default)]
    edges: Vec<NetEdge>,
}
#[derive(Debug, Deserialize, Serialize)]
struct ProblemInstance {
    #[serde(default)]
    name: String,
    task_graph: TaskGraph,
    network: NetworkJson,
}

/// Reads the file's text as `T`. From the text, not from the `Value` already parsed to look
/// at the keys: `from_value` would instantiate a second deserializer per type (serde_json's
/// `Value` one) in the WebAssembly bundle; the text one is shared with every other reader.
fn parse<T: for<'de> Deserialize<'de>>(file: &InputFile) -> Result<T> {
    serde_json::from_str(file.text).map_err(|e| Error::format(FMT, format!("{}: {e}", file.name)))
}

/// Imports one ProblemInstance file, or a task-graph file and a network file in any order.
pub fn import(files: &[InputFile]) -> Result<Scenario> {
    let mut graph: Option<TaskGraph> = None;
    let mut net: Option<NetworkJson> = None;
    let mut name = String::new();
    for f in files {
        let v: serde_json::Value = serde_json::from_str(f.text)
            .map_err(|e| Error::format(FMT, format!("{}: {e}", f.name)))?;
        let keys = v
            .as_object()
            .ok_or_else(|| Error::format(FMT, format!("{}: not a JSON object", f.name)))?;
        if keys.contains_key("task_graph") {
            let pi: ProblemInstance = parse(f)?;
            name = pi.name;
            graph = Some(pi.task_graph);
            net = Some(pi.network);
        } else if keys.contains_key("tasks") {
            graph = Some(parse(f)?);
            if name.is_empty() {
                name = f
                    .name
                    .trim_end_matches(".json")
                    .trim_end_matches("_taskgraph")
                    .to_string();
            }
        } else if keys.contains_key("nodes") {
            net = Some(parse(f)?);
        } else {
            return Err(Error::format(
                FMT,
                format!(
                    "{}: neither a ProblemInstance, a TaskGraph nor a Network",
                    f.name
                ),
            ));
        }
    }
    let graph = graph.ok_or_else(|| {
        Error::format(
            FMT,
            "no task graph given (need a ProblemInstance or a *_taskgraph.json)",
        )
    })?;
    let net = net.ok_or_else(|| {
        Error::format(
            FMT,
            "no network given (need a ProblemInstance or a *_network.json)",
        )
    })?;

    let mut s = Scenario::new(if name.is_empty() {
        "saga instance".to_string()
    } else {
        name
    });
    s.source = "saga ProblemInstance (cost / speed model)".into();
    s.processors = net
        .nodes
        .iter()
        .map(|n| Processor {
            name: n.name.clone(),
            kind: ProcKind::Cpu,
            speed: n.speed,
        })
        .collect();
    // In u64: on wasm32 m × (m − 1) overflows a usize past 65,536 nodes.
    let m = net.nodes.len() as u64;
    let complete = m * m.saturating_sub(1) / 2;
    if complete > limits::MAX_LINKS as u64 {
        return Err(Error::Limit {
            what: "network links (saga's networks are complete)",
            found: usize::try_from(complete).unwrap_or(usize::MAX),
            limit: limits::MAX_LINKS,
        });
    }
    let mut links = Vec::new();
    // Node names interned, pairs as (smaller, larger) index: the map and set types the
    // engine shares (one hash-table instantiation each in the bundle).
    let mut names: crate::util::FastMap<&str, usize> = Default::default();
    let mut seen: crate::util::FastSet<(usize, usize)> = Default::default();
    for e in &net.edges {
        if e.source == e.target {
            continue;
        }
        let mut intern = |n| {
            let next = names.len();
            *names.entry(n).or_insert(next)
        };
        let (a, b) = (intern(e.source.as_str()), intern(e.target.as_str()));
        if !seen.insert((a.min(b), a.max(b))) {
            continue; // saga stores undirected edges; a file may list both directions
        }
        links.push(Link {
            a: e.source.clone(),
            b: e.target.clone(),
            bandwidth: match e.speed {
                Some(v) => LinkBandwidth::Value(v),
                None => LinkBandwidth::Infinite,
            },
            latency: None,
        });
    }
    let m = s.processors.len();
    if m > 1 && links.len() != m * (m - 1) / 2 {
        return Err(Error::format(
            FMT,
            format!(
                "the network must be complete: {} links between {m} nodes, expected {}",
                links.len(),
                m * (m - 1) / 2
            ),
        ));
    }
    // Every pair has its own link, so the default bandwidth never applies.
    s.network = Network {
        bandwidth: None,
        latency: 0.0,
        links,
    };
    s.tasks = graph
        .tasks
        .iter()
        .map(|t| Task {
            name: t.name.clone(),
            cost: Some(t.cost),
            costs: None,
        })
        .collect();
    s.edges = graph
        .dependencies
        .iter()
        .map(|d| Edge {
            from: d.source.clone(),
            to: d.target.clone(),
            data: d.size,
        })
        .collect();
    Ok(s)
}

/// Per-processor execution times of `scenario` as (task cost, processor speed) when the
/// scenario fits saga's cost ÷ speed model.
fn costs_and_speeds(s: &Scenario) -> Result<(Vec<f64>, Vec<f64>)> {
    let speeds: Vec<f64> = s.processors.iter().map(|p| p.speed).collect();
    if s.tasks.iter().all(|t| t.cost.is_some()) {
        return Ok((
            s.tasks.iter().map(|t| t.cost.unwrap_or(0.0)).collect(),
            speeds,
        ));
    }
    // Per-processor costs fit saga only if every row is proportional to one speed vector.
    let m = s.processors.len();
    let row = |t: &Task| -> Result<Vec<f64>> {
        match (&t.cost, &t.costs) {
            (Some(c), _) => Ok(speeds.iter().map(|sp| c / sp).collect()),
            (_, Some(cs)) => cs
                .iter()
                .map(|c| c.ok_or_else(|| Error::invalid(format!("saga export: task '{}' cannot run everywhere; saga's model has no such restriction", t.name))))
                .collect(),
            _ => unreachable!("validated scenario"),
        }
    };
    let rows: Vec<Vec<f64>> = s.tasks.iter().map(row).collect::<Result<_>>()?;
    let reference = rows
        .iter()
        .find(|r| r.iter().all(|v| *v > 0.0))
        .cloned()
        .unwrap_or_else(|| vec![1.0; m]);
    // speed_p = reference_0 / reference_p; cost_t = w(t,0) * speed_0 (speed_0 = 1).
    let sp: Vec<f64> = reference.iter().map(|v| reference[0] / v).collect();
    let mut costs = Vec::with_capacity(rows.len());
    for (t, r) in s.tasks.iter().zip(&rows) {
        let c = r[0];
        for p in 0..m {
            let expect = c / sp[p];
            if (r[p] - expect).abs() > 1e-9 * r[p].abs().max(1.0) {
                return Err(Error::invalid(format!(
                    "saga export: task '{}' has per-processor costs that are not cost / speed (saga cannot represent them)",
                    t.name
                )));
            }
        }
        costs.push(c);
    }
    Ok((costs, sp))
}

/// Link speed written for same-node and infinite links: saga 2.0.2's model requires a
/// number (its own files use 1e8 to 1e9), so transfers there take ~1e-9 of the size.
pub const INFINITE_SPEED: f64 = 1e9;

/// Writes a saga ProblemInstance.
pub fn export(s: &Scenario) -> Result<String> {
    if s.network.latency != 0.0
        || s.network
            .links
            .iter()
            .any(|l| l.latency.is_some_and(|v| v != 0.0))
    {
        return Err(Error::invalid("saga export: saga has no link latency"));
    }
    let (costs, speeds) = costs_and_speeds(s)?;
    let link_speed = |a: usize, b: usize| -> Option<f64> {
        let (na, nb) = (&s.processors[a].name, &s.processors[b].name);
        let link = s
            .network
            .links
            .iter()
            .find(|l| (&l.a == na && &l.b == nb) || (&l.a == nb && &l.b == na));
        match link.map(|l| l.bandwidth) {
            Some(LinkBandwidth::Value(v)) => Some(v),
            Some(LinkBandwidth::Infinite) => Some(INFINITE_SPEED),
            _ => Some(s.network.bandwidth.unwrap_or(INFINITE_SPEED)),
        }
    };
    let m = s.processors.len();
    let mut edges = Vec::new();
    for a in 0..m {
        edges.push(NetEdge {
            source: s.processors[a].name.clone(),
            target: s.processors[a].name.clone(),
            speed: Some(INFINITE_SPEED),
        });
        for b in (a + 1)..m {
            edges.push(NetEdge {
                source: s.processors[a].name.clone(),
                target: s.processors[b].name.clone(),
                speed: link_speed(a, b),
            });
        }
    }
    let pi = ProblemInstance {
        name: s.name.clone(),
        task_graph: TaskGraph {
            tasks: s
                .tasks
                .iter()
                .zip(costs)
                .map(|(t, c)| SagaTask {
                    name: t.name.clone(),
                    cost: c,
                })
                .collect(),
            dependencies: s
                .edges
                .iter()
                .map(|e| SagaDep {
                    source: e.from.clone(),
                    target: e.to.clone(),
                    size: e.data,
                })
                .collect(),
        },
        network: NetworkJson {
            nodes: s
                .processors
                .iter()
                .zip(speeds)
                .map(|(p, sp)| Node {
                    name: p.name.clone(),
                    speed: sp,
                })
                .collect(),
            edges,
        },
    };
    let mut out = serde_json::to_string_pretty(&pi).expect("serializable");
    out.push('\n');
    Ok(out)
}
