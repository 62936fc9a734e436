//! `fission compare A.toml B.toml [C.toml ...]`: the designs on one graph with common
//! random numbers, each against the first.

use super::*;
use crate::plan::{DesignRun, compare};
use crate::report::compare::{CompareReport, ComparedDesign};

pub(super) const COMPARE_EXAMPLES: &str = "Examples:
  fission compare scenarios/referral-baseline.toml my-better-design.toml
  fission compare a.toml b.toml c.toml --runs 5000 --out output/abc
  fission compare a.toml b.toml --set goal.reach=5000 --set goal.by_day=14";

#[derive(Debug, Args)]
pub(super) struct CompareArgs {
    /// The designs (scenario files), the first the one the others are compared with.
    #[arg(required = true, num_args = 2..)]
    scenarios: Vec<PathBuf>,
    #[command(flatten)]
    common: PlanArgs,
}

pub(super) fn compare_designs(args: CompareArgs) -> Result<()> {
    let started = Instant::now();
    // The first design sets the runs and the seed that every design shares: the same
    // seed users and draws run by run (common random numbers).
    let first = load(&args.scenarios[0], args.common.runs, args.common.seed, &args.common.set)?;
    let (runs, seed) = (first.simulation.runs as u64, first.simulation.rng_seed);
    let mut scenarios = vec![first];
    for path in &args.scenarios[1..] {
        scenarios.push(load(path, Some(runs), Some(seed), &args.common.set)?);
    }
    let out_dir = args.common.out_dir("compare", &args.scenarios.iter().map(|p| p.as_path()).collect::<Vec<_>>());
    check_output_folder(&out_dir)?;
    for s in &scenarios {
        check_memory(s, args.common.threads)?;
    }
    let pool = worker_pool(args.common.threads)?;
    // One graph when every design's graph is the same (the usual case: the designs
    // differ in their levers); otherwise each its own, and the table says so.
    note(args.common.quiet, "building the graph ...");
    let mut graphs: Vec<crate::graph::SocialGraph> = Vec::new();
    let mut graph_of = Vec::new();
    for (i, s) in scenarios.iter().enumerate() {
        let same = scenarios[..i]
            .iter()
            .position(|o| o.graph == s.graph && o.graph_rng_seed() == s.graph_rng_seed() && o.groups == s.groups);
        match same {
            Some(j) => graph_of.push(graph_of[j]),
            None => {
                let budget = graph_memory_budget(s, args.common.threads);
                graphs.push(pool.install(|| s.build_graph_within(budget))?);
                graph_of.push(graphs.len() - 1);
            }
        }
    }
    let same_graph = graphs.len() == 1;
    let prepared =
        scenarios.iter().zip(&graph_of).map(|(s, &g)| s.prepare(&graphs[g])).collect::<Result<Vec<_>, _>>()?;
    let configs: Vec<_> = prepared.iter().map(|p| &p.config).collect();
    let output = OutputDir::begin(&out_dir)?;
    let total = runs * scenarios.len() as u64;
    let bar = progress_bar(args.common.quiet, total, "comparing");
    let sim_started = Instant::now();
    let mut ensembles = Vec::new();
    for (i, (s, config)) in scenarios.iter().zip(&configs).enumerate() {
        let offset = i as u64 * runs;
        let progress = |p: Progress| {
            if p.runs_done.is_multiple_of(64) || p.runs_done == p.runs_total {
                bar.set_position(offset + p.runs_done)
            }
        };
        let graph = &graphs[graph_of[i]];
        ensembles.push(
            pool.install(|| run_ensemble(graph, config, &progress))
                .map_err(|e| InputError(format!("{}: {e}", s.file_label)))?,
        );
    }
    bar.finish_and_clear();
    let seconds = sim_started.elapsed().as_secs_f64();
    let analyses: Vec<_> =
        prepared.iter().zip(&ensembles).map(|(p, e)| crate::stats::analyse(e, &p.analysis)).collect();
    let runs_of: Vec<DesignRun> = scenarios
        .iter()
        .zip(&ensembles)
        .zip(&analyses)
        .zip(&args.scenarios)
        .zip(&prepared)
        .map(|((((s, e), a), path), p)| DesignRun {
            name: s.name.clone(),
            file: path.display().to_string(),
            ensemble: e,
            analysis: a,
            config: p.analysis,
        })
        .collect();
    let comparison = compare(&runs_of);
    let report = CompareReport {
        comparison: &comparison,
        designs: scenarios
            .iter()
            .zip(&analyses)
            .map(|(s, a)| ComparedDesign { name: s.name.clone(), analysis: a })
            .collect(),
        runs: runs as usize,
        rng_seed: seed,
        same_graph,
        scenarios: scenarios.iter().map(|s| s.to_resolved_json()).collect(),
        overrides: args.common.overrides(),
        seconds,
    };
    let (json, charts) = (report.json(), report.charts()?);
    let page = crate::report::Results::Compare.page_from(&json, &charts);
    let names = finish_plan_outputs(
        output,
        &[("compare.json", json), ("compare.csv", report.csv()), ("report.html", page)],
        charts,
        args.common.quiet,
        (total, seconds, started),
        &out_dir,
    )?;
    let mut text = report.table(&scenarios[0].report.currency);
    let files = if report.zh() { "文件" } else { "Files:" };
    text.push_str(&format!("  {files} {}, {}\n", names.join(", "), crate::report::output::MANIFEST));
    print_stdout(&text)
}
