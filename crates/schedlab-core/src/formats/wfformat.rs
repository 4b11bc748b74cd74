//! WfCommons WfFormat workflow instances (schema 1.4 to 1.6; also the older flat layout).
//!
//! Tasks cost their measured `runtimeInSeconds` (seconds); a dependency carries the bytes
//! of the files the parent writes and the child reads. The platform comes from the
//! instance's machines (up to 4 processors per machine, speeds relative to the fastest
//! clock) unless `processors` is given; links run at 1 Gbit/s (1.25e8 bytes/s).

use crate::util::FastMap;

use serde_json::Value;

use super::{ImportOptions, InputFile};
use crate::error::{Error, Result};
use crate::scenario::{limits, Edge, Network, ProcKind, Processor, Scenario, Task};

const FMT: &str = "WfFormat";
/// Bytes per second between machines: 1 Gbit/s.
pub const DEFAULT_BANDWIDTH_BYTES_S: f64 = 1.25e8;
/// At most this many file lookups to find what each dependency carries (the sum over
/// edges of the smaller of the parent's outputs and the child's inputs).
pub const MAX_FILE_MATCHES: usize = 20_000_000;
/// At most this many processors per machine in the default platform.
pub const MAX_PROCS_PER_MACHINE: usize = 4;

fn err(file: &InputFile, msg: impl std::fmt::Display) -> Error {
    Error::format(FMT, format!("{}: {msg}", file.name))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// A task as read, whatever the schema version.
struct WfTask {
    id: String,
    parents: Vec<String>,
    children: Vec<String>,
    inputs: Vec<String>,
    outputs: Vec<String>,
    runtime: Option<f64>,
}

pub fn import(file: &InputFile, options: &ImportOptions) -> Result<Scenario> {
    let root: Value = serde_json::from_str(file.text).map_err(|e| err(file, e))?;
    let wf = root
        .get("workflow")
        .ok_or_else(|| err(file, "missing `workflow`"))?;
    let mut sizes: FastMap<String, f64> = FastMap::default();
    let mut tasks: Vec<WfTask> = Vec::new();
    let machines: Vec<Value>;

    if let Some(spec) = wf.get("specification") {
        // 1.5+: specification (structure, files) + execution (runtimes, machines).
        for f in spec
            .get("files")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let id = f
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| err(file, "a file without `id`"))?;
            let size = f.get("sizeInBytes").and_then(Value::as_f64).unwrap_or(0.0);
            sizes.insert(id.to_string(), size);
        }
        let exec = wf.get("execution");
        let runtimes: FastMap<String, f64> = exec
            .and_then(|e| e.get("tasks"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| {
                Some((
                    t.get("id")?.as_str()?.to_string(),
                    t.get("runtimeInSeconds")?.as_f64()?,
                ))
            })
            .collect();
        let spec_tasks = spec
            .get("tasks")
            .and_then(Value::as_array)
            .ok_or_else(|| err(file, "missing `workflow.specification.tasks`"))?;
        for t in spec_tasks {
            let id = t
                .get("id")
                .or_else(|| t.get("name"))
                .and_then(Value::as_str)
                .ok_or_else(|| err(file, "a task without `id`"))?
                .to_string();
            tasks.push(WfTask {
                runtime: runtimes.get(&id).copied(),
                id,
                parents: strings(t.get("parents")),
                children: strings(t.get("children")),
                inputs: strings(t.get("inputFiles")),
                outputs: strings(t.get("outputFiles")),
            });
        }
        machines = exec
            .and_then(|e| e.get("machines"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
    } else {
        // 1.4 and earlier: one task list with runtimes and a `files` list of {link, name, size}.
        let list = wf
            .get("tasks")
            .or_else(|| wf.get("jobs"))
            .and_then(Value::as_array)
            .ok_or_else(|| err(file, "missing `workflow.specification` or `workflow.tasks`"))?;
        for t in list {
            let id = t
                .get("id")
                .or_else(|| t.get("name"))
                .and_then(Value::as_str)
                .ok_or_else(|| err(file, "a task without `name`"))?
                .to_string();
            let (mut inputs, mut outputs) = (Vec::new(), Vec::new());
            for f in t
                .get("files")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = f
                    .get("name")
                    .or_else(|| f.get("id"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let size = f
                    .get("sizeInBytes")
                    .or_else(|| f.get("size"))
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                sizes.insert(name.clone(), size);
                match f.get("link").and_then(Value::as_str) {
                    Some("input") => inputs.push(name),
                    Some("output") => outputs.push(name),
                    _ => {}
                }
            }
            tasks.push(WfTask {
                runtime: t
                    .get("runtimeInSeconds")
                    .or_else(|| t.get("runtime"))
                    .and_then(Value::as_f64),
                id,
                parents: strings(t.get("parents")),
                children: strings(t.get("children")),
                inputs,
                outputs,
            });
        }
        machines = wf
            .get("machines")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
    }
    if tasks.is_empty() {
        return Err(err(file, "the workflow has no tasks"));
    }
    if tasks.len() > limits::MAX_TASKS {
        return Err(Error::Limit {
            what: "number of tasks",
            found: tasks.len(),
            limit: limits::MAX_TASKS,
        });
    }

    // Tasks by id: their position in the file (one map type for every lookup by id keeps
    // the WebAssembly bundle to a few hash-map instantiations).
    let pos: crate::util::FastMap<&str, usize> = tasks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    // Edges as (parent position, child position), deduplicated and in the file's task order
    // (a sorted vector: a map keyed by name pairs instantiated a whole B-tree in the bundle).
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for t in &tasks {
        let me = pos[t.id.as_str()];
        for p in &t.parents {
            let Some(&from) = pos.get(p.as_str()) else {
                return Err(err(
                    file,
                    format!("task '{}' has unknown parent '{p}'", t.id),
                ));
            };
            pairs.push((from, me));
        }
        for c in &t.children {
            let Some(&to) = pos.get(c.as_str()) else {
                return Err(err(
                    file,
                    format!("task '{}' has unknown child '{c}'", t.id),
                ));
            };
            pairs.push((me, to));
        }
    }
    crate::util::sort_ord(&mut pairs);
    pairs.dedup();
    let mut edges = Vec::with_capacity(pairs.len());
    // Each task's outputs as a set and inputs as file → positions, built once; an edge
    // walks the smaller side, so a task with 100,000 files and 1,000 children costs
    // 100,000 + 1,000 × (the children's files), not their product. Matches are summed in
    // the child's input order, as always.
    // As maps to an unused position: the engine's one `FastMap<&str, usize>` type.
    let out_sets: Vec<crate::util::FastMap<&str, usize>> = tasks
        .iter()
        .map(|t| t.outputs.iter().map(|o| (o.as_str(), 0)).collect())
        .collect();
    // Each task's inputs as file → its first position, and per position the next one
    // reading the same file (`usize::MAX` ends the chain): the engine's one `FastMap` type
    // rather than a map of vectors (one hash-table instantiation less in the bundle).
    let in_maps: Vec<(crate::util::FastMap<&str, usize>, Vec<usize>)> = tasks
        .iter()
        .map(|t| {
            let mut first: crate::util::FastMap<&str, usize> = Default::default();
            let mut next = vec![usize::MAX; t.inputs.len()];
            // Backwards, so that each chain runs in input order.
            for k in (0..t.inputs.len()).rev() {
                if let Some(later) = first.insert(t.inputs[k].as_str(), k) {
                    next[k] = later;
                }
            }
            (first, next)
        })
        .collect();
    let mut hits: Vec<usize> = Vec::new();
    let mut work = 0usize;
    for (pa, pb) in pairs {
        let (a, b) = (&tasks[pa].id, &tasks[pb].id);
        let outs = &out_sets[pa];
        let child = &tasks[pb];
        hits.clear();
        work += child.inputs.len().min(outs.len());
        if work > MAX_FILE_MATCHES {
            return Err(err(
                file,
                format!("matching the files parents write with those children read takes more than {MAX_FILE_MATCHES} steps (at the edge '{a}' -> '{b}')"),
            ));
        }
        if child.inputs.len() <= outs.len() {
            hits.extend(
                (0..child.inputs.len()).filter(|&k| outs.contains_key(child.inputs[k].as_str())),
            );
        } else {
            let (first, next) = &in_maps[pb];
            for f in outs.keys() {
                let mut k = first.get(f).copied().unwrap_or(usize::MAX);
                while k != usize::MAX {
                    hits.push(k);
                    k = next[k];
                }
            }
            crate::util::sort_ord(&mut hits);
        }
        let data: f64 = hits
            .iter()
            .map(|&k| sizes.get(&child.inputs[k]).copied().unwrap_or(0.0))
            .sum();
        edges.push(Edge {
            from: a.clone(),
            to: b.clone(),
            data,
        });
    }

    let mut s = Scenario::new(
        root.get("name")
            .and_then(Value::as_str)
            .unwrap_or("workflow"),
    );
    s.description = root
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    s.source = format!(
        "WfCommons WfFormat {} instance (times in seconds, data in bytes)",
        root.get("schemaVersion")
            .and_then(Value::as_str)
            .unwrap_or("?")
    );
    s.tasks = tasks
        .iter()
        .map(|t| {
            let rt = t
                .runtime
                .ok_or_else(|| err(file, format!("task '{}' has no runtimeInSeconds", t.id)))?;
            if !(rt.is_finite() && rt >= 0.0) {
                return Err(err(
                    file,
                    format!(
                        "task '{}': runtimeInSeconds {rt} is not a finite number >= 0",
                        t.id
                    ),
                ));
            }
            Ok(Task {
                name: t.id.clone(),
                cost: Some(rt),
                costs: None,
            })
        })
        .collect::<Result<_>>()?;
    s.edges = edges;
    s.processors = platform(&machines, options);
    s.network = Network {
        bandwidth: Some(DEFAULT_BANDWIDTH_BYTES_S),
        latency: 0.0,
        links: Vec::new(),
    };
    Ok(s)
}

fn platform(machines: &[Value], options: &ImportOptions) -> Vec<Processor> {
    let cpu = |name: String| Processor {
        name,
        kind: ProcKind::Cpu,
        speed: 1.0,
    };
    if let Some(k) = options.processors {
        return (1..=k).map(|i| cpu(format!("cpu{i}"))).collect();
    }
    let mhz = |m: &Value| {
        m.pointer("/cpu/speedInMHz")
            .or_else(|| m.pointer("/cpu/speed"))
            .and_then(Value::as_f64)
            .filter(|v| *v > 0.0)
    };
    let fastest = machines.iter().filter_map(mhz).fold(0.0, f64::max);
    let mut procs = Vec::new();
    for (i, m) in machines.iter().enumerate() {
        let node = m
            .get("nodeName")
            .and_then(Value::as_str)
            .map_or_else(|| format!("machine{}", i + 1), str::to_string);
        let cores = m
            .pointer("/cpu/coreCount")
            .or_else(|| m.pointer("/cpu/count"))
            .and_then(Value::as_u64)
            .unwrap_or(1) as usize;
        let speed = match mhz(m) {
            Some(v) if fastest > 0.0 => (v / fastest * 1000.0).round() / 1000.0,
            _ => 1.0,
        };
        for c in 0..cores.clamp(1, MAX_PROCS_PER_MACHINE) {
            procs.push(Processor {
                name: format!("{node}/{}", c + 1),
                kind: ProcKind::Cpu,
                speed,
            });
        }
    }
    if procs.is_empty() {
        procs = (1..=4).map(|i| cpu(format!("cpu{i}"))).collect();
    }
    procs.truncate(limits::MAX_PROCESSORS);
    procs
}
