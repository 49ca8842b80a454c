"""The saturation_training table (docs/results/saturation_training-*.md) from the run folder of
`saturn run tasks.yaml --suite saturation_training --out OUT`: one row per run x split with the
accuracy in each mode, exact verification per mode, the critical scales, breaking and near-uniform
heads and the parameter norms, from OUT/results.csv and OUT/runs.csv.

    /usr/bin/python3 scripts/saturation_training_table.py OUT > table.md   (also writes OUT/saturation_training_table.csv)

With several seeds (`--seeds N`), a summary over the seeds comes first: per language and option, the
test bin's accuracy as mean ± standard deviation, how many seeds are exact in some mode, and the
critical scales of every seed.
"""
import csv, sys, os, statistics
out = sys.argv[1]
res = list(csv.DictReader(open(os.path.join(out, "results.csv"))))
runs = {r["run"]: r for r in csv.DictReader(open(os.path.join(out, "runs.csv")))}
acc = {}
for r in res:
    acc[(r["run"], r["mode"], r["split"], r["bin_min"], r["bin_max"])] = float(r["accuracy"])
modes = ["softmax", "saturated", "saturated:0.5", "hard_left", "hard_right"]
rows = []
for run, rr in runs.items():
    task = rr["task"]
    if not task.startswith("sat_"):
        continue
    parts = task.split("_")
    lang, opt = parts[-2], parts[-1]
    bins = sorted({(k[2], k[3], k[4]) for k in acc if k[0] == run}, key=lambda b: (b[0] != "train", int(b[1])))
    for split, lo, hi in bins:
        row = dict(language=rr["language"], option=opt, seed=rr.get("seed", ""), split=split, bin=f"{lo}..{hi}")
        for m in modes:
            v = acc.get((run, m, split, lo, hi))
            row[m] = "" if v is None else f"{v:.3f}"
        for k in ("exact_softmax", "exact_saturated", "exact_saturated:0.5", "exact_hard_left", "exact_hard_right", "verified_length",
                  "critical_scale_scaled", "critical_scale_temperature", "heads_breaking", "heads_near_uniform",
                  "initial_param_norm", "param_norm"):
            v = rr.get(k, "")
            if v not in ("", None) and k.endswith("norm"):
                v = f"{float(v):.1f}"
            if k.startswith("critical") and v in ("0", "0.0"):
                v = "none"
            row[k] = v
        rows.append(row)
order = {"plain": 0, "round": 1, "temp": 2, "long": 3}
rows.sort(key=lambda r: (r["language"], order.get(r["option"], 9), int(r["seed"] or 0), r["split"] != "train", r["bin"]))
keys = list(rows[0].keys())
with open(os.path.join(out, "saturation_training_table.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, keys)
    w.writeheader()
    w.writerows(rows)
short = {"exact_softmax": "exact sm", "exact_saturated": "exact sat", "exact_saturated:0.5": "exact sat:0.5", "exact_hard_left": "exact hl",
         "exact_hard_right": "exact hr", "verified_length": "N", "critical_scale_scaled": "crit scaled",
         "critical_scale_temperature": "crit temp", "heads_breaking": "heads break", "heads_near_uniform": "near-unif",
         "initial_param_norm": "|θ0|", "param_norm": "|θ|"}
seeds = sorted({r["seed"] for r in rows})
if len(seeds) > 1:
    def ms(xs):
        return f"{statistics.mean(xs):.3f} ± {statistics.pstdev(xs):.3f}"
    print(f"Test bin, mean ± sd over the seeds of each row (of {', '.join(seeds)}):\n")
    print("| language | option | softmax | saturated | saturated:0.5 | seeds exact (any mode) | critical scale scaled / temperature, per seed | |θ| |")
    print("|---|---|---|---|---|---|---|---|")
    groups = {}
    for r in rows:
        if r["split"] == "test":
            groups.setdefault((r["language"], r["option"]), []).append(r)
    for (lang, opt), rs in groups.items():
        acc = [ms([float(r[m]) for r in rs if r[m] != ""]) for m in ("softmax", "saturated", "saturated:0.5")]
        exact = sum(any(r[k] == "1" for k in ("exact_softmax", "exact_saturated", "exact_saturated:0.5",
                                                 "exact_hard_left", "exact_hard_right")) for r in rs)
        crit = ", ".join(f"{r['critical_scale_scaled']}/{r['critical_scale_temperature']}" for r in rs)
        norm = ms([float(r["param_norm"]) for r in rs if r["param_norm"] != ""])
        print(f"| {lang} | {opt} | {acc[0]} | {acc[1]} | {acc[2]} | {exact} of {len(rs)} (N={rs[0]['verified_length']}) | {crit} | {norm} |")
    print()
print("| " + " | ".join(short.get(k, k) for k in keys) + " |")
print("|" + "---|" * len(keys))
for r in rows:
    print("| " + " | ".join(str(r[k]) for k in keys) + " |")
