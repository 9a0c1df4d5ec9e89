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
