"""One source of truth per parameter set: the defaults of the Python signatures and of
the CLI's flags are the Rust `Default` impls (`_eddy.defaults`, their serde form).

The CLI part runs `eddy <command> --help` of the binary at $EDDY_BIN, else
<repo>/target/ci/eddy (built by `cargo build --workspace --profile ci` or `cargo test
--workspace --profile ci`)."""

import functools
import inspect
import os
import pathlib
import re
import subprocess

import pytest

import eddy
import eddy.ml
from eddy import _eddy

REPO = pathlib.Path(__file__).resolve().parents[2]

# Rust enum variants (serde names) as the Python classes and the CLI spell them.
VARIANTS = {"Lbfgs": "lbfgs", "GradientDescent": "gd"}

# Per parameter set: the Rust type's `defaults` name, the Python callables and their
# parameter -> Rust field, the CLI command and its flag -> Rust field, and the Rust
# fields neither exposes (parallelism: the CLI's default is $EDDY_PARALLELISM or the
# number of cores, printed as text).
SETS = {
    "pagerank": {
        "python": [eddy.pagerank, eddy.Graph.pagerank],
        "params": {"damping": "damping", "iterations": "iterations", "tolerance": "tolerance",
                   "max_iterations": "max_iterations"},
        "command": "pagerank",
        "flags": {"damping": "damping", "tolerance": "tolerance", "max-iterations": "max_iterations"},
        "cli_without_default": {"iterations"},
        "unexposed": set(),
    },
    "kmeans": {
        "python": [eddy.ml.KMeans],
        "params": {"n_clusters": "k", "init": "init", "max_iter": "max_iterations", "tol": "tolerance",
                   "n_init": "n_init", "random_state": "seed", "parallelism": "parallelism"},
        "command": "kmeans",
        "flags": {"k": "k", "init": "init", "iterations": "max_iterations", "tolerance": "tolerance",
                  "seed": "seed", "n-init": "n_init"},
        "cli_without_default": {"parallelism"},
        "unexposed": {"init_rounds"},
    },
    "logistic_regression": {
        "python": [eddy.ml.LogisticRegression],
        "params": {"C": "c", "solver": "solver", "max_iter": "max_iterations", "tol": "tolerance",
                   "parallelism": "parallelism"},
        "command": "logreg",
        "flags": {"c": "c", "solver": "solver", "max-iterations": "max_iterations", "tolerance": "tolerance"},
        "cli_without_default": {"parallelism"},
        "unexposed": set(),
    },
}


def spelled(value):
    """A Rust default as Python and the CLI spell it (enum variants by their short names)."""
    return VARIANTS.get(value, value) if isinstance(value, str) else value


def python_cases():
    return [
        pytest.param(name, function, param, field, id=f"{function.__qualname__}-{param}")
        for name, spec in SETS.items()
        for function in spec["python"]
        for param, field in spec["params"].items()
    ]


@pytest.mark.parametrize("name, function, param, field", python_cases())
def test_python_default_is_the_rust_default(name, function, param, field):
    rust = _eddy.defaults(name)
    python = inspect.signature(function).parameters[param].default
    assert python == spelled(rust[field]), (
        f"{function.__qualname__}({param}=...) defaults to {python!r} but the Rust default of {field} is "
        f"{rust[field]!r}")


@pytest.mark.parametrize("name", SETS)
def test_every_rust_parameter_has_a_python_and_a_cli_name(name):
    spec = SETS[name]
    fields = set(_eddy.defaults(name)) - spec["unexposed"]
    assert fields == set(spec["params"].values())
    assert fields == set(spec["flags"].values()) | spec["cli_without_default"]


def eddy_binary():
    binary = pathlib.Path(os.environ.get("EDDY_BIN") or REPO / "target" / "ci" / "eddy")
    if not binary.is_file():
        pytest.fail(f"the eddy CLI is not at {binary}: build it with `cargo build --workspace --profile ci` "
                    f"(or `cargo test --workspace --profile ci`), or set EDDY_BIN to its path")
    return binary


@functools.cache
def cli_defaults(command):
    """{flag without dashes: the text of its last `[default: ...]`} from `eddy <command>
    --help`: clap prints each flag at an indent below 10, its help text indented 10."""
    help_text = subprocess.run([eddy_binary(), command, "--help"], capture_output=True, text=True, timeout=60,
                               check=True).stdout
    blocks, flag = {}, None
    for line in help_text.splitlines():
        if line.strip() and len(line) - len(line.lstrip()) < 10:
            match = re.match(r"\s+(?:-\w, )?--([a-z0-9-]+)", line)
            flag = match.group(1) if match else None
        if flag is not None:
            blocks[flag] = blocks.get(flag, "") + " " + line.strip()
    return {flag: found[-1] for flag, text in blocks.items() if (found := re.findall(r"\[default: ([^\]]*)\]", text))}


def cli_cases():
    return [
        pytest.param(name, spec["command"], flag, field, id=f"eddy {spec['command']} --{flag}")
        for name, spec in SETS.items()
        for flag, field in spec["flags"].items()
    ]


@pytest.mark.parametrize("name, command, flag, field", cli_cases())
def test_cli_default_is_the_rust_default(name, command, flag, field):
    rust = spelled(_eddy.defaults(name)[field])
    printed = cli_defaults(command).get(flag)
    assert printed is not None, f"`eddy {command} --help` prints no [default: ...] for --{flag}"
    if isinstance(rust, str):
        cli = printed
    else:
        number = re.match(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", printed)
        assert number is not None, f"eddy {command} --{flag}: [default: {printed}] is no number (Rust: {rust!r})"
        cli = float(number.group())
    assert cli == rust, (
        f"eddy {command} --{flag} defaults to {printed!r} but the Rust default of {field} is {rust!r} "
        f"(and so is Python's)")
