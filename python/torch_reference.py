"""PyTorch reference of Saturn's transformer (transformer/config.h, docs/model.md).

The same architecture with the same parameter names, so weights move both ways:
  embed.weight [V,d]; pos.weight [max_len,d] (learned); layers.{i}.attn.{q,k,v,o}.{weight,bias};
  layers.{i}.ln1/ln2.{weight,bias}; layers.{i}.ffn.fc1/fc2.{weight,bias}; ln_f.{weight,bias};
  head.{weight,bias}.
Every string is prepended with BOS. `forward(ids, mask, mode)` evaluates a padded batch (ids (B, T),
mask (B, T) True on real positions, padding after each string's end: padded keys are masked out of
every attention row); `outputs(tokens, mode)` is one string (a batch of one). Attention modes (the
same as saturated_transformer/eval_mode.h; anything else raises ValueError):
  softmax; temperature:C (softmax of C x scores); scaled:RHO (every parameter x RHO, in softmax);
  saturated (uniform over the scores tying the maximum, relative tolerance 1e-9);
  saturated:TOL (uniform over the scores within TOL of the maximum, absolute, TOL finite >= 0);
  hard_left, alias hard (leftmost tying maximum); hard_right (rightmost tying maximum).
Every mode acts on the scores s = round_G(c q.k / sqrt(D)) of the config's attention_scale c (default 1)
and score_rounding G (default 0: no rounding), with a straight-through gradient through the rounding.
Model directories (config.json + model.safetensors) are read and written with
a small safetensors implementation (the format is an 8-byte header length, a JSON header, raw
little-endian data).

Run with Debian's interpreter: /usr/bin/python3 (python3-torch).
"""
import copy
import json
import math
import re
import struct

import torch
from torch import nn

TIE_TOLERANCE = 1e-9
NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?|-?(inf|infinity|nan)", re.IGNORECASE)


def places(cfg):
    """(ln1, ln2, ln_f, ln_on_qk, ln_on_v) for a config's layer_norm setting."""
    ln = cfg.get("layer_norm", "pre")
    if ln == "post":
        return True, True, False, False, False
    if ln == "none":
        return False, False, False, False, False
    if ln == "pre":
        attn, mlp, final = "qkv", True, True
    else:
        attn, mlp, final = ln.get("attn", "none"), ln.get("mlp", False), ln.get("final", False)
    return attn != "none", mlp, final, attn in ("qkv", "qk"), attn in ("qkv", "v")


def sinusoid(max_len, d, dtype):
    p = torch.zeros(max_len, d, dtype=dtype)
    for t in range(max_len):
        for j in range(0, (d + 1) // 2):
            angle = t / 10000.0 ** (2.0 * j / d)
            p[t, 2 * j] = math.sin(angle)
            if 2 * j + 1 < d:
                p[t, 2 * j + 1] = math.cos(angle)
    return p


def parse_mode(mode):
    """(kind, value) of an attention mode string; raises ValueError for anything unknown or malformed."""
    kind, colon, text = mode.partition(":")
    valued = {"temperature": False, "scaled": False, "saturated": True}  # name -> zero allowed
    if kind in ("softmax", "hard", "hard_left", "hard_right") or (kind == "saturated" and not colon):
        if colon:
            raise ValueError(f"mode '{mode}' takes no value")
        return ("hard_left" if kind == "hard" else kind), None
    if kind not in valued:
        raise ValueError(f"unknown mode '{mode}' (softmax, temperature:C, scaled:RHO, saturated, saturated:TOL, "
                         "hard_left (alias hard), hard_right)")
    if not colon:
        raise ValueError(f"mode '{mode}' needs a value, e.g. {kind}:8")
    # a plain decimal number, as C++'s std::from_chars reads it (no '+', spaces or '_')
    value = float(text) if NUMBER.fullmatch(text) else float("nan")
    if not math.isfinite(value) or value < 0 or (value == 0 and not valued[kind]):
        need = "finite non-negative" if valued[kind] else "positive"
        raise ValueError(f"mode '{mode}': '{text}' is not a {need} number")
    return kind, value


def attention_weights(scores, mode):
    """Row-wise attention weights of raw scores (..., T, T) with -inf on masked keys.

    scaled:RHO changes the parameters, not the weights: here it is softmax (see SaturnModel.outputs).
    """
    kind, value = parse_mode(mode)
    if kind in ("softmax", "scaled"):
        return torch.softmax(scores, dim=-1)
    if kind == "temperature":
        return torch.softmax(scores * value, dim=-1)
    m = scores.max(dim=-1, keepdim=True).values
    if kind == "saturated" and value is not None:
        tie = (m - scores) <= value
    else:
        tie = (m - scores) <= TIE_TOLERANCE * torch.clamp(m.abs(), min=1.0)
    tie = tie & torch.isfinite(scores)
    if kind == "saturated":
        w = tie.to(scores.dtype)
        return w / w.sum(dim=-1, keepdim=True)
    if kind == "hard_left":
        first = torch.cumsum(tie.to(torch.int64), dim=-1) == 1
        return (tie & first).to(scores.dtype)
    # hard_right: the tie with no tie after it
    last = torch.flip(torch.cumsum(torch.flip(tie.to(torch.int64), dims=[-1]), dim=-1), dims=[-1]) == 1
    return (tie & last).to(scores.dtype)


class Layer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, f, bias = cfg["d_model"], cfg["d_ff"], cfg.get("attn_bias", True)
        self.attn = nn.Module()
        for name in "qkvo":
            setattr(self.attn, name, nn.Linear(d, d, bias=bias))
        ln1, ln2, _, _, _ = places(cfg)
        eps = cfg.get("ln_eps", 1e-5)
        if ln1:
            self.ln1 = nn.LayerNorm(d, eps=eps)
        if ln2:
            self.ln2 = nn.LayerNorm(d, eps=eps)
        self.ffn = nn.Module()
        self.ffn.fc1 = nn.Linear(d, f)
        self.ffn.fc2 = nn.Linear(f, d)


class SaturnModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["d_model"]
        self.embed = nn.Embedding(cfg["vocab"], d)
        if cfg.get("positional", "learned") == "learned":
            self.pos = nn.Embedding(cfg.get("max_len", 256), d)
        self.layers = nn.ModuleList([Layer(cfg) for _ in range(cfg["n_layers"])])
        _, _, lnf, _, _ = places(cfg)
        if lnf:
            self.ln_f = nn.LayerNorm(d, eps=cfg.get("ln_eps", 1e-5))
        self.head = nn.Linear(d, cfg.get("n_outputs", 1))

    def _attention(self, layer, q_in, k_in, v_in, mode, key_mask):
        """Attention of a padded batch: inputs (B, T, d); key_mask (B, T) True on real positions."""
        cfg = self.cfg
        B, T, d = q_in.shape
        H = cfg["n_heads"]
        D = d // H
        q = layer.attn.q(q_in).view(B, T, H, D).transpose(1, 2)  # (B, H, T, D)
        k = layer.attn.k(k_in).view(B, T, H, D).transpose(1, 2)
        v = layer.attn.v(v_in).view(B, T, H, D).transpose(1, 2)
        # s = round_G(c q.k / sqrt(D)) (transformer/layers/attention.h): c = attention_scale, G = score_rounding
        # (nearest multiple, halves to even as torch.round); every mode acts on s. Straight-through
        # backward: the rounding's gradient is the identity.
        scores = q @ k.transpose(-1, -2) * (cfg.get("attention_scale", 1.0) / math.sqrt(D))  # (B, H, T, T) [query][key]
        grid = cfg.get("score_rounding", 0.0)
        if grid > 0:
            # the rounded values exactly (ties stay exact), the gradient of the unrounded scores
            scores = (torch.round(scores / grid) * grid).detach() + (scores - scores.detach())
        masked = ~key_mask[:, None, None, :]
        if cfg.get("causal", False):
            masked = masked | torch.ones(T, T, dtype=torch.bool).triu(1)
        scores = scores.masked_fill(masked, float("-inf"))
        w = attention_weights(scores, mode)
        out = (w @ v).transpose(1, 2).reshape(B, T, d)
        return layer.attn.o(out), w

    def _ffn(self, layer, x):
        h = layer.ffn.fc1(x)
        h = torch.relu(h) if self.cfg.get("activation", "relu") == "relu" else torch.nn.functional.gelu(h)
        return layer.ffn.fc2(h)

    def scaled(self, rho):
        """A copy with every parameter multiplied by rho: f(x; rho * theta) (Merrill et al. 2021).
        Sinusoidal positions, ln_eps and the readout scale alpha are not parameters."""
        model = copy.deepcopy(self)
        with torch.no_grad():
            for p in model.parameters():
                p.mul_(rho)
        return model

    def batch_states(self, ids, mask=None, mode="softmax", attention=None):
        """Final states (B, T, d) of a padded batch: ids (B, T) token ids with BOS first, mask (B, T)
        True on each string's positions (padding after its end; None: no padding). Padded rows
        are computed but meaningless. `attention`, a list, receives each layer's weights
        (B, H, T, T) [query][key]."""
        kind, value = parse_mode(mode)
        if kind == "scaled":
            return self.scaled(value).batch_states(ids, mask, attention=attention)
        cfg = self.cfg
        ids = torch.as_tensor(ids)
        B, T = ids.shape
        mask = torch.ones(B, T, dtype=torch.bool) if mask is None else torch.as_tensor(mask, dtype=torch.bool)
        x = self.embed(ids)
        kind = cfg.get("positional", "learned")
        if kind == "learned":
            x = x + self.pos.weight[:T]
        elif kind == "sinusoidal":
            x = x + sinusoid(cfg.get("max_len", 256), cfg["d_model"], x.dtype)[:T]
        ln1, ln2, lnf, qk, vv = places(cfg)
        for layer in self.layers:
            if cfg.get("layer_norm", "pre") == "post":
                a, w = self._attention(layer, x, x, x, mode, mask)
                x = layer.ln1(x + a)
                x = layer.ln2(x + self._ffn(layer, x))
            else:
                n = layer.ln1(x) if ln1 else x
                a, w = self._attention(layer, n if qk else x, n if qk else x, n if vv else x, mode, mask)
                x = x + a
                x = x + self._ffn(layer, layer.ln2(x) if ln2 else x)
            if attention is not None:
                attention.append(w)
        if lnf:
            x = self.ln_f(x)
        return x

    def forward(self, ids, mask=None, mode="softmax", attention=None):
        """Outputs of a padded batch (see batch_states): classify: the readout logits (B);
        other heads: logits (B, T, n_outputs), zero on padding. Every mode of parse_mode."""
        kind, value = parse_mode(mode)
        if kind == "scaled":
            return self.scaled(value).forward(ids, mask, attention=attention)
        cfg = self.cfg
        ids = torch.as_tensor(ids)
        mask = torch.ones(ids.shape, dtype=torch.bool) if mask is None else torch.as_tensor(mask, dtype=torch.bool)
        z = self.batch_states(ids, mask, mode, attention)
        alpha = cfg.get("readout_scale", 1.0)
        if cfg.get("head", "classify") == "classify":
            r = cfg.get("readout", "bos")
            if r == "bos":
                h = z[:, 0]
            elif r == "last":
                h = z[torch.arange(z.shape[0]), mask.sum(dim=1) - 1]
            else:
                m = mask.to(z.dtype)[:, :, None]
                h = (z * m).sum(dim=1) / m.sum(dim=1)
            return alpha * self.head(h)[:, 0]
        return alpha * self.head(z) * mask.to(z.dtype)[:, :, None]

    def states(self, tokens, mode="softmax"):
        """Final states (T, d) of one string given as token ids (BOS included)."""
        return self.batch_states(torch.tensor([tokens]), None, mode)[0]

    def outputs(self, tokens, mode="softmax"):
        """classify: the logit (scalar); other heads: logits (T, n_outputs)."""
        return self.forward(torch.tensor([tokens]), None, mode)[0]

    def loss(self, batch):
        """Mean over strings of each string's loss (see docs/model.md)."""
        cfg = self.cfg
        head = cfg.get("head", "classify")
        total = 0.0
        for i, tokens in enumerate(batch["strings"]):
            out = self.outputs(tokens)
            if head == "classify":
                total = total + nn.functional.binary_cross_entropy_with_logits(out, torch.tensor(batch["labels"][i], dtype=out.dtype))
            elif head == "next_symbols":
                y = torch.tensor(batch["targets"][i], dtype=out.dtype)
                total = total + nn.functional.binary_cross_entropy_with_logits(out, y)
            else:
                # -1 marks a position without a target (Saturn's ignored next token)
                total = total + nn.functional.cross_entropy(out, torch.tensor(batch["next_tokens"][i]), ignore_index=-1)
        return total / len(batch["strings"])


# --- safetensors ------------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        t = t.detach().contiguous()
        dtype = {torch.float32: "F32", torch.float64: "F64"}[t.dtype]
        data = t.numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - (len(h) + 8) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out, meta = {}, header.pop("__metadata__", {})
    for name, e in header.items():
        dtype = {"F32": torch.float32, "F64": torch.float64}[e["dtype"]]
        b, end = e["data_offsets"]
        out[name] = torch.frombuffer(bytearray(body[b:end]), dtype=dtype).reshape(e["shape"]).clone()
    return out, meta


def load_model_dir(path, dtype=torch.float64):
    with open(f"{path}/config.json") as f:
        cfg = json.load(f)
    model = SaturnModel(cfg).to(dtype)
    tensors, _ = read_safetensors(f"{path}/model.safetensors")
    model.load_state_dict({k: v.to(dtype) for k, v in tensors.items()}, strict=True)
    return model


def save_model_dir(model, path):
    import os
    os.makedirs(path, exist_ok=True)
    with open(f"{path}/config.json", "w") as f:
        json.dump(model.cfg, f, indent=2)
    write_safetensors(f"{path}/model.safetensors", dict(model.state_dict()), {"format": "saturn"})
