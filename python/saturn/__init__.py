"""Saturn from Python: formal languages, task splits, models, the saturated-attention verifier and
analyses, and training, over the C++ libraries (docs/python.md).

    >>> import saturn
    >>> saturn.language("dyck:k=2").count(20)
    17199104

The C++ extension `_saturn` is built by CMake (python/CMakeLists.txt) into <build>/python/;
scripts/build.sh makes both folders importable with a .pth file. `saturn.torch` (imported on its
own: it loads PyTorch) holds the PyTorch side: the reference model, save/load of model folders.
"""
try:
    import _saturn
except ImportError as e:  # pragma: no cover - only when the extension was not built
    raise ImportError(
        "the saturn package needs its C++ extension _saturn, built by `bash scripts/build.sh` into build/python "
        f"(which the .pth file it writes puts on sys.path); {e}") from e

from _saturn import (DivergedError, Error, Language, Model, NoMembersError, Split, TaskFile, Tokenizer,
                     gemm_backend, git_revision, language, languages, load_tasks)

__all__ = ["Error", "NoMembersError", "DivergedError", "Language", "Model", "Split", "TaskFile", "Tokenizer",
           "language", "languages", "load_tasks", "load_model", "verify", "saturation_study", "analyse_heads",
           "robustness_study", "score_gaps", "train", "as_table", "git_revision", "gemm_backend"]


def load_model(path, dtype=None):
    """A model directory (config.json + model.safetensors); dtype None keeps the file's."""
    return Model.load(str(path), dtype)


def as_table(records):
    """A pandas DataFrame of a list of dicts when pandas is installed, else the list itself."""
    try:
        import pandas
    except ImportError:
        return records
    return pandas.DataFrame.from_records(records)


def verify(model, language, max_length, mode="saturated", *, min_length=0, long_samples=0, long_length=None,
           seed=1, max_counterexamples=5, max_strings=100_000_000):
    """Exhaustive verification (as `saturn verify`): every string of length <= max_length decided by
    `model` in `mode` against `language` (a Language or a spec), then `long_samples` members and
    non-members at lengths long_length=(lo, hi). Returns a dict: exact, exhaustive/sampled counts
    (checked, false_accepts, false_rejects, accuracy, the shortest counterexamples), timing."""
    if isinstance(model, str):
        model = load_model(model)
    return _saturn._verify(model, language, int(max_length), mode, min_length, long_samples,
                           None if long_length is None else tuple(long_length), seed, max_counterexamples,
                           max_strings)


def _labelled_sets(sets):
    """[(name, strings, labels)] from Splits, a dict {name: (strings, labels)} or such triples."""
    if isinstance(sets, dict):
        return [(name, list(s), [bool(x) for x in l]) for name, (s, l) in sets.items()]
    out = []
    for s in sets:
        if isinstance(s, Split):
            out.append((s.name, list(s.strings), [bool(x) for x in s.labels]))
        else:
            name, strings, labels = s
            out.append((name, list(strings), [bool(x) for x in labels]))
    return out


def saturation_study(model, sets, modes=("softmax", "saturated", "hard"), max_power=20, saturation_scale=1000.0,
                     max_inputs=2000):
    """The saturation study (saturated_transformer/saturation_study.h) on labelled sets (Splits,
    {name: (strings, labels)} or (name, strings, labels) triples): accuracy per mode and set, the
    agreement of temperature:C and scaled:RHO with saturated as C, RHO grow, the saturation score
    per layer. Returns a dict."""
    return _saturn._saturation_study(model, _labelled_sets(sets), list(modes), max_power, saturation_scale,
                                     max_inputs)


def analyse_heads(model, strings, support_mode="scaled:1000", threshold=1e-5, local_max=2):
    """Per layer and head (saturated_transformer/head_analysis.h): support sizes, entropy and the
    head's kind (local, uniform, global, mixed). Returns a list of dicts (as_table makes a
    DataFrame when pandas is installed)."""
    return _saturn._analyse_heads(model, list(strings), support_mode, threshold, local_max)


def train(task, tasks="tasks.yaml", *, overrides=(), out=None, threads=0, eval_every=None, callback=None):
    """Trains a language task of a task file (as `saturn train`), with the GIL released.

    overrides are `--set` strings for this task ('model.d_model=16'); out, when given, is the run
    folder (metrics.jsonl, checkpoint/, model/; an existing checkpoint there is resumed);
    callback(step, scores) is called after every periodic evaluation (every `eval_every` steps,
    default the task's training.eval_every) with {split: {'loss', 'accuracy', 'strings'}}.
    Returns (model, summary) with summary as `saturn train` writes summary.json."""
    return _saturn._train(task, str(tasks), list(overrides), "" if out is None else str(out), threads, eval_every,
                          callback)


def robustness_study(model, sets, max_power=20, families=("scaled", "temperature"), heads=True,
                     saturated="saturated", threshold=-1.0, max_per_set=500):
    """Saturation robustness (saturated_transformer/robustness.h, `saturn saturate`): accuracy per
    set as scaled:RHO / temperature:C grow to 2^max_power with each family's critical scale, and per
    head the accuracy with that head alone saturated (and alone softmax). Returns a dict."""
    return _saturn._robustness_study(model, _labelled_sets(sets), max_power, list(families), heads, saturated,
                                     threshold, max_per_set)


def score_gaps(model, strings):
    """Per head (saturated_transformer/score_gaps.h): the gaps between each attention row's maximum
    and the other scores (same / different token) and the head's diagnosis. A list of dicts."""
    return _saturn._score_gaps(model, list(strings))
