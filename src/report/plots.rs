//! Charts for proposals, as PNG and SVG: `growth` (cumulative participants by day,
//! median with 50% and 90% bands and the viral-loop formula), `reach` (distribution of
//! final reach) and `generations` (K per generation with 95% intervals).
//!
//! Plots read only report records (the analysis), never the engine. PNG text is drawn
//! by `glyphs.rs` with the bundled fonts (Noto Sans CJK SC subset to GB2312 and Big5,
//! then DejaVu Sans), so PNGs look the same on every machine and Chinese titles,
//! simplified or traditional, render; SVGs name CJK-capable font families first.

pub use super::degrees::render_degree_distribution;
use super::ticks::{count_axis, format_count};
use super::{RunReport, labels};
use crate::scenario::Language;
use crate::stats::Distribution;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontFamily;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Font family for text with Chinese characters: the bundled Noto Sans SC subset is
/// registered under this name for PNGs; in SVGs it is the CSS font list the viewer
/// resolves, CJK-capable families first.
const CJK_FONT: &str = "Noto Sans SC, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif";
pub(super) static CJK_FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-gb2312-big5.otf");
/// Font family for Latin-only text (bundled DejaVu Sans, whose word spaces read better
/// than Noto's); `glyphs.rs` falls back to the CJK font for anything it lacks.
const LATIN_FONT: &str = "DejaVu Sans, Noto Sans SC, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif";
pub(super) static LATIN_FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// Chart size in pixels: readable on a slide or a printed A4 page.
pub const SIZE: (u32, u32) = (1200, 750);

/// A chart could not be drawn (or, named by its file, another output written).
#[derive(Debug, thiserror::Error)]
pub struct PlotError {
    pub(super) chart: &'static str,
    pub(super) message: String,
}

impl std::fmt::Display for PlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.chart.contains('.') {
            write!(f, "writing {}: {}", self.chart, self.message)
        } else {
            write!(f, "drawing the {} chart: {}", self.chart, self.message)
        }
    }
}

/// The charts fission draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Cumulative participants over days.
    Growth,
    /// Distribution of final reach.
    Reach,
    /// K per generation.
    Generations,
    /// Cumulative cost by day against the budget (campaigns that cost something).
    Cost,
}

impl Chart {
    /// Every chart, in output order.
    pub const ALL: &'static [Chart] = &[Chart::Growth, Chart::Reach, Chart::Generations, Chart::Cost];

    /// Whether `report` has this chart: the cost chart only for a campaign that pays
    /// something, has fixed costs or states a budget.
    pub fn applies(self, report: &RunReport) -> bool {
        match self {
            Chart::Cost => {
                let c = &report.analysis.cost;
                c.budget.is_some() || c.total.max > 0.0
            }
            _ => true,
        }
    }

    /// File name without extension.
    pub fn file_stem(self) -> &'static str {
        match self {
            Chart::Growth => "growth",
            Chart::Reach => "reach",
            Chart::Generations => "generations",
            Chart::Cost => "cost",
        }
    }
}

fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        plotters::style::register_font(CJK_FONT, FontStyle::Normal, CJK_FONT_BYTES)
            .map_err(|_| ())
            .expect("the bundled CJK font is a valid OpenType font");
        plotters::style::register_font(LATIN_FONT, FontStyle::Normal, LATIN_FONT_BYTES)
            .map_err(|_| ())
            .expect("the bundled Latin font is a valid TrueType font");
    });
}

/// The text style for `text`: the CJK font when it has a character beyond Latin and
/// punctuation, the Latin font otherwise.
pub(super) fn font_for(text: &str, size: f64) -> TextStyle<'static> {
    let family = if text.chars().any(|c| c as u32 >= 0x2E80) { CJK_FONT } else { LATIN_FONT };
    TextStyle::from((FontFamily::Name(family), size).into_font())
}

/// The style for labels whose text is not known in advance (axis ticks, legends):
/// CJK when the chart language is Chinese.
fn font_lang(report: &RunReport, size: f64) -> TextStyle<'static> {
    match report.scenario.report.language {
        Language::Chinese => font_for("中", size),
        Language::English => font_for("", size),
    }
}

pub(super) const BLUE: RGBColor = RGBColor(31, 94, 168);
pub(super) const ORANGE: RGBColor = RGBColor(214, 96, 32);
pub(super) const GREY: RGBColor = RGBColor(110, 110, 110);

/// Something that draws one chart on any plotters backend.
pub(super) trait Drawer {
    fn name(&self) -> &'static str;
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String>;
}

/// Renders a drawer as PNG bytes (with `provenance` in iTXt chunks) and as an SVG
/// string (with the same in a comment).
pub(super) fn render_both(drawer: &impl Drawer, provenance: &str) -> Result<(Vec<u8>, String), PlotError> {
    register_font();
    let err = |e: String| PlotError { chart: drawer.name(), message: e };
    let mut rgb = vec![255u8; (SIZE.0 * SIZE.1 * 3) as usize];
    {
        let root = super::glyphs::GlyphBackend(BitMapBackend::with_buffer(&mut rgb, SIZE)).into_drawing_area();
        drawer.draw(&root).map_err(err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        drawer.draw(&root).map_err(err)?;
        root.present().map_err(|e| err(e.to_string()))?;
    }
    let svg = match svg.find('>') {
        Some(i) => format!("{}>\n<!-- {} -->{}", &svg[..i], provenance.replace("--", "- -"), &svg[i + 1..]),
        None => svg,
    };
    let png = encode_png(&rgb, provenance).map_err(|e| err(e.to_string()))?;
    Ok((png, svg))
}

/// A planning command's one chart, as (file stem, PNG, SVG), its provenance naming the
/// command, the seed, the runs and the resolved scenario.
pub(super) fn plan_chart(
    command: &str,
    stem: &str,
    drawer: &impl Drawer,
    (rng_seed, runs): (u64, usize),
    scenario: &serde_json::Value,
) -> Result<Vec<(String, Vec<u8>, String)>, PlotError> {
    let provenance =
        format!("fission {} | {command} | rng_seed {rng_seed} | runs {runs} | scenario: {scenario}", crate::VERSION);
    let (png, svg) = render_both(drawer, &provenance)?;
    Ok(vec![(stem.to_string(), png, svg)])
}

struct RunChart<'a, 'r> {
    chart: Chart,
    report: &'a RunReport<'r>,
}

impl Drawer for RunChart<'_, '_> {
    fn name(&self) -> &'static str {
        self.chart.file_stem()
    }
    fn draw<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), String> {
        draw(self.chart, self.report, root)
    }
}

/// Renders `chart` as PNG bytes (with the seed, version and resolved scenario in iTXt
/// chunks) and as an SVG string (with the same in a comment).
///
/// # Errors
/// [`PlotError`] when drawing fails.
pub fn render(chart: Chart, report: &RunReport) -> Result<(Vec<u8>, String), PlotError> {
    render_both(&RunChart { chart, report }, &provenance(report))
}

fn provenance(report: &RunReport) -> String {
    let s = report.scenario;
    format!(
        "fission {} | rng_seed {} | runs {} | scenario: {}",
        crate::VERSION,
        s.simulation.rng_seed,
        s.simulation.runs,
        s.to_resolved_json()
    )
}

fn encode_png(rgb: &[u8], provenance: &str) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, SIZE.0, SIZE.1);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Balanced);
        encoder.add_text_chunk("Software".into(), format!("fission {}", crate::VERSION))?;
        encoder.add_itxt_chunk("Description".into(), provenance.into())?;
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

pub(super) type Area<'a, DB> = DrawingArea<DB, plotters::coord::Shift>;

fn draw<DB: DrawingBackend>(chart: Chart, report: &RunReport, root: &Area<DB>) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    root.fill(&WHITE).map_err(e)?;
    let l = labels(report.scenario.report.language);
    let s = report.scenario;
    let footer = format!(
        "fission {} · {} {} · {} {} · {}",
        crate::VERSION,
        s.simulation.runs,
        if s.simulation.runs == 1 { l.run_word } else { l.runs_word },
        l.seed_word,
        s.simulation.rng_seed,
        report.graph_description()
    );
    draw_footer(root, footer, font_lang(report, 15.0))?;
    let area = root.margin(10, 30, 10, 25);
    match chart {
        Chart::Growth => growth(report, &area),
        Chart::Reach => reach(report, &area),
        Chart::Generations => generations(report, &area),
        Chart::Cost => cost(report, &area),
    }
}

fn title(report: &RunReport, suffix: &str) -> String {
    format!("{}: {}", report.scenario.name, suffix)
}

/// A y-axis top a little above `max`, at least 1.
pub(super) fn headroom(max: f64) -> f64 {
    (max * 1.08).max(1.0)
}

fn growth<DB: DrawingBackend>(report: &RunReport, root: &Area<DB>) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let l = labels(report.scenario.report.language);
    let a = report.analysis;
    let days = a.daily.len().saturating_sub(1).max(1) as f64;
    let top_sim = a.daily.iter().map(|d| d.cumulative.p95).fold(0.0, f64::max);
    // The axis fits the simulation's bands; the formula is drawn until it leaves the
    // chart, where a marker says how far it goes (it does not stretch the axis).
    let y_max = headroom(top_sim.max(a.reach.p95));
    let mut chart = ChartBuilder::on(root)
        .caption(title(report, l.growth_title), font_for(&title(report, l.growth_title), 30.0))
        .margin(12)
        .x_label_area_size(55)
        .y_label_area_size(95)
        .build_cartesian_2d(0f64..days * 1.005, 0f64..y_max)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(l.day_axis)
        .y_desc(l.participants_axis)
        .label_style(font_for("", 18.0))
        .axis_desc_style(font_lang(report, 20.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .y_label_formatter(&count_axis(0.0, y_max))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(e)?;
    // What the legend should not hide: the 90% band day to day, the median curve.
    let mut names = Vec::new();
    let by_day: Vec<(f64, &Distribution)> = a.daily.iter().map(|d| (d.day as f64, &d.cumulative)).collect();
    let mut ink = draw_bands(&mut chart, &by_day, l, &mut names)?;
    let k = a.viral_coefficient.value;
    if k.is_finite() {
        // Clip the formula where it leaves the chart.
        let mut pts: Vec<(f64, f64)> = a
            .closed_form
            .iter()
            .enumerate()
            .map(|(d, &u)| (d as f64, u))
            .take_while(|&(_, u)| u.is_finite() && u <= y_max)
            .collect();
        let label = format!("{} (K = {:.2}, {:.1} d)", l.closed_form, k, report.scenario.cycle_time.mean_days);
        // Where the formula leaves the chart: the line continued to the top edge, an
        // arrow, and the formula's value at the horizon.
        let beyond = a.closed_form.iter().enumerate().find(|&(_, &u)| u.is_finite() && u > y_max);
        if let (Some((d, &u)), Some(&(d0, u0))) = (beyond, pts.last()) {
            let x_top = d0 + (d as f64 - d0) * (y_max - u0) / (u - u0);
            pts.push((x_top, y_max));
            let end = a.closed_form.last().copied().unwrap_or(u);
            let text = (l.formula_off_chart)(&format_count(end), days);
            let style = font_for(&text, 16.0).color(&ORANGE);
            let x_text = (x_top + days * 0.015).min(days * 0.75);
            // An arrowhead (drawn, not a glyph: every font has it) where the line leaves.
            let w = days * 0.008;
            chart
                .draw_series(std::iter::once(Polygon::new(
                    vec![(x_top - w, y_max * 0.965), (x_top + w, y_max * 0.965), (x_top, y_max)],
                    ORANGE.filled(),
                )))
                .map_err(e)?;
            chart.draw_series(std::iter::once(Text::new(text.clone(), (x_text, y_max * 0.985), style))).map_err(e)?;
            ink.push(Ink::line((x_text, y_max * 0.95), (x_text + days * 0.25, y_max)));
        }
        ink.extend(pts.windows(2).map(|w| Ink::line(w[0], w[1])));
        chart
            .draw_series(DashedLineSeries::new(pts, 10, 6, ORANGE.stroke_width(3)))
            .map_err(e)?
            .label(named(&mut names, label))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], ORANGE.stroke_width(3)));
    }
    use SeriesLabelPosition::*;
    legend(&mut chart, report, &names, &ink, &[UpperLeft, LowerRight, UpperRight, LowerLeft])
}

/// Cumulative cost (rewards paid plus fixed costs) by day: the median with the 50% and
/// 90% bands across runs, and the budget as a line.
fn cost<DB: DrawingBackend>(report: &RunReport, root: &Area<DB>) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let l = labels(report.scenario.report.language);
    let c = &report.analysis.cost;
    let cur = report.scenario.report.currency.clone();
    let daily = &c.daily;
    let days = daily.len().saturating_sub(1).max(1) as f64;
    let top = daily.iter().map(|d| d.cumulative.p95).fold(0.0, f64::max).max(c.budget.unwrap_or(0.0));
    let y_max = headroom(top);
    let title_text = title(report, l.cost_title);
    let mut chart = ChartBuilder::on(root)
        .caption(&title_text, font_for(&title_text, 30.0))
        .margin(12)
        .x_label_area_size(55)
        .y_label_area_size(110)
        .build_cartesian_2d(0f64..days * 1.005, 0f64..y_max)
        .map_err(e)?;
    let axis = format!("{} ({cur})", l.cost_axis);
    chart
        .configure_mesh()
        .x_desc(l.day_axis)
        .y_desc(axis.as_str())
        .label_style(font_for("", 18.0))
        .axis_desc_style(font_for(&axis, 20.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .y_label_formatter(&count_axis(0.0, y_max))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(e)?;
    let mut names = Vec::new();
    let by_day: Vec<(f64, &Distribution)> = daily.iter().map(|d| (d.day as f64, &d.cumulative)).collect();
    let mut ink = draw_bands(&mut chart, &by_day, l, &mut names)?;
    if let Some(budget) = c.budget {
        ink.push(Ink::line((0.0, budget), (days, budget)));
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, budget), (days, budget)], 10, 6, ORANGE.stroke_width(3)))
            .map_err(e)?
            .label(named(&mut names, format!("{} = {cur}{}", l.budget_line, format_count(budget))))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], ORANGE.stroke_width(3)));
    }
    use SeriesLabelPosition::*;
    legend(&mut chart, report, &names, &ink, &[UpperLeft, LowerRight, UpperRight, LowerLeft])
}

/// Draws, by day, the 90% and 50% bands of a quantity across runs and its median, with
/// their legend entries; returns the ink the legend should not hide.
fn draw_bands<DB: DrawingBackend>(
    chart: &mut Chart2d<'_, DB>,
    days: &[(f64, &Distribution)],
    l: &super::Labels,
    names: &mut Vec<String>,
) -> Result<Vec<Ink>, String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let ink = days
        .windows(2)
        .flat_map(|w| {
            let ((x0, p), (x1, q)) = (w[0], w[1]);
            [Ink::area((x0, x1), (p.p05.min(q.p05), p.p95.max(q.p95))), Ink::line((x0, p.p50), (x1, q.p50))]
        })
        .collect();
    let band = |lo: fn(&Distribution) -> f64, hi: fn(&Distribution) -> f64| {
        let mut pts: Vec<(f64, f64)> = days.iter().map(|&(x, d)| (x, hi(d))).collect();
        pts.extend(days.iter().rev().map(|&(x, d)| (x, lo(d))));
        pts
    };
    for (lo, hi, shade, name) in [
        ((|d| d.p05) as fn(&Distribution) -> f64, (|d| d.p95) as fn(&Distribution) -> f64, 0.15, l.band90),
        (|d| d.p25, |d| d.p75, 0.35, l.band50),
    ] {
        chart
            .draw_series(std::iter::once(Polygon::new(band(lo, hi), BLUE.mix(shade).filled())))
            .map_err(e)?
            .label(named(names, name))
            .legend(move |(x, y)| Rectangle::new([(x, y - 7), (x + 24, y + 7)], BLUE.mix(shade).filled()));
    }
    chart
        .draw_series(LineSeries::new(days.iter().map(|&(x, d)| (x, d.p50)), BLUE.stroke_width(3)))
        .map_err(e)?
        .label(named(names, l.median))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], BLUE.stroke_width(3)));
    Ok(ink)
}

/// Writes `text` in grey at the bottom right of a chart (version, runs, seed).
pub(super) fn draw_footer<DB: DrawingBackend>(
    root: &Area<DB>,
    text: String,
    style: TextStyle<'static>,
) -> Result<(), String> {
    root.draw(&Text::new(
        text,
        (SIZE.0 as i32 - 16, SIZE.1 as i32 - 10),
        style.color(&GREY).pos(Pos::new(HPos::Right, VPos::Bottom)),
    ))
    .map_err(|x| x.to_string())
}

fn reach<DB: DrawingBackend>(report: &RunReport, root: &Area<DB>) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let l = labels(report.scenario.report.language);
    let a = report.analysis;
    let ens = report.ensemble;
    // A few outlying runs would squeeze every other bar into one: past the 99.5th
    // percentile, when the range beyond it is wider than half the range below it, the
    // runs go into one overflow bar set apart at the right.
    let cap = overflow_cap(ens.outcomes.iter().map(|o| o.reach).collect());
    let (start, width, bins) = reach_bins(a.reach.min, cap.unwrap_or(a.reach.max));
    let mut counts = vec![0usize; bins];
    let mut overflow = 0usize;
    for o in &ens.outcomes {
        match cap {
            Some(c) if o.reach as f64 > c => overflow += 1,
            _ => counts[(((o.reach as f64 - start) / width) as usize).min(bins - 1)] += 1,
        }
    }
    let total = ens.outcomes.len().max(1) as f64;
    let shares: Vec<f64> = counts.iter().map(|&c| c as f64 * 100.0 / total).collect();
    let overflow_share = overflow as f64 * 100.0 / total;
    let y_max = headroom(shares.iter().copied().fold(overflow_share, f64::max));
    // A few values get room either side (else one bar fills the chart).
    let pad = (11.0 - bins as f64 * width).max(0.0) / 2.0;
    let end = start + width * bins as f64;
    let (x_min, x_max) = (start - pad, if cap.is_some() { end + 2.5 * width } else { end } + pad);
    let ticks = count_axis(x_min, end + pad);
    // (No ticks over the overflow bar: the axis there is not to scale.)
    let reach_ticks = |x: &f64| if *x <= end { ticks(x) } else { String::new() };
    let mut chart = ChartBuilder::on(root)
        .caption(title(report, l.reach_title), font_for(&title(report, l.reach_title), 30.0))
        .margin(12)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(x_min..x_max, 0f64..y_max)
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(l.reach_axis)
        .y_desc(l.runs_axis)
        .y_label_formatter(&|y| if y_max > 5.0 { format!("{y:.0}") } else { format!("{y:.1}") })
        .label_style(font_for("", 18.0))
        .axis_desc_style(font_lang(report, 20.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        // Whole numbers of people only (on a narrow range the ticks fall between).
        .x_label_formatter(&|x| if x.fract() == 0.0 { reach_ticks(x) } else { String::new() })
        .draw()
        .map_err(e)?;
    let bar = |i: usize| (start + i as f64 * width, start + (i + 1) as f64 * width);
    chart
        .draw_series(
            shares
                .iter()
                .enumerate()
                .map(|(i, &s)| Rectangle::new([(bar(i).0, 0.0), (bar(i).1, s)], BLUE.mix(0.75).filled())),
        )
        .map_err(e)?;
    let mut names = Vec::new();
    let mut ink: Vec<Ink> = shares.iter().enumerate().map(|(i, &s)| Ink::area(bar(i), (0.0, s))).collect();
    if let Some(c) = cap {
        let (x0, x1) = (end + 1.0 * width, end + 2.0 * width);
        chart
            .draw_series(std::iter::once(Rectangle::new([(x0, 0.0), (x1, overflow_share)], GREY.mix(0.6).filled())))
            .map_err(e)?;
        let text = (l.overflow_bar)(&format_count(c), &format_count(a.reach.max));
        let style = font_for(&text, 15.0).color(&GREY);
        let y = (overflow_share + y_max * 0.06).min(y_max * 0.93);
        let x_text = x1 - (x_max - x_min) * 0.16;
        chart.draw_series(std::iter::once(Text::new(text.clone(), (x_text, y), style))).map_err(e)?;
        ink.push(Ink::area((x0, x1), (0.0, overflow_share)));
        ink.push(Ink::area((x_text, x1), (y, y + y_max * 0.05)));
    }
    let mut marker = |x: f64, color: RGBColor| {
        ink.push(Ink::line((x, 0.0), (x, y_max)));
        PathElement::new(vec![(x, 0.0), (x, y_max)], color.stroke_width(3))
    };
    chart
        .draw_series(std::iter::once(marker(a.reach.p50, GREY)))
        .map_err(e)?
        .label(named(&mut names, format!("{} = {}", l.median, format_count(a.reach.p50))))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], GREY.stroke_width(3)));
    if a.takeoff_reach >= x_min && a.takeoff_reach <= x_max {
        chart
            .draw_series(std::iter::once(marker(a.takeoff_reach, ORANGE)))
            .map_err(e)?
            .label(named(
                &mut names,
                format!(
                    "{} = {} ({:.0}%)",
                    l.takeoff,
                    format_count(a.takeoff_reach),
                    a.takeoff_probability.value * 100.0
                ),
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], ORANGE.stroke_width(3)));
    }
    use SeriesLabelPosition::*;
    legend(&mut chart, report, &names, &ink, &[UpperRight, UpperLeft, UpperMiddle])
}

/// Where the reach chart's overflow bar starts: the 99.5th percentile, when the runs
/// beyond it stretch over more than half the range below it (None: no overflow bar).
fn overflow_cap(mut reach: Vec<u32>) -> Option<f64> {
    reach.sort_unstable();
    let (&min, &max) = (reach.first()?, reach.last()?);
    let p995 = reach[((reach.len() as f64 * 0.995).ceil() as usize).saturating_sub(1)];
    (p995 > min && (max - p995) as f64 > 0.5 * (p995 - min) as f64).then_some(p995 as f64)
}

/// Up to this many generations are drawn as dots with error bars; more as a line with
/// a band.
const GENERATIONS_AS_BARS: usize = 40;

fn generations<DB: DrawingBackend>(report: &RunReport, root: &Area<DB>) -> Result<(), String> {
    let e = |x: DrawingAreaErrorKind<DB::ErrorType>| x.to_string();
    let l = labels(report.scenario.report.language);
    let a = report.analysis;
    // Generations reached by few runs have intervals too wide to read; the CSV has all.
    let min_runs = (a.runs / 20).max(10).min(a.runs);
    let shown: Vec<_> =
        a.per_generation.iter().filter(|g| g.runs_with_parents >= min_runs && g.k.value.is_finite()).collect();
    let g_max = shown.last().map_or(1.0, |g| g.generation as f64 + 0.5);
    let top =
        shown.iter().map(|g| if g.k.ci_high.is_finite() { g.k.ci_high } else { g.k.value }).fold(1.2f64, f64::max);
    let mut chart = ChartBuilder::on(root)
        .caption(title(report, l.generations_title), font_for(&title(report, l.generations_title), 30.0))
        .margin(12)
        .x_label_area_size(55)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5f64..g_max.max(0.5), 0f64..headroom(top))
        .map_err(e)?;
    chart
        .configure_mesh()
        .x_desc(l.generation_axis)
        .y_desc(l.k_axis)
        .label_style(font_for("", 18.0))
        .axis_desc_style(font_lang(report, 20.0))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(BLACK.mix(0.08))
        .x_labels((g_max.ceil() as usize + 1).min(20))
        .x_label_formatter(&|x| if x.fract().abs() < 1e-9 && *x >= 0.0 { format!("{x:.0}") } else { String::new() })
        .draw()
        .map_err(e)?;
    let hline = |y: f64, style: ShapeStyle| PathElement::new(vec![(-0.5, y), (g_max.max(0.5), y)], style);
    let mut names = Vec::new();
    let mut ink = vec![Ink::line((-0.5, 1.0), (g_max.max(0.5), 1.0))];
    chart
        .draw_series(std::iter::once(hline(1.0, GREY.stroke_width(2))))
        .map_err(e)?
        .label(named(&mut names, l.k_one))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], GREY.stroke_width(2)));
    let k = a.viral_coefficient;
    if k.value.is_finite() {
        ink.push(Ink::line((-0.5, k.value), (g_max.max(0.5), k.value)));
        chart
            .draw_series(DashedLineSeries::new(
                vec![(-0.5, k.value), (g_max.max(0.5), k.value)],
                10,
                6,
                ORANGE.stroke_width(3),
            ))
            .map_err(e)?
            .label(named(
                &mut names,
                if k.ci_low.is_finite() && k.ci_high.is_finite() {
                    format!("{} = {:.3} ({:.3} – {:.3})", l.pooled_k, k.value, k.ci_low, k.ci_high)
                } else {
                    format!("{} = {:.3} ({})", l.pooled_k, k.value, (l.no_interval)(k.n))
                },
            ))
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], ORANGE.stroke_width(3)));
    }
    let bar = |g: &crate::stats::GenerationEstimate| {
        let (lo, hi) = if g.k.ci_low.is_finite() { (g.k.ci_low, g.k.ci_high) } else { (g.k.value, g.k.value) };
        (g.generation as f64, lo, hi)
    };
    if shown.len() <= GENERATIONS_AS_BARS {
        // The error bars and dots, as 0.3 generations wide.
        ink.extend(shown.iter().map(|g| {
            let (x, lo, hi) = bar(g);
            Ink { x: (x - 0.15, x + 0.15), y: (lo, hi), line: true }
        }));
        chart
            .draw_series(shown.iter().map(|g| {
                let (x, lo, hi) = bar(g);
                ErrorBar::new_vertical(x, lo, g.k.value, hi, BLUE.stroke_width(3), 14)
            }))
            .map_err(e)?
            .label(named(&mut names, l.k_generation))
            .legend(|(x, y)| PathElement::new(vec![(x + 12, y - 8), (x + 12, y + 8)], BLUE.stroke_width(3)));
        chart
            .draw_series(shown.iter().map(|g| Circle::new((g.generation as f64, g.k.value), 6, BLUE.filled())))
            .map_err(e)?;
    } else {
        // Hundreds of generations: a line with its 95% band (bars would be a smear).
        let mut band: Vec<(f64, f64)> = shown.iter().map(|g| (bar(g).0, bar(g).2)).collect();
        band.extend(shown.iter().rev().map(|g| (bar(g).0, bar(g).1)));
        ink.extend(shown.iter().map(|g| {
            let (x, lo, hi) = bar(g);
            Ink { x: (x - 0.5, x + 0.5), y: (lo, hi), line: true }
        }));
        chart.draw_series(std::iter::once(Polygon::new(band, BLUE.mix(0.2).filled()))).map_err(e)?;
        chart
            .draw_series(LineSeries::new(shown.iter().map(|g| (g.generation as f64, g.k.value)), BLUE.stroke_width(2)))
            .map_err(e)?
            .label(named(&mut names, l.k_generation))
            .legend(|(x, y)| Rectangle::new([(x, y - 6), (x + 24, y + 6)], BLUE.mix(0.2).filled()));
    }
    use SeriesLabelPosition::*;
    legend(&mut chart, report, &names, &ink, &[UpperRight, UpperLeft, LowerRight, LowerLeft])
}

type Chart2d<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Something drawn on a chart that the legend should not hide: a filled area (a band,
/// a bar) or a line, as a box in data coordinates.
#[derive(Debug, Clone, Copy)]
struct Ink {
    x: (f64, f64),
    y: (f64, f64),
    line: bool,
}

impl Ink {
    fn area(x: (f64, f64), y: (f64, f64)) -> Self {
        Ink { x, y, line: false }
    }
    /// The segment from `a` to `b`.
    fn line(a: (f64, f64), b: (f64, f64)) -> Self {
        Ink { x: (a.0.min(b.0), a.0.max(b.0)), y: (a.1.min(b.1), a.1.max(b.1)), line: true }
    }
}

/// Of `corners`, the first where a legend box of `size` pixels, laid out as plotters
/// does in the plotting area `area` (pixel ranges), hides the least of `ink` (pixel
/// boxes `(x0, x1, y0, y1, weight)`), with 8 pixels of clearance.
fn legend_corner(
    ink: &[(f64, f64, f64, f64, f64)],
    (w, h): (i32, i32),
    (xs, ys): (std::ops::Range<i32>, std::ops::Range<i32>),
    corners: &[SeriesLabelPosition],
) -> SeriesLabelPosition {
    let hidden = |at: &SeriesLabelPosition| -> f64 {
        use SeriesLabelPosition::*;
        let left = match at {
            UpperLeft | MiddleLeft | LowerLeft => 5,
            UpperMiddle | MiddleMiddle | LowerMiddle => (xs.len() as i32 - w) / 2,
            _ => xs.len() as i32 - w - 5,
        } + xs.start;
        let top = match at {
            UpperLeft | UpperMiddle | UpperRight => 5,
            MiddleLeft | MiddleMiddle | MiddleRight => (ys.len() as i32 - h) / 2,
            _ => ys.len() as i32 - h - 5,
        } + ys.start;
        // With some clearance: a legend touching a bar or a curve looks like it hides it.
        let (l, r, t, b) = (left as f64 - 8.0, (left + w) as f64 + 8.0, top as f64 - 8.0, (top + h) as f64 + 8.0);
        ink.iter()
            .map(|&(x0, x1, y0, y1, weight)| {
                weight * (x1.min(r) - x0.max(l)).max(0.0) * (y1.min(b) - y0.max(t)).max(0.0)
            })
            .sum()
    };
    let mut at = corners[0].clone();
    let mut least = hidden(&at);
    for c in &corners[1..] {
        let h = hidden(c);
        if h < least {
            (at, least) = (c.clone(), h);
        }
    }
    at
}

/// The reach histogram's bars for final reaches from `min` to `max`: (left end of the
/// first bar, bar width, number of bars). Reach is a whole number: each bar covers the
/// same number of whole values (at most 40 bars), centred on them, so that no bar holds
/// more values than its neighbour and a single value has a bar of its own.
fn reach_bins(min: f64, max: f64) -> (f64, f64, usize) {
    let lo = min.floor();
    let distinct = (max.ceil() - lo).max(0.0) as usize + 1;
    let width = distinct.div_ceil(40);
    (lo - 0.5, width as f64, distinct.div_ceil(width))
}

/// Records a series' legend label in `names` (for [`legend`]'s layout) and returns it.
fn named(names: &mut Vec<String>, label: impl Into<String>) -> String {
    let label = label.into();
    names.push(label.clone());
    label
}

/// Margin inside the legend box, in pixels.
const LEGEND_MARGIN: i32 = 12;

/// The legend box every chart uses, in the first of `corners` where it hides the least
/// of `ink` (with 8 pixels of clearance; pixels of bands and bars, and lines, which count as 8 pixels wide and ten
/// times as much: hiding part of a band loses less than hiding a curve). The box's size
/// is computed as plotters lays it out (`labels`, one per series, in order).
fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart2d<'a, DB>,
    report: &RunReport,
    labels: &[String],
    ink: &[Ink],
    corners: &[SeriesLabelPosition],
) -> Result<(), String> {
    let font = font_lang(report, 18.0);
    let mut text = plotters::element::MultiLineText::<(i32, i32), &str>::new((0, 0), &font);
    labels.iter().for_each(|l| text.push_line(l.as_str()));
    let (w, h) = text.estimate_dimension().map_err(|x| x.to_string())?;
    // As plotters' SeriesLabelStyle::draw: the symbol area (30) and the margins.
    let (w, h) = (w + 30 + 2 * LEGEND_MARGIN, h + 2 * LEGEND_MARGIN);
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    let boxes: Vec<(f64, f64, f64, f64, f64)> = ink
        .iter()
        .map(|i| {
            let (a, b) = (chart.backend_coord(&(i.x.0, i.y.0)), chart.backend_coord(&(i.x.1, i.y.1)));
            let pad = if i.line { 4.0 } else { 0.0 };
            let (x0, x1) = (a.0.min(b.0) as f64 - pad, a.0.max(b.0) as f64 + pad);
            let (y0, y1) = (a.1.min(b.1) as f64 - pad, a.1.max(b.1) as f64 + pad);
            (x0, x1, y0, y1, if i.line { 10.0 } else { 1.0 })
        })
        .collect();
    let at = legend_corner(&boxes, (w, h), (xs, ys), corners);
    chart
        .configure_series_labels()
        .position(at)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(font)
        .margin(LEGEND_MARGIN as u32)
        .draw()
        .map_err(|x| x.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeriesLabelPosition::*;

    /// A 1000 × 600 pixel plotting area at (100, 50) and a 300 × 120 legend.
    fn corner(ink: &[(f64, f64, f64, f64, f64)], corners: &[SeriesLabelPosition]) -> SeriesLabelPosition {
        legend_corner(ink, (300, 120), (100..1100, 50..650), corners)
    }

    #[test]
    fn a_few_outlying_runs_go_into_an_overflow_bar() {
        // 1,000 runs of 50..=149 and five of 5,000: the bar starts at the 99.5th percentile.
        let mut reach: Vec<u32> = (0..1000).map(|i| 50 + i % 100).collect();
        reach.extend([5000; 5]);
        assert_eq!(overflow_cap(reach), Some(149.0));
        // A long but even tail needs no overflow bar.
        assert_eq!(overflow_cap((1..=1000).collect()), None);
        assert_eq!(overflow_cap(vec![7; 100]), None);
    }

    #[test]
    fn reach_bars_hold_equal_runs_of_whole_values() {
        assert_eq!(reach_bins(200.0, 200.0), (199.5, 1.0, 1));
        assert_eq!(reach_bins(52.0, 75.0), (51.5, 1.0, 24));
        assert_eq!(reach_bins(10.0, 59.0), (9.5, 2.0, 25));
        for (min, max) in [(1.0, 1.0), (52.0, 75.0), (10.0, 59.0), (14523.0, 20611.0), (1.0, 5674.0)] {
            let (start, width, bins) = reach_bins(min, max);
            assert!(bins <= 40, "{min}..{max}: {bins} bars");
            let mut held = vec![0; bins];
            for v in min as u64..=max as u64 {
                let i = ((v as f64 - start) / width) as usize;
                assert!(i < bins, "{v} falls past the last bar");
                held[i] += 1;
            }
            // Every bar but the last holds `width` values; the last, no more.
            assert!(held[..bins - 1].iter().all(|&h| h == width as usize), "{min}..{max}: {held:?}");
            assert!((1..=width as usize).contains(&held[bins - 1]));
        }
    }

    #[test]
    fn the_legend_goes_where_it_hides_the_least() {
        let growth = [UpperLeft, LowerRight, UpperRight, LowerLeft];
        // Nothing drawn: the first choice.
        assert!(matches!(corner(&[], &growth), UpperLeft));
        // A band that saturates early fills the top: the lower right is free.
        let saturating = [(100.0, 1100.0, 100.0, 300.0, 1.0)];
        assert!(matches!(corner(&saturating, &growth), LowerRight));
        // A curve rising late fills the lower right: the upper left stays.
        let late = [(700.0, 1100.0, 200.0, 650.0, 1.0)];
        assert!(matches!(corner(&late, &growth), UpperLeft));
        // A line counts ten times its area: better to cover part of a band (upper left,
        // 100 × 100 pixels) than a vertical line (upper right, 10 × 133 pixels × 10).
        let ink = [(100.0, 200.0, 50.0, 150.0, 1.0), (1000.0, 1010.0, 50.0, 650.0, 10.0)];
        assert!(matches!(corner(&ink, &[UpperRight, UpperLeft]), UpperLeft));
        // A band twice as wide costs more than the line.
        let ink = [(100.0, 300.0, 50.0, 150.0, 1.0), (1000.0, 1010.0, 50.0, 650.0, 10.0)];
        assert!(matches!(corner(&ink, &[UpperLeft, UpperRight]), UpperRight));
        // Within 8 pixels of a bar counts as touching it.
        let near = [(790.0, 800.0, 0.0, 650.0, 1.0)];
        assert!(matches!(corner(&near, &[UpperRight, UpperLeft]), UpperLeft));
        let clear = [(770.0, 780.0, 0.0, 650.0, 1.0)];
        assert!(matches!(corner(&clear, &[UpperRight, UpperLeft]), UpperRight));
    }
}
