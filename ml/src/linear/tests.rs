use approx::assert_abs_diff_eq;
use ndarray::{Array1, Array2, array};
use rand_xoshiro::Xoshiro256PlusPlus;
use rand_xoshiro::rand_core::{Rng, SeedableRng};

use super::*;

/// `n × d` standard-normal-ish features, `y = x·coef + 2.5 + noise`.
fn regression(n: usize, d: usize, noise: f64, seed: u64) -> (Array2<f64>, Array1<f64>, Array1<f64>) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut normal = move || {
        let u = |r: &mut Xoshiro256PlusPlus| ((r.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let (a, b) = (u(&mut rng), u(&mut rng));
        (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos()
    };
    let x = Array2::from_shape_simple_fn((n, d), &mut normal);
    let coef = Array1::from_shape_simple_fn(d, || 3.0 * normal());
    let y = x.dot(&coef) + 2.5 + Array1::from_shape_simple_fn(n, || noise * normal());
    (x, y, coef)
}

#[test]
fn normal_equations_solve_a_hand_made_problem() {
    // y = 2 x0 − x1 + 3 exactly.
    let x = array![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 5.0]];
    let y = array![3.0, 5.0, 2.0, 4.0, 2.0];
    let model = LinearRegression::new().parallelism(2).fit(x.view(), Some(y.view())).unwrap();
    assert_abs_diff_eq!(model.coef, array![2.0, -1.0], epsilon = 1e-12);
    assert_abs_diff_eq!(model.intercept, 3.0, epsilon = 1e-12);
    assert_abs_diff_eq!(model.predict(array![[10.0, 10.0]].view()).unwrap(), array![13.0], epsilon = 1e-11);
    // Ridge in one dimension, centred: w = Σx̃ỹ / (Σx̃² + α).
    let x1 = array![[1.0], [2.0], [3.0]];
    let y1 = array![1.0, 3.0, 2.0];
    let ridge = LinearRegression::new().alpha(2.0).fit(x1.view(), Some(y1.view())).unwrap();
    assert_abs_diff_eq!(ridge.coef[0], 1.0 / (2.0 + 2.0), epsilon = 1e-15);
    assert_abs_diff_eq!(ridge.intercept, 2.0 - 2.0 * 0.25, epsilon = 1e-15);
}

#[test]
fn iterative_solvers_reach_the_normal_equations_solution() {
    let (x, y, truth) = regression(1500, 6, 0.5, 1);
    for alpha in [0.0, 10.0] {
        let exact = LinearRegression::new().alpha(alpha).fit(x.view(), Some(y.view())).unwrap();
        assert_abs_diff_eq!(exact.coef, truth, epsilon = 0.05);
        for solver in [
            LinearSolver::Lbfgs,
            LinearSolver::GradientDescent { learning_rate: 1.0 },
            LinearSolver::Sgd { batch_size: 32, learning_rate: 0.05 },
        ] {
            let (epsilon, iterations) = match solver {
                LinearSolver::Sgd { .. } => (2e-2, 30),
                _ => (1e-6, 1000),
            };
            let model = LinearRegression::new()
                .alpha(alpha)
                .solver(solver)
                .max_iterations(iterations)
                .fit(x.view(), Some(y.view()))
                .unwrap();
            assert_abs_diff_eq!(model.coef, exact.coef, epsilon = epsilon);
            assert_abs_diff_eq!(model.intercept, exact.intercept, epsilon = epsilon);
        }
    }
}

#[test]
fn every_solver_gives_the_same_model_for_any_parallelism() {
    let (x, y, _) = regression(5000, 4, 1.0, 2);
    for solver in [
        LinearSolver::NormalEquations,
        LinearSolver::Lbfgs,
        LinearSolver::GradientDescent { learning_rate: 0.5 },
        LinearSolver::Sgd { batch_size: 100, learning_rate: 0.05 },
    ] {
        let fit = |p| {
            LinearRegression::new()
                .alpha(1.0)
                .solver(solver)
                .max_iterations(20)
                .parallelism(p)
                .fit(x.view(), Some(y.view()))
                .unwrap()
        };
        let one = fit(1);
        for p in [2, 3, 4] {
            assert_eq!(fit(p), one, "{solver:?} with P = {p}");
        }
    }
}

#[test]
fn bad_input_is_reported() {
    let x = array![[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]];
    let y = array![1.0, 2.0, 3.0];
    let collinear = LinearRegression::new().fit(x.view(), Some(y.view())).unwrap_err().to_string();
    assert!(collinear.contains("singular"), "{collinear}");
    assert!(LinearRegression::new().alpha(1.0).fit(x.view(), Some(y.view())).is_ok());
    assert!(LinearRegression::new().fit(x.view(), None).unwrap_err().to_string().contains("needs targets"));
    let short = LinearRegression::new().fit(x.view(), Some(array![1.0].view())).unwrap_err().to_string();
    assert!(short.contains("1 targets for 3 rows"), "{short}");
    let nan = LinearRegression::new().fit(x.view(), Some(array![1.0, f64::NAN, 0.0].view())).unwrap_err();
    assert!(nan.to_string().contains("the target of row 1 is NaN"), "{nan}");
    assert!(LinearRegression::new().alpha(-1.0).validate().is_err());
    let bad_rate =
        LinearRegression::new().solver(LinearSolver::GradientDescent { learning_rate: 0.0 }).validate();
    assert!(bad_rate.unwrap_err().to_string().contains("learning_rate"));
}
