"""Eddy from Python: graph algorithms and ML trainers that run in Eddy's Rust engine.

>>> import eddy, numpy as np
>>> g = eddy.Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0]))
>>> ranks = g.pagerank(tolerance=1e-12)
>>> sorted(round(r, 6) for r in ranks.to_dict().values())
[0.333333, 0.333333, 0.333333]

Graphs: ``Graph.from_edges(src, dst, weights=None, directed=True)``,
``Graph.from_networkx(g)``, ``Graph.from_edge_list(path)``, ``eddy.generate.rmat(...)``
and friends; ``Graph.to_networkx()``; algorithms ``pagerank``, ``connected_components``,
``sssp``, ``bfs``, ``strongly_connected_components`` and — on the undirected simple view
(directions, repeated edges and self-loops ignored) — ``triangles``, ``triangle_list``,
``clustering``, ``core_number``, ``jaccard`` and ``adamic_adar`` (``VertexPairs``), and
``hits`` as methods (and functions of the same names),
returning ``VertexValues`` (numpy arrays ``ids`` and ``values``, ``to_dict()``, graph-wide
``figures``). ML: ``eddy.ml`` (scikit-learn
conventions). Every call takes ``parallelism=`` (default: one worker per core, or
``EDDY_PARALLELISM``) and releases the GIL while the engine runs. Errors are
``eddy.errors.EddyError`` subclasses (also ``ValueError``/``OSError`` as fitting).
Conversions need optional packages, installed with eddy's extras: ``to_pandas()``
``eddy[pandas]``, ``to_arrow()`` ``eddy[arrow]``, ``to_networkx()`` ``eddy[networkx]``
(``eddy[all]`` for the three); without them they raise ``MissingDependencyError``.
"""

import importlib as _importlib

import numpy as _np

from . import errors
from ._eddy import Graph as _Graph
from ._eddy import defaults as _defaults
from .errors import EddyError

# PageRank's defaults are the Rust ones (eddy_gelly's `PageRank::default()`).
_PAGERANK = _defaults("pagerank")

__all__ = ["Graph", "VertexValues", "EddyError", "errors", "pagerank", "connected_components", "sssp", "bfs",
           "strongly_connected_components", "triangles", "triangle_list", "clustering", "core_number", "hits", "jaccard", "adamic_adar", "VertexPairs", "ml",
           "generate"]


def _optional(module, extra, needed_by):
    """Imports optional ``module`` (installed by eddy's extra ``extra``); when it is not
    installed, raises ``MissingDependencyError`` saying how to install it. A module that
    is installed but fails to import raises its own error."""
    try:
        return _importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name != module:
            raise
        raise errors.MissingDependencyError(
            f"{needed_by} needs {module}, which is not installed: pip install 'eddy[{extra}]' "
            f"(or pip install {module})", name=module) from None


def _ids(name, values):
    """Ids as a 1-D integer array, not copied when it already is one (the engine converts
    any integer dtype to uint64 while it copies the ids in, and rejects negative ids)."""
    array = _np.asarray(values)
    if array.ndim != 1:
        raise errors.InvalidArgumentError(f"{name} must be 1-D, got an array of shape {array.shape}")
    if array.size == 0:
        return array.astype(_np.uint64)
    if not _np.issubdtype(array.dtype, _np.integer):
        raise errors.InvalidArgumentError(f"{name} must hold integers, got dtype {array.dtype}")
    return array


class Graph:
    """A graph given by its edges; algorithms run in the engine.

    Vertices are the ids that appear in an edge. Results come back as ``VertexValues``
    sorted by vertex id.

    The first call with a parallelism builds the engine's partitioned graph (dense ids
    and compressed adjacency, both directions; symmetrised when undirected) and the
    ``Graph`` keeps it, so later calls with that parallelism only run the algorithm —
    with the same results, bit for bit. It holds one such graph per parallelism used (and
    one more per parallelism for the weighted graph of ``sssp``), each about 8 bytes per
    edge (24 with weights; twice that when undirected, every edge being stored both
    ways), where the edge list itself takes 16 (24 with weights): ``cached_parallelisms()``
    tells which it holds, ``clear_cache()`` frees them. A ``Graph`` can be used from
    several threads at once.
    """

    def __init__(self, inner, labels=None):
        self._inner = inner
        self._labels = labels

    @classmethod
    def from_edges(cls, src, dst, weights=None, directed=True):
        """A graph with an edge ``src[i] -> dst[i]`` for every i.

        ``src``/``dst``: 1-D arrays of non-negative integers (any integer dtype, copied
        once into the engine); ``weights``: optional 1-D floats (used by ``sssp``);
        ``directed=False`` loads each edge in both directions.

        >>> import numpy as np
        >>> g = Graph.from_edges(np.array([0, 1], dtype=np.int32), np.array([1, 2], dtype=np.int32))
        >>> g.number_of_edges()
        2
        """
        src, dst = _ids("src", src), _ids("dst", dst)
        if weights is not None:
            weights = _np.asarray(weights)
            if weights.ndim != 1:
                raise errors.InvalidArgumentError(f"weights must be 1-D, got shape {weights.shape}")
            if weights.dtype not in (_np.float32, _np.float64):
                weights = weights.astype(_np.float64)
        return cls(_Graph.from_edges(src, dst, weights, directed))

    @classmethod
    def from_networkx(cls, g, weight=None):
        """A graph from a networkx graph (node labels of any hashable type).

        Nodes are numbered in ``g.nodes`` order; ``to_dict()`` of the results maps back
        to the original labels. ``weight`` names an edge attribute to use as weights.
        """
        nodes = list(g.nodes)
        index = {node: i for i, node in enumerate(nodes)}
        edges = list(g.edges(data=weight, default=1.0)) if weight else list(g.edges)
        src = _np.fromiter((index[e[0]] for e in edges), dtype=_np.uint64, count=len(edges))
        dst = _np.fromiter((index[e[1]] for e in edges), dtype=_np.uint64, count=len(edges))
        weights = _np.fromiter((e[2] for e in edges), dtype=_np.float64, count=len(edges)) if weight else None
        graph = cls(_Graph.from_edges(src, dst, weights, g.is_directed()), labels=nodes)
        return graph

    @classmethod
    def from_edge_list(cls, path, directed=True):
        """A graph read from an edge-list file: ``src dst [weight]`` per line (spaces,
        tabs or commas), ``#``/``%`` comments, ``.gz`` gunzipped. A missing file raises
        ``EddyFileNotFoundError`` (a ``FileNotFoundError``); a malformed line an
        ``InvalidArgumentError`` naming the file, line and text."""
        return cls(_Graph.from_edge_list(str(path), directed))

    def edges(self):
        """Copies of the edges as numpy arrays ``(src, dst, weights or None)``, in input
        order (ids as given, or node indices for a graph from networkx)."""
        return self._inner.edges()

    def to_networkx(self):
        """The graph as a networkx ``DiGraph`` (``Graph`` when built undirected), with
        the original node labels of ``from_networkx`` and a ``weight`` attribute when the
        graph has weights. Repeated edges collapse, as networkx keeps one per pair. Needs
        networkx (``pip install 'eddy[networkx]'``)."""
        nx = _optional("networkx", "networkx", "to_networkx()")

        g = nx.DiGraph() if self.directed else nx.Graph()
        if self._labels is not None:
            g.add_nodes_from(self._labels)
        src, dst, weights = self._inner.edges()
        label = (lambda i: self._labels[i]) if self._labels is not None else (lambda i: i)
        pairs = zip((label(i) for i in src.tolist()), (label(i) for i in dst.tolist()))
        if weights is None:
            g.add_edges_from(pairs)
        else:
            g.add_weighted_edges_from((u, v, w) for (u, v), w in zip(pairs, weights.tolist()))
        return g

    @property
    def directed(self):
        return self._inner.directed

    def number_of_edges(self):
        """The edges given (an undirected graph counts each once)."""
        return self._inner.number_of_edges()

    def cached_parallelisms(self):
        """The parallelisms whose built graph this ``Graph`` holds, ascending:
        ``"unweighted"`` for ``pagerank``, ``connected_components``, ``bfs`` (and ``sssp``
        without weights), ``"weighted"`` for ``sssp`` with weights.

        >>> import numpy as np
        >>> g = Graph.from_edges(np.array([0, 1]), np.array([1, 2]), weights=np.array([1.0, 2.0]))
        >>> g.cached_parallelisms()
        {'unweighted': [], 'weighted': []}
        >>> _ = g.pagerank(parallelism=2), g.bfs(0, parallelism=1), g.sssp(0, parallelism=2)
        >>> g.cached_parallelisms()
        {'unweighted': [1, 2], 'weighted': [2]}
        """
        return self._inner.cached_parallelisms()

    def clear_cache(self):
        """Frees the built graphs (one per parallelism used, see ``Graph``); the next call
        builds again. Results do not change.

        >>> import numpy as np
        >>> g = Graph.from_edges(np.array([0, 1]), np.array([1, 2]))
        >>> _ = g.connected_components(parallelism=1)
        >>> g.clear_cache()
        >>> g.cached_parallelisms()
        {'unweighted': [], 'weighted': []}
        """
        self._inner.clear_cache()

    def _wrap(self, result, name, figures=None):
        return VertexValues(result, name, self._labels, figures)

    def pagerank(self, *, damping=_PAGERANK["damping"], iterations=_PAGERANK["iterations"],
                 tolerance=_PAGERANK["tolerance"], max_iterations=_PAGERANK["max_iterations"], parallelism=None):
        """PageRank, networkx's convention: ranks sum to 1, the rank of vertices without
        out-edges is spread evenly over all vertices.

        Parameters (the ``eddy pagerank`` flags):
          damping: the probability of following an edge (0.85).
          iterations: run exactly this many power iterations; None (default) runs until
            the L1 change of the ranks is below ``tolerance``, at most ``max_iterations``.
          tolerance: the L1 convergence bound (1e-9).
          max_iterations: the bound without ``iterations`` (1000).
          parallelism: workers (None: one per core, or ``EDDY_PARALLELISM``).

        Returns ``VertexValues`` named ``rank`` (``supersteps``, ``converged`` tell how
        it ended). Ctrl-C stops it with ``KeyboardInterrupt``.

        >>> import numpy as np, eddy
        >>> ranks = eddy.Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0])).pagerank(tolerance=1e-12)
        >>> [round(r, 6) for r in ranks.values.tolist()]
        [0.333333, 0.333333, 0.333333]
        """
        return self._wrap(self._inner.pagerank(damping=damping, iterations=iterations, tolerance=tolerance,
                                               max_iterations=max_iterations, parallelism=parallelism), "rank")

    def connected_components(self, *, parallelism=None):
        """Weakly connected components: every vertex gets the smallest vertex id of its
        component (edge directions ignored). Returns ``VertexValues`` named
        ``component``; ``parallelism`` as for ``pagerank``.

        >>> import numpy as np, eddy
        >>> eddy.Graph.from_edges(np.array([4, 2]), np.array([3, 9])).connected_components().to_dict()
        {2: 2, 3: 3, 4: 3, 9: 2}
        """
        return self._wrap(self._inner.connected_components(parallelism=parallelism), "component")

    def sssp(self, source, *, parallelism=None):
        """Shortest-path distances from ``source``: sums of edge weights if the graph has
        weights (they must be non-negative), else hop counts; ``inf`` where unreachable.
        ``source`` is a vertex id (a node label for graphs from networkx). Returns
        ``VertexValues`` named ``distance``.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 0, 1]), np.array([1, 2, 2]), weights=np.array([1.0, 5.0, 1.5]))
        >>> g.sssp(0).to_dict()
        {0: 0.0, 1: 1.0, 2: 2.5}
        """
        return self._wrap(self._inner.sssp(self._source(source), parallelism=parallelism), "distance")

    def bfs(self, source, *, parallelism=None):
        """Breadth-first hop counts from ``source`` (weights ignored); ``inf`` where
        unreachable."""
        return self._wrap(self._inner.bfs(self._source(source), parallelism=parallelism), "distance")

    def strongly_connected_components(self, *, parallelism=None):
        """Strongly connected components of the directed graph: every vertex gets the
        smallest vertex id of its component (as networkx's
        ``strongly_connected_components``, named). Returns ``VertexValues`` named
        ``component``. On an undirected graph they are its connected components.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([1, 2, 3, 3]), np.array([2, 1, 1, 4]))
        >>> g.strongly_connected_components().to_dict()
        {1: 1, 2: 1, 3: 3, 4: 4}
        """
        return self._wrap(self._inner.strongly_connected_components(parallelism=parallelism), "component")

    def triangles(self, *, parallelism=None):
        """The number of triangles each vertex is part of, in the undirected simple view
        (edge directions, repeated edges and self-loops ignored; networkx's
        ``triangles``). Returns ``VertexValues`` named ``triangles`` whose
        ``figures["triangles"]`` is the graph's number of triangles.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]))
        >>> t = g.triangles()
        >>> t.to_dict(), t.figures
        ({0: 1, 1: 1, 2: 1, 3: 0}, {'triangles': 1})
        """
        values, total = self._inner.triangles(parallelism=parallelism)
        return self._wrap(values, "triangles", {"triangles": total})

    def triangle_list(self, *, parallelism=None):
        """The triangles of the undirected simple view (Gelly's TriangleListing): a
        ``uint64`` array of shape ``(triangles, 3)``, each row ``a < b < c``, rows sorted
        — or, for a graph from networkx, a list of node-label triples.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 1, 2, 2, 3]), np.array([1, 2, 0, 3, 0]))
        >>> g.triangle_list().tolist()
        [[0, 1, 2], [0, 2, 3]]
        """
        flat = self._inner.triangle_list(parallelism=parallelism).reshape(-1, 3)
        if self._labels is None:
            return flat
        return [tuple(self._labels[i] for i in row) for row in flat.tolist()]

    def clustering(self, *, parallelism=None):
        """Local clustering coefficients of the undirected simple view (networkx's
        ``clustering``): ``2t / (d(d-1))`` for a vertex of degree ``d`` in ``t``
        triangles, 0 when ``d < 2``. Returns ``VertexValues`` named ``clustering`` whose
        ``figures`` hold ``average_clustering`` (networkx's ``average_clustering``),
        ``global_clustering`` (networkx's ``transitivity``), ``triangles`` and
        ``triplets``.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]))
        >>> c = g.clustering()
        >>> c.to_dict(), round(c.figures["global_clustering"], 4)
        ({0: 1.0, 1: 1.0, 2: 0.3333333333333333, 3: 0.0}, 0.6)
        """
        values, figures = self._inner.clustering(parallelism=parallelism)
        return self._wrap(values, "clustering", figures)

    def hits(self, *, iterations=None, tolerance=None, max_iterations=None, parallelism=None):
        """HITS hubs and authorities, networkx's ``hits`` (``normalized=True``): from hubs
        ``1/n``, authorities sum the hubs pointing to them and hubs the authorities they
        point to, both scaled to a maximum of 1, until the L1 change of the hubs is below
        ``tolerance`` (networkx's ``tol``, default 1e-8) or after ``max_iterations`` (100);
        ``iterations`` runs exactly that many. Repeated edges count once. Returns
        ``(hubs, authorities)``, two ``VertexValues`` named ``hub`` and ``authority``, each
        summing to 1 (``converged`` tells whether the tolerance was met).

        >>> import numpy as np, eddy
        >>> hubs, authorities = eddy.Graph.from_edges(np.array([0, 0, 1]), np.array([1, 2, 2])).hits()
        >>> [round(x, 4) for x in hubs.values.tolist()], [round(x, 4) for x in authorities.values.tolist()]
        ([0.618, 0.382, 0.0], [0.0, 0.382, 0.618])
        >>> hubs.converged, round(float(hubs.values.sum()), 12)
        (True, 1.0)
        """
        hubs, authorities = self._inner.hits(iterations=iterations, tolerance=tolerance,
                                              max_iterations=max_iterations, parallelism=parallelism)
        return self._wrap(hubs, "hub"), self._wrap(authorities, "authority")

    def jaccard(self, *, min_score=0.0, top=None, parallelism=None):
        """The Jaccard index ``|N(u) ∩ N(v)| / |N(u) ∪ N(v)|`` of every pair ``u < v`` with
        a common neighbour in the undirected simple view (networkx's
        ``jaccard_coefficient`` over those pairs; Gelly's JaccardIndex), at least
        ``min_score``; ``top=K`` keeps only the pairs among the K best of either vertex
        (ties to the smaller other vertex). Returns ``VertexPairs`` sorted by ``(u, v)``.
        The work is one candidate per pair of neighbours of every vertex.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]))
        >>> g.jaccard().to_dict()
        {(0, 1): 0.3333333333333333, (0, 2): 0.25, (0, 3): 0.5, (1, 2): 0.25, (1, 3): 0.5}
        """
        return VertexPairs(*self._inner.similarity(False, min_score, top, parallelism=parallelism), "jaccard",
                           self._labels)

    def adamic_adar(self, *, min_score=0.0, top=None, parallelism=None):
        """The Adamic-Adar index of every pair ``u < v`` with a common neighbour: the sum
        of ``1 / ln(degree(w))`` over the common neighbours ``w`` (networkx's
        ``adamic_adar_index`` over those pairs); ``min_score`` and ``top`` as for
        ``jaccard``. Returns ``VertexPairs``.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]))
        >>> round(g.adamic_adar().to_dict()[(0, 3)], 6)
        0.910239
        """
        return VertexPairs(*self._inner.similarity(True, min_score, top, parallelism=parallelism), "adamic_adar",
                           self._labels)

    def core_number(self, *, parallelism=None):
        """Core numbers of the undirected simple view (networkx's ``core_number``): the
        largest ``k`` such that the vertex lies in a subgraph where every vertex has
        degree at least ``k``. Returns ``VertexValues`` named ``core``.

        >>> import numpy as np, eddy
        >>> g = eddy.Graph.from_edges(np.array([0, 1, 2, 2]), np.array([1, 2, 0, 3]))
        >>> g.core_number().to_dict()
        {0: 2, 1: 2, 2: 2, 3: 1}
        """
        return self._wrap(self._inner.core_number(parallelism=parallelism), "core")

    def _source(self, source):
        """The engine's id of vertex ``source`` (a node label for graphs from networkx)."""
        if self._labels is not None:
            try:
                return self._labels.index(source)
            except ValueError:
                raise errors.InvalidArgumentError(f"unknown vertex {source!r}: not a node of the graph") from None
        if not isinstance(source, (int, _np.integer)) or source < 0:
            raise errors.InvalidArgumentError(f"source must be a non-negative integer vertex id, got {source!r}")
        return int(source)


class VertexValues:
    """One value per vertex: ``ids`` (``uint64``, ascending) and ``values``, numpy arrays
    that share the engine's memory (no copy); ``name`` is the value's name (``rank``,
    ``component``, ``distance``, ``triangles``, ``clustering``, ``core``); ``supersteps``
    and ``converged`` describe the run, ``figures`` holds the algorithm's graph-wide
    numbers (``triangles``: the total; ``clustering``: the average and global
    coefficients), empty for the others.

    For a graph built with ``from_networkx``, ``ids`` are node indices and ``labels``
    the nodes; ``to_dict()`` and the tables use the labels.

    >>> import numpy as np, eddy
    >>> result = eddy.Graph.from_edges(np.array([0, 5]), np.array([5, 7])).connected_components()
    >>> result.to_dict()
    {0: 0, 5: 0, 7: 0}
    >>> result.name, len(result), result.ids.dtype.name
    ('component', 3, 'uint64')
    """

    def __init__(self, native, name, labels=None, figures=None):
        self._native, self.name, self.labels = native, name, labels
        self.figures = dict(figures or {})

    ids = property(lambda self: self._native.ids, doc="Vertex ids, ascending (uint64).")
    values = property(lambda self: self._native.values, doc="One value per vertex, in ``ids`` order.")
    supersteps = property(lambda self: self._native.supersteps, doc="Supersteps the algorithm ran.")
    converged = property(lambda self: self._native.converged,
                         doc="True if it stopped on its own, not at the iteration bound.")

    def __len__(self):
        return len(self._native)

    def __repr__(self):
        return f"VertexValues({self.name}, {len(self)} vertices, supersteps={self.supersteps})"

    def _keys(self):
        if self.labels is None:
            return self.ids
        return [self.labels[i] for i in self.ids.tolist()]

    def to_dict(self):
        """``{vertex id (or node label): value}``; a component is named by its smallest
        vertex (its label, for graphs from networkx)."""
        keys = self.ids.tolist() if self.labels is None else self._keys()
        values = self.values.tolist()
        if self.labels is not None and self.name == "component":
            values = [self.labels[v] for v in values]
        return dict(zip(keys, values))

    def to_arrow(self):
        """A ``pyarrow.Table`` with columns ``id`` and the value's name. The columns share
        the numpy arrays' memory (no copy) unless the ids are networkx labels. Needs
        pyarrow (``pip install 'eddy[arrow]'``)."""
        pa = _optional("pyarrow", "arrow", "to_arrow()")

        return pa.table({"id": pa.array(self._keys()), self.name: pa.array(self.values)})

    def to_pandas(self):
        """A ``pandas.DataFrame`` with columns ``id`` and the value's name, sharing the
        numpy arrays' memory (no copy) unless the ids are networkx labels. Needs pandas
        (``pip install 'eddy[pandas]'``)."""
        pd = _optional("pandas", "pandas", "to_pandas()")

        return pd.DataFrame({"id": self._keys(), self.name: self.values}, copy=False)


class VertexPairs:
    """Scores of vertex pairs: ``u``, ``v`` (``uint64``, ``u < v``, sorted by ``(u, v)``) and
    ``score`` numpy arrays; ``name`` is the score's name (``jaccard``, ``adamic_adar``).
    For a graph built with ``from_networkx``, ``u`` and ``v`` are node indices and
    ``to_dict()`` and the tables use the node labels.

    >>> import numpy as np, eddy
    >>> pairs = eddy.Graph.from_edges(np.array([0, 1]), np.array([1, 2])).jaccard()
    >>> pairs.to_dict(), len(pairs)
    ({(0, 2): 1.0}, 1)
    """

    def __init__(self, u, v, score, name, labels=None):
        self.u, self.v, self.score, self.name, self.labels = u, v, score, name, labels

    def __len__(self):
        return len(self.score)

    def __repr__(self):
        return f"VertexPairs({self.name}, {len(self)} pairs)"

    def _ends(self):
        if self.labels is None:
            return self.u, self.v
        return [self.labels[i] for i in self.u.tolist()], [self.labels[i] for i in self.v.tolist()]

    def to_dict(self):
        """``{(u, v): score}`` (node labels for graphs from networkx)."""
        u, v = self._ends()
        u, v = (u.tolist(), v.tolist()) if self.labels is None else (u, v)
        return dict(zip(zip(u, v), self.score.tolist()))

    def to_arrow(self):
        """A ``pyarrow.Table`` with columns ``u``, ``v`` and the score's name. Needs
        pyarrow (``pip install 'eddy[arrow]'``)."""
        pa = _optional("pyarrow", "arrow", "to_arrow()")
        u, v = self._ends()
        return pa.table({"u": pa.array(u), "v": pa.array(v), self.name: pa.array(self.score)})

    def to_pandas(self):
        """A ``pandas.DataFrame`` with columns ``u``, ``v`` and the score's name. Needs
        pandas (``pip install 'eddy[pandas]'``)."""
        pd = _optional("pandas", "pandas", "to_pandas()")
        u, v = self._ends()
        return pd.DataFrame({"u": u, "v": v, self.name: self.score})


def pagerank(graph, *, damping=_PAGERANK["damping"], iterations=_PAGERANK["iterations"],
             tolerance=_PAGERANK["tolerance"], max_iterations=_PAGERANK["max_iterations"], parallelism=None):
    return graph.pagerank(damping=damping, iterations=iterations, tolerance=tolerance,
                          max_iterations=max_iterations, parallelism=parallelism)


def connected_components(graph, *, parallelism=None):
    return graph.connected_components(parallelism=parallelism)


def sssp(graph, source, *, parallelism=None):
    return graph.sssp(source, parallelism=parallelism)


def bfs(graph, source, *, parallelism=None):
    return graph.bfs(source, parallelism=parallelism)


def strongly_connected_components(graph, *, parallelism=None):
    return graph.strongly_connected_components(parallelism=parallelism)


def triangles(graph, *, parallelism=None):
    return graph.triangles(parallelism=parallelism)


def triangle_list(graph, *, parallelism=None):
    return graph.triangle_list(parallelism=parallelism)


def clustering(graph, *, parallelism=None):
    return graph.clustering(parallelism=parallelism)


def core_number(graph, *, parallelism=None):
    return graph.core_number(parallelism=parallelism)


def jaccard(graph, *, min_score=0.0, top=None, parallelism=None):
    return graph.jaccard(min_score=min_score, top=top, parallelism=parallelism)


def adamic_adar(graph, *, min_score=0.0, top=None, parallelism=None):
    return graph.adamic_adar(min_score=min_score, top=top, parallelism=parallelism)


def hits(graph, *, iterations=None, tolerance=None, max_iterations=None, parallelism=None):
    return graph.hits(iterations=iterations, tolerance=tolerance, max_iterations=max_iterations,
                      parallelism=parallelism)


# The functions are the methods with the graph first: same documentation.
for _function in (pagerank, connected_components, sssp, bfs, strongly_connected_components, triangles,
                  triangle_list, clustering, core_number, hits, jaccard, adamic_adar):
    _function.__doc__ = f"``{_function.__name__}(graph, ...)`` is ``graph.{_function.__name__}(...)``.\n\n" + \
        " " * 8 + getattr(Graph, _function.__name__).__doc__
del _function


from . import generate, ml  # noqa: E402  (they import the names above)
