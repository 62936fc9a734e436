//! Everything one run reads, prepared once per ensemble ([`Prepared`]), and the
//! choice of the process and schedule a run takes.

use super::*;

/// How each edge's conversion probability is found in the invitation process.
#[derive(Debug, Clone, Copy)]
pub(super) enum EdgeRule {
    /// From the compiled behaviour (campaign model).
    Model,
    /// The same probability on every edge, every friend invited (uniform independent
    /// cascade): converting friends are found by geometric skips, so the work follows
    /// the conversions, not the edges (benches/engine.rs: `cascade/ic-er-k10-p0.2`).
    Uniform(Coins),
    /// The edge's weight.
    Weight,
    /// 1 / in-degree of the invitee.
    InverseInDegree,
}

/// Which process a run simulates.
#[derive(Debug, Clone, Copy)]
pub(super) enum Process {
    Invitation(EdgeRule),
    Threshold { start: StartThreshold, contribution: Contribution },
    Sir { beta: f64, recovery: Recovery },
}

/// A threshold process's threshold for a person, drawn when first reached.
#[derive(Debug, Clone, Copy)]
pub(super) enum StartThreshold {
    Uniform,
    Count(u32),
    Fraction(f64),
}

/// What a participating in-neighbour contributes towards the threshold.
#[derive(Debug, Clone, Copy)]
pub(super) enum Contribution {
    One,
    Weight,
    InverseInDegree,
}

/// Everything one run reads, prepared once per ensemble.
pub(super) struct Prepared<'a> {
    pub(super) graph: &'a SocialGraph,
    pub(super) behaviour: CompiledBehaviour,
    pub(super) process: Process,
    /// Per channel of `behaviour`: how a sharer reaches friends.
    pub(super) reach: Vec<ChannelReach>,
    /// The same for an active sharer, when people differ (`behaviour.population`).
    pub(super) reach_active: Vec<ChannelReach>,
    /// Campaign conversions by tie class, when the graph's ties take few strengths.
    pub(super) tie_classes: Option<TieClasses>,
    /// Campaigns on ties of many distinct strengths in [0, 1]: each arc's cell of
    /// strength ([`TIE_CELLS`]), which with the invitations received picks the bounds
    /// of its conversion in the continuous `thresholds`.
    pub(super) tie_cells: Option<Vec<u8>>,
    /// Campaign conversions as 32-bit coin thresholds (tabulated when the ties have no
    /// strengths or few distinct ones, bounded otherwise): the chunked runs
    /// ([`Prepared::run_lockstep_campaign`], [`Prepared::run_days_campaign`]). None
    /// only for a library caller's tie weight below 0 or strengths outside [0, 1].
    pub(super) thresholds: Option<ConversionThresholds>,
    /// 1 / in-degree per node (weighted cascade, linear threshold), else empty.
    pub(super) inverse_in_degree: Vec<f32>,
    /// In-degree per node (Watts fractions), else empty.
    pub(super) in_degree: Vec<u32>,
    pub(super) generation_width: usize,
    pub(super) delay: DelaySampler,
    pub(super) seeding: &'a Seeding,
    pub(super) fixed_seeds: Vec<u32>,
    pub(super) days: u32,
    pub(super) rng_seed: u64,
    /// The uniform independent cascade's skips by table (probability at most
    /// [`COINS_ABOVE`]).
    pub(super) skips: Option<SkipTable>,
    /// Some(delay) when a run can go generation by generation: an invitation process
    /// with a fixed cycle time, where everyone reached in generation g joins on day
    /// g × delay ([`Prepared::run_lockstep`] for the uniform independent cascade,
    /// [`Prepared::run_lockstep_campaign`] for the campaign with chunked conversions,
    /// [`Prepared::run_lockstep_invitations`] for the others).
    pub(super) lockstep: Option<u32>,
    /// The way a run is simulated, chosen once ([`Prepared::choose_path`]).
    pub(super) path: Path,
    /// A participant whose share coin ([`Prepared::sharer_reach`]) is below this shares
    /// ([`COIN_ONE`]: everyone shares, with no coin).
    pub(super) share_below: u64,
    /// ... and below this, as an active sharer (0 when people do not differ).
    pub(super) active_below: u64,
    /// Per day d of the horizon, 2^32 / f(d) with f(d) = 2^(−d/2h) the campaign's
    /// novelty on each of the two decisions it scales, sharing and converting, so that
    /// their product, K, halves every h = `novelty_half_life_days` (capped at 2^63):
    /// a coin times this over
    /// 2^32 is below a threshold with the threshold's probability times f(d)
    /// ([`Prepared::fade`]). 2^32 every day without decay.
    pub(super) novelty: Vec<u64>,
    /// The campaign's last day: nobody joins after it (u32::MAX: none).
    pub(super) end_day: u32,
    /// What the campaign pays when someone joins (None: nothing, and no budget).
    pub(super) ledger: Option<Ledger>,
    /// Whether the ledger is kept as people join ([`Prepared::join_from_bucket`]), or
    /// settled after a run that went generation by generation.
    pub(super) ledger_in_run: bool,
    /// The design without rewards, when the rewards can stop within a run (then runs
    /// take the reference path, which switches to it decision by decision).
    pub(super) unrewarded: Option<Box<Unrewarded>>,
    /// The group channel: the people's groups and how posts reach them.
    pub(super) groups: Option<PreparedGroups>,
    /// The campaign's own capped groups.
    pub(super) campaign_groups: Option<crate::model::CampaignGroups>,
    /// An official account that pushes the campaign.
    pub(super) account: Option<PreparedAccount>,
}

/// The way a run is simulated: the reference process, or a specialisation of it used
/// where it applies. Each specialisation is shown to be the same process as the
/// reference by the tests of `tests/schedules.rs` (distributions over runs, or the
/// same draws where the specialisation draws what the reference draws).
#[derive(Debug, Clone, Copy)]
pub(super) enum Path {
    /// One invitation at a time, day by day ([`Prepared::run_days`]: reference.rs,
    /// schedule.rs; the threshold processes, threshold.rs).
    Reference,
    /// Continuous-time SIR, event by event (sir.rs).
    Sir { beta: f64, recovery: Recovery },
    /// The uniform independent cascade with a fixed cycle: generation by generation,
    /// 64 senders at a time ([`Prepared::run_lockstep`]).
    CascadeByGeneration { coins: Coins, delay: u32 },
    /// The uniform independent cascade with a random cycle: day by day, each day's
    /// joiners 64 at a time ([`Prepared::run_days_cascade`]).
    CascadeByDay { coins: Coins },
    /// The other invitation processes with a fixed cycle: generation by generation,
    /// the reference's draws ([`Prepared::run_lockstep_invitations`]).
    InvitationsByGeneration { rule: EdgeRule, delay: u32 },
    /// The campaign with chunked conversions (bounded on continuous ties or not) and a
    /// fixed cycle ([`Prepared::run_lockstep_campaign`]).
    CampaignByGeneration { continuous: bool, delay: u32 },
    /// The same with a random cycle, day by day ([`Prepared::run_days_campaign`]).
    CampaignByDay { continuous: bool },
}

impl<'a> Prepared<'a> {
    pub(super) fn new(graph: &'a SocialGraph, config: &'a RunConfig) -> Result<Self, EngineError> {
        let n = graph.node_count();
        if config.days > MAX_DAYS {
            return Err(EngineError::HorizonTooLong(config.days));
        }
        let count = config.seeding.count();
        if count == 0 || count > n {
            return Err(EngineError::BadSeeding(format!(
                "{count} seed users do not fit a graph of {n} people (accepted: 1 to {n})"
            )));
        }
        let fixed_seeds = match &config.seeding {
            Seeding::Random { .. } => Vec::new(),
            Seeding::HighestDegree { count } => graph.highest_degree(*count),
            Seeding::Nodes { nodes } => {
                let mut seen = std::collections::HashSet::new();
                for v in nodes {
                    if v.0 as usize >= n || !seen.insert(v.0) {
                        return Err(EngineError::BadSeeding(format!(
                            "seed node {} is outside the graph or repeated",
                            v.0
                        )));
                    }
                }
                nodes.iter().map(|v| v.0).collect()
            }
        };
        let (process, need_inverse, need_in_degree) = Self::process(graph, &config.behaviour)?;
        let (group_channel, campaign_groups) = match &config.behaviour {
            Behaviour::Campaign { channels, .. } => (channels.group, channels.campaign_groups),
            _ => (None, None),
        };
        let account = match (&config.official_account, &config.behaviour) {
            (None, _) => None,
            (Some(oa), Behaviour::Campaign { .. }) => {
                if let Some(&v) = oa.followers.iter().find(|&&v| v as usize >= n) {
                    return Err(EngineError::BadSeeding(format!("follower {v} is outside the graph")));
                }
                Some(PreparedAccount::new(oa, config.days))
            }
            (Some(_), _) => {
                return Err(EngineError::ModelDoesNotFitGraph(
                    "an official account's pushes need the campaign model".into(),
                ));
            }
        };
        let groups = match (group_channel, &config.membership) {
            (None, _) => None,
            (Some(channel), Some(m)) => {
                let slot = config.behaviour.compile().channels.len();
                Some(PreparedGroups::new(m.clone(), channel, slot))
            }
            (Some(_), None) => {
                return Err(EngineError::ModelDoesNotFitGraph(
                    "the group channel needs the people's group chats (RunConfig::membership)".into(),
                ));
            }
        };
        let in_degree = if need_inverse || need_in_degree { graph.in_degrees() } else { Vec::new() };
        let inverse_in_degree = if need_inverse {
            in_degree.iter().map(|&d| if d > 0 { 1.0 / d as f32 } else { 0.0 }).collect()
        } else {
            Vec::new()
        };
        let generation_width = match process {
            // Continuous time allows several generations a day.
            Process::Sir { .. } => (8 * (config.days as usize + 1)).clamp(64, 4096),
            _ => config.days as usize + 1,
        };
        let behaviour = config.behaviour.compile();
        let uses_exposures = matches!(process, Process::Invitation(EdgeRule::Model));
        let delay = config.cycle_time.sampler();
        let skips = match process {
            Process::Invitation(EdgeRule::Uniform(coins)) => SkipTable::new(coins.p).filter(|_| coins.p <= COINS_ABOVE),
            _ => None,
        };
        let lockstep = match (process, &delay) {
            (Process::Invitation(_), &DelaySampler::Fixed(d)) => Some(d),
            _ => None,
        };
        let tie_classes = if uses_exposures { TieClasses::new(graph, &behaviour) } else { None };
        // Many distinct strengths, all in [0, 1], which the conversion heeds the more the
        // stronger: bounded by cells of strength.
        let tie_cells = graph
            .all_weights()
            .filter(|_| uses_exposures && tie_classes.is_none() && behaviour.conversion_rises_with_tie())
            .and_then(cells_of_arcs);
        let thresholds = if !uses_exposures {
            None
        } else if let Some(tie) = &tie_classes {
            Some(ConversionThresholds::new(&tie.table, tie.classes, behaviour.channels.len()))
        } else if !graph.has_weights() {
            let table: Vec<f64> = (0..behaviour.channels.len())
                .flat_map(|ci| (1..=TABLE_EXPOSURES as u32).map(move |m| (ci, m)))
                .map(|(ci, m)| behaviour.conversion(ci, m, None))
                .collect();
            Some(ConversionThresholds::new(&table, 1, behaviour.channels.len()))
        } else if tie_cells.is_some() {
            Some(ConversionThresholds::continuous(&behaviour))
        } else {
            None
        };
        Ok(Self {
            graph,
            reach: behaviour.channels.iter().map(|c| ChannelReach::new(c.invite)).collect(),
            reach_active: behaviour
                .population
                .as_ref()
                .map(|p| p.active_invite.iter().map(|&rule| ChannelReach::new(rule)).collect())
                .unwrap_or_default(),
            tie_classes,
            tie_cells,
            thresholds,
            behaviour,
            process,
            inverse_in_degree,
            in_degree,
            generation_width,
            delay,
            seeding: &config.seeding,
            fixed_seeds,
            days: config.days,
            rng_seed: config.rng_seed,
            skips,
            lockstep,
            path: Path::Reference,
            share_below: 0,
            active_below: 0,
            novelty: novelty_scales(&config.behaviour, config.days),
            end_day: match config.behaviour {
                Behaviour::Campaign { .. } => config.end_day.unwrap_or(u32::MAX),
                _ => u32::MAX,
            },
            ledger: Ledger::new(&config.behaviour, config.days),
            groups,
            campaign_groups,
            account,
            ledger_in_run: false,
            unrewarded: None,
        }
        .with_chosen_path(graph, &config.behaviour))
    }

    /// The process of `behaviour` on `graph`, and whether it needs 1/in-degree and
    /// in-degrees; checks that the model fits the graph.
    pub(super) fn process(graph: &SocialGraph, behaviour: &Behaviour) -> Result<(Process, bool, bool), EngineError> {
        let unfit = |m: String| Err(EngineError::ModelDoesNotFitGraph(m));
        let need_weights = |what: &str| -> Result<(), EngineError> {
            if graph.has_weights() {
                Ok(())
            } else {
                Err(EngineError::ModelDoesNotFitGraph(format!(
                    "{what} needs edge weights, but the graph has none: use an edge list with graph.weight_column = true"
                )))
            }
        };
        Ok(match behaviour {
            Behaviour::Campaign { .. } => (Process::Invitation(EdgeRule::Model), false, false),
            Behaviour::IndependentCascade { probability } => match probability {
                EdgeProbability::Uniform(p) => (Process::Invitation(EdgeRule::Uniform(Coins::new(*p))), false, false),
                EdgeProbability::EdgeWeights => {
                    need_weights("independent-cascade with probability = \"edge-weights\"")?;
                    (Process::Invitation(EdgeRule::Weight), false, false)
                }
                EdgeProbability::WeightedCascade => (Process::Invitation(EdgeRule::InverseInDegree), true, false),
            },
            Behaviour::LinearThreshold { weights } => match weights {
                InfluenceWeights::InDegree => (
                    Process::Threshold { start: StartThreshold::Uniform, contribution: Contribution::InverseInDegree },
                    true,
                    false,
                ),
                InfluenceWeights::EdgeWeights => {
                    need_weights("linear-threshold with weights = \"edge-weights\"")?;
                    let sums = graph.in_weight_sums().expect("checked: the graph has weights");
                    if let Some((v, s)) = sums.iter().enumerate().find(|(_, s)| **s > 1.0 + 1e-6) {
                        return unfit(format!(
                            "linear-threshold needs the weights into each person to sum to at most 1, but those into node {} sum to {s:.4}",
                            graph.original_id(NodeId(v as u32))
                        ));
                    }
                    (
                        Process::Threshold { start: StartThreshold::Uniform, contribution: Contribution::Weight },
                        false,
                        false,
                    )
                }
            },
            Behaviour::ComplexContagion { threshold } => match threshold {
                AdoptionThreshold::Count(c) => {
                    let max_in = graph.in_degrees().into_iter().max().unwrap_or(0);
                    if *c > max_in {
                        return unfit(format!(
                            "complex-contagion threshold_count = {c} is larger than anyone's number of friends (at most {max_in}): no one but the seeds could ever join"
                        ));
                    }
                    (
                        Process::Threshold { start: StartThreshold::Count(*c), contribution: Contribution::One },
                        false,
                        false,
                    )
                }
                AdoptionThreshold::Fraction(f) => (
                    Process::Threshold { start: StartThreshold::Fraction(*f), contribution: Contribution::One },
                    false,
                    true,
                ),
            },
            Behaviour::Sir { transmission_rate, recovery } => {
                (Process::Sir { beta: *transmission_rate, recovery: *recovery }, false, false)
            }
        })
    }

    /// The fastest path that simulates this process: a specialisation where one applies
    /// (a fixed cycle goes generation by generation; chunked conversions where the
    /// campaign's conversions are tables or bounded), else the reference.
    pub(super) fn choose_path(&self) -> Path {
        // Rewards that can stop within a run change the decisions from then on: the
        // reference path switches decision by decision.
        if self.ledger.as_ref().is_some_and(|l| l.dynamic) {
            return Path::Reference;
        }
        // So do group chats and the campaign's own groups (plainly first; specialised
        // when a benchmark says it matters).
        if self.groups.is_some() || self.campaign_groups.is_some() || self.account.is_some() {
            return Path::Reference;
        }
        // Chunked campaign conversions: Some(whether bounded on continuous ties).
        let chunked = self.thresholds.as_ref().map(|t| t.continuous);
        match (self.process, self.lockstep, chunked) {
            (Process::Sir { beta, recovery }, ..) => Path::Sir { beta, recovery },
            (Process::Invitation(EdgeRule::Uniform(coins)), Some(delay), _) => {
                Path::CascadeByGeneration { coins, delay }
            }
            (Process::Invitation(EdgeRule::Model), Some(delay), Some(continuous)) => {
                Path::CampaignByGeneration { continuous, delay }
            }
            (Process::Invitation(rule), Some(delay), _) => Path::InvitationsByGeneration { rule, delay },
            (Process::Invitation(EdgeRule::Model), None, Some(continuous)) => Path::CampaignByDay { continuous },
            (Process::Invitation(EdgeRule::Uniform(coins)), None, _) => Path::CascadeByDay { coins },
            _ => Path::Reference,
        }
    }

    /// A 32-bit coin drawn on day `day`, scaled so that it falls below a threshold with
    /// the threshold's probability times the campaign's novelty on that day (the coin
    /// over f(day), [`Prepared::novelty`]): the same coin without decay.
    #[inline(always)]
    pub(super) fn fade(&self, coin: u64, day: u32) -> u64 {
        fade(coin, self.novelty[day as usize])
    }

    /// P(an active sharer shares): 0 when people do not differ.
    pub(super) fn active_and_shares(&self) -> f64 {
        self.behaviour.population.as_ref().map_or(0.0, |p| p.active_and_shares)
    }

    fn with_chosen_path(mut self, graph: &SocialGraph, behaviour: &Behaviour) -> Self {
        self.path = self.choose_path();
        // Kept as people join only where it decides something within the run.
        self.ledger_in_run = self.ledger.as_ref().is_some_and(|l| l.dynamic);
        if self.ledger_in_run {
            self.unrewarded = Some(Box::new(Unrewarded::new(graph, behaviour)));
        }
        self.share_below = coin_threshold(self.behaviour.share_probability);
        self.active_below = coin_threshold(self.active_and_shares());
        self
    }

    /// Simulates run `run` into `scratch` (its rows in `scratch.rows`, its tree in
    /// `scratch.tree`) and returns its scalars.
    pub(super) fn run(&self, run: u64, scratch: &mut RunScratch) -> RunOutcome {
        scratch.reset();
        self.reset_account(scratch);
        let mut rng = stream_rng(self.rng_seed, run);
        scratch.keys = crate::rng::Keys::for_run(self.rng_seed, run);
        let n = self.graph.node_count() as u64;
        let mut out = RunOutcome::default();

        let is_sir = matches!(self.process, Process::Sir { .. });
        let add_seed = |s: &mut RunScratch, v: u32| {
            s.touched.push(v);
            s.set_state(v as usize, PENDING);
            s.people[v as usize] = Person { join_day: 0, ..Person::FRESH };
            if is_sir {
                s.times[v as usize] = 0.0;
                s.heap.push(Reverse((0f64.to_bits(), v)));
            } else {
                s.buckets[0].push(v);
            }
        };
        match self.seeding {
            Seeding::Random { count } => {
                // Rejection sampling on the state marks: distinct, no allocation.
                let mut placed = 0;
                while placed < *count {
                    let v = below(&mut rng, n) as u32;
                    if scratch.state(v as usize) == UNTOUCHED {
                        add_seed(scratch, v);
                        placed += 1;
                    }
                }
            }
            _ => {
                for &v in &self.fixed_seeds {
                    add_seed(scratch, v);
                }
            }
        }

        match self.path {
            Path::Sir { beta, recovery } => self.run_sir(beta, recovery, scratch, &mut rng, &mut out),
            Path::CascadeByGeneration { coins, delay } => self.run_lockstep(coins, delay, scratch, &mut rng, &mut out),
            Path::CampaignByGeneration { continuous: true, delay } => {
                self.run_lockstep_campaign::<true>(delay, scratch, &mut rng, &mut out)
            }
            Path::CampaignByGeneration { continuous: false, delay } => {
                self.run_lockstep_campaign::<false>(delay, scratch, &mut rng, &mut out)
            }
            Path::InvitationsByGeneration { rule, delay } => {
                self.run_lockstep_invitations(rule, delay, scratch, &mut rng, &mut out)
            }
            Path::CampaignByDay { continuous: true } => self.run_days_campaign::<true>(scratch, &mut rng, &mut out),
            Path::CampaignByDay { continuous: false } => self.run_days_campaign::<false>(scratch, &mut rng, &mut out),
            Path::CascadeByDay { coins } => self.run_days_cascade(coins, scratch, &mut rng, &mut out),
            Path::Reference => self.run_days(scratch, &mut rng, &mut out),
        }
        if !self.ledger_in_run {
            self.settle(scratch, out.last_join_day);
        }
        self.record_groups(scratch, &mut out);
        self.record_account(scratch, &mut out);
        out.spend = scratch.ledger.spent;
        out.spend_by_recipient = scratch.ledger.paid;
        out.budget_exhausted_day = scratch.ledger.exhausted_day;
        tree_statistics(&mut scratch.tree, &mut out);
        if matches!(self.process, Process::Invitation(EdgeRule::Model)) {
            out.channel_invitations = scratch.channel_invitations;
            out.channel_joins = scratch.channel_joins;
        } else if matches!(self.process, Process::Invitation(_)) {
            // One channel: every friend.
            out.channel_invitations[0] = out.invitations;
            out.channel_joins[0] = out.reach - self.seeding.count() as u32;
        }
        out
    }

    /// Calls `f(j)` for each friend `j` in `0..len` whom a uniform independent cascade's
    /// coins reach.
    #[inline(always)]
    pub(super) fn for_each_success(
        &self,
        coins: Coins,
        len: usize,
        rng: &mut SimRng,
        f: impl FnMut(usize, &mut SimRng),
    ) {
        match &self.skips {
            Some(table) => table.for_each(len, rng, f),
            None => coins.for_each(len, rng, f),
        }
    }
}

/// A 32-bit `coin` scaled by `scale` / 2^32 ([`Prepared::novelty`]).
#[inline(always)]
pub(super) fn fade(coin: u64, scale: u64) -> u64 {
    ((coin as u128 * scale as u128) >> 32) as u64
}

/// [`Prepared::novelty`] for a horizon of `days`: 2^(32 + d/2h) per day d, capped at 2^63
/// (a probability scaled by less than 2^-31 is as good as 0), or 2^32 every day for a
/// behaviour without novelty decay.
fn novelty_scales(behaviour: &Behaviour, days: u32) -> Vec<u64> {
    let half_life = match behaviour {
        Behaviour::Campaign { coefficients, .. } => coefficients.novelty_half_life_days,
        _ => 0.0,
    };
    (0..=days)
        .map(|d| {
            if half_life > 0.0 {
                (32.0 + d as f64 / (2.0 * half_life)).exp2().min((1u64 << 63) as f64) as u64
            } else {
                1 << 32
            }
        })
        .collect()
}
