#!/usr/bin/env python3
"""Peer comparison driver: Eddy's CLI against networkit (and igraph) on the same R-MAT
edge lists, in the same run, algorithm time only.

usage: python3 benches/peers.py [--scales 20 22] [--repeat 3] [--parallelism 2]
                                [--eddy PATH] [--baseline PATH] [--data DIR]
                                [--peers DIR] [--libraries networkit,igraph]
                                [--models fast,vertex-centric,scatter-gather,gsa]

- Builds nothing: pass --eddy (default target/release/eddy; build it with
  `cargo build --release -p eddy-cli`).
- Generates `rmat:SCALE` with `eddy generate` into --data (default target/peer-data) once.
- Runs, per scale: PageRank with 20 iterations, WCC and BFS from the smallest vertex id,
  `--repeat` times each, alternating Eddy and the peers, and prints the median algorithm
  seconds (Eddy: `compute_seconds` of `--json`; peers: `algo_s` of the peer scripts'
  graph_peer.py) and the ratio Eddy / networkit. Also Eddy's peak resident memory per
  edge (resource.getrusage of the child).
- `--baseline PATH`: a second eddy binary (e.g. the build before a change), run in turn
  with the first, reported as `baseline` with its own ratio: before/after in one run.
- `--models`: the implementations of Eddy to run (`eddy ... --model M`), each reported as
  `eddy-M` with its ratio to networkit and to Eddy's fast path; default `fast`.
- `--peers DIR`: the directory of the peer scripts (graph_peer.py, setup.sh); default
  $EDDY_PEERS, else ../shared/peers beside the repository. `--libraries`: which peers
  to run. The peers' virtualenv comes from DIR/setup.sh (override with --python).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PEERS = os.environ.get("EDDY_PEERS", os.path.join(os.path.dirname(ROOT), "shared", "peers"))


def run_json(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    line = [l for l in out.splitlines() if l.startswith("{")][-1]
    return json.loads(line), max(before, after)


def child_peak_kib(cmd):
    """Peak RSS of one child process in KiB (Linux ru_maxrss), measured in a fresh fork."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with status {status}")
    return usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", type=int, nargs="+", default=[20])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parallelism", type=int, default=2)
    ap.add_argument("--eddy", default=os.path.join(ROOT, "target", "release", "eddy"))
    ap.add_argument("--data", default=os.path.join(ROOT, "target", "peer-data"))
    ap.add_argument("--baseline", default=None, help="a second eddy binary to compare with")
    ap.add_argument("--peers", default=DEFAULT_PEERS, help="directory of the peer scripts")
    ap.add_argument("--libraries", default="networkit", help="comma-separated peers to run")
    ap.add_argument("--models", default="fast", help="comma-separated eddy --model values")
    ap.add_argument("--python", default=None)
    a = ap.parse_args()
    if not os.path.exists(os.path.join(a.peers, "graph_peer.py")):
        raise SystemExit(f"no graph_peer.py in {a.peers}: pass --peers DIR (or set EDDY_PEERS)")
    py = a.python or subprocess.run(["bash", os.path.join(a.peers, "setup.sh")], check=True,
                                    capture_output=True, text=True).stdout.strip().splitlines()[-1]
    os.makedirs(a.data, exist_ok=True)
    peers = [p for p in a.libraries.split(",") if p]
    models = [m for m in a.models.split(",") if m]
    eddies = {("eddy" if m == "fast" else f"eddy-{m}"): (a.eddy, m) for m in models}
    if a.baseline:
        eddies["baseline"] = (a.baseline, "fast")
    rows = []
    for scale in a.scales:
        path = os.path.join(a.data, f"rmat{scale}.txt")
        if not os.path.exists(path):
            subprocess.run([a.eddy, "generate", f"rmat:{scale}", "-o", path], check=True)
        with open(path) as f:
            source = min(int(line.split()[0]) for line in f if line[0].isdigit())
        with open(path) as f:
            source = min(source, min(int(line.split()[1]) for line in f if line[0].isdigit()))
        algos = {
            "pagerank20": (["pagerank", "--iterations", "20"], "pagerank20"),
            "wcc": (["cc"], "wcc"),
            "bfs": (["sssp", "--unweighted", "--source", str(source)], "bfs"),
        }
        for name, (eddy_args, peer_algo) in algos.items():
            times = {e: [] for e in eddies}
            times.update({p: [] for p in peers})
            for _ in range(a.repeat):
                for label, (binary, model) in eddies.items():
                    cmd = [binary, *eddy_args, path, "--parallelism", str(a.parallelism), "--json", "--quiet"]
                    if model != "fast":
                        cmd += ["--model", model]
                    out, _ = run_json(cmd)
                    times[label].append(out["compute_seconds"])
                for p in peers:
                    pcmd = [py, os.path.join(a.peers, "graph_peer.py"), p, peer_algo, path,
                            "--threads", str(a.parallelism)]
                    if name == "bfs":
                        pcmd += ["--source", str(source)]
                    pout, _ = run_json(pcmd)
                    times[p].append(pout["algo_s"])
            med = {k: statistics.median(v) for k, v in times.items()}
            ratios = {e: med[e] / med["networkit"] if "networkit" in med else float("nan") for e in eddies}
            rows.append((scale, name, med, ratios.get("eddy", float("nan"))))
            versus_fast = "".join(f"  {e}/eddy {med[e] / med['eddy']:.2f}" for e in eddies
                                  if e.startswith("eddy-") and "eddy" in med)
            print(f"rmat{scale} {name:11s} " + "  ".join(f"{k} {v:.3f}s" for k, v in med.items())
                  + "".join(f"  {e}/networkit {r:.2f}" for e, r in ratios.items()) + versus_fast, flush=True)
        edges = out["edges"]
        kib = child_peak_kib([a.eddy, "pagerank", path, "--iterations", "20", "--parallelism",
                              str(a.parallelism), "--json", "--quiet"])
        print(f"rmat{scale} eddy pagerank peak RSS {kib / 1024:.0f} MiB = {kib * 1024 / edges:.1f} bytes/edge "
              f"({edges} edges)", flush=True)
    return rows


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"total {time.time() - t:.0f}s", file=sys.stderr)
