//! `fission compare`'s outputs: `compare.json`, `compare.csv`, the table, and three
//! charts (growth of every design with its band, K with its interval per design, cost
//! against reach).

use super::html::t;
use super::plots::{Area, BLUE, Drawer, GREY, ORANGE, PlotError, font_for, headroom, render_both};
use super::text::pad;
use super::ticks::count_axis;
use crate::plan::Comparison;
use crate::plan::paired::Difference;
use crate::stats::Analysis;
use plotters::prelude::*;
use serde::Serialize;
use unicode_width::UnicodeWidthStr;

/// One design as the comparison's report reads it.
pub struct ComparedDesign<'a> {
    /// The scenario's name.
    pub name: String,
    /// Its estimates (daily bands for the growth chart).
    pub analysis: &'a Analysis,
}

/// Everything a comparison produced, ready to be written.
pub struct CompareReport<'a> {
    /// The comparison.
    pub comparison: &'a Comparison,
    /// The designs, in the order given.
    pub designs: Vec<ComparedDesign<'a>>,
    /// Runs per design.
    pub runs: usize,
    /// The master seed every design ran with.
    pub rng_seed: u64,
    /// Whether every design ran on the same graph (else not paired on the graph).
    pub same_graph: bool,
    /// The resolved scenarios, as JSON, in order.
    pub scenarios: Vec<serde_json::Value>,
    /// The `--set`s applied to every design.
    pub overrides: Vec<String>,
    /// Seconds the runs took (printed, not written: the files are byte-identical
    /// whatever the machine).
    pub seconds: f64,
}

#[derive(Serialize)]
struct CompareJson<'a> {
    schema_version: u32,
    fission_version: &'static str,
    rng_seed: u64,
    runs_per_design: usize,
    runs_spent: usize,
    same_graph: bool,
    overrides: &'a [String],
    #[serde(flatten)]
    comparison: &'a Comparison,
    scenarios: &'a [serde_json::Value],
}

const PALETTE: [RGBColor; 6] =
    [BLUE, ORANGE, RGBColor(44, 160, 44), RGBColor(148, 103, 189), RGBColor(140, 86, 75), RGBColor(227, 119, 194)];

impl CompareReport<'_> {
    /// Whether the report's language (the first design's) is Chinese.
    pub fn zh(&self) -> bool {
        self.scenarios.first().and_then(|s| s.pointer("/report/language")).and_then(|v| v.as_str()) == Some("zh")
    }

    /// compare.json, pretty-printed.
    pub fn json(&self) -> Vec<u8> {
        let record = CompareJson {
            schema_version: super::SCHEMA_VERSION,
            fission_version: crate::VERSION,
            rng_seed: self.rng_seed,
            runs_per_design: self.runs,
            runs_spent: self.runs * self.designs.len(),
            same_graph: self.same_graph,
            overrides: &self.overrides,
            comparison: self.comparison,
            scenarios: &self.scenarios,
        };
        let mut v = serde_json::to_vec_pretty(&record).expect("comparison records always serialise");
        v.push(b'\n');
        v
    }

    /// compare.csv: one row per design with its figures and, after the first, its
    /// differences from the first.
    pub fn csv(&self) -> Vec<u8> {
        #[derive(Serialize)]
        struct Row<'r> {
            design: &'r str,
            file: &'r str,
            k: f64,
            k_ci_low: f64,
            k_ci_high: f64,
            reach_mean: f64,
            reach_ci_low: f64,
            reach_ci_high: f64,
            cost_mean: f64,
            cost_per_participant: f64,
            p_goal: Option<f64>,
            dk: Option<f64>,
            dk_ci_low: Option<f64>,
            dk_ci_high: Option<f64>,
            dk_p_value: Option<f64>,
            dreach: Option<f64>,
            dreach_ci_low: Option<f64>,
            dreach_ci_high: Option<f64>,
            dcost: Option<f64>,
            dcost_ci_low: Option<f64>,
            dcost_ci_high: Option<f64>,
            variance_reduction_reach: Option<f64>,
        }
        let mut out = super::BOM.to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            for (i, d) in self.comparison.designs.iter().enumerate() {
                let diff = i.checked_sub(1).map(|j| &self.comparison.differences[j]);
                let part = |f: fn(&crate::plan::compare::DesignDifferences) -> &Difference| diff.map(f);
                w.serialize(Row {
                    design: &d.name,
                    file: &d.file,
                    k: d.k.value,
                    k_ci_low: d.k.ci_low,
                    k_ci_high: d.k.ci_high,
                    reach_mean: d.reach.value,
                    reach_ci_low: d.reach.ci_low,
                    reach_ci_high: d.reach.ci_high,
                    cost_mean: d.cost.value,
                    cost_per_participant: d.cost_per_participant.value,
                    p_goal: d.p_goal.map(|p| p.value),
                    dk: part(|x| &x.k).map(|x| x.mean),
                    dk_ci_low: part(|x| &x.k).map(|x| x.ci_low),
                    dk_ci_high: part(|x| &x.k).map(|x| x.ci_high),
                    dk_p_value: part(|x| &x.k).map(|x| x.p_value),
                    dreach: part(|x| &x.reach).map(|x| x.mean),
                    dreach_ci_low: part(|x| &x.reach).map(|x| x.ci_low),
                    dreach_ci_high: part(|x| &x.reach).map(|x| x.ci_high),
                    dcost: part(|x| &x.cost).map(|x| x.mean),
                    dcost_ci_low: part(|x| &x.cost).map(|x| x.ci_low),
                    dcost_ci_high: part(|x| &x.cost).map(|x| x.ci_high),
                    variance_reduction_reach: part(|x| &x.reach).map(|x| x.variance_reduction),
                })
                .expect("writing CSV to memory cannot fail");
            }
            w.flush().expect("writing CSV to memory cannot fail");
        }
        out
    }

    /// The table printed at the end of a comparison, in the report's language, lined
    /// up by display width (a Chinese name is two columns a character).
    pub fn table(&self, currency: &str) -> String {
        let c = self.comparison;
        let zh = self.zh();
        let mut s = String::new();
        s.push_str(&if zh {
            format!(
                "{} 个方案, 每个 {} 次模拟, 随机种子 {}{}\n",
                c.designs.len(),
                self.runs,
                self.rng_seed,
                if self.same_graph {
                    ", 同一社交网络, 共同随机数"
                } else {
                    " (社交网络不同: 未按网络配对)"
                }
            )
        } else {
            format!(
                "{} designs, {} runs each, rng_seed {}{}\n",
                c.designs.len(),
                self.runs,
                self.rng_seed,
                if self.same_graph {
                    ", one graph, common random numbers"
                } else {
                    " (different graphs: not paired on the graph)"
                }
            )
        });
        let shown: Vec<String> = c.designs.iter().map(|d| truncate_width(&d.name, 40)).collect();
        let width = shown.iter().map(|n| UnicodeWidthStr::width(n.as_str())).max().unwrap_or(6).max(6);
        let right =
            |text: &str, w: usize| format!("{}{text}", " ".repeat(w.saturating_sub(UnicodeWidthStr::width(text))));
        let head = if zh {
            ["方案", "K (95% 置信区间)", "覆盖人数", "成本", "每人成本", "目标达成概率"]
        } else {
            ["design", "K (95% CI)", "reach", "cost", "per person", "P(goal)"]
        };
        s.push_str(&format!(
            "  {}  {}  {}  {}  {}  {}\n",
            pad(head[0], width),
            right(head[1], 22),
            right(head[2], 10),
            right(head[3], 12),
            right(head[4], 10),
            head[5]
        ));
        for (d, name) in c.designs.iter().zip(&shown) {
            s.push_str(&format!(
                "  {}  {:>22}  {:>10.0}  {:>12}  {:>10}  {}\n",
                pad(name, width),
                format!("{:.3} ({:.3} – {:.3})", d.k.value, d.k.ci_low, d.k.ci_high),
                d.reach.value,
                format!("{currency}{:.0}", d.cost.value),
                format!("{currency}{:.2}", d.cost_per_participant.value),
                d.p_goal.map_or("-".to_string(), |p| format!("{:.1}%", p.value * 100.0)),
            ));
        }
        for d in &c.differences {
            s.push_str(&if zh {
                format!("  {} 对比 {} (配对):\n", d.design, d.against)
            } else {
                format!("  {} against {} (paired):\n", d.design, d.against)
            });
            let line = |name: &str, x: &Difference, digits: usize| {
                if zh {
                    format!(
                        "    {} {:+.digits$}  (95% 置信区间 {:+.digits$} – {:+.digits$}; {}; 方差缩减 {})\n",
                        pad(name, 24),
                        x.mean,
                        x.ci_low,
                        x.ci_high,
                        format_p(x.p_value),
                        format_reduction(x.variance_reduction, true),
                    )
                } else {
                    format!(
                        "    {} {:+.digits$}  (95% CI {:+.digits$} – {:+.digits$}; {}; variance reduction {})\n",
                        pad(name, 24),
                        x.mean,
                        x.ci_low,
                        x.ci_high,
                        format_p(x.p_value),
                        format_reduction(x.variance_reduction, false),
                    )
                }
            };
            s.push_str(&line("ΔK", &d.k, 3));
            s.push_str(&line(t(zh, "Δ reach (people)", "Δ 覆盖人数"), &d.reach, 1));
            s.push_str(&line(&format!("{} ({currency})", t(zh, "Δ cost", "Δ 成本")), &d.cost, 0));
            s.push_str(&line(
                &format!("{} ({currency})", t(zh, "Δ cost per person", "Δ 每人成本")),
                &d.cost_per_participant,
                2,
            ));
            if let Some(p) = &d.p_goal {
                s.push_str(&line(t(zh, "Δ P(goal met)", "Δ 目标达成概率"), p, 3));
            }
        }
        s.push_str(&if zh {
            format!("  {} 次模拟, 用时 {:.2} 秒\n", self.runs * self.designs.len(), self.seconds)
        } else {
            format!("  {} runs in {:.2} s\n", self.runs * self.designs.len(), self.seconds)
        });
        s
    }

    /// Every chart: (file stem, PNG, SVG).
    ///
    /// # Errors
    /// A chart that cannot be drawn.
    pub fn charts(&self) -> Result<Vec<(String, Vec<u8>, String)>, PlotError> {
        let provenance = format!(
            "fission {} | compare | rng_seed {} | runs {} | designs: {}",
            crate::VERSION,
            self.rng_seed,
            self.runs,
            self.designs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join(" / ")
        );
        let mut out = Vec::new();
        for kind in [Kind::Growth, Kind::K, Kind::CostReach] {
            let (png, svg) = render_both(&CompareChart { kind, report: self }, &provenance)?;
            out.push((kind.stem().to_string(), png, svg));
        }
        Ok(out)
    }
}

/// `s` cut to at most `width` display columns, with an ellipsis when cut.
fn truncate_width(s: &str, width: usize) -> String {
    if UnicodeWidthStr::width(s) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for ch in s.chars() {
        if UnicodeWidthStr::width(out.as_str()) + unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0) + 1 > width {
            break;
        }
        out.push(ch);
    }
    out + "…"
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width { s.to_string() } else { s.chars().take(width - 1).collect::<String>() + "…" }
}

fn format_p(p: f64) -> String {
    match p {
        p if p < 1e-4 => "p < 0.0001".to_string(),
        p => format!("p = {p:.4}"),
    }
}

fn format_reduction(r: f64, zh: bool) -> String {
    match r {
        r if r.is_infinite() => {
            t(zh, "∞ (the difference is the same in every run)", "∞ (每次模拟的差异都相同)").to_string()
        }
        r if r.is_nan() => "-".to_string(),
        r => format!("{r:.1}×"),
    }
}

/// The comparison's charts, by file stem, in order.
pub const CHART_STEMS: [&str; 3] = ["compare-growth", "compare-k", "compare-cost-reach"];

#[derive(Clone, Copy)]
enum Kind {
    Growth,
    K,
    CostReach,
}

impl Kind {
    fn stem(self) -> &'static str {
        match self {
            Kind::Growth => CHART_STEMS[0],
            Kind::K => CHART_STEMS[1],
            Kind::CostReach => CHART_STEMS[2],
        }
    }
}

struct CompareChart<'a, 'r> {
    kind: Kind,
    report: &'a CompareReport<'r>,
}

impl Drawer for CompareChart<'_, '_> {
    fn name(&self) -> &'static str {
        self.kind.stem()
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        root.fill(&WHITE).map_err(e)?;
        let r = self.report;
        let zh = r.zh();
        let footer = if zh {
            format!("fission {} · 每个方案 {} 次模拟 · 随机种子 {}", crate::VERSION, r.runs, r.rng_seed)
        } else {
            format!("fission {} · {} runs per design · seed {}", crate::VERSION, r.runs, r.rng_seed)
        };
        let style = font_for(&footer, 15.0);
        super::plots::draw_footer(root, footer, style)?;
        let area = root.margin(10, 30, 10, 25);
        match self.kind {
            Kind::Growth => self.growth(&area),
            Kind::K => self.k(&area),
            Kind::CostReach => self.cost_reach(&area),
        }
    }
}

impl CompareChart<'_, '_> {
    fn legend_font(&self) -> TextStyle<'static> {
        let any_cjk =
            self.report.zh() || self.report.designs.iter().any(|d| d.name.chars().any(|c| c as u32 >= 0x2E80));
        font_for(if any_cjk { "中" } else { "" }, 18.0)
    }

    fn growth<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        let designs = &self.report.designs;
        let days = designs.iter().map(|d| d.analysis.daily.len()).max().unwrap_or(1).saturating_sub(1).max(1) as f64;
        let top = designs.iter().flat_map(|d| d.analysis.daily.iter().map(|x| x.cumulative.p95)).fold(0.0, f64::max);
        let zh = self.report.zh();
        let title = t(
            zh,
            "Designs compared: participants by day (median, 90% of runs)",
            "方案对比: 每日累计参与人数 (中位数, 90% 模拟区间)",
        );
        let mut chart = ChartBuilder::on(root)
            .caption(title, font_for(title, 28.0))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(0f64..days * 1.005, 0f64..headroom(top))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(t(zh, "Day of campaign", "活动天数"))
            .y_desc(t(zh, "Participants, cumulative (people)", "累计参与人数"))
            .label_style(font_for("", 18.0))
            .axis_desc_style(font_for(t(zh, "", "中"), 20.0))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .y_label_formatter(&count_axis(0.0, headroom(top)))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .draw()
            .map_err(e)?;
        for (i, d) in designs.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let daily = &d.analysis.daily;
            let mut band: Vec<(f64, f64)> = daily.iter().map(|x| (x.day as f64, x.cumulative.p95)).collect();
            band.extend(daily.iter().rev().map(|x| (x.day as f64, x.cumulative.p05)));
            chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.12).filled()))).map_err(e)?;
            chart
                .draw_series(LineSeries::new(
                    daily.iter().map(|x| (x.day as f64, x.cumulative.p50)),
                    color.stroke_width(3),
                ))
                .map_err(e)?
                .label(d.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(3)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(self.legend_font())
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(e)
    }

    fn k<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        let designs = &self.report.comparison.designs;
        let n = designs.len() as f64;
        let top = designs
            .iter()
            .map(|d| if d.k.ci_high.is_finite() { d.k.ci_high } else { d.k.value })
            .fold(1.2f64, f64::max);
        let zh = self.report.zh();
        let title =
            t(zh, "Designs compared: viral coefficient K with 95% intervals", "方案对比: 病毒系数 K 及 95% 置信区间");
        let mut chart = ChartBuilder::on(root)
            .caption(title, font_for(title, 28.0))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(80)
            .build_cartesian_2d(-0.5f64..n - 0.5, 0f64..headroom(top))
            .map_err(e)?;
        let names: Vec<String> = designs.iter().map(|d| truncate(&d.name, 28)).collect();
        chart
            .configure_mesh()
            .y_desc(t(zh, "K (new participants per participant)", "K (每位参与者带来的新参与者)"))
            .label_style(self.legend_font())
            .axis_desc_style(font_for(t(zh, "", "中"), 20.0))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_labels(designs.len())
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-6 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .draw()
            .map_err(e)?;
        chart
            .draw_series(std::iter::once(PathElement::new(vec![(-0.5, 1.0), (n - 0.5, 1.0)], GREY.stroke_width(2))))
            .map_err(e)?;
        for (i, d) in designs.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let x = i as f64;
            if d.k.ci_low.is_finite() {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_vertical(
                        x,
                        d.k.ci_low,
                        d.k.value,
                        d.k.ci_high,
                        color.stroke_width(3),
                        20,
                    )))
                    .map_err(e)?;
            }
            chart.draw_series(std::iter::once(Circle::new((x, d.k.value), 7, color.filled()))).map_err(e)?;
            let label = format!("{:.3}", d.k.value);
            chart
                .draw_series(std::iter::once(Text::new(label.clone(), (x + 0.06, d.k.value), font_for(&label, 18.0))))
                .map_err(e)?;
        }
        Ok(())
    }

    fn cost_reach<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        let designs = &self.report.comparison.designs;
        let x_top = designs.iter().map(|d| d.reach.ci_high.max(d.reach.value)).fold(1.0, f64::max);
        let y_top = designs.iter().map(|d| d.cost.ci_high.max(d.cost.value)).fold(1.0, f64::max);
        let zh = self.report.zh();
        let title = t(
            zh,
            "Designs compared: mean cost against mean reach (95% intervals)",
            "方案对比: 平均成本与平均覆盖人数 (95% 置信区间)",
        );
        let mut chart = ChartBuilder::on(root)
            .caption(title, font_for(title, 28.0))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(0f64..headroom(x_top), 0f64..headroom(y_top))
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(t(zh, "Final reach (people), mean", "最终覆盖人数 (均值)"))
            .y_desc(t(zh, "Total cost (rewards + fixed), mean", "总成本 (奖励 + 固定, 均值)"))
            .label_style(font_for("", 18.0))
            .axis_desc_style(font_for(t(zh, "", "中"), 20.0))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_label_formatter(&count_axis(0.0, headroom(x_top)))
            .y_label_formatter(&count_axis(0.0, headroom(y_top)))
            .draw()
            .map_err(e)?;
        for (i, d) in designs.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let (x, y) = (d.reach.value, d.cost.value);
            if d.reach.ci_low.is_finite() {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_horizontal(
                        y,
                        d.reach.ci_low,
                        x,
                        d.reach.ci_high,
                        color.stroke_width(2),
                        12,
                    )))
                    .map_err(e)?;
            }
            if d.cost.ci_low.is_finite() {
                chart
                    .draw_series(std::iter::once(ErrorBar::new_vertical(
                        x,
                        d.cost.ci_low,
                        y,
                        d.cost.ci_high,
                        color.stroke_width(2),
                        12,
                    )))
                    .map_err(e)?;
            }
            chart
                .draw_series(std::iter::once(Circle::new((x, y), 7, color.filled())))
                .map_err(e)?
                .label(d.name.clone())
                .legend(move |(x, y)| Circle::new((x + 12, y), 6, color.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .label_font(self.legend_font())
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(e)
    }
}
