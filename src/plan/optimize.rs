//! `fission optimize`: the cheapest design on a grid of levers that meets a target
//! with the stated confidence, found by bisection along the last lever (targets rise
//! with the campaign's levers: docs/PLANNING.md) for each value of the others, with
//! runs spent adaptively: few where the answer is clear, more near the boundary.

use crate::stats::Estimate;
use statrs::distribution::{ContinuousCDF, Normal};

/// A lever's grid.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LeverRange {
    /// The scenario key.
    pub key: String,
    /// Its values, rising.
    pub values: Vec<f64>,
}

/// Parses `KEY=LO:HI` (11 values) or `KEY=LO:HI:STEP`.
///
/// # Errors
/// A message naming the `--lever`.
pub fn parse_lever_range(text: &str) -> Result<LeverRange, String> {
    let bad = || format!("--lever {text:?}: give KEY=LO:HI or KEY=LO:HI:STEP, such as campaign.reward=0:50:5");
    let (key, spec) = text.split_once('=').ok_or_else(bad)?;
    let parts: Vec<f64> =
        spec.split(':').map(|p| p.trim().parse::<f64>()).collect::<Result<_, _>>().map_err(|_| bad())?;
    let (lo, hi, step) = match parts[..] {
        [lo, hi] => (lo, hi, (hi - lo) / 10.0),
        [lo, hi, step] => (lo, hi, step),
        _ => return Err(bad()),
    };
    if !(lo.is_finite() && hi.is_finite() && step.is_finite() && hi > lo && step > 0.0) {
        return Err(bad());
    }
    let v = super::sweep::parse_vary(&format!("{}={lo}:{hi}:{step}", key.trim())).map_err(|_| bad())?;
    Ok(LeverRange { key: v.key, values: v.values })
}

/// What a design must achieve.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Target {
    /// K ≥ `k`, with `confidence` that the design's true K is at least `k`.
    K {
        /// The viral coefficient to reach.
        k: f64,
        /// The confidence required.
        confidence: f64,
    },
    /// P(goal met) ≥ `probability` (the scenario's `[goal]` reach), its 95% interval's
    /// lower end above it.
    Goal {
        /// The probability required.
        probability: f64,
    },
}

/// Parses `k>=1:0.9` (K ≥ 1 with 90% confidence) or `goal>=0.8`.
///
/// # Errors
/// A message naming the `--target`.
pub fn parse_target(text: &str) -> Result<Target, String> {
    let bad = || {
        format!(
            "--target {text:?}: give k>=K:CONFIDENCE (such as k>=1:0.9) or goal>=P (such as goal>=0.8, with a [goal] reach)"
        )
    };
    let t = text.replace(' ', "");
    if let Some(rest) = t.strip_prefix("k>=") {
        let (k, c) = rest.split_once(':').unwrap_or((rest, "0.9"));
        let (k, c): (f64, f64) = (k.parse().map_err(|_| bad())?, c.parse().map_err(|_| bad())?);
        if !(k > 0.0 && k.is_finite() && c > 0.5 && c < 1.0) {
            return Err(bad());
        }
        return Ok(Target::K { k, confidence: c });
    }
    if let Some(p) = t.strip_prefix("goal>=") {
        let p: f64 = p.parse().map_err(|_| bad())?;
        if !(p > 0.0 && p < 1.0) {
            return Err(bad());
        }
        return Ok(Target::Goal { probability: p });
    }
    Err(bad())
}

/// Runs the design at the levers' values with this many runs.
pub type Evaluator<'a> = dyn FnMut(&[f64], usize) -> Result<Evaluation, String> + 'a;

/// What one design's runs say.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Evaluation {
    /// Pooled K.
    pub k: Estimate,
    /// P(goal met), with a goal.
    pub p_goal: Option<Estimate>,
    /// Mean total cost (rewards and fixed costs).
    pub cost: Estimate,
}

/// Whether a design meets the target, does not, or its runs cannot tell yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Met at the stated confidence.
    Meets,
    /// Confidently not met (the target's complement at the same confidence).
    Fails,
    /// More runs needed.
    Unsure,
}

impl Target {
    /// The verdict on `e`, and the confidence (for K) or the lower end of P(goal)'s
    /// interval (for a goal) it rests on.
    pub fn verdict(&self, e: &Evaluation) -> (Verdict, f64) {
        match *self {
            Target::K { k, confidence } => {
                let c = if e.k.std_error > 0.0 && e.k.std_error.is_finite() {
                    Normal::standard().cdf((e.k.value - k) / e.k.std_error)
                } else if e.k.value >= k {
                    1.0
                } else {
                    0.0
                };
                let v = if c >= confidence {
                    Verdict::Meets
                } else if c <= 1.0 - confidence {
                    Verdict::Fails
                } else {
                    Verdict::Unsure
                };
                (v, c)
            }
            Target::Goal { probability } => match e.p_goal {
                None => (Verdict::Fails, 0.0),
                Some(p) if p.ci_low >= probability => (Verdict::Meets, p.ci_low),
                Some(p) if p.ci_high < probability => (Verdict::Fails, p.ci_low),
                Some(p) => (Verdict::Unsure, p.ci_low),
            },
        }
    }
}

/// One design evaluated by the search.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Probe {
    /// The levers' values.
    pub values: Vec<f64>,
    /// Runs spent on it (all its rounds).
    pub runs: usize,
    /// What its last round's runs say.
    pub evaluation: Evaluation,
    /// The verdict (Unsure at the most runs counts as not met).
    pub verdict: Verdict,
    /// The confidence the verdict rests on.
    pub confidence: f64,
    /// Its expected cost: mean total cost plus the levers' stated costs.
    pub expected_cost: f64,
}

/// The search's settings.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// Runs of a design's first round.
    pub min_runs: usize,
    /// The most runs a design gets (rounds double the runs up to it).
    pub max_runs: usize,
    /// The most a design may cost on average (None: no limit).
    pub max_cost: Option<f64>,
}

/// The search's answer.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Optimum {
    /// The cheapest design that meets the target (None: none on the grid does).
    pub chosen: Option<Probe>,
    /// Every design evaluated, in the order of the search.
    pub probes: Vec<Probe>,
    /// Runs spent in all.
    pub runs_spent: usize,
    /// Runs a full grid at the most runs per design would take.
    pub grid_runs: usize,
}

/// Evaluates the design at `values` in rounds of doubling runs until the target's verdict
/// is clear or `max_runs` is reached (common random numbers: run r is the same in every
/// round, so each round's runs extend the last).
fn probe(
    values: &[f64],
    target: &Target,
    search: &Search,
    lever_costs: &[f64],
    eval: &mut Evaluator,
) -> Result<Probe, String> {
    let mut runs = search.min_runs.min(search.max_runs);
    let mut spent = 0;
    loop {
        let e = eval(values, runs)?;
        spent += runs;
        let (verdict, confidence) = target.verdict(&e);
        if verdict != Verdict::Unsure || runs >= search.max_runs {
            let expected_cost = e.cost.value + lever_costs.iter().zip(values).map(|(c, v)| c * v).sum::<f64>();
            // Over the budget: not a design the planner can choose.
            let over = search.max_cost.is_some_and(|m| expected_cost > m);
            let verdict = if verdict == Verdict::Meets && !over {
                Verdict::Meets
            } else if verdict == Verdict::Meets {
                Verdict::Fails
            } else {
                verdict
            };
            return Ok(Probe {
                values: values.to_vec(),
                runs: spent,
                evaluation: e,
                verdict,
                confidence,
                expected_cost,
            });
        }
        runs = (runs * 2).min(search.max_runs);
    }
}

/// The cheapest design on the grid of `levers` that meets `target`. For each combination
/// of the levers but the last, the smallest value of the last that meets it is found by
/// bisection (the target's statistic rises with the last lever: a reward, fun, a page, a
/// channel's reach, as the model's levers act; docs/PLANNING.md); the cheapest of these
/// by expected cost is chosen. `eval(values, runs)` runs a design.
///
/// # Errors
/// What `eval` reports.
pub fn optimize(
    levers: &[LeverRange],
    target: &Target,
    search: &Search,
    lever_costs: &[f64],
    eval: &mut Evaluator,
) -> Result<Optimum, String> {
    let (last, others) = levers.split_last().expect("at least one lever");
    let mut combos: Vec<Vec<f64>> = vec![Vec::new()];
    for l in others {
        combos = combos.iter().flat_map(|c| l.values.iter().map(move |&v| [c.clone(), vec![v]].concat())).collect();
    }
    let mut probes: Vec<Probe> = Vec::new();
    let mut frontier: Vec<usize> = Vec::new();
    for combo in &combos {
        let at = |i: usize| [combo.clone(), vec![last.values[i]]].concat();
        // Bisection for the first index that meets the target: lo fails (or is -1), hi
        // meets (or is past the end).
        let (mut lo, mut hi): (isize, usize) = (-1, last.values.len());
        let mut met: Option<usize> = None;
        while (lo + 1) as usize != hi {
            let mid = ((lo + hi as isize) / 2) as usize;
            let p = probe(&at(mid), target, search, lever_costs, eval)?;
            let meets = p.verdict == Verdict::Meets;
            probes.push(p);
            if meets {
                hi = mid;
                met = Some(probes.len() - 1);
            } else {
                lo = mid as isize;
            }
        }
        if let Some(i) = met {
            frontier.push(i);
        }
    }
    let chosen =
        frontier.iter().map(|&i| &probes[i]).min_by(|a, b| a.expected_cost.total_cmp(&b.expected_cost)).cloned();
    let runs_spent = probes.iter().map(|p| p.runs).sum();
    let grid_runs = levers.iter().map(|l| l.values.len()).product::<usize>() * search.max_runs;
    Ok(Optimum { chosen, probes, runs_spent, grid_runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(v: f64, se: f64) -> Estimate {
        Estimate { value: v, std_error: se, ci_low: v - 1.96 * se, ci_high: v + 1.96 * se, n: 100 }
    }

    #[test]
    fn targets_and_levers_parse() {
        assert_eq!(parse_target("k>=1:0.9").unwrap(), Target::K { k: 1.0, confidence: 0.9 });
        assert_eq!(parse_target("goal>=0.8").unwrap(), Target::Goal { probability: 0.8 });
        assert!(parse_target("k>1").is_err() && parse_target("goal>=1.5").is_err());
        let l = parse_lever_range("campaign.reward=0:50").unwrap();
        assert_eq!(l.values.len(), 11);
        assert_eq!(parse_lever_range("campaign.reward=0:50:25").unwrap().values, vec![0.0, 25.0, 50.0]);
        assert!(parse_lever_range("campaign.reward=5:1").is_err());
    }

    #[test]
    fn bisection_finds_the_first_value_that_meets_the_target_with_few_runs() {
        // K = value / 10 exactly (se 0.01 at any runs): K ≥ 1 first at 10.
        let levers = [LeverRange { key: "x".into(), values: (0..=20).map(|i| i as f64).collect() }];
        let target = Target::K { k: 1.0, confidence: 0.9 };
        let search = Search { min_runs: 100, max_runs: 1600, max_cost: None };
        let mut eval = |v: &[f64], _runs: usize| {
            Ok(Evaluation { k: est(v[0] / 10.0, 0.01), p_goal: None, cost: est(v[0] * 100.0, 1.0) })
        };
        let o = optimize(&levers, &target, &search, &[0.0], &mut eval).unwrap();
        assert_eq!(o.chosen.unwrap().values, vec![11.0]);
        assert!(o.runs_spent * 5 < o.grid_runs, "{} of {}", o.runs_spent, o.grid_runs);
    }
}
