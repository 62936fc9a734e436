//! The Monte Carlo runner: runs in parallel on rayon's pool, each with its own
//! stream and a worker's scratch, merged in run order.

use super::*;

/// Runs per work item handed to a worker (amortises taking a scratch from the pool).
const RUNS_PER_TASK: usize = 8;

/// Runs the Monte Carlo ensemble in parallel on the current rayon pool.
///
/// # Arguments
/// * `graph` – the frozen social graph.
/// * `config` – behaviour, cycle time, seeding, runs, horizon and master seed.
/// * `progress` – called after every run (from worker threads).
///
/// # Returns
/// An [`Ensemble`] whose content depends only on `graph` and `config`, not on the
/// number of threads.
///
/// # Errors
/// [`EngineError::BadSeeding`] when the seed users do not fit the graph.
///
/// # Complexity
/// O(runs × edges reached) time (O(runs × successes) for the uniform independent
/// cascade); memory O(nodes + days) per worker plus, for the rows, O(days used) per run.
pub fn run_ensemble(
    graph: &SocialGraph,
    config: &RunConfig,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Ensemble, EngineError> {
    let prepared = Prepared::new(graph, config)?;
    let runs = config.runs;
    let mut outcomes = vec![RunOutcome::default(); runs];
    let pool: Mutex<Vec<RunScratch>> = Mutex::new(Vec::new());
    let done = AtomicU64::new(0);
    let tasks: Vec<TaskRows> = outcomes
        .par_chunks_mut(RUNS_PER_TASK)
        .enumerate()
        .map(|(t, outs)| {
            let taken = pool.lock().expect("scratch pool lock is never poisoned").pop();
            let mut scratch = taken.unwrap_or_else(|| RunScratch::new(&prepared));
            let mut rows = TaskRows::default();
            for (k, out) in outs.iter_mut().enumerate() {
                let run = (t * RUNS_PER_TASK + k) as u64;
                *out = prepared.run(run, &mut scratch);
                scratch.rows.drain_into(out, &mut rows);
                if prepared.account.is_some() {
                    rows.follows.extend_from_slice(&scratch.account.follows);
                    rows.unfollows.extend_from_slice(&scratch.account.unfollows);
                }
                rows.trees.extend_from_slice(&scratch.tree.shapes);
                rows.tree_lengths.push(scratch.tree.shapes.len());
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                progress(Progress { runs_done: finished, runs_total: runs as u64 });
            }
            pool.lock().expect("scratch pool lock is never poisoned").push(scratch);
            rows
        })
        .collect();
    let daily_total = tasks.iter().map(|t| t.daily.len()).sum();
    let gen_total = tasks.iter().map(|t| t.gen_size.len()).sum();
    let mut daily_new = Vec::with_capacity(daily_total);
    let mut daily_spend = Vec::with_capacity(if prepared.ledger.is_some() { daily_total } else { 0 });
    let mut daily_groups_created = Vec::new();
    let (mut daily_follows, mut daily_unfollows) = (Vec::new(), Vec::new());
    let mut generation_size = Vec::with_capacity(gen_total);
    let mut generation_invitations = Vec::with_capacity(gen_total);
    let (mut daily_start, mut generation_start) = (Vec::with_capacity(runs + 1), Vec::with_capacity(runs + 1));
    daily_start.push(0);
    generation_start.push(0);
    let mut trees = Vec::with_capacity(tasks.iter().map(|t| t.trees.len()).sum());
    let mut tree_start = Vec::with_capacity(runs + 1);
    tree_start.push(0);
    for task in tasks {
        trees.extend_from_slice(&task.trees);
        for n in task.tree_lengths {
            tree_start.push(tree_start.last().expect("starts with 0") + n);
        }
        daily_new.extend_from_slice(&task.daily);
        daily_spend.extend_from_slice(&task.spend);
        daily_groups_created.extend_from_slice(&task.groups_created);
        daily_follows.extend_from_slice(&task.follows);
        daily_unfollows.extend_from_slice(&task.unfollows);
        generation_size.extend_from_slice(&task.gen_size);
        generation_invitations.extend_from_slice(&task.gen_invites);
        for d in task.daily_lengths {
            daily_start.push(daily_start.last().expect("starts with 0") + d);
        }
        for g in task.gen_lengths {
            generation_start.push(generation_start.last().expect("starts with 0") + g);
        }
    }
    Ok(Ensemble {
        runs,
        days: config.days,
        seed_count: config.seeding.count(),
        population: graph.node_count(),
        generation_width: prepared.generation_width,
        outcomes,
        daily_new,
        daily_start,
        daily_spend,
        daily_groups_created,
        daily_follows,
        daily_unfollows,
        generation_size,
        generation_invitations,
        generation_start,
        trees,
        tree_start,
    })
}

/// Checks that `config` fits `graph` (seed users, edge weights, thresholds) without
/// running anything.
///
/// # Errors
/// As [`run_ensemble`].
pub fn check_config(graph: &SocialGraph, config: &RunConfig) -> Result<(), EngineError> {
    Prepared::new(graph, config).map(|_| ())
}

/// Simulates run `run` of `config` alone and returns its full recruitment tree
/// (the same run as in [`run_ensemble`]).
///
/// # Errors
/// As [`run_ensemble`].
pub fn simulate_cascade(graph: &SocialGraph, config: &RunConfig, run: u64) -> Result<Cascade, EngineError> {
    let prepared = Prepared::new(graph, config)?;
    let mut scratch = RunScratch::new(&prepared);
    let outcome = prepared.run(run, &mut scratch);
    let is_sir = matches!(prepared.process, Process::Sir { .. });
    let (order, parents) = (scratch.tree.order(), scratch.tree.parents());
    // Generations follow the tree (parents come first); the lockstep run keeps no
    // person records, its days follow from the generation.
    let mut generation = vec![0u32; order.len()];
    let participants = order
        .iter()
        .zip(parents)
        .enumerate()
        .map(|(i, (&v, &parent))| {
            if parent != NONE {
                generation[i] = generation[parent as usize] + 1;
            }
            let g = generation[i];
            let day = match prepared.lockstep {
                Some(delay) => g * delay,
                None => scratch.people[v as usize].join_day as u32,
            };
            Participant {
                node: NodeId(v),
                recruiter: (parent != NONE).then(|| NodeId(order[parent as usize])),
                generation: g,
                day,
                time_days: if is_sir { scratch.times[v as usize] } else { day as f64 },
            }
        })
        .collect();
    Ok(Cascade { participants, outcome })
}
