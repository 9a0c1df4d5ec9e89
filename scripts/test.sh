#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, clippy, rustdoc (warnings are
# errors), unit, integration, property and doc tests, then builds the Python extension
# into a virtualenv and runs its pytest suite, and installs the package the way a Python
# user does (`pip install ./python`) into a throwaway virtualenv for a smoke test. This
# is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" CARGO_INCREMENTAL=0

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked --profile ci -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --profile ci
cargo test --workspace --locked --profile ci

# Python: a virtualenv in .venv (git-ignored) with the build tool and the test oracles,
# pinned in python/requirements-test.txt.
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
. .venv/bin/activate
pip install --quiet --disable-pip-version-check -r python/requirements-test.txt
maturin develop --quiet --locked --profile ci -m python/Cargo.toml
python -m pytest -q --doctest-modules python/eddy python/tests
deactivate

# `pip install ./python` in a fresh virtualenv without pandas, pyarrow or networkx:
# maturin's PEP 517 backend in pip's isolated build (maturin pinned by the constraints),
# built with the ci profile so that it reuses the extension `maturin develop` just built
# (seconds; a user's default release build takes minutes); then a smoke test of the
# installed package, run isolated from the source tree.
rm -rf target/pip-venv
python3 -m venv target/pip-venv
PIP_CONSTRAINT=python/requirements-test.txt target/pip-venv/bin/pip install --quiet \
    --disable-pip-version-check --config-settings=build-args="--profile ci --locked" ./python
target/pip-venv/bin/python -I -c '
import eddy, numpy as np
ranks = eddy.pagerank(eddy.Graph.from_edges(np.array([0, 1, 2, 3]), np.array([1, 2, 0, 0])), tolerance=1e-12)
# networkx.pagerank of the same graph; 3 has no in-edge: (1 - 0.85) / 4.
expected = {0: 0.332604470, 1: 0.320213800, 2: 0.309681730, 3: 0.0375}
got = ranks.to_dict()
assert got.keys() == expected.keys() and all(abs(got[v] - r) < 1e-8 for v, r in expected.items()), got
try:
    ranks.to_pandas()
except eddy.errors.MissingDependencyError as e:
    assert "pip install '"'"'eddy[pandas]'"'"'" in str(e), e
else:
    raise AssertionError("to_pandas() without pandas did not raise MissingDependencyError")
print("pip install ./python: ok,", len(ranks), "ranks")
'
