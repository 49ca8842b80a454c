"""saturn.Model: model folders, parameters as numpy views by PyTorch name, evaluation in every
mode (the same numbers as `saturn eval`)."""
import json
import os

import numpy as np
import pytest

import saturn
from conftest import jsonl, run_cli

CONFIG = dict(vocab=4, tokens=["a", "b", "c", "<bos>"], bos_id=3, d_model=8, n_layers=2, n_heads=2, d_ff=12,
              activation="gelu", layer_norm="pre", positional="learned", max_len=12, causal=False,
              head="classify", readout="mean", n_outputs=1)
MODES = ["softmax", "temperature:4", "scaled:3", "saturated", "saturated:0.05", "hard_left", "hard_right"]


def test_parameters_are_views_by_pytorch_name():
    m = saturn.Model(CONFIG, seed=5)
    params = m.parameters()
    assert list(params) == m.parameter_names and "layers.1.attn.q.weight" in params
    assert params["embed.weight"].shape == (4, 8) and params["head.weight"].shape == (1, 8)
    assert params["embed.weight"].dtype == np.float32 and m.dtype == "float32"
    assert sum(a.size for a in params.values()) == m.num_parameters
    before = m.evaluate(["abc"])["readout_logit"][0]
    params["head.bias"][0] += 1.0  # writes through to the model: no copy
    after = m.evaluate(["abc"])["readout_logit"][0]
    assert after == pytest.approx(before + 1.0, abs=1e-5)
    assert m.parameters()["head.bias"][0] == params["head.bias"][0]


def test_save_load_round_trip_keeps_dtype_and_outputs(tmp_path):
    for dtype in ["float32", "float64"]:
        m = saturn.Model(CONFIG, seed=2, dtype=dtype)
        m.save(str(tmp_path / dtype))
        back = saturn.load_model(tmp_path / dtype)
        assert back.dtype == dtype and back.config == m.config
        for name, a in m.parameters().items():
            assert np.array_equal(a, back.parameters()[name])
        assert saturn.Model.load(str(tmp_path / dtype), "float64").dtype == "float64"
    with pytest.raises(saturn.Error, match="config.json"):
        saturn.load_model(tmp_path / "nothing_here")


def test_evaluate_shapes_masks_and_attention():
    m = saturn.Model(dict(CONFIG, head="next_symbols", n_outputs=4, causal=True), seed=1)
    r = m.evaluate(["ab", "", "abcab"], mode="softmax", attention=True, hidden=True)
    assert r["logits"].shape == (3, 6, 4) and r["mask"].sum(axis=1).tolist() == [3, 1, 6]
    assert r["attention"].shape == (3, 2, 2, 6, 6) and r["hidden"].shape == (3, 3, 6, 8)
    att = r["attention"]
    for b, n in enumerate([3, 1, 6]):
        np.testing.assert_allclose(att[b, :, :, :n, :n].sum(axis=-1), 1.0, atol=1e-12)
        assert np.all(np.triu(att[b, 0, 0, :n, :n], 1) == 0)  # causal
        assert np.all(r["logits"][b, n:] == 0)
    with pytest.raises(saturn.Error, match="mode"):
        m.evaluate(["a"], mode="bogus:1")
    with pytest.raises(saturn.Error):
        m.evaluate(["abx"])


def test_evaluate_equals_saturn_eval(tmp_path, saturn_bin):
    m = saturn.Model(CONFIG, seed=9, dtype="float64")
    m.save(str(tmp_path / "m"))
    strings = ["abc", "", "cab", "aaaaaaa"]
    for mode in MODES:
        cli = jsonl(run_cli(saturn_bin, "eval", "--model", str(tmp_path / "m"), "--mode", mode,
                            stdin="\n".join(strings) + "\n"))
        r = m.evaluate(strings, mode=mode)
        assert r["mode"] == cli[0]["mode"]
        np.testing.assert_array_equal(r["readout_logit"], [c["logit"] for c in cli])
        assert r["accepted"].tolist() == [c["accepted"] for c in cli]
        assert m.accepts(strings, mode).tolist() == r["accepted"].tolist()


def test_construction_folders_load(source_dir):
    m = saturn.load_model(os.path.join(source_dir, "saturated_transformer", "constructions", "dyck1"))
    assert m.tokenizer.tokens[:2] == ["(", ")"]
    r = m.evaluate(["(())", "(()"], mode="saturated")
    assert r["accepted"].tolist() == [True, False]


def test_the_build_names_its_revision_and_gemm_backend():
    # Recorded by every run next to the results: the two GEMM backends round differently.
    assert saturn.gemm_backend.startswith(("OpenBLAS", "eigen"))
    assert saturn.git_revision
