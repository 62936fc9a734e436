//! Chart and table labels in English and Chinese.

use crate::scenario::Language;

/// Every label a chart or the summary table shows.
#[derive(Debug, Clone, Copy)]
pub struct Labels {
    /// Growth chart title suffix.
    pub growth_title: &'static str,
    /// Day axis.
    pub day_axis: &'static str,
    /// Cumulative participants axis.
    pub participants_axis: &'static str,
    /// Median line.
    pub median: &'static str,
    /// 50% band.
    pub band50: &'static str,
    /// 90% band.
    pub band90: &'static str,
    /// Viral-loop formula curve (format: K, cycle days).
    pub closed_form: &'static str,
    /// Reach chart title suffix.
    pub reach_title: &'static str,
    /// Final reach axis.
    pub reach_axis: &'static str,
    /// Share of runs axis.
    pub runs_axis: &'static str,
    /// Takeoff marker.
    pub takeoff: &'static str,
    /// Generations chart title suffix.
    pub generations_title: &'static str,
    /// Generation axis.
    pub generation_axis: &'static str,
    /// K axis.
    pub k_axis: &'static str,
    /// Pooled K line.
    pub pooled_k: &'static str,
    /// K = 1 line.
    pub k_one: &'static str,
    /// Per-generation K with interval.
    pub k_generation: &'static str,
    /// Footer: runs.
    pub runs_word: &'static str,
    /// Footer: one run.
    pub run_word: &'static str,
    /// Footer: seed.
    pub seed_word: &'static str,
    /// Footer: people.
    pub people_word: &'static str,
    /// Footer: ties.
    pub ties_word: &'static str,
    /// Footer: mean degree.
    pub mean_degree_word: &'static str,
    /// Table: K.
    pub table_k: &'static str,
    /// Table: in place of K's interval when it has none (the runs it rests on).
    pub no_interval: fn(usize) -> String,
    /// Table: split.
    pub table_split: &'static str,
    /// Table: reach.
    pub table_reach: &'static str,
    /// Table: takeoff.
    pub table_takeoff: &'static str,
    /// Table: half reach.
    pub table_half: &'static str,
    /// Table: after the days to half reach, when the seed users alone are half of it.
    pub seeds_are_half: &'static str,
    /// Table: cost.
    pub table_cost: &'static str,
    /// Table: cost per new participant.
    pub table_per_participant: &'static str,
    /// Table: the budget line: (budget, share of runs it ran out in, median day it did).
    pub table_budget: &'static str,
    /// Table: the budget's fate: (share of runs in %, median day or None).
    pub budget_fate: fn(f64, Option<f64>) -> String,
    /// Table: return on investment.
    pub table_roi: &'static str,
    /// Cost chart title suffix.
    pub cost_title: &'static str,
    /// Cost axis (cumulative spend).
    pub cost_axis: &'static str,
    /// Budget line.
    pub budget_line: &'static str,
    /// Table: the goal.
    pub table_goal: &'static str,
    /// Table: the reach goal: (target, day, P in %, interval in %).
    pub goal_reach: fn(f64, u32, f64, f64, f64) -> String,
    /// Table: the K goal: (target, confidence in %).
    pub goal_k: fn(f64, f64) -> String,
    /// Table: K by channel.
    pub table_k_channels: &'static str,
    /// Table: the official account.
    pub table_account: &'static str,
    /// Table: the campaign's groups.
    pub table_groups: &'static str,
    /// Table: recruits by channel.
    pub table_channels: &'static str,
    /// A channel's name in the table.
    pub channel_name: fn(&str) -> &'static str,
    /// Table: "median".
    pub median_word: &'static str,
    /// Table: the middle 90% of runs.
    pub runs90: &'static str,
    /// Table: a 95% confidence interval.
    pub ci95: &'static str,
    /// Table: the takeoff threshold (people).
    pub takeoff_people: fn(f64) -> String,
    /// Table: the 95th percentile.
    pub p95_word: &'static str,
    /// Table: the official account's followers: (start, end, follows, unfollows, per push, pushes).
    pub account_line: fn(usize, f64, f64, f64, f64, usize) -> String,
    /// Table: the campaign's groups: (at the end, opened, p95 opened, members each, largest, cap).
    pub groups_line: fn(f64, f64, f64, f64, u32, u32) -> String,
    /// Table: joins refused by full groups.
    pub refused: fn(f64) -> String,
    /// The table's first line: (scenario, runs, seed users, days, rng_seed).
    pub header: fn(&str, usize, usize, u32, u64) -> String,
    /// Table: the files written.
    pub files_word: &'static str,
    /// Growth chart: where the viral-loop formula leaves the chart: (its value at the
    /// horizon, the horizon's day).
    pub formula_off_chart: fn(&str, f64) -> String,
    /// Reach chart: the overflow bar: (where it starts, the largest reach).
    pub overflow_bar: fn(&str, &str) -> String,
}

const EN: Labels = Labels {
    growth_title: "projected growth",
    day_axis: "Day of campaign",
    participants_axis: "Participants, cumulative (people)",
    median: "Median of runs",
    band50: "50% of runs",
    band90: "90% of runs",
    closed_form: "Viral-loop formula",
    reach_title: "final reach",
    reach_axis: "Participants at the end (people)",
    runs_axis: "Share of runs (%)",
    takeoff: "Takeoff threshold",
    generations_title: "viral coefficient K by generation",
    generation_axis: "Generation of the inviters (0 = seed users)",
    k_axis: "K (new participants per participant)",
    pooled_k: "Pooled K",
    k_one: "K = 1 (self-sustaining)",
    k_generation: "K per generation, 95% CI",
    runs_word: "runs",
    run_word: "run",
    seed_word: "seed",
    people_word: "people",
    ties_word: "ties",
    mean_degree_word: "mean degree",
    table_k: "Viral coefficient K",
    no_interval: |n| format!("no 95% CI from {n} run{}: needs 2 or more", if n == 1 { "" } else { "s" }),
    table_split: "Invitations × conversion",
    table_reach: "Final reach (people)",
    table_takeoff: "Takeoff probability",
    table_half: "Days to half of final reach",
    seeds_are_half: "the seed users alone are half of the final reach",
    table_cost: "Cost (rewards + fixed)",
    table_per_participant: "Cost per new participant",
    table_budget: "Budget",
    budget_fate: |p, day| match day {
        Some(d) => format!("runs out in {p:.0}% of runs (median day {d:.0})"),
        None => "lasts in every run".to_string(),
    },
    table_roi: "Return on investment",
    cost_title: "spend against budget",
    cost_axis: "Cost so far (rewards + fixed)",
    budget_line: "Budget",
    table_groups: "Campaign groups",
    table_account: "Official account",
    table_k_channels: "K by channel",
    table_goal: "Goal met",
    goal_reach: |t, d, p, lo, hi| format!("{t:.0} people by day {d}: {p:.1}% of runs (95% CI {lo:.1} – {hi:.1}%)"),
    goal_k: |k, c| format!("K ≥ {k}: {c:.1}% confident"),
    table_channels: "Recruits by channel",
    channel_name: |name| match name {
        "direct" => "direct messages",
        "moments" => "Moments",
        "group" => "group chats",
        "official_account" => "official-account pushes",
        _ => "all friends",
    },
    median_word: "median",
    runs90: "90% of runs",
    ci95: "95% CI",
    takeoff_people: |n| format!("takeoff = {n:.0}+ people"),
    p95_word: "95th percentile",
    account_line: |start, end, follows, unfollows, per_push, pushes| {
        format!(
            "{start} → {end:.0} followers (+{follows:.0} follows, −{unfollows:.0} unfollows: {per_push:.1} per push over {pushes} pushes)"
        )
    },
    groups_line: |at_end, created, p95, members, largest, cap| {
        format!(
            "{at_end:.1} at the end ({created:.1} opened by fission, p95 {p95:.0}; {members:.0} members each; largest {largest} of {cap})"
        )
    },
    refused: |n| format!("; {n:.0} joins refused (groups full)"),
    header: |name, runs, seeds, days, seed| {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "{name}: {runs} run{}, {seeds} seed user{}, {days} day{}, rng_seed {seed}",
            s(runs),
            s(seeds),
            s(days as usize)
        )
    },
    files_word: "Files",
    formula_off_chart: |v, d| format!("formula: {v} by day {d:.0}"),
    overflow_bar: |from, max| format!("over {from} (to {max})"),
};

const ZH: Labels = Labels {
    growth_title: "增长预测",
    day_axis: "活动天数",
    participants_axis: "累计参与人数",
    median: "模拟中位数",
    band50: "50% 区间",
    band90: "90% 区间",
    closed_form: "病毒循环公式",
    reach_title: "最终覆盖人数分布",
    reach_axis: "活动结束时参与人数",
    runs_axis: "模拟次数占比 (%)",
    takeoff: "起量门槛",
    generations_title: "各代病毒系数 K",
    generation_axis: "邀请人所在代数 (0 = 种子用户)",
    k_axis: "K (每位参与者带来的新参与者)",
    pooled_k: "总体 K",
    k_one: "K = 1 (自我维持)",
    k_generation: "各代 K 及 95% 置信区间",
    runs_word: "次模拟",
    run_word: "次模拟",
    seed_word: "随机种子",
    people_word: "人",
    ties_word: "条关系",
    mean_degree_word: "平均好友数",
    table_k: "病毒系数 K",
    no_interval: |n| format!("仅 {n} 次模拟, 无 95% 置信区间"),
    table_split: "邀请数 × 转化率",
    table_reach: "最终覆盖人数",
    table_takeoff: "起量概率",
    table_half: "达到一半覆盖所需天数",
    seeds_are_half: "种子用户已占最终覆盖人数的一半",
    table_cost: "成本 (奖励 + 固定)",
    table_per_participant: "每位新参与者成本",
    table_budget: "预算",
    budget_fate: |p, day| match day {
        Some(d) => format!("{p:.0}% 的模拟中用完 (中位数第 {d:.0} 天)"),
        None => "所有模拟中均未用完".to_string(),
    },
    table_roi: "投资回报率",
    cost_title: "花费与预算",
    cost_axis: "累计花费 (奖励 + 固定)",
    budget_line: "预算",
    table_groups: "活动群",
    table_account: "公众号",
    table_k_channels: "各渠道贡献的 K",
    table_goal: "目标达成",
    goal_reach: |t, d, p, lo, hi| {
        format!("第 {d} 天前达到 {t:.0} 人: {p:.1}% 的模拟 (95% 置信区间 {lo:.1} – {hi:.1}%)")
    },
    goal_k: |k, c| format!("K ≥ {k}: 置信度 {c:.1}%"),
    table_channels: "各渠道带来的参与者",
    channel_name: |name| match name {
        "direct" => "私聊",
        "moments" => "朋友圈",
        "group" => "群聊",
        "official_account" => "公众号推送",
        _ => "全部好友",
    },
    median_word: "中位数",
    runs90: "90% 的模拟",
    ci95: "95% 置信区间",
    takeoff_people: |n| format!("起量 = {n:.0} 人以上"),
    p95_word: "第 95 百分位",
    account_line: |start, end, follows, unfollows, per_push, pushes| {
        format!(
            "粉丝 {start} → {end:.0} (新关注 +{follows:.0}, 取关 −{unfollows:.0}: {pushes} 次推送, 每次 {per_push:.1})"
        )
    },
    groups_line: |at_end, created, p95, members, largest, cap| {
        format!(
            "结束时 {at_end:.1} 个 (裂变新开 {created:.1} 个, 第 95 百分位 {p95:.0}; 每群 {members:.0} 人; 最大群 {largest} / {cap} 人)"
        )
    },
    refused: |n| format!("; {n:.0} 人因群满未能入群"),
    header: |name, runs, seeds, days, seed| {
        format!("{name}: {runs} 次模拟, {seeds} 位种子用户, {days} 天, 随机种子 {seed}")
    },
    files_word: "文件",
    formula_off_chart: |v, d| format!("公式: 第 {d:.0} 天 {v} 人"),
    overflow_bar: |from, max| format!("超过 {from} (最多 {max})"),
};

/// The labels for a language.
pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::English => &EN,
        Language::Chinese => &ZH,
    }
}

/// `text` padded with spaces to `width` terminal columns (a CJK character takes two;
/// `unicode-width`), or as it is when it is wider.
pub fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}
