//! A scenario made ready on its built graph: the seed users (listed, drawn, or chosen
//! by a strategy, and what they cost), the engine's configuration and the estimators'.

use super::*;

/// A scenario made ready on its graph ([`Scenario::prepare`]).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The engine's configuration.
    pub config: RunConfig,
    /// The estimators' configuration (the seed users' cost among the fixed costs).
    pub analysis: AnalysisConfig,
    /// What the seed users cost (`seeding.cost_per_seed`, `cost_per_friend`).
    pub seed_cost: f64,
    /// The strategy's choice, when a strategy chose the seeds once.
    pub seeds: Option<crate::plan::seeds::Selection>,
}

impl Scenario {
    /// The seed users on a built graph.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] when a seed id is not in the graph (naming the line of
    /// the seeds file) or there are more seed users than people.
    pub fn resolve_seeding(&self, graph: &SocialGraph) -> Result<Seeding, ScenarioError> {
        Ok(self.choose_seeds(graph)?.0)
    }

    /// The seed users on a built graph and, for a strategy that chooses them once, the
    /// choice ([`crate::plan::seeds::choose`]: who, at what cost, what IMM estimated).
    ///
    /// # Errors
    /// As [`Scenario::resolve_seeding`]; and when the seed users cost more than the
    /// budget left after the fixed costs, or no seed user fits `seeding.budget`.
    pub fn choose_seeds(
        &self,
        graph: &SocialGraph,
    ) -> Result<(Seeding, Option<crate::plan::seeds::Selection>), ScenarioError> {
        let n = graph.node_count();
        let invalid = |file: &str, line: Option<usize>, key: &str, message: String| ScenarioError::Invalid {
            file: file.to_string(),
            problems: vec![Problem { line, key: key.into(), message }],
        };
        // An id as the graph names people: a listed integer matches the text id of the
        // same digits, a listed text of digits the integer id.
        let text_ids = graph.has_text_ids();
        let as_in_graph = |id: &OriginalId| match id {
            OriginalId::Number(x) if text_ids => OriginalId::Text(x.to_string().into()),
            OriginalId::Text(t) if !text_ids => t.parse().map_or_else(|_| id.clone(), OriginalId::Number),
            _ => id.clone(),
        };
        let lookup =
            |ids: &[(OriginalId, Option<usize>)], file: &str, key: &str| -> Result<Vec<NodeId>, ScenarioError> {
                let index = graph.original_id_index();
                let mut seen = std::collections::HashSet::new();
                ids.iter()
                    .map(|(id, line)| {
                        let id = as_in_graph(id);
                        let node = index.get(&id).copied().ok_or_else(|| {
                            let what = match (&id, text_ids) {
                                (OriginalId::Text(t), false) => {
                                    format!("node {t:?} is not in the graph, whose ids are integers")
                                }
                                (OriginalId::Text(t), true) => format!("node {t:?} is not in the graph"),
                                (OriginalId::Number(x), _) => format!("node {x} is not in the graph"),
                            };
                            invalid(file, *line, key, what)
                        })?;
                        if !seen.insert(node) {
                            return Err(invalid(file, *line, key, format!("node {id} is listed more than once")));
                        }
                        Ok(node)
                    })
                    .collect()
            };
        let seeding = match &self.seeding {
            SeedingSpec::Random(k) => Seeding::Random { count: *k },
            SeedingSpec::Chosen(strategy, k) if *k > n && self.seed_options.cost.budget.is_none() => {
                return Err(invalid(
                    &self.file_label,
                    None,
                    "seeding.count",
                    format!("{k} seed users but the graph has only {n} people"),
                ));
            }
            SeedingSpec::Chosen(strategy, k) => {
                let plan = self.seed_plan(graph).expect("a chosen seeding has a plan");
                let chosen = crate::plan::seeds::choose(graph, &plan, self.simulation.rng_seed);
                if chosen.seeds.is_empty() {
                    return Err(invalid(
                        &self.file_label,
                        None,
                        "seeding.budget",
                        "no seed user fits seeding.budget: raise it or lower the seed users' costs".into(),
                    ));
                }
                self.check_seed_money(chosen.cost)?;
                let seeding = if *strategy == crate::plan::seeds::Strategy::HighestDegree && chosen.seeds.len() == *k {
                    Seeding::HighestDegree { count: *k }
                } else {
                    Seeding::Nodes { nodes: chosen.seeds.iter().map(|&v| NodeId(v)).collect() }
                };
                return Ok((seeding, Some(chosen)));
            }
            SeedingSpec::Nodes(ids) => {
                let ids: Vec<_> = ids.iter().map(|i| (i.clone(), None)).collect();
                Seeding::Nodes { nodes: lookup(&ids, &self.file_label, "seeding.nodes")? }
            }
            SeedingSpec::File(path, _) => {
                let label = path.display().to_string();
                let text = std::fs::read_to_string(path)
                    .map_err(|e| invalid(&label, None, "seeding.file", format!("cannot read: {e}")))?;
                let mut ids = Vec::new();
                for (i, line) in text.lines().enumerate() {
                    let t = line.trim();
                    if t.is_empty() || t.starts_with('#') {
                        continue;
                    }
                    // One id a line, as written, without a CSV's quotes (integers
                    // compared as numbers unless the graph's ids are text).
                    let t = crate::graph::load::unquote(t);
                    let id = t.parse().map_or_else(|_| OriginalId::Text(t.into()), OriginalId::Number);
                    ids.push((id, Some(i + 1)));
                }
                if ids.is_empty() {
                    return Err(invalid(&label, None, "seeding.file", "the seeds file lists no node".into()));
                }
                Seeding::Nodes { nodes: lookup(&ids, &label, "seed")? }
            }
        };
        if seeding.count() > n {
            return Err(invalid(
                &self.file_label,
                None,
                "seeding.count",
                format!("{} seed users but the graph has only {n} people", seeding.count()),
            ));
        }
        let cost = &self.seed_options.cost;
        let spent = match &seeding {
            Seeding::Nodes { nodes } => nodes.iter().map(|v| cost.of(graph, v.0)).sum(),
            s => cost.per_seed * s.count() as f64,
        };
        self.check_seed_money(spent)?;
        Ok((seeding, None))
    }

    /// Refuses seed users that cost more than `[budget] total` leaves after the fixed costs.
    fn check_seed_money(&self, spent: f64) -> Result<(), ScenarioError> {
        if let Some(total) = self.budget.total
            && spent > total - self.budget.fixed + 1e-9
        {
            return Err(ScenarioError::Invalid {
                file: self.file_label.clone(),
                problems: vec![Problem {
                    line: None,
                    key: "seeding.cost_per_seed".into(),
                    message: format!(
                        "the seed users cost {spent:.2}, more than budget.total less budget.fixed ({:.2})",
                        total - self.budget.fixed
                    ),
                }],
            });
        }
        Ok(())
    }

    /// The engine's whole configuration on a built graph: the seed users, the people's
    /// group chats and the official account's followers.
    ///
    /// # Errors
    /// As [`Scenario::resolve_seeding`], [`Scenario::build_membership`] and
    /// [`Scenario::official_account_on`].
    pub fn engine_config(&self, graph: &SocialGraph) -> Result<RunConfig, ScenarioError> {
        Ok(self.prepare(graph)?.config)
    }

    /// Everything a run on a built graph needs: the engine's configuration
    /// ([`Scenario::engine_config`]), the estimators' (with what the seed users cost
    /// among the fixed costs) and the strategy's choice of seed users.
    ///
    /// # Errors
    /// As [`Scenario::engine_config`].
    pub fn prepare(&self, graph: &SocialGraph) -> Result<Prepared, ScenarioError> {
        let (seeding, seeds) = self.choose_seeds(graph)?;
        let mut config = self.run_config(seeding);
        config.membership = self.build_membership(graph)?.map(std::sync::Arc::new);
        config.official_account = self.official_account_on(graph)?;
        let seed_cost = match &seeds {
            Some(s) => s.cost,
            None => match &config.seeding {
                Seeding::Nodes { nodes } => nodes.iter().map(|v| self.seed_options.cost.of(graph, v.0)).sum(),
                other => self.seed_options.cost.per_seed * other.count() as f64,
            },
        };
        // The seed users are paid from the budget before any reward.
        if let Behaviour::Campaign { rewards, .. } = &mut config.behaviour
            && let Some(b) = rewards.budget.as_mut()
        {
            *b = (*b - seed_cost).max(0.0);
        }
        let mut analysis = self.analysis_config();
        analysis.fixed_costs += seed_cost;
        Ok(Prepared { config, analysis, seed_cost, seeds })
    }
}
