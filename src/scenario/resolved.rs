//! The resolved scenario: every default filled in, written back in the file's own
//! format (`fission check`, and the `scenario` every output records), as TOML that runs
//! as is from any folder, or as JSON.

use super::*;

impl Scenario {
    /// The scenario with every default filled in, in the file's own format.
    pub fn to_resolved(&self) -> RawScenario {
        use raw::filled as f;
        let (graph_raw, ties_used) = {
            let mut r = RawGraph { rng_seed: self.graph_seed.map(|s| Spanned::new(0..0, s)), ..Default::default() };
            let t = self.graph.tie_strength;
            let mut ties_used = false;
            match &self.graph.model {
                GraphModel::ErdosRenyi { nodes, mean_degree } => {
                    r.kind = f("erdos-renyi".into());
                    r.nodes = f(*nodes as u64);
                    r.mean_degree = f(*mean_degree);
                }
                GraphModel::BarabasiAlbert { nodes, m } => {
                    r.kind = f("barabasi-albert".into());
                    r.nodes = f(*nodes as u64);
                    r.m = f(*m as u64);
                }
                GraphModel::WattsStrogatz { nodes, k, rewire } => {
                    r.kind = f("watts-strogatz".into());
                    r.nodes = f(*nodes as u64);
                    r.k = f(*k as u64);
                    r.rewire = f(*rewire);
                    ties_used = true;
                }
                GraphModel::StochasticBlock { block_sizes, within_degree, between_degree } => {
                    r.kind = f("stochastic-block".into());
                    r.block_sizes = f(block_sizes.iter().map(|&s| s as u64).collect());
                    r.within_degree = f(*within_degree);
                    r.between_degree = f(*between_degree);
                    ties_used = true;
                }
                GraphModel::Configuration { degrees } => {
                    r.kind = f("configuration".into());
                    match degrees {
                        DegreeSequence::Given { degrees } => r.degrees = f(degrees.iter().map(|&d| d as u64).collect()),
                        DegreeSequence::PowerLaw { nodes, exponent, min_degree, max_degree } => {
                            r.nodes = f(*nodes as u64);
                            r.exponent = f(*exponent);
                            r.min_degree = f(*min_degree as u64);
                            r.max_degree = f(*max_degree as u64);
                        }
                    }
                }
                GraphModel::EdgeList { path, directed, weight_column, ids } => {
                    r.kind = f("edge-list".into());
                    r.path = f(path.display().to_string());
                    r.directed = f(*directed);
                    r.weight_column = f(*weight_column);
                    r.ids = f(ids.name().into());
                }
            }
            if ties_used {
                r.strong_tie = f(t.strong as f64);
                r.weak_tie = f(t.weak as f64);
            }
            (r, ties_used)
        };
        let _ = ties_used;
        let mut seeding = match &self.seeding {
            SeedingSpec::Random(k) => {
                RawSeeding { strategy: f("random".into()), count: f(*k as u64), ..Default::default() }
            }
            SeedingSpec::Chosen(strategy, k) => {
                RawSeeding { strategy: f(strategy.name().into()), count: f(*k as u64), ..Default::default() }
            }
            SeedingSpec::Nodes(ids) => RawSeeding { nodes: f(ids.clone()), ..Default::default() },
            SeedingSpec::File(_, as_written) => RawSeeding { file: f(as_written.clone()), ..Default::default() },
        };
        let o = &self.seed_options;
        if let SeedingSpec::Chosen(strategy, _) = &self.seeding {
            if strategy.uses_model() {
                seeding.selection_model = o.selection_model.and_then(|m| f(m.name().into()));
                seeding.selection_probability = o.selection_probability.and_then(f);
            }
            if *strategy == crate::plan::seeds::Strategy::InfluenceMax {
                seeding.epsilon = f(o.imm.epsilon);
                seeding.ell = f(o.imm.ell);
            }
            seeding.budget = o.cost.budget.and_then(f);
            if o.cost.per_friend != 0.0 {
                seeding.cost_per_friend = f(o.cost.per_friend);
            }
        } else if o.cost.per_friend != 0.0 && !matches!(self.seeding, SeedingSpec::Random(_)) {
            seeding.cost_per_friend = f(o.cost.per_friend);
        }
        if o.cost.per_seed != 0.0 {
            seeding.cost_per_seed = f(o.cost.per_seed);
        }
        if let Behaviour::Campaign { channels, .. } = &self.behaviour {
            seeding.groups = channels.campaign_groups.and_then(|cg| f(cg.seed_groups as u64));
        }
        let (model, campaign_levers, channels, behaviour) = match &self.behaviour {
            Behaviour::IndependentCascade { probability } => {
                let mut m = RawModel { kind: f("independent-cascade".into()), ..Default::default() };
                match probability {
                    EdgeProbability::Uniform(p) => m.probability = f(*p),
                    EdgeProbability::EdgeWeights => m.weights = f("edge-weights".into()),
                    EdgeProbability::WeightedCascade => m.weights = f("weighted-cascade".into()),
                }
                (m, None, None, None)
            }
            Behaviour::LinearThreshold { weights } => {
                let w = match weights {
                    InfluenceWeights::InDegree => "in-degree",
                    InfluenceWeights::EdgeWeights => "edge-weights",
                };
                (
                    RawModel { kind: f("linear-threshold".into()), weights: f(w.into()), ..Default::default() },
                    None,
                    None,
                    None,
                )
            }
            Behaviour::ComplexContagion { threshold } => {
                let mut m = RawModel { kind: f("complex-contagion".into()), ..Default::default() };
                match threshold {
                    AdoptionThreshold::Count(k) => m.threshold_count = f(*k as u64),
                    AdoptionThreshold::Fraction(x) => m.threshold_fraction = f(*x),
                }
                (m, None, None, None)
            }
            Behaviour::Sir { transmission_rate, recovery } => {
                let mut m =
                    RawModel { kind: f("sir".into()), transmission_rate: f(*transmission_rate), ..Default::default() };
                match recovery {
                    Recovery::Rate(r) => m.recovery_rate = f(*r),
                    Recovery::FixedPeriodDays(d) => m.infectious_period_days = f(*d),
                }
                (m, None, None, None)
            }
            Behaviour::Campaign { levers, coefficients: c, channels, .. } => {
                let group = (channels.group.is_some() || channels.campaign_groups.is_some()).then(|| {
                    let g = channels.group.unwrap_or(crate::model::GroupChannel {
                        posts_per_sharer: 1,
                        attention: 0.1,
                        attention_decay: 0.5,
                    });
                    let spec = self.groups.as_ref();
                    let file = spec.and_then(|s| s.file.as_ref());
                    Spanned::new(
                        0..0,
                        RawGroup {
                            enabled: f(channels.group.is_some()),
                            groups_per_person: spec.filter(|_| file.is_none()).and_then(|s| f(s.per_person)),
                            cap: f(channels
                                .campaign_groups
                                .map_or(spec.map_or(crate::graph::groups::GROUP_CAP, |s| s.cap), |cg| cg.cap)
                                as u64),
                            size_exponent: spec.filter(|_| file.is_none()).and_then(|s| f(s.size_exponent)),
                            membership: file.and_then(|(_, written)| f(written.clone())),
                            posts_per_sharer: f(g.posts_per_sharer as u64),
                            attention: f(g.attention),
                            attention_decay: f(g.attention_decay),
                            fission: channels.campaign_groups.and_then(|cg| f(cg.fission)),
                        },
                    )
                });
                let direct = channels.direct.unwrap_or(Channels::default().direct.expect("default direct"));
                let moments = channels.moments.unwrap_or(Channels::default().moments.expect("default moments"));
                (
                    RawModel { kind: f("campaign".into()), ..Default::default() },
                    Some(*levers),
                    Some(RawChannels {
                        direct: Some(RawDirect {
                            enabled: f(channels.direct.is_some()),
                            invites_per_sharer: f(direct.invites_per_sharer),
                            attention: f(direct.attention),
                        }),
                        moments: Some(RawMoments {
                            enabled: f(channels.moments.is_some()),
                            reach: f(moments.reach),
                            attention: f(moments.attention),
                        }),
                        group,
                        official_account: self.official_account.as_ref().map(|spec| {
                            let a = &spec.account;
                            let (followers, selection, file) = match &spec.followers {
                                super::FollowersSpec::Random(k) => (f(*k as u64), f("random".to_string()), None),
                                super::FollowersSpec::HighestDegree(k) => {
                                    (f(*k as u64), f("highest-degree".to_string()), None)
                                }
                                super::FollowersSpec::File(_, written) => (None, None, f(written.clone())),
                            };
                            Spanned::new(
                                0..0,
                                RawAccount {
                                    enabled: f(true),
                                    account_type: f(spec.account_type.clone()),
                                    followers,
                                    followers_selection: selection,
                                    followers_file: file,
                                    push_days: match spec.per_week {
                                        Some(_) => None,
                                        None => f(a.push_days.iter().map(|&d| d as u64).collect()),
                                    },
                                    per_week: spec.per_week.and_then(f),
                                    open_rate: f(a.open_rate),
                                    unfollow_per_push: f(a.unfollow_per_push),
                                    promotional: f(a.promotional),
                                    unfollow_frequency_elasticity: f(a.frequency_elasticity),
                                    unfollow_promotional_weight: f(a.promotional_weight),
                                    follow_on_join: f(a.follow_on_join),
                                },
                            )
                        }),
                    }),
                    Some(RawBehaviour {
                        join_base: f(c.join_base),
                        join_reward: f(c.join_reward),
                        join_fun: f(c.join_fun),
                        join_threshold: f(c.join_threshold),
                        join_tie: f(c.join_tie),
                        join_reinforcement: f(c.join_reinforcement),
                        reinforcement_cap: f(c.reinforcement_cap as u64),
                        share_base: f(c.share_base),
                        share_reward: f(c.share_reward),
                        share_fun: f(c.share_fun),
                        reward_reference: f(c.reward_reference),
                        step_completion_min: f(c.step_completion_min),
                        step_completion_max: f(c.step_completion_max),
                        active_share: f(c.active_share),
                        active_share_boost: f(c.active_share_boost),
                        ordinary_share_shift: f(c.ordinary_share_shift),
                        active_moments_reach: f(c.active_moments_reach),
                        active_invites_per_sharer: f(c.active_invites_per_sharer),
                        active_share_lever_weight: f(c.active_share_lever_weight),
                        join_fatigue: f(c.join_fatigue),
                        fatigue_onset: f(c.fatigue_onset as u64),
                    }),
                )
            }
        };
        let mut campaign = RawCampaign {
            cycle_time_days: f(self.cycle_time.mean_days),
            cycle_time_distribution: f(match self.cycle_time.distribution {
                DelayDistribution::Geometric => "geometric".into(),
                DelayDistribution::Fixed => "fixed".into(),
                DelayDistribution::Lognormal { .. } => "lognormal".into(),
            }),
            cycle_time_sigma: match self.cycle_time.distribution {
                DelayDistribution::Lognormal { sigma } => f(sigma),
                _ => None,
            },
            ..Default::default()
        };
        if let Some(l) = campaign_levers {
            campaign.threshold = f(l.threshold);
            campaign.complexity = f(l.complexity as u64);
            campaign.reward = f(l.reward);
            campaign.fun = f(l.fun);
            campaign.page_quality = f(l.page_quality);
        }
        if let Behaviour::Campaign { coefficients, .. } = &self.behaviour {
            campaign.novelty_half_life_days = f(coefficients.novelty_half_life_days);
        }
        campaign.end_day = self.end_day.and_then(|d| f(d as u64));
        // The rewards and the budget of a campaign, every default filled in
        // (`campaign.reward` is printed as rewards.per_participant's shorthand).
        let (rewards, budget) = match &self.behaviour {
            Behaviour::Campaign { rewards: r, .. } => {
                let tiers = toml::Value::Array(
                    r.tiers
                        .iter()
                        .map(|&(n, x)| toml::Value::Array(vec![toml::Value::Integer(n as i64), toml::Value::Float(x)]))
                        .collect(),
                );
                let b = &self.budget;
                (
                    Some(Spanned::new(
                        0..0,
                        RawRewards {
                            per_participant: None,
                            per_referral: f(r.per_referral),
                            invitee: f(r.invitee),
                            tiers: f(tiers),
                            reward_end_day: r.end_day.and_then(|d| f(d as u64)),
                        },
                    )),
                    Some(Spanned::new(
                        0..0,
                        RawBudget {
                            total: b.total.and_then(f),
                            hard_cap: b.total.and_then(|_| f(b.hard_cap)),
                            fixed: f(b.fixed),
                            value_per_participant: b.value_per_participant.and_then(f),
                        },
                    )),
                )
            }
            _ => (None, None),
        };
        RawScenario {
            name: f(self.name.clone()),
            description: (!self.description.is_empty()).then(|| Spanned::new(0..0, self.description.clone())),
            graph: Some(Spanned::new(0..0, graph_raw)),
            seeding: Some(seeding),
            model: Some(model),
            campaign: Some(campaign),
            channels,
            behaviour,
            rewards,
            budget,
            goal: self.goal.map(|g| {
                Spanned::new(
                    0..0,
                    RawGoal {
                        reach: g.reach.and_then(|r| f(r as u64)),
                        by_day: g.by_day.and_then(|d| f(d as u64)),
                        k: g.k.and_then(f),
                    },
                )
            }),
            simulation: Some(RawSimulation {
                runs: f(self.simulation.runs as u64),
                days: f(self.simulation.days as u64),
                rng_seed: f(self.simulation.rng_seed),
                takeoff_multiple: f(self.simulation.takeoff_multiple),
                k_population_limit: f(self.simulation.k_population_limit),
            }),
            report: Some(RawReport {
                language: f(match self.report.language {
                    Language::English => "en".into(),
                    Language::Chinese => "zh".into(),
                }),
                currency: f(self.report.currency.clone()),
            }),
        }
    }

    /// The resolved scenario as TOML (a valid scenario file that runs identically).
    pub fn to_resolved_toml(&self) -> String {
        toml::to_string(&self.to_resolved()).expect("a resolved scenario always serialises")
    }

    /// The resolved scenario as TOML with its files (the edge list, the seeds file)
    /// named by absolute paths, so that it runs from any folder: what `fission check
    /// FILE > resolved.toml` prints. (summary.json keeps the paths as written, so that
    /// its bytes do not depend on where the project lies.)
    pub fn to_standalone_toml(&self) -> String {
        let mut raw = self.to_resolved();
        let absolute = |written: &mut S<String>| {
            if let Some(p) = written.as_mut() {
                let full = std::path::absolute(self.base_dir.join(p.get_ref()))
                    .unwrap_or_else(|_| self.base_dir.join(p.get_ref()));
                *p = Spanned::new(0..0, full.display().to_string());
            }
        };
        if let Some(g) = raw.graph.as_mut() {
            absolute(&mut g.get_mut().path);
        }
        if let Some(seeding) = raw.seeding.as_mut() {
            absolute(&mut seeding.file);
        }
        toml::to_string(&raw).expect("a resolved scenario always serialises")
    }

    /// The resolved scenario as JSON (for summary.json).
    pub fn to_resolved_json(&self) -> serde_json::Value {
        serde_json::to_value(self.to_resolved()).expect("a resolved scenario always serialises")
    }
}
