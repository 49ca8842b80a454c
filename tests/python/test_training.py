"""saturn.train: the same model as `saturn train`, the GIL released while it runs, the progress callback."""
import json
import os
import threading
import time

import numpy as np
import pytest

import saturn
from conftest import run_cli


def test_training_equals_the_cli_and_reports_progress(tiny_tasks, tmp_path, saturn_bin):
    calls = []
    model, summary = saturn.train("tiny_parity", tiny_tasks, out=tmp_path / "py",
                                  callback=lambda step, scores: calls.append((step, scores)))
    assert [step for step, _ in calls] == [20, 40]  # every eval_every steps, not the last
    assert set(calls[0][1]) == {"train", "test_9..12", "test_13..16"}
    assert 0 <= calls[0][1]["train"]["accuracy"] <= 1
    assert summary["steps"] == 60 and summary["task"] == "tiny_parity"
    run_cli(saturn_bin, "train", "--task", "tiny_parity", "--tasks", tiny_tasks, "--out", str(tmp_path / "cli"))
    cli = saturn.load_model(tmp_path / "cli" / "model")
    for name, a in model.parameters().items():
        np.testing.assert_array_equal(a, cli.parameters()[name], err_msg=name)
    with open(tmp_path / "cli" / "summary.json") as f:
        assert json.load(f)["final_loss"] == summary["final_loss"]


def test_training_releases_the_gil(tiny_tasks):
    ticks, stop = [0], threading.Event()

    def ticker():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=ticker)
    t.start()
    while ticks[0] == 0:
        time.sleep(0.001)
    before = ticks[0]
    # 600 steps take well over 0.1 s; a held GIL would let the ticker run only between the calls
    saturn.train("tiny_parity", tiny_tasks, overrides=["training.steps=600"], threads=1)
    during = ticks[0] - before
    stop.set()
    t.join()
    assert during > 20


def test_callback_errors_and_bad_tasks_propagate(tiny_tasks):
    def fail(step, scores):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        saturn.train("tiny_parity", tiny_tasks, callback=fail)
    with pytest.raises(saturn.Error, match="no_such_task"):
        saturn.train("no_such_task", tiny_tasks)
