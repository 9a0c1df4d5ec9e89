#!/usr/bin/env python3
"""k-means peer comparison: `eddy kmeans` against scikit-learn on the same data and the
same initial centroids, in the same run, training time only.

usage: python3 benches/ml_peers.py [--shapes 1000000x16 10000000x8] [--k 16] [--repeat 3]
                                   [--iterations 20] [--parallelism 2] [--eddy PATH]
                                   [--data DIR] [--python PY]

- Builds nothing: pass --eddy (default target/release/eddy; `cargo build --release -p eddy-cli`).
- Writes, once per shape, blob data (sklearn `make_blobs`, K centres, cluster_std 6 so
  that Lloyd is still moving after 20 iterations) with 6 significant digits and the
  first K rows of a seeded permutation as initial centroids into --data (default
  target/peer-data), then alternates `--repeat` times: sklearn
  `KMeans(algorithm="lloyd", n_init=1, init=<centroids>, max_iter=N, tol=0)` limited to
  --parallelism threads (ml_peer.py of the peer scripts, `--peers DIR`, default $EDDY_PEERS or ../shared/peers) and `eddy kmeans FILE --init
  CENTROIDS --iterations N --tolerance 0 --parallelism P --json`.
- `--generated`: no files; each side generates its own blobs of the shape in memory
  (sklearn `make_blobs`, Eddy `--generate blobs:N:D:K`) from random initial rows — the
  same shape and iteration count, not the same numbers. For shapes whose CSV would take
  minutes to load (10M × 8).
- Prints per shape the median training seconds (sklearn `algo_s`; Eddy `compute_seconds`),
  the iterations each ran, the inertias (equal data and init give equal results), the
  ratio Eddy / sklearn, and Eddy's peak resident memory against the matrix size.
"""
import argparse
import json
import os
import statistics
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_PEERS = os.environ.get("EDDY_PEERS", os.path.join(os.path.dirname(ROOT), "shared", "peers"))


def run_json(cmd):
    """Runs cmd under /usr/bin/time -v if available; returns (last JSON line, peak KiB)."""
    timed = ["/usr/bin/time", "-v"] + cmd if os.path.exists("/usr/bin/time") else cmd
    proc = subprocess.run(timed, check=True, capture_output=True, text=True)
    line = [l for l in proc.stdout.splitlines() if l.startswith("{")][-1]
    peak = None
    for l in proc.stderr.splitlines():
        if "Maximum resident set size" in l:
            peak = int(l.split()[-1])
    return json.loads(line), peak


def prepare(python, data_dir, n, d, k):
    x_path = os.path.join(data_dir, f"blobs_{n}x{d}_k{k}.csv")
    c_path = os.path.join(data_dir, f"blobs_{n}x{d}_k{k}.init.csv")
    if not (os.path.exists(x_path) and os.path.exists(c_path)):
        script = f"""
import numpy as np
from sklearn.datasets import make_blobs
X, _ = make_blobs(n_samples={n}, n_features={d}, centers={k}, cluster_std=6.0, random_state=0)
np.savetxt({x_path!r}, X, delimiter=",", fmt="%.6g")
X = np.loadtxt({x_path!r}, delimiter=",")
init = X[np.random.default_rng(0).permutation(len(X))[:{k}]]
np.savetxt({c_path!r}, init, delimiter=",", fmt="%.17g")
"""
        subprocess.run([python, "-c", script], check=True)
    return x_path, c_path


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", nargs="+", default=["1000000x16"])
    ap.add_argument("--k", type=int, default=16)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--iterations", type=int, default=20)
    ap.add_argument("--parallelism", type=int, default=2)
    ap.add_argument("--eddy", default=os.path.join(ROOT, "target", "release", "eddy"))
    ap.add_argument("--data", default=os.path.join(ROOT, "target", "peer-data"))
    ap.add_argument("--peers", default=DEFAULT_PEERS, help="directory of the peer scripts (ml_peer.py, setup.sh)")
    ap.add_argument("--python", default=None)
    ap.add_argument("--generated", action="store_true")
    a = ap.parse_args()
    python = a.python or subprocess.run([os.path.join(a.peers, "setup.sh")], check=True, capture_output=True,
                                        text=True).stdout.strip().splitlines()[-1]
    os.makedirs(a.data, exist_ok=True)
    for shape in a.shapes:
        n, d = map(int, shape.split("x"))
        if a.generated:
            peer_input = ["--blobs", f"{n}:{d}:{a.k}:0"]
            eddy_input = ["--generate", f"blobs:{n}:{d}:{a.k}:0", "--k", str(a.k), "--init", "random"]
        else:
            x_path, c_path = prepare(python, a.data, n, d, a.k)
            peer_input = ["--data", x_path, "--init", c_path]
            eddy_input = [x_path, "--init", c_path]
        eddy_s, peer_s, eddy_peak = [], [], 0
        for _ in range(a.repeat):
            peer, _ = run_json([python, os.path.join(a.peers, "ml_peer.py"), "kmeans", *peer_input,
                                "--k", str(a.k), "--iterations", str(a.iterations), "--threads", str(a.parallelism)])
            ours, peak = run_json([a.eddy, "kmeans", *eddy_input, "--iterations", str(a.iterations),
                                   "--tolerance", "0", "--parallelism", str(a.parallelism), "--json", "--quiet"])
            peer_s.append(peer["algo_s"])
            eddy_s.append(ours["compute_seconds"])
            eddy_peak = max(eddy_peak, peak or 0)
        e, p = statistics.median(eddy_s), statistics.median(peer_s)
        matrix_mib = n * d * 8 / 2**20
        print(json.dumps({
            "shape": shape, "k": a.k, "parallelism": a.parallelism,
            "eddy_s": round(e, 4), "sklearn_s": round(p, 4), "ratio": round(e / p, 3),
            "eddy_iterations": ours["iterations"], "sklearn_iterations": peer["iterations"],
            "eddy_inertia": ours["inertia"], "sklearn_inertia": peer["inertia"],
            "eddy_runs": eddy_s, "sklearn_runs": peer_s,
            "eddy_peak_mib": round(eddy_peak / 1024, 1), "matrix_mib": round(matrix_mib, 1),
        }))


if __name__ == "__main__":
    main()
