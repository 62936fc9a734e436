//! The command line: success paths, every kind of bad input (the message names the
//! file, line and key; exit code 2), reproducibility across threads, safe outputs.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn fission() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fission"))
}

const SMALL: &str = "name = \"small\"\n[graph]\nkind = \"erdos-renyi\"\nnodes = 2000\nmean_degree = 8\n\
                     [seeding]\ncount = 5\n[campaign]\nfun = 0.6\n[simulation]\nruns = 60\ndays = 15\nrng_seed = 3\n";

/// What a finished command wrote to stderr.
fn stderr(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

/// Asserts that `what` occurs exactly once in the error output `err`.
fn assert_said_once(err: &str, what: &str) {
    assert_eq!(err.matches(what).count(), 1, "{what:?} should appear once in: {err}");
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn help_shows_examples_for_every_command() {
    for args in [vec!["--help"], vec!["run", "--help"], vec!["check", "--help"], vec!["init", "--help"]] {
        fission().args(&args).assert().success().stdout(predicate::str::contains("Examples:"));
    }
    fission().arg("--version").assert().success().stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    fission().arg("frobnicate").assert().code(2);
}

#[test]
fn init_check_run_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("camp.toml");
    fission().current_dir(dir.path()).args(["init", "camp.toml"]).assert().success();
    fission().current_dir(dir.path()).args(["check", "camp.toml"]).assert().success().stdout(
        predicate::str::contains("[campaign]")
            .and(predicate::str::contains("nominal K"))
            .and(predicate::str::contains("estimate:"))
            // The starter's small scratch is measured in kB, not rounded to "0 MB".
            .and(predicate::str::contains("kB scratch per thread"))
            .and(predicate::str::contains(" 0 MB").not()),
    );
    // On a directed graph, people without out-arcs are "with no one to invite", not
    // "isolated" (`fission graph` keeps that word for people with no tie either way).
    let email = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/sir-email.toml");
    fission()
        .args(["check", email])
        .assert()
        .success()
        .stdout(predicate::str::contains("181 with no one to invite").and(predicate::str::contains("isolated").not()));
    // init does not overwrite.
    fission()
        .current_dir(dir.path())
        .args(["init", "camp.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    fission()
        .current_dir(dir.path())
        .args(["run", "camp.toml", "--runs", "40", "--quiet"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Viral coefficient K").and(predicate::str::contains("Takeoff probability")));
    let out = dir.path().join("output/camp");
    for f in [
        "summary.json",
        "daily.csv",
        "generations.csv",
        "runs.csv",
        "growth.png",
        "growth.svg",
        "reach.png",
        "reach.svg",
        "generations.png",
        "generations.svg",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let summary: serde_json::Value = serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    for key in [
        "schema_version",
        "fission_version",
        "rng_seed",
        "runs",
        "scenario",
        "graph",
        "viral_coefficient",
        "invitations_per_participant",
        "conversion_per_invitation",
        "reach",
        "takeoff_probability",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    for key in ["mean", "ci_low", "ci_high", "per_generation"] {
        assert!(summary["viral_coefficient"].get(key).is_some(), "viral_coefficient lacks {key}");
    }
    for key in ["mean", "p05", "p50", "p95"] {
        assert!(summary["reach"].get(key).is_some(), "reach lacks {key}");
    }
    assert_eq!(summary["runs"], 40);
    assert_eq!(summary["graph"]["nodes"], 5000);
    assert_eq!(summary["scenario"]["simulation"]["runs"], 40, "the resolved scenario includes the override");
    let daily = fs::read_to_string(out.join("daily.csv")).unwrap();
    // Excel reads it as UTF-8 and finds the header on the first line (schema 2); the
    // provenance is in summary.json.
    assert!(daily.starts_with("\u{FEFF}day,cumulative_mean,"), "{}", &daily[..40]);
    assert_eq!(summary["schema_version"], 2);
    assert_eq!(summary["rng_seed"], 42);
    assert_eq!(daily.lines().count(), 1 + 31, "header + days 0..=30");
    let runs = fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 40);
    assert!(runs.starts_with("\u{FEFF}run,reach,"));
    let png = fs::read(out.join("growth.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
    assert!(fs::read_to_string(out.join("growth.svg")).unwrap().contains("rng_seed 42"));
    let _ = scenario;
}

#[test]
fn a_single_run_says_k_has_no_interval_and_writes_no_nan() {
    // One run: no standard error, so no interval anywhere, said in words (table, chart
    // legend, warning), null in JSON and empty in CSV, never NaN.
    let dir = tempfile::tempdir().unwrap();
    fission().current_dir(dir.path()).args(["init", "camp.toml"]).assert().success();
    let assert = fission().current_dir(dir.path()).args(["run", "camp.toml", "--runs", "1", "--out", "one"]).assert();
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let err = stderr(assert.success());
    assert!(out.contains(": 1 run, 10 seed users, 30 days") && out.contains("no 95% CI from 1 run"), "{out}");
    assert!(err.contains("warning: K has no 95% interval: it rests on 1 of 1 run"), "{err}");
    let one = dir.path().join("one");
    for file in ["summary.json", "daily.csv", "generations.csv", "runs.csv", "generations.svg", "growth.svg"] {
        let text = fs::read_to_string(one.join(file)).unwrap();
        assert!(!["NaN", ",inf", " inf"].iter().any(|bad| text.contains(bad)), "{file}: {text}");
    }
    let summary: serde_json::Value = serde_json::from_slice(&fs::read(one.join("summary.json")).unwrap()).unwrap();
    assert!(summary["viral_coefficient"]["ci_low"].is_null());
    assert!(summary["viral_coefficient"]["per_generation"][0]["ci_low"].is_null());
    let generations = fs::read_to_string(one.join("generations.csv")).unwrap();
    let first = generations.lines().find(|l| l.starts_with("0,")).unwrap();
    assert!(first.ends_with(",,,"), "{first}");
    assert!(fs::read_to_string(one.join("generations.svg")).unwrap().contains("no 95% CI from 1 run"));
}

#[test]
fn days_to_half_reach_says_when_the_seed_users_are_half_of_it() {
    // The referral baseline's 50 seed users recruit about 10 people (K = 0.17): half of
    // the final reach is reached on day 0, which the table explains; a campaign that
    // grows well past its seeds gets no such note.
    let dir = tempfile::tempdir().unwrap();
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/referral-baseline.toml");
    let out = fission().args(["run", scenario, "--runs", "50", "--quiet", "--out"]).arg(dir.path().join("r")).output();
    let out = String::from_utf8(out.unwrap().stdout).unwrap();
    let row = out.lines().find(|l| l.contains("Days to half of final reach")).unwrap();
    assert!(row.contains("(median 0: the seed users alone are half of the final reach)"), "{row}");
    let viral = SMALL
        .replace("fun = 0.6", "fun = 1.0\nreward = 20")
        .replace("mean_degree = 8", "mean_degree = 40")
        .replace("count = 5", "count = 30");
    let s = write(dir.path(), "s.toml", &viral);
    let out = fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(dir.path().join("s")).output();
    let out = String::from_utf8(out.unwrap().stdout).unwrap();
    let row = out.lines().find(|l| l.contains("Days to half of final reach")).unwrap();
    assert!(!row.contains("seed users") && !row.contains("(median 0"), "{out}");
}

#[test]
fn outputs_are_byte_identical_for_any_thread_count_and_from_the_resolved_scenario() {
    // The second: a budget under a hard cap, which runs day by day and stops the rewards.
    let budget = SMALL.replace("fun = 0.6", "fun = 1.0\nreward = 20").replace("mean_degree = 8", "mean_degree = 30")
        + "[rewards]\nper_referral = 5\ntiers = [[2, 5.0]]\n[budget]\ntotal = 900\n";
    // The third: group chats and the campaign's own groups, which split when full.
    let groups = SMALL.replace("count = 5\n", "count = 5\ngroups = 1\n").replace("fun = 0.6", "fun = 1.0\nreward = 20")
        + "[channels.group]\nfission = true\ncap = 20\nposts_per_sharer = 2\n";
    // The fourth: an official account's pushes.
    let account = SMALL.to_string() + "[channels.official_account]\nfollowers = 300\nper_week = 2\nopen_rate = 0.2\n";
    for text in [SMALL.to_string(), budget, groups, account] {
        identical_for_any_thread_count(&text);
    }
}

fn identical_for_any_thread_count(text: &str) {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", text);
    for (threads, out) in [("1", "a"), ("2", "b"), ("3", "c")] {
        fission()
            .arg("run")
            .arg(&s)
            .args(["--threads", threads, "--quiet", "--out"])
            .arg(dir.path().join(out))
            .assert()
            .success();
    }
    // The resolved scenario printed by `check` runs identically.
    let resolved = fission().arg("check").arg(&s).output().unwrap();
    let r = write(dir.path(), "resolved.toml", &String::from_utf8(resolved.stdout).unwrap());
    fission().arg("run").arg(&r).args(["--quiet", "--out"]).arg(dir.path().join("d")).assert().success();
    for f in fs::read_dir(dir.path().join("a")).unwrap() {
        let name = f.unwrap().file_name();
        let a = fs::read(dir.path().join("a").join(&name)).unwrap();
        for other in ["b", "c", "d"] {
            assert!(a == fs::read(dir.path().join(other).join(&name)).unwrap(), "{name:?} differs in {other}");
        }
    }
    // A different seed gives different results.
    fission().arg("run").arg(&s).args(["--seed", "4", "--quiet", "--out"]).arg(dir.path().join("e")).assert().success();
    assert_ne!(fs::read(dir.path().join("a/runs.csv")).unwrap(), fs::read(dir.path().join("e/runs.csv")).unwrap());
}

#[test]
fn bad_scenario_keys_types_and_ranges_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let text = SMALL.replace("fun = 0.6", "fun = 1.6\np_shaer = 0.08\ncomplexity = \"many\"");
    let s = write(dir.path(), "bad.toml", &text);
    let err = stderr(fission().arg("check").arg(&s).assert().code(2));
    assert!(err.contains("3 problems"), "{err}");
    assert!(err.contains("bad.toml:9: campaign.fun: campaign.fun = 1.6: must be in [0, 1]"), "{err}");
    assert!(err.contains("bad.toml:10: campaign.p_shaer: unknown field `p_shaer`"), "{err}");
    assert!(err.contains("bad.toml:11: campaign.complexity: invalid type"), "{err}");
    // run refuses the same file, and writes nothing.
    fission().current_dir(dir.path()).args(["run", "bad.toml"]).assert().code(2);
    assert!(!dir.path().join("output").exists());
}

#[test]
fn missing_scenario_and_bad_numbers_are_usage_errors() {
    let err = stderr(fission().args(["run", "does-not-exist.toml"]).assert().code(2));
    assert!(err.contains("cannot read scenario does-not-exist.toml"), "{err}");
    // The reason, once (an error's cause is not repeated by the chain printed after it).
    assert_said_once(&err, "os error");
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", SMALL);
    fission()
        .arg("run")
        .arg(&s)
        .args(["--runs", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("\"0\" is not a number of runs: give a whole number, at least 1"));
    // A negative seed is named as such (clap's own message suggested `-- -1`).
    let err = stderr(fission().arg("run").arg(&s).args(["--seed", "-1"]).assert().code(2));
    assert!(err.contains("\"-1\" is not a seed: give a whole number from 0 to 18446744073709551615"), "{err}");
    assert!(!err.contains("-- -1"), "{err}");
    fission().arg("run").arg(&s).args(["--threads", "0"]).assert().code(2);
    let s = write(dir.path(), "syntax.toml", "[graph\n");
    fission().arg("check").arg(&s).assert().code(2).stderr(predicate::str::contains("syntax.toml:1: syntax"));
}

#[test]
fn bad_edge_list_line_names_its_number() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "edges.txt", "# friends\n1 2\n2 3\n3 three\n");
    let s = write(
        dir.path(),
        "s.toml",
        "[graph]\nkind = \"edge-list\"\npath = \"edges.txt\"\n[seeding]\ncount = 1\n[simulation]\nruns = 5\n",
    );
    let err = stderr(fission().arg("run").arg(&s).arg("--quiet").assert().code(2));
    assert!(err.contains("edges.txt: reading the edge list: line 4: the second node id \"three\""), "{err}");
    assert_said_once(&err, "line 4");
    // The same through `fission graph`, and a broken gzip file through both.
    let edges = dir.path().join("edges.txt");
    let err = stderr(fission().arg("graph").arg(&edges).assert().code(2));
    assert!(err.contains("edges.txt: reading the edge list: line 4: the second node id \"three\""), "{err}");
    fs::write(dir.path().join("broken.gz"), b"\x1f\x8b\x08\x00 not deflate").unwrap();
    let s = write(dir.path(), "gz.toml", "[graph]\nkind = \"edge-list\"\npath = \"broken.gz\"\n");
    // `check` too: the file cannot be sampled to size it, so check builds it to say why.
    let check = vec!["check".into(), s.clone()];
    for args in
        [vec!["run".into(), s.clone(), "--quiet".into()], vec!["graph".into(), dir.path().join("broken.gz")], check]
    {
        let err = stderr(fission().args(&args).assert().code(2));
        assert!(err.contains("broken.gz: reading the edge list: "), "{err}");
        assert_said_once(&err, "reading the edge list");
        let reason = err.trim_end().rsplit(": ").next().unwrap();
        assert_said_once(&err, reason);
    }
    let s = write(dir.path(), "nofile.toml", "[graph]\nkind = \"edge-list\"\npath = \"missing.txt\"\n");
    fission().arg("check").arg(&s).assert().code(2).stderr(predicate::str::contains("nofile.toml:3: graph.path"));
}

/// `fission graph` reads an edge list from a pipe (`<(zcat edges.gz)`, /dev/stdin):
/// the memory estimate must not sample it, or the loader would miss those lines.
#[cfg(unix)]
#[test]
fn an_edge_list_can_come_through_a_pipe() {
    let text: String = (0..1000).map(|i| format!("{i} {}\n", i + 1)).collect();
    let out = fission().args(["graph", "/dev/stdin", "--json"]).write_stdin(text).assert().success();
    let stats: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!((stats["nodes"].as_u64(), stats["edges"].as_u64()), (Some(1001), Some(1000)));
}

#[test]
fn seeds_file_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "edges.txt", "10 20\n20 30\n30 40\n");
    write(dir.path(), "seeds.txt", "# seeds\n10\n99\n");
    let s = write(
        dir.path(),
        "s.toml",
        "[graph]\nkind = \"edge-list\"\npath = \"edges.txt\"\n[seeding]\nfile = \"seeds.txt\"\n[simulation]\nruns = 5\n",
    );
    fission()
        .arg("check")
        .arg(&s)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("seeds.txt:3: seed: node 99 is not in the graph"));
    write(dir.path(), "seeds.txt", "10\n40\n");
    fission()
        .arg("run")
        .arg(&s)
        .args(["--quiet", "--out"])
        .arg(dir.path().join("o"))
        .assert()
        .success()
        .stdout(predicate::str::contains("2 seed users"));
}

#[test]
fn unwritable_output_fails_without_touching_earlier_results() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", SMALL);
    let out = dir.path().join("out");
    fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(&out).assert().success();
    let before = fs::read(out.join("summary.json")).unwrap();
    // A scenario that fails validation leaves the earlier results as they were.
    let bad = write(dir.path(), "bad.toml", &SMALL.replace("runs = 60", "runs = -1"));
    fission().arg("run").arg(&bad).args(["--quiet", "--out"]).arg(&out).assert().code(2);
    assert_eq!(fs::read(out.join("summary.json")).unwrap(), before);
    // An output path that is a file is the user's to fix (exit code 2), and the file
    // stays as it was.
    let file = write(dir.path(), "a-file", "x");
    let err = stderr(fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(&file).assert().code(2));
    assert!(err.contains("a-file: is a file: name a folder"), "{err}");
    assert_eq!(fs::read(&file).unwrap(), b"x");
    // So is a folder under that file (issue 22: it was exit 1).
    fission()
        .arg("run")
        .arg(&s)
        .args(["--quiet", "--out"])
        .arg(file.join("sub"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("a-file is a file, not a folder"));
    // No temporary files are left behind.
    assert!(fs::read_dir(&out).unwrap().all(|f| !f.unwrap().file_name().to_string_lossy().contains(".tmp")));
}

#[test]
fn closed_stdout_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", SMALL);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fission"))
        .arg("check")
        .arg(&s)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_example_scenario_is_valid() {
    let mut count = 0;
    for entry in fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            fission().arg("check").arg(&path).assert().success().stdout(predicate::str::contains("is valid"));
            count += 1;
        }
    }
    assert!(count >= 3, "at least three example scenarios");
}

#[test]
fn scenarios_that_cannot_fit_in_memory_are_refused_before_building() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "huge.toml", "[graph]\nkind = \"barabasi-albert\"\nnodes = 2000000000\nm = 50\n");
    fission().arg("run").arg(&s).arg("--quiet").assert().code(2).stderr(
        predicate::str::contains("huge.toml: this scenario needs about")
            .and(predicate::str::contains("GB is available")),
    );
    // An edge list is sized from its first megabytes and its length: 9 MB of lines
    // followed by a hole (a sparse file: no disk used) reads as a 4 TB file of about
    // 500 billion lines, refused by `fission run` and `fission graph` without reading it.
    let edges = dir.path().join("edges.txt");
    let mut text = String::new();
    for i in 0..800_000u64 {
        text.push_str(&format!("{} {}\n", i, i + 1));
    }
    fs::write(&edges, &text).unwrap();
    fs::OpenOptions::new().write(true).open(&edges).unwrap().set_len(4 << 40).unwrap();
    let s = write(dir.path(), "big.toml", "[graph]\nkind = \"edge-list\"\npath = \"edges.txt\"\n");
    let refused = |cmd: &mut Command, what: &str| {
        let out = cmd.timeout(std::time::Duration::from_secs(60)).assert().code(2);
        let err = stderr(out);
        assert!(err.contains(what) && err.contains("GB is available"), "{err}");
    };
    refused(fission().arg("run").arg(&s).arg("--quiet"), "big.toml: this scenario needs about");
    refused(fission().arg("graph").arg(&edges), "edges.txt: this edge list needs about");
}

#[test]
fn bad_model_parameters_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let base = "[graph]\nkind = \"watts-strogatz\"\nnodes = 200\nk = 4\n[simulation]\nruns = 10\n[model]\n";
    let cases = [
        ("kind = \"independent-cascade\"\nprobability = 1.5\n", "model.probability = 1.5: must be in [0, 1]"),
        (
            "kind = \"sir\"\ntransmission_rate = -1\nrecovery_rate = 1\n",
            "model.transmission_rate = -1: must be a number > 0",
        ),
        ("kind = \"sir\"\ntransmission_rate = 1\n", "sir needs model.recovery_rate"),
        (
            "kind = \"sir\"\ntransmission_rate = 1\nrecovery_rate = 1\nprobability = 0.2\n",
            "model.probability is not used by kind sir",
        ),
        ("kind = \"complex-contagion\"\nthreshold_fraction = 0\n", "model.threshold_fraction = 0: must be in"),
        ("kind = \"linear-threshold\"\nweights = \"edge-weights\"\n", "weights into each person to sum to at most 1"),
        (
            "kind = \"complex-contagion\"\nthreshold_count = 9\n",
            "threshold_count = 9 is larger than anyone's number of friends",
        ),
        (
            "kind = \"percolation\"\n",
            "model.kind = \"percolation\": must be one of campaign, independent-cascade, linear-threshold, complex-contagion, sir",
        ),
    ];
    for (i, (model, message)) in cases.iter().enumerate() {
        let s = write(dir.path(), &format!("m{i}.toml"), &format!("{base}{model}"));
        for args in [vec!["check"], vec!["run", "--quiet"]] {
            fission()
                .args(&args)
                .arg(&s)
                .assert()
                .code(2)
                .stderr(predicate::str::contains(*message).and(predicate::str::contains(format!("m{i}.toml"))));
        }
    }
}

#[test]
fn textbook_models_run_end_to_end_with_cascade_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let base =
        "[graph]\nkind = \"erdos-renyi\"\nnodes = 1000\nmean_degree = 6\n[simulation]\nruns = 50\ndays = 40\n[model]\n";
    for (i, model) in [
        "kind = \"independent-cascade\"\nweights = \"weighted-cascade\"\n",
        "kind = \"linear-threshold\"\n",
        "kind = \"complex-contagion\"\nthreshold_fraction = 0.2\n",
        "kind = \"sir\"\ntransmission_rate = 0.4\ninfectious_period_days = 2\n",
    ]
    .iter()
    .enumerate()
    {
        let s = write(dir.path(), &format!("t{i}.toml"), &format!("{base}{model}"));
        let out = dir.path().join(format!("o{i}"));
        fission().arg("run").arg(&s).arg("--quiet").arg("--out").arg(&out).assert().success();
        let summary: serde_json::Value = serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
        for key in ["depth", "structural_virality", "offspring_mean", "offspring_dispersion"] {
            assert!(summary["cascades"].get(key).is_some(), "{model}: cascades lacks {key}");
        }
        assert!(summary["nominal"].is_null() || i == 0);
        // The resolved scenario runs identically.
        let resolved = fission().arg("check").arg(&s).output().unwrap();
        assert!(resolved.status.success(), "{}", String::from_utf8_lossy(&resolved.stderr));
        let r = write(dir.path(), &format!("r{i}.toml"), &String::from_utf8(resolved.stdout).unwrap());
        let out2 = dir.path().join(format!("p{i}"));
        fission().arg("run").arg(&r).arg("--quiet").arg("--out").arg(&out2).assert().success();
        assert_eq!(fs::read(out.join("runs.csv")).unwrap(), fs::read(out2.join("runs.csv")).unwrap());
    }
}

/// `fission graph` reproduces the statistics SNAP publishes for its datasets:
/// ego-Facebook has average clustering 0.6055 and one component of 4,039 people;
/// email-Eu-core has average clustering 0.3994 and a largest weakly connected component
/// of 986 people (snap.stanford.edu dataset pages).
#[test]
fn graph_statistics_match_snap_published_values() {
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/data/");
    let stats = |file: &str, directed: bool| -> serde_json::Value {
        let mut cmd = fission();
        cmd.arg("graph").arg(format!("{data}{file}")).arg("--json");
        if directed {
            cmd.arg("--directed");
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let fb = stats("facebook_combined.txt.gz", false);
    assert_eq!((fb["nodes"].as_u64(), fb["edges"].as_u64()), (Some(4039), Some(88234)));
    assert!((fb["average_clustering"].as_f64().unwrap() - 0.6055).abs() < 5e-5);
    assert_eq!((fb["components"].as_u64(), fb["largest_component"].as_u64()), (Some(1), Some(4039)));
    // Its best-connected person is ego 107, with 1,045 friends, by the file's ids.
    assert_eq!((fb["hubs"][0]["id"].as_u64(), fb["hubs"][0]["degree"].as_u64()), (Some(107), Some(1045)));
    let email = stats("email-Eu-core.txt.gz", true);
    assert_eq!(email["nodes"].as_u64(), Some(1005));
    assert!((email["average_clustering"].as_f64().unwrap() - 0.3994).abs() < 5e-5);
    assert_eq!(email["largest_component"].as_u64(), Some(986));
    // Every line is accounted for. Read undirected, email-Eu-core's 25,571 arcs
    // (SNAP) are friendships, self-loops or the second listing of a mutual pair; and
    // CA-GrQc lists each of its 14,496 edges (SNAP's count, self-loops included) in
    // both directions, which is SNAP's convention, not a repeat.
    let email = stats("email-Eu-core.txt.gz", false);
    let count = |v: &serde_json::Value, key: &str| v["cleanup"][key].as_u64().unwrap();
    let lines =
        email["edges"].as_u64().unwrap() + count(&email, "self_loops_removed") + count(&email, "listed_both_ways");
    assert_eq!((lines, count(&email, "duplicate_edges_removed")), (25571, 0));
    let grqc = stats("../../tests/data/CA-GrQc.txt.gz", false);
    let edges = grqc["edges"].as_u64().unwrap();
    assert_eq!(edges + count(&grqc, "self_loops_removed"), 14496);
    assert_eq!((count(&grqc, "listed_both_ways"), count(&grqc, "duplicate_edges_removed")), (edges, 0));
    // The chart is written, and bad input is a clear error.
    let dir = tempfile::tempdir().unwrap();
    fission()
        .args(["graph", &format!("{data}facebook_combined.txt.gz"), "--chart"])
        .arg(dir.path().join("fb"))
        .assert()
        .success();
    assert!(dir.path().join("fb.png").is_file() && dir.path().join("fb.svg").is_file());
    fission()
        .args(["graph", "missing.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read edge list missing.txt"));
    fission()
        .arg("graph")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a folder, not an edge list"));
    assert!(fb["tie_strengths"].is_null());
    // An edge list's weight column shows as tie strengths.
    let weighted = dir.path().join("weighted.txt");
    fs::write(&weighted, "1 2 0.8\n2 3 0.2\n3 1 0.8\n").unwrap();
    fission()
        .arg("graph")
        .arg(&weighted)
        .arg("--weights")
        .assert()
        .success()
        .stdout(predicate::str::contains("tie strengths").and(predicate::str::contains("2 distinct: 0.2, 0.8")));
    // Where ⟨k²⟩ − ⟨k⟩ is small (here 1/5 and 0), no cascade can take off: the threshold
    // says so rather than asking for a p above 1.
    for (edges, threshold) in
        [("1 2\n2 3\n4 5\n", "= 3.0000: 1 or more"), ("1 2\n3 4\n", "= ∞: nobody reached along a tie has another")]
    {
        let path = write(dir.path(), "sparse.txt", edges);
        let out = fission().arg("graph").arg(&path).arg("--chart").arg(dir.path().join("sparse")).assert().success();
        let out = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        assert!(out.contains(threshold) && out.contains("no independent cascade takes off"), "{out}");
        // The chart's note writes the threshold as the table does.
        let svg = fs::read_to_string(dir.path().join("sparse.svg")).unwrap();
        let number = threshold.split(':').next().unwrap();
        assert!(svg.contains(number) && !svg.contains("inf"), "{number}");
    }
}

#[test]
fn edge_lists_of_text_ids_load_describe_and_run() {
    // A referral export names people by WeChat-style openids: a ring of 600 people
    // with chords, so that a campaign has somewhere to go.
    let dir = tempfile::tempdir().unwrap();
    let mut edges = String::from("# inviter,invitee\n");
    for i in 0..600 {
        for step in [1, 7, 31] {
            edges.push_str(&format!("oU{i:04}x,oU{:04}x\n", (i + step) % 600));
        }
    }
    let path = write(dir.path(), "openids.csv", &edges);
    // Read as integers, the first line says what to do.
    let err = stderr(fission().arg("graph").arg(&path).assert().code(2));
    assert!(err.contains("line 2: the first node id \"oU0000x\" is not a non-negative integer"), "{err}");
    assert!(err.contains("--text-ids for fission graph"), "{err}");
    let out = fission().arg("graph").arg(&path).args(["--text-ids", "--json"]).assert().success();
    let stats: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!((stats["nodes"].as_u64(), stats["edges"].as_u64()), (Some(600), Some(1800)));
    // Every person has 6 friends: the hubs are the first six ids, by text.
    assert_eq!(stats["hubs"][0]["id"], "oU0000x");
    assert_eq!(stats["hubs"][0]["degree"], 6);
    let scenario = write(
        dir.path(),
        "named.toml",
        "[graph]\nkind = \"edge-list\"\npath = \"openids.csv\"\nids = \"text\"\n\
         [seeding]\nnodes = [\"oU0100x\", \"oU0400x\"]\n[campaign]\nfun = 0.9\nreward = 10\ncomplexity = 1\n\
         [simulation]\nruns = 20\ndays = 10\n",
    );
    let err = stderr(fission().arg("graph").arg(&scenario).arg("--text-ids").assert().code(2));
    assert!(err.contains("a scenario says it in [graph]"), "{err}");
    fission().arg("run").arg(&scenario).arg("--quiet").arg("--out").arg(dir.path().join("out")).assert().success();
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("out/summary.json")).unwrap()).unwrap();
    assert_eq!(summary["scenario"]["graph"]["ids"], "text");
    assert_eq!(summary["scenario"]["seeding"]["nodes"], serde_json::json!(["oU0100x", "oU0400x"]));
    assert!(summary["reach"]["mean"].as_f64().unwrap() > 2.0, "the campaign recruits beyond its 2 seeds");
    // A seed who is not in the file is named.
    let missing =
        write(dir.path(), "missing.toml", &fs::read_to_string(&scenario).unwrap().replace("oU0400x", "oU9999x"));
    let err = stderr(fission().arg("run").arg(&missing).arg("--quiet").assert().code(2));
    assert!(err.contains("node \"oU9999x\" is not in the graph"), "{err}");
}

#[test]
fn trees_csv_has_a_row_per_seed_user_per_run_named_as_in_the_input() {
    // Text ids: each row's root is the seed user as the edge list names them, and each
    // run's trees add up to its reach in runs.csv.
    let dir = tempfile::tempdir().unwrap();
    let mut edges = String::new();
    for i in 0..300 {
        edges.push_str(&format!("u{i},u{}\nu{i},u{}\n", (i + 1) % 300, (i * 7 + 3) % 300));
    }
    write(dir.path(), "e.csv", &edges);
    let s = write(
        dir.path(),
        "s.toml",
        "[graph]\nkind = \"edge-list\"\npath = \"e.csv\"\nids = \"text\"\n[seeding]\nnodes = [\"u5\", \"u77\"]\n\
         [campaign]\nfun = 0.9\nthreshold = 0.05\n[simulation]\nruns = 30\ndays = 20\n",
    );
    let out = dir.path().join("o");
    fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(&out).assert().success();
    let read = |name: &str| -> Vec<csv::StringRecord> {
        let text = fs::read_to_string(out.join(name)).unwrap();
        let body: String = text.lines().filter(|l| !l.starts_with('#')).map(|l| format!("{l}\n")).collect();
        let mut r = csv::Reader::from_reader(body.as_bytes());
        assert!(
            name != "trees.csv"
                || r.headers().unwrap().iter().eq([
                    "run",
                    "root",
                    "size",
                    "depth",
                    "structural_virality",
                    "max_offspring"
                ])
        );
        r.records().map(Result::unwrap).collect()
    };
    let trees = read("trees.csv");
    let runs = read("runs.csv");
    assert_eq!(trees.len(), 30 * 2);
    for (r, run) in runs.iter().enumerate() {
        let mine: Vec<_> = trees.iter().filter(|t| t[0] == *r.to_string()).collect();
        let mut roots: Vec<&str> = mine.iter().map(|t| &t[1]).collect();
        roots.sort();
        assert_eq!(roots, ["u5", "u77"]);
        let sizes: u32 = mine.iter().map(|t| t[2].parse::<u32>().unwrap()).sum();
        assert_eq!(sizes.to_string(), run[1], "run {r}");
    }
}

/// Per-channel counts (issue 23): in `runs.csv` each run's invitations and recruits by
/// channel add up to its invitations and to its reach less the seeds; `summary.json`
/// `channels` has the two channels' per-run means, whose shares add up to 1, and the
/// table says which channel recruited how many. A scenario without direct messages
/// leaves that channel's cells empty.
#[test]
fn invitations_and_recruits_are_counted_per_channel() {
    let dir = tempfile::tempdir().unwrap();
    let viral = SMALL.replace("fun = 0.6", "fun = 1.0\nreward = 20").replace("mean_degree = 8", "mean_degree = 40");
    let s = write(dir.path(), "s.toml", &viral);
    let out = fission().arg("run").arg(&s).args(["--out"]).arg(dir.path().join("o")).output().unwrap();
    assert!(String::from_utf8(out.stdout).unwrap().contains("Recruits by channel"));
    let runs = fs::read_to_string(dir.path().join("o/runs.csv")).unwrap();
    let mut rows = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(runs.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut recruited = 0u64;
    for r in rows.records() {
        let r = r.unwrap();
        let n = |name: &str| r[col(name)].parse::<u64>().unwrap();
        assert_eq!(n("invitations_direct") + n("invitations_moments"), n("invitations"));
        assert_eq!(n("joins_direct") + n("joins_moments"), n("reach") - 5);
        recruited += n("joins_moments");
    }
    assert!(recruited > 0, "Moments recruited someone");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("o/summary.json")).unwrap()).unwrap();
    let channels = summary["channels"].as_array().unwrap();
    let names: Vec<&str> = channels.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["direct", "moments"]);
    for share in ["share_of_invitations", "share_of_joins"] {
        let total: f64 = channels.iter().map(|c| c[share].as_f64().unwrap()).sum();
        assert!((total - 1.0).abs() < 1e-9, "{share}: {total}");
    }
    // Moments only: the direct messages' cells are empty.
    let s = write(dir.path(), "m.toml", &format!("{viral}[channels.direct]\nenabled = false\n"));
    fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(dir.path().join("m")).assert().success();
    let runs = fs::read_to_string(dir.path().join("m/runs.csv")).unwrap();
    let mut rows = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(runs.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for r in rows.records() {
        let r = r.unwrap();
        assert_eq!((&r[col("invitations_direct")], &r[col("joins_direct")]), ("", ""));
        assert_eq!(&r[col("invitations_moments")], &r[col("invitations")]);
    }
}

#[test]
fn a_budget_shows_in_every_output_and_the_cost_chart() {
    let dir = tempfile::tempdir().unwrap();
    let text = SMALL
        .replace("fun = 0.6", "fun = 1.0\nthreshold = 0.05\ncomplexity = 1")
        .replace("mean_degree = 8", "mean_degree = 40")
        + "[rewards]\nper_referral = 5\ninvitee = 5\n[budget]\ntotal = 600\nfixed = 100\nvalue_per_participant = 12\n";
    let s = write(dir.path(), "s.toml", &text);
    let out =
        fission().arg("run").arg(&s).args(["--threads", "2", "--out"]).arg(dir.path().join("o")).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    for line in [
        "Cost (rewards + fixed)",
        "Cost per new participant",
        "Budget                             ¥600: runs out in",
        "Return on investment",
    ] {
        assert!(table.contains(line), "{line:?} missing from:\n{table}");
    }
    assert!(dir.path().join("o/cost.png").is_file() && dir.path().join("o/cost.svg").is_file());
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("o/summary.json")).unwrap()).unwrap();
    let cost = &summary["cost"];
    let total = &cost["total"];
    // The hard cap: no run costs more than the budget; fixed costs are in every total.
    assert!(total["max"].as_f64().unwrap() <= 600.0 + 1e-9, "{cost}");
    assert!(total["p05"].as_f64().unwrap() >= 100.0, "{cost}");
    assert_eq!(cost["budget"].as_f64(), Some(600.0));
    assert_eq!(cost["hard_cap"].as_bool(), Some(true));
    let p = cost["budget_exhausted_probability"]["probability"].as_f64().unwrap();
    assert!(p > 0.0 && p < 1.0, "{cost}");
    assert!(cost["budget_exhausted_day"]["p50"].as_f64().unwrap() >= 1.0);
    for key in ["per_participant", "roi"] {
        let e = &cost[key];
        assert!(e["ci_low"].as_f64().unwrap() <= e["mean"].as_f64().unwrap(), "{key}: {e}");
    }
    // runs.csv: each run's total is its rewards plus the fixed costs; the budget's end
    // is a day only in the runs where it came.
    let runs = fs::read_to_string(dir.path().join("o/runs.csv")).unwrap();
    let mut rows = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(runs.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (mut sum, mut exhausted, mut n) = (0.0, 0, 0);
    for r in rows.records() {
        let r = r.unwrap();
        let x = |name: &str| r[col(name)].parse::<f64>().unwrap();
        assert!((x("total_cost") - x("reward_cost") - 100.0).abs() < 1e-9);
        sum += x("total_cost");
        exhausted += !r[col("budget_exhausted_day")].is_empty() as usize;
        n += 1;
    }
    assert!((sum / n as f64 - total["mean"].as_f64().unwrap()).abs() < 1e-6);
    assert!((exhausted as f64 / n as f64 - p).abs() < 1e-12);
    // daily.csv: the mean cumulative cost ends at the mean total.
    let daily = fs::read_to_string(dir.path().join("o/daily.csv")).unwrap();
    let mut rows = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(daily.as_bytes());
    let header = rows.headers().unwrap().clone();
    let last = rows.records().last().unwrap().unwrap();
    let at = |name: &str| last[header.iter().position(|h| h == name).unwrap()].parse::<f64>().unwrap();
    assert!((at("cumulative_cost_mean") - total["mean"].as_f64().unwrap()).abs() < 1e-6);
    // No budget and no reward: no cost chart.
    let s = write(dir.path(), "free.toml", &SMALL.replace("fun = 0.6", "fun = 0.6\nreward = 0"));
    fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(dir.path().join("f")).assert().success();
    assert!(!dir.path().join("f/cost.png").exists());
}

#[test]
fn an_official_account_shows_in_every_output_and_its_followers_file_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    let text = SMALL.to_string()
        + "[channels.official_account]\nfollowers = 500\npush_days = [0, 3, 6]\nopen_rate = 0.2\nunfollow_per_push = 0.01\n";
    let s = write(dir.path(), "s.toml", &text);
    let out = fission().arg("run").arg(&s).args(["--out"]).arg(dir.path().join("o")).output().unwrap();
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(table.contains("Official account                   500 → "), "{table}");
    assert!(table.contains("official-account pushes"), "{table}");
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("o/summary.json")).unwrap()).unwrap();
    let a = &summary["official_account"];
    assert_eq!(a["followers_at_start"].as_u64(), Some(500));
    let pushes = a["pushes"].as_array().unwrap();
    assert_eq!(pushes.iter().map(|p| p["day"].as_u64().unwrap()).collect::<Vec<_>>(), [0, 3, 6]);
    let unfollows: f64 = pushes.iter().map(|p| p["unfollows_mean"].as_f64().unwrap()).sum();
    assert!((unfollows - a["unfollows"]["mean"].as_f64().unwrap()).abs() < 1e-9);
    let end = a["followers_at_end"]["mean"].as_f64().unwrap();
    // daily.csv: followers at the end of the last day are the mean at the end.
    let daily = fs::read_to_string(dir.path().join("o/daily.csv")).unwrap();
    let mut rows = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(daily.as_bytes());
    let header = rows.headers().unwrap().clone();
    let last = rows.records().last().unwrap().unwrap();
    let at = |name: &str| last[header.iter().position(|h| h == name).unwrap()].parse::<f64>().unwrap();
    assert!((at("followers_mean") - end).abs() < 1e-6, "{} against {end}", at("followers_mean"));
    // A followers file names its bad line.
    let file = write(dir.path(), "f.txt", "1\n2\n99999\n");
    let text = SMALL.to_string() + &format!("[channels.official_account]\nfollowers_file = {:?}\nper_week = 1\n", file);
    let s = write(dir.path(), "bad.toml", &text);
    let err =
        stderr(fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(dir.path().join("b")).assert().code(2));
    assert!(err.contains("f.txt:3") && err.contains("follower \"99999\" is not in the graph"), "{err}");
}

#[test]
fn compare_pairs_designs_and_writes_its_report() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", SMALL);
    let b = write(
        dir.path(),
        "b.toml",
        &SMALL.replace("fun = 0.6", "fun = 0.9").replace("name = \"small\"", "name = \"fun\""),
    );
    let out = dir.path().join("c");
    let run = |threads: &str, out: &Path| {
        fission()
            .arg("compare")
            .arg(&a)
            .arg(&b)
            .arg(&a)
            .args(["--set", "goal.reach=10", "--threads", threads, "--quiet", "--out"])
            .arg(out)
            .output()
            .unwrap()
    };
    let o = run("1", &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8(o.stdout).unwrap();
    assert!(
        table.contains("fun against small (paired)") && table.contains("ΔK") && table.contains("180 runs in"),
        "{table}"
    );
    let json: serde_json::Value = serde_json::from_slice(&fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["designs"].as_array().unwrap().len(), 3);
    assert_eq!(json["runs_spent"].as_u64(), Some(180));
    assert_eq!(json["overrides"][0].as_str(), Some("goal.reach=10"));
    let diffs = json["differences"].as_array().unwrap();
    for key in ["k", "reach", "cost", "cost_per_participant", "p_goal"] {
        let d = &diffs[0][key];
        assert!(d["ci_low"].as_f64().unwrap() <= d["mean"].as_f64().unwrap(), "{key}: {d}");
        assert!(d["mean"].as_f64().unwrap() <= d["ci_high"].as_f64().unwrap(), "{key}: {d}");
    }
    // The same design against itself: the same runs, no difference.
    assert_eq!(diffs[1]["reach"]["mean"].as_f64(), Some(0.0));
    assert_eq!(diffs[1]["k"]["p_value"].as_f64(), Some(1.0));
    assert!(json["variance_reduction"][0]["reach"].as_f64().unwrap() > 1.0);
    for f in ["compare.csv", "compare-growth.png", "compare-k.svg", "compare-cost-reach.png", "manifest.json"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // Byte-identical on any number of threads.
    let out2 = dir.path().join("c2");
    assert!(run("2", &out2).status.success());
    for f in ["compare.json", "compare.csv", "compare-k.png", "compare-growth.svg"] {
        assert!(fs::read(out.join(f)).unwrap() == fs::read(out2.join(f)).unwrap(), "{f} differs");
    }
    // One design is not a comparison.
    fission().arg("compare").arg(&a).assert().code(2);
}

#[test]
fn a_stopped_sweep_resumes_to_the_same_csv_as_an_uninterrupted_one() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", SMALL);
    let sweep = |out: &str, extra: &[&str]| {
        fission()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "campaign.reward=0:30:10", "--set", "goal.reach=8", "--quiet", "--out"])
            .arg(dir.path().join(out))
            .args(extra)
            .output()
            .unwrap()
    };
    let whole = sweep("whole", &[]);
    assert!(whole.status.success(), "{}", String::from_utf8_lossy(&whole.stderr));
    let table = String::from_utf8(whole.stdout).unwrap();
    assert!(table.contains("4 of 4 points done") && table.contains("Tipping point"), "{table}");
    // Two points, then a stop in the middle of the third row's writing, then --resume.
    assert!(sweep("parts", &["--max-points", "2"]).status.success());
    let csv = dir.path().join("parts/sweep.csv");
    let mut text = fs::read_to_string(&csv).unwrap();
    text.push_str("20,0.5");
    fs::write(&csv, text).unwrap();
    // Not without --resume; not another sweep.
    assert_eq!(sweep("parts", &[]).status.code(), Some(2));
    let other = sweep("parts", &["--resume", "--runs", "61"]);
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("another scenario, keys, runs or seed"));
    assert!(sweep("parts", &["--resume"]).status.success());
    let (a, b) = (fs::read(dir.path().join("whole/sweep.csv")).unwrap(), fs::read(&csv).unwrap());
    assert!(a == b, "resumed:\n{}\nwhole:\n{}", String::from_utf8_lossy(&b), String::from_utf8_lossy(&a));
    // The header, then a row per point; sweep.json has the tipping point and the points.
    let text = String::from_utf8(a).unwrap();
    assert!(text.starts_with("\u{FEFF}campaign.reward,k,k_ci_low,k_ci_high,k_std_error,reach_mean,"), "{text}");
    assert_eq!(text.lines().count(), 5);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("parts/sweep.json")).unwrap()).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 4);
    assert_eq!(json["complete"].as_bool(), Some(true));
    assert!(dir.path().join("parts/sweep.png").is_file());
    // A key that is not a number, or a folder of other files, is refused.
    let bad = fission().arg("sweep").arg(&s).args(["--vary", "campaign.reward=a,b"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    fs::write(dir.path().join("parts/notes.txt"), "mine").unwrap();
    let foreign = sweep("parts", &["--resume"]);
    assert!(String::from_utf8_lossy(&foreign.stderr).contains("notes.txt"));
}

#[test]
fn sensitivity_moves_each_lever_the_way_the_model_says() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", &SMALL.replace("mean_degree = 8", "mean_degree = 30"));
    let out = dir.path().join("t");
    let o =
        fission().arg("sensitivity").arg(&s).args(["--runs", "400", "--quiet", "--out"]).arg(&out).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&fs::read(out.join("sensitivity.json")).unwrap()).unwrap();
    let levers = json["levers"].as_array().unwrap();
    let effect = |key: &str, up: usize| -> (f64, f64, f64) {
        let l = levers.iter().find(|l| l["key"] == key).unwrap_or_else(|| panic!("{key}"));
        let d = &l["k"][up];
        (d["mean"].as_f64().unwrap(), d["ci_low"].as_f64().unwrap(), d["ci_high"].as_f64().unwrap())
    };
    // Up: fun, reward and page quality raise K beyond their intervals; threshold and
    // complexity lower it; the cycle time changes when people join, and K only through
    // the novelty fading over the longer generations.
    for key in ["campaign.fun", "campaign.reward", "campaign.page_quality"] {
        assert!(effect(key, 1).1 > 0.0, "{key} up: {:?}", effect(key, 1));
        assert!(effect(key, 0).2 < 0.0, "{key} down: {:?}", effect(key, 0));
    }
    for key in ["campaign.threshold", "campaign.complexity"] {
        assert!(effect(key, 1).2 < 0.0, "{key} up: {:?}", effect(key, 1));
    }
    let (cycle, ..) = effect("campaign.cycle_time_days", 1);
    assert!(cycle <= 0.0 && cycle > -0.05, "cycle time up: {cycle}");
    // Largest effect on K first.
    let swing = |l: &serde_json::Value| {
        let m = |i: usize| l["k"][i]["mean"].as_f64().unwrap_or(0.0);
        (m(0) - m(1)).abs().max(m(0).abs()).max(m(1).abs())
    };
    assert!(levers.windows(2).all(|w| swing(&w[0]) >= swing(&w[1])));
    assert!(out.join("tornado.png").is_file() && out.join("sensitivity.csv").is_file());
    // A lever at its bound is moved one way only.
    let o = fission()
        .arg("sensitivity")
        .arg(&s)
        .args([
            "--lever",
            "campaign.threshold=0.1",
            "--set",
            "campaign.threshold=0",
            "--runs",
            "50",
            "--quiet",
            "--out",
        ])
        .arg(dir.path().join("b"))
        .output()
        .unwrap();
    assert!(String::from_utf8(o.stdout).unwrap().contains("at its bound"));
}

#[test]
fn optimize_chooses_the_cheapest_design_that_meets_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", &SMALL.replace("mean_degree = 8", "mean_degree = 30"));
    let run = |extra: &[&str], out: &str| {
        fission()
            .arg("optimize")
            .arg(&s)
            .args(["--runs", "400", "--quiet", "--out"])
            .arg(dir.path().join(out))
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(
        &[
            "--lever",
            "campaign.fun=0.2:1:0.2",
            "--lever",
            "campaign.reward=0:40:10",
            "--target",
            "k>=0.8:0.9",
            "--lever-cost",
            "campaign.fun=1000",
        ],
        "a",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.path().join("a/optimize.json")).unwrap()).unwrap();
    let chosen = &json["chosen"];
    assert_eq!(chosen["verdict"].as_str(), Some("meets"), "{json}");
    // The chosen design is the cheapest of the designs found to meet the target.
    let cheapest = json["probes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["verdict"] == "meets")
        .map(|p| p["expected_cost"].as_f64().unwrap())
        .fold(f64::INFINITY, f64::min);
    assert_eq!(chosen["expected_cost"].as_f64().unwrap(), cheapest);
    assert!(json["runs_spent"].as_u64().unwrap() < json["grid_runs"].as_u64().unwrap());
    // An impossible target, and bad options.
    let o = run(&["--lever", "campaign.reward=0:10:5", "--target", "k>=50:0.9"], "b");
    assert!(String::from_utf8(o.stdout).unwrap().contains("no design on the grid meets the target"));
    assert_eq!(run(&["--lever", "campaign.reward=0:10:5", "--target", "goal>=0.5"], "c").status.code(), Some(2));
    assert_eq!(run(&["--lever", "campaign.reward=0:10:5", "--target", "k>1"], "d").status.code(), Some(2));
    assert_eq!(run(&["--lever", "campaign.fun=0:2:0.5", "--target", "k>=1:0.9"], "e").status.code(), Some(2));
}

/// Issue 26: a Chinese summary table is Chinese throughout and lines up by display width
/// (a CJK character takes two columns), and a run cut off while spreading says how much
/// is still happening: the last day's new participants, as daily.csv has them, against
/// the reach.
#[test]
fn a_chinese_table_lines_up_and_the_censoring_warning_says_how_much_is_still_happening() {
    let dir = tempfile::tempdir().unwrap();
    let text = SMALL
        .replace("fun = 0.6", "fun = 1.0\nreward = 20")
        .replace("mean_degree = 8", "mean_degree = 40")
        .replace("days = 15", "days = 6")
        + "[report]\nlanguage = \"zh\"\n";
    let s = write(dir.path(), "zh.toml", &text);
    let out = fission().arg("run").arg(&s).args(["--out"]).arg(dir.path().join("o")).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    for line in table.lines().skip(1) {
        // Two spaces, the name padded to 34 columns, a space: the value at column 37.
        let mut width = 0;
        let mut chars = line.chars().peekable();
        while width < 37 {
            width += unicode_width::UnicodeWidthChar::width(chars.next().unwrap()).unwrap_or(0);
        }
        assert_eq!(width, 37, "{line}");
        assert!(chars.peek().is_some_and(|c| *c != ' '), "the value starts at column 37: {line:?}");
    }
    // (The files' names are what they are.)
    let words: String = table.lines().filter(|l| !l.contains("summary.json")).collect();
    for english in ["median", "CI", "percentile", "runs", "Files", "takeoff", "people", "seed"] {
        assert!(!words.contains(english), "{english:?} in the Chinese table:\n{table}");
    }
    let err = String::from_utf8(out.stderr).unwrap();
    let daily = fs::read_to_string(dir.path().join("o/daily.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(daily.as_bytes());
    let header = rows.headers().unwrap().clone();
    let last = rows.records().last().unwrap().unwrap();
    let new_mean: f64 = last[header.iter().position(|h| h == "new_mean").unwrap()].parse().unwrap();
    assert!(new_mean > 1.0, "still spreading on the last day");
    let said = format!("{new_mean:.1} people a day were still joining on the last day");
    assert!(err.contains(&said), "{said:?} in:\n{err}");
}

/// Issue 26: results.xlsx reopens with the values of summary.json and of the CSVs, its
/// sheets named in the report's language, and is the same on 1 and 2 threads.
#[test]
fn the_workbook_reopens_with_the_same_values() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let dir = tempfile::tempdir().unwrap();
    let s = write(
        dir.path(),
        "s.toml",
        &format!("{SMALL}[budget]\ntotal = 5000\n[rewards]\nper_referral = 2\ninvitee = 1\ntiers = [[2, 10]]\n"),
    );
    for (out, threads) in [("a", "1"), ("b", "2")] {
        fission()
            .arg("run")
            .arg(&s)
            .args(["--quiet", "--threads", threads, "--out"])
            .arg(dir.path().join(out))
            .assert()
            .success();
    }
    let a = dir.path().join("a");
    assert_eq!(fs::read(a.join("results.xlsx")).unwrap(), fs::read(dir.path().join("b/results.xlsx")).unwrap());
    let mut wb: Xlsx<_> = open_workbook(a.join("results.xlsx")).unwrap();
    assert_eq!(wb.sheet_names(), ["summary", "daily", "generations", "runs", "trees", "cost", "channels", "scenario"]);
    let summary: serde_json::Value = serde_json::from_slice(&fs::read(a.join("summary.json")).unwrap()).unwrap();
    let sheet = wb.worksheet_range("summary").unwrap();
    let number = |r: &calamine::Range<Data>, row: u32, col: u32| match r.get_value((row, col)) {
        Some(Data::Float(x)) => *x,
        Some(Data::Int(x)) => *x as f64,
        other => panic!("({row}, {col}): {other:?}"),
    };
    let k = &summary["viral_coefficient"];
    assert_eq!(sheet.get_value((1, 0)), Some(&Data::String("Viral coefficient K".into())));
    for (col, key) in [(1, "mean"), (2, "ci_low"), (3, "ci_high")] {
        assert_eq!(number(&sheet, 1, col), k[key].as_f64().unwrap(), "K {key}");
    }
    assert_eq!(number(&sheet, 3, 1), summary["reach"]["p50"].as_f64().unwrap());
    assert_eq!(number(&sheet, 4, 1), summary["takeoff_probability"]["probability"].as_f64().unwrap());
    // The daily sheet is daily.csv cell for cell.
    let daily = fs::read_to_string(a.join("daily.csv")).unwrap();
    let mut csv = csv::Reader::from_reader(daily.as_bytes());
    let header: Vec<String> = csv.headers().unwrap().iter().map(String::from).collect();
    let sheet = wb.worksheet_range("daily").unwrap();
    for (c, h) in header.iter().enumerate() {
        assert_eq!(sheet.get_value((0, c as u32)), Some(&Data::String(h.clone())));
    }
    for (r, record) in csv.records().enumerate() {
        for (c, cell) in record.unwrap().iter().enumerate() {
            let at = (r as u32 + 1, c as u32);
            match cell.parse::<f64>() {
                Ok(x) => assert_eq!(number(&sheet, at.0, at.1), x, "daily {at:?}"),
                Err(_) => assert!(matches!(sheet.get_value(at), None | Some(Data::Empty)), "daily {at:?}"),
            }
        }
    }
    // The cost sheet: the summary's cost figures, the rewards by recipient adding up to
    // the rewards paid, and the spend by day as daily.csv has it.
    let cost = wb.worksheet_range("cost").unwrap();
    let c = &summary["cost"];
    for (col, key) in [(1, "mean"), (2, "ci_low"), (3, "ci_high"), (4, "p05"), (5, "p50"), (6, "p95"), (7, "max")] {
        assert_eq!(number(&cost, 1, col), c["total"][key].as_f64().unwrap(), "total {key}");
    }
    let by = &c["rewards_by_recipient"];
    let mut parts = 0.0;
    for (row, who) in [(3, "participants"), (4, "referrers"), (5, "tier_prizes")] {
        assert_eq!(number(&cost, row, 1), by[who]["mean"].as_f64().unwrap(), "{who}");
        assert!(by[who]["mean"].as_f64().unwrap() > 0.0, "{who}: the scenario pays each recipient");
        parts += number(&cost, row, 1);
    }
    let paid = c["rewards_paid"]["mean"].as_f64().unwrap();
    assert!((parts - paid).abs() <= 1e-9 * paid, "parts {parts} against {paid}");
    let start = (0..200).find(|&r| cost.get_value((r, 0)) == Some(&Data::String("day".into()))).unwrap() + 1;
    let mut csv = csv::Reader::from_reader(daily.as_bytes());
    let col = csv.headers().unwrap().iter().position(|h| h == "cumulative_cost_mean").unwrap();
    for (r, record) in csv.records().enumerate() {
        let want: f64 = record.unwrap()[col].parse().unwrap();
        assert_eq!(number(&cost, start + r as u32, 2), want, "cost so far on day {r}");
    }
    // A Chinese report: sheets and headers in Chinese.
    let zh = write(dir.path(), "zh.toml", &format!("{SMALL}[report]\nlanguage = \"zh\"\n"));
    fission().arg("run").arg(&zh).args(["--quiet", "--out"]).arg(dir.path().join("zh")).assert().success();
    let mut wb: Xlsx<_> = open_workbook(dir.path().join("zh/results.xlsx")).unwrap();
    assert_eq!(wb.sheet_names()[0], "摘要");
    let daily = wb.worksheet_range("每日").unwrap();
    assert_eq!(daily.get_value((0, 1)), Some(&Data::String("累计参与人数 (均值)".into())));
}
