"""Writes small test vectors for Saturn's C++ tests to tests/data/: for each config, random
weights, a few strings with targets, the loss, every gradient (float64), and the outputs in
softmax, saturated, hard and temperature:4 modes, plus a case's own extra modes (outputs.<mode>).

Run: /usr/bin/python3 python/dump_test_vectors.py [CASE ...]
With case names, only those files are written and only their entries of index.json replaced: the
dump is not bit-reproducible across PyTorch builds (sums in another order), so existing vectors
are left as they are when a case is added.
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
    # Genuine ties and near-ties: layer 0's key weights are zero, so every key of a row has the same
    # score (an exact tie) while the values differ by position (learned positions): hard_left reads
    # BOS, hard_right the last position. Layer 1's key weights are tiny, so its scores differ by
    # near-ties far below TOL = 0.05 (and far above the strict band): saturated:0.05 averages them
    # where saturated picks the strict maximum.
    "ties_zero_keys": dict(key_weight_scale=[0.0, 1e-4],
                           extra_modes=["hard_left", "hard_right", "saturated:0.05", "scaled:2"]),
    # The same ties in a causal next_symbols model without positions (repeated tokens tie exactly in
    # every layer's keys when the key weights are zero) and with a relu MLP.
    "ties_nopos_causal_next_symbols": dict(key_weight_scale=[0.0, 1e-4], positional="none", causal=True,
                                           head="next_symbols", n_outputs=4, activation="relu",
                                           extra_modes=["hard_left", "hard_right", "saturated:0.05", "scaled:3"]),
    # Issue 11 section 3: scores s = round_G(c q.k / sqrt(D)) with c = attention_scale 2.5 and
    # G = score_rounding 0.25 (straight-through gradient); rounding creates exact ties, so hard_left
    # and hard_right differ, and saturated:0.3 (above one grid step) merges neighbouring grid values.
    "rounded_scores_attention_scale": dict(attention_scale=2.5, score_rounding=0.25, causal=True, readout="last",
                                           extra_modes=["hard_left", "hard_right", "saturated:0.3"]),
}
BASE_MODES = ("softmax", "saturated", "hard", "temperature:4")


def main(only):
    unknown = [c for c in only if c not in CASES]
    if unknown:
        sys.exit(f"unknown case(s) {unknown}; cases: {list(CASES)}")
    os.makedirs(OUT, exist_ok=True)
    index_path = os.path.join(OUT, "index.json")
    index = {}
    if only and os.path.exists(index_path):
        with open(index_path) as f:
            index = json.load(f)
    for n, (name, over) in enumerate(CASES.items()):
        if only and name not in only:
            continue
        over = dict(over)
        ignore_all_but_last = over.pop("ignore_all_but_last", False)
        key_weight_scale = over.pop("key_weight_scale", None)
        extra_modes = over.pop("extra_modes", [])
        cfg = dict(BASE, **over)
        torch.manual_seed(100 + n)
        model = SaturnModel(cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(0.3 * torch.randn_like(p))
            for layer, scale in enumerate(key_weight_scale or []):
                model.layers[layer].attn.k.weight.mul_(scale)
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
            for mode in BASE_MODES + tuple(extra_modes):
                outs = [model.outputs(s, mode).reshape(-1) for s in strings]
                tensors["outputs." + mode] = torch.cat(outs)
        if extra_modes:
            # the tie cases must tell the modes apart, or their comparison says little
            def differ(a, b):
                return (tensors["outputs." + a] - tensors["outputs." + b]).abs().max().item() > 1e-6
            tol = next(m for m in extra_modes if m.startswith("saturated:"))
            assert differ("hard_left", "hard_right"), name
            assert differ(tol, "saturated"), name
            assert not differ("hard", "hard_left"), name
        write_safetensors(os.path.join(OUT, name + ".safetensors"), tensors, {"config": json.dumps(cfg)})
        index[name] = {"loss": float(loss)}
        print(name, float(loss))
    with open(index_path, "w") as f:
        json.dump(index, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
