#!/usr/bin/env bash
# Every CI-sized suite's report.html (quick, norm_growth, scan_snap_ci, grokking_ci, capacity,
# scaled down with --set like suites_test.sh) rendered in headless Chromium: a script added to a
# copy of the page measures every figure's image as laid out; the test fails when a suite's report
# has no figure, a figure has no image (not drawn), or an image has zero width or height (rendered
# or natural). Exit 77 (skipped) without chromium.
# Usage: chromium_report_test.sh SATURN SOURCE_DIR
# SATURN_REPORT_TEST_OUT=DIR keeps the suites' folders there; SATURN_REPORT_SCREENSHOTS=DIR also
# writes a screenshot of each report (SUITE.png, 1280 px wide) there.
set -euo pipefail
SATURN=$1 SRC=$2
CHROMIUM=${CHROMIUM:-chromium}
command -v "$CHROMIUM" >/dev/null || { echo "SKIP: $CHROMIUM is not installed (Debian: apt-get install chromium)"; exit 77; }
PY=${SATURN_PYTHON:-/usr/bin/python3}
if [[ -n ${SATURN_REPORT_TEST_OUT:-} ]]; then OUT=$SATURN_REPORT_TEST_OUT; mkdir -p "$OUT"; else
  OUT=$(mktemp -d); trap 'rm -rf "$OUT"' EXIT; fi
chromium_args=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$OUT/chromium-profile"
  --virtual-time-budget=15000)

# Runs after the page and its images are loaded; leaves the measurements in <pre id="figure-sizes">.
measure='<script>window.addEventListener("load", () => {
  const figures = [...document.querySelectorAll("figure.plot")].map(f => {
    const img = f.querySelector("img"), box = (img || f).getBoundingClientRect();
    return {name: img ? img.alt : "(not drawn) " + f.textContent.slice(0, 120), width: box.width, height: box.height,
            natural_width: img ? img.naturalWidth : 0, natural_height: img ? img.naturalHeight : 0};
  });
  const pre = document.createElement("pre");
  pre.id = "figure-sizes";
  pre.textContent = JSON.stringify({notes: [...document.querySelectorAll(".note")].map(n => n.textContent), figures});
  document.body.appendChild(pre);
});</script>'

fail=0
check() {  # suite, then saturn run arguments
  local suite=$1; shift
  local dir="$OUT/$suite"
  "$SATURN" run "$SRC/tasks.yaml" --suite "$suite" --out "$dir" -q "$@" >"$OUT/$suite.log" 2>&1 ||
    { echo "$suite: saturn run failed (log below)"; cat "$OUT/$suite.log"; fail=1; return; }
  local page="$dir/report-measured.html"
  sed "s#</body>#${measure//$'\n'/ }</body>#" "$dir/report.html" >"$page"
  "$CHROMIUM" "${chromium_args[@]}" --dump-dom "file://$page" 2>"$OUT/$suite.chromium.log" >"$dir/dom.html" || true
  if ! "$PY" - "$suite" "$dir/dom.html" <<'EOF'; then fail=1; fi
import html, json, re, sys
suite, dom = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
m = re.search(r'<pre id="figure-sizes">(.*?)</pre>', dom, re.S)
if not m:
    sys.exit(f"{suite}: chromium did not run the page's script (no measurements in its DOM)")
data = json.loads(html.unescape(m.group(1)))
bad = [f for f in data["figures"] if min(f["width"], f["height"], f["natural_width"], f["natural_height"]) <= 0]
for f in bad:
    print(f"{suite}: figure {f['name']}: {f['width']:.0f} x {f['height']:.0f} px on the page, "
          f"{f['natural_width']} x {f['natural_height']} px image")
for n in data["notes"]:
    print(f"{suite}: note on the page: {n}")
if not data["figures"]:
    print(f"{suite}: report.html has no figure")
smallest = min((f["width"] * f["height"], f["name"]) for f in data["figures"]) if data["figures"] else (0, "-")
print(f"{suite}: {len(data['figures'])} figures, smallest {smallest[1]} ({smallest[0]:.0f} px²)")
sys.exit(1 if bad or data["notes"] or not data["figures"] else 0)
EOF
  if [[ -n ${SATURN_REPORT_SCREENSHOTS:-} ]]; then
    mkdir -p "$SATURN_REPORT_SCREENSHOTS"
    "$CHROMIUM" "${chromium_args[@]}" --window-size=1280,${SCREENSHOT_HEIGHT:-2400} \
      --screenshot="$SATURN_REPORT_SCREENSHOTS/$suite.png" "file://$dir/report.html" 2>>"$OUT/$suite.chromium.log" >/dev/null || true
  fi
}

check quick --set training.steps=40
check norm_growth --set training.steps=120 --set training.log_every=10 --set train.size=100 --set test.size=40 \
  --set analysis.saturation_every=40 --set analysis.saturation_strings=20
check scan_snap_ci
check grokking_ci
check capacity --set training.steps=20 --set train.size=100 --set test.size=40 --set analysis.verify_budget=300
exit $fail
