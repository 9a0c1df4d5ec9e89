//! eddy-ml against scikit-learn: expected values in `tests/data/ml/expected.json`, made
//! by `scripts/oracle/ml_expected.py` (which also wrote the data files beside it).

use std::path::{Path, PathBuf};

use eddy::datasets::features::{CsvOptions, LabelColumn, Table, read_csv};
use eddy::ml::kmeans::{Init, KMeans};
use eddy::ml::linear::LinearRegression;
use eddy::ml::logistic::LogisticRegression;
use eddy::ml::metrics::accuracy;
use eddy::ml::preprocessing::StandardScaler;
use eddy::ml::{Estimator, Model, Transformer};
use ndarray::{Array1, Array2, Axis};
use serde_json::Value;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ml")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(data_dir().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("valid JSON")
}

/// A data file, with the column `label` as labels.
fn load(name: &str, label: &str) -> Table {
    let options = CsvOptions { label: Some(LabelColumn::Name(label.into())), ..CsvOptions::default() };
    read_csv(data_dir().join(name), &options).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn matrix(value: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(value.clone()).expect("a matrix");
    let d = rows[0].len();
    Array2::from_shape_vec((rows.len(), d), rows.into_iter().flatten().collect()).expect("rectangular")
}

fn vector(value: &Value) -> Array1<f64> {
    Array1::from(serde_json::from_value::<Vec<f64>>(value.clone()).expect("a vector"))
}

fn assert_close(actual: f64, expected: f64, relative: f64, what: &str) {
    let scale = expected.abs().max(1.0);
    assert!((actual - expected).abs() <= relative * scale, "{what}: {actual} vs sklearn {expected}");
}

#[test]
fn kmeans_with_given_centroids_equals_sklearn_for_every_parallelism() {
    let expected = expected();
    for case in expected["kmeans"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap();
        let table = load(case["data"].as_str().unwrap(), "label");
        let trainer = KMeans::new(0)
            .init_centroids(matrix(&case["init"]))
            .max_iterations(case["max_iter"].as_u64().unwrap() as u32)
            .tolerance(case["tol"].as_f64().unwrap());
        for p in [1, 2, 4] {
            let (model, labels) = trainer.clone().parallelism(p).fit_labels(table.features.view()).unwrap();
            let what = format!("{name}, P = {p}");
            assert_eq!(model.iterations as u64, case["n_iter"].as_u64().unwrap(), "{what}: iterations");
            let sklearn_labels: Vec<u32> = serde_json::from_value(case["labels"].clone()).unwrap();
            assert_eq!(labels, sklearn_labels, "{what}: labels");
            for (a, b) in model.centroids.iter().zip(matrix(&case["centers"]).iter()) {
                assert_close(*a, *b, 1e-9, &format!("{what}: centroid"));
            }
            assert_close(model.inertia, case["inertia"].as_f64().unwrap(), 1e-9, &format!("{what}: inertia"));
        }
    }
}

#[test]
fn kmeans_seeding_is_as_good_as_sklearns_best_of_ten() {
    let expected = expected();
    for case in expected["kmeans_pp"].as_array().expect("cases") {
        let table = load(case["data"].as_str().unwrap(), "label");
        let best = case["best_of_10_inertia"].as_f64().unwrap();
        for init in [Init::KMeansPlusPlus, Init::KMeansParallel] {
            let k = case["k"].as_u64().unwrap() as usize;
            let model = KMeans::new(k)
                .init(init.clone())
                .seed(1)
                .parallelism(2)
                .fit(table.features.view(), None)
                .unwrap();
            assert!(
                model.inertia <= best * 1.01,
                "{} {init:?}: inertia {} vs sklearn's best of 10 {best}",
                case["name"],
                model.inertia
            );
        }
    }
}

#[test]
fn logistic_regression_accuracy_is_within_a_point_of_sklearn() {
    let expected = expected();
    for case in expected["logreg"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap();
        let table = load(case["data"].as_str().unwrap(), "label");
        let labels = table.labels.expect("labels");
        let test: Vec<usize> = serde_json::from_value(case["test_indices"].clone()).unwrap();
        let train: Vec<usize> = (0..labels.len()).filter(|i| test.binary_search(i).is_err()).collect();
        let (x_train, y_train) = (table.features.select(Axis(0), &train), labels.select(Axis(0), &train));
        let (x_test, y_test) = (table.features.select(Axis(0), &test), labels.select(Axis(0), &test));
        let scaler = StandardScaler::new().fit(x_train.view(), None).unwrap();
        for (a, b) in scaler.mean.iter().zip(vector(&case["scaler_mean"]).iter()) {
            assert_close(*a, *b, 1e-12, &format!("{name}: scaler mean"));
        }
        let (x_train, x_test) =
            (scaler.transform(x_train.view()).unwrap(), scaler.transform(x_test.view()).unwrap());
        let model = LogisticRegression::new().c(case["C"].as_f64().unwrap()).parallelism(2);
        let model = model.fit(x_train.view(), Some(y_train.view())).unwrap();
        assert!(model.converged, "{name}: not converged in {} iterations", model.iterations);
        let ours = accuracy(y_test.view(), model.predict(x_test.view()).unwrap().view()).unwrap();
        let sklearn = case["accuracy"].as_f64().unwrap();
        assert!((ours - sklearn).abs() <= 0.01, "{name}: accuracy {ours} vs sklearn {sklearn}");
        // Converged tightly, the weights are the exact optimum's (sklearn, Newton to 2e-14).
        let tight = matrix(&case["coef_tight"]);
        let worst = model.coef.iter().zip(tight.iter()).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        assert!(worst < 1e-5, "{name}: coefficients differ from the optimum by {worst}");
    }
}

#[test]
fn linear_regression_equals_sklearn_on_wine() {
    let expected = expected();
    let case = &expected["linreg"][0];
    let table = load(case["data"].as_str().unwrap(), case["target"].as_str().unwrap());
    let keep: Vec<usize> =
        table.columns.iter().enumerate().filter(|(_, c)| *c != "label").map(|(i, _)| i).collect();
    let x = table.features.select(Axis(1), &keep);
    let y = table.labels.expect("target");
    for (alpha, coef, intercept) in
        [(0.0, "coef", "intercept"), (case["ridge_alpha"].as_f64().unwrap(), "ridge_coef", "ridge_intercept")]
    {
        for p in [1, 3] {
            let model =
                LinearRegression::new().alpha(alpha).parallelism(p).fit(x.view(), Some(y.view())).unwrap();
            for (a, b) in model.coef.iter().zip(vector(&case[coef]).iter()) {
                assert_close(*a, *b, 1e-9, &format!("alpha {alpha}: coefficient"));
            }
            assert_close(model.intercept, case[intercept].as_f64().unwrap(), 1e-9, "intercept");
        }
    }
}
