"""The conversions to pandas, Arrow and networkx name the extra to install when their
package is missing (simulated: ``sys.modules[name] = None`` makes ``import name`` fail
with ``ModuleNotFoundError``, as when it is not installed)."""

import sys

import numpy as np
import pytest

import eddy
from eddy.errors import EddyError, MissingDependencyError


@pytest.fixture
def ranks():
    return eddy.Graph.from_edges(np.array([0, 1, 2]), np.array([1, 2, 0])).pagerank(iterations=5)


@pytest.mark.parametrize("module, extra, convert", [
    ("pandas", "pandas", lambda r, g: r.to_pandas()),
    ("pyarrow", "arrow", lambda r, g: r.to_arrow()),
    ("networkx", "networkx", lambda r, g: g.to_networkx()),
])
def test_a_missing_optional_package_names_its_extra(monkeypatch, ranks, module, extra, convert):
    graph = eddy.Graph.from_edges(np.array([0, 1]), np.array([1, 2]))
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(MissingDependencyError) as info:
        convert(ranks, graph)
    error = info.value
    assert f"pip install 'eddy[{extra}]'" in str(error)
    assert f"needs {module}, which is not installed" in str(error)
    assert error.name == module
    # Caught as the built-in exceptions too, and as every eddy error.
    assert isinstance(error, ModuleNotFoundError) and isinstance(error, ImportError)
    assert isinstance(error, EddyError)
    assert error.__cause__ is None and error.__suppress_context__


def test_an_installed_optional_package_converts(ranks):
    pd = pytest.importorskip("pandas")
    frame = ranks.to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert frame["id"].tolist() == [0, 1, 2]
    np.testing.assert_allclose(frame["rank"].to_numpy(), [1 / 3] * 3)


def test_a_broken_dependency_of_an_installed_package_is_not_disguised(monkeypatch, tmp_path):
    # The package is there, but one of its own imports fails: that error, not ours.
    package = tmp_path / "eddy_test_installed_but_broken"
    package.mkdir()
    (package / "__init__.py").write_text("import eddy_test_not_installed_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError) as info:
        eddy._optional("eddy_test_installed_but_broken", "all", "a conversion")
    assert not isinstance(info.value, MissingDependencyError)
    assert info.value.name == "eddy_test_not_installed_anywhere"
