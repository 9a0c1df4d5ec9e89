//! One side (users or items) of the ratings on one worker, and the routing of factors.
//!
//! A [`Block`] holds the ids this worker owns on one side, sorted, with their ratings in
//! compressed rows (the ratings of `ids[k]` are `offsets[k]..offsets[k + 1]`, sorted by
//! the counterpart id, then by value). [`link`] computes the routing once, before the
//! iteration, as Spark's blocked ALS does with its in- and out-blocks:
//! - the *in-block* of the needing side: for every rating, the row of the counterpart's
//!   factor in the buffer that arrives each superstep (counterparts grouped by owner,
//!   owners in worker order, ids ascending within an owner);
//! - the *out-block* of the providing side: for every worker, the rows of the factors it
//!   needs, in the order it expects them.
//!
//! Each superstep then ships only factors ([`Block::send_factors`]), never ids.
//!
//! **Note**: every sum (the normal equations, the squared errors) runs over one id's
//! ratings in their sorted order, on the worker that owns the id, so its value is the
//! same for every parallelism.

use eddy_core::Worker;
use eddy_core::hash::{FxHashMap, partition_of};

use super::cholesky::NormalEquation;
use crate::{Error, Result};

/// The ratings of the ids one worker owns on one side, and the factor routing.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// `"user"` or `"item"`, for error messages.
    side: &'static str,
    /// The ids this worker owns on this side, ascending; row `k` of the factors is `ids[k]`.
    pub(super) ids: Vec<u64>,
    /// Compressed rows: the ratings of `ids[k]` are `offsets[k]..offsets[k + 1]`.
    offsets: Vec<usize>,
    /// For each rating, the row of the counterpart's factor in the received buffer.
    sources: Vec<usize>,
    /// The rating values.
    ratings: Vec<f64>,
    /// How many counterpart factors arrive each superstep.
    incoming: usize,
    /// For each worker, the rows of this side's factors that worker needs, in its order.
    out_block: Vec<Vec<usize>>,
}

impl Block {
    /// Builds a block from `(own id, counterpart id, rating)` triples sorted by
    /// `(own id, counterpart id, rating)`; also returns the counterpart id of each rating
    /// (for [`link`]).
    pub(super) fn new(side: &'static str, triples: &[(u64, u64, f64)]) -> (Self, Vec<u64>) {
        let mut ids = Vec::new();
        let mut offsets = vec![0];
        for (j, &(id, _, _)) in triples.iter().enumerate() {
            if ids.last() != Some(&id) {
                if j > 0 {
                    offsets.push(j);
                }
                ids.push(id);
            }
        }
        if !triples.is_empty() {
            offsets.push(triples.len());
        }
        let counterparts = triples.iter().map(|t| t.1).collect();
        let ratings = triples.iter().map(|t| t.2).collect();
        let block =
            Block { side, ids, offsets, sources: Vec::new(), ratings, incoming: 0, out_block: Vec::new() };
        (block, counterparts)
    }

    /// The number of ratings in this block.
    pub(super) fn len(&self) -> usize {
        self.ratings.len()
    }

    /// Sends every worker the factors of this side it needs (`factors`: one row of `rank`
    /// per id, in `ids` order) and returns the counterpart factors this worker receives,
    /// concatenated in worker order — the buffer `other`'s in-block indexes.
    ///
    /// # Errors
    /// A failed peer.
    pub(super) fn send_factors(
        &self,
        worker: &Worker,
        factors: &[f64],
        rank: usize,
        other: &Block,
    ) -> Result<Vec<f64>> {
        let outgoing = self
            .out_block
            .iter()
            .map(|rows| {
                let mut batch = Vec::with_capacity(rows.len() * rank);
                for &row in rows {
                    batch.extend_from_slice(&factors[row * rank..(row + 1) * rank]);
                }
                batch
            })
            .collect();
        let received = worker.all_to_all(outgoing)?.concat();
        if received.len() != other.incoming * rank {
            return Err(internal(format!(
                "received {} factor values for {} {}s of rank {rank}",
                received.len(),
                other.incoming,
                self.side
            )));
        }
        Ok(received)
    }

    /// Solves the regularised least-squares problem of every id of this block against the
    /// received counterpart factors `incoming`; writes one row of `rank` per id to
    /// `factors`.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when an id's normal equations are not finite (ratings so
    /// large that the factors overflow).
    pub(super) fn solve(
        &self,
        incoming: &[f64],
        rank: usize,
        lambda: f64,
        factors: &mut Vec<f64>,
    ) -> Result<()> {
        factors.clear();
        factors.resize(self.ids.len() * rank, 0.0);
        let mut equation = NormalEquation::new(rank);
        for (k, (id, x)) in self.ids.iter().zip(factors.chunks_exact_mut(rank)).enumerate() {
            equation.reset();
            let ratings = self.offsets[k]..self.offsets[k + 1];
            for j in ratings.clone() {
                let source = self.sources[j];
                equation.add(&incoming[source * rank..(source + 1) * rank], self.ratings[j]);
            }
            let ridge = lambda * ratings.len() as f64;
            if !equation.solve(ridge, x) {
                return Err(Error::InvalidInput(format!(
                    "the least-squares problem of {} {id} has no finite solution (ratings too large?)",
                    self.side
                )));
            }
        }
        Ok(())
    }

    /// The sum of squared errors `(r − x·y)²` of each id's ratings, one per id in `ids`
    /// order (`factors`: this side's, `incoming`: the counterparts').
    pub(super) fn squared_errors(&self, incoming: &[f64], factors: &[f64], rank: usize) -> Vec<f64> {
        (0..self.ids.len())
            .map(|k| {
                let x = &factors[k * rank..(k + 1) * rank];
                (self.offsets[k]..self.offsets[k + 1])
                    .map(|j| {
                        let y = &incoming[self.sources[j] * rank..(self.sources[j] + 1) * rank];
                        let e = self.ratings[j] - dot(x, y);
                        e * e
                    })
                    .sum()
            })
            .collect()
    }
}

/// Computes the in-block of `needing` (whose ratings have the counterpart ids
/// `counterparts`, in rating order) and the out-block of `providing` (the other side, on
/// every worker): one exchange of the needed ids, each sent to its owner.
///
/// # Errors
/// A failed peer; an internal error if a worker asks for an id its owner does not hold.
pub(super) fn link(
    worker: &Worker,
    needing: &mut Block,
    counterparts: &[u64],
    providing: &mut Block,
) -> Result<()> {
    let peers = worker.parallelism();
    let mut needed = counterparts.to_vec();
    needed.sort_unstable();
    needed.dedup();
    let mut requests = vec![Vec::new(); peers];
    for &id in &needed {
        requests[partition_of(&id, peers)].push(id);
    }
    let mut position = FxHashMap::default();
    position.reserve(needed.len());
    for (row, &id) in requests.iter().flatten().enumerate() {
        position.insert(id, row);
    }
    needing.sources = counterparts.iter().map(|id| position[id]).collect();
    needing.incoming = needed.len();
    let received = worker.all_to_all(requests)?;
    providing.out_block = received
        .into_iter()
        .map(|ids| {
            ids.into_iter()
                .map(|id| {
                    providing.ids.binary_search(&id).map_err(|_| {
                        internal(format!("worker {} does not own {} {id}", worker.index(), providing.side))
                    })
                })
                .collect()
        })
        .collect::<Result<_>>()?;
    Ok(())
}

/// `x · y`.
pub(super) fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).map(|(a, b)| a * b).sum()
}

fn internal(message: String) -> Error {
    Error::Runtime(eddy_core::Error::Internal(message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compressed_rows() {
        let triples = [(1, 10, 1.0), (1, 11, 2.0), (4, 10, 3.0), (9, 12, 4.0), (9, 13, 5.0), (9, 13, 6.0)];
        let (block, counterparts) = Block::new("user", &triples);
        assert_eq!(block.ids, vec![1, 4, 9]);
        assert_eq!(block.offsets, vec![0, 2, 3, 6]);
        assert_eq!(counterparts, vec![10, 11, 10, 12, 13, 13]);
        assert_eq!(block.len(), 6);
        let (empty, _) = Block::new("item", &[]);
        assert_eq!((empty.ids.len(), empty.offsets.clone()), (0, vec![0]));
    }
}
