"""Type stubs of the extension module (the Python wrappers in eddy/ are what users call)."""

from typing import Optional

import numpy as np
import numpy.typing as npt

class VertexValues:
    """Per-vertex results: ``ids`` (ascending, uint64) and ``values`` (one per id)."""

    @property
    def ids(self) -> npt.NDArray[np.uint64]: ...
    @property
    def values(self) -> npt.NDArray[np.float64] | npt.NDArray[np.uint64]: ...
    @property
    def supersteps(self) -> int: ...
    @property
    def converged(self) -> bool: ...
    def to_dict(self) -> dict[int, float]: ...
    def __len__(self) -> int: ...

class Graph:
    @staticmethod
    def from_edges(
        src: npt.NDArray[np.uint64],
        dst: npt.NDArray[np.uint64],
        weights: Optional[npt.NDArray[np.float64]] = None,
        directed: bool = True,
    ) -> "Graph": ...
    @staticmethod
    def from_edge_list(path: str, directed: bool = True) -> "Graph": ...
    @staticmethod
    def generate(spec: str, directed: bool = True) -> "Graph": ...
    def edges(
        self,
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64], Optional[npt.NDArray[np.float64]]]: ...
    @property
    def directed(self) -> bool: ...
    def number_of_edges(self) -> int: ...
    def pagerank(
        self,
        *,
        damping: float = 0.85,
        iterations: Optional[int] = None,
        tolerance: float = 1e-9,
        max_iterations: int = 1000,
        parallelism: Optional[int] = None,
    ) -> VertexValues: ...
    def connected_components(self, *, parallelism: Optional[int] = None) -> VertexValues: ...
    def sssp(self, source: int, *, parallelism: Optional[int] = None) -> VertexValues: ...

def kmeans_fit(
    x: npt.NDArray[np.float64],
    k: int,
    *,
    init: str = "k-means++",
    init_centroids: Optional[npt.NDArray[np.float64]] = None,
    max_iter: int = 300,
    tol: float = 1e-4,
    seed: int = 0,
    n_init: int = 1,
    parallelism: Optional[int] = None,
) -> tuple[npt.NDArray[np.float64], float, int, npt.NDArray[np.int64]]: ...
def kmeans_predict(centroids: npt.NDArray[np.float64], x: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]: ...
def fit(
    kind: str, params: dict[str, object], x: npt.NDArray[np.float64], y: Optional[npt.NDArray[np.float64]] = None
) -> str: ...
def predict(kind: str, model: str, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
def predict_proba(kind: str, model: str, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]: ...
def transform(kind: str, model: str, x: npt.NDArray[np.float64], inverse: bool = False) -> npt.NDArray[np.float64]: ...
