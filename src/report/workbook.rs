//! `results.xlsx`: the run's results as an Excel workbook (rust_xlsxwriter), for the
//! planner who hands them over: a summary sheet of the key figures with their
//! intervals, then the tables of the CSV files (daily, generations, runs, trees) cell
//! for cell, and the resolved scenario. Headers in the report's language, number
//! formats by what a column holds (integers, percentages, money in the scenario's
//! currency), the header row frozen. The workbook's creation date is fixed so that the
//! same scenario and seed give the same bytes.

use super::RunReport;
use crate::scenario::Language;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

/// How a column's numbers are shown.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Integer,
    Decimal,
    Percent,
    Money,
}

/// The kind of a CSV column, by its name.
fn kind_of(column: &str) -> Kind {
    if column.contains("cost") || column.contains("spend") || column.starts_with("reward") {
        Kind::Money
    } else if column.contains("share") || column.contains("probability") || column.contains("fraction") {
        Kind::Percent
    } else if column.ends_with("_mean")
        || column.contains("_p0")
        || column.contains("_p2")
        || column.contains("_p5")
        || column.contains("_p7")
        || column.contains("_p9")
        || column.starts_with('k')
        || column.contains("virality")
        || column.contains("formula")
    {
        Kind::Decimal
    } else {
        Kind::Integer
    }
}

/// A CSV column's header in Chinese (the English header is the column's name).
fn zh_header(column: &str) -> Option<&'static str> {
    Some(match column {
        "day" => "天",
        "cumulative_mean" => "累计参与人数 (均值)",
        "cumulative_p05" => "累计参与人数 (第 5 百分位)",
        "cumulative_p25" => "累计参与人数 (第 25 百分位)",
        "cumulative_p50" => "累计参与人数 (中位数)",
        "cumulative_p75" => "累计参与人数 (第 75 百分位)",
        "cumulative_p95" => "累计参与人数 (第 95 百分位)",
        "new_mean" => "当天新参与人数 (均值)",
        "new_p05" => "当天新参与人数 (第 5 百分位)",
        "new_p50" => "当天新参与人数 (中位数)",
        "new_p95" => "当天新参与人数 (第 95 百分位)",
        "viral_loop_formula" => "病毒循环公式",
        "spend_mean" => "当天奖励支出 (均值)",
        "cumulative_cost_mean" => "累计成本 (均值)",
        "cumulative_cost_p05" => "累计成本 (第 5 百分位)",
        "cumulative_cost_p50" => "累计成本 (中位数)",
        "cumulative_cost_p95" => "累计成本 (第 95 百分位)",
        "groups_created_mean" => "新开活动群 (均值)",
        "followers_mean" => "粉丝数 (均值)",
        "new_follows_mean" => "新关注 (均值)",
        "unfollows_mean" => "取关 (均值)",
        "net_followers_mean" => "净增粉丝 (均值)",
        "generation" => "代数",
        "participants_mean" => "参与人数 (均值)",
        "runs_with_parents" => "有邀请人的模拟次数",
        "k" => "K",
        "k_ci_low" => "K 95% 置信区间下限",
        "k_ci_high" => "K 95% 置信区间上限",
        "run" => "模拟编号",
        "reach" => "最终覆盖人数",
        "sharers" => "分享人数",
        "invitations" => "邀请数",
        "generations" => "代数",
        "depth" => "深度",
        "structural_virality" => "结构病毒性",
        "last_join_day" => "最后参与日",
        "days_to_half_reach" => "达到一半覆盖所需天数",
        "reward_cost" => "奖励支出",
        "total_cost" => "总成本",
        "budget_exhausted_day" => "预算用完日",
        "took_off" => "是否起量",
        "censored" => "结束时仍在传播",
        "invitations_direct" => "私聊邀请",
        "invitations_moments" => "朋友圈曝光",
        "joins_direct" => "私聊带来",
        "joins_moments" => "朋友圈带来",
        "invitations_group" => "群聊曝光",
        "joins_group" => "群聊带来",
        "groups_created" => "新开活动群",
        "groups_max_members" => "最大群人数",
        "group_joins_refused" => "群满未能入群",
        "invitations_official_account" => "公众号推送阅读",
        "joins_official_account" => "公众号推送带来",
        "followers_end" => "结束时粉丝数",
        "new_follows" => "新关注",
        "unfollows" => "取关",
        "root" => "种子用户",
        "size" => "规模",
        "max_offspring" => "单人最多邀请",
        _ => return None,
    })
}

/// A summary row: its name, the estimate, its 95% interval, how it is shown.
type Figure = (String, f64, Option<(f64, f64)>, Kind);

pub(super) struct Formats {
    pub(super) header: Format,
    pub(super) integer: Format,
    pub(super) decimal: Format,
    pub(super) percent: Format,
    pub(super) money: Format,
}

impl Formats {
    fn new(currency: &str) -> Self {
        // Excel number formats quote literal text: the currency symbol, whatever it is.
        let symbol = currency.replace('"', "");
        Self {
            header: Format::new().set_bold().set_text_wrap(),
            integer: Format::new().set_num_format("#,##0"),
            decimal: Format::new().set_num_format("#,##0.000"),
            percent: Format::new().set_num_format("0.0%"),
            money: Format::new().set_num_format(format!("\"{symbol}\"#,##0.00")),
        }
    }

    pub(super) fn of(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Integer => &self.integer,
            Kind::Decimal => &self.decimal,
            Kind::Percent => &self.percent,
            Kind::Money => &self.money,
        }
    }
}

/// Writes a CSV table (as fission writes them: a BOM, the header, rows) into a sheet:
/// numbers as numbers in their column's format, empty cells empty, text as text.
/// The most data rows a sheet copied from a CSV holds (Excel's own limit is 1,048,575
/// below the header; a workbook of that many rows is hundreds of megabytes and opens
/// slowly): past it, a last row says how many more rows the CSV file has.
pub(super) const MAX_SHEET_ROWS: usize = 100_000;

fn csv_sheet(ws: &mut Worksheet, csv: &[u8], file: &str, zh: bool, f: &Formats) -> Result<(), XlsxError> {
    csv_sheet_within(ws, csv, file, zh, f, MAX_SHEET_ROWS)
}

fn csv_sheet_within(
    ws: &mut Worksheet,
    csv: &[u8],
    file: &str,
    zh: bool,
    f: &Formats,
    limit: usize,
) -> Result<(), XlsxError> {
    let text = String::from_utf8_lossy(csv);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{FEFF}').as_bytes());
    let headers: Vec<String> = reader.headers().map(|h| h.iter().map(str::to_string).collect()).unwrap_or_default();
    for (c, h) in headers.iter().enumerate() {
        let shown = if zh { zh_header(h).unwrap_or(h) } else { h.as_str() };
        ws.write_string_with_format(0, c as u16, shown, &f.header)?;
        ws.set_column_width(c as u16, (shown.chars().count() as f64 * 1.2).clamp(8.0, 28.0))?;
    }
    let kinds: Vec<Kind> = headers.iter().map(|h| kind_of(h)).collect();
    let mut records = reader.records();
    for (r, record) in records.by_ref().take(limit).enumerate() {
        let Ok(record) = record else { continue };
        let row = r as u32 + 1;
        for (c, cell) in record.iter().enumerate() {
            let col = c as u16;
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => {
                    // A share column holds shares of 1 (0.25 = 25%).
                    ws.write_number_with_format(row, col, x, f.of(kinds[c]))?;
                }
                _ => match cell {
                    "true" | "false" => {
                        ws.write_boolean(row, col, cell == "true")?;
                    }
                    _ => {
                        ws.write_string(row, col, cell)?;
                    }
                },
            }
        }
    }
    let more = records.count();
    if more > 0 {
        let note = if zh {
            format!("…… 另有 {more} 行未列出: 完整数据见 {file}")
        } else {
            format!("… and {more} more rows: the whole table is in {file}")
        };
        ws.write_string_with_format(limit as u32 + 1, 0, note, &f.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

impl RunReport<'_> {
    /// results.xlsx, as bytes.
    ///
    /// # Errors
    /// A sheet that cannot be written (rust_xlsxwriter's error).
    pub fn workbook(&self) -> Result<Vec<u8>, XlsxError> {
        let zh = self.scenario.report.language == Language::Chinese;
        let f = Formats::new(&self.scenario.report.currency);
        let mut wb = Workbook::new();
        // A fixed creation date: the same scenario and seed give the same bytes.
        wb.set_properties(
            &DocProperties::new()
                .set_title(&self.scenario.name)
                .set_comment(format!(
                    "fission {} | schema {} | rng_seed {}",
                    crate::VERSION,
                    super::SCHEMA_VERSION,
                    self.scenario.simulation.rng_seed
                ))
                .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
        );
        let names: [&str; 8] = if zh {
            ["摘要", "每日", "各代", "各次模拟", "传播树", "各渠道", "场景", "成本"]
        } else {
            ["summary", "daily", "generations", "runs", "trees", "channels", "scenario", "cost"]
        };
        self.summary_sheet(wb.add_worksheet().set_name(names[0])?, zh, &f)?;
        for (name, csv, file) in [
            (names[1], self.daily_csv(), "daily.csv"),
            (names[2], self.generations_csv(), "generations.csv"),
            (names[3], self.runs_csv(), "runs.csv"),
            (names[4], self.trees_csv(), "trees.csv"),
        ] {
            csv_sheet(wb.add_worksheet().set_name(name)?, &csv, file, zh, &f)?;
        }
        self.cost_sheet(wb.add_worksheet().set_name(names[7])?, zh, &f)?;
        self.channels_sheet(wb.add_worksheet().set_name(names[5])?, zh, &f)?;
        let ws = wb.add_worksheet().set_name(names[6])?;
        ws.set_column_width(0, 90)?;
        for (r, line) in self.scenario.to_resolved_toml().lines().enumerate() {
            ws.write_string(r as u32, 0, line)?;
        }
        wb.save_to_buffer()
    }

    /// The key figures: a row each, the estimate and its 95% interval.
    fn summary_sheet(&self, ws: &mut Worksheet, zh: bool, f: &Formats) -> Result<(), XlsxError> {
        let a = self.analysis;
        let s = self.scenario;
        let l = super::labels(s.report.language);
        let head: [&str; 4] = if zh {
            ["指标", "估计", "95% 置信区间下限", "95% 置信区间上限"]
        } else {
            ["figure", "estimate", "95% CI low", "95% CI high"]
        };
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        }
        ws.set_column_width(0, 34)?;
        for c in 1..4 {
            ws.set_column_width(c, 18)?;
        }
        let mut rows: Vec<Figure> = vec![
            (
                l.table_k.into(),
                a.viral_coefficient.value,
                Some((a.viral_coefficient.ci_low, a.viral_coefficient.ci_high)),
                Kind::Decimal,
            ),
            (
                l.table_reach.into(),
                a.mean_reach.value,
                Some((a.mean_reach.ci_low, a.mean_reach.ci_high)),
                Kind::Decimal,
            ),
            (
                format!("{} ({})", l.table_reach, l.median_word),
                a.reach.p50,
                Some((a.reach.p05, a.reach.p95)),
                Kind::Integer,
            ),
            (
                l.table_takeoff.into(),
                a.takeoff_probability.value,
                Some((a.takeoff_probability.ci_low, a.takeoff_probability.ci_high)),
                Kind::Percent,
            ),
            (l.table_half.into(), a.days_to_half_reach.mean, None, Kind::Decimal),
            (
                l.table_cost.into(),
                a.cost.mean_total.value,
                Some((a.cost.mean_total.ci_low, a.cost.mean_total.ci_high)),
                Kind::Money,
            ),
        ];
        if a.cost.per_participant.value.is_finite() && a.cost.mean_total.value > 0.0 {
            let c = &a.cost.per_participant;
            rows.push((l.table_per_participant.into(), c.value, Some((c.ci_low, c.ci_high)), Kind::Money));
        }
        if let Some(p) = a.cost.budget_exhausted {
            rows.push((l.table_budget.into(), p.value, Some((p.ci_low, p.ci_high)), Kind::Percent));
        }
        if let Some(roi) = a.cost.roi {
            rows.push((l.table_roi.into(), roi.value, Some((roi.ci_low, roi.ci_high)), Kind::Percent));
        }
        if let Some(p) = a.goal.and_then(|g| g.reach_met) {
            rows.push((l.table_goal.into(), p.value, Some((p.ci_low, p.ci_high)), Kind::Percent));
        }
        let provenance: [(&str, f64); 4] = if zh {
            [
                ("模拟次数", a.runs as f64),
                ("种子用户", a.seed_count as f64),
                ("天数", s.simulation.days as f64),
                ("随机种子", s.simulation.rng_seed as f64),
            ]
        } else {
            [
                ("runs", a.runs as f64),
                ("seed users", a.seed_count as f64),
                ("days", s.simulation.days as f64),
                ("rng_seed", s.simulation.rng_seed as f64),
            ]
        };
        rows.extend(provenance.iter().map(|(n, x)| (n.to_string(), *x, None, Kind::Integer)));
        for (r, (name, value, ci, kind)) in rows.iter().enumerate() {
            let row = r as u32 + 1;
            ws.write_string(row, 0, name)?;
            if value.is_finite() {
                ws.write_number_with_format(row, 1, *value, f.of(*kind))?;
            }
            if let Some((lo, hi)) = ci {
                for (c, x) in [(2u16, lo), (3, hi)] {
                    if x.is_finite() {
                        ws.write_number_with_format(row, c, *x, f.of(*kind))?;
                    }
                }
            }
        }
        let row = rows.len() as u32 + 2;
        ws.write_string(row, 0, if zh { "版本" } else { "fission version" })?;
        ws.write_string(row, 1, crate::VERSION)?;
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }

    /// Per channel: invitations and joins per run, their shares, the part of K.
    fn channels_sheet(&self, ws: &mut Worksheet, zh: bool, f: &Formats) -> Result<(), XlsxError> {
        let l = super::labels(self.scenario.report.language);
        let head: [&str; 6] = if zh {
            ["渠道", "每次模拟邀请/曝光", "每次模拟带来参与者", "邀请占比", "参与者占比", "贡献的 K"]
        } else {
            [
                "channel",
                "invitations per run",
                "joins per run",
                "share of invitations",
                "share of joins",
                "K contribution",
            ]
        };
        for (c, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &f.header)?;
            ws.set_column_width(c as u16, 20)?;
        }
        for (r, ch) in self.channel_records().iter().enumerate() {
            let row = r as u32 + 1;
            ws.write_string(row, 0, (l.channel_name)(&ch.name))?;
            ws.write_number_with_format(row, 1, ch.invitations_per_run.mean, &f.decimal)?;
            ws.write_number_with_format(row, 2, ch.joins_per_run.mean, &f.decimal)?;
            for (c, x, fmt) in [
                (3u16, ch.share_of_invitations, &f.percent),
                (4, ch.share_of_joins, &f.percent),
                (5, ch.k_contribution, &f.decimal),
            ] {
                if let Some(x) = x.filter(|x| x.is_finite()) {
                    ws.write_number_with_format(row, c, x, fmt)?;
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table longer than a sheet may hold keeps its first rows and says how many more
    /// the CSV has (the official-account example's 1.4 million trees broke Excel's
    /// 1,048,576-row limit before).
    #[test]
    fn a_long_table_is_cut_with_a_note_of_what_is_left() {
        use calamine::{Data, Reader, Xlsx};
        let csv = "\u{FEFF}run,reach\n0,5\n1,6\n2,7\n3,8\n4,9\n";
        let f = Formats::new("¥");
        let mut wb = Workbook::new();
        csv_sheet_within(wb.add_worksheet().set_name("runs").unwrap(), csv.as_bytes(), "runs.csv", false, &f, 3)
            .unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut back: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = back.worksheet_range("runs").unwrap();
        assert_eq!(sheet.get_value((3, 1)), Some(&Data::Float(7.0)));
        assert_eq!(
            sheet.get_value((4, 0)),
            Some(&Data::String("… and 2 more rows: the whole table is in runs.csv".into()))
        );
        assert_eq!(sheet.height(), 5);
    }
}
