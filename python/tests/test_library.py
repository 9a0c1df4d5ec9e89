"""eddy's graph library (triangles, clustering, core numbers, strongly connected
components) against networkx, on the graphs networkx ships and on random ones with
sparse 40-bit ids, for several parallelisms."""

import networkx as nx
import numpy as np
import pytest

import eddy

BUILT_IN = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "les_miserables": nx.les_miserables_graph,
    "davis": nx.davis_southern_women_graph,
}


def random_multigraph(n, m, seed):
    """Edges with repeats and self-loops over sparse ids up to 2^40."""
    rng = np.random.default_rng(seed)
    ids = rng.choice(2**40, n, replace=False).astype(np.uint64)
    return ids[rng.integers(0, n, m)], ids[rng.integers(0, n, m)]


def simple_view(src, dst):
    """networkx's undirected simple view: Graph(G) without self-loops, every vertex kept."""
    g = nx.Graph()
    g.add_nodes_from(np.concatenate([src, dst]).tolist())
    g.add_edges_from((u, v) for u, v in zip(src.tolist(), dst.tolist()) if u != v)
    return g


@pytest.mark.parametrize("name", sorted(BUILT_IN))
@pytest.mark.parametrize("parallelism", [1, 2, 4])
def test_undirected_algorithms_equal_networkx_on_built_in_graphs(name, parallelism):
    g = BUILT_IN[name]()
    graph = eddy.Graph.from_networkx(g)
    triangles = graph.triangles(parallelism=parallelism)
    assert triangles.to_dict() == nx.triangles(g)
    assert triangles.figures["triangles"] == sum(nx.triangles(g).values()) // 3
    clustering = graph.clustering(parallelism=parallelism)
    expected = nx.clustering(g)
    assert clustering.to_dict() == pytest.approx(expected, abs=1e-12)
    assert clustering.figures["average_clustering"] == pytest.approx(nx.average_clustering(g), abs=1e-12)
    assert clustering.figures["global_clustering"] == pytest.approx(nx.transitivity(g), abs=1e-12)
    assert graph.core_number(parallelism=parallelism).to_dict() == nx.core_number(g)
    listed = graph.triangle_list(parallelism=parallelism)
    cliques = {frozenset(c) for c in nx.enumerate_all_cliques(g) if len(c) == 3}
    assert {frozenset(t) for t in listed} == cliques and len(listed) == len(cliques)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_undirected_algorithms_equal_networkx_on_random_multigraphs(seed):
    src, dst = random_multigraph(300, 2500, seed)
    g = simple_view(src, dst)
    graph = eddy.Graph.from_edges(src, dst)
    for parallelism in (1, 3):
        triangles = graph.triangles(parallelism=parallelism)
        assert triangles.to_dict() == nx.triangles(g)
        assert graph.core_number(parallelism=parallelism).to_dict() == nx.core_number(g)
        clustering = graph.clustering(parallelism=parallelism)
        assert clustering.to_dict() == pytest.approx(nx.clustering(g), abs=1e-12)
        rows = graph.triangle_list(parallelism=parallelism)
        assert rows.dtype == np.uint64 and rows.shape == (triangles.figures["triangles"], 3)
        assert (rows[:, 0] < rows[:, 1]).all() and (rows[:, 1] < rows[:, 2]).all()
        assert rows.tolist() == sorted(rows.tolist())


@pytest.mark.parametrize("seed", [4, 5])
def test_strongly_connected_components_equal_networkx(seed):
    src, dst = random_multigraph(500, 900, seed)
    g = nx.DiGraph()
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    expected = {v: min(c) for c in nx.strongly_connected_components(g) for v in c}
    graph = eddy.Graph.from_edges(src, dst)
    for parallelism in (1, 2, 4):
        result = graph.strongly_connected_components(parallelism=parallelism)
        assert result.name == "component" and result.to_dict() == expected
    # From networkx: a component is named by the label of its first node in g.nodes order.
    h = nx.relabel_nodes(g, {v: f"v{v}" for v in g})
    order = {v: i for i, v in enumerate(h.nodes)}
    first = {v: min(c, key=order.get) for c in nx.strongly_connected_components(h) for v in c}
    assert eddy.Graph.from_networkx(h).strongly_connected_components().to_dict() == first


def test_functions_are_the_methods_and_tables_name_the_value():
    g = eddy.Graph.from_networkx(nx.karate_club_graph())
    assert eddy.triangles(g).to_dict() == g.triangles().to_dict()
    assert eddy.core_number(g).to_dict() == g.core_number().to_dict()
    assert eddy.clustering(g).figures == g.clustering().figures
    assert eddy.strongly_connected_components(g).to_dict() == g.strongly_connected_components().to_dict()
    assert len(eddy.triangle_list(g)) == 45
    assert list(g.core_number().to_pandas().columns) == ["id", "core"]
    assert g.triangles().to_arrow().column_names == ["id", "triangles"]
    assert eddy.triangles.__doc__.startswith("``triangles(graph, ...)``")


@pytest.mark.parametrize("name", ["karate", "les_miserables"])
@pytest.mark.parametrize("parallelism", [1, 3])
def test_hits_equals_networkx(name, parallelism):
    g = BUILT_IN[name]().to_directed()
    nx.set_edge_attributes(g, 1.0, "weight")  # networkx's HITS reads weights: make them 1
    want_hubs, want_authorities = nx.hits(g, tol=1e-12, max_iter=10000)
    hubs, authorities = eddy.Graph.from_networkx(g).hits(tolerance=1e-12, max_iterations=10000,
                                                         parallelism=parallelism)
    assert hubs.converged and hubs.name == "hub" and authorities.name == "authority"
    assert hubs.to_dict() == pytest.approx(want_hubs, abs=1e-8)
    assert authorities.to_dict() == pytest.approx(want_authorities, abs=1e-8)
    assert float(hubs.values.sum()) == pytest.approx(1.0, abs=1e-12)


def test_hits_on_a_random_digraph_and_fixed_iterations():
    src, dst = random_multigraph(200, 1200, 9)
    g = nx.DiGraph()
    g.add_edges_from(zip(src.tolist(), dst.tolist()))
    want_hubs, want_authorities = nx.hits(g, tol=1e-12, max_iter=10000)
    graph = eddy.Graph.from_edges(src, dst)
    hubs, authorities = graph.hits(tolerance=1e-12, max_iterations=10000, parallelism=2)
    assert hubs.to_dict() == pytest.approx(want_hubs, abs=1e-8)
    assert authorities.to_dict() == pytest.approx(want_authorities, abs=1e-8)
    three, _ = graph.hits(iterations=3)
    assert three.supersteps == 3 and three.converged
    with pytest.raises(eddy.errors.InvalidArgumentError, match="tolerance"):
        graph.hits(tolerance=-1.0)


@pytest.mark.parametrize("name", ["karate", "les_miserables", "davis"])
def test_jaccard_and_adamic_adar_equal_networkx(name):
    g = BUILT_IN[name]()
    nodes = list(g.nodes)
    candidates = [(u, v) for i, u in enumerate(nodes) for v in nodes[i + 1:] if set(g[u]) & set(g[v])]
    graph = eddy.Graph.from_networkx(g)
    for method, oracle in [(graph.jaccard, nx.jaccard_coefficient), (graph.adamic_adar, nx.adamic_adar_index)]:
        want = {(u, v): s for u, v, s in oracle(g, candidates)}
        for parallelism in (1, 3):
            got = method(parallelism=parallelism).to_dict()
            assert got.keys() == want.keys()
            assert got == pytest.approx(want, abs=1e-12)
        high = method(min_score=0.5).to_dict()
        assert high == pytest.approx({k: s for k, s in want.items() if s >= 0.5}, abs=1e-12)
    pairs = graph.jaccard(top=1)
    assert len(pairs) <= g.number_of_nodes()
    assert list(pairs.to_pandas().columns) == ["u", "v", "jaccard"]
    assert pairs.to_arrow().num_rows == len(pairs)
