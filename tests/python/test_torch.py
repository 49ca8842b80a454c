"""saturn.torch: the batched reference model in every mode, and round trips C++ <-> PyTorch."""
import glob
import json
import os

import numpy as np
import pytest
import torch

import saturn
import saturn.torch as st
from torch_reference import read_safetensors

MODES = ["softmax", "temperature:4", "scaled:3", "saturated", "saturated:0.05", "hard", "hard_left", "hard_right"]


def padded(strings):
    T = max(len(s) for s in strings)
    ids = torch.zeros(len(strings), T, dtype=torch.long)
    mask = torch.zeros(len(strings), T, dtype=torch.bool)
    for i, s in enumerate(strings):
        ids[i, :len(s)] = torch.tensor(s)
        mask[i, :len(s)] = True
    return ids, mask


def test_batched_reference_equals_the_stored_vectors(source_dir):
    """tests/data holds outputs written string by string; the padded batch gives the same numbers."""
    files = sorted(glob.glob(os.path.join(source_dir, "tests", "data", "*.safetensors")))
    assert len(files) >= 8
    for path in files:
        tensors, meta = read_safetensors(path)
        cfg = json.loads(meta["config"])
        model = st.SaturnModel(cfg).double()
        model.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("param.")})
        off, tokens = tensors["offsets"].long().tolist(), tensors["tokens"].long().tolist()
        strings = [tokens[off[i]:off[i + 1]] for i in range(len(off) - 1)]
        ids, mask = padded(strings)
        for key in (k for k in tensors if k.startswith("outputs.")):
            with torch.no_grad():
                out = model(ids, mask, key[len("outputs."):])
            flat = out if out.dim() == 1 else torch.cat([out[i, :len(s)].reshape(-1) for i, s in enumerate(strings)])
            torch.testing.assert_close(flat, tensors[key], rtol=0, atol=1e-12, msg=f"{path} {key}")


@pytest.mark.parametrize("head", ["classify", "next_symbols", "lm"])
def test_saturn_model_and_torch_module_agree_in_every_mode(head):
    cfg = dict(vocab=4, tokens=["a", "b", "c", "<bos>"], bos_id=3, d_model=8, n_layers=2, n_heads=2, d_ff=12,
               activation="relu", layer_norm="pre", positional="learned", max_len=12, causal=head != "classify",
               head=head, readout="last", n_outputs=dict(classify=1, next_symbols=4, lm=5)[head])
    if head == "lm":
        cfg.update(vocab=5, tokens=["a", "b", "c", "<bos>", "<eos>"])
    model = saturn.Model(cfg, seed=4, dtype="float64")
    module = st.from_model(model)
    strings = ["abca", "", "bb", "cabcabc"]
    ids, mask = st.encode(model.tokenizer, strings)
    for mode in MODES:
        ours = model.evaluate(strings, mode=mode, attention=True)
        att = []
        with torch.no_grad():
            theirs = module(ids, mask, mode, attention=att)
        if head == "classify":
            np.testing.assert_allclose(ours["readout_logit"], theirs.numpy(), rtol=0, atol=1e-10, err_msg=mode)
        else:
            np.testing.assert_allclose(ours["logits"], theirs.numpy(), rtol=0, atol=1e-10, err_msg=mode)
        m = ours["mask"]
        for layer, w in enumerate(att):
            w = w.numpy() * m[:, None, :, None] * m[:, None, None, :]
            np.testing.assert_allclose(ours["attention"][:, layer], w, rtol=0, atol=1e-10, err_msg=mode)


def test_trained_in_saturn_gives_the_same_logits_in_torch(trained):
    model, _, run = trained
    module = st.load(os.path.join(run, "model"))  # the folder the C++ trainer wrote (F32)
    strings = ["1", "0110", "111", "01010101010"]
    ids, mask = st.encode(model.tokenizer, strings)
    for mode in ["softmax", "saturated", "scaled:4"]:
        with torch.no_grad():
            theirs = module(ids, mask, mode).numpy()
        np.testing.assert_allclose(model.evaluate(strings, mode)["readout_logit"], theirs, rtol=0, atol=1e-9)


def test_torch_module_saved_by_the_package_evaluates_the_same_in_saturn(tmp_path):
    cfg = dict(vocab=4, tokens=["a", "b", "c", "<bos>"], bos_id=3, d_model=8, n_layers=1, n_heads=2, d_ff=8,
               activation="gelu", layer_norm="post", positional="sinusoidal", max_len=16, causal=True,
               head="classify", readout="mean", n_outputs=1)
    torch.manual_seed(0)
    module = st.SaturnModel(cfg).double()
    with torch.no_grad():
        for p in module.parameters():
            p.add_(0.5 * torch.randn_like(p))
    st.save(module, None, tmp_path / "m")
    st.save(module.state_dict(), cfg, tmp_path / "sd")
    strings = ["abc", "c", "", "aabbcc"]
    for folder in ["m", "sd"]:
        model = saturn.load_model(tmp_path / folder)
        ids, mask = st.encode(model.tokenizer, strings)
        assert model.dtype == "float64"
        for mode in ["softmax", "hard_right", "saturated"]:
            with torch.no_grad():
                theirs = module(ids, mask, mode).numpy()
            np.testing.assert_allclose(model.evaluate(strings, mode)["readout_logit"], theirs, rtol=0, atol=1e-10)
    back = st.to_model(module)
    for name, a in back.parameters().items():
        np.testing.assert_array_equal(a, module.state_dict()[name].numpy())


def test_save_refuses_tensors_that_do_not_fit_the_config(tmp_path):
    cfg = dict(vocab=4, tokens=["a", "b", "c", "<bos>"], bos_id=3, d_model=8, n_layers=1, n_heads=2, d_ff=8,
               max_len=8, layer_norm="pre", positional="learned", head="classify", n_outputs=1)
    state = st.SaturnModel(cfg).state_dict()
    del state["head.bias"]
    state["extra"] = torch.zeros(1)
    state["embed.weight"] = torch.zeros(5, 8)
    with pytest.raises(ValueError, match=r"missing tensor 'head.bias'.*unexpected tensor 'extra'.*embed.weight"):
        st.save(state, cfg, tmp_path / "bad")
    assert not os.path.exists(tmp_path / "bad")


def test_modes_are_parsed_like_the_cli():
    with pytest.raises(ValueError):
        st.parse_mode("scaled:0")
    assert st.parse_mode("hard") == ("hard_left", None)
    assert st.parse_mode("saturated:0.05") == ("saturated", 0.05)
