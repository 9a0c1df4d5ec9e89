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

/// The case's data split into its training and test rows, standardised by a scaler
/// fitted on the training rows (checked against sklearn's when the case has it).
struct Split {
    x_train: Array2<f64>,
    y_train: Array1<f64>,
    x_test: Array2<f64>,
    y_test: Array1<f64>,
}

fn scaled_split(case: &Value) -> Split {
    let table = load(case["data"].as_str().unwrap(), "label");
    let labels = table.labels.expect("labels");
    let test: Vec<usize> = serde_json::from_value(case["test_indices"].clone()).unwrap();
    let train: Vec<usize> = (0..labels.len()).filter(|i| test.binary_search(i).is_err()).collect();
    let x_train = table.features.select(Axis(0), &train);
    let scaler = StandardScaler::new().fit(x_train.view(), None).unwrap();
    if !case["scaler_mean"].is_null() {
        for (a, b) in scaler.mean.iter().zip(vector(&case["scaler_mean"]).iter()) {
            assert_close(*a, *b, 1e-12, &format!("{}: scaler mean", case["name"]));
        }
    }
    Split {
        x_train: scaler.transform(x_train.view()).unwrap(),
        y_train: labels.select(Axis(0), &train),
        x_test: scaler.transform(table.features.select(Axis(0), &test).view()).unwrap(),
        y_test: labels.select(Axis(0), &test),
    }
}

/// Test accuracy of a classifier trained on the split.
fn test_accuracy<E: Estimator>(estimator: &E, split: &Split) -> (f64, E::Fitted)
where
    E::Fitted: Model,
{
    let model = estimator.fit(split.x_train.view(), Some(split.y_train.view())).unwrap();
    let predicted = model.predict(split.x_test.view()).unwrap();
    (accuracy(split.y_test.view(), predicted.view()).unwrap(), model)
}

#[test]
fn kmeans_best_of_ten_initialisations_finds_sklearns_best() {
    let expected = expected();
    let case =
        expected["kmeans_pp"].as_array().unwrap().iter().find(|c| c["name"] == "iris_k3").expect("iris case");
    let iris = load(case["data"].as_str().unwrap(), "label");
    let fit = |p| KMeans::new(3).n_init(10).parallelism(p).fit(iris.features.view(), None).unwrap();
    let model = fit(1);
    assert_close(model.inertia, case["best_of_10_inertia"].as_f64().unwrap(), 1e-9, "iris best of 10");
    assert_eq!(fit(3), model);
}

#[test]
fn logistic_regression_accuracy_is_within_a_point_of_sklearn() {
    let expected = expected();
    for case in expected["logreg"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap();
        let split = scaled_split(case);
        let trainer = LogisticRegression::new().c(case["C"].as_f64().unwrap()).parallelism(2);
        let (ours, model) = test_accuracy(&trainer, &split);
        assert!(model.converged, "{name}: not converged in {} iterations", model.iterations);
        let sklearn = case["accuracy"].as_f64().unwrap();
        assert!((ours - sklearn).abs() <= 0.01, "{name}: accuracy {ours} vs sklearn {sklearn}");
        // Converged tightly, the weights are the exact optimum's (sklearn, Newton to 2e-14).
        let tight = matrix(&case["coef_tight"]);
        let worst = model.coef.iter().zip(tight.iter()).fold(0.0f64, |m, (a, b)| m.max((a - b).abs()));
        assert!(worst < 1e-5, "{name}: coefficients differ from the optimum by {worst}");
    }
}

#[test]
fn linear_svm_accuracy_is_within_a_point_of_sklearn() {
    use eddy::ml::svm::{LinearSvc, SvmLoss, SvmSolver};
    let expected = expected();
    for case in expected["svm"].as_array().expect("cases") {
        let name = case["name"].as_str().unwrap();
        let split = scaled_split(case);
        let sklearn = case["accuracy"].as_f64().unwrap();
        let (squared, model) =
            test_accuracy(&LinearSvc::new().c(case["C"].as_f64().unwrap()).parallelism(2), &split);
        assert!(model.converged, "{name}: not converged in {} iterations", model.iterations);
        assert!(
            (squared - sklearn).abs() <= 0.01,
            "{name}: squared hinge accuracy {squared} vs sklearn {sklearn}"
        );
        // The hinge loss by SGD: a bar of two points (SGD stops near, not at, the optimum).
        let sgd = SvmSolver::Sgd { batch_size: 32, learning_rate: 0.1 };
        let hinge = LinearSvc::new()
            .loss(SvmLoss::Hinge)
            .solver(sgd)
            .max_iterations(50)
            .tolerance(0.0)
            .parallelism(2);
        let (hinge, _) = test_accuracy(&hinge, &split);
        assert!(hinge >= sklearn - 0.02, "{name}: hinge accuracy {hinge} vs sklearn {sklearn}");
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

#[test]
fn metrics_equal_sklearn() {
    use eddy::ml::metrics::{Average, adjusted_rand_index, precision_recall_f1, r2, rmse, roc_auc};
    let expected = expected();
    let m = &expected["metrics"];
    let check = |actual: f64, case: &Value, key: &str| {
        assert_close(actual, case[key].as_f64().unwrap(), 1e-12, &format!("{} {key}", case["name"]));
    };
    for case in m["binary"].as_array().unwrap() {
        let (t, p, s) = (vector(&case["y_true"]), vector(&case["y_pred"]), vector(&case["y_score"]));
        check(accuracy(&t, &p).unwrap(), case, "accuracy");
        let prf = precision_recall_f1(&t, &p, Average::Binary).unwrap();
        check(prf.precision, case, "precision");
        check(prf.recall, case, "recall");
        check(prf.f1, case, "f1");
        match roc_auc(&t, &s) {
            Ok(auc) => check(auc, case, "roc_auc"),
            Err(e) => assert!(case["roc_auc"].is_null(), "{}: {e}", case["name"]),
        }
    }
    for case in m["multiclass"].as_array().unwrap() {
        let (t, p) = (vector(&case["y_true"]), vector(&case["y_pred"]));
        for (average, suffix) in
            [(Average::Macro, "macro"), (Average::Weighted, "weighted"), (Average::Micro, "micro")]
        {
            let prf = precision_recall_f1(&t, &p, average).unwrap();
            check(prf.precision, case, &format!("precision_{suffix}"));
            check(prf.recall, case, &format!("recall_{suffix}"));
            check(prf.f1, case, &format!("f1_{suffix}"));
        }
    }
    for case in m["regression"].as_array().unwrap() {
        let (t, p) = (vector(&case["y_true"]), vector(&case["y_pred"]));
        check(rmse(&t, &p).unwrap(), case, "rmse");
        check(r2(&t, &p).unwrap(), case, "r2");
    }
    for case in m["adjusted_rand"].as_array().unwrap() {
        let (a, b) = (vector(&case["labels_true"]), vector(&case["labels_pred"]));
        check(adjusted_rand_index(&a, &b).unwrap(), case, "ari");
    }
}

#[test]
fn naive_bayes_knn_and_scalers_equal_sklearn() {
    use eddy::ml::knn::KNeighborsClassifier;
    use eddy::ml::naive_bayes::GaussianNB;
    use eddy::ml::preprocessing::{MinMaxScaler, PolynomialFeatures};
    let expected = expected();
    for case in expected["naive_bayes"].as_array().unwrap() {
        let table = load(case["data"].as_str().unwrap(), "label");
        let y = table.labels.unwrap();
        let model = GaussianNB::new().parallelism(3).fit(table.features.view(), Some(y.view())).unwrap();
        for (a, b) in model.theta.iter().zip(matrix(&case["theta"]).iter()) {
            assert_close(*a, *b, 1e-12, "theta");
        }
        for (a, b) in model.var.iter().zip(matrix(&case["var"]).iter()) {
            assert_close(*a, *b, 1e-10, "var");
        }
        assert_eq!(
            model.predict(table.features.view()).unwrap(),
            vector(&case["predictions"]),
            "{}",
            case["name"]
        );
    }
    let case = &expected["knn"][0];
    let table = load(case["data"].as_str().unwrap(), "label");
    let y = table.labels.unwrap();
    let test: Vec<usize> = serde_json::from_value(case["test_indices"].clone()).unwrap();
    let train: Vec<usize> = (0..y.len()).filter(|i| test.binary_search(i).is_err()).collect();
    let k = case["n_neighbors"].as_u64().unwrap() as usize;
    let model = KNeighborsClassifier::new().k(k).parallelism(2);
    let model = model
        .fit(table.features.select(Axis(0), &train).view(), Some(y.select(Axis(0), &train).view()))
        .unwrap();
    let predicted = model.predict(table.features.select(Axis(0), &test).view()).unwrap();
    assert_eq!(predicted, vector(&case["predictions"]));

    let scalers = &expected["scalers"];
    let wine = load(scalers["standard"]["data"].as_str().unwrap(), "label").features;
    let standard = StandardScaler::new().parallelism(2).fit(wine.view(), None).unwrap();
    for (a, b) in standard.scale.iter().zip(vector(&scalers["standard"]["scale"]).iter()) {
        assert_close(*a, *b, 1e-12, "standard scale");
    }
    let minmax = MinMaxScaler::new().fit(wine.view(), None).unwrap();
    assert_eq!(minmax.data_min, vector(&scalers["minmax"]["data_min"]));
    assert_eq!(minmax.data_max, vector(&scalers["minmax"]["data_max"]));
    let poly = &scalers["polynomial"];
    let input = matrix(&poly["input"]);
    let degree = poly["degree"].as_u64().unwrap() as usize;
    let model = PolynomialFeatures::new(degree).include_bias(poly["include_bias"].as_bool().unwrap());
    let model = model.fit(input.view(), None).unwrap();
    for (a, b) in model.transform(input.view()).unwrap().iter().zip(matrix(&poly["output"]).iter()) {
        assert_close(*a, *b, 1e-12, "polynomial features");
    }
    let names: Vec<String> = serde_json::from_value(poly["feature_names"].clone()).unwrap();
    assert_eq!(model.feature_names(None).unwrap(), names);
}

mod invariants {
    use eddy::ml::kmeans::KMeans;
    use eddy::ml::linear::{LinearRegression, LinearSolver};
    use eddy::ml::logistic::LogisticRegression;
    use eddy::ml::naive_bayes::GaussianNB;
    use eddy::ml::preprocessing::StandardScaler;
    use eddy::ml::svm::LinearSvc;
    use eddy::ml::{Estimator, Model, Pipeline, load_model, save_model};
    use ndarray::{Array1, Array2};
    use proptest::prelude::*;

    /// A random `n × d` matrix with values in [-50, 50] and labels in {0, 1, 2}.
    fn data() -> impl Strategy<Value = (Array2<f64>, Array1<f64>)> {
        (8usize..300, 1usize..5).prop_flat_map(|(n, d)| {
            (proptest::collection::vec(-50.0f64..50.0, n * d), proptest::collection::vec(0u8..3, n)).prop_map(
                move |(values, labels)| {
                    let x = Array2::from_shape_vec((n, d), values).unwrap();
                    let mut y: Array1<f64> = labels.into_iter().map(f64::from).collect();
                    // At least two classes for the classifiers.
                    y[0] = 0.0;
                    y[1] = 1.0;
                    (x, y)
                },
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// Deterministic trainers give the same model, bit for bit, for every parallelism.
        #[test]
        fn deterministic_trainers_do_not_depend_on_parallelism((x, y) in data(), p in 2usize..5) {
            let kmeans = |p| KMeans::new(2).seed(3).max_iterations(10).parallelism(p).fit(x.view(), None).unwrap();
            prop_assert_eq!(kmeans(1), kmeans(p));
            let ridge = |p| LinearRegression::new().alpha(1.0).parallelism(p).fit(x.view(), Some(y.view())).unwrap();
            prop_assert_eq!(ridge(1), ridge(p));
            let sgd = |p| LinearRegression::new()
                .solver(LinearSolver::Sgd { batch_size: 7, learning_rate: 1e-4 })
                .max_iterations(3)
                .parallelism(p)
                .fit(x.view(), Some(y.view()))
                .unwrap();
            prop_assert_eq!(sgd(1), sgd(p));
            let logistic = |p| LogisticRegression::new().max_iterations(20).parallelism(p).fit(x.view(), Some(y.view())).unwrap();
            prop_assert_eq!(logistic(1), logistic(p));
            let bayes = |p| GaussianNB::new().parallelism(p).fit(x.view(), Some(y.view())).unwrap();
            prop_assert_eq!(bayes(1), bayes(p));
            let svm = |p| LinearSvc::new().max_iterations(20).parallelism(p).fit(x.view(), Some(y.view())).unwrap();
            prop_assert_eq!(svm(1), svm(p));
        }

        /// A model saved and loaded back predicts exactly what the live one does.
        #[test]
        fn a_saved_model_predicts_like_the_live_one((x, y) in data()) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("model.json");
            let pipeline = Pipeline::new(StandardScaler::new(), LogisticRegression::new().max_iterations(30)).fit(x.view(), Some(y.view())).unwrap();
            save_model(&pipeline, &path).unwrap();
            let loaded: eddy::ml::PipelineModel<_, _> = load_model(&path).unwrap();
            prop_assert_eq!(&loaded, &pipeline);
            prop_assert_eq!(loaded.predict(x.view()).unwrap(), pipeline.predict(x.view()).unwrap());
            let kmeans = KMeans::new(2).max_iterations(5).fit(x.view(), None).unwrap();
            save_model(&kmeans, &path).unwrap();
            let loaded: eddy::ml::kmeans::KMeansModel = load_model(&path).unwrap();
            prop_assert_eq!(loaded.predict(x.view()).unwrap(), kmeans.predict(x.view()).unwrap());
            let linear = LinearRegression::new().alpha(0.5).fit(x.view(), Some(y.view())).unwrap();
            save_model(&linear, &path).unwrap();
            let loaded: eddy::ml::linear::LinearModel = load_model(&path).unwrap();
            prop_assert_eq!(loaded.predict(x.view()).unwrap(), linear.predict(x.view()).unwrap());
        }
    }
}
