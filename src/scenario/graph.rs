//! Validation of the `[graph]` section: which graph, its parameters and their ranges
//! (each problem with its line, key and what is accepted), into a [`GraphSpec`].

use super::*;

impl Scenario {
    /// The graph a `[graph]` section describes, its pinned generator seed, and its
    /// number of people when known before building (not for edge lists); every problem
    /// goes to `c`.
    pub(super) fn graph_from_raw(
        g: &RawGraph,
        section: &Range<usize>,
        c: &mut Checker,
        base_dir: &Path,
    ) -> (GraphSpec, Option<u64>, Option<u64>) {
        const KINDS: [&str; 6] =
            ["erdos-renyi", "barabasi-albert", "watts-strogatz", "stochastic-block", "configuration", "edge-list"];
        let kind = match &g.kind {
            None => {
                c.problem(
                    Some(section),
                    "graph.kind",
                    format!("graph.kind is missing: must be one of {}", KINDS.join(", ")),
                );
                "erdos-renyi"
            }
            Some(k) => {
                if !KINDS.contains(&k.get_ref().as_str()) {
                    c.choice(&g.kind, "graph.kind", "erdos-renyi", &KINDS);
                    // Nothing more can be checked without knowing the kind.
                    return (
                        GraphSpec {
                            model: GraphModel::ErdosRenyi { nodes: 2, mean_degree: 1.0 },
                            tie_strength: TieStrengths::default(),
                        },
                        None,
                        None,
                    );
                }
                c.choice(&g.kind, "graph.kind", "erdos-renyi", &KINDS)
            }
        };
        let present: Vec<(&str, Option<Range<usize>>)> = vec![
            ("nodes", span(&g.nodes)),
            ("mean_degree", span(&g.mean_degree)),
            ("m", span(&g.m)),
            ("k", span(&g.k)),
            ("rewire", span(&g.rewire)),
            ("blocks", span(&g.blocks)),
            ("block_sizes", span(&g.block_sizes)),
            ("within_degree", span(&g.within_degree)),
            ("between_degree", span(&g.between_degree)),
            ("degrees", span(&g.degrees)),
            ("exponent", span(&g.exponent)),
            ("min_degree", span(&g.min_degree)),
            ("max_degree", span(&g.max_degree)),
            ("path", span(&g.path)),
            ("directed", span(&g.directed)),
            ("weight_column", span(&g.weight_column)),
            ("ids", span(&g.ids)),
            ("strong_tie", span(&g.strong_tie)),
            ("weak_tie", span(&g.weak_tie)),
        ];
        let allowed: &[&str] = match kind {
            "erdos-renyi" => &["nodes", "mean_degree"],
            "barabasi-albert" => &["nodes", "m"],
            "watts-strogatz" => &["nodes", "k", "rewire", "strong_tie", "weak_tie"],
            "stochastic-block" => {
                &["nodes", "blocks", "block_sizes", "within_degree", "between_degree", "strong_tie", "weak_tie"]
            }
            "configuration" => &["nodes", "degrees", "exponent", "min_degree", "max_degree"],
            _ => &["path", "directed", "weight_column", "ids"],
        };
        c.unused(&present, allowed, "graph", kind);
        const MAX_NODES: u64 = 2_000_000_000;
        let nodes_what = "number of people";
        let nodes = |c: &mut Checker, default: u64| match &g.nodes {
            None => {
                c.problem(
                    Some(section),
                    "graph.nodes",
                    format!("graph.nodes is missing: {kind} needs the number of people (2 to {MAX_NODES})"),
                );
                default
            }
            Some(_) => c.int(&g.nodes, "graph.nodes", default, 2, MAX_NODES, nodes_what),
        };
        let ties = TieStrengths {
            strong: c.float(&g.strong_tie, "graph.strong_tie", 0.8, 0.0, 1.0, "tie strength of close ties") as f32,
            weak: c.float(&g.weak_tie, "graph.weak_tie", 0.2, 0.0, 1.0, "tie strength of distant ties") as f32,
        };
        let model = match kind {
            "erdos-renyi" => {
                let n = nodes(c, 1000);
                let md = c
                    .required(
                        &g.mean_degree,
                        "graph.mean_degree",
                        section,
                        "erdos-renyi needs the mean number of friends",
                    )
                    .unwrap_or(8.0);
                let md = c.float(
                    &Some(Spanned::new(span(&g.mean_degree).unwrap_or(0..0), md)),
                    "graph.mean_degree",
                    8.0,
                    0.0,
                    (n - 1) as f64,
                    "mean friends per person, below the number of people",
                );
                GraphModel::ErdosRenyi { nodes: n as usize, mean_degree: md }
            }
            "barabasi-albert" => {
                let n = nodes(c, 1000);
                let m = c
                    .required(&g.m, "graph.m", section, "barabasi-albert needs m, the ties each newcomer makes")
                    .unwrap_or(3);
                let m = c.int(
                    &Some(Spanned::new(span(&g.m).unwrap_or(0..0), m)),
                    "graph.m",
                    3,
                    1,
                    (n - 1).max(1),
                    "ties each newcomer makes; mean degree is about 2m",
                );
                GraphModel::BarabasiAlbert { nodes: n as usize, m: m as usize }
            }
            "watts-strogatz" => {
                let n = nodes(c, 1000);
                let k = c
                    .required(&g.k, "graph.k", section, "watts-strogatz needs k, the friends per person on the ring")
                    .unwrap_or(4);
                let k = c.int(
                    &Some(Spanned::new(span(&g.k).unwrap_or(0..0), k)),
                    "graph.k",
                    4,
                    2,
                    (n - 1).max(2),
                    "friends per person on the ring, even",
                );
                if k % 2 == 1 {
                    c.problem(
                        span(&g.k).as_ref(),
                        "graph.k",
                        format!("graph.k = {k}: must be even (k/2 neighbours on each side of the ring)"),
                    );
                }
                let rewire = c.float(&g.rewire, "graph.rewire", 0.1, 0.0, 1.0, "probability a tie is rewired");
                GraphModel::WattsStrogatz { nodes: n as usize, k: k as usize, rewire }
            }
            "stochastic-block" => {
                let mut sizes: Vec<usize> = match (&g.block_sizes, &g.blocks) {
                    (Some(s), None) => {
                        if g.nodes.is_some() {
                            c.problem(
                                span(&g.nodes).as_ref(),
                                "graph.nodes",
                                "give graph.block_sizes or graph.nodes with graph.blocks, not both".into(),
                            );
                        }
                        if s.get_ref().is_empty() || s.get_ref().contains(&0) {
                            c.problem(
                                Some(&s.span()),
                                "graph.block_sizes",
                                "graph.block_sizes must list at least one block, each of at least 1 person".into(),
                            );
                        }
                        // (Summed without wrapping: sizes summing to 2^64 once wrapped to 0.)
                        let total = s.get_ref().iter().try_fold(0u64, |acc, &x| acc.checked_add(x));
                        if total.is_none_or(|t| t > MAX_NODES) {
                            c.problem(
                                Some(&s.span()),
                                "graph.block_sizes",
                                format!(
                                    "graph.block_sizes add up to {}: at most {MAX_NODES} people in all",
                                    total.map_or_else(|| "2^64 or more".to_string(), |t| t.to_string())
                                ),
                            );
                            return (
                                GraphSpec {
                                    model: GraphModel::ErdosRenyi { nodes: 2, mean_degree: 1.0 },
                                    tie_strength: ties,
                                },
                                None,
                                None,
                            );
                        }
                        // (Invalid sizes are reported above; none bounds the degree below.)
                        s.get_ref().iter().filter(|&&x| x > 0).map(|&x| x as usize).collect()
                    }
                    (None, _) => {
                        let n = nodes(c, 1000);
                        let b = c
                            .required(
                                &g.blocks,
                                "graph.blocks",
                                section,
                                "stochastic-block needs graph.blocks (with graph.nodes) or graph.block_sizes",
                            )
                            .unwrap_or(1);
                        let b = c.int(
                            &Some(Spanned::new(span(&g.blocks).unwrap_or(0..0), b)),
                            "graph.blocks",
                            1,
                            1,
                            n,
                            "number of communities",
                        ) as usize;
                        let n = n as usize;
                        (0..b).map(|i| n / b + usize::from(i < n % b)).collect()
                    }
                    (Some(s), Some(_)) => {
                        c.problem(
                            Some(&s.span()),
                            "graph.block_sizes",
                            "give graph.block_sizes or graph.blocks, not both".into(),
                        );
                        vec![1]
                    }
                };
                // (No valid block: the sizes' problem is reported, not a degree bound.)
                let below_smallest = sizes.iter().copied().min().map_or(f64::INFINITY, |s| (s.max(2) - 1) as f64);
                let no_valid_block = sizes.is_empty();
                if sizes.is_empty() {
                    sizes.push(1);
                }
                let within = c.float(
                    &g.within_degree,
                    "graph.within_degree",
                    8.0,
                    0.0,
                    below_smallest,
                    "expected friends inside one's block, below the smallest block",
                );
                // p_out = between / (n − n/B) is a probability: at most the people in
                // other blocks, on average (1e308 once overflowed a capacity).
                let n = sizes.iter().sum::<usize>() as f64;
                let others = match sizes.len() {
                    _ if no_valid_block => f64::INFINITY,
                    1 => 0.0,
                    b => n - n / b as f64,
                };
                let between = c.float(
                    &g.between_degree,
                    "graph.between_degree",
                    if sizes.len() > 1 || no_valid_block { 2.0_f64.min(others) } else { 0.0 },
                    0.0,
                    others,
                    if sizes.len() > 1 || no_valid_block {
                        "expected friends in other blocks, at most the people outside one's block"
                    } else {
                        "expected friends in other blocks: 0 with a single block"
                    },
                );
                GraphModel::StochasticBlock { block_sizes: sizes, within_degree: within, between_degree: between }
            }
            "configuration" => {
                if let Some(d) = &g.degrees {
                    if g.nodes.is_some() || g.exponent.is_some() {
                        c.problem(
                            Some(&d.span()),
                            "graph.degrees",
                            "give graph.degrees, or graph.nodes with graph.exponent, not both".into(),
                        );
                    }
                    if d.get_ref().len() < 2 {
                        c.problem(
                            Some(&d.span()),
                            "graph.degrees",
                            "graph.degrees must list at least 2 degrees".into(),
                        );
                    }
                    let n = d.get_ref().len() as u64;
                    if let Some(bad) = d.get_ref().iter().find(|&&x| x >= n.max(1)) {
                        c.problem(
                            Some(&d.span()),
                            "graph.degrees",
                            format!("graph.degrees has {bad}, more than the {} other people", n.saturating_sub(1)),
                        );
                    } else if n > MAX_NODES {
                        c.problem(
                            Some(&d.span()),
                            "graph.degrees",
                            format!("graph.degrees lists {n} people: at most {MAX_NODES}"),
                        );
                    } else {
                        // Each friendship has two ends: an odd sum once silently left a
                        // stub unpaired.
                        let sum: u64 = d.get_ref().iter().sum();
                        if sum % 2 == 1 {
                            c.problem(
                                Some(&d.span()),
                                "graph.degrees",
                                format!(
                                    "graph.degrees add up to {sum}, an odd number: every friendship has two ends, so the degrees must add up to an even number"
                                ),
                            );
                        }
                    }
                    GraphModel::Configuration {
                        degrees: DegreeSequence::Given {
                            degrees: d.get_ref().iter().map(|&x| x.min(u32::MAX as u64) as u32).collect(),
                        },
                    }
                } else {
                    let n = nodes(c, 1000);
                    let exponent = c.float(
                        &g.exponent,
                        "graph.exponent",
                        2.5,
                        1.01,
                        10.0,
                        "power-law exponent of the degree distribution",
                    );
                    let most = (n - 1).max(1);
                    let min = c.int(
                        &g.min_degree,
                        "graph.min_degree",
                        2.min(most),
                        1,
                        most,
                        "smallest degree, below the number of people",
                    );
                    let default_max = ((n as f64).sqrt() as u64).clamp(min, most);
                    let max = c.int(
                        &g.max_degree,
                        "graph.max_degree",
                        default_max,
                        min,
                        most,
                        "largest degree, from min_degree to the number of people − 1",
                    );
                    GraphModel::Configuration {
                        degrees: DegreeSequence::PowerLaw {
                            nodes: n as usize,
                            exponent,
                            min_degree: min as u32,
                            max_degree: max as u32,
                        },
                    }
                }
            }
            _ => {
                let path = c
                    .required(&g.path, "graph.path", section, "edge-list needs the path of the edge list file")
                    .unwrap_or_default();
                let full = base_dir.join(&path);
                if path.trim().is_empty() && g.path.is_some() {
                    c.problem(
                        span(&g.path).as_ref(),
                        "graph.path",
                        "graph.path is empty: give the edge list's file, relative to the scenario's folder".into(),
                    );
                } else if !path.is_empty() && !full.is_file() {
                    c.problem(
                        span(&g.path).as_ref(),
                        "graph.path",
                        format!("graph.path = {path:?}: {}", not_a_file(&full)),
                    );
                }
                GraphModel::EdgeList {
                    path: PathBuf::from(path),
                    directed: g.directed.as_ref().is_some_and(|d| *d.get_ref()),
                    weight_column: g.weight_column.as_ref().is_some_and(|d| *d.get_ref()),
                    ids: match c.choice(&g.ids, "graph.ids", "integer", &["integer", "text"]) {
                        "text" => IdFormat::Text,
                        _ => IdFormat::Integer,
                    },
                }
            }
        };
        let node_count = match &model {
            GraphModel::ErdosRenyi { nodes, .. }
            | GraphModel::BarabasiAlbert { nodes, .. }
            | GraphModel::WattsStrogatz { nodes, .. } => Some(*nodes as u64),
            GraphModel::StochasticBlock { block_sizes, .. } => Some(block_sizes.iter().sum::<usize>() as u64),
            GraphModel::Configuration { degrees: DegreeSequence::Given { degrees } } => Some(degrees.len() as u64),
            GraphModel::Configuration { degrees: DegreeSequence::PowerLaw { nodes, .. } } => Some(*nodes as u64),
            GraphModel::EdgeList { .. } => None,
        };
        (GraphSpec { model, tie_strength: ties }, g.rng_seed.as_ref().map(|s| *s.get_ref()), node_count)
    }
}
