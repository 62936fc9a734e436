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
};

/// The labels for a language.
pub fn labels(language: Language) -> &'static Labels {
    match language {
        Language::English => &EN,
        Language::Chinese => &ZH,
    }
}
