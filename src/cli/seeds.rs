//! `fission seeds SCENARIO.toml --k 1..50`: how far the campaign reaches with 1, 2, ...
//! seed users chosen by each strategy, every choice re-scored with the scenario's own
//! model (the same graph and common random numbers for all).

use super::*;
use crate::plan::seeds::{Strategy, parse_counts};
use crate::report::seeds::{SeedsReport, SeedsRow, SelectionModelRecord};
use crate::scenario::SeedingSpec;

pub(super) const SEEDS_EXAMPLES: &str = "Examples:
  fission seeds scenarios/hepth-influence.toml --k 1..50
  fission seeds scenarios/referral-baseline.toml --k 1,5,10,20 --strategies degree-discount,influence-max
  fission seeds scenarios/hepth-influence.toml --k 1..30 --strategies influence-max,celf --celf-worlds 10000";

fn parse_strategies(s: &str) -> Result<Vec<Strategy>, String> {
    let mut out = Vec::new();
    for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match Strategy::parse(name) {
            Some(st) if !out.contains(&st) => out.push(st),
            Some(_) => return Err(format!("{name:?} is listed twice")),
            None => {
                return Err(format!(
                    "{name:?} is not a strategy: random, highest-degree, degree-discount, community, influence-max, celf"
                ));
            }
        }
    }
    if out.is_empty() {
        return Err("name at least one strategy".into());
    }
    Ok(out)
}

#[derive(Debug, Args)]
pub(super) struct SeedsArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// Numbers of seed users: A..B (10 points), A..B:STEP, or a list 1,5,10.
    #[arg(long = "k", value_name = "COUNTS", default_value = "1..50")]
    counts: String,
    /// Strategies to compare, comma-separated (celf: the slow Monte Carlo greedy, the
    /// yardstick; not run unless named).
    #[arg(long, value_name = "LIST", default_value = "random,highest-degree,degree-discount,community,influence-max")]
    strategies: String,
    /// Live-edge worlds CELF estimates spread on (Kempe et al. used 10,000).
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(10..=1_000_000))]
    celf_worlds: u64,
    #[command(flatten)]
    common: PlanArgs,
}

pub(super) fn seeds(args: SeedsArgs) -> Result<()> {
    let started = Instant::now();
    let counts = parse_counts(&args.counts).map_err(|e| InputError(format!("--k {e}")))?;
    let strategies = parse_strategies(&args.strategies).map_err(|e| InputError(format!("--strategies: {e}")))?;
    let base = load(&args.scenario, args.common.runs, args.common.seed, &args.common.set)?;
    let (runs, seed) = (base.simulation.runs as u64, base.simulation.rng_seed);
    let out_dir = args.common.out_dir("seeds", &[args.scenario.as_path()]);
    check_output_folder(&out_dir)?;
    check_memory(&base, args.common.threads)?;
    let pool = worker_pool(args.common.threads)?;
    note(args.common.quiet, "building the graph ...");
    let graph = pool.install(|| base.build_graph_within(graph_memory_budget(&base, args.common.threads)))?;
    let n = graph.node_count();
    if let Some(&k) = counts.iter().find(|&&k| k > n) {
        bail!(InputError(format!("--k {k}: more seed users than the graph's {n} people")));
    }
    // The plan every model-based strategy shares (the scenario's selection model).
    let with = |strategy: Strategy, k: usize| -> Scenario {
        let mut s = base.clone();
        s.seeding = match strategy {
            Strategy::Random => SeedingSpec::Random(k),
            other => SeedingSpec::Chosen(other, k),
        };
        s
    };
    let model_plan = with(Strategy::InfluenceMax, 1).seed_plan(&graph).expect("a chosen seeding has a plan");
    let output = OutputDir::begin(&out_dir)?;
    let total = runs * (counts.len() * strategies.len()) as u64;
    let bar = progress_bar(args.common.quiet, total, "seeds");
    let mut rows = Vec::new();
    let mut selection_seconds: Vec<(Strategy, f64)> = Vec::new();
    let mut done = 0u64;
    let mut run_point = |s: &Scenario,
                         config: &crate::engine::RunConfig,
                         analysis_config: &crate::stats::AnalysisConfig|
     -> Result<crate::stats::Analysis> {
        let progress = |p: Progress| {
            if p.runs_done.is_multiple_of(64) || p.runs_done == p.runs_total {
                bar.set_position(done + p.runs_done)
            }
        };
        let e = pool
            .install(|| run_ensemble(&graph, config, &progress))
            .map_err(|e| InputError(format!("{}: {e}", s.file_label)))?;
        done += runs;
        Ok(crate::stats::analyse(&e, analysis_config))
    };
    let sim_started = Instant::now();
    for &strategy in &strategies {
        let mut seconds = 0.0;
        // CELF's greedy order is nested: its k seeds are the first k of its k_max.
        let celf = (strategy == Strategy::Celf).then(|| {
            let mut plan = model_plan.clone();
            plan.strategy = Strategy::Celf;
            plan.count = *counts.last().expect("at least one count");
            plan.celf_worlds = args.celf_worlds as usize;
            plan.cost = Default::default();
            pool.install(|| crate::plan::seeds::choose(&graph, &plan, seed))
        });
        if let Some(c) = &celf {
            seconds += c.seconds;
        }
        for &k in &counts {
            let (row_scenario, prepared, estimate) = match &celf {
                Some(c) => {
                    let s = with(Strategy::Random, k);
                    let mut p = s.prepare(&graph)?;
                    let nodes: Vec<crate::graph::NodeId> =
                        c.seeds[..k.min(c.seeds.len())].iter().map(|&v| crate::graph::NodeId(v)).collect();
                    p.config.seeding = crate::engine::Seeding::Nodes { nodes };
                    (s, p, None)
                }
                None => {
                    let s = with(strategy, k);
                    let p = pool.install(|| s.prepare(&graph))?;
                    if let Some(sel) = &p.seeds {
                        seconds += sel.seconds;
                    }
                    let estimate = p.seeds.as_ref().and_then(|x| x.imm.as_ref()).map(|r| r.estimated_spread);
                    (s, p, estimate)
                }
            };
            let a = run_point(&row_scenario, &prepared.config, &prepared.analysis)?;
            rows.push(SeedsRow {
                strategy: strategy.name().into(),
                seeds: k,
                seed_users: prepared.config.seeding.count(),
                reach: a.mean_reach,
                k: a.viral_coefficient,
                p_goal: a.goal.and_then(|g| g.reach_met),
                seed_cost: prepared.seed_cost,
                model_estimate: estimate.or_else(|| celf.as_ref().and_then(|c| c.celf_spread_at(k))),
                runs: runs as usize,
            });
        }
        selection_seconds.push((strategy, seconds));
    }
    bar.finish_and_clear();
    let seconds = sim_started.elapsed().as_secs_f64();
    let report = SeedsReport {
        scenario_name: base.name.clone(),
        rows,
        selection_model: SelectionModelRecord::new(&model_plan.model),
        imm: base.seed_options.imm,
        celf_worlds: strategies.contains(&Strategy::Celf).then_some(args.celf_worlds as usize),
        runs: runs as usize,
        rng_seed: seed,
        overrides: args.common.overrides(),
        scenario: base.to_resolved_json(),
    };
    let files = finish_plan_outputs(
        output,
        &[("seeds.json", report.json()), ("seeds.csv", report.csv())],
        report.charts()?,
        args.common.quiet,
        (total, seconds, started),
        &out_dir,
    )?;
    let mut text = report.table();
    text.push_str(if report.zh() {
        "  选择种子用时 (所有取值点):"
    } else {
        "  Time choosing seeds (all points):"
    });
    for (s, t) in &selection_seconds {
        text.push_str(&format!(" {} {t:.2} s;", s.name()));
    }
    text.push('\n');
    text.push_str(&runs_and_files(report.zh(), total, seconds, &files));
    print_stdout(&text)
}
