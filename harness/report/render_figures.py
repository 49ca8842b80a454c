#!/usr/bin/env python3
"""Draws the figures of a Saturn report with matplotlib.

Usage: render_figures.py FIGURES_JSON OUT_DIR

FIGURES_JSON is written by saturn's report (harness/report.cpp, figure_json in harness/plot.cpp):
{"figures": [{"name", "title", "columns", "panel_width", "panel_height", "panels": [...]}]}, each
panel {"title", "xlabel", "ylabel", "logx", "logy", "xlim"?, "ylim"?, "xticklabels", "note",
"series": [{"label", "x", "y", "style", "color", "y_low"?, "y_high"?, "x_high"?}], "heatmap"?}.
Each figure becomes OUT_DIR/NAME.png and OUT_DIR/NAME.pdf. A figure that fails is reported as
"figure NAME: reason" on stderr and the others are still drawn; the exit status is then 1. Without
matplotlib: one line on stderr, exit 3.
"""
import json
import math
import os
import sys
import textwrap


def numbers(values):
    return [math.nan if v is None else float(v) for v in values]


def wrap(text, width):
    return "\n".join(textwrap.wrap(text, width)) if text else ""


def draw_heatmap(fig, ax, h):
    import numpy as np

    values = np.array([numbers(row) for row in h["values"]], dtype=float)
    masked = np.ma.masked_invalid(values)
    image = ax.imshow(masked, vmin=h["vmin"], vmax=h["vmax"], cmap="viridis", aspect="auto", interpolation="nearest")
    rows, columns = h["rows"], h["columns"]
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(rows, fontsize=8 if len(rows) < 20 else 6)
    ax.set_xticks(range(len(columns)))
    rotate = len(columns) * max((len(c) for c in columns), default=0) > 40
    ax.set_xticklabels(columns, fontsize=8 if len(columns) < 20 else 6, rotation=60 if rotate else 0,
                       ha="right" if rotate else "center")
    if h.get("annotate") and values.size <= 400:
        span = (h["vmax"] - h["vmin"]) or 1.0
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                if math.isnan(v):
                    continue
                light = (v - h["vmin"]) / span > 0.6
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7, color="black" if light else "white")
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    if h.get("colorbar"):
        bar.set_label(h["colorbar"], fontsize=8)
    bar.ax.tick_params(labelsize=7)


def draw_series(ax, panel):
    series = panel["series"]
    bars = [s for s in series if s["style"] == "bars" and not s.get("x_high")]
    bar_width = 0.8 / max(1, len(bars))
    for s in series:
        x, y = numbers(s["x"]), numbers(s["y"])
        if not x:
            continue
        kw = {}
        if s.get("color"):
            kw["color"] = s["color"]
        label = s["label"] or None
        style = s["style"]
        if style == "bars":
            if s.get("x_high"):
                edges = numbers(s["x_high"])
                ax.bar(x, y, width=[hi - lo for lo, hi in zip(x, edges)], align="edge", alpha=0.55, label=label,
                       edgecolor="black", linewidth=0.4, **kw)
            else:
                k = bars.index(s)
                offset = (k - (len(bars) - 1) / 2) * bar_width
                ax.bar([v + offset for v in x], y, width=bar_width, label=label, edgecolor="black", linewidth=0.4, **kw)
            continue
        fmt = {"line": "-", "points": "o", "line_points": "-o", "dashed": "--"}[style]
        (line,) = ax.plot(x, y, fmt, label=label, markersize=3.5 if "o" in fmt else None, linewidth=1.4, **kw)
        if s.get("y_low"):
            ax.fill_between(x, numbers(s["y_low"]), numbers(s["y_high"]), alpha=0.2, color=line.get_color(), linewidth=0)


def draw_panel(fig, ax, panel):
    if panel.get("heatmap"):
        draw_heatmap(fig, ax, panel["heatmap"])
    else:
        draw_series(ax, panel)
        if panel.get("logx"):
            ax.set_xscale("log")
        if panel.get("logy"):
            ax.set_yscale("log")
        if panel.get("xticklabels"):
            labels = panel["xticklabels"]
            ax.set_xticks(range(len(labels)))
            rotate = len(labels) > 6 or max(len(t) for t in labels) > 6
            ax.set_xticklabels(labels, rotation=45 if rotate else 0, ha="right" if rotate else "center", fontsize=8)
        if "xlim" in panel:
            ax.set_xlim(*panel["xlim"])
        if "ylim" in panel:
            ax.set_ylim(*panel["ylim"])
        ax.grid(True, alpha=0.3, which="major")
        if any(s["label"] for s in panel["series"] if s["x"]):
            n = sum(1 for s in panel["series"] if s["label"] and s["x"])
            ax.legend(fontsize=7 if n < 8 else 6, ncol=1 if n < 8 else 2, framealpha=0.8)
    ax.set_title(wrap(panel.get("title", ""), 48), fontsize=9.5)
    ax.set_xlabel(wrap(panel.get("xlabel", ""), 60), fontsize=8.5)
    ax.set_ylabel(wrap(panel.get("ylabel", ""), 40), fontsize=8.5)
    ax.tick_params(labelsize=7.5)
    if panel.get("note"):
        ax.text(0.5, 0.5, wrap(panel["note"], 40), transform=ax.transAxes, ha="center", va="center", fontsize=8.5,
                color="#a00000", bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#a00000"})


def render(figure, out_dir):
    import matplotlib.pyplot as plt

    panels = figure["panels"]
    n = len(panels)
    columns = figure.get("columns") or min(n, 3)
    rows = (n + columns - 1) // columns
    width = figure.get("panel_width", 4.6) * columns
    height = figure.get("panel_height", 3.3) * rows + (0.4 if figure.get("title") else 0)
    fig, axes = plt.subplots(rows, columns, figsize=(width, height), squeeze=False)
    for k in range(rows * columns):
        ax = axes[k // columns][k % columns]
        if k < n:
            draw_panel(fig, ax, panels[k])
        else:
            ax.set_visible(False)
    if figure.get("title"):
        fig.suptitle(wrap(figure["title"], int(width * 12)), fontsize=11)
    fig.tight_layout()
    name = figure["name"]
    fig.savefig(os.path.join(out_dir, name + ".png"), dpi=100)
    fig.savefig(os.path.join(out_dir, name + ".pdf"))
    plt.close(fig)


def main(argv):
    if len(argv) != 3:
        print("usage: render_figures.py FIGURES_JSON OUT_DIR", file=sys.stderr)
        return 2
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401
    except ImportError as e:
        print(f"matplotlib is not installed for {sys.executable} ({e})", file=sys.stderr)
        return 3
    with open(argv[1], encoding="utf-8") as f:
        figures = json.load(f)["figures"]
    os.makedirs(argv[2], exist_ok=True)
    failed = 0
    for figure in figures:
        try:
            render(figure, argv[2])
        except Exception as e:  # one bad figure must not cost the others
            failed += 1
            print(f"figure {figure.get('name')}: {type(e).__name__}: {e}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
