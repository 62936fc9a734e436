//! The campaign's money, groups, official account and goal as `summary.json` writes
//! them: the records and how a run's report builds them.

use super::{EstimateRecord, RunReport};
use crate::stats::{Distribution, Estimate};
use serde::Serialize;

/// An amount of money across runs: the mean with its 95% interval and quantiles.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct MoneyRecord {
    /// Mean across runs.
    pub mean: f64,
    /// 95% interval on the mean, lower end.
    pub ci_low: f64,
    /// 95% interval on the mean, upper end.
    pub ci_high: f64,
    /// 5th percentile across runs.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile (a budget that covers 95% of outcomes).
    pub p95: f64,
    /// The most any run cost.
    pub max: f64,
}

impl MoneyRecord {
    pub(super) fn new(d: &Distribution, mean: &Estimate) -> Self {
        Self {
            mean: d.mean,
            ci_low: mean.ci_low,
            ci_high: mean.ci_high,
            p05: d.p05,
            p50: d.p50,
            p95: d.p95,
            max: d.max,
        }
    }
}

/// A probability with its Wilson 95% interval.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProbabilityRecord {
    /// Share of runs (0..1).
    pub probability: f64,
    /// 95% interval, lower end.
    pub ci_low: f64,
    /// 95% interval, upper end.
    pub ci_high: f64,
}

/// Cost block, in the scenario's currency.
#[derive(Debug, Clone, Serialize)]
pub struct CostRecord {
    /// Currency symbol or code.
    pub currency: String,
    /// The per-participant reward.
    pub reward_per_participant: f64,
    /// Mean total cost per campaign (as `total.mean`; kept from the first layout).
    pub mean: f64,
    /// 95% interval on the mean, lower end (as `total.ci_low`).
    pub ci_low: f64,
    /// 95% interval on the mean, upper end (as `total.ci_high`).
    pub ci_high: f64,
    /// Median total (as `total.p50`).
    pub p50: f64,
    /// 95th percentile of the total (as `total.p95`).
    pub p95: f64,
    /// Total cost per run: rewards paid plus fixed costs.
    pub total: MoneyRecord,
    /// Rewards paid per run.
    pub rewards_paid: MoneyRecord,
    /// Rewards paid per run by recipient, the mean with its interval.
    pub rewards_by_recipient: RecipientsRecord,
    /// Fixed costs (development, media, and the seed users' cost), in every run's total.
    pub fixed: f64,
    /// The seed users' part of the fixed costs (`seeding.cost_per_seed` and
    /// `cost_per_friend`).
    pub seed_users_cost: f64,
    /// Cost per new participant: mean total over mean new participants, with its
    /// interval (null when nobody new joined).
    pub per_participant: Option<EstimateRecord>,
    /// The whole budget (null: none given).
    pub budget: Option<f64>,
    /// Whether rewards stop when the budget is spent (null without a budget).
    pub hard_cap: Option<bool>,
    /// Share of runs whose budget ran out (null without a budget).
    pub budget_exhausted_probability: Option<ProbabilityRecord>,
    /// The day the budget ran out, across the runs where it did (null: it never did).
    pub budget_exhausted_day: Option<Distribution>,
    /// What a new participant is worth (null: not given).
    pub value_per_participant: Option<f64>,
    /// Return on investment, (value × new participants − total cost) / total cost, with
    /// its interval (null without a value per participant or a cost).
    pub roi: Option<EstimateRecord>,
}

/// Rewards by recipient (`summary.json` `cost.rewards_by_recipient`).
#[derive(Debug, Clone, Serialize)]
pub struct RecipientsRecord {
    /// To new participants: the per-participant reward and the invitee's bonus.
    pub participants: EstimateRecord,
    /// To referrers, per successful referral.
    pub referrers: EstimateRecord,
    /// Tier prizes (任务宝), paid once as a referrer's referrals reach a count.
    pub tier_prizes: EstimateRecord,
}

/// The campaign's own groups (`summary.json` `groups`).
#[derive(Debug, Clone, Serialize)]
pub struct GroupsRecord {
    /// Groups opened at launch.
    pub seed_groups: u32,
    /// Members a group holds at most.
    pub cap: u32,
    /// Whether a full group splits (group fission).
    pub fission: bool,
    /// Groups opened by fission per run: mean with its interval, p05, p50, p95, max.
    pub created: CountRecord,
    /// The most members any group had in any run (never above `cap`).
    pub max_members: u32,
    /// Members per group at the end: participants in groups over groups.
    pub members_per_group: EstimateRecord,
    /// Groups at the end per run (seed groups and those opened).
    pub groups_at_end: EstimateRecord,
    /// Joins refused per run because the group was full (no fission).
    pub joins_refused_per_run: EstimateRecord,
}

/// The goal and how likely it is met (`summary.json` `goal`).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GoalRecord {
    /// Participants to reach (null: no reach goal).
    pub reach: Option<f64>,
    /// The day the reach is counted on (the goal's `by_day`, or the horizon).
    pub by_day: u32,
    /// The viral coefficient to reach (null: no K goal).
    pub k: Option<f64>,
    /// P(goal met): the share of runs that reached `reach` by `by_day`, with its Wilson
    /// interval (null without a reach goal).
    pub probability: Option<ProbabilityRecord>,
    /// The confidence that K is at least `k` (null without a K goal).
    pub k_confidence: Option<f64>,
}

/// An official account's pushes (`summary.json` `official_account`).
#[derive(Debug, Clone, Serialize)]
pub struct AccountRecord {
    /// `subscription` or `service`.
    pub account_type: String,
    /// Followers at launch.
    pub followers_at_start: usize,
    /// Followers at the end, per run.
    pub followers_at_end: EstimateRecord,
    /// Participants who followed as they joined, per run.
    pub new_follows: EstimateRecord,
    /// Followers lost to pushes, per run.
    pub unfollows: EstimateRecord,
    /// New follows less unfollows, per run.
    pub net_followers: EstimateRecord,
    /// Pushes opened by followers who had not joined, per run.
    pub opened_per_run: EstimateRecord,
    /// Each push: its day, the model's unfollow rate, and the unfollows it caused (mean
    /// across runs).
    pub pushes: Vec<PushRecord>,
}

/// One push of an official account.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PushRecord {
    /// Its day.
    pub day: u32,
    /// Probability that a follower unfollows after it (docs/MODEL.md).
    pub unfollow_rate: f64,
    /// Unfollows it caused, mean across runs.
    pub unfollows_mean: f64,
}

/// A count across runs, written as an amount is: mean with its interval, quantiles, max.
pub type CountRecord = MoneyRecord;

impl RunReport<'_> {
    pub(super) fn cost_record(&self) -> CostRecord {
        let c = &self.analysis.cost;
        let b = &self.scenario.budget;
        let rewards_mean =
            crate::stats::mean_estimate(&self.ensemble.outcomes.iter().map(|o| o.spend).collect::<Vec<_>>());
        CostRecord {
            currency: self.scenario.report.currency.clone(),
            reward_per_participant: c.reward_per_participant,
            mean: c.mean_total.value,
            ci_low: c.mean_total.ci_low,
            ci_high: c.mean_total.ci_high,
            p50: c.total.p50,
            p95: c.total.p95,
            total: MoneyRecord::new(&c.total, &c.mean_total),
            rewards_paid: MoneyRecord::new(&c.rewards, &rewards_mean),
            rewards_by_recipient: {
                let part = |i: usize| -> EstimateRecord {
                    let paid: Vec<f64> = self.ensemble.outcomes.iter().map(|o| o.spend_by_recipient[i]).collect();
                    crate::stats::mean_estimate(&paid).into()
                };
                RecipientsRecord { participants: part(0), referrers: part(1), tier_prizes: part(2) }
            },
            fixed: c.fixed,
            seed_users_cost: self.seeds.as_ref().map_or(0.0, |s| s.cost),
            per_participant: Some(c.per_participant).filter(|e| e.value.is_finite()).map(Into::into),
            budget: c.budget,
            hard_cap: c.budget.map(|_| b.hard_cap),
            budget_exhausted_probability: c.budget_exhausted.map(|e| ProbabilityRecord {
                probability: e.value,
                ci_low: e.ci_low,
                ci_high: e.ci_high,
            }),
            budget_exhausted_day: c.budget_exhausted_day,
            value_per_participant: b.value_per_participant,
            roi: c.roi.map(Into::into),
        }
    }

    /// Followers at the end of each day, mean across runs (None without an account).
    pub(super) fn followers_by_day(&self) -> Option<Vec<(f64, f64, f64)>> {
        let spec = self.scenario.official_account.as_ref()?;
        let e = self.ensemble;
        let start = self.account_followers_at_start(spec) as f64;
        let runs = e.runs.max(1) as f64;
        let mut net = 0.0;
        Some(
            (0..e.width())
                .map(|d| {
                    let follows: f64 = (0..e.runs).map(|r| e.follows_row(r).get(d).copied().unwrap_or(0) as f64).sum();
                    let unfollows: f64 =
                        (0..e.runs).map(|r| e.unfollows_row(r).get(d).copied().unwrap_or(0) as f64).sum();
                    net += (follows - unfollows) / runs;
                    (start + net, follows / runs, unfollows / runs)
                })
                .collect(),
        )
    }

    fn account_followers_at_start(&self, spec: &crate::scenario::AccountSpec) -> usize {
        match &spec.followers {
            crate::scenario::FollowersSpec::Random(k) | crate::scenario::FollowersSpec::HighestDegree(k) => *k,
            // A file's followers: those who follow at the end plus the net loss.
            crate::scenario::FollowersSpec::File(..) => {
                let o = self.ensemble.outcomes.first();
                o.map_or(0, |o| (o.followers_end + o.unfollows).saturating_sub(o.new_follows) as usize)
            }
        }
    }

    /// The official account (`summary.json` `official_account`), when there is one.
    pub(super) fn account_record(&self) -> Option<AccountRecord> {
        let spec = self.scenario.official_account.as_ref()?;
        let o = &self.ensemble.outcomes;
        let e = self.ensemble;
        let est = |f: &dyn Fn(&crate::outcome::RunOutcome) -> f64| -> EstimateRecord {
            crate::stats::mean_estimate(&o.iter().map(f).collect::<Vec<_>>()).into()
        };
        let slot = crate::model::CHANNEL_SLOTS - 1;
        Some(AccountRecord {
            account_type: spec.account_type.clone(),
            followers_at_start: self.account_followers_at_start(spec),
            followers_at_end: est(&|x| x.followers_end as f64),
            new_follows: est(&|x| x.new_follows as f64),
            unfollows: est(&|x| x.unfollows as f64),
            net_followers: est(&|x| x.new_follows as f64 - x.unfollows as f64),
            opened_per_run: est(&|x| x.channel_invitations[slot] as f64),
            pushes: spec
                .account
                .push_days
                .iter()
                .enumerate()
                .map(|(k, &day)| PushRecord {
                    day,
                    unfollow_rate: spec.account.unfollow_rate(k),
                    unfollows_mean: (0..e.runs)
                        .map(|r| e.unfollows_row(r).get(day as usize).copied().unwrap_or(0) as f64)
                        .sum::<f64>()
                        / e.runs.max(1) as f64,
                })
                .collect(),
        })
    }

    /// The campaign's own groups (`summary.json` `groups`), when it has them.
    pub(super) fn groups_record(&self) -> Option<GroupsRecord> {
        let crate::model::Behaviour::Campaign { channels, .. } = &self.scenario.behaviour else { return None };
        let cg = channels.campaign_groups?;
        let o = &self.ensemble.outcomes;
        let col = |f: fn(&crate::outcome::RunOutcome) -> u32| -> Vec<f64> { o.iter().map(|x| f(x) as f64).collect() };
        let mut created = col(|x| x.groups_created);
        let created_mean = crate::stats::mean_estimate(&created);
        let created_dist = Distribution::from_values(&mut created);
        let members: Vec<f64> = col(|x| x.groups_members);
        let totals: Vec<f64> = col(|x| x.groups_total);
        Some(GroupsRecord {
            seed_groups: cg.seed_groups,
            cap: cg.cap,
            fission: cg.fission,
            created: MoneyRecord::new(&created_dist, &created_mean),
            max_members: o.iter().map(|x| x.groups_max_members).max().unwrap_or(0),
            members_per_group: crate::stats::ratio_estimate(&members, &totals).into(),
            groups_at_end: crate::stats::mean_estimate(&totals).into(),
            joins_refused_per_run: crate::stats::mean_estimate(&col(|x| x.group_joins_refused)).into(),
        })
    }
}
