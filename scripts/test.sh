#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, clippy, unit, integration,
# property and doc tests, then builds the Python extension into a virtualenv and runs
# its pytest suite. This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" CARGO_INCREMENTAL=0

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked --profile ci -- -D warnings
cargo test --workspace --locked --profile ci

# Python: a virtualenv in .venv (git-ignored) with the build tool and the test oracles.
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
. .venv/bin/activate
pip install --quiet --disable-pip-version-check maturin numpy pytest networkx scipy scikit-learn pyarrow pandas
maturin develop --quiet --locked --profile ci -m python/Cargo.toml
python -m pytest -q --doctest-modules python/eddy python/tests
