//! Behaviour: how a campaign design turns into each person's chances to notice an
//! invitation, join, and share. Pure functions of the parameters; no graph traversal,
//! no I/O. The equations, their reasoning and their sources are in docs/MODEL.md.
//!
//! Main types: [`Levers`] (the planner's design), [`Coefficients`] (the behaviour
//! model's calibration), [`Channels`] (how shares reach friends), [`Behaviour`]
//! (which model), compiled into [`CompiledBehaviour`] for the engine's hot loop.

/// The planner's design levers.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Levers {
    /// Participation threshold (参与门槛): how much a person must have or do to take
    /// part, from 0 (nothing) to 1 (pay, buy or qualify).
    pub threshold: f64,
    /// Rule complexity (活动规则): the number of steps a person must complete, >= 1.
    pub complexity: u32,
    /// Reward (回报率): value to the participant, in currency units.
    pub reward: f64,
    /// Fun / game elements (游戏元素), from 0 to 1.
    pub fun: f64,
    /// Landing page experience (用户体验), from 0 (poor) to 1 (excellent).
    pub page_quality: f64,
}

impl Default for Levers {
    /// An ordinary design: moderate threshold, three steps, a small reward, some fun,
    /// an average page.
    fn default() -> Self {
        Self { threshold: 0.3, complexity: 3, reward: 5.0, fun: 0.3, page_quality: 0.5 }
    }
}

/// Calibration of the campaign behaviour model (see docs/MODEL.md for each source).
///
/// Join intent is a logit `σ(U)` with
/// `U = join_base + join_reward·u(R) + join_fun·F − join_threshold·θ
///      + join_tie·(w − 0.5) + join_reinforcement·ln(min(m, reinforcement_cap))
///      − join_fatigue·max(0, m − fatigue_onset)`
/// where `u(R) = ln(1 + R / reward_reference)`, `w` is the tie strength and `m` the
/// number of invitations the person has received so far (counted up to 16). Each of the `n` steps is then
/// completed with probability `s(Q) = step_completion_min + (step_completion_max −
/// step_completion_min)·Q`. Sharing is `σ(share_base + share_reward·u(R) + share_fun·F)·s(Q)`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Coefficients {
    /// Join utility of a neutral design (logit units).
    pub join_base: f64,
    /// Weight of the reward's utility u(R) in joining.
    pub join_reward: f64,
    /// Weight of fun in joining.
    pub join_fun: f64,
    /// Weight of the participation threshold in joining (a cost).
    pub join_threshold: f64,
    /// Weight of tie strength (trust) in joining.
    pub join_tie: f64,
    /// Weight of ln(number of invitations received) in joining (social reinforcement).
    pub join_reinforcement: f64,
    /// Invitations beyond this count add no more reinforcement (saturation).
    pub reinforcement_cap: u32,
    /// Share utility of a neutral design (logit units).
    pub share_base: f64,
    /// Weight of the reward's utility u(R) in sharing.
    pub share_reward: f64,
    /// Weight of fun in sharing.
    pub share_fun: f64,
    /// Reward at which u(R) = ln 2, in currency units: sets the scale of "a fair reward".
    pub reward_reference: f64,
    /// Probability of completing one step on the worst page (Q = 0).
    pub step_completion_min: f64,
    /// Probability of completing one step on the best page (Q = 1).
    pub step_completion_max: f64,
    /// Share of people who are active sharers (0: everyone shares alike). With a
    /// positive share, a person is active with this probability, drawn once per person
    /// and run (when they join: the same in distribution), and the share utility of an
    /// active person gains `active_share_boost`, of an ordinary one `ordinary_share_shift`.
    pub active_share: f64,
    /// Added to an active sharer's share utility (logit units, >= 0).
    pub active_share_boost: f64,
    /// Added to an ordinary person's share utility (logit units, <= 0): most people pass
    /// nothing on.
    pub ordinary_share_shift: f64,
    /// Share of friends who see an active sharer's Moments post (an ordinary sharer's
    /// post reaches `channels.moments.reach` of them).
    pub active_moments_reach: f64,
    /// Friends an active sharer messages, on average (an ordinary sharer messages
    /// `channels.direct.invites_per_sharer`).
    pub active_invites_per_sharer: f64,
    /// γ: how much the design's share incentives L = share_reward·u(R) + share_fun·F
    /// raise the log-odds of being an active sharer: P(active) = σ(logit(a) + γ·L), so
    /// `active_share` a is the share of active sharers under a design with no reward
    /// and no fun, and a better design turns more people into active sharers (0: the
    /// classes do not depend on the design).
    pub active_share_lever_weight: f64,
    /// a_f: utility lost per invitation received beyond `fatigue_onset` (fatigue: being
    /// asked again and again annoys; Romero, Meeder & Kleinberg 2011).
    pub join_fatigue: f64,
    /// m_f: invitations received before fatigue sets in.
    pub fatigue_onset: u32,
    /// h: the campaign's novelty half-life in days: on day t the chance to share and each
    /// invitation's chance to convert are each multiplied by 2^(−t/2h), so that their
    /// product, the campaign's K, halves every h days. 0: no decay.
    pub novelty_half_life_days: f64,
}

impl Default for Coefficients {
    fn default() -> Self {
        Self {
            join_base: -1.0,
            join_reward: 0.8,
            join_fun: 1.5,
            join_threshold: 2.0,
            join_tie: 1.0,
            join_reinforcement: 0.7,
            reinforcement_cap: 8,
            share_base: -1.0,
            share_reward: 0.8,
            share_fun: 1.5,
            reward_reference: 10.0,
            step_completion_min: 0.70,
            step_completion_max: 0.95,
            active_share: 0.022,
            active_share_boost: 5.0,
            ordinary_share_shift: -5.0,
            active_moments_reach: 1.0,
            active_invites_per_sharer: 80.0,
            active_share_lever_weight: 1.0,
            join_fatigue: 0.15,
            fatigue_onset: 3,
            novelty_half_life_days: 14.0,
        }
    }
}

impl Coefficients {
    /// The share of active sharers under a design whose share incentives (reward and
    /// fun terms of the share utility) add up to `incentives`: σ(logit(a) + γ·L).
    pub fn active_share_under(&self, incentives: f64) -> f64 {
        let a = self.active_share;
        if a <= 0.0 || a >= 1.0 || self.active_share_lever_weight == 0.0 {
            return a;
        }
        logistic((a / (1.0 - a)).ln() + self.active_share_lever_weight * incentives)
    }
}

/// One-to-one messages (私聊): a sharer messages a few friends.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DirectChannel {
    /// Friends a sharer messages, on average (each friend with probability
    /// min(1, invites_per_sharer / degree)).
    pub invites_per_sharer: f64,
    /// Probability that a friend opens and reads a direct message, in [0, 1].
    pub attention: f64,
}

/// A Moments post (朋友圈): seen briefly by a share of all one's friends.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct MomentsChannel {
    /// Probability that a given friend sees the post, in [0, 1].
    pub reach: f64,
    /// Probability that a friend who sees it pays attention, in [0, 1].
    pub attention: f64,
}

/// Group chats (群聊): a sharer posts to some of their groups, and each member may
/// notice the post, the less likely the bigger the group.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GroupChannel {
    /// Groups a sharer posts to (at most all of theirs), chosen at random.
    pub posts_per_sharer: u32,
    /// Probability that a member of a group of [`GROUP_ATTENTION_REFERENCE`] people
    /// notices a post, in [0, 1].
    pub attention: f64,
    /// δ: attention in a group of s members is min(1, attention · (10 / s)^δ): a post is
    /// buried the faster, the more members talk.
    pub attention_decay: f64,
}

/// The group size at which [`GroupChannel::attention`] is stated.
pub const GROUP_ATTENTION_REFERENCE: f64 = 10.0;

impl GroupChannel {
    /// The probability that a member of a group of `size` people notices a post.
    pub fn attention_at(&self, size: usize) -> f64 {
        (self.attention * (GROUP_ATTENTION_REFERENCE / size.max(1) as f64).powf(self.attention_decay)).min(1.0)
    }
}

/// An official account's pushes (公众号推送): followers, the days it pushes, how many
/// open a push, and the followers each push costs (docs/MODEL.md §2, "Official-account
/// pushes").
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfficialAccount {
    /// The followers at launch, by dense id.
    pub followers: Vec<u32>,
    /// The days the account pushes, rising, distinct.
    pub push_days: Vec<u32>,
    /// Probability that a follower opens a push.
    pub open_rate: f64,
    /// u₀: probability that a follower unfollows after a push, at one push a week of
    /// content that is not promotional.
    pub unfollow_per_push: f64,
    /// How promotional the pushes are, 0 (pure content) to 1 (pure advertising).
    pub promotional: f64,
    /// κ: unfollows grow as (pushes in the last 7 days)^κ.
    pub frequency_elasticity: f64,
    /// β: a fully promotional push multiplies unfollows by 1 + β.
    pub promotional_weight: f64,
    /// Whether people who join the campaign follow the account (a follow is part of
    /// joining).
    pub follow_on_join: bool,
}

impl OfficialAccount {
    /// The probability that a follower unfollows after push `k` (0-based):
    /// min(1, u₀ · f^κ · (1 + β·promotional)) with f the pushes in the 7 days ending on
    /// its day, itself included.
    pub fn unfollow_rate(&self, k: usize) -> f64 {
        let day = self.push_days[k];
        let recent = self.push_days[..=k].iter().filter(|&&d| d + 7 > day).count() as f64;
        (self.unfollow_per_push
            * recent.powf(self.frequency_elasticity)
            * (1.0 + self.promotional_weight * self.promotional))
            .min(1.0)
    }
}

/// The campaign's own groups (社群裂变): participants gather in groups the operator opens,
/// each capped; a full group takes no one more, unless group fission opens a new one
/// that its members' recruits fill.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CampaignGroups {
    /// Groups the operator opens at launch, the seed users spread over them.
    pub seed_groups: u32,
    /// Members a group holds at most (WeChat: 500).
    pub cap: u32,
    /// Whether a full group's recruits open a new group (true), or cannot join (false).
    pub fission: bool,
}

/// The channels a sharer uses (each one that is set is used by every sharer).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Channels {
    /// One-to-one messages.
    pub direct: Option<DirectChannel>,
    /// Moments posts.
    pub moments: Option<MomentsChannel>,
    /// Posts in the sharer's group chats (needs the people's groups: `RunConfig::membership`).
    pub group: Option<GroupChannel>,
    /// The campaign's own capped groups, where participants gather.
    pub campaign_groups: Option<CampaignGroups>,
}

impl Default for Channels {
    fn default() -> Self {
        Self {
            direct: Some(DirectChannel { invites_per_sharer: 5.0, attention: 0.6 }),
            moments: Some(MomentsChannel { reach: 0.1, attention: 0.1 }),
            group: None,
            campaign_groups: None,
        }
    }
}

/// The rewards a campaign pays beyond the per-participant reward ([`Levers::reward`],
/// `rewards.per_participant`), when it stops paying them, and the money that pays them
/// (docs/MODEL.md §"Rewards and budget").
///
/// Which reward moves which decision: the per-participant reward moves joining and
/// sharing (the campaign's value to a participant, as `campaign.reward` always did);
/// the invitee's reward moves joining only; the referrer's rewards (per referral and
/// the tiers) move sharing only, valued at [`Rewards::referrer_value`] per referral.
/// When the rewards stop (after `end_day`, or when the budget is spent under a hard
/// cap) every later decision is made as under a design with no reward.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Rewards {
    /// Paid to the referrer for each person they recruit, in currency units.
    pub per_referral: f64,
    /// Paid to each new participant (every participant but the seed users), in currency
    /// units: a welcome bonus for the invited.
    pub invitee: f64,
    /// 任务宝 tiers: (successful referrals, prize), each prize paid once to a referrer
    /// when their referrals reach the count; sorted by count, counts distinct.
    pub tiers: Vec<(u32, f64)>,
    /// The last day on which rewards are paid (None: the whole campaign). Joins after it
    /// are paid nothing, and decisions after it are made without rewards.
    pub end_day: Option<u32>,
    /// Money for rewards: the budget less the fixed costs (None: no budget).
    pub budget: Option<f64>,
    /// Whether rewards stop when the budget is spent (a payment that would take the
    /// spend past it is not made, nor any later one); otherwise the spend may exceed it
    /// and the day it does is reported.
    pub hard_cap: bool,
}

impl Default for Rewards {
    fn default() -> Self {
        Self { per_referral: 0.0, invitee: 0.0, tiers: Vec::new(), end_day: None, budget: None, hard_cap: true }
    }
}

impl Rewards {
    /// The referrer's rewards as a value per referral, which the share decision
    /// perceives: the per-referral reward plus the best rate the tiers offer, the
    /// prizes up to a tier over its count, maximised over the tiers (tiers of
    /// `[[3, 10], [10, 50]]` offer ¥60 for 10 referrals: ¥6 a referral).
    pub fn referrer_value(&self) -> f64 {
        let mut prizes = 0.0;
        let mut best: f64 = 0.0;
        for &(count, prize) in &self.tiers {
            prizes += prize;
            best = best.max(prizes / count.max(1) as f64);
        }
        self.per_referral + best
    }

    /// Whether any reward beyond the per-participant one is paid.
    pub fn pays_anything(&self) -> bool {
        self.per_referral > 0.0 || self.invitee > 0.0 || self.tiers.iter().any(|t| t.1 > 0.0)
    }
}

/// Which spread model to simulate.
// One value per scenario, never in a collection or a hot loop: the campaign variant's
// size (its coefficients) costs nothing, and boxing it would only add noise where it is
// built.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Behaviour {
    /// The campaign behaviour model: levers → notice, join, share.
    Campaign {
        /// The design.
        levers: Levers,
        /// The model's calibration.
        coefficients: Coefficients,
        /// How shares reach friends.
        channels: Channels,
        /// Rewards beyond the per-participant one, and the budget.
        rewards: Rewards,
    },
    /// Independent cascade (Kempe et al. 2003): every participant invites every friend;
    /// each invitation converts with the edge's probability, once.
    IndependentCascade {
        /// Where each edge's probability comes from.
        probability: EdgeProbability,
    },
    /// Linear threshold (Kempe et al. 2003): each person draws a threshold θ uniform on
    /// [0, 1] once per run and joins when the summed weights of their participating
    /// in-neighbours reach θ.
    LinearThreshold {
        /// Influence weights b_uv (incoming weights of each person sum to at most 1).
        weights: InfluenceWeights,
    },
    /// Complex contagion (Centola & Macy 2007; Watts 2002): a person joins once enough
    /// of their in-neighbours have joined.
    ComplexContagion {
        /// How many is enough.
        threshold: AdoptionThreshold,
    },
    /// Continuous-time SIR on the network, simulated exactly (event-driven): an
    /// infectious person transmits to each neighbour at rate `transmission_rate` per day
    /// until they recover.
    Sir {
        /// Transmission rate per edge, per day (β > 0).
        transmission_rate: f64,
        /// How long people stay infectious.
        recovery: Recovery,
    },
}

/// Edge probabilities of the independent cascade.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeProbability {
    /// The same probability on every edge.
    Uniform(f64),
    /// The edge list's weight column.
    EdgeWeights,
    /// p_uv = 1 / in-degree of v (the weighted cascade of Kempe et al.).
    WeightedCascade,
}

/// Influence weights of the linear threshold model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum InfluenceWeights {
    /// b_uv = 1 / in-degree of v.
    InDegree,
    /// The edge list's weight column.
    EdgeWeights,
}

/// When a complex-contagion node adopts.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AdoptionThreshold {
    /// At least this many participating in-neighbours.
    Count(u32),
    /// At least this fraction of one's in-neighbours (Watts' model), in (0, 1].
    Fraction(f64),
}

/// Infectious period of the SIR model.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Recovery {
    /// Exponential with this rate per day (Markovian SIR).
    Rate(f64),
    /// Exactly this many days (then SIR is equivalent to an independent cascade with
    /// p = 1 − exp(−β·period)).
    FixedPeriodDays(f64),
}

/// The logistic function σ(x) = 1 / (1 + e^-x).
///
/// ```
/// assert_eq!(fission::model::logistic(0.0), 0.5);
/// ```
pub fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Friend channels in a compiled behaviour, at most (direct messages, Moments).
pub const MAX_CHANNELS: usize = 2;
/// Channels counted per run: the friend channels, then group chats, then
/// official-account pushes ([`RunOutcome`](crate::outcome::RunOutcome)'s channel counts).
pub const CHANNEL_SLOTS: usize = 4;
/// Invitation counts kept distinct in the conversion tables (more saturate; the
/// scenario caps reinforcement at 16 invitations).
pub const TABLE_EXPOSURES: usize = 16;

/// How a sharer picks the friends a channel reaches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum InviteRule {
    /// Every friend.
    All,
    /// Each friend with probability min(1, mean / degree).
    MeanPerSharer(f64),
    /// Each friend with this probability.
    EachFriend(f64),
}

impl InviteRule {
    /// Probability that a sharer of degree `degree` reaches a given friend.
    #[inline]
    pub fn probability(&self, degree: usize) -> f64 {
        match *self {
            InviteRule::All => 1.0,
            InviteRule::MeanPerSharer(mean) => (mean / degree.max(1) as f64).min(1.0),
            InviteRule::EachFriend(p) => p,
        }
    }
}

/// A behaviour reduced to what the engine needs per person and per invitation.
#[derive(Debug, Clone)]
pub struct CompiledBehaviour {
    /// Probability that a new participant shares at all.
    pub share_probability: f64,
    /// The channels used by sharers.
    pub channels: Vec<CompiledChannel>,
    /// Active and ordinary sharers, when people differ (`Coefficients::active_share`
    /// above 0); then `share_probability` is the mixture.
    pub population: Option<SharerClasses>,
    join: JoinRule,
}

/// How likely a new participant is to be an active or an ordinary sharer, and whom an
/// active sharer's channels reach.
#[derive(Debug, Clone, PartialEq)]
pub struct SharerClasses {
    /// P(active) under this design: σ(logit(a) + γ·L) ([`Coefficients::active_share_lever_weight`]).
    pub active_share: f64,
    /// P(active and shares) = a · logistic(x + boost) · step completion.
    pub active_and_shares: f64,
    /// P(ordinary and shares) = (1 − a) · logistic(x + shift) · step completion.
    pub ordinary_and_shares: f64,
    /// Per channel, whom an active sharer reaches (more direct messages, a wider
    /// Moments audience).
    pub active_invite: Vec<InviteRule>,
}

/// A channel of a compiled behaviour.
#[derive(Debug, Clone)]
pub struct CompiledChannel {
    /// Channel name for reports (`direct`, `moments`, `all-friends`).
    pub name: &'static str,
    /// Which friends a sharer reaches.
    pub invite: InviteRule,
    /// Probability that a reached friend notices.
    pub attention: f64,
    /// Conversion by number of invitations received (index m − 1) on a neutral tie.
    neutral_table: [f64; TABLE_EXPOSURES],
}

#[derive(Debug, Clone)]
enum JoinRule {
    Constant(f64),
    Logit {
        base: f64,
        tie: f64,
        /// reinforcement · ln(min(m, cap)) − fatigue · max(0, m − onset) for m = 0..=16
        /// (index 0 unused; more invitations count as 16), so the hot loop calls no
        /// logarithm.
        reinforcement_term: [f64; 17],
        completion: f64,
    },
}

impl JoinRule {
    fn join_probability(&self, exposures: u32, tie: f32) -> f64 {
        match *self {
            JoinRule::Constant(p) => p,
            JoinRule::Logit { base, tie: a_tie, ref reinforcement_term, completion } => {
                let m = (exposures.max(1) as usize).min(reinforcement_term.len() - 1);
                logistic(base + a_tie * (tie as f64 - 0.5) + reinforcement_term[m]) * completion
            }
        }
    }
}

impl Behaviour {
    /// Precomputes the per-person and per-invitation probabilities.
    pub fn compile(&self) -> CompiledBehaviour {
        match self {
            Behaviour::IndependentCascade { probability } => {
                let p = match probability {
                    EdgeProbability::Uniform(p) => *p,
                    // Per-edge probabilities are looked up by the engine.
                    _ => f64::NAN,
                };
                let join = JoinRule::Constant(p);
                CompiledBehaviour {
                    share_probability: 1.0,
                    channels: vec![CompiledChannel::new("all-friends", InviteRule::All, 1.0, &join)],
                    population: None,
                    join,
                }
            }
            Behaviour::Campaign { levers, coefficients: c, channels, rewards } => {
                // The joiner's rewards move joining, the referrer's sharing; the
                // per-participant reward both.
                let u_join = (1.0 + (levers.reward + rewards.invitee) / c.reward_reference).ln();
                let u_reward = (1.0 + (levers.reward + rewards.referrer_value()) / c.reward_reference).ln();
                let step =
                    c.step_completion_min + (c.step_completion_max - c.step_completion_min) * levers.page_quality;
                let join = JoinRule::Logit {
                    base: c.join_base + c.join_reward * u_join + c.join_fun * levers.fun
                        - c.join_threshold * levers.threshold,
                    tie: c.join_tie,
                    reinforcement_term: std::array::from_fn(|m| {
                        c.join_reinforcement * (m.clamp(1, c.reinforcement_cap.max(1) as usize) as f64).ln()
                            - c.join_fatigue * m.saturating_sub(c.fatigue_onset as usize) as f64
                    }),
                    completion: step.powi(levers.complexity as i32),
                };
                let incentives = c.share_reward * u_reward + c.share_fun * levers.fun;
                let share_utility = c.share_base + incentives;
                let active = c.active_share_under(incentives);
                let population = (c.active_share > 0.0).then(|| SharerClasses {
                    active_share: active,
                    active_and_shares: active * logistic(share_utility + c.active_share_boost) * step,
                    ordinary_and_shares: (1.0 - active) * logistic(share_utility + c.ordinary_share_shift) * step,
                    active_invite: [
                        channels.direct.map(|_| InviteRule::MeanPerSharer(c.active_invites_per_sharer)),
                        channels.moments.map(|_| InviteRule::EachFriend(c.active_moments_reach)),
                    ]
                    .into_iter()
                    .flatten()
                    .collect(),
                });
                let share_probability = match &population {
                    Some(p) => p.active_and_shares + p.ordinary_and_shares,
                    None => logistic(share_utility) * step,
                };
                let mut compiled = Vec::new();
                if let Some(d) = channels.direct {
                    compiled.push(CompiledChannel::new(
                        "direct",
                        InviteRule::MeanPerSharer(d.invites_per_sharer),
                        d.attention,
                        &join,
                    ));
                }
                if let Some(m) = channels.moments {
                    compiled.push(CompiledChannel::new("moments", InviteRule::EachFriend(m.reach), m.attention, &join));
                }
                CompiledBehaviour { share_probability, channels: compiled, population, join }
            }
            // The threshold and SIR processes do not use invitations; this compiled
            // form only serves `nominal`, which is not defined for them.
            _ => {
                let join = JoinRule::Constant(f64::NAN);
                CompiledBehaviour {
                    share_probability: 1.0,
                    channels: vec![CompiledChannel::new("all-friends", InviteRule::All, 1.0, &join)],
                    population: None,
                    join,
                }
            }
        }
    }

    /// The design's K on an idealised network of degree `degree` (see
    /// [`CompiledBehaviour::nominal`]), for the models where it is defined: the campaign
    /// model and the uniform independent cascade.
    pub fn nominal(&self, degree: usize) -> Option<NominalK> {
        match self {
            Behaviour::Campaign { .. } | Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(_) } => {
                Some(self.compile().nominal(degree))
            }
            _ => None,
        }
    }

    /// The same design with no reward at all: what decisions follow once a campaign's
    /// rewards stop (budget spent, or past the rewards' last day). Other models are
    /// returned unchanged.
    pub fn without_rewards(&self) -> Behaviour {
        match self {
            Behaviour::Campaign { levers, coefficients, channels, rewards } => Behaviour::Campaign {
                levers: Levers { reward: 0.0, ..*levers },
                coefficients: *coefficients,
                channels: *channels,
                rewards: Rewards { per_referral: 0.0, invitee: 0.0, tiers: Vec::new(), ..rewards.clone() },
            },
            other => other.clone(),
        }
    }

    /// A campaign's rewards (None for the other models).
    pub fn rewards(&self) -> Option<&Rewards> {
        match self {
            Behaviour::Campaign { rewards, .. } => Some(rewards),
            _ => None,
        }
    }

    /// Whether the model is the invitation process (campaign or independent cascade).
    pub fn is_invitation_process(&self) -> bool {
        matches!(self, Behaviour::Campaign { .. } | Behaviour::IndependentCascade { .. })
    }

    /// Short name, as in the scenario file.
    pub fn kind(&self) -> &'static str {
        match self {
            Behaviour::Campaign { .. } => "campaign",
            Behaviour::IndependentCascade { .. } => "independent-cascade",
            Behaviour::LinearThreshold { .. } => "linear-threshold",
            Behaviour::ComplexContagion { .. } => "complex-contagion",
            Behaviour::Sir { .. } => "sir",
        }
    }
}

impl CompiledChannel {
    fn new(name: &'static str, invite: InviteRule, attention: f64, join: &JoinRule) -> Self {
        let mut neutral_table = [0.0; TABLE_EXPOSURES];
        for (i, slot) in neutral_table.iter_mut().enumerate() {
            *slot = attention * join.join_probability(i as u32 + 1, crate::graph::NEUTRAL_TIE);
        }
        Self { name, invite, attention, neutral_table }
    }
}

impl CompiledBehaviour {
    /// Conversion probabilities for a graph whose ties take only the strengths `ties`:
    /// entry `(channel × ties.len() + t) × TABLE_EXPOSURES + (m − 1)` is
    /// [`Self::conversion`]`(channel, m, Some(ties[t]))` for m = 1..=TABLE_EXPOSURES, so
    /// that the engine looks conversions up instead of computing a logistic per
    /// invitation (benches/campaign_vs_ic.rs).
    pub fn tie_table(&self, ties: &[f32]) -> Vec<f64> {
        let mut table = Vec::with_capacity(self.channels.len() * ties.len() * TABLE_EXPOSURES);
        for channel in 0..self.channels.len() {
            for &tie in ties {
                for m in 1..=TABLE_EXPOSURES as u32 {
                    table.push(self.conversion(channel, m, Some(tie)));
                }
            }
        }
        table
    }

    /// Probability that an invitation through channel `channel` converts, for a person
    /// receiving their `exposures`-th invitation (>= 1) over a tie of strength `tie`.
    #[inline]
    pub fn conversion(&self, channel: usize, exposures: u32, tie: Option<f32>) -> f64 {
        let ch = &self.channels[channel];
        match tie {
            None => ch.neutral_table[(exposures.max(1) as usize - 1).min(TABLE_EXPOSURES - 1)],
            Some(w) => ch.attention * self.join.join_probability(exposures, w),
        }
    }

    /// Probability that a person who notices an invitation, their `exposures`-th
    /// (>= 1), joins, over a neutral tie (group chats: members are not asked by a friend
    /// in particular).
    #[inline]
    pub fn join_probability(&self, exposures: u32) -> f64 {
        self.join.join_probability(exposures, crate::graph::NEUTRAL_TIE)
    }

    /// Whether [`Self::conversion`] never falls as the tie's strength rises (true for
    /// every scenario: the tie weight is validated to be >= 0).
    pub fn conversion_rises_with_tie(&self) -> bool {
        match self.join {
            JoinRule::Constant(_) => true,
            JoinRule::Logit { tie, .. } => tie >= 0.0,
        }
    }

    /// The design's K on an idealised network where every friend is new and has
    /// `degree` friends: expected invitations per participant × conversion of a first
    /// invitation on a neutral tie. Used to explain a design, not as the estimate.
    pub fn nominal(&self, degree: usize) -> NominalK {
        let mut invitations = 0.0;
        let mut converted = 0.0;
        for (i, ch) in self.channels.iter().enumerate() {
            // Sharers of each class, times whom the channel reaches for that class.
            let inv = match &self.population {
                None => self.share_probability * ch.invite.probability(degree),
                Some(p) => {
                    p.active_and_shares * p.active_invite[i].probability(degree)
                        + p.ordinary_and_shares * ch.invite.probability(degree)
                }
            } * degree as f64;
            invitations += inv;
            converted += inv * self.conversion(i, 1, None);
        }
        NominalK {
            share_probability: self.share_probability,
            invitations_per_participant: invitations,
            conversion_per_invitation: if invitations > 0.0 { converted / invitations } else { 0.0 },
            k: converted,
        }
    }
}

/// A design's K on an idealised network (see [`CompiledBehaviour::nominal`]).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct NominalK {
    /// Probability that a participant shares.
    pub share_probability: f64,
    /// Expected invitations (messages and Moments views) per participant.
    pub invitations_per_participant: f64,
    /// Probability that a first invitation converts.
    pub conversion_per_invitation: f64,
    /// Their product.
    pub k: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campaign(levers: Levers) -> CompiledBehaviour {
        Behaviour::Campaign {
            levers,
            coefficients: Coefficients::default(),
            channels: Channels::default(),
            rewards: Rewards::default(),
        }
        .compile()
    }

    #[test]
    fn every_lever_moves_nominal_k_in_the_expected_direction() {
        let base = Levers::default();
        let k = |l: Levers| campaign(l).nominal(20).k;
        let k0 = k(base);
        assert!(k(Levers { threshold: 0.6, ..base }) < k0);
        assert!(k(Levers { complexity: 4, ..base }) < k0);
        assert!(k(Levers { reward: 20.0, ..base }) > k0);
        assert!(k(Levers { fun: 0.6, ..base }) > k0);
        assert!(k(Levers { page_quality: 0.9, ..base }) > k0);
    }

    #[test]
    fn ordinary_design_is_well_below_one_and_a_great_design_above() {
        // On 40 friends each, as in ego-Facebook (43.7; WeChat users have more): with
        // active sharers, K grows with the number of friends an active sharer reaches.
        let ordinary = campaign(Levers::default()).nominal(40).k;
        assert!((0.1..0.5).contains(&ordinary), "ordinary K {ordinary}");
        let great = campaign(Levers { threshold: 0.05, complexity: 1, reward: 20.0, fun: 0.8, page_quality: 0.8 });
        assert!(great.nominal(40).k > 1.0, "great K {}", great.nominal(40).k);
    }

    #[test]
    fn active_share_rises_with_the_design_and_reduces_to_a() {
        let c = Coefficients::default();
        // A design with no reward and no fun has the share a; incentives raise the odds.
        assert!((c.active_share_under(0.0) - c.active_share).abs() < 1e-15);
        let odds = |p: f64| p / (1.0 - p);
        let l = 1.3;
        let ratio = odds(c.active_share_under(l)) / odds(c.active_share);
        assert!((ratio - (c.active_share_lever_weight * l).exp()).abs() < 1e-9, "odds ratio {ratio}");
        assert_eq!(Coefficients { active_share_lever_weight: 0.0, ..c }.active_share_under(l), c.active_share);
        // The classes' probabilities are those of the model's equations.
        let b = campaign(Levers::default());
        let p = b.population.as_ref().expect("active sharers by default");
        let step = c.step_completion_min + (c.step_completion_max - c.step_completion_min) * 0.5;
        let x = c.share_base + c.share_reward * (1.5f64).ln() + c.share_fun * 0.3;
        let a = c.active_share_under(x - c.share_base);
        assert!((p.active_and_shares - a * logistic(x + c.active_share_boost) * step).abs() < 1e-12);
        assert!((p.ordinary_and_shares - (1.0 - a) * logistic(x + c.ordinary_share_shift) * step).abs() < 1e-12);
        assert!((b.share_probability - p.active_and_shares - p.ordinary_and_shares).abs() < 1e-15);
    }

    #[test]
    fn strong_ties_and_repeated_invitations_convert_better() {
        let b = campaign(Levers::default());
        assert!(b.conversion(0, 1, Some(0.9)) > b.conversion(0, 1, Some(0.1)));
        assert!(b.conversion(0, 3, None) > b.conversion(0, 1, None));
        // Invitations count up to 16, and past the onset fatigue lowers conversion.
        assert_eq!(b.conversion(0, 16, None), b.conversion(0, 50, None));
        assert!(b.conversion(0, 16, None) < b.conversion(0, 5, None));
        let c = Coefficients::default();
        let m = |m: u32| {
            c.join_reinforcement * (m.min(c.reinforcement_cap) as f64).ln()
                - c.join_fatigue * m.saturating_sub(c.fatigue_onset) as f64
        };
        // The utility's change between two counts is the model's.
        let logit = |p: f64| (p / (1.0 - p)).ln();
        let join = |m: u32| b.conversion(0, m, None) / 0.6 / (c.step_completion_min + 0.25 * 0.5).powi(3);
        assert!((logit(join(12)) - logit(join(2)) - (m(12) - m(2))).abs() < 1e-9);
        // The neutral table agrees with the direct formula.
        assert!((b.conversion(0, 2, None) - b.conversion(0, 2, Some(0.5))).abs() < 1e-12);
    }

    #[test]
    fn independent_cascade_is_constant() {
        let b = Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(0.3) }.compile();
        assert_eq!(b.share_probability, 1.0);
        assert_eq!(b.conversion(0, 5, Some(0.1)), 0.3);
        assert_eq!(b.nominal(4).k, 1.2);
    }
}
