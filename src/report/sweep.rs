//! `fission sweep`'s outputs: `sweep.csv` (a row per point, appended as it finishes),
//! `sweep.json`, the table and the charts (one key: K, reach and cost against the value
//! with their intervals and the tipping point; two keys: a heatmap of K with the K = 1
//! contour).

use super::html::t;
use super::plots::{Area, BLUE, Drawer, GREY, ORANGE, PlotError, font_for, headroom, render_both};
use super::ticks::count_axis;
use crate::plan::sweep::{TippingPoint, format_value};
use crate::stats::{Analysis, Estimate};
use plotters::prelude::*;

/// One point of a sweep.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SweepRow {
    /// The varied keys' values.
    pub values: Vec<f64>,
    /// Pooled K.
    pub k: Estimate,
    /// Mean final reach.
    pub reach: Estimate,
    /// Mean total cost.
    pub cost: Estimate,
    /// P(goal met), with a goal.
    pub p_goal: Option<Estimate>,
    /// Runs.
    pub runs: usize,
}

const COLUMNS: [&str; 15] = [
    "k",
    "k_ci_low",
    "k_ci_high",
    "k_std_error",
    "reach_mean",
    "reach_ci_low",
    "reach_ci_high",
    "cost_mean",
    "cost_ci_low",
    "cost_ci_high",
    "p_goal",
    "p_goal_ci_low",
    "p_goal_ci_high",
    "p_goal_std_error",
    "runs",
];

fn num(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

fn quote(key: &str) -> String {
    if key.contains([',', '"']) { format!("\"{}\"", key.replace('"', "\"\"")) } else { key.to_string() }
}

impl SweepRow {
    /// The row of a point's analysis.
    pub fn new(values: Vec<f64>, a: &Analysis, runs: usize) -> Self {
        Self {
            values,
            k: a.viral_coefficient,
            reach: a.mean_reach,
            cost: a.cost.mean_total,
            p_goal: a.goal.and_then(|g| g.reach_met),
            runs,
        }
    }

    /// Its line of `sweep.csv`.
    pub fn csv_line(&self) -> Vec<u8> {
        let mut cells: Vec<String> = self.values.iter().map(|&x| format_value(x)).collect();
        let e = |e: &Estimate| [num(e.value), num(e.ci_low), num(e.ci_high)];
        cells.extend(e(&self.k));
        cells.push(num(self.k.std_error));
        cells.extend(e(&self.reach));
        cells.extend(e(&self.cost));
        match &self.p_goal {
            Some(p) => {
                cells.extend(e(p));
                cells.push(num(p.std_error));
            }
            None => cells.extend([String::new(), String::new(), String::new(), String::new()]),
        }
        cells.push(self.runs.to_string());
        let mut line = cells.join(",");
        line.push('\n');
        line.into_bytes()
    }
}

/// Everything a sweep produced.
pub struct SweepReport {
    /// The scenario's name.
    pub scenario_name: String,
    /// The varied keys.
    pub keys: Vec<String>,
    /// Every point done, in the sweep's order.
    pub rows: Vec<SweepRow>,
    /// Whether every point is done.
    pub complete: bool,
    /// Where K crosses 1 (one key, every point done).
    pub tipping_point: Option<TippingPoint>,
    /// Runs per point.
    pub runs: usize,
    /// The master seed every point ran with.
    pub rng_seed: u64,
    /// The `--set`s applied at every point.
    pub overrides: Vec<String>,
    /// The resolved scenario (without the varied keys' values).
    pub scenario: serde_json::Value,
    /// Currency symbol.
    pub currency: String,
}

impl SweepReport {
    /// Whether the report's language is Chinese.
    pub fn zh(&self) -> bool {
        self.scenario.pointer("/report/language").and_then(|v| v.as_str()) == Some("zh")
    }

    /// The first line of `sweep.csv`.
    pub fn header(keys: &[String]) -> Vec<u8> {
        let mut cells: Vec<String> = keys.iter().map(|k| quote(k)).collect();
        cells.extend(COLUMNS.iter().map(|c| c.to_string()));
        let mut line = cells.join(",");
        line.push('\n');
        [super::BOM, line.as_bytes()].concat()
    }

    /// The rows of `sweep.csv` text with `keys` varied keys (the header and any line
    /// that does not parse skipped).
    pub fn read_rows(text: &str, keys: usize) -> Vec<SweepRow> {
        text.lines()
            .skip(1)
            .filter_map(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                if cells.len() != keys + COLUMNS.len() {
                    return None;
                }
                let f = |i: usize| cells[i].parse::<f64>().unwrap_or(f64::NAN);
                let values = (0..keys).map(f).collect::<Vec<_>>();
                if values.iter().any(|x| x.is_nan()) {
                    return None;
                }
                let runs = cells[keys + 14].parse::<usize>().ok()?;
                let est = |at: usize, se: Option<usize>| Estimate {
                    value: f(keys + at),
                    ci_low: f(keys + at + 1),
                    ci_high: f(keys + at + 2),
                    std_error: se.map_or((f(keys + at + 2) - f(keys + at + 1)) / 3.92, |s| f(keys + s)),
                    n: runs,
                };
                let p_goal = (!cells[keys + 10].is_empty()).then(|| est(10, Some(13)));
                Some(SweepRow { values, k: est(0, Some(3)), reach: est(4, None), cost: est(7, None), p_goal, runs })
            })
            .collect()
    }

    /// sweep.json, pretty-printed.
    pub fn json(&self) -> Vec<u8> {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            schema_version: u32,
            fission_version: &'static str,
            scenario_name: &'a str,
            varied: &'a [String],
            runs_per_point: usize,
            rng_seed: u64,
            points_done: usize,
            complete: bool,
            runs_spent: usize,
            tipping_point: Option<TippingPoint>,
            points: &'a [SweepRow],
            overrides: &'a [String],
            scenario: &'a serde_json::Value,
        }
        let mut v = serde_json::to_vec_pretty(&Json {
            schema_version: super::SCHEMA_VERSION,
            fission_version: crate::VERSION,
            scenario_name: &self.scenario_name,
            varied: &self.keys,
            runs_per_point: self.runs,
            rng_seed: self.rng_seed,
            points_done: self.rows.len(),
            complete: self.complete,
            runs_spent: self.rows.len() * self.runs,
            tipping_point: self.tipping_point,
            points: &self.rows,
            overrides: &self.overrides,
            scenario: &self.scenario,
        })
        .expect("sweep records always serialise");
        v.push(b'\n');
        v
    }

    /// The table printed at the end of a sweep, in the report's language.
    pub fn table(&self) -> String {
        let cur = &self.currency;
        let zh = self.zh();
        let mut s = if zh {
            format!(
                "{}: 扫描 {}, 每个取值点 {} 次模拟, 随机种子 {}\n",
                self.scenario_name,
                self.keys.join(" × "),
                self.runs,
                self.rng_seed
            )
        } else {
            format!(
                "{}: sweep of {}, {} runs per point, rng_seed {}\n",
                self.scenario_name,
                self.keys.join(" × "),
                self.runs,
                self.rng_seed
            )
        };
        let right = |text: &str, w: usize| {
            format!("{}{text}", " ".repeat(w.saturating_sub(unicode_width::UnicodeWidthStr::width(text))))
        };
        let head: Vec<String> = self.keys.iter().map(|k| format!("{k:>18}")).collect();
        s.push_str(&format!(
            "  {}  {}  {}  {}  {}\n",
            head.join(" "),
            right(t(zh, "K (95% CI)", "K (95% 置信区间)"), 22),
            right(t(zh, "reach", "覆盖人数"), 10),
            right(t(zh, "cost", "成本"), 12),
            t(zh, "P(goal)", "目标达成概率")
        ));
        for r in &self.rows {
            let vals: Vec<String> = r.values.iter().map(|&x| format!("{:>18}", format_value(x))).collect();
            s.push_str(&format!(
                "  {}  {:>22}  {:>10.0}  {:>12}  {}\n",
                vals.join(" "),
                format!("{:.3} ({:.3} – {:.3})", r.k.value, r.k.ci_low, r.k.ci_high),
                r.reach.value,
                format!("{cur}{:.0}", r.cost.value),
                r.p_goal.map_or("-".into(), |p| format!("{:.1}%", p.value * 100.0)),
            ));
        }
        if self.keys.len() == 1 && self.complete {
            match &self.tipping_point {
                Some(tp) => s.push_str(&format!(
                    "  {}: {} = {:.3} ({} {} – {})\n",
                    t(zh, "Tipping point (K = 1)", "临界点 (K = 1)"),
                    self.keys[0],
                    tp.value,
                    t(zh, "95% CI", "95% 置信区间"),
                    tp.ci_low.map_or(t(zh, "below the range", "低于扫描范围").into(), |x| format!("{x:.3}")),
                    tp.ci_high.map_or(t(zh, "beyond the range", "超出扫描范围").into(), |x| format!("{x:.3}")),
                )),
                None => s.push_str(&if zh {
                    format!("  临界点: 在此 {} 范围内 K 没有穿过 1\n", self.keys[0])
                } else {
                    format!("  Tipping point: K does not cross 1 over this range of {}\n", self.keys[0])
                }),
            }
        }
        s
    }

    /// The charts: (file stem, PNG, SVG).
    ///
    /// # Errors
    /// A chart that cannot be drawn.
    pub fn charts(&self) -> Result<Vec<(String, Vec<u8>, String)>, PlotError> {
        let provenance = format!(
            "fission {} | sweep of {} | rng_seed {} | runs {} | scenario: {}",
            crate::VERSION,
            self.keys.join(" x "),
            self.rng_seed,
            self.runs,
            self.scenario
        );
        let (png, svg) = render_both(&SweepChart { report: self }, &provenance)?;
        Ok(vec![("sweep".to_string(), png, svg)])
    }
}

/// A panel of the one-key chart: its name, what it reads of a point, its colour.
type Panel = (&'static str, fn(&SweepRow) -> Estimate, RGBColor);

struct SweepChart<'a> {
    report: &'a SweepReport,
}

impl Drawer for SweepChart<'_> {
    fn name(&self) -> &'static str {
        "sweep"
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        root.fill(&WHITE).map_err(e)?;
        let r = self.report;
        let footer = if r.zh() {
            format!("fission {} · 每个取值点 {} 次模拟 · 随机种子 {}", crate::VERSION, r.runs, r.rng_seed)
        } else {
            format!("fission {} · {} runs per point · seed {}", crate::VERSION, r.runs, r.rng_seed)
        };
        let style = font_for(&footer, 15.0);
        super::plots::draw_footer(root, footer, style)?;
        let area = root.margin(10, 30, 10, 25);
        if r.keys.len() == 1 { self.lines(&area) } else { self.heatmap(&area) }
    }
}

impl SweepChart<'_> {
    /// Three panels: K, reach and cost against the value, each with its 95% interval;
    /// K = 1 and the tipping point with its interval on the first.
    fn lines<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        let r = self.report;
        let zh = r.zh();
        let title = if zh {
            format!("{}: K、覆盖人数和成本随 {} 的变化", r.scenario_name, r.keys[0])
        } else {
            format!("{}: K, reach and cost against {}", r.scenario_name, r.keys[0])
        };
        let root = root.titled(&title, font_for(&title, 26.0)).map_err(e)?;
        let panels = root.split_evenly((3, 1));
        let xs: Vec<f64> = r.rows.iter().map(|p| p.values[0]).collect();
        let (x0, x1) =
            (xs.iter().copied().fold(f64::INFINITY, f64::min), xs.iter().copied().fold(f64::NEG_INFINITY, f64::max));
        let pad = ((x1 - x0) * 0.02).max(1e-9);
        let series: [Panel; 3] = [
            ("K", |p| p.k, BLUE),
            (t(zh, "Reach (people)", "覆盖人数"), |p| p.reach, ORANGE),
            (t(zh, "Cost (rewards + fixed)", "成本 (奖励 + 固定)"), |p| p.cost, RGBColor(44, 160, 44)),
        ];
        for (i, (panel, (name, get, color))) in panels.iter().zip(series).enumerate() {
            let est: Vec<Estimate> = r.rows.iter().map(get).collect();
            let top = est
                .iter()
                .map(|x| if x.ci_high.is_finite() { x.ci_high } else { x.value })
                .fold(if i == 0 { 1.2 } else { 1.0 }, f64::max);
            let mut chart = ChartBuilder::on(panel)
                .margin(8)
                .x_label_area_size(if i == 2 { 40 } else { 20 })
                .y_label_area_size(80)
                .build_cartesian_2d(x0 - pad..x1 + pad, 0f64..headroom(top))
                .map_err(e)?;
            let counts = count_axis(0.0, headroom(top));
            let desc = if i == 2 { format!("{name} ({})", r.currency) } else { name.to_string() };
            chart
                .configure_mesh()
                .y_desc(desc.as_str())
                .x_desc(if i == 2 { r.keys[0].as_str() } else { "" })
                .label_style(font_for("", 15.0))
                .axis_desc_style(font_for(&desc, 16.0))
                .light_line_style(WHITE.mix(0.0))
                .bold_line_style(BLACK.mix(0.08))
                .y_labels(4)
                .y_label_formatter(&|y| if i == 0 { format!("{y:.2}") } else { counts(y) })
                .draw()
                .map_err(e)?;
            let mut band: Vec<(f64, f64)> = xs.iter().zip(&est).map(|(&x, e)| (x, e.ci_high)).collect();
            band.extend(xs.iter().zip(&est).rev().map(|(&x, e)| (x, e.ci_low)));
            if band.iter().all(|p| p.1.is_finite()) {
                chart.draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled()))).map_err(e)?;
            }
            chart
                .draw_series(LineSeries::new(xs.iter().zip(&est).map(|(&x, e)| (x, e.value)), color.stroke_width(3)))
                .map_err(e)?;
            chart
                .draw_series(xs.iter().zip(&est).map(|(&x, e)| Circle::new((x, e.value), 4, color.filled())))
                .map_err(e)?;
            if i == 0 {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x0 - pad, 1.0), (x1 + pad, 1.0)],
                        GREY.stroke_width(2),
                    )))
                    .map_err(e)?;
                if let Some(t) = &r.tipping_point {
                    let (lo, hi) = (t.ci_low.unwrap_or(x0 - pad), t.ci_high.unwrap_or(x1 + pad));
                    chart
                        .draw_series(std::iter::once(Rectangle::new(
                            [(lo.min(hi), 0.0), (lo.max(hi), headroom(top))],
                            BLACK.mix(0.08).filled(),
                        )))
                        .map_err(e)?;
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![(t.value, 0.0), (t.value, headroom(top))],
                            BLACK.stroke_width(2),
                        )))
                        .map_err(e)?;
                    let label =
                        if zh { format!("K = 1 于 {:.3}", t.value) } else { format!("K = 1 at {:.3}", t.value) };
                    chart
                        .draw_series(std::iter::once(Text::new(
                            label.clone(),
                            (t.value + (x1 - x0) * 0.01, headroom(top) * 0.92),
                            font_for(&label, 15.0),
                        )))
                        .map_err(e)?;
                }
            }
        }
        Ok(())
    }

    /// A heatmap of K over the two keys, with the K = 1 contour: the cell edges across
    /// which K passes 1.
    fn heatmap<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        let r = self.report;
        let mut xs: Vec<f64> = r.rows.iter().map(|p| p.values[0]).collect();
        let mut ys: Vec<f64> = r.rows.iter().map(|p| p.values[1]).collect();
        for v in [&mut xs, &mut ys] {
            v.sort_by(f64::total_cmp);
            v.dedup();
        }
        let k_at = |i: usize, j: usize| {
            r.rows.iter().find(|p| p.values[0] == xs[i] && p.values[1] == ys[j]).map_or(f64::NAN, |p| p.k.value)
        };
        let title = if r.zh() {
            format!("{}: K 随 {} 和 {} 的变化 (K = 1 等值线)", r.scenario_name, r.keys[0], r.keys[1])
        } else {
            format!("{}: K over {} and {} (K = 1 contour)", r.scenario_name, r.keys[0], r.keys[1])
        };
        let mut chart = ChartBuilder::on(root)
            .caption(&title, font_for(&title, 26.0))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(-0.5f64..xs.len() as f64 - 0.5, -0.5f64..ys.len() as f64 - 0.5)
            .map_err(e)?;
        let (xl, yl) = (xs.clone(), ys.clone());
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(r.keys[0].as_str())
            .y_desc(r.keys[1].as_str())
            .label_style(font_for("", 16.0))
            .axis_desc_style(font_for("", 18.0))
            .x_labels(xs.len().min(12))
            .y_labels(ys.len().min(12))
            .x_label_formatter(&|x| label_at(&xl, *x))
            .y_label_formatter(&|y| label_at(&yl, *y))
            .draw()
            .map_err(e)?;
        // Blue below 1, orange above, paler nearer 1.
        let colour = |k: f64| {
            if !k.is_finite() {
                return WHITE;
            }
            let t = ((k - 1.0).abs() / 0.6).min(1.0);
            let (base, w) = (if k < 1.0 { BLUE } else { ORANGE }, 0.15 + 0.85 * t);
            RGBColor(
                (255.0 + (base.0 as f64 - 255.0) * w) as u8,
                (255.0 + (base.1 as f64 - 255.0) * w) as u8,
                (255.0 + (base.2 as f64 - 255.0) * w) as u8,
            )
        };
        for i in 0..xs.len() {
            for j in 0..ys.len() {
                let k = k_at(i, j);
                let (x, y) = (i as f64, j as f64);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                        colour(k).filled(),
                    )))
                    .map_err(e)?;
                if xs.len() * ys.len() <= 150 && k.is_finite() {
                    let label = format!("{k:.2}");
                    // White on the darker cells, far from K = 1.
                    let ink = if (k - 1.0).abs() > 0.35 { WHITE } else { BLACK };
                    chart
                        .draw_series(std::iter::once(Text::new(
                            label.clone(),
                            (x - 0.18, y + 0.08),
                            font_for(&label, 14.0).color(&ink),
                        )))
                        .map_err(e)?;
                }
            }
        }
        let mut contour = Vec::new();
        for i in 0..xs.len() {
            for j in 0..ys.len() {
                let k = k_at(i, j) - 1.0;
                let (x, y) = (i as f64, j as f64);
                if i + 1 < xs.len() && k * (k_at(i + 1, j) - 1.0) < 0.0 {
                    contour.push(vec![(x + 0.5, y - 0.5), (x + 0.5, y + 0.5)]);
                }
                if j + 1 < ys.len() && k * (k_at(i, j + 1) - 1.0) < 0.0 {
                    contour.push(vec![(x - 0.5, y + 0.5), (x + 0.5, y + 0.5)]);
                }
            }
        }
        chart.draw_series(contour.into_iter().map(|seg| PathElement::new(seg, BLACK.stroke_width(4)))).map_err(e)?;
        Ok(())
    }
}

fn label_at(values: &[f64], at: f64) -> String {
    let i = at.round();
    if (at - i).abs() < 1e-6 && i >= 0.0 {
        values.get(i as usize).map_or(String::new(), |&v| format_value(v))
    } else {
        String::new()
    }
}
