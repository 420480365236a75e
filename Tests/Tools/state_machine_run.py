#!/usr/bin/env python3
"""Runs the pipeline's state machine definition in moto_server's Step Functions interpreter.

    state_machine_run.py ENDPOINT DEFINITION ANSWERS.json [--slow-queries] [--input JSON]

moto executes the machine: its Athena tasks call moto's Athena, its SNS task moto's SNS, and its
Lambda tasks get, in order, the answers of ANSWERS.json (a list of JSON texts: what the Momentum
function answered each job). The failure topic has an SQS queue subscribed, so a notification can
be read back. --slow-queries makes each Athena query report QUEUED and RUNNING before SUCCEEDED,
so the machine's Wait loop runs. --input is the execution's input (as EventBridge Scheduler
would pass it; {} by default). A definition that starts the pipeline (`${pipeline_arn}`: the
ingestion machine) starts a stand-in machine that only succeeds; the inputs it was started with
are printed as "started_pipelines".

Prints one JSON object: the execution's name and status, error and cause, the states entered in order,
each Lambda task's payload, the Athena queries started (text and client request token, in
order) and the failure notifications.
"""
import io
import json
import sys
import time
import urllib.request
import uuid
import zipfile

import boto3


def post(endpoint, path, body):
    request = urllib.request.Request(endpoint + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).read()


def main():
    endpoint, definition_path, answers_path = sys.argv[1:4]
    options = sys.argv[4:]
    slow = "--slow-queries" in options
    execution_input = options[options.index("--input") + 1] if "--input" in options else "{}"
    answers = json.load(open(answers_path))
    region = "us-east-1"

    def client(service):
        return boto3.client(service, endpoint_url=endpoint, region_name=region,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    post(endpoint, "/moto-api/config", {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}})
    name = "momentum-" + uuid.uuid4().hex[:10]
    role = client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "states.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("bootstrap", "#!/bin/sh\n")
    function = client("lambda").create_function(
        FunctionName=name, Runtime="provided.al2023", Role=role, Handler="bootstrap", Code={"ZipFile": package.getvalue()})["FunctionArn"]
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name=name)["TopicArn"]
    queue = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})

    definition = open(definition_path).read()
    definition = definition.replace("${function_arn}", function).replace("${failure_topic_arn}", topic)
    stepfunctions = client("stepfunctions")
    stand_in = None
    if "${pipeline_arn}" in definition:
        stand_in = stepfunctions.create_state_machine(name=name + "-pipeline", roleArn=role, definition=json.dumps(
            {"StartAt": "Started", "States": {"Started": {"Type": "Succeed"}}}))["stateMachineArn"]
        definition = definition.replace("${pipeline_arn}", stand_in)
    # The Lambda answers are one queue for the whole server: fill it just before the run.
    post(endpoint, "/moto-api/static/lambda-simple/response", {"results": answers, "region": region})
    if slow:
        post(endpoint, "/moto-api/state-manager/set-transition",
             {"model_name": "athena::execution", "transition": {"progression": "manual", "times": 2}})
    athena = client("athena")
    before = set(athena.list_query_executions().get("QueryExecutionIds", []))
    try:
        machine = stepfunctions.create_state_machine(name=name, definition=definition, roleArn=role)["stateMachineArn"]
        execution_name = "run-" + uuid.uuid4().hex[:12]
        execution = stepfunctions.start_execution(stateMachineArn=machine, name=execution_name, input=execution_input)["executionArn"]
        deadline = time.time() + 240
        while True:
            described = stepfunctions.describe_execution(executionArn=execution)
            if described["status"] != "RUNNING" or time.time() > deadline:
                break
            time.sleep(0.3)
    finally:
        if slow:
            post(endpoint, "/moto-api/state-manager/unset-transition", {"model_name": "athena::execution"})

    events = []
    token = None
    while True:
        page = stepfunctions.get_execution_history(executionArn=execution, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            break
    entered = [event["stateEnteredEventDetails"]["name"] for event in events if "stateEnteredEventDetails" in event]
    payloads = []
    for event in events:
        details = event.get("taskScheduledEventDetails")
        if details and details.get("resourceType") == "lambda":
            payloads.append(json.loads(details["parameters"])["Payload"])
    queries = []
    for query_id in athena.list_query_executions().get("QueryExecutionIds", []):
        if query_id in before:
            continue
        found = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
        queries.append({"sql": found["Query"], "workgroup": found.get("WorkGroup"),
                        "database": (found.get("QueryExecutionContext") or {}).get("Database"),
                        "output": (found.get("ResultConfiguration") or {}).get("OutputLocation")})
    messages = [message["Body"] for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10,
                                                                      WaitTimeSeconds=1).get("Messages", [])]
    started_pipelines = []
    if stand_in:
        for started in stepfunctions.list_executions(stateMachineArn=stand_in)["executions"]:
            started_pipelines.append(json.loads(stepfunctions.describe_execution(executionArn=started["executionArn"])["input"]))
    print(json.dumps({"started_pipelines": started_pipelines, "name": execution_name, "status": described["status"], "error": described.get("error"), "cause": described.get("cause"),
                      "entered": entered, "lambda_payloads": payloads, "queries": queries, "notifications": messages}))


if __name__ == "__main__":
    main()
