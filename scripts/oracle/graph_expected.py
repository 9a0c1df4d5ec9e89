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

Every .tsv file has one line per vertex, "vertex<TAB>value", sorted by vertex id
in numeric order, with no header. Floats are written with repr() so they round-
trip exactly ("0.0", "1e-05", "0.0123..."); Rust's f64::from_str reads all of them
and "inf".

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
    nx.pagerank() dispatches to a scipy implementation, and scipy/numpy are not
    installed here, so this script calls networkx's pure-Python power iteration
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

After writing, the script parses every file back and asserts: vertex sets agree
across all files of a case and with the edge list; no duplicate edges; PageRank
sums to 1 within 1e-12 and matches the decimal reference; WCC labels equal the
minimum id per component (checked with an independent union-find); BFS and SSSP
distances satisfy the shortest-path optimality conditions edge by edge.
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
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "data" / "graphs"

ALPHA = 0.85
PAGERANK_TOL = 1e-15
PAGERANK_MAX_ITER = 10000
PAGERANK_REFERENCE_BOUND = 1e-12  # max |networkx - exact fixed point| accepted
PAGERANK_SUM_BOUND = 1e-12


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
]


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


def write_case(out, name, description, edges):
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
    return [name, str(g.number_of_nodes()), str(g.number_of_edges()), str(src), description]


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
"""


def generate(out):
    out.mkdir(parents=True, exist_ok=True)
    manifest = [["name", "vertices", "edges", "sssp_source", "description"]]
    for name, build in CASES:
        description, edges = build()
        manifest.append(write_case(out, name, description, edges))
    write_lines(out / "manifest.tsv", ["\t".join(row) for row in manifest])
    with open(out / "README.md", "w", encoding="utf-8", newline="\n") as f:
        f.write(README)
    return [row[0] for row in manifest[1:]]


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


def reference_pagerank(verts, edges, digits=60):
    """Power iteration in decimal arithmetic, run until it stops changing at 1e-45."""
    getcontext().prec = digits
    n = len(verts)
    out = {v: [] for v in verts}
    for u, v, _ in edges:
        out[u].append(v)
    alpha = Decimal(ALPHA)  # the exact binary value networkx uses
    x = {v: Decimal(1) / n for v in verts}
    dangling = [v for v in verts if not out[v]]
    for _ in range(2000):
        base = ((1 - alpha) + alpha * sum(x[v] for v in dangling)) / n
        nxt = dict.fromkeys(verts, base)
        for u in verts:
            if out[u]:
                share = alpha * x[u] / len(out[u])
                for v in out[u]:
                    nxt[v] += share
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


def verify_case(out, row):
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
    return float(pr_err), sum(1 for v in verts if bfs[v] == math.inf), len(set(wcc.values()))


def verify(out, names):
    rows = [line.split("\t") for line in (out / "manifest.tsv").read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["name", "vertices", "edges", "sssp_source", "description"], rows[0]
    assert [r[0] for r in rows[1:]] == names
    for row in rows[1:]:
        pr_err, unreachable, comps = verify_case(out, row)
        print(
            f"ok {row[0]:20} V={row[1]:>5} E={row[2]:>5} source={row[3]:>14} "
            f"components={comps:>3} unreachable={unreachable:>4} pagerank_err={pr_err:.1e}"
        )


def expected_files(names):
    files = {"manifest.tsv", "README.md"}
    for name in names:
        files |= {f"{name}{suffix}" for suffix in (".txt", ".pagerank.tsv", ".wcc.tsv", ".sssp.tsv", ".bfs.tsv")}
    return files


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: tests/data/graphs)")
    parser.add_argument("--check", action="store_true", help="regenerate into a temporary directory and compare with --out")
    args = parser.parse_args()

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            names = generate(tmp)
            verify(tmp, names)
            wanted = sorted(expected_files(names))
            _, mismatch, errors = filecmp.cmpfiles(args.out, tmp, wanted, shallow=False)
            extra = sorted(set(os.listdir(args.out)) - set(wanted)) if args.out.is_dir() else []
            if mismatch or errors:
                print(f"out of date or missing in {args.out}: {mismatch + errors}", file=sys.stderr)
                return 1
            if extra:
                print(f"note: files not produced by this script: {extra}", file=sys.stderr)
            print(f"{args.out} is up to date")
            return 0

    names = generate(args.out)
    verify(args.out, names)
    extra = sorted(set(os.listdir(args.out)) - expected_files(names))
    if extra:
        print(f"note: files not produced by this script: {extra}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
