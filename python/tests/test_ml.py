"""eddy.ml against scikit-learn (an independent oracle)."""

import numpy as np
import pytest
from sklearn.cluster import KMeans as SkKMeans
from sklearn.datasets import load_iris

from eddy.ml import KMeans


@pytest.mark.parametrize("parallelism", [1, 2, 4])
def test_kmeans_with_given_init_equals_sklearn_on_iris(parallelism):
    X = load_iris().data
    init = X[[0, 1, 2]]
    ours = KMeans(3, init=init, max_iter=300, tol=0.0, parallelism=parallelism).fit(X)
    theirs = SkKMeans(3, init=init, n_init=1, max_iter=300, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-9)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9)
    assert ours.n_iter_ == theirs.n_iter_
    np.testing.assert_array_equal(ours.labels_, theirs.labels_)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_kmeans_accepts_float32_and_fortran_order_and_follows_sklearn_conventions():
    X = np.asfortranarray(load_iris().data.astype(np.float32))
    km = KMeans(n_clusters=3, n_init=10)
    assert km.get_params()["n_clusters"] == 3
    km.set_params(max_iter=100)
    assert km.fit(X) is km
    assert km.cluster_centers_.shape == (3, 4) and km.labels_.shape == (150,)
    assert km.inertia_ == pytest.approx(78.85, abs=0.01)


def test_logistic_regression_accuracy_is_within_a_point_of_sklearn_on_breast_cancer():
    from sklearn.datasets import load_breast_cancer
    from sklearn.linear_model import LogisticRegression as SkLogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler as SkStandardScaler

    from eddy.ml import LogisticRegression, StandardScaler

    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    ours_scaler, theirs_scaler = StandardScaler().fit(X_train), SkStandardScaler().fit(X_train)
    np.testing.assert_allclose(ours_scaler.mean_, theirs_scaler.mean_, rtol=1e-12)
    np.testing.assert_allclose(ours_scaler.scale_, theirs_scaler.scale_, rtol=1e-12)
    Xs_train, Xs_test = ours_scaler.transform(X_train), ours_scaler.transform(X_test)
    np.testing.assert_allclose(ours_scaler.inverse_transform(Xs_test), X_test, rtol=1e-12)
    ours = LogisticRegression(C=1.0, parallelism=2).fit(Xs_train, y_train)
    theirs = SkLogisticRegression(C=1.0, max_iter=5000).fit(Xs_train, y_train)
    ours_accuracy = (ours.predict(Xs_test) == y_test).mean()
    assert abs(ours_accuracy - theirs.score(Xs_test, y_test)) <= 0.01
    np.testing.assert_array_equal(ours.classes_, [0.0, 1.0])
    np.testing.assert_allclose(ours.predict_proba(Xs_test).sum(axis=1), 1.0, rtol=1e-12)


def test_linear_regression_naive_bayes_and_minmax_equal_sklearn():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression as SkLinearRegression, Ridge
    from sklearn.naive_bayes import GaussianNB as SkGaussianNB
    from sklearn.preprocessing import MinMaxScaler as SkMinMaxScaler

    from eddy.ml import GaussianNB, LinearRegression, MinMaxScaler

    X, y = load_diabetes(return_X_y=True)
    ours, theirs = LinearRegression().fit(X, y), SkLinearRegression().fit(X, y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-8)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-10)
    np.testing.assert_allclose(LinearRegression(alpha=2.0).fit(X, y).coef_, Ridge(alpha=2.0).fit(X, y).coef_, rtol=1e-8)
    np.testing.assert_allclose(MinMaxScaler().fit(X).transform(X), SkMinMaxScaler().fit_transform(X), atol=1e-12)
    iris = load_iris()
    nb, sk_nb = GaussianNB().fit(iris.data, iris.target), SkGaussianNB().fit(iris.data, iris.target)
    np.testing.assert_allclose(nb.theta_, sk_nb.theta_, rtol=1e-12)
    np.testing.assert_allclose(nb.var_, sk_nb.var_, rtol=1e-10)
    np.testing.assert_array_equal(nb.predict(iris.data), sk_nb.predict(iris.data))


@pytest.mark.parametrize("parallelism", [1, 3])
def test_kneighbors_classifier_equals_sklearn_on_iris(parallelism):
    from sklearn.model_selection import train_test_split
    from sklearn.neighbors import KNeighborsClassifier as SkKNN

    from eddy.ml import KNeighborsClassifier

    X, y = load_iris(return_X_y=True)
    # Iris has repeated rows and equal distances; a tiny jitter makes the neighbours
    # unique, so that no tie rule decides them (sklearn does not promise one).
    X = X + np.random.default_rng(0).normal(scale=1e-6, size=X.shape)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=1)
    ours = KNeighborsClassifier(n_neighbors=7, parallelism=parallelism).fit(X_train, y_train)
    theirs = SkKNN(n_neighbors=7, algorithm="brute").fit(X_train, y_train)
    np.testing.assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    np.testing.assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test), rtol=0, atol=1e-15)
    distances, indices = ours.kneighbors(X_test)
    their_distances, their_indices = theirs.kneighbors(X_test)
    np.testing.assert_allclose(distances, their_distances, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(indices, their_indices)
    np.testing.assert_array_equal(ours.classes_, [0.0, 1.0, 2.0])


def test_als_recovers_a_low_rank_matrix_and_does_not_depend_on_parallelism():
    from eddy.ml import ALS

    rng = np.random.default_rng(4)
    users, items, rank = 60, 40, 2
    truth = rng.uniform(0.5, 1.5, (users, rank)) @ rng.uniform(0.5, 1.5, (rank, items))
    observed = rng.random((users, items)) < 0.5
    X = np.argwhere(observed)  # (user, item) rows, int64
    ids = X * np.array([[3, 1]]) + np.array([[7, 100]])  # sparse, non-contiguous ids
    y = truth[observed]
    fits = [ALS(rank, regularization=1e-3, max_iter=30, parallelism=p).fit(ids, y) for p in (1, 2)]
    als = fits[0]
    assert als.n_iter_ == 30 and len(als.rmse_history_) == 30
    assert np.all(np.diff(als.rmse_history_) <= 1e-12)
    assert als.rmse_history_[-1] < 0.01
    np.testing.assert_array_equal(als.user_ids_, np.unique(ids[:, 0]))
    assert als.user_factors_.shape == (len(als.user_ids_), rank)
    # Held-out cells of the true matrix are predicted too.
    held_out = np.argwhere(~observed)
    predicted = als.predict(held_out * np.array([[3, 1]]) + np.array([[7, 100]]))
    assert np.sqrt(np.mean((predicted - truth[~observed]) ** 2)) < 0.05
    # Unknown users and items give NaN.
    assert np.isnan(als.predict(np.array([[1, 100], [7, 99]]))).all()
    # The same model for any parallelism.
    np.testing.assert_array_equal(fits[1].user_factors_, als.user_factors_)
    np.testing.assert_array_equal(fits[1].item_factors_, als.item_factors_)


def test_kmeans_predicts_with_the_fitted_rust_model_and_transforms_as_sklearn():
    X = load_iris().data
    init = X[[0, 50, 100]]
    ours = KMeans(3, init=init, tol=0.0).fit(X)
    theirs = SkKMeans(3, init=init, n_init=1, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X), rtol=1e-9)
    assert ours.n_features_in_ == 4
    # The fitted attributes are copies: predict uses the model, not cluster_centers_.
    ours.cluster_centers_[:] = 0.0
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours.fit_predict(X), theirs.labels_)


def test_fitted_attributes_equal_sklearn():
    from sklearn.naive_bayes import GaussianNB as SkGaussianNB
    from sklearn.preprocessing import MinMaxScaler as SkMinMaxScaler, StandardScaler as SkStandardScaler

    from eddy.ml import GaussianNB, MinMaxScaler, StandardScaler

    X, y = load_iris(return_X_y=True)
    nb, sk_nb = GaussianNB().fit(X, y), SkGaussianNB().fit(X, y)
    np.testing.assert_array_equal(nb.classes_, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(nb.class_count_, sk_nb.class_count_)
    np.testing.assert_allclose(nb.class_prior_, sk_nb.class_prior_, rtol=1e-15)
    assert nb.epsilon_ == pytest.approx(sk_nb.epsilon_, rel=1e-12)
    np.testing.assert_allclose(nb.predict_log_proba(X), sk_nb.predict_log_proba(X), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(nb.predict_proba(X), sk_nb.predict_proba(X), rtol=1e-9, atol=1e-12)
    mm, sk_mm = MinMaxScaler(feature_range=(-1.0, 2.0)).fit(X), SkMinMaxScaler(feature_range=(-1.0, 2.0)).fit(X)
    for name in ("data_min_", "data_max_", "data_range_", "scale_", "min_"):
        np.testing.assert_allclose(getattr(mm, name), getattr(sk_mm, name), rtol=1e-12, err_msg=name)
    assert mm.n_samples_seen_ == sk_mm.n_samples_seen_ == 150
    np.testing.assert_allclose(mm.inverse_transform(mm.transform(X)), X, rtol=1e-12)
    ss, sk_ss = StandardScaler().fit(X), SkStandardScaler().fit(X)
    np.testing.assert_allclose(ss.var_, sk_ss.var_, rtol=1e-12)
    assert ss.n_samples_seen_ == 150


def test_linear_svc_decision_function_is_the_fitted_hyperplane():
    from eddy.ml import LinearSVC, StandardScaler

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    svc = LinearSVC().fit(X, y)
    scores = svc.decision_function(X)
    assert scores.shape == (150, 3) and svc.coef_.shape == (3, 4) and svc.intercept_.shape == (3,)
    np.testing.assert_allclose(scores, X @ svc.coef_.T + svc.intercept_, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(svc.predict(X), svc.classes_[scores.argmax(axis=1)])
    assert (svc.predict(X) == y).mean() > 0.9


def test_none_keeps_the_rust_default():
    from eddy.ml import LinearRegression, LinearSVC, LogisticRegression

    X, y = load_iris(return_X_y=True)
    default = LogisticRegression().fit(X, y)
    unset = LogisticRegression(C=None, solver=None, max_iter=None, tol=None).fit(X, y)
    np.testing.assert_array_equal(unset.coef_, default.coef_)
    assert unset.n_iter_ == default.n_iter_ > 0
    short = LogisticRegression(max_iter=3).fit(X, y)
    assert short.n_iter_ == 3
    assert not np.array_equal(short.coef_, default.coef_)
    # sgd with batch_size and learning_rate left to the engine (32 and 0.01).
    Z = np.random.default_rng(1).normal(size=(500, 3))
    z = Z @ [1.0, 2.0, 3.0] + 0.5
    sgd = LinearRegression(solver="sgd", max_iter=50, tol=0.0).fit(Z, z)
    assert sgd.batch_size is None and sgd.learning_rate is None and sgd.n_iter_ == 50
    explicit = LinearRegression(solver="sgd", max_iter=50, tol=0.0, batch_size=32, learning_rate=0.01).fit(Z, z)
    np.testing.assert_array_equal(sgd.coef_, explicit.coef_)
    other = LinearRegression(solver="sgd", max_iter=50, tol=0.0, batch_size=8, learning_rate=0.05).fit(Z, z)
    assert not np.array_equal(other.coef_, sgd.coef_)
    np.testing.assert_allclose(other.coef_, [1.0, 2.0, 3.0], atol=0.01)
    # The hinge-loss SVM's SGD likewise (32 rows per batch, first step 0.1).
    labels = (z > 0.5).astype(float)
    hinge = LinearSVC(loss="hinge", max_iter=20, tol=0.0).fit(Z, labels)
    explicit = LinearSVC(loss="hinge", max_iter=20, tol=0.0, batch_size=32, learning_rate=0.1).fit(Z, labels)
    np.testing.assert_array_equal(hinge.coef_, explicit.coef_)
    assert hinge.n_iter_ == 20 and (hinge.predict(Z) == labels).mean() > 0.95


def fitted_estimators():
    from eddy.ml import (ALS, GaussianNB, KNeighborsClassifier, LinearRegression, LinearSVC, LogisticRegression,
                         MinMaxScaler, StandardScaler)

    X, y = load_iris(return_X_y=True)
    ratings = np.array([(u, i) for u in range(4) for i in range(3)])
    return [
        (KMeans(3).fit(X), X, ("predict", "transform")),
        (LinearRegression().fit(X[:, :3], X[:, 3]), X[:, :3], ("predict",)),
        (LogisticRegression().fit(X, y), X, ("predict", "predict_proba")),
        (LinearSVC().fit(X, y), X, ("predict", "decision_function")),
        (GaussianNB().fit(X, y), X, ("predict", "predict_proba")),
        (StandardScaler().fit(X), X, ("transform", "inverse_transform")),
        (MinMaxScaler().fit(X), X, ("transform", "inverse_transform")),
        (KNeighborsClassifier().fit(X, y), X, ("predict", "predict_proba")),
        (ALS(rank=2).fit(ratings, ratings.sum(axis=1) + 1.0), ratings, ("predict",)),
    ]


def test_fitted_estimators_pickle_and_their_models_round_trip_through_json():
    import pickle

    from eddy.errors import InvalidArgumentError

    for fitted, X, methods in fitted_estimators():
        restored = pickle.loads(pickle.dumps(fitted))
        model = fitted._model
        assert type(restored._model) is type(model)
        assert type(model).__module__ == "eddy._eddy"
        assert type(model).from_json(model.to_json()).to_json() == model.to_json()
        for method in methods:
            np.testing.assert_array_equal(getattr(restored, method)(X), getattr(fitted, method)(X), err_msg=method)
        with pytest.raises(InvalidArgumentError, match="not a valid model"):
            type(model).from_json('{"not": "a model"}')
