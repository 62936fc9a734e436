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

#[cfg(test)]
mod tests {
    use super::*;

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
