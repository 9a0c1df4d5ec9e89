use approx::assert_relative_eq;
use ndarray::{Array2, Axis, array};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use super::*;

/// `n` points around `k` well-separated centres in `d` dimensions.
fn blobs(n: usize, d: usize, k: usize, seed: u64) -> Array2<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let centres: Vec<Vec<f64>> = (0..k).map(|_| (0..d).map(|_| unit() * 40.0 - 20.0).collect()).collect();
    Array2::from_shape_fn((n, d), |(i, j)| centres[i % k][j] + unit() - 0.5)
}

#[test]
fn two_obvious_clusters() {
    let x = array![[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.0], [0.0, 0.5]];
    let (model, labels) =
        KMeans::new(2).init_centroids(array![[1.0, 1.0], [9.0, 9.0]]).fit_labels(x.view()).unwrap();
    assert_eq!(labels, vec![0, 0, 1, 1, 0]);
    assert_eq!(model.centroids, array![[0.0, 0.5], [10.0, 10.5]]);
    assert_relative_eq!(model.inertia, 0.25 + 0.25 + 0.25 + 0.25, max_relative = 1e-15);
    // Second step finds the labels unchanged: stops after 2 of 300 iterations.
    assert_eq!((model.iterations, model.converged), (2, true));
    assert_eq!(model.predict(array![[0.2, 0.2], [8.0, 8.0]].view()).unwrap().to_vec(), vec![0.0, 1.0]);
}

#[test]
fn lloyd_matches_a_direct_implementation() {
    let x = blobs(5000, 3, 4, 1);
    let init = x.select(Axis(0), &[0, 1, 2, 3]);
    let (model, labels) = KMeans::new(4)
        .init_centroids(init.clone())
        .max_iterations(3)
        .tolerance(0.0)
        .fit_labels(x.view())
        .unwrap();
    // Reference: three plain Lloyd steps.
    let mut centroids = init;
    let nearest = |c: &Array2<f64>, row: ndarray::ArrayView1<'_, f64>| {
        (0..c.nrows()).fold(0, |b, j| {
            if kernel::squared_distance(row, c.row(j)) < kernel::squared_distance(row, c.row(b)) {
                j
            } else {
                b
            }
        }) as u32
    };
    for _ in 0..3 {
        let labels: Vec<u32> = x.outer_iter().map(|r| nearest(&centroids, r)).collect();
        centroids = cluster_means(x.view(), &labels, 4);
    }
    for (a, b) in model.centroids.iter().zip(centroids.iter()) {
        assert_relative_eq!(a, b, max_relative = 1e-12);
    }
    let expected: Vec<u32> = x.outer_iter().map(|r| nearest(&centroids, r)).collect();
    assert_eq!(labels, expected);
    let inertia: f64 = x
        .outer_iter()
        .zip(&expected)
        .map(|(r, &l)| kernel::squared_distance(r, centroids.row(l as usize)))
        .sum();
    assert_relative_eq!(model.inertia, inertia, max_relative = 1e-12);
}

#[test]
fn every_init_gives_the_same_model_for_any_parallelism() {
    let x = blobs(6000, 4, 5, 2);
    for init in [Init::Random, Init::KMeansPlusPlus, Init::KMeansParallel] {
        let fit = |p| KMeans::new(5).init(init.clone()).seed(9).parallelism(p).fit_labels(x.view()).unwrap();
        let one = fit(1);
        for p in [2, 3, 4] {
            assert_eq!(fit(p), one, "{init:?} with P = {p}");
        }
        // Well-separated blobs: the seeding inits find them (inertia ≈ n·d/12 for
        // unit-width noise); random init may merge two of them.
        assert!(
            init == Init::Random || one.0.inertia < 6000.0 * 4.0 / 12.0 * 1.1,
            "{init:?}: inertia {}",
            one.0.inertia
        );
    }
}

#[test]
fn an_empty_cluster_moves_to_the_farthest_point() {
    // Centroid 2 is far from everything: empty after the first assignment, it moves to
    // the point farthest from its centroid (10, 0 → distance 25 from (5, 0)).
    let x = array![[0.0, 0.0], [1.0, 0.0], [9.0, 0.0], [10.0, 0.0], [2.0, 0.0]];
    let init = array![[1.0, 0.0], [5.0, 0.0], [100.0, 100.0]];
    let model = KMeans::new(3).init_centroids(init).max_iterations(1).fit(x.view(), None).unwrap();
    // Cluster 1 had {9, 10} minus the relocated 10 → {9}; cluster 2 = {10}.
    assert_eq!(model.centroids, array![[1.0, 0.0], [9.0, 0.0], [10.0, 0.0]]);
    assert_eq!(model.iterations, 1);
}

#[test]
fn tolerance_is_relative_to_the_variance() {
    let x = blobs(3000, 2, 3, 4);
    let init = x.select(Axis(0), &[0, 1, 4]);
    let exact = KMeans::new(3).init_centroids(init.clone()).tolerance(0.0).fit(x.view(), None).unwrap();
    let loose = KMeans::new(3).init_centroids(init).tolerance(10.0).fit(x.view(), None).unwrap();
    assert!(exact.converged && loose.converged);
    assert!(loose.iterations < exact.iterations, "{} vs {}", loose.iterations, exact.iterations);
    assert!(loose.inertia >= exact.inertia);
}

#[test]
fn bad_parameters_and_data_are_reported() {
    let x = array![[0.0, 1.0], [1.0, 0.0]];
    let err = |k: KMeans, x: ArrayView2<'_, f64>| k.fit(x, None).unwrap_err().to_string();
    assert!(err(KMeans::new(3), x.view()).contains("k = 3 exceeds the number of points (2)"));
    assert!(err(KMeans::new(0), x.view()).contains("invalid parameter k"));
    assert!(err(KMeans::new(1).tolerance(-1.0), x.view()).contains("tolerance"));
    assert!(err(KMeans::new(1).init_centroids(array![[0.0, 1.0, 2.0]]), x.view()).contains("1×3"));
    let nan = array![[0.0, 1.0], [f64::NAN, 0.0]];
    assert!(err(KMeans::new(1), nan.view()).contains("feature 0 of row 1 is NaN"));
    assert_eq!("k-means||".parse::<Init>().unwrap(), Init::KMeansParallel);
    assert!("kmeans+".parse::<Init>().is_err());
    let model = KMeans::new(1).fit(x.view(), None).unwrap();
    assert!(matches!(
        model.predict(array![[1.0]].view()),
        Err(Error::FeatureMismatch { expected: 2, got: 1 })
    ));
}

#[test]
fn transform_gives_distances_to_every_centroid() {
    let model = KMeansModel {
        centroids: array![[0.0, 0.0], [3.0, 4.0]],
        inertia: 0.0,
        iterations: 1,
        converged: true,
    };
    assert_eq!(model.transform(array![[0.0, 0.0]].view()).unwrap(), array![[0.0, 5.0]]);
}

/// The mean of the rows of each cluster.
fn cluster_means(x: ArrayView2<'_, f64>, labels: &[u32], k: usize) -> Array2<f64> {
    let mut sums = Array2::zeros((k, x.ncols()));
    let mut counts = vec![0.0; k];
    for (row, &l) in x.outer_iter().zip(labels) {
        let mut s = sums.row_mut(l as usize);
        s += &row;
        counts[l as usize] += 1.0;
    }
    for (mut s, c) in sums.outer_iter_mut().zip(counts) {
        s /= c;
    }
    sums
}
