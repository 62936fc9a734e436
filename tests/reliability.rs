//! Issue 22: what an outside reliability audit broke. Tiny probabilities, huge
//! degrees and many blocks; the refusal before building; outputs written all or
//! nothing, one writer at a time; messages for bad input; `check > resolved.toml`.

use assert_cmd::Command;
use fission::scenario::Scenario;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fission() -> Command {
    Command::new(env!("CARGO_BIN_EXE_fission"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn stderr(assert: assert_cmd::assert::Assert) -> String {
    String::from_utf8(assert.get_output().stderr.clone()).unwrap()
}

fn scenario(text: &str) -> Scenario {
    Scenario::from_toml_str(text, "t.toml", Path::new(".")).unwrap()
}

fn problems(text: &str) -> String {
    Scenario::from_toml_str(text, "t.toml", Path::new(".")).unwrap_err().to_string()
}

#[test]
fn issue_22_a_tiny_edge_probability_keeps_almost_no_pair() {
    // p = 1e-17 once acted as 1 (ln(1 − p) = 0): 49,990,002 edges.
    let er = scenario("[graph]\nkind = \"erdos-renyi\"\nnodes = 10000\nmean_degree = 1e-13\n");
    assert_eq!(er.build_graph().unwrap().edge_count(), 0);
    // The skip path stays exact for small p that rustworkx-core kept only roughly:
    // 200,000 people with p = 5e-7 have 19,999,900,000 pairs, so a Poisson number of
    // edges with mean 9,999.95 (standard deviation 100).
    let er = scenario("[graph]\nkind = \"erdos-renyi\"\nnodes = 200000\nmean_degree = 0.0999995\n");
    let edges = er.build_graph().unwrap().edge_count() as f64;
    assert!((edges - 9999.95).abs() <= 4.0 * 9999.95f64.sqrt(), "{edges} edges");
    // The block model's tiny degrees: no tie at all.
    let sbm = scenario(
        "[graph]\nkind = \"stochastic-block\"\nnodes = 10000\nblocks = 4\nwithin_degree = 1e-20\nbetween_degree = 1e-20\n",
    );
    assert_eq!(sbm.build_graph().unwrap().edge_count(), 0);
}

#[test]
fn issue_22_a_tiny_invitation_probability_reaches_nobody() {
    let base = "[graph]\nkind = \"erdos-renyi\"\nnodes = 2000\nmean_degree = 10\n[seeding]\ncount = 5\n\
                [simulation]\nruns = 50\ndays = 20\n";
    for extra in [
        "[model]\nkind = \"independent-cascade\"\nprobability = 1e-20\n",
        "[channels.direct]\ninvites_per_sharer = 0\n[channels.moments]\nreach = 1e-17\n\
         [behaviour]\nactive_invites_per_sharer = 0\nactive_moments_reach = 1e-17\n",
    ] {
        let s = scenario(&format!("{base}{extra}"));
        let graph = s.build_graph().unwrap();
        let config = s.run_config(s.resolve_seeding(&graph).unwrap());
        let ensemble = fission::engine::run_ensemble(&graph, &config, &|_| {}).unwrap();
        // Each run: the 5 seeds only (the chance of any success is below 1e-12).
        assert!(ensemble.outcomes.iter().all(|o| o.reach == 5), "{extra}");
    }
}

#[test]
fn issue_22_many_blocks_build_in_linear_time_with_the_expected_ties() {
    // 100,000 blocks of 2: walking every pair of blocks (5e9) would not finish; each
    // pair of people in other blocks is kept with p_out = 2 / (n − n/B), so the ties
    // between blocks are binomial with mean n = 200,000 (sd 447), and every block's one
    // pair is kept (p_in = 1 / (2 − 1)).
    let started = Instant::now();
    let sbm = scenario(
        "[graph]\nkind = \"stochastic-block\"\nnodes = 200000\nblocks = 100000\nwithin_degree = 1\nbetween_degree = 2\n",
    );
    let g = sbm.build_graph().unwrap();
    let within = (0..100_000u32).filter(|b| g.neighbours(fission::graph::NodeId(2 * b)).contains(&(2 * b + 1))).count();
    assert_eq!(within, 100_000);
    let between = g.edge_count() as f64 - within as f64;
    assert!((between - 200_000.0).abs() <= 4.0 * 200_000f64.sqrt(), "{between} ties between blocks");
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[test]
fn issue_22_impossible_graphs_are_clear_errors_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    // between_degree = 1e308 overflowed a capacity (exit 101).
    let s = write(
        dir.path(),
        "huge.toml",
        "[graph]\nkind = \"stochastic-block\"\nnodes = 4\nblocks = 2\nbetween_degree = 1e308\n",
    );
    for command in ["check", "run"] {
        let err = stderr(fission().current_dir(dir.path()).arg(command).arg(&s).assert().code(2));
        assert!(
            err.contains("huge.toml:5: graph.between_degree: graph.between_degree = 1e308: must be in [0, 2]"),
            "{err}"
        );
    }
    // An odd degree sum silently lost a stub; sizes summing to 2^64 wrapped to 0.
    let p = problems("[graph]\nkind = \"configuration\"\ndegrees = [1, 1, 1]\n");
    assert!(p.contains("t.toml:3: graph.degrees: graph.degrees add up to 3, an odd number"), "{p}");
    let p =
        problems("[graph]\nkind = \"stochastic-block\"\nblock_sizes = [9223372036854775807, 9223372036854775807, 2]\n");
    assert!(p.contains("graph.block_sizes add up to 2^64 or more: at most 2000000000 people"), "{p}");
    let p = problems("[graph]\nkind = \"stochastic-block\"\nblock_sizes = [1500000000, 1500000000]\n");
    assert!(p.contains("graph.block_sizes add up to 3000000000: at most 2000000000 people"), "{p}");
    // One block has no other block to befriend.
    let p = problems("[graph]\nkind = \"stochastic-block\"\nnodes = 100\nblocks = 1\nbetween_degree = 3\n");
    assert!(p.contains("must be in [0, 0]"), "{p}");
}

/// Runs `fission` under an address-space limit (`ulimit -v`, in kB).
#[cfg(target_os = "linux")]
fn under_ulimit(kb: u64, args: &str, dir: &Path) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kb} && exec \"$0\" {args}"))
        .arg(env!("CARGO_BIN_EXE_fission"))
        .current_dir(dir)
        .output()
        .unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn issue_22_an_address_space_limit_is_a_clear_refusal_by_check_and_run() {
    let dir = tempfile::tempdir().unwrap();
    // 10 million people: about 2.2 GB to build, far above a 600 MB limit.
    write(
        dir.path(),
        "big.toml",
        "[graph]\nkind = \"erdos-renyi\"\nnodes = 10000000\nmean_degree = 10\n[simulation]\nruns = 10\ndays = 5\n",
    );
    for command in ["check big.toml", "run big.toml --threads 1 --quiet"] {
        let out = under_ulimit(600_000, command, dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {err}");
        assert!(err.contains("under the address-space limit (ulimit -v)"), "{command}: {err}");
        assert!(!command.starts_with("check") || err.contains("`fission run` would refuse it"), "{err}");
    }
    // Refused before anything was created.
    assert!(!dir.path().join("output/big").exists());
    // A small scenario still runs under the same limit.
    write(dir.path(), "small.toml", "[graph]\nkind = \"erdos-renyi\"\nnodes = 1000\nmean_degree = 5\n");
    let out = under_ulimit(600_000, "run small.toml --threads 1 --quiet", dir.path());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn issue_22_an_edge_list_with_an_atypical_beginning_is_sized_from_all_of_it() {
    // 10 MB of comment lines first (an export's long preamble), then 2 million short
    // lines (about 22 MB). The first 8 MB, all comments, estimated no line at all.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edges.txt");
    let mut text = String::with_capacity(40 << 20);
    let comment = format!("# {}\n", "x".repeat(1000));
    while text.len() < 10 << 20 {
        text.push_str(&comment);
    }
    let lines = 2_000_000u64;
    for i in 0..lines {
        text.push_str(&format!("{} {}\n", i % 100_000, (i * 7919) % 100_000));
    }
    fs::write(&path, &text).unwrap();
    let size = fission::graph::load::estimate_edge_list(&path, fission::graph::load::IdFormat::Integer).unwrap();
    // 16 parts spread over the file: the comment region is sampled in proportion.
    assert!((size.lines / lines as f64 - 1.0).abs() < 0.15, "{size:?}");
}

#[test]
fn issue_22_an_edge_list_larger_than_its_budget_stops_while_read() {
    use fission::graph::load::{EdgeListOptions, IdFormat, read_edge_list_within};
    let text: String = (0..100_000u64).map(|i| format!("{i} {}\n", i + 1)).collect();
    let options = EdgeListOptions { directed: false, weight_column: false, ids: IdFormat::Integer };
    let err = read_edge_list_within(text.as_bytes(), options, Some(1e6)).unwrap_err().to_string();
    assert!(err.contains("the edge list already needs about") && err.contains("lines and"), "{err}");
    assert!(read_edge_list_within(text.as_bytes(), options, Some(1e9)).is_ok());
}

/// The output set in `dir` is complete: every file its manifest lists is there with
/// its size, and nothing else.
fn assert_complete_set(dir: &Path) {
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let files = manifest["files"].as_array().unwrap();
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let mut listed: Vec<String> = files.iter().map(|f| f["name"].as_str().unwrap().to_string()).collect();
    listed.push("manifest.json".into());
    listed.sort();
    assert_eq!(names, listed);
    for f in files {
        let len = fs::metadata(dir.join(f["name"].as_str().unwrap())).unwrap().len();
        assert_eq!(len, f["bytes"].as_u64().unwrap(), "{f}");
    }
}

/// The Qixi example: a viral campaign whose runs take about a second in all.
const QIXI: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/qixi-minigame.toml");

#[test]
fn issue_22_a_killed_run_leaves_the_earlier_set_or_the_new_one_never_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let s = PathBuf::from(QIXI);
    let out = dir.path().join("out");
    let run = ["--quiet", "--runs", "1000", "--out"];
    fission().arg("run").arg(&s).args(run).arg(&out).args(["--seed", "1"]).assert().success();
    let first = fs::read(out.join("summary.json")).unwrap();
    // Kill runs with another seed at spread moments (0 to 1.2 times a whole run): during
    // the simulation, while writing, after. Each time the folder holds one complete set.
    let started = Instant::now();
    fission().arg("run").arg(&s).args(run).arg(dir.path().join("timing")).args(["--seed", "2"]).assert().success();
    let whole = started.elapsed();
    let mut kept = [0; 2];
    for i in 0..12u32 {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_fission"))
            .arg("run")
            .arg(&s)
            .args(run)
            .arg(&out)
            .args(["--seed", "2"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // The last one is left to finish, so both sets are seen.
        std::thread::sleep(whole.mul_f64(0.12 * i as f64));
        if i < 11 {
            let _ = child.kill();
        }
        let _ = child.wait();
        assert_complete_set(&out);
        let now = fs::read(out.join("summary.json")).unwrap();
        let new = fs::read(dir.path().join("timing/summary.json")).unwrap();
        assert!(now == first || now == new, "kill {i}: the summary is neither the earlier set's nor the new one's");
        // Count which set each kill left: both must be seen for the test to mean much.
        kept[usize::from(now == new)] += 1;
    }
    assert!(kept[0] > 0 && kept[1] > 0, "earlier set kept {} times, new set {} times", kept[0], kept[1]);
    // The next complete run cleans what the killed ones left beside the folder.
    fission().arg("run").arg(&s).args(run).arg(&out).args(["--seed", "1"]).assert().success();
    assert_complete_set(&out);
    let mut beside: Vec<String> =
        fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    beside.sort();
    assert_eq!(beside, ["out", "timing"]);
}

#[test]
fn issue_22_a_second_run_into_the_same_folder_is_refused_while_the_first_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut first = std::process::Command::new(env!("CARGO_BIN_EXE_fission"))
        .arg("run")
        .arg(QIXI)
        .args(["--quiet", "--runs", "6000", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The lock is taken once the graph is built, before the runs.
    let lock = dir.path().join(".out.lock");
    let waiting = Instant::now();
    while !lock.exists() && waiting.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let err = stderr(fission().arg("run").arg(QIXI).args(["--quiet", "--out"]).arg(&out).assert().code(1));
    assert!(err.contains("is being written by another fission run"), "{err}");
    assert!(first.wait().unwrap().success());
    assert_complete_set(&out);
    assert!(!lock.exists());
}

#[test]
fn issue_22_a_refused_run_creates_no_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "edges.txt", "1 2\n2 3\n");
    write(dir.path(), "seeds.txt", "99\n");
    write(
        dir.path(),
        "s.toml",
        "[graph]\nkind = \"edge-list\"\npath = \"edges.txt\"\n[seeding]\nfile = \"seeds.txt\"\n",
    );
    fission().current_dir(dir.path()).args(["run", "s.toml"]).assert().code(2);
    assert!(!dir.path().join("output/s").exists());
}

#[test]
fn issue_22_edge_list_messages_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        |ids: &str| format!("[graph]\nkind = \"edge-list\"\npath = \"e.csv\"\nids = \"{ids}\"\n[seeding]\ncount = 1\n");
    // A header row without # became two people called "inviter" and "invitee".
    write(dir.path(), "e.csv", "inviter,invitee\nalice,bob\nbob,carol\n");
    for ids in ["text", "integer"] {
        let s = write(dir.path(), "s.toml", &scenario(ids));
        let err = stderr(fission().arg("check").arg(&s).assert().code(2));
        assert!(err.contains("line 1: looks like a header row (\"inviter\", \"invitee\")"), "{ids}: {err}");
        assert!(err.contains("start it with #"), "{err}");
    }
    write(dir.path(), "e.csv", "邀请人,被邀请人\n1,2\n");
    let s = write(dir.path(), "s.toml", &scenario("integer"));
    let err = stderr(fission().arg("check").arg(&s).assert().code(2));
    assert!(err.contains("looks like a header row"), "{err}");
    // Excel's "CSV UTF-8" byte-order mark is read past, on integer and text ids.
    fs::write(dir.path().join("e.csv"), b"\xEF\xBB\xBF1,2\n2,3\n").unwrap();
    for ids in ["text", "integer"] {
        let s = write(dir.path(), "s.toml", &scenario(ids));
        let out = fission().arg("check").arg(&s).assert().success();
        assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("# graph: 3 people, 2 edges"));
    }
    // Ids like user1, user2 are people, not a header.
    write(dir.path(), "e.csv", "user1,user2\nuser2,user3\n");
    let s = write(dir.path(), "s.toml", &scenario("text"));
    fission().arg("check").arg(&s).assert().success();
    // An empty path names the file, line and key.
    let s = write(dir.path(), "s.toml", "[graph]\nkind = \"edge-list\"\npath = \"\"\n");
    let err = stderr(fission().arg("check").arg(&s).assert().code(2));
    assert!(err.contains("s.toml:3: graph.path: graph.path is empty"), "{err}");
    // A chart path under a file is the user's to fix.
    let file = write(dir.path(), "a-file", "x");
    let err = stderr(
        fission()
            .arg("graph")
            .arg(dir.path().join("e.csv"))
            .arg("--text-ids")
            .arg("--chart")
            .arg(file.join("x"))
            .assert()
            .code(2),
    );
    assert!(err.contains("a-file is a file, not a folder"), "{err}");
}

#[test]
fn issue_22_scenario_messages_name_the_section_and_not_internal_types() {
    let p = problems(
        "[graph]\nkind = \"erdos-renyi\"\nnodes = 100\nmean_degree = 3\n[bogus]\na = 1\n[simulation]\nrunz = 3\n",
    );
    assert!(p.contains("t.toml:5: bogus: unknown section `bogus`, expected one of"), "{p}");
    // The section is skipped and parsing goes on: the later problem is reported too.
    assert!(p.contains("t.toml:8: simulation.runz: unknown field `runz`"), "{p}");
    let p = problems("graph = \"x\"\n");
    assert!(p.contains("t.toml:1: graph: invalid type: string \"x\", expected a table"), "{p}");
    assert!(!p.contains("Raw") && !p.contains("section is missing"), "{p}");
}

#[test]
fn issue_22_check_prints_a_scenario_that_runs_from_any_folder() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir_all(project.join("data")).unwrap();
    fs::create_dir_all(&elsewhere).unwrap();
    write(&project, "data/edges.txt", "1 2\n2 3\n3 4\n4 1\n");
    write(&project, "data/seeds.txt", "1\n");
    write(
        &project,
        "s.toml",
        "[graph]\nkind = \"edge-list\"\npath = \"data/edges.txt\"\n[seeding]\nfile = \"data/seeds.txt\"\n\
         [simulation]\nruns = 5\n",
    );
    let out = fission().current_dir(&project).args(["check", "s.toml"]).assert().success();
    write(&elsewhere, "resolved.toml", &String::from_utf8_lossy(&out.get_output().stdout));
    fission()
        .current_dir(&elsewhere)
        .args(["run", "resolved.toml", "--quiet"])
        .assert()
        .success()
        .stdout(predicates::str::contains("1 seed user"));
}
