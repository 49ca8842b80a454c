"""saturn.verify and the saturation analyses, returning dicts (the verifier's counts equal `saturn verify`)."""
import os
import re
import subprocess

import pytest

import saturn


def construction(source_dir, name):
    return saturn.load_model(os.path.join(source_dir, "saturated_transformer", "constructions", name))


def test_verify_recognizes_dyck1_and_equals_the_cli(source_dir, saturn_bin):
    model = construction(source_dir, "dyck1")
    r = saturn.verify(model, "dyck:k=1", 10, "saturated", long_samples=20, long_length=(40, 60))
    assert r["exact"] and r["language"] == "dyck:k=1" and r["mode"] == "saturated"
    assert r["exhaustive"]["checked"] == 2 ** 11 - 1 and r["exhaustive"]["errors"] == 0
    assert r["sampled"]["checked"] == 40
    cli = subprocess.run([saturn_bin, "verify", "--model",
                          os.path.join(source_dir, "saturated_transformer", "constructions", "dyck1"),
                          "--language", "dyck:k=1", "--max-length", "10"], capture_output=True, text=True)
    assert cli.returncode == 0
    assert re.search(r"exhaustive: (\d+) strings", cli.stdout).group(1) == str(r["exhaustive"]["checked"])


def test_verify_finds_that_hard_attention_cannot_count(source_dir):
    r = saturn.verify(construction(source_dir, "majority"), saturn.language("majority"), 6, mode="hard")
    assert not r["exact"] and r["exhaustive"]["errors"] > 0
    shortest = (r["exhaustive"]["false_accept_examples"] + r["exhaustive"]["false_reject_examples"])
    assert shortest and all(saturn.language("majority").contains(w) != (w in r["exhaustive"]["false_accept_examples"])
                            for w in shortest)
    assert saturn.verify(construction(source_dir, "majority"), "majority", 6, mode="saturated")["exact"]
    with pytest.raises(saturn.Error, match="alphabet|token"):
        saturn.verify(construction(source_dir, "majority"), "dyck:k=2", 4)
    with pytest.raises(saturn.Error):
        saturn.verify(construction(source_dir, "majority"), "majority", 60)  # beyond the string budget


def test_saturation_study_and_heads_on_a_trained_model(trained, tiny_tasks):
    model, _, _ = trained
    splits = saturn.load_tasks(tiny_tasks).splits("tiny_parity")
    study = saturn.saturation_study(model, splits[1:], modes=["softmax", "saturated"], max_power=4)
    assert study["sets"] == ["test_9..12", "test_13..16"]
    assert set(study["accuracy"]) == {"softmax", "saturated"}
    assert all(0 <= a <= 1 for accs in study["accuracy"].values() for a in accs)
    evaluated = model.evaluate(splits[1].strings, "saturated")["accepted"]
    assert study["accuracy"]["saturated"][0] == pytest.approx((evaluated == splits[1].labels).mean())
    assert [c["family"] for c in study["curves"]] == ["temperature", "scaled"]
    assert all(len(c["values"]) == 5 for c in study["curves"])
    assert len(study["saturation_by_layer"]) == 1
    same = saturn.saturation_study(model, {"a": (splits[1].strings, splits[1].labels)}, max_power=2)
    assert same["sets"] == ["a"] and len(same["accuracy"]) == 3
    heads = saturn.analyse_heads(model, splits[1].strings[:20])
    assert [(h["layer"], h["head"]) for h in heads] == [(0, 0), (0, 1)]
    assert all(h["kind"] in {"local", "uniform", "global", "mixed"} for h in heads)
    assert saturn.as_table(heads) is heads or len(saturn.as_table(heads)) == 2


def test_robustness_study_and_score_gaps(trained, tiny_tasks):
    model, _, _ = trained
    splits = saturn.load_tasks(tiny_tasks).splits("tiny_parity")[1:]
    r = saturn.robustness_study(model, splits, max_power=3, max_per_set=20)
    assert r["sets"] == ["test_9..12", "test_13..16"] and r["sizes"] == [20, 20]
    assert [c["family"] for c in r["curves"]] == ["scaled", "temperature"]
    assert all(len(c["scales"]) == 4 and len(c["accuracy"]) == 4 and len(c["accuracy"][0]) == 2 for c in r["curves"])
    first = splits[0].strings[:20]
    softmax_acc = (model.evaluate(first, "softmax")["accepted"] == splits[0].labels[:20]).mean()
    assert r["softmax"][0] == pytest.approx(softmax_acc)
    assert [(h["layer"], h["head"]) for h in r["heads"]] == [(0, 0), (0, 1)]
    gaps = saturn.score_gaps(model, first)
    assert [(g["layer"], g["head"]) for g in gaps] == [(0, 0), (0, 1)]
    assert all(g["diagnosis"] in {"tied", "near-uniform", "separated"} and g["description"] for g in gaps)
