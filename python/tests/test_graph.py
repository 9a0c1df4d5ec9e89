"""eddy's graph algorithms against networkx (an independent oracle)."""

import networkx as nx
import numpy as np
import pytest

import eddy

BUILT_IN = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "les_miserables": nx.les_miserables_graph,
}


def random_digraph(n, m, seed):
    """A simple random digraph (no loops, no repeated edges: networkx would merge them)."""
    rng = np.random.default_rng(seed)
    pairs = np.unique(rng.integers(0, n, (m, 2)), axis=0)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return pairs[:, 0], pairs[:, 1], rng.uniform(0.5, 3.0, len(pairs))


@pytest.mark.parametrize("name", sorted(BUILT_IN))
@pytest.mark.parametrize("parallelism", [1, 2])
def test_pagerank_equals_networkx_on_built_in_graphs(name, parallelism):
    g = BUILT_IN[name]()
    expected = nx.pagerank(g, alpha=0.85, tol=1e-13, max_iter=1000, weight=None)
    ranks = eddy.Graph.from_networkx(g).pagerank(tolerance=1e-13, parallelism=parallelism)
    assert ranks.converged
    got = ranks.to_dict()
    assert got.keys() == expected.keys()
    for node, rank in expected.items():
        assert got[node] == pytest.approx(rank, abs=1e-8), node
    assert float(ranks.values.sum()) == pytest.approx(1.0, abs=1e-12)


def test_pagerank_equals_networkx_on_a_random_directed_graph():
    src, dst, _ = random_digraph(300, 1500, 1)
    g = nx.DiGraph()
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    expected = nx.pagerank(g, tol=1e-13, max_iter=1000)
    ranks = eddy.Graph.from_edges(src, dst).pagerank(tolerance=1e-13, parallelism=2).to_dict()
    assert ranks.keys() == expected.keys()
    assert max(abs(ranks[v] - expected[v]) for v in expected) < 1e-8


def test_connected_components_and_shortest_paths_equal_networkx():
    src, dst, weights = random_digraph(400, 500, 2)
    g = nx.DiGraph()
    g.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), weights.tolist()))
    # Components: eddy labels each vertex with the smallest id of its component.
    labels = eddy.Graph.from_edges(src, dst).connected_components(parallelism=2).to_dict()
    for component in nx.weakly_connected_components(g):
        assert {labels[v] for v in component} == {min(component)}
    source = int(src[0])
    hops = eddy.Graph.from_edges(src, dst).sssp(source).to_dict()
    expected_hops = nx.single_source_shortest_path_length(g, source)
    assert {v: d for v, d in hops.items() if np.isfinite(d)} == expected_hops
    dist = eddy.Graph.from_edges(src, dst, weights=weights).sssp(source, parallelism=2).to_dict()
    expected = nx.single_source_dijkstra_path_length(g, source)
    assert {v for v, d in dist.items() if np.isfinite(d)} == expected.keys()
    for v, d in expected.items():
        assert dist[v] == pytest.approx(d, rel=1e-12)


def test_undirected_graphs_and_labels_round_trip():
    g = nx.les_miserables_graph()
    components = eddy.Graph.from_networkx(g).connected_components()
    assert len(components) == g.number_of_nodes()
    distances = eddy.Graph.from_networkx(g).sssp("Valjean").to_dict()
    assert distances == {k: float(v) for k, v in nx.single_source_shortest_path_length(g, "Valjean").items()}


def test_results_are_numpy_arrays_owned_by_the_extension():
    src, dst, _ = random_digraph(1000, 5000, 3)
    ranks = eddy.Graph.from_edges(src, dst).pagerank(iterations=5)
    assert ranks.ids.dtype == np.uint64 and ranks.values.dtype == np.float64
    assert np.all(np.diff(ranks.ids.astype(np.int64)) > 0)
    # No copy on the way out: numpy wraps the engine's own buffer.
    assert ranks.values.base is not None and not ranks.values.flags.owndata
    assert type(ranks.values.base).__name__ == "PySliceContainer"


@pytest.mark.parametrize("make", [nx.karate_club_graph, nx.les_miserables_graph, lambda: nx.gnm_random_graph(50, 120, seed=3, directed=True)])
def test_from_networkx_to_networkx_round_trips(make):
    g = make()
    back = eddy.Graph.from_networkx(g).to_networkx()
    assert back.is_directed() == g.is_directed()
    assert set(back.nodes) == set(g.nodes)
    assert nx.utils.edges_equal(back.edges, g.edges)


def test_generated_graphs_and_edge_list_files(tmp_path):
    grid = eddy.generate.grid(3, 4)
    assert grid.number_of_edges() == 3 * 3 + 2 * 4
    assert len(grid.connected_components()) == 12
    g = eddy.generate.rmat(10, 8, seed=5)
    assert g.number_of_edges() == 8 * 1024
    assert np.array_equal(g.pagerank(iterations=3).values, eddy.generate.rmat(10, 8, seed=5).pagerank(iterations=3).values)
    path = tmp_path / "edges.txt"
    path.write_text("# a comment\n0 1\n1 2 \n2\t0\n")
    ranks = eddy.Graph.from_edge_list(path).pagerank(tolerance=1e-12).to_dict()
    assert ranks == pytest.approx({0: 1 / 3, 1: 1 / 3, 2: 1 / 3}, abs=1e-12)
    with pytest.raises(FileNotFoundError) as missing:
        eddy.Graph.from_edge_list(tmp_path / "nope.txt")
    assert isinstance(missing.value, eddy.EddyError) and "nope.txt" in str(missing.value)
    path.write_text("0 1\nfoo bar\n")
    with pytest.raises(ValueError, match="edges.txt:2"):
        eddy.Graph.from_edge_list(path)
    with pytest.raises(ValueError, match="rmat"):
        eddy.generate.rmat(99)


def test_edges_come_back_as_given():
    src, dst, weights = random_digraph(50, 200, 4)
    got_src, got_dst, got_weights = eddy.Graph.from_edges(src.astype(np.int32), dst, weights=weights).edges()
    np.testing.assert_array_equal(got_src, src)
    np.testing.assert_array_equal(got_dst, dst)
    np.testing.assert_array_equal(got_weights, weights)
    assert eddy.Graph.from_edges(src, dst).edges()[2] is None


def test_bfs_equals_networkx_and_ignores_weights():
    src, dst, weights = random_digraph(300, 900, 5)
    g = nx.DiGraph()
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    source = int(src[0])
    expected = nx.single_source_shortest_path_length(g, source)
    for graph in (eddy.Graph.from_edges(src, dst), eddy.Graph.from_edges(src, dst, weights=weights)):
        hops = eddy.bfs(graph, source, parallelism=2).to_dict()
        assert {v: d for v, d in hops.items() if np.isfinite(d)} == expected
        assert sum(1 for d in hops.values() if not np.isfinite(d)) == len(hops) - len(expected)


def test_components_of_a_networkx_graph_are_named_by_node_labels():
    g = nx.Graph([("b", "a"), ("a", "c"), ("x", "y")])
    components = eddy.Graph.from_networkx(g).connected_components().to_dict()
    # Each component is named by its smallest node index, i.e. its first node in g.nodes.
    assert components == {"b": "b", "a": "b", "c": "b", "x": "x", "y": "x"}


@pytest.mark.parametrize("dtype", [np.int8, np.uint16, np.int32, np.uint32, np.int64, np.uint64])
def test_any_integer_dtype_and_strided_ids_give_the_same_graph(dtype):
    src, dst, weights = random_digraph(100, 400, 6)
    expected = eddy.Graph.from_edges(src, dst).pagerank(tolerance=1e-12).to_dict()
    # Every other element of an interleaved array: a strided view, converted in one pass.
    interleaved = np.empty(2 * len(src), dtype=dtype)
    interleaved[0::2], interleaved[1::2] = src, dst
    g = eddy.Graph.from_edges(interleaved[0::2], interleaved[1::2], weights=weights.astype(np.float32))
    assert g.pagerank(tolerance=1e-12).to_dict() == expected
    got_src, got_dst, got_weights = g.edges()
    np.testing.assert_array_equal(got_src, src)
    np.testing.assert_array_equal(got_dst, dst)
    np.testing.assert_array_equal(got_weights, weights.astype(np.float32).astype(np.float64))


def test_tables_share_the_result_memory():
    pa = pytest.importorskip("pyarrow")
    pd = pytest.importorskip("pandas")
    src, dst, _ = random_digraph(500, 2000, 7)
    ranks = eddy.Graph.from_edges(src, dst).pagerank(iterations=10)
    table = ranks.to_arrow()
    assert table.column_names == ["id", "rank"]
    assert table.column("id").type == pa.uint64() and table.column("rank").type == pa.float64()
    np.testing.assert_array_equal(table.column("rank").to_numpy(), ranks.values)
    # Zero copy: the Arrow buffers are the numpy arrays' (the engine's) memory.
    assert table.column("id").chunk(0).buffers()[1].address == ranks.ids.ctypes.data
    assert table.column("rank").chunk(0).buffers()[1].address == ranks.values.ctypes.data
    frame = ranks.to_pandas()
    assert list(frame.columns) == ["id", "rank"] and len(frame) == len(ranks)
    assert np.shares_memory(frame["rank"].to_numpy(), ranks.values)
    assert np.shares_memory(frame["id"].to_numpy(), ranks.ids)
    assert dict(zip(frame["id"].tolist(), frame["rank"].tolist())) == ranks.to_dict()
    labelled = eddy.Graph.from_networkx(nx.karate_club_graph()).pagerank().to_pandas()
    assert labelled["id"].tolist() == list(nx.karate_club_graph().nodes)


MEMORY_PROBE = """
import numpy as np
import eddy

def peak():
    # VmHWM: this process's peak resident memory (getrusage's ru_maxrss can start from the
    # parent's size at fork time).
    line = next(l for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024

n = 10_000_000
src = np.arange(n, dtype=np.int32)
dst = np.empty_like(src)  # filled in place: no temporary raises the peak before the call
np.add(src, 1, out=dst)
dst[-1] = 0
before = peak()
g = eddy.Graph.from_edges(src, dst)
after = peak()
assert g.number_of_edges() == n
print(after - before)
"""


def test_ten_million_int32_edges_are_copied_once():
    import subprocess
    import sys

    grown = int(subprocess.run([sys.executable, "-c", MEMORY_PROBE], check=True, capture_output=True,
                               text=True).stdout)
    engine = 2 * 10_000_000 * 8  # the engine's two uint64 id vectors: 160 MB
    # Converting to uint64 in numpy first would add 160 MB of temporaries (peak ≥ 320 MB).
    assert engine * 0.9 <= grown < engine * 1.4, grown
