//! `schedlab`: the engine at the terminal, for batch experiments.
//!
//! Any bad input exits with status 2 and one line on stderr starting `error:`; nothing is
//! printed on stdout then.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use schedlab_core::formats::{self, ExportFormat, Format, ImportOptions, InputFile};
use schedlab_core::gen::{self, Family, GenSpec};
use schedlab_core::run::{self, RunResult};
use schedlab_core::sched::{self, Options, REGISTRY};
use schedlab_core::sim::RandomStragglers;
use schedlab_core::{Noise, Problem, Scenario};
use serde_json::{json, Value};

mod table;

#[derive(Parser)]
#[command(name = "schedlab", version = schedlab_core::VERSION, about = "Schedule task graphs on heterogeneous processors, with and without noise")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum OutFormat {
    Json,
    Table,
}

#[derive(Subcommand)]
enum Command {
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
    /// List the schedulers, one line each.
    Schedulers,
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
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum WorkloadArg {
    /// DS3's WiFi TX/RX jobs on the 16-PE DASH SoC.
    Ds3,
    /// Random Topcuoglu DAG jobs (16 templates, --dag-tasks tasks) on --processors processors.
    RandomDagStream,
    /// One random DAG per seed, arriving at time 0 (latency = makespan).
    RandomDag,
}

#[derive(Args)]
struct WorkloadArgs {
    #[arg(long, value_enum, default_value_t = WorkloadArg::Ds3)]
    workload: WorkloadArg,
    /// Tasks per random DAG (random-dag-stream, random-dag).
    #[arg(long, default_value_t = 20)]
    dag_tasks: usize,
    /// Processors for random DAGs.
    #[arg(long, default_value_t = 4)]
    processors: usize,
}

impl WorkloadArgs {
    fn mix(&self) -> schedlab_core::stream::dag::DagMix {
        use schedlab_core::stream::dag::DagMix;
        match self.workload {
            WorkloadArg::Ds3 => DagMix::Ds3,
            WorkloadArg::RandomDagStream | WorkloadArg::RandomDag => DagMix::Random {
                tasks: self.dag_tasks,
                processors: self.processors,
                templates: if self.workload == WorkloadArg::RandomDag {
                    1
                } else {
                    16
                },
                ccr: 1.0,
                beta: 1.0,
            },
        }
    }
}

#[derive(Args)]
struct TrainArgs {
    #[command(flatten)]
    workload: WorkloadArgs,
    /// Training iterations.
    #[arg(long, default_value_t = 150)]
    iterations: usize,
    /// Jobs per training stream.
    #[arg(long, default_value_t = 40)]
    jobs: usize,
    /// Target load ρ of the training streams.
    #[arg(long, default_value_t = 0.7)]
    load: f64,
    /// Execution-noise σ levels; each training stream draws one.
    #[arg(long, value_delimiter = ',', default_value = "0,0.1,0.2,0.3,0.5")]
    noise: Vec<f64>,
    /// Antithetic perturbation pairs per iteration.
    #[arg(long, default_value_t = 8)]
    pairs: usize,
    /// Perturbation scale of evolution strategies.
    #[arg(long, default_value_t = 0.05)]
    sigma: f64,
    /// Adam learning rate.
    #[arg(long, default_value_t = 0.03)]
    lr: f64,
    /// Training streams per iteration.
    #[arg(long, default_value_t = 4)]
    streams: usize,
    /// Hidden units.
    #[arg(long, default_value_t = 16)]
    hidden: usize,
    /// Waiting tasks a processor may hold.
    #[arg(long, default_value_t = 2)]
    depth: usize,
    /// Start from this weights file (fine-tuning) instead of a random network.
    #[arg(long)]
    init: Option<PathBuf>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the weights (default: stdout).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// Write the learning curve here as CSV (iteration, learned, heft_rt, dls_srpt,
    /// fitness) instead of inside the weights file (which then stays small enough for the
    /// web bundle).
    #[arg(long)]
    curve_csv: Option<PathBuf>,
}

#[derive(Args)]
struct EvalArgs {
    #[command(flatten)]
    workload: WorkloadArgs,
    /// Execution-noise σ levels.
    #[arg(long, value_delimiter = ',', default_value = "0,0.1,0.2,0.3,0.5")]
    noise: Vec<f64>,
    /// Policies: learned, heft (= heft_rt), etf[:depth], dls_srpt[:depth], dls_fcfs[:depth].
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "learned,heft,etf,dls_srpt"
    )]
    policies: Vec<String>,
    /// Held-out streams per noise level.
    #[arg(long, default_value_t = 10)]
    seeds: usize,
    /// Jobs per stream (random-dag: always 1).
    #[arg(long, default_value_t = 200)]
    jobs: usize,
    /// Target load ρ.
    #[arg(long, default_value_t = 0.7)]
    load: f64,
    /// Weights for `learned` (default: the shipped assets/learned/policy.json).
    #[arg(long)]
    model: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    format: OutFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum ServeMode {
    /// The highest request rate at which the attainment target holds, per router.
    Capacity,
}

#[derive(Args)]
struct ServeArgs {
    /// `capacity`: search each router's effective capacity.
    #[arg(value_enum)]
    mode: Option<ServeMode>,
    /// A Mooncake trace (JSON lines: timestamp ms, input_length, output_length, hash_ids).
    #[arg(
        long,
        conflicts_with = "synthetic",
        required_unless_present = "synthetic"
    )]
    trace: Option<PathBuf>,
    /// The synthetic workload (Zipf shared-prefix groups, multi-turn, bursts).
    #[arg(long)]
    synthetic: bool,
    /// Synthetic requests.
    #[arg(long, default_value_t = 4000)]
    requests: usize,
    /// Synthetic mean request rate (req/s).
    #[arg(long, default_value_t = 4.0)]
    rate: f64,
    #[arg(long, default_value_t = 8)]
    instances: usize,
    /// Multiply the arrival rate (2 = twice as fast).
    #[arg(long, default_value_t = 1.0)]
    rate_scale: f64,
    /// Only the requests arriving in this window of the trace, in seconds: START:END.
    #[arg(long)]
    window: Option<String>,
    #[arg(long, default_value_t = 2000.0)]
    slo_ms: f64,
    /// KV-cache blocks (512 tokens) per instance.
    #[arg(long, default_value_t = 4096)]
    cache_blocks: usize,
    /// Requests decoding at once per instance (0 = unlimited).
    #[arg(long, default_value_t = 64)]
    batch_limit: usize,
    #[arg(long, default_value_t = 0.0)]
    prefill_noise: f64,
    #[arg(long, default_value_t = 0.0)]
    decode_noise: f64,
    /// Slow instances: INSTANCE:FACTOR, comma-separated (e.g. 0:2).
    #[arg(long, value_delimiter = ',')]
    slow: Vec<String>,
    /// Add an instance at these times (ms), comma-separated.
    #[arg(long, value_delimiter = ',')]
    add_instance_at: Vec<f64>,
    /// Remove an instance at these times (ms), comma-separated.
    #[arg(long, value_delimiter = ',')]
    remove_instance_at: Vec<f64>,
    /// Capacity: the fraction of requests that must meet the SLO.
    #[arg(long, default_value_t = 0.9)]
    target: f64,
    /// Comma-separated routers: dualmap, round_robin, random, least_loaded[:tokens],
    /// consistent_hash, p2c, cache_aware.
    #[arg(long, value_delimiter = ',', required = true)]
    routers: Vec<String>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    format: OutFormat,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum MixArg {
    Single,
    Chain,
    Dag,
    Ds3,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum InfoArg {
    Clairvoyant,
    Estimated,
    Revealed,
    Nonclairvoyant,
}

#[derive(Args)]
struct StreamArgs {
    #[arg(long, default_value_t = 1000)]
    jobs: usize,
    /// Machines (single/chain jobs) or processors (--mix dag; DS3's SoC has 16).
    #[arg(long, default_value_t = 1)]
    machines: usize,
    /// Machine speeds, comma-separated, one per machine (related machines; single/chain).
    #[arg(long, value_delimiter = ',')]
    speeds: Vec<f64>,
    /// Time a job spends switching in each time it starts or resumes (single/chain).
    #[arg(long, default_value_t = 0.0)]
    context_switch: f64,
    /// Arrival trace: CSV `arrival[,size]` or JSON lines with `arrival`/`timestamp` (a
    /// Mooncake trace works); replaces --load / --mean-interarrival.
    #[arg(long, conflicts_with_all = ["load", "mean_interarrival", "burstiness"])]
    trace: Option<PathBuf>,
    /// Relative σ of execution times of DAG jobs' tasks (--mix dag|ds3).
    #[arg(long, default_value_t = 0.0)]
    exec_noise: f64,
    /// Tasks per random DAG job (--mix dag).
    #[arg(long, default_value_t = 20)]
    dag_tasks: usize,
    /// Target load ρ (arrival rate × mean size ÷ total machine speed; for DAG jobs the
    /// fastest-processor work ÷ processors).
    #[arg(long, conflicts_with = "mean_interarrival")]
    load: Option<f64>,
    /// Mean inter-arrival time (exponential), instead of --load.
    #[arg(long)]
    mean_interarrival: Option<f64>,
    /// Gamma inter-arrival times with this coefficient of variation (1 = Poisson, > 1 bursty).
    #[arg(long)]
    burstiness: Option<f64>,
    #[arg(long, value_enum, default_value_t = MixArg::Single)]
    mix: MixArg,
    /// Mean job size (single) or operation size (chain).
    #[arg(long, default_value_t = 1.0)]
    mean_size: f64,
    /// Operations per job (chain).
    #[arg(long, default_value_t = 3)]
    ops: usize,
    #[arg(long, value_enum, default_value_t = InfoArg::Clairvoyant)]
    info: InfoArg,
    /// Relative σ of size estimates (--info estimated).
    #[arg(long, default_value_t = 0.0)]
    estimate_noise: f64,
    /// Deadlines at arrival + slack × size (for EDF).
    #[arg(long)]
    deadline_slack: Option<f64>,
    /// Comma-separated policies: fcfs, sjf, srpt, srpt_est, op_srpt, rr[:quantum], ps, las,
    /// mlfq[:quantum[:levels]], edf; for DAG jobs (--mix dag|ds3): dls_srpt[:depth],
    /// dls_fcfs[:depth], heft_rt, etf[:depth], learned.
    #[arg(long, value_delimiter = ',', required = true)]
    policies: Vec<String>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    format: OutFormat,
}

#[derive(Args)]
struct InputArgs {
    /// Scenario file: schedlab JSON, or saga / WfFormat / STG / DOT (detected).
    file: PathBuf,
    /// Processors to create for formats without a platform (STG, DOT, WfFormat).
    #[arg(long)]
    processors: Option<usize>,
}

#[derive(Args)]
struct NoiseArgs {
    /// Relative σ of communication times.
    #[arg(long, default_value_t = 0.0)]
    comm_noise: f64,
    /// Probability that each processor straggles during the run.
    #[arg(long, default_value_t = 0.0)]
    straggler_prob: f64,
    /// Slowdown factor of a straggler.
    #[arg(long, default_value_t = 2.0)]
    straggler_factor: f64,
    /// Seed of every random draw.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

impl NoiseArgs {
    fn noise(&self, exec_sigma: f64) -> Noise {
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
struct RunArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Scheduler id (see `schedlab schedulers`).
    #[arg(long)]
    scheduler: String,
    /// Scheduler option, e.g. --set comm_average=saga.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Relative σ of execution times.
    #[arg(long, default_value_t = 0.0)]
    noise: f64,
    #[command(flatten)]
    noise_args: NoiseArgs,
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    format: OutFormat,
}

#[derive(Args)]
struct CompareArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Comma-separated scheduler ids.
    #[arg(long, value_delimiter = ',', required = true)]
    schedulers: Vec<String>,
    /// Option for every scheduler that has it, e.g. --set comm_average=saga.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Comma-separated execution-noise levels σ.
    #[arg(long, value_delimiter = ',', default_value = "0")]
    noise: Vec<f64>,
    /// Noise samples per level.
    #[arg(long, default_value_t = 20)]
    seeds: usize,
    #[command(flatten)]
    noise_args: NoiseArgs,
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    format: OutFormat,
}

#[derive(Subcommand)]
enum GenCommand {
    /// A task DAG: Topcuoglu's random DAGs or a structured family.
    Dag(GenDagArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum FamilyArg {
    Random,
    Gaussian,
    Fft,
    ForkJoin,
    InTree,
    OutTree,
    Chain,
}

#[derive(Args)]
struct GenDagArgs {
    #[arg(long, value_enum, default_value_t = FamilyArg::Random)]
    family: FamilyArg,
    /// Random: number of tasks.
    #[arg(long, default_value_t = 50)]
    tasks: usize,
    /// Random: shape α (height ≈ √v/α, width ≈ α√v).
    #[arg(long, default_value_t = 1.0)]
    alpha: f64,
    /// Random: mean out-degree.
    #[arg(long, default_value_t = 3)]
    out_degree: usize,
    /// Gaussian elimination: matrix size.
    #[arg(long, default_value_t = 5)]
    size: usize,
    /// FFT: input points (power of two).
    #[arg(long, default_value_t = 8)]
    points: usize,
    /// Fork-join: tasks per stage.
    #[arg(long, default_value_t = 4)]
    width: usize,
    /// Fork-join: stages.
    #[arg(long, default_value_t = 2)]
    stages: usize,
    /// Trees: children per node.
    #[arg(long, default_value_t = 2)]
    branching: usize,
    /// Trees: levels.
    #[arg(long, default_value_t = 4)]
    depth: usize,
    /// Chain: length.
    #[arg(long, default_value_t = 10)]
    length: usize,
    /// Communication-to-computation ratio.
    #[arg(long, default_value_t = 1.0)]
    ccr: f64,
    /// Processor heterogeneity β in [0, 2).
    #[arg(long, default_value_t = 0.5)]
    beta: f64,
    /// Mean computation cost.
    #[arg(long, default_value_t = 20.0)]
    mean_cost: f64,
    #[arg(long, default_value_t = 4)]
    processors: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FromArg {
    Schedlab,
    Saga,
    Wfformat,
    Stg,
    Dot,
    Ds3,
}

#[derive(Args)]
struct ImportArgs {
    #[arg(long, value_enum)]
    from: FromArg,
    /// Input file(s): saga takes a ProblemInstance or a task-graph + network pair; ds3 takes
    /// job file(s) and one SoC file.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[arg(long)]
    processors: Option<usize>,
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ToArg {
    Saga,
    Dot,
    Schedlab,
}

#[derive(Args)]
struct ExportArgs {
    #[arg(long, value_enum)]
    to: ToArg,
    file: PathBuf,
    #[arg(short, long)]
    output: Option<PathBuf>,
}

/// A user-facing error: printed as one `error:` line, exit status 2.
struct Fail(String);

impl<E: std::fmt::Display> From<E> for Fail {
    fn from(e: E) -> Self {
        Fail(e.to_string())
    }
}

type CliResult<T> = Result<T, Fail>;

fn read(path: &Path) -> CliResult<String> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Fail(format!("cannot read {}: {e}", path.display())))?;
    if meta.len() as usize > schedlab_core::scenario::limits::MAX_INPUT_BYTES {
        return Err(Fail(format!(
            "{}: {} bytes exceeds the limit of {}",
            path.display(),
            meta.len(),
            schedlab_core::scenario::limits::MAX_INPUT_BYTES
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Fail(format!("cannot read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| Fail(format!("{}: not UTF-8 text", path.display())))
}

/// Loads a scenario from any readable format, detected by content.
fn load(input: &InputArgs) -> CliResult<(Scenario, Problem)> {
    let text = read(&input.file)?;
    let name = input.file.to_string_lossy();
    let opts = ImportOptions {
        processors: input.processors,
    };
    let file = InputFile {
        name: &name,
        text: &text,
    };
    let scenario = match formats::detect(&file) {
        Some(Format::Schedlab) => Scenario::from_json(&text)?,
        Some(Format::Ds3) => {
            return Err(Fail(format!(
            "{name}: DS3 needs a job file and a SoC file: use `schedlab import --from ds3 JOB SOC`"
        )))
        }
        Some(_) => formats::import_auto(&file, &opts)?,
        None => {
            // Not recognisably another format: report it as a schedlab scenario error.
            Scenario::from_json(&text).map_err(|e| Fail(format!("{name}: {e}")))?
        }
    };
    let problem = Problem::new(&scenario).map_err(|e| Fail(format!("{name}: {e}")))?;
    Ok((scenario, problem))
}

fn parse_sets(sets: &[String]) -> CliResult<Options> {
    let mut o = Options::new();
    for s in sets {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| Fail(format!("--set expects KEY=VALUE (got '{s}')")))?;
        o.insert(k.trim().to_string(), v.trim().to_string());
    }
    Ok(o)
}

fn check_sigma(what: &str, v: f64) -> CliResult<()> {
    if !v.is_finite() || v < 0.0 {
        return Err(Fail(format!(
            "{what} must be a finite number >= 0 (got {v})"
        )));
    }
    Ok(())
}

fn schedule_json(problem: &Problem, result: &RunResult, planned: bool) -> Value {
    let mut rows: Vec<(usize, f64, f64, usize)> = result
        .execution
        .tasks
        .iter()
        .enumerate()
        .map(|(t, r)| {
            if planned {
                (r.proc, r.planned_start, r.planned_end, t)
            } else {
                (r.proc, r.start, r.end, t)
            }
        })
        .collect();
    rows.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)).then(a.3.cmp(&b.3)));
    Value::Array(
        rows.into_iter()
            .map(|(p, s, e, t)| json!({"task": problem.task_names[t], "processor": problem.proc_names[p], "start": s, "end": e}))
            .collect(),
    )
}

fn metrics_json(problem: &Problem, result: &RunResult) -> Value {
    let m = &result.metrics;
    let mut obj = serde_json::Map::new();
    for (k, v) in m.scalars() {
        obj.insert(k.to_string(), json!(v));
    }
    let per_proc = |vals: &[f64]| -> Value {
        Value::Object(
            problem
                .proc_names
                .iter()
                .zip(vals)
                .map(|(n, v)| (n.clone(), json!(v)))
                .collect(),
        )
    };
    obj.insert("utilisation".into(), per_proc(&m.utilisation));
    obj.insert("idle_time".into(), per_proc(&m.idle_time));
    Value::Object(obj)
}

fn emit(text: &str, output: Option<&Path>) -> CliResult<()> {
    match output {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| Fail(format!("cannot write {}: {e}", p.display())))
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}

fn cmd_run(a: &RunArgs) -> CliResult<()> {
    check_sigma("--noise", a.noise)?;
    check_sigma("--comm-noise", a.noise_args.comm_noise)?;
    let options = parse_sets(&a.set)?;
    sched::find(&a.scheduler)?.build(&options)?;
    let (_, problem) = load(&a.input)?;
    let noise = a.noise_args.noise(a.noise);
    let result = run::run(&problem, &a.scheduler, &options, &noise, a.noise_args.seed)?;
    let text = match a.format {
        OutFormat::Json => {
            let v = json!({
                "scheduler": a.scheduler,
                "options": options,
                "seed": a.noise_args.seed,
                "noise": noise,
                "makespan": result.metrics.makespan,
                "metrics": metrics_json(&problem, &result),
                "schedule": schedule_json(&problem, &result, false),
                "plan": schedule_json(&problem, &result, true),
            });
            serde_json::to_string_pretty(&v)? + "\n"
        }
        OutFormat::Table => table::run(&problem, &result),
    };
    emit(&text, None)
}

fn cmd_compare(a: &CompareArgs) -> CliResult<()> {
    for &s in &a.noise {
        check_sigma("--noise", s)?;
    }
    check_sigma("--comm-noise", a.noise_args.comm_noise)?;
    if a.seeds == 0 || a.seeds > 100_000 {
        return Err(Fail(format!(
            "--seeds must be between 1 and 100000 (got {})",
            a.seeds
        )));
    }
    let sets = parse_sets(&a.set)?;
    let mut schedulers = Vec::new();
    for id in &a.schedulers {
        let spec = sched::find(id)?;
        let opts: Options = sets
            .iter()
            .filter(|(k, _)| spec.options.iter().any(|o| o.key == k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        spec.build(&opts)?;
        schedulers.push((id.clone(), opts));
    }
    for k in sets.keys() {
        if !schedulers
            .iter()
            .any(|(id, _)| sched::find(id).is_ok_and(|s| s.options.iter().any(|o| o.key == k)))
        {
            return Err(Fail(format!("no chosen scheduler has the option '{k}'")));
        }
    }
    let (_, problem) = load(&a.input)?;
    let rows = run::compare(
        &problem,
        &schedulers,
        &a.noise,
        &a.noise_args.noise(0.0),
        a.seeds,
        a.noise_args.seed,
    )?;
    let text = match a.format {
        OutFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
        OutFormat::Table => table::compare(&rows),
    };
    emit(&text, None)
}

fn cmd_gen(a: &GenDagArgs) -> CliResult<()> {
    let family = match a.family {
        FamilyArg::Random => Family::Random {
            tasks: a.tasks,
            alpha: a.alpha,
            out_degree: a.out_degree,
        },
        FamilyArg::Gaussian => Family::Gaussian { size: a.size },
        FamilyArg::Fft => Family::Fft { points: a.points },
        FamilyArg::ForkJoin => Family::ForkJoin {
            width: a.width,
            stages: a.stages,
        },
        FamilyArg::InTree => Family::InTree {
            branching: a.branching,
            depth: a.depth,
        },
        FamilyArg::OutTree => Family::OutTree {
            branching: a.branching,
            depth: a.depth,
        },
        FamilyArg::Chain => Family::Chain { length: a.length },
    };
    let s = gen::generate(&GenSpec {
        family,
        processors: a.processors,
        ccr: a.ccr,
        beta: a.beta,
        mean_cost: a.mean_cost,
        seed: a.seed,
    })?;
    emit(&s.to_json(), a.output.as_deref())
}

fn cmd_import(a: &ImportArgs) -> CliResult<()> {
    let format = match a.from {
        FromArg::Schedlab => Format::Schedlab,
        FromArg::Saga => Format::Saga,
        FromArg::Wfformat => Format::WfFormat,
        FromArg::Stg => Format::Stg,
        FromArg::Dot => Format::Dot,
        FromArg::Ds3 => Format::Ds3,
    };
    let texts: Vec<(String, String)> = a
        .files
        .iter()
        .map(|p| Ok((p.to_string_lossy().into_owned(), read(p)?)))
        .collect::<CliResult<_>>()?;
    let files: Vec<InputFile> = texts
        .iter()
        .map(|(n, t)| InputFile { name: n, text: t })
        .collect();
    let s = formats::import(
        format,
        &files,
        &ImportOptions {
            processors: a.processors,
        },
    )?;
    emit(&s.to_json(), a.output.as_deref())
}

fn cmd_export(a: &ExportArgs) -> CliResult<()> {
    let (scenario, _) = load(&InputArgs {
        file: a.file.clone(),
        processors: None,
    })?;
    let to = match a.to {
        ToArg::Saga => ExportFormat::Saga,
        ToArg::Dot => ExportFormat::Dot,
        ToArg::Schedlab => ExportFormat::Schedlab,
    };
    emit(&formats::export(to, &scenario)?, a.output.as_deref())
}

fn cmd_stream(a: &StreamArgs) -> CliResult<()> {
    use schedlab_core::stream::dag::{self, DagMix, DagPolicy, DagSpec};
    use schedlab_core::stream::policy::Policy;
    use schedlab_core::stream::sim::{simulate, StreamMetrics};
    use schedlab_core::stream::{generate, trace, Arrivals, Info, Mix, StreamSpec};
    let arrivals = match (&a.trace, a.load, a.mean_interarrival, a.burstiness) {
        (Some(path), ..) => Arrivals::Trace(trace::parse(&path.to_string_lossy(), &read(path)?)?),
        (None, Some(rho), _, None) => Arrivals::Load { rho },
        (None, None, Some(t), None) => Arrivals::Poisson {
            mean_interarrival: t,
        },
        (None, None, None, None) => Arrivals::Load { rho: 0.8 },
        (None, Some(rho), _, Some(cv)) => Arrivals::GammaLoad { rho, cv },
        (None, None, Some(t), Some(cv)) => Arrivals::Gamma {
            mean_interarrival: t,
            cv,
        },
        (None, None, None, Some(cv)) => Arrivals::GammaLoad { rho: 0.8, cv },
    };
    let mix = match a.mix {
        MixArg::Single => Mix::Single {
            mean_size: a.mean_size,
        },
        MixArg::Chain => Mix::Chain {
            ops: a.ops,
            mean_op: a.mean_size,
        },
        MixArg::Dag | MixArg::Ds3 => {
            let mix = if matches!(a.mix, MixArg::Ds3) {
                DagMix::Ds3
            } else {
                DagMix::Random {
                    tasks: a.dag_tasks,
                    processors: a.machines,
                    templates: 16,
                    ccr: 1.0,
                    beta: 1.0,
                }
            };
            let policies: Vec<(String, DagPolicy)> = a
                .policies
                .iter()
                .map(|p| Ok((p.clone(), DagPolicy::parse(p)?)))
                .collect::<CliResult<_>>()?;
            let s = dag::generate(&DagSpec {
                jobs: a.jobs,
                arrivals,
                mix,
                exec_sigma: a.exec_noise,
                seed: a.seed,
            })?;
            let mut rows = Vec::new();
            for (id, p) in &policies {
                let run = dag::simulate(&s, p.clone())?;
                let m = dag::metrics(&s, &run);
                let mut v = serde_json::to_value(&m)?;
                v["policy"] = json!(id);
                rows.push(v);
            }
            return emit(&stream_output(&rows, a.format, false)?, None);
        }
    };
    let info = match a.info {
        InfoArg::Clairvoyant => Info::Clairvoyant,
        InfoArg::Estimated => Info::Estimated,
        InfoArg::Revealed => Info::Revealed,
        InfoArg::Nonclairvoyant => Info::NonClairvoyant,
    };
    let policies: Vec<(String, Policy)> = a
        .policies
        .iter()
        .map(|p| Ok((p.clone(), Policy::parse(p)?)))
        .collect::<CliResult<_>>()?;
    let spec = StreamSpec {
        speeds: a.speeds.clone(),
        context_switch: a.context_switch,
        jobs: a.jobs,
        machines: a.machines,
        arrivals,
        mix,
        info,
        estimate_noise: a.estimate_noise,
        deadline_slack: a.deadline_slack,
        seed: a.seed,
    };
    let stream = generate(&spec)?;
    let reference = schedlab_core::stream::sim::reference_flow(&stream)?;
    let mut rows = Vec::new();
    for (id, p) in &policies {
        let run = simulate(&stream, *p)?;
        let m = StreamMetrics::compute(&stream, &run);
        let mut v = serde_json::to_value(&m)?;
        v["policy"] = json!(id);
        v["competitive_ratio"] = json!(m.total_flow_time / reference);
        rows.push(v);
    }
    emit(&stream_output(&rows, a.format, true)?, None)
}

fn cmd_serve(a: &ServeArgs) -> CliResult<()> {
    use schedlab_core::serve::router::Router;
    use schedlab_core::serve::sim::{
        capacity, simulate, ScaleAction, ScaleEvent, ServeConfig, ServeMetrics,
    };
    use schedlab_core::serve::{parse_trace, synthetic, SyntheticSpec};
    let mut w = match &a.trace {
        Some(path) => parse_trace(&path.to_string_lossy(), &read(path)?)?,
        None => synthetic(&SyntheticSpec {
            requests: a.requests,
            rate_rps: a.rate,
            seed: a.seed,
            ..SyntheticSpec::default()
        })?,
    };
    if let Some(win) = &a.window {
        let parsed = win
            .split_once(':')
            .and_then(|(x, y)| Some((x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?)))
            .filter(|(x, y)| x.is_finite() && y.is_finite() && x < y);
        let Some((x, y)) = parsed else {
            return Err(Fail(format!(
                "--window must be START:END in seconds with START < END (got '{win}')"
            )));
        };
        w = w.window(x * 1000.0, y * 1000.0);
    }
    if !(a.rate_scale.is_finite() && a.rate_scale > 0.0) {
        return Err(Fail(format!(
            "--rate-scale must be > 0 (got {})",
            a.rate_scale
        )));
    }
    if a.rate_scale != 1.0 {
        w = w.scaled(a.rate_scale);
    }
    let slow = a
        .slow
        .iter()
        .map(|s| {
            s.split_once(':')
                .and_then(|(i, f)| {
                    Some((
                        i.trim().parse::<usize>().ok()?,
                        f.trim().parse::<f64>().ok()?,
                    ))
                })
                .ok_or_else(|| Fail(format!("--slow takes INSTANCE:FACTOR (got '{s}')")))
        })
        .collect::<CliResult<Vec<_>>>()?;
    let scaling = a
        .add_instance_at
        .iter()
        .map(|&t| ScaleEvent {
            time_ms: t,
            action: ScaleAction::Add,
        })
        .chain(a.remove_instance_at.iter().map(|&t| ScaleEvent {
            time_ms: t,
            action: ScaleAction::Remove,
        }))
        .collect();
    let config = ServeConfig {
        instances: a.instances,
        cache_blocks: a.cache_blocks,
        batch_limit: a.batch_limit,
        slo_ms: a.slo_ms,
        prefill_sigma: a.prefill_noise,
        decode_sigma: a.decode_noise,
        slow,
        scaling,
        seed: a.seed,
        ..ServeConfig::default()
    };
    config.validate()?;
    w.validate()?;
    let routers: Vec<(String, Router)> = a
        .routers
        .iter()
        .map(|r| Ok((r.clone(), Router::parse(r)?)))
        .collect::<CliResult<_>>()?;
    let mut rows = Vec::new();
    let bar = (a.mode == Some(ServeMode::Capacity)
        && std::io::IsTerminal::is_terminal(&std::io::stderr()))
    .then(|| indicatif::ProgressBar::new(routers.len() as u64));
    for (id, r) in &routers {
        let run = simulate(&w, &config, *r)?;
        let m = ServeMetrics::compute(&w, &config, &run);
        let mut v = serde_json::to_value(&m)?;
        v["router"] = json!(id);
        if a.mode == Some(ServeMode::Capacity) {
            let (rate, scale) = capacity(&w, &config, *r, a.target)?;
            v["effective_capacity"] = json!(rate);
            v["capacity_rate_scale"] = json!(scale);
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        rows.push(v);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let text = match a.format {
        OutFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
        OutFormat::Table => {
            let mut keys = vec![
                "ttft_p50_ms",
                "ttft_p90_ms",
                "ttft_p99_ms",
                "slo_attainment",
                "cache_hit_rate",
                "load_imbalance",
                "moves",
            ];
            if a.mode == Some(ServeMode::Capacity) {
                keys.push("effective_capacity");
            }
            if rows.iter().any(|r| r.get("prefixes_remapped").is_some()) {
                keys.push("prefixes_remapped");
            }
            let mut t = vec![std::iter::once("router".to_string())
                .chain(keys.iter().map(|k| k.to_string()))
                .collect::<Vec<_>>()];
            for r in &rows {
                t.push(
                    std::iter::once(r["router"].as_str().unwrap_or("").to_string())
                        .chain(keys.iter().map(|k| match r[*k].as_f64() {
                            Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
                            Some(x) if x.abs() < 10.0 => format!("{x:.3}"),
                            Some(x) => format!("{x:.1}"),
                            None => "—".into(),
                        }))
                        .collect(),
                );
            }
            table::render(&t)
        }
    };
    emit(&text, None)
}

fn stream_output(rows: &[serde_json::Value], format: OutFormat, ratio: bool) -> CliResult<String> {
    Ok(match format {
        OutFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
        OutFormat::Table => {
            let keys: Vec<&str> = [
                "mean_flow_time",
                "max_flow_time",
                "p99_flow_time",
                "mean_slowdown",
                "throughput",
                "utilisation",
                "mean_queue_length",
                "preemptions",
                "competitive_ratio",
            ]
            .into_iter()
            .filter(|k| ratio || !matches!(*k, "competitive_ratio" | "preemptions"))
            .collect();
            let mut t = vec![std::iter::once("policy".to_string())
                .chain(keys.iter().map(|k| k.to_string()))
                .collect::<Vec<_>>()];
            for r in rows {
                t.push(
                    std::iter::once(r["policy"].as_str().unwrap_or("").to_string())
                        .chain(keys.iter().map(|k| match r[*k].as_f64() {
                            Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
                            Some(x) => format!("{x:.4}"),
                            None => String::new(),
                        }))
                        .collect(),
                );
            }
            table::render(&t)
        }
    })
}

fn progress_bar(len: u64) -> Option<indicatif::ProgressBar> {
    std::io::IsTerminal::is_terminal(&std::io::stderr()).then(|| indicatif::ProgressBar::new(len))
}

fn cmd_train(a: &TrainArgs) -> CliResult<()> {
    use schedlab_core::stream::learned::{Model, TrainConfig, Trainer};
    let init = match &a.init {
        Some(p) => {
            Some(Model::from_json(&read(p)?).map_err(|e| Fail(format!("{}: {e}", p.display())))?)
        }
        None => None,
    };
    let cfg = TrainConfig {
        mix: a.workload.mix(),
        jobs: a.jobs,
        load: a.load,
        noise: a.noise.clone(),
        iterations: a.iterations,
        pairs: a.pairs,
        sigma: a.sigma,
        lr: a.lr,
        streams: a.streams,
        hidden: a.hidden,
        depth: a.depth,
        seed: a.seed,
        ..TrainConfig::default()
    };
    let command = std::iter::once("schedlab".to_string())
        .chain(std::env::args().skip(1))
        .collect::<Vec<_>>()
        .join(" ");
    let mut t = Trainer::new(cfg, init, &command)?;
    let (heft, dls) = t.baselines();
    let bar = progress_bar(a.iterations as u64);
    if let Some(b) = &bar {
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} iterations · {msg} · {elapsed} (eta {eta})",
            )
            .expect("a valid template"),
        );
    }
    while !t.done() {
        let p = t.step()?;
        if let Some(b) = &bar {
            b.set_message(format!(
                "validation latency {:.1} (heft {heft:.1}, dls_srpt {dls:.1})",
                p.learned
            ));
            b.inc(1);
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let first = t.curve().first().map_or(f64::NAN, |p| p.learned);
    let last = t.curve().last().map_or(f64::NAN, |p| p.learned);
    eprintln!(
        "trained {} iterations: validation mean job latency {first:.1} -> {last:.1} (heft_rt {heft:.1}, dls_srpt {dls:.1})",
        t.iteration()
    );
    let mut model = t.model();
    if let (Some(path), Some(tr)) = (&a.curve_csv, model.training.as_mut()) {
        let mut csv = String::from("iteration,learned,heft_rt,dls_srpt,fitness\n");
        for p in tr.curve.drain(..) {
            csv.push_str(&format!(
                "{},{},{},{},{}\n",
                p.iteration, p.learned, p.heft, p.dls, p.fitness
            ));
        }
        emit(&csv, Some(path))?;
    }
    emit(&(model.to_json() + "\n"), a.output.as_deref())
}

fn cmd_eval(a: &EvalArgs) -> CliResult<()> {
    use schedlab_core::stream::dag::DagPolicy;
    use schedlab_core::stream::learned::{evaluate_with, EvalSpec, Model};
    let custom = match &a.model {
        Some(p) => Some(std::sync::Arc::new(
            Model::from_json(&read(p)?).map_err(|e| Fail(format!("{}: {e}", p.display())))?,
        )),
        None => None,
    };
    let policies = a
        .policies
        .iter()
        .map(|id| {
            let p = match (id.as_str(), &custom) {
                ("learned", Some(m)) => DagPolicy::Learned(m.clone()),
                _ => DagPolicy::parse(id)?,
            };
            Ok((id.clone(), p))
        })
        .collect::<CliResult<Vec<_>>>()?;
    let jobs = if a.workload.workload == WorkloadArg::RandomDag {
        1
    } else {
        a.jobs
    };
    let spec = EvalSpec {
        mix: a.workload.mix(),
        jobs,
        load: a.load,
        noise: a.noise.clone(),
        seeds: a.seeds,
        policies,
    };
    let bar = progress_bar((a.seeds * a.noise.len()) as u64);
    let rows = evaluate_with(&spec, &mut |done| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let text = match a.format {
        OutFormat::Json => serde_json::to_string_pretty(&rows)? + "\n",
        OutFormat::Table => {
            let mut t = vec![[
                "policy",
                "noise",
                "mean_job_latency",
                "std_job_latency",
                "std_of_seed_means",
                "vs_heft",
                "makespan",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()];
            for r in &rows {
                let heft = rows
                    .iter()
                    .find(|h| h.noise == r.noise && matches!(h.policy.as_str(), "heft" | "heft_rt"))
                    .map(|h| h.mean_job_latency);
                t.push(vec![
                    r.policy.clone(),
                    format!("{}", r.noise),
                    format!("{:.1}", r.mean_job_latency),
                    format!("{:.1}", r.std_job_latency),
                    format!("{:.1}", r.std_of_seed_means),
                    heft.map_or(String::new(), |h| {
                        format!("{:+.1}%", 100.0 * (r.mean_job_latency / h - 1.0))
                    }),
                    format!("{:.1}", r.makespan),
                ]);
            }
            table::render(&t)
        }
    };
    emit(&text, None)
}

fn cmd_schedulers() -> CliResult<()> {
    let width = REGISTRY.iter().map(|s| s.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in REGISTRY {
        let opts: Vec<String> = s
            .options
            .iter()
            .map(|o| format!("{}={}", o.key, o.values.join("|")))
            .collect();
        let opts = if opts.is_empty() {
            String::new()
        } else {
            format!(" [{}]", opts.join(" "))
        };
        out.push_str(&format!(
            "{:width$}  {} ({}){opts}\n",
            s.id, s.summary, s.citation
        ));
    }
    emit(&out, None)
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                let _ = e.print();
                return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    ExitCode::from(2)
                } else {
                    ExitCode::SUCCESS
                };
            }
            // One line: clap's first line already starts with "error: ".
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid arguments");
            eprintln!("{first} (see --help)");
            return ExitCode::from(2);
        }
    };
    let result = match &cli.command {
        Command::Run(a) => cmd_run(a),
        Command::Compare(a) => cmd_compare(a),
        Command::Gen {
            what: GenCommand::Dag(a),
        } => cmd_gen(a),
        Command::Import(a) => cmd_import(a),
        Command::Export(a) => cmd_export(a),
        Command::Schedulers => cmd_schedulers(),
        Command::Stream(a) => cmd_stream(a),
        Command::Serve(a) => cmd_serve(a),
        Command::Train(a) => cmd_train(a),
        Command::Eval(a) => cmd_eval(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(msg)) => {
            let one_line = msg.replace('\n', " ");
            eprintln!("error: {one_line}");
            ExitCode::from(2)
        }
    }
}
