//! The `cost` sheet of results.xlsx: what a campaign costs per run (total, rewards by
//! recipient, fixed costs and the seed users' part, per new participant), the budget
//! (how often and when it runs out, the return on investment), the reward terms it was
//! run with, and the spend day by day against the budget.

use super::RunReport;
use super::workbook::{Formats, Kind};
use crate::model::Behaviour;
use rust_xlsxwriter::{Worksheet, XlsxError};

/// One row of the figures: its name, then (column, value, format) cells.
type Row<'a> = (String, Vec<(u16, f64, Kind)>);

impl RunReport<'_> {
    /// Writes the cost sheet into `ws`.
    pub(super) fn cost_sheet(&self, ws: &mut Worksheet, zh: bool, f: &Formats) -> Result<(), XlsxError> {
        let c = &self.analysis.cost;
        let record = self.cost_record();
        let tr = |en: &'static str, zh_text: &'static str| if zh { zh_text } else { en };
        let head = if zh {
            ["项目", "均值", "95% 置信区间下限", "95% 置信区间上限", "第 5 百分位", "中位数", "第 95 百分位", "最大值"]
        } else {
            ["figure", "mean", "95% CI low", "95% CI high", "5th percentile", "median", "95th percentile", "largest"]
        };
        for (col, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, col as u16, *h, &f.header)?;
            ws.set_column_width(col as u16, if col == 0 { 40 } else { 16 })?;
        }
        let money = Kind::Money;
        let spread = |mean: (f64, f64, f64), d: &crate::stats::Distribution, kind: Kind| {
            vec![
                (1, mean.0, kind),
                (2, mean.1, kind),
                (3, mean.2, kind),
                (4, d.p05, kind),
                (5, d.p50, kind),
                (6, d.p95, kind),
                (7, d.max, kind),
            ]
        };
        let estimate =
            |e: &super::EstimateRecord, kind: Kind| vec![(1, e.mean, kind), (2, e.ci_low, kind), (3, e.ci_high, kind)];
        let mut rows: Vec<Row> = vec![
            (
                tr("Total cost per run", "每次模拟总成本").into(),
                spread((c.mean_total.value, c.mean_total.ci_low, c.mean_total.ci_high), &c.total, money),
            ),
            (
                tr("Rewards paid", "奖励支出").into(),
                spread(
                    (record.rewards_paid.mean, record.rewards_paid.ci_low, record.rewards_paid.ci_high),
                    &c.rewards,
                    money,
                ),
            ),
            (
                tr("  to new participants (reward, invitee bonus)", "  给新参与者 (参与奖励、受邀奖励)").into(),
                estimate(&record.rewards_by_recipient.participants, money),
            ),
            (
                tr("  to referrers (per referral)", "  给邀请人 (每成功邀请一人)").into(),
                estimate(&record.rewards_by_recipient.referrers, money),
            ),
            (tr("  tier prizes", "  阶梯奖励").into(), estimate(&record.rewards_by_recipient.tier_prizes, money)),
            (tr("Fixed costs", "固定成本").into(), vec![(1, c.fixed, money)]),
            (tr("  of which the seed users", "  其中种子用户成本").into(), vec![(1, record.seed_users_cost, money)]),
        ];
        if let Some(p) = &record.per_participant {
            rows.push((tr("Cost per new participant", "每位新参与者成本").into(), estimate(p, money)));
        }
        if let Some(b) = c.budget {
            rows.push((tr("Budget", "预算").into(), vec![(1, b, money)]));
            if let Some(p) = c.budget_exhausted {
                rows.push((
                    tr("Runs whose budget runs out", "预算用完的模拟占比").into(),
                    vec![(1, p.value, Kind::Percent), (2, p.ci_low, Kind::Percent), (3, p.ci_high, Kind::Percent)],
                ));
            }
            if let Some(d) = &c.budget_exhausted_day {
                rows.push((
                    tr("Day the budget runs out (runs where it does)", "预算用完的日子 (用完的模拟中)").into(),
                    vec![
                        (1, d.mean, Kind::Decimal),
                        (4, d.p05, Kind::Integer),
                        (5, d.p50, Kind::Integer),
                        (6, d.p95, Kind::Integer),
                        (7, d.max, Kind::Integer),
                    ],
                ));
            }
        }
        if let Some(v) = record.value_per_participant {
            rows.push((tr("Value of a new participant", "每位新参与者的价值").into(), vec![(1, v, money)]));
        }
        if let Some(roi) = &record.roi {
            rows.push((tr("Return on investment", "投资回报率").into(), estimate(roi, Kind::Percent)));
        }
        let mut row = 1u32;
        for (name, cells) in &rows {
            ws.write_string(row, 0, name)?;
            for &(col, x, kind) in cells {
                if x.is_finite() {
                    ws.write_number_with_format(row, col, x, f.of(kind))?;
                }
            }
            row += 1;
        }

        // The reward terms the runs were made with.
        row += 1;
        ws.write_string_with_format(row, 0, tr("Reward terms", "奖励规则"), &f.header)?;
        row += 1;
        if let Behaviour::Campaign { levers, rewards, .. } = &self.scenario.behaviour {
            let mut terms: Vec<(String, f64, Kind)> = vec![
                (
                    tr("Reward per new participant (campaign.reward)", "每位新参与者奖励 (campaign.reward)").into(),
                    levers.reward,
                    money,
                ),
                (tr("Invitee bonus (rewards.invitee)", "受邀奖励 (rewards.invitee)").into(), rewards.invitee, money),
                (
                    tr("Per successful referral (rewards.per_referral)", "每成功邀请一人 (rewards.per_referral)")
                        .into(),
                    rewards.per_referral,
                    money,
                ),
            ];
            for &(count, prize) in &rewards.tiers {
                terms.push((
                    if zh {
                        format!("阶梯奖励: 邀请满 {count} 人")
                    } else {
                        format!("Tier prize at {count} referrals")
                    },
                    prize,
                    money,
                ));
            }
            if let Some(day) = rewards.end_day {
                terms.push((tr("Last day rewards are paid", "奖励发放截止日").into(), f64::from(day), Kind::Integer));
            }
            for (name, x, kind) in terms {
                ws.write_string(row, 0, &name)?;
                ws.write_number_with_format(row, 1, x, f.of(kind))?;
                row += 1;
            }
            if c.budget.is_some() {
                ws.write_string(row, 0, tr("Rewards stop when the budget is spent", "预算用完即停止发放奖励"))?;
                ws.write_string(row, 1, if self.scenario.budget.hard_cap { tr("yes", "是") } else { tr("no", "否") })?;
                row += 1;
            }
        } else {
            ws.write_string(row, 0, tr("This model pays no rewards.", "此模型不发放奖励。"))?;
            row += 1;
        }

        // The spend by day.
        row += 1;
        let head = if zh {
            [
                "天",
                "当天奖励支出 (均值)",
                "累计成本 (均值)",
                "累计成本 (第 5 百分位)",
                "累计成本 (中位数)",
                "累计成本 (第 95 百分位)",
                "预算已用 (均值)",
            ]
        } else {
            [
                "day",
                "rewards paid that day (mean)",
                "cost so far (mean)",
                "cost so far (5th percentile)",
                "cost so far (median)",
                "cost so far (95th percentile)",
                "budget used (mean)",
            ]
        };
        for (col, h) in head.iter().enumerate() {
            ws.write_string_with_format(row, col as u16, *h, &f.header)?;
        }
        row += 1;
        for d in &c.daily {
            ws.write_number_with_format(row, 0, f64::from(d.day), &f.integer)?;
            let cum = &d.cumulative;
            for (col, x) in [(1u16, d.new_mean), (2, cum.mean), (3, cum.p05), (4, cum.p50), (5, cum.p95)] {
                ws.write_number_with_format(row, col, x, &f.money)?;
            }
            if let Some(b) = c.budget.filter(|b| *b > 0.0) {
                ws.write_number_with_format(row, 6, cum.mean / b, &f.percent)?;
            }
            row += 1;
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }
}
