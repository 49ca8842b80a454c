#!/usr/bin/env python3
# Usage: /usr/bin/python3 scripts/bhattamishra2020_table.py OUT [table.csv]   (OUT: a `saturn run --suite
# bhattamishra2020` folder). Prints the markdown table of docs/results/bhattamishra2020-*.md.
# Tabulates a bhattamishra2020 run: language x mode x bin, last pass and best pass, mean over seeds.
import csv, sys, collections, statistics
out = sys.argv[1]
res = list(csv.DictReader(open(f"{out}/results.csv")))
runs = list(csv.DictReader(open(f"{out}/runs.csv")))
order = ["bh_dyck1","bh_shuffle2","bh_shuffle4","bh_shuffle6","bh_anbn","bh_anbncn","bh_anbncndn","bh_parity","bh_aa_star",
         "bh_tomita1","bh_tomita2","bh_tomita3","bh_tomita4","bh_tomita5","bh_tomita6","bh_tomita7","bh_dyck1_depth2","bh_dyck1_depth4"]
names = {"bh_dyck1":"Dyck-1","bh_shuffle2":"Shuffle-2","bh_shuffle4":"Shuffle-4","bh_shuffle6":"Shuffle-6","bh_anbn":"a^n b^n",
         "bh_anbncn":"a^n b^n c^n","bh_anbncndn":"a^n b^n c^n d^n","bh_parity":"Parity","bh_aa_star":"(aa)*",
         "bh_dyck1_depth2":"D_2 (Dyck-1, depth <= 2)","bh_dyck1_depth4":"D_4 (Dyck-1, depth <= 4)"}
for n in range(1,8): names[f"bh_tomita{n}"] = f"Tomita {n}"
last = collections.defaultdict(list); best = collections.defaultdict(list); bepoch = collections.defaultdict(list)
bins = {}
for r in res:
    if r["split"] == "train": continue
    b = f"test_{r['bin_min']}..{r['bin_max']}"
    k = (r["task"], r["mode"], b); last[k].append(float(r["accuracy"]))
    bins.setdefault(r["task"], [])
    if b not in bins[r["task"]]: bins[r["task"]].append(b)
for r in runs:
    for col, v in r.items():
        if col.startswith("best_epoch_") and "_test_" in col and v != "":
            mode, b = col[len("best_epoch_"):].split("_test_"); bepoch[(r["task"], mode, "test_" + b)].append(float(v))
        elif col.startswith("best_") and not col.startswith("best_epoch_") and "_test_" in col and v != "":
            mode, b = col[len("best_"):].split("_test_"); best[(r["task"], mode, "test_" + b)].append(float(v))
modes = ["softmax", "saturated", "hard"]
def f(xs): return "" if not xs else (f"{100*statistics.mean(xs):.1f}" + (f" ±{100*statistics.pstdev(xs):.1f}" if len(xs) > 1 else ""))
rows = []
md = ["| language | bin | seeds | " + " | ".join(f"{m} last | {m} best" for m in modes) + " |",
      "|---|---|---|" + "---|---|" * len(modes)]
for t in order:
    for i, b in enumerate(bins.get(t, [])):
        cells = []; row = {"task": t, "language": names[t], "bin": b.replace("test_", ""), "bin_index": i}
        for m in modes:
            L, B, E = last[(t, m, b)], best[(t, m, b)], bepoch[(t, m, b)]
            cells += [f(L), f(B)]
            row[f"{m}_last"] = f"{statistics.mean(L):.4f}" if L else ""; row[f"{m}_best"] = f"{statistics.mean(B):.4f}" if B else ""
            row[f"{m}_best_epoch"] = f"{statistics.mean(E):.1f}" if E else ""
        row["seeds"] = len(last[(t, "softmax", b)])
        rows.append(row)
        md.append(f"| {names[t]} | {b.replace('test_','')} | {row['seeds']} | " + " | ".join(cells) + " |")
print("\n".join(md))
if len(sys.argv) > 2:
    with open(sys.argv[2], "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0].keys())); w.writeheader(); w.writerows(rows)
