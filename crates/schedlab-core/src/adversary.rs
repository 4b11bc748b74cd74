//! Adversarial search for DAG instances (after PISA, Coleman & Krishnamachari, IPDPS 2025):
//! simulated annealing over small instances that maximises makespan(A) ÷ makespan(B) for a
//! scheduler A against a baseline B (any registry spelling, user rules included).
//!
//! An instance is `tasks` tasks with a cost each (saga's model: execution time = cost ÷
//! processor speed), dependencies with a data size, and `processors` processors with a
//! speed and a bandwidth per pair (communication time = data ÷ bandwidth, 0 on one
//! processor). As in PISA (saga's `pisa/changes.py`), every weight lies in [0.1, 1] and a
//! change moves it by a uniform step of at most ±0.1, clamped; here weights are kept on a
//! grid of hundredths, so an instance reads well in the editor and its JSON is exact.
//! Dependencies go from a lower to a higher task index: every DAG is one of these up to a
//! renaming of its tasks, so no instance is out of reach. The search starts from a chain
//! with unit weights, as PISA's do.
//!
//! One step applies one of PISA's six changes, chosen uniformly: change a task's cost, a
//! dependency's data, a processor's speed or a link's bandwidth, add a dependency, remove
//! one (a change that cannot apply, such as removing from a graph without dependencies,
//! changes a task's cost instead). The acceptance is PISA's as saga implements it: a
//! change that raises the ratio is kept; one that lowers it, with probability
//! exp(−(new ÷ current) ÷ T). T starts at [`START_TEMPERATURE`] and is multiplied by
//! [`COOLING`] per step (PISA's 100 and 0.99); where PISA stops at [`MIN_TEMPERATURE`]
//! (about 690 steps), this search restarts from its best instance at the start
//! temperature, so it can run as long as it is let. Each step's randomness is derived from
//! the seed and the step number, so a [`Search`] is plain data: it serialises, resumes in
//! another process (the page's worker) and gives the same result as one long run.

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::problem::Problem;
use crate::scenario::{Edge, Link, LinkBandwidth, Network, ProcKind, Processor, Scenario, Task};
use crate::sched::{self, Options, Scheduler};

/// PISA's cooling rate per step.
pub const COOLING: f64 = 0.99;
/// Temperature a search (and each restart) starts at.
pub const START_TEMPERATURE: f64 = 100.0;
/// Below this the search restarts from its best instance.
pub const MIN_TEMPERATURE: f64 = 0.1;
/// Bounds of an instance's size: small instances are the point (PISA: about 4 × 4).
pub const MAX_TASKS: usize = 30;
pub const MAX_PROCESSORS: usize = 8;
/// The plan seed (randomised schedulers): `schedlab run`'s default `--seed`, so that
/// `schedlab run` on the instance found gives the same makespans.
pub const PLAN_SEED: u64 = 1;

/// What to search for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The scheduler to break (a spelling: `heft`, `rule:priority=rank_d`).
    pub scheduler: String,
    /// What it is compared with.
    pub baseline: String,
    pub tasks: usize,
    pub processors: usize,
    pub seed: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            scheduler: "heft".into(),
            baseline: "fastest_node".into(),
            tasks: 4,
            processors: 3,
            seed: 1,
        }
    }
}

/// Smallest and largest weight, in hundredths (PISA's 0.1 and 1), and the largest change.
const MIN_W: i32 = 10;
const MAX_W: i32 = 100;
const DELTA: i32 = 10;

/// A small instance in the search's own compact form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    /// Task costs (in hundredths, 10..=100).
    pub costs: Vec<u8>,
    /// Dependencies (from, to, data in hundredths), from < to, no duplicates.
    pub deps: Vec<(u8, u8, u8)>,
    /// Processor speeds (hundredths).
    pub speeds: Vec<u8>,
    /// Bandwidth of each pair p < q, in the order (0,1), (0,2), …, (1,2), … (hundredths).
    pub links: Vec<u8>,
}

fn w(h: u8) -> f64 {
    f64::from(h) / 100.0
}

impl Instance {
    /// A chain of `tasks` unit tasks on `processors` unit processors, unit links.
    pub fn chain(tasks: usize, processors: usize) -> Instance {
        Instance {
            costs: vec![100; tasks],
            deps: (1..tasks).map(|t| ((t - 1) as u8, t as u8, 100)).collect(),
            speeds: vec![100; processors],
            links: vec![100; processors * processors.saturating_sub(1) / 2],
        }
    }

    /// The instance as a schedlab scenario (what the editor, `schedlab run` and links read).
    pub fn scenario(&self, name: &str) -> Scenario {
        let m = self.speeds.len();
        let proc_name = |p: usize| format!("P{}", p + 1);
        let mut links = Vec::new();
        let mut k = 0;
        for p in 0..m {
            for q in p + 1..m {
                links.push(Link {
                    a: proc_name(p),
                    b: proc_name(q),
                    bandwidth: LinkBandwidth::Value(w(self.links[k])),
                    latency: None,
                });
                k += 1;
            }
        }
        Scenario {
            version: crate::scenario::FORMAT_VERSION,
            name: name.into(),
            description: "found by schedlab's adversarial search (simulated annealing, after PISA)"
                .into(),
            source: String::new(),
            processors: (0..m)
                .map(|p| Processor {
                    name: proc_name(p),
                    kind: ProcKind::default(),
                    speed: w(self.speeds[p]),
                })
                .collect(),
            network: Network {
                bandwidth: Some(1.0),
                latency: 0.0,
                links,
            },
            tasks: self
                .costs
                .iter()
                .enumerate()
                .map(|(t, &c)| Task {
                    name: format!("t{}", t + 1),
                    cost: Some(w(c)),
                    costs: None,
                })
                .collect(),
            edges: self
                .deps
                .iter()
                .map(|&(a, b, d)| Edge {
                    from: format!("t{}", a + 1),
                    to: format!("t{}", b + 1),
                    data: w(d),
                })
                .collect(),
        }
    }

    /// One of PISA's six changes, drawn from `rng`; a change that cannot apply (no
    /// dependency to remove, none left to add) becomes a task-cost change.
    fn perturb(&mut self, rng: &mut StdRng) {
        let step = |rng: &mut StdRng, w: &mut u8| {
            let d = rng.random_range(-DELTA..=DELTA);
            *w = (i32::from(*w) + d).clamp(MIN_W, MAX_W) as u8;
        };
        let draw = |rng: &mut StdRng| rng.random_range(MIN_W..=MAX_W) as u8;
        let n = self.costs.len();
        let mut kind = rng.random_range(0..6u8);
        let possible = n * n.saturating_sub(1) / 2;
        if (kind == 1 || kind == 5) && self.deps.is_empty()
            || kind == 3 && self.links.is_empty()
            || kind == 4 && self.deps.len() >= possible
        {
            kind = 0;
        }
        match kind {
            0 => {
                let t = rng.random_range(0..n);
                step(rng, &mut self.costs[t]);
            }
            1 => {
                let d = rng.random_range(0..self.deps.len());
                step(rng, &mut self.deps[d].2);
            }
            2 => {
                let p = rng.random_range(0..self.speeds.len());
                step(rng, &mut self.speeds[p]);
            }
            3 => {
                let l = rng.random_range(0..self.links.len());
                step(rng, &mut self.links[l]);
            }
            4 => {
                // The k-th absent pair (a < b), so every absent dependency is equally likely;
                // inserted where it keeps `deps` sorted (the pairs are visited in order, `at`
                // counts the present ones passed: no sort instantiated in the bundle for it).
                let mut k = rng.random_range(0..possible - self.deps.len());
                let mut at = 0;
                'find: for a in 0..n {
                    for b in a + 1..n {
                        if self
                            .deps
                            .get(at)
                            .is_some_and(|d| (d.0 as usize, d.1 as usize) == (a, b))
                        {
                            at += 1;
                            continue;
                        }
                        if k == 0 {
                            let data = draw(rng);
                            self.deps.insert(at, (a as u8, b as u8, data));
                            break 'find;
                        }
                        k -= 1;
                    }
                }
            }
            _ => {
                let d = rng.random_range(0..self.deps.len());
                self.deps.remove(d);
            }
        }
    }
}

/// What an annealing search perturbs: a DAG [`Instance`] or a stream [`JobSet`].
pub trait Candidate: Clone {
    /// One random change.
    fn perturb(&mut self, rng: &mut StdRng);
}

impl Candidate for Instance {
    fn perturb(&mut self, rng: &mut StdRng) {
        Instance::perturb(self, rng);
    }
}

/// The annealing itself, over any [`Candidate`]: plain data (see the module
/// documentation), resumable step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anneal<I> {
    pub seed: u64,
    /// Steps taken.
    pub iteration: u64,
    pub temperature: f64,
    pub current: I,
    pub current_ratio: f64,
    pub best: I,
    pub best_ratio: f64,
    /// (iteration, best ratio) each time the best improved: the page's chart.
    pub history: Vec<(u64, f64)>,
    /// Perturbed candidates the ratio could not be computed on (a rule dividing by zero):
    /// skipped.
    pub skipped: u64,
}

impl<I: Candidate> Anneal<I> {
    pub fn new(start: I, ratio: f64, seed: u64) -> Anneal<I> {
        Anneal {
            seed,
            iteration: 0,
            temperature: START_TEMPERATURE,
            current: start.clone(),
            current_ratio: ratio,
            best: start,
            best_ratio: ratio,
            history: vec![(0, ratio)],
            skipped: 0,
        }
    }

    /// Takes `steps` annealing steps, `ratio` scoring each candidate.
    pub fn step(&mut self, steps: u64, ratio: &dyn Fn(&I) -> Result<f64>) {
        for _ in 0..steps {
            self.iteration += 1;
            let mut rng =
                StdRng::seed_from_u64(crate::util::derive_seed(self.seed, self.iteration));
            let mut next = self.current.clone();
            next.perturb(&mut rng);
            let accept_draw: f64 = rng.random();
            match ratio(&next) {
                Ok(r) => {
                    let keep = r > self.current_ratio
                        || accept_draw < libm::exp(-(r / self.current_ratio) / self.temperature);
                    if keep {
                        self.current = next;
                        self.current_ratio = r;
                    }
                    if r > self.best_ratio {
                        self.best = self.current.clone();
                        self.best_ratio = r;
                        self.history.push((self.iteration, r));
                    }
                }
                Err(_) => self.skipped += 1,
            }
            self.temperature *= COOLING;
            if self.temperature < MIN_TEMPERATURE {
                self.temperature = START_TEMPERATURE;
                self.current = self.best.clone();
                self.current_ratio = self.best_ratio;
            }
        }
    }
}

/// A DAG search in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Search {
    pub settings: Settings,
    pub state: Anneal<Instance>,
}

/// The two schedulers, built once.
pub struct Pair {
    a: Box<dyn Scheduler>,
    b: Box<dyn Scheduler>,
}

impl Pair {
    pub fn new(settings: &Settings) -> Result<Pair> {
        Ok(Pair {
            a: sched::build(&settings.scheduler, &Options::new())?,
            b: sched::build(&settings.baseline, &Options::new())?,
        })
    }

    /// makespan(A), makespan(B) on `s`.
    pub fn makespans(&self, s: &Scenario) -> Result<(f64, f64)> {
        let p = Problem::new(s)?;
        let a = self.a.try_schedule(&p, PLAN_SEED)?.makespan();
        let b = self.b.try_schedule(&p, PLAN_SEED)?.makespan();
        Ok((a, b))
    }

    fn ratio(&self, inst: &Instance) -> Result<f64> {
        let (a, b) = self.makespans(&inst.scenario("adversary"))?;
        Ok(if b > 0.0 { a / b } else { 1.0 })
    }
}

impl Search {
    /// A new search; refused when a scheduler is unknown, a rule does not parse or fails on
    /// the starting chain, or the size is out of bounds.
    pub fn new(settings: Settings) -> Result<(Search, Pair)> {
        if !(2..=MAX_TASKS).contains(&settings.tasks) {
            return Err(Error::config(format!(
                "the adversary's instances have 2 to {MAX_TASKS} tasks (got {})",
                settings.tasks
            )));
        }
        if !(1..=MAX_PROCESSORS).contains(&settings.processors) {
            return Err(Error::config(format!(
                "the adversary's instances have 1 to {MAX_PROCESSORS} processors (got {})",
                settings.processors
            )));
        }
        let pair = Pair::new(&settings)?;
        let start = Instance::chain(settings.tasks, settings.processors);
        let ratio = pair.ratio(&start)?;
        let seed = settings.seed;
        Ok((
            Search {
                settings,
                state: Anneal::new(start, ratio, seed),
            },
            pair,
        ))
    }

    /// Takes `steps` annealing steps.
    pub fn step(&mut self, pair: &Pair, steps: u64) {
        self.state.step(steps, &|i| pair.ratio(i));
    }

    /// The worst instance found, as a scenario named after the pair.
    pub fn best_scenario(&self) -> Scenario {
        self.state.best.scenario(&format!(
            "{} vs {}: {:.2}×",
            self.settings.scheduler, self.settings.baseline, self.state.best_ratio
        ))
    }
}

/// Jobs in a stream search: at most this many (PISA-sized: a handful).
pub const MAX_JOBS: usize = 12;

/// A small job set for one machine: arrivals in tenths (0 to 5), sizes in hundredths (0.1
/// to 1), single-operation jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobSet {
    pub arrivals: Vec<u8>,
    pub sizes: Vec<u8>,
    /// Most jobs a perturbation may grow the set to.
    pub max_jobs: u8,
    /// A uniform obligatory test before every job (the paper's special case): the jobs
    /// are then test-then-work chains under the revealed model, `sizes` the work after
    /// the test.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<f64>,
    /// Gradually revealed jobs (the paper's general model): each job's operations, in
    /// hundredths (0.1 to 1 each, at most `max_ops`), revealed one after the other; empty
    /// for single-operation and uniform-test sets (`sizes` then holds the jobs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ops: Vec<Vec<u8>>,
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub max_ops: u8,
}

fn is_zero_u8(v: &u8) -> bool {
    *v == 0
}

/// Most operations per job in a revealed-jobs search.
pub const MAX_OPS: usize = 6;

impl JobSet {
    /// `jobs` unit jobs arriving together.
    pub fn start(jobs: usize, test: Option<f64>) -> JobSet {
        JobSet {
            arrivals: vec![0; jobs],
            sizes: vec![100; jobs],
            max_jobs: jobs as u8,
            test,
            ops: Vec::new(),
            max_ops: 0,
        }
    }

    /// `jobs` jobs arriving together, each two operations of 0.5, revealed one at a time;
    /// perturbations keep 1 to `max_ops` operations per job.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn start_revealed(jobs: usize, max_ops: usize) -> JobSet {
        JobSet {
            ops: vec![vec![50; max_ops.min(2)]; jobs],
            max_ops: max_ops as u8,
            ..JobSet::start(jobs, None)
        }
    }

    /// Job `i`'s size as the table writes it: its operations joined by `+` when revealed.
    fn burst(&self, i: usize) -> String {
        match self.ops.get(i) {
            Some(o) => o
                .iter()
                .map(|&x| w(x).to_string())
                .collect::<Vec<_>>()
                .join("+"),
            None => w(self.sizes[i]).to_string(),
        }
    }

    /// The set as a named job table (`J1,0,1`), sorted by arrival: what the Streams lab's
    /// "Type jobs" and `schedlab stream --trace` read.
    pub fn table(&self) -> String {
        // By arrival, ties in index order (a stable order), through the one shared sort.
        let mut idx: Vec<usize> = (0..self.arrivals.len()).collect();
        crate::util::sort_positions(&mut idx, &|a, b| self.arrivals[a].cmp(&self.arrivals[b]));
        let mut out = String::from("name,arrival,burst\n");
        for (k, &i) in idx.iter().enumerate() {
            out.push_str(&format!(
                "J{},{},{}\n",
                k + 1,
                f64::from(self.arrivals[i]) / 10.0,
                self.burst(i)
            ));
        }
        out
    }

    /// The set as a one-machine stream: clairvoyant single-operation jobs (a policy reads
    /// only what it reads), or with a test, test-then-work jobs under the revealed model.
    pub fn stream(&self) -> Result<crate::stream::Stream> {
        use crate::stream::{Info, Mix, OpCount, OpSize};
        let trace = crate::stream::trace::parse("adversary", &self.table())?;
        let revealed = |test| {
            (
                Mix::Ops {
                    count: OpCount::Fixed { ops: 1 },
                    size: OpSize::Exp,
                    mean_op: 1.0,
                    test,
                },
                Info::Revealed,
            )
        };
        // The trace gives the operations (or the work after the test).
        let (mix, info) = match self.test {
            _ if !self.ops.is_empty() => revealed(None),
            None => (Mix::Single { mean_size: 1.0 }, Info::Clairvoyant),
            Some(t) => revealed(Some(t)),
        };
        crate::stream::generate(&crate::stream::StreamSpec {
            jobs: trace.arrivals.len(),
            machines: 1,
            speeds: Vec::new(),
            context_switch: 0.0,
            arrivals: crate::stream::Arrivals::Trace(trace),
            mix,
            info,
            estimate_noise: 0.0,
            deadline_slack: None,
            seed: 1,
        })
    }
}

impl Candidate for JobSet {
    /// Move an arrival by up to ±0.5, resize a job by up to ±0.1, add a job, remove one.
    fn perturb(&mut self, rng: &mut StdRng) {
        let n = self.arrivals.len();
        // Revealed sets are searched by the CLI only (not in the page's bundle).
        #[cfg(not(target_arch = "wasm32"))]
        if !self.ops.is_empty() {
            return self.perturb_revealed(rng);
        }
        let mut kind = rng.random_range(0..4u8);
        if kind == 2 && n >= usize::from(self.max_jobs) || kind == 3 && n <= 2 {
            kind = 1;
        }
        match kind {
            0 => {
                let j = rng.random_range(0..n);
                let d = rng.random_range(-5i32..=5);
                self.arrivals[j] = (i32::from(self.arrivals[j]) + d).clamp(0, 50) as u8;
            }
            1 => {
                let j = rng.random_range(0..n);
                let d = rng.random_range(-DELTA..=DELTA);
                self.sizes[j] = (i32::from(self.sizes[j]) + d).clamp(MIN_W, MAX_W) as u8;
            }
            2 => {
                self.arrivals.push(rng.random_range(0..=50u8));
                self.sizes.push(rng.random_range(MIN_W..=MAX_W) as u8);
            }
            _ => {
                let j = rng.random_range(0..n);
                self.arrivals.remove(j);
                self.sizes.remove(j);
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl JobSet {
    /// A revealed set's move: an arrival by up to ±0.5, one operation resized by up to
    /// ±0.1, an operation added or removed (1 to `max_ops` per job), a job added (one
    /// operation) or removed (at least 2 jobs).
    fn perturb_revealed(&mut self, rng: &mut StdRng) {
        let n = self.arrivals.len();
        let j = rng.random_range(0..n);
        let k = self.ops[j].len();
        let max_ops = usize::from(self.max_ops.max(1));
        let mut kind = rng.random_range(0..6u8);
        if kind == 2 && k >= max_ops
            || kind == 3 && k <= 1
            || kind == 4 && n >= usize::from(self.max_jobs)
            || kind == 5 && n <= 2
        {
            kind = 1;
        }
        match kind {
            0 => {
                let d = rng.random_range(-5i32..=5);
                self.arrivals[j] = (i32::from(self.arrivals[j]) + d).clamp(0, 50) as u8;
            }
            1 => {
                let o = rng.random_range(0..k);
                let d = rng.random_range(-DELTA..=DELTA);
                self.ops[j][o] = (i32::from(self.ops[j][o]) + d).clamp(MIN_W, MAX_W) as u8;
            }
            2 => {
                let at = rng.random_range(0..=k);
                let size = rng.random_range(MIN_W..=MAX_W) as u8;
                self.ops[j].insert(at, size);
            }
            3 => {
                let at = rng.random_range(0..k);
                self.ops[j].remove(at);
            }
            4 => {
                self.arrivals.push(rng.random_range(0..=50u8));
                self.sizes.push(100);
                self.ops.push(vec![rng.random_range(MIN_W..=MAX_W) as u8]);
            }
            _ => {
                self.arrivals.remove(j);
                self.sizes.remove(j);
                self.ops.remove(j);
            }
        }
    }
}

/// A stream search: a policy's total flow time against the optimum on one machine
/// (clairvoyant SRPT, optimal for total flow time with preemption: Schrage 1968), the
/// empirical competitive ratio.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamSearch {
    pub policy: String,
    pub state: Anneal<JobSet>,
}

/// Total flow times of `policy` and of the optimum on `jobs`, computed as the Streams lab
/// computes its competitive ratio (`StreamMetrics`, `reference_flow`: clairvoyant SRPT on
/// the jobs' whole lengths), so `schedlab stream` on the job table reports the same ratio,
/// bit for bit.
pub fn flow_times(policy: &crate::stream::policy::Policy, jobs: &JobSet) -> Result<(f64, f64)> {
    use crate::stream::sim::{self, reference_flow, StreamMetrics};
    let s = jobs.stream()?;
    let run = sim::simulate(&s, policy.clone())?;
    Ok((
        StreamMetrics::compute(&s, &run).total_flow_time,
        reference_flow(&s)?,
    ))
}

impl StreamSearch {
    /// `test`: search uniform-test instances (every job a test of this length, then its
    /// work) instead of single-operation jobs.
    pub fn new(policy: &str, jobs: usize, test: Option<f64>, seed: u64) -> Result<StreamSearch> {
        if !(2..=MAX_JOBS).contains(&jobs) {
            return Err(Error::config(format!(
                "the stream adversary's job sets have 2 to {MAX_JOBS} jobs (got {jobs})"
            )));
        }
        if let Some(t) = test {
            if !(t.is_finite() && (0.01..=100.0).contains(&t)) {
                return Err(Error::config(format!(
                    "the test length must be from 0.01 to 100 (got {t})"
                )));
            }
        }
        StreamSearch::from_start(policy, JobSet::start(jobs, test), seed)
    }

    /// A search of `policy` from the job set `start` (its ratio the annealing's first).
    fn from_start(policy: &str, start: JobSet, seed: u64) -> Result<StreamSearch> {
        let p = crate::stream::policy::Policy::parse(policy)?;
        let (a, b) = flow_times(&p, &start)?;
        Ok(StreamSearch {
            policy: policy.to_string(),
            state: Anneal::new(start, a / b, seed),
        })
    }

    /// A search over gradually revealed jobs: 1 to `max_ops` operations each, revealed one
    /// after the other (the paper's general model, no test). CLI only.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn new_revealed(
        policy: &str,
        jobs: usize,
        max_ops: usize,
        seed: u64,
    ) -> Result<StreamSearch> {
        if !(2..=MAX_JOBS).contains(&jobs) || !(1..=MAX_OPS).contains(&max_ops) {
            return Err(Error::config(format!(
                "the stream adversary's revealed job sets have 2 to {MAX_JOBS} jobs of 1 to {MAX_OPS} operations (got {jobs} and {max_ops})"
            )));
        }
        StreamSearch::from_start(policy, JobSet::start_revealed(jobs, max_ops), seed)
    }

    pub fn step(&mut self, steps: u64) -> Result<()> {
        let p = crate::stream::policy::Policy::parse(&self.policy)?;
        self.state
            .step(steps, &|j| flow_times(&p, j).map(|(a, b)| a / b));
        Ok(())
    }
}

/// Requests in a serving search: at most this many (a short sequence).
pub const MAX_REQUESTS: usize = 24;

/// A short request sequence for the Serving lab: per request an arrival (in steps of 10
/// ms, up to 3 s), a prefix group (requests of one group share their prompt's first blocks),
/// a prompt length in blocks (1 to 8, 512 tokens each) and an output length (1 to 128
/// tokens).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Requests {
    pub arrivals: Vec<u16>,
    pub groups: Vec<u8>,
    pub blocks: Vec<u8>,
    pub outputs: Vec<u8>,
    pub max_requests: u8,
}

impl Requests {
    /// `n` requests at time 0, alternating between two prefix groups.
    pub fn start(n: usize) -> Requests {
        Requests {
            arrivals: vec![0; n],
            groups: (0..n).map(|i| (i % 2) as u8).collect(),
            blocks: vec![4; n],
            outputs: vec![16; n],
            max_requests: n as u8,
        }
    }

    /// The requests as a Mooncake trace (JSON lines), in arrival order: what
    /// `schedlab serve --trace` and the Serving lab's upload read.
    pub fn trace(&self) -> String {
        // By arrival, ties in index order (stable), through the one shared sort.
        let mut idx: Vec<usize> = (0..self.arrivals.len()).collect();
        crate::util::sort_positions(&mut idx, &|a, b| self.arrivals[a].cmp(&self.arrivals[b]));
        let mut out = String::new();
        for i in idx {
            let b = usize::from(self.blocks[i]);
            let g = u64::from(self.groups[i]);
            let ids: Vec<String> = (0..b as u64).map(|k| (g * 1000 + k).to_string()).collect();
            out.push_str(&format!(
                "{{\"timestamp\": {}, \"input_length\": {}, \"output_length\": {}, \"hash_ids\": [{}]}}\n",
                u32::from(self.arrivals[i]) * 10,
                b * crate::serve::BLOCK_TOKENS,
                self.outputs[i],
                ids.join(", ")
            ));
        }
        out
    }

    /// The Serving lab's settings for these requests, `instances` instances and the two
    /// routers, with `schedlab serve`'s defaults otherwise (SLO 2 s, seed 1) and the arrival
    /// times exactly as searched (no spreading): the run `schedlab serve --trace FILE
    /// --no-spread --instances N --routers A,B` makes.
    pub fn settings(
        &self,
        instances: usize,
        a: &str,
        b: &str,
    ) -> Result<crate::serve::lab::ServingSettings> {
        Ok(crate::serve::lab::ServingSettings {
            trace: Some(crate::serve::parse_trace("adversary", &self.trace())?),
            instances,
            routers: vec![a.to_string(), b.to_string()],
            slo_ms: 2000.0,
            spread: false,
            seed: 1,
            ..crate::serve::lab::ServingSettings::default()
        })
    }
}

impl Candidate for Requests {
    /// Move an arrival by up to ±100 ms, change a request's prefix group, prompt length (±2
    /// blocks) or output length (±16 tokens), add a request, remove one.
    fn perturb(&mut self, rng: &mut StdRng) {
        let n = self.arrivals.len();
        let mut kind = rng.random_range(0..6u8);
        if kind == 4 && n >= usize::from(self.max_requests) || kind == 5 && n <= 2 {
            kind = 0;
        }
        let j = rng.random_range(0..n);
        let step = |rng: &mut StdRng, v: i32, d: i32, lo: i32, hi: i32| {
            (v + rng.random_range(-d..=d)).clamp(lo, hi)
        };
        match kind {
            0 => self.arrivals[j] = step(rng, i32::from(self.arrivals[j]), 10, 0, 300) as u16,
            1 => self.groups[j] = rng.random_range(0..4u8),
            2 => self.blocks[j] = step(rng, i32::from(self.blocks[j]), 2, 1, 8) as u8,
            3 => self.outputs[j] = step(rng, i32::from(self.outputs[j]), 16, 1, 128) as u8,
            4 => {
                self.arrivals.push(rng.random_range(0..=300u16));
                self.groups.push(rng.random_range(0..4u8));
                self.blocks.push(rng.random_range(1..=8u8));
                self.outputs.push(rng.random_range(1..=128u8));
            }
            _ => {
                self.arrivals.remove(j);
                self.groups.remove(j);
                self.blocks.remove(j);
                self.outputs.remove(j);
            }
        }
    }
}

/// A serving search: router A's mean time to first token against router B's on the same
/// requests and cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServeSearch {
    pub router: String,
    pub baseline: String,
    pub instances: usize,
    pub state: Anneal<Requests>,
}

/// Mean TTFT (ms) of the two routers on `r`, as the Serving lab computes it.
pub fn ttft_means(instances: usize, a: &str, b: &str, r: &Requests) -> Result<(f64, f64)> {
    let run = crate::serve::lab::run(&r.settings(instances, a, b)?)?;
    Ok((
        run.runs[0].metrics.ttft_mean_ms,
        run.runs[1].metrics.ttft_mean_ms,
    ))
}

impl ServeSearch {
    pub fn new(
        router: &str,
        baseline: &str,
        instances: usize,
        requests: usize,
        seed: u64,
    ) -> Result<ServeSearch> {
        if !(2..=MAX_REQUESTS).contains(&requests) {
            return Err(Error::config(format!(
                "the serving adversary's sequences have 2 to {MAX_REQUESTS} requests (got {requests})"
            )));
        }
        if !(1..=MAX_PROCESSORS).contains(&instances) {
            return Err(Error::config(format!(
                "the serving adversary's clusters have 1 to {MAX_PROCESSORS} instances (got {instances})"
            )));
        }
        let start = Requests::start(requests);
        let (a, b) = ttft_means(instances, router, baseline, &start)?;
        Ok(ServeSearch {
            router: router.to_string(),
            baseline: baseline.to_string(),
            instances,
            state: Anneal::new(start, a / b, seed),
        })
    }

    pub fn step(&mut self, steps: u64) {
        let (k, a, b) = (self.instances, self.router.clone(), self.baseline.clone());
        self.state
            .step(steps, &|r| ttft_means(k, &a, &b, r).map(|(x, y)| x / y));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perturbations_keep_instances_valid_and_in_bounds() {
        let mut inst = Instance::chain(6, 3);
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..2_000 {
            inst.perturb(&mut rng);
            assert!(inst.deps.iter().all(|d| d.0 < d.1 && (d.1 as usize) < 6));
            assert!(
                inst.deps
                    .windows(2)
                    .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)),
                "dependencies sorted, no duplicate: {:?}",
                inst.deps
            );
            let all = inst.costs.iter().chain(&inst.speeds).chain(&inst.links);
            assert!(all
                .chain(inst.deps.iter().map(|d| &d.2))
                .all(|&h| (10..=100).contains(&h)));
            Problem::new(&inst.scenario("x")).unwrap();
        }
    }

    #[test]
    fn a_search_is_resumable_and_deterministic() {
        let settings = Settings::default();
        let (mut one, pair) = Search::new(settings.clone()).unwrap();
        one.step(&pair, 300);
        let (mut two, pair2) = Search::new(settings).unwrap();
        for _ in 0..3 {
            two.step(&pair2, 100);
            // Through JSON, as the page's worker would carry it.
            two = serde_json::from_str(&serde_json::to_string(&two).unwrap()).unwrap();
        }
        assert_eq!(one, two);
        assert!(one.state.best_ratio >= one.state.history[0].1);
    }

    #[test]
    fn srpt_is_never_beaten_and_fcfs_is_found_out() {
        // SRPT is optimal for total flow time on one machine: no policy's ratio is below 1,
        // and SRPT's own is exactly 1, on every job set the search visits.
        let mut s = StreamSearch::new("srpt", 5, None, 2).unwrap();
        s.step(400).unwrap();
        assert_eq!(s.state.best_ratio, 1.0);
        for p in ["fcfs", "ps", "las", "rr:0.1", "mlfq"] {
            let mut s = StreamSearch::new(p, 5, None, 3).unwrap();
            s.step(1500).unwrap();
            assert!(s.state.history.iter().all(|h| h.1 >= 1.0 - 1e-12), "{p}");
            let (a, b) = flow_times(
                &crate::stream::policy::Policy::parse(p).unwrap(),
                &s.state.best,
            )
            .unwrap();
            assert_eq!(a / b, s.state.best_ratio, "{p}: the ratio reproduces");
            assert!(s.state.best_ratio > 1.2, "{p}: {}", s.state.best_ratio);
        }
    }

    #[test]
    fn a_serving_search_finds_where_round_robin_loses_to_cache_affinity() {
        let mut s = ServeSearch::new("round_robin", "least_loaded", 2, 8, 1).unwrap();
        s.step(400);
        assert!(s.state.best_ratio > 1.2, "{}", s.state.best_ratio);
        let (a, b) = ttft_means(2, "round_robin", "least_loaded", &s.state.best).unwrap();
        assert_eq!(a / b, s.state.best_ratio, "the ratio reproduces");
        // The trace it prints reads back as the same requests.
        let w = crate::serve::parse_trace("t", &s.state.best.trace()).unwrap();
        assert_eq!(w.requests.len(), s.state.best.arrivals.len());
    }

    #[test]
    fn operation_srpt_stays_within_2_on_uniform_tests_and_the_others_do_not() {
        // The paper's theorem: a ratio above 2 would be a bug.
        let mut s = StreamSearch::new("op_srpt", 6, Some(1.0), 4).unwrap();
        s.step(3000).unwrap();
        assert!(
            s.state.history.iter().all(|h| h.1 <= 2.0 + 1e-12),
            "{:?}",
            s.state.history
        );
        assert!(s.state.best_ratio > 1.2, "{}", s.state.best_ratio);
        // Least attained service cannot tell a job in its test from one in its work.
        let mut s = StreamSearch::new("las", 6, Some(1.0), 4).unwrap();
        s.step(3000).unwrap();
        assert!(s.state.best_ratio > 2.5, "las: {}", s.state.best_ratio);
    }
}
