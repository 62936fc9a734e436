//! Which results an output folder holds, and their report page: the one path by which
//! `run`, `compare`, `sweep` and `fission report` make report.html.

/// What an output folder holds: a run's, a comparison's or a sweep's results, each
/// with its JSON and its charts; `fission report` makes report.html from these files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Results {
    /// `fission run`: summary.json.
    Run,
    /// `fission compare`: compare.json.
    Compare,
    /// `fission sweep`: sweep.json.
    Sweep,
}

impl Results {
    /// Every kind, in the order an output folder is searched.
    pub const ALL: [Results; 3] = [Results::Run, Results::Compare, Results::Sweep];

    /// The JSON file holding the results.
    pub fn json_file(self) -> &'static str {
        match self {
            Results::Run => "summary.json",
            Results::Compare => "compare.json",
            Results::Sweep => "sweep.json",
        }
    }

    /// The charts' file stems, in the page's order (the PNG of each that exists).
    pub fn chart_stems(self) -> Vec<&'static str> {
        match self {
            Results::Run => super::plots::Chart::ALL.iter().map(|c| c.file_stem()).collect(),
            Results::Compare => super::compare::CHART_STEMS.to_vec(),
            Results::Sweep => vec!["sweep"],
        }
    }

    /// report.html of results `data` (the JSON file's content) and their charts' PNGs.
    pub fn page(self, data: &serde_json::Value, charts: &[(&str, &[u8])]) -> String {
        match self {
            Results::Run => super::html::run_page(data, charts),
            Results::Compare => super::html_plan::compare_page(data, charts),
            Results::Sweep => super::html_plan::sweep_page(data, charts),
        }
    }

    /// report.html of results whose JSON file is `json` (as written), with charts as
    /// (stem, PNG, SVG): what `run`, `compare` and `sweep` write, through the same
    /// path as `fission report`.
    pub fn page_from(self, json: &[u8], charts: &[(String, Vec<u8>, String)]) -> Vec<u8> {
        let data: serde_json::Value = serde_json::from_slice(json).expect("fission's own JSON parses");
        let pngs: Vec<(&str, &[u8])> = charts.iter().map(|(s, p, _)| (s.as_str(), p.as_slice())).collect();
        self.page(&data, &pngs).into_bytes()
    }
}
