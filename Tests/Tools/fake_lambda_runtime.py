#!/usr/bin/env python3
"""A stand-in for the AWS Lambda Runtime API on 127.0.0.1, for the runtime-loop tests.

It hands out the invocations listed in EVENTS (a JSON list of {"event": <any JSON, or a
string sent as it is when "raw" is true>, "deadline_seconds": N, "before": {"url", "headers",
"body"}, "deadline_header": a text sent instead of the deadline, or null to send none,
"drop_first": true to close the first GET's connection without an answer}) one per GET .../next, first POSTing "before" when given (a change to the world
between two invocations, e.g. a secret deleted), records
every response, error and init error as a JSON line in LOG, and once the list is used up
answers 500 to the next GET (the runtime then exits, as it would if Lambda's API broke).
Prints "listening on 127.0.0.1:PORT", then serves until killed.

Usage: fake_lambda_runtime.py EVENTS LOG
"""
import http.server
import json
import signal
import sys
import threading
import time
import urllib.request

PREFIX = "/2018-06-01/runtime/"


def main():
    # A parent may have blocked SIGTERM in the thread that started us (the mask is inherited).
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    with open(sys.argv[1], encoding="utf-8") as handle:
        queue = json.load(handle)
    log_path = sys.argv[2]
    lock = threading.Lock()
    served = []
    deadlines = {}

    def record(entry):
        with lock, open(log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body=b"", headers=None):
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path != PREFIX + "invocation/next":
                return self.answer(404)
            with lock:
                index = len(served)
                item = queue[index] if index < len(queue) else None
                drop = item is not None and item.pop("drop_first", False)
                if item is not None and not drop:
                    served.append(index)
            if drop:
                record({"kind": "dropped", "request": f"request-{index}"})
                self.close_connection = True
                self.connection.shutdown(2)
                return
            if item is None:
                record({"kind": "exhausted"})
                return self.answer(500, b'{"errorType": "Fake.Exhausted"}')
            if item.get("before"):
                before = item["before"]
                request = urllib.request.Request(before["url"], data=before.get("body", "").encode(), headers=before.get("headers", {}), method="POST")
                with urllib.request.urlopen(request, timeout=30) as answer:
                    record({"kind": "before", "status": answer.status})
            body = item["event"].encode() if item.get("raw") else json.dumps(item["event"]).encode()
            deadline = int((time.time() + item.get("deadline_seconds", 60)) * 1000)
            deadlines[f"request-{index}"] = deadline / 1000
            headers = {"Lambda-Runtime-Aws-Request-Id": f"request-{index}",
                       "Lambda-Runtime-Deadline-Ms": str(deadline),
                       "Lambda-Runtime-Invoked-Function-Arn": "arn:aws:lambda:us-east-1:000000000000:function:momentum",
                       "Content-Type": "application/json"}
            if "deadline_header" in item:
                if item["deadline_header"] is None:
                    del headers["Lambda-Runtime-Deadline-Ms"]
                else:
                    headers["Lambda-Runtime-Deadline-Ms"] = item["deadline_header"]
            self.answer(200, body, headers)

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            path = self.path[len(PREFIX):] if self.path.startswith(PREFIX) else ""
            parts = path.split("/")
            entry = {"body": json.loads(body) if body else None, "error_type": self.headers.get("Lambda-Runtime-Function-Error-Type"),
                     "at": time.time()}
            if path == "init/error":
                entry["kind"] = "init-error"
            elif len(parts) == 3 and parts[0] == "invocation" and parts[2] in ("response", "error"):
                entry["kind"], entry["request"] = parts[2], parts[1]
                # When the invocation had to be answered by (seconds since 1970).
                entry["deadline"] = deadlines.get(parts[1])
            else:
                return self.answer(404)
            record(entry)
            self.answer(202, b'{"status": "OK"}')

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"listening on 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
