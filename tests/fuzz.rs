//! A mutation fuzzer for the scenario and edge-list parsers, on stable Rust (issue 22).
//!
//! Each case takes a valid input (every example scenario, the starter scenario, small
//! edge lists of every format) and applies a few random mutations: a byte changed, a
//! line deleted, repeated or swapped, a number scaled (by 0 to 1000), a value replaced
//! by an extreme one (0, −1, 1e308,
//! 5e-324, nan, inf, 2^64 − 1, a string, an array, a table), a known key inserted in
//! another section, the text cut short. The mutated input then goes through what the
//! command line does with it: a scenario is validated, and when it is small enough to
//! build (the command line's memory check stands in front of larger ones) its graph is
//! built, its seeds resolved, two runs simulated and every output file rendered; an
//! edge list is read with every option, on one thread and two, and sized. Some cases
//! also go through the `fission check` binary. A case passes when nothing panics,
//! nothing takes longer than the time limit, and the binary exits with 0, 1 or 2.
//!
//! In the test suite a bounded run (a few hundred cases, seconds). For a long run:
//! `scripts/fuzz 3600` (one hour; `FISSION_FUZZ_SECONDS` and `FISSION_FUZZ_SEED`), which
//! prints every failing case and keeps it in `target/fuzz-failures/`.

use fission::graph::load::{EdgeListOptions, IdFormat, estimate_edge_list, read_edge_list};
use fission::report::RunReport;
use fission::rng::{SimRng, stream_rng};
use fission::scenario::{Overrides, Scenario};
use rand::RngExt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cases that passed validation, and those that went on to simulate and report.
static VALID: AtomicU64 = AtomicU64::new(0);
static REPORTED: AtomicU64 = AtomicU64::new(0);

/// Longest a case may take before it counts as a hang.
const CASE_LIMIT: Duration = Duration::from_secs(30);

/// Values a mutation puts in place of a value.
const EXTREMES: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "0.5",
    "1e308",
    "-1e308",
    "5e-324",
    "1e-17",
    "nan",
    "inf",
    "-inf",
    "18446744073709551615",
    "9223372036854775807",
    "-9223372036854775808",
    "4294967296",
    "2000000000",
    "\"\"",
    "\"x\"",
    "\"../../etc/passwd\"",
    "true",
    "[]",
    "[0]",
    "[1, 1, 1]",
    "[9223372036854775807, 9223372036854775807, 2]",
    "{}",
    "{ a = 1 }",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The valid scenarios the mutations start from.
fn scenario_corpus() -> Vec<String> {
    let mut corpus: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    corpus.sort();
    corpus.push(fission::cli::STARTER.to_string());
    // The starter with active and ordinary sharers and lognormal delays, so that the
    // mutations reach those keys and the reference path too.
    corpus.push(
        fission::cli::STARTER
            .replace(
                "[simulation]",
                "[behaviour]\nactive_share = 0.05\nactive_share_boost = 4.0\nordinary_share_shift = -3.0\n\
         active_moments_reach = 0.6\nactive_invites_per_sharer = 30\n\n[simulation]",
            )
            .replace(
                "cycle_time_days = 2.0",
                "cycle_time_days = 2.0\ncycle_time_distribution = \"lognormal\"\ncycle_time_sigma = 1.2",
            ),
    );
    corpus
}

/// The valid edge lists the mutations start from.
fn edge_list_corpus() -> Vec<Vec<u8>> {
    let mut corpus: Vec<Vec<u8>> = vec![
        b"1 2\n2 3\n3 1\n".to_vec(),
        b"# comment\n% other\n10\t20\t0.5\n20\t30\t1\n30\t10\t0\n".to_vec(),
        b"\"alice\",\"bob\"\nbob,carol,0.25\r\ncarol , dave\n".to_vec(),
        b"oX1a,oX2b\noX2b,oX3c\n\n".to_vec(),
        b"\xEF\xBB\xBF1,2\n2,3\n".to_vec(),
    ];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"5 6\n6 7\n7 5\n").unwrap();
    corpus.push(gz.finish().unwrap());
    corpus
}

/// A few random mutations of a scenario's text.
fn mutate_scenario(text: &str, keys: &[String], rng: &mut SimRng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..rng.random_range(1..=3) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.random_range(0..lines.len());
        match rng.random_range(0..12) {
            9..=11 => {
                // A number scaled (often still valid: the engine's edge cases).
                if let Some(eq) = lines[i].find('=')
                    && let Ok(x) = lines[i][eq + 1..].split('#').next().unwrap_or("").trim().parse::<f64>()
                {
                    let factor = [0.0, 1e-9, 0.001, 0.1, 0.5, 0.99, 1.01, 2.0, 10.0, 1000.0][rng.random_range(0..10)];
                    let y = x * factor;
                    let value = if lines[i][eq + 1..].contains('.') || y.fract() != 0.0 {
                        format!("{y:?}")
                    } else {
                        format!("{}", y as i64)
                    };
                    lines[i] = format!("{}= {value}", &lines[i][..eq]);
                }
            }
            0 => {
                // A byte changed.
                let mut bytes = lines[i].clone().into_bytes();
                if !bytes.is_empty() {
                    let j = rng.random_range(0..bytes.len());
                    bytes[j] = rng.random();
                }
                lines[i] = String::from_utf8_lossy(&bytes).into_owned();
            }
            1 => {
                lines.remove(i);
            }
            2 => {
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            3 => {
                let j = rng.random_range(0..lines.len());
                lines.swap(i, j);
            }
            4..=6 => {
                // A value replaced by an extreme one.
                if let Some(eq) = lines[i].find('=') {
                    let value = EXTREMES[rng.random_range(0..EXTREMES.len())];
                    lines[i] = format!("{}= {value}", &lines[i][..eq]);
                }
            }
            7 => {
                // A known key (of any section) with an extreme value, here.
                let key = &keys[rng.random_range(0..keys.len())];
                let value = EXTREMES[rng.random_range(0..EXTREMES.len())];
                lines.insert(i, format!("{key} = {value}"));
            }
            _ => {
                // Cut short.
                let cut = rng.random_range(0..lines[i].len() + 1);
                lines[i] = lines[i].chars().take(cut).collect();
                lines.truncate(i + 1);
            }
        }
    }
    lines.join("\n")
}

/// A few random mutations of an edge list's bytes.
fn mutate_edge_list(bytes: &[u8], rng: &mut SimRng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..rng.random_range(1..=4) {
        let at = rng.random_range(0..out.len() + 1);
        match rng.random_range(0..7) {
            0 if !out.is_empty() => {
                let j = rng.random_range(0..out.len());
                out[j] = rng.random();
            }
            1 => {
                let piece: &[u8] = [
                    &b"\n"[..],
                    b"\r\n",
                    b",",
                    b"\t",
                    b" ",
                    b"\"",
                    b"#",
                    b"-1",
                    b"18446744073709551616",
                    b"4294967295",
                    b"nan",
                    b"1e40",
                    b"\0",
                    b"\xff\xfe",
                    b"\xEF\xBB\xBF",
                    b"source,target\n",
                ][rng.random_range(0..16)];
                out.splice(at..at, piece.iter().copied());
            }
            2 => out.truncate(at),
            3 => {
                let copy = out[..at].to_vec();
                out.extend_from_slice(&copy);
            }
            4 => {
                out.splice(at..at, std::iter::repeat_n(b'7', rng.random_range(1..64)));
            }
            5 => {
                // A gzip header in front of what follows (a corrupt stream).
                out.splice(0..0, [0x1f, 0x8b, 8, 0]);
            }
            _ => {
                out.splice(at..at, std::iter::repeat_n(b'\n', rng.random_range(1..4)));
            }
        }
    }
    out
}

/// Validates a scenario and, if small, builds, runs and reports it; panics on a bug.
fn exercise_scenario(text: &str, base: &Path) {
    let Ok(scenario) = Scenario::from_toml_str_with(
        text,
        "fuzz.toml",
        base,
        &Overrides { runs: Some(2), rng_seed: None, ..Default::default() },
    ) else {
        return;
    };
    VALID.fetch_add(1, Ordering::Relaxed);
    let _ = scenario.to_resolved_toml();
    let _ = scenario.to_standalone_toml();
    let est = scenario.estimate();
    // What the command line's memory check would let through on a small machine, and
    // small enough that a case stays quick.
    let small = est.peak_bytes(2.0) <= 300e6 && est.nodes <= 3e5 && est.edges <= 3e6;
    if !small {
        return;
    }
    let Ok(graph) = scenario.build_graph_within(Some(300e6)) else { return };
    let Ok(seeding) = scenario.resolve_seeding(&graph) else { return };
    let config = scenario.run_config(seeding);
    let Ok(ensemble) = fission::engine::run_ensemble(&graph, &config, &|_| {}) else { return };
    let analysis = fission::stats::analyse(&ensemble, &scenario.analysis_config());
    let report = RunReport::new(&scenario, &graph, &ensemble, &analysis);
    let _ = report.table();
    let _ = report.files();
    REPORTED.fetch_add(1, Ordering::Relaxed);
}

/// Reads an edge list with every option on one and two threads, and sizes it.
fn exercise_edge_list(bytes: &[u8], file: &Path) {
    for ids in [IdFormat::Integer, IdFormat::Text] {
        for directed in [false, true] {
            for weight_column in [false, true] {
                for threads in [1, 2] {
                    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
                    let options = EdgeListOptions { directed, weight_column, ids };
                    if let Ok(g) = pool.install(|| read_edge_list(bytes, options)) {
                        let _ = fission::graph::analysis::graph_stats(&g);
                    }
                }
            }
        }
        std::fs::write(file, bytes).unwrap();
        let _ = estimate_edge_list(file, ids);
    }
}

/// Runs `case` on a thread of its own: Err with what went wrong on a panic or a hang.
fn guarded(case: impl FnOnce() + Send + 'static) -> Result<(), String> {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(case));
        let _ = done.send(result.map_err(|p| {
            p.downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".into())
        }));
    });
    match finished.recv_timeout(CASE_LIMIT) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(panic)) => Err(format!("panicked: {panic}")),
        Err(_) => Err(format!("took longer than {CASE_LIMIT:?}")),
    }
}

/// `fission check` on the file: Err unless it exits with 0, 1 or 2 within the limit.
fn check_binary(path: &Path) -> Result<(), String> {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fission"))
        .arg("check")
        .arg(path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return match status.code() {
                Some(0..=2) => Ok(()),
                other => Err(format!("fission check exited with {other:?}")),
            };
        }
        if started.elapsed() > CASE_LIMIT {
            let _ = child.kill();
            return Err(format!("fission check took longer than {CASE_LIMIT:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn issue_22_mutated_scenarios_and_edge_lists_never_panic_hang_or_crash() {
    let seconds: Option<u64> = std::env::var("FISSION_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok());
    let seed: u64 = std::env::var("FISSION_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(22);
    // Bounded in the suite: a fixed number of cases of each kind.
    let bounded_cases = 240u64;
    let started = Instant::now();
    let more = |case: u64| match seconds {
        Some(s) => started.elapsed() < Duration::from_secs(s),
        None => case < bounded_cases,
    };
    let scenarios = scenario_corpus();
    let keys: Vec<String> = {
        // Every dotted key the corpus uses, to insert elsewhere.
        let mut keys = Vec::new();
        for text in &scenarios {
            let mut section = String::new();
            for line in text.lines().map(str::trim) {
                if line.starts_with('[') {
                    section = line.trim_matches(|c| c == '[' || c == ']').to_string();
                } else if let Some((key, _)) = line.split_once('=')
                    && !line.starts_with('#')
                {
                    let key = key.trim();
                    keys.push(if section.is_empty() { key.to_string() } else { format!("{section}.{key}") });
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    };
    let edge_lists = edge_list_corpus();
    let work = tempfile::tempdir().unwrap();
    // Scenarios find the example data by relative paths (`data/...`), as from scenarios/.
    let base = work.path().to_path_buf();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root().join("scenarios/data"), base.join("data")).unwrap();
    let failures_dir = root().join("target/fuzz-failures");
    let mut failures = Vec::new();
    let mut case = 0u64;
    while more(case) {
        let mut rng = stream_rng(seed, case);
        let text = mutate_scenario(&scenarios[rng.random_range(0..scenarios.len())], &keys, &mut rng);
        let bytes = mutate_edge_list(&edge_lists[rng.random_range(0..edge_lists.len())], &mut rng);
        let (t, b) = (text.clone(), base.clone());
        let mut result = guarded(move || exercise_scenario(&t, &b)).map_err(|e| ("scenario", e));
        if result.is_ok() {
            let file = work.path().join(format!("edges-{case}"));
            let bytes = bytes.clone();
            result = guarded(move || exercise_edge_list(&bytes, &file)).map_err(|e| ("edge list", e));
        }
        if result.is_ok() && case.is_multiple_of(4) {
            let path = base.join(format!("case-{case}.toml"));
            std::fs::write(&path, &text).unwrap();
            result = check_binary(&path).map_err(|e| ("scenario (binary)", e));
            let _ = std::fs::remove_file(&path);
        }
        if let Err((what, error)) = result {
            let _ = std::fs::create_dir_all(&failures_dir);
            let _ = std::fs::write(failures_dir.join(format!("{seed}-{case}.toml")), &text);
            let _ = std::fs::write(failures_dir.join(format!("{seed}-{case}.edges")), &bytes);
            failures.push(format!("seed {seed} case {case}, {what}: {error}\n--- scenario ---\n{text}\n"));
            if failures.len() >= 5 {
                break;
            }
        }
        case += 1;
    }
    println!(
        "fuzz: {case} cases (seed {seed}) in {:.1} s: {} scenarios valid, {} simulated and reported; {} failures",
        started.elapsed().as_secs_f64(),
        VALID.load(Ordering::Relaxed),
        REPORTED.load(Ordering::Relaxed),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
