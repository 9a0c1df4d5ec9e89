//! The classic deterministic families: grid, path, cycle, star and complete graph.
//!
//! Each function emits its edges sorted by `(src, dst)`, over vertex ids `0..n`.
//!
//! **Note**: these are directed edge lists. [`grid`] emits each undirected adjacency once
//! (`src < dst`); [`complete`] emits both directions of every pair; [`path`], [`cycle`]
//! and [`star`] point one way — symmetrise downstream when an algorithm wants both.

use super::edge_budget;
use crate::edgelist::EdgeList;
use crate::error::{Error, Result};

/// Edge count of `grid(rows, cols)`, or why it is refused.
pub(super) fn grid_edges(rows: u64, cols: u64) -> std::result::Result<usize, String> {
    let (rows, cols) = (u128::from(rows), u128::from(cols));
    if rows == 0 || cols == 0 {
        return Ok(0);
    }
    // Each product is below 2^128; only the sum can overflow.
    edge_budget((rows * (cols - 1)).saturating_add(cols * (rows - 1)))
}

/// Edge count of `path(n)` and `star(n)`, or why it is refused.
pub(super) fn path_edges(n: u64) -> std::result::Result<usize, String> {
    edge_budget(u128::from(n.saturating_sub(1)))
}

/// Edge count of `cycle(n)`, or why it is refused.
pub(super) fn cycle_edges(n: u64) -> std::result::Result<usize, String> {
    edge_budget(u128::from(n))
}

/// Edge count of `complete(n)`, or why it is refused.
pub(super) fn complete_edges(n: u64) -> std::result::Result<usize, String> {
    edge_budget(u128::from(n) * u128::from(n.saturating_sub(1)))
}

fn refuse(generator: &'static str) -> impl FnOnce(String) -> Error {
    move |reason| Error::InvalidParameter { generator, reason }
}

fn edge_list(src: Vec<u64>, dst: Vec<u64>) -> EdgeList {
    EdgeList { src, dst, weights: None }
}

/// A `rows × cols` grid graph with 4-neighbour adjacency.
///
/// Vertex `(row, col)` has id `row · cols + col`. Each undirected adjacency is emitted
/// once, from the smaller id: `v → v + 1` (right neighbour) and `v → v + cols` (lower
/// neighbour), for `v` in increasing order.
///
/// # Returns
/// `rows · (cols − 1) + cols · (rows − 1)` edges (none if either side is 0), sorted by
/// `(src, dst)`.
///
/// # Errors
/// [`Error::InvalidParameter`] if the edge count exceeds [`MAX_EDGES`](super::MAX_EDGES).
///
/// # Complexity
/// O(edges).
///
/// # Example
/// ```
/// // 0 - 1
/// // |   |
/// // 2 - 3
/// let edges = eddy_datasets::generators::grid(2, 2)?;
/// assert_eq!(edges.src, [0, 0, 1, 2]);
/// assert_eq!(edges.dst, [1, 2, 3, 3]);
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn grid(rows: u64, cols: u64) -> Result<EdgeList> {
    let edges = grid_edges(rows, cols).map_err(refuse("grid"))?;
    let (mut src, mut dst) = (Vec::with_capacity(edges), Vec::with_capacity(edges));
    if edges == 0 {
        return Ok(edge_list(src, dst)); // also skips the loop over a huge `rows × 0`
    }
    for row in 0..rows {
        for col in 0..cols {
            let v = row * cols + col;
            if col + 1 < cols {
                src.push(v);
                dst.push(v + 1);
            }
            if row + 1 < rows {
                src.push(v);
                dst.push(v + cols);
            }
        }
    }
    Ok(edge_list(src, dst))
}

/// A directed path `0 → 1 → … → n − 1`.
///
/// # Returns
/// `n − 1` edges `i → i + 1` (none for `n <= 1`), sorted.
///
/// # Errors
/// [`Error::InvalidParameter`] if the edge count exceeds [`MAX_EDGES`](super::MAX_EDGES).
///
/// # Complexity
/// O(n).
///
/// # Example
/// ```
/// let edges = eddy_datasets::generators::path(4)?;
/// assert_eq!((edges.src, edges.dst), (vec![0, 1, 2], vec![1, 2, 3]));
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn path(n: u64) -> Result<EdgeList> {
    path_edges(n).map_err(refuse("path"))?;
    let end = n.saturating_sub(1);
    Ok(edge_list((0..end).collect(), (1..=end).collect()))
}

/// A directed cycle: the [`path`] of `n` vertices plus `n − 1 → 0`.
///
/// # Returns
/// `n` edges, sorted; `cycle(1)` is the self-loop `0 → 0` and `cycle(2)` is `0 → 1`,
/// `1 → 0`; `cycle(0)` is empty.
///
/// # Errors
/// [`Error::InvalidParameter`] if the edge count exceeds [`MAX_EDGES`](super::MAX_EDGES).
///
/// # Complexity
/// O(n).
///
/// # Example
/// ```
/// let edges = eddy_datasets::generators::cycle(3)?;
/// assert_eq!((edges.src, edges.dst), (vec![0, 1, 2], vec![1, 2, 0]));
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn cycle(n: u64) -> Result<EdgeList> {
    cycle_edges(n).map_err(refuse("cycle"))?;
    Ok(edge_list((0..n).collect(), (0..n).map(|i| (i + 1) % n).collect()))
}

/// A directed star: the centre `0` points at every other vertex.
///
/// # Returns
/// `n − 1` edges `0 → i` for `i` in `1..n` (none for `n <= 1`), sorted.
///
/// # Errors
/// [`Error::InvalidParameter`] if the edge count exceeds [`MAX_EDGES`](super::MAX_EDGES).
///
/// # Complexity
/// O(n).
///
/// # Example
/// ```
/// let edges = eddy_datasets::generators::star(4)?;
/// assert_eq!((edges.src, edges.dst), (vec![0, 0, 0], vec![1, 2, 3]));
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn star(n: u64) -> Result<EdgeList> {
    let edges = path_edges(n).map_err(refuse("star"))?;
    Ok(edge_list(vec![0; edges], (1..n).collect()))
}

/// The complete directed graph: every ordered pair `i → j` with `i != j`.
///
/// # Returns
/// `n · (n − 1)` edges, sorted by `(src, dst)`.
///
/// # Errors
/// [`Error::InvalidParameter`] if the edge count exceeds [`MAX_EDGES`](super::MAX_EDGES)
/// (`n` > 65536).
///
/// # Complexity
/// O(n²).
///
/// # Example
/// ```
/// let edges = eddy_datasets::generators::complete(3)?;
/// assert_eq!(edges.src, [0, 0, 1, 1, 2, 2]);
/// assert_eq!(edges.dst, [1, 2, 0, 2, 0, 1]);
/// # Ok::<(), eddy_datasets::Error>(())
/// ```
pub fn complete(n: u64) -> Result<EdgeList> {
    let edges = complete_edges(n).map_err(refuse("complete"))?;
    let (mut src, mut dst) = (Vec::with_capacity(edges), Vec::with_capacity(edges));
    for i in 0..n {
        for j in (0..n).filter(|&j| j != i) {
            src.push(i);
            dst.push(j);
        }
    }
    Ok(edge_list(src, dst))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(edges: &EdgeList) -> Vec<(u64, u64)> {
        assert_eq!(edges.src.len(), edges.dst.len());
        assert_eq!(edges.weights, None);
        edges.src.iter().copied().zip(edges.dst.iter().copied()).collect()
    }

    #[test]
    fn grid_edges_exactly() {
        // 0 - 1 - 2
        // |   |   |
        // 3 - 4 - 5
        let edges = pairs(&grid(2, 3).unwrap());
        assert_eq!(edges, [(0, 1), (0, 3), (1, 2), (1, 4), (2, 5), (3, 4), (4, 5)]);
        assert_eq!(pairs(&grid(1, 3).unwrap()), [(0, 1), (1, 2)]);
        assert_eq!(pairs(&grid(3, 1).unwrap()), [(0, 1), (1, 2)]);
        for (rows, cols) in [(0, 5), (5, 0), (1, 1)] {
            assert!(grid(rows, cols).unwrap().is_empty());
        }
    }

    #[test]
    fn grid_counts_sorted_and_neighbours() {
        for (rows, cols) in [(2, 2), (3, 4), (7, 5), (10, 10)] {
            let edges = pairs(&grid(rows, cols).unwrap());
            assert_eq!(edges.len() as u64, rows * (cols - 1) + cols * (rows - 1));
            assert!(edges.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
            for &(u, v) in &edges {
                let ((ur, uc), (vr, vc)) = ((u / cols, u % cols), (v / cols, v % cols));
                assert!((ur == vr && vc == uc + 1) || (uc == vc && vr == ur + 1));
            }
        }
    }

    #[test]
    fn path_cycle_star_exactly() {
        assert_eq!(pairs(&path(4).unwrap()), [(0, 1), (1, 2), (2, 3)]);
        assert!(path(0).unwrap().is_empty() && path(1).unwrap().is_empty());
        assert_eq!(pairs(&cycle(4).unwrap()), [(0, 1), (1, 2), (2, 3), (3, 0)]);
        assert_eq!(pairs(&cycle(2).unwrap()), [(0, 1), (1, 0)]);
        assert_eq!(pairs(&cycle(1).unwrap()), [(0, 0)]);
        assert!(cycle(0).unwrap().is_empty());
        assert_eq!(pairs(&star(4).unwrap()), [(0, 1), (0, 2), (0, 3)]);
        assert!(star(0).unwrap().is_empty() && star(1).unwrap().is_empty());
        assert_eq!(path(1000).unwrap().len(), 999);
        assert_eq!(cycle(1000).unwrap().len(), 1000);
        assert_eq!(star(1000).unwrap().len(), 999);
    }

    #[test]
    fn complete_exactly() {
        assert_eq!(pairs(&complete(3).unwrap()), [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 1)]);
        assert!(complete(0).unwrap().is_empty() && complete(1).unwrap().is_empty());
        let edges = pairs(&complete(20).unwrap());
        assert_eq!(edges.len(), 20 * 19);
        assert!(edges.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        assert!(edges.iter().all(|&(u, v)| u != v && u < 20 && v < 20));
    }

    #[test]
    fn oversized_graphs_are_refused_before_allocating() {
        let reason = |result: Result<EdgeList>| match result {
            Err(Error::InvalidParameter { reason, .. }) => reason,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(
            reason(complete(1 << 20)),
            "the graph would have 1099510579200 edges, more than the limit \
             MAX_EDGES = 4294967296"
        );
        assert!(reason(complete(u64::MAX)).contains("more than the limit"));
        assert!(reason(grid(u64::MAX, u64::MAX)).contains("more than the limit"));
        assert!(reason(path(u64::MAX)).contains("more than the limit"));
        assert!(reason(cycle(u64::MAX)).contains("more than the limit"));
        assert!(reason(star(u64::MAX)).contains("more than the limit"));
        assert_eq!(complete_edges(65_536), Ok(65_536 * 65_535));
    }
}
