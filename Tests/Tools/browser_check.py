#!/usr/bin/env python3
"""Opens a dashboard in headless Chromium and reports what a person would get.

Chromium runs with every network request sent to a counting proxy on 127.0.0.1, so any
attempt to reach the network is seen, and with its console log on, so any load that the page's
Content-Security-Policy blocked (an attempt too) and any script error is seen. Chromium itself
calls a few of Google's service hosts even for a blank page; those are reported apart. The
rendered DOM (after the page's script ran) is parsed and summarised as JSON on stdout; a
screenshot is written when asked.

With --then, a copy of the page beside it (so that its data files load as the page's do) runs
the given script after the page's own: a reader's clicks, for a test.

Usage: browser_check.py PAGE.html [--hash '#artist=ID'] [--screenshot OUT.png] [--width 1280 --height 2400] [--no-script] [--then JS]
"""
import argparse
import html
import json
import re
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from html.parser import HTMLParser


class CountingProxy:
    """Accepts connections, records the first request line of each, answers 502."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.port = self.server.getsockname()[1]
        self.requests = []
        self.idle_connections = 0
        self.handlers = []
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.server.settimeout(0.2)
        while self.running:
            try:
                client, _ = self.server.accept()
            except OSError:
                continue
            handler = threading.Thread(target=self.handle, args=(client,), daemon=True)
            handler.start()
            self.handlers.append(handler)

    def handle(self, client):
        try:
            # A connection may be opened ahead of need and used later, or never: wait for
            # its first bytes as long as the browser may run.
            client.settimeout(30)
            data = client.recv(4096).decode("latin-1")
            if not data.strip():
                with self.lock:
                    self.idle_connections += 1
                return
            with self.lock:
                self.requests.append(data.split("\r\n", 1)[0])
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            with self.lock:
                self.idle_connections += 1
        finally:
            client.close()

    def stop(self):
        # Chromium has exited: its connections are closed, so every handler finishes.
        self.running = False
        self.thread.join()
        for handler in self.handlers:
            handler.join(timeout=35)
        self.server.close()


class Summary(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.scripts = []
        self.in_script = False
        self.sections = []
        self.current = None
        self.texts = []
        self.leaderboard_rows = 0
        self.event_handlers = 0
        self.picker = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        self.event_handlers += sum(1 for k in a if k.lower().startswith("on"))
        if tag == "option" and "value" in a:
            self.picker.append(a["value"])
        if tag == "script":
            self.scripts.append({"type": a.get("type"), "text": ""})
            self.in_script = True
        if tag == "section" and "artist" in classes:
            self.current = {"id": a.get("id"), "artist": a.get("data-artist"), "hidden": "hidden" in a,
                            "events": int(a.get("data-events", "-1")), "markers": 0, "charts": 0,
                            "change_points": 0, "impact_rows": 0, "notes": 0, "followers_points": [], "spikes": 0}
            self.sections.append(self.current)
        if self.current is not None:
            if "release-marker" in classes:
                self.current["markers"] += 1
            if tag == "svg" and "chart" in classes:
                self.current["charts"] += 1
            if "change-point" in classes:
                self.current["change_points"] += 1
            if tag == "tr" and "data-day" in a:
                self.current["impact_rows"] += 1
            if "missing-followers" in classes:
                self.current["notes"] += 1
            if tag == "path" and "spike" in classes:
                self.current["spikes"] += int(a.get("data-spikes", "0"))
            if tag == "path" and "followers-line" in classes:
                self.current["followers_points"].append(int(a.get("data-points", "0")))
        if tag == "tr" and "data-artist" in a and self.current is None:
            self.leaderboard_rows += 1
        if tag == "tr" and "selected" in classes and self.current is None:
            self.selected_row = a.get("data-artist")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False
        if tag == "section":
            self.current = None

    def handle_data(self, data):
        if self.in_script:
            self.scripts[-1]["text"] += data
        else:
            self.texts.append(data)


def section_markup(dom):
    """Each artist section's markup as Chromium serialised it, by artist id, shown or not."""
    out = {}
    for match in re.finditer(r'<section class="artist"([^>]*)>.*?</section>', dom, re.S):
        artist = re.search(r'data-artist="([^"]*)"', match.group(1))
        if artist:
            opening = '<section class="artist"' + match.group(1).replace(' hidden=""', "") + ">"
            out[html.unescape(artist.group(1))] = opening + match.group(0)[len(match.group(1)) + len('<section class="artist">'):]
    return out


def chromium():
    """MOMENTUM_CHROMIUM when set (scripts/test checks it is no snap shim), else the first on PATH."""
    configured = os.environ.get("MOMENTUM_CHROMIUM")
    if configured:
        return shutil.which(configured) or sys.exit(f"browser_check: MOMENTUM_CHROMIUM={configured} is not a program")
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("browser_check: no Chromium found (scripts/test installs Debian's chromium)")


# Hosts Chromium calls on its own (component updates, sign-in), whatever page it shows.
BROWSER_SERVICE_HOSTS = {"update.googleapis.com", "accounts.google.com", "clients2.google.com",
                         "optimizationguide-pa.googleapis.com", "edgedl.me.gvt1.com", "redirector.gvt1.com"}


def request_host(line):
    parts = line.split(" ")
    if len(parts) < 2:
        return ""
    target = parts[1]
    if "://" in target:
        target = target.split("://", 1)[1]
    return target.split("/", 1)[0].split(":", 1)[0]


def run(url, proxy, extra, profile):
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
               "--disable-client-side-phishing-detection", "--disable-domain-reliability", "--no-pings",
               "--disable-breakpad", "--metrics-recording-only", "--safebrowsing-disable-auto-update",
               "--disable-features=OptimizationHints,MediaRouter,Translate,NetworkTimeServiceQuerying,"
               "AutofillServerCommunication,CertificateTransparencyComponentUpdater,PrivacySandboxSettings4,"
               "InterestFeedContentSuggestions,SignInProfileCreation,ChromeWhatsNewUI,OptimizationGuideModelDownloading,"
               "OptimizationHintsFetching,DipsTtl,FedCm,ComponentUpdaterUsePermissionsPolicy",
               "--allow-browser-signin=false", "--disable-field-trial-config", "--disable-variations-seed-fetch",
               f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{proxy.port}",
               "--proxy-bypass-list=<-loopback>", "--virtual-time-budget=3000",
               "--enable-logging=stderr", "--v=0"] + extra + [url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        sys.exit(f"browser_check: chromium failed ({result.returncode}): {result.stderr[-2000:]}")
    console = [line.split(":CONSOLE", 1)[1] for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("page")
    parser.add_argument("--hash", default="")
    parser.add_argument("--screenshot")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=2400)
    parser.add_argument("--no-script", action="store_true", help="render with JavaScript switched off")
    parser.add_argument("--then", help="a script run after the page's own (clicks, in a copy of the page)")
    args = parser.parse_args()
    url = "file://" + os.path.abspath(args.page) + args.hash
    acted = None
    if args.then:
        with open(args.page, encoding="utf-8") as page:
            text = page.read()
        injected = "<script>" + args.then.replace("</", "<\\/") + "</script>\n</body>"
        acted = os.path.join(os.path.dirname(os.path.abspath(args.page)), f".acted-{os.getpid()}.html")
        with open(acted, "w", encoding="utf-8") as out:
            out.write(text.replace("</body>", injected, 1))
        url = "file://" + acted + args.hash
    proxy = CountingProxy()
    profile = tempfile.mkdtemp(prefix="momentum-chromium-")
    try:
        if args.no_script:
            # A copy without its code: what a reader with JavaScript off gets. (Chromium's
            # own switch for that also stops --dump-dom.)
            with open(args.page, encoding="utf-8") as page:
                text = re.sub(r"<script>.*?</script>", "", page.read(), flags=re.S)
            copy = os.path.join(profile, "no-script.html")
            with open(copy, "w", encoding="utf-8") as out:
                out.write(text)
            url = "file://" + copy + args.hash
        dom, console = run(url, proxy, ["--dump-dom"], profile)
        if args.screenshot:
            run(url, proxy, [f"--screenshot={os.path.abspath(args.screenshot)}", f"--window-size={args.width},{args.height}"], profile)
    finally:
        proxy.stop()
        shutil.rmtree(profile, ignore_errors=True)
        if acted:
            os.remove(acted)
    summary = Summary()
    summary.feed(dom)
    visible = [s for s in summary.sections if not s["hidden"]]
    print(json.dumps({
        "network_requests": [r for r in proxy.requests if request_host(r) not in BROWSER_SERVICE_HOSTS],
        "browser_service_requests": [r.split(" ")[0] + " " + request_host(r) for r in proxy.requests
                                     if request_host(r) in BROWSER_SERVICE_HOSTS],
        "console": console,
        "idle_proxy_connections": proxy.idle_connections,
        "dom_bytes": len(dom),
        "scripts": [{"type": s["type"], "has_alert": "alert(1)" in s["text"] and s["type"] != "application/json"} for s in summary.scripts],
        "event_handler_attributes": summary.event_handlers,
        "sections": summary.sections,
        "visible_sections": [s["id"] for s in visible],
        "selected_row": getattr(summary, "selected_row", None),
        "leaderboard_rows": summary.leaderboard_rows,
        "artist_ids": summary.picker,
        "section_html": section_markup(dom),
        "board_html": (re.search(r'<table id="leaderboard".*?</table>', dom, re.S) or [""])[0],
        "search_results": [html.unescape(m) for m in re.findall(r'<li><a href="#artist=[^"]*" data-artist="([^"]*)"', dom)],
        "text": "".join(summary.texts)[:200000],
    }))


if __name__ == "__main__":
    main()
