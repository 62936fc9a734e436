//! `fission sweep SCENARIO.toml --vary KEY=SPEC [--vary KEY=SPEC]`: each point's row
//! appended to `sweep.csv` as soon as it finishes; `--resume` continues a stopped sweep.

use super::*;
use crate::plan::sweep::{Vary, format_value, parse_vary, tipping_point};
use crate::report::sweep::{SweepReport, SweepRow};

pub(super) const SWEEP_EXAMPLES: &str = "Examples:
  fission sweep scenarios/referral-baseline.toml --vary campaign.reward=0:40:5
  fission sweep scenarios/qixi-minigame.toml --vary campaign.fun=0.3:0.9:0.1 --vary campaign.reward=0:20:5
  fission sweep big.toml --vary campaign.reward=0:40:5 --max-points 3    # then again with --resume";

#[derive(Debug, Args)]
pub(super) struct SweepArgs {
    /// The scenario file (TOML).
    scenario: PathBuf,
    /// A numeric key and its values: KEY=START:STOP:STEP or KEY=V1,V2,... (once or twice).
    #[arg(long, required = true, value_name = "KEY=SPEC", value_parser = parse_vary)]
    vary: Vec<Vary>,
    /// Continue the sweep in the output folder: points already in its sweep.csv (for
    /// the same scenario, keys, runs and seed) are skipped.
    #[arg(long)]
    resume: bool,
    /// Stop after this many new points (continue later with --resume).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    max_points: Option<u64>,
    #[command(flatten)]
    common: PlanArgs,
}

/// What identifies a sweep, kept beside its CSV (`sweep.state.json`) so that `--resume`
/// continues only the same sweep.
#[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
struct SweepState {
    scenario: serde_json::Value,
    vary: Vec<(String, Vec<f64>)>,
    runs: u64,
    rng_seed: u64,
}

/// The files a sweep writes in its folder (and, while writing one, its temporary file).
const SWEEP_FILES: [&str; 6] = ["sweep.csv", "sweep.json", "sweep.state.json", "sweep.png", "sweep.svg", "report.html"];

/// A sweep's folder grows point by point, so it is not replaced as a whole: it must be
/// a folder (or not exist yet) holding nothing but a sweep's files.
fn check_sweep_folder(path: &Path) -> Result<()> {
    check_parent_is_folder(path)?;
    if !path.exists() {
        return Ok(());
    }
    if !path.is_dir() {
        bail!(InputError(format!("--out {}: is a file, not a folder", path.display())));
    }
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(path).with_context(|| format!("reading {}", path.display()))? {
        let name =
            entry.with_context(|| format!("reading {}", path.display()))?.file_name().to_string_lossy().into_owned();
        if !SWEEP_FILES.contains(&name.as_str()) && !name.starts_with('.') {
            foreign.push(name);
        }
    }
    if !foreign.is_empty() {
        foreign.sort();
        bail!(InputError(format!(
            "{} holds files a sweep did not write ({}): choose another --out",
            path.display(),
            foreign.join(", ")
        )));
    }
    Ok(())
}

pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    let started = Instant::now();
    if args.vary.len() > 2 {
        bail!(InputError("--vary: one or two keys at a time".into()));
    }
    if args.vary.len() == 2 && args.vary[0].key == args.vary[1].key {
        bail!(InputError(format!("--vary {}: the same key twice", args.vary[0].key)));
    }
    let base = load(&args.scenario, args.common.runs, args.common.seed, &args.common.set)?;
    let (runs, seed) = (base.simulation.runs as u64, base.simulation.rng_seed);
    // Every point: the file, the --sets, then the varied values; each checked like the
    // file before anything runs.
    let points: Vec<Vec<f64>> = match &args.vary[..] {
        [a] => a.values.iter().map(|&x| vec![x]).collect(),
        [a, b] => a.values.iter().flat_map(|&x| b.values.iter().map(move |&y| vec![x, y])).collect(),
        _ => unreachable!("checked: one or two keys"),
    };
    let scenario_at = |point: &[f64]| -> Result<Scenario> {
        let mut sets = args.common.set.clone();
        sets.extend(args.vary.iter().zip(point).map(|(v, &x)| (v.key.clone(), format_value(x))));
        load(&args.scenario, Some(runs), Some(seed), &sets)
    };
    let scenarios = points.iter().map(|p| scenario_at(p)).collect::<Result<Vec<_>>>()?;
    let out_dir = args.common.out_dir("sweep", &[args.scenario.as_path()]);
    check_sweep_folder(&out_dir)?;
    for s in &scenarios {
        check_memory(s, args.common.threads)?;
    }
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let csv_path = out_dir.join("sweep.csv");
    let state_path = out_dir.join("sweep.state.json");
    let state = SweepState {
        scenario: base.to_resolved_json(),
        vary: args.vary.iter().map(|v| (v.key.clone(), v.values.clone())).collect(),
        runs,
        rng_seed: seed,
    };
    let keys: Vec<String> = args.vary.iter().map(|v| v.key.clone()).collect();
    // The points already done (their values as written), and a CSV ready to append to.
    let mut done = std::collections::HashSet::new();
    if csv_path.exists() {
        if !args.resume {
            bail!(InputError(format!(
                "{} holds an earlier sweep: --resume continues it, or choose another --out",
                csv_path.display()
            )));
        }
        let earlier: Option<SweepState> = std::fs::read(&state_path).ok().and_then(|b| serde_json::from_slice(&b).ok());
        if earlier.as_ref() != Some(&state) {
            bail!(InputError(format!(
                "{} is a sweep of another scenario, keys, runs or seed: --resume continues only the same sweep; choose another --out",
                csv_path.display()
            )));
        }
        let text = std::fs::read_to_string(&csv_path).with_context(|| format!("reading {}", csv_path.display()))?;
        // A row cut short by a stop is dropped: it is run again.
        let whole = match text.rfind('\n') {
            Some(i) => &text[..=i],
            None => "",
        };
        if whole.len() != text.len() {
            std::fs::write(&csv_path, whole).with_context(|| format!("writing {}", csv_path.display()))?;
        }
        for row in SweepReport::read_rows(whole, keys.len()) {
            done.insert(row.values.iter().map(|&x| format_value(x)).collect::<Vec<_>>());
        }
    } else {
        write_atomic(&state_path, &serde_json::to_vec_pretty(&state).expect("the state serialises"))
            .with_context(|| format!("writing {}", state_path.display()))?;
        std::fs::write(&csv_path, SweepReport::header(&keys))
            .with_context(|| format!("writing {}", csv_path.display()))?;
    }
    let todo: Vec<usize> = (0..points.len())
        .filter(|&i| !done.contains(&points[i].iter().map(|&x| format_value(x)).collect::<Vec<_>>()))
        .take(args.max_points.map_or(usize::MAX, |m| m as usize))
        .collect();
    let pool = worker_pool(args.common.threads)?;
    // The graph once, unless a graph key varies.
    let graph_varies = keys.iter().any(|k| k.starts_with("graph."));
    let shared = if graph_varies || todo.is_empty() {
        None
    } else {
        note(args.common.quiet, "building the graph ...");
        Some(pool.install(|| base.build_graph_within(graph_memory_budget(&base, args.common.threads)))?)
    };
    let bar = progress_bar(args.common.quiet, runs * todo.len() as u64, "sweeping");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&csv_path)
        .with_context(|| format!("opening {}", csv_path.display()))?;
    let sim_started = Instant::now();
    for (n, &i) in todo.iter().enumerate() {
        let s = &scenarios[i];
        let own;
        let graph = match &shared {
            Some(g) => g,
            None => {
                own = pool.install(|| s.build_graph_within(graph_memory_budget(s, args.common.threads)))?;
                &own
            }
        };
        let prepared = s.prepare(graph)?;
        let config = &prepared.config;
        let offset = n as u64 * runs;
        let progress = |p: Progress| {
            if p.runs_done.is_multiple_of(64) || p.runs_done == p.runs_total {
                bar.set_position(offset + p.runs_done)
            }
        };
        let ensemble = pool
            .install(|| run_ensemble(graph, config, &progress))
            .map_err(|e| InputError(format!("{}: {e}", s.file_label)))?;
        let analysis = crate::stats::analyse(&ensemble, &prepared.analysis);
        let row = SweepRow::new(points[i].clone(), &analysis, runs as usize);
        // One write per row, flushed: a stop loses at most the point being run.
        file.write_all(&row.csv_line())
            .and_then(|_| file.flush())
            .with_context(|| format!("appending to {}", csv_path.display()))?;
    }
    bar.finish_and_clear();
    let seconds = sim_started.elapsed().as_secs_f64();
    // Everything in the CSV (earlier points and these), in the sweep's order.
    let text = std::fs::read_to_string(&csv_path).with_context(|| format!("reading {}", csv_path.display()))?;
    let mut rows = SweepReport::read_rows(&text, keys.len());
    let position = |r: &SweepRow| {
        points.iter().position(|p| p.iter().map(|&x| format_value(x)).eq(r.values.iter().map(|&x| format_value(x))))
    };
    rows.sort_by_key(|r| position(r).unwrap_or(usize::MAX));
    let complete = rows.len() == points.len();
    let tipping = (keys.len() == 1 && complete).then(|| {
        let xs: Vec<f64> = rows.iter().map(|r| r.values[0]).collect();
        let ks: Vec<_> = rows.iter().map(|r| r.k).collect();
        tipping_point(&xs, &ks)
    });
    let report = SweepReport {
        scenario_name: base.name.clone(),
        keys: keys.clone(),
        rows,
        complete,
        tipping_point: tipping.flatten(),
        runs: runs as usize,
        rng_seed: seed,
        overrides: args.common.overrides(),
        scenario: base.to_resolved_json(),
        currency: base.report.currency.clone(),
    };
    let json = report.json();
    write_atomic(&out_dir.join("sweep.json"), &json).context("writing sweep.json")?;
    let mut files =
        vec!["sweep.csv", "sweep.json", "sweep.state.json"].into_iter().map(String::from).collect::<Vec<_>>();
    let charts = if complete { report.charts()? } else { Vec::new() };
    for (stem, png, svg) in &charts {
        write_atomic(&out_dir.join(format!("{stem}.png")), png).context("writing a chart")?;
        write_atomic(&out_dir.join(format!("{stem}.svg")), svg.as_bytes()).context("writing a chart")?;
        files.push(format!("{stem}.png"));
        files.push(format!("{stem}.svg"));
    }
    let page = crate::report::Results::Sweep.page_from(&json, &charts);
    write_atomic(&out_dir.join("report.html"), &page).context("writing report.html")?;
    files.push("report.html".into());
    note(
        args.common.quiet,
        &format!(
            "{} new point{} ({} runs) in {seconds:.2} s; total {:.2} s; results in {}",
            todo.len(),
            if todo.len() == 1 { "" } else { "s" },
            todo.len() as u64 * runs,
            started.elapsed().as_secs_f64(),
            out_dir.display()
        ),
    );
    let mut text = report.table();
    let zh = report.zh();
    text.push_str(&crate::report::fill(
        if zh {
            "  已完成 {0} / {1} 个取值点; 本次 {2} 次模拟, 用时 {3} 秒{4}\n  文件 {5}\n"
        } else {
            "  {0} of {1} points done; {2} runs spent now in {3} s{4}\n  Files: {5}\n"
        },
        &[
            report.rows.len().to_string(),
            points.len().to_string(),
            (todo.len() as u64 * runs).to_string(),
            format!("{seconds:.2}"),
            match (complete, zh) {
                (true, _) => String::new(),
                (false, true) => "; 用 --resume 继续".into(),
                (false, false) => "; continue with --resume".into(),
            },
            files.join(", "),
        ],
    ));
    print_stdout(&text)
}
