#!/usr/bin/env python3
"""Checks Spotify traffic against Spotify's OpenAPI description.

Input: a JSON file written by the Swift tests, {"exchanges": [...]}, each exchange with the
request (method, path, query) the client sent and, for 2xx answers, the JSON body it got.
Every request must name a documented path and operation, use only documented query
parameters, give the required ones, and keep integers within the documented bounds (apps
with extended quota may ask for up to 50 a page, which the 2026 description no longer shows,
and the one request of 50 that a Development Mode app sends before the API's 400 tells it its
limit is accepted as that probe).
Every 2xx body must validate against the operation's response schema.

Usage: check_openapi.py SPEC.yml EXCHANGES.json
"""
import json
import re
import sys

import yaml
from openapi_schema_validator import OAS30Validator

EXTENDED_LIMIT = 50


def resolve(spec, node):
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def find_operation(spec, method, path):
    for template, operations in spec["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in operations:
            return template, operations[method.lower()]
    return None, None


def check_request(spec, exchange, problems):
    method, path, query = exchange["method"], exchange["path"], exchange.get("query", {})
    if path.startswith("/v1"):
        path = path[3:]
    template, operation = find_operation(spec, method, path)
    if operation is None:
        problems.append(f"{method} {path}: no such operation in the OpenAPI description")
        return None
    parameters = {}
    for parameter in operation.get("parameters", []):
        parameter = resolve(spec, parameter)
        parameters[(parameter["in"], parameter["name"])] = parameter
    for (where, name), parameter in parameters.items():
        if where == "query" and parameter.get("required") and name not in query:
            problems.append(f"{method} {template}: required query parameter '{name}' missing")
    for name, value in query.items():
        parameter = parameters.get(("query", name))
        if parameter is None:
            problems.append(f"{method} {template}: undocumented query parameter '{name}'")
            continue
        schema = resolve(spec, parameter.get("schema", {}))
        if schema.get("type") == "integer":
            if not re.fullmatch(r"-?\d+", value):
                problems.append(f"{method} {template}: {name}={value} is not an integer")
                continue
            number = int(value)
            maximum = schema.get("maximum")
            if name == "limit" and (exchange.get("mode") == "extended" or exchange.get("status") == 400):
                # Extended-quota apps may ask for 50; a Development Mode app learns its limit
                # from the 400 that its first page of 50 gets (the client's documented probe).
                maximum = max(maximum or 0, EXTENDED_LIMIT)
            if maximum is not None and number > maximum:
                problems.append(f"{method} {template}: {name}={number} is above the maximum {maximum}")
            if schema.get("minimum") is not None and number < schema["minimum"]:
                problems.append(f"{method} {template}: {name}={number} is below the minimum {schema['minimum']}")
        if schema.get("type") == "array" and "enum" in schema.get("items", {}):
            for item in value.split(","):
                if item not in schema["items"]["enum"]:
                    problems.append(f"{method} {template}: {name} value '{item}' is not one of {schema['items']['enum']}")
        if name == "include_groups":
            for item in value.split(","):
                if item not in ("album", "single", "appears_on", "compilation"):
                    problems.append(f"{method} {template}: include_groups value '{item}'")
        if name == "market" and not re.fullmatch(r"[A-Z]{2}", value):
            problems.append(f"{method} {template}: market '{value}' is not an ISO 3166-1 alpha-2 code")
        if name == "ids" and len(value.split(",")) > 50:
            problems.append(f"{method} {template}: more than 50 ids")
    return operation


def check_response(spec, exchange, operation, problems):
    status = str(exchange.get("status"))
    body = exchange.get("body")
    if body is None or not status.startswith("2"):
        return False
    response = resolve(spec, operation["responses"].get(status) or operation["responses"].get("200"))
    schema = response["content"]["application/json"]["schema"]
    wrapper = dict(schema)
    wrapper["components"] = spec["components"]
    validator = OAS30Validator(wrapper)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    for error in errors[:5]:
        location = "/".join(str(p) for p in error.path)
        problems.append(f"{exchange['method']} {exchange['path']} answer at '{location}': {error.message[:200]}")
    return True


def main():
    spec = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
    exchanges = json.load(open(sys.argv[2], encoding="utf-8"))["exchanges"]
    problems = []
    validated = 0
    for exchange in exchanges:
        operation = check_request(spec, exchange, problems)
        if operation is not None and check_response(spec, exchange, operation, problems):
            validated += 1
    for problem in problems[:40]:
        print(problem)
    print(f"{len(exchanges)} requests checked, {validated} answers validated; {'OK' if not problems else f'{len(problems)} problems'}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
