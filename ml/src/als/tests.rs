use approx::assert_relative_eq;
use ndarray::array;
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use super::*;
use crate::{load_model, save_model};

type Ratings = Vec<(u64, u64, f64)>;

/// Uniform in `[0, 1)`.
fn unit(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Standard normal (Box–Muller).
fn gaussian(rng: &mut Xoshiro256PlusPlus) -> f64 {
    let (u1, u2) = (1.0 - unit(rng), unit(rng));
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `users × items` ratings `a_u · b_i + N(0, noise²)` of true rank-`rank` factors with
/// N(0, 1) entries; each pair observed with probability `density`, and an observed pair
/// held out with probability 0.2. Returns (training, held-out). Item ids are offset by
/// 10 000 so that user and item ids differ.
fn low_rank(users: u64, items: u64, rank: usize, density: f64, noise: f64, seed: u64) -> (Ratings, Ratings) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut factors =
        |n| (0..n).map(|_| (0..rank).map(|_| gaussian(&mut rng)).collect()).collect::<Vec<Vec<f64>>>();
    let (a, b) = (factors(users), factors(items));
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for u in 0..users {
        for i in 0..items {
            if unit(&mut rng) < density {
                let r = block::dot(&a[u as usize], &b[i as usize]) + noise * gaussian(&mut rng);
                let set = if unit(&mut rng) < 0.2 { &mut test } else { &mut train };
                set.push((u, 10_000 + i, r));
            }
        }
    }
    (train, test)
}

#[test]
fn recovers_a_noisy_low_rank_matrix() {
    // 300 × 200, rank 3, 20 % observed (≈ 9 600 training, 2 400 held-out ratings), σ = 0.1.
    let (train, test) = low_rank(300, 200, 3, 0.2, 0.1, 7);
    let fit = Als::new()
        .rank(3)
        .regularization(0.01)
        .max_iterations(15)
        .seed(1)
        .parallelism(3)
        .fit_ratings(&train)
        .unwrap();
    assert_eq!((fit.iterations, fit.converged, fit.rmse_history.len()), (15, false, 15));
    for pair in fit.rmse_history.windows(2) {
        assert!(pair[1] <= pair[0] + 1e-12, "RMSE went up: {:?}", fit.rmse_history);
    }
    let (held_out, skipped) = fit.model.rmse(&test);
    // Measured: training RMSE 1.442, 0.948, 0.386, 0.119, 0.0976, … , 0.09364 after 15
    // iterations (the noise floor is σ·√(1 − parameters/ratings) ≈ 0.092); held-out 0.1114
    // (σ = 0.1 plus the estimation error).
    assert!(fit.rmse_history[0] > 1.0);
    assert!(*fit.rmse_history.last().unwrap() < 0.1);
    assert!(held_out < 0.125);
    assert_eq!(skipped, 0);
    let (train_rmse, _) = fit.model.rmse(&train);
    // The model's own RMSE on the training data is the last reported one (different
    // summation order: a few ulps).
    assert_relative_eq!(train_rmse, *fit.rmse_history.last().unwrap(), max_relative = 1e-12);
}

#[test]
fn the_fit_is_identical_for_every_parallelism() {
    let (train, _) = low_rank(120, 80, 3, 0.25, 0.1, 11);
    for tolerance in [0.0, 1e-2] {
        let fit = |p| {
            Als::new()
                .rank(4)
                .regularization(0.05)
                .max_iterations(8)
                .tolerance(tolerance)
                .seed(5)
                .parallelism(p)
                .fit_ratings(&train)
                .unwrap()
        };
        let one = fit(1);
        assert_eq!(one.model.users.len(), 120);
        for p in 2..=4 {
            assert_eq!(fit(p), one, "parallelism {p}, tolerance {tolerance}");
        }
        if tolerance > 0.0 {
            // Measured: RMSE 1.230, 0.504, 0.230, 0.151, 0.130, 0.125 → stops after 6 of 8.
            assert_eq!((one.converged, one.iterations), (true, 6));
            let n = one.rmse_history.len();
            assert!(one.rmse_history[n - 2] - one.rmse_history[n - 1] < tolerance);
        }
    }
}

#[test]
fn one_user_two_items_by_hand() {
    // Rank 1, λ = 0.1, one user with ratings 4 and 2 of items 1 and 2. The first half-step
    // solves (v1² + v2² + λ·2) x = 4 v1 + 2 v2 for the initial item factors v1, v2; the
    // second (v_i) (x² + λ·1) = r_i x for each item.
    let ratings = [(7, 1, 4.0), (7, 2, 2.0)];
    let fit = Als::new()
        .rank(1)
        .regularization(0.1)
        .max_iterations(1)
        .seed(3)
        .parallelism(2)
        .fit_ratings(&ratings)
        .unwrap();
    let (v1, v2) = (initial_factor(3, 1, 1)[0], initial_factor(3, 2, 1)[0]);
    let x = (4.0 * v1 + 2.0 * v2) / (v1 * v1 + v2 * v2 + 0.2);
    // A 1×1 Cholesky solve (sqrt, two divisions) vs one division: a few ulps.
    assert_relative_eq!(fit.model.user_factors[[0, 0]], x, max_relative = 1e-14);
    let y = [4.0 * x / (x * x + 0.1), 2.0 * x / (x * x + 0.1)];
    assert_relative_eq!(fit.model.item_factors[[0, 0]], y[0], max_relative = 1e-14);
    assert_relative_eq!(fit.model.item_factors[[1, 0]], y[1], max_relative = 1e-14);
    assert_eq!((fit.model.users.clone(), fit.model.items.clone()), (vec![7], vec![1, 2]));
    let rmse = (((4.0 - x * y[0]).powi(2) + (2.0 - x * y[1]).powi(2)) / 2.0).sqrt();
    assert_relative_eq!(fit.rmse_history[0], rmse, max_relative = 1e-12);
    assert_eq!(
        fit.model.predict_many(&[(7, 2), (7, 3), (8, 1)]),
        vec![Some(x_times(&fit.model, 0, 1)), None, None]
    );
}

fn x_times(model: &AlsModel, user: usize, item: usize) -> f64 {
    model.user_factors.row(user).dot(&model.item_factors.row(item))
}

/// Which ids of a rating are (own, counterpart).
type Key = dyn Fn(&(u64, u64, f64)) -> (u64, u64);

/// Sequential reference: plain ALS-WR with dense Gaussian elimination.
fn reference_als(
    ratings: &[(u64, u64, f64)],
    rank: usize,
    lambda: f64,
    iterations: u32,
    seed: u64,
) -> AlsModel {
    let mut users: Vec<u64> = ratings.iter().map(|r| r.0).collect();
    let mut items: Vec<u64> = ratings.iter().map(|r| r.1).collect();
    users.sort_unstable();
    users.dedup();
    items.sort_unstable();
    items.dedup();
    let mut y: Vec<Vec<f64>> = items.iter().map(|&i| initial_factor(seed, i, rank)).collect();
    let mut x = vec![vec![0.0; rank]; users.len()];
    let half_step = |own: &[u64], other: &[u64], key: &Key, fixed: &[Vec<f64>]| {
        own.iter()
            .map(|&id| {
                let mut a = vec![vec![0.0; rank + 1]; rank];
                let mut n = 0.0;
                for t in ratings.iter().filter(|t| key(t).0 == id) {
                    let v = &fixed[other.binary_search(&key(t).1).unwrap()];
                    n += 1.0;
                    for i in 0..rank {
                        for j in 0..rank {
                            a[i][j] += v[i] * v[j];
                        }
                        a[i][rank] += t.2 * v[i];
                    }
                }
                for (i, row) in a.iter_mut().enumerate() {
                    row[i] += lambda * n;
                }
                gauss(a)
            })
            .collect::<Vec<_>>()
    };
    for _ in 0..iterations {
        x = half_step(&users, &items, &|t| (t.0, t.1), &y);
        y = half_step(&items, &users, &|t| (t.1, t.0), &x);
    }
    let matrix = |rows: Vec<Vec<f64>>| Array2::from_shape_vec((rows.len(), rank), rows.concat()).unwrap();
    AlsModel { rank, users, user_factors: matrix(x), items, item_factors: matrix(y) }
}

/// Solves an augmented `n × (n + 1)` system by Gaussian elimination with partial pivoting.
fn gauss(mut a: Vec<Vec<f64>>) -> Vec<f64> {
    let n = a.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs())).unwrap();
        a.swap(c, p);
        let (top, below) = a.split_at_mut(c + 1);
        let pivot = &top[c];
        for row in below {
            let f = row[c] / pivot[c];
            row[c..].iter_mut().zip(&pivot[c..]).for_each(|(v, p)| *v -= f * p);
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        x[r] = (a[r][n] - (r + 1..n).map(|k| a[r][k] * x[k]).sum::<f64>()) / a[r][r];
    }
    x
}

#[test]
fn matches_a_sequential_reference() {
    let (mut train, _) = low_rank(25, 18, 2, 0.4, 0.3, 3);
    // Duplicates and sparse, unordered ids.
    train.push(train[0]);
    train.iter_mut().for_each(|t| t.0 = t.0 * 1_000_003 % 977);
    train.reverse();
    let expected = reference_als(&train, 3, 0.1, 4, 9);
    for p in [1, 3] {
        let fit = Als::new()
            .rank(3)
            .regularization(0.1)
            .max_iterations(4)
            .seed(9)
            .parallelism(p)
            .fit_ratings(&train)
            .unwrap();
        assert_eq!((&fit.model.users, &fit.model.items), (&expected.users, &expected.items));
        // Cholesky vs pivoted elimination of well-conditioned 3×3 systems, four
        // alternations: agreement to ~1e-12.
        for (a, b) in fit.model.user_factors.iter().zip(&expected.user_factors) {
            assert_relative_eq!(a, b, max_relative = 1e-9, epsilon = 1e-12);
        }
        for (a, b) in fit.model.item_factors.iter().zip(&expected.item_factors) {
            assert_relative_eq!(a, b, max_relative = 1e-9, epsilon = 1e-12);
        }
    }
}

#[test]
fn estimator_and_model_interfaces_and_a_saved_model() {
    let (train, test) = low_rank(40, 30, 2, 0.5, 0.05, 5);
    let x =
        Array2::from_shape_fn(
            (train.len(), 2),
            |(r, c)| if c == 0 { train[r].0 as f64 } else { train[r].1 as f64 },
        );
    let y: Array1<f64> = train.iter().map(|t| t.2).collect();
    let als = Als::new().rank(2).regularization(0.02).seed(4).parallelism(2);
    let model = als.fit(x.view(), Some(y.view())).unwrap();
    assert_eq!(model, als.fit_ratings(&train).unwrap().model);
    let queries =
        array![[test[0].0 as f64, test[0].1 as f64], [1e6, 10_000.0], [0.5, 10_000.0], [-1.0, 10_000.0]];
    let predicted = Model::predict(&model, queries.view()).unwrap();
    assert_eq!(predicted[0], model.predict(test[0].0, test[0].1).unwrap());
    assert!(predicted.iter().skip(1).all(|v| v.is_nan()));
    assert!(matches!(
        Model::predict(&model, array![[1.0, 2.0, 3.0]].view()),
        Err(Error::FeatureMismatch { .. })
    ));

    let path = std::env::temp_dir().join(format!(
        "eddy-als-{}-{:?}.json",
        std::process::id(),
        std::thread::current().id()
    ));
    save_model(&model, &path).unwrap();
    let loaded: AlsModel = load_model(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(loaded, model);
    let pairs: Vec<(u64, u64)> = test.iter().map(|t| (t.0, t.1)).collect();
    assert_eq!(loaded.predict_many(&pairs), model.predict_many(&pairs));
}

#[test]
fn errors() {
    let ratings = [(1, 2, 3.0), (2, 2, 1.0)];
    let parameter = |als: Als| match als.fit_ratings(&ratings) {
        Err(Error::InvalidParameter { name, .. }) => name,
        other => panic!("{other:?}"),
    };
    assert_eq!(parameter(Als::new().rank(0)), "rank");
    assert_eq!(parameter(Als::new().regularization(-0.1)), "regularization");
    assert_eq!(parameter(Als::new().regularization(f64::NAN)), "regularization");
    assert_eq!(parameter(Als::new().max_iterations(0)), "max_iterations");
    assert_eq!(parameter(Als::new().tolerance(-1.0)), "tolerance");
    assert_eq!(parameter(Als::new().parallelism(0)), "parallelism");

    let input = |result: Result<AlsFit>| match result {
        Err(Error::InvalidInput(message)) => message,
        other => panic!("{other:?}"),
    };
    let als = Als::new().parallelism(3);
    assert_eq!(input(als.fit_ratings(&[])), "ALS needs at least one rating");
    // Every worker empty inside a job, too.
    let empty = exec::run(Some(2), |worker| fit_partition(worker, Vec::new(), &als));
    assert_eq!(input(empty), "ALS needs at least one rating");
    let nan = input(als.fit_ratings(&[(1, 2, 3.0), (4, 5, f64::NAN), (6, 7, 1.0)]));
    assert_eq!(nan, "the rating of user 4 for item 5 is NaN, not a finite number");
    assert!(input(als.fit_ratings(&[(1, 2, f64::INFINITY)])).contains("inf"));

    let fit = |x: Array2<f64>, y: Option<Array1<f64>>| als.fit(x.view(), y.as_ref().map(|y| y.view()));
    let message = |r: Result<AlsModel>| match r {
        Err(Error::InvalidInput(m)) => m,
        other => panic!("{other:?}"),
    };
    assert_eq!(message(fit(array![[1.0, 2.0]], None)), "ALS needs the ratings as y");
    assert_eq!(message(fit(array![[1.0, 2.0]], Some(array![1.0, 2.0]))), "2 ratings for 1 (user, item) rows");
    assert_eq!(
        message(fit(array![[1.0, 2.0], [1.5, 2.0]], Some(array![1.0, 2.0]))),
        "row 1: the user id 1.5 is not a non-negative integer ≤ 2^53"
    );
    assert!(message(fit(array![[1.0, -2.0]], Some(array![1.0]))).contains("item id -2"));
    assert!(matches!(fit(array![[1.0, 2.0, 3.0]], Some(array![1.0])), Err(Error::FeatureMismatch { .. })));
}
