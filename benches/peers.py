#!/usr/bin/env python3
"""Peer comparison driver: Eddy's CLI against networkit (and igraph) on the same R-MAT
edge lists, in the same run, algorithm time only.

usage: python3 benches/peers.py [--scales 20 22] [--repeat 3] [--parallelism 2]
                                [--eddy PATH] [--data DIR] [--peers networkit,igraph]

- Builds nothing: pass --eddy (default target/release/eddy; build it with
  `cargo build --release -p eddy-cli`).
- Generates `rmat:SCALE` with `eddy generate` into --data (default target/peer-data) once.
- Runs, per scale: PageRank with 20 iterations, WCC and BFS from the smallest vertex id,
  `--repeat` times each, alternating Eddy and the peers, and prints the median algorithm
  seconds (Eddy: `compute_seconds` of `--json`; peers: `algo_s` of
  ../shared/peers/graph_peer.py) and the ratio Eddy / networkit. Also Eddy's peak
  resident memory per edge (from /usr/bin/time -v or resource.getrusage of the child).
- The peers' virtualenv comes from ../shared/peers/setup.sh (override with --python).
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
PEERS = os.path.join(os.path.dirname(ROOT), "shared", "peers")


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
    ap.add_argument("--peers", default="networkit")
    ap.add_argument("--python", default=None)
    a = ap.parse_args()
    py = a.python or subprocess.run(["bash", os.path.join(PEERS, "setup.sh")], check=True,
                                    capture_output=True, text=True).stdout.strip().splitlines()[-1]
    os.makedirs(a.data, exist_ok=True)
    peers = [p for p in a.peers.split(",") if p]
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
            times = {"eddy": []}
            times.update({p: [] for p in peers})
            for _ in range(a.repeat):
                cmd = [a.eddy, *eddy_args, path, "--parallelism", str(a.parallelism), "--json", "--quiet"]
                out, _ = run_json(cmd)
                times["eddy"].append(out["compute_seconds"])
                for p in peers:
                    pcmd = [py, os.path.join(PEERS, "graph_peer.py"), p, peer_algo, path,
                            "--threads", str(a.parallelism)]
                    if name == "bfs":
                        pcmd += ["--source", str(source)]
                    pout, _ = run_json(pcmd)
                    times[p].append(pout["algo_s"])
            med = {k: statistics.median(v) for k, v in times.items()}
            ratio = med["eddy"] / med["networkit"] if "networkit" in med else float("nan")
            rows.append((scale, name, med, ratio))
            print(f"rmat{scale} {name:11s} " + "  ".join(f"{k} {v:.3f}s" for k, v in med.items())
                  + f"  eddy/networkit {ratio:.2f}", flush=True)
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
