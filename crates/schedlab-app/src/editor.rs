//! Every edit of the playground, undoable: an [`Editor`] holds the current [`AppState`]
//! and snapshot stacks. An edit that would make the scenario invalid (a cycle, a task no
//! processor can run, a bad number) is refused with a message and changes nothing.

use schedlab_core::scenario::{Edge, Link, LinkBandwidth, ProcKind, Processor, Task};
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
        let mut next = self.state.clone();
        f(&mut next)?;
        next.check()?;
        Problem::new(&next.scenario).map_err(|e| e.to_string())?;
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
            if s.scenario.tasks.len() == 1 {
                return Err("a scenario needs at least one task".into());
            }
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
            st.scenario.edges.push(Edge {
                from: a,
                to: b,
                data: 0.0,
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
        assert!(one.clone().remove_task(0).is_err());
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
