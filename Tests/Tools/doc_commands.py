#!/usr/bin/env python3
"""Runs every `momentum` line of the README's and Docs/'s sh blocks, as a reader would.

Each document runs in a fresh folder with a fresh HOME, its lines in order, so that what one
line sets up (`momentum init`, `export ...`, `cd`) holds for the next. A line runs against
what it needs: the Spotify simulator (started here, unless the document starts its own), a
lake in S3 (SeaweedFS, whose bucket `my-bucket` is created and seeded with a demo lake), Glue
(moto) and Athena (the double). It must exit 0.

Left out, and counted: lines for `terraform` or the `aws` CLI, and the lines of a block whose
`export` has a placeholder (`…`): they need a real account. `swift run momentum` runs as the
installed `momentum` (the same product), and the local S3 the docs name (`http://127.0.0.1:8333`) is the
test's SeaweedFS. Lines of other tools (`scripts/...`, `git`) are not
this test's business and are only counted.

Usage: doc_commands.py REPOSITORY   (with `momentum` first on PATH and the variables of
Tests/Tools/seaweedfs.sh, moto.sh and athena-double.sh set)
"""

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

COMMAND = re.compile(r"^(?:[A-Za-z_][A-Za-z0-9_]*=(?:\"[^\"]*\"|'[^']*'|\S+)\s+)*(?:swift run )?momentum(?:\s|$)")
OTHER_ACCOUNTS = re.compile(r"(^|[\s(\"$])(terraform|aws)\s")
BUCKET = "my-bucket"
# The local S3 the docs name (SeaweedFS's S3 gateway on its default port) is the test's SeaweedFS.
DOCUMENTED_LOCAL_S3 = "http://127.0.0.1:8333"


def blocks(path):
    """The sh blocks of a Markdown file: lists of (line number, logical line)."""
    found, current, start = [], None, 0
    pending = ""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            text = line.rstrip("\n")
            if current is None:
                if text.strip() in ("```sh", "```bash", "```shell"):
                    current = []
                continue
            if text.strip().startswith("```"):
                found.append(current)
                current = None
                continue
            if not pending:
                start = number
            if text.endswith("\\"):
                pending += text[:-1] + " "
                continue
            logical = without_comment(pending + text).strip()
            pending = ""
            if logical:
                current.append((start, logical))
    return found


def without_comment(line):
    """The line without a trailing `# comment` (a `#` outside quotes after a space)."""
    quote = None
    for index, character in enumerate(line):
        if quote:
            if character == quote:
                quote = None
        elif character in "\"'":
            quote = character
        elif character == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index]
    return line


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def seed_s3(environment, work):
    """Bucket `my-bucket` in SeaweedFS, with a demo lake under `momentum/`."""
    import boto3  # the test environment's (scripts/requirements-test.txt)
    s3 = boto3.client("s3", endpoint_url=environment["AWS_ENDPOINT_URL_S3"], region_name="us-east-1",
                      aws_access_key_id=os.environ["MOMENTUM_S3_ACCESS_KEY"],
                      aws_secret_access_key=os.environ["MOMENTUM_S3_SECRET"])
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="momentum/"):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    demo = os.path.join(work, "seed")
    subprocess.run(["momentum", "demo", "--dir", demo, "--artists", "6", "--days", "40", "--quiet"],
                   env=environment, check=True, stdout=subprocess.DEVNULL)
    lake = os.path.join(demo, "lake")
    for folder, _, files in os.walk(lake):
        for name in files:
            path = os.path.join(folder, name)
            s3.upload_file(path, BUCKET, "momentum/" + os.path.relpath(path, lake))


def home_for(work, index):
    """A HOME as a reader's: AWS profiles for the local S3, the folders shells load completions from."""
    home = os.path.join(work, f"home-{index}")
    for folder in [".aws", ".local/share/bash-completion/completions", ".config/fish/completions", ".zfunc"]:
        os.makedirs(os.path.join(home, folder), exist_ok=True)
    keys = f"aws_access_key_id = {os.environ['MOMENTUM_S3_ACCESS_KEY']}\naws_secret_access_key = {os.environ['MOMENTUM_S3_SECRET']}\n"
    with open(os.path.join(home, ".aws", "credentials"), "w") as handle:
        handle.write(f"[default]\n{keys}\n[momentum]\n{keys}")
    return home


class Document:
    def __init__(self, path, environment, folder, home):
        self.path = path
        self.environment = dict(environment, HOME=home)
        self.folder = folder
        self.jobs = []

    def run(self, line):
        """Runs one line; an error message when it failed."""
        if line.endswith("&"):
            process = subprocess.Popen(["bash", "-c", "exec " + line[:-1]], cwd=self.folder, env=self.environment,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       start_new_session=True)
            self.jobs.append(process)
            port = re.search(r"--port (\d+)", line)
            if port and not wait_for_port(int(port.group(1))):
                return f"nothing listens on port {port.group(1)}"
            if process.poll() is not None:
                return f"exited at once with {process.returncode}"
            return None
        started = time.time()
        result = subprocess.run(["bash", "-c", line], cwd=self.folder, env=self.environment, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            return f"exit {result.returncode} after {time.time() - started:.1f} s\n{result.stdout[-2000:]}{result.stderr[-4000:]}"
        return None

    def export(self, line):
        result = subprocess.run(["bash", "-c", line + "\nenv -0"], cwd=self.folder, env=self.environment,
                                capture_output=True, text=True, check=True)
        self.environment = dict(item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)

    def stop(self):
        for job in self.jobs:
            if job.poll() is None:
                os.killpg(job.pid, signal.SIGTERM)
                job.wait(timeout=10)
        self.jobs = []


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    for variable in ["MOMENTUM_S3_ENDPOINT", "MOMENTUM_S3_ACCESS_KEY", "MOMENTUM_S3_SECRET",
                     "MOMENTUM_MOTO_ENDPOINT", "MOMENTUM_ATHENA_ENDPOINT"]:
        if not os.environ.get(variable):
            sys.exit(f"doc-commands: {variable} is not set: run from scripts/test, which starts the servers")
    if not shutil.which("momentum"):
        sys.exit("doc-commands: no momentum on PATH")
    work = tempfile.mkdtemp(prefix="doc-commands-")
    port = free_port()
    simulator = subprocess.Popen(["momentum", "simulator", "serve", "--port", str(port)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    ran, skipped, others, failures = 0, {}, 0, []
    try:
        if not wait_for_port(port):
            sys.exit("doc-commands: the simulator did not start")
        environment = {
            "PATH": os.environ["PATH"], "LANG": "C.UTF-8", "TZ": "UTC", "COLUMNS": "100",
            "SPOTIFY_ACCOUNTS_URL": f"http://127.0.0.1:{port}", "SPOTIFY_API_URL": f"http://127.0.0.1:{port}/v1",
            "SPOTIFY_CLIENT_ID": "any", "SPOTIFY_CLIENT_SECRET": "any",
            # The other audience sources, served by the same simulator: no command reaches a public host.
            "DEEZER_API_URL": f"http://127.0.0.1:{port}/deezer", "LASTFM_API_URL": f"http://127.0.0.1:{port}/lastfm/2.0",
            "MUSICBRAINZ_API_URL": f"http://127.0.0.1:{port}/musicbrainz",
            "AWS_ENDPOINT_URL_S3": os.environ["MOMENTUM_S3_ENDPOINT"],
            "AWS_ENDPOINT_URL_GLUE": os.environ["MOMENTUM_MOTO_ENDPOINT"],
            "AWS_ENDPOINT_URL_ATHENA": os.environ["MOMENTUM_ATHENA_ENDPOINT"],
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        seed_s3(dict(environment, HOME=home_for(work, 0)), work)
        documents = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "Docs", "*.md")))
        for index, path in enumerate(documents, 1):
            name = os.path.relpath(path, root)
            folder = os.path.join(work, f"doc-{index}")
            os.makedirs(folder)
            document = Document(name, environment, folder, home_for(work, index))
            try:
                for block in blocks(path):
                    needs_account = False
                    for number, line in block:
                        where = f"{name}:{number}"
                        if OTHER_ACCOUNTS.search(line):
                            skipped["terraform or aws"] = skipped.get("terraform or aws", 0) + 1
                            print(f"- {where}: {line}   (skipped: terraform or aws)", file=sys.stderr)
                        elif line.startswith("export "):
                            if "…" in line:
                                needs_account = True
                            else:
                                document.export(line)
                        elif line == "kill %1":
                            document.stop()
                        elif line.startswith("cd ") and not COMMAND.match(line):
                            target = os.path.join(document.folder, os.path.expanduser(line[3:].strip()))
                            if os.path.isdir(target):
                                document.folder = target
                        elif COMMAND.match(line):
                            if needs_account:
                                skipped["a real Spotify account"] = skipped.get("a real Spotify account", 0) + 1
                                print(f"- {where}: {line}   (skipped: a real Spotify account)", file=sys.stderr)
                                continue
                            command = re.sub(r"(^|\s)swift run momentum", r"\1momentum", line, count=1)
                            command = command.replace(DOCUMENTED_LOCAL_S3, os.environ["MOMENTUM_S3_ENDPOINT"])
                            print(f"+ {where}: {command}", file=sys.stderr)
                            ran += 1
                            failure = document.run(command)
                            if failure:
                                failures.append(f"{where}: '{line}' failed: {failure}")
                                print(f"  FAILED: {failure}", file=sys.stderr)
                        else:
                            others += 1
            finally:
                document.stop()
    finally:
        os.killpg(simulator.pid, signal.SIGTERM)
        simulator.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(skipped.items()))
    print(f"doc-commands: ran {ran} momentum lines of README.md and Docs/, skipped {sum(skipped.values())}"
          + (f" ({reasons})" if reasons else "") + f"; {others} lines of other tools not run", file=sys.stderr)
    if failures:
        print("doc-commands: " + "\n".join(failures), file=sys.stderr)
        sys.exit(1)
    if ran == 0:
        sys.exit("doc-commands: no momentum line found in README.md or Docs/")


if __name__ == "__main__":
    main()
