//! Validation of a campaign's `[rewards]` and `[budget]` sections: who is paid what,
//! until when, and the money that pays it (each problem with its line, key and what is
//! accepted).

use super::*;
use crate::model::Rewards;

/// The budget as the planner states it (`[budget]`): what the estimators need besides
/// the rewards the engine pays.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct BudgetSpec {
    /// The whole budget, fixed costs included (None: no budget).
    pub total: Option<f64>,
    /// Whether rewards stop when the money is spent.
    pub hard_cap: bool,
    /// Fixed costs (development, media), committed at launch.
    pub fixed: f64,
    /// What a new participant is worth to the business, for the return on investment.
    pub value_per_participant: Option<f64>,
}

impl Default for BudgetSpec {
    fn default() -> Self {
        Self { total: None, hard_cap: true, fixed: 0.0, value_per_participant: None }
    }
}

/// The largest amount of money a key accepts (currency units).
const MONEY_MAX: f64 = 1e12;

impl Scenario {
    /// The rewards and budget of `[rewards]` and `[budget]` for a model of kind `kind`
    /// lasting `days`: the per-participant reward (`rewards.per_participant`, or the
    /// shorthand `campaign.reward`, already in `reward`), the other rewards and the
    /// budget; every problem goes to `c`.
    pub(super) fn rewards_from_raw(
        rewards: Option<Spanned<RawRewards>>,
        budget: Option<Spanned<RawBudget>>,
        campaign_reward: &S<f64>,
        kind: &str,
        days: u32,
        c: &mut Checker,
    ) -> (Option<f64>, Rewards, BudgetSpec) {
        let money = "an amount in currency units";
        for (section, at) in
            [("rewards", rewards.as_ref().map(|r| r.span())), ("budget", budget.as_ref().map(|b| b.span()))]
        {
            if let Some(at) = at.filter(|_| kind != "campaign") {
                c.problem(
                    Some(&at),
                    section,
                    format!("[{section}] applies to kind = \"campaign\" only, not to kind = \"{kind}\""),
                );
            }
        }
        let r = rewards.map(|r| r.into_inner()).unwrap_or_default();
        let per_participant = r.per_participant.as_ref().map(|_| {
            if let Some(shorthand) = campaign_reward {
                c.problem(
                    Some(&shorthand.span()),
                    "campaign.reward",
                    "give campaign.reward (shorthand) or rewards.per_participant, not both".into(),
                );
            }
            c.float(&r.per_participant, "rewards.per_participant", 0.0, 0.0, MONEY_MAX, money)
        });
        let tiers = Self::tiers(&r.tiers, c);
        let end_day = r.reward_end_day.as_ref().map(|_| {
            c.int(
                &r.reward_end_day,
                "rewards.reward_end_day",
                days as u64,
                0,
                days as u64,
                &format!("the last day rewards are paid, up to simulation.days = {days}"),
            ) as u32
        });
        let b = budget.map(|b| b.into_inner()).unwrap_or_default();
        let total = b.total.as_ref().map(|_| c.float(&b.total, "budget.total", 1.0, 0.0, MONEY_MAX, money));
        let fixed = c.float(
            &b.fixed,
            "budget.fixed",
            0.0,
            0.0,
            MONEY_MAX,
            "fixed costs (development, media), in currency units",
        );
        if let Some(t) = total.filter(|&t| fixed > t) {
            c.problem(
                span(&b.fixed).as_ref(),
                "budget.fixed",
                format!(
                    "budget.fixed = {}: the fixed costs exceed budget.total = {} (the budget covers fixed costs and rewards)",
                    show_number(fixed),
                    show_number(t)
                ),
            );
        }
        if let (Some(h), None) = (&b.hard_cap, total) {
            c.problem(
                Some(&h.span()),
                "budget.hard_cap",
                "budget.hard_cap needs budget.total: the budget whose end stops the rewards".into(),
            );
        }
        let value_per_participant = b.value_per_participant.as_ref().map(|_| {
            c.float(
                &b.value_per_participant,
                "budget.value_per_participant",
                0.0,
                0.0,
                MONEY_MAX,
                "what a new participant is worth to the business, in currency units",
            )
        });
        let hard_cap = b.hard_cap.as_ref().is_none_or(|h| *h.get_ref());
        let rewards = Rewards {
            per_referral: c.float(&r.per_referral, "rewards.per_referral", 0.0, 0.0, MONEY_MAX, money),
            invitee: c.float(&r.invitee, "rewards.invitee", 0.0, 0.0, MONEY_MAX, money),
            tiers,
            end_day,
            budget: total.map(|t| (t - fixed).max(0.0)),
            hard_cap,
        };
        (per_participant, rewards, BudgetSpec { total, hard_cap, fixed, value_per_participant })
    }

    /// `rewards.tiers = [[count, prize], ...]`: counts whole, at least 1 and rising;
    /// prizes >= 0.
    fn tiers(v: &S<toml::Value>, c: &mut Checker) -> Vec<(u32, f64)> {
        let Some(v) = v else { return Vec::new() };
        let at = v.span();
        let accepted = "a list of [referrals, prize] pairs with whole referral counts from 1 to 1000000 in rising order and prizes >= 0, such as [[3, 10.0], [10, 50.0]]";
        let bad = |c: &mut Checker, why: String| {
            c.problem(Some(&at), "rewards.tiers", format!("rewards.tiers {why}: must be {accepted}"));
            Vec::new()
        };
        let Some(list) = v.get_ref().as_array() else {
            return bad(c, format!("= {}", v.get_ref()));
        };
        let mut tiers: Vec<(u32, f64)> = Vec::new();
        for (i, tier) in list.iter().enumerate() {
            let pair = tier.as_array().filter(|p| p.len() == 2);
            let count = pair.and_then(|p| p[0].as_integer()).filter(|n| (1..=1_000_000).contains(n));
            let prize = pair.and_then(|p| p[1].as_float().or_else(|| p[1].as_integer().map(|n| n as f64)));
            match (count, prize) {
                (Some(n), Some(x)) if x.is_finite() && (0.0..=MONEY_MAX).contains(&x) => {
                    if tiers.last().is_some_and(|&(m, _)| m >= n as u32) {
                        return bad(
                            c,
                            format!("tier {} ({tier}) does not have more referrals than the tier before it", i + 1),
                        );
                    }
                    tiers.push((n as u32, x));
                }
                _ => return bad(c, format!("tier {} = {tier}", i + 1)),
            }
        }
        tiers
    }
}
