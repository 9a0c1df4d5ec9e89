//! The inner loops: nearest-centroid assignment by blocked matrix products.
//!
//! For a chunk of rows `X` the scores `‖c‖² − 2 x·c` of every (centroid, row) pair come
//! from one `general_mat_mul` (`−2 C Xᵀ`, centroid-major) into a reused buffer; the
//! argmin of a row's scores is its nearest centroid (`‖x‖²` is the same for all
//! centroids), found by a running minimum over the centroids that is vectorised across
//! rows. Inertia is then computed directly as `Σ (x − c)²` for the chosen centroid,
//! which is exact where the expanded form would cancel.

use multiversion::multiversion;
use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut2, s};

use super::Partial;

/// Rows per matrix product: the chunk and its scores stay in L1/L2.
const CHUNK_ROWS: usize = 512;
/// Rows whose running minimum is kept in registers at once.
const LANES: usize = 8;

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

/// `‖a − b‖²`, summed in four interleaved partial sums (lanes `j mod 4`, then
/// `(s0 + s1) + (s2 + s3)`), which the compiler vectorises; the order is fixed, so the
/// result is the same wherever it is computed.
#[inline(always)]
pub(super) fn squared_distance(a: ArrayView1<'_, f64>, b: ArrayView1<'_, f64>) -> f64 {
    let mut lanes = [0.0; 4];
    match (a.as_slice(), b.as_slice()) {
        (Some(a), Some(b)) => {
            let (a4, b4) = (a.chunks_exact(4), b.chunks_exact(4));
            let (ra, rb) = (a4.remainder(), b4.remainder());
            for (x, y) in a4.zip(b4) {
                for l in 0..4 {
                    lanes[l] += (x[l] - y[l]) * (x[l] - y[l]);
                }
            }
            for (l, (x, y)) in ra.iter().zip(rb).enumerate() {
                lanes[l] += (x - y) * (x - y);
            }
        }
        _ => {
            for (j, (x, y)) in a.iter().zip(b.iter()).enumerate() {
                lanes[j % 4] += (x - y) * (x - y);
            }
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// Scratch space of [`assign`], reused across chunks.
struct Scratch {
    /// `−2 c_j · x_r`, centroid-major (`k × chunk`).
    dots: Array2<f64>,
    /// The index of the nearest centroid, as `f64` so that the running minimum's
    /// select has one lane width (it vectorises branch-free).
    nearest: Vec<f64>,
    /// Its score `‖c‖² − 2 x·c`.
    score: Vec<f64>,
}

impl Scratch {
    fn new(k: usize, rows: usize) -> Self {
        let m = CHUNK_ROWS.min(rows);
        Scratch { dots: Array2::zeros((k, m)), nearest: vec![0.0; m], score: vec![0.0; m] }
    }

    /// The nearest centroid of each row of `chunk` (ties: the smaller index), by the
    /// score `‖c‖² − 2 x·c`: one matrix product, then a running minimum over the
    /// centroids for [`LANES`] rows at a time, kept in registers — independent lanes the
    /// compiler turns into branch-free vector code. Returns the indices and the scores.
    #[inline(always)]
    fn nearest(&mut self, chunk: &ArrayView2<'_, f64>, centers: &Centers) -> (&[f64], &[f64]) {
        let (m, width) = (chunk.nrows(), self.dots.ncols());
        general_mat_mul(-2.0, &centers.centroids, &chunk.t(), 0.0, &mut self.dots.slice_mut(s![.., ..m]));
        let dots = self.dots.as_slice().expect("the scratch array is row-major");
        argmins(dots, width, &centers.norms, &mut self.nearest[..m], &mut self.score[..m]);
        (&self.nearest[..m], &self.score[..m])
    }
}

/// For every row `r < nearest.len()`: the argmin over centroids `j` of
/// `dots[j·width + r] + norms[j]` and that minimum.
#[inline(always)]
fn argmins(dots: &[f64], width: usize, norms: &[f64], nearest: &mut [f64], score: &mut [f64]) {
    let m = nearest.len();
    let full = m - m % LANES;
    for start in (0..full).step_by(LANES) {
        let (index, best) = running_min::<LANES>(dots, width, start, norms);
        nearest[start..start + LANES].copy_from_slice(&index);
        score[start..start + LANES].copy_from_slice(&best);
    }
    for r in full..m {
        let ([index], [best]) = running_min::<1>(dots, width, r, norms);
        nearest[r] = index;
        score[r] = best;
    }
}

/// The argmin over centroids `j` of `dots[j·width + start + l] + norms[j]` for `N`
/// consecutive rows `l`; ties go to the smaller `j`.
#[inline(always)]
fn running_min<const N: usize>(
    dots: &[f64],
    width: usize,
    start: usize,
    norms: &[f64],
) -> ([f64; N], [f64; N]) {
    let mut best = [f64::INFINITY; N];
    let mut nearest = [0.0; N];
    for (j, norm) in norms.iter().enumerate() {
        let scores: &[f64; N] =
            dots[j * width + start..j * width + start + N].try_into().expect("a slice of N scores");
        let j = j as f64;
        for l in 0..N {
            let score = scores[l] + norm;
            let better = score < best[l];
            nearest[l] = if better { j } else { nearest[l] };
            best[l] = if better { score } else { best[l] };
        }
    }
    (nearest, best)
}

/// Assigns every row of `rows` (row-major) to its nearest centroid, writing `labels`;
/// with `partial`, adds each row to its cluster's sum and count. Returns the inertia and
/// how many labels changed. The inertia is exact (`Σ ‖x − c‖²`) without `row_norms`;
/// given the rows' squared norms it is the cheaper expanded form `‖x‖² + ‖c‖² − 2 x·c`,
/// good to about `1e-16 · ‖x‖²` per row — for progress reports, not for the result.
///
/// Compiled also for AVX2 + FMA and dispatched at run time (the `multiversion` crate):
/// the running minimum and the sums then take four doubles per instruction.
#[multiversion(targets("x86_64+avx2+fma"))]
pub(super) fn assign(
    rows: ArrayView2<'_, f64>,
    centers: &Centers,
    labels: &mut [u32],
    row_norms: Option<&[f64]>,
    mut partial: Option<&mut Partial>,
) -> (f64, u64) {
    let d = rows.ncols();
    let mut scratch = Scratch::new(centers.len(), rows.nrows());
    let (mut inertia, mut changed) = (0.0, 0u64);
    for start in (0..rows.nrows()).step_by(CHUNK_ROWS) {
        let end = (start + CHUNK_ROWS).min(rows.nrows());
        let chunk = rows.slice(s![start..end, ..]);
        let (nearest, scores) = scratch.nearest(&chunk, centers);
        // Separate simple loops over the chunk, each free of per-row branches.
        for (label, &best) in labels[start..end].iter_mut().zip(nearest) {
            let best = best as u32;
            changed += u64::from(*label != best);
            *label = best;
        }
        let labels = &labels[start..end];
        inertia += match row_norms {
            Some(norms) => norms[start..end].iter().zip(scores).map(|(n, s)| (n + s).max(0.0)).sum::<f64>(),
            None => chunk
                .outer_iter()
                .zip(labels)
                .map(|(row, &l)| squared_distance(row, centers.row(l as usize)))
                .sum::<f64>(),
        };
        if let Some(p) = partial.as_deref_mut() {
            for &l in labels {
                p.counts[l as usize] += 1;
            }
            match chunk.as_slice() {
                Some(flat) => {
                    for (row, &l) in flat.chunks_exact(d).zip(labels) {
                        let l = l as usize;
                        p.sums[l * d..(l + 1) * d].iter_mut().zip(row).for_each(|(s, v)| *s += v);
                    }
                }
                None => {
                    for (row, &l) in chunk.outer_iter().zip(labels) {
                        let l = l as usize;
                        p.sums[l * d..(l + 1) * d].iter_mut().zip(row.iter()).for_each(|(s, v)| *s += v);
                    }
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
