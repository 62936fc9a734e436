//! `fission compare`: designs run on the same graph with common random numbers, each
//! against the first, metric by metric, with paired intervals, tests and the variance
//! reduction the pairing achieved.

use super::paired::{Difference, mean_difference, ratio_difference};
use crate::outcome::Ensemble;
use crate::stats::{Analysis, AnalysisConfig, Estimate, k_terms, proportion_estimate};

/// One design's ensemble with what is needed to read it.
pub struct DesignRun<'a> {
    /// The scenario's name.
    pub name: String,
    /// The scenario file, as given.
    pub file: String,
    /// Its runs.
    pub ensemble: &'a Ensemble,
    /// Their estimates.
    pub analysis: &'a Analysis,
    /// The estimators' configuration (K's generations, fixed costs, the goal).
    pub config: AnalysisConfig,
}

/// One design's headline figures (`compare.json` `designs`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DesignSummary {
    /// The scenario's name.
    pub name: String,
    /// The scenario file.
    pub file: String,
    /// Pooled K.
    pub k: Estimate,
    /// Mean final reach.
    pub reach: Estimate,
    /// Median final reach.
    pub reach_p50: f64,
    /// Mean total cost (rewards and fixed costs).
    pub cost: Estimate,
    /// Cost per new participant.
    pub cost_per_participant: Estimate,
    /// P(goal met) (the reach goal; None without one).
    pub p_goal: Option<Estimate>,
    /// The design's cautions (as summary.json's `cautions`).
    pub cautions: Vec<crate::stats::Warning>,
}

/// Every paired difference of one design against the first (`compare.json`
/// `differences`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DesignDifferences {
    /// The design.
    pub design: String,
    /// The design it is compared with (the first).
    pub against: String,
    /// ΔK (pooled).
    pub k: Difference,
    /// Δ mean reach.
    pub reach: Difference,
    /// Δ mean total cost.
    pub cost: Difference,
    /// Δ cost per new participant.
    pub cost_per_participant: Difference,
    /// Δ P(goal met), when the first design states a reach goal.
    pub p_goal: Option<Difference>,
}

/// What the pairing bought, per comparison (`compare.json` `variance_reduction`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct VarianceReduction {
    /// The design.
    pub design: String,
    /// Against the first.
    pub against: String,
    /// Var(independent) / Var(paired) of ΔK.
    pub k: f64,
    /// ... of Δ reach.
    pub reach: f64,
    /// ... of Δ cost.
    pub cost: f64,
}

/// A comparison of designs.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Comparison {
    /// Each design's figures, in the order given.
    pub designs: Vec<DesignSummary>,
    /// Each design after the first against the first.
    pub differences: Vec<DesignDifferences>,
    /// The variance reduction achieved, per comparison.
    pub variance_reduction: Vec<VarianceReduction>,
}

/// Per run: whether the reach by the goal's day met the goal's reach (1 or 0).
fn goal_met(e: &Ensemble, config: &AnalysisConfig) -> Option<Vec<f64>> {
    let goal = config.goal?;
    let target = goal.reach?;
    let day = goal.by_day.unwrap_or(e.days).min(e.days) as usize;
    Some(
        (0..e.runs)
            .map(|r| (e.daily_row(r).iter().take(day + 1).map(|&x| x as f64).sum::<f64>() >= target) as u8 as f64)
            .collect(),
    )
}

fn per_run(e: &Ensemble, config: &AnalysisConfig) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let seeds = e.seed_count as f64;
    let reach = e.outcomes.iter().map(|o| o.reach as f64).collect();
    let cost = e.outcomes.iter().map(|o| o.spend + config.fixed_costs).collect();
    let new = e.outcomes.iter().map(|o| o.reach as f64 - seeds).collect();
    (reach, cost, new)
}

/// Compares `designs` (at least two, the same runs each: paired run by run).
///
/// # Panics
/// With fewer than two designs, or designs of different numbers of runs.
pub fn compare(designs: &[DesignRun]) -> Comparison {
    assert!(designs.len() >= 2, "a comparison needs two designs");
    let runs = designs[0].ensemble.runs;
    assert!(designs.iter().all(|d| d.ensemble.runs == runs), "paired designs have the same runs");
    let summaries = designs
        .iter()
        .map(|d| {
            let a = d.analysis;
            let (_, cost, new) = per_run(d.ensemble, &d.config);
            DesignSummary {
                name: d.name.clone(),
                file: d.file.clone(),
                k: a.viral_coefficient,
                reach: a.mean_reach,
                reach_p50: a.reach.p50,
                cost: a.cost.mean_total,
                cost_per_participant: crate::stats::ratio_estimate(&cost, &new),
                p_goal: goal_met(d.ensemble, &d.config)
                    .map(|met| proportion_estimate(met.iter().filter(|&&m| m > 0.0).count(), met.len())),
                cautions: a.warnings.clone(),
            }
        })
        .collect();
    let base = &designs[0];
    let base_k = k_terms(base.ensemble, &base.config);
    let (base_reach, base_cost, base_new) = per_run(base.ensemble, &base.config);
    let base_goal = goal_met(base.ensemble, &base.config);
    let mut differences = Vec::new();
    let mut reductions = Vec::new();
    for d in &designs[1..] {
        let k = k_terms(d.ensemble, &d.config);
        let (reach, cost, new) = per_run(d.ensemble, &d.config);
        // The goal is the first design's, read on every design's runs.
        let goal = goal_met(d.ensemble, &base.config);
        let diff = DesignDifferences {
            design: d.name.clone(),
            against: base.name.clone(),
            k: ratio_difference((&base_k.children, &base_k.parents), (&k.children, &k.parents)),
            reach: mean_difference(&base_reach, &reach),
            cost: mean_difference(&base_cost, &cost),
            cost_per_participant: ratio_difference((&base_cost, &base_new), (&cost, &new)),
            p_goal: base_goal.as_ref().zip(goal.as_ref()).map(|(a, b)| mean_difference(a, b)),
        };
        reductions.push(VarianceReduction {
            design: d.name.clone(),
            against: base.name.clone(),
            k: diff.k.variance_reduction,
            reach: diff.reach.variance_reduction,
            cost: diff.cost.variance_reduction,
        });
        differences.push(diff);
    }
    Comparison { designs: summaries, differences, variance_reduction: reductions }
}
