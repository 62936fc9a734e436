//! `fission report OUTPUT_DIR`: report.html made again from the files a run, a
//! comparison or a sweep left in its folder (its JSON and its PNG charts), e.g. for a
//! folder an earlier version wrote, or after a sweep was finished with `--resume`.

use super::*;
use crate::report::Results;

pub(super) const REPORT_EXAMPLES: &str = "Examples:
  fission report output/qixi-minigame
  fission report output/compare-referral-baseline-referral-red-packet
  fission report output/sweep-referral-baseline --out proposal/reward-sweep.html";

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// The output folder of `fission run`, `compare` or `sweep`.
    folder: PathBuf,
    /// Where to write the page (default: report.html in the folder, listed in its
    /// manifest).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(super) fn report(args: ReportArgs) -> Result<()> {
    let dir = &args.folder;
    if !dir.is_dir() {
        bail!(InputError(format!(
            "{}: {}: give the output folder of `fission run`, `compare` or `sweep`",
            dir.display(),
            if dir.exists() { "is a file, not a folder" } else { "no such folder" }
        )));
    }
    let Some(kind) = Results::ALL.into_iter().find(|k| dir.join(k.json_file()).is_file()) else {
        bail!(InputError(format!(
            "{}: holds no summary.json, compare.json or sweep.json: give the output folder of `fission run`, `compare` or `sweep`",
            dir.display()
        )));
    };
    let json_path = dir.join(kind.json_file());
    let bytes = std::fs::read(&json_path).with_context(|| format!("reading {}", json_path.display()))?;
    let data: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        InputError(format!("{}: line {}, column {}: not valid JSON ({e})", json_path.display(), e.line(), e.column()))
    })?;
    match data.get("schema_version").and_then(serde_json::Value::as_u64) {
        Some(v) if v <= u64::from(crate::report::SCHEMA_VERSION) => {}
        Some(v) => bail!(InputError(format!(
            "{}: schema_version {v} was written by a newer fission (this one reads up to {}): use that version",
            json_path.display(),
            crate::report::SCHEMA_VERSION
        ))),
        None => bail!(InputError(format!("{}: no schema_version: not a file fission wrote", json_path.display()))),
    }
    let mut charts = Vec::new();
    for stem in kind.chart_stems() {
        let path = dir.join(format!("{stem}.png"));
        if path.is_file() {
            charts.push((stem, std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?));
        }
    }
    let pngs: Vec<(&str, &[u8])> = charts.iter().map(|(s, p)| (*s, p.as_slice())).collect();
    let page = kind.page(&data, &pngs);
    let target = match &args.out {
        Some(path) => {
            check_parent_is_folder(path)?;
            if path.is_dir() {
                bail!(InputError(format!("--out {}: is a folder: name the page's file", path.display())));
            }
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
            }
            write_atomic(path, page.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
            path.clone()
        }
        // A sweep's folder grows point by point and has no manifest; the others are
        // written as one set, so the page joins the set (and its manifest) as a whole.
        None if kind == Results::Sweep => {
            let path = dir.join("report.html");
            write_atomic(&path, page.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
            path
        }
        None => {
            crate::report::output::replace_in_set(dir, "report.html", page.as_bytes())?;
            dir.join("report.html")
        }
    };
    print_stdout(&format!(
        "{} ({} chart{}, from {}): {}\n",
        match kind {
            Results::Run => "Run report",
            Results::Compare => "Comparison report",
            Results::Sweep => "Sweep report",
        },
        charts.len(),
        if charts.len() == 1 { "" } else { "s" },
        kind.json_file(),
        target.display()
    ))
}
