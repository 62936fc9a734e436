//! `fission sensitivity`: each lever moved down and up by a step, all else fixed, the
//! effects paired with the base design by common random numbers.

use super::paired::Difference;

/// A lever and its step.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Lever {
    /// The scenario key.
    pub key: String,
    /// The step it moves down and up by.
    pub step: f64,
    /// The lowest and highest values it accepts.
    pub bounds: (f64, f64),
    /// Whether it takes whole numbers only.
    pub whole: bool,
}

/// The campaign levers and their default steps: the design's five levers, the cycle
/// time, and the channels' main settings (docs/PLANNING.md).
pub fn default_levers() -> Vec<Lever> {
    let l =
        |key: &str, step: f64, lo: f64, hi: f64, whole: bool| Lever { key: key.into(), step, bounds: (lo, hi), whole };
    vec![
        l("campaign.threshold", 0.1, 0.0, 1.0, false),
        l("campaign.complexity", 1.0, 1.0, 20.0, true),
        l("campaign.reward", 2.0, 0.0, 1e7, false),
        l("campaign.fun", 0.1, 0.0, 1.0, false),
        l("campaign.page_quality", 0.1, 0.0, 1.0, false),
        l("campaign.cycle_time_days", 0.5, 1.0, 365.0, false),
        l("channels.direct.invites_per_sharer", 1.0, 0.0, 1e5, false),
        l("channels.moments.reach", 0.05, 0.0, 1.0, false),
    ]
}

/// Parses `KEY=STEP` for `--lever` (the bounds of a known lever kept; others unbounded
/// below 0 and above, checked by the scenario).
///
/// # Errors
/// A message naming the `--lever`.
pub fn parse_lever(text: &str) -> Result<Lever, String> {
    let bad = || format!("--lever {text:?}: give KEY=STEP with a step > 0, such as campaign.reward=2");
    let (key, step) = text.split_once('=').ok_or_else(bad)?;
    let step: f64 = step.trim().parse().ok().filter(|s: &f64| s.is_finite() && *s > 0.0).ok_or_else(bad)?;
    let key = key.trim();
    crate::scenario::parse_set(&format!("{key}=0")).map_err(|_| bad())?;
    Ok(default_levers().into_iter().find(|l| l.key == key).map(|l| Lever { step, ..l }).unwrap_or(Lever {
        key: key.to_string(),
        step,
        bounds: (f64::NEG_INFINITY, f64::INFINITY),
        whole: false,
    }))
}

impl Lever {
    /// The values one step down and one step up from `base`, each None when it would
    /// leave the lever's range.
    pub fn moves(&self, base: f64) -> (Option<f64>, Option<f64>) {
        let fit = |x: f64| {
            let x = if self.whole { x.round() } else { (x * 1e9).round() / 1e9 };
            (x >= self.bounds.0 - 1e-12 && x <= self.bounds.1 + 1e-12 && x != base).then_some(x)
        };
        (fit(base - self.step), fit(base + self.step))
    }
}

/// One lever's effects, each a paired difference from the base design.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LeverEffect {
    /// The lever's key.
    pub key: String,
    /// Its value in the base design.
    pub base: f64,
    /// One step down (None: at its bound).
    pub down: Option<f64>,
    /// One step up (None: at its bound).
    pub up: Option<f64>,
    /// ΔK down and up.
    pub k: (Option<Difference>, Option<Difference>),
    /// Δ reach down and up.
    pub reach: (Option<Difference>, Option<Difference>),
    /// Δ cost down and up.
    pub cost: (Option<Difference>, Option<Difference>),
}

impl LeverEffect {
    /// The widest swing of K between the two moves (and the base): the tornado's order.
    pub fn k_swing(&self) -> f64 {
        let m = |d: &Option<Difference>| d.as_ref().map_or(0.0, |d| d.mean);
        (m(&self.k.0) - m(&self.k.1)).abs().max(m(&self.k.0).abs()).max(m(&self.k.1).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_stay_within_the_levers_range() {
        let l = default_levers();
        let threshold = &l[0];
        assert_eq!(threshold.moves(0.3), (Some(0.2), Some(0.4)));
        assert_eq!(threshold.moves(0.0), (None, Some(0.1)));
        assert_eq!(l[1].moves(1.0), (None, Some(2.0)));
        assert_eq!(parse_lever("campaign.reward=5").unwrap().step, 5.0);
        assert!(parse_lever("campaign.reward=-1").is_err() && parse_lever("campaign.reward").is_err());
        assert_eq!(parse_lever("rewards.per_referral=1").unwrap().bounds.0, f64::NEG_INFINITY);
    }
}
