use super::*;

fn parse(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml_str(text, "t.toml", Path::new("."))
}

fn problems(text: &str) -> Vec<Problem> {
    match parse(text) {
        Err(ScenarioError::Invalid { problems, .. }) => problems,
        other => panic!("expected problems, got {other:?}"),
    }
}

const MINIMAL: &str = "[graph]\nkind = \"erdos-renyi\"\nnodes = 100\nmean_degree = 5\n";

#[test]
fn minimal_file_gets_documented_defaults() {
    let s = parse(MINIMAL).unwrap();
    assert_eq!(s.name, "t");
    assert_eq!(s.simulation.runs, 1000);
    assert_eq!(s.simulation.days, 30);
    assert_eq!(s.simulation.rng_seed, 42);
    assert_eq!(s.seeding, SeedingSpec::Random(10));
    match s.behaviour {
        Behaviour::Campaign { levers, .. } => assert_eq!(levers, Levers::default()),
        _ => panic!("campaign is the default model"),
    }
}

#[test]
fn every_problem_is_reported_at_once_with_line_and_key() {
    let text = "name = \"x\"\n[graph]\nkind = \"erdos-renyi\"\nnodes = 100\nmean_degree = 5\n\
                [campaign]\nthreshold = 1.4\np_shaer = 0.08\ncomplexity = \"many\"\nfun = -1\n\
                [simulation]\nruns = 0\n";
    let p = problems(text);
    let find = |key: &str| p.iter().find(|x| x.key == key).unwrap_or_else(|| panic!("no problem for {key}: {p:?}"));
    assert_eq!(find("campaign.threshold").line, Some(7));
    assert!(find("campaign.threshold").message.contains("must be in [0, 1]"));
    assert_eq!(find("campaign.p_shaer").line, Some(8));
    assert!(find("campaign.p_shaer").message.contains("unknown field"));
    assert!(find("campaign.p_shaer").message.contains("threshold"), "lists accepted keys");
    assert_eq!(find("campaign.complexity").line, Some(9));
    assert!(find("campaign.complexity").message.contains("invalid type"));
    assert!(find("campaign.complexity").message.contains("from 1 to 20"));
    assert_eq!(find("campaign.fun").line, Some(10));
    assert_eq!(find("simulation.runs").line, Some(12));
    assert_eq!(p.len(), 5);
    let shown = parse(text).unwrap_err().to_string();
    assert!(shown.contains("t.toml:7: campaign.threshold: campaign.threshold = 1.4: must be in [0, 1]"), "{shown}");
}

#[test]
fn graph_keys_must_fit_the_kind() {
    let p = problems("[graph]\nkind = \"erdos-renyi\"\nnodes = 100\nmean_degree = 5\nm = 3\n");
    assert_eq!(p[0].key, "graph.m");
    assert_eq!(p[0].line, Some(5));
    assert!(p[0].message.contains("not used by kind erdos-renyi"));
    let p = problems("[graph]\nkind = \"barabasi\"\nnodes = 100\n");
    assert!(p[0].message.contains("must be one of erdos-renyi"), "{p:?}");
    let p = problems("[graph]\nkind = \"barabasi-albert\"\nnodes = 100\n");
    assert_eq!(p[0].key, "graph.m");
    assert!(p[0].message.contains("missing"));
    let p = problems("[graph]\nkind = \"watts-strogatz\"\nnodes = 100\nk = 5\n");
    assert!(p.iter().any(|x| x.key == "graph.k" && x.message.contains("even")));
    let p = problems("[graph]\nkind = \"erdos-renyi\"\nnodes = 10\nmean_degree = 50\n");
    assert!(p[0].message.contains("must be in [0, 9]"), "{p:?}");
}

#[test]
fn missing_graph_and_syntax_errors_are_reported() {
    let p = problems("name = \"x\"\n");
    assert_eq!(p[0].key, "graph");
    let p = problems("[graph\nkind = 1\n");
    assert_eq!(p[0].key, "syntax");
    assert_eq!(p[0].line, Some(1));
}

#[test]
fn seeding_and_model_rules() {
    let p = problems(&format!("{MINIMAL}[seeding]\ncount = 101\n"));
    assert!(p[0].message.contains("from 1 to 100"), "{p:?}");
    let p = problems(&format!("{MINIMAL}[model]\nkind = \"independent-cascade\"\n"));
    assert_eq!(p[0].key, "model.probability");
    let p = problems(&format!("{MINIMAL}[model]\nkind = \"independent-cascade\"\nprobability = 1.5\n"));
    assert!(p[0].message.contains("must be in [0, 1]"));
    let p = problems(&format!("{MINIMAL}[model]\nprobability = 0.5\n"));
    assert!(p[0].message.contains("not used by kind campaign"));
    let p = problems(&format!("{MINIMAL}[seeding]\nnodes = [1, 1]\n"));
    assert!(p[0].message.contains("more than once"));
    let p = problems(&format!("{MINIMAL}[campaign]\ncycle_time_distribution = \"fixed\"\ncycle_time_days = 1.5\n"));
    assert!(p[0].message.contains("whole number"));
    let p = problems(&format!("{MINIMAL}[behaviour]\njoin_threshold = -1\n"));
    assert!(p[0].message.contains(">= 0 keeps every lever"), "{p:?}");
}

#[test]
fn overrides_win_and_are_checked() {
    let s = Scenario::from_toml_str_with(
        MINIMAL,
        "t.toml",
        Path::new("."),
        &Overrides { runs: Some(7), rng_seed: Some(9), ..Default::default() },
    )
    .unwrap();
    assert_eq!((s.simulation.runs, s.simulation.rng_seed), (7, 9));
    let e = Scenario::from_toml_str_with(
        MINIMAL,
        "t.toml",
        Path::new("."),
        &Overrides { runs: Some(0), rng_seed: None, ..Default::default() },
    );
    assert!(e.unwrap_err().to_string().contains("--runs 0"));
}

#[test]
fn resolved_scenario_round_trips() {
    let texts = [
        MINIMAL.to_string(),
        "name = \"七夕\"\n[graph]\nkind = \"stochastic-block\"\nblocks = 4\nnodes = 400\nwithin_degree = 6\n[seeding]\nstrategy = \"highest-degree\"\ncount = 3\n[campaign]\nreward = 20\ncycle_time_distribution = \"fixed\"\ncycle_time_days = 2\n[channels.moments]\nenabled = false\n[report]\nlanguage = \"zh\"\n".to_string(),
        "[graph]\nkind = \"configuration\"\nnodes = 300\nexponent = 2.3\n[model]\nkind = \"independent-cascade\"\nprobability = 0.2\n".to_string(),
        "[graph]\nkind = \"watts-strogatz\"\nnodes = 300\nk = 6\nrng_seed = 5\n[seeding]\nnodes = [1, 2]\n".to_string(),
        "[graph]\nkind = \"erdos-renyi\"\nnodes = 300\nmean_degree = 6\n[seeding]\nstrategy = \"influence-max\"\nselection_model = \"linear-threshold\"\nepsilon = 0.2\ncost_per_seed = 3\ncost_per_friend = 0.5\nbudget = 60\n".to_string(),
        "[graph]\nkind = \"erdos-renyi\"\nnodes = 300\nmean_degree = 6\n[seeding]\nstrategy = \"degree-discount\"\ncount = 4\nselection_probability = 0.05\n".to_string(),
    ];
    for text in texts {
        let s = parse(&text).unwrap();
        let again = parse(&s.to_resolved_toml()).unwrap_or_else(|e| panic!("{e}\n{}", s.to_resolved_toml()));
        assert_eq!(s.to_resolved_toml(), again.to_resolved_toml());
        assert_eq!(s.behaviour, again.behaviour);
        assert_eq!(s.graph, again.graph);
        assert_eq!(s.graph_rng_seed(), again.graph_rng_seed());
    }
}

#[test]
fn tiny_power_law_graphs_are_valid_or_rejected_never_panicking() {
    let s = parse("[graph]\nkind = \"configuration\"\nnodes = 2\nexponent = 2.5\n").unwrap();
    let g = s.build_graph().unwrap();
    assert_eq!(g.node_count(), 2);
    let p = problems("[graph]\nkind = \"configuration\"\nnodes = 5\nmin_degree = 7\n");
    assert!(p[0].message.contains("graph.min_degree = 7"), "{p:?}");
    let p = problems("[graph]\nkind = \"configuration\"\nnodes = 50\nmin_degree = 5\nmax_degree = 3\n");
    assert!(p[0].message.contains("graph.max_degree = 3"), "{p:?}");
}

#[test]
fn input_paths_say_why_they_cannot_be_read() {
    // Paths resolve against the scenario's folder, here the crate's root.
    let edge_list = |path: &str| problems(&format!("[graph]\nkind = \"edge-list\"\npath = \"{path}\"\n"));
    let p = edge_list("src");
    assert_eq!((p[0].key.as_str(), p[0].line), ("graph.path", Some(3)));
    assert!(p[0].message.contains("\"src\": is a folder, not a file"), "{p:?}");
    let p = edge_list("no-such-edges.txt");
    assert!(p[0].message.contains("no such file"), "{p:?}");
    let p = problems(&format!("{MINIMAL}[seeding]\nfile = \"scenarios\"\n"));
    assert_eq!((p[0].key.as_str(), p[0].line), ("seeding.file", Some(6)));
    assert!(p[0].message.contains("is a folder, not a file"), "{p:?}");
    #[cfg(unix)]
    {
        let p = edge_list("/dev/null");
        assert!(p[0].message.contains("is a device or a pipe, not a regular file"), "{p:?}");
    }
}

#[test]
fn block_sizes_without_a_valid_block_are_one_problem() {
    // No block: the sizes are the problem, not a degree bound derived from them.
    let sbm = "[graph]\nkind = \"stochastic-block\"\nwithin_degree = 3\nbetween_degree = 1\n";
    let p = problems(&format!("{sbm}block_sizes = []\n"));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!((p[0].key.as_str(), p[0].line), ("graph.block_sizes", Some(5)));
    // Valid blocks still bound it: the smallest has 3 people, so at most 2 friends inside.
    let p = problems(&format!("{sbm}block_sizes = [0, 3, 10]\n"));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().any(|x| x.key == "graph.within_degree" && x.message.contains("must be in [0, 2]")), "{p:?}");
}

#[test]
fn an_edge_list_is_sized_from_its_lines_before_building() {
    // ego-Facebook: 88,234 lines and 4,039 people, read in full (under the sample size).
    let s = parse(
        "[graph]\nkind = \"edge-list\"\npath = \"scenarios/data/facebook_combined.txt.gz\"\n[simulation]\nruns = 10\n",
    )
    .unwrap();
    let est = s.estimate();
    assert_eq!((est.edges, est.nodes), (88234.0, 4039.0));
    // Undirected, no weights: 16 bytes a line and 28 a person while building; the
    // frozen graph keeps two 4-byte arcs a line and 12 bytes a person.
    assert_eq!(est.graph_bytes, 88234.0 * 16.0 + 4039.0 * 28.0);
    assert_eq!(est.frozen_bytes, 88234.0 * 8.0 + 4039.0 * 12.0);
    // The peak is the building, or later the frozen graph with the workers' scratch.
    assert_eq!(est.peak_bytes(1.0), est.graph_bytes);
    let many = 1000.0;
    assert_eq!(est.peak_bytes(many), est.frozen_bytes + many * est.scratch_bytes_per_worker + est.result_bytes);
}

#[test]
fn text_ids_name_people_in_the_graph_and_the_seeds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("named.txt"), "# inviter invitee\noA oB\noB 3\n3 用户丙\n").unwrap();
    std::fs::write(dir.path().join("numbers.txt"), "10 12\n12 14\n").unwrap();
    std::fs::write(dir.path().join("seeds.txt"), "# seeds\n用户丙\n\n\"oA\"\n").unwrap();
    let parse = |text: &str| Scenario::from_toml_str(text, "t.toml", dir.path());
    let named = "[graph]\nkind = \"edge-list\"\npath = \"named.txt\"\nids = \"text\"\n";
    let seeded = |nodes: &str| {
        let s = parse(&format!("{named}[seeding]\nnodes = {nodes}\n")).unwrap();
        let g = s.build_graph().unwrap();
        s.resolve_seeding(&g).map(|seeding| match seeding {
            Seeding::Nodes { nodes } => nodes.iter().map(|&v| g.original_id(v).to_string()).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        })
    };
    // A listed integer is the text id of its digits.
    assert_eq!(seeded("[\"oB\", 3]").unwrap(), ["oB", "3"]);
    let err = seeded("[\"3\", 3]").unwrap_err().to_string();
    assert!(err.contains("node 3 is listed more than once"), "{err}");
    let err = seeded("[\"oZ\"]").unwrap_err().to_string();
    assert!(err.contains("node \"oZ\" is not in the graph"), "{err}");
    // A seeds file names them one a line.
    let s = parse(&format!("{named}[seeding]\nfile = \"seeds.txt\"\n")).unwrap();
    let g = s.build_graph().unwrap();
    let Seeding::Nodes { nodes } = s.resolve_seeding(&g).unwrap() else { panic!("nodes") };
    assert_eq!(nodes.iter().map(|&v| g.original_id(v).to_string()).collect::<Vec<_>>(), ["用户丙", "oA"]);
    // On a graph of integer ids, a listed text of digits is that integer; other text
    // cannot name anyone.
    let numbers = "[graph]\nkind = \"edge-list\"\npath = \"numbers.txt\"\n";
    let s = parse(&format!("{numbers}[seeding]\nnodes = [\"12\", 14]\n")).unwrap();
    let g = s.build_graph().unwrap();
    assert_eq!(s.resolve_seeding(&g).unwrap(), Seeding::Nodes { nodes: vec![NodeId(1), NodeId(2)] });
    let s = parse(&format!("{numbers}[seeding]\nnodes = [\"oA\"]\n")).unwrap();
    let err = s.resolve_seeding(&s.build_graph().unwrap()).unwrap_err().to_string();
    assert!(err.contains("node \"oA\" is not in the graph, whose ids are integers"), "{err}");
    // The resolved scenario keeps the ids' format and the listed ids as written.
    let s = parse(&format!("{named}[seeding]\nnodes = [\"oB\", 3]\n")).unwrap();
    let resolved = s.to_resolved_toml();
    assert!(resolved.contains("ids = \"text\"") && resolved.contains("nodes = [\"oB\", 3]"), "{resolved}");
    assert_eq!(parse(&resolved).unwrap().to_resolved_toml(), resolved);
    // Text ids are sized from their length: 4 people of 2, 2, 1 and 9 bytes (用户丙),
    // kept in the map's entries (64 bytes a person), boxed in the frozen graph.
    let est = parse(named).unwrap().estimate();
    assert_eq!((est.edges, est.nodes), (3.0, 4.0));
    assert_eq!(est.graph_bytes, 3.0 * 16.0 + 4.0 * (16.0 + 64.0));
    assert_eq!(est.frozen_bytes, 3.0 * 8.0 + 4.0 * (4.0 + 16.0 + 32.0));
}

#[test]
fn the_ids_key_is_checked() {
    let p = problems("[graph]\nkind = \"edge-list\"\npath = \"Cargo.toml\"\nids = \"names\"\n");
    assert_eq!((p[0].key.as_str(), p[0].line), ("graph.ids", Some(4)));
    assert!(p[0].message.contains("must be one of integer, text"), "{p:?}");
    let p = problems(&format!("{MINIMAL}ids = \"text\"\n"));
    assert_eq!(p[0].key, "graph.ids");
    let p = problems(&format!("{MINIMAL}[seeding]\nnodes = [-1]\n"));
    assert!(p[0].message.contains("a non-negative integer, or a string for text ids"), "{p:?}");
}

#[test]
fn issue_4_a_campaign_on_tie_strengths_counts_a_byte_per_arc() {
    // The engine keeps each arc's tie class or cell of strength (a byte) for a campaign
    // on a graph with tie strengths; not for other models, nor without strengths.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("w.txt"), "1 2 0.25\n2 3 0.5\n3 4 0.125\n").unwrap();
    let frozen = |graph: &str, model: &str| {
        Scenario::from_toml_str(&format!("{graph}{model}"), "t.toml", dir.path()).unwrap().estimate().frozen_bytes
    };
    let ic = "[model]\nkind = \"independent-cascade\"\nprobability = 0.1\n";
    let campaign = "[model]\nkind = \"campaign\"\n";
    let weighted = "[graph]\nkind = \"edge-list\"\npath = \"w.txt\"\nweight_column = true\n";
    assert_eq!(frozen(weighted, campaign) - frozen(weighted, ic), 3.0 * 2.0);
    let directed = "[graph]\nkind = \"edge-list\"\npath = \"w.txt\"\nweight_column = true\ndirected = true\n";
    assert_eq!(frozen(directed, campaign) - frozen(directed, ic), 3.0);
    let unweighted = "[graph]\nkind = \"edge-list\"\npath = \"w.txt\"\n";
    assert_eq!(frozen(unweighted, campaign), frozen(unweighted, ic));
    let blocks = "[graph]\nkind = \"stochastic-block\"\nnodes = 1000\nblocks = 10\n";
    let s = Scenario::from_toml_str(&format!("{blocks}{campaign}"), "t.toml", dir.path()).unwrap();
    let edges = s.estimate().edges;
    assert_eq!(frozen(blocks, campaign) - frozen(blocks, ic), edges * 2.0);
    let er = "[graph]\nkind = \"erdos-renyi\"\nnodes = 1000\nmean_degree = 10\n";
    assert_eq!(frozen(er, campaign), frozen(er, ic));
}

#[test]
fn lognormal_cycle_times_take_a_sigma_and_run_day_by_day() {
    let s = parse(&format!("{MINIMAL}[campaign]\ncycle_time_distribution = \"lognormal\"\ncycle_time_sigma = 1.2\n"))
        .unwrap();
    assert_eq!(s.cycle_time.distribution, DelayDistribution::Lognormal { sigma: 1.2 });
    // The default spread, and the resolved file says both.
    let s = parse(&format!("{MINIMAL}[campaign]\ncycle_time_distribution = \"lognormal\"\n")).unwrap();
    assert_eq!(s.cycle_time.distribution, DelayDistribution::Lognormal { sigma: 1.0 });
    let resolved = s.to_resolved_toml();
    assert!(
        resolved.contains("cycle_time_distribution = \"lognormal\"") && resolved.contains("cycle_time_sigma = 1.0")
    );
    assert_eq!(parse(&resolved).unwrap().cycle_time, s.cycle_time);
    // A spread without the lognormal, or out of range, is a problem.
    let p = problems(&format!("{MINIMAL}[campaign]\ncycle_time_sigma = 1.0\n"));
    assert_eq!((p[0].key.as_str(), p[0].line), ("campaign.cycle_time_sigma", Some(6)));
    let p = problems(&format!("{MINIMAL}[campaign]\ncycle_time_distribution = \"lognormal\"\ncycle_time_sigma = 7\n"));
    assert!(p[0].message.contains("must be in [0.05, 3]"), "{p:?}");
    // A campaign runs with it (day by day) and its runs are reproducible.
    let s = parse(&format!(
        "{MINIMAL}[campaign]\nfun = 0.9\ncycle_time_distribution = \"lognormal\"\n[simulation]\nruns = 40\n"
    ))
    .unwrap();
    let graph = s.build_graph().unwrap();
    let config = s.run_config(s.resolve_seeding(&graph).unwrap());
    let a = crate::engine::run_ensemble(&graph, &config, &|_| {}).unwrap();
    assert_eq!(a, crate::engine::run_ensemble(&graph, &config, &|_| {}).unwrap());
    assert!(a.outcomes.iter().any(|o| o.reach > 10));
}

#[test]
fn active_sharers_are_set_in_behaviour_and_checked() {
    let s = parse(&format!("{MINIMAL}[behaviour]\nactive_share = 0.05\nactive_moments_reach = 0.7\n")).unwrap();
    match &s.behaviour {
        Behaviour::Campaign { coefficients, .. } => {
            assert_eq!((coefficients.active_share, coefficients.active_moments_reach), (0.05, 0.7));
        }
        _ => panic!("campaign"),
    }
    assert!(s.behaviour.compile().population.is_some());
    let resolved = s.to_resolved_toml();
    assert!(resolved.contains("active_share = 0.05") && resolved.contains("ordinary_share_shift = -5.0"), "{resolved}");
    assert!(resolved.contains("active_share_lever_weight = 1.0"), "{resolved}");
    // Everyone alike, as before issue 23.
    let alike = parse(&format!("{MINIMAL}[behaviour]\nactive_share = 0\n")).unwrap();
    assert!(alike.behaviour.compile().population.is_none());
    // A shift above 0 would make ordinary people share more than the design says.
    let p = problems(&format!("{MINIMAL}[behaviour]\nordinary_share_shift = 1.5\nactive_share = 2\n"));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().any(|x| x.key == "behaviour.ordinary_share_shift" && x.message.contains("must be in [-20, 0]")));
    assert!(p.iter().any(|x| x.key == "behaviour.active_share" && x.message.contains("must be in [0, 1]")));
}

#[test]
fn time_keys_are_read_checked_and_resolved() {
    let s = parse(&format!(
        "{MINIMAL}[campaign]\nnovelty_half_life_days = 5\nend_day = 12\n[behaviour]\njoin_fatigue = 0.3\nfatigue_onset = 4\n"
    ))
    .unwrap();
    assert_eq!(s.end_day, Some(12));
    assert_eq!(s.run_config(crate::engine::Seeding::Random { count: 1 }).end_day, Some(12));
    match &s.behaviour {
        Behaviour::Campaign { coefficients, .. } => {
            assert_eq!(
                (coefficients.novelty_half_life_days, coefficients.join_fatigue, coefficients.fatigue_onset),
                (5.0, 0.3, 4)
            );
        }
        _ => panic!("campaign"),
    }
    let resolved = s.to_resolved_toml();
    for key in ["novelty_half_life_days = 5.0", "end_day = 12", "join_fatigue = 0.3", "fatigue_onset = 4"] {
        assert!(resolved.contains(key), "{key} in {resolved}");
    }
    // Without the keys: the defaults, no end day, and the resolved file says so.
    let d = parse(MINIMAL).unwrap();
    assert_eq!(d.end_day, None);
    assert!(d.to_resolved_toml().contains("novelty_half_life_days = 14.0"));
    // Out of range, too small a half-life, or a key the model does not use.
    let p = problems(&format!(
        "{MINIMAL}[campaign]\nend_day = 31\nnovelty_half_life_days = 0.01\n[behaviour]\nfatigue_onset = 0\n"
    ));
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p.iter().any(|x| x.key == "campaign.end_day" && x.message.contains("simulation.days = 30")), "{p:?}");
    assert!(p.iter().any(|x| x.key == "campaign.novelty_half_life_days" && x.message.contains("at least 0.1")));
    assert!(p.iter().any(|x| x.key == "behaviour.fatigue_onset" && x.line == Some(9)), "{p:?}");
    let p = problems(&format!(
        "{MINIMAL}[model]\nkind = \"independent-cascade\"\nprobability = 0.1\n[campaign]\nend_day = 3\nnovelty_half_life_days = 3\n"
    ));
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(p.iter().all(|x| x.message.contains("applies to kind = \"campaign\" only")), "{p:?}");
}

#[test]
fn rewards_and_budget_are_read_checked_and_resolved() {
    let text = format!(
        "{MINIMAL}[rewards]\nper_participant = 2\nper_referral = 5.0\ninvitee = 3.0\n\
         tiers = [[3, 10], [10, 50.0]]\nreward_end_day = 10\n\
         [budget]\ntotal = 20000\nfixed = 3000\nhard_cap = true\nvalue_per_participant = 12\n"
    );
    let s = parse(&text).unwrap();
    let Behaviour::Campaign { levers, rewards, .. } = &s.behaviour else { panic!("a campaign") };
    // rewards.per_participant is the per-participant reward (campaign.reward's long name).
    assert_eq!(levers.reward, 2.0);
    assert_eq!((rewards.per_referral, rewards.invitee), (5.0, 3.0));
    assert_eq!(rewards.tiers, vec![(3, 10.0), (10, 50.0)]);
    assert_eq!(rewards.end_day, Some(10));
    // The engine's money for rewards is the budget less the fixed costs.
    assert_eq!((rewards.budget, rewards.hard_cap), (Some(17_000.0), true));
    assert_eq!(
        s.budget,
        BudgetSpec { total: Some(20_000.0), hard_cap: true, fixed: 3000.0, value_per_participant: Some(12.0) }
    );
    let a = s.analysis_config();
    assert_eq!((a.fixed_costs, a.budget, a.value_per_participant), (3000.0, Some(20_000.0), Some(12.0)));
    // The resolved scenario reads back to the same scenario.
    let again = parse(&s.to_resolved_toml()).unwrap();
    assert_eq!(again.behaviour, s.behaviour);
    assert_eq!(again.budget, s.budget);
    // Without the sections: the shorthand alone, no budget.
    let s = parse(&format!("{MINIMAL}[campaign]\nreward = 7\n")).unwrap();
    let Behaviour::Campaign { levers, rewards, .. } = &s.behaviour else { panic!("a campaign") };
    assert_eq!((levers.reward, rewards), (7.0, &crate::model::Rewards::default()));
    assert_eq!(s.budget, BudgetSpec::default());
}

#[test]
fn bad_rewards_and_budget_keys_name_line_key_and_range() {
    let text = format!(
        "{MINIMAL}[campaign]\nreward = 3\n[rewards]\nper_participant = 2.0\nper_referral = -1\n\
         tiers = [[3, 10.0], [2, 5]]\nreward_end_day = 99\nbogus = 1\n[budget]\ntotal = 100\nfixed = 200\n"
    );
    let p = problems(&text);
    let find = |key: &str| p.iter().find(|x| x.key == key).unwrap_or_else(|| panic!("no problem for {key}: {p:?}"));
    assert_eq!(find("campaign.reward").line, Some(6));
    assert!(find("campaign.reward").message.contains("not both"));
    assert_eq!(find("rewards.per_referral").line, Some(9));
    assert!(find("rewards.per_referral").message.contains("must be in [0,"));
    assert_eq!(find("rewards.tiers").line, Some(10));
    assert!(find("rewards.tiers").message.contains("more referrals than the tier before it"));
    assert_eq!(find("rewards.reward_end_day").line, Some(11));
    assert!(find("rewards.reward_end_day").message.contains("from 0 to 30"));
    assert_eq!(find("rewards.bogus").line, Some(12));
    assert_eq!(find("budget.fixed").line, Some(15));
    assert!(find("budget.fixed").message.contains("exceed budget.total = 100"));
    assert_eq!(p.len(), 6);
    for (tiers, what) in [("5", "= 5"), ("[[0, 1.0]]", "tier 1"), ("[[2, -1.0]]", "tier 1"), ("[[2]]", "tier 1")] {
        let p = problems(&format!("{MINIMAL}[rewards]\ntiers = {tiers}\n"));
        assert_eq!((p.len(), p[0].key.as_str(), p[0].line), (1, "rewards.tiers", Some(6)), "{tiers}");
        assert!(p[0].message.contains(what) && p[0].message.contains("[[3, 10.0], [10, 50.0]]"), "{:?}", p[0]);
    }
    let p = problems(&format!(
        "{MINIMAL}[model]\nkind = \"independent-cascade\"\nprobability = 0.1\n[budget]\nhard_cap = false\n[rewards]\ninvitee = 1\n"
    ));
    let keys: Vec<&str> = p.iter().map(|x| x.key.as_str()).collect();
    assert_eq!(keys, ["budget", "budget.hard_cap", "rewards"], "{p:?}");
    assert!(p[0].message.contains("kind = \"campaign\" only"));
    assert!(p[1].message.contains("needs budget.total"));
}

#[test]
fn group_keys_are_read_checked_and_resolved() {
    let text = format!(
        "{MINIMAL}[seeding]\ncount = 20\ngroups = 4\n[channels.group]\nfission = true\ncap = 200\n\
         groups_per_person = 3\nposts_per_sharer = 2\nattention = 0.2\nattention_decay = 0.7\n"
    );
    let s = parse(&text).unwrap();
    let Behaviour::Campaign { channels, .. } = &s.behaviour else { panic!("a campaign") };
    let cg = channels.campaign_groups.expect("campaign groups");
    assert_eq!((cg.seed_groups, cg.cap, cg.fission), (4, 200, true));
    let g = channels.group.expect("group channel");
    assert_eq!((g.posts_per_sharer, g.attention, g.attention_decay), (2, 0.2, 0.7));
    assert_eq!(s.groups.as_ref().map(|x| x.per_person), Some(3.0));
    let again = parse(&s.to_resolved_toml()).unwrap_or_else(|e| panic!("{e}\n{}", s.to_resolved_toml()));
    assert_eq!(again.behaviour, s.behaviour);
    assert_eq!(again.groups, s.groups);
    // The groups are built on the graph, the same every time.
    let graph = s.build_graph().unwrap();
    let m = s.build_membership(&graph).unwrap().expect("groups");
    assert_eq!(Some(m), s.build_membership(&graph).unwrap());
    // Problems, each with its line and key.
    let bad = format!(
        "{MINIMAL}[seeding]\ncount = 20\ngroups = 0\n[channels.group]\ncap = 501\nattention = 2\nmembership = \"nope.csv\"\ngroups_per_person = 3\n"
    );
    let p = problems(&bad);
    let find = |key: &str| p.iter().find(|x| x.key == key).unwrap_or_else(|| panic!("no problem for {key}: {p:?}"));
    assert_eq!(find("seeding.groups").line, Some(7));
    assert_eq!(find("channels.group.cap").line, Some(9));
    assert!(find("channels.group.cap").message.contains("from 3 to 500"));
    assert_eq!(find("channels.group.attention").line, Some(10));
    assert!(p.iter().any(|x| x.key == "channels.group.membership" && x.message.contains("no such file")));
    assert!(p.iter().any(|x| x.key == "channels.group.membership" && x.message.contains("not both")));
    let p = problems(&format!("{MINIMAL}[seeding]\ncount = 20\ngroups = 1\n[channels.group]\ncap = 10\n"));
    assert!(p[0].message.contains("20 seed users do not fit 1 groups of at most 10"), "{p:?}");
    let p = problems(&format!("{MINIMAL}[channels.group]\nfission = true\n"));
    assert!(p[0].message.contains("needs seeding.groups"), "{p:?}");
}

#[test]
fn a_membership_file_names_people_as_the_graph_does_and_its_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.txt"), "1 2\n2 3\n3 4\n4 1\n").unwrap();
    std::fs::write(dir.path().join("g.csv"), "1,family\n").unwrap();
    let text = "[graph]\nkind = \"edge-list\"\npath = \"e.txt\"\n[seeding]\ncount = 1\n[channels.group]\nmembership = \"g.csv\"\n";
    let s = Scenario::from_toml_str(text, "t.toml", dir.path()).unwrap();
    let graph = s.build_graph().unwrap();
    std::fs::write(dir.path().join("g.csv"), "person,group\n1,family\n2,family\n3,work\n4,work\n1,work\n").unwrap();
    let m = s.build_membership(&graph).unwrap().expect("groups");
    assert_eq!((m.group_count(), m.memberships()), (2, 5));
    std::fs::write(dir.path().join("g.csv"), "1,family\n9,family\n").unwrap();
    let err = s.build_membership(&graph).unwrap_err().to_string();
    assert!(err.contains(":2:") && err.contains("person \"9\" is not in the graph"), "{err}");
    std::fs::write(dir.path().join("g.csv"), "1,family\n2\n").unwrap();
    let err = s.build_membership(&graph).unwrap_err().to_string();
    assert!(err.contains(":2:") && err.contains("person,group"), "{err}");
}

#[test]
fn official_account_keys_are_read_checked_and_resolved() {
    let base = format!("{MINIMAL}[channels.official_account]\nfollowers = 50\n");
    let s = parse(&format!("{base}per_week = 3\nopen_rate = 0.2\npromotional = 0.5\n")).unwrap();
    let spec = s.official_account.as_ref().expect("an account");
    // Three pushes a week, evenly: days floor(7i / 3) up to the horizon (30).
    assert_eq!(spec.account.push_days, vec![0, 2, 4, 7, 9, 11, 14, 16, 18, 21, 23, 25, 28, 30]);
    assert_eq!((spec.account.open_rate, spec.account.promotional), (0.2, 0.5));
    assert_eq!(spec.followers, FollowersSpec::Random(50));
    let again = parse(&s.to_resolved_toml()).unwrap_or_else(|e| panic!("{e}\n{}", s.to_resolved_toml()));
    assert_eq!(again.official_account, s.official_account);
    // Followers on the graph: 50 distinct people, the same every time.
    let g = s.build_graph().unwrap();
    let f = s.official_account_on(&g).unwrap().unwrap().followers;
    assert_eq!(f.len(), 50);
    assert_eq!(f.iter().collect::<std::collections::HashSet<_>>().len(), 50);
    assert_eq!(f, s.official_account_on(&g).unwrap().unwrap().followers);
    // The platform's limits and the schedule's rules, each with its line.
    let p = problems(&format!("{base}account_type = \"service\"\npush_days = [0, 7, 14, 21, 28]\n"));
    assert_eq!((p.len(), p[0].key.as_str(), p[0].line), (1, "channels.official_account.push_days", Some(8)));
    assert!(p[0].message.contains("at most 4 times a month") && p[0].message.contains("days 0 to 28"), "{p:?}");
    assert!(parse(&format!("{base}account_type = \"service\"\npush_days = [0, 8, 16, 24]\n")).is_ok());
    let p = problems(&format!("{base}per_week = 8\n"));
    assert!(p[0].message.contains("in [0.01, 7]"), "{p:?}");
    let p = problems(&format!("{base}push_days = [0, 3, 3]\n"));
    assert!(p[0].message.contains("must rise"), "{p:?}");
    let p = problems(&format!("{base}push_days = [0, 31]\n"));
    assert!(p[0].message.contains("after the horizon"), "{p:?}");
    let p = problems(&format!("{base}push_days = [0]\nper_week = 2\nopen_rate = 1.5\nbogus = 1\n"));
    let keys: Vec<&str> = p.iter().map(|x| x.key.as_str()).collect();
    assert!(keys.contains(&"channels.official_account.push_days"), "{p:?}");
    assert!(keys.contains(&"channels.official_account.open_rate"), "{p:?}");
    assert!(keys.contains(&"channels.official_account.bogus"), "{p:?}");
    let p = problems(&format!("{MINIMAL}[channels.official_account]\nper_week = 1\n"));
    assert!(p[0].message.contains("needs followers"), "{p:?}");
    let p = problems(&format!("{MINIMAL}[channels.official_account]\nfollowers = 101\nper_week = 1\n"));
    assert!(p[0].message.contains("from 1 to 100"), "{p:?}");
}

#[test]
fn set_overrides_any_key_checked_like_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, format!("{MINIMAL}[campaign]\nreward = 5\nfun = 2.0\n")).unwrap();
    let sets = |pairs: &[(&str, &str)]| Overrides {
        sets: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..Overrides::default()
    };
    // A set key wins over the file, a new section is made, and the file's own problem
    // keeps its line.
    let err = Scenario::load(&path, &sets(&[("campaign.reward", "12"), ("goal.reach", "50")])).unwrap_err();
    let ScenarioError::Invalid { problems, .. } = &err else { panic!("{err}") };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!((problems[0].key.as_str(), problems[0].line), ("campaign.fun", Some(7)));
    let fixed =
        sets(&[("campaign.reward", "12"), ("campaign.fun", "0.5"), ("goal.reach", "50"), ("report.language", "zh")]);
    let s = Scenario::load(&path, &fixed).unwrap();
    let Behaviour::Campaign { levers, .. } = &s.behaviour else { panic!("a campaign") };
    assert_eq!((levers.reward, levers.fun), (12.0, 0.5));
    assert_eq!(s.goal.and_then(|g| g.reach), Some(50.0));
    assert_eq!(s.report.language, Language::Chinese);
    assert_eq!(s.sets, ["campaign.reward=12", "campaign.fun=0.5", "goal.reach=50", "report.language=zh"]);
    // A bad set value, an unknown key and a value used as a section name the --set.
    let bad = sets(&[("campaign.fun", "0.5"), ("campaign.reward", "lots"), ("campaign.rewrd", "1"), ("name.x", "1")]);
    let err = Scenario::load(&path, &bad).unwrap_err().to_string();
    assert!(err.contains("name: --set name.x=1: invalid type: map"), "{err}");
    let bad = sets(&[("campaign.fun", "0.5"), ("campaign.reward", "lots"), ("campaign.rewrd", "1")]);
    let err = Scenario::load(&path, &bad).unwrap_err().to_string();
    assert!(err.contains("campaign.reward: --set campaign.reward=lots: invalid type"), "{err}");
    assert!(err.contains("campaign.rewrd: --set campaign.rewrd=1: unknown field"), "{err}");
    assert!(parse_set("campaign.reward").is_err() && parse_set("=3").is_err() && parse_set("a..b=1").is_err());
    assert_eq!(parse_set(" campaign.reward = 10 ").unwrap(), ("campaign.reward".into(), "10".into()));
}

#[test]
fn goal_keys_are_read_checked_and_resolved() {
    let s = parse(&format!("{MINIMAL}[goal]\nreach = 5000\nby_day = 14\nk = 1.0\n")).unwrap();
    assert_eq!(s.goal, Some(crate::stats::Goal { reach: Some(5000.0), by_day: Some(14), k: Some(1.0) }));
    assert_eq!(s.analysis_config().goal, s.goal);
    assert_eq!(parse(&s.to_resolved_toml()).unwrap().goal, s.goal);
    let p = problems(&format!("{MINIMAL}[goal]\nby_day = 40\n"));
    let keys: Vec<&str> = p.iter().map(|x| x.key.as_str()).collect();
    assert_eq!(keys, ["goal", "goal.by_day", "goal.by_day"], "{p:?}");
    assert!(p.iter().any(|x| x.message.contains("from 0 to 30")));
    assert!(p.iter().any(|x| x.message.contains("needs goal.reach")));
}
