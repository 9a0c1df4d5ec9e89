"""The README's Python examples run as written."""

import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    runnable = [b for b in blocks if not b.startswith(">>>")]
    assert len(runnable) >= 2
    for block in runnable:
        namespace = {}
        exec(compile(block, str(README), "exec"), namespace)
        assert "eddy" in namespace
