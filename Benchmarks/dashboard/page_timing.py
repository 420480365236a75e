#!/usr/bin/env python3
"""Times a dashboard page in headless Chromium: first contentful paint, the load event, and
opening one more artist (its charts drawn and painted), as the browser's own Performance API
reports them. A copy of the page gets a measuring script appended (the page's policy allows
inline scripts); the page itself is not changed. Prints one JSON object.

Usage: page_timing.py PAGE.html [--runs 3]
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts", "lib"))
import browser_check  # noqa: E402  (Chromium's location and flags, shared with the tests)

MEASURE = """<script>
window.addEventListener("load", function () {
  var paint = performance.getEntriesByName("first-contentful-paint")[0];
  var nav = performance.getEntriesByType("navigation")[0];
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var pick = data.artists[Math.floor(data.artists.length / 2)];
  var start = performance.now();
  location.hash = "#artist=" + encodeURIComponent(pick.id);
  setTimeout(function () {
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        var section = document.querySelector("section.artist:not([hidden])");
        var result = {fcp_ms: paint ? paint.startTime : null, load_ms: nav ? nav.loadEventStart : null,
                      open_ms: performance.now() - start, opened: section ? section.getAttribute("data-artist") === pick.id : false,
                      charts: section ? section.querySelectorAll("svg.chart").length : 0};
        var out = document.createElement("pre");
        out.id = "timing";
        out.textContent = JSON.stringify(result);
        document.body.appendChild(out);
      });
    });
  }, 0);
});
</script>"""


def measure(page, profile):
    command = [browser_check.chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-extensions",
               f"--user-data-dir={profile}", "--window-size=1280,1600", "--virtual-time-budget=30000", "--dump-dom",
               "file://" + os.path.abspath(page)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    match = re.search(r'<pre id="timing">(.*?)</pre>', result.stdout)
    if not match:
        sys.exit(f"page_timing: no timing from Chromium: {result.stderr[-1500:]}")
    return json.loads(match.group(1).replace("&quot;", '"'))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="momentum-page-timing-")
    try:
        measured = os.path.join(work, "page.html")
        with open(args.page, encoding="utf-8") as source, open(measured, "w", encoding="utf-8") as target:
            text = source.read()
            cut = text.rindex("</body>")
            target.write(text[:cut] + MEASURE + text[cut:])
        runs = []
        for run in range(args.runs):
            profile = os.path.join(work, f"profile-{run}")
            runs.append(measure(measured, profile))
            shutil.rmtree(profile, ignore_errors=True)
        if not all(r["opened"] and r["charts"] > 0 for r in runs):
            sys.exit(f"page_timing: the opened artist was not drawn: {runs}")
        print(json.dumps({"bytes": os.path.getsize(args.page),
                          "fcp_ms": statistics.median(r["fcp_ms"] for r in runs),
                          "load_ms": statistics.median(r["load_ms"] for r in runs),
                          "open_ms": statistics.median(r["open_ms"] for r in runs)}))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
