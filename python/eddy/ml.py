"""Trainers with scikit-learn's conventions, running in Eddy's engine.

``fit(X, y=None)`` returns the estimator; fitted attributes end with an underscore;
``get_params()`` / ``set_params(**params)`` work as in scikit-learn. ``X`` is any 2-D
array of numbers (float32 or float64, C or Fortran order). The parameter defaults are
the Rust estimators' (``eddy._eddy.defaults(name)``). A fitted estimator keeps the fitted
Rust model (an ``eddy._eddy`` class: ``KMeansModel``, ``LogisticModel``, …) and predicts
with it; fitted estimators pickle.

>>> import numpy as np
>>> from eddy.ml import KMeans
>>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.0, 5.1]])
>>> km = KMeans(n_clusters=2, random_state=0).fit(X)
>>> sorted(km.labels_.tolist())
[0, 0, 1, 1]
"""

import numbers as _numbers
import operator as _operator

import numpy as _np

from . import _eddy
from .errors import InvalidArgumentError

__all__ = ["KMeans", "LinearRegression", "LogisticRegression", "LinearSVC", "GaussianNB", "KNeighborsClassifier",
           "ALS", "StandardScaler", "MinMaxScaler"]

# The parameter defaults are the Rust estimators' (their `Default`, in serde form, keyed by
# the Rust field names): the signatures below map scikit-learn's names onto them (C ↔ c,
# max_iter ↔ max_iterations, tol ↔ tolerance, random_state ↔ seed, n_clusters ↔ k,
# n_neighbors ↔ k) and repeat no value.
_KMEANS = _eddy.defaults("kmeans")
_LINEAR = _eddy.defaults("linear_regression")
_LOGISTIC = _eddy.defaults("logistic_regression")
_SVC = _eddy.defaults("linear_svc")
_NB = _eddy.defaults("gaussian_nb")
_KNN = _eddy.defaults("knn")
_ALS = _eddy.defaults("als")

# The strings the classes take for the Rust enums' variants (their serde names).
_SOLVERS = {"NormalEquations": "normal", "Lbfgs": "lbfgs", "GradientDescent": "gd", "Sgd": "sgd"}
_LOSSES = {"SquaredHinge": "squared_hinge", "Hinge": "hinge"}


def _variant(value, names):
    """The string for the Rust enum variant ``value`` in serde form: a unit variant is its
    name, a variant with fields ``{name: fields}``."""
    return names[value if isinstance(value, str) else next(iter(value))]


def _features(X):
    """A 2-D float64 view (or copy) of ``X``; NaN and inf are rejected by the engine."""
    array = _np.asarray(X)
    if array.ndim != 2:
        raise InvalidArgumentError(f"X must be 2-D (rows × features), got an array of shape {array.shape}")
    if not (_np.issubdtype(array.dtype, _np.floating) or _np.issubdtype(array.dtype, _np.integer)):
        raise InvalidArgumentError(f"X must hold numbers, got dtype {array.dtype}")
    return array.astype(_np.float64, copy=False)


def _count(name, value):
    """A non-negative integer parameter; None stays None (the engine's default)."""
    if value is None:
        return None
    try:
        count = _operator.index(value)
    except TypeError:
        raise InvalidArgumentError(f"{name} must be a non-negative integer, got {value!r}") from None
    if count < 0:
        raise InvalidArgumentError(f"{name} must be a non-negative integer, got {count}")
    return count


def _real(name, value):
    """A real-valued parameter; None stays None (the engine's default)."""
    if value is None:
        return None
    if not isinstance(value, _numbers.Real):
        raise InvalidArgumentError(f"{name} must be a number, got {value!r}")
    return float(value)


def _targets(y, rows):
    array = _np.asarray(y)
    if array.ndim != 1:
        raise InvalidArgumentError(f"y must be 1-D, got an array of shape {array.shape}")
    if len(array) != rows:
        raise InvalidArgumentError(f"X has {rows} rows but y has {len(array)} values")
    if not (_np.issubdtype(array.dtype, _np.floating) or _np.issubdtype(array.dtype, _np.integer)):
        raise InvalidArgumentError(f"y must hold numbers, got dtype {array.dtype}")
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


class _Fitted(_Estimator):
    """An estimator trained in the engine. ``fit`` keeps the fitted Rust model (an
    ``eddy._eddy`` model class) in ``_model`` and copies its fitted attributes; predicting
    calls the model. Fitted estimators pickle (the model through its serde JSON)."""

    _supervised = True

    def fit(self, X, y=None):
        X = _features(X)
        if self._supervised:
            if y is None:
                raise InvalidArgumentError(f"{type(self).__name__}.fit needs y")
            y = _targets(y, X.shape[0])
        model = self._fit(X, y)
        self._model = model
        self._set_attributes(model)
        self.n_features_in_ = X.shape[1]
        return self

    def _fitted(self):
        """The fitted Rust model."""
        model = self.__dict__.get("_model")
        if model is None:
            raise InvalidArgumentError(f"this {type(self).__name__} is not fitted yet: call fit first")
        return model

    def predict(self, X):
        return self._fitted().predict(_features(X))


class KMeans(_Fitted):
    """k-means clustering (Lloyd), scikit-learn's ``KMeans(algorithm="lloyd")`` semantics.

    Parameters (defaults: the Rust ``KMeans``'s): ``n_clusters``; ``init`` =
    ``"k-means++"``, ``"k-means||"``, ``"random"`` or an array of initial centroids
    (n_clusters × features); ``max_iter``; ``tol`` (relative to the mean feature variance,
    as scikit-learn); ``n_init`` (best of that many seeded initialisations);
    ``random_state`` (an integer seed); ``parallelism`` (None = one worker per core).

    Fitted: ``cluster_centers_``, ``labels_``, ``inertia_``, ``n_iter_``,
    ``n_features_in_``. ``predict`` gives the nearest centre, ``transform`` the distances to
    every centre.
    """

    _params = ("n_clusters", "init", "max_iter", "tol", "n_init", "random_state", "parallelism")

    def __init__(self, n_clusters=_KMEANS["k"], *, init=_KMEANS["init"], max_iter=_KMEANS["max_iterations"],
                 tol=_KMEANS["tolerance"], n_init=_KMEANS["n_init"], random_state=_KMEANS["seed"],
                 parallelism=_KMEANS["parallelism"]):
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
            init, centroids, k = self.init, None, _count("n_clusters", self.n_clusters)
        else:
            centroids = _features(self.init)
            init, k = None, centroids.shape[0]
        model, labels = _eddy.kmeans_fit(
            X, k=k, init=init, init_centroids=centroids, max_iterations=_count("max_iter", self.max_iter),
            tolerance=_real("tol", self.tol), seed=_count("random_state", self.random_state),
            n_init=_count("n_init", self.n_init), parallelism=_count("parallelism", self.parallelism))
        self._model = model
        self.cluster_centers_, self.inertia_, self.n_iter_ = model.centroids, model.inertia, model.iterations
        self.labels_, self.n_features_in_ = labels, X.shape[1]
        return self

    def predict(self, X):
        """The index of the nearest cluster centre of every row (``int64``)."""
        return self._fitted().predict(_features(X))

    def transform(self, X):
        """The Euclidean distance of every row to every cluster centre (rows × n_clusters)."""
        return self._fitted().transform(_features(X))

    def fit_predict(self, X, y=None):
        return self.fit(X).labels_

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)


class LinearRegression(_Fitted):
    """Least squares with an optional ridge penalty ``alpha`` (scikit-learn ``Ridge``'s
    objective; intercept unpenalised). ``solver``: ``"normal"`` (normal equations),
    ``"lbfgs"``, ``"gd"`` or ``"sgd"``; ``learning_rate`` (None: 1 for gd, 0.01 for sgd)
    and ``batch_size`` (None: 32) apply to gd / sgd. Defaults: the Rust
    ``LinearRegression``'s. Fitted: ``coef_``, ``intercept_``, ``n_iter_``."""

    _params = ("alpha", "solver", "fit_intercept", "max_iter", "tol", "learning_rate", "batch_size",
               "random_state", "parallelism")

    def __init__(self, *, alpha=_LINEAR["alpha"], solver=_variant(_LINEAR["solver"], _SOLVERS),
                 fit_intercept=_LINEAR["fit_intercept"], max_iter=_LINEAR["max_iterations"], tol=_LINEAR["tolerance"],
                 learning_rate=None, batch_size=None, random_state=_LINEAR["seed"],
                 parallelism=_LINEAR["parallelism"]):
        self.alpha, self.solver, self.fit_intercept, self.max_iter, self.tol = alpha, solver, fit_intercept, max_iter, tol
        self.learning_rate, self.batch_size, self.random_state, self.parallelism = (learning_rate, batch_size,
                                                                                   random_state, parallelism)

    def _fit(self, X, y):
        return _eddy.linear_regression_fit(
            X, y, alpha=_real("alpha", self.alpha), solver=self.solver,
            learning_rate=_real("learning_rate", self.learning_rate), batch_size=_count("batch_size", self.batch_size),
            fit_intercept=self.fit_intercept, max_iterations=_count("max_iter", self.max_iter),
            tolerance=_real("tol", self.tol), seed=_count("random_state", self.random_state),
            parallelism=_count("parallelism", self.parallelism))

    def _set_attributes(self, m):
        self.coef_, self.intercept_, self.n_iter_ = m.coef, m.intercept, m.iterations


class _LinearClassifier(_Fitted):
    def _set_attributes(self, m):
        self.classes_, self.coef_, self.intercept_, self.n_iter_ = m.classes, m.coef, m.intercept, m.iterations


class LogisticRegression(_LinearClassifier):
    """Binary or multinomial logistic regression with scikit-learn's ``C`` (L2, intercept
    unpenalised); ``solver`` ``"lbfgs"`` or ``"gd"`` (first step ``learning_rate``, None:
    1). Defaults: the Rust ``LogisticRegression``'s. Fitted: ``classes_``, ``coef_``,
    ``intercept_``, ``n_iter_``."""

    _params = ("C", "solver", "max_iter", "tol", "learning_rate", "parallelism")

    def __init__(self, *, C=_LOGISTIC["c"], solver=_variant(_LOGISTIC["solver"], _SOLVERS),
                 max_iter=_LOGISTIC["max_iterations"], tol=_LOGISTIC["tolerance"], learning_rate=None,
                 parallelism=_LOGISTIC["parallelism"]):
        self.C, self.solver, self.max_iter, self.tol = C, solver, max_iter, tol
        self.learning_rate, self.parallelism = learning_rate, parallelism

    def _fit(self, X, y):
        return _eddy.logistic_regression_fit(
            X, y, c=_real("C", self.C), solver=self.solver, learning_rate=_real("learning_rate", self.learning_rate),
            max_iterations=_count("max_iter", self.max_iter), tolerance=_real("tol", self.tol),
            parallelism=_count("parallelism", self.parallelism))

    def predict_proba(self, X):
        """The probability of every class (columns in ``classes_`` order)."""
        return self._fitted().predict_proba(_features(X))


class LinearSVC(_LinearClassifier):
    """Linear SVM, one-vs-rest: ``loss="squared_hinge"`` (L-BFGS) or ``"hinge"``
    (mini-batch SGD; ``learning_rate`` None: 0.1, ``batch_size`` None: 32). Defaults: the
    Rust ``LinearSvc``'s. Fitted: ``classes_``, ``coef_``, ``intercept_``, ``n_iter_``."""

    _params = ("C", "loss", "max_iter", "tol", "learning_rate", "batch_size", "random_state", "parallelism")

    def __init__(self, *, C=_SVC["c"], loss=_variant(_SVC["loss"], _LOSSES), max_iter=_SVC["max_iterations"],
                 tol=_SVC["tolerance"], learning_rate=None, batch_size=None, random_state=_SVC["seed"],
                 parallelism=_SVC["parallelism"]):
        self.C, self.loss, self.max_iter, self.tol = C, loss, max_iter, tol
        self.learning_rate, self.batch_size, self.random_state, self.parallelism = (learning_rate, batch_size,
                                                                                   random_state, parallelism)

    def _fit(self, X, y):
        return _eddy.linear_svc_fit(
            X, y, c=_real("C", self.C), loss=self.loss, learning_rate=_real("learning_rate", self.learning_rate),
            batch_size=_count("batch_size", self.batch_size), max_iterations=_count("max_iter", self.max_iter),
            tolerance=_real("tol", self.tol), seed=_count("random_state", self.random_state),
            parallelism=_count("parallelism", self.parallelism))

    def decision_function(self, X):
        """``X · coef_ᵀ + intercept_`` (one column with two classes: positive means
        ``classes_[1]``)."""
        return self._fitted().decision_function(_features(X))


class GaussianNB(_Fitted):
    """Gaussian naive Bayes (scikit-learn's ``var_smoothing``; default the Rust
    ``GaussianNB``'s). Fitted: ``classes_``, ``class_count_``, ``class_prior_``,
    ``theta_``, ``var_``, ``epsilon_``."""

    _params = ("var_smoothing", "parallelism")

    def __init__(self, *, var_smoothing=_NB["var_smoothing"], parallelism=_NB["parallelism"]):
        self.var_smoothing, self.parallelism = var_smoothing, parallelism

    def _fit(self, X, y):
        return _eddy.gaussian_nb_fit(X, y, var_smoothing=_real("var_smoothing", self.var_smoothing),
                                     parallelism=_count("parallelism", self.parallelism))

    def _set_attributes(self, m):
        self.classes_, self.class_count_, self.class_prior_ = m.classes, m.class_count, m.class_prior
        self.theta_, self.var_, self.epsilon_ = m.theta, m.var, m.epsilon

    def predict_proba(self, X):
        """The probability of every class (columns in ``classes_`` order)."""
        return self._fitted().predict_proba(_features(X))

    def predict_log_proba(self, X):
        """The log of ``predict_proba``, without underflow."""
        return self._fitted().predict_log_proba(_features(X))


class _Scaler(_Fitted):
    _supervised = False

    def transform(self, X):
        return self._fitted().transform(_features(X))

    def inverse_transform(self, X):
        return self._fitted().inverse_transform(_features(X))

    def fit_transform(self, X, y=None):
        return self.fit(X).transform(X)

    def predict(self, X):
        raise InvalidArgumentError(f"{type(self).__name__} transforms, it does not predict")


class StandardScaler(_Scaler):
    """Centres and scales every column (population standard deviation; constant columns
    get scale 1). Fitted: ``mean_``, ``var_``, ``scale_``, ``n_samples_seen_``."""

    _params = ("with_mean", "with_std", "parallelism")

    def __init__(self, *, with_mean=True, with_std=True, parallelism=None):
        self.with_mean, self.with_std, self.parallelism = with_mean, with_std, parallelism

    def _fit(self, X, y):
        return _eddy.standard_scaler_fit(X, with_mean=self.with_mean, with_std=self.with_std,
                                         parallelism=_count("parallelism", self.parallelism))

    def _set_attributes(self, m):
        self.mean_, self.var_, self.scale_, self.n_samples_seen_ = m.mean, m.var, m.scale, m.n_samples_seen


class MinMaxScaler(_Scaler):
    """Maps every column linearly onto ``feature_range``. Fitted: ``data_min_``,
    ``data_max_``, ``data_range_``, ``scale_``, ``min_``, ``n_samples_seen_``."""

    _params = ("feature_range", "parallelism")

    def __init__(self, *, feature_range=(0.0, 1.0), parallelism=None):
        self.feature_range, self.parallelism = feature_range, parallelism

    def _fit(self, X, y):
        low, high = self.feature_range
        return _eddy.minmax_scaler_fit(X, feature_range=(_real("feature_range", low), _real("feature_range", high)),
                                       parallelism=_count("parallelism", self.parallelism))

    def _set_attributes(self, m):
        self.data_min_, self.data_max_, self.data_range_ = m.data_min, m.data_max, m.data_range
        self.scale_, self.min_, self.n_samples_seen_ = m.scale, m.min, m.n_samples_seen


class KNeighborsClassifier(_Fitted):
    """k-nearest-neighbours classification (scikit-learn's ``KNeighborsClassifier`` with
    uniform weights, Euclidean distance, brute force): the training rows are searched by
    every worker in parallel. Ties: the smaller training row is nearer; a vote tie goes
    to the smallest label. ``n_neighbors`` defaults to the Rust ``KNeighborsClassifier``'s.
    Fitted: ``classes_``, ``n_features_in_``.

    >>> import numpy as np
    >>> knn = KNeighborsClassifier(n_neighbors=3).fit(np.array([[0.0], [1.0], [3.0], [4.0]]), [0, 0, 1, 1])
    >>> knn.predict(np.array([[0.2], [3.9]])).tolist()
    [0.0, 1.0]
    """

    _params = ("n_neighbors", "parallelism")

    def __init__(self, n_neighbors=_KNN["k"], *, parallelism=_KNN["parallelism"]):
        self.n_neighbors, self.parallelism = n_neighbors, parallelism

    def _fit(self, X, y):
        return _eddy.knn_fit(X, y, k=_count("n_neighbors", self.n_neighbors),
                             parallelism=_count("parallelism", self.parallelism))

    def _set_attributes(self, m):
        self.classes_ = m.classes

    def predict_proba(self, X):
        """The fraction of the ``n_neighbors`` neighbours in each class (columns in
        ``classes_`` order)."""
        return self._fitted().predict_proba(_features(X))

    def kneighbors(self, X):
        """``(distances, indices)`` of the ``n_neighbors`` nearest training rows, nearest
        first."""
        return self._fitted().kneighbors(_features(X))


class ALS(_Fitted):
    """Matrix factorisation by alternating least squares (explicit ratings, ALS-WR: λ
    times each user's or item's number of ratings, as Spark MLlib).

    ``fit(X, y)``: ``X`` has one row ``(user id, item id)`` per rating (non-negative
    integers), ``y`` the ratings. ``predict(X)``: the predicted rating of each ``(user,
    item)`` row, NaN for users or items not seen in training. Parameters (defaults: the
    Rust ``Als``'s): ``rank``, ``regularization``, ``max_iter``, ``tol`` (0: run every
    iteration; else stop when the training RMSE improves by less), ``random_state``,
    ``parallelism``. Fitted: ``user_ids_`` / ``user_factors_``, ``item_ids_`` /
    ``item_factors_``, ``rmse_history_``, ``n_iter_``, ``converged_``.

    >>> import numpy as np
    >>> a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 1.0])
    >>> X = np.array([(u, i) for u in range(3) for i in range(3)])
    >>> als = ALS(rank=1, regularization=0.0, max_iter=1).fit(X, a[X[:, 0]] * b[X[:, 1]])
    >>> round(float(als.predict(np.array([[2, 1]]))[0]), 9)
    6.0
    """

    _params = ("rank", "regularization", "max_iter", "tol", "random_state", "parallelism")

    def __init__(self, rank=_ALS["rank"], *, regularization=_ALS["regularization"], max_iter=_ALS["max_iterations"],
                 tol=_ALS["tolerance"], random_state=_ALS["seed"], parallelism=_ALS["parallelism"]):
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
        m = _eddy.als_fit(users, items, ratings, rank=_count("rank", self.rank),
                          regularization=_real("regularization", self.regularization),
                          max_iterations=_count("max_iter", self.max_iter), tolerance=_real("tol", self.tol),
                          seed=_count("random_state", self.random_state),
                          parallelism=_count("parallelism", self.parallelism))
        self._model = m
        self.user_ids_, self.user_factors_ = m.users, m.user_factors
        self.item_ids_, self.item_factors_ = m.items, m.item_factors
        self.rmse_history_, self.n_iter_, self.converged_ = _np.asarray(m.rmse_history), m.iterations, m.converged
        return self

    def predict(self, X):
        model = self._fitted()
        users, items = self._pairs(X)
        return model.predict(users, items)
