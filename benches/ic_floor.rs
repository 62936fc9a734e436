//! The bare independent cascade: geometric skips from the same table as fission's
//! engine (its `SkipTable`, or Exp(1) draws where the table does not pay), one skip
//! loop per sender (the engine draws one loop per chunk of 64 senders since the fourth
//! session), and the same branch-free queue, but no bookkeeping at all (no days,
//! recruiters' positions, rows or tree statistics). Used by `scripts/bench-peers` to
//! show what fission's bookkeeping and chunked draws cost or save, and to measure the
//! prefetch of the next senders' friend lists (`PREFETCH` = how far ahead, 0 = off).
//!
//! Usage: `cargo bench --bench ic_floor -- EDGES P RUNS PREFETCH SEED...`
//! Prints: `floor mean_reach=<people> seconds_per_run=<s>`.

use fission::engine::SkipTable;
use fission::graph::NodeId;
use fission::graph::load::{EdgeListOptions, read_edge_list};
use fission::rng::{SimRng, stream_rng};
use rand::RngExt;
use std::time::Instant;

fn main() {
    // (`cargo bench` adds `--bench`; only the positional arguments count.)
    let args: Vec<String> = std::env::args().filter(|a| !a.starts_with("--")).collect();
    if args.len() < 6 {
        eprintln!("usage: ic_floor EDGES P RUNS PREFETCH SEED...");
        std::process::exit(2);
    }
    let file = std::fs::File::open(&args[1]).expect("edge list opens");
    let g = read_edge_list(file, EdgeListOptions { directed: false, weight_column: false, ..Default::default() })
        .expect("edge list reads");
    let p: f64 = args[2].parse().expect("P is a probability");
    let runs: u64 = args[3].parse().expect("RUNS is a number");
    let ahead: usize = args[4].parse().expect("PREFETCH is a number");
    let index = g.original_id_index();
    let seeds: Vec<u32> = args[5..]
        .iter()
        .map(|s| index[&fission::graph::OriginalId::Number(s.parse().expect("seed ids are numbers"))].0)
        .collect();
    let scale = 1.0 / -(1.0 - p).ln();
    let table = SkipTable::new(p);
    let mut active = vec![false; g.node_count()];
    // One slot more than people, so that the push below can write before it knows.
    let mut queue: Vec<u32> = vec![0; g.node_count() + 1];
    let mut len = 0;
    let mut total = 0u64;
    let start = Instant::now();
    for run in 0..runs {
        let mut rng: SimRng = stream_rng(1, run);
        for &v in &queue[..len] {
            active[v as usize] = false;
        }
        len = 0;
        for &s in &seeds {
            active[s as usize] = true;
            queue[len] = s;
            len += 1;
        }
        let mut head = 0;
        while head < len {
            if let Some(&w) = queue[..len].get(head + ahead).filter(|_| ahead > 0) {
                let friends = g.neighbours(NodeId(w));
                if let (Some(first), Some(last)) = (friends.first(), friends.last()) {
                    prefetch(first);
                    prefetch(last);
                }
            }
            let friends = g.neighbours(NodeId(queue[head]));
            head += 1;
            let mut reached = |v: u32| {
                queue[len] = v;
                len += !active[v as usize] as usize;
                active[v as usize] = true;
            };
            match &table {
                Some(t) => t.for_each(friends.len(), &mut rng, |j, _| reached(friends[j])),
                None => {
                    let mut j = 0usize;
                    loop {
                        let skip = rng.sample::<f64, _>(rand_distr::Exp1) * scale;
                        if skip >= (friends.len() - j) as f64 {
                            break;
                        }
                        j += skip as usize;
                        reached(friends[j]);
                        j += 1;
                    }
                }
            }
        }
        total += len as u64;
    }
    let seconds = start.elapsed().as_secs_f64() / runs as f64;
    println!("floor mean_reach={} seconds_per_run={seconds:.9}", total as f64 / runs as f64);
}

#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint that never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch(p as *const i8, std::arch::x86_64::_MM_HINT_T0);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
