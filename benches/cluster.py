#!/usr/bin/env python3
"""Cluster mode against local mode, same binary, same run: PageRank (20 iterations) on a
generated R-MAT graph with 2 TaskManager processes × 1 slot on loopback vs local mode
with parallelism 2; the bytes the workers exchange per superstep; the latency of one
superstep barrier (an empty all-gather: JobManager round trip on the cluster, channel
exchange locally).

usage: python3 benches/cluster.py [--scale 20] [--repeat 3] [--rounds 2000]

Needs release builds: `cargo build --release -p eddy-cli` and
`cargo build --release -p eddy --example cluster_job`
(`CARGO_TARGET_DIR` is honoured). Prints one JSON line with the medians.
"""
import argparse
import json
import os
import statistics
import subprocess
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
EDDY = os.path.join(TARGET, "release", "eddy")
EXAMPLE = os.path.join(TARGET, "release", "examples", "cluster_job")
ENV = dict(os.environ, EDDY_CLUSTER_SECRET="bench-secret", RUST_LOG="warn")


def start(args):
    """Starts a process and returns it with the first line it prints."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=ENV)
    return process, process.stdout.readline().strip()


def after(banner, word):
    return banner.split(word, 1)[1].split()[0].rstrip(",)")


def pagerank(scale, extra):
    args = [EDDY, "pagerank", "--generate", f"rmat:{scale}", "--iterations", "20", "--parallelism", "2",
            "--json", "--quiet"] + extra
    started = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True, env=ENV).stdout
    wall = time.perf_counter() - started
    report = json.loads(out)
    return report["compute_seconds"], wall


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2000)
    a = ap.parse_args()
    processes = []
    try:
        jm, banner = start([EDDY, "jobmanager", "--bind", "127.0.0.1:0", "--status-bind", "127.0.0.1:0"])
        processes.append(jm)
        address, status = after(banner, "listening on "), after(banner, "status http://")
        for _ in range(2):
            tm, _ = start([EDDY, "taskmanager", "--jobmanager", address, "--slots", "1"])
            processes.append(tm)
        local = [pagerank(a.scale, []) for _ in range(a.repeat)]
        cluster = [pagerank(a.scale, ["--cluster", address]) for _ in range(a.repeat)]
        jobs = json.loads(urllib.request.urlopen(f"http://{status}").read())["jobs"]
        last = jobs[-1]
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
        for p in processes:
            p.terminate()
            p.wait()
    barrier_local = json.loads(subprocess.run([EXAMPLE, "barriers-local", "2", str(a.rounds)], check=True,
                                              capture_output=True, text=True, env=ENV).stdout)
    local_compute = statistics.median(c for c, _ in local)
    cluster_compute = statistics.median(c for c, _ in cluster)
    result = {
        "scale": a.scale,
        "local_compute_s": round(local_compute, 3),
        "cluster_compute_s": round(cluster_compute, 3),
        "compute_ratio": round(cluster_compute / local_compute, 2),
        "local_wall_s": round(statistics.median(w for _, w in local), 3),
        "cluster_wall_s": round(statistics.median(w for _, w in cluster), 3),
        "bytes_exchanged": last["bytes_exchanged"],
        "supersteps": last["supersteps"],
        "bytes_per_superstep": last["bytes_exchanged"] // max(last["supersteps"], 1),
        "barriers_per_job": last["barriers"],
        "barrier_us_cluster": round(barrier_cluster["barrier_seconds"] * 1e6, 1),
        "barrier_us_local": round(barrier_local["barrier_seconds"] * 1e6, 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
