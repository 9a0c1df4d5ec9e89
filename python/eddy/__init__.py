"""Eddy from Python: graph algorithms and ML trainers that run in Eddy's Rust engine.

>>> import eddy, numpy as np
>>> g = eddy.Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0]))
>>> ranks = g.pagerank(tolerance=1e-12)
>>> sorted(round(r, 6) for r in ranks.to_dict().values())
[0.333333, 0.333333, 0.333333]

Graphs: ``Graph.from_edges(src, dst, weights=None, directed=True)``,
``Graph.from_networkx(g)``, ``Graph.from_edge_list(path)``, ``eddy.generate.rmat(...)``
and friends; ``Graph.to_networkx()``; algorithms ``pagerank``, ``connected_components`` and
``sssp`` as methods (and functions of the same names), returning ``VertexValues`` (numpy
arrays ``ids`` and ``values``, ``to_dict()``). ML: ``eddy.ml`` (scikit-learn
conventions). Every call takes ``parallelism=`` (default: one worker per core, or
``EDDY_PARALLELISM``) and releases the GIL while the engine runs. Errors are
``eddy.errors.EddyError`` subclasses (also ``ValueError``/``OSError`` as fitting).
"""

import numpy as _np

from . import errors
from ._eddy import VertexValues
from ._eddy import Graph as _Graph
from .errors import EddyError

__all__ = ["Graph", "VertexValues", "EddyError", "errors", "pagerank", "connected_components", "sssp", "ml",
           "generate"]


def _ids(name, values):
    """Vertex ids as a 1-D uint64 array: any integer dtype, no negative ids."""
    array = _np.asarray(values)
    if array.ndim != 1:
        raise errors.InvalidArgumentError(f"{name} must be 1-D, got an array of shape {array.shape}")
    if array.size and not _np.issubdtype(array.dtype, _np.integer):
        raise errors.InvalidArgumentError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.size and _np.issubdtype(array.dtype, _np.signedinteger) and array.min() < 0:
        raise errors.InvalidArgumentError(f"{name} holds a negative vertex id ({array.min()})")
    return _np.ascontiguousarray(array, dtype=_np.uint64)


class Graph:
    """A graph given by its edges; algorithms run in the engine on every call.

    Vertices are the ids that appear in an edge. Results come back as ``VertexValues``
    sorted by vertex id.
    """

    def __init__(self, inner, labels=None):
        self._inner = inner
        self._labels = labels

    @classmethod
    def from_edges(cls, src, dst, weights=None, directed=True):
        """A graph with an edge ``src[i] -> dst[i]`` for every i.

        ``src``/``dst``: 1-D arrays of non-negative integers (any integer dtype);
        ``weights``: optional 1-D floats (used by ``sssp``); ``directed=False`` loads each
        edge in both directions.
        """
        src, dst = _ids("src", src), _ids("dst", dst)
        if weights is not None:
            weights = _np.asarray(weights)
            if weights.ndim != 1:
                raise errors.InvalidArgumentError(f"weights must be 1-D, got shape {weights.shape}")
            weights = _np.ascontiguousarray(weights, dtype=_np.float64)
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
        graph has weights. Repeated edges collapse, as networkx keeps one per pair."""
        import networkx as nx

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

    def _wrap(self, result):
        return result if self._labels is None else _Labelled(result, self._labels)

    def pagerank(self, *, damping=0.85, iterations=None, tolerance=1e-9, max_iterations=1000, parallelism=None):
        """PageRank (networkx's convention: ranks sum to 1, dangling rank spread evenly).

        ``iterations=N`` runs exactly N power iterations; otherwise it runs until the L1
        change of the ranks is below ``tolerance`` (at most ``max_iterations``).
        """
        return self._wrap(self._inner.pagerank(damping=damping, iterations=iterations, tolerance=tolerance,
                                               max_iterations=max_iterations, parallelism=parallelism))

    def connected_components(self, *, parallelism=None):
        """Weakly connected components: every vertex gets the smallest id of its component."""
        return self._wrap(self._inner.connected_components(parallelism=parallelism))

    def sssp(self, source, *, parallelism=None):
        """Shortest-path distances from ``source`` (weighted if the graph has weights,
        else hop counts); ``inf`` where unreachable."""
        if self._labels is not None:
            try:
                source = self._labels.index(source)
            except ValueError:
                raise errors.InvalidArgumentError(f"unknown vertex {source!r}: not a node of the graph") from None
        elif not isinstance(source, (int, _np.integer)) or source < 0:
            raise errors.InvalidArgumentError(f"source must be a non-negative integer vertex id, got {source!r}")
        return self._wrap(self._inner.sssp(int(source), parallelism=parallelism))


class _Labelled:
    """Results of a graph built from networkx: ``to_dict()`` uses the node labels."""

    def __init__(self, result, labels):
        self._result, self._labels = result, labels

    ids = property(lambda self: self._result.ids)
    values = property(lambda self: self._result.values)
    supersteps = property(lambda self: self._result.supersteps)
    converged = property(lambda self: self._result.converged)

    def __len__(self):
        return len(self._result)

    def to_dict(self):
        return {self._labels[int(i)]: v for i, v in zip(self._result.ids, self._result.values.tolist())}


def pagerank(graph, **kwargs):
    """``graph.pagerank(**kwargs)``."""
    return graph.pagerank(**kwargs)


def connected_components(graph, **kwargs):
    """``graph.connected_components(**kwargs)``."""
    return graph.connected_components(**kwargs)


def sssp(graph, source, **kwargs):
    """``graph.sssp(source, **kwargs)``."""
    return graph.sssp(source, **kwargs)


from . import generate, ml  # noqa: E402  (they import the names above)
