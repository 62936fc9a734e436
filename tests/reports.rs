//! report.html of `compare` and `sweep`, and `fission report OUTPUT_DIR` (issue 26):
//! every number on a page is its JSON's, the verdicts follow the figures, and the page
//! made again from the folder's files is byte for byte the one the command wrote.

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn fission() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fission"))
}

const SMALL: &str = "name = \"small\"\n[graph]\nkind = \"erdos-renyi\"\nnodes = 2000\nmean_degree = 8\n\
                     [seeding]\ncount = 5\n[campaign]\nfun = 0.6\n[simulation]\nruns = 60\ndays = 15\nrng_seed = 3\n";

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(path).unwrap()).unwrap()
}

/// The value at a dotted key, list items by their index.
fn at<'v>(root: &'v serde_json::Value, key: &str) -> &'v serde_json::Value {
    key.split('.').fold(root, |v, k| match k.parse::<usize>() {
        Ok(i) if v.is_array() => &v[i],
        _ => &v[k],
    })
}

/// Checks every tagged number of `html` against `data` (its exact value at its key, and
/// what the page shows at the stated decimals); the number checked.
fn check_numbers(html: &str, data: &serde_json::Value, what: &str) -> usize {
    assert!(!html.contains("http://") && !html.contains("https://"), "{what}: no external requests");
    assert_eq!(html.matches("<img ").count(), html.matches("src=\"data:image/png;base64,").count(), "{what}");
    let mut checked = 0;
    for piece in html.split("<span class=\"num\" ").skip(1) {
        let attr = |name: &str| piece.split(&format!("{name}=\"")).nth(1).unwrap().split('"').next().unwrap();
        let (key, value) = (attr("data-key"), attr("data-value"));
        let decimals: i32 = attr("data-decimals").parse().unwrap();
        let percent = attr("data-percent") == "true";
        let shown = piece.split('>').nth(1).unwrap().split('<').next().unwrap();
        let want = at(data, key).as_f64().unwrap_or_else(|| panic!("{what}: {key} is not a number in the JSON"));
        let got: f64 = value.parse().unwrap();
        assert_eq!(want, got, "{what}: {key}");
        let x = got * if percent { 100.0 } else { 1.0 };
        let read: f64 = shown.replace([',', '%'], "").replace('−', "-").parse().unwrap();
        assert!((read - x).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9, "{what}: {key} shows {shown} for {x}");
        checked += 1;
    }
    checked
}

/// `fission report` on `dir` makes the same report.html, and leaves the manifest as
/// it was.
fn remade_identically(dir: &Path) {
    let (page, manifest) = (fs::read(dir.join("report.html")).unwrap(), fs::read(dir.join("manifest.json")).ok());
    fs::remove_file(dir.join("report.html")).unwrap();
    // (A run's or a comparison's set, missing its page, is made whole again; a sweep's
    // folder has no manifest.)
    fission().arg("report").arg(dir).assert().success();
    assert!(fs::read(dir.join("report.html")).unwrap() == page, "{}: report.html differs", dir.display());
    assert_eq!(fs::read(dir.join("manifest.json")).ok(), manifest, "{}: manifest", dir.display());
}

#[test]
fn a_comparisons_page_shows_its_numbers_and_picks_the_clearly_better_design() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", SMALL);
    let b = write(
        dir.path(),
        "b.toml",
        &SMALL.replace("fun = 0.6", "fun = 0.9\nreward = 30").replace("\"small\"", "\"fun\""),
    );
    let out = dir.path().join("ab");
    fission()
        .arg("compare")
        .arg(&a)
        .arg(&b)
        .args(["--set", "goal.reach=10", "--set", "goal.by_day=15", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let data = json(&out.join("compare.json"));
    assert!(check_numbers(&html, &data, "compare") >= 30);
    assert_eq!(html.matches("<img ").count(), 3);
    // The verdict follows the paired difference in P(goal) (the objective with a goal).
    let d = &data["differences"][0]["p_goal"];
    assert!(d["ci_low"].as_f64().unwrap() > 0.0, "the test's designs should differ clearly: {d}");
    assert!(html.contains("Choose fun: it meets the goal in"), "{html}");
    assert!(html.contains("data-key=\"differences.0.p_goal.mean\""));
    // What differs between the two files, by key.
    assert!(html.contains("<code>campaign.fun</code></td><td>0.6</td><td>0.9</td>"), "{html}");
    remade_identically(&out);

    // A design against itself: no difference, keep the first.
    let out = dir.path().join("aa");
    fission().arg("compare").arg(&a).arg(&a).args(["--quiet", "--out"]).arg(&out).assert().success();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Keep small: no other design reaches more people on average."), "{html}");
    assert!(html.contains("The scenarios are the same but for their names."));
    check_numbers(&html, &json(&out.join("compare.json")), "compare a a");
}

#[test]
fn a_sweeps_page_states_the_tipping_point_or_that_there_is_none_and_waits_when_unfinished() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", &format!("{SMALL}[report]\nlanguage = \"zh\"\n"));
    let out = dir.path().join("sweep");
    let sweep = |extra: &[&str]| {
        let o = fission()
            .arg("sweep")
            .arg(&s)
            .args(["--vary", "campaign.fun=0.1:0.9:0.2", "--runs", "40", "--quiet", "--out"])
            .arg(&out)
            .args(extra)
            .assert()
            .success();
        String::from_utf8(o.get_output().stdout.clone()).unwrap()
    };
    sweep(&["--max-points", "2"]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("扫描尚未完成") && !html.contains("<img "), "an unfinished sweep has no verdict or chart");
    check_numbers(&html, &json(&out.join("sweep.json")), "unfinished sweep");
    let table = sweep(&["--resume"]);
    // (The table is in the report's language too.)
    assert!(table.contains("已完成 5 / 5 个取值点") && !table.contains("points done"), "{table}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let data = json(&out.join("sweep.json"));
    assert!(check_numbers(&html, &data, "sweep") >= 5 * 7);
    assert_eq!(html.matches("<img ").count(), 1);
    assert!(html.contains("lang=\"zh-CN\"") && html.contains("参数扫描"));
    let ks: Vec<f64> = data["points"].as_array().unwrap().iter().map(|p| p["k"]["value"].as_f64().unwrap()).collect();
    if data["tipping_point"].is_null() {
        let word = if ks.iter().all(|&k| k < 1.0) { "都低于 1" } else { "都高于 1" };
        assert!(html.contains(word), "{html}");
    } else {
        assert!(html.contains("data-key=\"tipping_point.value\"") && html.contains("处达到 1"), "{html}");
        assert!(ks.iter().any(|&k| k < 1.0) && ks.iter().any(|&k| k > 1.0), "{ks:?}");
    }
    remade_identically(&out);
}

#[test]
fn fission_report_remakes_a_runs_page_and_refuses_what_is_not_results() {
    let dir = tempfile::tempdir().unwrap();
    let s = write(dir.path(), "s.toml", SMALL);
    let out = dir.path().join("run");
    fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(&out).assert().success();
    remade_identically(&out);
    // To another file: the same page; the folder untouched.
    let elsewhere = dir.path().join("proposal/page.html");
    fission().arg("report").arg(&out).arg("--out").arg(&elsewhere).assert().success();
    assert!(fs::read(&elsewhere).unwrap() == fs::read(out.join("report.html")).unwrap());

    let fails = |path: &Path, what: &str| {
        let o = fission().arg("report").arg(path).output().unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", path.display());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(what), "{what:?} not in: {err}");
    };
    fails(&dir.path().join("nowhere"), "no such folder");
    fails(&s, "is a file, not a folder");
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    fails(&empty, "holds no summary.json, compare.json or sweep.json");
    let bad = dir.path().join("bad");
    fs::create_dir(&bad).unwrap();
    fs::write(bad.join("summary.json"), "{\n  \"schema_version\": 2,\n  oops\n}\n").unwrap();
    fails(&bad, "summary.json: line 3, column 3: not valid JSON");
    fs::write(bad.join("summary.json"), "{\"schema_version\": 99}").unwrap();
    fails(&bad, "schema_version 99 was written by a newer fission");
    assert!(!bad.join("report.html").exists() && !empty.join("report.html").exists());
}

/// The channels' answer of a run's page: a campaign with its own groups and one with an
/// official account, their figures the summary's.
#[test]
fn a_runs_page_says_where_participants_come_from_groups_and_followers() {
    let dir = tempfile::tempdir().unwrap();
    for (name, words) in [
        ("group-fission", ["Where new participants come from", "group chats", "groups of at most"]),
        ("official-account-content", ["Where new participants come from", "official-account pushes", "unfollows over"]),
    ] {
        let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"));
        let out = dir.path().join(name);
        fission()
            .arg("run")
            .arg(&scenario)
            .args(["--runs", "40", "--set", "report.language=en", "--quiet", "--out"])
            .arg(&out)
            .assert()
            .success();
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        for w in words {
            assert!(html.contains(w), "{name}: {w:?} missing");
        }
        assert!(check_numbers(&html, &json(&out.join("summary.json")), name) >= 30);
    }
}

/// A run's report.html: its numbers are summary.json's (parsed back from the page), in
/// English with a budget, ROI and a goal, and in Chinese.
#[test]
fn the_reports_numbers_are_the_summarys() {
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("en", "[budget]\ntotal = 400\nvalue_per_participant = 8\n[goal]\nreach = 100\nby_day = 10\n"),
        ("zh", "[report]\nlanguage = \"zh\"\n"),
    ] {
        let s = write(dir.path(), &format!("{name}.toml"), &format!("{SMALL}{extra}"));
        let out = dir.path().join(name);
        fission().arg("run").arg(&s).args(["--quiet", "--out"]).arg(&out).assert().success();
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        let checked = check_numbers(&html, &json(&out.join("summary.json")), name);
        assert!(checked >= 20, "{name}: {checked} numbers");
        if name == "en" {
            for key in
                ["cost.budget_exhausted_probability.probability", "cost.roi.mean", "goal.probability.probability"]
            {
                assert!(html.contains(&format!("data-key=\"{key}\"")), "{key}");
            }
        } else {
            assert!(html.contains("lang=\"zh-CN\"") && html.contains("能传播吗?"));
        }
    }
}

/// The planning commands' tables in a Chinese scenario are in Chinese, and the
/// comparison's columns line up by display width (a Chinese name is two columns a
/// character).
#[test]
fn the_planning_tables_speak_the_reports_language() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.toml",
        &SMALL.replace("\"small\"", "\"基准方案\"").replace("[seeding]", "[report]\nlanguage = \"zh\"\n[seeding]"),
    );
    let b = write(
        dir.path(),
        "b.toml",
        &fs::read_to_string(&a).unwrap().replace("基准方案", "更好玩的方案 B").replace("fun = 0.6", "fun = 0.9"),
    );
    let out = |args: &[&str], name: &str| {
        let o = fission().args(args).args(["--quiet", "--out"]).arg(dir.path().join(name)).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let (a_s, b_s) = (a.to_str().unwrap(), b.to_str().unwrap());
    let table = out(&["compare", a_s, b_s], "c");
    assert!(table.contains("2 个方案") && table.contains("对比") && table.contains("文件"), "{table}");
    // The K column ends at the same display column in the header and both rows.
    let ends: Vec<usize> = table
        .lines()
        .skip(1)
        .take(3)
        .map(|l| {
            let cut = l.find(')').unwrap() + 1;
            unicode_width::UnicodeWidthStr::width(&l[..cut])
        })
        .collect();
    assert!(ends.len() == 3 && ends.iter().all(|&e| e == ends[0]), "{ends:?}\n{table}");
    for english in ["designs", "runs each", "against", "Files"] {
        assert!(!table.contains(english), "{english:?} in {table}");
    }
    let table = out(&["sensitivity", a_s, "--runs", "40"], "s");
    assert!(table.contains("敏感性分析") && table.contains("基准方案") && !table.contains("runs in"), "{table}");
}
