#!/usr/bin/env python3
"""Independent oracle for Eddy's graph algorithms, built on networkx.

Writes small input graphs and the results networkx computes for them into
tests/data/graphs/, where Rust tests read both and compare.

Run from anywhere (the output path is found from this file's location):

    python3 scripts/oracle/graph_expected.py           # regenerate tests/data/graphs/
    python3 scripts/oracle/graph_expected.py --check   # regenerate into a temporary directory
                                                       # and fail if anything differs

Needs only the standard library and networkx (written against networkx 3.6.1,
Python 3.11). Everything is deterministic: each case draws from its own
random.Random(seed) (no numpy, no set/dict ordering of unhashed values), so a
re-run rewrites every file byte for byte.

Files, for each case NAME:

  NAME.txt           edge list. First line is a "# ..." comment describing the
                     case; then one edge per line, "src dst weight", separated by
                     a single space. Vertex ids are non-negative integers (u64),
                     deliberately NOT 0..n-1 in the random cases: they are mapped
                     through a random sparse id set that includes ids above 2^31,
                     above 2^32 and 2^40 itself. Weights are finite floats >= 0
                     written with repr(), so they parse back to the same f64
                     (some are exactly 0.0, some have 17 significant digits).
                     There are NO duplicate (src, dst) pairs: the oracle loads the
                     files into an nx.DiGraph, which would merge duplicates.
                     Self-loops do occur.
  NAME.pagerank.tsv  unweighted PageRank, alpha=0.85, tol=1e-15, max_iter=10000.
  NAME.wcc.tsv       weakly connected components; label = smallest vertex id in
                     the component.
  NAME.sssp.tsv      weighted shortest-path distance (Dijkstra on 'weight') from
                     the case's source; "inf" when unreachable.
  NAME.bfs.tsv       hop distance (unweighted) from the same source, an integer
                     like "3", or "inf" when unreachable.

Graph-library results ("U" is the undirected simple view, see Conventions):

  NAME.triangles.tsv      nx.triangles(U): triangles through each vertex (integer).
  NAME.clustering.tsv     nx.clustering(U) (float; 0.0 when degree < 2).
  NAME.core.tsv           nx.core_number(U) (integer; 0 for isolated vertices).
  NAME.scc.tsv            strongly connected components of the directed view;
                          label = smallest vertex id in the component.
  NAME.hits.tsv           three columns "vertex<TAB>hub<TAB>authority": HITS on
                          the directed view, UNWEIGHTED, each column sums to 1.
  NAME.betweenness.tsv    nx.betweenness_centrality(U, normalized=True), exact.
  NAME.closeness.tsv      nx.closeness_centrality(U) (wf_improved=True).
  NAME.harmonic.tsv       nx.harmonic_centrality(U) (float; 0.0 when isolated).
  NAME.jaccard.tsv        "u<TAB>v<TAB>score" for every pair u < v of vertices with
  NAME.adamic_adar.tsv    at least one common neighbour in U (adjacent or not),
                          sorted by (u, v): nx.jaccard_coefficient(U, pairs) and
                          nx.adamic_adar_index(U, pairs). Not written when a case
                          has more than PAIR_FILE_LIMIT (60000) such pairs.
  NAME.pagerank_weighted.tsv      PageRank as above but weight="weight".
  NAME.pagerank_personalized.tsv  PageRank as above (unweighted) with
                          personalization={source: 1}, source = the manifest's
                          sssp_source.
  NAME.stats.tsv          "key<TAB>value" lines, in this order: triangles (total in
                          U = sum(nx.triangles(U)) / 3), average_clustering
                          (nx.average_clustering(U)), transitivity
                          (nx.transitivity(U)), louvain_modularity
                          (nx.community.modularity(U, C) of
                          C = nx.community.louvain_communities(U, seed=42)),
                          undirected_edges (U.number_of_edges()), max_core (max of
                          NAME.core.tsv). Integers as integers, the rest floats.
  NAME.triadic_census.tsv "code<TAB>count" for the 16 triad types in networkx's
                          order (003 012 102 021D 021U 021C 111D 111U 030T 030C
                          201 120D 120U 120C 210 300): nx.triadic_census of the
                          directed view with its self-loops removed.
  davis.bipartite.tsv     (bipartite cases only) "kind<TAB>u<TAB>v<TAB>value" with
                          kind top_simple (nx.bipartite.projected_graph(U, women),
                          value 1), top_weighted (weighted_projected_graph(U,
                          women): value = number of shared events), bottom_simple,
                          bottom_weighted (the same on the events); one line per
                          projected edge, u < v; kinds in that order, then by (u, v).

Files with one line per vertex ("vertex<TAB>value", or three columns for HITS)
are sorted by vertex id in numeric order; no file has a header. Floats are
written with repr() so they round-trip exactly ("0.0", "1e-05", "0.0123...");
Rust's f64::from_str reads all of them and "inf". Integer-valued results
(triangles, core, scc, counts) are written as integers.

Conventions:
  * The vertex set is exactly the ids that appear in some edge (as src or dst).
    A vertex of its own therefore needs an edge: a one-vertex component is a
    vertex with only a self-loop.
  * SSSP/BFS source: the vertex with the largest out-degree (a self-loop counts
    as one out-edge), ties broken by the smallest id. Recorded in manifest.tsv
    (header line, then name, vertices, edges, sssp_source, description).
  * PageRank (networkx semantics, which the Rust implementation must follow):
      - weights are ignored (weight=None): each out-edge of u carries 1/outdeg(u);
      - a self-loop is an ordinary out-edge: it counts in outdeg(u) and returns
        that share of u's rank to u itself; a vertex whose only out-edge is a
        self-loop is NOT dangling;
      - dangling vertices (out-degree 0) spread alpha * their rank uniformly over
        all N vertices (the dangling vector defaults to the uniform
        personalization vector);
      - the teleport term is (1 - alpha) / N; ranks sum to 1;
      - iteration starts from 1/N everywhere and stops when the L1 change of
        one step is below N * tol.
    nx.pagerank() dispatches to a scipy implementation, and scipy/numpy need not
    be installed, so this script calls networkx's pure-Python power iteration
    networkx.algorithms.link_analysis.pagerank_alg._pagerank_python with the same
    arguments (same algorithm and semantics, and independent of whether scipy is
    installed, so output does not depend on the environment). tol=1e-15
    converges for every case. Each result is also checked against a 60-digit
    decimal power iteration run to convergence: every value must be within
    1e-12 of the exact fixed point (the script fails otherwise); the largest
    error measured with networkx 3.6.1 is 1.9e-13 (rand1000; each run prints
    the error per case). tol=1e-17 would also converge everywhere (errors
    <= 2e-15) but 1e-18 does not (karate, grid15), and 1e-15 is the agreed value. When scipy is available,
    nx.pagerank() is checked against the written values too.
  * Values are networkx's floating-point results. SSSP distances are sums of
    edge weights along a path, accumulated from the source outwards
    (dist[u] + w); an engine that adds in the same order gets bit-identical
    results, but comparing with a small relative tolerance is safer. PageRank
    must be compared with a tolerance (~1e-12): summation order differs.
  * Two graph views. The directed view is the nx.DiGraph of the edge list
    (self-loops kept) used for everything above. The undirected simple view is
    U = nx.Graph(directed view) with self-loops removed; every vertex stays, so
    a vertex whose only edge is a self-loop is an isolated vertex of U
    (triangles 0, clustering 0.0, core 0, betweenness/closeness/harmonic 0.0).
    U is unweighted: the script also drops U's edge attributes, because
    louvain_communities() and modularity() read 'weight' by default and
    nx.Graph(DiGraph) would keep one direction's weight per edge arbitrarily.
  * HITS (networkx semantics): hub h starts at 1/N everywhere; each step sets
    a = A^T h, then h = A a, then scales each of h and a by its maximum; it
    stops when the L1 change of h is below tol = 1e-14 (max_iter 100000, never
    reached), then scales each to sum 1. A is the unweighted adjacency of the
    directed view, self-loops included (a self-loop adds h[v] to a[v] and a[v]
    to h[v]). Surprise: networkx's HITS has no weight parameter and multiplies
    by G[u][v].get("weight", 1), i.e. it silently uses the edge weights (zero
    weights would delete edges); the script runs it on an attribute-free copy
    of the directed view, so HITS here is unweighted like NAME.pagerank.tsv.
    nx.hits() needs scipy (sparse svds), so the pure-Python power iteration
    networkx.algorithms.link_analysis.hits_alg._hits_python is called. It
    converges at 1e-14 on every case (1338 steps on rand200_dense, the
    slowest); 1e-15 does not converge on grid15 and les_miserables. The result
    is within ~2.4e-15 of the fixed point (measured by running 8000-20000
    further steps) and every file passes a one-step fixed-point residual check
    (<= 1e-13, measured <= 1.5e-15). Two caveats for
    comparisons: vertices outside the dominant part are not exactly 0 but keep
    whatever the geometric decay reached (1e-14 .. 1e-251), so compare with an
    absolute tolerance (~1e-12); and where the top eigenvalue of A A^T is not
    simple (grid15, davis: symmetric bipartite graphs; disconnected graphs with
    equal dominant parts) the limit depends on the start vector, so an
    implementation must start from uniform hubs as networkx does. A vertex
    with no out-edge has hub exactly 0.0, one with no in-edge authority 0.0.
  * Weighted PageRank (pagerank_weighted): edge u->v carries w / (sum of u's
    out-weights) (nx.stochastic_graph). Zero weights are allowed: a zero-weight
    edge carries nothing, and a vertex whose out-weights sum to exactly 0 (all
    its out-edges, self-loops included, have weight 0, e.g. the zero-weight
    2-cycle in path_and_singletons) is dangling -- networkx tests
    W.out_degree(v, weight) == 0.0 -- so its rank is spread uniformly like an
    out-degree-0 vertex's. Otherwise as the unweighted PageRank.
  * Personalized PageRank (pagerank_personalized): the teleport vector is all on
    the source ((1 - alpha) goes to the source only), and since no dangling
    vector is given networkx also uses the personalization vector as the
    dangling distribution: dangling rank goes back to the source, not uniformly.
    Vertices not reachable from the source tend to 0: on acyclic parts they
    reach exactly 0.0, but on cycles (self-loops included) they keep a residue
    of the start vector at the stopping point (tiny's self-loop-only vertex 20:
    0.1 * 0.85^k = 2.7e-14); compare with an absolute tolerance. Errors
    against the exact fixed point are larger than for the uniform PageRank
    (rank concentrates near the source): up to 9.97e-13 (rand1000), just
    within the 1e-12 bound; compare with ~2e-12.
  * Triad census: networkx accepts self-loops silently; on every case the
    census is the same with and without them (a self-loop is no dyad), but the
    script removes them explicitly. nx.triadic_census(D) needs a DiGraph.
  * Jaccard / Adamic-Adar pairs: u < v in numeric id order, u != v, at least one
    common neighbour (so every Adamic-Adar term has degree >= 2 and 1/log(deg)
    is finite); adjacency of u and v does not matter.
  * Named networkx graphs (les_miserables, florentine): vertex id = (index of
    the name in sorted() order) * 4294967311 + 7 (NAMED_ID_STEP, NAMED_ID_OFFSET),
    so ids reach ~3.3e11. davis: women 0..17 and events 100..113, each by
    sorted() name; event names sort as strings (E1, E10, ..., E14, E2, ..., E9).
    All three list every undirected edge in both directions, sorted.

After writing, the script parses every file back and asserts: vertex sets agree
across all files of a case and with the edge list; no duplicate edges; PageRank
sums to 1 within 1e-12 and matches the decimal reference; WCC labels equal the
minimum id per component (checked with an independent union-find); BFS and SSSP
distances satisfy the shortest-path optimality conditions edge by edge. For the
graph-library files, against independent plain-Python computations from the
edge list: triangles per vertex (edges among its neighbours), and on cases with
<= 80 vertices the total by a loop over all vertex triples, = stats triangles =
sum / 3; clustering = 2t / (d(d-1)) in [0, 1]; average_clustering and
transitivity from those; core numbers by min-degree peeling, max_core; SCC
labels by Kosaraju, and every SCC inside one WCC; HITS sums, zeros and
fixed-point residual; betweenness (Brandes), closeness and harmonic from a BFS
per vertex; the Jaccard/Adamic-Adar pair set, Jaccard = |common| / |union| in
(0, 1] exactly, Adamic-Adar = sum 1/log(deg); weighted and personalized
PageRank against the decimal power iteration (weights and teleport vector
included), and against scipy-backed nx.pagerank when available; modularity in
[-1/2, 1); triad census total C(n, 3), per-dyad totals (mutual / asymmetric /
null dyads of the edge list) and on small cases a triple loop classifying every
triad (the classifier is self-tested against nx.triad_type); bipartite
projections from shared-neighbour counts. Which files are skipped is recorded
in README.md and checked.
"""

from __future__ import annotations

import argparse
import filecmp
import math
import os
import random
import sys
import tempfile
from decimal import Decimal, getcontext
from pathlib import Path

import networkx as nx
from networkx.algorithms.link_analysis.hits_alg import _hits_python
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "data" / "graphs"

ALPHA = 0.85
PAGERANK_TOL = 1e-15
PAGERANK_MAX_ITER = 10000
PAGERANK_REFERENCE_BOUND = 1e-12  # max |networkx - exact fixed point| accepted
PAGERANK_SUM_BOUND = 1e-12
HITS_TOL = 1e-14
HITS_MAX_ITER = 100000
HITS_RESIDUAL_BOUND = 1e-13  # max change of one more (sum-normalized) HITS step
PAIR_FILE_LIMIT = 60000  # .jaccard/.adamic_adar files with more lines are not written
BRUTE_FORCE_MAX_VERTICES = 80  # triple-loop checks (triangles, triad census) up to this size
LOUVAIN_SEED = 42

# Ids of the named networkx graphs (les_miserables, florentine): the index of the
# name in sorted order times a large odd multiplier, plus an offset, so ids are
# sparse and most exceed 2^32 (index 1 is 4294967318).
NAMED_ID_STEP = 4294967311
NAMED_ID_OFFSET = 7
DAVIS_EVENT_BASE = 100  # davis: women are 0..17, events 100..113 (each by sorted name)

# The 16 triad types, in networkx's order (networkx.algorithms.triads.TRIAD_NAMES).
TRIAD_CODES = (
    "003", "012", "102", "021D", "021U", "021C", "111D", "111U",
    "030T", "030C", "201", "120D", "120U", "120C", "210", "300",
)


# --------------------------------------------------------------------------
# Graph cases. Each builder returns (description, edges) where edges is a list
# of (src, dst, weight) with distinct (src, dst) pairs, in the order written.
# --------------------------------------------------------------------------


def karate():
    """Zachary's karate club, both directions of each undirected edge."""
    g = nx.karate_club_graph()
    edges = []
    for u, v, d in g.edges(data=True):
        w = float(d["weight"])  # networkx's interaction counts, 1..7
        edges.append((u, v, w))
        edges.append((v, u, w))
    edges.sort()
    return (
        "Zachary karate club (nx.karate_club_graph), every undirected edge in both "
        "directions, weight = networkx's interaction count (1..7); ids 0..33",
        edges,
    )


def tiny():
    """Hand-made graph small enough to check by eye."""
    big = 2**40
    edges = [
        (5, 7, 1.0),  # 5 -> 7 -> 9 -> 5 cycle, plus shortcut and a dangling tail
        (7, 9, 2.0),
        (9, 5, 0.5),
        (5, 9, 4.0),  # heavier than 5 -> 7 -> 9 (3.0): SSSP and BFS disagree on 9
        (5, 11, 0.0),  # zero-weight edge
        (11, 3, 0.25),  # 3 only appears as a target (dangling)
        (9, big, 1.5),  # id 2^40, dangling
        (7, 7, 1.0),  # self-loop on a vertex with other out-edges
        (20, 20, 3.0),  # one-vertex component (self-loop only)
        (30, 31, 1.0),  # separate component, unreachable from the source
        (31, 2, 1.0),  # its minimum id (2) is a pure target at the far end
    ]
    return (
        "hand-made: cycle 5->7->9->5 with shortcut, zero-weight edge, self-loops, "
        "dangling targets incl. id 2^40, self-loop-only vertex 20, unreachable "
        "component {30,31,2}",
        edges,
    )


def path_and_singletons():
    """A 400-vertex path (many supersteps) plus one-vertex self-loop components."""
    rng = random.Random(7001)
    length = 400
    # Ids decrease along the path, so the component minimum sits at the far end
    # and a min-label WCC must carry it 399 hops against the edge direction.
    path = [10 * (length - i) + 1000 for i in range(length)]
    edges = []
    for a, b in zip(path, path[1:]):
        edges.append((a, b, rng.choice([0.5, 1.0, 0.1, 0.3, 2.0, 0.0])))
    head = path[0]
    # Extra out-edges make the head the unique max-out-degree vertex (the source):
    # a dead-end branch and an expensive shortcut to the middle of the path.
    edges.append((head, 10**6 + 7, 1.0))
    edges.append((head, path[length // 2], 1.0e6))
    # One-vertex components, each just a self-loop; 0 and 2^40 among them.
    for v in (0, 3, 999, 2**32 + 5, 2**40):
        edges.append((v, v, 1.0))
    # A 3-cycle and a zero-weight 2-cycle, unreachable from the source.
    edges += [(100, 101, 1.0), (101, 102, 1.0), (102, 100, 1.0)]
    edges += [(200, 201, 0.0), (201, 200, 0.0)]
    return (
        "path of 400 vertices (ids decrease along it; source at its head, "
        "component minimum at its tail) with a dead-end branch and a 1e6 shortcut, "
        "self-loop-only vertices 0, 3, 999, 2^32+5, 2^40, a 3-cycle and a zero-weight 2-cycle",
        edges,
    )


def grid():
    """Bidirectional grid with small integer weights: lots of equal-length paths."""
    rng = random.Random(7002)
    side = 15
    edges = []
    for r in range(side):
        for c in range(side):
            v = r * 1000 + c
            for dr, dc in ((0, 1), (1, 0)):
                rr, cc = r + dr, c + dc
                if rr < side and cc < side:
                    u = rr * 1000 + cc
                    edges.append((v, u, float(rng.randint(1, 3))))
                    edges.append((u, v, float(rng.randint(1, 3))))
    edges.sort()
    return (
        "15x15 grid, both directions of each grid edge with independent integer "
        "weights 1..3 (many SSSP/BFS ties); id = row*1000 + col",
        edges,
    )


def random_ids(rng, n, force_big=False):
    """n distinct sparse ids: mostly small with gaps, some above 2^31, 2^32."""
    n_huge = max(1, n // 12)
    n_mid = max(1, n // 40)
    huge = set()
    if force_big:
        huge.add(2**40)
    while len(huge) < n_huge:
        huge.add(rng.randrange(2**32, 2**40))
    mid = set()
    while len(mid) < n_mid:
        mid.add(rng.randrange(2**31, 2**32))
    small = rng.sample(range(5 * n), n - len(huge) - len(mid))
    ids = sorted(huge) + sorted(mid) + small
    rng.shuffle(ids)
    return ids


def random_weight(rng):
    r = rng.random()
    if r < 0.03:
        return 0.0
    if r < 0.25:
        return rng.uniform(0.0, 5.0)  # full 17-significant-digit floats
    return round(rng.uniform(0.01, 10.0), 3)


def random_digraph(seed, comp_sizes, extra_per_vertex, p_dangling, p_source_only, p_sink_loop, n_selfloops, force_big):
    """Random directed graph, weakly connected within each of the given components.

    Per component: vertex roles are drawn (dangling = no out-edges, so it only
    appears as a target; source-only = no in-edges; a fraction of the dangling
    vertices instead get a self-loop as their only out-edge); a random spanning
    tree with role-compatible edge directions makes the component weakly
    connected; then extra random edges and self-loops are added.
    Components of size 1 are a single self-loop.
    """
    rng = random.Random(seed)
    n = sum(comp_sizes)
    pairs = set()
    edges = []

    def add(u, v):
        if (u, v) not in pairs:
            pairs.add((u, v))
            edges.append((u, v))
            return True
        return False

    comps = []
    start = 0
    for size in comp_sizes:
        comps.append(list(range(start, start + size)))
        start += size

    role = {}
    for comp in comps:
        if len(comp) == 1:
            role[comp[0]] = "normal"
            add(comp[0], comp[0])
            continue
        role[comp[0]] = "normal"
        for v in comp[1:]:
            r = rng.random()
            role[v] = "dangling" if r < p_dangling else "source" if r < p_dangling + p_source_only else "normal"
        for i, v in enumerate(comp[1:], start=1):
            earlier = comp[:i]
            if role[v] == "source":
                u = rng.choice([x for x in earlier if role[x] == "normal"])
                add(v, u)
                continue
            u = rng.choice([x for x in earlier if role[x] != "dangling"])
            if role[v] == "dangling" or role[u] == "source" or rng.random() < 0.5:
                add(u, v)
            else:
                add(v, u)

    comp_of = {v: ci for ci, comp in enumerate(comps) for v in comp}
    target = len(edges) + round(extra_per_vertex * n)
    attempts = 0
    while len(edges) < target and attempts < 100 * n:
        attempts += 1
        comp = comps[comp_of[rng.randrange(n)]]
        if len(comp) < 2:
            continue
        u = rng.choice(comp)
        v = rng.choice(comp)
        if u == v or role[u] == "dangling" or role[v] == "source":
            continue
        add(u, v)

    normal = [v for v in range(n) if role[v] == "normal"]
    for v in rng.sample(normal, min(n_selfloops, len(normal))):
        add(v, v)
    for v in range(n):
        if role[v] == "dangling" and rng.random() < p_sink_loop:
            add(v, v)  # its only out-edge is a self-loop

    ids = random_ids(rng, n, force_big)
    out = [(ids[u], ids[v], random_weight(rng)) for u, v in edges]
    rng.shuffle(out)
    return out


def rand30():
    edges = random_digraph(
        seed=30, comp_sizes=[20, 5, 3, 1, 1], extra_per_vertex=1.2, p_dangling=0.2,
        p_source_only=0.1, p_sink_loop=0.3, n_selfloops=2, force_big=True,
    )
    return (
        "random directed, 30 vertices in 5 weak components (two are single self-loops), "
        "dangling, source-only and self-loop-only vertices, sparse ids up to 2^40, "
        "weights incl. exact zeros; edge order shuffled",
        edges,
    )


def rand200_sparse():
    sizes = [60, 40, 25, 20, 15, 10, 8, 6, 5, 4, 3, 2, 1, 1]
    edges = random_digraph(
        seed=200, comp_sizes=sizes, extra_per_vertex=0.3, p_dangling=0.25,
        p_source_only=0.15, p_sink_loop=0.2, n_selfloops=4, force_big=False,
    )
    return (
        f"random directed, 200 vertices, nearly a forest (~1.3 edges/vertex) in "
        f"{len(sizes)} weak components; dangling, source-only, self-loop-only vertices; "
        "sparse ids incl. > 2^32; edge order shuffled",
        edges,
    )


def rand200_dense():
    edges = random_digraph(
        seed=201, comp_sizes=[150, 40, 8, 1, 1], extra_per_vertex=4.5, p_dangling=0.1,
        p_source_only=0.05, p_sink_loop=0.3, n_selfloops=10, force_big=True,
    )
    return (
        "random directed, 200 vertices, ~5.5 edges/vertex in 5 weak components; "
        "dangling, source-only, self-loop-only vertices; sparse ids up to 2^40; "
        "edge order shuffled",
        edges,
    )


def rand1000():
    sizes = [700, 200, 50, 20, 10, 5, 5, 3, 2, 1, 1, 1, 1, 1]
    edges = random_digraph(
        seed=1000, comp_sizes=sizes, extra_per_vertex=1.5, p_dangling=0.15,
        p_source_only=0.05, p_sink_loop=0.2, n_selfloops=15, force_big=True,
    )
    return (
        f"random directed, 1000 vertices, ~2.5 edges/vertex in {len(sizes)} weak components; "
        "dangling, source-only, self-loop-only vertices; sparse ids up to 2^40; "
        "edge order shuffled",
        edges,
    )


def preferential500():
    """Skewed in-degrees: each new vertex links to earlier ones by in-degree."""
    rng = random.Random(500)
    n = 500
    pairs = set()
    slots = []  # a vertex appears once plus once per in-edge: preferential choice
    for v in range(n):
        if v > 0:
            for _ in range(rng.randint(1, 4)):
                u = rng.choice(slots)
                if (v, u) not in pairs:
                    pairs.add((v, u))
                    slots.append(u)
        slots.append(v)
    # Back edges from the oldest vertices (hubs, otherwise nearly dangling) to
    # younger ones create cycles and widen what the source reaches.
    for _ in range(100):
        pairs.add((rng.randrange(0, 25), rng.randrange(25, n)))
    ids = random_ids(rng, n, force_big=False)
    edges = [(ids[u], ids[v], random_weight(rng)) for u, v in sorted(pairs)]
    rng.shuffle(edges)
    return (
        "preferential attachment, 500 vertices, 1..4 out-edges to earlier vertices "
        "chosen by in-degree (hubs with large in-degree) plus 100 back edges from the 25 "
        "oldest vertices; sparse ids; edge order shuffled",
        edges,
    )


def named_ids(names):
    """Sorted-name index i -> i * NAMED_ID_STEP + NAMED_ID_OFFSET."""
    return {name: i * NAMED_ID_STEP + NAMED_ID_OFFSET for i, name in enumerate(sorted(names))}


def both_directions(g, ids, weight_of):
    """Every undirected edge of g in both directions, sorted like karate."""
    edges = []
    for u, v, d in g.edges(data=True):
        w = weight_of(d)
        edges.append((ids[u], ids[v], w))
        edges.append((ids[v], ids[u], w))
    edges.sort()
    return edges


def les_miserables():
    """Les Miserables co-appearances (weighted), string names mapped to big ids."""
    g = nx.les_miserables_graph()
    edges = both_directions(g, named_ids(g.nodes), lambda d: float(d["weight"]))
    return (
        "Les Miserables co-appearance network (nx.les_miserables_graph), every undirected "
        "edge in both directions, weight = networkx's co-appearance count (1..31) as float; "
        "id = (index of the character name in sorted order) * 4294967311 + 7, up to ~3.3e11",
        edges,
    )


def florentine():
    """Florentine families marriage network, string names mapped to big ids."""
    g = nx.florentine_families_graph()
    edges = both_directions(g, named_ids(g.nodes), lambda d: 1.0)
    return (
        "Florentine families marriages (nx.florentine_families_graph), every undirected "
        "edge in both directions, weight 1.0; id = (index of the family name in sorted "
        "order) * 4294967311 + 7",
        edges,
    )


def davis():
    """Davis southern women: bipartite women x events."""
    g = nx.davis_southern_women_graph()
    women = sorted(n for n, d in g.nodes(data=True) if d["bipartite"] == 0)
    events = sorted(n for n, d in g.nodes(data=True) if d["bipartite"] == 1)
    assert len(women) == 18 and len(events) == 14
    ids = {name: i for i, name in enumerate(women)}
    ids.update((name, DAVIS_EVENT_BASE + i) for i, name in enumerate(events))
    edges = both_directions(g, ids, lambda d: 1.0)
    return (
        "Davis southern women (nx.davis_southern_women_graph), bipartite, every undirected "
        "edge in both directions, weight 1.0; women 0..17 by sorted name, events 100..113 "
        "by sorted name as strings (E1=100, E10..E14=101..105, E2..E9=106..113)",
        edges,
    )


CASES = [
    ("karate", karate),
    ("tiny", tiny),
    ("rand30", rand30),
    ("rand200_sparse", rand200_sparse),
    ("rand200_dense", rand200_dense),
    ("rand1000", rand1000),
    ("path_and_singletons", path_and_singletons),
    ("grid15", grid),
    ("preferential500", preferential500),
    ("les_miserables", les_miserables),
    ("florentine", florentine),
    ("davis", davis),
]

# Cases that are bipartite graphs: which vertices form the "top" side.
BIPARTITE_TOP = {"davis": lambda v: v < DAVIS_EVENT_BASE}


# --------------------------------------------------------------------------
# Oracle
# --------------------------------------------------------------------------


def fmt_float(x):
    return "inf" if x == math.inf else repr(float(x))


def build_graph(edges):
    g = nx.DiGraph()
    for u, v, w in edges:
        assert isinstance(u, int) and isinstance(v, int) and u >= 0 and v >= 0, (u, v)
        assert math.isfinite(w) and w >= 0.0, w
        assert not g.has_edge(u, v), f"duplicate edge {u} {v}"
        g.add_edge(u, v, weight=w)
    return g


def sssp_source(g):
    return min(g.nodes, key=lambda v: (-g.out_degree(v), v))


def pagerank(g):
    # nx.pagerank(G, alpha=0.85, weight=None, tol=1e-15, max_iter=10000), minus the
    # scipy dependency; see the module docstring.
    return _pagerank_python(g, alpha=ALPHA, weight=None, tol=PAGERANK_TOL, max_iter=PAGERANK_MAX_ITER)


def wcc_labels(g):
    labels = {}
    for comp in nx.weakly_connected_components(g):
        m = min(comp)
        for v in comp:
            labels[v] = m
    return labels


def compute(edges):
    g = build_graph(edges)
    src = sssp_source(g)
    pr = pagerank(g)
    wcc = wcc_labels(g)
    sssp = nx.single_source_dijkstra_path_length(g, src, weight="weight")
    bfs = nx.single_source_shortest_path_length(g, src)
    return g, src, pr, wcc, sssp, bfs


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line)
            f.write("\n")


def undirected_view(g):
    """nx.Graph(g) without self-loops, every vertex kept, edge attributes dropped.

    Dropping the attributes makes the view unweighted for the functions that read
    'weight' by default (louvain_communities, modularity); nx.Graph(DiGraph) would
    otherwise keep one arbitrary direction's weight per edge.
    """
    u = nx.Graph(g)
    u.remove_edges_from(list(nx.selfloop_edges(u)))
    for _, _, d in u.edges(data=True):
        d.clear()
    return u


def hits(g):
    """HITS on the directed view, unweighted: (hubs, authorities) or None.

    _hits_python multiplies by G[u][v].get("weight", 1), so it runs on a copy of
    the directed view without edge attributes (same vertices, same edges, same
    order); self-loops stay. nx.hits() needs scipy (svds), see the docstring.
    """
    h = nx.DiGraph()
    h.add_nodes_from(g)
    h.add_edges_from(g.edges())
    try:
        return _hits_python(h, max_iter=HITS_MAX_ITER, tol=HITS_TOL, normalized=True)
    except nx.PowerIterationFailedConvergence:
        return None


def common_neighbour_pairs(u):
    """All pairs a < b of vertices of u with at least one common neighbour, sorted."""
    pairs = set()
    for w in u:
        nbrs = sorted(u[w])
        for i, a in enumerate(nbrs):
            for b in nbrs[i + 1 :]:
                pairs.add((a, b))
    return sorted(pairs)


def compute_library(g, src):
    """Results of the graph-library algorithms (see the module docstring)."""
    u = undirected_view(g)
    assert sorted(u.nodes) == sorted(g.nodes)
    r = {}
    r["triangles"] = nx.triangles(u)
    r["clustering"] = nx.clustering(u)
    r["core"] = nx.core_number(u)
    scc = {}
    for comp in nx.strongly_connected_components(g):
        m = min(comp)
        for v in comp:
            scc[v] = m
    r["scc"] = scc
    r["hits"] = hits(g)
    r["betweenness"] = nx.betweenness_centrality(u, normalized=True)
    r["closeness"] = nx.closeness_centrality(u)
    r["harmonic"] = nx.harmonic_centrality(u)
    pairs = common_neighbour_pairs(u)
    r["n_pairs"] = len(pairs)
    if len(pairs) <= PAIR_FILE_LIMIT:
        r["jaccard"] = list(nx.jaccard_coefficient(u, pairs))
        r["adamic_adar"] = list(nx.adamic_adar_index(u, pairs))
    r["pagerank_weighted"] = _pagerank_python(
        g, alpha=ALPHA, weight="weight", tol=PAGERANK_TOL, max_iter=PAGERANK_MAX_ITER
    )
    r["pagerank_personalized"] = _pagerank_python(
        g, alpha=ALPHA, personalization={src: 1}, weight=None, tol=PAGERANK_TOL, max_iter=PAGERANK_MAX_ITER
    )
    total = sum(r["triangles"].values())
    assert total % 3 == 0, total
    communities = nx.community.louvain_communities(u, seed=LOUVAIN_SEED)
    r["stats"] = [
        ("triangles", str(total // 3)),
        ("average_clustering", fmt_float(nx.average_clustering(u))),
        ("transitivity", fmt_float(nx.transitivity(u))),
        ("louvain_modularity", fmt_float(nx.community.modularity(u, communities))),
        ("undirected_edges", str(u.number_of_edges())),
        ("max_core", str(max(r["core"].values()))),
    ]
    d = nx.DiGraph(g)
    d.remove_edges_from(list(nx.selfloop_edges(d)))
    census = nx.triadic_census(d)
    assert tuple(census) == TRIAD_CODES, tuple(census)
    r["triadic_census"] = census
    return u, r


def bipartite_projections(u, top):
    """(kind, a, b, value) rows of the four projections of bipartite u, a < b."""
    tops = sorted(v for v in u if top(v))
    bottoms = sorted(v for v in u if not top(v))
    assert nx.bipartite.is_bipartite_node_set(u, tops)
    rows = []
    for side, nodes in (("top", tops), ("bottom", bottoms)):
        simple = nx.bipartite.projected_graph(u, nodes)
        weighted = nx.bipartite.weighted_projected_graph(u, nodes)
        rows += [(f"{side}_simple", min(a, b), max(a, b), 1) for a, b in simple.edges()]
        rows += [(f"{side}_weighted", min(a, b), max(a, b), d["weight"]) for a, b, d in weighted.edges(data=True)]
    order = {k: i for i, k in enumerate(("top_simple", "top_weighted", "bottom_simple", "bottom_weighted"))}
    rows.sort(key=lambda row: (order[row[0]], row[1], row[2]))
    return rows


def fmt_int(x):
    assert isinstance(x, int) and not isinstance(x, bool), x
    return str(x)


def write_case(out, name, description, edges):
    """Writes the case's files; returns (manifest row, files written, skipped {file: reason})."""
    g, src, pr, wcc, sssp, bfs = compute(edges)
    verts = sorted(g.nodes)
    write_lines(
        out / f"{name}.txt",
        [f"# {name}: {description}. Format: src dst weight; no duplicate (src,dst)."]
        + [f"{u} {v} {fmt_float(w)}" for u, v, w in edges],
    )
    write_lines(out / f"{name}.pagerank.tsv", [f"{v}\t{fmt_float(pr[v])}" for v in verts])
    write_lines(out / f"{name}.wcc.tsv", [f"{v}\t{wcc[v]}" for v in verts])
    write_lines(out / f"{name}.sssp.tsv", [f"{v}\t{fmt_float(sssp.get(v, math.inf))}" for v in verts])
    write_lines(out / f"{name}.bfs.tsv", [f"{v}\t{bfs[v] if v in bfs else 'inf'}" for v in verts])
    files = [f"{name}{suffix}" for suffix in (".txt", ".pagerank.tsv", ".wcc.tsv", ".sssp.tsv", ".bfs.tsv")]
    skipped = {}

    u, r = compute_library(g, src)

    def put(what, lines):
        write_lines(out / f"{name}.{what}.tsv", lines)
        files.append(f"{name}.{what}.tsv")

    put("triangles", [f"{v}\t{fmt_int(r['triangles'][v])}" for v in verts])
    put("clustering", [f"{v}\t{fmt_float(r['clustering'][v])}" for v in verts])
    put("core", [f"{v}\t{fmt_int(r['core'][v])}" for v in verts])
    put("scc", [f"{v}\t{r['scc'][v]}" for v in verts])
    if r["hits"] is None:
        skipped[f"{name}.hits.tsv"] = f"HITS did not converge to tol {HITS_TOL} in {HITS_MAX_ITER} iterations"
    else:
        hub, auth = r["hits"]
        put("hits", [f"{v}\t{fmt_float(hub[v])}\t{fmt_float(auth[v])}" for v in verts])
    for what in ("betweenness", "closeness", "harmonic"):
        put(what, [f"{v}\t{fmt_float(r[what][v])}" for v in verts])
    if "jaccard" in r:
        for what in ("jaccard", "adamic_adar"):
            put(what, [f"{a}\t{b}\t{fmt_float(x)}" for a, b, x in r[what]])
    else:
        for what in ("jaccard", "adamic_adar"):
            skipped[f"{name}.{what}.tsv"] = f"{r['n_pairs']} vertex pairs with a common neighbour > {PAIR_FILE_LIMIT}"
    for what in ("pagerank_weighted", "pagerank_personalized"):
        put(what, [f"{v}\t{fmt_float(r[what][v])}" for v in verts])
    put("stats", [f"{k}\t{x}" for k, x in r["stats"]])
    put("triadic_census", [f"{code}\t{fmt_int(r['triadic_census'][code])}" for code in TRIAD_CODES])
    if name in BIPARTITE_TOP:
        put("bipartite", [f"{k}\t{a}\t{b}\t{fmt_int(x)}" for k, a, b, x in bipartite_projections(u, BIPARTITE_TOP[name])])
    row = [name, str(g.number_of_nodes()), str(g.number_of_edges()), str(src), description]
    return row, files, skipped


README = """\
# Graph oracle data

Generated by `scripts/oracle/graph_expected.py` with networkx (an independent
implementation); do not edit by hand. Regenerate with

    python3 scripts/oracle/graph_expected.py

and check that the committed files are current with `--check`. The script's
docstring has the full conventions; in short:

- `NAME.txt`: edge list, a `# ...` comment line, then `src dst weight` per line
  (single spaces). Ids are non-negative integers (sparse, up to 2^40); weights
  are finite floats >= 0 written with Python `repr()` (round-trip exact).
  No duplicate `(src, dst)` pairs; self-loops occur. The vertex set is exactly
  the ids appearing in some edge.
- `NAME.pagerank.tsv`: unweighted PageRank, alpha 0.85 (networkx semantics:
  self-loops are ordinary out-edges, dangling rank is spread uniformly, ranks
  sum to 1), power iteration to tol 1e-15; within 1e-12 (measured: < 2e-13) of
  the exact fixed point.
- `NAME.wcc.tsv`: weakly connected component label = smallest id in it.
- `NAME.sssp.tsv`: Dijkstra distance over `weight` from the case's source,
  `inf` if unreachable.
- `NAME.bfs.tsv`: hop count from the same source (integer), `inf` if unreachable.
- `manifest.tsv`: header line, then `name vertices edges sssp_source description`
  (tab-separated). The source is the vertex of largest out-degree (self-loops
  count), ties to the smallest id.

Result files have one `vertex<TAB>value` line per vertex, ascending by id.
Compare PageRank with a tolerance (~1e-12); the other values are exact.

## Graph-library results

`U` is the undirected simple view: `nx.Graph` of the edge list with self-loops
removed, unweighted, every vertex kept (a self-loop-only vertex is isolated in
`U`). One `vertex<TAB>value` line per vertex unless said otherwise.

- `NAME.triangles.tsv`, `NAME.clustering.tsv`, `NAME.core.tsv`: networkx's
  `triangles`, `clustering` (float) and `core_number` of `U`.
- `NAME.scc.tsv`: strongly connected components of the directed edge list
  (self-loops kept); label = smallest id in the component.
- `NAME.hits.tsv`: `vertex<TAB>hub<TAB>authority`, HITS on the directed edge list,
  **unweighted** (networkx's HITS would silently read `weight`; the script
  drops it), hubs start uniform, tol 1e-14, each column sums to 1. Vertices
  outside the dominant part hold tiny non-zero leftovers (down to 1e-251):
  compare with an absolute tolerance (~1e-12). grid15 and davis have a
  non-simple top eigenvalue, so the result depends on the uniform start.
- `NAME.betweenness.tsv` (normalized, exact), `NAME.closeness.tsv`
  (`wf_improved=True`), `NAME.harmonic.tsv`: centralities of `U`.
- `NAME.jaccard.tsv`, `NAME.adamic_adar.tsv`: `u<TAB>v<TAB>score` for every pair
  `u < v` with at least one common neighbour in `U` (adjacent or not), sorted
  by `(u, v)`. Not written for a case with more than 60000 such pairs.
- `NAME.pagerank_weighted.tsv`: PageRank with `weight="weight"`: an edge carries
  `w / (sum of the out-weights)`; a vertex whose out-weights sum to 0 is
  dangling (spread uniformly).
- `NAME.pagerank_personalized.tsv`: unweighted PageRank with teleport all on the
  manifest's `sssp_source`; networkx then also sends dangling rank to that
  source. Within 1e-12 of the exact fixed point (measured: 9.97e-13 on
  rand1000); compare with ~2e-12.
- `NAME.stats.tsv`: `key<TAB>value`: `triangles` (total in `U`),
  `average_clustering`, `transitivity`, `louvain_modularity` (modularity of
  `louvain_communities(U, seed=42)`), `undirected_edges`, `max_core`.
- `NAME.triadic_census.tsv`: `code<TAB>count`, the 16 triad types in networkx's
  order, of the directed edge list without self-loops (networkx ignores them
  anyway).
- `davis.bipartite.tsv`: `kind<TAB>u<TAB>v<TAB>value` for the projections of the
  bipartite `U` onto the women (`top_simple`, value 1; `top_weighted`, value =
  number of shared events) and the events (`bottom_simple`, `bottom_weighted`);
  `u < v`, kinds in that order, then by `(u, v)`.

The three networkx example graphs (`les_miserables`, `florentine`, `davis`)
have every undirected edge in both directions. Named vertices get id
`index * 4294967311 + 7` by sorted name (les_miserables, florentine); davis has
women 0..17 and events 100..113 by sorted name (strings: E1, E10..E14, E2..E9).
"""


def readme_text(skipped):
    lines = [README, "\n## Files not written\n\n"]
    if skipped:
        lines.append("Generated on every run; these expected files are deliberately absent:\n\n")
        lines += [f"- `{f}`: {reason}.\n" for f, reason in sorted(skipped.items())]
    else:
        lines.append("None: every case has every file listed above.\n")
    return "".join(lines)


def generate(out):
    """Writes everything; returns (case names, files written, skipped {file: reason})."""
    out.mkdir(parents=True, exist_ok=True)
    manifest = [["name", "vertices", "edges", "sssp_source", "description"]]
    files = ["manifest.tsv", "README.md"]
    skipped = {}
    for name, build in CASES:
        description, edges = build()
        row, case_files, case_skipped = write_case(out, name, description, edges)
        manifest.append(row)
        files += case_files
        skipped.update(case_skipped)
    write_lines(out / "manifest.tsv", ["\t".join(row) for row in manifest])
    with open(out / "README.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(readme_text(skipped))
    return [row[0] for row in manifest[1:]], files, skipped


# --------------------------------------------------------------------------
# Verification of the written files (parsing them back, independent checks)
# --------------------------------------------------------------------------


def read_edges(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{path}: missing final newline"
    lines = lines[:-1]
    assert lines[0].startswith("# "), f"{path}: no header comment"
    edges = []
    for line in lines[1:]:
        fields = line.split(" ")
        assert len(fields) == 3, f"{path}: bad line {line!r}"
        u, v, w = int(fields[0]), int(fields[1]), float(fields[2])
        assert str(u) == fields[0] and str(v) == fields[1] and repr(w) == fields[2], line
        edges.append((u, v, w))
    return edges


def read_tsv(path, parse):
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{path}: missing final newline"
    out = {}
    order = []
    for line in lines[:-1]:
        k, v = line.split("\t")
        key = int(k)
        assert str(key) == k, line
        out[key] = parse(v)
        order.append(key)
    assert order == sorted(order) and len(set(order)) == len(order), f"{path}: not sorted by id"
    return out


def parse_dist(text):
    if text == "inf":
        return math.inf
    x = float(text)
    assert repr(x) == text, text
    return x


def parse_hops(text):
    if text == "inf":
        return math.inf
    assert text.isdigit(), text
    return int(text)


def reference_pagerank(verts, edges, digits=60, weighted=False, source=None):
    """Power iteration in decimal arithmetic, run until it stops changing at 1e-45.

    weighted: edge u->v carries w / (sum of u's out-weights), and u is dangling
    when that sum is 0 (exact weights, no float rounding). source: teleport and
    dangling distribution all on that vertex instead of uniform.
    """
    getcontext().prec = digits
    n = len(verts)
    out = {v: [] for v in verts}
    for u, v, w in edges:
        out[u].append((v, Decimal(w) if weighted else Decimal(1)))
    out_sum = {u: sum((w for _, w in out[u]), Decimal(0)) for u in verts}
    alpha = Decimal(ALPHA)  # the exact binary value networkx uses
    x = {v: Decimal(1) / n for v in verts}
    dangling = [v for v in verts if out_sum[v] == 0]
    if source is None:
        p = {v: Decimal(1) / n for v in verts}
    else:
        p = {v: Decimal(1 if v == source else 0) for v in verts}
    for _ in range(2000):
        mass = (1 - alpha) + alpha * sum(x[v] for v in dangling)
        nxt = {v: mass * p[v] for v in verts}
        for u in verts:
            if out_sum[u]:
                share = alpha * x[u] / out_sum[u]
                for v, w in out[u]:
                    nxt[v] += share * w
        delta = sum(abs(nxt[v] - x[v]) for v in verts)
        x = nxt
        if delta < Decimal("1e-45"):
            return x
    raise RuntimeError("decimal reference PageRank did not converge")


def union_find_labels(verts, edges):
    parent = {v: v for v in verts}

    def find(v):
        while parent[v] != v:
            parent[v] = parent[parent[v]]
            v = parent[v]
        return v

    for u, v, _ in edges:
        a, b = find(u), find(v)
        if a != b:
            parent[max(a, b)] = min(a, b)  # root is always the smallest id
    return {v: find(v) for v in verts}


def read_rows(path, ncols):
    """Tab-separated lines of exactly ncols fields (no header)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "", f"{path}: missing final newline"
    rows = [line.split("\t") for line in lines[:-1]]
    assert all(len(r) == ncols for r in rows), f"{path}: expected {ncols} columns"
    return rows


def parse_id(text):
    x = int(text)
    assert str(x) == text and x >= 0, text
    return x


def parse_float(text):
    x = float(text)
    assert repr(x) == text and math.isfinite(x), text
    return x


def parse_count(text):
    assert text.isdigit() and str(int(text)) == text, text
    return int(text)


def simple_adjacency(verts, edges):
    """Neighbour sets of the undirected simple view, computed from the edge list."""
    adj = {v: set() for v in verts}
    for u, v, _ in edges:
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    return adj


def kosaraju_labels(verts, edges):
    """SCC label (smallest id) per vertex, iterative Kosaraju."""
    succ = {v: [] for v in verts}
    pred = {v: [] for v in verts}
    for u, v, _ in edges:
        succ[u].append(v)
        pred[v].append(u)
    seen, order = set(), []
    for s in verts:
        if s in seen:
            continue
        seen.add(s)
        stack = [(s, iter(succ[s]))]
        while stack:
            v, it = stack[-1]
            for w in it:
                if w not in seen:
                    seen.add(w)
                    stack.append((w, iter(succ[w])))
                    break
            else:
                stack.pop()
                order.append(v)
    labels = {}
    for s in reversed(order):
        if s in labels:
            continue
        comp, stack = [s], [s]
        labels[s] = s
        while stack:
            v = stack.pop()
            for w in pred[v]:
                if w not in labels:
                    labels[w] = s
                    comp.append(w)
                    stack.append(w)
        m = min(comp)
        for v in comp:
            labels[v] = m
    return labels


def peeling_cores(verts, adj):
    """Core numbers by repeatedly removing a vertex of minimum remaining degree."""
    import heapq

    deg = {v: len(adj[v]) for v in verts}
    heap = [(d, v) for v, d in deg.items()]
    heapq.heapify(heap)
    core, k = {}, 0
    while heap:
        d, v = heapq.heappop(heap)
        if v in core or d != deg[v]:
            continue
        k = max(k, d)
        core[v] = k
        for w in adj[v]:
            if w not in core:
                deg[w] -= 1
                heapq.heappush(heap, (deg[w], w))
    return core


def bfs_all_pairs_measures(verts, adj):
    """Brandes betweenness (normalized like networkx), closeness (wf_improved) and
    harmonic centrality of the undirected simple view, from one BFS per vertex."""
    n = len(verts)
    bc = dict.fromkeys(verts, 0.0)
    closeness, harmonic = {}, {}
    for s in verts:
        dist, sigma, preds, order = {s: 0}, {s: 1}, {s: []}, [s]
        i = 0
        while i < len(order):
            v = order[i]
            i += 1
            for w in adj[v]:
                if w not in dist:
                    dist[w] = dist[v] + 1
                    sigma[w] = 0
                    preds[w] = []
                    order.append(w)
                if dist[w] == dist[v] + 1:
                    sigma[w] += sigma[v]
                    preds[w].append(v)
        delta = dict.fromkeys(order, 0.0)
        for w in reversed(order):
            for v in preds[w]:
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w])
            if w != s:
                bc[w] += delta[w]
        total, reach = sum(dist.values()), len(dist) - 1
        closeness[s] = (reach / total) * (reach / (n - 1)) if total > 0 and n > 1 else 0.0
        harmonic[s] = math.fsum(1.0 / d for d in dist.values() if d > 0)
    scale = 1.0 / ((n - 1) * (n - 2)) if n > 2 else 1.0
    return {v: x * scale for v, x in bc.items()}, closeness, harmonic


def classify_triad(arcs, a, b, c):
    """Triad type of {a, b, c} given the set of arcs (x, y), from its dyads."""
    nodes = (a, b, c)
    outd = {x: sum((x, y) in arcs for y in nodes if y != x) for x in nodes}
    ind = {x: sum((y, x) in arcs for y in nodes if y != x) for x in nodes}
    mutual = asym = 0
    mutual_pair = None
    for x, y in ((a, b), (a, c), (b, c)):
        xy, yx = (x, y) in arcs, (y, x) in arcs
        if xy and yx:
            mutual += 1
            mutual_pair = (x, y)
        elif xy or yx:
            asym += 1
    man = f"{mutual}{asym}{3 - mutual - asym}"
    if man in ("003", "012", "102", "201", "210", "300"):
        return man
    if man == "021":
        return "021D" if 2 in outd.values() else "021U" if 2 in ind.values() else "021C"
    if man == "030":
        return "030T" if 2 in outd.values() else "030C"
    (z,) = [x for x in nodes if x not in mutual_pair]
    if man == "111":  # D: the asymmetric arc points into the mutual pair
        return "111D" if outd[z] == 1 else "111U"
    assert man == "120", man
    return "120D" if outd[z] == 2 else "120U" if ind[z] == 2 else "120C"


def self_test_classify_triad():
    """classify_triad agrees with nx.triad_type on all 64 three-vertex digraphs."""
    possible = [(x, y) for x in range(3) for y in range(3) if x != y]
    for mask in range(64):
        arcs = {e for i, e in enumerate(possible) if mask >> i & 1}
        t = nx.DiGraph()
        t.add_nodes_from(range(3))
        t.add_edges_from(arcs)
        assert classify_triad(arcs, 0, 1, 2) == nx.triad_type(t), arcs


def verify_library(out, name, verts, edges, src, wcc, skipped):
    """Checks of the graph-library files against independent computations."""
    vset = set(verts)
    n = len(verts)
    adj = simple_adjacency(verts, edges)
    arcs = {(u, v) for u, v, _ in edges if u != v}
    small = n <= BRUTE_FORCE_MAX_VERTICES
    report = {}

    def vertex_file(what, parse):
        table = read_tsv(out / f"{name}.{what}.tsv", parse)
        assert sorted(table) == verts, f"{name}.{what}: vertex set differs from the edge list"
        return table

    # Triangles: each vertex's count = edges among its neighbours; on small cases
    # the total also by a plain loop over all vertex triples.
    tri = vertex_file("triangles", parse_count)
    for v in verts:
        nb = sorted(adj[v])
        t = sum(1 for i, a in enumerate(nb) for b in nb[i + 1 :] if b in adj[a])
        assert tri[v] == t, f"{name}.triangles: {v} has {tri[v]}, expected {t}"
    total = sum(tri.values())
    assert total % 3 == 0, f"{name}.triangles: sum {total} not divisible by 3"
    total //= 3
    if small:
        brute = sum(
            1
            for i, a in enumerate(verts)
            for j in range(i + 1, n)
            if verts[j] in adj[a]
            for k in range(j + 1, n)
            if verts[k] in adj[a] and verts[k] in adj[verts[j]]
        )
        assert brute == total, f"{name}: triangle total {total}, triple loop {brute}"

    clus = vertex_file("clustering", parse_float)
    for v in verts:
        d = len(adj[v])
        want = 2 * tri[v] / (d * (d - 1)) if d >= 2 else 0.0
        assert 0.0 <= clus[v] <= 1.0 and abs(clus[v] - want) <= 1e-15, f"{name}.clustering: {v}"

    core = vertex_file("core", parse_count)
    assert core == peeling_cores(verts, adj), f"{name}.core: differs from peeling"

    # SCC: min-id labels by Kosaraju; every SCC lies inside one WCC.
    scc = vertex_file("scc", parse_id)
    assert scc == kosaraju_labels(verts, edges), f"{name}.scc: differs from Kosaraju"
    for v in verts:
        assert wcc[scc[v]] == wcc[v] and scc[v] >= wcc[v] and scc[scc[v]] == scc[v], f"{name}.scc: {v}"

    # HITS: sums to 1, exact zeros where there is no in-/out-edge, and one more
    # (sum-normalized) power-iteration step from the written hubs changes nothing.
    hits_path = out / f"{name}.hits.tsv"
    if hits_path.name in skipped:
        assert not hits_path.exists(), hits_path
        report["hits_res"] = math.nan
    else:
        rows = read_rows(hits_path, 3)
        ids = [parse_id(r[0]) for r in rows]
        assert ids == verts, f"{name}.hits: vertex set or order"
        hub = {parse_id(r[0]): parse_float(r[1]) for r in rows}
        auth = {parse_id(r[0]): parse_float(r[2]) for r in rows}
        for table in (hub, auth):
            assert min(table.values()) >= 0.0 and abs(math.fsum(table.values()) - 1.0) <= 1e-12, f"{name}.hits: sum"
        a2 = dict.fromkeys(verts, 0.0)
        for u, v, _ in edges:
            a2[v] += hub[u]
        s = math.fsum(a2.values())
        a2 = {v: x / s for v, x in a2.items()}
        h2 = dict.fromkeys(verts, 0.0)
        for u, v, _ in edges:
            h2[u] += auth[v]
        s = math.fsum(h2.values())
        h2 = {v: x / s for v, x in h2.items()}
        res = max(max(abs(a2[v] - auth[v]), abs(h2[v] - hub[v])) for v in verts)
        assert res <= HITS_RESIDUAL_BOUND, f"{name}.hits: fixed-point residual {res}"
        has_out = {u for u, _, _ in edges}
        has_in = {v for _, v, _ in edges}
        for v in verts:
            assert (v not in has_out) <= (hub[v] == 0.0), f"{name}.hits hub {v}"
            assert (v not in has_in) <= (auth[v] == 0.0), f"{name}.hits auth {v}"
        report["hits_res"] = res

    # Betweenness, closeness, harmonic: independent Brandes / BFS.
    bc_ref, clo_ref, har_ref = bfs_all_pairs_measures(verts, adj)
    for what, ref, bound in (("betweenness", bc_ref, 1e-12), ("closeness", clo_ref, 1e-15), ("harmonic", har_ref, 1e-12)):
        table = vertex_file(what, parse_float)
        err = max(abs(table[v] - ref[v]) for v in verts)
        assert err <= bound, f"{name}.{what}: off by {err}"

    # Jaccard / Adamic-Adar: the pair set is every a < b with a common neighbour;
    # Jaccard = |common| / |union| exactly, in [0, 1]; Adamic-Adar = sum 1/log deg.
    pairs = sorted({(min(a, b), max(a, b)) for w in verts for a in adj[w] for b in adj[w] if a != b})
    for what in ("jaccard", "adamic_adar"):
        path = out / f"{name}.{what}.tsv"
        if len(pairs) > PAIR_FILE_LIMIT:
            assert path.name in skipped and not path.exists(), path
            continue
        assert path.name not in skipped, path
        rows = read_rows(path, 3)
        got = [(parse_id(a), parse_id(b)) for a, b, _ in rows]
        assert got == pairs, f"{name}.{what}: pair set or order"
        for (a, b), (_, _, x) in zip(got, rows):
            x = parse_float(x)
            common = adj[a] & adj[b]
            if what == "jaccard":
                assert 0.0 < x <= 1.0 and x == len(common) / len(adj[a] | adj[b]), f"{name}.jaccard {a} {b}"
            else:
                want = math.fsum(1.0 / math.log(len(adj[w])) for w in common)
                assert abs(x - want) <= 1e-12 * max(1.0, want), f"{name}.adamic_adar {a} {b}"

    # Weighted / personalized PageRank: sum 1, decimal reference.
    for what, kwargs in (("pagerank_weighted", {"weighted": True}), ("pagerank_personalized", {"source": src})):
        table = vertex_file(what, parse_float)
        s = math.fsum(table.values())
        assert abs(s - 1.0) <= PAGERANK_SUM_BOUND, f"{name}.{what}: sum {s!r}"
        ref = reference_pagerank(verts, edges, **kwargs)
        err = max(abs(Decimal(table[v]) - ref[v]) for v in verts)
        assert err <= Decimal(PAGERANK_REFERENCE_BOUND), f"{name}.{what}: off by {err}"
        report[what] = float(err)
        try:  # the scipy-backed public entry point, when it can run
            public = nx.pagerank(
                build_graph(edges), alpha=ALPHA, tol=PAGERANK_TOL, max_iter=PAGERANK_MAX_ITER,
                weight="weight" if kwargs.get("weighted") else None,
                personalization={src: 1} if "source" in kwargs else None,
            )
            assert max(abs(public[v] - table[v]) for v in verts) <= 1e-12, f"{name}: nx.pagerank disagrees ({what})"
        except ImportError:
            pass

    # Stats.
    rows = read_rows(out / f"{name}.stats.tsv", 2)
    keys = ["triangles", "average_clustering", "transitivity", "louvain_modularity", "undirected_edges", "max_core"]
    assert [k for k, _ in rows] == keys, f"{name}.stats: keys"
    st = dict(rows)
    assert parse_count(st["triangles"]) == total, f"{name}.stats: triangles"
    avg = parse_float(st["average_clustering"])
    assert abs(avg - math.fsum(clus.values()) / n) <= 1e-13, f"{name}.stats: average_clustering"
    triads = sum(len(adj[v]) * (len(adj[v]) - 1) for v in verts)
    trans = parse_float(st["transitivity"])
    assert trans == (6 * total / triads if triads else 0.0), f"{name}.stats: transitivity"
    q = parse_float(st["louvain_modularity"])
    assert -0.5 <= q < 1.0, f"{name}.stats: modularity {q}"
    assert parse_count(st["undirected_edges"]) == sum(len(a) for a in adj.values()) // 2, f"{name}.stats: edges"
    assert parse_count(st["max_core"]) == max(core.values()), f"{name}.stats: max_core"

    # Triad census: all 16 codes in order, summing to C(n, 3); dyad totals agree
    # with the edge list; on small cases every triple is classified by a loop.
    rows = read_rows(out / f"{name}.triadic_census.tsv", 2)
    assert tuple(k for k, _ in rows) == TRIAD_CODES, f"{name}.triadic_census: codes"
    census = {k: parse_count(x) for k, x in rows}
    assert sum(census.values()) == n * (n - 1) * (n - 2) // 6, f"{name}.triadic_census: total"
    n_mutual = sum(1 for u, v in arcs if (v, u) in arcs) // 2
    n_asym = len(arcs) - 2 * n_mutual
    n_null = n * (n - 1) // 2 - n_mutual - n_asym
    for pos, count in ((0, n_mutual), (1, n_asym), (2, n_null)):
        got = sum(c * int(code[pos]) for code, c in census.items())
        assert got == count * (n - 2), f"{name}.triadic_census: dyad totals"
    if small:
        brute = dict.fromkeys(TRIAD_CODES, 0)
        for i in range(n):
            for j in range(i + 1, n):
                for k in range(j + 1, n):
                    brute[classify_triad(arcs, verts[i], verts[j], verts[k])] += 1
        assert brute == census, f"{name}.triadic_census: differs from the triple loop"

    # Bipartite projections: shared-neighbour counts per pair on each side.
    bip_path = out / f"{name}.bipartite.tsv"
    if name in BIPARTITE_TOP:
        top = BIPARTITE_TOP[name]
        assert all(top(u) != top(v) for u, v in arcs), f"{name}: not bipartite"
        want = []
        for side, is_side in (("top", top), ("bottom", lambda v: not top(v))):
            nodes = sorted(v for v in verts if is_side(v))
            shared = [(a, b, len(adj[a] & adj[b])) for i, a in enumerate(nodes) for b in nodes[i + 1 :]]
            want += [[f"{side}_simple", str(a), str(b), "1"] for a, b, c in shared if c]
            want += [[f"{side}_weighted", str(a), str(b), str(c)] for a, b, c in shared if c]
        assert read_rows(bip_path, 4) == want, f"{name}.bipartite: projections"
    else:
        assert not bip_path.exists(), bip_path
    return report


def verify_case(out, row, skipped):
    name, n_verts, n_edges, src, _ = row
    n_verts, n_edges, src = int(n_verts), int(n_edges), int(src)
    edges = read_edges(out / f"{name}.txt")
    assert len(edges) == n_edges, name
    assert len({(u, v) for u, v, _ in edges}) == len(edges), f"{name}: duplicate edges"
    verts = sorted({u for u, _, _ in edges} | {v for _, v, _ in edges})
    assert len(verts) == n_verts, name

    pr = read_tsv(out / f"{name}.pagerank.tsv", parse_dist)
    wcc = read_tsv(out / f"{name}.wcc.tsv", int)
    sssp = read_tsv(out / f"{name}.sssp.tsv", parse_dist)
    bfs = read_tsv(out / f"{name}.bfs.tsv", parse_hops)
    for what, table in (("pagerank", pr), ("wcc", wcc), ("sssp", sssp), ("bfs", bfs)):
        assert sorted(table) == verts, f"{name}.{what}: vertex set differs from the edge list"

    # Source rule.
    outdeg = dict.fromkeys(verts, 0)
    for u, _, _ in edges:
        outdeg[u] += 1
    assert src == min(verts, key=lambda v: (-outdeg[v], v)), f"{name}: source rule"

    # PageRank: sums to 1 and agrees with the exact fixed point.
    total = math.fsum(pr.values())
    assert abs(total - 1.0) <= PAGERANK_SUM_BOUND, f"{name}: pagerank sum {total!r}"
    ref = reference_pagerank(verts, edges)
    pr_err = max(abs(Decimal(pr[v]) - ref[v]) for v in verts)
    assert pr_err <= Decimal(PAGERANK_REFERENCE_BOUND), f"{name}: pagerank off by {pr_err}"
    try:  # the scipy-backed public entry point, when it can run
        public = nx.pagerank(build_graph(edges), alpha=ALPHA, weight=None, tol=PAGERANK_TOL, max_iter=PAGERANK_MAX_ITER)
        assert max(abs(public[v] - pr[v]) for v in verts) <= 1e-12, f"{name}: nx.pagerank disagrees"
    except ImportError:
        pass

    # WCC: min-id labels, independently via union-find.
    assert wcc == union_find_labels(verts, edges), f"{name}: wcc labels"

    # BFS / SSSP: optimality conditions. d[src] = 0; no edge can improve a
    # distance; every other finite distance is attained by some in-edge.
    for dist, weight_of, label in ((bfs, lambda w: 1, "bfs"), (sssp, lambda w: w, "sssp")):
        assert dist[src] == 0, f"{name}.{label}: source distance"
        attained = {src}
        for u, v, w in edges:
            if dist[u] == math.inf:
                continue
            cand = dist[u] + weight_of(w)
            assert dist[v] <= cand, f"{name}.{label}: edge {u}->{v} improves {dist[v]} to {cand}"
            if dist[v] == cand:
                attained.add(v)
        finite = {v for v in verts if dist[v] != math.inf}
        assert finite <= attained, f"{name}.{label}: unsupported distances {sorted(finite - attained)[:5]}"
    assert {v for v in verts if bfs[v] == math.inf} == {v for v in verts if sssp[v] == math.inf}, name
    lib = verify_library(out, name, verts, edges, src, wcc, skipped)
    return float(pr_err), sum(1 for v in verts if bfs[v] == math.inf), len(set(wcc.values())), lib


def verify(out, names, files, skipped):
    rows = [line.split("\t") for line in (out / "manifest.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["name", "vertices", "edges", "sssp_source", "description"], rows[0]
    assert [r[0] for r in rows[1:]] == names
    assert (out / "README.md").read_text(encoding="utf-8") == readme_text(skipped)
    for f in files:
        assert (out / f).is_file() and f not in skipped, f
    self_test_classify_triad()
    for row in rows[1:]:
        pr_err, unreachable, comps, lib = verify_case(out, row, skipped)
        print(
            f"ok {row[0]:20} V={row[1]:>5} E={row[2]:>5} source={row[3]:>14} "
            f"components={comps:>3} unreachable={unreachable:>4} pagerank_err={pr_err:.1e} "
            f"weighted={lib['pagerank_weighted']:.1e} personalized={lib['pagerank_personalized']:.1e} "
            f"hits_residual={lib['hits_res']:.1e}"
        )
    for f, reason in sorted(skipped.items()):
        print(f"not written: {f}: {reason}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: tests/data/graphs)")
    parser.add_argument("--check", action="store_true", help="regenerate into a temporary directory and compare with --out")
    args = parser.parse_args()

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            names, files, skipped = generate(tmp)
            verify(tmp, names, files, skipped)
            wanted = sorted(files)
            _, mismatch, errors = filecmp.cmpfiles(args.out, tmp, wanted, shallow=False)
            extra = sorted(set(os.listdir(args.out)) - set(wanted)) if args.out.is_dir() else []
            if mismatch or errors:
                print(f"out of date or missing in {args.out}: {mismatch + errors}", file=sys.stderr)
                return 1
            if extra:
                print(f"note: files not produced by this script: {extra}", file=sys.stderr)
            print(f"{args.out} is up to date")
            return 0

    names, files, skipped = generate(args.out)
    verify(args.out, names, files, skipped)
    extra = sorted(set(os.listdir(args.out)) - set(files))
    if extra:
        print(f"note: files not produced by this script: {extra}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
