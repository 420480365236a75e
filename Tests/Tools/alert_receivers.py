#!/usr/bin/env python3
"""Alert receivers on 127.0.0.1 for the alert tests: a Slack-shaped, a Discord-shaped and a
Standard Webhooks receiver, each behind paths that can misbehave on purpose.

    alert_receivers.py PORT_FILE LOG_FILE SECRET

Paths: /slack/<name>, /discord/<name>, /webhook/<name>, each optionally behind a behaviour:
/flaky/... answers 500 to the first delivery of each message (by webhook-id, else by body) and
200 after; /gone/... answers 410; /slow/... waits 0.3 s before answering 200.

Every request is appended to LOG_FILE as one JSON line: the path, the status answered, the
webhook-* headers, the JSON body, the text a person would read (Slack's mrkdwn and Discord's
markdown escapes undone), whether the message has its receiver's shape (shape_error names what
does not), and for /webhook/ whether its signature verifies with the `standardwebhooks` package
(PyPI), which is not our code.
"""
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


def slack_shape(body):
    if not isinstance(body.get("text"), str) or not body["text"]:
        return "no text"
    blocks = body.get("blocks")
    if not isinstance(blocks, list) or not blocks or len(blocks) > 50:
        return "blocks missing or more than 50"
    for block in blocks:
        if block.get("type") == "header" and len(block["text"]["text"]) > 150:
            return "header longer than 150"
        if block.get("type") == "section" and len(block["text"]["text"]) > 3000:
            return "section longer than 3000"
    return None


def discord_shape(body):
    content, embeds = body.get("content", ""), body.get("embeds", [])
    if not content and not embeds:
        return "neither content nor embeds"
    if len(content) > 2000:
        return "content longer than 2000"
    if len(embeds) > 10:
        return "more than 10 embeds"
    if sum(len(e.get("title", "")) + len(e.get("description", "")) for e in embeds) > 6000:
        return "embeds longer than 6000 in all"
    if body.get("allowed_mentions", {}).get("parse") != []:
        return "mentions allowed"
    return None


def slack_text(body):
    return body.get("text", "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def discord_text(body):
    parts = [body.get("content", "")] + [e.get("title", "") + "\n" + e.get("description", "") for e in body.get("embeds", [])]
    return re.sub(r"\\([\\*_~`|>])", r"\1", "\n".join(parts))


def main():
    port_file, log_file, secret = sys.argv[1:4]
    lock = threading.Lock()
    seen = set()
    verifier = Webhook(secret)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            path = self.path
            parts = [p for p in path.split("/") if p]
            behaviour = parts[0] if parts and parts[0] in ("flaky", "gone", "slow") else None
            kind = parts[1 if behaviour else 0] if parts else ""
            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            entry = {"path": path, "kind": kind, "headers": {k: v for k, v in headers.items() if k.startswith("webhook-")},
                     "body": body, "time": time.time()}
            if kind == "webhook":
                try:
                    verifier.verify(raw, {k: v for k, v in headers.items() if k.startswith("webhook-")})
                    entry["verified"] = True
                except Exception as error:  # the package raises its own WebhookVerificationError
                    entry["verified"] = False
                    entry["verify_error"] = str(error)
            elif kind == "slack":
                entry["shape_error"] = slack_shape(body or {})
                entry["text"] = slack_text(body or {})
            elif kind == "discord":
                entry["shape_error"] = discord_shape(body or {})
                entry["text"] = discord_text(body or {})
            status = 200
            if behaviour == "gone":
                status = 410
            elif behaviour == "flaky":
                token = headers.get("webhook-id") or raw
                with lock:
                    if token not in seen:
                        seen.add(token)
                        status = 500
            elif behaviour == "slow":
                time.sleep(0.3)
            entry["status"] = status
            with lock:
                with open(log_file, "a") as log:
                    log.write(json.dumps(entry) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as out:
        out.write(str(server.server_address[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
