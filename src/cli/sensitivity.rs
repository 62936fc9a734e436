//! `fission sensitivity SCENARIO.toml`: each lever one step down and up, all else fixed,
//! paired with the base design; a tornado chart.

use super::*;
use crate::plan::compare::{DesignRun, compare};
use crate::plan::sensitivity::{Lever, LeverEffect, default_levers, parse_lever};
use crate::plan::sweep::format_value;
use crate::report::sensitivity::SensitivityReport;

pub(super) const SENSITIVITY_EXAMPLES: &str = "Examples:
  fission sensitivity scenarios/referral-baseline.toml
  fission sensitivity my-campaign.toml --lever campaign.reward=5 --lever campaign.fun=0.2 --runs 5000";

#[derive(Debug, Args)]
pub(super) struct SensitivityArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A lever and its step, KEY=STEP (repeatable; replaces the default levers).
    #[arg(long, value_name = "KEY=STEP", value_parser = parse_lever)]
    lever: Vec<Lever>,
    #[command(flatten)]
    common: PlanArgs,
}

/// The value at a dotted `key` of a resolved scenario (JSON), if it is a number.
fn value_at(resolved: &serde_json::Value, key: &str) -> Option<f64> {
    key.split('.').try_fold(resolved, |v, part| v.get(part))?.as_f64()
}

pub(super) fn sensitivity(args: SensitivityArgs) -> Result<()> {
    let started = Instant::now();
    let base = load(&args.scenario, args.common.runs, args.common.seed, &args.common.set)?;
    let (runs, seed) = (base.simulation.runs as u64, base.simulation.rng_seed);
    let resolved = base.to_resolved_json();
    let levers = if args.lever.is_empty() { default_levers() } else { args.lever.clone() };
    // Each lever's base value, and its moves; a lever the scenario does not use (a
    // disabled channel, a model without levers) is left out, and said.
    let mut moves: Vec<(Lever, f64, Option<f64>, Option<f64>)> = Vec::new();
    let mut skipped = Vec::new();
    for l in levers {
        let section = l.key.rsplit_once('.').map_or("", |(s, _)| s);
        let disabled = resolved.pointer(&format!("/{}/enabled", section.replace('.', "/"))).and_then(|v| v.as_bool())
            == Some(false);
        match value_at(&resolved, &l.key) {
            Some(v) if !disabled => {
                let (down, up) = l.moves(v);
                moves.push((l, v, down, up));
            }
            _ => skipped.push(l.key.clone()),
        }
    }
    if moves.is_empty() {
        bail!(InputError(format!(
            "{}: none of the levers applies to this scenario ({})",
            args.scenario.display(),
            skipped.join(", ")
        )));
    }
    // Every design checked like the file before anything runs.
    let design = |key: &str, x: f64| -> Result<Scenario> {
        let mut sets = args.common.set.clone();
        sets.push((key.to_string(), format_value(x)));
        load(&args.scenario, Some(runs), Some(seed), &sets)
    };
    let mut variants: Vec<(usize, bool, Scenario)> = Vec::new();
    for (i, (l, _, down, up)) in moves.iter().enumerate() {
        for (is_up, x) in [(false, down), (true, up)] {
            if let Some(x) = x {
                variants.push((i, is_up, design(&l.key, *x)?));
            }
        }
    }
    let out_dir = args.common.out_dir("sensitivity", &[args.scenario.as_path()]);
    check_output_folder(&out_dir)?;
    check_memory(&base, args.common.threads)?;
    let pool = worker_pool(args.common.threads)?;
    note(args.common.quiet, "building the graph ...");
    let shared = pool.install(|| base.build_graph_within(graph_memory_budget(&base, args.common.threads)))?;
    let output = OutputDir::begin(&out_dir)?;
    let total = runs * (1 + variants.len() as u64);
    let bar = progress_bar(args.common.quiet, total, "sensitivity");
    let sim_started = Instant::now();
    let run_one = |s: &Scenario,
                   n: u64|
     -> Result<(crate::engine::Ensemble, crate::stats::Analysis, crate::stats::AnalysisConfig)> {
        // A graph key moved by a lever rebuilds the graph for that design.
        let own;
        let graph = if s.graph == base.graph && s.graph_rng_seed() == base.graph_rng_seed() {
            &shared
        } else {
            own = pool.install(|| s.build_graph_within(graph_memory_budget(s, args.common.threads)))?;
            &own
        };
        let prepared = s.prepare(graph)?;
        let config = prepared.config;
        let progress = |p: Progress| {
            if p.runs_done.is_multiple_of(64) || p.runs_done == p.runs_total {
                bar.set_position(n * runs + p.runs_done)
            }
        };
        let e = pool
            .install(|| run_ensemble(graph, &config, &progress))
            .map_err(|e| InputError(format!("{}: {e}", s.file_label)))?;
        let a = crate::stats::analyse(&e, &prepared.analysis);
        Ok((e, a, prepared.analysis))
    };
    let (base_e, base_a, base_config) = run_one(&base, 0)?;
    let mut effects: Vec<LeverEffect> = moves
        .iter()
        .map(|(l, v, down, up)| LeverEffect {
            key: l.key.clone(),
            base: *v,
            down: *down,
            up: *up,
            k: (None, None),
            reach: (None, None),
            cost: (None, None),
        })
        .collect();
    for (n, (i, is_up, s)) in variants.iter().enumerate() {
        let (e, a, config) = run_one(s, n as u64 + 1)?;
        let designs = [
            DesignRun {
                name: base.name.clone(),
                file: String::new(),
                ensemble: &base_e,
                analysis: &base_a,
                config: base_config,
            },
            DesignRun { name: s.name.clone(), file: String::new(), ensemble: &e, analysis: &a, config },
        ];
        let d = compare(&designs).differences.remove(0);
        let effect = &mut effects[*i];
        let slot = |pair: &mut (Option<_>, Option<_>), x| if *is_up { pair.1 = Some(x) } else { pair.0 = Some(x) };
        slot(&mut effect.k, d.k);
        slot(&mut effect.reach, d.reach);
        slot(&mut effect.cost, d.cost);
    }
    bar.finish_and_clear();
    let seconds = sim_started.elapsed().as_secs_f64();
    // Largest effect on K first.
    effects.sort_by(|a, b| b.k_swing().total_cmp(&a.k_swing()));
    let report = SensitivityReport {
        scenario_name: base.name.clone(),
        base: &base_a,
        effects,
        skipped,
        runs: runs as usize,
        rng_seed: seed,
        overrides: args.common.overrides(),
        scenario: resolved,
        currency: base.report.currency.clone(),
    };
    let files = finish_plan_outputs(
        output,
        &[("sensitivity.json", report.json()), ("sensitivity.csv", report.csv())],
        report.charts()?,
        args.common.quiet,
        (total, seconds, started),
        &out_dir,
    )?;
    let mut text = report.table();
    text.push_str(&runs_and_files(report.zh(), total, seconds, &files));
    print_stdout(&text)
}
