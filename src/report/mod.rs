//! Output records and writers: `summary.json`, `daily.csv`, `generations.csv`,
//! `runs.csv`, `trees.csv`, the charts ([`plots`]; the degree chart in `degrees.rs`),
//! the summary table for the terminal (`table.rs`), `results.xlsx` (`workbook.rs`,
//! `cost_sheet.rs`) and `report.html` (`html.rs` for a run, `html_plan.rs` for a
//! comparison and a sweep, [`Results`] choosing between them), and the planning
//! commands' outputs ([`compare`], [`sweep`], [`sensitivity`], [`seeds`]).
//!
//! Records are separate from engine and stats types: they are the file format, each
//! field with its unit, and carry a `schema_version`. Writers render to bytes; [`output`] puts them on disk:
//! a run's files as one set that replaces the earlier set whole or not at all, a single
//! file through a temporary file and a rename. Every output records the
//! seed, the program version and the resolved scenario.

mod campaign;
pub mod compare;
mod cost_sheet;
mod degrees;
mod glyphs;
mod html;
pub(crate) use html::fill;
mod html_plan;
mod pages;
pub use pages::Results;
pub mod output;
pub mod plots;
pub mod seeds;
pub mod sensitivity;
pub mod sweep;
mod table;
mod text;
mod ticks;
mod workbook;

pub use output::write_atomic;

pub use campaign::{
    AccountRecord, CostRecord, CountRecord, GoalRecord, GroupsRecord, MoneyRecord, ProbabilityRecord, PushRecord,
};
pub use text::{Labels, labels};

use crate::graph::{GraphInfo, OriginalId, SocialGraph};
use crate::model::NominalK;
use crate::outcome::Ensemble;
use crate::scenario::Scenario;
use crate::stats::{Analysis, Distribution, Estimate};
use serde::Serialize;

/// Version of the JSON and CSV layout; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 2;

/// The UTF-8 byte-order mark every CSV file starts with (Excel needs it to read UTF-8).
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One channel's part of the campaign (`summary.json` `channels`).
#[derive(Debug, Clone, Serialize)]
pub struct ChannelRecord {
    /// `direct`, `moments` (campaign) or `all-friends` (the other invitation models).
    pub name: String,
    /// Invitations sent through it per run.
    pub invitations_per_run: EstimateRecord,
    /// People recruited through it per run (by the invitation that recruited them).
    pub joins_per_run: EstimateRecord,
    /// Its share of all invitations (None when there are none).
    pub share_of_invitations: Option<f64>,
    /// Its share of all recruits (None when nobody was recruited).
    pub share_of_joins: Option<f64>,
    /// Its share of K: of the people participants recruited, the share it recruited
    /// (None for official-account pushes, which K does not count, or when participants
    /// recruited nobody).
    pub share_of_k: Option<f64>,
    /// Its part of K: K × `share_of_k`.
    pub k_contribution: Option<f64>,
}

/// An estimate as written to files.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct EstimateRecord {
    /// Point estimate.
    pub mean: f64,
    /// Standard error.
    pub std_error: f64,
    /// 95% interval, lower end.
    pub ci_low: f64,
    /// 95% interval, upper end.
    pub ci_high: f64,
    /// Runs it rests on.
    pub runs: usize,
}

impl From<Estimate> for EstimateRecord {
    fn from(e: Estimate) -> Self {
        Self { mean: e.value, std_error: e.std_error, ci_low: e.ci_low, ci_high: e.ci_high, runs: e.n }
    }
}

/// K of one generation, as written to files.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GenerationRecord {
    /// Parent generation (0 = seed users).
    pub generation: u32,
    /// Mean participants in that generation (people).
    pub mean_participants: f64,
    /// Runs in which the generation had participants with observed offspring.
    pub runs_with_parents: usize,
    /// K_g = participants of g+1 per participant of g.
    pub k: f64,
    /// Standard error of K_g; None (null in JSON, an empty cell in CSV) when the
    /// generation rests on a single run.
    pub std_error: Option<f64>,
    /// 95% interval, lower end (None as `std_error`).
    pub ci_low: Option<f64>,
    /// 95% interval, upper end (None as `std_error`).
    pub ci_high: Option<f64>,
}

/// The viral coefficient block of summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct ViralCoefficientRecord {
    /// Pooled K (new participants per participant).
    pub mean: f64,
    /// Standard error.
    pub std_error: f64,
    /// 95% interval, lower end.
    pub ci_low: f64,
    /// 95% interval, upper end.
    pub ci_high: f64,
    /// K per generation.
    pub per_generation: Vec<GenerationRecord>,
}

/// Reach (participants including seed users), people: the distribution across runs
/// (mean, std_dev, p05, p25, p50, p75, p95, min, max) plus the interval on the mean.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ReachRecord {
    /// Distribution across runs.
    #[serde(flatten)]
    pub distribution: Distribution,
    /// 95% interval on the mean, lower end.
    pub mean_ci_low: f64,
    /// 95% interval on the mean, upper end.
    pub mean_ci_high: f64,
    /// Mean share of the graph reached (0..1).
    pub fraction_of_graph: f64,
}

/// Takeoff block.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TakeoffRecord {
    /// Share of runs that took off (0..1).
    pub probability: f64,
    /// Wilson 95% interval, lower end.
    pub ci_low: f64,
    /// Wilson 95% interval, upper end.
    pub ci_high: f64,
    /// Reach counted as takeoff, people (takeoff_multiple × seed users).
    pub reach_threshold: f64,
}

/// Everything in summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct SummaryRecord {
    /// Layout version.
    pub schema_version: u32,
    /// fission's version.
    pub fission_version: String,
    /// Scenario title.
    pub scenario_name: String,
    /// Master random seed.
    pub rng_seed: u64,
    /// Seed of the graph generator.
    pub graph_rng_seed: u64,
    /// Monte Carlo runs.
    pub runs: usize,
    /// Campaign length, days.
    pub days: u32,
    /// The resolved scenario (every default filled in, `--set` values included).
    pub scenario: serde_json::Value,
    /// The `--set key=value` overrides given on the command line, in order.
    pub overrides: Vec<String>,
    /// The graph simulated on.
    pub graph: GraphInfo,
    /// Seed users per run.
    pub seed_users: usize,
    /// How the seed users were chosen: the strategy, who, at what cost, IMM's figures.
    pub seeding: Option<seeds::SeedsRecord>,
    /// The viral coefficient K.
    pub viral_coefficient: ViralCoefficientRecord,
    /// Invitations per participant (K = invitations × conversion).
    pub invitations_per_participant: EstimateRecord,
    /// New participants per invitation.
    pub conversion_per_invitation: EstimateRecord,
    /// The design's K on an idealised network of the graph's mean degree (explains
    /// the design; the estimate above is what the simulation measured). Null for the
    /// threshold and SIR models.
    pub nominal: Option<NominalK>,
    /// Final reach.
    pub reach: ReachRecord,
    /// Takeoff.
    pub takeoff_probability: TakeoffRecord,
    /// Days until half of a run's final reach had joined.
    pub days_to_half_reach: Distribution,
    /// Reward cost.
    pub cost: CostRecord,
    /// Share of runs still spreading at the horizon.
    pub censored_fraction: f64,
    /// Per channel of an invitation model: invitations and joins per run and their
    /// shares (empty for the threshold models and SIR).
    pub channels: Vec<ChannelRecord>,
    /// The goal and how likely it is met (null when none is stated).
    pub goal: Option<GoalRecord>,
    /// The campaign's own groups (null when it has none).
    pub groups: Option<GroupsRecord>,
    /// The official account's followers and pushes (null when it has none).
    pub official_account: Option<AccountRecord>,
    /// Shape of the recruitment trees: depth, structural virality, offspring dispersion.
    pub cascades: crate::stats::CascadeSummary,
    /// Cautions, each saying what to do.
    pub warnings: Vec<String>,
    /// The same cautions (but the charts'), each a record tagged by its `kind`
    /// (`wide-interval`, `no-interval`, `censored`, `saturated`) with its figures:
    /// what report.html words for a manager.
    pub cautions: Vec<crate::stats::Warning>,
    /// Characters of the scenario's name or currency that no bundled font has (the PNG
    /// charts draw each as a box).
    pub missing_glyphs: Vec<String>,
}

/// Everything a run produced, ready to be written.
pub struct RunReport<'a> {
    /// The scenario.
    pub scenario: &'a Scenario,
    /// The graph's summary.
    pub graph: GraphInfo,
    /// The runs.
    pub ensemble: &'a Ensemble,
    /// The estimates.
    pub analysis: &'a Analysis,
    /// The design's idealised K (campaign and uniform independent cascade).
    pub nominal: Option<NominalK>,
    /// The id of each tree's root as the graph's input names it, parallel to the
    /// ensemble's trees ([`Ensemble::trees`]).
    pub tree_roots: Vec<OriginalId>,
    /// How the seed users were chosen (None: not recorded).
    pub seeds: Option<seeds::SeedsRecord>,
}

impl<'a> RunReport<'a> {
    /// The report of `ensemble`, run on `graph`, with the design's nominal K on an
    /// idealised network of the graph's mean degree and the trees' roots by the ids of
    /// the graph's input.
    pub fn new(scenario: &'a Scenario, graph: &SocialGraph, ensemble: &'a Ensemble, analysis: &'a Analysis) -> Self {
        let info = graph.info();
        let nominal = scenario.behaviour.nominal(info.mean_degree.round() as usize);
        let tree_roots = ensemble.trees().map(|(_, t)| graph.original_id(t.root)).collect();
        Self { scenario, graph: info, ensemble, analysis, nominal, tree_roots, seeds: None }
    }

    /// One line describing the graph, for chart footers.
    pub fn graph_description(&self) -> String {
        let l = labels(self.scenario.report.language);
        format!(
            "{} {} · {} {} · {} {:.1}",
            self.graph.nodes, l.people_word, self.graph.edges, l.ties_word, l.mean_degree_word, self.graph.mean_degree
        )
    }

    /// The summary record.
    pub fn summary(&self) -> SummaryRecord {
        let a = self.analysis;
        let s = self.scenario;
        SummaryRecord {
            schema_version: SCHEMA_VERSION,
            fission_version: crate::VERSION.to_string(),
            scenario_name: s.name.clone(),
            rng_seed: s.simulation.rng_seed,
            graph_rng_seed: s.graph_rng_seed(),
            runs: a.runs,
            days: s.simulation.days,
            scenario: s.to_resolved_json(),
            overrides: s.sets.clone(),
            graph: self.graph.clone(),
            seed_users: a.seed_count,
            seeding: self.seeds.clone(),
            viral_coefficient: ViralCoefficientRecord {
                mean: a.viral_coefficient.value,
                std_error: a.viral_coefficient.std_error,
                ci_low: a.viral_coefficient.ci_low,
                ci_high: a.viral_coefficient.ci_high,
                per_generation: self.generation_records(),
            },
            invitations_per_participant: a.invitations_per_participant.into(),
            conversion_per_invitation: a.conversion_per_invitation.into(),
            nominal: self.nominal,
            reach: ReachRecord {
                distribution: a.reach,
                mean_ci_low: a.mean_reach.ci_low,
                mean_ci_high: a.mean_reach.ci_high,
                fraction_of_graph: a.reach_fraction,
            },
            takeoff_probability: TakeoffRecord {
                probability: a.takeoff_probability.value,
                ci_low: a.takeoff_probability.ci_low,
                ci_high: a.takeoff_probability.ci_high,
                reach_threshold: a.takeoff_reach,
            },
            days_to_half_reach: a.days_to_half_reach,
            cost: self.cost_record(),
            censored_fraction: a.censored_fraction,
            channels: self.channel_records(),
            goal: a.goal.map(|g| GoalRecord {
                reach: g.goal.reach,
                by_day: g.day,
                k: g.goal.k,
                probability: g.reach_met.map(|e| ProbabilityRecord {
                    probability: e.value,
                    ci_low: e.ci_low,
                    ci_high: e.ci_high,
                }),
                k_confidence: g.k_confidence,
            }),
            groups: self.groups_record(),
            official_account: self.account_record(),
            cascades: a.cascades,
            warnings: a.warnings.iter().map(|w| w.to_string()).chain(self.chart_warnings()).collect(),
            cautions: a.warnings.clone(),
            missing_glyphs: self.missing_chart_glyphs().iter().map(char::to_string).collect(),
        }
    }

    /// The channels of an invitation model, by name, each with its slot in the
    /// per-channel counts: the friend channels in the engine's order, then group chats,
    /// then official-account pushes (always the last slot).
    fn channel_names(&self) -> Vec<(&'static str, usize)> {
        let s = &self.scenario.behaviour;
        if !s.is_invitation_process() {
            return Vec::new();
        }
        let mut names: Vec<(&'static str, usize)> =
            s.compile().channels.iter().enumerate().map(|(i, c)| (c.name, i)).collect();
        if let crate::model::Behaviour::Campaign { channels, .. } = s
            && channels.group.is_some()
        {
            names.push(("group", names.len()));
        }
        if self.scenario.official_account.is_some() {
            names.push(("official_account", crate::model::CHANNEL_SLOTS - 1));
        }
        names
    }

    /// Per channel: invitations and joins per run (mean with its interval) and the
    /// channel's share of all invitations and joins.
    fn channel_records(&self) -> Vec<ChannelRecord> {
        let outcomes = &self.ensemble.outcomes;
        let total_invitations: f64 = outcomes.iter().map(|o| o.channel_invitations.iter().sum::<u64>() as f64).sum();
        let total_joins: f64 = outcomes.iter().map(|o| o.channel_joins.iter().sum::<u32>() as f64).sum();
        // Recruits made by participants (every channel but the account's pushes), of which
        // K counts: a channel's share of them is its share of K.
        let account = crate::model::CHANNEL_SLOTS - 1;
        let by_people: f64 = outcomes
            .iter()
            .map(|o| {
                o.channel_joins.iter().enumerate().filter(|(c, _)| *c != account).map(|(_, &j)| j as f64).sum::<f64>()
            })
            .sum();
        let k = self.analysis.viral_coefficient.value;
        self.channel_names()
            .into_iter()
            .map(|(name, c)| {
                let invitations: Vec<f64> = outcomes.iter().map(|o| o.channel_invitations[c] as f64).collect();
                let joins: Vec<f64> = outcomes.iter().map(|o| o.channel_joins[c] as f64).collect();
                let share = |part: &[f64], total: f64| (total > 0.0).then(|| part.iter().sum::<f64>() / total);
                ChannelRecord {
                    name: name.to_string(),
                    invitations_per_run: crate::stats::mean_estimate(&invitations).into(),
                    joins_per_run: crate::stats::mean_estimate(&joins).into(),
                    share_of_invitations: share(&invitations, total_invitations),
                    share_of_joins: share(&joins, total_joins),
                    share_of_k: share(&joins, by_people).filter(|_| c != account),
                    k_contribution: share(&joins, by_people).filter(|_| c != account).map(|x| x * k),
                }
            })
            .collect()
    }

    fn generation_records(&self) -> Vec<GenerationRecord> {
        self.analysis
            .per_generation
            .iter()
            .map(|g| GenerationRecord {
                generation: g.generation,
                mean_participants: g.mean_participants,
                runs_with_parents: g.runs_with_parents,
                k: g.k.value,
                std_error: Some(g.k.std_error).filter(|x| x.is_finite()),
                ci_low: Some(g.k.ci_low).filter(|x| x.is_finite()),
                ci_high: Some(g.k.ci_high).filter(|x| x.is_finite()),
            })
            .collect()
    }

    /// summary.json, pretty-printed.
    pub fn summary_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(&self.summary()).expect("summary records always serialise");
        v.push(b'\n');
        v
    }

    /// daily.csv: participants per day across runs (people).
    pub fn daily_csv(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Row {
            day: u32,
            cumulative_mean: f64,
            cumulative_p05: f64,
            cumulative_p25: f64,
            cumulative_p50: f64,
            cumulative_p75: f64,
            cumulative_p95: f64,
            new_mean: f64,
            new_p05: f64,
            new_p50: f64,
            new_p95: f64,
            viral_loop_formula: f64,
            spend_mean: f64,
            cumulative_cost_mean: f64,
            cumulative_cost_p05: f64,
            cumulative_cost_p50: f64,
            cumulative_cost_p95: f64,
            groups_created_mean: Option<f64>,
            followers_mean: Option<f64>,
            new_follows_mean: Option<f64>,
            unfollows_mean: Option<f64>,
            net_followers_mean: Option<f64>,
        }
        let cost = &self.analysis.cost.daily;
        let followers = self.followers_by_day();
        // The campaign's groups opened per day, mean across runs.
        let e = self.ensemble;
        let groups_created: Option<Vec<f64>> = self.groups_record().map(|_| {
            (0..e.width())
                .map(|d| {
                    (0..e.runs).map(|r| e.groups_created_row(r).get(d).copied().unwrap_or(0) as f64).sum::<f64>()
                        / e.runs.max(1) as f64
                })
                .collect()
        });
        let rows = self.analysis.daily.iter().zip(&self.analysis.closed_form).zip(cost).map(|((d, &f), c)| Row {
            day: d.day,
            cumulative_mean: d.cumulative.mean,
            cumulative_p05: d.cumulative.p05,
            cumulative_p25: d.cumulative.p25,
            cumulative_p50: d.cumulative.p50,
            cumulative_p75: d.cumulative.p75,
            cumulative_p95: d.cumulative.p95,
            new_mean: d.new.mean,
            new_p05: d.new.p05,
            new_p50: d.new.p50,
            new_p95: d.new.p95,
            viral_loop_formula: f,
            spend_mean: c.new_mean,
            cumulative_cost_mean: c.cumulative.mean,
            cumulative_cost_p05: c.cumulative.p05,
            cumulative_cost_p50: c.cumulative.p50,
            cumulative_cost_p95: c.cumulative.p95,
            groups_created_mean: groups_created.as_ref().map(|g| g[d.day as usize]),
            followers_mean: followers.as_ref().map(|f| f[d.day as usize].0),
            new_follows_mean: followers.as_ref().map(|f| f[d.day as usize].1),
            unfollows_mean: followers.as_ref().map(|f| f[d.day as usize].2),
            net_followers_mean: followers.as_ref().map(|f| f[d.day as usize].0 - f[0].0 + f[0].1 - f[0].2),
        });
        self.csv(rows)
    }

    /// generations.csv: K per generation.
    pub fn generations_csv(&self) -> Vec<u8> {
        self.csv(self.generation_records().into_iter())
    }

    /// runs.csv: one row per run.
    pub fn runs_csv(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Row {
            run: usize,
            reach: u32,
            sharers: u32,
            invitations: u64,
            generations: u32,
            depth: u32,
            structural_virality: Option<f64>,
            last_join_day: u32,
            days_to_half_reach: u32,
            reward_cost: f64,
            total_cost: f64,
            budget_exhausted_day: Option<u32>,
            took_off: bool,
            censored: bool,
            invitations_direct: Option<u64>,
            invitations_moments: Option<u64>,
            joins_direct: Option<u32>,
            joins_moments: Option<u32>,
            invitations_group: Option<u64>,
            joins_group: Option<u32>,
            groups_created: Option<u32>,
            groups_max_members: Option<u32>,
            group_joins_refused: Option<u32>,
            invitations_official_account: Option<u64>,
            joins_official_account: Option<u32>,
            followers_end: Option<u32>,
            new_follows: Option<u32>,
            unfollows: Option<u32>,
        }
        let e = self.ensemble;
        // Per campaign channel, its place in the engine's order (empty cells for a
        // channel the scenario does not use, and for the other models).
        let names = self.channel_names();
        let campaign = matches!(self.scenario.behaviour, crate::model::Behaviour::Campaign { .. });
        let at = |name: &str| names.iter().find(|n| n.0 == name).map(|n| n.1).filter(|_| campaign);
        let (direct, moments, group, account) = (at("direct"), at("moments"), at("group"), at("official_account"));
        let campaign_groups = self.groups_record().is_some();
        let fixed = self.analysis.cost.fixed;
        let rows = e.outcomes.iter().enumerate().map(|(r, o)| {
            let row = e.daily_row(r);
            let mut acc = 0;
            let half = row
                .iter()
                .position(|&x| {
                    acc += x;
                    2 * acc >= o.reach
                })
                .unwrap_or(0) as u32;
            Row {
                run: r,
                reach: o.reach,
                sharers: o.sharers,
                invitations: o.invitations,
                generations: o.generations,
                depth: o.generations.saturating_sub(1),
                structural_virality: o.structural_virality,
                last_join_day: o.last_join_day,
                days_to_half_reach: half,
                reward_cost: o.spend,
                total_cost: o.spend + fixed,
                budget_exhausted_day: o.budget_exhausted_day,
                took_off: o.reach as f64 >= self.analysis.takeoff_reach,
                censored: o.is_censored,
                invitations_direct: direct.map(|c| o.channel_invitations[c]),
                invitations_moments: moments.map(|c| o.channel_invitations[c]),
                joins_direct: direct.map(|c| o.channel_joins[c]),
                joins_moments: moments.map(|c| o.channel_joins[c]),
                invitations_group: group.map(|c| o.channel_invitations[c]),
                joins_group: group.map(|c| o.channel_joins[c]),
                groups_created: campaign_groups.then_some(o.groups_created),
                groups_max_members: campaign_groups.then_some(o.groups_max_members),
                group_joins_refused: campaign_groups.then_some(o.group_joins_refused),
                invitations_official_account: account.map(|c| o.channel_invitations[c]),
                joins_official_account: account.map(|c| o.channel_joins[c]),
                followers_end: account.map(|_| o.followers_end),
                new_follows: account.map(|_| o.new_follows),
                unfollows: account.map(|_| o.unfollows),
            }
        });
        self.csv(rows)
    }

    /// `trees.csv`: one row per recruitment tree (one per seed user per run): the run,
    /// the root's id as the graph's input names it, size, depth, structural virality
    /// (empty for a tree of one person) and the most people one member recruited.
    pub fn trees_csv(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Row<'r> {
            run: usize,
            root: &'r OriginalId,
            size: u32,
            depth: u32,
            structural_virality: Option<f64>,
            max_offspring: u32,
        }
        let rows = self.ensemble.trees().zip(&self.tree_roots).map(|((run, t), root)| Row {
            run,
            root,
            size: t.size,
            depth: t.depth,
            structural_virality: t.structural_virality,
            max_offspring: t.max_offspring,
        });
        self.csv(rows)
    }

    /// A CSV file: the UTF-8 byte-order mark (so that Excel reads Chinese names
    /// right), the header on the first line, a row per record. Provenance (version,
    /// seed, the resolved scenario) is in `summary.json` and `manifest.json`, not in
    /// the CSV, so that every tool reads its first line as the header.
    fn csv<R: Serialize>(&self, rows: impl Iterator<Item = R>) -> Vec<u8> {
        let mut out = BOM.to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            for r in rows {
                w.serialize(r).expect("writing CSV to memory cannot fail");
            }
            w.flush().expect("writing CSV to memory cannot fail");
        }
        out
    }

    /// Every output file: name and bytes.
    ///
    /// # Errors
    /// A chart that cannot be drawn.
    pub fn files(&self) -> Result<Vec<(String, Vec<u8>)>, plots::PlotError> {
        let mut files = vec![
            ("summary.json".to_string(), self.summary_json()),
            ("daily.csv".to_string(), self.daily_csv()),
            ("generations.csv".to_string(), self.generations_csv()),
            ("runs.csv".to_string(), self.runs_csv()),
            ("trees.csv".to_string(), self.trees_csv()),
        ];
        // (A workbook that cannot be written is a bug, not bad input: rust_xlsxwriter
        // refuses only sheet names and cells out of Excel's limits, which fission keeps.)
        files.push((
            "results.xlsx".to_string(),
            self.workbook().map_err(|e| plots::PlotError { chart: "results.xlsx", message: e.to_string() })?,
        ));
        let mut pngs = Vec::new();
        for chart in plots::Chart::ALL.iter().filter(|c| c.applies(self)) {
            let (png, svg) = plots::render(*chart, self)?;
            pngs.push((chart.file_stem(), png.clone()));
            files.push((format!("{}.png", chart.file_stem()), png));
            files.push((format!("{}.svg", chart.file_stem()), svg.into_bytes()));
        }
        let charts: Vec<(&str, &[u8])> = pngs.iter().map(|(s, p)| (*s, p.as_slice())).collect();
        // The page is made from summary.json's bytes, as `fission report` makes it.
        let summary: serde_json::Value =
            serde_json::from_slice(&self.summary_json()).expect("summary.json is valid JSON");
        files.push(("report.html".to_string(), Results::Run.page(&summary, &charts).into_bytes()));
        Ok(files)
    }

    /// Characters of the scenario's name or currency that no bundled font has: the PNG
    /// charts draw each as a box (□); one warning names them (the SVG charts keep the
    /// text for the viewer's fonts).
    pub fn chart_warnings(&self) -> Vec<String> {
        let missing = self.missing_chart_glyphs();
        if missing.is_empty() {
            return Vec::new();
        }
        let list: Vec<String> = missing.iter().map(|c| format!("{c} (U+{:04X})", *c as u32)).collect();
        vec![format!(
            "the charts' fonts have no glyph for {} in the scenario's name or currency: the PNG charts draw {} as a box (□), the SVG charts leave {} to the viewer's fonts; use other characters for a PNG that shows them",
            list.join(", "),
            if missing.len() == 1 { "it" } else { "each" },
            if missing.len() == 1 { "it" } else { "them" },
        )]
    }

    /// Characters of the scenario's name or currency that no bundled font has.
    fn missing_chart_glyphs(&self) -> Vec<char> {
        let s = self.scenario;
        glyphs::missing_glyphs(&format!("{}{}", s.name, s.report.currency))
    }
}

/// A coefficient in [0, 1] (clustering, transitivity) to four decimals, or below 0.01
/// to two significant digits: a large random graph's clustering is about 0.0001, which
/// fewer decimals show as 0.
pub fn format_coefficient(x: f64) -> String {
    match x {
        x if x >= 0.01 || x <= 0.0 || !x.is_finite() => format!("{x:.4}"),
        x => format!("{x:.*}", (-x.log10()).ceil() as usize + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coefficients_keep_two_significant_digits_when_small() {
        let cases =
            [(0.52963, "0.5296"), (0.0100, "0.0100"), (0.0077, "0.0077"), (0.000_092_4, "0.000092"), (0.0, "0.0000")];
        for (x, text) in cases {
            assert_eq!(format_coefficient(x), text);
        }
    }
}
