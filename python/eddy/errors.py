"""Exceptions raised by eddy; every one is an ``EddyError``.

Each also derives from the built-in exception it stands for, so ``except ValueError``
catches a bad argument as usual:

- ``InvalidArgumentError(EddyError, ValueError)``: a bad parameter or bad data (wrong
  dtype or shape, mismatched lengths, NaN features, negative vertex ids, an unknown
  source vertex).
- ``EddyFileNotFoundError(EddyError, FileNotFoundError)`` and
  ``EddyOSError(EddyError, OSError)``: files that cannot be read or written.
- ``EngineError(EddyError, RuntimeError)``: a failure of the engine itself (a worker
  panicked); please report it.
- ``MissingDependencyError(EddyError, ModuleNotFoundError)``: an optional package that a
  conversion needs is not installed (pandas for ``to_pandas()``, pyarrow for
  ``to_arrow()``, networkx for ``to_networkx()``); the message says which extra brings
  it, e.g. ``pip install 'eddy[pandas]'``.
"""


class EddyError(Exception):
    """Base class of every exception raised by eddy."""


class InvalidArgumentError(EddyError, ValueError):
    """A bad parameter or bad input data; the message says which and why."""


class EddyFileNotFoundError(EddyError, FileNotFoundError):
    """An input file does not exist."""


class EddyOSError(EddyError, OSError):
    """A file could not be read or written."""


class EngineError(EddyError, RuntimeError):
    """The engine failed (not the input's fault)."""


class MissingDependencyError(EddyError, ModuleNotFoundError):
    """An optional package is not installed; ``name`` is the missing module and the
    message the ``pip install`` that brings it."""
