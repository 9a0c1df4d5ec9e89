//! Row partitions of a feature matrix, and reductions whose result does not depend on P.
//!
//! The rows `0..n` are cut into blocks whose size depends on `n` only ([`Layout`]); each
//! worker owns a contiguous run of whole blocks. Trainers compute one partial result per
//! block (centroid sums, a gradient) and [`RowPartition::reduce_blocks`] folds the
//! partials of all workers in block order, so a model trained with P workers is bit for
//! bit the model trained with one.
//!
//! **Note**: a partition borrows its rows (`ArrayView2`): workers of a local job share
//! the caller's matrix and nothing is copied, before or during the iterations.

use std::ops::Range;

use eddy_core::{Data, Worker};
use ndarray::{Array2, ArrayView1, ArrayView2, s};

use crate::{Error, Result};

/// Smallest block, in rows.
const MIN_BLOCK_ROWS: usize = 1024;
/// Blocks grow with `n` so that there are at most about this many.
const MAX_BLOCKS: usize = 256;

/// How `n` rows are cut into blocks: a function of `n` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    rows: usize,
    block_rows: usize,
}

impl Layout {
    /// The layout of `rows` rows.
    pub fn new(rows: usize) -> Self {
        let block_rows = rows.div_ceil(MAX_BLOCKS).max(MIN_BLOCK_ROWS).next_multiple_of(64);
        Layout { rows, block_rows }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The number of blocks.
    pub fn blocks(&self) -> usize {
        self.rows.div_ceil(self.block_rows)
    }

    /// The rows of block `b`.
    pub fn block(&self, b: usize) -> Range<usize> {
        let start = (b * self.block_rows).min(self.rows);
        start..(start + self.block_rows).min(self.rows)
    }

    /// The block holding row `row`.
    pub fn block_of(&self, row: usize) -> usize {
        row / self.block_rows
    }

    /// The blocks owned by `worker`: a contiguous run, about `blocks / P` long.
    pub fn worker_blocks(&self, worker: &Worker) -> Range<usize> {
        let (blocks, peers, index) = (self.blocks(), worker.parallelism(), worker.index());
        blocks * index / peers..blocks * (index + 1) / peers
    }

    /// The rows owned by `worker`.
    pub fn worker_rows(&self, worker: &Worker) -> Range<usize> {
        let blocks = self.worker_blocks(worker);
        self.block(blocks.start).start..self.block(blocks.end).start
    }
}

/// One worker's rows of a feature matrix, with their targets if any.
#[derive(Debug, Clone)]
pub struct RowPartition<'a> {
    x: ArrayView2<'a, f64>,
    y: Option<ArrayView1<'a, f64>>,
    layout: Layout,
    blocks: Range<usize>,
    first_row: usize,
}

impl<'a> RowPartition<'a> {
    /// This worker's rows of the whole matrix `x` (and targets `y`), borrowed, after
    /// checking that they are finite.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a NaN or infinite value (naming its row and column) or
    /// a `y` whose length is not the number of rows.
    pub fn new(worker: &Worker, x: ArrayView2<'a, f64>, y: Option<ArrayView1<'a, f64>>) -> Result<Self> {
        let layout = Layout::new(x.nrows());
        let rows = layout.worker_rows(worker);
        if let Some(y) = &y
            && y.len() != x.nrows()
        {
            return Err(Error::InvalidInput(format!("{} targets for {} rows", y.len(), x.nrows())));
        }
        let part = RowPartition {
            x: x.slice_move(s![rows.clone(), ..]),
            y: y.map(|y| y.slice_move(s![rows.clone()])),
            layout,
            blocks: layout.worker_blocks(worker),
            first_row: rows.start,
        };
        part.check_finite()?;
        Ok(part)
    }

    fn check_finite(&self) -> Result<()> {
        for (i, row) in self.x.outer_iter().enumerate() {
            if let Some(j) = row.iter().position(|v| !v.is_finite()) {
                return Err(Error::InvalidInput(format!(
                    "feature {} of row {} is {} (features must be finite numbers)",
                    j,
                    self.first_row + i,
                    row[j]
                )));
            }
        }
        if let Some(y) = &self.y
            && let Some(i) = y.iter().position(|v| !v.is_finite())
        {
            return Err(Error::InvalidInput(format!(
                "the target of row {} is {} (targets must be finite numbers)",
                self.first_row + i,
                y[i]
            )));
        }
        Ok(())
    }

    /// This worker's rows.
    pub fn x(&self) -> ArrayView2<'a, f64> {
        self.x
    }

    /// This worker's targets, if the matrix has them.
    pub fn y(&self) -> Option<ArrayView1<'a, f64>> {
        self.y
    }

    /// The number of rows of the whole matrix.
    pub fn total_rows(&self) -> usize {
        self.layout.rows()
    }

    /// The number of features (columns).
    pub fn features(&self) -> usize {
        self.x.ncols()
    }

    /// The global index of this worker's first row.
    pub fn first_row(&self) -> usize {
        self.first_row
    }

    /// The layout of the whole matrix.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// This worker's blocks: (global block index, local row range) in order.
    pub fn local_blocks(&self) -> impl Iterator<Item = (usize, Range<usize>)> + '_ {
        self.blocks.clone().map(|b| {
            let rows = self.layout.block(b);
            (b, rows.start - self.first_row..rows.end - self.first_row)
        })
    }

    /// Folds one partial per block — `local` holds this worker's, in block order — over
    /// all workers in global block order. Every worker gets the same value, bit for bit,
    /// whatever P is. `None` if the matrix has no rows.
    ///
    /// # Errors
    /// A failed peer.
    pub fn reduce_blocks<T: Data + Clone>(
        &self,
        worker: &Worker,
        local: Vec<T>,
        combine: impl Fn(&mut T, &T),
    ) -> Result<Option<T>> {
        let mut all = self.gather_blocks(worker, local)?.into_iter();
        let Some(mut total) = all.next() else { return Ok(None) };
        for partial in all {
            combine(&mut total, &partial);
        }
        Ok(Some(total))
    }

    /// Computes `partial` for each of this worker's blocks (its rows and targets) and
    /// folds the partials of all workers with `combine` in global block order: the same
    /// value on every worker, bit for bit, for any parallelism.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] for a matrix without rows; a failed peer.
    pub fn fold_blocks<T: Data + Clone>(
        &self,
        worker: &Worker,
        partial: impl Fn(ArrayView2<'a, f64>, Option<ArrayView1<'a, f64>>) -> T,
        combine: impl Fn(&mut T, &T),
    ) -> Result<T> {
        let local = self
            .local_blocks()
            .map(|(_, rows)| partial(self.rows_of_block(&rows), self.y.map(|y| y.slice_move(s![rows]))))
            .collect();
        self.reduce_blocks(worker, local, combine)?
            .ok_or_else(|| Error::InvalidInput("the matrix has no rows".into()))
    }

    /// Every worker's per-block values — `local` holds this worker's, in block order —
    /// concatenated in global block order, on every worker.
    ///
    /// # Errors
    /// A failed peer.
    pub fn gather_blocks<T: Data + Clone>(&self, worker: &Worker, local: Vec<T>) -> Result<Vec<T>> {
        Ok(worker.all_gather(local)?.into_iter().flatten().collect())
    }

    /// The rows with global indices `indices`, in that order, on every worker.
    ///
    /// # Errors
    /// A failed peer; [`Error::InvalidInput`] for an index past the last row.
    pub fn fetch_rows(&self, worker: &Worker, indices: &[usize]) -> Result<Array2<f64>> {
        let local = self.first_row..self.first_row + self.x.nrows();
        let mine: Vec<(usize, Vec<f64>)> = indices
            .iter()
            .enumerate()
            .filter(|(_, i)| local.contains(i))
            .map(|(slot, &i)| (slot, self.x.row(i - self.first_row).to_vec()))
            .collect();
        let mut rows = Array2::zeros((indices.len(), self.features()));
        let mut filled = vec![false; indices.len()];
        for (slot, row) in worker.all_gather(mine)?.into_iter().flatten() {
            rows.row_mut(slot).assign(&ArrayView1::from(&row));
            filled[slot] = true;
        }
        if let Some(slot) = filled.iter().position(|f| !f) {
            return Err(Error::InvalidInput(format!(
                "row {} requested from a matrix of {} rows",
                indices[slot],
                self.total_rows()
            )));
        }
        Ok(rows)
    }

    /// The rows of a local row range (from [`RowPartition::local_blocks`]).
    pub fn rows_of_block(&self, rows: &Range<usize>) -> ArrayView2<'a, f64> {
        self.x.slice_move(s![rows.clone(), ..])
    }
}
