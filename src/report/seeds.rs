//! How the seed users were chosen (`summary.json` `seeding`), and the comparison of
//! strategies by `fission seeds` (`seeds.csv`, `seeds.json`, the reach chart).

use super::html::t;
use crate::graph::{OriginalId, SocialGraph};
use crate::plan::seeds::{ArcRule, ImmResult, Strategy};
use crate::scenario::{Prepared, Scenario, SeedingSpec};

/// The cascade model a strategy chose seeds for.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SelectionModelRecord {
    /// independent-cascade or linear-threshold.
    pub kind: String,
    /// Where the arcs' probabilities come from: uniform, edge-weights, inverse-in-degree.
    pub arcs: String,
    /// The uniform probability, if uniform.
    pub probability: Option<f64>,
}

/// IMM's parameters and what it found.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ImmRecord {
    /// ε.
    pub epsilon: f64,
    /// ℓ.
    pub ell: f64,
    /// The guarantee, in words.
    pub guarantee: String,
    /// IMM's estimate of the seeds' expected spread under the selection model.
    pub estimated_spread: f64,
    /// Its lower bound on the best k seeds' spread.
    pub lower_bound: f64,
    /// RR sets drawn to find the bound.
    pub sampling_sets: usize,
    /// RR sets the seeds were chosen on.
    pub theta: usize,
    /// Peak memory of the RR sets, bytes.
    pub memory_bytes: usize,
}

/// `summary.json` `seeding`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeedsRecord {
    /// random, highest-degree, degree-discount, community, influence-max, nodes or file.
    pub strategy: String,
    /// Seed users per run.
    pub seed_users: usize,
    /// Who, by the ids of the graph's input (null for random seeds, drawn anew each run).
    pub nodes: Option<Vec<OriginalId>>,
    /// What the seed users cost together (counted among the fixed costs).
    pub cost: f64,
    /// `seeding.cost_per_seed`.
    pub cost_per_seed: f64,
    /// `seeding.cost_per_friend`.
    pub cost_per_friend: f64,
    /// `seeding.budget`.
    pub budget: Option<f64>,
    /// The cascade model of degree discount and influence-max.
    pub selection_model: Option<SelectionModelRecord>,
    /// Communities found (the community strategy).
    pub communities: Option<usize>,
    /// IMM (the influence-max strategy).
    pub imm: Option<ImmRecord>,
}

impl SelectionModelRecord {
    /// The record of a selection model.
    pub fn new(m: &crate::plan::seeds::SelectionModel) -> Self {
        let (arcs, probability) = match m.rule {
            ArcRule::Uniform(p) => ("uniform", Some(p)),
            ArcRule::EdgeWeights => ("edge-weights", None),
            ArcRule::InverseInDegree => ("inverse-in-degree", None),
        };
        Self { kind: m.kind.name().into(), arcs: arcs.into(), probability }
    }
}

impl ImmRecord {
    /// The record of an IMM result with its parameters.
    pub fn new(r: &ImmResult, p: crate::plan::seeds::ImmParams, n: usize) -> Self {
        Self {
            epsilon: p.epsilon,
            ell: p.ell,
            guarantee: format!(
                "expected spread >= (1 - 1/e - {}) x the best possible, with probability >= 1 - n^-{} ({:.3e})",
                p.epsilon,
                p.ell,
                (n.max(2) as f64).powf(-p.ell)
            ),
            estimated_spread: r.estimated_spread,
            lower_bound: r.lower_bound,
            sampling_sets: r.sampling_sets,
            theta: r.theta,
            memory_bytes: r.memory_bytes,
        }
    }
}

impl SeedsRecord {
    /// The record of how `prepared`'s seeds were chosen.
    pub fn new(scenario: &Scenario, graph: &SocialGraph, prepared: &Prepared) -> Self {
        let o = &scenario.seed_options;
        let plan = scenario.seed_plan(graph);
        let strategy = match &scenario.seeding {
            SeedingSpec::Random(_) => Strategy::Random.name(),
            SeedingSpec::Chosen(s, _) => s.name(),
            SeedingSpec::Nodes(_) => "nodes",
            SeedingSpec::File(..) => "file",
        };
        let nodes = match &prepared.config.seeding {
            crate::engine::Seeding::Random { .. } => None,
            crate::engine::Seeding::HighestDegree { count } => Some(
                graph.highest_degree(*count).into_iter().map(|v| graph.original_id(crate::graph::NodeId(v))).collect(),
            ),
            crate::engine::Seeding::Nodes { nodes } => Some(nodes.iter().map(|&v| graph.original_id(v)).collect()),
        };
        let selection = prepared.seeds.as_ref();
        Self {
            strategy: strategy.into(),
            seed_users: prepared.config.seeding.count(),
            nodes,
            cost: prepared.seed_cost,
            cost_per_seed: o.cost.per_seed,
            cost_per_friend: o.cost.per_friend,
            budget: o.cost.budget,
            selection_model: plan
                .as_ref()
                .filter(|p| p.strategy.uses_model())
                .map(|p| SelectionModelRecord::new(&p.model)),
            communities: selection.and_then(|s| s.communities),
            imm: selection.and_then(|s| s.imm.as_ref()).map(|r| ImmRecord::new(r, o.imm, graph.node_count())),
        }
    }
}

/// One strategy at one number of seed users, re-scored with the scenario's own model.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SeedsRow {
    /// The strategy.
    pub strategy: String,
    /// Seed users asked for.
    pub seeds: usize,
    /// Seed users chosen (fewer when a budget runs out).
    pub seed_users: usize,
    /// Mean final reach, by forward simulation of the scenario's model.
    pub reach: crate::stats::Estimate,
    /// Pooled K.
    pub k: crate::stats::Estimate,
    /// P(goal met), with a goal.
    pub p_goal: Option<crate::stats::Estimate>,
    /// What the seed users cost.
    pub seed_cost: f64,
    /// The strategy's own estimate of the seeds' spread under its cascade model (IMM's
    /// n × coverage, CELF's mean over its worlds).
    pub model_estimate: Option<f64>,
    /// Runs.
    pub runs: usize,
}

/// Everything `fission seeds` produced.
pub struct SeedsReport {
    /// The scenario's name.
    pub scenario_name: String,
    /// The rows, strategy by strategy, seeds ascending.
    pub rows: Vec<SeedsRow>,
    /// The cascade model degree discount, IMM and CELF chose for.
    pub selection_model: SelectionModelRecord,
    /// IMM's parameters.
    pub imm: crate::plan::seeds::ImmParams,
    /// CELF's worlds, if CELF ran.
    pub celf_worlds: Option<usize>,
    /// Runs per point.
    pub runs: usize,
    /// The master seed.
    pub rng_seed: u64,
    /// The `--set`s.
    pub overrides: Vec<String>,
    /// The resolved scenario.
    pub scenario: serde_json::Value,
}

const SEEDS_COLUMNS: &str = "strategy,seeds,seed_users,reach_mean,reach_ci_low,reach_ci_high,k,k_ci_low,k_ci_high,\
p_goal,p_goal_ci_low,p_goal_ci_high,seed_cost,model_estimate,runs\n";

fn cell(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

impl SeedsReport {
    /// Whether the report's language is Chinese.
    pub fn zh(&self) -> bool {
        self.scenario.pointer("/report/language").and_then(|v| v.as_str()) == Some("zh")
    }

    /// seeds.csv.
    pub fn csv(&self) -> Vec<u8> {
        let mut s = format!("\u{FEFF}{SEEDS_COLUMNS}");
        for r in &self.rows {
            let g = r.p_goal.map_or([f64::NAN; 3], |p| [p.value, p.ci_low, p.ci_high]);
            s.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
                r.strategy,
                r.seeds,
                r.seed_users,
                cell(r.reach.value),
                cell(r.reach.ci_low),
                cell(r.reach.ci_high),
                cell(r.k.value),
                cell(r.k.ci_low),
                cell(r.k.ci_high),
                cell(g[0]),
                cell(g[1]),
                cell(g[2]),
                cell(r.seed_cost),
                r.model_estimate.map_or(String::new(), cell),
                r.runs
            ));
        }
        s.into_bytes()
    }

    /// seeds.json, pretty-printed.
    pub fn json(&self) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            schema_version: u32,
            fission_version: &'static str,
            scenario_name: &'a str,
            runs_per_point: usize,
            rng_seed: u64,
            runs_spent: usize,
            selection_model: &'a SelectionModelRecord,
            imm: crate::plan::seeds::ImmParams,
            celf_worlds: Option<usize>,
            rows: &'a [SeedsRow],
            overrides: &'a [String],
            scenario: &'a serde_json::Value,
        }
        let mut v = serde_json::to_vec_pretty(&Json {
            schema_version: super::SCHEMA_VERSION,
            fission_version: crate::VERSION,
            scenario_name: &self.scenario_name,
            runs_per_point: self.runs,
            rng_seed: self.rng_seed,
            runs_spent: self.rows.len() * self.runs,
            selection_model: &self.selection_model,
            imm: self.imm,
            celf_worlds: self.celf_worlds,
            rows: &self.rows,
            overrides: &self.overrides,
            scenario: &self.scenario,
        })
        .expect("seed records always serialise");
        v.push(b'\n');
        v
    }

    /// The strategies in the order of their first row.
    fn strategies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for r in &self.rows {
            if !out.contains(&r.strategy.as_str()) {
                out.push(&r.strategy);
            }
        }
        out
    }

    /// The table: mean reach (95% CI) by number of seeds, a column per strategy.
    pub fn table(&self) -> String {
        let strategies = self.strategies();
        let mut ks: Vec<usize> = self.rows.iter().map(|r| r.seeds).collect();
        ks.sort_unstable();
        ks.dedup();
        let m = &self.selection_model;
        let p = m
            .probability
            .map_or(String::new(), |p| if p >= 0.01 { format!(" p = {p:.3}") } else { format!(" p = {p:.2e}") });
        let zh = self.zh();
        let mut s = if zh {
            format!(
                "{}: 覆盖人数与种子用户数, 每个取值点 {} 次模拟, 随机种子 {}\n  (度折扣和影响力最大化按 {} 模型选择, 边 {}{}; 所有覆盖人数均按场景自身的模型模拟)\n",
                self.scenario_name, self.runs, self.rng_seed, m.kind, m.arcs, p
            )
        } else {
            format!(
                "{}: reach by number of seed users, {} runs per point, rng_seed {}\n  (degree discount and influence-max chose for the {} model, arcs {}{}; every reach is the scenario's own model)\n",
                self.scenario_name, self.runs, self.rng_seed, m.kind, m.arcs, p
            )
        };
        s.push_str(&format!("  {}", super::text::pad(t(zh, " seeds", "种子数"), 6)));
        for st in &strategies {
            s.push_str(&format!("  {st:>24}"));
        }
        s.push('\n');
        for k in ks {
            s.push_str(&format!("  {k:>6}"));
            for st in &strategies {
                match self.rows.iter().find(|r| r.seeds == k && r.strategy == *st) {
                    Some(r) => s.push_str(&format!(
                        "  {:>24}",
                        format!("{:.1} ({:.1}–{:.1})", r.reach.value, r.reach.ci_low, r.reach.ci_high)
                    )),
                    None => s.push_str(&format!("  {:>24}", "-")),
                }
            }
            s.push('\n');
        }
        s
    }

    /// The chart: (file stem, PNG, SVG).
    ///
    /// # Errors
    /// A chart that cannot be drawn.
    pub fn charts(&self) -> Result<Vec<(String, Vec<u8>, String)>, super::plots::PlotError> {
        super::plots::plan_chart(
            "seeds",
            "seeds",
            &SeedsChart { report: self },
            (self.rng_seed, self.runs),
            &self.scenario,
        )
    }
}

struct SeedsChart<'a> {
    report: &'a SeedsReport,
}

impl super::plots::Drawer for SeedsChart<'_> {
    fn name(&self) -> &'static str {
        "seeds"
    }
    fn draw<DB: plotters::prelude::DrawingBackend>(&self, root: &super::plots::Area<DB>) -> Result<(), String> {
        use super::plots::{font_for, headroom};
        use super::ticks::count_axis;
        use plotters::prelude::*;
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        root.fill(&WHITE).map_err(e)?;
        let r = self.report;
        let zh = r.zh();
        let footer = if zh {
            format!("fission {} · 每个取值点 {} 次模拟 · 随机种子 {}", crate::VERSION, r.runs, r.rng_seed)
        } else {
            format!("fission {} · {} runs per point · seed {}", crate::VERSION, r.runs, r.rng_seed)
        };
        super::plots::draw_footer(root, footer.clone(), font_for(&footer, 15.0))?;
        let area = root.margin(10, 30, 10, 25);
        let title = if zh {
            format!("{}: 各选择策略下覆盖人数与种子用户数", r.scenario_name)
        } else {
            format!("{}: reach by number of seed users, per strategy", r.scenario_name)
        };
        let x1 = r.rows.iter().map(|p| p.seeds).max().unwrap_or(1) as f64;
        let x0 = r.rows.iter().map(|p| p.seeds).min().unwrap_or(0) as f64;
        let top = r.rows.iter().map(|p| p.reach.ci_high).filter(|x| x.is_finite()).fold(1.0, f64::max);
        let pad = ((x1 - x0) * 0.02).max(0.5);
        let mut chart = ChartBuilder::on(&area)
            .caption(&title, font_for(&title, 26.0))
            .margin(12)
            .x_label_area_size(50)
            .y_label_area_size(90)
            .build_cartesian_2d(x0 - pad..x1 + pad, 0f64..headroom(top))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(t(zh, "seed users", "种子用户数"))
            .y_desc(t(zh, "mean final reach (people), 95% CI", "平均最终覆盖人数 (95% 置信区间)"))
            .label_style(font_for("", 16.0))
            .axis_desc_style(font_for(t(zh, "", "中"), 18.0))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&count_axis(0.0, headroom(top)))
            .draw()
            .map_err(e)?;
        const COLOURS: [RGBColor; 6] = [
            RGBColor(110, 110, 110),
            RGBColor(214, 96, 32),
            RGBColor(44, 160, 44),
            RGBColor(148, 103, 189),
            RGBColor(31, 94, 168),
            RGBColor(200, 30, 90),
        ];
        for (i, st) in r.strategies().into_iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let rows: Vec<&SeedsRow> = r.rows.iter().filter(|p| p.strategy == st).collect();
            let mut band: Vec<(f64, f64)> = rows.iter().map(|p| (p.seeds as f64, p.reach.ci_high)).collect();
            band.extend(rows.iter().rev().map(|p| (p.seeds as f64, p.reach.ci_low)));
            if band.iter().all(|p| p.1.is_finite()) {
                chart.draw_series(std::iter::once(Polygon::new(band, colour.mix(0.15).filled()))).map_err(e)?;
            }
            chart
                .draw_series(LineSeries::new(
                    rows.iter().map(|p| (p.seeds as f64, p.reach.value)),
                    colour.stroke_width(3),
                ))
                .map_err(e)?
                .label(st.to_string())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(3)));
            chart
                .draw_series(rows.iter().map(|p| Circle::new((p.seeds as f64, p.reach.value), 4, colour.filled())))
                .map_err(e)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .label_font(font_for("", 17.0))
            .draw()
            .map_err(e)?;
        Ok(())
    }
}
