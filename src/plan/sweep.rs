//! `fission sweep`: one or two numeric keys varied over a range or a list, every point
//! with the same runs and seed (common random numbers across points), and where K
//! crosses 1 (the tipping point) with an interval.

use crate::stats::Estimate;

/// A varied key and its values.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Vary {
    /// The scenario key, by its dotted path.
    pub key: String,
    /// Its values, in order.
    pub values: Vec<f64>,
}

/// The most points one `--vary` may give.
pub const MAX_VALUES: usize = 10_000;

/// Parses `KEY=START:STOP:STEP` (STOP included when the steps reach it) or
/// `KEY=V1,V2,...`.
///
/// # Errors
/// A message naming the `--vary` and what is accepted.
pub fn parse_vary(text: &str) -> Result<Vary, String> {
    let accepted =
        "give KEY=START:STOP:STEP (such as campaign.reward=0:40:5) or KEY=V1,V2,... (such as campaign.fun=0.2,0.5,0.8)";
    let Some((key, spec)) = text.split_once('=') else {
        return Err(format!("--vary {text:?}: {accepted}"));
    };
    let key = key.trim();
    crate::scenario::parse_set(&format!("{key}=0")).map_err(|_| format!("--vary {text:?}: {accepted}"))?;
    let number = |t: &str| -> Result<f64, String> {
        t.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("--vary {text:?}: {:?} is not a number; {accepted}", t.trim()))
    };
    let values = if spec.contains(':') {
        let parts: Vec<&str> = spec.split(':').collect();
        let [a, b, s] = parts[..] else {
            return Err(format!("--vary {text:?}: {accepted}"));
        };
        let (start, stop, step) = (number(a)?, number(b)?, number(s)?);
        if step <= 0.0 || stop < start {
            return Err(format!("--vary {text:?}: a range needs START <= STOP and a STEP > 0; {accepted}"));
        }
        let n = ((stop - start) / step + 1e-9).floor() as usize + 1;
        if n > MAX_VALUES {
            return Err(format!("--vary {text:?}: {n} values; at most {MAX_VALUES}"));
        }
        // Each value from its index (no drift from adding steps), to 12 significant digits.
        (0..n).map(|i| round12(start + i as f64 * step)).collect()
    } else {
        spec.split(',').map(number).collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() {
        return Err(format!("--vary {text:?}: no value; {accepted}"));
    }
    let mut seen = values.clone();
    seen.sort_by(f64::total_cmp);
    if seen.windows(2).any(|w| w[0] == w[1]) {
        return Err(format!("--vary {text:?}: a value is listed twice"));
    }
    Ok(Vary { key: key.to_string(), values })
}

fn round12(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    let digits = 12 - x.abs().log10().ceil() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// A value as a `--set` writes it: whole numbers without a decimal point (so that
/// integer keys take them), others in full.
pub fn format_value(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// Where K crosses 1 along one varied key.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TippingPoint {
    /// The value where K crosses 1, by linear interpolation between the two points
    /// around the crossing.
    pub value: f64,
    /// 95% interval: where the 95% band of K crosses 1 (the upper end of K's interval
    /// for one side, the lower end for the other), interpolated the same way; None
    /// when the band does not cross 1 within the range.
    pub ci_low: Option<f64>,
    /// ... the other end.
    pub ci_high: Option<f64>,
    /// Whether K rises with the value (it falls otherwise).
    pub rising: bool,
}

/// The first crossing of `level` by `ys` along `xs` (sorted), interpolated linearly.
fn crossing(xs: &[f64], ys: &[f64], level: f64) -> Option<f64> {
    for i in 0..xs.len().saturating_sub(1) {
        let (a, b) = (ys[i] - level, ys[i + 1] - level);
        if !(a.is_finite() && b.is_finite()) {
            continue;
        }
        if a == 0.0 {
            return Some(xs[i]);
        }
        if a * b < 0.0 || b == 0.0 {
            return Some(xs[i] + (xs[i + 1] - xs[i]) * a / (a - b));
        }
    }
    None
}

/// Where K crosses 1 along `values` (the K estimates `ks` at each), with an interval
/// from where K's 95% band crosses 1. None when K stays on one side of 1.
pub fn tipping_point(values: &[f64], ks: &[Estimate]) -> Option<TippingPoint> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let xs: Vec<f64> = order.iter().map(|&i| values[i]).collect();
    let k: Vec<f64> = order.iter().map(|&i| ks[i].value).collect();
    let value = crossing(&xs, &k, 1.0)?;
    let rising = k.last().unwrap_or(&0.0) >= k.first().unwrap_or(&0.0);
    let lo: Vec<f64> = order.iter().map(|&i| ks[i].ci_low).collect();
    let hi: Vec<f64> = order.iter().map(|&i| ks[i].ci_high).collect();
    // Rising K: the band's upper end reaches 1 first (the earliest value K may cross
    // at), its lower end last.
    let (first, last) = if rising { (&hi, &lo) } else { (&lo, &hi) };
    Some(TippingPoint { value, ci_low: crossing(&xs, first, 1.0), ci_high: crossing(&xs, last, 1.0), rising })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_lists_and_bad_specs() {
        assert_eq!(parse_vary("campaign.reward=0:40:10").unwrap().values, vec![0.0, 10.0, 20.0, 30.0, 40.0]);
        assert_eq!(parse_vary("campaign.fun=0.1:0.3:0.1").unwrap().values, vec![0.1, 0.2, 0.3]);
        assert_eq!(parse_vary("campaign.fun=0.2, 0.5,0.8").unwrap().values, vec![0.2, 0.5, 0.8]);
        for bad in [
            "campaign.reward",
            "campaign.reward=0:40",
            "campaign.reward=5:1:1",
            "campaign.reward=0:4:0",
            "x=a,b",
            "x=1,1",
            "=1,2",
        ] {
            assert!(parse_vary(bad).is_err(), "{bad}");
        }
        assert_eq!(format_value(3.0), "3");
        assert_eq!(format_value(0.25), "0.25");
    }

    #[test]
    fn the_tipping_point_and_its_interval() {
        let e = |k: f64, half: f64| Estimate {
            value: k,
            std_error: half / 1.96,
            ci_low: k - half,
            ci_high: k + half,
            n: 100,
        };
        let values = [0.0, 10.0, 20.0, 30.0];
        let ks = [e(0.6, 0.05), e(0.9, 0.05), e(1.1, 0.05), e(1.3, 0.05)];
        let t = tipping_point(&values, &ks).unwrap();
        assert!((t.value - 15.0).abs() < 1e-9);
        assert!((t.ci_low.unwrap() - 12.5).abs() < 1e-9 && (t.ci_high.unwrap() - 17.5).abs() < 1e-9);
        assert!(t.rising);
        assert!(tipping_point(&values, &[e(0.5, 0.1), e(0.6, 0.1), e(0.7, 0.1), e(0.8, 0.1)]).is_none());
    }
}
