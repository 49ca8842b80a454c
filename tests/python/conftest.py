"""Shared fixtures of the saturn package's tests (run by ctest through tests/python/tests.cmake,
which puts python/ and <build>/python on PYTHONPATH and names the CLI binary in SATURN_BIN)."""
import json
import os
import subprocess

import pytest

SOURCE_DIR = os.environ.get("SATURN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

# A task file small enough to train in a second: parity (a 1-layer model learns it from short strings
# only partly, which is all these tests need).
TINY_TASKS = """
defaults:
  objective: recognize
  negatives: uniform
  seed: 3
tasks:
  tiny_parity:
    language: parity
    train: {lengths: 1..8, size: 200}
    test: {bins: [9..12, 13..16], size: 50}
    model: {d_model: 8, n_layers: 1, n_heads: 2, d_ff: 16, causal: true, readout: last}
    training: {steps: 60, batch_size: 16, eval_every: 20, log_every: 20}
  tiny_next:
    language: dyck:k=1
    objective: next_symbols
    train: {lengths: 0..8, size: 100}
    test: {bins: [10..14], size: 20}
    model: {d_model: 8, n_layers: 1, n_heads: 1, d_ff: 16, causal: true}
    training: {steps: 20, batch_size: 8}
suites:
  tiny: [tiny_parity, tiny_next]
"""


@pytest.fixture(scope="session")
def source_dir():
    return os.path.abspath(SOURCE_DIR)


@pytest.fixture(scope="session")
def saturn_bin():
    """The `saturn` CLI built next to the extension (tests comparing the package with the CLI)."""
    path = os.environ.get("SATURN_BIN")
    if not path:
        pytest.fail("SATURN_BIN is not set: run these tests through ctest (tests/python/tests.cmake)")
    return path


@pytest.fixture(scope="session")
def tiny_tasks(tmp_path_factory):
    path = tmp_path_factory.mktemp("tasks") / "tasks.yaml"
    path.write_text(TINY_TASKS)
    return str(path)


@pytest.fixture(scope="session")
def trained(tiny_tasks, tmp_path_factory):
    """(model, summary, run folder) of tiny_parity trained once for the session."""
    import saturn
    out = tmp_path_factory.mktemp("run") / "tiny_parity"
    model, summary = saturn.train("tiny_parity", tiny_tasks, out=out)
    return model, summary, str(out)


def run_cli(saturn_bin, *args, stdin=None):
    """stdout of the CLI (which must succeed)."""
    r = subprocess.run([saturn_bin, *args], input=stdin, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    return r.stdout


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
