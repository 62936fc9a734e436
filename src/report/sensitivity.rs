//! `fission sensitivity`'s outputs: `sensitivity.json`, `sensitivity.csv`, the table
//! and the tornado chart (the effect of each lever's step down and up on K, reach and
//! cost, largest first).

use super::html::t;
use super::plots::{Area, BLUE, Drawer, GREY, ORANGE, PlotError, font_for};
use super::text::pad;
use super::ticks::count_axis;
use crate::plan::paired::Difference;
use crate::plan::sensitivity::LeverEffect;
use crate::plan::sweep::format_value;
use crate::stats::Analysis;
use plotters::prelude::*;

/// Everything a sensitivity analysis produced.
pub struct SensitivityReport<'a> {
    /// The scenario's name.
    pub scenario_name: String,
    /// The base design's estimates.
    pub base: &'a Analysis,
    /// Each lever's effects, largest swing of K first.
    pub effects: Vec<LeverEffect>,
    /// Levers the scenario does not use.
    pub skipped: Vec<String>,
    /// Runs per design.
    pub runs: usize,
    /// The master seed every design ran with.
    pub rng_seed: u64,
    /// The `--set`s applied to every design.
    pub overrides: Vec<String>,
    /// The resolved base scenario.
    pub scenario: serde_json::Value,
    /// Currency symbol.
    pub currency: String,
}

impl SensitivityReport<'_> {
    /// sensitivity.json, pretty-printed.
    pub fn json(&self) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            schema_version: u32,
            fission_version: &'static str,
            scenario_name: &'a str,
            runs_per_design: usize,
            runs_spent: usize,
            rng_seed: u64,
            base_k: crate::stats::Estimate,
            base_reach: crate::stats::Estimate,
            base_cost: crate::stats::Estimate,
            levers: &'a [LeverEffect],
            levers_not_used: &'a [String],
            overrides: &'a [String],
            scenario: &'a serde_json::Value,
        }
        let designs =
            1 + self.effects.iter().map(|e| e.down.is_some() as usize + e.up.is_some() as usize).sum::<usize>();
        let mut v = serde_json::to_vec_pretty(&Json {
            schema_version: super::SCHEMA_VERSION,
            fission_version: crate::VERSION,
            scenario_name: &self.scenario_name,
            runs_per_design: self.runs,
            runs_spent: designs * self.runs,
            rng_seed: self.rng_seed,
            base_k: self.base.viral_coefficient,
            base_reach: self.base.mean_reach,
            base_cost: self.base.cost.mean_total,
            levers: &self.effects,
            levers_not_used: &self.skipped,
            overrides: &self.overrides,
            scenario: &self.scenario,
        })
        .expect("sensitivity records always serialise");
        v.push(b'\n');
        v
    }

    /// sensitivity.csv: a row per lever and move.
    pub fn csv(&self) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Row<'r> {
            lever: &'r str,
            base: f64,
            direction: &'static str,
            value: f64,
            dk: f64,
            dk_ci_low: f64,
            dk_ci_high: f64,
            dreach: f64,
            dreach_ci_low: f64,
            dreach_ci_high: f64,
            dcost: f64,
            dcost_ci_low: f64,
            dcost_ci_high: f64,
        }
        let mut out = super::BOM.to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            for e in &self.effects {
                for (direction, value, k, reach, cost) in
                    [("down", e.down, &e.k.0, &e.reach.0, &e.cost.0), ("up", e.up, &e.k.1, &e.reach.1, &e.cost.1)]
                {
                    let (Some(value), Some(k), Some(reach), Some(cost)) = (value, k, reach, cost) else { continue };
                    w.serialize(Row {
                        lever: &e.key,
                        base: e.base,
                        direction,
                        value,
                        dk: k.mean,
                        dk_ci_low: k.ci_low,
                        dk_ci_high: k.ci_high,
                        dreach: reach.mean,
                        dreach_ci_low: reach.ci_low,
                        dreach_ci_high: reach.ci_high,
                        dcost: cost.mean,
                        dcost_ci_low: cost.ci_low,
                        dcost_ci_high: cost.ci_high,
                    })
                    .expect("writing CSV to memory cannot fail");
                }
            }
            w.flush().expect("writing CSV to memory cannot fail");
        }
        out
    }

    /// Whether the report's language is Chinese.
    pub fn zh(&self) -> bool {
        self.scenario.pointer("/report/language").and_then(|v| v.as_str()) == Some("zh")
    }

    /// The table printed at the end, in the report's language.
    pub fn table(&self) -> String {
        let b = self.base;
        let cur = &self.currency;
        let zh = self.zh();
        let k = &b.viral_coefficient;
        let mut s = super::html::fill(
            t(
                zh,
                "{0}: sensitivity, {1} runs per design, rng_seed {2}\n  base design: K {3} (95% CI {4} – {5}), reach {6}, cost {cur}{7}\n",
                "{0}: 敏感性分析, 每个方案 {1} 次模拟, 随机种子 {2}\n  基准方案: K {3} (95% 置信区间 {4} – {5}), 覆盖人数 {6}, 成本 {cur}{7}\n",
            ),
            &[
                self.scenario_name.clone(),
                self.runs.to_string(),
                self.rng_seed.to_string(),
                format!("{:.3}", k.value),
                format!("{:.3}", k.ci_low),
                format!("{:.3}", k.ci_high),
                format!("{:.0}", b.mean_reach.value),
                format!("{:.0}", b.cost.mean_total.value),
            ],
        )
        .replace("{cur}", cur);
        let right = |text: &str, w: usize| {
            format!("{}{text}", " ".repeat(w.saturating_sub(unicode_width::UnicodeWidthStr::width(text))))
        };
        s.push_str(&format!(
            "  {} {}  {} {}  {}  {}\n",
            pad(t(zh, "lever (largest effect on K first)", "杠杆 (按对 K 的影响从大到小)"), 36),
            right(t(zh, "down / base / up", "调低 / 基准 / 调高"), 14),
            right(t(zh, "ΔK down", "ΔK 调低"), 18),
            right(t(zh, "ΔK up", "ΔK 调高"), 18),
            right(t(zh, "Δ reach down / up", "Δ 覆盖人数 低 / 高"), 20),
            right(t(zh, "Δ cost down / up", "Δ 成本 低 / 高"), 20)
        ));
        let bound = t(zh, "at its bound", "已到边界");
        let d = |x: &Option<Difference>, digits: usize| {
            x.as_ref().map_or(bound.to_string(), |x| {
                format!("{:+.digits$} ±{:.digits$}", x.mean, (x.ci_high - x.ci_low) / 2.0)
            })
        };
        let m = |x: &Option<Difference>| x.as_ref().map_or("-".to_string(), |x| format!("{:+.0}", x.mean));
        for e in &self.effects {
            s.push_str(&format!(
                "  {:<36} {:>14}  {} {}  {:>20}  {:>20}\n",
                e.key,
                format!(
                    "{} / {} / {}",
                    e.down.map_or("-".into(), format_value),
                    format_value(e.base),
                    e.up.map_or("-".into(), format_value)
                ),
                right(&d(&e.k.0, 3), 18),
                right(&d(&e.k.1, 3), 18),
                format!("{} / {}", m(&e.reach.0), m(&e.reach.1)),
                format!("{} / {}", m(&e.cost.0), m(&e.cost.1)),
            ));
        }
        if !self.skipped.is_empty() {
            s.push_str(&format!(
                "  {}: {}\n",
                t(zh, "not used by this scenario", "此场景未用到"),
                self.skipped.join(", ")
            ));
        }
        s
    }

    /// The tornado chart: (file stem, PNG, SVG).
    ///
    /// # Errors
    /// A chart that cannot be drawn.
    pub fn charts(&self) -> Result<Vec<(String, Vec<u8>, String)>, PlotError> {
        let chart = Tornado { report: self };
        super::plots::plan_chart("sensitivity", "tornado", &chart, (self.rng_seed, self.runs), &self.scenario)
    }
}

struct Tornado<'a, 'r> {
    report: &'a SensitivityReport<'r>,
}

/// A tornado panel: its title and what it reads of an effect.
type Metric = (&'static str, fn(&LeverEffect) -> (&Option<Difference>, &Option<Difference>));

impl Drawer for Tornado<'_, '_> {
    fn name(&self) -> &'static str {
        "tornado"
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        root.fill(&WHITE).map_err(e)?;
        let r = self.report;
        let zh = r.zh();
        let title = if zh {
            format!("{}: 每个杠杆调低 (蓝) 和调高 (橙) 一步的影响", r.scenario_name)
        } else {
            format!("{}: effect of each lever one step down (blue) and up (orange)", r.scenario_name)
        };
        let root = root.titled(&title, font_for(&title, 24.0)).map_err(e)?;
        let footer = if zh {
            format!("fission {} · 每个方案 {} 次模拟 · 随机种子 {}", crate::VERSION, r.runs, r.rng_seed)
        } else {
            format!("fission {} · {} runs per design · seed {}", crate::VERSION, r.runs, r.rng_seed)
        };
        let (body, foot) = root.split_vertically(super::plots::SIZE.1 as i32 - 70);
        foot.draw(&Text::new(footer.clone(), (10, 5), font_for(&footer, 14.0).color(&GREY))).map_err(e)?;
        let (labels, plots) = body.split_horizontally(270);
        let panels = plots.split_evenly((1, 3));
        let n = r.effects.len();
        let metrics: [Metric; 3] = [
            ("ΔK", |x| (&x.k.0, &x.k.1)),
            (t(zh, "Δ reach", "Δ 覆盖人数"), |x| (&x.reach.0, &x.reach.1)),
            (t(zh, "Δ cost", "Δ 成本"), |x| (&x.cost.0, &x.cost.1)),
        ];
        let mut label_ys = Vec::new();
        for (panel, (name, get)) in panels.iter().zip(metrics) {
            let extent = r
                .effects
                .iter()
                .flat_map(|x| {
                    let (d, u) = get(x);
                    [d, u].into_iter().flatten().flat_map(|d| [d.ci_low.abs(), d.ci_high.abs(), d.mean.abs()])
                })
                .filter(|x| x.is_finite())
                .fold(0.0, f64::max)
                .max(1e-9)
                * 1.1;
            let mut chart = ChartBuilder::on(panel)
                .caption(name, font_for(name, 20.0))
                .margin(8)
                .x_label_area_size(35)
                .y_label_area_size(0)
                .build_cartesian_2d(-extent..extent, -0.5f64..n as f64 - 0.5)
                .map_err(e)?;
            let counts = count_axis(-extent, extent);
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(0)
                .x_labels(5)
                .label_style(font_for("", 13.0))
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(BLACK.mix(0.08))
                .x_label_formatter(&|x| if name == "ΔK" { format!("{x:+.2}") } else { counts(x) })
                .draw()
                .map_err(e)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, -0.5), (0.0, n as f64 - 0.5)],
                    BLACK.stroke_width(1),
                )))
                .map_err(e)?;
            for (i, x) in r.effects.iter().enumerate() {
                // Largest first: at the top.
                let y = (n - 1 - i) as f64;
                let (down, up) = get(x);
                for (d, color) in [(down, BLUE), (up, ORANGE)] {
                    if let Some(d) = d {
                        chart
                            .draw_series(std::iter::once(Rectangle::new(
                                [(0.0, y - 0.3), (d.mean, y + 0.3)],
                                color.mix(0.8).filled(),
                            )))
                            .map_err(e)?;
                        if d.ci_low.is_finite() {
                            chart
                                .draw_series(std::iter::once(PathElement::new(
                                    vec![(d.ci_low, y), (d.ci_high, y)],
                                    BLACK.stroke_width(2),
                                )))
                                .map_err(e)?;
                        }
                    }
                }
                if label_ys.len() < n {
                    label_ys.push(chart.backend_coord(&(0.0, y)).1);
                }
            }
        }
        for (x, y) in r.effects.iter().zip(&label_ys) {
            let text = format!(
                "{} ({} → {} / {})",
                x.key,
                format_value(x.base),
                x.down.map_or("-".into(), format_value),
                x.up.map_or("-".into(), format_value)
            );
            let (_, top) = labels.get_base_pixel();
            labels.draw(&Text::new(text.clone(), (8, y - top - 8), font_for(&text, 13.0))).map_err(e)?;
        }
        Ok(())
    }
}
