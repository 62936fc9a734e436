//! `fission optimize SCENARIO.toml --lever KEY=LO:HI[:STEP] [...] --target ...`: the
//! cheapest design on the levers' grid that meets the target.

use super::*;
use crate::plan::optimize::{Evaluation, LeverRange, Search, Target, optimize, parse_lever_range, parse_target};
use crate::plan::sweep::format_value;

pub(super) const OPTIMIZE_EXAMPLES: &str = "Examples:
  fission optimize scenarios/referral-baseline.toml --lever campaign.reward=0:60:5 --target k>=1:0.9
  fission optimize my.toml --lever campaign.fun=0.2:0.8:0.1 --lever campaign.reward=0:40:5 \\
      --set goal.reach=5000 --set goal.by_day=14 --target goal>=0.8 --max-cost 50000 --lever-cost campaign.fun=20000";

#[derive(Debug, Args)]
pub(super) struct OptimizeArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A lever and its grid: KEY=LO:HI (11 values) or KEY=LO:HI:STEP (repeatable; the
    /// target must rise with the last one).
    #[arg(long, required = true, value_name = "KEY=LO:HI[:STEP]", value_parser = parse_lever_range)]
    lever: Vec<LeverRange>,
    /// What the design must achieve: k>=K:CONFIDENCE (such as k>=1:0.9) or goal>=P (the
    /// scenario's [goal] reach met in at least P of runs, at 95% confidence).
    #[arg(long, value_parser = parse_target)]
    target: Target,
    /// The most the design may cost on average (rewards, fixed costs and lever costs).
    #[arg(long)]
    max_cost: Option<f64>,
    /// A lever's own cost per unit (KEY=COST), added to the expected cost (a nicer page,
    /// a game's development).
    #[arg(long, value_name = "KEY=COST", value_parser = crate::scenario::parse_set)]
    lever_cost: Vec<(String, String)>,
    /// Runs of a design's first round (default: an eighth of --runs, at least 50).
    #[arg(long, allow_negative_numbers = true, value_parser = parse_runs)]
    min_runs: Option<u64>,
    #[command(flatten)]
    common: PlanArgs,
}

pub(super) fn optimize_design(args: OptimizeArgs) -> Result<()> {
    let started = Instant::now();
    let base = load(&args.scenario, args.common.runs, args.common.seed, &args.common.set)?;
    let (max_runs, seed) = (base.simulation.runs, base.simulation.rng_seed);
    let min_runs = args.min_runs.map_or((max_runs / 8).max(50).min(max_runs), |m| (m as usize).min(max_runs));
    if matches!(args.target, Target::Goal { .. }) && base.goal.and_then(|g| g.reach).is_none() {
        bail!(InputError(format!(
            "--target goal>=P needs a goal reach: [goal] reach = ... in {}, or --set goal.reach=...",
            args.scenario.display()
        )));
    }
    let mut lever_costs = vec![0.0; args.lever.len()];
    for (key, cost) in &args.lever_cost {
        let i = args
            .lever
            .iter()
            .position(|l| &l.key == key)
            .ok_or_else(|| InputError(format!("--lever-cost {key}={cost}: {key} is not one of the --levers")))?;
        lever_costs[i] = cost
            .parse::<f64>()
            .ok()
            .filter(|c| c.is_finite() && *c >= 0.0)
            .ok_or_else(|| InputError(format!("--lever-cost {key}={cost}: give a cost per unit >= 0")))?;
    }
    // Every grid point checked like the file before anything runs (a value out of a
    // key's range is reported now, not after an hour).
    let scenario_at = |values: &[f64], runs: usize| -> Result<Scenario> {
        let mut sets = args.common.set.clone();
        sets.extend(args.lever.iter().zip(values).map(|(l, &v)| (l.key.clone(), format_value(v))));
        load(&args.scenario, Some(runs as u64), Some(seed), &sets)
    };
    for l in &args.lever {
        for &v in [l.values[0], *l.values.last().expect("a lever has values")].iter() {
            let mut probe: Vec<f64> = args.lever.iter().map(|x| x.values[0]).collect();
            probe[args.lever.iter().position(|x| x.key == l.key).expect("its own lever")] = v;
            scenario_at(&probe, max_runs)?;
        }
    }
    let out_dir = args.common.out_dir("optimize", &[args.scenario.as_path()]);
    check_output_folder(&out_dir)?;
    check_memory(&base, args.common.threads)?;
    let pool = worker_pool(args.common.threads)?;
    note(args.common.quiet, "building the graph ...");
    let graph_varies = args.lever.iter().any(|l| l.key.starts_with("graph."));
    let shared = pool.install(|| base.build_graph_within(graph_memory_budget(&base, args.common.threads)))?;
    let mut output = OutputDir::begin(&out_dir)?;
    let search = Search { min_runs, max_runs, max_cost: args.max_cost };
    let quiet = args.common.quiet;
    let mut eval = |values: &[f64], runs: usize| -> Result<Evaluation, String> {
        let s = scenario_at(values, runs).map_err(|e| format!("{e:#}"))?;
        let own;
        let graph = if graph_varies {
            own = pool.install(|| s.build_graph()).map_err(|e| e.to_string())?;
            &own
        } else {
            &shared
        };
        let prepared = s.prepare(graph).map_err(|e| e.to_string())?;
        let e = pool.install(|| run_ensemble(graph, &prepared.config, &|_| {})).map_err(|e| e.to_string())?;
        let a = crate::stats::analyse(&e, &prepared.analysis);
        if !quiet {
            eprintln!(
                "  {} ({runs} runs): K {:.3} ± {:.3}",
                args.lever
                    .iter()
                    .zip(values)
                    .map(|(l, v)| format!("{} = {}", l.key, format_value(*v)))
                    .collect::<Vec<_>>()
                    .join(", "),
                a.viral_coefficient.value,
                1.96 * a.viral_coefficient.std_error
            );
        }
        Ok(Evaluation { k: a.viral_coefficient, p_goal: a.goal.and_then(|g| g.reach_met), cost: a.cost.mean_total })
    };
    let sim_started = Instant::now();
    let optimum = optimize(&args.lever, &args.target, &search, &lever_costs, &mut eval).map_err(InputError)?;
    let seconds = sim_started.elapsed().as_secs_f64();
    #[derive(serde::Serialize)]
    struct Json<'a> {
        schema_version: u32,
        fission_version: &'static str,
        scenario_name: &'a str,
        target: Target,
        levers: &'a [LeverRange],
        lever_costs: &'a [f64],
        max_cost: Option<f64>,
        min_runs: usize,
        max_runs: usize,
        rng_seed: u64,
        #[serde(flatten)]
        optimum: &'a crate::plan::optimize::Optimum,
        share_of_grid_runs: f64,
        overrides: Vec<String>,
        scenario: serde_json::Value,
    }
    let mut json = serde_json::to_vec_pretty(&Json {
        schema_version: crate::report::SCHEMA_VERSION,
        fission_version: crate::VERSION,
        scenario_name: &base.name,
        target: args.target,
        levers: &args.lever,
        lever_costs: &lever_costs,
        max_cost: args.max_cost,
        min_runs,
        max_runs,
        rng_seed: seed,
        optimum: &optimum,
        share_of_grid_runs: optimum.runs_spent as f64 / optimum.grid_runs as f64,
        overrides: args.common.overrides(),
        scenario: base.to_resolved_json(),
    })
    .expect("optimisation records always serialise");
    json.push(b'\n');
    output.write("optimize.json", &json)?;
    output.commit()?;
    let cur = &base.report.currency;
    let zh = base.report.language == crate::scenario::Language::Chinese;
    let target = match (args.target, zh) {
        (Target::K { k, confidence }, false) => format!("K ≥ {k} with {:.0}% confidence", confidence * 100.0),
        (Target::K { k, confidence }, true) => format!("K ≥ {k} (置信度 {:.0}%)", confidence * 100.0),
        (Target::Goal { probability }, false) => {
            format!("P(goal met) ≥ {:.0}% (at 95% confidence)", probability * 100.0)
        }
        (Target::Goal { probability }, true) => format!("目标达成概率 ≥ {:.0}% (95% 置信度)", probability * 100.0),
    };
    let levers = args.lever.iter().map(|l| l.key.as_str()).collect::<Vec<_>>().join(", ");
    let mut text = if zh {
        format!("{}: 优化 {levers}, 目标 {target}\n", base.name)
    } else {
        format!("{}: optimise {levers} for {target}\n", base.name)
    };
    match &optimum.chosen {
        Some(p) => {
            let design = args
                .lever
                .iter()
                .zip(&p.values)
                .map(|(l, v)| format!("{} = {}", l.key, format_value(*v)))
                .collect::<Vec<_>>()
                .join(", ");
            let ev = &p.evaluation;
            let goal = ev.p_goal.map_or(String::new(), |g| {
                let (a, b, c) = (g.value * 100.0, g.ci_low * 100.0, g.ci_high * 100.0);
                if zh {
                    format!(", 目标达成概率 {a:.1}% ({b:.1} – {c:.1}%)")
                } else {
                    format!(", P(goal) {a:.1}% ({b:.1} – {c:.1}%)")
                }
            });
            let (k, lo, hi) = (ev.k.value, ev.k.ci_low, ev.k.ci_high);
            text.push_str(&if zh {
                format!(
                    "  选定方案: {design}\n  K {k:.3} (95% 置信区间 {lo:.3} – {hi:.3}){goal}; 预期成本 {cur}{:.0}; 置信度 {:.3}; 该方案 {} 次模拟\n",
                    p.expected_cost, p.confidence, p.runs
                )
            } else {
                format!(
                    "  chosen design: {design}\n  K {k:.3} (95% CI {lo:.3} – {hi:.3}){goal}; expected cost {cur}{:.0}; confidence {:.3}; {} runs on it\n",
                    p.expected_cost, p.confidence, p.runs
                )
            });
        }
        None => text.push_str(if zh {
            "  网格上没有方案达到目标 (请扩大杠杆范围, 或放宽目标)\n"
        } else {
            "  no design on the grid meets the target (widen the levers' ranges, or relax the target)\n"
        }),
    }
    let (evaluated, spent, grid) = (optimum.probes.len(), optimum.runs_spent, optimum.grid_runs);
    let share = 100.0 * spent as f64 / grid as f64;
    let total = started.elapsed().as_secs_f64();
    let manifest = crate::report::output::MANIFEST;
    text.push_str(&if zh {
        format!(
            "  评估了 {evaluated} 个方案, 共 {spent} 次模拟 (完整网格每方案 {max_runs} 次共 {grid} 次的 {share:.0}%), 用时 {seconds:.2} 秒; 总计 {total:.2} 秒\n  文件 optimize.json, {manifest}\n"
        )
    } else {
        format!(
            "  {evaluated} designs evaluated, {spent} runs spent ({share:.0}% of the {grid} runs of a full grid at {max_runs} runs a design) in {seconds:.2} s; total {total:.2} s\n  Files: optimize.json, {manifest}\n"
        )
    });
    print_stdout(&text)
}
