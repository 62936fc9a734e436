//! The degree distribution chart of `fission graph --chart`: a graph's degrees on
//! log-log axes, with its mean degree and clustering.

use super::plots::{Area, BLUE, Drawer, GREY, PlotError, SIZE, font_for, render_both};
use super::ticks::{format_percent, log_count, log_ticks};
use crate::graph::analysis::GraphStats;
use crate::scenario::Language;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

struct DegreeChart<'a> {
    stats: &'a GraphStats,
    title: &'a str,
    language: Language,
}

impl Drawer for DegreeChart<'_> {
    fn name(&self) -> &'static str {
        "degrees"
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
        root.fill(&WHITE).map_err(e)?;
        let zh = self.language == Language::Chinese;
        let s = self.stats;
        let footer = format!(
            "fission {} · {} {} · {} {}",
            crate::VERSION,
            s.nodes,
            if zh { "人" } else { "people" },
            s.edges,
            if zh { "条关系" } else { "ties" }
        );
        let small = if zh { font_for("中", 15.0) } else { font_for("", 15.0) };
        root.draw(&Text::new(
            footer,
            (SIZE.0 as i32 - 16, SIZE.1 as i32 - 10),
            small.color(&GREY).pos(Pos::new(HPos::Right, VPos::Bottom)),
        ))
        .map_err(e)?;
        let area = root.margin(10, 30, 10, 25);
        let n = s.nodes.max(1) as f64;
        let points: Vec<(f64, f64)> = s
            .degree_counts
            .iter()
            .enumerate()
            .filter(|&(k, &c)| k > 0 && c > 0)
            .map(|(k, &c)| (k as f64, c as f64 / n))
            .collect();
        let x_max = (s.max_degree.max(2) as f64) * 1.5;
        let y_min = (1.0 / n) * 0.5;
        let title = format!(
            "{}: {}",
            self.title,
            match (zh, s.directed) {
                (true, false) => "好友数分布",
                (true, true) => "出度分布",
                (false, false) => "degree distribution",
                (false, true) => "out-degree distribution",
            }
        );
        let axis = if zh { font_for("中", 20.0) } else { font_for("", 20.0) };
        let mut chart = ChartBuilder::on(&area)
            .caption(&title, font_for(&title, 30.0))
            .margin(12)
            .x_label_area_size(55)
            .y_label_area_size(95)
            .build_cartesian_2d(
                (0.8f64..x_max).log_scale().with_key_points(log_ticks(1.0, x_max)),
                (y_min..1.0f64).log_scale().with_key_points(log_ticks(y_min, 1.0)),
            )
            .map_err(e)?;
        chart
            .configure_mesh()
            .x_desc(match (zh, s.directed) {
                (true, false) => "好友数 k (对数刻度)",
                (true, true) => "可触达人数 k (出度, 对数刻度)",
                (false, false) => "Friends k (log scale)",
                (false, true) => "People one reaches k (out-degree, log scale)",
            })
            .y_desc(match (zh, s.directed) {
                (true, false) => "好友数为 k 的人所占比例 (%, 对数刻度)",
                (true, true) => "可触达 k 人的人所占比例 (%, 对数刻度)",
                (false, false) => "Share of people with k friends (%, log scale)",
                (false, true) => "Share of people reaching k others (%, log scale)",
            })
            .label_style(font_for("", 18.0))
            .axis_desc_style(axis.clone())
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(BLACK.mix(0.08))
            .x_label_formatter(&|x| log_count(*x))
            .y_label_formatter(&|y| format_percent(*y))
            .draw()
            .map_err(e)?;
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 4, BLUE.mix(0.8).filled()))).map_err(e)?;
        // (The CJK font has no angle brackets and no minus sign.)
        let threshold = s.threshold_formula(zh);
        let clustering = super::format_coefficient(s.average_clustering);
        let (k, max) = (s.mean_degree, s.max_degree);
        // (∞, as the table writes it, rather than Rust's "inf"; both fonts have it.)
        let t = match s.epidemic_threshold {
            t if t.is_infinite() => "∞".to_string(),
            t => format!("{t:.4}"),
        };
        let mut note = if zh {
            format!("<k> = {k:.2}, 最大 {max}, 聚类系数 {clustering}, 传播阈值 {threshold} = {t}")
        } else {
            format!("⟨k⟩ = {k:.2}, max {max}, clustering {clustering}, threshold {threshold} = {t}")
        };
        // (A log scale has no room for k = 0.)
        match s.degree_counts.first() {
            Some(&none) if none > 0 && zh => note += &format!(", k = 0 的 {none} 人未画出"),
            Some(&none) if none > 0 => {
                note += &format!(", {none} {} with k = 0 (not shown)", if none == 1 { "person" } else { "people" })
            }
            _ => {}
        }
        area.draw(&Text::new(note.as_str(), (130, 80), font_for(&note, 18.0).color(&BLACK))).map_err(e)?;
        Ok(())
    }
}

/// Renders the degree distribution of a graph (log-log) as PNG and SVG.
///
/// # Errors
/// [`PlotError`] when drawing fails.
pub fn render_degree_distribution(
    stats: &GraphStats,
    title: &str,
    language: Language,
) -> Result<(Vec<u8>, String), PlotError> {
    let provenance = format!("fission {} | degree distribution of {title}", crate::VERSION);
    render_both(&DegreeChart { stats, title, language }, &provenance)
}
