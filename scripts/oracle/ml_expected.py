#!/usr/bin/env python3
"""Independent oracle for Eddy's ML library, built on scikit-learn.

Writes small data sets and the results scikit-learn computes on them into
tests/data/ml/, where Rust tests read both and compare.

Run from anywhere (the output path is found from this file's location), with a
Python that has scikit-learn (e.g. the peers environment: /work/shared/peers/setup.sh
prints its path, usually /root/.cache/eddy-peers/bin/python):

    python scripts/oracle/ml_expected.py           # regenerate tests/data/ml/
    python scripts/oracle/ml_expected.py --check   # regenerate into a temporary directory
                                                   # and fail (exit 1) if anything differs

Written against scikit-learn 1.9.1, numpy 2.4.6, scipy 1.17.1 (Python 3.11). The
versions used are recorded at the top of expected.json. Everything is
deterministic: data come from sklearn's bundled data sets (no download) and
seeded generators, every estimator runs with one thread (threadpoolctl), and
every result is computed from the data as parsed back from the written files,
so the Rust side sees exactly the numbers sklearn saw.

--check regenerates everything into a temporary directory and compares: CSV files
and README.md byte for byte, .csv.gz files by their decompressed bytes (the
gzip container is written with mtime 0 and no file name, but its compressed
bytes could still change with the zlib version), expected.json value by value
(same keys, same list lengths, strings/ints/bools equal, floats within a
relative tolerance of 1e-12). Library version strings that differ are only
reported, not failures.

Files (see also tests/data/ml/README.md, written by this script):

  iris.csv              150 x 4,   label 0/1/2           (sklearn load_iris)
  wine.csv              178 x 13,  label 0/1/2           (sklearn load_wine)
  breast_cancer.csv.gz  569 x 30,  label 0/1 (0 = malignant, 1 = benign), gzip
  digits.csv.gz         1797 x 64, label 0..9, pixels written as integers 0..16, gzip
  blobs.csv.gz          3000 x 5,  label 0..5 = make_blobs' true centre, gzip:
                        make_blobs(n_samples=3000, n_features=5, centers=6,
                                   cluster_std=1.5, random_state=3)
                        (gzip because 17-digit random floats take 290 KB as
                        plain text, 140 KB compressed)
  expected.json         the expected results
  README.md             format description

CSV format: a header line "f0,f1,...,f{d-1},label", then one row per sample,
comma separated, "\\n" line ends, final newline. Feature values are Python
repr() of the float64 (shortest string that round-trips, e.g. "5.1", "1065.0",
"-3.0163997338434487"; digits pixels are integers "0".."16"); labels are
integers. X is always every column except "label".

Conventions that matter for a reimplementation (all are checked here against
sklearn, see verify_* below):

  * k-means (KMeans(..., init=<array>, n_init=1, algorithm="lloyd")): iteration
    i (0-based) assigns every point to its nearest centre (ties -> lowest
    index), then recomputes each centre as the mean of its points. A cluster
    with no points is relocated before the means are taken: the empty clusters,
    in increasing index order, take the points with the largest squared
    distance to their (old) assigned centre, farthest first; such a point is
    removed from its old cluster's sum and becomes the new centre on its own
    (its label is not changed in this iteration). Stop after iteration i when
    the labels equal those of iteration i-1 ("strict" convergence), else when
    sum over centres of ||new - old||^2 <= tol_abs, where
    tol_abs = tol * mean(var(X, axis=0)) (population variance; tol = 0 gives
    tol_abs = 0, so only strict convergence or max_iter stops it). n_iter = i+1.
    If the stop was not strict, labels are recomputed once from the final
    centres. inertia = sum of squared distances of points to their labelled
    final centre. sklearn internally subtracts the column means from X and init
    (and adds them back to the centres), so its centres/inertia can differ
    from a direct computation in the last bits: compare with a tolerance
    (1e-9 relative is ample); labels and n_iter are exact.
  * Logistic regression: lbfgs, L2 penalty; minimises
    C * sum_i loss_i + 0.5 * ||W||_F^2 with the intercept unpenalised (binary:
    log-loss with one weight vector; multiclass: softmax cross-entropy with one
    weight vector per class, "multinomial"). sklearn stops at its default
    tol=1e-4, so coef/intercept are only close to the optimum; *_tight are the
    optimum itself (solver="newton-cholesky", tol=1e-14; the script checks the
    objective's gradient there is < 1e-10) and coef_max_abs_diff_vs_tight says
    how far lbfgs stopped from it. The multinomial intercept is unpenalised and
    softmax is invariant to adding a constant to all intercepts, so only
    intercept - mean(intercept) is determined; the optimal coef columns sum to 0
    over the classes.
  * StandardScaler: population std (ddof 0); a (near-)constant feature gets
    scale 1 (listed in "constant_features").
  * Ridge(alpha): minimises ||y - Xw - b||^2 + alpha * ||w||^2, b unpenalised
    (equivalently: centre X and y, solve (Xc'Xc + alpha I) w = Xc'yc,
    b = mean(y) - mean(X) w).
  * GaussianNB: theta = per-class mean, var = per-class population variance +
    epsilon, epsilon = var_smoothing (1e-9) * max(var(X, axis=0)) over all
    rows; class_prior = class frequency; predict = argmax of
    log prior - 0.5 * sum(log(2 pi var)) - 0.5 * sum((x - theta)^2 / var).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import itertools
import json
import math
import os
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import scipy
import sklearn
from sklearn import datasets
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.svm import LinearSVC
from sklearn.metrics import (
    accuracy_score,
    adjusted_rand_score,
    f1_score,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler, PolynomialFeatures, StandardScaler
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "data" / "ml"
RTOL = 1e-12

# --------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------

DATASETS = {
    # file name: (description, builder returning (X, y), integer features?)
    "iris.csv": ("sklearn load_iris: 150 x 4, label 0/1/2",
                 lambda: (datasets.load_iris().data, datasets.load_iris().target), False),
    "wine.csv": ("sklearn load_wine: 178 x 13, label 0/1/2",
                 lambda: (datasets.load_wine().data, datasets.load_wine().target), False),
    "breast_cancer.csv.gz": ("sklearn load_breast_cancer: 569 x 30, label 0 = malignant / 1 = benign",
                             lambda: (datasets.load_breast_cancer().data, datasets.load_breast_cancer().target),
                             False),
    "digits.csv.gz": ("sklearn load_digits: 1797 x 64 pixels (integers 0..16), label 0..9",
                      lambda: (datasets.load_digits().data, datasets.load_digits().target), True),
    "blobs.csv.gz": ("make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=1.5, random_state=3): "
                  "3000 x 5, label = true centre 0..5",
                  lambda: datasets.make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=1.5,
                                              random_state=3),
                  False),
}


def csv_bytes(X, y, integer_features):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    assert np.isfinite(X).all()
    assert np.array_equal(y, y.astype(np.int64)), "labels must be integers"
    lines = [",".join([f"f{j}" for j in range(X.shape[1])] + ["label"])]
    for row, label in zip(X, y):
        if integer_features:
            assert np.array_equal(row, np.round(row))
            cells = [str(int(v)) for v in row]
        else:
            cells = [repr(float(v)) for v in row]
        lines.append(",".join(cells + [str(int(label))]))
    return ("\n".join(lines) + "\n").encode("ascii")


def write_bytes(path, data):
    if path.name.endswith(".gz"):
        with open(path, "wb") as raw:
            # Reproducible container: no file name, mtime 0.
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
                gz.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def read_plain(path):
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def read_dataset(path):
    """Parse a written CSV back: (X float64, y int64, feature names)."""
    text = read_plain(path).decode("ascii")
    assert text.endswith("\n") and "\r" not in text, path
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[-1] == "label" and header[:-1] == [f"f{j}" for j in range(len(header) - 1)], header
    X = np.array([[float(v) for v in r[:-1]] for r in rows[1:]], dtype=np.float64)
    y = np.array([int(r[-1]) for r in rows[1:]], dtype=np.int64)
    for r, xr in zip(rows[1:], X):  # every cell round-trips
        assert all(repr(float(v)) == c or str(int(v)) == c for v, c in zip(xr, r[:-1])), r
    return X, y, header[:-1]


# --------------------------------------------------------------------------
# k-means
# --------------------------------------------------------------------------


NEAR_TIE = 1e-9  # absolute gap in squared distance below which an assignment is a near tie


def lloyd_reference(X, init, max_iter, tol_abs, flip=None):
    """Plain numpy Lloyd with sklearn's empty-cluster and stopping rules (see docstring).

    Returns centers, labels, inertia, n_iter, how it stopped, the relocations
    ([iteration, empty cluster, row moved into it, the row's old cluster]), the
    smallest gap between the nearest and second-nearest squared distance seen in any
    assignment step, and the near ties: [iteration, row, chosen centre, runner-up] for
    every assignment whose gap is below NEAR_TIE. flip = (iteration, row, centre) forces
    that one assignment, to test whether a near tie matters. Last: the total squared
    centre shift of every iteration.
    """
    n, k = X.shape[0], init.shape[0]
    centers = init.astype(np.float64).copy()
    labels_old = np.full(n, -1)
    stop = "max_iter"
    relocations = []
    min_gap = math.inf
    near_ties = []
    shifts = []

    def assign(c, it):
        nonlocal min_gap
        d = ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = d.argmin(axis=1)
        order = np.argsort(d, axis=1, kind="stable")
        gap = d[np.arange(n), order[:, 1]] - d[np.arange(n), order[:, 0]]
        min_gap = min(min_gap, float(gap.min()))
        for r in np.flatnonzero(gap < NEAR_TIE):
            near_ties.append([it, int(r), int(order[r, 0]), int(order[r, 1])])
        if flip is not None and flip[0] == it:
            labels[flip[1]] = flip[2]
        return d, labels

    for i in range(max_iter):
        d, labels = assign(centers, i)
        sums = np.zeros_like(centers)
        np.add.at(sums, labels, X)
        counts = np.bincount(labels, minlength=k).astype(np.float64)
        empty = np.flatnonzero(counts == 0)
        if len(empty):
            dist = d[np.arange(n), labels]
            far = np.argsort(-dist, kind="stable")[: len(empty)]
            assert len(empty) == 1 or len(set(dist[far])) == len(far), "tie among far points"
            for new, idx in zip(empty, far):
                old = labels[idx]
                sums[old] -= X[idx]
                counts[old] -= 1
                sums[new] = X[idx]
                counts[new] = 1
                relocations.append([i, int(new), int(idx), int(old)])
        new_centers = sums / counts[:, None]
        shift = float(((new_centers - centers) ** 2).sum())
        shifts.append(shift)
        centers = new_centers
        if np.array_equal(labels, labels_old):
            stop = "strict"
            break
        if shift <= tol_abs:
            stop = "tol"
            break
        labels_old = labels
    if stop != "strict":
        d, labels = assign(centers, i + 1)
    inertia = float(d[np.arange(n), labels].sum())
    return centers, labels, inertia, i + 1, stop, relocations, min_gap, near_ties, shifts


def kmeans_cases(data):
    iris, wine, blobs = data["iris.csv"][0], data["wine.csv"][0], data["blobs.csv.gz"][0]
    wine_rows = [int(r) for r in np.random.default_rng(1).permutation(178)[:3]]
    blob_rows = [int(r) for r in np.random.default_rng(2).permutation(3000)[:6]]
    blob_rows_0 = [int(r) for r in np.random.default_rng(0).permutation(3000)[:6]]
    far4 = [100.0, 100.0, 100.0, 100.0]
    return [
        # name, data file, X, init rows, extra init centres, max_iter, tol, description
        ("iris_k3", "iris.csv", iris, [0, 50, 100], [], 300, 0.0,
         "iris, init = rows 0, 50, 100 (one per species), run to convergence"),
        ("iris_k3_first_rows_5_iter", "iris.csv", iris, [0, 1, 2], [], 5, 0.0,
         "iris, init = rows 0, 1, 2 (all setosa), stopped by max_iter = 5 before convergence"),
        ("wine_k3", "wine.csv", wine, wine_rows, [], 300, 0.0,
         "wine, init = rows default_rng(1).permutation(178)[:3], run to convergence"),
        ("blobs_k6_20_iter", "blobs.csv.gz", blobs, blob_rows, [], 20, 0.0,
         "blobs, init = rows default_rng(2).permutation(3000)[:6], max_iter 20, tol 0 (converges in 6)"),
        ("blobs_k6_tol", "blobs.csv.gz", blobs, blob_rows, [], 300, 1e-4,
         "blobs, same init, max_iter 300, tol 1e-4 (relative: tol_abs = tol * mean(var(X, axis=0))); "
         "labels stop changing after 6 iterations, before the tolerance test triggers (see blobs_k6_tol_stop)"),
        ("blobs_k6_tol_stop", "blobs.csv.gz", blobs, blob_rows_0, [], 300, 1e-4,
         "blobs, init = rows default_rng(0).permutation(3000)[:6], max_iter 300, tol 1e-4: stops "
         "by the tolerance test after 8 iterations (with tol 0 it would run 13)"),
        ("iris_k4_empty_cluster", "iris.csv", iris, [0, 50, 100], [far4], 10, 0.0,
         "iris, init = rows 0, 50, 100 plus centre [100,100,100,100], which gets no points in "
         "iteration 0 and is relocated to the point farthest from its assigned centre"),
        ("blobs_k6_two_empty_clusters", "blobs.csv.gz", blobs, blob_rows[:4],
         [[1000.0] * 5, [-1000.0] * 5], 300, 0.0,
         "blobs, init = rows default_rng(2).permutation(3000)[:4] plus centres [1000]*5 and "
         "[-1000]*5: two empty clusters in iteration 0; cluster 4 takes the farthest point, "
         "cluster 5 the second farthest"),
    ]


def run_kmeans(data):
    out = []
    for name, file, X, rows, extra, max_iter, tol, description in kmeans_cases(data):
        init = np.array([X[r] for r in rows] + extra, dtype=np.float64)
        k = len(init)
        km = KMeans(n_clusters=k, init=init.copy(), n_init=1, max_iter=max_iter, tol=tol,
                    algorithm="lloyd").fit(X)
        centers = km.cluster_centers_
        assert np.isfinite(centers).all(), name
        tol_abs = float(np.mean(np.var(X, axis=0)) * tol) if tol else 0.0
        ref = lloyd_reference(X, init, max_iter, tol_abs)
        rc, rl, ri, rn, stop, relocs, gap, near_ties, shifts = ref
        if tol_abs > 0:  # the tol test must not be a close call in any iteration
            ratios = [sh / tol_abs for sh in shifts]
            assert all(abs(r - 1) > 1e-3 for r in ratios), f"{name}: shift/tol_abs {ratios}"
            print(f"   {name}: shift/tol_abs per iteration {[float(f'{r:.3g}') for r in ratios]}")
        assert np.array_equal(rl, km.labels_), f"{name}: reference labels differ"
        assert rn == km.n_iter_, f"{name}: n_iter {rn} vs {km.n_iter_}"
        assert np.allclose(rc, centers, rtol=1e-10, atol=1e-10), f"{name}: centres differ"
        assert math.isclose(ri, km.inertia_, rel_tol=1e-10), f"{name}: inertia {ri} vs {km.inertia_}"
        # A near tie may be resolved either way by another implementation (rounding):
        # require that the outcome does not depend on it.
        for it, row, _, other in near_ties:
            fc, fl, _, fn, *_ = lloyd_reference(X, init, max_iter, tol_abs, flip=(it, row, other))
            assert np.array_equal(fl, rl) and fn == rn and np.allclose(fc, rc, rtol=1e-12, atol=1e-12), (
                f"{name}: result depends on the near tie {it, row}")
        sizes = np.bincount(km.labels_, minlength=k)
        print(f"ok kmeans {name:28} k={k} n_iter={km.n_iter_:>3} stop={stop:8} relocations={relocs} "
              f"inertia={km.inertia_!r} sizes={sizes.tolist()} min_assign_gap={gap:.2e} near_ties={near_ties}")
        out.append({
            "name": name,
            "description": description,
            "data": file,
            "k": k,
            "init_rows": rows,
            "init": init,
            "max_iter": max_iter,
            "tol": tol,
            "tol_abs": tol_abs,
            "centers": centers,
            "inertia": km.inertia_,
            "n_iter": km.n_iter_,
            "stop": stop,
            "relocations": relocs,
            "near_ties": near_ties,
            "labels": km.labels_,
        })
    return out


def run_kmeans_pp(data):
    out = []
    for name, file, k in (("blobs_k6", "blobs.csv.gz", 6), ("iris_k3", "iris.csv", 3)):
        X = data[file][0]
        inertias = []
        for s in range(10):
            km = KMeans(n_clusters=k, init="k-means++", n_init=1, random_state=s, algorithm="lloyd").fit(X)
            assert np.isfinite(km.cluster_centers_).all()
            inertias.append(km.inertia_)
        km10 = KMeans(n_clusters=k, init="k-means++", n_init=10, random_state=0, algorithm="lloyd").fit(X)
        assert np.isfinite(km10.cluster_centers_).all()
        print(f"ok kmeans_pp {name:10} best_of_10={min(inertias)!r} n_init_10={km10.inertia_!r} "
              f"worst={max(inertias)!r}")
        out.append({
            "name": name,
            "data": file,
            "k": k,
            "max_iter": 300,
            "tol": 1e-4,
            "seeds": list(range(10)),
            "inertias": inertias,
            "best_of_10_inertia": min(inertias),
            "n_init_10_inertia": km10.inertia_,
        })
    return out


# --------------------------------------------------------------------------
# Supervised models
# --------------------------------------------------------------------------


def split(y, seed=0):
    n = len(y)
    _, test = train_test_split(np.arange(n), test_size=0.3, random_state=seed, stratify=y)
    test = np.sort(test)
    train = np.setdiff1d(np.arange(n), test)  # ascending
    return train, test


def logreg_gradient(X, y, coef, intercept, C):
    """Max abs gradient of C * sum(loss) + 0.5 * ||W||^2 (intercept unpenalised)."""
    if coef.shape[0] == 1:  # binary log-loss, class 1 positive
        z = X @ coef[0] + intercept[0]
        r = 1.0 / (1.0 + np.exp(-z)) - y
        gw, gb = C * (X.T @ r) + coef[0], C * r.sum()
        return float(max(np.abs(gw).max(), abs(gb)))
    z = X @ coef.T + intercept  # multinomial softmax
    z -= z.max(axis=1, keepdims=True)
    p = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1.0
    gw, gb = C * (p.T @ X) + coef, C * p.sum(axis=0)
    return float(max(np.abs(gw).max(), np.abs(gb).max()))


def run_logreg(data):
    out = []
    for name, file in (("breast_cancer", "breast_cancer.csv.gz"), ("digits", "digits.csv.gz")):
        X, y, _ = data[file]
        train, test = split(y)
        scaler = StandardScaler().fit(X[train])
        Xtr, Xte = scaler.transform(X[train]), scaler.transform(X[test])
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            m = LogisticRegression(C=1.0, max_iter=5000).fit(Xtr, y[train])
        # The exact optimum of the same objective, for comparisons that do not depend on
        # where lbfgs happened to stop.
        tight = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(Xtr, y[train])
        grad = logreg_gradient(Xtr, y[train], tight.coef_, tight.intercept_, 1.0)
        grad_default = logreg_gradient(Xtr, y[train], m.coef_, m.intercept_, 1.0)
        coef_diff = float(np.abs(tight.coef_ - m.coef_).max())
        icpt_diff = float(np.abs(tight.intercept_ - m.intercept_).max())
        acc = float(m.score(Xte, y[test]))
        tight_acc = float(tight.score(Xte, y[test]))
        train_acc = float(m.score(Xtr, y[train]))
        constant = [int(j) for j in np.flatnonzero(scaler.scale_ == 1.0) if scaler.var_[j] == 0.0]
        assert np.all(scaler.scale_[constant] == 1.0)
        # scale_ is the population std (ddof 0), mean_ the plain mean.
        assert np.allclose(scaler.mean_, X[train].mean(axis=0), rtol=1e-12, atol=1e-12)
        std = X[train].std(axis=0)
        std[std == 0] = 1.0
        assert np.allclose(scaler.scale_, std, rtol=1e-12, atol=0)
        # Predictions are the argmax of the linear scores (binary: score > 0).
        scores = Xte @ m.coef_.T + m.intercept_
        pred = (scores[:, 0] > 0).astype(int) if scores.shape[1] == 1 else scores.argmax(axis=1)
        assert np.array_equal(m.classes_[pred], m.predict(Xte))
        tight_train_acc = float(tight.score(Xtr, y[train]))
        assert grad < 1e-10, f"{name}: tight fit gradient {grad}"
        print(f"ok logreg {name:14} grad_norm_default={grad_default:.2e} grad_norm_tight={grad:.2e} accuracy={acc!r} train_accuracy={train_acc!r} n_iter={int(m.n_iter_[0])} "
              f"coef_max_abs_diff_vs_tight={coef_diff:.2e} intercept_diff={icpt_diff:.2e} "
              f"tight_accuracy={tight_acc!r} intercept_sum={float(m.intercept_.sum()):.2e} "
              f"tight_intercept_sum={float(tight.intercept_.sum()):.2e} tight_coef_col_sum={float(np.abs(tight.coef_.sum(axis=0)).max()) if len(tight.coef_) > 1 else 0:.2e}")
        out.append({
            "name": name,
            "data": file,
            "C": 1.0,
            "max_iter": 5000,
            "classes": m.classes_,
            "test_indices": test,
            "scaler_mean": scaler.mean_,
            "scaler_scale": scaler.scale_,
            "constant_features": constant,
            "coef": m.coef_,
            "intercept": m.intercept_,
            "n_iter": int(m.n_iter_[0]),
            "coef_max_abs_diff_vs_tight": coef_diff,
            "intercept_max_abs_diff_vs_tight": icpt_diff,
            "accuracy": acc,
            "train_accuracy": train_acc,
            "coef_tight": tight.coef_,
            "intercept_tight": tight.intercept_,
            "accuracy_tight": tight_acc,
            "train_accuracy_tight": tight_train_acc,
            "gradient_max_abs_tight": grad,
        })
    return out


def run_linreg(data):
    X, _, names = data["wine.csv"]
    target, feats = X[:, 0], X[:, 1:]
    lr = LinearRegression().fit(feats, target)
    r2 = float(lr.score(feats, target))
    ridge = Ridge(alpha=1.0).fit(feats, target)
    # Independent check of both objectives via the centred normal equations.
    xm, ym = feats.mean(axis=0), target.mean()
    Xc, yc = feats - xm, target - ym
    for alpha, model in ((0.0, lr), (1.0, ridge)):
        w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(Xc.shape[1]), Xc.T @ yc)
        assert np.allclose(w, model.coef_, rtol=1e-8, atol=1e-12), alpha
        assert math.isclose(ym - xm @ w, model.intercept_, rel_tol=1e-8)
    ridge_r2 = float(ridge.score(feats, target))
    print(f"ok linreg wine r2={r2!r} ridge_r2={ridge_r2!r}")
    return [{
        "name": "wine_alcohol",
        "data": "wine.csv",
        "target": names[0],
        "features": names[1:],
        "coef": lr.coef_,
        "intercept": lr.intercept_,
        "r2": r2,
        "ridge_alpha": 1.0,
        "ridge_coef": ridge.coef_,
        "ridge_intercept": ridge.intercept_,
        "ridge_r2": ridge_r2,
    }]


def run_naive_bayes(data):
    out = []
    for name, file in (("iris", "iris.csv"), ("wine", "wine.csv")):
        X, y, _ = data[file]
        nb = GaussianNB().fit(X, y)
        pred = nb.predict(X)
        eps = float(nb.epsilon_)
        assert eps == 1e-9 * np.var(X, axis=0).max()
        for c in nb.classes_:
            Xc = X[y == c]
            assert np.allclose(nb.theta_[c], Xc.mean(axis=0), rtol=1e-12)
            assert np.allclose(nb.var_[c], Xc.var(axis=0) + eps, rtol=1e-12)
        jll = nb.predict_joint_log_proba(X)
        top2 = np.sort(jll, axis=1)[:, -2:]
        gaps = top2[:, 1] - top2[:, 0]
        near = [int(i) for i in np.flatnonzero(gaps < 1e-6)]
        acc = float(accuracy_score(y, pred))
        print(f"ok naive_bayes {name:5} accuracy={acc!r} epsilon={eps!r} min_jll_gap={gaps.min():.3e} "
              f"near_ties={near}")
        out.append({
            "name": name,
            "data": file,
            "var_smoothing": 1e-9,
            "epsilon": eps,
            "classes": nb.classes_,
            "class_count": nb.class_count_,
            "class_prior": nb.class_prior_,
            "theta": nb.theta_,
            "var": nb.var_,
            "predictions": pred,
            "accuracy": acc,
            "near_ties": near,
        })
    return out


def run_knn(data):
    X, y, _ = data["iris.csv"]
    k = 5
    train, test = split(y)
    knn = KNeighborsClassifier(n_neighbors=k).fit(X[train], y[train])
    pred = knn.predict(X[test])
    distance_ties, vote_ties, ambiguous = [], [], []
    ytr = y[train]
    for row, p in zip(test, pred):
        d = np.sqrt(((X[train] - X[row]) ** 2).sum(axis=1))
        ds = np.sort(d)
        # Equal up to rounding: iris has one decimal, so distances that are equal in
        # decimal differ in the last bits in floating point.
        close = 1e-9 * max(1.0, ds[k - 1])
        if abs(ds[k] - ds[k - 1]) <= close:
            distance_ties.append(int(row))
        # Every neighbour set an implementation could pick: all points clearly inside,
        # plus any choice among those (near-)equal to the k-th distance.
        inside = np.flatnonzero(d < ds[k - 1] - close)
        boundary = np.flatnonzero(np.abs(d - ds[k - 1]) <= close)
        winners = set()
        any_vote_tie = False
        for pick in itertools.combinations(boundary, k - len(inside)):
            votes = np.bincount(ytr[np.concatenate([inside, list(pick)]).astype(int)], minlength=3)
            top = np.flatnonzero(votes == votes.max())
            any_vote_tie |= len(top) > 1
            winners |= {int(c) for c in top}
        if any_vote_tie:
            vote_ties.append(int(row))
        if len(winners) > 1:
            ambiguous.append(int(row))
        else:
            assert winners == {int(p)}, row
    ties = sorted(set(distance_ties) | set(vote_ties))
    acc = float(accuracy_score(y[test], pred))
    print(f"ok knn iris accuracy={acc!r} distance_ties={distance_ties} vote_ties={vote_ties} "
          f"ambiguous={ambiguous}")
    return [{
        "name": "iris_k5",
        "data": "iris.csv",
        "n_neighbors": k,
        "test_indices": test,
        "predictions": pred,
        "accuracy": acc,
        "distance_ties": distance_ties,
        "vote_ties": vote_ties,
        "ties": ties,
        "ambiguous": ambiguous,
    }]


def run_scalers(data):
    X, _, _ = data["wine.csv"]
    ss = StandardScaler().fit(X)
    mm = MinMaxScaler().fit(X)
    assert np.allclose(ss.scale_, X.std(axis=0), rtol=1e-12)
    iris = data["iris.csv"][0][:3]
    pf = PolynomialFeatures(degree=2, include_bias=False).fit(iris)
    print("ok scalers")
    return {
        "standard": {"data": "wine.csv", "mean": ss.mean_, "scale": ss.scale_},
        "minmax": {"data": "wine.csv", "data_min": mm.data_min_, "data_max": mm.data_max_},
        "polynomial": {
            "data": "iris.csv",
            "rows": [0, 1, 2],
            "degree": 2,
            "include_bias": False,
            "input": iris,
            "feature_names": [str(s) for s in pf.get_feature_names_out()],
            "output": pf.transform(iris),
        },
    }


# --------------------------------------------------------------------------
# Metrics on fixed arrays
# --------------------------------------------------------------------------


def run_metrics():
    binary = []
    for name, y_true, y_score in (
        ("tied_scores",
         [0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0],
         [0.1, 0.9, 0.8, 0.8, 0.35, 0.35, 0.6, 0.6, 0.2, 0.7, 0.35, 0.05, 0.5, 0.5]),
        ("all_scores_equal", [0, 1, 0, 1, 1, 0], [0.5] * 6),
        ("imbalanced", [0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1],
         [0.05, 0.1, 0.2, 0.3, 0.25, 0.55, 0.15, 0.7, 0.45, 0.6, 0.01, 0.95]),
    ):
        if name == "all_scores_equal":
            y_pred = [1, 1, 0, 0, 1, 0]
        else:
            y_pred = [int(s >= 0.5) for s in y_score]  # a score of exactly 0.5 predicts 1
        binary.append({
            "name": name,
            "y_true": y_true,
            "y_pred": y_pred,
            "y_score": y_score,
            "accuracy": accuracy_score(y_true, y_pred),
            "precision": precision_score(y_true, y_pred),
            "recall": recall_score(y_true, y_pred),
            "f1": f1_score(y_true, y_pred),
            "roc_auc": roc_auc_score(y_true, y_score),
        })
        # AUC = P(score_pos > score_neg) + 0.5 P(equal), the Mann-Whitney statistic.
        pos = [s for t, s in zip(y_true, y_score) if t == 1]
        neg = [s for t, s in zip(y_true, y_score) if t == 0]
        mw = sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / (len(pos) * len(neg))
        assert math.isclose(mw, binary[-1]["roc_auc"], rel_tol=1e-12), name

    multiclass = []
    for name, y_true, y_pred in (
        ("three_classes",
         [0, 1, 2, 2, 1, 0, 2, 1, 0, 2, 2, 1, 0, 0, 2, 1, 1, 2],
         [0, 2, 2, 2, 1, 0, 1, 1, 0, 2, 0, 1, 1, 0, 2, 2, 1, 2]),
        ("class_never_predicted_and_class_never_true",
         # class 3 is never predicted (precision 0/0 -> 0.0), class 4 never occurs in
         # y_true (recall 0/0 -> 0.0); both count in the macro average (labels = the
         # sorted union of y_true and y_pred) with weight 0 in the weighted average.
         [0, 0, 1, 1, 2, 2, 3, 3, 0, 1],
         [0, 1, 1, 1, 2, 4, 2, 0, 0, 1]),
    ):
        case = {"name": name, "y_true": y_true, "y_pred": y_pred,
                "labels": sorted(set(y_true) | set(y_pred)), "zero_division": 0.0,
                "accuracy": accuracy_score(y_true, y_pred)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # UndefinedMetricWarning for 0/0 -> 0.0
            for avg in ("macro", "weighted", "micro"):
                case[f"precision_{avg}"] = precision_score(y_true, y_pred, average=avg)
                case[f"recall_{avg}"] = recall_score(y_true, y_pred, average=avg)
                case[f"f1_{avg}"] = f1_score(y_true, y_pred, average=avg)
        multiclass.append(case)

    regression = []
    for name, y_true, y_pred in (
        ("small", [3.0, -0.5, 2.0, 7.0, 4.25, 1.5], [2.5, 0.0, 2.0, 8.0, 4.0, 1.0]),
        ("offset_and_worse_than_mean", [10.0, 10.5, 11.0, 9.5, 10.25],
         [11.5, 9.0, 12.0, 10.5, 8.75]),
    ):
        mse = mean_squared_error(y_true, y_pred)
        regression.append({"name": name, "y_true": y_true, "y_pred": y_pred, "mse": mse,
                           "rmse": math.sqrt(mse), "r2": r2_score(y_true, y_pred)})

    rng = np.random.default_rng(7)
    rand_true = [int(v) for v in rng.integers(0, 4, size=60)]
    rand_pred = [int(v) if rng.random() < 0.3 else t for t, v in zip(rand_true, rng.integers(0, 5, size=60))]
    ari = []
    for name, a, b in (
        ("different_cluster_counts", [0, 0, 0, 1, 1, 1, 2, 2, 2, 2], [0, 0, 1, 1, 1, 1, 0, 0, 3, 3]),
        ("permuted_labels", [0, 0, 1, 1, 2, 2, 2, 3], [2, 2, 0, 0, 3, 3, 3, 1]),
        ("both_single_cluster", [0, 0, 0, 0, 0], [1, 1, 1, 1, 1]),
        ("single_cluster_vs_singletons", [0, 0, 0, 0, 0], [0, 1, 2, 3, 4]),
        ("noisy_60", rand_true, rand_pred),
    ):
        ari.append({"name": name, "labels_true": a, "labels_pred": b, "ari": adjusted_rand_score(a, b)})
    assert ari[1]["ari"] == 1.0
    print("ok metrics")
    return {"binary": binary, "multiclass": multiclass, "regression": regression, "adjusted_rand": ari}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def to_py(x):
    if isinstance(x, dict):
        return {k: to_py(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [to_py(v) for v in x]
    if isinstance(x, np.ndarray):
        return to_py(x.tolist())
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        assert math.isfinite(x)
        return x
    if isinstance(x, str):
        return x
    raise TypeError(type(x))


def dump_json(x, level=0):
    """JSON with dicts indented and every innermost list on one line."""
    pad = " " * level
    if isinstance(x, dict):
        items = [f'{pad} {json.dumps(k)}: {dump_json(v, level + 1)}' for k, v in x.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(x, list):
        if all(not isinstance(v, (dict, list)) for v in x):
            return "[" + ",".join(json.dumps(v) for v in x) + "]"
        return "[\n" + ",\n".join(pad + " " + dump_json(v, level + 1) for v in x) + "\n" + pad + "]"
    return json.dumps(x, allow_nan=False)


README = """\
# ML oracle data

Generated by `scripts/oracle/ml_expected.py` with scikit-learn (an independent
implementation); do not edit by hand. Regenerate with

    /root/.cache/eddy-peers/bin/python scripts/oracle/ml_expected.py

(any Python with scikit-learn and threadpoolctl; `/work/shared/peers/setup.sh`
prints the peers interpreter) and check that the committed files are current
with `--check` (CSVs byte for byte, `.gz` by decompressed content, JSON numbers
within rtol 1e-12). The script's docstring has the full conventions.

## Data files

CSV with a header `f0,f1,...,label`, comma separated, `\\n` line ends. Features
are float64 written with Python `repr()` (shortest round-trip form, parse with
`f64::from_str` for the exact value); `label` is an integer. X = every column
except `label`.

| file | rows x features | label |
|---|---|---|
| `iris.csv` | 150 x 4 | 0/1/2 |
| `wine.csv` | 178 x 13 | 0/1/2 |
| `breast_cancer.csv.gz` | 569 x 30 (gzip) | 0 malignant / 1 benign |
| `digits.csv.gz` | 1797 x 64 (gzip), pixels written as integers 0..16 | 0..9 |
| `blobs.csv.gz` | 3000 x 5 (gzip): `make_blobs(n_samples=3000, n_features=5, centers=6, cluster_std=1.5, random_state=3)` | true centre 0..5 |

## expected.json

Top level: `sklearn_version`, `numpy_version`, `scipy_version`, `generator`, `datasets`
(file -> description/rows/features), then one section per topic. Matrices are
lists of rows (sklearn's shapes). Row indices always refer to data rows
(0-based, header excluded). "Split" below means
`train_test_split(np.arange(n), test_size=0.3, random_state=0, stratify=y)`:
`test_indices` is the test set sorted ascending, the training set is every
other row, ascending, and per-row outputs (`predictions`) follow
`test_indices` order.

- `kmeans`: list of cases `{name, description, data, k, init_rows, init,
  max_iter, tol, tol_abs, centers, inertia, n_iter, stop, relocations,
  near_ties, labels}`
  from `KMeans(n_clusters=k, init=init, n_init=1, max_iter, tol,
  algorithm="lloyd").fit(X)`. `init_rows` are the data rows used as initial
  centres (extra synthetic centres follow them in `init`). Lloyd iteration:
  assign each point to the nearest centre (ties: lowest index), recompute
  means. Empty clusters (no points in this iteration), in increasing index
  order, take the points farthest (squared distance) from their assigned old
  centre, farthest first; the point is removed from its old cluster's sum and
  becomes the new centre alone (its label stays unchanged for this iteration).
  Stopping after iteration i (n_iter = i + 1): labels identical to the
  previous iteration's (`stop: "strict"`), else the sum over centres of the
  squared centre shift `<= tol_abs` (`"tol"`), where sklearn's tolerance is
  relative: `tol_abs = tol * mean(var(X, axis=0))` (population variance); or
  max_iter (`"max_iter"`). Unless strict, labels are recomputed once from the
  final centres. `inertia` = sum of squared distances to the labelled final
  centre. `relocations`: one `[iteration, empty cluster, row, old cluster]`
  per empty-cluster relocation during the run (the row became that cluster's
  centre and was removed from its old cluster's mean).
  `near_ties`: `[iteration, row, chosen centre, runner-up]` for assignments
  whose two smallest squared distances differ by < 1e-9 (iris has one decimal,
  so a point can be equidistant in decimal from two initial rows and is split
  only by rounding); the script checks that resolving each one the other way
  gives the same labels, n_iter and centres, so they need no special care.
  Labels and n_iter are exact; compare centres and inertia with a relative
  tolerance (~1e-9: sklearn centres X internally, so last bits differ).
- `kmeans_pp`: `{name, data, k, max_iter, tol, seeds, inertias,
  best_of_10_inertia, n_init_10_inertia}`: `inertias[s]` from
  `KMeans(k, init="k-means++", n_init=1, random_state=s, algorithm="lloyd")`
  (default max_iter 300, tol 1e-4), best = their minimum; `n_init_10_inertia`
  from `n_init=10, random_state=0`. A different k-means++ RNG will not
  reproduce these; use them as a quality bar (e.g. within a few percent).
- `svm`: `{name, data, C, loss, test_indices, accuracy, train_accuracy}`: the
  `logreg` splits and scaling, then `LinearSVC(C=1.0, loss="squared_hinge",
  dual=False, tol=1e-8)` (one-vs-rest for digits). liblinear penalises the
  intercept, so the weights are not those of an unpenalised-intercept solver;
  use the accuracies as a bar.
- `logreg`: `{name, data, C, max_iter, classes, test_indices, scaler_mean,
  scaler_scale, constant_features, coef, intercept, n_iter,
  coef_max_abs_diff_vs_tight, intercept_max_abs_diff_vs_tight, accuracy,
  train_accuracy, coef_tight, intercept_tight, accuracy_tight,
  train_accuracy_tight, gradient_max_abs_tight}`. StandardScaler fitted on the training rows
  (`scaler_scale` = population std, ddof 0; 1.0 for the `constant_features`),
  then `LogisticRegression(C=1.0, max_iter=5000)` (lbfgs, L2, intercept
  unpenalised; minimises `C * sum(loss) + 0.5 * ||W||^2`; multinomial softmax
  for digits, where `coef` is 10 x 64 and the intercepts sum to ~0) on the
  scaled training rows. `accuracy` is on the scaled test rows. sklearn stops
  at tol 1e-4, so `coef` is only near the optimum (`coef_max_abs_diff_vs_tight`
  says how near). `coef_tight`, `intercept_tight`, `accuracy_tight`,
  `train_accuracy_tight` come from the exact optimum of the same objective
  (`solver="newton-cholesky", tol=1e-14`; `gradient_max_abs_tight` is the max
  abs gradient of `C * sum(loss) + 0.5 * ||W||^2` there): compare a converged
  implementation with these. For digits only `intercept - mean(intercept)` is
  determined (softmax is shift invariant and the intercept unpenalised).
- `linreg`: `{name, data, target, features, coef, intercept, r2, ridge_alpha,
  ridge_coef, ridge_intercept, ridge_r2}`: on wine, predict `target` (f0,
  alcohol) from `features` (f1..f12; not the label) with `LinearRegression()`
  (`r2` = training R^2) and `Ridge(alpha=1.0)`, which minimises
  `||y - Xw - b||^2 + alpha * ||w||^2` with the intercept b unpenalised.
- `metrics`: `{binary, multiclass, regression, adjusted_rand}`, each a list of
  cases holding their input arrays and sklearn's values.
  `binary`: `{name, y_true, y_pred, y_score, accuracy, precision, recall, f1,
  roc_auc}` (positive class 1; ROC AUC counts tied scores as 1/2).
  `multiclass`: `{name, y_true, y_pred, labels, zero_division, accuracy,
  precision_macro, recall_macro, f1_macro, precision_weighted,
  recall_weighted, f1_weighted, precision_micro, recall_micro, f1_micro}`;
  classes = `labels` (sorted union of y_true and y_pred); a 0/0 precision or
  recall is 0.0 and still counts in the macro mean; weighted = weights by
  support in y_true. `regression`: `{name, y_true, y_pred, mse, rmse, r2}`.
  `adjusted_rand`: `{name, labels_true, labels_pred, ari}` (sklearn returns 1.0
  when both clusterings are a single cluster).
- `naive_bayes`: `{name, data, var_smoothing, epsilon, classes, class_count,
  class_prior, theta, var, predictions, accuracy, near_ties}`: `GaussianNB()`
  fitted and evaluated on all rows. `var` = per-class population variance +
  `epsilon`, `epsilon = 1e-9 * max(var(X, axis=0))`. `near_ties`: rows whose
  two best joint log-likelihoods are within 1e-6 (empty here).
- `knn`: `{name, data, n_neighbors, test_indices, predictions, accuracy,
  distance_ties, vote_ties, ties, ambiguous}`: `KNeighborsClassifier(n_neighbors=5)`
  (uniform, Euclidean) on the iris split. `distance_ties` are test rows whose
  5th and 6th nearest training distances are equal (within 1e-9: iris has one
  decimal, so exact ties are frequent), `vote_ties` rows whose 5 neighbours
  split 2-2-1 for some choice among the boundary-tied neighbours; `ties` =
  their union (skip those rows to be safe). `ambiguous` (a subset of `ties`)
  lists the rows whose prediction actually depends on how ties are broken;
  every other row has the same prediction for every tie-breaking.
- `scalers`: `standard {data, mean, scale}` (StandardScaler on all of wine),
  `minmax {data, data_min, data_max}` (MinMaxScaler on wine), `polynomial
  {data, rows, degree, include_bias, input, feature_names, output}`
  (`PolynomialFeatures(degree=2, include_bias=False)` on iris rows 0..2).
"""


def run_svm(data):
    """LinearSVC on the logistic-regression splits, for an accuracy bar."""
    out = []
    for name, file in (("breast_cancer", "breast_cancer.csv.gz"), ("digits", "digits.csv.gz")):
        X, y, _ = data[file]
        train, test = split(y)
        scaler = StandardScaler().fit(X[train])
        Xtr, Xte = scaler.transform(X[train]), scaler.transform(X[test])
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            m = LinearSVC(C=1.0, loss="squared_hinge", dual=False, tol=1e-8, max_iter=100000).fit(Xtr, y[train])
        acc = float(m.score(Xte, y[test]))
        print(f"ok svm    {name:14} accuracy={acc!r}")
        out.append({"name": name, "data": file, "C": 1.0, "loss": "squared_hinge", "test_indices": test,
                    "accuracy": acc, "train_accuracy": float(m.score(Xtr, y[train]))})
    return out


def generate(out):
    out.mkdir(parents=True, exist_ok=True)
    data = {}
    info = {}
    for file, (description, build, integer) in DATASETS.items():
        X, y = build()
        write_bytes(out / file, csv_bytes(X, y, integer))
        Xr, yr, names = read_dataset(out / file)
        assert np.array_equal(Xr, np.asarray(X, dtype=np.float64)) and np.array_equal(yr, y), file
        data[file] = (Xr, yr, names)
        info[file] = {"description": description, "rows": Xr.shape[0], "features": Xr.shape[1]}

    with threadpool_limits(limits=1):
        result = {
            "sklearn_version": sklearn.__version__,
            "numpy_version": np.__version__,
            "scipy_version": scipy.__version__,
            "generator": "scripts/oracle/ml_expected.py",
            "datasets": info,
            "kmeans": run_kmeans(data),
            "kmeans_pp": run_kmeans_pp(data),
            "logreg": run_logreg(data),
            "svm": run_svm(data),
            "linreg": run_linreg(data),
            "metrics": run_metrics(),
            "naive_bayes": run_naive_bayes(data),
            "knn": run_knn(data),
            "scalers": run_scalers(data),
        }
    text = dump_json(to_py(result)) + "\n"
    assert json.loads(text) == to_py(result)
    (out / "expected.json").write_text(text, encoding="utf-8", newline="\n")
    (out / "README.md").write_text(README, encoding="utf-8", newline="\n")
    return sorted(DATASETS) + ["README.md", "expected.json"]


# --------------------------------------------------------------------------
# --check
# --------------------------------------------------------------------------

VERSION_KEYS = {"sklearn_version", "numpy_version", "scipy_version"}


def compare_json(old, new, path, errors, notes):
    if isinstance(new, dict):
        if not isinstance(old, dict) or list(old) != list(new):
            errors.append(f"{path}: keys differ")
            return
        for k in new:
            if path == "" and k in VERSION_KEYS:
                if old[k] != new[k]:
                    notes.append(f"{k}: committed {old[k]}, running {new[k]}")
                continue
            compare_json(old[k], new[k], f"{path}.{k}" if path else k, errors, notes)
    elif isinstance(new, list):
        if not isinstance(old, list) or len(old) != len(new):
            errors.append(f"{path}: list length differs")
            return
        for i, (a, b) in enumerate(zip(old, new)):
            compare_json(a, b, f"{path}[{i}]", errors, notes)
    elif isinstance(new, float):
        if not isinstance(old, float) or not math.isclose(old, new, rel_tol=RTOL, abs_tol=0.0):
            errors.append(f"{path}: committed {old!r}, recomputed {new!r}")
    elif type(old) is not type(new) or old != new:
        errors.append(f"{path}: committed {old!r}, recomputed {new!r}")


def check(out):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        files = generate(tmp)
        errors, notes = [], []
        for f in files:
            if not (out / f).is_file():
                errors.append(f"{f}: missing in {out}")
                continue
            if f == "expected.json":
                old = json.loads((out / f).read_text(encoding="utf-8"))
                new = json.loads((tmp / f).read_text(encoding="utf-8"))
                compare_json(old, new, "", errors, notes)
            elif f.endswith(".gz"):
                if read_plain(out / f) != read_plain(tmp / f):
                    errors.append(f"{f}: decompressed content differs")
                elif (out / f).read_bytes() != (tmp / f).read_bytes():
                    notes.append(f"{f}: same content, different gzip bytes (zlib version?)")
            elif (out / f).read_bytes() != (tmp / f).read_bytes():
                errors.append(f"{f}: differs")
        extra = sorted(set(os.listdir(out)) - set(files)) if out.is_dir() else []
        for n in notes:
            print(f"note: {n}", file=sys.stderr)
        if extra:
            print(f"note: files not produced by this script: {extra}", file=sys.stderr)
        if errors:
            print(f"{out} is out of date ({len(errors)} differences):", file=sys.stderr)
            for e in errors[:50]:
                print(f"  {e}", file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: tests/data/ml)")
    parser.add_argument("--check", action="store_true", help="regenerate into a temporary directory and compare with --out")
    args = parser.parse_args()
    if args.check:
        return check(args.out)
    files = generate(args.out)
    extra = sorted(set(os.listdir(args.out)) - set(files))
    if extra:
        print(f"note: files not produced by this script: {extra}", file=sys.stderr)
    total = 0
    for f in files:
        size = (args.out / f).stat().st_size
        total += size
        print(f"wrote {f:22} {size:>8} bytes")
    print(f"total {total} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
