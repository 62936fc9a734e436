//! Paired differences between two designs run on the same graph with common random
//! numbers: run r of one design and run r of the other share their seed users and
//! every draw that does not depend on the design, so the difference is estimated from
//! the per-run differences, with far less noise than from independent runs.

use statrs::distribution::{ContinuousCDF, Normal};

/// A paired difference (design B less design A) with its 95% interval, a two-sided
/// test of "no difference", and the variance reduction against independent runs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Difference {
    /// The estimated difference, B − A.
    pub mean: f64,
    /// Its standard error from the paired runs.
    pub std_error: f64,
    /// 95% interval, lower end.
    pub ci_low: f64,
    /// 95% interval, upper end.
    pub ci_high: f64,
    /// z = mean / standard error.
    pub z: f64,
    /// Two-sided p-value of "no difference" (normal approximation; 1 when both designs
    /// gave the same runs).
    pub p_value: f64,
    /// Var(independent) / Var(paired): how many times fewer runs the pairing needs for
    /// the same interval (infinite when the paired runs do not differ at all).
    pub variance_reduction: f64,
}

fn sample_variance(xs: &[f64]) -> f64 {
    let n = xs.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let m = xs.iter().sum::<f64>() / n;
    xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0)
}

/// The difference of two estimates, each the mean of per-run linear terms `ua`, `ub`
/// (the same runs), at `mean`: the interval from the variance of the per-run
/// differences, the reduction against the sum of the two variances.
fn from_terms(mean: f64, ua: &[f64], ub: &[f64]) -> Difference {
    let n = ua.len().min(ub.len());
    let d: Vec<f64> = ua.iter().zip(ub).map(|(a, b)| b - a).collect();
    let var_d = sample_variance(&d);
    let se = (var_d / n as f64).sqrt();
    let z95 = Normal::standard().inverse_cdf(0.975);
    let independent = sample_variance(ua) + sample_variance(ub);
    let (z, p) = if se > 0.0 {
        let z = mean / se;
        (z, 2.0 * (1.0 - Normal::standard().cdf(z.abs())))
    } else if mean == 0.0 {
        (0.0, 1.0)
    } else {
        (f64::INFINITY.copysign(mean), 0.0)
    };
    Difference {
        mean,
        std_error: se,
        ci_low: mean - z95 * se,
        ci_high: mean + z95 * se,
        z,
        p_value: p,
        variance_reduction: if var_d > 0.0 { independent / var_d } else { f64::INFINITY },
    }
}

/// The paired difference of two per-run quantities' means (reach, cost, a goal met):
/// the mean of b − a with a normal interval.
pub fn mean_difference(a: &[f64], b: &[f64]) -> Difference {
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len().max(1) as f64;
    from_terms(mean(b) - mean(a), a, b)
}

/// The paired difference of two ratio estimates ΣY / ΣX (K: recruits per parent; cost
/// per participant), by the delta method: each run's linear term is
/// (Y_r − R·X_r) / X̄, and the difference's variance is that of the per-run differences
/// of these terms.
pub fn ratio_difference(a: (&[f64], &[f64]), b: (&[f64], &[f64])) -> Difference {
    let terms = |(ys, xs): (&[f64], &[f64])| -> (f64, Vec<f64>) {
        let (sy, sx): (f64, f64) = (ys.iter().sum(), xs.iter().sum());
        let r = sy / sx;
        let xbar = sx / xs.len().max(1) as f64;
        (r, ys.iter().zip(xs).map(|(y, x)| (y - r * x) / xbar).collect())
    };
    let (ra, ta) = terms(a);
    let (rb, tb) = terms(b);
    let mut d = from_terms(rb - ra, &ta, &tb);
    if !(ra.is_finite() && rb.is_finite()) {
        d = Difference { mean: f64::NAN, std_error: f64::NAN, ci_low: f64::NAN, ci_high: f64::NAN, ..d };
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairing_removes_the_shared_noise() {
        // b = a + 1 + small noise: the paired difference is exact to the noise, and
        // the reduction is large.
        let a: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let b: Vec<f64> = a.iter().enumerate().map(|(i, x)| x + 1.0 + if i % 2 == 0 { 0.1 } else { -0.1 }).collect();
        let d = mean_difference(&a, &b);
        assert!((d.mean - 1.0).abs() < 1e-9);
        assert!(d.ci_low < 1.0 && d.ci_high > 1.0 && d.ci_high - d.ci_low < 0.02);
        assert!(d.variance_reduction > 1e4, "{}", d.variance_reduction);
        assert!(d.p_value < 1e-12);
        // The same runs twice: no difference, p = 1.
        let same = mean_difference(&a, &a);
        assert_eq!((same.mean, same.p_value), (0.0, 1.0));
    }

    #[test]
    fn a_ratio_difference_is_the_difference_of_the_ratios() {
        let xs = [10.0, 20.0, 30.0, 40.0];
        let ya = [5.0, 9.0, 16.0, 20.0];
        let yb = [6.0, 11.0, 18.0, 23.0];
        let d = ratio_difference((&ya, &xs), (&yb, &xs));
        assert!((d.mean - (58.0 - 50.0) / 100.0).abs() < 1e-12);
        assert!(d.std_error > 0.0 && d.ci_low < d.mean && d.mean < d.ci_high);
    }
}
