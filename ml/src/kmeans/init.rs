//! Initial centroids: `random`, greedy `k-means++`, `k-means||`, or given.
//!
//! Every random choice is made identically on all workers (one seeded generator, or a
//! hash of the seed and the row's global index), and every sum is reduced in block order,
//! so the initial centroids do not depend on the parallelism.

use std::collections::HashMap;

use eddy_core::Worker;
use ndarray::{Array2, ArrayView1, Axis};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use super::kernel::{Centers, for_each_distances, squared_distance};
use super::{Init, KMeans};
use crate::Result;
use crate::partition::RowPartition;

/// Weighted k-means iterations run on the k-means|| candidates (as Spark MLlib).
const CANDIDATE_LLOYD_ITERATIONS: usize = 30;

pub(super) fn initial_centroids(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &KMeans,
) -> Result<Array2<f64>> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    match &params.init {
        Init::Centroids(c) => Ok(c.clone()),
        Init::Random => part.fetch_rows(worker, &distinct_indices(&mut rng, part.total_rows(), params.k)),
        Init::KMeansPlusPlus => plus_plus(worker, part, params.k, &mut rng),
        Init::KMeansParallel => parallel(worker, part, params, &mut rng),
    }
}

/// Uniform in `[0, 1)`.
fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let mantissa = (rng.next_u64() >> 11) as f64;
    mantissa * (1.0 / (1u64 << 53) as f64)
}

/// Uniform in `0..n`.
fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    ((u128::from(rng.next_u64()) * n as u128) >> 64) as usize
}

/// `k` distinct indices of `0..n` in random order: the first `k` of a seeded
/// Fisher–Yates shuffle, with the swaps kept in a map.
fn distinct_indices(rng: &mut Xoshiro256PlusPlus, n: usize, k: usize) -> Vec<usize> {
    let mut swapped: HashMap<usize, usize> = HashMap::new();
    (0..k)
        .map(|i| {
            let j = i + below(rng, n - i);
            let at_j = *swapped.get(&j).unwrap_or(&j);
            let at_i = *swapped.get(&i).unwrap_or(&i);
            swapped.insert(j, at_i);
            at_j
        })
        .collect()
}

/// Squared distance of each local row to its nearest centroid in `centers`, folded into
/// `closest`.
fn fold_closest(part: &RowPartition<'_>, centers: &Centers, closest: &mut [f64]) {
    for_each_distances(part.x(), centers, |i, distances| {
        closest[i] = distances.fold(closest[i], f64::min);
    });
}

/// Per-block sums of `closest`, gathered in global block order.
fn block_sums(worker: &Worker, part: &RowPartition<'_>, closest: &[f64]) -> Result<Vec<f64>> {
    let local = part.local_blocks().map(|(_, rows)| closest[rows].iter().sum()).collect();
    part.gather_blocks(worker, local)
}

/// The global index of the first row at which the running sum of `closest` (block sums
/// `sums`, rows in order) reaches `target`; the last row if rounding leaves it short.
/// Only the owner of that row returns it.
fn locate(part: &RowPartition<'_>, sums: &[f64], closest: &[f64], target: f64) -> Option<usize> {
    let mut before = 0.0;
    let mut block = sums.len() - 1;
    for (b, s) in sums.iter().enumerate() {
        if before + s >= target {
            block = b;
            break;
        }
        before += s;
    }
    let (_, rows) = part.local_blocks().find(|(b, _)| *b == block)?;
    let mut running = before;
    for i in rows.clone() {
        running += closest[i];
        if running >= target {
            return Some(part.first_row() + i);
        }
    }
    Some(part.first_row() + rows.end - 1)
}

/// Greedy k-means++: for each next centroid, `2 + ⌊ln k⌋` rows are drawn with probability
/// proportional to their squared distance to the chosen centroids, and the one that
/// lowers the total squared distance most is kept.
fn plus_plus(
    worker: &Worker,
    part: &RowPartition<'_>,
    k: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Result<Array2<f64>> {
    let trials = 2 + (k as f64).ln().floor() as usize;
    let d = part.features();
    let mut chosen = Array2::zeros((k, d));
    let first = part.fetch_rows(worker, &[below(rng, part.total_rows())])?;
    chosen.row_mut(0).assign(&first.row(0));
    let mut closest = vec![f64::INFINITY; part.x().nrows()];
    fold_closest(part, &Centers::new(first), &mut closest);
    let mut sums = block_sums(worker, part, &closest)?;
    for c in 1..k {
        let pot: f64 = sums.iter().sum();
        let targets: Vec<f64> = (0..trials).map(|_| uniform(rng) * pot).collect();
        let mine: Vec<(usize, Vec<f64>)> = targets
            .iter()
            .enumerate()
            .filter_map(|(t, &target)| locate(part, &sums, &closest, target).map(|i| (t, i)))
            .map(|(t, i)| (t, part.x().row(i - part.first_row()).to_vec()))
            .collect();
        let mut found: Vec<(usize, Vec<f64>)> = worker.all_gather(mine)?.into_iter().flatten().collect();
        found.sort_unstable_by_key(|(t, _)| *t);
        let flat: Vec<f64> = found.into_iter().flat_map(|(_, row)| row).collect();
        let candidates = Array2::from_shape_vec((trials, d), flat)
            .map_err(|e| crate::Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
        let centers = Centers::new(candidates.clone());
        // Per block, per trial: the total squared distance if that candidate were added.
        let local: Vec<Vec<f64>> = part
            .local_blocks()
            .map(|(_, rows)| {
                let mut pots = vec![0.0; trials];
                for_each_distances(part.rows_of_block(&rows), &centers, |i, distances| {
                    let current = closest[rows.start + i];
                    pots.iter_mut().zip(distances).for_each(|(p, dist)| *p += current.min(dist));
                });
                pots
            })
            .collect();
        let per_block = part.gather_blocks(worker, local)?;
        let totals: Vec<f64> = (0..trials).map(|t| per_block.iter().map(|p| p[t]).sum()).collect();
        let best = (0..trials).fold(0, |best, t| if totals[t] < totals[best] { t } else { best });
        chosen.row_mut(c).assign(&candidates.row(best));
        fold_closest(part, &Centers::new(candidates.select(Axis(0), &[best])), &mut closest);
        sums = per_block.iter().map(|p| p[best]).collect();
    }
    Ok(chosen)
}

/// A uniform number in `[0, 1)` from the seed, the round and a row's global index —
/// the same whichever worker holds the row.
fn row_uniform(seed: u64, round: u32, row: usize) -> f64 {
    let mut z = seed ^ (u64::from(round) << 48) ^ (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let mantissa = (z >> 11) as f64;
    mantissa * (1.0 / (1u64 << 53) as f64)
}

/// k-means||: `init_rounds` rounds each keep every row with probability
/// `min(1, 2k · d²(x) / Σ d²)`; the candidates are weighted by how many rows are closest
/// to them and reduced to `k` centroids by weighted k-means++ and 30 weighted Lloyd
/// iterations, on every worker alike. If fewer than `k` candidates were drawn, random
/// rows complete them.
fn parallel(
    worker: &Worker,
    part: &RowPartition<'_>,
    params: &KMeans,
    rng: &mut Xoshiro256PlusPlus,
) -> Result<Array2<f64>> {
    let (k, d) = (params.k, part.features());
    let first = below(rng, part.total_rows());
    let mut indices = vec![first];
    let mut candidates = part.fetch_rows(worker, &indices)?;
    let mut closest = vec![f64::INFINITY; part.x().nrows()];
    fold_closest(part, &Centers::new(candidates.clone()), &mut closest);
    let oversampling = 2.0 * k as f64;
    for round in 0..params.init_rounds {
        let pot: f64 = block_sums(worker, part, &closest)?.iter().sum();
        if pot <= 0.0 {
            break;
        }
        let mine: Vec<(usize, Vec<f64>)> = part
            .x()
            .outer_iter()
            .enumerate()
            .filter(|(i, _)| {
                row_uniform(params.seed, round, part.first_row() + i) < oversampling * closest[*i] / pot
            })
            .map(|(i, row)| (part.first_row() + i, row.to_vec()))
            .collect();
        let drawn: Vec<(usize, Vec<f64>)> = worker.all_gather(mine)?.into_iter().flatten().collect();
        if drawn.is_empty() {
            continue;
        }
        let mut fresh = Array2::zeros((drawn.len(), d));
        for (slot, (i, row)) in drawn.into_iter().enumerate() {
            fresh.row_mut(slot).assign(&ArrayView1::from(&row));
            indices.push(i);
        }
        fold_closest(part, &Centers::new(fresh.clone()), &mut closest);
        candidates
            .append(Axis(0), fresh.view())
            .map_err(|e| crate::Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
    }
    if candidates.nrows() < k {
        let extra: Vec<usize> =
            distinct_indices(rng, part.total_rows(), (k + indices.len()).min(part.total_rows()))
                .into_iter()
                .filter(|i| !indices.contains(i))
                .take(k - candidates.nrows())
                .collect();
        let rows = part.fetch_rows(worker, &extra)?;
        candidates
            .append(Axis(0), rows.view())
            .map_err(|e| crate::Error::Runtime(eddy_core::Error::Internal(e.to_string())))?;
        return Ok(candidates);
    }
    let weights = candidate_weights(worker, part, &candidates)?;
    Ok(weighted_kmeans(&candidates, &weights, k, rng))
}

/// How many rows have each candidate as their nearest.
fn candidate_weights(worker: &Worker, part: &RowPartition<'_>, candidates: &Array2<f64>) -> Result<Vec<f64>> {
    let centers = Centers::new(candidates.clone());
    let mut counts = vec![0u64; candidates.nrows()];
    for_each_distances(part.x(), &centers, |_, distances| {
        let (best, _) =
            distances.enumerate().fold((0, f64::INFINITY), |b, (j, v)| if v < b.1 { (j, v) } else { b });
        counts[best] += 1;
    });
    let total = worker.all_reduce(counts, |a, b| a.iter().zip(&b).map(|(x, y)| x + y).collect())?;
    Ok(total.into_iter().map(|c| c as f64).collect())
}

/// Weighted greedy k-means++ and weighted Lloyd on a small in-memory set of points.
fn weighted_kmeans(
    points: &Array2<f64>,
    weights: &[f64],
    k: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Array2<f64> {
    let n = points.nrows();
    let distance = |i: usize, c: ArrayView1<'_, f64>| squared_distance(points.row(i), c);
    let total_weight: f64 = weights.iter().sum();
    let pick = |target: f64| {
        let mut running = 0.0;
        for (i, w) in weights.iter().enumerate() {
            running += w;
            if running >= target {
                return i;
            }
        }
        n - 1
    };
    let mut chosen = vec![pick(uniform(rng) * total_weight)];
    let mut closest: Vec<f64> = (0..n).map(|i| distance(i, points.row(chosen[0]))).collect();
    let trials = 2 + (k as f64).ln().floor() as usize;
    while chosen.len() < k {
        let pot: f64 = closest.iter().zip(weights).map(|(c, w)| c * w).sum();
        let mut best: Option<(f64, usize, Vec<f64>)> = None;
        for _ in 0..trials {
            let target = uniform(rng) * pot;
            let mut running = 0.0;
            let mut candidate = n - 1;
            for i in 0..n {
                running += closest[i] * weights[i];
                if running >= target {
                    candidate = i;
                    break;
                }
            }
            let updated: Vec<f64> =
                (0..n).map(|i| closest[i].min(distance(i, points.row(candidate)))).collect();
            let candidate_pot: f64 = updated.iter().zip(weights).map(|(c, w)| c * w).sum();
            if best.as_ref().is_none_or(|(p, _, _)| candidate_pot < *p) {
                best = Some((candidate_pot, candidate, updated));
            }
        }
        if let Some((_, candidate, updated)) = best {
            chosen.push(candidate);
            closest = updated;
        }
    }
    let mut centroids = points.select(Axis(0), &chosen);
    for _ in 0..CANDIDATE_LLOYD_ITERATIONS {
        let mut sums = Array2::<f64>::zeros(centroids.dim());
        let mut mass = vec![0.0; k];
        for (i, &weight) in weights.iter().enumerate() {
            let nearest = (0..k).fold(0, |b, j| {
                if distance(i, centroids.row(j)) < distance(i, centroids.row(b)) { j } else { b }
            });
            sums.row_mut(nearest).scaled_add(weight, &points.row(i));
            mass[nearest] += weight;
        }
        for (j, m) in mass.iter().enumerate() {
            if *m > 0.0 {
                let mean = &sums.row(j) / *m;
                centroids.row_mut(j).assign(&mean);
            }
        }
    }
    centroids
}
