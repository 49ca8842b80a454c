"""PyTorch interop in pure Python: Saturn's model folders <-> torch modules (docs/python.md).

    save(module_or_state_dict, config, dir)   config.json + model.safetensors (the package's own
                                              safetensors writer: Debian has no safetensors module)
    load(dir, dtype=torch.float64)            the reference model (python/torch_reference.py), an nn.Module
    from_model(saturn.Model)                  the same module from a model in memory (no files)
    to_model(module_or_state_dict, config)    a saturn.Model from torch weights (no files)
    encode(tokenizer, strings)                padded (ids, mask) torch tensors for SaturnModel.forward

The reference model evaluates padded batches (`module(ids, mask, mode)`) in every attention mode:
softmax, temperature:C, scaled:RHO, saturated, saturated:TOL, hard_left (alias hard), hard_right.
"""
import json
import os

import numpy as np
import torch

import _saturn
from torch_reference import SaturnModel, attention_weights, load_model_dir, parse_mode, write_safetensors

__all__ = ["SaturnModel", "save", "load", "from_model", "to_model", "encode", "attention_weights", "parse_mode"]


def _state_dict(module_or_state_dict):
    if isinstance(module_or_state_dict, torch.nn.Module):
        return module_or_state_dict.state_dict()
    return dict(module_or_state_dict)


def _config_of(module_or_state_dict, config):
    if config is None:
        config = getattr(module_or_state_dict, "cfg", None)
        if config is None:
            raise ValueError("save: give the model config (a dict of config.json's fields)")
    return dict(config)


def _checked(state, config):
    """The state dict's tensors in the reference model's order, after checking names and shapes
    against the tensors `config` needs (one ValueError listing every problem)."""
    expected = SaturnModel(config).state_dict()
    problems = [f"missing tensor '{n}' {list(t.shape)}" for n, t in expected.items() if n not in state]
    problems += [f"unexpected tensor '{n}'" for n in state if n not in expected]
    problems += [f"tensor '{n}' has shape {list(state[n].shape)}, the config needs {list(t.shape)}"
                 for n, t in expected.items() if n in state and tuple(state[n].shape) != tuple(t.shape)]
    if problems:
        raise ValueError("; ".join(problems))
    out = {}
    for name in expected:
        t = torch.as_tensor(state[name]).detach().cpu()
        if t.dtype not in (torch.float32, torch.float64):
            t = t.to(torch.float64)
        out[name] = t.contiguous()
    return out


def save(module_or_state_dict, config, path):
    """Writes a model folder Saturn reads (saturn.Model.load, `saturn eval --model`): config.json
    (config, a dict of config.json's fields; None takes module.cfg) and model.safetensors (the
    tensors in their dtype, float32 or float64)."""
    config = _config_of(module_or_state_dict, config)
    tensors = _checked(_state_dict(module_or_state_dict), config)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    write_safetensors(os.path.join(path, "model.safetensors"), tensors, {"format": "saturn"})


def load(path, dtype=torch.float64):
    """The reference nn.Module of a model folder (written by Saturn or by save)."""
    return load_model_dir(str(path), dtype)


def from_model(model, dtype=torch.float64):
    """The reference nn.Module holding a saturn.Model's weights (copied)."""
    module = SaturnModel(model.config).to(dtype)
    params = model.parameters()
    module.load_state_dict({n: torch.from_numpy(np.array(a)).to(dtype) for n, a in params.items()}, strict=True)
    return module


def to_model(module_or_state_dict, config=None, dtype="float64"):
    """A saturn.Model with the weights of a torch module or state dict (copied)."""
    config = _config_of(module_or_state_dict, config)
    tensors = _checked(_state_dict(module_or_state_dict), config)
    model = _saturn.Model(config, 1, dtype)
    for name, view in model.parameters().items():
        view[...] = tensors[name].numpy()
    return model


def encode(tokenizer, strings):
    """(ids, mask) as torch tensors (long, bool) for SaturnModel.forward."""
    ids, mask = tokenizer.encode(list(strings))
    return torch.from_numpy(ids), torch.from_numpy(mask)
