#!/usr/bin/env python3
"""Python-side benchmark: eddy's PageRank (20 iterations) against networkit and igraph
in the same process on the same R-MAT edges, and the call overhead of a tiny PageRank.

usage: python benches/python_peers.py [--scale 20] [--repeat 3] [--parallelism 2]

Needs the `eddy` extension built in release mode in the running environment
(`maturin develop --release -m python/Cargo.toml`) and `pip install networkit igraph`.
Prints one JSON line: medians of the algorithm time (graph construction excluded) and the
ratios eddy / peer, and the median time of one 10-vertex `pagerank(iterations=20)` call.
"""
import argparse
import json
import os
import statistics
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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--parallelism", type=int, default=2)
    a = ap.parse_args()
    g = eddy.generate.rmat(a.scale, 16, seed=1)
    src, dst, _ = g.edges()
    result = {"scale": a.scale, "edges": int(len(src)), "parallelism": a.parallelism}
    result["eddy_s"] = median_time(lambda: g.pagerank(iterations=20, parallelism=a.parallelism), a.repeat)
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
        result["eddy_over_networkit"] = round(result["eddy_s"] / result["networkit_s"], 3)
    except ImportError:
        pass
    try:
        import igraph as ig
        ig_graph = ig.Graph(n=int(max(src.max(), dst.max())) + 1, edges=np.column_stack([src, dst]).astype(np.int64), directed=True)
        # prpack solves to convergence (no iteration cap): a speed reference, not 20 iterations.
        result["igraph_s"] = median_time(lambda: ig_graph.pagerank(damping=0.85), a.repeat)
        result["eddy_over_igraph"] = round(result["eddy_s"] / result["igraph_s"], 3)
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
