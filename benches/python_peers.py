#!/usr/bin/env python3
"""Python-side benchmark: eddy's PageRank (20 iterations) against networkit and igraph
in the same process on the same R-MAT edges, against the CLI's compute time, and the call
overhead of a tiny PageRank.

usage: python benches/python_peers.py [--scale 20] [--repeat 3] [--parallelism 2] [--eddy PATH]

Needs the `eddy` extension built in release mode in the running environment
(`maturin develop --release -m python/Cargo.toml`) and `pip install networkit igraph`.
Prints one JSON line of medians:
- `eddy_first_s`: `g.pagerank(iterations=20)` on a `Graph` that holds no built graph (its
  cache cleared before each run, outside the timing): the partitioned graph is built,
  then PageRank runs; `eddy_second_s`: the same call again, re-attaching the graph the
  first call kept;
- `cli_compute_s`: `compute_seconds` of `eddy pagerank --generate rmat:SCALE --iterations
  20 --parallelism P --json` (the algorithm only, load excluded), run `--repeat` times,
  with the binary `--eddy PATH` (default: `target/release/eddy` if present);
  `eddy_second_over_cli` the ratio;
- networkit's and igraph's algorithm time (their graph construction excluded) and the
  ratios of eddy's first and second call to them;
- the median time of one 10-vertex `pagerank(iterations=20)` call (from the second call on).
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import numpy as np

import eddy


def median_time(call, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_call_time(graph, call, repeat):
    """The median time of `call` on `graph` after dropping its built graphs (not timed)."""
    times = []
    for _ in range(repeat):
        graph.clear_cache()
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cli_compute_time(eddy_bin, scale, parallelism, repeat):
    """The median `compute_seconds` the CLI reports for PageRank on `rmat:SCALE`."""
    command = [eddy_bin, "pagerank", "--generate", f"rmat:{scale}", "--iterations", "20",
               "--parallelism", str(parallelism), "--json"]
    times = []
    for _ in range(repeat):
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        times.append(json.loads(out)["compute_seconds"])
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parallelism", type=int, default=2)
    default_eddy = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "eddy")
    ap.add_argument("--eddy", default=default_eddy,
                    help="the eddy binary whose compute time to report (default: target/release/eddy; "
                         "skipped when missing)")
    a = ap.parse_args()
    # rmat:SCALE:16:1, the graph of `eddy pagerank --generate rmat:SCALE`.
    g = eddy.generate.rmat(a.scale, 16, seed=1)
    src, dst, _ = g.edges()
    result = {"scale": a.scale, "edges": int(len(src)), "parallelism": a.parallelism}

    def pagerank():
        return g.pagerank(iterations=20, parallelism=a.parallelism)

    result["eddy_first_s"] = first_call_time(g, pagerank, a.repeat)
    pagerank()
    result["eddy_second_s"] = median_time(pagerank, a.repeat)
    if os.path.exists(a.eddy):
        result["eddy"] = os.path.realpath(a.eddy)
        result["cli_compute_s"] = cli_compute_time(a.eddy, a.scale, a.parallelism, a.repeat)
        result["eddy_second_over_cli"] = round(result["eddy_second_s"] / result["cli_compute_s"], 3)
    try:
        import networkit as nk
        nk.setNumberOfThreads(a.parallelism)
        n = int(max(src.max(), dst.max())) + 1
        ng = nk.GraphFromCoo((np.ones(len(src)), (src.astype(np.uint64), dst.astype(np.uint64))), n=n, directed=True)
        def networkit_pagerank():
            pr = nk.centrality.PageRank(ng, damp=0.85, tol=0.0)
            pr.maxIterations = 20
            pr.run()
        result["networkit_s"] = median_time(networkit_pagerank, a.repeat)
        result["eddy_first_over_networkit"] = round(result["eddy_first_s"] / result["networkit_s"], 3)
        result["eddy_second_over_networkit"] = round(result["eddy_second_s"] / result["networkit_s"], 3)
    except ImportError:
        pass
    try:
        import igraph as ig
        ig_graph = ig.Graph(n=int(max(src.max(), dst.max())) + 1, edges=np.column_stack([src, dst]).astype(np.int64), directed=True)
        # prpack solves to convergence (no iteration cap): a speed reference, not 20 iterations.
        result["igraph_s"] = median_time(lambda: ig_graph.pagerank(damping=0.85), a.repeat)
        result["eddy_first_over_igraph"] = round(result["eddy_first_s"] / result["igraph_s"], 3)
        result["eddy_second_over_igraph"] = round(result["eddy_second_s"] / result["igraph_s"], 3)
    except ImportError:
        pass
    tiny = eddy.Graph.from_edges(np.arange(10), (np.arange(10) + 1) % 10)
    calls = [median_time(lambda: tiny.pagerank(iterations=20, parallelism=1), 1) for _ in range(200)]
    result["tiny_call_us"] = round(statistics.median(calls) * 1e6, 1)
    calls2 = [median_time(lambda: tiny.pagerank(iterations=20, parallelism=2), 1) for _ in range(200)]
    result["tiny_call_us_p2"] = round(statistics.median(calls2) * 1e6, 1)
    calls_default = [median_time(lambda: tiny.pagerank(iterations=20), 1) for _ in range(200)]
    result["tiny_call_us_default_parallelism"] = round(statistics.median(calls_default) * 1e6, 1)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
