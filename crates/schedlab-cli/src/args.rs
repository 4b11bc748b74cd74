//! Every flag of every command (clap structs), the flag groups several commands share, and
//! the bounds of every count flag, checked at parse time so that no command ever sizes an
//! allocation from an unchecked number.

use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use schedlab_core::sched::Options;
use schedlab_core::sim::RandomStragglers;
use schedlab_core::stream::dag::DagMix;
use schedlab_core::Noise;

use crate::error::{CliResult, Fail};

/// Upper bounds of the count flags. Those taken from `schedlab_core` are the engine's own
/// documented limits; the others mirror checks the engine makes without a named constant
/// (or bound a value the engine leaves open), and are defined here.
pub mod limits {
    use schedlab_core::scenario::limits as scenario;
    use schedlab_core::serve;
    use schedlab_core::stream::{self, dag, learned};

    /// Processors of a scenario (`--processors`).
    pub const PROCESSORS: usize = scenario::MAX_PROCESSORS;
    /// Tasks of a generated DAG, and so every size parameter of a DAG family.
    pub const TASKS: usize = scenario::MAX_TASKS;
    /// Jobs of a generated stream.
    pub const STREAM_JOBS: usize = stream::MAX_JOBS;
    /// Requests of a synthetic serving workload.
    pub const REQUESTS: usize = serve::MAX_REQUESTS;
    /// Model instances of a serving cluster.
    pub const INSTANCES: usize = serve::sim::MAX_INSTANCES;
    /// Hidden units of a learned policy.
    pub const HIDDEN: usize = learned::MAX_HIDDEN;
    /// Waiting tasks a processor may hold (a DAG policy's depth).
    pub const POLICY_DEPTH: usize = dag::MAX_DEPTH;

    // Defined here: the engine checks these with a literal.
    /// Machines of a stream (`stream::generate`).
    pub const MACHINES: usize = 4096;
    /// Tasks per random DAG job (`DagMix::templates`).
    pub const DAG_JOB_TASKS: usize = 1000;
    /// Operations per chain job (`stream::generate`).
    pub const CHAIN_OPS: usize = 10_000;
    /// Jobs per training stream (`TrainConfig::validate`).
    pub const TRAIN_JOBS: usize = 10_000;
    /// Antithetic pairs per training iteration (`TrainConfig::validate`).
    pub const TRAIN_PAIRS: usize = 256;
    /// Training streams per iteration (`TrainConfig::validate`).
    pub const TRAIN_STREAMS: usize = 256;
    /// Training iterations (`TrainConfig::validate`).
    pub const TRAIN_ITERATIONS: usize = 1_000_000;
    /// Held-out streams per noise level (`learned::evaluate_with`).
    pub const EVAL_SEEDS: usize = 10_000;

    // Defined here: the engine has no bound.
    /// Noise samples per level of `compare`.
    pub const COMPARE_SEEDS: usize = 100_000;
    /// KV-cache blocks per instance: more than any workload can hold is meaningless.
    pub const CACHE_BLOCKS: usize = serve::MAX_REQUESTS * serve::MAX_BLOCKS;
}

use limits::*;

/// The value parser of a count flag: a whole number from `MIN` to `MAX`, so that a bad
/// count is refused by clap (exit 2, one `error:` line naming the flag) before any work.
fn count<const MIN: usize, const MAX: usize>(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (MIN..=MAX).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from {MIN} to {MAX}")),
    }
}

#[derive(Parser)]
#[command(name = "schedlab", version = schedlab_core::VERSION, about = "Schedule task graphs on heterogeneous processors, with and without noise")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum OutFormat {
    Json,
    Table,
}

/// `--format json|table`, JSON by default (`compare` defaults to a table and has its own).
#[derive(Args)]
pub struct FormatArgs {
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    pub format: OutFormat,
}

/// `-o/--output FILE`: where a converted scenario goes (default: stdout).
#[derive(Args)]
pub struct OutputArgs {
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    pub fn path(&self) -> Option<&Path> {
        self.output.as_deref()
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Schedule a scenario with one scheduler and execute the plan (optionally under noise).
    Run(RunArgs),
    /// Compare schedulers over noise levels and seeds (mean and std of every metric).
    Compare(CompareArgs),
    /// Generate scenarios.
    Gen {
        #[command(subcommand)]
        what: GenCommand,
    },
    /// Convert a file of another format to a schedlab scenario (printed as JSON).
    Import(ImportArgs),
    /// Convert a schedlab scenario to another format.
    Export(ExportArgs),
    /// List the schedulers (or, with --kind, the online policies, DAG-job policies or
    /// routers), one line each.
    Schedulers(SchedulersArgs),
    /// Online scheduling of arriving jobs: compare policies on one generated stream.
    Stream(StreamArgs),
    /// Route LLM requests across model instances with prefix KV caches: compare routers
    /// (`serve capacity` searches each router's effective capacity).
    Serve(ServeArgs),
    /// Train the learned policy for DAG-job streams (evolution strategies) and write its
    /// weights file.
    Train(TrainArgs),
    /// Evaluate DAG-job policies (learned, heft, etf, dls_srpt, …) on held-out streams over
    /// noise levels: mean and std of job latency.
    Eval(EvalArgs),
    /// Run what a share link (or an exported state or scenario file) shows: the rows of
    /// `compare`, `stream` or `serve` for the lab on screen, with the page's numbers.
    Open(OpenArgs),
    /// A seeded predict-then-reveal exercise: its problem (a scenario or a job table the
    /// labs read) and question; `--answer` checks an answer, `--reveal` prints the answer.
    Exercise(ExerciseArgs),
    /// Search for a small instance on which a scheduler is worst against a baseline
    /// (simulated annealing, after PISA): the ratio and the instance, which `schedlab run`
    /// reproduces; `--all` searches every pair of the registry.
    Adversary(AdversaryArgs),
}

#[derive(Args)]
pub struct AdversaryArgs {
    /// The scheduler to break (an id or a spelling: `heft`, `rule:priority=rank_d`).
    #[arg(long, required_unless_present_any = ["all", "stream", "serve"])]
    pub scheduler: Option<String>,
    /// What it is compared with (a scheduler, or with --serve a router).
    #[arg(long, required_unless_present_any = ["all", "stream"])]
    pub baseline: Option<String>,
    /// Search short request sequences instead: router --router's mean time to first token
    /// against router --baseline's on the same requests and cluster.
    #[arg(long, requires_all = ["router", "baseline"], conflicts_with_all = ["scheduler", "all", "stream"])]
    pub serve: bool,
    /// The router to break (with --serve).
    #[arg(long)]
    pub router: Option<String>,
    /// Model instances in the cluster (with --serve, 1..8; `serve --instances`).
    #[arg(long, default_value_t = 2)]
    pub cluster: usize,
    /// Most requests in the sequences searched (with --serve, 2..24).
    #[arg(long, default_value_t = 8)]
    pub requests: usize,
    /// Search job sets for one machine instead: an online policy's total flow time against
    /// the optimum (clairvoyant SRPT), the empirical competitive ratio.
    #[arg(long, requires = "policy", conflicts_with_all = ["scheduler", "baseline", "all"])]
    pub stream: bool,
    /// The online policy (with --stream): `fcfs`, `rr:0.5`, `rule:age - attained`, …
    #[arg(long)]
    pub policy: Option<String>,
    /// Most jobs in the sets searched (with --stream, 2..12).
    #[arg(long, default_value_t = 5)]
    pub jobs: usize,
    /// The job sets searched (with --stream): single (one operation each, clairvoyant),
    /// uniform-tests (a test of --test, then the work, revealed when the test ends) or
    /// revealed (1 to --max-ops operations per job, each revealed when the one before ends).
    #[arg(long, default_value = "single")]
    pub instances: String,
    /// The test's length (with --instances uniform-tests).
    #[arg(long, default_value_t = 1.0)]
    pub test: f64,
    /// Most operations per job (with --instances revealed, 1..6).
    #[arg(long, default_value_t = 3)]
    pub max_ops: usize,
    /// Every (scheduler, baseline) pair of the registry (user rules aside): a matrix of the
    /// worst ratios found.
    #[arg(long, conflicts_with_all = ["scheduler", "baseline"])]
    pub all: bool,
    /// Annealing steps.
    #[arg(long, default_value_t = 2000, value_parser = count::<1, 10_000_000>)]
    pub iterations: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Tasks in the instances searched (2..30).
    #[arg(long, default_value_t = 4)]
    pub tasks: usize,
    /// Processors in the instances searched (1..8).
    #[arg(long, default_value_t = 3)]
    pub processors: usize,
    #[command(flatten)]
    pub out: FormatArgs,
}

#[derive(Args)]
pub struct ExerciseArgs {
    /// heft_makespan, rank_u, first_processor, fcfs_wait, srpt_wait or rr_wait.
    #[arg(long)]
    pub kind: String,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// An answer to check (a number within 0.01, or a processor name).
    #[arg(long)]
    pub answer: Option<String>,
    /// Print the expected answer too.
    #[arg(long)]
    pub reveal: bool,
    #[command(flatten)]
    pub out: FormatArgs,
}

#[derive(Args)]
pub struct OpenArgs {
    /// A share link (a URL with `#s1.…`, or the fragment alone), or a file holding one, an
    /// exported state (JSON) or a schedlab scenario (run as the DAG lab with HEFT).
    #[arg(value_name = "LINK_OR_FILE")]
    pub input: String,
    #[command(flatten)]
    pub out: FormatArgs,
}

/// Which registry `schedlab schedulers` lists.
#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum KindArg {
    /// Static schedulers for the DAG lab (`run`, `compare`).
    Sched,
    /// Online policies for streams of jobs (`stream --policies`).
    Stream,
    /// Policies for streams of DAG jobs (`stream --mix dag|ds3 --policies`).
    Dag,
    /// Routers (`serve --routers`).
    Router,
    /// All four, each under a heading.
    All,
}

#[derive(Args)]
pub struct SchedulersArgs {
    /// Which registry to list.
    #[arg(long, value_enum, default_value = "sched")]
    pub kind: KindArg,
    /// List the variables a user rule (`rule:…`) of this kind may read instead, one line
    /// each (docs/rules.md).
    #[arg(long)]
    pub variables: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum WorkloadArg {
    /// DS3's WiFi TX/RX jobs on the 16-PE DASH SoC.
    Ds3,
    /// Random Topcuoglu DAG jobs (16 templates, --dag-tasks tasks) on --processors processors.
    RandomDagStream,
    /// One random DAG per seed, arriving at time 0 (latency = makespan).
    RandomDag,
}

#[derive(Args)]
pub struct WorkloadArgs {
    #[arg(long, value_enum, default_value_t = WorkloadArg::Ds3)]
    pub workload: WorkloadArg,
    /// Tasks per random DAG (random-dag-stream, random-dag).
    #[arg(long, default_value_t = 20, value_parser = count::<1, DAG_JOB_TASKS>)]
    pub dag_tasks: usize,
    /// Processors for random DAGs.
    #[arg(long, default_value_t = 4, value_parser = count::<1, PROCESSORS>)]
    pub processors: usize,
}

impl WorkloadArgs {
    pub fn mix(&self) -> DagMix {
        match self.workload {
            WorkloadArg::Ds3 => DagMix::Ds3,
            WorkloadArg::RandomDagStream => random_dags(
                self.dag_tasks,
                self.processors,
                schedlab_core::stream::lab::RANDOM_DAG_TEMPLATES,
            ),
            WorkloadArg::RandomDag => random_dags(self.dag_tasks, self.processors, 1),
        }
    }
}

/// Random DAG jobs of `tasks` tasks on `processors` processors, from `templates` templates.
pub fn random_dags(tasks: usize, processors: usize, templates: usize) -> DagMix {
    DagMix::Random {
        tasks,
        processors,
        templates,
        ccr: 1.0,
        beta: 1.0,
    }
}

#[derive(Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Training iterations.
    #[arg(long, default_value_t = 150, value_parser = count::<0, TRAIN_ITERATIONS>)]
    pub iterations: usize,
    /// Jobs per training stream.
    #[arg(long, default_value_t = 40, value_parser = count::<1, TRAIN_JOBS>)]
    pub jobs: usize,
    /// Target load ρ of the training streams.
    #[arg(long, default_value_t = 0.7)]
    pub load: f64,
    /// Execution-noise σ levels; each training stream draws one.
    #[arg(long, value_delimiter = ',', default_value = "0,0.1,0.2,0.3,0.5")]
    pub noise: Vec<f64>,
    /// Antithetic perturbation pairs per iteration.
    #[arg(long, default_value_t = 8, value_parser = count::<1, TRAIN_PAIRS>)]
    pub pairs: usize,
    /// Perturbation scale of evolution strategies.
    #[arg(long, default_value_t = 0.05)]
    pub sigma: f64,
    /// Adam learning rate.
    #[arg(long, default_value_t = 0.03)]
    pub lr: f64,
    /// Training streams per iteration.
    #[arg(long, default_value_t = 4, value_parser = count::<1, TRAIN_STREAMS>)]
    pub streams: usize,
    /// Hidden units.
    #[arg(long, default_value_t = 16, value_parser = count::<1, HIDDEN>)]
    pub hidden: usize,
    /// Waiting tasks a processor may hold.
    #[arg(long, default_value_t = 2, value_parser = count::<1, POLICY_DEPTH>)]
    pub depth: usize,
    /// Start from this weights file (fine-tuning) instead of a random network.
    #[arg(long)]
    pub init: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where to write the weights (default: stdout).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// Write the learning curve here as CSV (iteration, learned, heft_rt, dls_srpt,
    /// fitness) instead of inside the weights file (which then stays small enough for the
    /// web bundle).
    #[arg(long)]
    pub curve_csv: Option<PathBuf>,
}

#[derive(Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub workload: WorkloadArgs,
    /// Execution-noise σ levels.
    #[arg(long, value_delimiter = ',', default_value = "0,0.1,0.2,0.3,0.5")]
    pub noise: Vec<f64>,
    /// Policies: learned, heft (= heft_rt), etf[:depth], dls_srpt[:depth], dls_fcfs[:depth].
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "learned,heft,etf,dls_srpt"
    )]
    pub policies: Vec<String>,
    /// Held-out streams per noise level.
    #[arg(long, default_value_t = 10, value_parser = count::<1, EVAL_SEEDS>)]
    pub seeds: usize,
    /// Jobs per stream (random-dag: always 1).
    #[arg(long, default_value_t = 200, value_parser = count::<1, STREAM_JOBS>)]
    pub jobs: usize,
    /// Target load ρ.
    #[arg(long, default_value_t = 0.7)]
    pub load: f64,
    /// Weights for `learned` (default: the shipped assets/learned/policy.json).
    #[arg(long)]
    pub model: Option<PathBuf>,
    #[command(flatten)]
    pub out: FormatArgs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum ServeMode {
    /// The highest request rate at which the attainment target holds, per router.
    Capacity,
}

#[derive(Args)]
pub struct ServeArgs {
    /// `capacity`: search each router's effective capacity.
    #[arg(value_enum)]
    pub mode: Option<ServeMode>,
    /// A Mooncake trace (JSON lines: timestamp ms, input_length, output_length, hash_ids).
    #[arg(
        long,
        conflicts_with = "synthetic",
        required_unless_present = "synthetic"
    )]
    pub trace: Option<PathBuf>,
    /// The synthetic workload (Zipf shared-prefix groups, multi-turn, bursts).
    #[arg(long)]
    pub synthetic: bool,
    /// Synthetic requests.
    #[arg(long, default_value_t = 4000, value_parser = count::<1, REQUESTS>)]
    pub requests: usize,
    /// Synthetic mean request rate (req/s).
    #[arg(long, default_value_t = 4.0)]
    pub rate: f64,
    #[arg(long, default_value_t = 8, value_parser = count::<1, INSTANCES>)]
    pub instances: usize,
    /// Multiply the arrival rate (2 = twice as fast).
    #[arg(long, default_value_t = 1.0)]
    pub rate_scale: f64,
    /// Only the requests arriving in this window of the trace, in seconds: START:END.
    #[arg(long)]
    pub window: Option<String>,
    /// The TTFT SLO (ms).
    #[arg(long, default_value_t = 2000.0)]
    pub slo_ms: f64,
    /// The time-per-output-token SLO (ms): goodput counts requests meeting both.
    #[arg(long, default_value_t = 100.0)]
    pub tpot_slo_ms: f64,
    /// KV memory per instance in blocks of 512 tokens, shared by cached prefixes and running
    /// requests (232: Llama-2-7B on one A100-80GB, as Vidur sizes it).
    #[arg(long, default_value_t = schedlab_core::serve::sim::DEFAULT_KV_BLOCKS, value_parser = count::<1, CACHE_BLOCKS>)]
    pub cache_blocks: usize,
    /// How instances batch: fcfs (vLLM: whole prompts first) or chunked (Sarathi-Serve:
    /// decodes plus prefill chunks in every iteration).
    #[arg(long, value_enum, default_value_t = SchedulerArg::Fcfs)]
    pub scheduler: SchedulerArg,
    /// Tokens per iteration (0 = the scheduler's default: 4096 for fcfs, 512 for chunked).
    #[arg(long, default_value_t = 0)]
    pub token_budget: usize,
    /// Requests running at once per instance (vLLM's max_num_seqs; 0 = unlimited).
    #[arg(long, default_value_t = 128, value_parser = count::<0, REQUESTS>)]
    pub batch_limit: usize,
    /// Keep a trace's arrival times as they are (by default, requests sharing a timestamp
    /// are spread over the trace's resolution, seeded).
    #[arg(long)]
    pub no_spread: bool,
    #[arg(long, default_value_t = 0.0)]
    pub prefill_noise: f64,
    #[arg(long, default_value_t = 0.0)]
    pub decode_noise: f64,
    /// Slow instances: INSTANCE:FACTOR, comma-separated (e.g. 0:2).
    #[arg(long, value_delimiter = ',')]
    pub slow: Vec<String>,
    /// Add an instance at these times (ms), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub add_instance_at: Vec<f64>,
    /// Remove an instance at these times (ms), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub remove_instance_at: Vec<f64>,
    /// Capacity: the fraction of requests that must meet the SLO.
    #[arg(long, default_value_t = 0.9)]
    pub target: f64,
    /// Comma-separated routers: dualmap[:no_slo|no_rebalance|one_hash], round_robin,
    /// random, least_loaded[:tokens], consistent_hash, p2c, cache_aware, llm_d, rule:SCORE.
    #[arg(long, value_delimiter = ',', required = true)]
    pub routers: Vec<String>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Add why each request went where it did: per routing decision, the instances the
    /// router looked at (outstanding requests and tokens, cached prefix blocks, predicted
    /// TTFT), the one chosen and the reason; re-routes and rebalancing moves too.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub out: FormatArgs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum SchedulerArg {
    Fcfs,
    Chunked,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum MixArg {
    Single,
    Chain,
    Dag,
    Ds3,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
pub enum InfoArg {
    Clairvoyant,
    Estimated,
    Revealed,
    Nonclairvoyant,
}

#[derive(Args)]
pub struct StreamArgs {
    #[arg(long, default_value_t = 1000, value_parser = count::<1, STREAM_JOBS>)]
    pub jobs: usize,
    /// Machines (single/chain jobs) or processors (--mix dag; DS3's SoC has 16).
    #[arg(long, default_value_t = 1, value_parser = count::<1, MACHINES>)]
    pub machines: usize,
    /// Machine speeds, comma-separated, one per machine (related machines; single/chain).
    #[arg(long, value_delimiter = ',')]
    pub speeds: Vec<f64>,
    /// Time a job spends switching in each time it starts or resumes (single/chain).
    #[arg(long, default_value_t = 0.0)]
    pub context_switch: f64,
    /// Arrival trace: CSV `arrival[,size]` or JSON lines with `arrival`/`timestamp` (a
    /// Mooncake trace works); replaces --load / --mean-interarrival.
    #[arg(long, conflicts_with_all = ["load", "mean_interarrival", "burstiness"])]
    pub trace: Option<PathBuf>,
    /// Relative σ of execution times of DAG jobs' tasks (--mix dag|ds3).
    #[arg(long, default_value_t = 0.0)]
    pub exec_noise: f64,
    /// Tasks per random DAG job (--mix dag).
    #[arg(long, default_value_t = 20, value_parser = count::<1, DAG_JOB_TASKS>)]
    pub dag_tasks: usize,
    /// Target load ρ (arrival rate × mean size ÷ total machine speed; for DAG jobs the
    /// fastest-processor work ÷ processors).
    #[arg(long, conflicts_with = "mean_interarrival")]
    pub load: Option<f64>,
    /// Mean inter-arrival time (exponential), instead of --load.
    #[arg(long)]
    pub mean_interarrival: Option<f64>,
    /// Gamma inter-arrival times with this coefficient of variation (1 = Poisson, > 1 bursty).
    #[arg(long)]
    pub burstiness: Option<f64>,
    #[arg(long, value_enum, default_value_t = MixArg::Single)]
    pub mix: MixArg,
    /// Mean job size (single) or operation size (chain).
    #[arg(long, default_value_t = 1.0)]
    pub mean_size: f64,
    /// Operations per job (chain).
    #[arg(long, default_value_t = 3, value_parser = count::<1, CHAIN_OPS>)]
    pub ops: usize,
    /// Operations per job drawn per job (chain): uniform:MIN:MAX, geometric:MEAN, fixed:K.
    #[arg(long, value_name = "DIST")]
    pub ops_dist: Option<String>,
    /// Operation sizes (chain; mean --mean-size): exp, uniform, bimodal, pareto:ALPHA.
    #[arg(long, value_name = "DIST")]
    pub op_size: Option<String>,
    /// A uniform obligatory test before each job's operations (chain): uniform:LENGTH.
    #[arg(long, value_name = "uniform:LENGTH")]
    pub tests: Option<String>,
    #[arg(long, value_enum, default_value_t = InfoArg::Clairvoyant)]
    pub info: InfoArg,
    /// Relative σ of size estimates (--info estimated).
    #[arg(long, default_value_t = 0.0)]
    pub estimate_noise: f64,
    /// Deadlines at arrival + slack × size (for EDF).
    #[arg(long)]
    pub deadline_slack: Option<f64>,
    /// Comma-separated policies: fcfs, sjf, srpt, srpt_est, op_srpt, rr[:quantum], ps, las,
    /// mlfq[:quantum[:levels]], edf; for DAG jobs (--mix dag|ds3): dls_srpt[:depth],
    /// dls_fcfs[:depth], heft_rt, etf[:depth], learned.
    #[arg(long, value_delimiter = ',', required = true)]
    pub policies: Vec<String>,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Add why each job ran when it did: at every event, the jobs in the system, what the
    /// policy compared (remaining work, attained service, …) and the rate it gave each.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub out: FormatArgs,
}

#[derive(Args)]
pub struct InputArgs {
    /// Scenario file: schedlab JSON, or saga / WfFormat / STG / DOT (detected).
    pub file: PathBuf,
    /// Processors to create for formats without a platform (STG, DOT, WfFormat).
    #[arg(long, value_parser = count::<1, PROCESSORS>)]
    pub processors: Option<usize>,
}

#[derive(Args)]
pub struct NoiseArgs {
    /// Relative σ of communication times.
    #[arg(long, default_value_t = 0.0)]
    pub comm_noise: f64,
    /// Probability that each processor straggles during the run.
    #[arg(long, default_value_t = 0.0)]
    pub straggler_prob: f64,
    /// Slowdown factor of a straggler.
    #[arg(long, default_value_t = 2.0)]
    pub straggler_factor: f64,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl NoiseArgs {
    pub fn noise(&self, exec_sigma: f64) -> Noise {
        Noise {
            exec_sigma,
            comm_sigma: self.comm_noise,
            stragglers: Vec::new(),
            random_stragglers: (self.straggler_prob > 0.0).then_some(RandomStragglers {
                probability: self.straggler_prob,
                factor: self.straggler_factor,
                duration: 0.5,
            }),
        }
    }
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Scheduler id (see `schedlab schedulers`).
    #[arg(long)]
    pub scheduler: String,
    /// Scheduler option, e.g. --set comm_average=saga.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Relative σ of execution times.
    #[arg(long, default_value_t = 0.0)]
    pub noise: f64,
    #[command(flatten)]
    pub noise_args: NoiseArgs,
    /// Add why each task went where it did: the scheduler's per-task tables (ranks) and,
    /// per placement, the ready tasks, the finish time on every processor and the choice.
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub out: FormatArgs,
}

#[derive(Args)]
pub struct CompareArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Comma-separated scheduler ids.
    #[arg(long, value_delimiter = ',', required = true)]
    pub schedulers: Vec<String>,
    /// Option for every scheduler that has it, e.g. --set comm_average=saga.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Comma-separated execution-noise levels σ.
    #[arg(long, value_delimiter = ',', default_value = "0")]
    pub noise: Vec<f64>,
    /// Noise samples per level.
    #[arg(long, default_value_t = 20, value_parser = count::<1, COMPARE_SEEDS>)]
    pub seeds: usize,
    #[command(flatten)]
    pub noise_args: NoiseArgs,
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    pub format: OutFormat,
}

#[derive(Subcommand)]
pub enum GenCommand {
    /// A task DAG: Topcuoglu's random DAGs or a structured family.
    Dag(GenDagArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FamilyArg {
    Random,
    Gaussian,
    Fft,
    ForkJoin,
    InTree,
    OutTree,
    Chain,
}

#[derive(Args)]
pub struct GenDagArgs {
    #[arg(long, value_enum, default_value_t = FamilyArg::Random)]
    pub family: FamilyArg,
    /// Random: number of tasks.
    #[arg(long, default_value_t = 50, value_parser = count::<1, TASKS>)]
    pub tasks: usize,
    /// Random: shape α (height ≈ √v/α, width ≈ α√v).
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f64,
    /// Random: mean out-degree.
    #[arg(long, default_value_t = 3, value_parser = count::<1, TASKS>)]
    pub out_degree: usize,
    /// Gaussian elimination: matrix size.
    #[arg(long, default_value_t = 5, value_parser = count::<1, TASKS>)]
    pub size: usize,
    /// FFT: input points (power of two).
    #[arg(long, default_value_t = 8, value_parser = count::<1, TASKS>)]
    pub points: usize,
    /// Fork-join: tasks per stage.
    #[arg(long, default_value_t = 4, value_parser = count::<1, TASKS>)]
    pub width: usize,
    /// Fork-join: stages.
    #[arg(long, default_value_t = 2, value_parser = count::<1, TASKS>)]
    pub stages: usize,
    /// Trees: children per node.
    #[arg(long, default_value_t = 2, value_parser = count::<1, TASKS>)]
    pub branching: usize,
    /// Trees: levels.
    #[arg(long, default_value_t = 4, value_parser = count::<1, TASKS>)]
    pub depth: usize,
    /// Chain: length.
    #[arg(long, default_value_t = 10, value_parser = count::<1, TASKS>)]
    pub length: usize,
    /// Communication-to-computation ratio.
    #[arg(long, default_value_t = 1.0)]
    pub ccr: f64,
    /// Processor heterogeneity β in [0, 2).
    #[arg(long, default_value_t = 0.5)]
    pub beta: f64,
    /// Mean computation cost.
    #[arg(long, default_value_t = 20.0)]
    pub mean_cost: f64,
    #[arg(long, default_value_t = 4, value_parser = count::<1, PROCESSORS>)]
    pub processors: usize,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FromArg {
    Schedlab,
    Saga,
    Wfformat,
    Stg,
    Dot,
    Ds3,
}

#[derive(Args)]
pub struct ImportArgs {
    #[arg(long, value_enum)]
    pub from: FromArg,
    /// Input file(s): saga takes a ProblemInstance or a task-graph + network pair; ds3 takes
    /// job file(s) and one SoC file.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[arg(long, value_parser = count::<1, PROCESSORS>)]
    pub processors: Option<usize>,
    #[command(flatten)]
    pub dest: OutputArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ToArg {
    Saga,
    Dot,
    Schedlab,
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    pub to: ToArg,
    pub file: PathBuf,
    #[command(flatten)]
    pub dest: OutputArgs,
}

/// Parses `--set KEY=VALUE` flags into scheduler options.
pub fn parse_sets(sets: &[String]) -> CliResult<Options> {
    let mut o = Options::new();
    for s in sets {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| Fail::new(format!("--set expects KEY=VALUE (got '{s}')")))?;
        o.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(o)
}

/// Checks a noise level σ given on the command line.
pub fn check_sigma(what: &str, v: f64) -> CliResult<()> {
    if !v.is_finite() || v < 0.0 {
        return Err(Fail::new(format!(
            "{what} must be a finite number >= 0 (got {v})"
        )));
    }
    Ok(())
}

/// A comma-separated list as clap split it, with the commas inside parentheses put back:
/// `heft,rule:priority=max(rank_u,rank_d)` is two schedulers, not three.
pub fn rejoin_parens(items: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut open = 0i64;
    for item in items {
        if open > 0 {
            if let Some(last) = out.last_mut() {
                last.push(',');
                last.push_str(item);
            }
        } else {
            out.push(item.clone());
        }
        open += item.matches('(').count() as i64 - item.matches(')').count() as i64;
        open = open.max(0);
    }
    out
}

/// Parses a list of ids (policies, routers) into `(id, parsed)` pairs.
pub fn parse_ids<T, E: std::fmt::Display>(
    ids: &[String],
    parse: impl Fn(&str) -> Result<T, E>,
) -> CliResult<Vec<(String, T)>> {
    ids.iter().map(|id| Ok((id.clone(), parse(id)?))).collect()
}
