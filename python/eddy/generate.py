"""Seeded graph generators (the same graphs as ``eddy generate SPEC``): every call with
the same arguments gives the same edges, on any machine. Ids are ``0..n``; edges are
directed unless ``directed=False``.

>>> import eddy
>>> eddy.generate.grid(2, 3).number_of_edges()
7
"""

from . import Graph, _Graph

__all__ = ["rmat", "erdos_renyi", "grid", "path", "cycle", "star", "complete"]


def _spec(spec, directed):
    return Graph(_Graph.generate(spec, directed))


def rmat(scale, edge_factor=16, seed=1, *, directed=True):
    """R-MAT / Graph500 (a, b, c = 0.57, 0.19, 0.19): ``2**scale`` ids,
    ``edge_factor * 2**scale`` edges (self-loops and repeats kept, ids scrambled)."""
    return _spec(f"rmat:{int(scale)}:{int(edge_factor)}:{int(seed)}", directed)


def erdos_renyi(n, m, seed=1, *, directed=True):
    """G(n, m): ``m`` distinct random directed edges over ``n`` vertices."""
    return _spec(f"er:{int(n)}:{int(m)}:{int(seed)}", directed)


def grid(rows, cols, *, directed=True):
    """A ``rows × cols`` grid, each vertex linked to its right and lower neighbour."""
    return _spec(f"grid:{int(rows)}:{int(cols)}", directed)


def path(n, *, directed=True):
    """The path ``0 → 1 → … → n−1``."""
    return _spec(f"path:{int(n)}", directed)


def cycle(n, *, directed=True):
    """The cycle ``0 → 1 → … → n−1 → 0``."""
    return _spec(f"cycle:{int(n)}", directed)


def star(n, *, directed=True):
    """A star: ``0 → i`` for every ``i`` in ``1..n``."""
    return _spec(f"star:{int(n)}", directed)


def complete(n, *, directed=True):
    """Every ordered pair of distinct vertices of ``0..n``."""
    return _spec(f"complete:{int(n)}", directed)
