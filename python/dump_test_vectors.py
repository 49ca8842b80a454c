"""Writes small test vectors for Saturn's C++ tests to tests/data/: for each config, random
weights, a few strings with targets, the loss, every gradient (float64), the outputs in softmax
mode, and the classifier outputs in saturated and hard modes.

Run: /usr/bin/python3 python/dump_test_vectors.py
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from torch_reference import SaturnModel, write_safetensors  # noqa: E402

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "data")

BASE = dict(vocab=4, tokens=["a", "b", "c", "<bos>"], bos_id=3, d_model=8, n_layers=2, n_heads=2, d_ff=12,
            activation="gelu", layer_norm="pre", ln_eps=1e-5, attn_bias=True, positional="learned", max_len=12,
            causal=False, head="classify", readout="bos", readout_scale=1.0, n_outputs=1)

CASES = {
    "pre_learned_classify": {},
    "post_sinusoidal_classify_causal_last": dict(layer_norm="post", positional="sinusoidal", causal=True, readout="last"),
    "none_nopos_classify_mean_relu": dict(layer_norm="none", positional="none", readout="mean", activation="relu"),
    "qk_next_symbols_causal": dict(layer_norm={"attn": "qk", "mlp": False, "final": True}, head="next_symbols",
                                   n_outputs=4, causal=True),
    "v_mlp_lm": dict(layer_norm={"attn": "v", "mlp": True, "final": False}, head="lm", n_outputs=5, vocab=5,
                     tokens=["a", "b", "c", "<bos>", "<eos>"]),
    "nobias_scaled_readout": dict(attn_bias=False, readout_scale=1.7, ln_eps=0.0),
    # grokking's set-up: lm head with only the last position counted (next token -1 elsewhere)
    "grok_last_position_lm": dict(layer_norm={"attn": "qkv", "mlp": True, "final": False}, head="lm", n_outputs=5,
                                  vocab=5, tokens=["a", "b", "c", "<bos>", "<eos>"], activation="relu",
                                  attn_bias=False, ln_eps=0.0, readout_scale=1.25, ignore_all_but_last=True),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    index = {}
    for n, (name, over) in enumerate(CASES.items()):
        over = dict(over)
        ignore_all_but_last = over.pop("ignore_all_but_last", False)
        cfg = dict(BASE, **over)
        torch.manual_seed(100 + n)
        model = SaturnModel(cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.3 * torch.randn_like(p))
        g = torch.Generator().manual_seed(7 + n)
        lengths = [3, 1, 5, 0]
        strings, labels, targets, next_tokens = [], [], [], []
        for L in lengths:
            w = torch.randint(0, 3, (L,), generator=g).tolist()
            strings.append([cfg["bos_id"]] + w)
            labels.append(float(torch.randint(0, 2, (1,), generator=g)))
            targets.append(torch.randint(0, 2, (L + 1, cfg["n_outputs"]), generator=g).double().tolist())
            if ignore_all_but_last:
                next_tokens.append([-1] * L + [int(torch.randint(0, cfg["vocab"], (1,), generator=g))])
            else:
                next_tokens.append(w + [cfg["vocab"] - 1])
        batch = dict(strings=strings, labels=labels, targets=targets, next_tokens=next_tokens)
        loss = model.loss(batch)
        loss.backward()
        tensors = {}
        for pname, p in model.named_parameters():
            tensors["param." + pname] = p.detach().clone()
            tensors["grad." + pname] = p.grad.detach().clone()
        flat_tokens = [t for s in strings for t in s]
        offsets = [0]
        for s in strings:
            offsets.append(offsets[-1] + len(s))
        tensors["tokens"] = torch.tensor(flat_tokens, dtype=torch.float64)
        tensors["offsets"] = torch.tensor(offsets, dtype=torch.float64)
        tensors["labels"] = torch.tensor(labels)
        tensors["targets"] = torch.tensor([row for t in targets for row in t]).reshape(-1)
        tensors["next_tokens"] = torch.tensor([t for s in next_tokens for t in s], dtype=torch.float64)
        tensors["loss"] = loss.detach().reshape(1)
        with torch.no_grad():
            for mode in ("softmax", "saturated", "hard", "temperature:4"):
                outs = [model.outputs(s, mode).reshape(-1) for s in strings]
                tensors["outputs." + mode] = torch.cat(outs)
        write_safetensors(os.path.join(OUT, name + ".safetensors"), tensors, {"config": json.dumps(cfg)})
        index[name] = {"loss": float(loss)}
        print(name, float(loss))
    with open(os.path.join(OUT, "index.json"), "w") as f:
        json.dump(index, f, indent=2)


if __name__ == "__main__":
    main()
