#!/usr/bin/env bash
# The HTML report in a real browser: runs a 3-rank job, renders `mpibatch report --format html`,
# loads the page in headless Chromium and checks the DOM after its script ran (one lane element
# per rank, the canvas drawn, a hover on a bar shows that bar's items) and that a screenshot
# comes out. Exits 77 (CTest SKIP_RETURN_CODE) when /usr/bin/chromium is missing.
#   html_in_chromium.sh MPIBATCH MPIEXEC [MPIEXEC_FLAG...]
# CTest sets the test-only MPI environment (OMPI_ALLOW_RUN_AS_ROOT, ...; tests/CMakeLists.txt).
set -euo pipefail

mpibatch=$1
mpiexec=$2
shift 2
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "SKIP: $chromium is missing (apt-get install chromium)"
  exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
browse() { timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars "$@" 2>"$tmp/chromium.log"; }

"$mpibatch" make-model "$tmp/model.pt" --channels 32 --layers 2 --heads 2 --hop-length 16
"$mpiexec" -n 3 "$@" "$mpibatch" run "$root/jobs/demo.yaml" --set "model.path=$tmp/model.pt" \
  -o "$tmp/run.h5"
"$mpibatch" report "$tmp/run.h5" --format html -o "$tmp/report.html"
if grep -q -E 'https?://' "$tmp/report.html"; then fail "the page refers to the network"; fi

# A hover at the middle of rank 0's first bar, as the page's own mousemove handler sees it.
cat > "$tmp/hover.js" <<'JS'
<script>
(function () {
  const canvas = document.querySelector("canvas.tl"), box = canvas.getBoundingClientRect();
  const data = JSON.parse(document.querySelector("script.timeline-data").textContent);
  const bar = data.lanes[0].bars[0], lane = document.querySelector(".lane").getBoundingClientRect();
  canvas.dispatchEvent(new MouseEvent("mousemove", {
    clientX: box.left + (bar[0] + bar[1]) / 2 / data.scale * box.width,
    clientY: box.top + lane.height / 2}));
  document.body.dataset.hoverWant = "items " + bar[2] + (bar[3] === bar[2] ? "" : "\u2013" + bar[3]);
  document.body.dataset.hoverGot = document.getElementById("tooltip").textContent.replace(/\n/g, " | ");
})();
</script>
JS
page=$(<"$tmp/report.html")
printf '%s%s</body>%s\n' "${page%%</body>*}" "$(<"$tmp/hover.js")" "${page#*</body>}" >"$tmp/hover.html"

browse --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" || fail "chromium --dump-dom: $(tail -5 "$tmp/chromium.log")"
lanes=$(grep -o 'class="lane"' "$tmp/dom.html" | wc -l)
ranks=$(grep -o 'class="lane" data-rank="[0-9]*"' "$tmp/dom.html" | grep -o '[0-9]*"$' | tr -d '"' | tr '\n' ' ')
[ "$lanes" -eq 3 ] || fail "expected 3 lane elements, found $lanes"
[ "$ranks" = "0 1 2 " ] || fail "lanes of ranks '$ranks', expected '0 1 2 '"
drawn=$(grep -o 'data-drawn="[0-9]* bars"' "$tmp/dom.html" | grep -o '[0-9]*' || true)
[ "${drawn:-0}" -gt 0 ] || fail "the canvas was not drawn (no data-drawn=\"N bars\" in the DOM)"
echo "DOM: $lanes lanes, canvas drawn with $drawn bars"

browse --dump-dom "file://$tmp/hover.html" >"$tmp/hover-dom.html" || fail "chromium --dump-dom (hover)"
want=$(grep -o 'data-hover-want="[^"]*"' "$tmp/hover-dom.html" | cut -d'"' -f2 || true)
got=$(grep -o 'data-hover-got="[^"]*"' "$tmp/hover-dom.html" | cut -d'"' -f2 || true)
if [ -z "$want" ] || [[ "$got" != *"$want"* ]]; then
  fail "hover tooltip '$got' does not show '$want'"
fi
echo "hover: $got"

browse --screenshot="$tmp/report.png" --window-size=1280,900 "file://$tmp/report.html" ||
  fail "chromium --screenshot: $(tail -5 "$tmp/chromium.log")"
[ -f "$tmp/report.png" ] || fail "no screenshot"
size=$(stat -c %s "$tmp/report.png")
[ "$size" -gt 20000 ] || fail "screenshot of only $size bytes: a blank page?"
echo "screenshot: $size bytes"
echo "PASS"
