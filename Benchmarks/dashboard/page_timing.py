#!/usr/bin/env python3
"""Times a dashboard page in headless Chromium: first contentful paint, the load event, and
opening one more artist (its section drawn and laid out), as the browser's own Performance API
reports them in real time. Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe), so nothing is added to the page and no port is opened. Prints one
JSON object.

A site's page (`momentum dashboard --site`) is timed the same way; opening an artist then
includes loading its data file, and the search (its directory files loaded) and sorting the whole
leaderboard (every board file loaded) are timed too.

Usage: page_timing.py PAGE.html [--runs 3]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "Tests", "Tools"))
import browser_check  # noqa: E402  (Chromium's location, shared with the tests)

OPEN_ONE_MORE = """(() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const pick = data.artists[Math.floor(data.artists.length / 2)];
  const picker = document.getElementById("artist-picker");
  const start = performance.now();
  picker.value = pick.id;
  picker.dispatchEvent(new Event("change"));
  const section = document.querySelector("section.artist:not([hidden])");
  const height = section ? section.getBoundingClientRect().height : 0;
  return JSON.stringify({fcp_ms: paint ? paint.startTime : null, load_ms: nav ? nav.loadEventStart : null,
    open_ms: performance.now() - start, opened: !!section && section.getAttribute("data-artist") === pick.id && height > 0});
})()"""


OPEN_ON_SITE = """(async () => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const files = data.site.artistFiles;
  const pick = files[Math.floor(files.length / 2)][1];
  const until = (done) => new Promise((resolve, reject) => {
    const limit = performance.now() + 120000;
    const step = () => done() ? resolve() : (performance.now() > limit ? reject(new Error("timed out")) : setTimeout(step, 2));
    step();
  });
  let start = performance.now();
  location.hash = "#artist=" + encodeURIComponent(pick);
  await until(() => {
    const section = document.querySelector("section.artist:not([hidden])");
    return section && section.getAttribute("data-artist") === pick && section.getBoundingClientRect().height > 0;
  });
  const open_ms = performance.now() - start;
  const search = document.getElementById("artist-search");
  start = performance.now();
  search.value = "a";
  search.dispatchEvent(new Event("input"));
  await until(() => document.querySelectorAll("#search-results li").length > 0);
  const search_ms = performance.now() - start;
  const header = document.querySelector('th[data-key="followers"]');
  start = performance.now();
  header.querySelector("button").click();
  await until(() => header.getAttribute("aria-sort") === "ascending");
  const sort_ms = performance.now() - start;
  return JSON.stringify({fcp_ms: paint ? paint.startTime : null, load_ms: nav ? nav.loadEventStart : null,
    open_ms: open_ms, search_ms: search_ms, sort_ms: sort_ms, opened: true});
})()"""


class DevTools:
    """The DevTools protocol over --remote-debugging-pipe: JSON messages ended by NUL."""

    def __init__(self, profile):
        theirs_in, self.ours = os.pipe()      # we write, Chromium reads (its fd 3)
        self.replies, theirs_out = os.pipe()  # Chromium writes (its fd 4), we read
        def descriptors():
            # Copies first: a pipe end may already be 3 or 4, and dup2 onto itself would leave
            # it closed on exec.
            reading, writing = os.dup(theirs_in), os.dup(theirs_out)
            os.dup2(reading, 3)
            os.dup2(writing, 4)
        command = [browser_check.chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-extensions",
                   f"--user-data-dir={profile}", "--window-size=1280,1600", "--remote-debugging-pipe", "about:blank"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        preexec_fn=descriptors, close_fds=False)  # os.pipe ends are not inherited; 3 and 4 are
        os.close(theirs_in)
        os.close(theirs_out)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None, timeout=120):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.ours, json.dumps(message).encode() + b"\0")
        return self.wait(lambda m: m.get("id") == self.next_id, timeout)

    def wait(self, matches, timeout=120):
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if matches(message):
                    del self.events[index]
                    if "error" in message:
                        raise RuntimeError(f"DevTools: {message['error']}")
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError("DevTools: no answer from Chromium")
            chunk = os.read(self.replies, 1 << 20)
            if not chunk:
                raise RuntimeError("DevTools: Chromium closed the pipe")
            self.buffer += chunk
            *complete, self.buffer = self.buffer.split(b"\0")
            self.events += [json.loads(part) for part in complete if part]

    def close(self):
        try:
            os.write(self.ours, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.ours)
        os.close(self.replies)


def measure(page, profile):
    browser = DevTools(profile)
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["result"]["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["result"]["sessionId"]
        browser.send("Page.enable", session=session)
        browser.send("Page.navigate", {"url": "file://" + os.path.abspath(page)}, session=session)
        browser.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session, timeout=300)
        time.sleep(0.3)  # the first paint's entry is recorded after the frame that painted it
        with open(page, encoding="utf-8") as text:
            site = '"site":{"base":' in text.read()
        answer = browser.send("Runtime.evaluate", {"expression": OPEN_ON_SITE if site else OPEN_ONE_MORE, "returnByValue": True,
                                                   "awaitPromise": True}, session=session, timeout=300)
        if "exceptionDetails" in answer["result"]:
            raise RuntimeError(f"page_timing: {answer['result']['exceptionDetails']}")
        return json.loads(answer["result"]["result"]["value"])
    finally:
        browser.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="momentum-page-timing-")
    try:
        runs = []
        for run in range(args.runs):
            profile = os.path.join(work, f"profile-{run}")
            runs.append(measure(args.page, profile))
            shutil.rmtree(profile, ignore_errors=True)
        if not all(r["opened"] for r in runs):
            sys.exit(f"page_timing: the opened artist was not drawn: {runs}")
        result = {"bytes": os.path.getsize(args.page)}
        for key in ("fcp_ms", "load_ms", "open_ms", "search_ms", "sort_ms"):
            if key in runs[0]:
                result[key] = statistics.median(r[key] for r in runs)
        print(json.dumps(result))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
