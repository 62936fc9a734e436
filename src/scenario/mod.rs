//! Scenario files: TOML → [`raw::RawScenario`] (the file as written) → [`Scenario`]
//! (validated, defaults filled in, units converted). The only module that knows TOML.
//!
//! Validation reports every problem at once, each with the file, line, key, the bad
//! value and what is accepted: `campaign.toml:12: campaign.threshold = 1.4: must be
//! in [0, 1] (participation barrier)`. Every key is documented in docs/SCENARIO.md.

mod account;
mod campaign;
mod graph;
mod groups;
mod prepare;
pub mod raw;
mod resolved;
mod rewards;
mod seeding;
mod set;

use crate::engine::{CycleTime, DelayDistribution, RunConfig, Seeding};
use crate::graph::load::{EdgeListOptions, IdFormat};
use crate::graph::{DegreeSequence, GraphError, GraphModel, GraphSpec, NodeId, OriginalId, SocialGraph, TieStrengths};
use crate::model::{
    AdoptionThreshold, Behaviour, Channels, Coefficients, DirectChannel, EdgeProbability, InfluenceWeights, Levers,
    MomentsChannel, Recovery,
};
use crate::rng::{STREAM_GRAPH, derive_seed};
use crate::stats::AnalysisConfig;
pub use account::{AccountSpec, FollowersSpec};
pub use groups::GroupsSpec;
pub use prepare::Prepared;
use raw::*;
pub use rewards::BudgetSpec;
pub use seeding::SeedOptions;
pub use set::parse_set;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line, when the problem has a place in the file.
    pub line: Option<usize>,
    /// Dotted key (`campaign.threshold`), or the section.
    pub key: String,
    /// What is wrong and what is accepted.
    pub message: String,
}

/// Errors from reading and validating a scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read scenario {path}: {error}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why (in the message, not also returned as the error's source, so that a
        /// printed chain does not repeat it).
        error: std::io::Error,
    },
    /// The file has problems (all of them are listed).
    #[error("{}", format_problems(file, problems))]
    Invalid {
        /// The file, as named by the user.
        file: String,
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// The graph could not be built or loaded.
    #[error("{file}: {what}: {error}")]
    Graph {
        /// The scenario or edge-list file.
        file: String,
        /// What was being done.
        what: String,
        /// The graph error (in the message only, as for [`ScenarioError::Read`]).
        error: GraphError,
    },
}

fn format_problems(file: &str, problems: &[Problem]) -> String {
    let mut s = format!("{file} has {} problem{}:", problems.len(), if problems.len() == 1 { "" } else { "s" });
    for p in problems {
        match p.line {
            Some(l) => s.push_str(&format!("\n  {file}:{l}: {}: {}", p.key, p.message)),
            None => s.push_str(&format!("\n  {file}: {}: {}", p.key, p.message)),
        }
    }
    s
}

/// Values given on the command line, which win over the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--runs`.
    pub runs: Option<u64>,
    /// `--seed`.
    pub rng_seed: Option<u64>,
    /// `--set key=value`, in order (a later one wins).
    pub sets: Vec<(String, String)>,
}

/// How the seed users are chosen, before the graph exists.
#[derive(Debug, Clone, PartialEq)]
pub enum SeedingSpec {
    /// Random people, anew each run.
    Random(usize),
    /// Chosen once on the graph by a strategy (highest-degree, degree-discount,
    /// community, influence-max): at most this many (fewer if `seeding.budget` runs out).
    Chosen(crate::plan::seeds::Strategy, usize),
    /// These original ids (integers or text, as the graph's ids are).
    Nodes(Vec<OriginalId>),
    /// Original ids read from a file, one per line.
    File(PathBuf, String),
}

/// Simulation settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimulationSettings {
    /// Monte Carlo runs.
    pub runs: usize,
    /// Campaign length in days.
    pub days: u32,
    /// Master random seed.
    pub rng_seed: u64,
    /// Takeoff = reach of at least this multiple of the seed users.
    pub takeoff_multiple: f64,
    /// K pools generations while participants are at most this share of the graph.
    pub k_population_limit: f64,
}

/// Language of charts and the summary table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// English.
    English,
    /// Simplified Chinese.
    Chinese,
}

/// Report settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSettings {
    /// Chart language.
    pub language: Language,
    /// Currency symbol or code shown with costs.
    pub currency: String,
}

/// A validated scenario: everything a run needs, with defaults filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Title (charts use it).
    pub name: String,
    /// Free text.
    pub description: String,
    /// The social graph.
    pub graph: GraphSpec,
    /// Graph generator seed, if pinned in the file.
    pub graph_seed: Option<u64>,
    /// Seed users.
    pub seeding: SeedingSpec,
    /// How a strategy chooses seeds and what they cost (`[seeding]`).
    pub seed_options: SeedOptions,
    /// Spread model.
    pub behaviour: Behaviour,
    /// Cycle time.
    pub cycle_time: CycleTime,
    /// Runs, days, seed.
    pub simulation: SimulationSettings,
    /// The campaign's last day (`campaign.end_day`), if it ends before the horizon.
    pub end_day: Option<u32>,
    /// The budget as stated (`[budget]`; the rewards it pays are in the behaviour).
    pub budget: BudgetSpec,
    /// How the people's group chats are made, when the campaign posts to groups.
    pub groups: Option<GroupsSpec>,
    /// An official account that pushes the campaign.
    pub official_account: Option<AccountSpec>,
    /// The `--set key=value` overrides applied, as given (recorded in the outputs).
    pub sets: Vec<String>,
    /// The campaign's goal (`[goal]`), if stated.
    pub goal: Option<crate::stats::Goal>,
    /// Chart language, currency.
    pub report: ReportSettings,
    /// The file name as the user gave it (for messages).
    pub file_label: String,
    /// The folder relative paths are resolved against.
    pub base_dir: PathBuf,
}

/// Every key of a scenario file, with what it accepts (docs/SCENARIO.md has more).
pub const KEYS: &[(&str, &str)] = &[
    ("name", "text; titles the charts"),
    ("graph.kind", "one of erdos-renyi, barabasi-albert, watts-strogatz, stochastic-block, configuration, edge-list"),
    ("graph.nodes", "an integer from 2 to 2000000000"),
    ("seeding.count", "an integer from 1 to the number of people"),
    ("campaign.threshold", "a number in [0, 1]"),
    ("campaign.complexity", "an integer from 1 to 20"),
    ("simulation.runs", "an integer from 1 to 10000000"),
    ("simulation.days", "an integer from 1 to 3650"),
    ("simulation.rng_seed", "an integer from 0 to 18446744073709551615"),
];

struct Checker {
    text: String,
    problems: Vec<Problem>,
}

impl Checker {
    fn line(&self, span: &Range<usize>) -> Option<usize> {
        if span.start == 0 && span.end == 0 {
            return None;
        }
        Some(self.text[..span.start.min(self.text.len())].matches('\n').count() + 1)
    }

    fn problem(&mut self, span: Option<&Range<usize>>, key: &str, message: String) {
        let line = span.and_then(|s| self.line(s));
        self.problems.push(Problem { line, key: key.to_string(), message });
    }

    fn float(&mut self, v: &S<f64>, key: &str, default: f64, lo: f64, hi: f64, what: &str) -> f64 {
        match v {
            None => default,
            Some(s) => {
                let x = *s.get_ref();
                if x.is_finite() && x >= lo && x <= hi {
                    x
                } else {
                    let range = if hi == f64::INFINITY { format!(">= {lo}") } else { format!("in [{lo}, {hi}]") };
                    self.problem(Some(&s.span()), key, format!("{key} = {}: must be {range} ({what})", show_number(x)));
                    default
                }
            }
        }
    }

    /// A number that must be finite and above zero (rates, durations).
    fn positive(&mut self, v: &S<f64>, key: &str, default: f64, what: &str) -> f64 {
        match v {
            Some(s) if !(s.get_ref().is_finite() && *s.get_ref() > 0.0) => {
                let x = *s.get_ref();
                self.problem(
                    Some(&s.span()),
                    key,
                    format!("{key} = {}: must be a number > 0 ({what})", show_number(x)),
                );
                default
            }
            Some(s) => *s.get_ref(),
            None => default,
        }
    }

    fn int(&mut self, v: &S<u64>, key: &str, default: u64, lo: u64, hi: u64, what: &str) -> u64 {
        match v {
            None => default,
            Some(s) => {
                let x = *s.get_ref();
                if x >= lo && x <= hi {
                    x
                } else {
                    self.problem(
                        Some(&s.span()),
                        key,
                        format!("{key} = {x}: must be an integer from {lo} to {hi} ({what})"),
                    );
                    default
                }
            }
        }
    }

    fn choice<'c>(&mut self, v: &S<String>, key: &str, default: &'c str, choices: &[&'c str]) -> &'c str {
        match v {
            None => default,
            Some(s) => match choices.iter().find(|c| **c == s.get_ref().as_str()) {
                Some(c) => c,
                None => {
                    self.problem(
                        Some(&s.span()),
                        key,
                        format!("{key} = {:?}: must be one of {}", s.get_ref(), choices.join(", ")),
                    );
                    default
                }
            },
        }
    }

    fn required<T: Clone>(&mut self, v: &S<T>, key: &str, section: &Range<usize>, what: &str) -> Option<T> {
        match v {
            Some(s) => Some(s.get_ref().clone()),
            None => {
                self.problem(Some(section), key, format!("{key} is missing: {what}"));
                None
            }
        }
    }

    /// Keys present in the file that the chosen kind does not use.
    fn unused(&mut self, present: &[(&str, Option<Range<usize>>)], allowed: &[&str], section: &str, kind: &str) {
        for (k, span) in present {
            if let Some(span) = span
                && !allowed.contains(k)
            {
                self.problem(
                    Some(span),
                    &format!("{section}.{k}"),
                    format!("{section}.{k} is not used by kind {kind} (its keys: {})", allowed.join(", ")),
                );
            }
        }
    }
}

/// Why `path` (as resolved, shown in brackets) cannot be read as an input file.
fn not_a_file(path: &Path) -> String {
    let what = if path.is_dir() {
        "is a folder, not a file"
    } else if path.exists() {
        "is a device or a pipe, not a regular file"
    } else {
        "no such file"
    };
    format!("{what} ({})", path.display())
}

fn span<T>(v: &S<T>) -> Option<Range<usize>> {
    v.as_ref().map(|s| s.span())
}

/// A number as a message shows it: 1e308 in scientific notation, not 309 digits.
fn show_number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-6..1e15).contains(&x.abs()) { format!("{x:e}") } else { format!("{x}") }
}

/// The dotted name of the `[section]` or `[[section]]` header on line `line` (1-based).
fn section_at_line(text: &str, line: usize) -> Option<String> {
    let t = text.lines().nth(line.checked_sub(1)?)?.trim();
    let t = t.split('#').next().unwrap_or(t).trim();
    (t.starts_with('[') && t.ends_with(']'))
        .then(|| t.trim_matches(|c| c == '[' || c == ']').trim().trim_matches('"').to_string())
}

/// A parser message in the user's terms: serde's `expected struct RawGraph` (an
/// internal type's name) becomes `expected a table (a [section], or { ... })`, and
/// `expected u64` `expected a whole number`.
fn plain_serde_message(message: &str) -> String {
    let mut out = message.to_string();
    while let Some(i) = out.find("struct Raw") {
        let end = out[i..].find(|c: char| !c.is_alphanumeric() && c != ' ').map_or(out.len(), |j| i + j);
        let end = out[i + "struct Raw".len()..end]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(end, |j| i + "struct Raw".len() + j);
        out.replace_range(i..end, "a table (a [section], or { key = value, ... })");
    }
    for (rust, plain) in [
        ("expected u64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
        ("expected a sequence", "expected a list [ ... ]"),
    ] {
        out = out.replace(rust, plain);
    }
    out
}

/// Dotted key of the `key = value` on line `line` (1-based), from the table headers
/// above it; None when the line is not a plain key/value line.
fn key_at_line(text: &str, line: usize) -> Option<String> {
    let mut section = String::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t.starts_with('[') {
            section = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
        if i + 1 == line {
            if t.starts_with('[') || !t.contains('=') {
                return None;
            }
            let key = t.split('=').next()?.trim().trim_matches('"').to_string();
            return Some(if section.is_empty() { key } else { format!("{section}.{key}") });
        }
    }
    None
}

impl Scenario {
    /// Reads and validates a scenario file.
    ///
    /// # Errors
    /// [`ScenarioError::Read`] if the file cannot be read, [`ScenarioError::Invalid`]
    /// with every problem found otherwise.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Self, ScenarioError> {
        let text =
            std::fs::read_to_string(path).map_err(|error| ScenarioError::Read { path: path.to_path_buf(), error })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        if overrides.sets.is_empty() {
            Self::from_toml_str_with(&text, &path.display().to_string(), &base, overrides)
        } else {
            Self::from_toml_str_with_sets(&text, &path.display().to_string(), &base, overrides)
        }
    }

    /// Validates scenario text (`file_label` names it in messages; relative paths are
    /// resolved against `base_dir`).
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] with every problem found.
    pub fn from_toml_str(text: &str, file_label: &str, base_dir: &Path) -> Result<Self, ScenarioError> {
        Self::from_toml_str_with(text, file_label, base_dir, &Overrides::default())
    }

    /// As [`Self::from_toml_str`], with command-line overrides.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] with every problem found.
    pub fn from_toml_str_with(
        text: &str,
        file_label: &str,
        base_dir: &Path,
        overrides: &Overrides,
    ) -> Result<Self, ScenarioError> {
        let mut checker = Checker { text: String::new(), problems: Vec::new() };
        // Parse; on an error in a `key = value` line, report it, blank that line and
        // parse again, so that one pass reports every such problem.
        let mut work = text.to_string();
        let mut raw = None;
        for _ in 0..200 {
            match toml::from_str::<RawScenario>(&work) {
                Ok(r) => {
                    raw = Some(r);
                    break;
                }
                Err(e) => {
                    let line = e.span().map(|s| work[..s.start.min(work.len())].matches('\n').count() + 1);
                    let key = line.and_then(|l| key_at_line(&work, l));
                    // An error on a `[section]` line is about the section as a whole.
                    let section = line.and_then(|l| section_at_line(&work, l));
                    let accepted = key
                        .as_deref()
                        .and_then(|k| KEYS.iter().find(|(name, _)| *name == k))
                        .map(|(_, a)| format!(" (accepted: {a})"))
                        .unwrap_or_default();
                    let mut message = plain_serde_message(e.message().trim());
                    if section.is_some() {
                        message = message.replacen("unknown field", "unknown section", 1);
                    }
                    checker.problems.push(Problem {
                        line,
                        key: key.clone().or_else(|| section.clone()).unwrap_or_else(|| "syntax".into()),
                        message: format!("{message}{accepted}"),
                    });
                    // Blank what was reported (the line, or the whole section) and parse
                    // again; line numbers stay those of the file.
                    let blank = match (line, &key, &section) {
                        (Some(l), Some(_), _) => Some((l, l)),
                        (Some(l), None, Some(_)) => {
                            let end = work
                                .lines()
                                .enumerate()
                                .skip(l)
                                .find(|(_, t)| t.trim_start().starts_with('['))
                                .map_or(usize::MAX, |(i, _)| i);
                            Some((l, end))
                        }
                        _ => None,
                    };
                    match blank {
                        Some((first, last)) => {
                            work = work
                                .split_inclusive('\n')
                                .enumerate()
                                .map(|(i, s)| {
                                    if (first..=last).contains(&(i + 1)) {
                                        if s.ends_with('\n') { "\n" } else { "" }
                                    } else {
                                        s
                                    }
                                })
                                .collect();
                        }
                        None => break,
                    }
                }
            }
        }
        // Spans refer to the text that finally parsed (blanked lines keep their newline,
        // so line numbers are those of the file).
        checker.text = work;
        let Some(raw) = raw else {
            return Err(ScenarioError::Invalid { file: file_label.into(), problems: checker.problems });
        };
        let scenario = Self::from_raw(raw, &mut checker, file_label, base_dir, overrides);
        if checker.problems.is_empty() {
            Ok(scenario)
        } else {
            checker.problems.sort_by_key(|p| p.line.unwrap_or(0));
            Err(ScenarioError::Invalid { file: file_label.into(), problems: checker.problems })
        }
    }

    fn from_raw(
        mut raw: RawScenario,
        c: &mut Checker,
        file_label: &str,
        base_dir: &Path,
        overrides: &Overrides,
    ) -> Self {
        let whole = 0..1;
        let name = raw.name.as_ref().map(|s| s.get_ref().clone()).unwrap_or_else(|| {
            Path::new(file_label)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "scenario".into())
        });
        let description = raw.description.as_ref().map(|s| s.get_ref().clone()).unwrap_or_default();

        // [graph]
        let (graph, graph_seed, graph_nodes) = match &raw.graph {
            None if c.problems.iter().any(|p| p.key == "graph") => (
                // (`graph = "x"` is reported where it stands, not also as missing.)
                GraphSpec {
                    model: GraphModel::ErdosRenyi { nodes: 2, mean_degree: 1.0 },
                    tie_strength: TieStrengths::default(),
                },
                None,
                None,
            ),
            None => {
                c.problem(
                    None,
                    "graph",
                    "the [graph] section is missing: say which social graph to simulate on (see `fission init`)".into(),
                );
                (
                    GraphSpec {
                        model: GraphModel::ErdosRenyi { nodes: 2, mean_degree: 1.0 },
                        tie_strength: TieStrengths::default(),
                    },
                    None,
                    None,
                )
            }
            Some(g) => {
                let section = g.span();
                let g = g.get_ref();
                Self::graph_from_raw(g, &section, c, base_dir)
            }
        };

        // [seeding]
        let mut seeding_raw = raw.seeding.take().unwrap_or_default();
        let seeding_raw_groups = seeding_raw.groups.take();
        let raw_group = raw.channels.as_mut().and_then(|ch| ch.group.take());
        let raw_account = raw.channels.as_mut().and_then(|ch| ch.official_account.take());

        // [model] and [campaign]
        let model_raw = raw.model.unwrap_or_default();
        let kind = c.choice(
            &model_raw.kind,
            "model.kind",
            "campaign",
            &["campaign", "independent-cascade", "linear-threshold", "complex-contagion", "sir"],
        );
        let (seeding, seed_options) = Self::seeding_from_raw(&seeding_raw, kind, graph_nodes, base_dir, c);
        let model_keys: Vec<(&str, Option<Range<usize>>)> = vec![
            ("probability", span(&model_raw.probability)),
            ("weights", span(&model_raw.weights)),
            ("threshold_count", span(&model_raw.threshold_count)),
            ("threshold_fraction", span(&model_raw.threshold_fraction)),
            ("transmission_rate", span(&model_raw.transmission_rate)),
            ("recovery_rate", span(&model_raw.recovery_rate)),
            ("infectious_period_days", span(&model_raw.infectious_period_days)),
        ];
        let model_allowed: &[&str] = match kind {
            "independent-cascade" => &["probability", "weights"],
            "linear-threshold" => &["weights"],
            "complex-contagion" => &["threshold_count", "threshold_fraction"],
            "sir" => &["transmission_rate", "recovery_rate", "infectious_period_days"],
            _ => &[],
        };
        if kind != "campaign" {
            c.unused(&model_keys, model_allowed, "model", kind);
        }
        let campaign = raw.campaign.unwrap_or_default();
        let d = Levers::default();
        let levers = Levers {
            threshold: c.float(
                &campaign.threshold,
                "campaign.threshold",
                d.threshold,
                0.0,
                1.0,
                "participation barrier: 0 = none, 1 = pay, buy or qualify",
            ),
            complexity: c.int(
                &campaign.complexity,
                "campaign.complexity",
                d.complexity as u64,
                1,
                20,
                "steps a person must complete",
            ) as u32,
            reward: c.float(
                &campaign.reward,
                "campaign.reward",
                d.reward,
                0.0,
                1e7,
                "value to the participant, in currency units",
            ),
            fun: c.float(
                &campaign.fun,
                "campaign.fun",
                d.fun,
                0.0,
                1.0,
                "fun or game elements: 0 = none, 1 = a game people play for its own sake",
            ),
            page_quality: c.float(
                &campaign.page_quality,
                "campaign.page_quality",
                d.page_quality,
                0.0,
                1.0,
                "landing page experience: 0 = poor, 1 = excellent",
            ),
        };
        let ct = CycleTime::default();
        let distribution = match c.choice(
            &campaign.cycle_time_distribution,
            "campaign.cycle_time_distribution",
            "geometric",
            &["geometric", "fixed", "lognormal"],
        ) {
            "fixed" => DelayDistribution::Fixed,
            "lognormal" => DelayDistribution::Lognormal {
                sigma: c.float(
                    &campaign.cycle_time_sigma,
                    "campaign.cycle_time_sigma",
                    1.0,
                    0.05,
                    3.0,
                    "spread of a lognormal cycle time: the standard deviation of its logarithm",
                ),
            },
            _ => DelayDistribution::Geometric,
        };
        if campaign.cycle_time_sigma.is_some() && !matches!(distribution, DelayDistribution::Lognormal { .. }) {
            c.problem(
                span(&campaign.cycle_time_sigma).as_ref(),
                "campaign.cycle_time_sigma",
                "campaign.cycle_time_sigma applies to cycle_time_distribution = \"lognormal\" only".into(),
            );
        }
        let mean_days = c.float(
            &campaign.cycle_time_days,
            "campaign.cycle_time_days",
            ct.mean_days,
            1.0,
            365.0,
            "mean days from joining to one's invitees joining",
        );
        if distribution == DelayDistribution::Fixed && mean_days.fract() != 0.0 {
            c.problem(
                span(&campaign.cycle_time_days).as_ref(),
                "campaign.cycle_time_days",
                format!("campaign.cycle_time_days = {mean_days}: a fixed cycle time must be a whole number of days"),
            );
        }
        let cycle_time = CycleTime { mean_days, distribution };
        let novelty_half_life_days = c.float(
            &campaign.novelty_half_life_days,
            "campaign.novelty_half_life_days",
            Coefficients::default().novelty_half_life_days,
            0.0,
            100_000.0,
            "days in which interest in the campaign halves; 0 = it never fades",
        );
        if novelty_half_life_days > 0.0 && novelty_half_life_days < 0.1 {
            c.problem(
                span(&campaign.novelty_half_life_days).as_ref(),
                "campaign.novelty_half_life_days",
                format!(
                    "campaign.novelty_half_life_days = {novelty_half_life_days}: must be 0 (no decay) or at least 0.1 days"
                ),
            );
        }

        let mut behaviour = match kind {
            "independent-cascade" => {
                let probability = match (&model_raw.probability, &model_raw.weights) {
                    (Some(_), None) => EdgeProbability::Uniform(c.float(
                        &model_raw.probability,
                        "model.probability",
                        0.0,
                        0.0,
                        1.0,
                        "probability that an invitation converts",
                    )),
                    (None, Some(_)) => {
                        match c.choice(
                            &model_raw.weights,
                            "model.weights",
                            "weighted-cascade",
                            &["edge-weights", "weighted-cascade"],
                        ) {
                            "edge-weights" => EdgeProbability::EdgeWeights,
                            _ => EdgeProbability::WeightedCascade,
                        }
                    }
                    (Some(p), Some(_)) => {
                        c.problem(
                            Some(&p.span()),
                            "model.probability",
                            "give model.probability (the same on every edge) or model.weights, not both".into(),
                        );
                        EdgeProbability::Uniform(0.0)
                    }
                    (None, None) => {
                        c.problem(None, "model.probability", "independent-cascade needs model.probability in [0, 1], or model.weights = \"edge-weights\" or \"weighted-cascade\"".into());
                        EdgeProbability::Uniform(0.0)
                    }
                };
                Behaviour::IndependentCascade { probability }
            }
            "linear-threshold" => {
                let weights =
                    match c.choice(&model_raw.weights, "model.weights", "in-degree", &["in-degree", "edge-weights"]) {
                        "edge-weights" => InfluenceWeights::EdgeWeights,
                        _ => InfluenceWeights::InDegree,
                    };
                Behaviour::LinearThreshold { weights }
            }
            "complex-contagion" => {
                let threshold = match (&model_raw.threshold_count, &model_raw.threshold_fraction) {
                    (Some(_), None) => AdoptionThreshold::Count(c.int(
                        &model_raw.threshold_count,
                        "model.threshold_count",
                        2,
                        1,
                        1_000_000,
                        "participating friends needed to join",
                    ) as u32),
                    (None, Some(_)) => AdoptionThreshold::Fraction(c.float(
                        &model_raw.threshold_fraction,
                        "model.threshold_fraction",
                        0.5,
                        1e-9,
                        1.0,
                        "share of one's friends who must have joined, in (0, 1]",
                    )),
                    (Some(t), Some(_)) => {
                        c.problem(
                            Some(&t.span()),
                            "model.threshold_count",
                            "give model.threshold_count or model.threshold_fraction, not both".into(),
                        );
                        AdoptionThreshold::Count(2)
                    }
                    (None, None) => {
                        c.problem(None, "model.threshold_count", "complex-contagion needs model.threshold_count (friends) or model.threshold_fraction (share of friends)".into());
                        AdoptionThreshold::Count(2)
                    }
                };
                Behaviour::ComplexContagion { threshold }
            }
            "sir" => {
                let beta = c.required(
                    &model_raw.transmission_rate,
                    "model.transmission_rate",
                    &(0..0),
                    "sir needs the transmission rate per edge per day (> 0)",
                );
                let beta = c.positive(
                    &model_raw.transmission_rate,
                    "model.transmission_rate",
                    beta.unwrap_or(1.0),
                    "transmissions per edge per day",
                );
                let recovery = match (&model_raw.recovery_rate, &model_raw.infectious_period_days) {
                    (Some(_), None) => Recovery::Rate(c.positive(
                        &model_raw.recovery_rate,
                        "model.recovery_rate",
                        1.0,
                        "recoveries per day",
                    )),
                    (None, Some(_)) => Recovery::FixedPeriodDays(c.positive(
                        &model_raw.infectious_period_days,
                        "model.infectious_period_days",
                        1.0,
                        "days infectious",
                    )),
                    (Some(r), Some(_)) => {
                        c.problem(
                            Some(&r.span()),
                            "model.recovery_rate",
                            "give model.recovery_rate (exponential) or model.infectious_period_days (fixed), not both"
                                .into(),
                        );
                        Recovery::Rate(1.0)
                    }
                    (None, None) => {
                        c.problem(
                            None,
                            "model.recovery_rate",
                            "sir needs model.recovery_rate (per day) or model.infectious_period_days".into(),
                        );
                        Recovery::Rate(1.0)
                    }
                };
                Behaviour::Sir { transmission_rate: beta, recovery }
            }
            _ => {
                if let Some(p) = &model_raw.probability {
                    c.problem(Some(&p.span()), "model.probability", "model.probability is not used by kind campaign (the levers set the probabilities); use kind = \"independent-cascade\" for a fixed probability".into());
                }
                for (key, at) in &model_keys {
                    if let Some(at) = at.as_ref().filter(|_| *key != "probability") {
                        c.problem(
                            Some(at),
                            &format!("model.{key}"),
                            format!("model.{key} is not used by kind campaign"),
                        );
                    }
                }
                let (channels, coefficients) =
                    Self::campaign_from_raw(raw.channels, raw.behaviour, novelty_half_life_days, c);
                Behaviour::Campaign { levers, coefficients, channels, rewards: Default::default() }
            }
        };

        // [simulation]
        let sim = raw.simulation.unwrap_or_default();
        let mut runs = c.int(&sim.runs, "simulation.runs", 1000, 1, 10_000_000, "Monte Carlo runs");
        if let Some(r) = overrides.runs {
            if (1..=10_000_000).contains(&r) {
                runs = r;
            } else {
                c.problem(None, "--runs", format!("--runs {r}: must be an integer from 1 to 10000000"));
            }
        }
        let days = c.int(&sim.days, "simulation.days", 30, 1, 3650, "campaign length in days") as u32;
        let end_day = campaign.end_day.as_ref().map(|_| {
            c.int(
                &campaign.end_day,
                "campaign.end_day",
                days as u64,
                0,
                days as u64,
                &format!("the campaign's last day, up to simulation.days = {days}; nobody joins after it"),
            ) as u32
        });
        if end_day.is_some() && !matches!(kind, "campaign") {
            c.problem(
                span(&campaign.end_day).as_ref(),
                "campaign.end_day",
                format!("campaign.end_day applies to kind = \"campaign\" only, not to kind = \"{kind}\""),
            );
        }
        if campaign.novelty_half_life_days.is_some() && !matches!(kind, "campaign") {
            c.problem(
                span(&campaign.novelty_half_life_days).as_ref(),
                "campaign.novelty_half_life_days",
                format!(
                    "campaign.novelty_half_life_days applies to kind = \"campaign\" only, not to kind = \"{kind}\""
                ),
            );
        }
        // [channels.group] and [seeding] groups
        let seeds = match &seeding {
            SeedingSpec::Random(k) | SeedingSpec::Chosen(_, k) => Some(*k),
            SeedingSpec::Nodes(ids) => Some(ids.len()),
            SeedingSpec::File(..) => None,
        };
        let (group_channel, campaign_groups, groups) =
            Self::groups_from_raw(raw_group, &seeding_raw_groups, seeds, kind, base_dir, c);
        if let Behaviour::Campaign { channels, .. } = &mut behaviour {
            channels.group = group_channel;
            channels.campaign_groups = campaign_groups;
        }
        let official_account = Self::account_from_raw(raw_account, kind, days, graph_nodes, base_dir, c);
        // [goal]
        let goal = raw.goal.take().map(|g| {
            let at = g.span();
            let g = g.into_inner();
            if g.reach.is_none() && g.k.is_none() {
                c.problem(
                    Some(&at),
                    "goal",
                    "[goal] needs reach (participants to reach) or k (a viral coefficient), or both".into(),
                );
            }
            if g.by_day.is_some() && g.reach.is_none() {
                c.problem(
                    span(&g.by_day).as_ref(),
                    "goal.by_day",
                    "goal.by_day needs goal.reach: the participants to reach by that day".into(),
                );
            }
            crate::stats::Goal {
                reach: g.reach.as_ref().map(|_| {
                    c.int(&g.reach, "goal.reach", 1, 1, 2_000_000_000, "participants to reach, seed users included")
                        as f64
                }),
                by_day: g.by_day.as_ref().map(|_| {
                    c.int(
                        &g.by_day,
                        "goal.by_day",
                        days as u64,
                        0,
                        days as u64,
                        &format!("the day to reach it by, up to simulation.days = {days}"),
                    ) as u32
                }),
                k: g.k.as_ref().map(|_| c.float(&g.k, "goal.k", 1.0, 0.0, 1000.0, "the viral coefficient to reach")),
            }
        });
        // [rewards] and [budget]
        let (per_participant, rewards, budget) =
            Self::rewards_from_raw(raw.rewards, raw.budget, &campaign.reward, kind, days, c);
        if let Behaviour::Campaign { levers, rewards: to, .. } = &mut behaviour {
            if let Some(r) = per_participant {
                levers.reward = r;
            }
            *to = rewards;
        }
        let rng_seed = overrides.rng_seed.unwrap_or_else(|| sim.rng_seed.as_ref().map_or(42, |s| *s.get_ref()));
        let k_population_limit = c.float(
            &sim.k_population_limit,
            "simulation.k_population_limit",
            0.1,
            1e-6,
            1.0,
            "K pools generations while participants so far are at most this share of the graph",
        );
        let takeoff_multiple = c.float(
            &sim.takeoff_multiple,
            "simulation.takeoff_multiple",
            10.0,
            1.0,
            1e9,
            "a run takes off when reach is at least this multiple of the seed users",
        );

        let rep = raw.report.unwrap_or_default();
        let language = match c.choice(&rep.language, "report.language", "en", &["en", "zh"]) {
            "zh" => Language::Chinese,
            _ => Language::English,
        };
        let currency = rep.currency.as_ref().map_or_else(|| "¥".to_string(), |s| s.get_ref().clone());
        if currency.chars().count() > 8 {
            c.problem(
                span(&rep.currency).as_ref(),
                "report.currency",
                format!("report.currency = {currency:?}: at most 8 characters (a symbol or code such as ¥ or CNY)"),
            );
        }
        let _ = whole;

        Scenario {
            name,
            description,
            graph,
            graph_seed,
            seeding,
            seed_options,
            behaviour,
            cycle_time,
            simulation: SimulationSettings {
                runs: runs as usize,
                days,
                rng_seed,
                takeoff_multiple,
                k_population_limit,
            },
            end_day,
            budget,
            groups,
            official_account,
            sets: Vec::new(),
            goal,
            report: ReportSettings { language, currency },
            file_label: file_label.to_string(),
            base_dir: base_dir.to_path_buf(),
        }
    }

    /// Seed of the graph generator: pinned in the file, or derived from the master seed.
    pub fn graph_rng_seed(&self) -> u64 {
        self.graph_seed.unwrap_or_else(|| derive_seed(self.simulation.rng_seed, STREAM_GRAPH))
    }

    /// Builds (or loads) the social graph.
    ///
    /// # Errors
    /// [`ScenarioError::Graph`] naming the file and what failed.
    pub fn build_graph(&self) -> Result<SocialGraph, ScenarioError> {
        self.build_graph_within(None)
    }

    /// As [`Self::build_graph`], refusing an edge list as soon as what it has read shows
    /// the graph needs more than `memory_budget` bytes
    /// ([`crate::graph::load::read_edge_list_within`]).
    ///
    /// # Errors
    /// [`ScenarioError::Graph`] naming the file and what failed.
    pub fn build_graph_within(&self, memory_budget: Option<f64>) -> Result<SocialGraph, ScenarioError> {
        match &self.graph.model {
            GraphModel::EdgeList { path, directed, weight_column, ids } => {
                let full = self.base_dir.join(path);
                let label = full.display().to_string();
                let file = std::fs::File::open(&full).map_err(|e| ScenarioError::Graph {
                    file: label.clone(),
                    what: "opening the edge list".into(),
                    error: GraphError::Io(e),
                })?;
                crate::graph::load::read_edge_list_within(
                    file,
                    EdgeListOptions { directed: *directed, weight_column: *weight_column, ids: *ids },
                    memory_budget,
                )
                .map_err(|error| ScenarioError::Graph {
                    file: label,
                    what: "reading the edge list".into(),
                    error,
                })
            }
            _ => self.graph.generate(self.graph_rng_seed()).map_err(|error| ScenarioError::Graph {
                file: self.file_label.clone(),
                what: "building the graph".into(),
                error,
            }),
        }
    }

    /// The engine's configuration for a seeding resolved on the graph.
    pub fn run_config(&self, seeding: Seeding) -> RunConfig {
        RunConfig {
            behaviour: self.behaviour.clone(),
            cycle_time: self.cycle_time,
            seeding,
            runs: self.simulation.runs,
            days: self.simulation.days,
            rng_seed: self.simulation.rng_seed,
            end_day: self.end_day,
            // Built on the graph: `Scenario::build_membership`.
            membership: None,
            official_account: None,
        }
    }

    /// The estimators' configuration, without what seed users cost (which needs the
    /// graph: [`Scenario::prepare`] adds it).
    pub fn analysis_config(&self) -> AnalysisConfig {
        let reward = match &self.behaviour {
            Behaviour::Campaign { levers, .. } => levers.reward,
            _ => 0.0,
        };
        AnalysisConfig {
            goal: self.goal,
            takeoff_multiple: self.simulation.takeoff_multiple,
            reward_per_participant: reward,
            fixed_costs: self.budget.fixed,
            budget: self.budget.total,
            value_per_participant: self.budget.value_per_participant,
            cycle_time_days: self.cycle_time.mean_days,
            k_population_limit: self.simulation.k_population_limit,
        }
    }

    /// Estimated resources of a run, before anything is built.
    pub fn estimate(&self) -> ResourceEstimate {
        let (mut graph_bytes, mut edges) = self.graph.estimate_size();
        // Generated graphs: offsets, and two arcs per edge with a tie strength each.
        let mut frozen_bytes = f64::NAN;
        let mut nodes = match &self.graph.model {
            GraphModel::EdgeList { .. } => f64::NAN,
            _ => graph_bytes, // replaced below
        };
        if let GraphModel::EdgeList { path, directed, weight_column, ids } = &self.graph.model {
            // From the file's first megabytes (the loader reports a file it cannot read).
            match crate::graph::load::estimate_edge_list(&self.base_dir.join(path), *ids) {
                Ok(size) => {
                    (edges, nodes) = (size.lines, size.nodes);
                    graph_bytes = size.memory_bytes(*directed, *weight_column);
                    frozen_bytes = size.frozen_bytes(*directed, *weight_column);
                }
                Err(_) => (edges, nodes, graph_bytes) = (f64::NAN, f64::NAN, f64::NAN),
            }
        } else {
            nodes = match &self.graph.model {
                GraphModel::ErdosRenyi { nodes, .. }
                | GraphModel::BarabasiAlbert { nodes, .. }
                | GraphModel::WattsStrogatz { nodes, .. } => *nodes as f64,
                GraphModel::StochasticBlock { block_sizes, .. } => block_sizes.iter().sum::<usize>() as f64,
                GraphModel::Configuration { degrees: DegreeSequence::Given { degrees } } => degrees.len() as f64,
                GraphModel::Configuration { degrees: DegreeSequence::PowerLaw { nodes, .. } } => *nodes as f64,
                GraphModel::EdgeList { .. } => nodes,
            };
            frozen_bytes = nodes * 4.0 + edges * 16.0;
        }
        // A campaign on ties of several strengths keeps a byte per arc: its tie's class
        // or cell of strength (the engine's conversion tables).
        let (ties, arcs_per_edge) = match &self.graph.model {
            GraphModel::StochasticBlock { .. } | GraphModel::WattsStrogatz { .. } => (true, 2.0),
            GraphModel::EdgeList { weight_column, directed, .. } => (*weight_column, if *directed { 1.0 } else { 2.0 }),
            _ => (false, 2.0),
        };
        if ties && matches!(self.behaviour, Behaviour::Campaign { .. }) {
            frozen_bytes += edges * arcs_per_edge;
        }
        let width = self.simulation.days as f64 + 1.0;
        // At worst every run lasts the whole horizon (rows are as long as each run needed).
        // Each seed user's tree keeps its shape (32 bytes) and, in the report, its root's
        // id (24) and its row of trees.csv (about 40).
        let seeds = match &self.seeding {
            SeedingSpec::Random(k) | SeedingSpec::Chosen(_, k) => (*k).min(nodes as usize) as f64,
            SeedingSpec::Nodes(ids) => ids.len() as f64,
            SeedingSpec::File(path, _) => std::fs::read_to_string(path).map_or(0.0, |t| {
                t.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count() as f64
            }),
        };
        let mut rows = self.simulation.runs as f64 * (width * 16.0 + 64.0 + seeds * 96.0);
        // The people's group chats (a person's groups and each group's members, 8 bytes
        // a membership, and the offsets), held once; a campaign group per participant (4);
        // an account's followers (a byte per person and 4 per follower), and its follows
        // and unfollows per day and run.
        let mut extra_scratch = 0.0;
        if let Some(g) = &self.groups {
            frozen_bytes += nodes * (g.per_person * 8.0 + 4.0);
        }
        if let Behaviour::Campaign { channels, .. } = &self.behaviour
            && channels.campaign_groups.is_some()
        {
            extra_scratch += 4.0;
            rows += self.simulation.runs as f64 * width * 4.0;
        }
        if self.official_account.is_some() {
            extra_scratch += 5.0;
            rows += self.simulation.runs as f64 * width * 8.0;
        }
        ResourceEstimate {
            nodes,
            edges,
            graph_bytes,
            frozen_bytes,
            // A one-byte mark, an 8-byte record and the byte of the channel that
            // recruits them per person, plus, per participant at worst, the day queue
            // (4), the order of joining (4) and the tree statistics' work arrays (32);
            // SIR and threshold processes add up to 8.
            scratch_bytes_per_worker: nodes * (58.0 + extra_scratch),
            result_bytes: rows,
            max_edge_visits: self.simulation.runs as f64 * edges * 2.0,
        }
    }
}

/// What a run will need, estimated before building anything.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ResourceEstimate {
    /// People (estimated from the file size for edge lists).
    pub nodes: f64,
    /// Edges (expected, or estimated from the file size).
    pub edges: f64,
    /// Peak bytes to build and freeze the graph.
    pub graph_bytes: f64,
    /// Bytes of the frozen graph, kept while the runs go (the building's other memory
    /// is freed by then).
    pub frozen_bytes: f64,
    /// Scratch bytes per worker thread.
    pub scratch_bytes_per_worker: f64,
    /// Bytes of per-run rows kept for the estimates.
    pub result_bytes: f64,
    /// Upper bound on edge visits (runs × arcs): the work if every run reached everyone.
    pub max_edge_visits: f64,
}

impl ResourceEstimate {
    /// Peak bytes on `workers` threads: building the graph, or later the frozen graph
    /// with every worker's scratch and the per-run results, whichever is larger.
    pub fn peak_bytes(&self, workers: f64) -> f64 {
        self.graph_bytes.max(self.frozen_bytes + self.scratch_bytes_per_worker * workers + self.result_bytes)
    }
}

#[cfg(test)]
mod tests;
