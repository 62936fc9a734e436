//! The command line: `fission run`, `fission check`, `fission init`. Parses arguments
//! (clap), attaches the progress bar, prints warnings and results, and maps errors to
//! exit codes (0 success, 1 the run failed, 2 bad input or usage).

mod compare;
mod memory;
mod optimize;
mod report;
mod seeds;
mod sensitivity;
mod sweep;

use crate::engine::{Progress, run_ensemble};
use crate::report::output::{OutputDir, OutputError, check_output_folder, check_parent_is_folder};
use crate::report::{RunReport, write_atomic};
use crate::scenario::{Overrides, Scenario, ScenarioError};
use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The commented starter scenario written by `fission init`.
pub const STARTER: &str = include_str!("starter.toml");

const RUN_EXAMPLES: &str = "Examples:
  fission run scenarios/referral-baseline.toml
  fission run scenarios/qixi-minigame.toml --runs 5000 --seed 7 --out output/qixi-5k
  fission run my-campaign.toml --threads 1 --quiet > summary.txt
  fission run scenarios/referral-red-packet.toml --set budget.total=40000 --set rewards.per_referral=3";

const CHECK_EXAMPLES: &str = "Examples:
  fission check scenarios/referral-baseline.toml
  fission check my-campaign.toml > resolved.toml   # every default filled in; runs as is";

const GRAPH_EXAMPLES: &str = "Examples:
  fission graph scenarios/facebook-task-fission.toml
  fission graph scenarios/data/email-Eu-core.txt.gz --directed --chart output/email-degrees
  fission graph my-campaign.toml --json > graph.json";

const INIT_EXAMPLES: &str = "Examples:
  fission init                     # writes scenario.toml
  fission init campaigns/spring.toml";

/// fission: test a viral campaign design before you launch it.
///
/// Simulates a referral campaign on a social graph many times and reports the viral
/// coefficient K, reach, takeoff probability, speed and cost, with growth charts.
#[derive(Debug, Parser)]
#[command(
    name = "fission",
    version,
    after_help = "Examples:
  fission init my-campaign.toml        # a commented starter scenario
  fission check my-campaign.toml       # validate; print the resolved scenario
  fission run my-campaign.toml         # simulate; results in output/my-campaign/"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario: graph → Monte Carlo → K, reach, cost → CSV, JSON and charts.
    #[command(after_help = RUN_EXAMPLES)]
    Run(RunArgs),
    /// Validate a scenario and print it with every default filled in, plus the
    /// estimated memory and work of a run.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Compare designs on one graph with common random numbers: each against the
    /// first, with paired intervals, tests and the variance the pairing saved.
    #[command(after_help = compare::COMPARE_EXAMPLES)]
    Compare(compare::CompareArgs),
    /// Vary one or two numeric keys over a range or a list: K, reach, cost and P(goal)
    /// at each point (common random numbers across points), where K crosses 1, charts;
    /// rows appended as points finish, `--resume` continues a stopped sweep.
    #[command(after_help = sweep::SWEEP_EXAMPLES)]
    Sweep(sweep::SweepArgs),
    /// Compare ways of choosing seed users (random, highest degree, degree discount,
    /// communities, IMM influence maximisation, CELF greedy): reach against the number
    /// of seed users, with intervals, each choice re-scored with the scenario's model.
    #[command(after_help = seeds::SEEDS_EXAMPLES)]
    Seeds(seeds::SeedsArgs),
    /// Move each lever one step down and up, all else fixed (common random numbers):
    /// the effects on K, reach and cost with intervals, a tornado chart.
    #[command(after_help = sensitivity::SENSITIVITY_EXAMPLES)]
    Sensitivity(sensitivity::SensitivityArgs),
    /// Find the cheapest design on a grid of levers that meets a target (K ≥ 1 with 90%
    /// confidence, or P(goal) ≥ 0.8), by bisection with runs spent where the answer is
    /// close.
    #[command(after_help = optimize::OPTIMIZE_EXAMPLES)]
    Optimize(optimize::OptimizeArgs),
    /// Make report.html again from an output folder of `run`, `compare` or `sweep`
    /// (its JSON and charts): the same page the command wrote.
    #[command(after_help = report::REPORT_EXAMPLES)]
    Report(report::ReportArgs),
    /// Write a commented starter scenario that runs as it is.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Describe a graph (a scenario's, or an edge list): people, ties, degrees, the
    /// best-connected people, clustering, components and the epidemic threshold;
    /// optionally chart its degrees.
    #[command(after_help = GRAPH_EXAMPLES)]
    Graph(GraphArgs),
}

#[derive(Debug, Args)]
struct GraphArgs {
    /// A scenario file (.toml) or an edge list (plain or .gz).
    input: PathBuf,
    /// For an edge list: `a b` means only a reaches b.
    #[arg(long)]
    directed: bool,
    /// For an edge list: read a third column of edge weights in [0, 1].
    #[arg(long)]
    weights: bool,
    /// For an edge list: the ids are text (e.g. WeChat openids), compared as written,
    /// not integers.
    #[arg(long)]
    text_ids: bool,
    /// Write the degree distribution chart to PATH.png and PATH.svg.
    #[arg(long, value_name = "PATH")]
    chart: Option<PathBuf>,
    /// Print the statistics as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Monte Carlo runs (overrides simulation.runs).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_runs)]
    runs: Option<u64>,
    /// Master random seed (overrides simulation.rng_seed).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_seed)]
    seed: Option<u64>,
    /// Worker threads for building the graph and the runs (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Output folder (default: output/<scenario file stem>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar or notes on stderr (warnings and errors still show).
    #[arg(long)]
    quiet: bool,
    /// Set any scenario key by its dotted path, over the file (checked like the file;
    /// recorded in the outputs). Repeat for several keys.
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = crate::scenario::parse_set)]
    set: Vec<(String, String)>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Set any scenario key by its dotted path, over the file (as `run --set`).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = crate::scenario::parse_set)]
    set: Vec<(String, String)>,
    /// Check what `run --runs N` would do.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_runs)]
    runs: Option<u64>,
    /// Check what `run --seed S` would do.
    #[arg(long, allow_negative_numbers = true, value_parser = parse_seed)]
    seed: Option<u64>,
    /// Worker threads `run` would use (default: all cores): the memory check counts
    /// each thread's scratch.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

/// `--seed`: a whole number (clap's own message for `-1` suggested `-- -1`).
fn parse_seed(text: &str) -> Result<u64, String> {
    text.trim().parse().map_err(|_| format!("{text:?} is not a seed: give a whole number from 0 to {}", u64::MAX))
}

/// `--runs`: a whole number of runs, at least 1.
fn parse_runs(text: &str) -> Result<u64, String> {
    match text.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text:?} is not a number of runs: give a whole number, at least 1")),
    }
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Where to write the scenario.
    #[arg(default_value = "scenario.toml")]
    path: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    force: bool,
}

/// Exit code for an error: 2 when the input was at fault, 1 otherwise.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.chain().any(|e| {
        e.downcast_ref::<ScenarioError>().is_some()
            || e.downcast_ref::<InputError>().is_some()
            || e.downcast_ref::<OutputError>().is_some_and(OutputError::is_bad_input)
    }) {
        2
    } else {
        1
    }
}

/// Bad input found by the CLI itself (e.g. an existing file `init` would overwrite).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(String);

/// Runs the command line.
///
/// # Errors
/// Any failure, with context; see [`exit_code`].
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Run(args) => run_scenario(args),
        Command::Check(args) => check(args),
        Command::Compare(args) => compare::compare_designs(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Seeds(args) => seeds::seeds(args),
        Command::Sensitivity(args) => sensitivity::sensitivity(args),
        Command::Optimize(args) => optimize::optimize_design(args),
        Command::Report(args) => report::report(args),
        Command::Init(args) => init(args),
        Command::Graph(args) => describe_graph(args),
    }
}

/// Prints to stdout; a closed pipe (`fission ... | head`) is not an error.
fn print_stdout(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

fn note(quiet: bool, text: &str) {
    if !quiet {
        eprintln!("{text}");
    }
}

fn load(path: &Path, runs: Option<u64>, seed: Option<u64>, sets: &[(String, String)]) -> Result<Scenario> {
    Ok(Scenario::load(path, &Overrides { runs, rng_seed: seed, sets: sets.to_vec() })?)
}

fn run_scenario(args: RunArgs) -> Result<()> {
    let started = Instant::now();
    let scenario = load(&args.scenario, args.runs, args.seed, &args.set)?;
    let out_dir = args.out.clone().unwrap_or_else(|| {
        let stem =
            args.scenario.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scenario".into());
        Path::new("output").join(stem)
    });
    // A bad output path fails at once, before anything is built; nothing is created
    // until the graph is built (a refused run leaves no empty folder).
    check_output_folder(&out_dir)?;
    check_memory(&scenario, args.threads)?;
    note(args.quiet, &format!("building the graph for {:?} ...", scenario.name));
    let graph_started = Instant::now();
    let pool = worker_pool(args.threads)?;
    // The graph is read and frozen on the same worker threads as the runs.
    let budget = graph_memory_budget(&scenario, args.threads);
    let graph = pool.install(|| scenario.build_graph_within(budget))?;
    let info = graph.info();
    note(
        args.quiet,
        &format!(
            "graph: {} people, {} {} (mean degree {:.1}); {}; built in {:.2} s",
            info.nodes,
            info.edges,
            if info.directed { "arcs" } else { "friendships" },
            info.mean_degree,
            info.cleanup,
            graph_started.elapsed().as_secs_f64()
        ),
    );
    let prepared = scenario.prepare(&graph)?;
    let config = &prepared.config;
    if let Some(chosen) = &prepared.seeds {
        let estimate = chosen.imm.as_ref().map_or(String::new(), |r| {
            format!(
                "; IMM expects {:.0} people reached under its cascade model ({} RR sets)",
                r.estimated_spread, r.theta
            )
        });
        note(
            args.quiet,
            &format!(
                "seed users: {} chosen by {} in {:.2} s, costing {:.2}{estimate}",
                chosen.seeds.len(),
                chosen.strategy.name(),
                chosen.seconds,
                chosen.cost
            ),
        );
    }
    // Taken before the long run: a second run into the same folder is refused now, not
    // after its simulation.
    let mut output = OutputDir::begin(&out_dir)?;

    let bar = progress_bar(args.quiet, config.runs as u64, "simulating");
    // Every run of a small cascade takes microseconds; updating the bar (a lock and a
    // clock read) after each one cost more than the run itself.
    let progress = |p: Progress| {
        if p.runs_done.is_multiple_of(64) || p.runs_done == p.runs_total {
            bar.set_position(p.runs_done)
        }
    };
    let sim_started = Instant::now();
    let ensemble = pool
        .install(|| run_ensemble(&graph, config, &progress))
        .map_err(|e| InputError(format!("{}: {e}", scenario.file_label)))?;
    bar.finish_and_clear();
    let sim_seconds = sim_started.elapsed().as_secs_f64();

    let analysis = crate::stats::analyse(&ensemble, &prepared.analysis);
    let mut report = RunReport::new(&scenario, &graph, &ensemble, &analysis);
    report.seeds = Some(crate::report::seeds::SeedsRecord::new(&scenario, &graph, &prepared));
    let files = report.files()?;
    for (name, bytes) in &files {
        output.write(name, bytes)?;
    }
    output.commit()?;
    for w in analysis.warnings.iter().map(|w| w.to_string()).chain(report.chart_warnings()) {
        eprintln!("warning: {w}");
    }
    note(
        args.quiet,
        &format!(
            "{} run{} in {} s ({:.0} runs/s); total {:.2} s; results in {}",
            config.runs,
            if config.runs == 1 { "" } else { "s" },
            // Three significant digits for short times ("0.00 s" read as no time).
            match sim_seconds {
                t if t < 0.01 => format!("{t:.5}"),
                t if t < 1.0 => format!("{t:.3}"),
                t => format!("{t:.2}"),
            },
            config.runs as f64 / sim_seconds.max(1e-9),
            started.elapsed().as_secs_f64(),
            out_dir.display()
        ),
    );
    let mut text = report.header_line();
    text.push('\n');
    text.push_str(&report.table());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).chain([crate::report::output::MANIFEST]).collect();
    text.push_str(&report.files_line(&names));
    print_stdout(&text)
}

/// Writes a planning command's files (data files, then each chart as PNG and SVG),
/// commits the folder and says where it is: the names written, in order.
fn finish_plan_outputs(
    mut output: OutputDir,
    data: &[(&str, Vec<u8>)],
    charts: Vec<(String, Vec<u8>, String)>,
    quiet: bool,
    (total, seconds, started): (u64, f64, Instant),
    out_dir: &Path,
) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for (name, bytes) in data {
        output.write(name, bytes)?;
        names.push(name.to_string());
    }
    for (stem, png, svg) in charts {
        output.write(&format!("{stem}.png"), &png)?;
        output.write(&format!("{stem}.svg"), svg.as_bytes())?;
        names.push(format!("{stem}.png"));
        names.push(format!("{stem}.svg"));
    }
    output.commit()?;
    note(
        quiet,
        &format!(
            "{total} runs in {seconds:.2} s; total {:.2} s; results in {}",
            started.elapsed().as_secs_f64(),
            out_dir.display()
        ),
    );
    Ok(names)
}

/// The last lines of a planning command's table: the runs, the time, the files, in the
/// report's language.
fn runs_and_files(zh: bool, total: u64, seconds: f64, files: &[String]) -> String {
    let manifest = crate::report::output::MANIFEST;
    if zh {
        format!("  {total} 次模拟, 用时 {seconds:.2} 秒\n  文件 {}, {manifest}\n", files.join(", "))
    } else {
        format!("  {total} runs in {seconds:.2} s\n  Files: {}, {manifest}\n", files.join(", "))
    }
}

/// The options every planning command shares.
#[derive(Debug, Args)]
pub(super) struct PlanArgs {
    /// Monte Carlo runs per design or point (default: the scenario's simulation.runs;
    /// `optimize`: the most a design gets).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_runs)]
    runs: Option<u64>,
    /// Master random seed shared by every design or point (default: the scenario's).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_seed)]
    seed: Option<u64>,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Output folder (default: output/<command>-<scenario>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// No progress bar or notes on stderr.
    #[arg(long)]
    quiet: bool,
    /// Set a scenario key in every design, by its dotted path (as `run --set`).
    #[arg(long = "set", value_name = "KEY=VALUE", value_parser = crate::scenario::parse_set)]
    set: Vec<(String, String)>,
}

impl PlanArgs {
    /// The output folder: `--out`, or output/<command>-<stems>.
    fn out_dir(&self, command: &str, scenarios: &[&Path]) -> PathBuf {
        self.out.clone().unwrap_or_else(|| {
            let stems: Vec<String> = scenarios
                .iter()
                .map(|p| p.file_stem().map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned()))
                .collect();
            Path::new("output").join(format!("{command}-{}", stems.join("-")))
        })
    }

    /// The `--set`s as given, for the outputs.
    fn overrides(&self) -> Vec<String> {
        self.set.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }
}

/// The worker threads of a command (`--threads`, or all cores).
fn worker_pool(threads: Option<u16>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t as usize);
    }
    b.build().context("starting worker threads")
}

/// A progress bar of `total` runs on stderr, labelled `verb` (hidden with `--quiet` or
/// when stderr is not a terminal).
fn progress_bar(quiet: bool, total: u64, verb: &str) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    b.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {verb} [{{bar:40}}] {{pos}}/{{len}} runs ({{per_sec}}, {{eta}} left)"
        ))
        .expect("the progress template is valid")
        .progress_chars("=> "),
    );
    b
}

/// Workers a run on `threads` uses.
fn workers(threads: Option<u16>) -> usize {
    threads.map_or_else(rayon::current_num_threads, |t| t as usize)
}

/// Why a scenario would not fit in the memory this process may take, if it would not:
/// its estimate against [`memory::available`]. An estimate that is not finite (a
/// degree of 1e308, say) never fits.
fn memory_refusal(scenario: &Scenario, threads: Option<u16>) -> Option<String> {
    let est = scenario.estimate();
    let workers = workers(threads);
    let need = est.peak_bytes(workers as f64);
    let limit = memory::available(workers);
    let over = match &limit {
        _ if need.is_nan() => false, // an edge list the loader will report it cannot read
        Some(l) => need > l.bytes,
        None => need.is_infinite(),
    };
    over.then(|| {
        let have = limit.map_or_else(
            || "the machine's memory".to_string(),
            |l| format!("{:.1} GB is available under {}", l.bytes / 1e9, l.source),
        );
        format!(
            "{}: this scenario needs about {:.1} GB ({:.0} people, {:.0} edges, {} runs × {} days on {} threads) but {have}: use a smaller graph, fewer runs or fewer threads",
            scenario.file_label,
            need / 1e9,
            est.nodes,
            est.edges,
            scenario.simulation.runs,
            scenario.simulation.days,
            workers,
        )
    })
}

/// The memory an edge list may take while it is read: what this process may take,
/// less the runs' share of the estimate (scratch and results).
fn graph_memory_budget(scenario: &Scenario, threads: Option<u16>) -> Option<f64> {
    let est = scenario.estimate();
    let workers = workers(threads);
    let runs = est.scratch_bytes_per_worker * workers as f64 + est.result_bytes;
    memory::available(workers).map(|l| (l.bytes - if runs.is_finite() { runs } else { 0.0 }).max(0.0))
}

/// Refuses, before building anything, a scenario whose estimated memory exceeds what
/// this process may take ([`memory_refusal`]).
fn check_memory(scenario: &Scenario, threads: Option<u16>) -> Result<()> {
    match memory_refusal(scenario, threads) {
        Some(message) => bail!(InputError(message)),
        None => Ok(()),
    }
}

/// Refuses, before reading it, an edge list whose graph and statistics
/// (`fission graph`) will not fit in the memory available.
fn check_edge_list_memory(path: &std::path::Path, options: crate::graph::load::EdgeListOptions) -> Result<()> {
    let (directed, weights) = (options.directed, options.weight_column);
    // A file that cannot be read is the loader's to report.
    let Ok(size) = crate::graph::load::estimate_edge_list(path, options.ids) else { return Ok(()) };
    // The statistics: degrees, component labels and queue (16 bytes a person) and, for
    // a directed graph, its undirected view, built as a generated graph is.
    let view = if directed { crate::graph::memory_estimate(size.nodes, size.lines) } else { 0.0 };
    let need =
        size.memory_bytes(directed, weights).max(size.frozen_bytes(directed, weights) + size.nodes * 16.0 + view);
    if let Some(limit) = memory::available(1)
        && need > limit.bytes
    {
        bail!(InputError(format!(
            "{}: this edge list needs about {:.1} GB (about {:.0} lines and {:.0} people) but {:.1} GB is available under {}",
            path.display(),
            need / 1e9,
            size.lines,
            size.nodes,
            limit.bytes / 1e9,
            limit.source
        )));
    }
    Ok(())
}

fn check(args: CheckArgs) -> Result<()> {
    let scenario = load(&args.scenario, args.runs, args.seed, &args.set)?;
    // What `run` would refuse is not "valid" (exit 2, as `run` would).
    if let Some(message) = memory_refusal(&scenario, args.threads) {
        bail!(InputError(format!("{message} (the file itself is valid, but `fission run` would refuse it)")));
    }
    let est = scenario.estimate();
    // Sizes in the unit that shows them: kB below 1 MB, GB from 10 GB.
    let size = |b: f64| match b {
        b if b < 1e6 => format!("{:.0} kB", (b / 1e3).max(1.0)),
        b if b < 1e10 => format!("{:.0} MB", b / 1e6),
        b => format!("{:.1} GB", b / 1e9),
    };
    let mut text = format!(
        "# {} is valid. Resolved scenario (every default filled in, files by absolute paths; runs as is from any folder):\n",
        args.scenario.display()
    );
    if est.graph_bytes.is_finite() {
        text.push_str(&format!(
            "# estimate: about {:.0} people and {:.0} edges; {} to build the graph, {} scratch per thread, {} of per-run results, so {} at most on {} threads; at most {:.2e} edge visits\n",
            est.nodes,
            est.edges,
            size(est.graph_bytes),
            size(est.scratch_bytes_per_worker),
            size(est.result_bytes),
            size(est.peak_bytes(workers(args.threads) as f64)),
            workers(args.threads),
            est.max_edge_visits
        ));
    }
    // Build the graph when that is cheap, so that edge-list lines and seed ids are
    // checked too; and when the edge list could not be read to size it, so that the
    // reason is reported (a corrupt gzip stream, say).
    const BUILD_LIMIT: f64 = 2e9;
    if !est.graph_bytes.is_finite() || est.graph_bytes <= BUILD_LIMIT {
        let graph = scenario.build_graph()?;
        let info = graph.info();
        crate::engine::check_config(&graph, &scenario.engine_config(&graph)?)
            .map_err(|e| InputError(format!("{}: {e}", scenario.file_label)))?;
        let nominal = scenario.behaviour.nominal(info.mean_degree.round() as usize);
        text.push_str(&format!(
            "# graph: {} people, {} edges, mean degree {:.2}, max degree {}, {} {}; {}\n",
            info.nodes,
            info.edges,
            info.mean_degree,
            info.max_degree,
            info.isolated_nodes,
            // (Directed: no out-arc, though some may be reached; `fission graph` counts
            // as isolated those with no tie either way.)
            if info.directed { "with no one to invite" } else { "isolated" },
            info.cleanup
        ));
        if let Some(nominal) = nominal {
            text.push_str(&format!(
                "# design on an idealised network of degree {:.0}: share probability {:.3}, {:.2} invitations x {:.3} conversion = nominal K {:.3}\n",
                info.mean_degree.round(),
                nominal.share_probability,
                nominal.invitations_per_participant,
                nominal.conversion_per_invitation,
                nominal.k
            ));
        }
    } else {
        text.push_str("# graph not built by check (too large); `run` will build it\n");
    }
    text.push('\n');
    text.push_str(&scenario.to_standalone_toml());
    print_stdout(&text)
}

fn describe_graph(args: GraphArgs) -> Result<()> {
    use crate::graph::analysis::graph_stats;
    use crate::graph::load::{EdgeListOptions, IdFormat, read_edge_list_within};
    if let Some(path) = &args.chart {
        check_parent_is_folder(path)?;
    }
    let is_scenario = args.input.extension().is_some_and(|e| e == "toml");
    let (graph, title, language) = if is_scenario {
        if args.directed || args.weights || args.text_ids {
            bail!(InputError(
                "--directed, --weights and --text-ids apply to edge lists; a scenario says it in [graph]".into()
            ));
        }
        let scenario = load(&args.input, None, None, &[])?;
        check_memory(&scenario, Some(1))?;
        (scenario.build_graph()?, scenario.name.clone(), scenario.report.language)
    } else {
        if args.input.is_dir() {
            bail!(InputError(format!("{}: is a folder, not an edge list", args.input.display())));
        }
        let file = std::fs::File::open(&args.input)
            .map_err(|e| InputError(format!("cannot read edge list {}: {e}", args.input.display())))?;
        let options = EdgeListOptions {
            directed: args.directed,
            weight_column: args.weights,
            ids: if args.text_ids { IdFormat::Text } else { IdFormat::Integer },
        };
        check_edge_list_memory(&args.input, options)?;
        let graph = read_edge_list_within(file, options, memory::available(1).map(|l| l.bytes))
            .map_err(|e| InputError(format!("{}: reading the edge list: {e}", args.input.display())))?;
        let title = args.input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (graph, title, crate::scenario::Language::English)
    };
    let stats = graph_stats(&graph);
    if let Some(path) = &args.chart {
        let (png, svg) = crate::report::plots::render_degree_distribution(&stats, &title, language)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        for (ext, bytes) in [("png", png), ("svg", svg.into_bytes())] {
            let file = path.with_extension(ext);
            write_atomic(&file, &bytes).with_context(|| format!("writing {}", file.display()))?;
        }
    }
    if args.json {
        let mut text = serde_json::to_string_pretty(&stats).expect("graph statistics always serialise");
        text.push('\n');
        return print_stdout(&text);
    }
    let c = stats.cleanup;
    let pct = |x: u64| 100.0 * x as f64 / stats.nodes.max(1) as f64;
    let mut t = format!("{title}\n");
    let mut row = |k: &str, v: String| t.push_str(&format!("  {k:<22} {v}\n"));
    row("people", stats.nodes.to_string());
    row(if stats.directed { "arcs (directed)" } else { "friendships" }, format!("{}; {c}", stats.edges));
    row(
        "degree",
        format!(
            "mean {:.2}, median {}, 90% {}, 99% {}, max {}; {} isolated ({:.1}%)",
            stats.mean_degree,
            stats.median_degree,
            stats.p90_degree,
            stats.p99_degree,
            stats.max_degree,
            stats.isolated_nodes,
            pct(stats.isolated_nodes)
        ),
    );
    if !stats.hubs.is_empty() {
        let list: Vec<String> = stats.hubs.iter().map(|h| format!("{} ({})", h.id, h.degree)).collect();
        row("hubs", format!("{}: id ({})", list.join(", "), if stats.directed { "out-degree" } else { "friends" }));
    }
    row("mean squared degree", format!("{:.2}", stats.mean_square_degree));
    row(
        "clustering",
        format!(
            "average {}, transitivity {} ({}{})",
            crate::report::format_coefficient(stats.average_clustering),
            crate::report::format_coefficient(stats.transitivity),
            if stats.clustering_sample == stats.nodes { "exact" } else { "estimated from " },
            if stats.clustering_sample == stats.nodes {
                String::new()
            } else {
                format!("{} people", stats.clustering_sample)
            }
        ),
    );
    row(
        "components",
        format!(
            "{}{}; the largest has {} people ({:.1}%)",
            stats.components,
            if stats.directed { " (weakly connected)" } else { "" },
            stats.largest_component,
            pct(stats.largest_component)
        ),
    );
    row("epidemic threshold", {
        let formula = stats.threshold_formula(false);
        let degrees = if stats.directed { "in- and out-degrees" } else { "degrees" };
        match stats.epidemic_threshold {
            t if t.is_infinite() => format!(
                "{formula} = ∞: nobody reached along a tie has another to pass it on, so no independent cascade takes off"
            ),
            t if t >= 1.0 => format!(
                "{formula} = {t:.4}: 1 or more, so no independent cascade takes off, whatever p (random graph with these {degrees})"
            ),
            t => format!(
                "{formula} = {t:.4}: an independent cascade needs p above this to take off (random graph with these {degrees})"
            ),
        }
    });
    row(
        "tie strengths",
        match &stats.tie_strengths {
            None => "none: every tie is neutral (0.5)".to_string(),
            Some(t) => format!(
                "mean {:.3}, median {:.3}, 10–90% {:.3}–{:.3}, range {:.3}–{:.3}; {}",
                t.mean,
                t.median,
                t.p10,
                t.p90,
                t.min,
                t.max,
                if t.distinct.is_empty() {
                    format!("{} distinct values", t.distinct_count)
                } else {
                    let listed: Vec<String> = t.distinct.iter().map(|w| format!("{w}")).collect();
                    format!("{} distinct: {}", t.distinct_count, listed.join(", "))
                }
            ),
        },
    );
    if let Some(path) = &args.chart {
        row("chart", format!("{} and {}", path.with_extension("png").display(), path.with_extension("svg").display()));
    }
    print_stdout(&t)
}

fn init(args: InitArgs) -> Result<()> {
    if args.path.exists() && !args.force {
        bail!(InputError(format!(
            "{} already exists: choose another path, or add --force to overwrite it",
            args.path.display()
        )));
    }
    check_parent_is_folder(&args.path)?;
    if let Some(dir) = args.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    write_atomic(&args.path, STARTER.as_bytes()).with_context(|| format!("writing {}", args.path.display()))?;
    print_stdout(&format!(
        "wrote {}; try: fission check {} && fission run {}\n",
        args.path.display(),
        args.path.display(),
        args.path.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn starter_scenario_is_valid() {
        Scenario::from_toml_str(STARTER, "scenario.toml", Path::new(".")).unwrap();
    }
}
