"""Bad input raises the documented exceptions (EddyError subclasses, ValueError)."""

import numpy as np
import pytest

import eddy
from eddy.errors import EddyError, InvalidArgumentError
from eddy.ml import KMeans


def check(call, fragment):
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert isinstance(info.value, (EddyError, ValueError))
    assert fragment in str(info.value)


def test_bad_graph_input_is_reported():
    ok = np.array([0, 1, 2])
    check(lambda: eddy.Graph.from_edges(np.array([0.5, 1.0]), np.array([1, 2])), "must hold integers")
    check(lambda: eddy.Graph.from_edges(np.array([[0, 1]]), np.array([1])), "must be 1-D")
    check(lambda: eddy.Graph.from_edges(ok, np.array([1, 2])), "src has 3 ids but dst has 2")
    check(lambda: eddy.Graph.from_edges(np.array([0, -4, 2]), ok), "negative vertex id (-4)")
    check(lambda: eddy.Graph.from_edges(ok, ok, weights=[1.0]), "1 weights for 3 edges")
    check(lambda: eddy.Graph.from_edges(ok, np.array([1, 2, 0])).sssp(99), "unknown vertex 99")
    check(lambda: eddy.Graph.from_edges(ok, np.array([1, 2, 0])).pagerank(damping=2.0), "damping")
    with pytest.raises(ValueError):
        eddy.Graph.from_edges(ok, np.array([1, 2, 0]), weights=[1.0, -2.0, 1.0]).sssp(0)


def test_bad_features_are_reported():
    X = np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]])
    check(lambda: KMeans(2).fit(X), "feature 0 of row 1 is NaN")
    check(lambda: KMeans(2).fit(np.array([1.0, 2.0])), "must be 2-D")
    check(lambda: KMeans(5).fit(np.ones((3, 2))), "k = 5 exceeds the number of points (3)")
    check(lambda: KMeans(2, init="k-means+").fit(np.ones((3, 2))), "init")
    check(lambda: KMeans(2).predict(np.ones((3, 2))), "not fitted")


def test_bad_supervised_input_is_reported():
    from eddy.ml import LinearSVC, LogisticRegression, StandardScaler

    X = np.ones((4, 2))
    check(lambda: LogisticRegression().fit(X, np.array([0, 1, 0])), "X has 4 rows but y has 3 values")
    check(lambda: LogisticRegression().fit(X, np.zeros(4)), "at least two classes")
    check(lambda: LogisticRegression(C=-1.0).fit(X, np.array([0, 1, 0, 1])), "invalid parameter c")
    check(lambda: LinearSVC(loss="squared").fit(X, np.array([0, 1, 0, 1])), "loss")
    check(lambda: StandardScaler().transform(X), "not fitted")
    check(lambda: StandardScaler().fit(X).transform(np.ones((2, 3))), "fitted on 2 features but the input has 3")


def test_bad_ml_input_for_als_and_knn():
    from eddy.ml import ALS, KNeighborsClassifier

    check(lambda: ALS().fit(np.array([[0.5, 1.0]]), [3.0]), "integer ids")
    check(lambda: ALS().fit(np.array([0, 1]), [3.0]), "one (user id, item id) row per rating")
    check(lambda: ALS().fit(np.array([[0, 1], [-2, 1]]), [3.0, 1.0]), "users[1] is a negative vertex id (-2)")
    check(lambda: ALS().fit(np.array([[0, 1]]), [3.0, 1.0]), "X has 1 rows but y has 2 values")
    check(lambda: ALS(rank=0).fit(np.array([[0, 1]]), [3.0]), "rank")
    check(lambda: ALS().predict(np.array([[0, 1]])), "not fitted")
    check(lambda: KNeighborsClassifier(n_neighbors=5).fit(np.zeros((3, 2)), [0, 1, 0]), "3 training rows for k = 5")
    knn = KNeighborsClassifier(n_neighbors=1).fit(np.zeros((3, 2)), [0, 1, 0])
    check(lambda: knn.predict(np.zeros((1, 3))), "3")
    check(lambda: knn.predict(np.array([[np.nan, 0.0]])), "NaN")
    check(lambda: eddy.Graph.from_edges(np.array([0, 1], dtype=np.int8), np.array([1, -1], dtype=np.int8)),
          "dst[1] is a negative vertex id (-1)")


def test_bad_parameters_are_reported_by_their_python_names():
    from eddy import _eddy
    from eddy.ml import ALS, LinearRegression, LogisticRegression

    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    check(lambda: LogisticRegression(max_iter=-1).fit(X, y), "max_iter must be a non-negative integer, got -1")
    check(lambda: LogisticRegression(max_iter=2.5).fit(X, y), "max_iter must be a non-negative integer, got 2.5")
    check(lambda: LogisticRegression(solver="newton").fit(X, y), 'solver "newton" is not lbfgs or gd')
    check(lambda: LinearRegression(alpha="big").fit(X, y), "alpha must be a number, got 'big'")
    check(lambda: LinearRegression(solver="qr").fit(X, y), 'solver "qr" is not normal, lbfgs, gd or sgd')
    check(lambda: KMeans(2, random_state=-3).fit(X), "random_state must be a non-negative integer, got -3")
    check(lambda: ALS(rank=1, tol=[0.1]).fit(np.array([[0, 1]]), [3.0]), "tol must be a number")
    check(lambda: LogisticRegression().predict(X), "this LogisticRegression is not fitted yet")
    check(lambda: _eddy.defaults("svd"), 'no defaults for "svd"')
