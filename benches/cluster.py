#!/usr/bin/env python3
"""Cluster mode against local mode, same binary, same run: PageRank (20 iterations) on a
generated R-MAT graph with N TaskManager processes × 1 slot on loopback (default 2) vs
local mode with parallelism N; the bytes the workers exchange per superstep; the latency
of one superstep barrier (an empty all-gather: JobManager round trip on the cluster,
channel exchange locally).

usage: python3 benches/cluster.py [--scale 20] [--repeat 3] [--rounds 2000] [--taskmanagers N]
                                  [--model fast|vertex-centric|scatter-gather|gsa] [--python PY]

- `--model`: the PageRank implementation run (`eddy pagerank --model M`), default `fast`;
  the generic models' traffic is measured the same way, against the same cut.

- `bytes_per_superstep` is the data-plane traffic of one PageRank iteration, loading
  excluded: (bytes of a 20-iteration job - bytes of a 10-iteration job) / 10.
  `load_bytes` is what building the graph moves (the 10-iteration job less 10 supersteps).
- `cut` is the number of (worker, vertex of another worker) pairs such that the worker
  owns an in-edge from that vertex — the values a pull over the in-edges must receive
  per iteration; `cut_bytes` = 8 × cut, and `traffic_over_cut` = bytes_per_superstep /
  cut_bytes. It is computed from the generated edge list (`eddy generate`, cached in
  target/peer-data) by replaying the graph's partitioning (ranges of dense ids balanced by
  vertices plus edge endpoints, on block boundaries); it needs numpy, taken from the peers'
  virtualenv (`--python`, default ~/.cache/eddy-peers/bin/python) when this interpreter
  lacks it.

Needs release builds: `cargo build --release -p eddy-cli` and
`cargo build --release -p eddy --example cluster_job`
(`CARGO_TARGET_DIR` is honoured). Prints one JSON line with the medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
EDDY = os.path.join(TARGET, "release", "eddy")
EXAMPLE = os.path.join(TARGET, "release", "examples", "cluster_job")
ENV = dict(os.environ, EDDY_CLUSTER_SECRET="bench-secret", RUST_LOG="warn")
PEERS_PYTHON = os.path.expanduser("~/.cache/eddy-peers/bin/python")


def start(args):
    """Starts a process and returns it with the first line it prints."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
    return process, process.stdout.readline().strip()


def after(banner, word):
    return banner.split(word, 1)[1].split()[0].rstrip(",)")


def pagerank(scale, parallelism, iterations, model, extra):
    args = [EDDY, "pagerank", "--generate", f"rmat:{scale}", "--iterations", str(iterations), "--parallelism",
            str(parallelism), "--model", model, "--json", "--quiet"] + extra
    started = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=ENV).stdout
    wall = time.perf_counter() - started
    report = json.loads(out)
    return report["compute_seconds"], wall


def last_job(status):
    return json.loads(urllib.request.urlopen(f"http://{status}").read())["jobs"][-1]


def cut_size(path, parallelism):
    """The (worker, remote source vertex) pairs of the graph's partitioning into `parallelism`
    ranges (gelly/src/graph/build.rs `balanced_partitioning`, `block_size`)."""
    import numpy as np

    # `eddy generate` writes "src<TAB>dst" lines, nothing else.
    edges = np.fromfile(path, dtype=np.int64, sep=" ").reshape(-1, 2)
    keys, dense = np.unique(edges, return_inverse=True)
    dense = dense.reshape(edges.shape)
    n = len(keys)
    block = min(max(1 << max((n // 4096) - 1, 0).bit_length(), 1), 1024)
    blocks = -(-n // block)
    weight = np.bincount(dense.ravel() // block, minlength=blocks).astype(np.int64)
    weight += np.minimum(block, n - np.arange(blocks) * block)
    prefix = np.cumsum(weight)
    total = int(prefix[-1])
    bounds = [0]
    for i in range(1, parallelism):
        b = int(np.searchsorted(prefix, total * i // parallelism, side="right"))
        bounds.append(max(min(b * block, n), bounds[-1]))
    bounds.append(n)
    bounds = np.array(bounds)
    src, dst = dense[:, 0], dense[:, 1]
    reader = np.searchsorted(bounds, dst, side="right") - 1
    owner = np.searchsorted(bounds, src, side="right") - 1
    remote = reader != owner
    pairs = np.unique(reader[remote] * n + src[remote])
    return int(len(pairs)), [int(b) for b in bounds]


def cut(scale, parallelism, python):
    path = os.path.join(TARGET, "peer-data", f"rmat{scale}.txt")
    if not os.path.exists(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        subprocess.run([EDDY, "generate", f"rmat:{scale}", "-o", path], check=True, capture_output=True)
    try:
        import numpy  # noqa: F401
    except ImportError:
        if not os.path.exists(python):
            return None, None
        out = subprocess.run([python, os.path.abspath(__file__), "--cut-of", path, str(parallelism)], check=True,
                             capture_output=True, text=True).stdout
        return tuple(json.loads(out))
    return cut_size(path, parallelism)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--cut-of":
        print(json.dumps(cut_size(sys.argv[2], int(sys.argv[3]))))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2000)
    ap.add_argument("--taskmanagers", type=int, default=2, help="TaskManagers (1 slot each) = parallelism")
    ap.add_argument("--model", default="fast", choices=["fast", "vertex-centric", "scatter-gather", "gsa"],
                    help="the PageRank implementation (eddy pagerank --model)")
    ap.add_argument("--python", default=PEERS_PYTHON, help="a python with numpy, for the cut size")
    a = ap.parse_args()
    p = a.taskmanagers
    processes = []
    try:
        jm, banner = start([EDDY, "jobmanager", "--bind", "127.0.0.1:0", "--status-bind", "127.0.0.1:0"])
        processes.append(jm)
        address, status = after(banner, "listening on "), after(banner, "status http://")
        for _ in range(p):
            tm, _ = start([EDDY, "taskmanager", "--jobmanager", address, "--slots", "1"])
            processes.append(tm)
        local = [pagerank(a.scale, p, 20, a.model, []) for _ in range(a.repeat)]
        cluster = []
        for _ in range(a.repeat):
            cluster.append(pagerank(a.scale, p, 20, a.model, ["--cluster", address]))
            full = last_job(status)
        pagerank(a.scale, p, 10, a.model, ["--cluster", address])
        half = last_job(status)
        # The barrier probe is a job of the example binary: its own JobManager and
        # TaskManagers (every process of a cluster is the same binary).
        example_jm, banner = start([EXAMPLE, "jobmanager", "127.0.0.1:0"])
        processes.append(example_jm)
        example_address = after(banner, "listening on ")
        for _ in range(2):
            processes.append(start([EXAMPLE, "taskmanager", example_address])[0])
        barrier_cluster = json.loads(subprocess.run([EXAMPLE, "barriers", example_address, str(a.rounds)],
                                                    check=True, capture_output=True, text=True, env=ENV).stdout)
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    barrier_local = json.loads(subprocess.run([EXAMPLE, "barriers-local", "2", str(a.rounds)], check=True,
                                              capture_output=True, text=True, env=ENV).stdout)
    local_compute = statistics.median(c for c, _ in local)
    cluster_compute = statistics.median(c for c, _ in cluster)
    supersteps = full["supersteps"] - half["supersteps"]
    per_superstep = (full["bytes_exchanged"] - half["bytes_exchanged"]) // max(supersteps, 1)
    pairs, bounds = cut(a.scale, p, a.python)
    result = {
        "scale": a.scale,
        "taskmanagers": p,
        "model": a.model,
        "local_compute_s": round(local_compute, 3),
        "cluster_compute_s": round(cluster_compute, 3),
        "compute_ratio": round(cluster_compute / local_compute, 2),
        "local_wall_s": round(statistics.median(w for _, w in local), 3),
        "cluster_wall_s": round(statistics.median(w for _, w in cluster), 3),
        "bytes_exchanged": full["bytes_exchanged"],
        "supersteps": full["supersteps"],
        "load_bytes": half["bytes_exchanged"] - per_superstep * half["supersteps"],
        "bytes_per_superstep": per_superstep,
        "cut": pairs,
        "cut_bytes": None if pairs is None else 8 * pairs,
        "traffic_over_cut": None if not pairs else round(per_superstep / (8 * pairs), 3),
        "bounds": bounds,
        "barriers_per_job": full["barriers"],
        "barrier_us_cluster": round(barrier_cluster["barrier_seconds"] * 1e6, 1),
        "barrier_us_local": round(barrier_local["barrier_seconds"] * 1e6, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
