//! Validation of a campaign's `[channels]` and `[behaviour]` sections: each channel's
//! reach and attention, and the behaviour model's calibration (each problem with its
//! line, key and what is accepted).

use super::*;

impl Scenario {
    /// The channels and the behaviour model's calibration a campaign's `[channels]` and
    /// `[behaviour]` sections describe (`novelty_half_life_days` from `[campaign]`);
    /// every problem goes to `c`.
    pub(super) fn campaign_from_raw(
        channels: Option<RawChannels>,
        behaviour: Option<RawBehaviour>,
        novelty_half_life_days: f64,
        c: &mut Checker,
    ) -> (Channels, Coefficients) {
        let ch = channels.unwrap_or_default();
        let dd = Channels::default();
        let dir = ch.direct.unwrap_or_default();
        let direct_default = dd.direct.expect("the default has a direct channel");
        let direct = DirectChannel {
            invites_per_sharer: c.float(
                &dir.invites_per_sharer,
                "channels.direct.invites_per_sharer",
                direct_default.invites_per_sharer,
                0.0,
                1e5,
                "friends a sharer messages, on average",
            ),
            attention: c.float(
                &dir.attention,
                "channels.direct.attention",
                direct_default.attention,
                0.0,
                1.0,
                "probability a direct message is read",
            ),
        };
        let mom = ch.moments.unwrap_or_default();
        let moments_default = dd.moments.expect("the default has a moments channel");
        let moments = MomentsChannel {
            reach: c.float(
                &mom.reach,
                "channels.moments.reach",
                moments_default.reach,
                0.0,
                1.0,
                "probability a given friend sees the post",
            ),
            attention: c.float(
                &mom.attention,
                "channels.moments.attention",
                moments_default.attention,
                0.0,
                1.0,
                "probability a friend who sees the post pays attention",
            ),
        };
        let channels = Channels {
            direct: dir.enabled.as_ref().is_none_or(|e| *e.get_ref()).then_some(direct),
            moments: mom.enabled.as_ref().is_none_or(|e| *e.get_ref()).then_some(moments),
            // Set with `[seeding] groups` (groups.rs).
            group: None,
            campaign_groups: None,
        };
        let b = behaviour.unwrap_or_default();
        let cd = Coefficients::default();
        let w = "a behaviour weight; >= 0 keeps every lever acting in its expected direction";
        let u = "a logit intercept";
        let mut coefficients = Coefficients {
            join_base: c.float(&b.join_base, "behaviour.join_base", cd.join_base, -20.0, 20.0, u),
            join_reward: c.float(&b.join_reward, "behaviour.join_reward", cd.join_reward, 0.0, 20.0, w),
            join_fun: c.float(&b.join_fun, "behaviour.join_fun", cd.join_fun, 0.0, 20.0, w),
            join_threshold: c.float(&b.join_threshold, "behaviour.join_threshold", cd.join_threshold, 0.0, 20.0, w),
            join_tie: c.float(&b.join_tie, "behaviour.join_tie", cd.join_tie, 0.0, 20.0, w),
            join_reinforcement: c.float(
                &b.join_reinforcement,
                "behaviour.join_reinforcement",
                cd.join_reinforcement,
                0.0,
                20.0,
                w,
            ),
            reinforcement_cap: c.int(
                &b.reinforcement_cap,
                "behaviour.reinforcement_cap",
                cd.reinforcement_cap as u64,
                1,
                16,
                "invitations that still add reinforcement",
            ) as u32,
            share_base: c.float(&b.share_base, "behaviour.share_base", cd.share_base, -20.0, 20.0, u),
            share_reward: c.float(&b.share_reward, "behaviour.share_reward", cd.share_reward, 0.0, 20.0, w),
            share_fun: c.float(&b.share_fun, "behaviour.share_fun", cd.share_fun, 0.0, 20.0, w),
            reward_reference: c.float(
                &b.reward_reference,
                "behaviour.reward_reference",
                cd.reward_reference,
                1e-6,
                1e9,
                "the reward, in currency units, that counts as fair",
            ),
            step_completion_min: c.float(
                &b.step_completion_min,
                "behaviour.step_completion_min",
                cd.step_completion_min,
                0.0,
                1.0,
                "per-step completion on the worst page",
            ),
            step_completion_max: c.float(
                &b.step_completion_max,
                "behaviour.step_completion_max",
                cd.step_completion_max,
                0.0,
                1.0,
                "per-step completion on the best page",
            ),
            active_share: c.float(
                &b.active_share,
                "behaviour.active_share",
                cd.active_share,
                0.0,
                1.0,
                "share of people who are active sharers; 0 = everyone shares alike",
            ),
            active_share_boost: c.float(
                &b.active_share_boost,
                "behaviour.active_share_boost",
                cd.active_share_boost,
                0.0,
                20.0,
                "logit added to an active sharer's share utility",
            ),
            ordinary_share_shift: c.float(
                &b.ordinary_share_shift,
                "behaviour.ordinary_share_shift",
                cd.ordinary_share_shift,
                -20.0,
                0.0,
                "logit added to an ordinary person's share utility",
            ),
            active_moments_reach: c.float(
                &b.active_moments_reach,
                "behaviour.active_moments_reach",
                cd.active_moments_reach,
                0.0,
                1.0,
                "share of friends who see an active sharer's Moments post",
            ),
            active_invites_per_sharer: c.float(
                &b.active_invites_per_sharer,
                "behaviour.active_invites_per_sharer",
                cd.active_invites_per_sharer,
                0.0,
                100_000.0,
                "friends an active sharer messages, on average",
            ),
            join_fatigue: c.float(
                &b.join_fatigue,
                "behaviour.join_fatigue",
                cd.join_fatigue,
                0.0,
                20.0,
                "join utility lost per invitation received beyond fatigue_onset",
            ),
            fatigue_onset: c.int(
                &b.fatigue_onset,
                "behaviour.fatigue_onset",
                cd.fatigue_onset as u64,
                1,
                16,
                "invitations received before fatigue sets in",
            ) as u32,
            novelty_half_life_days,
            active_share_lever_weight: c.float(
                &b.active_share_lever_weight,
                "behaviour.active_share_lever_weight",
                cd.active_share_lever_weight,
                0.0,
                10.0,
                "how much the design's reward and fun raise the log-odds of being an active sharer (0 = not at all)",
            ),
        };
        if coefficients.step_completion_min > coefficients.step_completion_max {
            c.problem(span(&b.step_completion_min).as_ref(), "behaviour.step_completion_min", format!(
                "behaviour.step_completion_min = {} is above step_completion_max = {}: a better page must not complete fewer steps",
                coefficients.step_completion_min, coefficients.step_completion_max
            ));
            coefficients.step_completion_min = coefficients.step_completion_max;
        }
        (channels, coefficients)
    }
}
