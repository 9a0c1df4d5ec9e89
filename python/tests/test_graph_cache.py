"""A Graph builds its partitioned graph once per parallelism: later calls re-attach it and
give the first call's results bit for bit, other parallelisms build their own and stay
right, failed calls cache nothing, and several threads can share one Graph."""

import threading

import networkx as nx
import numpy as np
import pytest

import eddy

NOTHING = {"unweighted": [], "weighted": []}


def edges(seed):
    """R-MAT-like skew without the generator: 500 vertices, 3000 edges with repeats and
    self-loops, ids scattered over [0, 10^6), weights in [0.5, 3)."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(1_000_000, 500, replace=False)
    src = ids[np.minimum(rng.geometric(0.01, 3000), 499)]
    dst = ids[rng.integers(0, 500, 3000)]
    return src, dst, rng.uniform(0.5, 3.0, 3000)


def simple_edges(seed):
    """``edges(seed)`` without self-loops and with one edge per vertex pair (either way),
    so that networkx, which merges repeats, sees the same graph."""
    src, dst, weights = edges(seed)
    _, first = np.unique(np.sort(np.column_stack([src, dst]), axis=1), axis=0, return_index=True)
    keep = np.sort(first)
    keep = keep[src[keep] != dst[keep]]
    return src[keep], dst[keep], weights[keep]


def graph(directed, weighted, seed=7):
    src, dst, weights = edges(seed)
    return eddy.Graph.from_edges(src, dst, weights=weights if weighted else None, directed=directed)


def calls(source):
    """Each algorithm as a call on a graph at a parallelism."""
    return {
        "pagerank_20": lambda g, p: g.pagerank(iterations=20, parallelism=p),
        "pagerank_converged": lambda g, p: g.pagerank(tolerance=1e-12, parallelism=p),
        "connected_components": lambda g, p: g.connected_components(parallelism=p),
        "sssp": lambda g, p: g.sssp(source, parallelism=p),
        "bfs": lambda g, p: g.bfs(source, parallelism=p),
    }


def bits(result):
    """Everything a result holds, floats as their bit patterns."""
    values = result.values
    if values.dtype == np.float64:
        values = values.view(np.uint64)
    return result.ids.tolist(), values.tolist(), result.supersteps, result.converged


def cache_entry(name, weighted):
    """Which cache entry a call fills: only a weighted sssp uses the weighted graph."""
    return "weighted" if name == "sssp" and weighted else "unweighted"


@pytest.mark.parametrize("parallelism", [1, 2])
@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(calls(0)))
def test_a_second_call_equals_the_first_bit_for_bit(name, weighted, directed, parallelism):
    src = edges(7)[0]
    call = calls(int(src[0]))[name]
    g = graph(directed, weighted)
    first = call(g, parallelism)
    entry = cache_entry(name, weighted)
    assert g.cached_parallelisms() == {**NOTHING, entry: [parallelism]}
    second = call(g, parallelism)
    third = call(g, parallelism)
    assert bits(second) == bits(first)
    assert bits(third) == bits(first)
    # ... and the first call is what a Graph without a cache computes.
    assert bits(call(graph(directed, weighted), parallelism)) == bits(first)
    assert len(first) == len(np.unique(np.concatenate([src, edges(7)[1]])))


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_other_parallelisms_build_their_own_graph_and_stay_right(directed):
    src, dst, weights = simple_edges(11)
    source = int(src[0])
    g = eddy.Graph.from_edges(src, dst, weights=weights, directed=directed)
    reference = nx.DiGraph() if directed else nx.Graph()
    reference.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weights.tolist()))
    assert reference.number_of_edges() == len(src)
    at = {p: {name: bits(call(g, p)) for name, call in calls(source).items()} for p in (2, 1, 3)}
    assert g.cached_parallelisms() == {"unweighted": [1, 2, 3], "weighted": [1, 2, 3]}
    for p in (1, 2, 3):
        # Each parallelism again, now from the cache: unchanged, bit for bit.
        again = {name: bits(call(g, p)) for name, call in calls(source).items()}
        assert again == at[p]
        # What a fresh Graph gives at that parallelism.
        fresh = eddy.Graph.from_edges(src, dst, weights=weights, directed=directed)
        assert {name: bits(call(fresh, p)) for name, call in calls(source).items()} == at[p]
    # Components and distances do not depend on the parallelism (the supersteps taken
    # may: sssp relaxes a worker's edges locally); ranks only in the last digits.
    for name in ("connected_components", "sssp", "bfs"):
        assert at[1][name][:2] == at[2][name][:2] == at[3][name][:2], name
    for p in (1, 2, 3):
        ids, ranks = at[p]["pagerank_converged"][0], np.array(at[p]["pagerank_converged"][1]).view(np.float64)
        expected = nx.pagerank(reference, tol=1e-13, max_iter=1000, weight=None)
        assert ids == sorted(expected)
        assert np.max(np.abs(ranks - np.array([expected[v] for v in ids]))) < 1e-8
    # The values are right, not only stable: against networkx.
    ids, distances = at[3]["sssp"][0], np.array(at[3]["sssp"][1]).view(np.float64)
    expected = nx.single_source_dijkstra_path_length(reference, source)
    assert {v: d for v, d in zip(ids, distances.tolist()) if np.isfinite(d)} == pytest.approx(expected, abs=1e-12)
    ids, hops = at[3]["bfs"][0], np.array(at[3]["bfs"][1]).view(np.float64)
    assert {v: d for v, d in zip(ids, hops.tolist()) if np.isfinite(d)} == \
        nx.single_source_shortest_path_length(reference, source)
    components = dict(zip(*at[3]["connected_components"][:2]))
    for component in (nx.weakly_connected_components if directed else nx.connected_components)(reference):
        assert {components[v] for v in component} == {min(component)}


def test_the_default_parallelism_is_cached_under_its_worker_count(monkeypatch):
    g = graph(True, False)
    monkeypatch.setenv("EDDY_PARALLELISM", "3")
    first = g.pagerank(iterations=20)
    assert g.cached_parallelisms() == {**NOTHING, "unweighted": [3]}
    assert bits(g.pagerank(iterations=20, parallelism=3)) == bits(first)
    assert g.cached_parallelisms() == {**NOTHING, "unweighted": [3]}


def test_clear_cache_frees_the_graphs_and_keeps_the_results():
    g = graph(False, True)
    source = int(edges(7)[0][0])
    before = {name: bits(call(g, 2)) for name, call in calls(source).items()}
    assert g.cached_parallelisms() == {"unweighted": [2], "weighted": [2]}
    g.clear_cache()
    assert g.cached_parallelisms() == NOTHING
    assert {name: bits(call(g, 2)) for name, call in calls(source).items()} == before
    assert g.cached_parallelisms() == {"unweighted": [2], "weighted": [2]}


def test_a_failed_call_caches_nothing():
    g = graph(True, True)
    with pytest.raises(eddy.errors.InvalidArgumentError, match="unknown vertex 1000001"):
        g.sssp(1_000_001, parallelism=2)
    with pytest.raises(eddy.errors.InvalidArgumentError, match="unknown vertex 1000001"):
        g.bfs(1_000_001, parallelism=2)
    assert g.cached_parallelisms() == NOTHING
    source = int(edges(7)[0][0])
    distances = g.sssp(source, parallelism=2)
    assert distances.values[distances.ids.tolist().index(source)] == 0.0
    assert g.cached_parallelisms() == {**NOTHING, "weighted": [2]}


def test_threads_share_one_graph():
    g = graph(False, False)
    source = int(edges(7)[0][0])
    expected = {p: {name: bits(call(graph(False, False), p)) for name, call in calls(source).items()}
                for p in (1, 2)}
    results, failures = [], []
    start = threading.Barrier(6)

    def work(p):
        try:
            start.wait()
            for _ in range(3):
                results.append((p, {name: bits(call(g, p)) for name, call in calls(source).items()}))
        except Exception as e:  # reported below: an exception in a thread would be lost
            failures.append(e)

    threads = [threading.Thread(target=work, args=(1 + i % 2,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert len(results) == 18
    for p, got in results:
        assert got == expected[p]
    assert g.cached_parallelisms() == {**NOTHING, "unweighted": [1, 2]}
