"""Task files and splits: the same labelled strings as `saturn sample --task`, as numpy arrays."""
import numpy as np
import pytest

import saturn
from conftest import run_cli


def test_task_file_lists_tasks_suites_and_settings(tiny_tasks):
    f = saturn.load_tasks(tiny_tasks)
    assert f.tasks == ["tiny_parity", "tiny_next"]
    assert f.suites["tiny"] == ["tiny_parity", "tiny_next"]
    info = f.task("tiny_parity")
    assert info["language"] == "parity" and info["objective"] == "recognize"
    assert info["train_lengths"] == (1, 8) and info["test_bins"] == [(9, 12, 50), (13, 16, 50)]
    assert f.model_config("tiny_parity")["d_model"] == 8
    assert f.tokenizer("tiny_next").tokens == ["(", ")", "<bos>"]


def test_splits_equal_the_cli_and_the_labels_the_language(tiny_tasks, saturn_bin):
    f = saturn.load_tasks(tiny_tasks)
    splits = f.splits("tiny_parity")
    assert [s.name for s in splits] == ["train", "test_9..12", "test_13..16"]
    assert [len(s) for s in splits] == [200, 50, 50]
    cli = [line.split("\t") for line in run_cli(saturn_bin, "sample", "--task", "tiny_parity", "--tasks",
                                                 tiny_tasks).splitlines()]
    ours = [(s.name, str(int(label)), w) for s in splits for w, label in zip(s.strings, s.labels)]
    assert [tuple(row) if len(row) == 3 else (row[0], row[1], "") for row in cli] == ours
    parity = saturn.language("parity")
    for s in splits:
        assert s.labels.dtype == np.bool_
        assert s.labels.tolist() == [parity.contains(w) for w in s.strings]
        lo, hi = s.lengths
        assert all(lo <= len(w) <= hi for w in s.strings)
        assert set(s.kinds) <= {"member", "uniform", "near_miss"}
    ids, mask = splits[1].encode()
    assert ids.shape[0] == 50 and (ids[:, 0] == f.tokenizer("tiny_parity").bos_id).all()
    assert mask.sum(axis=1).tolist() == [len(w) + 1 for w in splits[1].strings]


def test_overrides_and_bad_files_raise_one_error_per_problem(tiny_tasks, tmp_path):
    f = saturn.load_tasks(tiny_tasks, overrides=["tiny_parity.model.d_model=16"])
    assert f.model_config("tiny_parity")["d_model"] == 16
    with pytest.raises(saturn.Error, match="--set"):
        saturn.load_tasks(tiny_tasks, overrides=["model.no_such_key=1"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("tasks:\n  t:\n    language: parity\n    train: {lengths: 9..3, size: 10}\n"
                   "    test: {bins: [1..2], size: 5}\n")
    with pytest.raises(saturn.Error, match=r"bad.yaml:4:.*9\.\.3"):
        saturn.load_tasks(str(bad))
