"""Cross-check fission against cynetdiff (IC, LT) and EoN (SIR). Run via scripts/crosscheck.

Conventions, identical on both sides: final size counts the seed nodes; undirected
graphs spread both ways; IC gives each newly active node one chance per neighbour;
LT weights are 1/in-degree and thresholds uniform on [0, 1]; SIR is Markovian with
transmission rate tau per edge and recovery rate gamma, run to extinction.
"""

import gzip
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

import cynetdiff.utils as cu
import EoN
import networkx as nx
import numpy as np

QUICK = "--quick" in sys.argv
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FISSION = os.path.join(ROOT, "target", "release", "fission")
WORK = tempfile.mkdtemp(prefix="fission-crosscheck-")


def load_edges(path):
    opener = gzip.open if path.endswith(".gz") else open
    g = nx.Graph()
    with opener(path, "rt") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            a, b = line.split()[:2]
            if a != b:
                g.add_edge(int(a), int(b))
    return g


def write_edges(g, name):
    path = os.path.join(WORK, name + ".txt")
    with open(path, "w") as f:
        for a, b in g.edges():
            f.write(f"{a} {b}\n")
    return path


def fission(edge_path, seeds, model_toml, runs, threads=None):
    """Mean final size, its standard error, and fission's simulation time per run
    (graph loading and reports excluded) for a scenario run on `edge_path`."""
    scenario = os.path.join(WORK, "s.toml")
    with open(scenario, "w") as f:
        f.write(
            f'name = "crosscheck"\n[graph]\nkind = "edge-list"\npath = "{edge_path}"\n'
            f"[seeding]\nnodes = {list(seeds)}\n[model]\n{model_toml}\n"
            f'[campaign]\ncycle_time_days = 1\ncycle_time_distribution = "fixed"\n'
            f"[simulation]\nruns = {runs}\ndays = 3650\nrng_seed = 1\n"
        )
    out = os.path.join(WORK, "out")
    command = [FISSION, "run", scenario, "--out", out] + (["--threads", str(threads)] if threads else [])
    r = subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"(\d+) runs in ([0-9.]+) s \(([0-9]+) runs/s\)", r.stderr)
    # (The rate, when the time is too short to show in the digits printed.)
    seconds = float(m.group(2)) / int(m.group(1)) or 1.0 / max(int(m.group(3)), 1)
    s = json.load(open(os.path.join(out, "summary.json")))
    assert s["censored_fraction"] == 0, "fission runs must finish"
    return s["reach"]["mean"], s["reach"]["std_dev"] / math.sqrt(runs), seconds


def summary(xs):
    xs = np.asarray(xs, dtype=float)
    return xs.mean(), xs.std(ddof=1) / math.sqrt(len(xs))


def cynetdiff_runs(model, mapping, seeds, runs):
    """Final sizes of `runs` runs of a cynetdiff model (seeds included) and the time taken."""
    model.set_seeds([mapping[s] for s in seeds])
    sizes = []
    t0 = time.perf_counter()
    for _ in range(runs):
        model.reset_model()
        model.advance_until_completion()
        sizes.append(model.get_num_activated_nodes())
    return sizes, time.perf_counter() - t0


def cynetdiff_ic(g, seeds, p, runs):
    sizes, seconds = cynetdiff_runs(*cu.networkx_to_ic_model(g, activation_prob=p, rng=12345), seeds, runs)
    return (*summary(sizes), seconds)


def cynetdiff_lt(g, seeds, runs):
    # cynetdiff needs a DiGraph: both directions, so in-degree = degree, as in fission.
    sizes, seconds = cynetdiff_runs(*cu.networkx_to_lt_model(g.to_directed(), rng=12345), seeds, runs)
    return (*summary(sizes), seconds)


def eon_sir(g, seeds, tau, gamma, runs):
    rng = np.random.default_rng(12345)
    sizes = []
    t0 = time.perf_counter()
    for _ in range(runs):
        t, S, I, R = EoN.fast_SIR(g, tau, gamma, initial_infecteds=list(seeds), rng=rng)
        sizes.append(R[-1] + I[-1])
    return (*summary(sizes), time.perf_counter() - t0)


def main():
    rnd = random.Random(7)
    graphs = {}
    er = nx.gnp_random_graph(2000, 4.0 / 1999, seed=1)
    er.remove_nodes_from([v for v in list(er.nodes) if er.degree(v) == 0])
    graphs["Erdős–Rényi n=2000, ⟨k⟩=4"] = er
    graphs["SNAP ego-Facebook (4,039 people)"] = load_edges(os.path.join(ROOT, "scenarios/data/facebook_combined.txt.gz"))
    graphs["SNAP email-Eu-core (undirected)"] = load_edges(os.path.join(ROOT, "scenarios/data/email-Eu-core.txt.gz"))
    runs_fast = 2000 if QUICK else 10000
    runs_sir = 300 if QUICK else 1000
    rows = []
    for name, g in graphs.items():
        path = write_edges(g, "g%d" % len(rows))
        seeds = rnd.sample(sorted(g.nodes), 5)
        settings = []
        for p in ([0.1, 0.3] if "Erdős" in name else [0.01, 0.05]):
            settings.append(("independent cascade, p = %g" % p, f'kind = "independent-cascade"\nprobability = {p}',
                             lambda p=p: cynetdiff_ic(g, seeds, p, runs_fast), runs_fast, "cynetdiff 0.1.18"))
        settings.append(("linear threshold, b = 1/in-degree", 'kind = "linear-threshold"',
                         lambda: cynetdiff_lt(g, seeds, runs_fast), runs_fast, "cynetdiff 0.1.18"))
        tau = 0.3 if "Erdős" in name else 0.02
        settings.append((f"Markovian SIR, τ = {tau}, γ = 1", f'kind = "sir"\ntransmission_rate = {tau}\nrecovery_rate = 1.0',
                         lambda tau=tau: eon_sir(g, seeds, tau, 1.0, runs_sir), runs_sir, "EoN 2.0 fast_SIR"))
        for label, model, peer, runs, peer_name in settings:
            fm, fse, fsec = fission(path, seeds, model, runs)
            pm, pse, psec = peer()
            z = (fm - pm) / math.sqrt(fse ** 2 + pse ** 2)
            rows.append((name, label, runs, fm, fse, pm, pse, z, peer_name, fsec, psec))
            print(f"{name} | {label}: fission {fm:.2f} ± {1.96*fse:.2f}, {peer_name} {pm:.2f} ± {1.96*pse:.2f}, z = {z:+.2f}", file=sys.stderr)
    print("| graph | model | runs | fission mean final size (95% CI) | peer (95% CI) | peer | z |")
    print("|---|---|---|---|---|---|---|")
    worst = 0.0
    for name, label, runs, fm, fse, pm, pse, z, peer_name, fsec, psec in rows:
        print(f"| {name} | {label} | {runs} | {fm:.2f} ± {1.96*fse:.2f} | {pm:.2f} ± {1.96*pse:.2f} | {peer_name} | {z:+.2f} |")
        worst = max(worst, abs(z))
    print(f"\nlargest |z| = {worst:.2f} (agreement within statistical error means |z| <= 4)")
    sys.exit(0 if worst <= 4 else 1)


if __name__ == "__main__":
    main()
