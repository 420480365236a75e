"""Checks a lake in S3 against the same lake on disk, through boto3 and pyarrow.

Usage: compare_s3_lake.py FOLDER BUCKET PREFIX   (AWS_* variables name the endpoint and keys)

Every processed Parquet file must exist under both, hold equal tables, and no other processed
file may exist under either. Prints a JSON summary; exits 1 on the first difference.
"""
import io
import json
import os
import sys

import boto3
import pyarrow.parquet as pq


def main():
    folder, bucket, prefix = sys.argv[1], sys.argv[2], sys.argv[3].strip("/")
    s3 = boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3"))
    remote = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "/processed/"):
        for item in page.get("Contents", []):
            remote[item["Key"][len(prefix) + 1:]] = item["Key"]
    local = {}
    for directory, _, files in os.walk(os.path.join(folder, "processed")):
        for name in files:
            path = os.path.join(directory, name)
            local[os.path.relpath(path, folder)] = path
    local = {k: v for k, v in local.items() if k.endswith(".parquet")}
    remote = {k: v for k, v in remote.items() if k.endswith(".parquet")}
    if set(local) != set(remote):
        print("different files: only on disk %s, only in S3 %s" % (sorted(set(local) - set(remote)), sorted(set(remote) - set(local))))
        sys.exit(1)
    rows = 0
    for key in sorted(local):
        body = s3.get_object(Bucket=bucket, Key=remote[key])["Body"].read()
        theirs = pq.read_table(io.BytesIO(body))
        ours = pq.read_table(local[key])
        if not theirs.equals(ours):
            print("%s differs between disk and S3" % key)
            sys.exit(1)
        rows += ours.num_rows
    print(json.dumps({"files": len(local), "rows": rows}))


if __name__ == "__main__":
    main()
