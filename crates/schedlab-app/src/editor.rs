//! Every edit of the playground, undoable: an [`Editor`] holds the current [`AppState`]
//! and snapshot stacks. An edit that would make the scenario invalid (a cycle, a task no
//! processor can run, a bad number) is refused with a message and changes nothing.

use schedlab_core::scenario::{
    Edge, Link, LinkBandwidth, Network, ProcKind, Processor, Scenario, Task,
};
use schedlab_core::Problem;

use crate::state::{AppState, MAX_COMPARE};

/// Undo depth.
pub const MAX_HISTORY: usize = 200;
/// Cost of a new task on every processor.
pub const DEFAULT_COST: f64 = 10.0;

#[derive(Debug, Clone)]
pub struct Editor {
    pub state: AppState,
    undo: Vec<AppState>,
    redo: Vec<AppState>,
}

fn number(what: &str, v: f64, allow_zero: bool) -> Result<f64, String> {
    if !v.is_finite() || v < 0.0 || (!allow_zero && v == 0.0) {
        return Err(format!(
            "{what} must be a finite number {} 0",
            if allow_zero { ">=" } else { ">" }
        ));
    }
    Ok(v)
}

/// Tasks and processors a new graph may start with.
pub const MAX_NEW_TASKS: usize = 1000;
pub const MAX_NEW_PROCESSORS: usize = 64;

/// The engine's compiled form of `s`, which is how every edit and link is validated. A
/// graph with no tasks yet (a blank page to draw on) is compiled with one probe task, so its
/// platform is checked all the same and the first task it gets can be placed.
pub fn compile(s: &Scenario) -> Result<Problem, String> {
    if s.tasks.is_empty() {
        let mut probe = s.clone();
        probe.tasks.push(Task {
            name: "probe".into(),
            cost: Some(DEFAULT_COST),
            costs: None,
        });
        return Problem::new(&probe).map_err(|e| e.to_string());
    }
    Problem::new(s).map_err(|e| e.to_string())
}

/// The graph's costs as the table [`Editor::set_cost_matrix`] reads (tab-separated, a
/// header of processor names, a row per task: the time it takes on each processor, `-`
/// where it cannot run), exact: pasted back it gives the same schedules (tasks under the
/// speed model then keep those times per processor, and no longer follow speed edits).
pub fn cost_table(s: &Scenario) -> String {
    let mut out = String::from("task");
    for p in &s.processors {
        out.push('\t');
        out.push_str(&p.name);
    }
    out.push('\n');
    if s.tasks.is_empty() {
        return out;
    }
    let Ok(problem) = Problem::new(s) else {
        return out;
    };
    for (t, task) in s.tasks.iter().enumerate() {
        out.push_str(&task.name);
        for p in 0..s.processors.len() {
            let c = problem.exec(t, p);
            out.push('\t');
            out.push_str(&if c.is_finite() {
                c.to_string()
            } else {
                "-".into()
            });
        }
        out.push('\n');
    }
    out
}

/// A cell of a pasted cost matrix: a cost, or `-`, `x`, `inf` or `∞` (cannot run there).
fn cost_cell(cell: &str, row: usize, col: usize) -> Result<Option<f64>, String> {
    let c = cell.trim();
    if matches!(c, "-" | "x" | "X" | "inf" | "∞" | "") {
        return Ok(None);
    }
    match schedlab_core::util::parse_f64(c) {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(format!(
            "row {row}, column {col}: '{c}' is not a cost (a number >= 0, or - where the task cannot run)"
        )),
    }
}

impl Editor {
    pub fn new(state: AppState) -> Editor {
        Editor {
            state,
            undo: Vec::new(),
            redo: Vec::new(),
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo(&mut self) -> bool {
        match self.undo.pop() {
            Some(prev) => {
                self.redo.push(std::mem::replace(&mut self.state, prev));
                true
            }
            None => false,
        }
    }

    pub fn redo(&mut self) -> bool {
        match self.redo.pop() {
            Some(next) => {
                self.undo.push(std::mem::replace(&mut self.state, next));
                true
            }
            None => false,
        }
    }

    /// Applies `f` to a copy of the state; keeps it (and records an undo step) only if `f`
    /// succeeds and the result is valid.
    pub fn edit(
        &mut self,
        f: impl FnOnce(&mut AppState) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut f = Some(f);
        self.edit_dyn(&mut |s| f.take().map_or(Ok(()), |f| f(s)))
    }

    /// [`Editor::edit`]'s body, once for every kind of edit (a generic body was inlined
    /// at each of the page's edit sites: docs/performance.md, Bundle).
    #[inline(never)]
    fn edit_dyn(
        &mut self,
        f: &mut dyn FnMut(&mut AppState) -> Result<(), String>,
    ) -> Result<(), String> {
        let mut next = self.state.clone();
        f(&mut next)?;
        next.check()?;
        compile(&next.scenario)?;
        if next == self.state {
            return Ok(());
        }
        next.view.preset = if next.scenario == self.state.scenario {
            next.view.preset.take()
        } else {
            None
        };
        self.undo.push(std::mem::replace(&mut self.state, next));
        if self.undo.len() > MAX_HISTORY {
            self.undo.remove(0);
        }
        self.redo.clear();
        Ok(())
    }

    /// Changes that are not worth an undo step of their own (the playhead, a drag in
    /// progress after its first move).
    pub fn set_quietly(&mut self, f: impl FnOnce(&mut AppState)) {
        f(&mut self.state);
    }

    /// Replaces everything (a preset, an import, a link), undoably.
    pub fn load(&mut self, state: AppState) -> Result<(), String> {
        self.edit(|s| {
            *s = state;
            Ok(())
        })
    }

    // --- tasks -------------------------------------------------------------------------

    /// Adds a task at `at`; returns its index.
    pub fn add_task(&mut self, at: [f64; 2]) -> Result<usize, String> {
        let s = &self.state.scenario;
        let mut k = s.tasks.len() + 1;
        while s.tasks.iter().any(|t| t.name == format!("t{k}")) {
            k += 1;
        }
        let name = format!("t{k}");
        // Follow the scenario's cost model: per-processor costs if any task has them.
        let matrix = s.tasks.iter().any(|t| t.costs.is_some());
        let m = s.processors.len();
        self.edit(|st| {
            st.scenario.tasks.push(if matrix {
                Task {
                    name,
                    cost: None,
                    costs: Some(vec![Some(DEFAULT_COST); m]),
                }
            } else {
                Task {
                    name,
                    cost: Some(DEFAULT_COST),
                    costs: None,
                }
            });
            st.positions.push(at);
            Ok(())
        })?;
        Ok(self.state.scenario.tasks.len() - 1)
    }

    /// Removes a task and its dependencies.
    pub fn remove_task(&mut self, i: usize) -> Result<(), String> {
        self.edit(|s| {
            let name = s.scenario.tasks.get(i).ok_or("no such task")?.name.clone();
            s.scenario.tasks.remove(i);
            s.positions.remove(i);
            s.scenario.edges.retain(|e| e.from != name && e.to != name);
            Ok(())
        })
    }

    pub fn rename_task(&mut self, i: usize, new: &str) -> Result<(), String> {
        let new = new.trim().to_string();
        self.edit(|s| {
            if new.is_empty() {
                return Err("a task needs a name".into());
            }
            if s.scenario
                .tasks
                .iter()
                .enumerate()
                .any(|(j, t)| j != i && t.name == new)
            {
                return Err(format!("there is already a task named '{new}'"));
            }
            let old = std::mem::replace(
                &mut s.scenario.tasks.get_mut(i).ok_or("no such task")?.name,
                new.clone(),
            );
            for e in &mut s.scenario.edges {
                if e.from == old {
                    e.from = new.clone();
                }
                if e.to == old {
                    e.to = new.clone();
                }
            }
            Ok(())
        })
    }

    /// Sets task `i`'s execution time on processor `p` (`None` = cannot run there). A task
    /// that used `cost ÷ speed` switches to per-processor costs.
    pub fn set_task_cost(&mut self, i: usize, p: usize, cost: Option<f64>) -> Result<(), String> {
        if let Some(c) = cost {
            number("a cost", c, true)?;
        }
        self.edit(|s| {
            let speeds: Vec<f64> = s.scenario.processors.iter().map(|p| p.speed).collect();
            let t = s.scenario.tasks.get_mut(i).ok_or("no such task")?;
            let mut row: Vec<Option<f64>> = match (&t.cost, &t.costs) {
                (_, Some(r)) => r.clone(),
                (Some(c), None) => speeds.iter().map(|sp| Some(c / sp)).collect(),
                (None, None) => vec![None; speeds.len()],
            };
            *row.get_mut(p).ok_or("no such processor")? = cost;
            t.cost = None;
            t.costs = Some(row);
            Ok(())
        })
    }

    /// Sets task `i` to the speed model with this cost.
    pub fn set_task_speed_cost(&mut self, i: usize, cost: f64) -> Result<(), String> {
        number("a cost", cost, true)?;
        self.edit(|s| {
            let t = s.scenario.tasks.get_mut(i).ok_or("no such task")?;
            t.cost = Some(cost);
            t.costs = None;
            Ok(())
        })
    }

    /// Starts a drag: records an undo step, then moves quietly.
    pub fn move_task(&mut self, i: usize, to: [f64; 2], first_move: bool) -> Result<(), String> {
        if !(to[0].is_finite() && to[1].is_finite()) {
            return Err("bad position".into());
        }
        if first_move {
            self.edit(|s| {
                *s.positions.get_mut(i).ok_or("no such task")? = to;
                Ok(())
            })
        } else {
            if let Some(p) = self.state.positions.get_mut(i) {
                *p = to;
            }
            Ok(())
        }
    }

    /// Lays the graph out again.
    pub fn tidy(&mut self) -> Result<(), String> {
        self.edit(|s| {
            s.positions = crate::labs::dag::layout::layered(&s.scenario);
            Ok(())
        })
    }

    /// A new graph, as one undoable edit: `tasks` independent tasks (none for a blank page)
    /// of cost [`DEFAULT_COST`] on `processors` identical processors P1…Pp, fully connected
    /// at bandwidth 1. The schedulers, noise, options and other labs are kept.
    pub fn new_graph(&mut self, tasks: usize, processors: usize) -> Result<(), String> {
        if tasks > MAX_NEW_TASKS {
            return Err(format!(
                "a new graph has at most {MAX_NEW_TASKS} tasks (got {tasks})"
            ));
        }
        if !(1..=MAX_NEW_PROCESSORS).contains(&processors) {
            return Err(format!(
                "a new graph has 1 to {MAX_NEW_PROCESSORS} processors (got {processors})"
            ));
        }
        self.edit(|s| {
            s.scenario = Scenario {
                version: schedlab_core::scenario::FORMAT_VERSION,
                name: "untitled".into(),
                description: String::new(),
                source: String::new(),
                processors: (1..=processors)
                    .map(|p| Processor {
                        name: format!("P{p}"),
                        kind: ProcKind::default(),
                        speed: 1.0,
                    })
                    .collect(),
                network: Network {
                    bandwidth: Some(1.0),
                    latency: 0.0,
                    links: Vec::new(),
                },
                tasks: (1..=tasks)
                    .map(|t| Task {
                        name: format!("t{t}"),
                        cost: Some(DEFAULT_COST),
                        costs: None,
                    })
                    .collect(),
                edges: Vec::new(),
            };
            s.positions = crate::labs::dag::layout::layered(&s.scenario);
            s.view.playhead = 0.0;
            Ok(())
        })
    }

    /// Sets every task's cost on every processor from a pasted table, as one undoable edit:
    /// a row per task and a column per processor, cells separated by tabs (a spreadsheet's
    /// copy), commas, semicolons or spaces; `-` where a task cannot run. An optional header
    /// row names the processors (matched by name, in any order) and an optional first column
    /// names the tasks: matched by name when they all exist, else taken in order as the
    /// tasks' new names. On a graph without dependencies the rows may differ in number from
    /// the tasks: they become the tasks. Returns what was set, for the page's notice.
    pub fn set_cost_matrix(&mut self, text: &str) -> Result<String, String> {
        let mut rows: Vec<Vec<&str>> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if rows.len() > MAX_NEW_TASKS {
                return Err(format!(
                    "the cost matrix has more than {MAX_NEW_TASKS} rows"
                ));
            }
            rows.push(if line.contains('\t') {
                line.split('\t').map(str::trim).collect()
            } else if line.contains([',', ';']) {
                line.split([',', ';']).map(str::trim).collect()
            } else {
                line.split_whitespace().collect()
            });
        }
        if rows.is_empty() {
            return Err(
                "the cost matrix is empty: paste a row per task, a column per processor".into(),
            );
        }
        let is_cost = |c: &str| cost_cell(c, 0, 0).is_ok();
        let s = &self.state.scenario;
        let m = s.processors.len();
        // A header: a first row whose cells after the first are not all costs.
        let header = (rows[0].iter().skip(1).any(|c| !is_cost(c))
            || rows[0].iter().all(|c| !is_cost(c)))
        .then(|| rows.remove(0));
        if rows.is_empty() {
            return Err("the cost matrix has a header but no rows".into());
        }
        // Task names: a column the header has a label for that is not a processor, or one
        // the header has no label for, or (no header) a first column that is not all costs.
        // (So tasks named 0, 1, 2 as in the STG files read right under a header.)
        let row_len = rows[0].len();
        let named = match &header {
            Some(h) => {
                row_len == h.len() + 1
                    || row_len == h.len() && !s.processors.iter().any(|p| p.name == h[0])
            }
            None => rows.iter().any(|r| !is_cost(r[0])),
        };
        let width = row_len - usize::from(named);
        if width != m {
            return Err(format!(
                "the cost matrix has {width} columns of costs, the platform has {m} processors"
            ));
        }
        // Columns → processors: by the header's names (each processor once), or in order.
        let mut columns: Vec<usize> = (0..m).collect();
        if let Some(h) = &header {
            let names = &h[h.len().saturating_sub(m)..];
            if names.len() != m {
                return Err(format!(
                    "the header names {} processors, the platform has {m}",
                    names.len()
                ));
            }
            for (k, name) in names.iter().enumerate() {
                columns[k] = s
                    .processors
                    .iter()
                    .position(|p| p.name == *name)
                    .ok_or_else(|| {
                        format!("the header names '{name}', which is not a processor here")
                    })?;
                if columns[..k].contains(&columns[k]) {
                    return Err(format!("the header names '{name}' twice"));
                }
            }
        }
        let mut costs = Vec::with_capacity(rows.len());
        let mut names = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let cells = &r[usize::from(named)..];
            if cells.len() != m {
                return Err(format!(
                    "row {} has {} costs, the first row {m}",
                    i + 1,
                    cells.len()
                ));
            }
            let mut row = vec![None; m];
            for (k, c) in cells.iter().enumerate() {
                row[columns[k]] = cost_cell(c, i + 1, k + 1)?;
            }
            costs.push(row);
            names.push(if named { r[0] } else { "" });
        }
        let n = s.tasks.len();
        let by_name = named && names.iter().all(|x| s.tasks.iter().any(|t| t.name == *x));
        if rows.len() != n && !s.edges.is_empty() {
            return Err(format!(
                "the cost matrix has {} rows, the graph has {n} tasks (a row per task; on a graph without dependencies the rows become the tasks)",
                rows.len()
            ));
        }
        let fresh = rows.len() != n;
        self.edit(|st| {
            let sc = &mut st.scenario;
            if fresh {
                sc.tasks = (0..costs.len())
                    .map(|i| Task {
                        name: if named {
                            names[i].to_string()
                        } else {
                            format!("t{}", i + 1)
                        },
                        cost: None,
                        costs: None,
                    })
                    .collect();
            }
            // New names in order, all at once: each dependency follows its own task (renaming
            // one by one could hand an edge to a task that took an earlier task's name).
            if named && !by_name && !fresh {
                let old: Vec<String> = sc.tasks.iter().map(|t| t.name.clone()).collect();
                let new_name = |n: &str| {
                    old.iter()
                        .position(|o| o == n)
                        .map_or(n.to_string(), |k| names[k].to_string())
                };
                for e in &mut sc.edges {
                    e.from = new_name(&e.from);
                    e.to = new_name(&e.to);
                }
                for (t, n) in sc.tasks.iter_mut().zip(&names) {
                    t.name = n.to_string();
                }
            }
            for (i, row) in costs.into_iter().enumerate() {
                let t = if by_name && !fresh {
                    sc.tasks
                        .iter()
                        .position(|t| t.name == names[i])
                        .unwrap_or(i)
                } else {
                    i
                };
                sc.tasks[t].cost = None;
                sc.tasks[t].costs = Some(row);
            }
            if fresh {
                st.positions = crate::labs::dag::layout::layered(sc);
            }
            Ok(())
        })?;
        Ok(format!("costs of {} tasks on {m} processors", rows.len()))
    }

    // --- dependencies ------------------------------------------------------------------

    /// Adds `from -> to`, refusing self-loops, duplicates and cycles (the message names the
    /// cycle it would close). Returns the new edge's index.
    pub fn add_edge(&mut self, from: usize, to: usize) -> Result<usize, String> {
        let s = &self.state.scenario;
        let (a, b) = match (s.tasks.get(from), s.tasks.get(to)) {
            (Some(a), Some(b)) => (a.name.clone(), b.name.clone()),
            _ => return Err("no such task".into()),
        };
        if from == to {
            return Err(format!(
                "refused: {a} -> {a} would make a task wait for itself"
            ));
        }
        if s.edges.iter().any(|e| e.from == a && e.to == b) {
            return Err(format!("{a} -> {b} already exists"));
        }
        if let Some(path) = self.path(to, from) {
            let mut names: Vec<&str> = path.iter().map(|&t| s.tasks[t].name.as_str()).collect();
            names.push(&s.tasks[to].name);
            return Err(format!(
                "refused: {a} -> {b} would close the cycle {}",
                names.join(" -> ")
            ));
        }
        self.edit(|st| {
            let data = st.view.edge_data;
            st.scenario.edges.push(Edge {
                from: a,
                to: b,
                data,
            });
            Ok(())
        })?;
        Ok(self.state.scenario.edges.len() - 1)
    }

    /// A path of tasks from `src` to `dst` along dependencies, if any (breadth first).
    pub fn path(&self, src: usize, dst: usize) -> Option<Vec<usize>> {
        let s = &self.state.scenario;
        let idx: schedlab_core::util::FastMap<&str, usize> = s
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let mut succ = vec![Vec::new(); s.tasks.len()];
        for e in &s.edges {
            if let (Some(&a), Some(&b)) = (idx.get(e.from.as_str()), idx.get(e.to.as_str())) {
                succ[a].push(b);
            }
        }
        let mut parent = vec![usize::MAX; s.tasks.len()];
        let mut queue = std::collections::VecDeque::from([src]);
        parent[src] = src;
        while let Some(u) = queue.pop_front() {
            if u == dst {
                let mut path = vec![dst];
                let mut v = dst;
                while v != src {
                    v = parent[v];
                    path.push(v);
                }
                path.reverse();
                return Some(path);
            }
            for &v in &succ[u] {
                if parent[v] == usize::MAX {
                    parent[v] = u;
                    queue.push_back(v);
                }
            }
        }
        None
    }

    pub fn remove_edge(&mut self, i: usize) -> Result<(), String> {
        self.edit(|s| {
            if i >= s.scenario.edges.len() {
                return Err("no such dependency".into());
            }
            s.scenario.edges.remove(i);
            Ok(())
        })
    }

    pub fn set_edge_data(&mut self, i: usize, data: f64) -> Result<(), String> {
        number("a data volume", data, true)?;
        self.edit(|s| {
            s.scenario
                .edges
                .get_mut(i)
                .ok_or("no such dependency")?
                .data = data;
            Ok(())
        })
    }

    // --- platform ----------------------------------------------------------------------

    /// Adds a processor; tasks with per-processor costs get their mean cost there.
    pub fn add_processor(&mut self, kind: ProcKind) -> Result<(), String> {
        self.edit(|s| {
            let mut k = s.scenario.processors.len() + 1;
            while s
                .scenario
                .processors
                .iter()
                .any(|p| p.name == format!("P{k}"))
            {
                k += 1;
            }
            s.scenario.processors.push(Processor {
                name: format!("P{k}"),
                kind,
                speed: 1.0,
            });
            for t in &mut s.scenario.tasks {
                if let Some(row) = &mut t.costs {
                    let known: Vec<f64> = row.iter().flatten().copied().collect();
                    let mean = if known.is_empty() {
                        DEFAULT_COST
                    } else {
                        known.iter().sum::<f64>() / known.len() as f64
                    };
                    row.push(Some((mean * 100.0).round() / 100.0));
                }
            }
            Ok(())
        })
    }

    /// Removes processor `p` (refused if it is the last, or the only one a task can use).
    pub fn remove_processor(&mut self, p: usize) -> Result<(), String> {
        self.edit(|s| {
            if s.scenario.processors.len() <= 1 {
                return Err("the platform needs at least one processor".into());
            }
            let name = s
                .scenario
                .processors
                .get(p)
                .ok_or("no such processor")?
                .name
                .clone();
            s.scenario.processors.remove(p);
            for t in &mut s.scenario.tasks {
                if let Some(row) = &mut t.costs {
                    row.remove(p);
                }
            }
            s.scenario
                .network
                .links
                .retain(|l| l.a != name && l.b != name);
            Ok(())
        })
    }

    pub fn set_processor(
        &mut self,
        p: usize,
        name: &str,
        kind: ProcKind,
        speed: f64,
    ) -> Result<(), String> {
        number("a speed", speed, false)?;
        let name = name.trim().to_string();
        self.edit(|s| {
            if name.is_empty() {
                return Err("a processor needs a name".into());
            }
            if s.scenario
                .processors
                .iter()
                .enumerate()
                .any(|(j, q)| j != p && q.name == name)
            {
                return Err(format!("there is already a processor named '{name}'"));
            }
            let proc = s
                .scenario
                .processors
                .get_mut(p)
                .ok_or("no such processor")?;
            let old = std::mem::replace(&mut proc.name, name.clone());
            proc.kind = kind;
            proc.speed = speed;
            for l in &mut s.scenario.network.links {
                if l.a == old {
                    l.a = name.clone();
                }
                if l.b == old {
                    l.b = name.clone();
                }
            }
            Ok(())
        })
    }

    /// Default bandwidth between processors (`None` = infinite) and latency.
    pub fn set_network(&mut self, bandwidth: Option<f64>, latency: f64) -> Result<(), String> {
        if let Some(b) = bandwidth {
            number("the bandwidth", b, false)?;
        }
        number("the latency", latency, true)?;
        self.edit(|s| {
            s.scenario.network.bandwidth = bandwidth;
            s.scenario.network.latency = latency;
            Ok(())
        })
    }

    /// Sets the bandwidth between processors `a` and `b` (`Inherit` removes the override).
    pub fn set_link(&mut self, a: usize, b: usize, bandwidth: LinkBandwidth) -> Result<(), String> {
        if let LinkBandwidth::Value(v) = bandwidth {
            number("a bandwidth", v, false)?;
        }
        self.edit(|s| {
            if a == b {
                return Err("a processor talks to itself for free".into());
            }
            let (na, nb) = match (s.scenario.processors.get(a), s.scenario.processors.get(b)) {
                (Some(x), Some(y)) => (x.name.clone(), y.name.clone()),
                _ => return Err("no such processor".into()),
            };
            let links = &mut s.scenario.network.links;
            let at = links
                .iter()
                .position(|l| (l.a == na && l.b == nb) || (l.a == nb && l.b == na));
            match (at, bandwidth) {
                (Some(i), LinkBandwidth::Inherit) => {
                    links.remove(i);
                }
                (Some(i), bw) => links[i].bandwidth = bw,
                (None, LinkBandwidth::Inherit) => {}
                (None, bw) => links.push(Link {
                    a: na,
                    b: nb,
                    bandwidth: bw,
                    latency: None,
                }),
            }
            Ok(())
        })
    }

    // --- schedulers and noise ----------------------------------------------------------

    /// Picks the scheduler of column `i` (0 = the main one).
    pub fn set_scheduler(&mut self, i: usize, id: &str) -> Result<(), String> {
        // An id or a spelling (`rule:priority=…`, `heft:insertion=false`), built as a run
        // would build it: a rule that does not parse is refused here.
        schedlab_core::sched::build(id, &Default::default()).map_err(|e| e.to_string())?;
        self.edit(|s| {
            *s.schedulers.get_mut(i).ok_or("no such column")? = id.to_string();
            Ok(())
        })
    }

    /// Adds a scheduler to compare (the first registry one not shown yet).
    pub fn add_compare(&mut self) -> Result<(), String> {
        self.edit(|s| {
            if s.schedulers.len() >= MAX_COMPARE {
                return Err(format!("at most {MAX_COMPARE} schedulers side by side"));
            }
            let next = schedlab_core::sched::REGISTRY
                .iter()
                .map(|r| r.id)
                .find(|id| !s.schedulers.iter().any(|x| x == id))
                .unwrap_or("heft");
            s.schedulers.push(next.to_string());
            Ok(())
        })
    }

    pub fn remove_compare(&mut self, i: usize) -> Result<(), String> {
        self.edit(|s| {
            if s.schedulers.len() <= 1 {
                return Err("keep at least one scheduler".into());
            }
            if i >= s.schedulers.len() {
                return Err("no such column".into());
            }
            s.schedulers.remove(i);
            Ok(())
        })
    }

    pub fn set_noise(
        &mut self,
        f: impl FnOnce(&mut crate::state::NoiseSettings),
    ) -> Result<(), String> {
        self.edit(|s| {
            f(&mut s.noise);
            Ok(())
        })
    }

    pub fn set_option(&mut self, key: &str, value: Option<&str>) -> Result<(), String> {
        self.edit(|s| {
            match value {
                Some(v) => s.options.insert(key.into(), v.into()),
                None => s.options.remove(key),
            };
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::dag::presets;

    fn topcuoglu() -> Editor {
        Editor::new(AppState::new(
            presets::find("topcuoglu2002").unwrap().scenario(),
        ))
    }

    /// The HEFT paper's cost table (Topcuoglu et al. 2002, table 1) as a spreadsheet copies it.
    const TOPCUOGLU_TABLE: &str = "Task\tP1\tP2\tP3\nn1\t14\t16\t9\nn2\t13\t19\t18\nn3\t11\t13\t19\nn4\t13\t8\t17\nn5\t12\t13\t10\nn6\t13\t16\t9\nn7\t7\t15\t11\nn8\t5\t11\t14\nn9\t18\t12\t20\nn10\t21\t7\t16\n";

    #[test]
    fn a_blank_graph_is_drawn_to_the_papers_example_and_gives_heft_80() {
        let mut e = topcuoglu();
        let (schedulers, noise) = (e.state.schedulers.clone(), e.state.noise.clone());
        e.new_graph(0, 3).unwrap();
        assert!(e.state.scenario.tasks.is_empty() && e.state.positions.is_empty());
        assert_eq!(e.state.scenario.processors.len(), 3);
        assert_eq!((&e.state.schedulers, &e.state.noise), (&schedulers, &noise));
        // A blank graph travels in a link and comes back blank.
        let back = crate::link::decode(&crate::link::encode(&e.state)).unwrap();
        assert_eq!(back, e.state);
        // The paper's table pasted: its ten tasks with their costs.
        assert_eq!(
            e.set_cost_matrix(TOPCUOGLU_TABLE).unwrap(),
            "costs of 10 tasks on 3 processors"
        );
        assert_eq!(e.state.scenario.tasks[9].name, "n10");
        assert_eq!(
            e.state.scenario.tasks[0].costs,
            Some(vec![Some(14.0), Some(16.0), Some(9.0)])
        );
        // Its dependencies drawn with their data (the default set once, then per edge).
        let deps = [
            (1, 2, 18.0),
            (1, 3, 12.0),
            (1, 4, 9.0),
            (1, 5, 11.0),
            (1, 6, 14.0),
            (2, 8, 19.0),
            (2, 9, 16.0),
            (3, 7, 23.0),
            (4, 8, 27.0),
            (4, 9, 23.0),
            (5, 9, 13.0),
            (6, 8, 15.0),
            (7, 10, 17.0),
            (8, 10, 11.0),
            (9, 10, 13.0),
        ];
        e.edit(|s| {
            s.view.edge_data = 5.0;
            Ok(())
        })
        .unwrap();
        for (a, b, d) in deps {
            let k = e.add_edge(a - 1, b - 1).unwrap();
            assert_eq!(e.state.scenario.edges[k].data, 5.0, "the default data");
            e.edit(|s| {
                s.scenario.edges[k].data = d;
                Ok(())
            })
            .unwrap();
        }
        let p = Problem::new(&e.state.scenario).unwrap();
        let heft = schedlab_core::sched::build("heft", &Default::default()).unwrap();
        assert_eq!(heft.schedule(&p, 1).makespan(), 80.0);
        // With dependencies, the rows must match the tasks; the same table by name applies.
        let err = e.set_cost_matrix("1 2 3\n4 5 6").unwrap_err();
        assert!(
            err.starts_with("the cost matrix has 2 rows, the graph has 10 tasks"),
            "{err}"
        );
        let before = e.state.clone();
        e.set_cost_matrix(TOPCUOGLU_TABLE).unwrap();
        assert_eq!(e.state, before, "the same costs: nothing changes");
        assert_eq!(
            cost_table(&e.state.scenario).replace("task", "Task"),
            TOPCUOGLU_TABLE
        );
        // Every preset's table (speeds, infeasible cells, fractions) pasted back gives the
        // same schedule, exactly.
        for p in presets::ALL {
            let mut e = Editor::new(AppState::new(p.scenario()));
            let run = |e: &Editor| {
                let p = Problem::new(&e.state.scenario).unwrap();
                schedlab_core::sched::build("heft", &Default::default())
                    .unwrap()
                    .schedule(&p, 1)
                    .makespan()
            };
            let before = run(&e);
            e.set_cost_matrix(&cost_table(&e.state.scenario)).unwrap();
            assert_eq!(run(&e), before, "{}", p.id);
        }
    }

    #[test]
    fn a_cost_matrix_is_read_in_every_usual_form_and_refused_where_it_is_wrong() {
        let mut e = topcuoglu();
        e.new_graph(2, 2).unwrap();
        // Commas, no header, no names: in order.
        e.set_cost_matrix("3, 4\n5, -\n").unwrap();
        assert_eq!(e.state.scenario.tasks[1].costs, Some(vec![Some(5.0), None]));
        // Spaces, a header in another order, names that rename the tasks in order.
        e.set_cost_matrix("task P2 P1\na 1 2\nb 3 4").unwrap();
        let t = &e.state.scenario.tasks;
        assert_eq!((t[0].name.as_str(), t[1].name.as_str()), ("a", "b"));
        assert_eq!(t[0].costs, Some(vec![Some(2.0), Some(1.0)]));
        let before = e.state.clone();
        for (text, msg) in [
            ("", "the cost matrix is empty"),
            (
                "1 2 3\n4 5 6",
                "the cost matrix has 3 columns of costs, the platform has 2 processors",
            ),
            ("1 2\n3", "row 2 has 1 costs, the first row 2"),
            ("1 2\n3 -4", "row 2, column 2: '-4' is not a cost"),
            (
                "t GPU P1\na 1 2",
                "the header names 'GPU', which is not a processor here",
            ),
            ("t P1 P1\na 1 2", "the header names 'P1' twice"),
            ("P2\n1 2", "the cost matrix has 1 columns of costs"),
            ("1 x\n- -", "cannot run"),
        ] {
            let err = e.set_cost_matrix(text).unwrap_err();
            assert!(err.contains(msg), "{text:?}: {err}");
            assert_eq!(e.state, before, "{text:?} changed nothing");
        }
        assert!(e.new_graph(2, 0).is_err() && e.new_graph(MAX_NEW_TASKS + 1, 2).is_err());
        // Renamed in order with a dependency: it follows its own tasks (a → c becomes
        // b → y when a, b, c are renamed b, x, y).
        let mut e = topcuoglu();
        e.new_graph(3, 1).unwrap();
        e.set_cost_matrix("a 1\nb 1\nc 1").unwrap();
        e.add_edge(0, 2).unwrap();
        e.set_cost_matrix("b 2\nx 2\ny 2").unwrap();
        let edges = &e.state.scenario.edges;
        assert_eq!((edges[0].from.as_str(), edges[0].to.as_str()), ("b", "y"));
    }

    #[test]
    fn the_last_task_can_go_and_the_graph_stays_editable() {
        let mut e = topcuoglu();
        e.new_graph(1, 2).unwrap();
        e.remove_task(0).unwrap();
        assert!(e.state.scenario.tasks.is_empty());
        e.add_task([0.0, 0.0]).unwrap();
        assert_eq!(e.state.scenario.tasks.len(), 1);
        assert!(e.undo() && e.undo() && e.undo());
        assert_eq!(
            e.state.scenario.name, "topcuoglu2002",
            "undo goes back to the paper's graph"
        );
    }

    #[test]
    fn a_cycle_is_refused_with_its_path_and_nothing_changes() {
        let mut e = topcuoglu();
        let before = e.state.clone();
        let err = e.add_edge(9, 0).unwrap_err();
        assert!(
            err.starts_with("refused: n10 -> n1 would close the cycle n1 -> "),
            "{err}"
        );
        assert!(err.ends_with("-> n10 -> n1"), "{err}");
        assert_eq!(e.state, before);
        assert!(!e.can_undo());
        assert!(e.add_edge(3, 3).unwrap_err().contains("itself"));
        assert!(e.add_edge(0, 1).unwrap_err().contains("already exists"));
    }

    #[test]
    fn every_edit_undoes_and_redoes() {
        let mut e = topcuoglu();
        let s0 = e.state.clone();
        let t = e.add_task([10.0, 10.0]).unwrap();
        assert_eq!(
            e.state.scenario.tasks[t].costs.as_ref().unwrap().len(),
            3,
            "follows the cost model"
        );
        let edge = e.add_edge(0, t).unwrap();
        e.set_edge_data(edge, 5.0).unwrap();
        e.set_task_cost(t, 1, None).unwrap();
        e.rename_task(t, "new").unwrap();
        assert_eq!(e.state.scenario.edges[edge].to, "new");
        e.add_processor(ProcKind::Gpu).unwrap();
        e.set_processor(3, "G1", ProcKind::Gpu, 2.0).unwrap();
        e.remove_edge(edge).unwrap();
        e.remove_task(t).unwrap();
        e.set_noise(|n| n.exec_sigma = 0.2).unwrap();
        e.add_compare().unwrap();
        let end = e.state.clone();
        let mut steps = 0;
        while e.undo() {
            steps += 1;
        }
        assert_eq!(steps, 11);
        assert_eq!(e.state, s0);
        while e.redo() {}
        assert_eq!(e.state, end);
    }

    #[test]
    fn invalid_edits_are_refused() {
        let mut e = topcuoglu();
        assert!(e.set_task_cost(0, 0, Some(f64::NAN)).is_err());
        assert!(e.set_edge_data(0, -1.0).is_err());
        // n1 runs everywhere; make it runnable nowhere.
        e.set_task_cost(0, 0, None).unwrap();
        e.set_task_cost(0, 1, None).unwrap();
        let err = e.set_task_cost(0, 2, None).unwrap_err();
        assert!(err.contains("cannot run on any processor"), "{err}");
        assert!(e.remove_processor(2).unwrap_err().contains("cannot run"));
        assert!(e.rename_task(1, "n3").unwrap_err().contains("already"));
        let one = Editor::new(AppState::new({
            let mut s = presets::find("topcuoglu2002").unwrap().scenario();
            s.tasks.truncate(1);
            s.edges.clear();
            s
        }));
        // The last task may go (a blank page to draw on); the platform may not be emptied.
        assert!(one.clone().remove_task(0).is_ok());
        assert!(e.set_processor(0, "P1", ProcKind::Cpu, 0.0).is_err());
    }

    #[test]
    fn per_pair_bandwidths_change_the_schedule_and_undo() {
        let mut e = topcuoglu();
        let base = crate::labs::dag::eval::evaluate(&e.state).unwrap().columns[0]
            .run
            .metrics
            .makespan;
        e.set_link(0, 1, LinkBandwidth::Value(0.01)).unwrap();
        e.set_link(0, 2, LinkBandwidth::Value(0.01)).unwrap();
        e.set_link(1, 2, LinkBandwidth::Value(0.01)).unwrap();
        assert_eq!(e.state.scenario.network.links.len(), 3);
        let slow = crate::labs::dag::eval::evaluate(&e.state).unwrap().columns[0]
            .run
            .metrics
            .makespan;
        assert_ne!(base, slow, "slow links change HEFT's choices");
        e.set_link(1, 0, LinkBandwidth::Inherit).unwrap();
        assert_eq!(e.state.scenario.network.links.len(), 2);
        assert!(e.set_link(0, 0, LinkBandwidth::Infinite).is_err());
        assert!(e.set_link(0, 1, LinkBandwidth::Value(-1.0)).is_err());
        while e.undo() {}
        assert!(e.state.scenario.network.links.is_empty());
    }

    #[test]
    fn removing_a_task_removes_its_edges_and_position() {
        let mut e = topcuoglu();
        e.remove_task(0).unwrap();
        assert_eq!(e.state.scenario.tasks.len(), 9);
        assert_eq!(e.state.positions.len(), 9);
        assert!(e.state.scenario.edges.iter().all(|x| x.from != "n1"));
        assert_eq!(e.state.scenario.edges.len(), 10);
    }

    #[test]
    fn history_is_bounded() {
        let mut e = topcuoglu();
        for i in 0..(MAX_HISTORY + 20) {
            e.set_noise(|n| n.seed = i as u64 + 2).unwrap();
        }
        let mut steps = 0;
        while e.undo() {
            steps += 1;
        }
        assert_eq!(steps, MAX_HISTORY);
    }
}
