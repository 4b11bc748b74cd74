//! DS3 / DASH-Sim job and SoC description files (Arda et al.; segemena/DS3, EpiSci/SoCRATES).
//!
//! One or more job files (`job_name`, `add_new_tasks`, task lines, `comm_vol`) and one SoC
//! file (`add_new_resource` blocks with per-function execution times in µs, `comm_band`
//! lines), in the keyword format of DS3's HEAD or the positional format of its first commit
//! and of SoCRATES. A cluster of `capacity` cores becomes that many processors; a task runs
//! only where its function has an execution time (first occurrence wins, as in DS3);
//! transfers take comm_vol / comm_band µs. Memory and cache resources are not processors.
//! Several job files become one scenario of independent DAGs, names prefixed by job.

use crate::util::FastMap;

use super::{int, num, InputFile};
use crate::error::{Error, Result};
use crate::scenario::{
    limits, Edge, Link, LinkBandwidth, Network, ProcKind, Processor, Scenario, Task,
};

const FMT: &str = "DS3";

/// A resource cluster of the SoC file.
#[derive(Debug, Clone)]
pub struct Resource {
    pub kind: String,
    pub name: String,
    pub id: usize,
    pub capacity: usize,
    /// Execution time (µs) per function name, first occurrence kept.
    pub exec: FastMap<String, f64>,
}

/// A parsed SoC file.
#[derive(Debug, Clone, Default)]
pub struct Soc {
    pub resources: Vec<Resource>,
    /// Bandwidth between resource ids (symmetric).
    pub band: FastMap<(usize, usize), f64>,
}

/// A parsed job file.
#[derive(Debug, Clone)]
pub struct Job {
    pub name: String,
    /// (function name, id, predecessor ids) in file order.
    pub tasks: Vec<(String, usize, Vec<usize>)>,
    /// comm_vol per (src id, dst id).
    pub volume: FastMap<(usize, usize), f64>,
}

const RESOURCE_KEYS: [&str; 6] = [
    "opp",
    "trip_freq",
    "DTPM_trip_freq",
    "power_profile",
    "PG_profile",
    "mesh_information",
];

pub fn parse_soc(file: &InputFile) -> Result<Soc> {
    let mut soc = Soc::default();
    for (i, raw) in file.text.lines().enumerate() {
        let ln = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        match t[0] {
            "add_new_resource" => {
                let field = |key: &str| {
                    t.iter()
                        .position(|x| *x == key)
                        .and_then(|i| t.get(i + 1))
                        .copied()
                };
                // Keyword format (DS3 HEAD), tolerant of the `resoruce_type` typo in SoC.Top.txt.
                let (kind, name, id, cap) = if t.contains(&"resource_name") {
                    let kind = if t.get(1).is_some_and(|k| k.ends_with("_type")) {
                        t.get(2).copied()
                    } else {
                        None
                    };
                    let kind = kind.ok_or_else(|| {
                        Error::format(FMT, format!("{}:{ln}: missing `resource_type`", file.name))
                    })?;
                    let get = |k: &str| {
                        field(k).ok_or_else(|| {
                            Error::format(FMT, format!("{}:{ln}: missing `{k}`", file.name))
                        })
                    };
                    (
                        kind,
                        get("resource_name")?,
                        get("resource_ID")?,
                        get("capacity")?,
                    )
                } else if t.len() >= 5 {
                    (t[1], t[2], t[3], t[4])
                } else {
                    return Err(Error::format(
                        FMT,
                        format!("{}:{ln}: malformed add_new_resource line", file.name),
                    ));
                };
                soc.resources.push(Resource {
                    kind: kind.to_string(),
                    name: name.to_string(),
                    id: int(FMT, file.name, ln, "resource id", id)?,
                    capacity: int(FMT, file.name, ln, "capacity", cap)?,
                    exec: FastMap::default(),
                });
            }
            "comm_band_self" => {}
            "comm_band" => {
                if t.len() != 4 {
                    return Err(Error::format(
                        FMT,
                        format!("{}:{ln}: expected `comm_band src dst bandwidth`", file.name),
                    ));
                }
                let a = int(FMT, file.name, ln, "resource id", t[1])?;
                let b = int(FMT, file.name, ln, "resource id", t[2])?;
                let bw = num(FMT, file.name, ln, "bandwidth", t[3])?;
                soc.band.insert((a, b), bw);
                soc.band.insert((b, a), bw);
            }
            k if RESOURCE_KEYS.contains(&k) => {}
            name => {
                let r = soc.resources.last_mut().ok_or_else(|| {
                    Error::format(
                        FMT,
                        format!("{}:{ln}: '{name}' before any add_new_resource", file.name),
                    )
                })?;
                if t.len() < 2 {
                    return Err(Error::format(
                        FMT,
                        format!(
                            "{}:{ln}: function '{name}' has no execution time",
                            file.name
                        ),
                    ));
                }
                let v = num(FMT, file.name, ln, "execution time", t[1])?;
                r.exec.entry(name.to_string()).or_insert(v);
            }
        }
    }
    if soc.resources.is_empty() {
        return Err(Error::format(
            FMT,
            format!("{}: no add_new_resource in the SoC file", file.name),
        ));
    }
    Ok(soc)
}

pub fn parse_job(file: &InputFile) -> Result<Job> {
    let mut job = Job {
        name: String::new(),
        tasks: Vec::new(),
        volume: FastMap::default(),
    };
    let mut declared = None;
    for (i, raw) in file.text.lines().enumerate() {
        let ln = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let t: Vec<&str> = line.split_whitespace().collect();
        match t[0] {
            "job_name" => job.name = t.get(1).unwrap_or(&"job").to_string(),
            "add_new_tasks" => {
                declared = Some(int(
                    FMT,
                    file.name,
                    ln,
                    "task count",
                    t.get(1).unwrap_or(&""),
                )?);
            }
            "comm_vol" => {
                if t.len() != 4 {
                    return Err(Error::format(
                        FMT,
                        format!("{}:{ln}: expected `comm_vol src dst volume`", file.name),
                    ));
                }
                let a = int(FMT, file.name, ln, "task id", t[1])?;
                let b = int(FMT, file.name, ln, "task id", t[2])?;
                job.volume
                    .insert((a, b), num(FMT, file.name, ln, "volume", t[3])?);
            }
            name => {
                if t.len() >= 2 && (t[1] == "HEAD" || t[1] == "TAIL" || t[1] == "earliest_start") {
                    continue;
                }
                if t.len() < 2 {
                    return Err(Error::format(
                        FMT,
                        format!("{}:{ln}: unrecognised line '{line}'", file.name),
                    ));
                }
                let id = int(FMT, file.name, ln, "task id", t[1])?;
                let preds = t[2..]
                    .iter()
                    .map(|p| int(FMT, file.name, ln, "predecessor id", p))
                    .collect::<Result<_>>()?;
                job.tasks.push((name.to_string(), id, preds));
            }
        }
    }
    if job.name.is_empty() {
        return Err(Error::format(
            FMT,
            format!("{}: missing `job_name`", file.name),
        ));
    }
    if let Some(n) = declared {
        if n != job.tasks.len() {
            return Err(Error::format(
                FMT,
                format!(
                    "{}: add_new_tasks announces {n} tasks but {} are defined",
                    file.name,
                    job.tasks.len()
                ),
            ));
        }
    }
    Ok(job)
}

fn kind_of(t: &str) -> Option<ProcKind> {
    match t {
        "MEM" | "CAC" => None,
        t if t.starts_with("ACC") => Some(ProcKind::Accelerator),
        _ => Some(ProcKind::Cpu),
    }
}

/// Imports job file(s) and one SoC file, in any order.
pub fn import(files: &[InputFile]) -> Result<Scenario> {
    let mut soc = None;
    let mut jobs = Vec::new();
    for f in files {
        if f.text
            .lines()
            .any(|l| l.trim_start().starts_with("add_new_resource"))
        {
            if soc.is_some() {
                return Err(Error::config("DS3: give exactly one SoC file"));
            }
            soc = Some(parse_soc(f)?);
        } else if f
            .text
            .lines()
            .any(|l| l.trim_start().starts_with("job_name"))
        {
            jobs.push(parse_job(f)?);
        } else {
            return Err(Error::format(
                FMT,
                format!(
                    "{}: neither a job file (job_name) nor a SoC file (add_new_resource)",
                    f.name
                ),
            ));
        }
    }
    let soc = soc.ok_or_else(|| {
        Error::config("DS3: a SoC resource file (add_new_resource ...) is required")
    })?;
    if jobs.is_empty() {
        return Err(Error::config(
            "DS3: at least one job file (job_name ...) is required",
        ));
    }

    // Processors: one per core of every compute cluster, counted before any is made.
    let mut cores = 0usize;
    for r in soc.resources.iter().filter(|r| kind_of(&r.kind).is_some()) {
        cores = cores.saturating_add(r.capacity);
        if cores > limits::MAX_PROCESSORS {
            return Err(Error::format(
                FMT,
                format!(
                    "resource '{}' (capacity {}) brings the SoC to more than {} processors (cores), the limit",
                    r.name,
                    r.capacity,
                    limits::MAX_PROCESSORS
                ),
            ));
        }
    }
    // Every task gets a cost per processor: bound the matrix before building it.
    let n_tasks: usize = jobs.iter().map(|j| j.tasks.len()).sum();
    if n_tasks > limits::MAX_TASKS {
        return Err(Error::Limit {
            what: "number of tasks",
            found: n_tasks,
            limit: limits::MAX_TASKS,
        });
    }
    if n_tasks * cores > limits::MAX_TASK_PROCESSOR_PAIRS {
        return Err(Error::Limit {
            what: "tasks × processors",
            found: n_tasks * cores,
            limit: limits::MAX_TASK_PROCESSOR_PAIRS,
        });
    }
    let mut procs = Vec::with_capacity(cores);
    let mut cluster_of = Vec::with_capacity(cores);
    // The processors of each compute cluster, a contiguous range of `procs`.
    let mut ranges: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    for r in &soc.resources {
        let Some(kind) = kind_of(&r.kind) else {
            continue;
        };
        ranges.push((r.id, procs.len()..procs.len() + r.capacity));
        for c in 0..r.capacity {
            let name = if r.capacity == 1 {
                r.name.clone()
            } else {
                format!("{}_{c}", r.name)
            };
            procs.push(Processor {
                name,
                kind,
                speed: 1.0,
            });
            cluster_of.push(r);
        }
    }
    // A link per pair of processors whose clusters have a `comm_band`, in (a, b) order:
    // only the clusters with a band are visited, so the work is the number of links.
    // Counted first, so a huge cluster is refused before any link is made.
    // The same cluster (k = 0) pairs its cores among themselves; any later one (even with
    // a repeated id) pairs every core with every core, as the loop below builds them.
    let mut pairs = 0usize;
    for (ci, (id_a, range_a)) in ranges.iter().enumerate() {
        for (k, (id_b, range_b)) in ranges[ci..].iter().enumerate() {
            if soc.band.get(&(*id_a, *id_b)).is_some_and(|&bw| bw > 0.0) {
                let (a, b) = (range_a.len(), range_b.len());
                pairs += if k == 0 {
                    a * a.saturating_sub(1) / 2
                } else {
                    a * b
                };
            }
        }
    }
    if pairs > limits::MAX_LINKS {
        return Err(Error::Limit {
            what: "processor pairs with a bandwidth (network links)",
            found: pairs,
            limit: limits::MAX_LINKS,
        });
    }
    let mut links = Vec::with_capacity(pairs);
    for (ci, (id_a, range_a)) in ranges.iter().enumerate() {
        let banded: Vec<(f64, &std::ops::Range<usize>)> = ranges[ci..]
            .iter()
            .filter_map(|(id_b, range_b)| {
                let bw = *soc.band.get(&(*id_a, *id_b))?;
                (bw > 0.0).then_some((bw, range_b))
            })
            .collect();
        if banded.is_empty() {
            continue;
        }
        for a in range_a.clone() {
            for (bw, range_b) in &banded {
                for b in range_b.start.max(a + 1)..range_b.end {
                    links.push(Link {
                        a: procs[a].name.clone(),
                        b: procs[b].name.clone(),
                        bandwidth: LinkBandwidth::Value(*bw),
                        latency: None,
                    });
                }
            }
        }
    }

    let multi = jobs.len() > 1;
    let mut s = Scenario::new(
        jobs.iter()
            .map(|j| j.name.as_str())
            .collect::<Vec<_>>()
            .join("+"),
    );
    s.source = "DS3 / DASH-Sim job and SoC files (times in µs); segemena/DS3 (GPL-3.0), EpiSci/SoCRATES (MIT)".into();
    for job in &jobs {
        // The map and key types the engine already has (one hash-table instantiation each
        // in the bundle): names counted by `FastMap<&str, usize>`, ids to positions by
        // `FastMap<u64, usize>` (the last task of an id wins, as a map of names did).
        let mut seen: crate::util::FastMap<&str, usize> = Default::default();
        for (f, _, _) in &job.tasks {
            *seen.entry(f.as_str()).or_insert(0) += 1;
        }
        let names: Vec<String> = job
            .tasks
            .iter()
            .map(|(f, id, _)| {
                let base = if seen[f.as_str()] > 1 {
                    format!("{f}#{id}")
                } else {
                    f.clone()
                };
                if multi {
                    format!("{}/{base}", job.name)
                } else {
                    base
                }
            })
            .collect();
        let at: FastMap<u64, usize> = job
            .tasks
            .iter()
            .enumerate()
            .map(|(i, (_, id, _))| (*id as u64, i))
            .collect();
        let name_of = |id: &usize| at.get(&(*id as u64)).map(|&i| &names[i]);
        for (f, id, preds) in &job.tasks {
            let costs = cluster_of.iter().map(|r| r.exec.get(f).copied()).collect();
            s.tasks.push(Task {
                name: names[at[&(*id as u64)]].clone(),
                cost: None,
                costs: Some(costs),
            });
            for p in preds {
                let from = name_of(p).ok_or_else(|| {
                    Error::format(
                        FMT,
                        format!("job '{}': task {id} has unknown predecessor {p}", job.name),
                    )
                })?;
                s.edges.push(Edge {
                    from: from.clone(),
                    to: names[at[&(*id as u64)]].clone(),
                    data: job.volume.get(&(*p, *id)).copied().unwrap_or(0.0),
                });
            }
        }
    }
    s.processors = procs;
    // Pairs without a comm_band line communicate instantly (DS3 routes them via memory).
    s.network = Network {
        bandwidth: None,
        latency: 0.0,
        links,
    };
    Ok(s)
}
