//! report.html of `compare` and `sweep`: the verdict in sentences, the designs' or
//! points' figures with their intervals, the charts, the cautions, the assumptions and
//! the provenance, built from compare.json or sweep.json and the PNG charts alone (as
//! the run's page, [`super::html`]), every number tagged with its key in that JSON.

use super::html::{
    Numbers, at, begin_page, cautions, end_page, escape, fill, flatten, language_is_zh, push_assumptions, push_charts,
    push_scenario, t, text_at,
};
use serde_json::Value;

/// The designs' or points' number in a list of the JSON.
fn count(root: &Value, key: &str) -> usize {
    at(root, key).and_then(Value::as_array).map_or(0, Vec::len)
}

/// A tagged estimate with its interval: "0.87 (0.86 – 0.88)".
fn with_interval(n: &Numbers, key: &str, decimals: usize, percent: bool, prefix: &str) -> String {
    format!(
        "{prefix}{}<br><span class=\"ci\">({prefix}{} – {prefix}{})</span>",
        n.show(&format!("{key}.value"), decimals, percent),
        n.show(&format!("{key}.ci_low"), decimals, percent),
        n.show(&format!("{key}.ci_high"), decimals, percent)
    )
}

/// The header of a page: its title, a subtitle and a line of figures.
fn push_header(h: &mut String, title: &str, sub: &str, meta: &str) {
    h.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n<p class=\"meta\">{meta}</p>\n</header>\n",
        escape(title),
        escape(sub)
    ));
}

/// A list of cautions (or the page's "none").
fn push_cautions(h: &mut String, zh: bool, items: &[String]) {
    h.push_str(&format!("<section id=\"cautions\">\n<h2>{}</h2>\n<ul>\n", t(zh, "Cautions", "注意事项")));
    if items.is_empty() {
        h.push_str(&format!("<li>{}</li>\n", t(zh, "None.", "无。")));
    }
    for w in items {
        h.push_str(&format!("<li>{}</li>\n", escape(w)));
    }
    h.push_str("</ul>\n</section>\n");
}

/// report.html of a comparison, from compare.json's content and its charts' PNGs.
pub fn compare_page(data: &Value, charts: &[(&str, &[u8])]) -> String {
    let zh = language_is_zh(data, "scenarios.0");
    let n = Numbers { summary: data };
    let designs = count(data, "designs");
    let name = |i: usize| escape(text_at(data, &format!("designs.{i}.name")));
    let cur = escape(text_at(data, "scenarios.0.report.currency"));
    let title = t(zh, "Design comparison", "方案对比");
    let names: Vec<String> = (0..designs).map(|i| text_at(data, &format!("designs.{i}.name")).to_string()).collect();
    let mut h = begin_page(zh, &names.join(" / "), title);
    let same_graph = at(data, "same_graph").and_then(Value::as_bool).unwrap_or(false);
    push_header(
        &mut h,
        title,
        &names.join(" · "),
        &format!(
            "{} {} · {} {} · {} {} · {}",
            designs,
            t(zh, "designs", "个方案"),
            n.show("runs_per_design", 0, false),
            t(zh, "runs each", "次模拟/方案"),
            t(zh, "seed", "随机种子"),
            n.show("rng_seed", 0, false),
            if same_graph {
                t(zh, "one graph, the same random draws for every design", "同一社交网络, 各方案使用相同的随机抽样")
            } else {
                t(zh, "different graphs", "不同的社交网络")
            }
        ),
    );

    // The verdict: the design with the best objective, and whether its lead over the
    // first is more than chance (its paired 95% interval excludes 0).
    let goal = at(data, "designs.0.p_goal").is_some_and(|v| !v.is_null());
    let objective = if goal { "p_goal" } else { "reach" };
    let value = |i: usize| n.get(&format!("designs.{i}.{objective}.value")).unwrap_or(f64::NEG_INFINITY);
    let best = (1..designs).fold(0, |b, i| if value(i) > value(b) { i } else { b });
    let diff = |i: usize, what: &str, end: &str| format!("differences.{}.{what}.{end}", i - 1);
    let say = |en: &str, zh_text: &str, args: &[String]| fill(t(zh, en, zh_text), args).replace("{cur}", &cur);
    let mut verdict_class = "verdict";
    let verdict = if best == 0 {
        say(
            if goal {
                "Keep {0}: no other design meets the goal more often."
            } else {
                "Keep {0}: no other design reaches more people on average."
            },
            if goal {
                "保留 {0}: 没有其他方案的目标达成概率更高。"
            } else {
                "保留 {0}: 没有其他方案平均覆盖更多人。"
            },
            &[name(0)],
        )
    } else if n.get(&diff(best, objective, "ci_low")).is_some_and(|lo| lo > 0.0) {
        let mut text = if goal {
            say(
                "Choose {0}: it meets the goal in {2} more of the runs than {1} (95% CI {3} – {4}; percentage points).",
                "选择 {0}: 目标达成概率比 {1} 高 {2} (95% 置信区间 {3} – {4}; 百分点)。",
                &[
                    name(best),
                    name(0),
                    n.show(&diff(best, objective, "mean"), 1, true),
                    n.show(&diff(best, objective, "ci_low"), 1, true),
                    n.show(&diff(best, objective, "ci_high"), 1, true),
                ],
            )
        } else {
            say(
                "Choose {0}: it reaches {2} more people than {1} on average (95% CI {3} – {4}).",
                "选择 {0}: 平均比 {1} 多覆盖 {2} 人 (95% 置信区间 {3} – {4})。",
                &[
                    name(best),
                    name(0),
                    n.show(&diff(best, objective, "mean"), 0, false),
                    n.show(&diff(best, objective, "ci_low"), 0, false),
                    n.show(&diff(best, objective, "ci_high"), 0, false),
                ],
            )
        };
        let cost = [
            n.show(&diff(best, "cost", "mean"), 0, false),
            n.show(&diff(best, "cost", "ci_low"), 0, false),
            n.show(&diff(best, "cost", "ci_high"), 0, false),
        ];
        let (d_cost, d_reach) = (
            n.get(&diff(best, "cost", "mean")).unwrap_or(f64::NAN),
            n.get(&diff(best, "reach", "mean")).unwrap_or(f64::NAN),
        );
        text.push(' ');
        text.push_str(&if d_cost >= 0.0 {
            say(
                "It costs {cur}{0} more on average (95% CI {cur}{1} – {cur}{2})",
                "平均多花费 {cur}{0} (95% 置信区间 {cur}{1} – {cur}{2})",
                &cost,
            )
        } else {
            say(
                "It also costs less: the difference in cost is {cur}{0} on average (95% CI {cur}{1} – {cur}{2})",
                "而且更省钱: 平均成本差 {cur}{0} (95% 置信区间 {cur}{1} – {cur}{2})",
                &cost,
            )
        });
        if d_cost > 0.0 && d_reach > 0.0 {
            text.push_str(&say(
                ": {cur}{0} for each extra participant.",
                ": 每多一位参与者多花 {cur}{0}。",
                &[super::html::group(d_cost / d_reach, 2)],
            ));
        } else {
            text.push_str(t(zh, ".", "。"));
        }
        text
    } else {
        verdict_class = "verdict no";
        say(
            if goal {
                "No design is clearly better than {0}: {1} meets the goal most often, but its lead ({2}; 95% CI {3} – {4}) could be chance. Run more runs, or decide on cost."
            } else {
                "No design is clearly better than {0}: {1} reaches the most people on average, but its lead ({2} people; 95% CI {3} – {4}) could be chance. Run more runs, or decide on cost."
            },
            if goal {
                "没有方案明显优于 {0}: {1} 的目标达成概率最高, 但领先幅度 ({2}; 95% 置信区间 {3} – {4}) 可能只是偶然。请增加模拟次数, 或按成本决定。"
            } else {
                "没有方案明显优于 {0}: {1} 平均覆盖人数最多, 但领先幅度 ({2} 人; 95% 置信区间 {3} – {4}) 可能只是偶然。请增加模拟次数, 或按成本决定。"
            },
            &[
                name(0),
                name(best),
                n.show(&diff(best, objective, "mean"), if goal { 1 } else { 0 }, goal),
                n.show(&diff(best, objective, "ci_low"), if goal { 1 } else { 0 }, goal),
                n.show(&diff(best, objective, "ci_high"), if goal { 1 } else { 0 }, goal),
            ],
        )
    };
    h.push_str(&format!(
        "<section id=\"answers\">\n<h2>{}</h2>\n<p class=\"{verdict_class}\">{verdict}</p>\n<ul>\n",
        t(zh, "The verdict", "结论")
    ));
    // Each design in a sentence: spreads or not, and the cheapest per participant.
    for i in 0..designs {
        let k = |end: &str| n.show(&format!("designs.{i}.k.{end}"), 2, false);
        let spreads = n.get(&format!("designs.{i}.k.ci_low")).is_some_and(|x| x > 1.0);
        let fades = n.get(&format!("designs.{i}.k.ci_high")).is_some_and(|x| x < 1.0);
        let (en, zh_text) = match (spreads, fades) {
            (true, _) => (
                "{0}: K = {1} (95% CI {2} – {3}), it spreads on its own; {4} people on average at {cur}{5} each.",
                "{0}: K = {1} (95% 置信区间 {2} – {3}), 能自发传播; 平均 {4} 人参与, 每人 {cur}{5}。",
            ),
            (_, true) => (
                "{0}: K = {1} (95% CI {2} – {3}), it does not spread on its own; {4} people on average at {cur}{5} each.",
                "{0}: K = {1} (95% 置信区间 {2} – {3}), 不能自发传播; 平均 {4} 人参与, 每人 {cur}{5}。",
            ),
            _ => (
                "{0}: K = {1} (95% CI {2} – {3}), on the edge of spreading on its own; {4} people on average at {cur}{5} each.",
                "{0}: K = {1} (95% 置信区间 {2} – {3}), 处在能否自发传播的临界点; 平均 {4} 人参与, 每人 {cur}{5}。",
            ),
        };
        let args = [
            format!("<b>{}</b>", name(i)),
            k("value"),
            k("ci_low"),
            k("ci_high"),
            n.show(&format!("designs.{i}.reach.value"), 0, false),
            n.show(&format!("designs.{i}.cost_per_participant.value"), 2, false),
        ];
        h.push_str(&format!("<li>{}</li>\n", say(en, zh_text, &args)));
    }
    h.push_str("</ul>\n");
    if designs > 2 {
        h.push_str(&format!(
            "<p class=\"sub\">{}</p>\n",
            say(
                "Every design is measured against the first, {0}; to compare two of the others directly, compare them on their own.",
                "各方案均与第一个方案 {0} 比较; 如需直接比较其他两个方案, 请单独对比它们。",
                &[name(0)]
            )
        ));
    }
    h.push_str("</section>\n");

    // The figures.
    h.push_str(&format!(
        "<section id=\"designs\">\n<h2>{}</h2>\n<table class=\"grid\">\n<tr><th>{}</th><th>K</th><th>{}</th><th>{}</th><th>{}</th>{}</tr>\n",
        t(zh, "The designs' figures (95% intervals)", "各方案数据 (95% 置信区间)"),
        t(zh, "Design", "方案"),
        t(zh, "Reach (people)", "覆盖人数"),
        t(zh, "Cost", "成本"),
        t(zh, "Cost per participant", "每位参与者成本"),
        if goal { format!("<th>{}</th>", t(zh, "P(goal)", "目标达成概率")) } else { String::new() }
    ));
    for i in 0..designs {
        let key = |what: &str| format!("designs.{i}.{what}");
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{}</tr>\n",
            name(i),
            with_interval(&n, &key("k"), 3, false, ""),
            with_interval(&n, &key("reach"), 0, false, ""),
            with_interval(&n, &key("cost"), 0, false, &cur),
            with_interval(&n, &key("cost_per_participant"), 2, false, &cur),
            if goal { format!("<td>{}</td>", with_interval(&n, &key("p_goal"), 1, true, "")) } else { String::new() }
        ));
    }
    h.push_str("</table>\n");
    if designs > 1 {
        h.push_str(&format!(
            "<h3>{}</h3>\n<table class=\"grid\">\n<tr><th>{}</th><th>ΔK</th><th>{}</th><th>{}</th><th>{}</th>{}</tr>\n",
            say(
                "Differences from {0}, run by run with the same draws (bold: more than chance)",
                "与 {0} 的差异 (相同随机抽样, 逐次配对; 粗体: 不只是偶然)",
                &[name(0)]
            ),
            t(zh, "Design", "方案"),
            t(zh, "Δ reach", "Δ 覆盖人数"),
            t(zh, "Δ cost", "Δ 成本"),
            t(zh, "Δ cost per participant", "Δ 每位参与者成本"),
            if goal { format!("<th>{}</th>", t(zh, "Δ P(goal)", "Δ 目标达成概率")) } else { String::new() }
        ));
        for i in 1..designs {
            let cell = |what: &str, decimals: usize, percent: bool, prefix: &str| {
                let key = |end: &str| diff(i, what, end);
                let clear =
                    n.get(&key("ci_low")).is_some_and(|x| x > 0.0) || n.get(&key("ci_high")).is_some_and(|x| x < 0.0);
                let shown = format!(
                    "{prefix}{}<br><span class=\"ci\">({prefix}{} – {prefix}{})</span>",
                    n.show(&key("mean"), decimals, percent),
                    n.show(&key("ci_low"), decimals, percent),
                    n.show(&key("ci_high"), decimals, percent)
                );
                if clear { format!("<td class=\"clear\">{shown}</td>") } else { format!("<td>{shown}</td>") }
            };
            h.push_str(&format!(
                "<tr><td>{}</td>{}{}{}{}{}</tr>\n",
                name(i),
                cell("k", 3, false, ""),
                cell("reach", 0, false, ""),
                cell("cost", 0, false, &cur),
                cell("cost_per_participant", 2, false, &cur),
                if goal { cell("p_goal", 1, true, "") } else { String::new() }
            ));
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");

    // What differs between the designs' scenarios.
    let flat: Vec<Vec<(String, String)>> = (0..designs)
        .map(|i| match at(data, &format!("scenarios.{i}")) {
            Some(Value::Object(m)) => flatten(m, ""),
            _ => Vec::new(),
        })
        .collect();
    let mut keys: Vec<&String> = flat.iter().flatten().map(|(k, _)| k).collect();
    keys.sort();
    keys.dedup();
    let lookup =
        |i: usize, k: &str| flat[i].iter().find(|(key, _)| key == k).map_or("–".to_string(), |(_, v)| v.clone());
    let differing: Vec<&String> = keys
        .into_iter()
        .filter(|k| !["name", "description"].contains(&k.as_str()))
        .filter(|k| (1..designs).any(|i| lookup(i, k) != lookup(0, k)))
        .collect();
    h.push_str(&format!(
        "<section id=\"differences\">\n<h2>{}</h2>\n",
        t(zh, "How the designs differ", "方案之间的差别")
    ));
    if differing.is_empty() {
        h.push_str(&format!(
            "<p>{}</p>\n",
            t(zh, "The scenarios are the same but for their names.", "除名称外, 各方案的场景设定相同。")
        ));
    } else {
        h.push_str(&format!("<table class=\"grid keys\">\n<tr><th>{}</th>", t(zh, "Key", "设定项")));
        for i in 0..designs {
            h.push_str(&format!("<th>{}</th>", name(i)));
        }
        h.push_str("</tr>\n");
        for k in differing {
            h.push_str(&format!("<tr><td><code>{}</code></td>", escape(k)));
            for i in 0..designs {
                h.push_str(&format!("<td>{}</td>", escape(&lookup(i, k))));
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");

    push_charts(&mut h, zh, charts);

    let mut warnings = Vec::new();
    if !same_graph {
        warnings.push(
            t(
                zh,
                "The designs ran on different graphs, so their runs are not paired on the graph: the differences also carry the graphs' own variation, and their intervals are wider.",
                "各方案使用不同的社交网络, 模拟无法按网络配对: 差异中也包含网络本身的波动, 置信区间更宽。",
            )
            .to_string(),
        );
    }
    for i in 0..designs {
        for w in cautions(data, &format!("designs.{i}.cautions"), zh) {
            warnings.push(format!("{}: {w}", text_at(data, &format!("designs.{i}.name"))));
        }
    }
    push_cautions(&mut h, zh, &warnings);
    let pairing = if same_graph {
        (
            "Every design ran on the same graph with the same seed users and the same random draws, run by run (common random numbers), so a difference between designs comes from the designs rather than from luck, and is measured with less noise than separate runs would give.",
            "各方案在同一社交网络上, 每次模拟使用相同的种子用户和相同的随机抽样 (共同随机数), 因此方案之间的差异来自方案本身而非运气, 测量的噪声也比各自独立模拟小。",
        )
    } else {
        (
            "Every design ran with the same master seed, run by run, but on its own graph, so the differences include the graphs' variation as well as the designs'.",
            "各方案使用相同的随机种子逐次模拟, 但各自在不同的社交网络上, 因此差异既来自方案, 也来自网络本身的波动。",
        )
    };
    push_assumptions(&mut h, zh, &[pairing]);
    push_provenance(&mut h, data, zh, ("runs_per_design", "runs per design", "次模拟/方案"));
    for i in 0..designs {
        let file = text_at(data, &format!("designs.{i}.file"));
        push_scenario(&mut h, &format!("{} ({file})", names[i]), &data["scenarios"][i], false);
    }
    h.push_str("</section>\n");
    end_page(h, data)
}

/// The provenance section's opening: version, schema, seed, the runs (`runs`: its key,
/// and its words in English and Chinese) and the `--set`s.
fn push_provenance(h: &mut String, data: &Value, zh: bool, runs: (&str, &str, &str)) {
    let n = Numbers { summary: data };
    h.push_str(&format!(
        "<section id=\"provenance\">\n<h2>{}</h2>\n<p>fission {} · schema {} · {} {} · {} {}{}</p>\n",
        t(zh, "Provenance", "来源"),
        escape(text_at(data, "fission_version")),
        n.show("schema_version", 0, false),
        t(zh, "seed", "随机种子"),
        n.show("rng_seed", 0, false),
        n.show(runs.0, 0, false),
        t(zh, runs.1, runs.2),
        overrides(data, zh)
    ));
}

/// The `--set`s every design or point ran with, as a sentence's end.
fn overrides(data: &Value, zh: bool) -> String {
    let sets: Vec<String> = at(data, "overrides")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|s| format!("<code>{}</code>", escape(s)))
        .collect();
    if sets.is_empty() { String::new() } else { format!(" · {} {}", t(zh, "with", "设定"), sets.join(", ")) }
}

/// report.html of a sweep, from sweep.json's content and its charts' PNGs.
pub fn sweep_page(data: &Value, charts: &[(&str, &[u8])]) -> String {
    let zh = language_is_zh(data, "scenario");
    let n = Numbers { summary: data };
    let keys: Vec<String> = at(data, "varied")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect();
    let points = count(data, "points");
    let cur = escape(text_at(data, "scenario.report.currency"));
    let complete = at(data, "complete").and_then(Value::as_bool).unwrap_or(false);
    let say = |en: &str, zh_text: &str, args: &[String]| fill(t(zh, en, zh_text), args).replace("{cur}", &cur);
    let varied = keys.join(" × ");
    let title = format!("{} {varied}", t(zh, "Sweep of", "参数扫描:"));
    let name = text_at(data, "scenario_name");
    let mut h = begin_page(zh, name, &escape(&title));
    push_header(
        &mut h,
        &title,
        name,
        &format!(
            "{} {} · {} {} · {} {}",
            n.show("points_done", 0, false),
            t(zh, "points", "个取值点"),
            n.show("runs_per_point", 0, false),
            t(zh, "runs each", "次模拟/点"),
            t(zh, "seed", "随机种子"),
            n.show("rng_seed", 0, false)
        ),
    );
    // A point's values, "campaign.reward = 20" (two keys: joined by commas).
    let at_point = |i: usize| -> String {
        keys.iter()
            .enumerate()
            .map(|(j, k)| format!("<code>{}</code> = {}", escape(k), n.show_value(&format!("points.{i}.values.{j}"))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let k_of = |i: usize, end: &str| n.get(&format!("points.{i}.k.{end}")).unwrap_or(f64::NAN);

    let mut verdict = Vec::new();
    let mut verdict_class = "verdict";
    if !complete {
        verdict_class = "verdict no";
        verdict.push(say(
            "This sweep is not finished ({0} points done): continue it with the same command and --resume; the verdict waits for the whole range.",
            "扫描尚未完成 (已完成 {0} 个取值点): 请用相同命令加 --resume 继续; 完成后才能给出结论。",
            &[n.show("points_done", 0, false)],
        ));
    } else if keys.len() == 1 {
        if at(data, "tipping_point").is_some_and(|v| !v.is_null()) {
            let rising = at(data, "tipping_point.rising").and_then(Value::as_bool).unwrap_or(true);
            let end = |which: &str, missing_en: &str, missing_zh: &str| {
                if at(data, &format!("tipping_point.{which}")).is_some_and(|v| !v.is_null()) {
                    n.show(&format!("tipping_point.{which}"), 3, false)
                } else {
                    t(zh, missing_en, missing_zh).to_string()
                }
            };
            verdict.push(say(
                if rising {
                    "K reaches 1 at {0} = {1} (95% CI {2} – {3}): above that value the campaign spreads on its own, below it fades."
                } else {
                    "K falls to 1 at {0} = {1} (95% CI {2} – {3}): below that value the campaign spreads on its own, above it fades."
                },
                if rising {
                    "K 在 {0} = {1} 处达到 1 (95% 置信区间 {2} – {3}): 高于此值活动能自发传播, 低于此值会逐渐停止。"
                } else {
                    "K 在 {0} = {1} 处降到 1 (95% 置信区间 {2} – {3}): 低于此值活动能自发传播, 高于此值会逐渐停止。"
                },
                &[
                    format!("<code>{}</code>", escape(&keys[0])),
                    n.show("tipping_point.value", 3, false),
                    end("ci_low", "below the range", "低于扫描范围"),
                    end("ci_high", "beyond the range", "超出扫描范围"),
                ],
            ));
        } else {
            let best = (0..points).fold(0, |b, i| if k_of(i, "value") > k_of(b, "value") { i } else { b });
            let worst = (0..points).fold(0, |b, i| if k_of(i, "value") < k_of(b, "value") { i } else { b });
            let below = (0..points).all(|i| k_of(i, "value") < 1.0);
            verdict_class = if below { "verdict no" } else { "verdict" };
            verdict.push(if below {
                say(
                    "K stays below 1 over the whole range: no value swept makes the campaign spread on its own; the highest K is {0} at {1}.",
                    "在整个扫描范围内 K 都低于 1: 没有哪个取值能让活动自发传播; K 最高为 {0}, 在 {1} 处。",
                    &[n.show(&format!("points.{best}.k.value"), 3, false), at_point(best)],
                )
            } else {
                say(
                    "K stays above 1 over the whole range: the campaign spreads on its own at every value swept; the lowest K is {0} at {1}.",
                    "在整个扫描范围内 K 都高于 1: 每个取值下活动都能自发传播; K 最低为 {0}, 在 {1} 处。",
                    &[n.show(&format!("points.{worst}.k.value"), 3, false), at_point(worst)],
                )
            });
        }
    } else {
        // Two keys: the points whose whole interval on K is above 1, and the cheapest.
        let spreading: Vec<usize> = (0..points).filter(|&i| k_of(i, "ci_low") > 1.0).collect();
        let cost = |i: usize| n.get(&format!("points.{i}.cost.value")).unwrap_or(f64::INFINITY);
        match spreading.iter().copied().min_by(|&a, &b| cost(a).total_cmp(&cost(b))) {
            Some(c) => verdict.push(say(
                "The campaign spreads on its own (K's whole 95% interval above 1) at {0} of {1} points; the cheapest of them is {2}: K = {3}, {4} people, {cur}{5} on average.",
                "在 {1} 个取值点中有 {0} 个能自发传播 (K 的整个 95% 置信区间高于 1); 其中成本最低的是 {2}: K = {3}, {4} 人参与, 平均成本 {cur}{5}。",
                &[
                    spreading.len().to_string(),
                    points.to_string(),
                    at_point(c),
                    n.show(&format!("points.{c}.k.value"), 3, false),
                    n.show(&format!("points.{c}.reach.value"), 0, false),
                    n.show(&format!("points.{c}.cost.value"), 0, false),
                ],
            )),
            None => {
                verdict_class = "verdict no";
                let best = (0..points).fold(0, |b, i| if k_of(i, "value") > k_of(b, "value") { i } else { b });
                verdict.push(say(
                    "At no point is K's whole 95% interval above 1: the campaign is not shown to spread on its own anywhere in this grid; the highest K is {0} at {1}.",
                    "没有任何取值点的 K 整个 95% 置信区间高于 1: 在此范围内活动都不能确定自发传播; K 最高为 {0}, 在 {1} 处。",
                    &[n.show(&format!("points.{best}.k.value"), 3, false), at_point(best)],
                ));
            }
        }
    }
    // The goal: the cheapest point that meets it in at least half of the runs.
    let goal = points > 0 && at(data, "points.0.p_goal").is_some_and(|v| !v.is_null());
    if goal && complete {
        let p = |i: usize| n.get(&format!("points.{i}.p_goal.value")).unwrap_or(0.0);
        let cost = |i: usize| n.get(&format!("points.{i}.cost.value")).unwrap_or(f64::INFINITY);
        let meeting: Vec<usize> = (0..points).filter(|&i| p(i) >= 0.5).collect();
        verdict.push(match meeting.iter().copied().min_by(|&a, &b| cost(a).total_cmp(&cost(b))) {
            Some(c) => say(
                "The goal is met in at least half of the runs at {0} of {1} points; the cheapest is {2}, meeting it in {3} of runs (95% CI {4} – {5}) for {cur}{6} on average.",
                "在 {1} 个取值点中有 {0} 个的目标达成概率不低于 50%; 其中成本最低的是 {2}: 达成概率 {3} (95% 置信区间 {4} – {5}), 平均成本 {cur}{6}。",
                &[
                    meeting.len().to_string(),
                    points.to_string(),
                    at_point(c),
                    n.show(&format!("points.{c}.p_goal.value"), 1, true),
                    n.show(&format!("points.{c}.p_goal.ci_low"), 1, true),
                    n.show(&format!("points.{c}.p_goal.ci_high"), 1, true),
                    n.show(&format!("points.{c}.cost.value"), 0, false),
                ],
            ),
            None => {
                let best = (0..points).fold(0, |b, i| if p(i) > p(b) { i } else { b });
                say(
                    "No point meets the goal in half of the runs; the best chance is {0} at {1}.",
                    "没有任何取值点的目标达成概率达到 50%; 最高为 {0}, 在 {1} 处。",
                    &[n.show(&format!("points.{best}.p_goal.value"), 1, true), at_point(best)],
                )
            }
        });
    }
    h.push_str(&format!("<section id=\"answers\">\n<h2>{}</h2>\n", t(zh, "The verdict", "结论")));
    for (i, v) in verdict.iter().enumerate() {
        let class = if i == 0 { verdict_class } else { "verdict" };
        h.push_str(&format!("<p class=\"{class}\">{v}</p>\n"));
    }
    h.push_str("</section>\n");

    // The points.
    h.push_str(
        &format!(
            "<section id=\"points\">\n<h2>{}</h2>\n<table class=\"grid\">\n<tr>",
            t(zh, "Every point (95% intervals)", "各取值点 (95% 置信区间)")
        )
        .replace("class=\"grid\"", "class=\"grid points\""),
    );
    for k in &keys {
        h.push_str(&format!("<th><code>{}</code></th>", escape(k)));
    }
    h.push_str(&format!(
        "<th>K</th><th>{}</th><th>{}</th>{}</tr>\n",
        t(zh, "Reach (people)", "覆盖人数"),
        t(zh, "Cost", "成本"),
        if goal { format!("<th>{}</th>", t(zh, "P(goal)", "目标达成概率")) } else { String::new() }
    ));
    for i in 0..points {
        h.push_str("<tr>");
        for j in 0..keys.len() {
            h.push_str(&format!("<td>{}</td>", n.show_value(&format!("points.{i}.values.{j}"))));
        }
        let key = |what: &str| format!("points.{i}.{what}");
        let spreads = if k_of(i, "ci_low") > 1.0 { " class=\"clear\"" } else { "" };
        h.push_str(&format!(
            "<td{spreads}>{}</td><td>{}</td><td>{}</td>{}</tr>\n",
            with_interval(&n, &key("k"), 3, false, ""),
            with_interval(&n, &key("reach"), 0, false, ""),
            with_interval(&n, &key("cost"), 0, false, &cur),
            if goal { format!("<td>{}</td>", with_interval(&n, &key("p_goal"), 1, true, "")) } else { String::new() }
        ));
    }
    h.push_str(&format!(
        "</table>\n<p class=\"sub\">{}</p>\n</section>\n",
        t(zh, "Bold: K's whole 95% interval is above 1.", "粗体: K 的整个 95% 置信区间高于 1。")
    ));

    push_charts(&mut h, zh, charts);

    let mut warnings = Vec::new();
    if !complete {
        warnings.push(
            t(
                zh,
                "The sweep is not finished: the charts and the tipping point come when every point is done.",
                "扫描尚未完成: 所有取值点完成后才会生成图表和临界点。",
            )
            .to_string(),
        );
    }
    if keys.len() == 1 && complete {
        let missing =
            ["ci_low", "ci_high"].iter().any(|e| at(data, &format!("tipping_point.{e}")).is_some_and(Value::is_null));
        if missing {
            warnings.push(
                t(
                    zh,
                    "K's 95% band does not cross 1 on both sides within the range, so one end of the tipping point's interval lies outside it: widen the range to pin it down.",
                    "K 的 95% 置信带在扫描范围内没有两侧都穿过 1, 临界点区间的一端在范围之外: 请扩大扫描范围。",
                )
                .to_string(),
            );
        }
    }
    push_cautions(&mut h, zh, &warnings);
    push_assumptions(
        &mut h,
        zh,
        &[(
            "Every point ran with the same seed users and random draws (common random numbers), so neighbouring points differ by the value swept rather than by luck; each point's figures are estimates with the intervals shown, and the tipping point is interpolated between the points around it.",
            "每个取值点使用相同的种子用户和随机抽样 (共同随机数), 相邻取值点的差异来自参数而非运气; 各点数据均为带置信区间的估计, 临界点由其两侧的取值点线性插值得到。",
        )],
    );
    push_provenance(&mut h, data, zh, ("runs_per_point", "runs per point", "次模拟/点"));
    push_scenario(
        &mut h,
        t(zh, "The resolved scenario (before the swept values)", "完整场景设定 (扫描取值之前)"),
        &data["scenario"],
        false,
    );
    h.push_str("</section>\n");
    end_page(h, data)
}
