//! The inner loops: nearest-centroid assignment by blocked matrix products.
//!
//! For a chunk of rows `X` the scores `‖c‖² − 2 x·c` of every (row, centroid) pair come
//! from one `general_mat_mul` into a reused buffer; the argmin of a row's scores is its
//! nearest centroid (`‖x‖²` is the same for all centroids). Inertia is then computed
//! directly as `Σ (x − c)²` for the chosen centroid, which is exact where the expanded
//! form would cancel.

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2, s};

use super::Partial;

/// Rows per matrix product: the chunk and its scores stay in L1/L2.
const CHUNK_ROWS: usize = 256;

/// Centroids with what the kernel needs precomputed.
pub(super) struct Centers {
    centroids: Array2<f64>,
    /// `centroidsᵀ`, `d × k`, row-major.
    transposed: Array2<f64>,
    norms: Vec<f64>,
}

impl Centers {
    pub(super) fn new(centroids: Array2<f64>) -> Self {
        let transposed = centroids.t().as_standard_layout().into_owned();
        let norms = centroids.outer_iter().map(|c| c.dot(&c)).collect();
        Centers { centroids, transposed, norms }
    }

    pub(super) fn row(&self, j: usize) -> ArrayView1<'_, f64> {
        self.centroids.row(j)
    }

    pub(super) fn len(&self) -> usize {
        self.centroids.nrows()
    }

    /// `dots[r, j] = x_r · c_j` for a chunk of rows.
    fn dots(&self, chunk: &ArrayView2<'_, f64>, out: &mut ArrayViewMut2<'_, f64>) {
        general_mat_mul(1.0, chunk, &self.transposed, 0.0, out);
    }
}

/// `‖a − b‖²`, summed in feature order.
pub(super) fn squared_distance(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum(),
        _ => a.iter().zip(b.iter()).map(|(x, y)| (x - y) * (x - y)).sum(),
    }
}

/// Assigns every row of `rows` (row-major) to its nearest centroid, writing `labels`;
/// with `partial`, adds each row to its cluster's sum and count. Returns the inertia
/// and how many labels changed.
pub(super) fn assign(
    rows: ArrayView2<'_, f64>,
    centers: &Centers,
    labels: &mut [u32],
    mut partial: Option<&mut Partial>,
) -> (f64, u64) {
    let (k, d) = (centers.len(), rows.ncols());
    let mut scores = Array2::<f64>::zeros((CHUNK_ROWS.min(rows.nrows()), k));
    let (mut inertia, mut changed) = (0.0, 0u64);
    for start in (0..rows.nrows()).step_by(CHUNK_ROWS) {
        let end = (start + CHUNK_ROWS).min(rows.nrows());
        let chunk = rows.slice(s![start..end, ..]);
        let mut dots = scores.slice_mut(s![..end - start, ..]);
        centers.dots(&chunk, &mut dots);
        for ((row, dots), label) in chunk.outer_iter().zip(dots.outer_iter()).zip(&mut labels[start..end]) {
            let mut best = 0;
            let mut best_score = f64::INFINITY;
            for (j, (dot, norm)) in dots.iter().zip(&centers.norms).enumerate() {
                let score = norm - 2.0 * dot;
                if score < best_score {
                    best_score = score;
                    best = j;
                }
            }
            changed += u64::from(*label != best as u32);
            *label = best as u32;
            let center = centers.row(best);
            inertia += squared_distance(row, center);
            if let Some(p) = partial.as_deref_mut() {
                p.counts[best] += 1;
                let sums = &mut p.sums[best * d..(best + 1) * d];
                match row.as_slice() {
                    Some(values) => sums.iter_mut().zip(values).for_each(|(s, v)| *s += v),
                    None => sums.iter_mut().zip(row.iter()).for_each(|(s, v)| *s += v),
                }
            }
        }
    }
    (inertia, changed)
}

/// Squared distances of every row to every centroid by the expanded form
/// `‖x‖² − 2 x·c + ‖c‖²` (clamped at 0), handed chunk by chunk to `visit(row index,
/// distances)`. For initialisation, where speed matters more than the last bits.
pub(super) fn for_each_distances(
    rows: ArrayView2<'_, f64>,
    centers: &Centers,
    mut visit: impl FnMut(usize, &mut dyn Iterator<Item = f64>),
) {
    let k = centers.len();
    let mut scores = Array2::<f64>::zeros((CHUNK_ROWS.min(rows.nrows()), k));
    for start in (0..rows.nrows()).step_by(CHUNK_ROWS) {
        let end = (start + CHUNK_ROWS).min(rows.nrows());
        let chunk = rows.slice(s![start..end, ..]);
        let mut dots = scores.slice_mut(s![..end - start, ..]);
        centers.dots(&chunk, &mut dots);
        for (r, (row, dots)) in chunk.outer_iter().zip(dots.outer_iter()).enumerate() {
            let norm = row.dot(&row);
            let mut distances =
                dots.iter().zip(&centers.norms).map(|(dot, c)| (norm - 2.0 * dot + c).max(0.0));
            visit(start + r, &mut distances);
        }
    }
}
