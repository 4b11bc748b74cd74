//! The validated, compiled form of a [`Scenario`]: dense arrays indexed by task and processor,
//! what every scheduler, simulator and metric works on.
//!
//! Architecture invariant: a `Problem` exists only if its scenario passed every check, so code
//! that takes a `Problem` never re-validates (no NaN, no cycle, every task runnable somewhere).

use std::collections::{HashMap, HashSet};

use foldhash::fast::RandomState as Fast;
use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};

use crate::error::{Error, Result};
use crate::scenario::{limits, LinkBandwidth, ProcKind, Scenario};
use crate::util::show;

/// A dependency in compiled form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dep {
    pub src: usize,
    pub dst: usize,
    pub data: f64,
}

/// A validated scenario, compiled for fast scheduling.
#[derive(Debug, Clone)]
pub struct Problem {
    pub task_names: Vec<String>,
    pub proc_names: Vec<String>,
    pub proc_kinds: Vec<ProcKind>,
    /// `exec[t * m + p]`: execution time of task `t` on processor `p`; `f64::INFINITY` = cannot run.
    exec: Vec<f64>,
    /// Dependencies in scenario order.
    pub deps: Vec<Dep>,
    succ_off: Vec<usize>,
    succ_deps: Vec<usize>,
    pred_off: Vec<usize>,
    pred_deps: Vec<usize>,
    /// `inv_bw[p * m + q]` = 1 / bandwidth (0 = infinite), 0 on the diagonal.
    inv_bw: Vec<f64>,
    /// `lat[p * m + q]`, 0 on the diagonal.
    lat: Vec<f64>,
    /// A topological order (Kahn's algorithm, ties by task index).
    pub topo: Vec<usize>,
}

fn check_number(what: impl FnOnce() -> String, v: f64, allow_zero: bool) -> Result<()> {
    if v.is_nan() {
        return Err(Error::invalid(format!("{}: is NaN", what())));
    }
    if v.is_infinite() {
        return Err(Error::invalid(format!("{}: is infinite", what())));
    }
    if v < 0.0 || (!allow_zero && v == 0.0) {
        let need = if allow_zero { ">= 0" } else { "> 0" };
        return Err(Error::invalid(format!("{}: {v} is not {need}", what())));
    }
    if v > limits::MAX_NUMBER {
        return Err(Error::invalid(format!(
            "{}: {} is above the limit of {}",
            what(),
            show(v),
            show(limits::MAX_NUMBER)
        )));
    }
    // Speeds and bandwidths divide: a tiny one would make a time overflow.
    if !allow_zero && v < limits::MIN_RATE {
        return Err(Error::invalid(format!(
            "{}: {} is below the limit of {}",
            what(),
            show(v),
            show(limits::MIN_RATE)
        )));
    }
    Ok(())
}

fn check_name(kind: &str, index: usize, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(Error::invalid(format!(
            "{kind} #{index}: the name is empty"
        )));
    }
    if name.len() > limits::MAX_NAME_BYTES {
        return Err(Error::Limit {
            what: "name length in bytes",
            found: name.len(),
            limit: limits::MAX_NAME_BYTES,
        });
    }
    Ok(())
}

impl Problem {
    /// Validates `scenario` and compiles it. Every way a scenario can be wrong gives an
    /// [`Error`] that names the offending item; nothing here panics on user input.
    pub fn new(scenario: &Scenario) -> Result<Problem> {
        let n = scenario.tasks.len();
        let m = scenario.processors.len();
        if n == 0 {
            return Err(Error::invalid(
                "the task graph is empty: add at least one task",
            ));
        }
        if m == 0 {
            return Err(Error::invalid(
                "the platform is empty: add at least one processor",
            ));
        }
        if n > limits::MAX_TASKS {
            return Err(Error::Limit {
                what: "number of tasks",
                found: n,
                limit: limits::MAX_TASKS,
            });
        }
        if m > limits::MAX_PROCESSORS {
            return Err(Error::Limit {
                what: "number of processors",
                found: m,
                limit: limits::MAX_PROCESSORS,
            });
        }
        if scenario.edges.len() > limits::MAX_EDGES {
            return Err(Error::Limit {
                what: "number of dependencies",
                found: scenario.edges.len(),
                limit: limits::MAX_EDGES,
            });
        }
        if n * m > limits::MAX_TASK_PROCESSOR_PAIRS {
            return Err(Error::Limit {
                what: "tasks × processors",
                found: n * m,
                limit: limits::MAX_TASK_PROCESSOR_PAIRS,
            });
        }
        if scenario.edges.len() * m > limits::MAX_EDGE_PROCESSOR_PAIRS {
            return Err(Error::Limit {
                what: "dependencies × processors",
                found: scenario.edges.len() * m,
                limit: limits::MAX_EDGE_PROCESSOR_PAIRS,
            });
        }

        if scenario.network.links.len() > limits::MAX_LINKS {
            return Err(Error::Limit {
                what: "number of network links",
                found: scenario.network.links.len(),
                limit: limits::MAX_LINKS,
            });
        }

        // Processors.
        let mut proc_index: HashMap<&str, usize, Fast> =
            HashMap::with_capacity_and_hasher(m, Fast::default());
        for (i, p) in scenario.processors.iter().enumerate() {
            check_name("processor", i, &p.name)?;
            if proc_index.insert(p.name.as_str(), i).is_some() {
                return Err(Error::invalid(format!(
                    "duplicate processor name '{}'",
                    p.name
                )));
            }
            check_number(|| format!("processor '{}' speed", p.name), p.speed, false)?;
        }

        // Network.
        let net = &scenario.network;
        let default_inv_bw = match net.bandwidth {
            None => 0.0,
            Some(b) => {
                check_number(|| "network bandwidth".to_string(), b, false)?;
                1.0 / b
            }
        };
        check_number(|| "network latency".to_string(), net.latency, true)?;
        let mut inv_bw = vec![default_inv_bw; m * m];
        let mut lat = vec![net.latency; m * m];
        let mut seen_links: HashSet<(usize, usize), Fast> =
            HashSet::with_capacity_and_hasher(net.links.len(), Fast::default());
        for (i, l) in net.links.iter().enumerate() {
            let what = || format!("link #{i} ({} - {})", l.a, l.b);
            let a = *proc_index.get(l.a.as_str()).ok_or_else(|| {
                Error::invalid(format!("{}: unknown processor '{}'", what(), l.a))
            })?;
            let b = *proc_index.get(l.b.as_str()).ok_or_else(|| {
                Error::invalid(format!("{}: unknown processor '{}'", what(), l.b))
            })?;
            if a == b {
                return Err(Error::invalid(format!(
                    "{}: a link joins two different processors (same-processor communication is always free)",
                    what()
                )));
            }
            if !seen_links.insert((a.min(b), a.max(b))) {
                return Err(Error::invalid(format!("{}: duplicate link", what())));
            }
            let ib = match l.bandwidth {
                LinkBandwidth::Inherit => default_inv_bw,
                LinkBandwidth::Infinite => 0.0,
                LinkBandwidth::Value(v) => {
                    check_number(|| format!("{} bandwidth", what()), v, false)?;
                    1.0 / v
                }
            };
            let la = match l.latency {
                None => net.latency,
                Some(v) => {
                    check_number(|| format!("{} latency", what()), v, true)?;
                    v
                }
            };
            for (x, y) in [(a, b), (b, a)] {
                inv_bw[x * m + y] = ib;
                lat[x * m + y] = la;
            }
        }
        for p in 0..m {
            inv_bw[p * m + p] = 0.0;
            lat[p * m + p] = 0.0;
        }

        // Tasks.
        // foldhash (already built for petgraph), seeded per map: 5,000 names and 10,000
        // edges are a third of validating a scenario with std's SipHash. Lookups only, so
        // the seed changes no result.
        let mut task_index: HashMap<&str, usize, Fast> =
            HashMap::with_capacity_and_hasher(n, Fast::default());
        let mut total_exec = 0.0f64;
        let mut exec = vec![f64::INFINITY; n * m];
        for (i, t) in scenario.tasks.iter().enumerate() {
            check_name("task", i, &t.name)?;
            if task_index.insert(t.name.as_str(), i).is_some() {
                return Err(Error::invalid(format!("duplicate task name '{}'", t.name)));
            }
            let row = &mut exec[i * m..(i + 1) * m];
            match (&t.cost, &t.costs) {
                (Some(_), Some(_)) => {
                    return Err(Error::invalid(format!(
                        "task '{}': give either `cost` (divided by processor speed) or `costs` (one per processor), not both",
                        t.name
                    )))
                }
                (None, None) => {
                    return Err(Error::invalid(format!(
                        "task '{}': missing `cost` or `costs`",
                        t.name
                    )))
                }
                (Some(c), None) => {
                    check_number(|| format!("task '{}' cost", t.name), *c, true)?;
                    for (p, proc) in scenario.processors.iter().enumerate() {
                        row[p] = c / proc.speed;
                    }
                }
                (None, Some(costs)) => {
                    if costs.len() != m {
                        return Err(Error::invalid(format!(
                            "task '{}': `costs` has {} entries but there are {m} processors",
                            t.name,
                            costs.len()
                        )));
                    }
                    for (p, c) in costs.iter().enumerate() {
                        if let Some(c) = c {
                            check_number(
                                || format!("task '{}' cost on '{}'", t.name, scenario.processors[p].name),
                                *c,
                                true,
                            )?;
                            row[p] = *c;
                        }
                    }
                }
            }
            if row.iter().all(|v| v.is_infinite()) {
                return Err(Error::invalid(format!(
                    "task '{}' cannot run on any processor",
                    t.name
                )));
            }
            // The slowest processor that can run it (cost ÷ speed can exceed the cost).
            let (worst_p, worst) = row
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .fold((0, 0.0f64), |b, (p, &v)| if v > b.1 { (p, v) } else { b });
            if worst > limits::MAX_TOTAL_TIME {
                return Err(Error::invalid(format!(
                    "task '{}': execution time {} on '{}' is above the limit of {}",
                    t.name,
                    show(worst),
                    scenario.processors[worst_p].name,
                    show(limits::MAX_TOTAL_TIME)
                )));
            }
            total_exec += worst;
        }

        // Edges. A transfer's worst case: the largest latency and the smallest bandwidth
        // between distinct processors.
        let (mut worst_lat, mut worst_inv_bw) = (0.0f64, 0.0f64);
        for p in 0..m {
            for q in 0..m {
                if p != q {
                    worst_lat = worst_lat.max(lat[p * m + q]);
                    worst_inv_bw = worst_inv_bw.max(inv_bw[p * m + q]);
                }
            }
        }
        let mut total_comm = 0.0f64;
        let mut deps = Vec::with_capacity(scenario.edges.len());
        let mut seen_edges: HashSet<(usize, usize), Fast> =
            HashSet::with_capacity_and_hasher(scenario.edges.len(), Fast::default());
        for (i, e) in scenario.edges.iter().enumerate() {
            let what = || format!("dependency #{i} ({} -> {})", e.from, e.to);
            let src = *task_index
                .get(e.from.as_str())
                .ok_or_else(|| Error::invalid(format!("{}: unknown task '{}'", what(), e.from)))?;
            let dst = *task_index
                .get(e.to.as_str())
                .ok_or_else(|| Error::invalid(format!("{}: unknown task '{}'", what(), e.to)))?;
            if src == dst {
                return Err(Error::Cycle {
                    tasks: vec![e.from.clone(), e.to.clone()],
                });
            }
            if !seen_edges.insert((src, dst)) {
                return Err(Error::invalid(format!("{}: duplicate dependency", what())));
            }
            check_number(|| format!("{} data", what()), e.data, true)?;
            let worst = worst_lat + e.data * worst_inv_bw;
            if worst > limits::MAX_TOTAL_TIME {
                return Err(Error::invalid(format!(
                    "{}: transfer time {} over the slowest link is above the limit of {}",
                    what(),
                    show(worst),
                    show(limits::MAX_TOTAL_TIME)
                )));
            }
            total_comm += worst;
            deps.push(Dep {
                src,
                dst,
                data: e.data,
            });
        }

        if total_exec + total_comm > limits::MAX_TOTAL_TIME {
            return Err(Error::invalid(format!(
                "the scenario's total time is too large: every task on its slowest processor ({}) plus every transfer over the slowest link ({}) is above the limit of {} (sums the schedulers form would overflow)",
                show(total_exec),
                show(total_comm),
                show(limits::MAX_TOTAL_TIME)
            )));
        }

        let (succ_off, succ_deps) = csr(n, deps.iter().map(|d| d.src));
        let (pred_off, pred_deps) = csr(n, deps.iter().map(|d| d.dst));

        let task_names: Vec<String> = scenario.tasks.iter().map(|t| t.name.clone()).collect();
        let topo = match kahn(n, &deps, &succ_off, &succ_deps) {
            Some(order) => order,
            None => {
                return Err(Error::Cycle {
                    tasks: find_cycle(n, &deps, &task_names),
                })
            }
        };

        Ok(Problem {
            task_names,
            proc_names: scenario.processors.iter().map(|p| p.name.clone()).collect(),
            proc_kinds: scenario.processors.iter().map(|p| p.kind).collect(),
            exec,
            deps,
            succ_off,
            succ_deps,
            pred_off,
            pred_deps,
            inv_bw,
            lat,
            topo,
        })
    }

    /// Number of tasks.
    #[inline]
    pub fn n_tasks(&self) -> usize {
        self.task_names.len()
    }
    /// Number of processors.
    #[inline]
    pub fn n_procs(&self) -> usize {
        self.proc_names.len()
    }
    /// Execution time of `task` on `proc` (`INFINITY` if it cannot run there).
    #[inline]
    pub fn exec(&self, task: usize, proc: usize) -> f64 {
        self.exec[task * self.n_procs() + proc]
    }
    /// The row of execution times of `task`, one per processor.
    #[inline]
    pub fn exec_row(&self, task: usize) -> &[f64] {
        let m = self.n_procs();
        &self.exec[task * m..(task + 1) * m]
    }
    #[inline]
    pub fn can_run(&self, task: usize, proc: usize) -> bool {
        self.exec(task, proc).is_finite()
    }
    /// Communication time of `data` from processor `p` to `q`: `latency + data / bandwidth`,
    /// 0 when `p == q`. The one formula used by schedulers, simulator and validator alike.
    #[inline]
    pub fn comm(&self, data: f64, p: usize, q: usize) -> f64 {
        if p == q {
            return 0.0;
        }
        let i = p * self.n_procs() + q;
        self.lat[i] + data * self.inv_bw[i]
    }
    /// Indices (into [`Problem::deps`]) of the dependencies leaving `task`.
    #[inline]
    pub fn succ_deps(&self, task: usize) -> &[usize] {
        &self.succ_deps[self.succ_off[task]..self.succ_off[task + 1]]
    }
    /// Indices (into [`Problem::deps`]) of the dependencies entering `task`.
    #[inline]
    pub fn pred_deps(&self, task: usize) -> &[usize] {
        &self.pred_deps[self.pred_off[task]..self.pred_off[task + 1]]
    }
    /// Successor tasks with the data volume of the edge.
    pub fn successors(&self, task: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.succ_deps(task)
            .iter()
            .map(|&d| (self.deps[d].dst, self.deps[d].data))
    }
    /// Predecessor tasks with the data volume of the edge.
    pub fn predecessors(&self, task: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        self.pred_deps(task)
            .iter()
            .map(|&d| (self.deps[d].src, self.deps[d].data))
    }
    /// Processors that can run `task`.
    pub fn feasible_procs(&self, task: usize) -> impl Iterator<Item = usize> + '_ {
        self.exec_row(task)
            .iter()
            .enumerate()
            .filter(|(_, e)| e.is_finite())
            .map(|(p, _)| p)
    }
    /// Mean execution time of `task` over the processors that can run it.
    pub fn mean_exec(&self, task: usize) -> f64 {
        let (sum, k) = self
            .exec_row(task)
            .iter()
            .filter(|e| e.is_finite())
            .fold((0.0, 0usize), |(s, k), e| (s + e, k + 1));
        sum / k as f64
    }
    /// Minimum execution time of `task` over all processors.
    pub fn min_exec(&self, task: usize) -> f64 {
        self.exec_row(task)
            .iter()
            .copied()
            .fold(f64::INFINITY, f64::min)
    }
    /// Means of (latency, 1/bandwidth) over processor pairs (links are symmetric): over the
    /// m(m−1)/2 pairs p ≠ q (`include_self = false`, Topcuoglu), or over saga 2.x's network
    /// edges, the m(m+1)/2 unordered pairs including each processor with itself, which
    /// count 0 (`include_self = true`). With one processor both are 0.
    pub fn mean_link(&self, include_self: bool) -> (f64, f64) {
        let m = self.n_procs();
        let pairs = if include_self {
            m * (m + 1) / 2
        } else {
            m * (m - 1) / 2
        };
        if m < 2 {
            return (0.0, 0.0);
        }
        let (mut l, mut ib) = (0.0, 0.0);
        for p in 0..m {
            for q in (p + 1)..m {
                l += self.lat[p * m + q];
                ib += self.inv_bw[p * m + q];
            }
        }
        (l / pairs as f64, ib / pairs as f64)
    }
}

/// Builds a compressed adjacency (offsets, dependency indices) grouped by `key`.
fn csr(n: usize, keys: impl Iterator<Item = usize> + Clone) -> (Vec<usize>, Vec<usize>) {
    let mut off = vec![0usize; n + 1];
    for k in keys.clone() {
        off[k + 1] += 1;
    }
    for i in 0..n {
        off[i + 1] += off[i];
    }
    let mut fill = off.clone();
    let mut list = vec![0usize; off[n]];
    for (d, k) in keys.enumerate() {
        list[fill[k]] = d;
        fill[k] += 1;
    }
    (off, list)
}

/// Kahn's algorithm with the smallest ready index first; `None` if there is a cycle.
fn kahn(n: usize, deps: &[Dep], succ_off: &[usize], succ_deps: &[usize]) -> Option<Vec<usize>> {
    let mut indeg = vec![0usize; n];
    for d in deps {
        indeg[d.dst] += 1;
    }
    let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..n)
        .filter(|&t| indeg[t] == 0)
        .map(std::cmp::Reverse)
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(std::cmp::Reverse(t)) = ready.pop() {
        order.push(t);
        for &d in &succ_deps[succ_off[t]..succ_off[t + 1]] {
            let s = deps[d].dst;
            indeg[s] -= 1;
            if indeg[s] == 0 {
                ready.push(std::cmp::Reverse(s));
            }
        }
    }
    (order.len() == n).then_some(order)
}

/// Names the tasks on one cycle (first task repeated at the end), using petgraph's
/// strongly connected components to find where the cycle lives.
fn find_cycle(n: usize, deps: &[Dep], names: &[String]) -> Vec<String> {
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, deps.len());
    for _ in 0..n {
        g.add_node(());
    }
    for d in deps {
        g.add_edge(NodeIndex::new(d.src), NodeIndex::new(d.dst), ());
    }
    let Some(scc) = tarjan_scc(&g).into_iter().find(|c| c.len() > 1) else {
        return vec!["(unknown)".into()];
    };
    let mut in_scc = vec![false; n];
    for v in &scc {
        in_scc[v.index()] = true;
    }
    // Walk inside the component from its smallest task until a task repeats.
    let start = scc
        .iter()
        .map(|v| v.index())
        .min()
        .expect("non-empty component");
    let mut path = vec![start];
    // Each task's place on the path, once visited.
    let mut pos = vec![usize::MAX; n];
    pos[start] = 0;
    let mut cur = start;
    loop {
        let next = g
            .neighbors(NodeIndex::new(cur))
            .map(|v| v.index())
            .filter(|&v| in_scc[v])
            .min()
            .expect("every task of a strongly connected component has a successor in it");
        if let Some(&i) = pos.get(next).filter(|&&i| i != usize::MAX) {
            let mut cycle: Vec<String> = path[i..].iter().map(|&t| names[t].clone()).collect();
            cycle.push(names[next].clone());
            return cycle;
        }
        pos[next] = path.len();
        path.push(next);
        cur = next;
    }
}
