"""Writes a scaled-down copy of a task file for the README examples test (readme_examples_test.sh):
the same tasks and suites, every kind's sizes capped so that each suite runs in seconds, every
sweep axis cut to its first two values. Usage: shorten_tasks.py IN OUT (Debian's python3-yaml)."""
import sys

import yaml

CAPS = {  # (section, key): cap
    ("training", "steps"): 20, ("training", "batch_size"): 16, ("training", "batch"): 16,
    ("training", "warmup"): 5, ("training", "log_every"): 5, ("training", "eval_every"): 10,
    ("training", "checkpoint_every"): 10, ("training", "record_every"): 5, ("training", "test_size"): 32,
    ("train", "size"): 100, ("test", "size"): 40,
    ("analysis", "verify_length"): 6, ("analysis", "verify_budget"): 300, ("analysis", "saturation_every"): 10,
    ("analysis", "saturation_strings"): 20, ("analysis", "study_power"): 4, ("analysis", "robustness_power"): 4,
    ("data", "modulus"): 23, ("data", "seq_len"): 16, ("data", "num_common"): 4, ("data", "num_unique_per_next"): 4,
    ("model", "d_model"): 32, ("model", "d_ff"): 64,
}
TOP_CAPS = {"record_every": 5}


def shorten(task):
    # Every kind has training.steps, with defaults in the hundreds or thousands where it is unset.
    if not isinstance(task.get("training"), dict):
        task["training"] = {}
    task["training"]["steps"] = min(task["training"].get("steps", CAPS[("training", "steps")]), CAPS[("training", "steps")])
    for (section, key), cap in CAPS.items():
        s = task.get(section)
        if isinstance(s, dict) and isinstance(s.get(key), (int, float)) and not isinstance(s.get(key), bool):
            s[key] = min(s[key], cap)
    for key, cap in TOP_CAPS.items():
        if isinstance(task.get(key), int):
            task[key] = min(task[key], cap)
    sweep = task.get("sweep")
    if isinstance(sweep, dict):
        for axis, values in sweep.items():
            if isinstance(values, list):
                sweep[axis] = values[:2]
            elif isinstance(values, dict):
                sweep[axis] = dict(list(values.items())[:2])
            if axis in ("data.num_last",):
                sweep[axis] = [min(v, 2) for v in sweep[axis]]


def main():
    with open(sys.argv[1]) as f:
        doc = yaml.safe_load(f)
    for task in doc.get("tasks", {}).values():
        shorten(task)
    with open(sys.argv[2], "w") as f:
        f.write("# Scaled down from %s by tests/faults/shorten_tasks.py\n" % sys.argv[1])
        yaml.safe_dump(doc, f, sort_keys=False, default_flow_style=None)


if __name__ == "__main__":
    main()
