//! The floor for any cascade simulator: a plain breadth-first search from the seed
//! nodes over an edge list, visiting every arc of the part it reaches. Used by
//! `scripts/bench-peers` to report how far an independent cascade is from just reading
//! the reached part of the graph.
//!
//! Usage: `cargo bench --bench bfs_baseline -- EDGES REPEATS SEED...`
//! Prints: `bfs reached=<nodes> arcs=<arcs read> seconds_per_search=<s>`.

use fission::graph::NodeId;
use fission::graph::load::{EdgeListOptions, read_edge_list};
use std::time::Instant;

fn main() {
    // (`cargo bench` adds `--bench`; only the positional arguments count.)
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    if args.len() < 4 {
        eprintln!("usage: bfs_baseline EDGES REPEATS SEED...");
        std::process::exit(2);
    }
    let file = std::fs::File::open(&args[1]).expect("edge list opens");
    let g = read_edge_list(file, EdgeListOptions { directed: false, weight_column: false, ..Default::default() })
        .expect("edge list reads");
    let repeats: usize = args[2].parse().expect("REPEATS is a number");
    let index = g.original_id_index();
    let seeds: Vec<u32> = args[3..]
        .iter()
        .map(|s| index[&fission::graph::OriginalId::Number(s.parse().expect("seed ids are numbers"))].0)
        .collect();
    let mut seen = vec![0u32; g.node_count()];
    let mut queue: Vec<u32> = Vec::with_capacity(g.node_count());
    let (mut reached, mut arcs) = (0usize, 0usize);
    let start = Instant::now();
    for epoch in 1..=repeats as u32 {
        queue.clear();
        for &s in &seeds {
            if seen[s as usize] != epoch {
                seen[s as usize] = epoch;
                queue.push(s);
            }
        }
        let mut head = 0;
        arcs = 0;
        while head < queue.len() {
            let u = queue[head];
            head += 1;
            let nb = g.neighbours(NodeId(u));
            arcs += nb.len();
            for &v in nb {
                if seen[v as usize] != epoch {
                    seen[v as usize] = epoch;
                    queue.push(v);
                }
            }
        }
        reached = queue.len();
    }
    let seconds = start.elapsed().as_secs_f64() / repeats as f64;
    println!("bfs reached={reached} arcs={arcs} seconds_per_search={seconds:.9}");
}
