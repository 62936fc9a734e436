//! Validation of `[seeding]`: who the first participants are, how a strategy chooses
//! them (its cascade model, IMM's ε and ℓ) and what they cost.

use super::*;
use crate::plan::seeds::{ArcRule, CascadeKind, ImmParams, SeedCost, SeedPlan, SelectionModel, Strategy};

/// How a strategy chooses seeds and what seed users cost, as the scenario states it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SeedOptions {
    /// The cascade model seeds are chosen for (`seeding.selection_model`; None: the
    /// scenario's own when it is a cascade model, else the independent cascade).
    pub selection_model: Option<CascadeKind>,
    /// The independent cascade's uniform probability (`seeding.selection_probability`;
    /// None: from the scenario, see [`Scenario::seed_plan`]).
    pub selection_probability: Option<f64>,
    /// IMM's ε and ℓ.
    pub imm: ImmParams,
    /// What seed users cost, within what budget.
    pub cost: SeedCost,
}

impl Scenario {
    /// `[seeding]` for a model of kind `kind` on a graph of `graph_nodes` people (None:
    /// not known before it is read).
    pub(super) fn seeding_from_raw(
        seeding_raw: &RawSeeding,
        kind: &str,
        graph_nodes: Option<u64>,
        base_dir: &Path,
        c: &mut Checker,
    ) -> (SeedingSpec, SeedOptions) {
        let max_seeds = graph_nodes.unwrap_or(u64::MAX / 2);
        let seeding = if let Some(nodes) = &seeding_raw.nodes {
            if seeding_raw.file.is_some() || seeding_raw.strategy.is_some() || seeding_raw.count.is_some() {
                c.problem(
                    Some(&nodes.span()),
                    "seeding.nodes",
                    "give either seeding.nodes, seeding.file, or seeding.strategy with seeding.count, not several"
                        .into(),
                );
            }
            if nodes.get_ref().is_empty() {
                c.problem(
                    Some(&nodes.span()),
                    "seeding.nodes",
                    "seeding.nodes is empty: list at least one node id".into(),
                );
            }
            let mut sorted = nodes.get_ref().clone();
            sorted.sort_unstable();
            if sorted.windows(2).any(|w| w[0] == w[1]) {
                c.problem(Some(&nodes.span()), "seeding.nodes", "seeding.nodes lists a node more than once".into());
            }
            SeedingSpec::Nodes(nodes.get_ref().clone())
        } else if let Some(file) = &seeding_raw.file {
            if seeding_raw.strategy.is_some() || seeding_raw.count.is_some() {
                c.problem(
                    Some(&file.span()),
                    "seeding.file",
                    "give either seeding.file or seeding.strategy with seeding.count, not both".into(),
                );
            }
            let path = base_dir.join(file.get_ref());
            if !path.is_file() {
                c.problem(
                    Some(&file.span()),
                    "seeding.file",
                    format!("seeding.file = {:?}: {}", file.get_ref(), not_a_file(&path)),
                );
            }
            SeedingSpec::File(path, file.get_ref().clone())
        } else {
            let names: Vec<&str> = Strategy::SCENARIO.iter().map(|s| s.name()).collect();
            let strategy = c.choice(&seeding_raw.strategy, "seeding.strategy", "random", &names);
            let strategy = Strategy::parse(strategy).unwrap_or(Strategy::Random);
            // Under a seed budget without a count, as many as the budget buys.
            let default_count = if seeding_raw.budget.is_some() && strategy != Strategy::Random {
                max_seeds.min(u32::MAX as u64)
            } else {
                10.min(max_seeds)
            };
            let count = c.int(
                &seeding_raw.count,
                "seeding.count",
                default_count,
                1,
                max_seeds,
                "seed users, at most the number of people",
            ) as usize;
            match strategy {
                Strategy::Random => SeedingSpec::Random(count),
                s => SeedingSpec::Chosen(s, count),
            }
        };
        let strategy = match &seeding {
            SeedingSpec::Chosen(s, _) => Some(*s),
            SeedingSpec::Random(_) => Some(Strategy::Random),
            _ => None,
        };
        let uses = |key: &str, on: &[Strategy], c: &mut Checker, at: Option<Range<usize>>| {
            if let Some(at) = at
                && !strategy.is_some_and(|s| on.contains(&s))
            {
                let names: Vec<&str> = on.iter().map(|s| s.name()).collect();
                c.problem(
                    Some(&at),
                    key,
                    format!(
                        "{key} is used by seeding.strategy = {} only (this scenario's seeds: {})",
                        names.join(" or "),
                        strategy.map_or("listed", |s| s.name())
                    ),
                );
            }
        };
        let modelled = [Strategy::DegreeDiscount, Strategy::InfluenceMax];
        uses("seeding.selection_model", &modelled, c, span(&seeding_raw.selection_model));
        uses("seeding.selection_probability", &modelled, c, span(&seeding_raw.selection_probability));
        uses("seeding.epsilon", &[Strategy::InfluenceMax], c, span(&seeding_raw.epsilon));
        uses("seeding.ell", &[Strategy::InfluenceMax], c, span(&seeding_raw.ell));
        let choosing = [Strategy::HighestDegree, Strategy::DegreeDiscount, Strategy::Community, Strategy::InfluenceMax];
        if let Some(at) = span(&seeding_raw.cost_per_friend)
            && strategy == Some(Strategy::Random)
        {
            c.problem(
                Some(&at),
                "seeding.cost_per_friend",
                "seeding.cost_per_friend prices seed users chosen once (a strategy other than random, \
                 seeding.nodes or seeding.file); random seeds differ from run to run: use seeding.cost_per_seed"
                    .into(),
            );
        }
        uses("seeding.budget", &choosing, c, span(&seeding_raw.budget));
        let selection_model = seeding_raw.selection_model.as_ref().map(|_| {
            match c.choice(
                &seeding_raw.selection_model,
                "seeding.selection_model",
                "independent-cascade",
                &["independent-cascade", "linear-threshold"],
            ) {
                "linear-threshold" => CascadeKind::LinearThreshold,
                _ => CascadeKind::IndependentCascade,
            }
        });
        let lt = selection_model == Some(CascadeKind::LinearThreshold)
            || (selection_model.is_none() && kind == "linear-threshold");
        let selection_probability = seeding_raw.selection_probability.as_ref().map(|p| {
            if lt {
                c.problem(
                    Some(&p.span()),
                    "seeding.selection_probability",
                    "seeding.selection_probability is the independent cascade's; seeds chosen for the linear \
                     threshold model use its weights (1 / in-degree, or the edge weights)"
                        .into(),
                );
            }
            c.float(
                &seeding_raw.selection_probability,
                "seeding.selection_probability",
                0.01,
                1e-9,
                1.0,
                "the probability that an invitation converts, per friend, in the cascade model seeds are chosen for",
            )
        });
        let d = ImmParams::default();
        let epsilon = c.float(&seeding_raw.epsilon, "seeding.epsilon", d.epsilon, 0.01, 0.9, "IMM's accuracy ε");
        let ell = c.float(&seeding_raw.ell, "seeding.ell", d.ell, 0.1, 10.0, "IMM's confidence: 1 − n^−ℓ");
        let money = "an amount in currency units";
        let per_seed = c.float(&seeding_raw.cost_per_seed, "seeding.cost_per_seed", 0.0, 0.0, 1e12, money);
        let per_friend = c.float(&seeding_raw.cost_per_friend, "seeding.cost_per_friend", 0.0, 0.0, 1e12, money);
        let budget = seeding_raw.budget.as_ref().map(|_| {
            c.float(
                &seeding_raw.budget,
                "seeding.budget",
                1.0,
                1e-9,
                1e12,
                "what the seed users may cost together, > 0",
            )
        });
        if let (Some(b), true) = (&seeding_raw.budget, per_seed == 0.0 && per_friend == 0.0) {
            c.problem(
                Some(&b.span()),
                "seeding.budget",
                "seeding.budget limits what seed users cost: give seeding.cost_per_seed or seeding.cost_per_friend too"
                    .into(),
            );
        }
        let options = SeedOptions {
            selection_model,
            selection_probability,
            imm: ImmParams { epsilon, ell },
            cost: SeedCost { per_seed, per_friend, budget },
        };
        (seeding, options)
    }

    /// The plan of a strategy that chooses its seeds once (None for random seeds and
    /// listed ones), with the cascade model it chooses for resolved on `graph`:
    ///
    /// - the scenario's own model when it is an independent cascade or a linear
    ///   threshold model (unless `seeding.selection_model` names the other);
    /// - otherwise the independent cascade with probability `seeding.selection_probability`,
    ///   or for a campaign K/d (its nominal K on the graph's mean degree d: the chance a
    ///   participant recruits a given friend), for SIR its transmissibility, for a
    ///   complex contagion the weighted cascade (1 / in-degree);
    /// - the linear threshold model chosen for a model that is not one: weights 1 / in-degree.
    pub fn seed_plan(&self, graph: &SocialGraph) -> Option<SeedPlan> {
        let SeedingSpec::Chosen(strategy, count) = &self.seeding else { return None };
        let o = &self.seed_options;
        let own = match &self.behaviour {
            Behaviour::IndependentCascade { probability } => Some(SelectionModel {
                kind: CascadeKind::IndependentCascade,
                rule: match probability {
                    EdgeProbability::Uniform(p) => ArcRule::Uniform(*p),
                    EdgeProbability::EdgeWeights => ArcRule::EdgeWeights,
                    EdgeProbability::WeightedCascade => ArcRule::InverseInDegree,
                },
            }),
            Behaviour::LinearThreshold { weights } => Some(SelectionModel {
                kind: CascadeKind::LinearThreshold,
                rule: match weights {
                    InfluenceWeights::InDegree => ArcRule::InverseInDegree,
                    InfluenceWeights::EdgeWeights => ArcRule::EdgeWeights,
                },
            }),
            _ => None,
        };
        let kind = o.selection_model.or(own.map(|m| m.kind)).unwrap_or(CascadeKind::IndependentCascade);
        let model = match (own, o.selection_probability) {
            (_, Some(p)) if kind == CascadeKind::IndependentCascade => {
                SelectionModel { kind, rule: ArcRule::Uniform(p) }
            }
            (Some(m), _) if m.kind == kind => m,
            _ if kind == CascadeKind::LinearThreshold => SelectionModel { kind, rule: ArcRule::InverseInDegree },
            _ => SelectionModel { kind, rule: self.cascade_analogue(graph) },
        };
        Some(SeedPlan { strategy: *strategy, count: *count, model, imm: o.imm, cost: o.cost, celf_worlds: 10_000 })
    }

    /// The independent cascade that stands for a model that is not one.
    fn cascade_analogue(&self, graph: &SocialGraph) -> ArcRule {
        match &self.behaviour {
            Behaviour::Campaign { .. } => {
                let d = graph.info().mean_degree.max(1.0);
                match self.behaviour.nominal(d.round().max(1.0) as usize) {
                    Some(k) => ArcRule::Uniform((k.k / d).clamp(1e-9, 1.0)),
                    None => ArcRule::InverseInDegree,
                }
            }
            Behaviour::Sir { transmission_rate: b, recovery } => ArcRule::Uniform(match recovery {
                Recovery::Rate(g) => b / (b + g),
                Recovery::FixedPeriodDays(t) => 1.0 - (-b * t).exp(),
            }),
            Behaviour::IndependentCascade { probability: EdgeProbability::Uniform(p) } => ArcRule::Uniform(*p),
            _ => ArcRule::InverseInDegree,
        }
    }
}
