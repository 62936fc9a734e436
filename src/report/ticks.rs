//! Numbers on chart axes and in chart labels: one unit and one number of decimals per
//! axis, SI-style suffixes (k, M).

/// The tick labels of a linear axis of counts from `lo` to `hi`: one unit for the whole
/// axis (people; thousands, "k", from 10,000; millions, "M", from 1,000,000) and as many
/// decimals as the ticks' spacing needs, so that an axis never mixes "5000" and "10.0k".
pub(crate) fn count_axis(lo: f64, hi: f64) -> impl Fn(&f64) -> String {
    let max = lo.abs().max(hi.abs()).max(1e-12);
    let span = (hi - lo).abs().max(1e-12);
    let (unit, suffix) = if max >= 1e6 {
        (1e6, "M")
    } else if max >= 1e4 {
        (1e3, "k")
    } else {
        (1.0, "")
    };
    // The finest spacing plotters' ticks take for about ten labels: half of
    // 10^floor(log10(span / 10)) (its steps are 1, 2 and 5 times a power of ten).
    let step = 10f64.powf((span / 10.0).log10().floor()) / 2.0;
    let decimals = (-(step / unit).log10()).ceil().clamp(0.0, 6.0) as usize;
    move |x: &f64| {
        let v = x / unit;
        if v == 0.0 { "0".to_string() } else { format!("{}{suffix}", trim(v, decimals)) }
    }
}

/// A log axis's tick labels: 1, 10, 100, 1k, 10k, 100k, 1M (one style for every tick).
pub(crate) fn log_count(x: f64) -> String {
    match x.abs() {
        a if a >= 1e6 => format!("{}M", trim(x / 1e6, 2)),
        a if a >= 1e3 => format!("{}k", trim(x / 1e3, 2)),
        _ => trim(x, 2),
    }
}

/// `x` with at most `decimals` decimals, trailing zeros dropped (2.50 → 2.5, 5.00 → 5).
fn trim(x: f64, decimals: usize) -> String {
    let t = format!("{x:.decimals$}");
    if t.contains('.') { t.trim_end_matches('0').trim_end_matches('.').to_string() } else { t }
}

/// 1234567 → "1.23M", 12345 → "12.3k", 123 → "123".
/// (A figure in a label; axes use [`count_axis`].)
pub(crate) fn format_count(x: f64) -> String {
    let a = x.abs();
    if a >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", x / 1e3)
    } else if a >= 100.0 || x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// Tick values for a log axis over `lo..hi`: each power of ten, and between them 2 and
/// 5 (over at most three decades) or every digit (within one and a half), once each
/// (plotters' own log ticks list 10 twice when they list the digits, drawing it bold).
pub(super) fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let decades = (hi / lo).log10();
    let digits: &[f64] = if decades <= 1.5 {
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    } else if decades <= 3.0 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    let mut ticks = Vec::new();
    for e in lo.log10().floor() as i32..=hi.log10().ceil() as i32 {
        for &d in digits {
            // (Through the decimal string: 3 × 0.1 is not 0.3 in binary.)
            let v: f64 = format!("{d}e{e}").parse().unwrap_or(f64::NAN);
            if v >= lo && v <= hi {
                ticks.push(v);
            }
        }
    }
    ticks
}

/// A share as a percentage with its significant digit: 1 → "100%", 0.001 → "0.1%".
pub(super) fn format_percent(share: f64) -> String {
    let pct = share * 100.0;
    if pct >= 1.0 {
        format!("{pct:.0}%")
    } else {
        let decimals = (-pct.log10()).ceil().max(0.0) as usize;
        format!("{pct:.decimals$}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_list_each_value_once() {
        // Within a decade and a half, every digit, and 10 once (plotters lists it twice).
        assert_eq!(log_ticks(1.0, 12.0), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]);
        assert_eq!(log_ticks(1.0, 36.0), [1.0, 2.0, 5.0, 10.0, 20.0]);
        assert_eq!(log_ticks(1.0, 1567.0), [1.0, 10.0, 100.0, 1000.0]);
        // Exact decimals below 1.
        assert_eq!(log_ticks(0.01, 1.0), [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]);
        assert_eq!(log_ticks(0.07, 0.3), [0.07, 0.08, 0.09, 0.1, 0.2, 0.3]);
        assert_eq!(log_ticks(1e-4, 1.0), [1e-4, 1e-3, 1e-2, 0.1, 1.0]);
    }

    #[test]
    fn shares_read_as_percentages() {
        let cases = [(1.0, "100%"), (0.1, "10%"), (0.01, "1%"), (0.001, "0.1%"), (1e-4, "0.01%"), (1e-7, "0.00001%")];
        for (share, text) in cases {
            assert_eq!(format_percent(share), text);
        }
    }

    #[test]
    fn an_axis_keeps_one_unit_and_the_decimals_its_ticks_need() {
        let label = |lo: f64, hi: f64, ticks: &[f64]| -> Vec<String> {
            let f = count_axis(lo, hi);
            ticks.iter().map(&f).collect()
        };
        // The example: 5000 and 10.0k on one axis.
        assert_eq!(label(0.0, 43_000.0, &[0.0, 5000.0, 10_000.0, 40_000.0]), ["0", "5k", "10k", "40k"]);
        assert_eq!(label(0.0, 12_000.0, &[2000.0, 2500.0, 12_000.0]), ["2k", "2.5k", "12k"]);
        assert_eq!(label(0.0, 8000.0, &[500.0, 5000.0]), ["500", "5000"]);
        assert_eq!(label(0.0, 2.5e6, &[500_000.0, 2e6]), ["0.5M", "2M"]);
        assert_eq!(label(0.0, 8.0, &[0.5, 8.0]), ["0.5", "8"]);
        // A narrow range far from 0: the spacing, not the size, sets the decimals.
        assert_eq!(label(14_500.0, 14_600.0, &[14_510.0, 14_600.0]), ["14.51k", "14.6k"]);
        assert_eq!((log_count(1.0), log_count(1000.0), log_count(20_000.0)), ("1".into(), "1k".into(), "20k".into()));
    }
}
