//! ML trainer benchmarks: k-means Lloyd, 20 iterations from given centroids, on
//! blob data — 1 M × 16 with k = 16 (the peer comparison's shape) and 10 M × 8 — at
//! P = 2 (and P = 1 for the smaller one).
//!
//! Training time only: the matrix is generated once, outside the measurement. The
//! comparison with scikit-learn on the same data is `benches/peers.py kmeans` (see the
//! README's performance section). `cargo test --benches` runs everything once on a
//! small matrix.

mod common;

use std::time::Duration;

use common::{SplitMix64, bench_mode};
use criterion::{Criterion, SamplingMode};
use eddy::ml::Estimator;
use eddy::ml::kmeans::KMeans;
use ndarray::{Array2, Axis};

/// `n × d` points around `k` centres uniform in [-10, 10]^d, with noise wide enough
/// (standard deviation ≈ 8) that the clusters overlap and Lloyd is still moving after 20
/// iterations — well-separated blobs would converge in a few and measure those.
fn blobs(n: usize, d: usize, k: usize) -> Array2<f64> {
    let mut rng = SplitMix64::new(7);
    let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let centres: Vec<f64> = (0..k * d).map(|_| unit() * 20.0 - 10.0).collect();
    Array2::from_shape_fn((n, d), |(i, j)| centres[(i % k) * d + j] + 16.0 * (unit() + unit() + unit() - 1.5))
}

fn kmeans(c: &mut Criterion) {
    let shapes: &[(usize, usize, &[usize])] = if bench_mode() {
        &[(1_000_000, 16, &[1, 2]), (10_000_000, 8, &[2])]
    } else {
        &[(4_096, 16, &[1, 2])]
    };
    let mut group = c.benchmark_group("kmeans");
    group.sampling_mode(SamplingMode::Flat).sample_size(10).measurement_time(Duration::from_secs(10));
    for &(n, d, parallelisms) in shapes {
        let x = blobs(n, d, 16);
        // Rows 1009 apart: spread over the clusters.
        let init = x.select(Axis(0), &(0..16).map(|i| i * 1009 % n).collect::<Vec<_>>());
        for &p in parallelisms {
            let trainer =
                KMeans::new(16).init_centroids(init.clone()).max_iterations(20).tolerance(0.0).parallelism(p);
            if bench_mode() {
                let iterations = trainer.fit(x.view(), None).expect("kmeans").iterations;
                assert_eq!(iterations, 20, "the benchmark data must not converge early");
            }
            group.bench_function(format!("lloyd20/{n}x{d}/k16/P{p}"), |b| {
                b.iter(|| trainer.fit(x.view(), None).expect("kmeans"));
            });
        }
    }
    group.finish();
}

criterion::criterion_group!(benches, kmeans);
criterion::criterion_main!(benches);
