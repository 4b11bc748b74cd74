//! Where a decision puts the jobs: machines for the full-rate jobs and the progress of
//! each ([`Sim::assign`]), and the machine segments of an interval ([`Sim::emit`]). A child
//! of the engine, so it reads the simulator's own state.

use super::{Segment, Sim};
use crate::stream::policy::Alloc;

impl Sim {
    /// Chooses machines for the full-rate jobs (by priority: the first gets the fastest
    /// class; a job keeps its machine inside its class) and returns each active job's
    /// progress per time unit: a group of jobs sharing (PS, LAS ties) progresses at the
    /// mean speed of its machines; fractional-rate jobs share the machines left over.
    pub(super) fn assign(&mut self, alloc: &Alloc, progress: &mut Vec<f64>) {
        let m = self.machines;
        let mut taken = std::mem::take(&mut self.taken);
        taken.clear();
        taken.resize(m, false);
        progress.clear();
        progress.resize(self.active.len(), 0.0);
        let mut unplaced = std::mem::take(&mut self.unplaced);
        unplaced.clear();
        for (rank, &i) in alloc.order.iter().enumerate() {
            let c = self.class_of_rank[rank.min(m - 1)];
            let job = self.active[i].job;
            match self.machine_of[job] {
                Some(p) if !taken[p] && self.classes[c].contains(&p) => taken[p] = true,
                _ => unplaced.push((i, c)),
            }
        }
        for &(i, c) in &unplaced {
            let p = *self.classes[c]
                .iter()
                .find(|&&p| !taken[p])
                .expect("one machine per rank in its class");
            taken[p] = true;
            self.machine_of[self.active[i].job] = Some(p);
        }
        self.unplaced = unplaced;
        let mut k = 0;
        while k < alloc.order.len() {
            let g = alloc.groups[k];
            let mut e = k;
            while e < alloc.order.len() && alloc.groups[e] == g {
                e += 1;
            }
            let members = &alloc.order[k..e];
            let speed = members
                .iter()
                .map(|&i| self.speeds[self.machine_of[self.active[i].job].expect("placed")])
                .sum::<f64>()
                / members.len() as f64;
            for &i in members {
                progress[i] = speed;
            }
            k = e;
        }
        let Some(free) = self.free_machines(alloc, taken) else {
            return;
        };
        let mean_free = if free.is_empty() {
            0.0
        } else {
            free.iter().map(|&p| self.speeds[p]).sum::<f64>() / free.len() as f64
        };
        for (i, &r) in alloc.rates.iter().enumerate() {
            if r > 0.0 && r < 1.0 - 1e-12 {
                progress[i] = r * mean_free;
                self.machine_of[self.active[i].job] = None;
            }
        }
    }

    /// Writes one interval's machine segments: full-rate jobs on their machines (a sharing
    /// group on machines of different speeds rotates over them, one equal slice each); the
    /// fractional-rate jobs on the free machines by McNaughton's wrap-around rule (equal
    /// speeds) or the same rotation.
    pub(super) fn emit(&mut self, alloc: &Alloc, t: f64, dt: f64) {
        if dt <= 0.0 {
            return;
        }
        let m = self.machines;
        let mut taken = std::mem::take(&mut self.taken);
        taken.clear();
        taken.resize(m, false);
        let mut k = 0;
        let mut jobs = std::mem::take(&mut self.group_jobs);
        let mut machines = std::mem::take(&mut self.group_machines);
        while k < alloc.order.len() {
            let g = alloc.groups[k];
            let mut e = k;
            while e < alloc.order.len() && alloc.groups[e] == g {
                e += 1;
            }
            jobs.clear();
            jobs.extend(alloc.order[k..e].iter().map(|&i| self.active[i].job));
            machines.clear();
            machines.extend(jobs.iter().map(|&j| self.machine_of[j].expect("placed")));
            for &p in &machines {
                taken[p] = true;
            }
            if machines
                .iter()
                .all(|&p| self.speeds[p] == self.speeds[machines[0]])
            {
                for (&job, &p) in jobs.iter().zip(&machines) {
                    self.push(p, job, t, t + dt);
                }
            } else {
                self.rotate(&jobs, &machines, t, dt);
            }
            k = e;
        }
        self.group_jobs = jobs;
        self.group_machines = machines;
        let Some(free) = self.free_machines(alloc, taken) else {
            return;
        };
        let sharing: Vec<usize> = (0..self.active.len())
            .filter(|&i| alloc.rates[i] > 0.0 && alloc.rates[i] < 1.0 - 1e-12)
            .collect();
        if sharing.is_empty() || free.is_empty() {
            return;
        }
        if free.iter().all(|&p| self.speeds[p] == self.speeds[free[0]]) {
            let mut mi = 0usize;
            let mut pos = 0.0f64;
            for &i in &sharing {
                let job = self.active[i].job;
                let mut len = alloc.rates[i] * dt;
                while len > 1e-15 * dt.max(1.0) && mi < free.len() {
                    let take = len.min(dt - pos);
                    self.push(free[mi], job, t + pos, t + pos + take);
                    len -= take;
                    pos += take;
                    if pos >= dt - 1e-15 * dt.max(1.0) {
                        mi += 1;
                        pos = 0.0;
                    }
                }
            }
        } else {
            let jobs: Vec<usize> = sharing.iter().map(|&i| self.active[i].job).collect();
            self.rotate(&jobs, &free, t, dt);
        }
    }

    /// g = max(jobs, machines) equal slices; in slice k, job j runs on machine (j + k) mod g
    /// when that machine exists: each job visits each machine for one slice.
    /// The machines not `taken` when some jobs have a fractional rate (they share those),
    /// None when none has; `taken` goes back to the scratch.
    fn free_machines(&mut self, alloc: &Alloc, taken: Vec<bool>) -> Option<Vec<usize>> {
        let fractional = alloc.order.len() != alloc.rates.iter().filter(|&&r| r > 0.0).count();
        let free = fractional.then(|| (0..taken.len()).filter(|&p| !taken[p]).collect());
        self.taken = taken;
        free
    }

    fn rotate(&mut self, jobs: &[usize], machines: &[usize], t: f64, dt: f64) {
        let g = jobs.len().max(machines.len());
        let slice = dt / g as f64;
        for k in 0..g {
            for (j, &job) in jobs.iter().enumerate() {
                let f = (j + k) % g;
                if f < machines.len() {
                    let s = t + k as f64 * slice;
                    let e = if k + 1 == g { t + dt } else { s + slice };
                    self.push(machines[f], job, s, e);
                }
            }
        }
    }

    fn push(&mut self, machine: usize, job: usize, start: f64, end: f64) {
        if end - start <= 0.0 {
            return;
        }
        if let Some(k) = self.open[machine] {
            let s = &mut self.segments[k];
            if s.job == job && (s.end - start).abs() <= 1e-12 * start.abs().max(1.0) {
                s.end = end;
                return;
            }
        }
        self.segments.push(Segment {
            machine,
            job,
            start,
            end,
        });
        self.open[machine] = Some(self.segments.len() - 1);
    }
}
