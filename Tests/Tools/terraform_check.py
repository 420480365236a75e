#!/usr/bin/env python3
"""Checks a Terraform module offline (no terraform binary here).

    terraform_check.py MODULE_DIR

1. Every .tf file parses (python-hcl2).
2. Every reference resolves: resources, data sources, variables, locals; every file a
   templatefile() or filebase64sha256() names under path.module exists, and a template's
   ${...} variables are exactly the ones passed.
3. The roles' policies grant no wildcard action, and "*" resources only to actions that
   have no resource-level permissions.
4. checkov (terraform framework) reports no failed check, and every skip gives its reason.

Prints what it checked; exits 1 naming each problem.
"""
import json
import os
import re
import subprocess
import sys

import hcl2

# Actions AWS offers on "*" only (no resource-level permissions).
RESOURCELESS_ACTIONS = {
    "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
    "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
}
REFERENCE = re.compile(r"(?<![\w.$])(data\.[a-z0-9_]+\.[A-Za-z0-9_-]+|aws_[a-z0-9_]+\.[A-Za-z0-9_-]+|var\.[A-Za-z0-9_]+|local\.[A-Za-z0-9_]+)")


def normalised(value):
    """python-hcl2 8 keeps string quotes and marks blocks: plain values instead."""
    if isinstance(value, dict):
        return {normalised(key): normalised(item) for key, item in value.items() if not str(key).startswith("__")}
    if isinstance(value, list):
        return [normalised(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        return value[1:-1]
    return value


def strings(value):
    """Every string in a parsed HCL value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def main():
    module = sys.argv[1]
    problems = []
    files = sorted(name for name in os.listdir(module) if name.endswith(".tf"))
    parsed = {}
    for name in files:
        try:
            with open(os.path.join(module, name)) as handle:
                parsed[name] = normalised(hcl2.load(handle))
        except Exception as error:  # python-hcl2 raises lark's errors
            problems.append(f"{name}: does not parse: {error}")
    print(f"hcl2: {len(parsed)} of {len(files)} files parse")

    declared = set()
    for document in parsed.values():
        for block in document.get("resource", []):
            for kind, named in block.items():
                declared.update(f"{kind}.{name}" for name in named)
        for block in document.get("data", []):
            for kind, named in block.items():
                declared.update(f"data.{kind}.{name}" for name in named)
        for block in document.get("variable", []):
            declared.update(f"var.{name}" for name in block)
        for block in document.get("locals", []):
            declared.update(f"local.{name}" for name in block)

    references = 0
    for name, document in parsed.items():
        for text in strings(document):
            # `$${` is Terraform's escape for a literal `${`: no reference follows it.
            expression = text.replace("$${", "")
            for reference in REFERENCE.findall(expression):
                references += 1
                if reference not in declared:
                    problems.append(f"{name}: '{reference}' is not declared (in {expression[:80]!r})")
            for call, argument in re.findall(r"(templatefile|filebase64sha256|file)\(\"((?:[^\"$]|\$\{[^}]*\})+)\"", expression):
                path = argument.replace("${path.module}", module)
                if "${" not in path and not os.path.exists(path):
                    problems.append(f"{name}: {call}() names {argument}, which does not exist")
    print(f"references: {references} checked against {len(declared)} declarations")

    # templatefile(): its variables are exactly the template's.
    templates_checked = []
    for name, document in parsed.items():
        for block in document.get("resource", []):
            for kind, named in block.items():
                for resource, body in named.items():
                    definition = body.get("definition") if isinstance(body, dict) else None
                    if not isinstance(definition, str) or "templatefile(" not in definition:
                        continue
                    match = re.search(r'templatefile\("\$\{path\.module\}/([^"]+)",\s*\{(.*)\}\)', definition, re.S)
                    templates_checked.append(match.group(1) if match else "?")
                    if not match:
                        problems.append(f"{name}: {kind}.{resource}: cannot read its templatefile() call")
                        continue
                    template = open(os.path.join(module, match.group(1))).read()
                    wanted = set(re.findall(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}", template))
                    given = set(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)\s*[=:]", match.group(2)))
                    if wanted != given:
                        problems.append(f"{name}: {kind}.{resource}: the template wants {sorted(wanted)}, gets {sorted(given)}")
                    else:
                        print(f"template {match.group(1)}: variables {sorted(wanted)} all given")

    if not templates_checked:
        problems.append("no templatefile() definition found (the state machine's)")

    # The roles' policies: no wildcard action; "*" only for resource-less actions.
    attached = set()
    for document in parsed.values():
        for block in document.get("resource", []):
            for policy in block.get("aws_iam_role_policy", {}).values():
                attached.update(re.findall(r"data\.aws_iam_policy_document\.([A-Za-z0-9_]+)\.json", str(policy.get("policy"))))
    # A document an attached one takes statements from (source_policy_documents) is checked too.
    documents = {policy_name: body for document in parsed.values() for block in document.get("data", [])
                 for policy_name, body in block.get("aws_iam_policy_document", {}).items()}
    while True:
        sources = {source for name in attached for source in re.findall(
            r"data\.aws_iam_policy_document\.([A-Za-z0-9_]+)\.json", str(documents.get(name, {}).get("source_policy_documents")))}
        if sources <= attached:
            break
        attached |= sources
    policies = 0
    for name, document in parsed.items():
        for block in document.get("data", []):
            for policy_name, body in block.get("aws_iam_policy_document", {}).items():
                if policy_name not in attached:
                    continue
                policies += 1
                for statement in body.get("statement", []):
                    actions = statement.get("actions", [])
                    resources = statement.get("resources", [])
                    for action in actions:
                        if "*" in action:
                            problems.append(f"{name}: policy {policy_name} grants the wildcard action {action}")
                    if "*" in resources and not set(actions) <= RESOURCELESS_ACTIONS:
                        problems.append(f"{name}: policy {policy_name} grants {sorted(set(actions) - RESOURCELESS_ACTIONS)} on every resource")
    if policies == 0:
        problems.append("no role policy found to check")
    print(f"iam: {policies} role policies checked: no wildcard action, '*' only for actions without resource-level permissions")

    # Every checkov skip says why.
    for name in files:
        for number, line in enumerate(open(os.path.join(module, name)), 1):
            skip = re.search(r"#\s*checkov:skip=([A-Z0-9_]+)(:(.*))?", line)
            if skip and len((skip.group(3) or "").strip()) < 20:
                problems.append(f"{name}:{number}: the skip of {skip.group(1)} gives no reason")

    checkov = os.environ.get("MOMENTUM_CHECKOV") or os.path.join(os.path.dirname(sys.executable), "checkov")
    environment = dict(os.environ, BC_SKIP_MAPPING="TRUE", CHECKOV_NO_OUTPUT_SUMMARY="1", LOG_LEVEL="ERROR")
    result = subprocess.run([checkov, "-d", module, "--framework", "terraform", "--output", "json",
                             "--skip-download", "--download-external-modules", "false"],
                            capture_output=True, text=True, env=environment, timeout=600)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        problems.append(f"checkov did not report (exit {result.returncode}): {result.stderr[-2000:]}")
        report = {}
    reports = report if isinstance(report, list) else [report]
    failed, passed, skipped = [], 0, 0
    for item in reports:
        results = item.get("results", {})
        failed += results.get("failed_checks", [])
        passed += len(results.get("passed_checks", []))
        skipped += len(results.get("skipped_checks", []))
    for check in failed:
        problems.append(f"checkov {check['check_id']} ({check['check_name']}): {check['resource']} in {check['file_path']}")
    if report:
        print(f"checkov: {len(failed)} failed, {passed} passed, {skipped} skipped (each with its reason)")

    for problem in problems:
        print("problem:", problem)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
