"""Trainers with scikit-learn's conventions, running in Eddy's engine.

``fit(X, y=None)`` returns the estimator; fitted attributes end with an underscore;
``get_params()`` / ``set_params(**params)`` work as in scikit-learn. ``X`` is any 2-D
array of numbers (float32 or float64, C or Fortran order).

>>> import numpy as np
>>> from eddy.ml import KMeans
>>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.0, 5.1]])
>>> km = KMeans(n_clusters=2, random_state=0).fit(X)
>>> sorted(km.labels_.tolist())
[0, 0, 1, 1]
"""

import json as _json

import numpy as _np

from . import _eddy
from .errors import InvalidArgumentError

__all__ = ["KMeans", "LinearRegression", "LogisticRegression", "LinearSVC", "GaussianNB", "KNeighborsClassifier",
           "ALS", "StandardScaler", "MinMaxScaler"]


def _features(X):
    """A 2-D float64 view (or copy) of ``X``; NaN and inf are rejected by the engine."""
    array = _np.asarray(X)
    if array.ndim != 2:
        raise InvalidArgumentError(f"X must be 2-D (rows × features), got an array of shape {array.shape}")
    if not (_np.issubdtype(array.dtype, _np.floating) or _np.issubdtype(array.dtype, _np.integer)):
        raise InvalidArgumentError(f"X must hold numbers, got dtype {array.dtype}")
    return array.astype(_np.float64, copy=False)


class _Estimator:
    """get_params / set_params over the constructor's keyword arguments."""

    _params = ()

    def get_params(self, deep=True):
        return {name: getattr(self, name) for name in self._params}

    def set_params(self, **params):
        for name, value in params.items():
            if name not in self._params:
                raise InvalidArgumentError(f"{type(self).__name__} has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


class KMeans(_Estimator):
    """k-means clustering (Lloyd), scikit-learn's ``KMeans(algorithm="lloyd")`` semantics.

    Parameters: ``n_clusters``; ``init`` = ``"k-means++"`` (default), ``"k-means||"``,
    ``"random"`` or an array of initial centroids (n_clusters × features); ``max_iter``
    (300); ``tol`` (1e-4, relative to the mean feature variance, as scikit-learn);
    ``n_init`` (1; best of that many seeded initialisations); ``random_state`` (0; an
    integer seed); ``parallelism`` (None = one worker per core).

    Fitted: ``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``.
    """

    _params = ("n_clusters", "init", "max_iter", "tol", "n_init", "random_state", "parallelism")

    def __init__(self, n_clusters=8, *, init="k-means++", max_iter=300, tol=1e-4, n_init=1, random_state=0,
                 parallelism=None):
        self.n_clusters = n_clusters
        self.init = init
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state
        self.parallelism = parallelism

    def fit(self, X, y=None):
        X = _features(X)
        if isinstance(self.init, str):
            init, centroids = self.init, None
        else:
            init, centroids = "given", _features(self.init)
        seed = 0 if self.random_state is None else int(self.random_state)
        if seed < 0:
            raise InvalidArgumentError(f"random_state must be a non-negative integer, got {seed}")
        k = centroids.shape[0] if centroids is not None else self.n_clusters
        centers, inertia, n_iter, labels = _eddy.kmeans_fit(
            X, int(k), init=init, init_centroids=centroids, max_iter=int(self.max_iter), tol=float(self.tol),
            seed=seed, n_init=int(self.n_init), parallelism=self.parallelism)
        self.cluster_centers_, self.inertia_, self.n_iter_, self.labels_ = centers, inertia, n_iter, labels
        return self

    def predict(self, X):
        """The index of the nearest cluster centre of every row."""
        if not hasattr(self, "cluster_centers_"):
            raise InvalidArgumentError("this KMeans is not fitted yet: call fit(X) first")
        return _eddy.kmeans_predict(self.cluster_centers_, _features(X))

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_


def _targets(y, rows):
    array = _np.asarray(y)
    if array.ndim != 1:
        raise InvalidArgumentError(f"y must be 1-D, got an array of shape {array.shape}")
    if len(array) != rows:
        raise InvalidArgumentError(f"X has {rows} rows but y has {len(array)} values")
    if not (_np.issubdtype(array.dtype, _np.floating) or _np.issubdtype(array.dtype, _np.integer)):
        raise InvalidArgumentError(f"y must hold numbers, got dtype {array.dtype}")
    return array.astype(_np.float64, copy=False)


def _array(value):
    """An ndarray from its serde JSON form (``{"v": 1, "dim": [...], "data": [...]}``)."""
    return _np.asarray(value["data"], dtype=_np.float64).reshape(value["dim"])


class _Fitted(_Estimator):
    """An estimator fitted in the engine; the model stays as JSON (``model_json_``)."""

    _kind = ""
    _supervised = True

    def fit(self, X, y=None):
        X = _features(X)
        if self._supervised:
            if y is None:
                raise InvalidArgumentError(f"{type(self).__name__}.fit needs y")
            y = _targets(y, X.shape[0])
        else:
            y = None
        self.model_json_ = _eddy.fit(self._kind, self.get_params(), X, y)
        self._set_attributes(_json.loads(self.model_json_))
        self.n_features_in_ = X.shape[1]
        return self

    def _model(self):
        if not hasattr(self, "model_json_"):
            raise InvalidArgumentError(f"this {type(self).__name__} is not fitted yet: call fit first")
        return self.model_json_

    def predict(self, X):
        return _eddy.predict(self._kind, self._model(), _features(X))


class LinearRegression(_Fitted):
    """Least squares with an optional ridge penalty ``alpha`` (scikit-learn ``Ridge``'s
    objective; intercept unpenalised). ``solver``: ``"normal"`` (default), ``"lbfgs"``,
    ``"gd"``, ``"sgd"``. Fitted: ``coef_``, ``intercept_``, ``n_iter_``."""

    _kind = "linear_regression"
    _params = ("alpha", "solver", "fit_intercept", "max_iter", "tol", "learning_rate", "batch_size",
               "random_state", "parallelism")

    def __init__(self, *, alpha=0.0, solver="normal", fit_intercept=True, max_iter=1000, tol=1e-10,
                 learning_rate=None, batch_size=32, random_state=0, parallelism=None):
        self.alpha, self.solver, self.fit_intercept, self.max_iter, self.tol = alpha, solver, fit_intercept, max_iter, tol
        self.learning_rate, self.batch_size, self.random_state, self.parallelism = (learning_rate, batch_size,
                                                                                   random_state, parallelism)

    def _set_attributes(self, m):
        self.coef_, self.intercept_, self.n_iter_ = _array(m["coef"]), m["intercept"], m["iterations"]


class _LinearClassifier(_Fitted):
    def _set_attributes(self, m):
        self.classes_ = _np.asarray(m["classes"])
        self.coef_, self.intercept_ = _array(m["coef"]), _array(m["intercept"])
        self.n_iter_ = m["iterations"]


class LogisticRegression(_LinearClassifier):
    """Binary or multinomial logistic regression with scikit-learn's ``C`` (L2, intercept
    unpenalised); ``solver`` ``"lbfgs"`` (default) or ``"gd"``. Fitted: ``classes_``,
    ``coef_``, ``intercept_``, ``n_iter_``."""

    _kind = "logistic_regression"
    _params = ("C", "solver", "max_iter", "tol", "learning_rate", "parallelism")

    def __init__(self, *, C=1.0, solver="lbfgs", max_iter=1000, tol=1e-8, learning_rate=None, parallelism=None):
        self.C, self.solver, self.max_iter, self.tol = C, solver, max_iter, tol
        self.learning_rate, self.parallelism = learning_rate, parallelism

    def predict_proba(self, X):
        return _eddy.predict_proba(self._kind, self._model(), _features(X))


class LinearSVC(_LinearClassifier):
    """Linear SVM, one-vs-rest: ``loss="squared_hinge"`` (default, L-BFGS) or ``"hinge"``
    (mini-batch SGD). Fitted: ``classes_``, ``coef_``, ``intercept_``, ``n_iter_``."""

    _kind = "linear_svc"
    _params = ("C", "loss", "max_iter", "tol", "learning_rate", "batch_size", "random_state", "parallelism")

    def __init__(self, *, C=1.0, loss="squared_hinge", max_iter=1000, tol=1e-8, learning_rate=None, batch_size=32,
                 random_state=0, parallelism=None):
        self.C, self.loss, self.max_iter, self.tol = C, loss, max_iter, tol
        self.learning_rate, self.batch_size, self.random_state, self.parallelism = (learning_rate, batch_size,
                                                                                   random_state, parallelism)


class GaussianNB(_Fitted):
    """Gaussian naive Bayes (scikit-learn's ``var_smoothing``). Fitted: ``classes_``,
    ``class_prior_``, ``theta_``, ``var_``, ``epsilon_``."""

    _kind = "gaussian_nb"
    _params = ("var_smoothing", "parallelism")

    def __init__(self, *, var_smoothing=1e-9, parallelism=None):
        self.var_smoothing, self.parallelism = var_smoothing, parallelism

    def _set_attributes(self, m):
        self.classes_ = _array(m["classes"])
        self.class_prior_, self.theta_, self.var_ = _array(m["class_prior"]), _array(m["theta"]), _array(m["var"])
        self.epsilon_ = m["epsilon"]

    def predict_proba(self, X):
        return _eddy.predict_proba(self._kind, self._model(), _features(X))


class _Scaler(_Fitted):
    _supervised = False

    def transform(self, X):
        return _eddy.transform(self._kind, self._model(), _features(X))

    def inverse_transform(self, X):
        return _eddy.transform(self._kind, self._model(), _features(X), inverse=True)

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    def predict(self, X):
        raise InvalidArgumentError(f"{type(self).__name__} transforms, it does not predict")


class StandardScaler(_Scaler):
    """Centres and scales every column (population standard deviation; constant columns
    get scale 1). Fitted: ``mean_``, ``var_``, ``scale_``."""

    _kind = "standard_scaler"
    _params = ("with_mean", "with_std", "parallelism")

    def __init__(self, *, with_mean=True, with_std=True, parallelism=None):
        self.with_mean, self.with_std, self.parallelism = with_mean, with_std, parallelism

    def _set_attributes(self, m):
        self.mean_, self.var_, self.scale_ = _array(m["mean"]), _array(m["var"]), _array(m["scale"])


class MinMaxScaler(_Scaler):
    """Maps every column linearly onto ``feature_range``. Fitted: ``data_min_``,
    ``data_max_``, ``scale_``, ``min_``."""

    _kind = "minmax_scaler"
    _params = ("feature_range", "parallelism")

    def __init__(self, *, feature_range=(0.0, 1.0), parallelism=None):
        self.feature_range, self.parallelism = feature_range, parallelism

    def _set_attributes(self, m):
        self.data_min_, self.data_max_ = _array(m["data_min"]), _array(m["data_max"])
        self.scale_, self.min_ = _array(m["scale"]), _array(m["min"])


class KNeighborsClassifier(_Estimator):
    """k-nearest-neighbours classification (scikit-learn's ``KNeighborsClassifier`` with
    uniform weights, Euclidean distance, brute force): the training rows are searched by
    every worker in parallel. Ties: the smaller training row is nearer; a vote tie goes
    to the smallest label. Fitted: ``classes_``, ``n_features_in_``.

    >>> import numpy as np
    >>> knn = KNeighborsClassifier(n_neighbors=3).fit(np.array([[0.0], [1.0], [3.0], [4.0]]), [0, 0, 1, 1])
    >>> knn.predict(np.array([[0.2], [3.9]])).tolist()
    [0.0, 1.0]
    """

    _params = ("n_neighbors", "parallelism")

    def __init__(self, n_neighbors=5, *, parallelism=None):
        self.n_neighbors, self.parallelism = n_neighbors, parallelism

    def fit(self, X, y):
        X = _features(X)
        self._fitted = _eddy.knn_fit(X, _targets(y, X.shape[0]), int(self.n_neighbors),
                                     parallelism=self.parallelism)
        self.classes_, self.n_features_in_ = self._fitted.classes, X.shape[1]
        return self

    def _model(self):
        if not hasattr(self, "_fitted"):
            raise InvalidArgumentError("this KNeighborsClassifier is not fitted yet: call fit first")
        return self._fitted

    def predict(self, X):
        return self._model().predict(_features(X))

    def predict_proba(self, X):
        return self._model().predict_proba(_features(X))

    def kneighbors(self, X):
        """``(distances, indices)`` of the ``n_neighbors`` nearest training rows, nearest
        first."""
        return self._model().kneighbors(_features(X))


class ALS(_Estimator):
    """Matrix factorisation by alternating least squares (explicit ratings, ALS-WR: λ
    times each user's or item's number of ratings, as Spark MLlib).

    ``fit(X, y)``: ``X`` has one row ``(user id, item id)`` per rating (non-negative
    integers), ``y`` the ratings. ``predict(X)``: the predicted rating of each ``(user,
    item)`` row, NaN for users or items not seen in training. Parameters: ``rank`` (10),
    ``regularization`` (0.1), ``max_iter`` (10), ``tol`` (0: run every iteration; else
    stop when the training RMSE improves by less), ``random_state`` (0), ``parallelism``.
    Fitted: ``user_ids_`` / ``user_factors_``, ``item_ids_`` / ``item_factors_``,
    ``rmse_history_``, ``n_iter_``, ``converged_``.

    >>> import numpy as np
    >>> a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 1.0])
    >>> X = np.array([(u, i) for u in range(3) for i in range(3)])
    >>> als = ALS(rank=1, regularization=0.0, max_iter=1).fit(X, a[X[:, 0]] * b[X[:, 1]])
    >>> round(float(als.predict(np.array([[2, 1]]))[0]), 9)
    6.0
    """

    _params = ("rank", "regularization", "max_iter", "tol", "random_state", "parallelism")

    def __init__(self, rank=10, *, regularization=0.1, max_iter=10, tol=0.0, random_state=0, parallelism=None):
        self.rank, self.regularization, self.max_iter, self.tol = rank, regularization, max_iter, tol
        self.random_state, self.parallelism = random_state, parallelism

    @staticmethod
    def _pairs(X):
        array = _np.asarray(X)
        if array.ndim != 2 or array.shape[1] != 2:
            raise InvalidArgumentError(f"X must have one (user id, item id) row per rating, got shape {array.shape}")
        if array.size and not _np.issubdtype(array.dtype, _np.integer):
            raise InvalidArgumentError(f"X must hold integer ids, got dtype {array.dtype}")
        return array[:, 0], array[:, 1]

    def fit(self, X, y):
        users, items = self._pairs(X)
        ratings = _targets(y, len(users))
        m = _eddy.als_fit(users, items, ratings, rank=int(self.rank), regularization=float(self.regularization),
                          max_iter=int(self.max_iter), tol=float(self.tol), seed=int(self.random_state),
                          parallelism=self.parallelism)
        self._fitted = m
        self.user_ids_, self.user_factors_ = m.users, m.user_factors
        self.item_ids_, self.item_factors_ = m.items, m.item_factors
        self.rmse_history_, self.n_iter_, self.converged_ = _np.asarray(m.rmse_history), m.iterations, m.converged
        return self

    def predict(self, X):
        if not hasattr(self, "_fitted"):
            raise InvalidArgumentError("this ALS is not fitted yet: call fit first")
        users, items = self._pairs(X)
        return self._fitted.predict(users, items)
