#!/usr/bin/env python3
"""Graph-library peer comparison driver: Eddy's graph-library commands against networkit
on the same R-MAT edge lists, in the same run, algorithm time only.

usage: python3 benches/library_peers.py [--scales 20] [--repeat 3] [--parallelism 2]
                                        [--eddy PATH] [--data DIR] [--peers DIR]
                                        [--python PY] [--algorithms triangles,kcore,...]

- Builds nothing: pass --eddy (default target/release/eddy; build it with
  `cargo build --release -p eddy-cli`).
- Generates `rmat:SCALE` with `eddy generate` into --data (default target/peer-data) once.
- `--algorithms` (comma list, default all but wcc), Eddy command vs networkit 11.3:
    triangles    eddy triangles            TriangleEdgeScore (total = sum of scores / 3)
    clustering   eddy clustering           LocalClusteringCoefficient(turbo=True)
    kcore        eddy kcore                CoreDecomposition
    scc          eddy scc                  StronglyConnectedComponents (directed graph)
    lpa          eddy lpa                  PLP
    louvain      eddy louvain              PLM (modularity of both printed)
    betweenness  eddy betweenness --samples 100 --seed 1
                                           EstimateBetweenness(100, normalized, parallel)
    wcc          eddy cc                   ConnectedComponents (a sanity check of the driver)
  Every algorithm but scc sees the input as an undirected simple graph (direction,
  duplicate edges and self-loops ignored); scc sees it directed. Vertices are the ids that
  occur in an edge (absent ids of 0..2^SCALE-1 are not vertices).
- Runs each algorithm `--repeat` times, alternating Eddy
  (`eddy CMD FILE -p P --json --quiet`, JSON key `compute_seconds`) and networkit (a
  subprocess of this script, `--peer-worker ALGO FILE`, under the peers' python, with
  nk.setNumberOfThreads(P); reading the file and building the graph are not timed), and
  prints the medians and the ratio:
    rmat20 triangles    eddy 1.234s  networkit 2.345s  eddy/networkit 0.53
  then a line with Eddy's peak resident memory (largest ru_maxrss of its runs; a forked
  child's includes the driver's ~16 MiB before exec, negligible at RMAT-20) and the
  cross-checks: triangle total, max core, number of SCCs / WCCs, exact, a mismatch prints
  a WARNING line; average clustering (if Eddy reports `average_clustering`), communities
  and modularity, informational.
- An Eddy command that does not exist (clap: "unrecognized subcommand") is reported as
  `eddy n/a (command missing)`, any other failure as `eddy n/a (failed: ...)`; the driver
  goes on with networkit and the next algorithm.
- `--peers DIR`: the directory of the peer scripts (setup.sh); default $EDDY_PEERS, else
  ../shared/peers beside the repository. The peers' virtualenv (networkit, numpy, pandas)
  comes from DIR/setup.sh, which prints its python (override with --python).
- `--peer-worker ALGO FILE`: run one networkit measurement and print one JSON line
  (`algo_s`, `load_s`, `V`, `E`, the cross-check values); what the driver runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import DEFAULT_PEERS, ROOT  # noqa: E402  (peers.py guards its main)

# name -> (eddy arguments after the binary, graph networkit needs)
ALGORITHMS = {
    "triangles": (["triangles"], "undirected"),
    "clustering": (["clustering"], "undirected"),
    "kcore": (["kcore"], "undirected"),
    "scc": (["scc"], "directed"),
    "lpa": (["lpa"], "undirected"),
    "louvain": (["louvain"], "undirected"),
    "betweenness": (["betweenness", "--samples", "100", "--seed", "1"], "undirected"),
    "wcc": (["cc"], "undirected"),
}
DEFAULT_ALGORITHMS = [a for a in ALGORITHMS if a != "wcc"]
# cross-checks: (label, eddy JSON key, worker JSON key, exact: mismatch warns)
CHECKS = {
    "triangles": [("triangles", "triangles", "triangles", True)],
    "clustering": [("average clustering", "average_clustering", "average_clustering", False)],
    "kcore": [("max core", "max_core", "max_core", True)],
    "scc": [("components", "components", "components", True)],
    "lpa": [("communities", "communities", "communities", False),
            ("modularity", "modularity", "modularity", False)],
    "louvain": [("communities", "communities", "communities", False),
                ("modularity", "modularity", "modularity", False)],
    "betweenness": [],
    "wcc": [("components", "components", "components", True)],
}


def run_child(cmd):
    """Runs cmd; returns (exit code, stdout, stderr, peak RSS KiB of this child alone)."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err)
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return proc.returncode, out.decode(errors="replace"), stderr, usage.ru_maxrss


def last_json(out):
    lines = [l for l in out.splitlines() if l.startswith("{")]
    return json.loads(lines[-1]) if lines else None


def failure(rc, stderr):
    if "unrecognized subcommand" in stderr:
        return "command missing"
    lines = [l.strip() for l in stderr.splitlines() if l.strip()]
    first = next((l for l in lines if l.startswith("error")), lines[-1] if lines else "")
    return f"failed: exit {rc}: {first[:100]}"


def run_eddy(cmd):
    """Returns (JSON, peak KiB, None) or (None, None, reason)."""
    rc, out, stderr, kib = run_child(cmd)
    if rc != 0:
        return None, None, failure(rc, stderr)
    doc = last_json(out)
    if doc is None or "compute_seconds" not in doc:
        return None, None, "no compute_seconds in --json output"
    return doc, kib, None


def run_peer(py, algo, path, threads):
    """Returns (JSON, None) or (None, reason)."""
    cmd = [py, os.path.abspath(__file__), "--peer-worker", algo, path, "--parallelism", str(threads)]
    rc, out, stderr, _ = run_child(cmd)
    doc = last_json(out) if rc == 0 else None
    if doc is None:
        tail = [l for l in stderr.splitlines() if l.strip()]
        return None, f"failed: exit {rc}: {(tail[-1] if tail else '')[:100]}"
    return doc, None


def peer_worker(algo, path, threads):
    """One networkit measurement: load (untimed), run ALGO (timed), print one JSON line."""
    import numpy as np
    import pandas as pd
    import networkit as nk

    nk.setNumberOfThreads(threads)
    t0 = time.perf_counter()
    edges = pd.read_csv(path, sep=r"\s+", header=None, comment="#", usecols=[0, 1],
                        dtype=np.int64, engine="c").to_numpy()
    src, dst = edges[:, 0], edges[:, 1]
    top = int(max(src.max(), dst.max())) + 1 if len(edges) else 0
    if top <= 4 * len(edges) + 1024:       # R-MAT: ids < 2^SCALE, dense relabelling by a mask
        present = np.zeros(top, dtype=bool)
        present[src] = True
        present[dst] = True
        index = np.cumsum(present) - 1
        n = int(present.sum())
        s, d = index[src], index[dst]
    else:
        ids, dense = np.unique(np.concatenate([src, dst]), return_inverse=True)
        n = len(ids)
        s, d = dense[:len(edges)], dense[len(edges):]
    directed = ALGORITHMS[algo][1] == "directed"
    g = nk.GraphFromCoo((np.ones(len(s)), (s.astype(np.uint64), d.astype(np.uint64))), n=n,
                        directed=directed, weighted=False)
    g.removeMultiEdges()
    g.removeSelfLoops()
    if algo == "triangles":
        g.indexEdges(True)                  # TriangleEdgeScore needs edge ids
    t1 = time.perf_counter()
    res = {}
    if algo == "triangles":
        x = nk.sparsification.TriangleEdgeScore(g)
        x.run()
        t2 = time.perf_counter()
        res["triangles"] = int(round(float(np.sum(np.asarray(x.scores(), dtype=np.float64))) / 3))
    elif algo == "clustering":
        x = nk.centrality.LocalClusteringCoefficient(g, turbo=True)
        x.run()
        t2 = time.perf_counter()
        res["average_clustering"] = float(np.mean(x.scores())) if n else 0.0
    elif algo == "kcore":
        x = nk.centrality.CoreDecomposition(g)
        x.run()
        t2 = time.perf_counter()
        res["max_core"] = int(x.maxCoreNumber())
    elif algo == "scc":
        x = nk.components.StronglyConnectedComponents(g)
        x.run()
        t2 = time.perf_counter()
        res["components"] = int(x.numberOfComponents())
    elif algo == "wcc":
        x = nk.components.ConnectedComponents(g)
        x.run()
        t2 = time.perf_counter()
        res["components"] = int(x.numberOfComponents())
    elif algo in ("lpa", "louvain"):
        x = nk.community.PLP(g) if algo == "lpa" else nk.community.PLM(g)
        x.run()
        t2 = time.perf_counter()
        part = x.getPartition()
        res["communities"] = int(part.numberOfSubsets())
        res["modularity"] = float(nk.community.Modularity().getQuality(part, g))
    elif algo == "betweenness":
        x = nk.centrality.EstimateBetweenness(g, 100, normalized=True, parallel=True)
        x.run()
        t2 = time.perf_counter()
        res["max_score"] = float(max(x.scores())) if n else 0.0
    else:
        raise SystemExit(f"unknown algorithm {algo}")
    print(json.dumps({"peer": "networkit", "version": nk.__version__, "algo": algo, "input": path,
                      "threads": nk.getMaxNumberOfThreads(), "directed": directed,
                      "V": n, "E": g.numberOfEdges(), "load_s": round(t1 - t0, 4),
                      "algo_s": round(t2 - t1, 6), **res}))


def fmt(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=int, nargs="+", default=[20])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parallelism", type=int, default=2)
    ap.add_argument("--eddy", default=os.path.join(ROOT, "target", "release", "eddy"))
    ap.add_argument("--data", default=os.path.join(ROOT, "target", "peer-data"))
    ap.add_argument("--peers", default=DEFAULT_PEERS, help="directory of the peer scripts (setup.sh)")
    ap.add_argument("--python", default=None, help="the peers' python (default: what DIR/setup.sh prints)")
    ap.add_argument("--algorithms", default=",".join(DEFAULT_ALGORITHMS),
                    help=f"comma-separated, of {','.join(ALGORITHMS)}")
    ap.add_argument("--peer-worker", nargs=2, metavar=("ALGO", "FILE"), default=None,
                    help="run one networkit measurement and print one JSON line")
    a = ap.parse_args()
    if a.peer_worker:
        peer_worker(a.peer_worker[0], a.peer_worker[1], a.parallelism)
        return None
    algos = [x for x in a.algorithms.split(",") if x]
    unknown = [x for x in algos if x not in ALGORITHMS]
    if unknown:
        raise SystemExit(f"unknown algorithms {unknown}; known: {','.join(ALGORITHMS)}")
    if a.python:
        py = a.python
    else:
        setup = os.path.join(a.peers, "setup.sh")
        if not os.path.exists(setup):
            raise SystemExit(f"no setup.sh in {a.peers}: pass --peers DIR (or set EDDY_PEERS) or --python PY")
        py = subprocess.run(["bash", setup], check=True, capture_output=True,
                            text=True).stdout.strip().splitlines()[-1]
    os.makedirs(a.data, exist_ok=True)
    rows = []
    for scale in a.scales:
        path = os.path.join(a.data, f"rmat{scale}.txt")
        if not os.path.exists(path):
            subprocess.run([a.eddy, "generate", f"rmat:{scale}", "-o", path], check=True)
        for name in algos:
            eddy_args = ALGORITHMS[name][0]
            cmd = [a.eddy, eddy_args[0], path, *eddy_args[1:], "-p", str(a.parallelism), "--json", "--quiet"]
            times = {"eddy": [], "networkit": []}
            docs = {"eddy": None, "networkit": None}
            why = {"eddy": None, "networkit": None}
            peak = 0
            for _ in range(a.repeat):
                if why["eddy"] is None:
                    doc, kib, why["eddy"] = run_eddy(cmd)
                    if doc is not None:
                        times["eddy"].append(float(doc["compute_seconds"]))
                        docs["eddy"], peak = doc, max(peak, kib)
                if why["networkit"] is None:
                    doc, why["networkit"] = run_peer(py, name, path, a.parallelism)
                    if doc is not None:
                        times["networkit"].append(float(doc["algo_s"]))
                        docs["networkit"] = doc
            med = {k: statistics.median(v) if v and why[k] is None else None for k, v in times.items()}
            parts = [f"{k} {med[k]:.3f}s" if med[k] is not None else f"{k} n/a ({why[k]})" for k in med]
            ratio = (med["eddy"] / med["networkit"] if med["eddy"] is not None and med["networkit"]
                     else None)
            parts.append(f"eddy/networkit {ratio:.2f}" if ratio is not None else "eddy/networkit n/a")
            print(f"rmat{scale} {name:12s} " + "  ".join(parts), flush=True)
            details, warnings = [], []
            if docs["eddy"] is not None:
                edges = docs["eddy"].get("edges")
                per_edge = f" = {peak * 1024 / edges:.1f} bytes/edge" if edges else ""
                details.append(f"eddy peak RSS {peak / 1024:.0f} MiB{per_edge}")
            if docs["networkit"] is not None:
                details.append(f"networkit graph {docs['networkit']['V']} vertices "
                               f"{docs['networkit']['E']} edges")
            for label, ekey, pkey, exact in CHECKS[name]:
                ev = docs["eddy"].get(ekey) if docs["eddy"] is not None else None
                pv = docs["networkit"].get(pkey) if docs["networkit"] is not None else None
                if ev is None and pv is None:
                    continue
                details.append(f"{label}: eddy {fmt(ev) if ev is not None else 'n/a'} "
                               f"networkit {fmt(pv) if pv is not None else 'n/a'}")
                if exact and ev is not None and pv is not None and ev != pv:
                    warnings.append(f"WARNING rmat{scale} {name}: {label} differ: eddy {ev} networkit {pv}")
            if details:
                print(f"rmat{scale} {name:12s}   " + "; ".join(details), flush=True)
            for w in warnings:
                print(w, flush=True)
            rows.append((scale, name, med, ratio))
    return rows


if __name__ == "__main__":
    t = time.time()
    if main() is not None:
        print(f"total {time.time() - t:.0f}s", file=sys.stderr)
