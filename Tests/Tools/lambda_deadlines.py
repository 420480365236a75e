#!/usr/bin/env python3
"""`momentum lambda` against short deadlines: every invocation answered in time, nothing left held.

Serves RUNS transform invocations (half on a folder lake, half on an S3 lake in SeaweedFS when
MOMENTUM_S3_ENDPOINT is set), each with a deadline drawn between 0.5 and 5 seconds, through
the fake Runtime API (fake_lambda_runtime.py), to one warm `momentum lambda` process per lake.
The lake is a demo lake big enough that a full transform outlasts most deadlines. Checks:
  - every invocation was answered (a response or an error), before its deadline;
  - after the runtime exits, no lake lock is left (`_momentum/lock.json`) and no scratch folder
    (`momentum-transform-*` in its TMPDIR).
Prints one line per lake and exits 1 on any failure.

Usage: lambda_deadlines.py MOMENTUM [RUNS] [SEED]   (MOMENTUM_PYTHON's python, for boto3;
       DEADLINES=0.5-1.0 draws from another range)
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

TOOLS = os.path.dirname(os.path.abspath(__file__))
BUCKET = "lambda-deadlines"


def s3_client():
    import boto3
    return boto3.client("s3", endpoint_url=os.environ["MOMENTUM_S3_ENDPOINT"], region_name="us-east-1",
                        aws_access_key_id=os.environ["MOMENTUM_S3_ACCESS_KEY"],
                        aws_secret_access_key=os.environ["MOMENTUM_S3_SECRET"])


def upload(folder, prefix):
    s3 = s3_client()
    try:
        s3.create_bucket(Bucket=BUCKET)
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            s3.upload_file(path, BUCKET, prefix + "/" + os.path.relpath(path, folder))


def lock_left(lake):
    if lake.startswith("s3://"):
        prefix = lake[len("s3://" + BUCKET + "/"):]
        answer = s3_client().list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/_momentum/lock.json")
        return answer.get("KeyCount", 0) > 0
    return os.path.exists(os.path.join(lake, "_momentum", "lock.json"))


def serve(momentum, lake, deadlines, work, environment):
    events = [{"event": {"job": "transform", "full": index % 2 == 0}, "deadline_seconds": seconds}
              for index, seconds in enumerate(deadlines)]
    queue, log = os.path.join(work, "events.json"), os.path.join(work, "log.jsonl")
    with open(queue, "w") as handle:
        json.dump(events, handle)
    if os.path.exists(log):
        os.remove(log)
    runtime = subprocess.Popen([sys.executable, os.path.join(TOOLS, "fake_lambda_runtime.py"), queue, log],
                               stdout=subprocess.PIPE, text=True)
    try:
        address = runtime.stdout.readline().strip().split("listening on ")[-1]
        scratch = tempfile.mkdtemp(prefix="scratch-", dir=work)
        child = subprocess.run([momentum, "lambda"], env=dict(environment, AWS_LAMBDA_RUNTIME_API=address, MOMENTUM_LAKE=lake,
                                                             TMPDIR=scratch),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=60 + 10 * len(deadlines))
    finally:
        runtime.terminate()
        runtime.wait(timeout=10)
    posts = [json.loads(line) for line in open(log)] if os.path.exists(log) else []
    answers = [post for post in posts if post.get("kind") in ("response", "error")]
    late = [post for post in answers if post["at"] > post["deadline"]]
    margins = sorted(post["deadline"] - post["at"] for post in answers)
    kinds = {}
    for post in answers:
        kind = post["kind"] if post["kind"] == "response" else post.get("error_type")
        kinds[kind] = kinds.get(kind, 0) + 1
    leftovers = [name for name in os.listdir(scratch) if name.startswith("momentum-transform-")]
    problems = []
    if len(answers) != len(deadlines):
        problems.append(f"{len(answers)} of {len(deadlines)} invocations answered (exit {child.returncode}: {child.stderr[-400:]})")
    if late:
        problems.append(f"{len(late)} answered after their deadline: " + ", ".join(
            f"{post['request']} (deadline {deadlines[int(post['request'].split('-')[1])]} s: {post['kind']} "
            f"{post.get('error_type') or ''} {post['at'] - post['deadline']:+.2f} s)" for post in late))
    if lock_left(lake):
        problems.append("the lake lock was left behind")
    if leftovers:
        problems.append(f"scratch folders left: {leftovers}")
    return kinds, margins, problems


def main():
    momentum = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
    work = tempfile.mkdtemp(prefix="lambda-deadlines-")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("MOMENTUM_LAKE")}
    failed = False
    try:
        subprocess.run([momentum, "demo", "--dir", os.path.join(work, "demo"), "--artists", "150", "--days", "365", "--quiet"],
                       check=True, stdout=subprocess.DEVNULL, env=environment)
        folder = os.path.join(work, "demo", "lake")
        lakes = [("folder", folder)]
        if os.environ.get("MOMENTUM_S3_ENDPOINT"):
            prefix = "run-" + str(rng.randrange(1 << 30))
            upload(folder, prefix)
            environment.update({"AWS_ENDPOINT_URL_S3": os.environ["MOMENTUM_S3_ENDPOINT"], "AWS_REGION": "us-east-1",
                                "AWS_ACCESS_KEY_ID": os.environ["MOMENTUM_S3_ACCESS_KEY"],
                                "AWS_SECRET_ACCESS_KEY": os.environ["MOMENTUM_S3_SECRET"], "AWS_EC2_METADATA_DISABLED": "true"})
            lakes.append(("S3", f"s3://{BUCKET}/{prefix}"))
        per_lake = runs // len(lakes)
        for name, lake in lakes:
            low, high = (float(x) for x in os.environ.get("DEADLINES", "0.5-5.0").split("-"))
            deadlines = [round(rng.uniform(low, high), 2) for _ in range(per_lake)]
            kinds, margins, problems = serve(momentum, lake, deadlines, work, environment)
            spread = f"{margins[0]:.2f}…{margins[-1]:.2f} s" if margins else "none"
            print(f"lambda-deadlines: {name} lake: {per_lake} invocations, deadlines {low}-{high} s: answers {kinds}; "
                  f"time left at the answer {spread}; " + ("; ".join(problems) if problems else "no lock or scratch left"))
            failed = failed or bool(problems)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
