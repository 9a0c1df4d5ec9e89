#!/usr/bin/env bash
# Runs every check and test of the workspace: formatting, clippy, unit, integration,
# property and doc tests. This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}" CARGO_INCREMENTAL=0

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked --profile ci -- -D warnings
cargo test --workspace --locked --profile ci
