//! `report.html`: one self-contained page a manager reads — the answers in sentences
//! with their uncertainty, the design, the charts (inline PNG), the cautions in plain
//! words, the assumptions and what the model leaves out, and the provenance. In the
//! scenario's `report.language`; printable on A4 (print CSS). Every number taken from
//! the results' JSON (`summary.json`, `compare.json`, `sweep.json`) carries its key and
//! exact value (`data-key`, `data-value`), so that a test, or the page's own check
//! script, can compare it with the JSON, which the page embeds.
//!
//! Each page is built from the JSON and the PNG charts alone, so that `fission report
//! OUTPUT_DIR` makes the same page from the files that `run`, `compare` or `sweep`
//! makes from memory. The pages of `compare` and `sweep` are in [`super::html_plan`].

use base64::Engine;
use serde_json::Value;

/// Text in the report's language.
pub(super) fn t<'a>(zh: bool, en: &'a str, zh_text: &'a str) -> &'a str {
    if zh { zh_text } else { en }
}

/// `&`, `<`, `>` and `"` escaped for HTML text and attributes.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The value at a dotted key of the summary.
pub(super) fn at<'v>(summary: &'v Value, key: &str) -> Option<&'v Value> {
    key.split('.').try_fold(summary, |v, k| match v {
        Value::Array(items) => k.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => v.get(k),
    })
}

/// The string at a dotted key ("" when missing).
pub(super) fn text_at<'v>(root: &'v Value, key: &str) -> &'v str {
    at(root, key).and_then(Value::as_str).unwrap_or("")
}

/// A number of the summary, shown with `decimals` decimals (as a percentage when
/// `percent`), tagged with its key and exact value.
pub(super) struct Numbers<'v> {
    pub(super) summary: &'v Value,
}

impl Numbers<'_> {
    pub(super) fn get(&self, key: &str) -> Option<f64> {
        at(self.summary, key).and_then(Value::as_f64)
    }

    pub(super) fn show(&self, key: &str, decimals: usize, percent: bool) -> String {
        match at(self.summary, key) {
            Some(Value::Number(n)) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                let shown = if percent {
                    format!("{:.decimals$}%", x * 100.0).replace('-', "−")
                } else if key.ends_with("seed") || key.ends_with("schema_version") {
                    format!("{x:.0}") // an identifier, not a quantity
                } else {
                    group(x, decimals)
                };
                format!(
                    "<span class=\"num\" data-key=\"{key}\" data-value=\"{n}\" data-decimals=\"{decimals}\" data-percent=\"{percent}\">{shown}</span>"
                )
            }
            _ => "–".to_string(),
        }
    }
}

impl Numbers<'_> {
    /// A value as the user wrote it (a swept value: 0.05, 20), tagged like [`Numbers::show`].
    pub(super) fn show_value(&self, key: &str) -> String {
        let Some(x) = self.get(key) else {
            return "–".to_string();
        };
        let text = crate::plan::sweep::format_value(x);
        let decimals = text.split_once('.').map_or(0, |(_, f)| f.len());
        let n = &at(self.summary, key).expect("read above");
        format!(
            "<span class=\"num\" data-key=\"{key}\" data-value=\"{n}\" data-decimals=\"{decimals}\" data-percent=\"false\">{}</span>",
            text.replace('-', "−")
        )
    }
}

/// `x` with `decimals` decimals and thousands separated by commas (6,409).
pub(super) fn group(x: f64, decimals: usize) -> String {
    let s = format!("{:.decimals$}", x.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if x < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') { format!("−{out}") } else { out }
}

const STYLE: &str = r#"
:root { --ink: #1f2d3d; --muted: #5b6b7b; --accent: #1f5ea8; --warm: #d66020; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "DejaVu Sans", sans-serif;
       color: var(--ink); max-width: 210mm; margin: 0 auto; padding: 12mm 14mm; line-height: 1.55; font-size: 11pt; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 14pt; margin: 7mm 0 2mm; border-bottom: 1px solid #d8dee6; padding-bottom: 1mm; }
.meta, .sub { color: var(--muted); margin: 0; font-size: 9.5pt; }
.verdict { font-size: 13pt; padding: 3mm 4mm; border-left: 4px solid var(--accent); background: #f2f6fb; margin: 4mm 0; }
.verdict.no { border-left-color: var(--warm); background: #fbf3ee; }
dl.answers dt { font-weight: bold; margin-top: 3mm; }
dl.answers dd { margin: 0 0 0 0; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; table-layout: fixed; }
td, th { border-bottom: 1px solid #e3e8ee; padding: 1.2mm 2mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { width: 38%; color: var(--muted); font-weight: normal; }
figure { margin: 4mm 0; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; border: 1px solid #eef1f5; }
figcaption { color: var(--muted); font-size: 9.5pt; }
ul { padding-left: 5mm; }
h3 { font-size: 11pt; margin: 5mm 0 1mm; }
table.grid { table-layout: auto; }
table.grid th { width: auto; }
table.grid td, table.grid th { text-align: right; overflow-wrap: normal; }
table.grid td:first-child, table.grid th:first-child { text-align: left; overflow-wrap: anywhere; }
table.points td:first-child, table.points th:first-child { text-align: right; }
table.keys td, table.keys th { text-align: left; overflow-wrap: anywhere; }
td.clear { font-weight: bold; }
.ci { color: var(--muted); font-size: 9pt; white-space: nowrap; }
code { font-size: 9pt; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: 8pt; background: #f7f8fa; padding: 3mm; }
section { break-inside: auto; }
@page { size: A4; margin: 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .verdict, dl.answers dd, li { break-inside: avoid; page-break-inside: avoid; }
  details { display: block; }
  details > summary { display: none; }
}
"#;

/// The page's own check, run by the browser test in `.ci/run`: every image decoded,
/// nothing wider than the page, every tagged number the summary's. It writes its
/// verdict on the root element (`data-check`), which a headless browser's DOM dump shows.
const CHECK: &str = r#"
window.addEventListener('load', function () {
  var problems = [];
  var summary = JSON.parse(document.getElementById('fission-summary').textContent);
  document.querySelectorAll('img').forEach(function (img) {
    if (!img.complete || img.naturalWidth === 0) problems.push('image not shown: ' + img.alt);
  });
  var width = document.documentElement.clientWidth;
  document.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.right > width + 1) problems.push('wider than the page: ' + el.tagName + ' ' + (el.id || el.className));
  });
  document.querySelectorAll('[data-key]').forEach(function (el) {
    var v = el.dataset.key.split('.').reduce(function (o, k) { return o == null ? o : o[k]; }, summary);
    if (v === undefined || v === null || Number(el.dataset.value) !== v) problems.push('number differs: ' + el.dataset.key);
  });
  document.documentElement.setAttribute('data-check', problems.length ? problems.join('; ') : 'ok');
});
"#;

/// Whether the report's language, at `scenario`.report.language, is Chinese.
pub(super) fn language_is_zh(root: &Value, scenario: &str) -> bool {
    text_at(root, &format!("{scenario}.report.language")) == "zh"
}

/// The page's head, up to the opening of its body.
pub(super) fn begin_page(zh: bool, name: &str, kind: &str) -> String {
    let mut h = String::with_capacity(200_000);
    h.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"fission {}\">\n<title>{} — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        if zh { "zh-CN" } else { "en" },
        crate::VERSION,
        escape(name),
        kind
    ));
    h
}

/// The page's end: the results' JSON (for the page's check, and for anyone who wants
/// the numbers) and the check script.
pub(super) fn end_page(mut h: String, data: &Value) -> String {
    let json = serde_json::to_string(data).expect("JSON values always serialise").replace("</", "<\\/");
    h.push_str(&format!(
        "<script id=\"fission-summary\" type=\"application/json\">{json}</script>\n<script>{CHECK}</script>\n</body>\n</html>\n"
    ));
    h
}

/// The charts' section: each chart inline with its caption (nothing without charts).
pub(super) fn push_charts(h: &mut String, zh: bool, charts: &[(&str, &[u8])]) {
    if charts.is_empty() {
        return;
    }
    h.push_str(&format!("<section id=\"charts\">\n<h2>{}</h2>\n", t(zh, "Charts", "图表")));
    for (stem, png) in charts {
        let caption = match *stem {
            "growth" => t(
                zh,
                "Participants by day: the median run and the bands 50% and 90% of runs fall in; the viral-loop formula for comparison.",
                "每日累计参与人数: 模拟中位数及 50%、90% 模拟所在区间; 病毒循环公式作对照。",
            ),
            "reach" => t(zh, "How many people take part in the end, over all runs.", "所有模拟的最终参与人数分布。"),
            "generations" => {
                t(zh, "K generation by generation, with 95% intervals.", "各代病毒系数 K 及 95% 置信区间。")
            }
            "cost" => t(
                zh,
                "Money spent so far by day: the median run and the bands 50% and 90% of runs fall in, against the budget when one is set.",
                "每日累计花费: 模拟中位数及 50%、90% 模拟所在区间; 设有预算时与预算对照。",
            ),
            "compare-growth" => t(
                zh,
                "Participants by day for each design: the median run and the band 90% of runs fall in.",
                "各方案每日累计参与人数: 模拟中位数及 90% 模拟所在区间。",
            ),
            "compare-k" => t(
                zh,
                "K of each design with its 95% interval; above the line at 1 a design spreads on its own.",
                "各方案的病毒系数 K 及 95% 置信区间; 高于 1 的方案能自发传播。",
            ),
            "compare-cost-reach" => t(
                zh,
                "Cost against reach: each design's mean with its 95% intervals; up and to the left is better.",
                "成本与覆盖人数: 各方案的均值及 95% 置信区间; 越靠左上越好。",
            ),
            "sweep" => t(
                zh,
                "K, reach and cost along the varied value(s), with 95% intervals.",
                "病毒系数 K、覆盖人数和成本随参数的变化, 含 95% 置信区间。",
            ),
            _ => "",
        };
        h.push_str(&format!(
            "<figure><img alt=\"{stem}\" src=\"data:image/png;base64,{}\"><figcaption>{caption}</figcaption></figure>\n",
            base64::engine::general_purpose::STANDARD.encode(png)
        ));
    }
    h.push_str("</section>\n");
}

/// The cautions of the results at `key` (a list of kind-tagged warnings) in a
/// manager's words, with the characters the charts could not draw (`missing_glyphs`
/// beside it). Results written before the cautions were recorded: their `warnings`.
pub(super) fn cautions(root: &Value, key: &str, zh: bool) -> Vec<String> {
    let Some(list) = at(root, key) else {
        return at(root, "warnings")
            .and_then(Value::as_array)
            .map(|w| w.iter().filter_map(Value::as_str).map(String::from).collect())
            .unwrap_or_default();
    };
    let mut out: Vec<String> = serde_json::from_value::<Vec<crate::stats::Warning>>(list.clone())
        .unwrap_or_default()
        .iter()
        .map(|w| plain_warning(w, zh))
        .collect();
    let missing: Vec<&str> =
        at(root, "missing_glyphs").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    if !missing.is_empty() {
        out.push(if zh {
            format!(
                "图表字体中没有 {} 这些字符: PNG 图表中显示为方框 (□), 本页面和 SVG 图表使用浏览器的字体。如需在 PNG 中显示, 请改用其他字符。",
                missing.join(" ")
            )
        } else {
            format!(
                "The charts' fonts have no {}: the PNG charts show a box (□) instead; this page and the SVG charts use the browser's fonts. Use other characters for PNG charts that show them.",
                missing.join(" ")
            )
        });
    }
    out
}

/// The assumptions every report shares, then `extra` (en, zh).
pub(super) fn push_assumptions(h: &mut String, zh: bool, extra: &[(&str, &str)]) {
    h.push_str(&format!(
        "<section id=\"assumptions\">\n<h2>{}</h2>\n<ul>\n",
        t(zh, "Assumptions, and what the model leaves out", "假设与模型未考虑的因素")
    ));
    let shared: &[(&str, &str)] = &[
        (
            "The social graph stands for the people the campaign can reach; its size and ties are the scenario's (generated or read), not the real audience.",
            "社交网络代表活动能触达的人群, 其规模和关系来自场景设定 (生成或读取), 并非真实受众。",
        ),
        (
            "People decide to join and to share by the behaviour model's probabilities (docs/MODEL.md), calibrated on published regularities, not on this brand's past campaigns.",
            "参与和分享的决定按行为模型的概率 (docs/MODEL.md) 模拟, 依据公开的规律校准, 而非本品牌过往活动的数据。",
        ),
        (
            "Every run is one possible campaign; the intervals say how much the results vary between runs and how well the runs pin the averages down.",
            "每次模拟是一种可能的活动走向; 置信区间说明结果的波动和估计的精度。",
        ),
        (
            "Left out: competing campaigns, platform moderation or limits beyond those stated, fraud and bots, news and word of mouth outside the graph, and changes to the design while the campaign runs.",
            "未考虑: 同期竞品活动、平台审核或未列明的限制、刷单与机器人、网络之外的媒体与口碑, 以及活动期间对方案的调整。",
        ),
    ];
    for (en, zh_text) in shared.iter().chain(extra) {
        h.push_str(&format!("<li>{}</li>\n", t(zh, en, zh_text)));
    }
    h.push_str("</ul>\n</section>\n");
}

/// A resolved scenario (JSON) shown as TOML, folded (`open`: unfolded on screen; in
/// print always shown).
pub(super) fn push_scenario(h: &mut String, title: &str, scenario: &Value, open: bool) {
    h.push_str(&format!(
        "<details{}><summary>{}</summary><pre>{}</pre></details>\n",
        if open { " open" } else { "" },
        escape(title),
        escape(&toml_text(scenario))
    ));
}

/// A JSON value written as TOML (nulls left out: TOML has none).
pub(super) fn toml_text(v: &Value) -> String {
    fn convert(v: &Value) -> Option<toml::Value> {
        Some(match v {
            Value::Null => return None,
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => toml::Value::Integer(i),
                None => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => toml::Value::String(s.clone()),
            Value::Array(a) => toml::Value::Array(a.iter().filter_map(convert).collect()),
            Value::Object(m) => {
                toml::Value::Table(m.iter().filter_map(|(k, v)| convert(v).map(|x| (k.clone(), x))).collect())
            }
        })
    }
    // The sections in the scenario file's order (a JSON object's keys come sorted).
    const ORDER: [&str; 13] = [
        "name",
        "description",
        "graph",
        "seeding",
        "model",
        "campaign",
        "channels",
        "behaviour",
        "rewards",
        "budget",
        "goal",
        "simulation",
        "report",
    ];
    let Value::Object(map) = v else {
        return convert(v).and_then(|t| toml::to_string(&t).ok()).unwrap_or_default();
    };
    let rank = |k: &str| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len());
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by_key(|k| (matches!(map[*k], Value::Object(_)), rank(k)));
    let mut out = String::new();
    for k in keys {
        let mut one = toml::Table::new();
        if let Some(x) = convert(&map[k]) {
            one.insert(k.clone(), x);
            let text = toml::to_string(&one).unwrap_or_default();
            if matches!(map[k], Value::Object(_)) && !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&text);
        }
    }
    out
}

/// report.html of a run, from its summary (summary.json's content) and its charts'
/// PNGs by file stem.
pub fn run_page(summary: &Value, charts: &[(&str, &[u8])]) -> String {
    let zh = language_is_zh(summary, "scenario");
    let n = Numbers { summary };
    let name = text_at(summary, "scenario_name");
    let cur = escape(text_at(summary, "scenario.report.currency"));
    let mut h = begin_page(zh, name, t(zh, "campaign simulation report", "活动模拟报告"));
    h.push_str(&format!("<header>\n<h1>{}</h1>\n", escape(name)));
    let description = text_at(summary, "scenario.description");
    if !description.is_empty() {
        h.push_str(&format!("<p class=\"sub\">{}</p>\n", escape(description)));
    }
    h.push_str(&format!(
        "<p class=\"meta\">{} · {} {} · {} {} · {} {}</p>\n</header>\n",
        t(zh, "Simulated with fission", "fission 模拟"),
        n.show("runs", 0, false),
        t(zh, "runs", "次模拟"),
        n.show("days", 0, false),
        t(zh, "days", "天"),
        t(zh, "seed", "随机种子"),
        n.show("rng_seed", 0, false)
    ));

    // The answers.
    let (k_lo, k_hi) =
        (n.get("viral_coefficient.ci_low").unwrap_or(f64::NAN), n.get("viral_coefficient.ci_high").unwrap_or(f64::NAN));
    let spreads = k_lo > 1.0;
    let verdict = if k_lo > 1.0 {
        t(
            zh,
            "It will spread on its own: every participant brings in more than one new participant, and the whole interval is above 1.",
            "能自发传播: 每位参与者平均带来超过一位新参与者, 整个置信区间都在 1 以上。",
        )
    } else if k_hi < 1.0 {
        t(
            zh,
            "It will not spread on its own: each wave of participants is smaller than the last, so growth comes from the seed users and channels and then stops.",
            "不能自发传播: 每一轮参与者都比上一轮少, 增长主要来自种子用户和渠道, 随后停止。",
        )
    } else {
        t(
            zh,
            "It is on the edge: K's interval contains 1, so whether it spreads on its own is not settled by these runs.",
            "处在临界点: K 的置信区间包含 1, 这些模拟还不能确定它能否自发传播。",
        )
    };
    h.push_str(&format!(
        "<section id=\"answers\">\n<h2>{}</h2>\n<p class=\"verdict{}\">{verdict}</p>\n<dl class=\"answers\">\n",
        t(zh, "The answers", "结论"),
        if spreads { "" } else { " no" }
    ));
    // Each sentence: a template per language, {0}, {1}, ... the tagged numbers.
    let say = |en: &str, zh_text: &str, keys: &[(&str, usize, bool)]| -> String {
        let args: Vec<String> = keys.iter().map(|&(k, d, p)| n.show(k, d, p)).collect();
        fill(t(zh, en, zh_text), &args).replace("{cur}", &cur)
    };
    let k_keys = [
        ("viral_coefficient.mean", 2, false),
        ("viral_coefficient.ci_low", 2, false),
        ("viral_coefficient.ci_high", 2, false),
        ("invitations_per_participant.mean", 1, false),
        ("conversion_per_invitation.mean", 1, true),
    ];
    let k_text = say(
        "The viral coefficient K is {0} (95% CI {1} – {2}): each participant brings in {0} new participants on average ({3} invitations × {4} conversion). Above 1 a campaign sustains itself; below 1 it fades.",
        "病毒系数 K = {0} (95% 置信区间 {1} – {2}): 每位参与者平均带来 {0} 位新参与者 ({3} 次邀请 × {4} 的转化率)。K 大于 1 时活动能自我维持, 小于 1 时会逐渐停止。",
        &k_keys,
    );
    h.push_str(&format!("<dt>{}</dt><dd>{k_text}</dd>\n", t(zh, "Will it spread?", "能传播吗?")));
    let mut far = say(
        "{0} people take part on average (median {1}; 90% of runs between {2} and {3}). {4} of runs take off (reach {5} people or more; 95% CI {6} – {7}).",
        "平均 {0} 人参与 (中位数 {1}; 90% 的模拟在 {2} 到 {3} 人之间)。{4} 的模拟起量 (达到 {5} 人以上, 95% 置信区间 {6} – {7})。",
        &[
            ("reach.mean", 0, false),
            ("reach.p50", 0, false),
            ("reach.p05", 0, false),
            ("reach.p95", 0, false),
            ("takeoff_probability.probability", 1, true),
            ("takeoff_probability.reach_threshold", 0, false),
            ("takeoff_probability.ci_low", 1, true),
            ("takeoff_probability.ci_high", 1, true),
        ],
    );
    if n.get("goal.probability.probability").is_some() {
        far.push(' ');
        far.push_str(&say(
            "The goal ({0} people by day {1}) is met in {2} of runs (95% CI {3} – {4}).",
            "目标 (第 {1} 天前达到 {0} 人) 的达成概率为 {2} (95% 置信区间 {3} – {4})。",
            &[
                ("goal.reach", 0, false),
                ("goal.by_day", 0, false),
                ("goal.probability.probability", 1, true),
                ("goal.probability.ci_low", 1, true),
                ("goal.probability.ci_high", 1, true),
            ],
        ));
    }
    h.push_str(&format!("<dt>{}</dt><dd>{far}</dd>\n", t(zh, "How far?", "能覆盖多少人?")));
    let fast = say(
        "Half of the final participants have joined by day {0} (median; {1} days on average).",
        "一半的最终参与者在第 {0} 天前加入 (中位数; 平均 {1} 天)。",
        &[("days_to_half_reach.p50", 0, false), ("days_to_half_reach.mean", 1, false)],
    );
    h.push_str(&format!("<dt>{}</dt><dd>{fast}</dd>\n", t(zh, "How fast?", "多快?")));
    // Through which channels: each channel's share of the joins, the campaign's
    // groups, the official account's followers.
    let mut via = Vec::new();
    let channels = at(summary, "channels").and_then(Value::as_array).map_or(0, Vec::len);
    let mut parts = Vec::new();
    for i in 0..channels {
        let share = format!("channels.{i}.share_of_joins");
        if n.get(&share).is_some_and(|s| s > 0.0) {
            let name = channel_name(text_at(summary, &format!("channels.{i}.name")), zh);
            let joins = n.show(&format!("channels.{i}.joins_per_run.mean"), 0, false);
            parts.push(if zh {
                format!("{name} {} (每次模拟 {joins} 人)", n.show(&share, 0, true))
            } else {
                format!("{name}, {} ({joins} a run)", n.show(&share, 0, true))
            });
        }
    }
    // (One channel, an epidemic model's contacts say, is no answer.)
    if parts.len() >= 2 {
        via.push(
            say("Where new participants come from: {0}.", "新参与者的来源: {0}。", &[])
                .replace("{0}", &parts.join(t(zh, "; ", "、"))),
        );
    }
    if at(summary, "groups").is_some_and(|g| !g.is_null()) {
        let refused = n.get("groups.joins_refused_per_run.mean").is_some_and(|x| x > 0.0);
        via.push(say(
            if refused {
                "The campaign starts with {0} groups of at most {1} members; {2} more are opened per run on average as groups fill (95th percentile {3}), and {4} people a run find their group full."
            } else {
                "The campaign starts with {0} groups of at most {1} members; {2} more are opened per run on average as groups fill (95th percentile {3})."
            },
            if refused {
                "活动开始时有 {0} 个群, 每群上限 {1} 人; 群满后平均每次模拟新开 {2} 个群 (第 95 百分位 {3}), 每次模拟平均有 {4} 人因群满未能入群。"
            } else {
                "活动开始时有 {0} 个群, 每群上限 {1} 人; 群满后平均每次模拟新开 {2} 个群 (第 95 百分位 {3})。"
            },
            &[
                ("groups.seed_groups", 0, false),
                ("groups.cap", 0, false),
                ("groups.created.mean", 1, false),
                ("groups.created.p95", 0, false),
                ("groups.joins_refused_per_run.mean", 0, false),
            ],
        ));
    }
    if at(summary, "official_account").is_some_and(|a| !a.is_null()) {
        let pushes = at(summary, "official_account.pushes").and_then(Value::as_array).map_or(0, Vec::len);
        via.push(
            say(
                "The official account goes from {0} followers to {1} on average (95% CI {2} – {3}): {4} new follows and {5} unfollows over {pushes} pushes.",
                "公众号粉丝从 {0} 人变为平均 {1} 人 (95% 置信区间 {2} – {3}): {pushes} 次推送共新增关注 {4} 人, 取关 {5} 人。",
                &[
                    ("official_account.followers_at_start", 0, false),
                    ("official_account.followers_at_end.mean", 0, false),
                    ("official_account.followers_at_end.ci_low", 0, false),
                    ("official_account.followers_at_end.ci_high", 0, false),
                    ("official_account.new_follows.mean", 0, false),
                    ("official_account.unfollows.mean", 0, false),
                ],
            )
            .replace("{pushes}", &pushes.to_string()),
        );
    }
    if !via.is_empty() {
        h.push_str(&format!(
            "<dt>{}</dt><dd>{}</dd>\n",
            t(zh, "Through which channels?", "通过哪些渠道?"),
            via.join(" ")
        ));
    }
    let mut cost = say(
        "The campaign costs {cur}{0} on average (95% CI {cur}{1} – {cur}{2}; 95th percentile {cur}{3})",
        "平均总成本 {cur}{0} (95% 置信区间 {cur}{1} – {cur}{2}; 第 95 百分位 {cur}{3})",
        &[
            ("cost.total.mean", 0, false),
            ("cost.total.ci_low", 0, false),
            ("cost.total.ci_high", 0, false),
            ("cost.total.p95", 0, false),
        ],
    );
    if n.get("cost.total.mean").is_some_and(|c| c > 0.0) && n.get("cost.per_participant.mean").is_some() {
        let per = [("cost.per_participant.mean", 2, false)];
        cost.push_str(&say(", {cur}{0} per new participant.", ", 每位新参与者 {cur}{0}。", &per));
    } else {
        cost.push_str(t(zh, ".", "。"));
    }
    // Where the rewards go, when more than one kind of recipient is paid.
    let by = |who: &str| n.get(&format!("cost.rewards_by_recipient.{who}.mean")).unwrap_or(0.0);
    let paid: Vec<String> = [
        ("participants", "{cur}{0} to new participants", "{cur}{0} 给新参与者"),
        ("referrers", "{cur}{0} to referrers", "{cur}{0} 给邀请人"),
        ("tier_prizes", "{cur}{0} to tier prizes", "{cur}{0} 为阶梯奖励"),
    ]
    .iter()
    .filter(|(who, _, _)| by(who) > 0.0)
    .map(|(who, en, zh_text)| say(en, zh_text, &[(&format!("cost.rewards_by_recipient.{who}.mean"), 0, false)]))
    .collect();
    if paid.len() >= 2 {
        cost.push(' ');
        cost.push_str(&if zh {
            format!("奖励中平均 {}。", paid.join(", "))
        } else {
            let (last, first) = paid.split_last().expect("two or more");
            format!("Of the rewards, on average {} and {last}.", first.join(", "))
        });
    }
    if n.get("cost.budget_exhausted_probability.probability").is_some() {
        cost.push(' ');
        cost.push_str(&say(
            "The budget of {cur}{0} runs out in {1} of runs (95% CI {2} – {3}).",
            "预算 {cur}{0} 在 {1} 的模拟中用完 (95% 置信区间 {2} – {3})。",
            &[
                ("cost.budget", 0, false),
                ("cost.budget_exhausted_probability.probability", 1, true),
                ("cost.budget_exhausted_probability.ci_low", 1, true),
                ("cost.budget_exhausted_probability.ci_high", 1, true),
            ],
        ));
    }
    if n.get("cost.roi.mean").is_some() {
        cost.push(' ');
        cost.push_str(&say(
            "Return on investment: {0} (95% CI {1} – {2}).",
            "投资回报率 {0} (95% 置信区间 {1} – {2})。",
            &[("cost.roi.mean", 0, true), ("cost.roi.ci_low", 0, true), ("cost.roi.ci_high", 0, true)],
        ));
    }
    // A design that pays nothing, has no fixed costs and states no budget (the
    // epidemic models, a campaign without rewards) spends nothing in any run.
    let spends = n.get("cost.total.max").is_some_and(|m| m > 0.0) || n.get("cost.budget").is_some();
    if !spends {
        cost = t(
            zh,
            "Nothing: the design pays no rewards, has no fixed costs and states no budget.",
            "无: 方案不发放奖励, 没有固定成本, 也未设定预算。",
        )
        .to_string();
    }
    h.push_str(&format!("<dt>{}</dt><dd>{cost}</dd>\n</dl>\n</section>\n", t(zh, "At what cost?", "成本多少?")));

    // The design.
    h.push_str(&format!("<section id=\"design\">\n<h2>{}</h2>\n<table>\n", t(zh, "The design", "方案")));
    let row = |h: &mut String, name: &str, value: String| {
        h.push_str(&format!("<tr><th>{}</th><td>{value}</td></tr>\n", escape(name)));
    };
    row(&mut h, t(zh, "Model", "模型"), escape(text_at(summary, "scenario.model.kind")));
    row(
        &mut h,
        t(zh, "Social graph", "社交网络"),
        format!(
            "{} {} · {} {} · {} {}",
            n.show("graph.nodes", 0, false),
            t(zh, "people", "人"),
            n.show("graph.edges", 0, false),
            t(zh, "ties", "条关系"),
            t(zh, "mean degree", "平均好友数"),
            n.show("graph.mean_degree", 1, false)
        ),
    );
    row(
        &mut h,
        t(zh, "Seed users", "种子用户"),
        format!(
            "{} ({})",
            n.show("seed_users", 0, false),
            escape(at(summary, "seeding.strategy").and_then(Value::as_str).unwrap_or("-"))
        ),
    );
    let resolved = &summary["scenario"];
    for (section, en, zh_name) in [
        ("campaign", "Campaign design [campaign]", "活动设计 [campaign]"),
        ("rewards", "Rewards [rewards]", "奖励 [rewards]"),
        ("budget", "Budget [budget]", "预算 [budget]"),
        ("channels", "Channels [channels]", "渠道 [channels]"),
        ("goal", "Goal [goal]", "目标 [goal]"),
    ] {
        if let Some(Value::Object(map)) = resolved.get(section) {
            let items: Vec<String> =
                flatten(map, "").into_iter().map(|(k, v)| format!("{} = {}", escape(&k), escape(&v))).collect();
            if !items.is_empty() {
                row(&mut h, t(zh, en, zh_name), items.join("<br>"));
            }
        }
    }
    row(&mut h, t(zh, "Campaign length", "活动天数"), n.show("days", 0, false));
    h.push_str("</table>\n</section>\n");

    // The charts.
    push_charts(&mut h, zh, charts);

    // Cautions.
    let warnings = cautions(summary, "cautions", zh);
    h.push_str(&format!("<section id=\"cautions\">\n<h2>{}</h2>\n<ul>\n", t(zh, "Cautions", "注意事项")));
    if warnings.is_empty() {
        h.push_str(&format!(
            "<li>{}</li>\n",
            t(
                zh,
                "None: the runs are enough for the intervals shown, and they ended within the campaign.",
                "无: 模拟次数足以给出上述置信区间, 且模拟均在活动期内结束。"
            )
        ));
    }
    for w in warnings {
        h.push_str(&format!("<li>{}</li>\n", escape(&w)));
    }
    h.push_str("</ul>\n</section>\n");

    push_assumptions(&mut h, zh, &[]);

    // Provenance.
    h.push_str(&format!(
        "<section id=\"provenance\">\n<h2>{}</h2>\n<p>fission {} · schema {} · {} {} · {} {}</p>\n",
        t(zh, "Provenance", "来源"),
        escape(text_at(summary, "fission_version")),
        n.show("schema_version", 0, false),
        t(zh, "seed", "随机种子"),
        n.show("rng_seed", 0, false),
        t(zh, "graph seed", "网络随机种子"),
        escape(&at(summary, "graph_rng_seed").map(|v| v.to_string()).unwrap_or_default()),
    ));
    push_scenario(&mut h, t(zh, "The resolved scenario", "完整场景设定"), &summary["scenario"], true);
    h.push_str("</section>\n");
    end_page(h, summary)
}
/// A scenario section's keys and values, nested tables flattened with dots.
pub(super) fn flatten(map: &serde_json::Map<String, Value>, prefix: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (k, v) in map {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            Value::Object(m) => out.extend(flatten(m, &key)),
            Value::String(s) => out.push((key, s.clone())),
            other => out.push((key, other.to_string())),
        }
    }
    out
}

/// `template` with `{0}`, `{1}`, ... replaced by `args` (the highest index first, so
/// that `{1}` does not eat the start of `{10}`).
pub(crate) fn fill(template: &str, args: &[String]) -> String {
    let mut out = template.to_string();
    for (i, a) in args.iter().enumerate().rev() {
        out = out.replace(&format!("{{{i}}}"), a);
    }
    out
}

/// A channel's name for a manager.
fn channel_name(name: &str, zh: bool) -> &str {
    match name {
        "direct" => t(zh, "private chats", "私聊"),
        "moments" => t(zh, "Moments", "朋友圈"),
        "group" => t(zh, "group chats", "群聊"),
        "official_account" => t(zh, "official-account pushes", "公众号推送"),
        other => other,
    }
}

/// A caution in a manager's words.
pub(super) fn plain_warning(w: &crate::stats::Warning, zh: bool) -> String {
    use crate::stats::Warning::*;
    match (w, zh) {
        (WideInterval { runs, half_width, runs_needed }, false) => format!(
            "K is known only to ±{half_width:.3} from {runs} runs; about {runs_needed} runs would pin it to ±0.02 before a decision rests on it."
        ),
        (WideInterval { runs, half_width, runs_needed }, true) => format!(
            "{runs} 次模拟只能把 K 估计到 ±{half_width:.3}; 约 {runs_needed} 次模拟才能精确到 ±0.02, 据此决策前应增加模拟次数。"
        ),
        (NoInterval { runs, .. }, false) => format!(
            "With {runs} runs K has no interval: the figures above are one possible outcome, not an estimate; run 1,000 or more."
        ),
        (NoInterval { runs, .. }, true) => {
            format!("仅 {runs} 次模拟, K 没有置信区间: 上述数字只是一种可能结果, 不是估计; 请至少模拟 1,000 次。")
        }
        (Censored { fraction, days, new_last_day, mean_reach, .. }, false) => format!(
            "In {:.0}% of runs people were still joining when the campaign ended on day {days} (about {new_last_day:.0} a day, against {mean_reach:.0} in all): reach is what the campaign window allows, and a longer campaign would reach more.",
            fraction * 100.0
        ),
        (Censored { fraction, days, new_last_day, mean_reach, .. }, true) => format!(
            "{:.0}% 的模拟在第 {days} 天活动结束时仍有人加入 (每天约 {new_last_day:.0} 人, 总计约 {mean_reach:.0} 人): 覆盖人数受活动时长限制, 活动更长会覆盖更多人。",
            fraction * 100.0
        ),
        (Saturated { fraction }, false) => format!(
            "The campaign reaches {:.0}% of the simulated audience: the audience's size, not the design, limits it; simulate a larger audience.",
            fraction * 100.0
        ),
        (Saturated { fraction }, true) => {
            format!("活动覆盖了模拟人群的 {:.0}%: 限制覆盖的是人群规模而非方案; 请模拟更大的人群。", fraction * 100.0)
        }
    }
}
