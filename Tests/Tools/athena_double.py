"""A stand-in for Amazon Athena in the tests: it speaks Athena's JSON 1.1 API and runs each
statement with DuckDB over the objects in S3 (SeaweedFS), reading table definitions from Glue
(moto), as Athena does. moto's own Athena runs no SQL, so `transform --engine athena` could not
be tested end to end without this.

What it does as Athena does:
- StartQueryExecution (idempotent per ClientRequestToken), GetQueryExecution, GetQueryResults
  (pages of at most 1,000 rows, the header row first, nulls as absent VarCharValue),
  StopQueryExecution; the request must carry a SigV4 Authorization for the athena service.
- Tables are looked up in Glue; raw JSON tables and Parquet tables are read from their S3
  locations; partitions are pruned by the predicates on partition keys next to each table
  reference (`FROM "db"."t" WHERE dt >= '...'`), and DataScannedInBytes counts the objects read.
- CTAS (`WITH (external_location, partitioned_by, format = 'PARQUET', write_compression)`) and
  INSERT INTO write Parquet under the table location, one file per partition, Hive-style
  (`month=YYYY-MM/<query id>_<n>`, no extension), create the Glue table (CTAS), and fail as
  Athena does when the location is not empty or more than 100 partitions are written.
- Results of SELECTs are also written as CSV to the output location.

Every statement received is appended to the log file (JSON lines) for the tests to check.

Usage: athena_double.py --port P --log FILE   (S3 and Glue from MOMENTUM_S3_ENDPOINT,
MOMENTUM_S3_ACCESS_KEY, MOMENTUM_S3_SECRET, MOMENTUM_MOTO_ENDPOINT)
"""
import argparse
import csv
import io
import json
import os
import re
import shutil
import tempfile
import threading
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import duckdb

REGION = "us-east-1"
DUCK_TYPES = {"string": "VARCHAR", "bigint": "BIGINT", "int": "INTEGER", "integer": "INTEGER", "double": "DOUBLE",
              "boolean": "BOOLEAN", "date": "DATE", "array<string>": "VARCHAR[]", "float": "FLOAT", "smallint": "SMALLINT"}
GLUE_TYPES = {"VARCHAR": "string", "BIGINT": "bigint", "INTEGER": "int", "DOUBLE": "double", "BOOLEAN": "boolean", "DATE": "date"}
PARTITION_LIMIT = 100


class QueryFailed(Exception):
    pass


class Double:
    def __init__(self, log_path):
        self.log_path = log_path
        self.lock = threading.Lock()
        self.queries = {}
        self.tokens = {}
        common = dict(region_name=REGION, aws_access_key_id=os.environ["MOMENTUM_S3_ACCESS_KEY"],
                      aws_secret_access_key=os.environ["MOMENTUM_S3_SECRET"])
        self.s3 = boto3.client("s3", endpoint_url=os.environ["MOMENTUM_S3_ENDPOINT"], **common)
        self.glue = boto3.client("glue", endpoint_url=os.environ["MOMENTUM_MOTO_ENDPOINT"], **common)

    # API

    def start(self, body):
        token = body.get("ClientRequestToken")
        with self.lock:
            if token and token in self.tokens:
                return {"QueryExecutionId": self.tokens[token]}
            query_id = str(uuid.uuid4())
            if token:
                self.tokens[token] = query_id
            query = {"id": query_id, "sql": body["QueryString"], "token": token,
                     "database": body.get("QueryExecutionContext", {}).get("Database"),
                     "workgroup": body.get("WorkGroup", "primary"),
                     "output": (body.get("ResultConfiguration") or {}).get("OutputLocation"),
                     "state": "QUEUED", "reason": None, "scanned": 0, "read": {}, "columns": [], "rows": []}
            self.queries[query_id] = query
        threading.Thread(target=self.execute, args=(query,), daemon=True).start()
        return {"QueryExecutionId": query_id}

    def get(self, body):
        query = self.find(body)
        status = {"State": query["state"]}
        if query["reason"]:
            status["StateChangeReason"] = query["reason"]
        output = query["output"] and query["output"].rstrip("/") + "/" + query["id"] + ".csv"
        return {"QueryExecution": {"QueryExecutionId": query["id"], "Query": query["sql"], "Status": status,
                                   "Statistics": {"DataScannedInBytes": query["scanned"]},
                                   "ResultConfiguration": {"OutputLocation": output} if output else {},
                                   "WorkGroup": query["workgroup"]}}

    def results(self, body):
        query = self.find(body)
        if query["state"] != "SUCCEEDED":
            raise ValueError(f"InvalidRequestException:Query has not yet finished. Current state: {query['state']}")
        size = min(int(body.get("MaxResults", 1000)), 1000)
        start = int(body.get("NextToken") or 0)
        rows = [query["columns"]] + query["rows"]
        page = rows[start:start + size]
        out = {"ResultSet": {"Rows": [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]} for row in page],
                             "ResultSetMetadata": {"ColumnInfo": [{"Name": c, "Type": "varchar"} for c in query["columns"]]}}}
        if start + size < len(rows):
            out["NextToken"] = str(start + size)
        return out

    def stop(self, body):
        query = self.find(body)
        if query["state"] in ("QUEUED", "RUNNING"):
            query["state"] = "CANCELLED"
            query["reason"] = "Query cancelled by user"
        return {}

    def find(self, body):
        query = self.queries.get(body.get("QueryExecutionId"))
        if not query:
            raise ValueError("InvalidRequestException:QueryExecution " + str(body.get("QueryExecutionId")) + " was not found")
        return query

    # Execution

    def execute(self, query):
        query["state"] = "RUNNING"
        work = tempfile.mkdtemp(prefix="athena-double-")
        try:
            self.run_statement(query, work)
            if query["state"] == "RUNNING":
                query["state"] = "SUCCEEDED"
        except QueryFailed as failure:
            query["state"], query["reason"] = "FAILED", str(failure)
        except duckdb.Error as failure:
            query["state"], query["reason"] = "FAILED", "SYNTAX_ERROR: " + str(failure).splitlines()[0]
        except Exception as failure:  # the double's own bug: say so, as Athena says INTERNAL_ERROR
            traceback.print_exc()
            query["state"], query["reason"] = "FAILED", "INTERNAL_ERROR_QUERY_ENGINE: " + repr(failure)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            with self.lock, open(self.log_path, "a") as log:
                log.write(json.dumps({"id": query["id"], "token": query["token"], "database": query["database"],
                                      "workgroup": query["workgroup"], "output": query["output"], "sql": query["sql"],
                                      "state": query["state"], "reason": query["reason"], "scanned": query["scanned"],
                                      "read": query["read"]}) + "\n")

    def run_statement(self, query, work):
        sql = query["sql"].strip().rstrip(";")
        ctas = re.match(r'CREATE\s+TABLE\s+"(\w+)"\."(\w+)"\s+WITH\s*\((.*?)\)\s*AS\s*\n?(.*)$', sql, re.S | re.I)
        insert = re.match(r'INSERT\s+INTO\s+"(\w+)"\."(\w+)"\s+(.*)$', sql, re.S | re.I)
        con = duckdb.connect()
        con.execute("SET threads TO 2")
        if ctas:
            database, table, properties, select = ctas.groups()
            props = dict((k.lower(), v) for k, v in re.findall(r"(\w+)\s*=\s*('[^']*'|ARRAY\[[^\]]*\]|\w+)", properties))
            location = props.get("external_location", "").strip("'")
            partitioned = re.findall(r"'(\w+)'", props.get("partitioned_by", ""))
            if props.get("format", "'PARQUET'").strip("'").upper() != "PARQUET":
                raise QueryFailed("NOT_SUPPORTED: the double writes Parquet only")
            if self.glue_table(database, table, required=False):
                raise QueryFailed(f"TABLE_ALREADY_EXISTS: Table 'awsdatacatalog.{database}.{table}' already exists")
            bucket, prefix = split_s3(location)
            if self.s3.list_objects_v2(Bucket=bucket, Prefix=prefix, MaxKeys=1).get("KeyCount", 0):
                raise QueryFailed(f"HIVE_PATH_ALREADY_EXISTS: Target directory for table '{database}.{table}' already exists: {location}")
            columns = self.write(query, con, select, location, partitioned, props.get("write_compression", "'GZIP'").strip("'"), work)
            data = [c for c in columns if c[0] not in partitioned]
            self.glue.create_table(DatabaseName=database, TableInput={
                "Name": table, "TableType": "EXTERNAL_TABLE", "Parameters": {"classification": "parquet"},
                "PartitionKeys": [{"Name": c, "Type": "string"} for c in partitioned],
                "StorageDescriptor": {"Location": location, "Columns": [{"Name": n, "Type": GLUE_TYPES.get(t, "string")} for n, t in data],
                                      "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                                      "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                                      "SerdeInfo": {"SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"}}})
        elif insert:
            database, table, select = insert.groups()
            target = self.glue_table(database, table)
            partitioned = [k["Name"] for k in target.get("PartitionKeys", [])]
            self.write(query, con, select, target["StorageDescriptor"]["Location"], partitioned, "SNAPPY", work)
        elif re.match(r"\s*(WITH|SELECT)\b", sql, re.I):
            result = con.execute(self.bind_tables(query, con, sql, work))
            query["columns"] = [d[0] for d in result.description]
            query["rows"] = [[None if v is None else str(v) for v in row] for row in result.fetchall()]
            if query["output"]:
                text = io.StringIO()
                writer = csv.writer(text, quoting=csv.QUOTE_ALL)
                writer.writerow(query["columns"])
                writer.writerows(query["rows"])
                bucket, prefix = split_s3(query["output"].rstrip("/") + "/" + query["id"] + ".csv")
                self.s3.put_object(Bucket=bucket, Key=prefix, Body=text.getvalue().encode())
        else:
            raise QueryFailed("NOT_SUPPORTED: the Athena double runs SELECT, CTAS and INSERT INTO only")

    def write(self, query, con, select, location, partitioned, compression, work):
        """Runs `select` and writes its rows as Parquet under `location`, one file per partition."""
        bound = self.bind_tables(query, con, select, work)
        con.execute(f"CREATE TEMP TABLE result AS {bound}")
        columns = [(row[0], row[1]) for row in con.execute("DESCRIBE result").fetchall()]
        if partitioned:
            count = con.execute(f"SELECT count(DISTINCT ({', '.join(partitioned)})) FROM result").fetchone()[0]
            if count > PARTITION_LIMIT:
                raise QueryFailed(f"HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of {PARTITION_LIMIT} open writers for partitions/buckets ({count} partitions)")
        out = os.path.join(work, "out")
        codec = {"GZIP": "GZIP", "SNAPPY": "SNAPPY", "ZSTD": "ZSTD", "NONE": "UNCOMPRESSED"}.get(compression.upper(), "GZIP")
        if partitioned:
            con.execute(f"COPY result TO '{out}' (FORMAT PARQUET, COMPRESSION {codec}, PARTITION_BY ({', '.join(partitioned)}))")
        else:
            os.makedirs(out)
            con.execute(f"COPY result TO '{out}/data.parquet' (FORMAT PARQUET, COMPRESSION {codec})")
        bucket, prefix = split_s3(location)
        written = 0
        for folder, _, files in os.walk(out):
            for index, name in enumerate(sorted(files)):
                relative = os.path.relpath(folder, out)
                key = prefix + ("" if relative == "." else relative + "/") + f"{query['id']}_{index:05d}"
                with open(os.path.join(folder, name), "rb") as handle:
                    self.s3.put_object(Bucket=bucket, Key=key, Body=handle.read())
                written += 1
        return columns

    def bind_tables(self, query, con, sql, work):
        """Each `"db"."table"` reference becomes a view over the objects of the partitions the
        predicates beside it select."""
        references = list(re.finditer(r'"(\w+)"\."(\w+)"', sql))
        out, last = [], 0
        for number, reference in enumerate(references):
            database, table = reference.groups()
            definition = self.glue_table(database, table)
            name = f"ref_{number}_{table}"
            self.create_view(query, con, name, definition, sql[reference.end():], work)
            out.append(sql[last:reference.start()] + f'"{name}"')
            last = reference.end()
        return "".join(out) + sql[last:]

    def create_view(self, query, con, name, table, following, work):
        descriptor = table["StorageDescriptor"]
        keys = [k["Name"] for k in table.get("PartitionKeys", [])]
        columns = [(c["Name"], c["Type"]) for c in descriptor["Columns"]]
        predicates = partition_predicates(following, keys)
        bucket, prefix = split_s3(descriptor["Location"])
        files = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                relative = item["Key"][len(prefix):]
                base = relative.split("/")[-1]
                if base.startswith(("_", ".")) or base.endswith("$folder$") or item["Size"] == 0:
                    continue
                values = dict(part.split("=", 1) for part in relative.split("/")[:-1] if "=" in part)
                if all(test(values.get(key)) for key, test in predicates):
                    files.append((item["Key"], item["Size"], values))
        query["read"].setdefault(table["Name"], []).extend(sorted(k for k, _, _ in files))
        query["scanned"] += sum(size for _, size, _ in files)
        folder = os.path.join(work, name)
        os.makedirs(folder)
        paths = []
        for index, (key, _, values) in enumerate(files):
            path = os.path.join(folder, f"{index:06d}" + (".jsonl.gz" if key.endswith(".gz") else ".jsonl" if "json" in descriptor["SerdeInfo"]["SerializationLibrary"].lower() else ".parquet"))
            self.s3.download_file(bucket, key, path)
            paths.append((path, values))
        typed = ", ".join(f'"{c}" {DUCK_TYPES.get(t.lower(), "VARCHAR")}' for c, t in columns)
        if not paths:
            keys_typed = "".join(f', "{k}" VARCHAR' for k in keys)
            con.execute(f'CREATE TEMP TABLE "{name}" ({typed}{keys_typed})')
            return
        selects = []
        json_table = "json" in descriptor["SerdeInfo"]["SerializationLibrary"].lower()
        for path, values in paths:
            partition_columns = "".join(f", '{values.get(k, '')}' AS \"{k}\"" for k in keys)
            names = ", ".join(f'"{c}"' for c, _ in columns)
            if json_table:
                spec = "{" + ", ".join(f"'{c}': '{DUCK_TYPES.get(t.lower(), 'VARCHAR')}'" for c, t in columns) + "}"
                source = f"read_json('{path}', format='newline_delimited', ignore_errors=true, columns={spec})"
            else:
                source = f"read_parquet('{path}')"
            selects.append(f"SELECT {names}{partition_columns} FROM {source}")
        con.execute(f'CREATE TEMP VIEW "{name}" AS ' + " UNION ALL ".join(selects))

    def glue_table(self, database, table, required=True):
        try:
            return self.glue.get_table(DatabaseName=database, Name=table)["Table"]
        except self.glue.exceptions.EntityNotFoundException:
            if required:
                raise QueryFailed(f"TABLE_NOT_FOUND: Table 'awsdatacatalog.{database}.{table}' does not exist")
            return None


def partition_predicates(following, keys):
    """Predicates on partition keys in the WHERE right after a table reference (up to the end of
    that SELECT), as Athena's partition pruning would use them."""
    match = re.match(r'\s*(?:\w+\s+)?WHERE\s+(.*?)(?:\n\s*\)|\bUNION\b|\bGROUP\s+BY\b|\bORDER\s+BY\b|$)', following, re.S | re.I)
    if not match:
        return []
    clause = match.group(1)
    tests = []
    for key in keys:
        for op, value in re.findall(rf"\b{key}\s*(>=|<=|=|<|>)\s*'([^']*)'", clause):
            tests.append((key, comparison(op, value)))
        for low, high in re.findall(rf"\b{key}\s+BETWEEN\s+'([^']*)'\s+AND\s+'([^']*)'", clause, re.I):
            tests.append((key, lambda v, low=low, high=high: v is not None and low <= v <= high))
    return tests


def comparison(op, value):
    return {">=": lambda v: v is not None and v >= value, "<=": lambda v: v is not None and v <= value,
            "=": lambda v: v == value, "<": lambda v: v is not None and v < value,
            ">": lambda v: v is not None and v > value}[op]


def split_s3(location):
    match = re.match(r"s3://([^/]+)/?(.*)$", location)
    if not match:
        raise QueryFailed(f"INVALID_INPUT: not an S3 location: {location}")
    prefix = match.group(2)
    return match.group(1), prefix if not prefix or prefix.endswith("/") or "." in prefix.split("/")[-1] else prefix + "/"


class Handler(BaseHTTPRequestHandler):
    double = None

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        target = self.headers.get("X-Amz-Target", "")
        authorization = self.headers.get("Authorization", "")
        if not authorization.startswith("AWS4-HMAC-SHA256 ") or "/athena/aws4_request" not in authorization:
            return self.answer(400, {"__type": "UnrecognizedClientException", "message": "The security token included in the request is invalid."})
        operations = {"AmazonAthena.StartQueryExecution": self.double.start, "AmazonAthena.GetQueryExecution": self.double.get,
                      "AmazonAthena.GetQueryResults": self.double.results, "AmazonAthena.StopQueryExecution": self.double.stop}
        operation = operations.get(target)
        if not operation:
            return self.answer(400, {"__type": "UnknownOperationException", "message": f"{target} is not served by the double"})
        try:
            self.answer(200, operation(body))
        except ValueError as error:
            kind, _, message = str(error).partition(":")
            self.answer(400, {"__type": kind, "Message": message})

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    args = parser.parse_args()
    Handler.double = Double(args.log)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
