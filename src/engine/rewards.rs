//! Rewards and the budget: who is paid what when someone joins, the run's spend by
//! day, and, when the money runs out (under a hard cap) or the rewards' last day has
//! passed, the design without rewards that every later decision follows.

use super::*;
use crate::model::Rewards;

/// What a campaign pays when someone joins, prepared once per ensemble.
#[derive(Debug, Clone)]
pub(super) struct Ledger {
    /// Paid to each new participant (seed users excluded): the per-participant reward
    /// and the invitee's.
    joiner: f64,
    /// Paid to the referrer of each new participant.
    per_referral: f64,
    /// Prizes paid once to a referrer whose successful referrals reach the count.
    tiers: Vec<(u32, f64)>,
    /// The last day rewards are paid.
    end_day: u32,
    /// Money for rewards (infinite without a budget).
    budget: f64,
    hard_cap: bool,
    /// Whether paying can stop the rewards within a run (a hard cap on a budget, or a
    /// last day of rewards within the horizon, with some reward to stop), so that later
    /// decisions follow the design without rewards.
    pub(super) dynamic: bool,
}

/// One run's account.
#[derive(Debug, Clone, Default)]
pub(super) struct LedgerState {
    /// Rewards paid so far.
    pub(super) spent: f64,
    /// The same by recipient: new participants, referrers, tier prizes.
    pub(super) paid: [f64; 3],
    /// Whether the budget is spent (under a hard cap: no more rewards).
    pub(super) exhausted: bool,
    /// The day the budget ran out (or, without a hard cap, the spend first exceeded it).
    pub(super) exhausted_day: Option<u32>,
    /// Successful referrals by the participant at each position of the order of joining.
    pub(super) referrals: Vec<u32>,
    /// Generation by position (the post-run account of the runs by generation).
    pub(super) generation: Vec<u32>,
}

impl LedgerState {
    pub(super) fn reset(&mut self) {
        self.spent = 0.0;
        self.paid = [0.0; 3];
        self.exhausted = false;
        self.exhausted_day = None;
        self.referrals.clear();
        self.generation.clear();
    }
}

impl Ledger {
    /// The ledger of `behaviour` over `days`: None when it pays nothing and has no
    /// budget (every model but the campaign).
    pub(super) fn new(behaviour: &Behaviour, days: u32) -> Option<Self> {
        let Behaviour::Campaign { levers, rewards, .. } = behaviour else {
            return None;
        };
        let Rewards { per_referral, invitee, tiers, end_day, budget, hard_cap } = rewards;
        let pays = levers.reward > 0.0 || rewards.pays_anything();
        if !pays && budget.is_none() {
            return None;
        }
        let end_day = end_day.unwrap_or(u32::MAX);
        let budget = budget.unwrap_or(f64::INFINITY);
        Some(Self {
            joiner: levers.reward + invitee,
            per_referral: *per_referral,
            tiers: tiers.clone(),
            end_day,
            budget,
            hard_cap: *hard_cap,
            dynamic: pays && ((*hard_cap && budget.is_finite()) || end_day < days),
        })
    }

    /// Whether rewards are paid (and move decisions) on `day` in a run whose account is
    /// `st`.
    #[inline(always)]
    pub(super) fn paying(&self, st: &LedgerState, day: u32) -> bool {
        !st.exhausted && day <= self.end_day
    }

    /// Pays for a join on `day` at position `position` of the order of joining, recruited
    /// by the participant at position `recruiter` (NONE: a seed user, who is paid
    /// nothing): the joiner's rewards, then the referrer's, then any tier the referrer's
    /// referrals now reach, each added to `spend[day]`. Under a hard cap, a payment that
    /// would take the spend past the budget is not made, the budget is spent, and no
    /// reward is paid after it.
    pub(super) fn pay_join(
        &self,
        st: &mut LedgerState,
        spend: &mut [f64],
        day: u32,
        position: u32,
        recruiter: u32,
        external: bool,
    ) {
        if recruiter == NONE {
            // A seed user is paid nothing; a push's reader the joiner's rewards alone.
            if external && self.paying(st, day) && self.joiner > 0.0 {
                if self.hard_cap && st.spent + self.joiner > self.budget * (1.0 + 1e-12) {
                    st.exhausted = true;
                    st.exhausted_day = Some(day);
                } else {
                    st.spent += self.joiner;
                    st.paid[0] += self.joiner;
                    spend[day as usize] += self.joiner;
                    if st.spent > self.budget * (1.0 + 1e-12) && st.exhausted_day.is_none() {
                        st.exhausted_day = Some(day);
                    }
                }
            }
            return;
        }
        // Referrals are counted only for the tiers, which need them.
        let tier = if self.tiers.is_empty() {
            0.0
        } else {
            let r = recruiter as usize;
            if st.referrals.len() <= (position as usize).max(r) {
                st.referrals.resize((position as usize).max(r) + 1, 0);
            }
            st.referrals[r] += 1;
            let referrals = st.referrals[r];
            self.tiers.iter().find(|t| t.0 == referrals).map_or(0.0, |t| t.1)
        };
        if !self.paying(st, day) {
            return;
        }
        // Everything at once when it fits (or without a hard cap): the same as paying
        // one amount after the other, which the hard cap needs only near the end.
        let all = self.joiner + self.per_referral + tier;
        let limit = self.budget * (1.0 + 1e-12);
        if !self.hard_cap || st.spent + all <= limit {
            st.spent += all;
            st.paid[0] += self.joiner;
            st.paid[1] += self.per_referral;
            st.paid[2] += tier;
            spend[day as usize] += all;
            if st.spent > limit && st.exhausted_day.is_none() {
                st.exhausted_day = Some(day);
            }
            return;
        }
        for (to, amount) in [self.joiner, self.per_referral, tier].into_iter().enumerate() {
            if amount <= 0.0 {
                continue;
            }
            if st.spent + amount > limit {
                st.exhausted = true;
                st.exhausted_day = Some(day);
                return;
            }
            st.spent += amount;
            st.paid[to] += amount;
            spend[day as usize] += amount;
        }
    }
}

/// The decisions of a campaign whose rewards have stopped: the design without rewards,
/// compiled ([`Behaviour::without_rewards`]).
pub(super) struct Unrewarded {
    pub(super) behaviour: CompiledBehaviour,
    pub(super) tie_classes: Option<TieClasses>,
    pub(super) share_below: u64,
    pub(super) active_below: u64,
}

impl Unrewarded {
    pub(super) fn new(graph: &SocialGraph, behaviour: &Behaviour) -> Self {
        let behaviour = behaviour.without_rewards().compile();
        let tie_classes = TieClasses::new(graph, &behaviour);
        Self {
            share_below: coin_threshold(behaviour.share_probability),
            active_below: coin_threshold(behaviour.population.as_ref().map_or(0.0, |p| p.active_and_shares)),
            tie_classes,
            behaviour,
        }
    }
}

impl<'a> Prepared<'a> {
    /// The design without rewards when a run's rewards have stopped by `day` (its
    /// account in `s`), None while they are paid or when they cannot stop.
    #[inline(always)]
    pub(super) fn stopped_rewards(&self, s: &RunScratch, day: u32) -> Option<&Unrewarded> {
        match (&self.unrewarded, &self.ledger) {
            (Some(u), Some(l)) if !l.paying(&s.ledger, day) => Some(u),
            _ => None,
        }
    }

    /// The account of a run whose rewards cannot stop, settled after it: every join in
    /// the order of joining (which is by day), each on its day: the generation's day in
    /// a run that went generation by generation (`delay`), else the join day kept in the
    /// person's record. Paying as people join would add to the hot loop of every path
    /// what decides nothing within the run (the Qixi example took 5% longer).
    pub(super) fn settle(&self, s: &mut RunScratch, last_join_day: u32) {
        let Some(ledger) = &self.ledger else { return };
        debug_assert!(!ledger.dynamic, "a ledger that can stop rewards is kept as people join");
        let RunScratch { tree, ledger: st, rows, people, .. } = s;
        if ledger.tiers.is_empty() && self.account.is_none() {
            // Without tiers every join costs the same: day by day, the day's joins (the
            // seed users, who join on day 0, excepted) at that price.
            let all = ledger.joiner + ledger.per_referral;
            let seeds = self.seeding.count() as u32;
            let limit = ledger.budget * (1.0 + 1e-12);
            for (d, &joins) in rows.daily[..=last_join_day as usize].iter().enumerate() {
                let paid = joins - if d == 0 { seeds.min(joins) } else { 0 };
                if paid > 0 {
                    let amount = all * paid as f64;
                    rows.spend[d] = amount;
                    st.spent += amount;
                    st.paid[0] += ledger.joiner * paid as f64;
                    st.paid[1] += ledger.per_referral * paid as f64;
                    if st.spent > limit && st.exhausted_day.is_none() {
                        st.exhausted_day = Some(d as u32);
                    }
                }
            }
            return;
        }
        let (order, parents) = (tree.order(), tree.parents());
        st.generation.clear();
        st.generation.resize(order.len(), 0);
        for (i, (&v, &parent)) in order.iter().zip(parents).enumerate() {
            let day = match self.lockstep.filter(|_| !matches!(self.path, Path::Reference)) {
                Some(delay) => {
                    if parent != NONE {
                        st.generation[i] = st.generation[parent as usize] + 1;
                    }
                    st.generation[i] * delay
                }
                None => people[v as usize].join_day as u32,
            };
            // Seed users join first, on day 0; later roots are a push's readers.
            let external = parent == NONE && day > 0;
            ledger.pay_join(st, &mut rows.spend, day, i as u32, parent, external);
        }
    }
}
