"""Ctrl-C during a long engine run raises KeyboardInterrupt promptly (no hang), and the
engine runs the next call normally."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import eddy
from eddy.ml import LinearRegression

# Far more work than the test waits for: without the interrupt these calls run for hours.
ENDLESS = 10**8


def interrupt_after(seconds):
    """Sends this process a real SIGINT (as Ctrl-C does) after `seconds`."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


@pytest.mark.parametrize("parallelism", [1, 2])
def test_ctrl_c_interrupts_pagerank(parallelism):
    g = eddy.generate.rmat(10)
    timer = interrupt_after(0.3)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        g.pagerank(iterations=ENDLESS, parallelism=parallelism)
    elapsed = time.monotonic() - started
    timer.join()
    # It stopped because of the signal, after it arrived.
    assert 0.3 <= elapsed < 30, elapsed
    # The engine is not left in a bad state: the next run completes with real values.
    ranks = g.pagerank(iterations=20, parallelism=parallelism)
    assert ranks.supersteps == 20
    assert abs(ranks.values.sum() - 1.0) < 1e-9


def test_ctrl_c_interrupts_a_trainer():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5000, 8))
    y = X @ np.arange(8.0) + rng.normal(scale=0.1, size=5000)
    model = LinearRegression(solver="sgd", max_iter=ENDLESS, tol=0.0, parallelism=2)
    timer = interrupt_after(0.3)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, y)
    timer.join()
    assert not hasattr(model, "coef_")
    fitted = LinearRegression(parallelism=2).fit(X, y)
    np.testing.assert_allclose(fitted.coef_, np.arange(8.0), atol=0.01)
