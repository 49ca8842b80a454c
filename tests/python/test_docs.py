"""docs/python.md's examples: its ```python blocks run as one doctest, from the repository root."""
import doctest
import os
import re


def test_python_md_examples_run_as_written(source_dir, monkeypatch):
    monkeypatch.chdir(source_dir)
    path = os.path.join(source_dir, "docs", "python.md")
    with open(path) as f:
        blocks = re.findall(r"^```python\n(.*?)^```", f.read(), flags=re.S | re.M)
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "docs/python.md", path, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test)
    assert result.attempted >= 20
    assert result.failed == 0, f"{result.failed} of the {result.attempted} examples in docs/python.md failed (above)"
