//! Estimators over an [`Ensemble`]: the viral coefficient K (per generation and
//! pooled, with its split into invitations per participant × conversion per
//! invitation), reach, takeoff probability, speed and cost, each with its uncertainty.
//! Also the viral-loop closed form used as a comparison curve.
//!
//! Main types: [`Estimate`], [`Analysis`], [`AnalysisConfig`], [`Warning`].
//! Formulas and assumptions are in docs/MODEL.md ("Estimating K").

use crate::outcome::Ensemble;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// A point estimate with its standard error and a 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Estimate {
    /// The estimate.
    pub value: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Lower end of the 95% confidence interval.
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval.
    pub ci_high: f64,
    /// Number of runs it rests on.
    pub n: usize,
}

impl Estimate {
    fn undefined(n: usize) -> Self {
        Self { value: f64::NAN, std_error: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n }
    }
}

/// Two-sided 97.5% quantile of Student's t with `df` degrees of freedom.
fn t_quantile(df: usize) -> f64 {
    match StudentsT::new(0.0, 1.0, df.max(1) as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => 1.959_963_984_540_054,
    }
}

/// Mean across runs with a t interval: x̄ ± t(0.975, n−1)·s/√n (its lower end at 0 at
/// least when every value is).
///
/// ```
/// let e = fission::stats::mean_estimate(&[1.0, 2.0, 3.0]);
/// assert_eq!(e.value, 2.0);
/// assert!((e.std_error - (1.0f64 / 3.0).sqrt()).abs() < 1e-12);
/// ```
pub fn mean_estimate(xs: &[f64]) -> Estimate {
    let n = xs.len();
    if n == 0 {
        return Estimate::undefined(0);
    }
    let mean = xs.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return Estimate { value: mean, std_error: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
    }
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let se = (var / n as f64).sqrt();
    t_interval(mean, se, n, xs.iter().all(|&x| x >= 0.0))
}

/// An estimate with the t interval value ± t(0.975, n−1)·se, whose lower end stops at 0
/// for a quantity that cannot be negative (`nonnegative`: reach, cost, K): with few runs
/// the symmetric interval of a small K reached below 0, which no outcome can.
fn t_interval(value: f64, se: f64, n: usize, nonnegative: bool) -> Estimate {
    let half = t_quantile(n - 1) * se;
    let low = if nonnegative { (value - half).max(0.0) } else { value - half };
    Estimate { value, std_error: se, ci_low: low, ci_high: value + half, n }
}

/// Ratio of totals Σy / Σx across runs, with the delta-method (linearisation)
/// standard error `sqrt(Σ (y_r − R x_r)² / (n (n − 1))) / x̄` and a t interval (its
/// lower end at 0 at least when every y and x is).
/// This is the Harris estimator of an offspring mean when y counts children and x
/// parents. Undefined (NaN) when Σx = 0.
///
/// ```
/// let e = fission::stats::ratio_estimate(&[2.0, 4.0], &[1.0, 2.0]);
/// assert_eq!(e.value, 2.0);
/// assert_eq!(e.std_error, 0.0);
/// ```
pub fn ratio_estimate(ys: &[f64], xs: &[f64]) -> Estimate {
    let n = xs.len();
    let (sy, sx): (f64, f64) = (ys.iter().sum(), xs.iter().sum());
    if n == 0 || sx <= 0.0 {
        return Estimate::undefined(n);
    }
    let r = sy / sx;
    if n == 1 {
        return Estimate { value: r, std_error: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, n };
    }
    let xbar = sx / n as f64;
    let ss: f64 = ys.iter().zip(xs).map(|(y, x)| (y - r * x).powi(2)).sum();
    let se = (ss / (n as f64 * (n - 1) as f64)).sqrt() / xbar;
    t_interval(r, se, n, ys.iter().chain(xs).all(|&v| v >= 0.0))
}

/// A proportion with the Wilson score interval (good near 0 and 1).
///
/// ```
/// let e = fission::stats::proportion_estimate(0, 100);
/// assert_eq!(e.value, 0.0);
/// assert!(e.ci_low == 0.0 && e.ci_high > 0.0 && e.ci_high < 0.05);
/// ```
pub fn proportion_estimate(successes: usize, n: usize) -> Estimate {
    if n == 0 {
        return Estimate::undefined(0);
    }
    let z = Normal::standard().inverse_cdf(0.975);
    let nf = n as f64;
    let p = successes as f64 / nf;
    let denom = 1.0 + z * z / nf;
    let centre = (p + z * z / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z * z / (4.0 * nf * nf)).sqrt() / denom;
    Estimate {
        value: p,
        std_error: (p * (1.0 - p) / nf).sqrt(),
        ci_low: (centre - half).max(0.0),
        ci_high: (centre + half).min(1.0),
        n,
    }
}

/// Quantile `q` of sorted data by linear interpolation between order statistics
/// (Hyndman–Fan type 7, the default of R and numpy).
///
/// ```
/// assert_eq!(fission::stats::quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
/// ```
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Summary of a distribution across runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Distribution {
    /// Mean.
    pub mean: f64,
    /// Standard deviation (n − 1 denominator).
    pub std_dev: f64,
    /// 5th percentile.
    pub p05: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub p50: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 95th percentile.
    pub p95: f64,
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
}

impl Distribution {
    /// Summarises `values` (sorted in place).
    pub fn from_values(values: &mut [f64]) -> Self {
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let mean = values.iter().sum::<f64>() / n.max(1) as f64;
        let var = if n > 1 { values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
        Self {
            mean,
            std_dev: var.sqrt(),
            p05: quantile_sorted(values, 0.05),
            p25: quantile_sorted(values, 0.25),
            p50: quantile_sorted(values, 0.50),
            p75: quantile_sorted(values, 0.75),
            p95: quantile_sorted(values, 0.95),
            min: values.first().copied().unwrap_or(f64::NAN),
            max: values.last().copied().unwrap_or(f64::NAN),
        }
    }
}

/// The campaign's goal (`[goal]`): a reach by a day, and or a K to reach.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Goal {
    /// Participants to reach (seed users included).
    pub reach: Option<f64>,
    /// ... by this day (None: by the horizon).
    pub by_day: Option<u32>,
    /// A viral coefficient to reach.
    pub k: Option<f64>,
}

/// How likely the goal is met.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GoalSummary {
    /// The goal.
    pub goal: Goal,
    /// The day the reach is counted on (the goal's, or the horizon).
    pub day: u32,
    /// P(reach by the day ≥ the goal): the share of runs that met it, with a Wilson
    /// interval (None without a reach goal).
    pub reach_met: Option<Estimate>,
    /// The confidence that the true K is at least the goal's: Φ((K̂ − k) / se), from the
    /// pooled K and its standard error (None without a K goal, or without an interval).
    pub k_confidence: Option<f64>,
}

/// What the estimators need besides the ensemble.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AnalysisConfig {
    /// The campaign's goal, if stated.
    pub goal: Option<Goal>,
    /// Fixed costs (development, media), in currency units, added to every run's cost.
    pub fixed_costs: f64,
    /// The whole budget, fixed costs included (None: no budget).
    pub budget: Option<f64>,
    /// What a new participant is worth, for the return on investment (None: not given).
    pub value_per_participant: Option<f64>,
    /// A run "takes off" when its reach is at least this multiple of the seed users.
    pub takeoff_multiple: f64,
    /// Reward paid to each new participant (seed users excluded), in currency units.
    pub reward_per_participant: f64,
    /// Mean cycle time in days (for the viral-loop closed form).
    pub cycle_time_days: f64,
    /// Generations are pooled into K only while the participants so far are at most
    /// this share of the graph (the growth phase, before the audience runs out).
    pub k_population_limit: f64,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            goal: None,
            fixed_costs: 0.0,
            budget: None,
            value_per_participant: None,
            takeoff_multiple: 10.0,
            reward_per_participant: 0.0,
            cycle_time_days: 2.0,
            k_population_limit: 0.1,
        }
    }
}

/// K for one generation: participants of generation g+1 per participant of g.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GenerationEstimate {
    /// Parent generation g (0 = seed users).
    pub generation: u32,
    /// Mean participants in generation g across contributing runs.
    pub mean_participants: f64,
    /// Runs in which generation g had participants whose offspring were observed.
    pub runs_with_parents: usize,
    /// K_g = Σ Z_{g+1} / Σ Z_g across runs, with its interval.
    pub k: Estimate,
}

/// Cumulative and new participants on one day, across runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DailySummary {
    /// Day (0 = launch, the seed users).
    pub day: u32,
    /// Participants so far.
    pub cumulative: Distribution,
    /// Participants joining that day.
    pub new: Distribution,
}

/// What a campaign costs: rewards paid and fixed costs, against the budget.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CostSummary {
    /// The per-participant reward, in currency units.
    pub reward_per_participant: f64,
    /// Fixed costs, in every run's total.
    pub fixed: f64,
    /// Rewards paid per run.
    pub rewards: Distribution,
    /// Total cost per run: rewards paid plus fixed costs.
    pub total: Distribution,
    /// Mean total cost, with its interval.
    pub mean_total: Estimate,
    /// Cost per new participant: mean total cost over mean new participants (a ratio
    /// estimate; NaN when nobody new joined).
    pub per_participant: Estimate,
    /// The whole budget, when one is given.
    pub budget: Option<f64>,
    /// Share of runs whose budget ran out, with a Wilson interval (None: no budget).
    pub budget_exhausted: Option<Estimate>,
    /// The day the budget ran out, across the runs where it did (None: in no run).
    pub budget_exhausted_day: Option<Distribution>,
    /// Return on investment, (value × new participants − total cost) / total cost: the
    /// ratio of the means, with its interval (None: no value per participant given, or
    /// nothing spent).
    pub roi: Option<Estimate>,
    /// Per day: rewards paid that day (mean across runs) and the cumulative cost,
    /// fixed costs included, across runs.
    pub daily: Vec<DailyCost>,
}

/// Spend on one day, across runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DailyCost {
    /// Day (0 = launch).
    pub day: u32,
    /// Rewards paid that day, mean across runs.
    pub new_mean: f64,
    /// Cost so far, fixed costs included.
    pub cumulative: Distribution,
}

/// A caution about the estimates, with what to do about it.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Warning {
    /// The interval on K is wide.
    WideInterval {
        /// Current runs.
        runs: usize,
        /// Half-width of the 95% interval on K.
        half_width: f64,
        /// Runs for a ±0.02 interval.
        runs_needed: usize,
    },
    /// K has no interval: fewer than two runs had a generation to pool.
    NoInterval {
        /// Current runs.
        runs: usize,
        /// Runs the pooled K rests on.
        pooled: usize,
    },
    /// Runs were still spreading at the horizon.
    Censored {
        /// Share of runs censored.
        fraction: f64,
        /// The horizon.
        days: u32,
        /// New participants on the last day, mean across runs.
        new_last_day: f64,
        /// New participants over the last 7 days (or fewer, in a shorter campaign), mean.
        new_last_week: f64,
        /// Mean final reach.
        mean_reach: f64,
    },
    /// Reach is limited by the size of the graph.
    Saturated {
        /// Mean share of the graph reached.
        fraction: f64,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::WideInterval { runs, half_width, runs_needed } => write!(
                f,
                "K is known to ±{half_width:.3} from {runs} runs: raise `runs` to about {runs_needed} for a ±0.02 interval"
            ),
            Warning::NoInterval { runs, pooled } => write!(
                f,
                "K has no 95% interval: it rests on {pooled} of {runs} run{} and an interval needs at least 2; raise `runs` (1,000 or more for a usable interval)",
                if *runs == 1 { "" } else { "s" }
            ),
            Warning::Censored { fraction, days, new_last_day, new_last_week, mean_reach } => write!(
                f,
                "{:.0}% of runs were still spreading on day {days}: {new_last_day:.1} people a day were still joining on the last day ({:.1}% of the mean reach of {mean_reach:.0}; {:.1}% joined in the last {} days), so reach is cut off by the horizon and late-generation K is biased low; raise `days` to see where the campaign ends",
                fraction * 100.0,
                100.0 * new_last_day / mean_reach.max(1e-9),
                100.0 * new_last_week / mean_reach.max(1e-9),
                (*days).min(7)
            ),
            Warning::Saturated { fraction } => write!(
                f,
                "the campaign reaches {:.0}% of the graph on average: the graph's size, not the design, limits reach; simulate a larger audience",
                fraction * 100.0
            ),
        }
    }
}

/// Every estimate fission reports for an ensemble.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Analysis {
    /// Runs analysed.
    pub runs: usize,
    /// Seed users per run.
    pub seed_count: usize,
    /// Pooled viral coefficient K = Σ children / Σ parents over observed generations.
    pub viral_coefficient: Estimate,
    /// K per generation.
    pub per_generation: Vec<GenerationEstimate>,
    /// Invitations sent per participant (the parents of the pooled K).
    pub invitations_per_participant: Estimate,
    /// New participants per invitation (K = invitations × conversion, exactly).
    pub conversion_per_invitation: Estimate,
    /// Final participants, seed users included.
    pub reach: Distribution,
    /// Mean final participants with its interval.
    pub mean_reach: Estimate,
    /// Mean share of the graph reached.
    pub reach_fraction: f64,
    /// Reach that counts as takeoff (takeoff_multiple × seed users).
    pub takeoff_reach: f64,
    /// Share of runs that took off, with a Wilson interval.
    pub takeoff_probability: Estimate,
    /// Days until half of the run's final reach had joined.
    pub days_to_half_reach: Distribution,
    /// Per-day cumulative and new participants.
    pub daily: Vec<DailySummary>,
    /// Reward cost.
    pub cost: CostSummary,
    /// Share of runs still spreading at the horizon.
    pub censored_fraction: f64,
    /// Viral-loop closed form (seeds, pooled K, cycle time) at each day.
    pub closed_form: Vec<f64>,
    /// Shape of the recruitment trees.
    pub cascades: CascadeSummary,
    /// How likely the goal is met, when one is stated.
    pub goal: Option<GoalSummary>,
    /// Cautions about these numbers.
    pub warnings: Vec<Warning>,
}

/// Shape of the recruitment trees (who recruited whom).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CascadeSummary {
    /// Depth (the last generation reached; 0 = only the seed users) across runs.
    pub depth: Distribution,
    /// Mean structural virality of each run's trees with two or more people
    /// (Goel et al. 2016: mean distance between two people of a tree; a star of n
    /// people has 2(n − 1)/n, a chain (n + 1)/3), across the runs that have one.
    pub structural_virality: Distribution,
    /// Runs with at least one tree of two or more people.
    pub runs_with_trees: usize,
    /// Mean people recruited per participant, over all participants of all runs.
    pub offspring_mean: f64,
    /// Variance of people recruited per participant.
    pub offspring_variance: f64,
    /// Negative-binomial dispersion k = m² / (s² − m): small k means a few
    /// participants recruit most people (superspreading); None when the variance does
    /// not exceed the mean (no overdispersion).
    pub offspring_dispersion: Option<f64>,
    /// Recruitment trees (one per seed user per run) of at least
    /// [`LARGE_TREE`] people: the trees whose shape real cascades are compared on.
    pub trees_of_10_or_more: usize,
    /// Among those, the share that are stars (everyone recruited by the root).
    pub star_share: Option<f64>,
    /// Among those, the mean depth (last generation).
    pub mean_depth_of_10_or_more: Option<f64>,
    /// Among those, the median structural virality.
    pub median_structural_virality_of_10_or_more: Option<f64>,
    /// Among those, the share that reach 100 people or more (the size tail).
    pub p_size_100_given_10: Option<f64>,
}

/// The size from which a recruitment tree's shape is summarised (real cascade studies
/// compare trees of at least 10 people: most trees are a single person or two).
pub const LARGE_TREE: u32 = 10;

/// Summarises depth, structural virality and offspring dispersion across runs, and
/// the shapes of the recruitment trees of at least [`LARGE_TREE`] people.
/// Participants of censored runs whose recruits would join after the horizon count
/// as recruiting fewer people than they will.
pub fn cascade_summary(ensemble: &Ensemble) -> CascadeSummary {
    let mut depth: Vec<f64> = ensemble.outcomes.iter().map(|o| o.generations.saturating_sub(1) as f64).collect();
    let mut virality: Vec<f64> = ensemble.outcomes.iter().filter_map(|o| o.structural_virality).collect();
    let people: f64 = ensemble.outcomes.iter().map(|o| o.reach as f64).sum();
    let children: f64 = ensemble.outcomes.iter().map(|o| o.reach as f64 - ensemble.seed_count as f64).sum();
    let squares: f64 = ensemble.outcomes.iter().map(|o| o.offspring_square_sum as f64).sum();
    let mean = children / people.max(1.0);
    let variance = squares / people.max(1.0) - mean * mean;
    let large: Vec<&crate::outcome::TreeShape> =
        ensemble.trees().map(|(_, t)| t).filter(|t| t.size >= LARGE_TREE).collect();
    let count = large.len();
    let share = |f: &dyn Fn(&crate::outcome::TreeShape) -> bool| {
        (count > 0).then(|| large.iter().filter(|t| f(t)).count() as f64 / count as f64)
    };
    let mut large_virality: Vec<f64> = large.iter().filter_map(|t| t.structural_virality).collect();
    large_virality.sort_by(f64::total_cmp);
    CascadeSummary {
        trees_of_10_or_more: count,
        star_share: share(&|t| t.is_star()),
        mean_depth_of_10_or_more: (count > 0).then(|| large.iter().map(|t| t.depth as f64).sum::<f64>() / count as f64),
        median_structural_virality_of_10_or_more: (!large_virality.is_empty())
            .then(|| quantile_sorted(&large_virality, 0.5)),
        p_size_100_given_10: share(&|t| t.size >= 100),
        depth: Distribution::from_values(&mut depth),
        runs_with_trees: virality.len(),
        structural_virality: Distribution::from_values(&mut virality),
        offspring_mean: mean,
        offspring_variance: variance,
        offspring_dispersion: (variance > mean + 1e-12).then(|| mean * mean / (variance - mean)),
    }
}

/// Participants after `t` days by the viral-loop formula (Skok; Lawler):
/// `U(t) = U0 (K^(t/ct + 1) − 1) / (K − 1)`, and `U0 (t/ct + 1)` when K = 1.
/// Only new participants invite, once per cycle, in a population without limit.
///
/// ```
/// let u = fission::stats::viral_loop(10.0, 2.0, 2.0, 20.0);
/// assert!((u - 20_470.0).abs() < 1e-6);
/// ```
pub fn viral_loop(seeds: f64, k: f64, cycle_time_days: f64, t_days: f64) -> f64 {
    let cycles = t_days / cycle_time_days;
    if (k - 1.0).abs() < 1e-9 { seeds * (cycles + 1.0) } else { seeds * (k.powf(cycles + 1.0) - 1.0) / (k - 1.0) }
}

/// The cost of an ensemble's runs: rewards paid (as the engine kept them) plus fixed
/// costs, per new participant, against the budget, and day by day.
pub fn cost_summary(ensemble: &Ensemble, config: &AnalysisConfig) -> CostSummary {
    let runs = ensemble.runs;
    let seeds = ensemble.seed_count as f64;
    let fixed = config.fixed_costs;
    let mut rewards: Vec<f64> = ensemble.outcomes.iter().map(|o| o.spend).collect();
    let mut totals: Vec<f64> = rewards.iter().map(|x| x + fixed).collect();
    let new: Vec<f64> = ensemble.outcomes.iter().map(|o| o.reach as f64 - seeds).collect();
    let mean_total = mean_estimate(&totals);
    let per_participant = ratio_estimate(&totals, &new);
    let exhausted: Vec<f64> =
        ensemble.outcomes.iter().filter_map(|o| o.budget_exhausted_day).map(|d| d as f64).collect();
    let budget_exhausted = config.budget.map(|_| proportion_estimate(exhausted.len(), runs));
    let budget_exhausted_day = (!exhausted.is_empty()).then(|| Distribution::from_values(&mut exhausted.clone()));
    let roi = config.value_per_participant.filter(|_| mean_total.value > 0.0).map(|value| {
        let gains: Vec<f64> = new.iter().zip(&totals).map(|(n, c)| value * n - c).collect();
        ratio_estimate(&gains, &totals)
    });
    // Day by day: the cumulative cost of each run (its spend row, then flat).
    let width = ensemble.width();
    let mut cumulative = vec![fixed; runs];
    let mut values = vec![0.0; runs];
    let mut daily = Vec::with_capacity(width);
    let active_days = (0..runs).map(|r| ensemble.spend_row(r).len()).max().unwrap_or(0);
    for d in 0..width {
        if d > active_days && !daily.is_empty() {
            let mut same: DailyCost = *daily.last().expect("checked: not empty");
            same.day = d as u32;
            same.new_mean = 0.0;
            daily.push(same);
            continue;
        }
        let mut new_sum = 0.0;
        for r in 0..runs {
            let x = ensemble.spend_row(r).get(d).copied().unwrap_or(0.0);
            new_sum += x;
            cumulative[r] += x;
            values[r] = cumulative[r];
        }
        daily.push(DailyCost {
            day: d as u32,
            new_mean: new_sum / runs.max(1) as f64,
            cumulative: Distribution::from_values(&mut values),
        });
    }
    CostSummary {
        reward_per_participant: config.reward_per_participant,
        fixed,
        rewards: Distribution::from_values(&mut rewards),
        total: Distribution::from_values(&mut totals),
        mean_total,
        per_participant,
        budget: config.budget,
        budget_exhausted,
        budget_exhausted_day,
        roi,
        daily,
    }
}

/// How likely `goal` is met in `ensemble`, whose pooled K is `k`.
pub fn goal_summary(ensemble: &Ensemble, goal: Goal, k: &Estimate) -> GoalSummary {
    let day = goal.by_day.unwrap_or(ensemble.days).min(ensemble.days);
    let reach_met = goal.reach.map(|target| {
        let met = (0..ensemble.runs)
            .filter(|&r| {
                let row = ensemble.daily_row(r);
                row.iter().take(day as usize + 1).map(|&x| x as f64).sum::<f64>() >= target
            })
            .count();
        proportion_estimate(met, ensemble.runs)
    });
    let k_confidence = goal.k.and_then(|target| {
        (k.std_error.is_finite() && k.std_error > 0.0)
            .then(|| Normal::standard().cdf((k.value - target) / k.std_error))
            .or_else(|| {
                (k.std_error == 0.0 && k.value.is_finite()).then_some(if k.value >= target { 1.0 } else { 0.0 })
            })
    });
    GoalSummary { goal, day, reach_met, k_confidence }
}

/// Computes every estimate of [`Analysis`] from an ensemble.
///
/// # Assumptions
/// Runs are independent and identically distributed (they are: each has its own
/// random stream). In a censored run the last generation's offspring are not fully
/// observed, so that generation is not counted among the parents; earlier
/// generations near the horizon can still be slightly undercounted (the warning says so).
pub fn analyse(ensemble: &Ensemble, config: &AnalysisConfig) -> Analysis {
    let runs = ensemble.runs;
    let width = ensemble.width();
    let gen_width = ensemble.generation_width;
    let seeds = ensemble.seed_count as f64;
    let KTerms { parents: xs, children: ys, invitations: is } = k_terms(ensemble, config);
    let viral_coefficient = ratio_estimate(&ys, &xs);
    let invitations_per_participant = ratio_estimate(&is, &xs);
    let conversion_per_invitation = ratio_estimate(&ys, &is);

    // Per generation.
    let mut per_generation = Vec::new();
    let (mut gx, mut gy) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for g in 0..gen_width.saturating_sub(1) {
        gx.clear();
        gy.clear();
        for r in 0..runs {
            let out = &ensemble.outcomes[r];
            let gens = ensemble.generation_row(r);
            let last = out.generations.saturating_sub(1) as usize;
            if out.is_censored && g >= last {
                continue; // offspring of generation g not observed
            }
            gx.push(gens.get(g).map_or(0.0, |&x| x as f64));
            gy.push(gens.get(g + 1).map_or(0.0, |&x| x as f64));
        }
        let contributing = gx.iter().filter(|&&x| x > 0.0).count();
        if contributing == 0 {
            break;
        }
        per_generation.push(GenerationEstimate {
            generation: g as u32,
            mean_participants: gx.iter().sum::<f64>() / gx.len() as f64,
            runs_with_parents: contributing,
            k: ratio_estimate(&gy, &gx),
        });
    }

    // Reach, takeoff, speed, cost.
    let mut reach: Vec<f64> = ensemble.outcomes.iter().map(|o| o.reach as f64).collect();
    let mean_reach = mean_estimate(&reach);
    let takeoff_reach = config.takeoff_multiple * seeds;
    let took_off = reach.iter().filter(|&&x| x >= takeoff_reach).count();
    let mut half_days: Vec<f64> = (0..runs)
        .map(|r| {
            let row = ensemble.daily_row(r);
            let total: u32 = row.iter().sum();
            let mut acc = 0u32;
            for (d, &x) in row.iter().enumerate() {
                acc += x;
                if 2 * acc >= total {
                    return d as f64;
                }
            }
            0.0
        })
        .collect();
    let cost = cost_summary(ensemble, config);

    // Daily quantiles.
    let mut daily = Vec::with_capacity(width);
    let mut cumulative = vec![0u64; runs];
    let (mut cum_vals, mut new_vals) = (vec![0.0; runs], vec![0.0; runs]);
    // After the last join of every run the distributions no longer change: computed
    // once, then repeated (a 10-year horizon costs no more than the days used).
    let active_days = (0..runs).map(|r| ensemble.daily_row(r).len()).max().unwrap_or(0);
    for d in 0..width {
        if d > active_days {
            let mut same: DailySummary = *daily.last().expect("day 0 is always computed");
            same.day = d as u32;
            daily.push(same);
            continue;
        }
        for r in 0..runs {
            let x = ensemble.daily_new(r, d);
            cumulative[r] += x as u64;
            cum_vals[r] = cumulative[r] as f64;
            new_vals[r] = x as f64;
        }
        daily.push(DailySummary {
            day: d as u32,
            cumulative: Distribution::from_values(&mut cum_vals),
            new: Distribution::from_values(&mut new_vals),
        });
    }

    let censored = ensemble.outcomes.iter().filter(|o| o.is_censored).count();
    let censored_fraction = censored as f64 / runs.max(1) as f64;
    let k = viral_coefficient.value;
    let closed_form = (0..width)
        .map(|d| if k.is_finite() { viral_loop(seeds, k, config.cycle_time_days, d as f64) } else { f64::NAN })
        .collect();
    let reach_fraction = mean_reach.value / ensemble.population.max(1) as f64;

    let mut warnings = Vec::new();
    // (The upper half: the lower end may stop at 0.)
    let half_width = viral_coefficient.ci_high - viral_coefficient.value;
    if half_width.is_finite() && half_width > 0.02 {
        let needed = (runs as f64 * (half_width / 0.02).powi(2)).ceil() as usize;
        warnings.push(Warning::WideInterval { runs, half_width, runs_needed: needed });
    } else if !half_width.is_finite() {
        warnings.push(Warning::NoInterval { runs, pooled: viral_coefficient.n });
    }
    if censored_fraction > 0.05 {
        let last = ensemble.days as usize;
        let new_on = |d: usize| daily.get(d).map_or(0.0, |x: &DailySummary| x.new.mean);
        let week = (last.saturating_sub(6).max(1)..=last).map(new_on).sum();
        warnings.push(Warning::Censored {
            fraction: censored_fraction,
            days: ensemble.days,
            new_last_day: new_on(last),
            new_last_week: week,
            mean_reach: mean_reach.value,
        });
    }
    if reach_fraction > 0.5 {
        warnings.push(Warning::Saturated { fraction: reach_fraction });
    }

    Analysis {
        runs,
        seed_count: ensemble.seed_count,
        viral_coefficient,
        per_generation,
        invitations_per_participant,
        conversion_per_invitation,
        reach: Distribution::from_values(&mut reach),
        mean_reach,
        reach_fraction,
        takeoff_reach,
        takeoff_probability: proportion_estimate(took_off, runs),
        days_to_half_reach: Distribution::from_values(&mut half_days),
        daily,
        cost,
        censored_fraction,
        closed_form,
        cascades: cascade_summary(ensemble),
        goal: config.goal.map(|g| goal_summary(ensemble, g, &viral_coefficient)),
        warnings,
    }
}

/// Each run's part of the pooled K: the participants of its counted parent generations
/// (X), their recruits (Y) and the invitations they sent; K = ΣY / ΣX.
#[derive(Debug, Clone, PartialEq)]
pub struct KTerms {
    /// Participants of the counted parent generations, per run.
    pub parents: Vec<f64>,
    /// Their recruits (the next generations), per run.
    pub children: Vec<f64>,
    /// The invitations the parents sent, per run.
    pub invitations: Vec<f64>,
}

/// The per-run terms of the pooled K ([`KTerms`]): which generations count is described
/// in [`analyse`] and docs/MODEL.md §4.
pub fn k_terms(ensemble: &Ensemble, config: &AnalysisConfig) -> KTerms {
    let runs = ensemble.runs;
    let limit = config.k_population_limit * ensemble.population as f64;
    // Per-run parents (X), children (Y) and the parents' invitations (I).
    let mut xs = Vec::with_capacity(runs);
    let mut ys = Vec::with_capacity(runs);
    let mut is = Vec::with_capacity(runs);
    for r in 0..runs {
        let out = &ensemble.outcomes[r];
        let gens = ensemble.generation_row(r);
        let inv = ensemble.invitation_row(r);
        let last = out.generations.saturating_sub(1) as usize;
        // Parents: generations whose offspring were fully observed (all of them in a
        // finished run, all but the last in a censored one) and which joined while the
        // campaign had reached at most `k_population_limit` of the graph. Children: the
        // next generation of each counted parent generation.
        let observed = if out.is_censored { last } else { last + 1 };
        let (mut x, mut y, mut i, mut so_far) = (0u64, 0u64, 0u64, 0u64);
        for g in 0..observed {
            let at = |g: usize| gens.get(g).map_or(0, |&x| x as u64);
            so_far += at(g);
            if g > 0 && so_far as f64 > limit {
                break;
            }
            x += at(g);
            i += inv.get(g).copied().unwrap_or(0);
            y += at(g + 1);
        }
        xs.push(x as f64);
        ys.push(y as f64);
        is.push(i as f64);
    }
    KTerms { parents: xs, children: ys, invitations: is }
}
