#!/usr/bin/env python3
"""An SNS topic with an SQS queue subscribed, in moto_server, for the alerts' SNS test.

    sns_queue.py ENDPOINT create NAME     prints {"topic": ARN, "queue": URL}
    sns_queue.py ENDPOINT receive URL     prints the messages the queue holds, as a JSON list of
                                          SNS notifications ({"Subject", "Message", ...})
"""
import json
import sys

import boto3


def client(endpoint, service):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def main():
    endpoint, action, argument = sys.argv[1:4]
    sns, sqs = client(endpoint, "sns"), client(endpoint, "sqs")
    if action == "create":
        topic = sns.create_topic(Name=argument)["TopicArn"]
        queue = sqs.create_queue(QueueName=argument)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        print(json.dumps({"topic": topic, "queue": queue}))
    else:
        messages = []
        while True:
            batch = sqs.receive_message(QueueUrl=argument, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            if not batch:
                break
            for message in batch:
                messages.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=argument, ReceiptHandle=message["ReceiptHandle"])
        print(json.dumps(messages))


if __name__ == "__main__":
    main()
