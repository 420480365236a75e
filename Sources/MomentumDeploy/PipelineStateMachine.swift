// The daily pipeline as an AWS Step Functions state machine (Amazon States Language), generated
// from the plan of `transform --engine athena`: each kind of step in the plan becomes a state,
// in the plan's order. The first task claims the run's day (`PipelineDayClaim`: one run per
// day; a second execution stops there), the last marks it done. A Lambda task asks the function for the run's plan (the same JSON as
// `--dry-run --format json`), the Athena statements are started and awaited by the state
// machine itself (a Map over the plan's steps, one at a time, polling with Wait and Choice), and
// the function carries out the other steps. Every task retries what is worth retrying, and any
// failure drops the run's staging, frees the day, publishes to the failure topic and ends in a
// Fail state.
//
// The definition keeps two Terraform template variables, `${function_arn}` and
// `${failure_topic_arn}`; `deploy/terraform` fills them in.

import Foundation
import MomentumAnalytics
import LakeKit
import MomentumEngine

/// The state machine of the daily pipeline.
package enum PipelineStateMachine {
    /// Where the definition is committed, from the package root.
    package static let path = "deploy/state-machine/pipeline.asl.json"

    /// How long the state machine waits between two looks at a running Athena query.
    package static let pollSeconds = 10

    /// The state each kind of plan step runs in; kinds sharing a state run in one task.
    package static let stateOfKind: [String: String] = [
        "glue_sync": "GlueSync",
        "athena_query": "Statements",
        "promote_partitions": "Promote", "remove_stale_partitions": "Promote", "drop_staging": "Promote",
        "analytics": "Analytics", "record": "Analytics",
    ]

    /// The plan whose steps the committed definition is generated from: a full run (an
    /// incremental run has the same kinds of step, in the same order).
    package static func referencePlan() throws -> AthenaTransformPlan {
        try AthenaTransformPlan.make(scope: .full(reason: "reference plan"), months: ["2026-01"], root: "s3://lake-bucket/lake",
                                     runID: "reference", database: "momentum", workgroup: "primary",
                                     athenaOutput: "s3://lake-bucket/lake/_athena/results/")
    }

    /// The definition as committed: sorted keys, two-space indentation, a final newline.
    package static func definitionText(for plan: AthenaTransformPlan) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: try definition(for: plan), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// The definition for the kinds of step in `plan`, in their order.
    package static func definition(for plan: AthenaTransformPlan) throws -> [String: Any] {
        var order: [String] = []
        for step in plan.steps {
            guard let state = stateOfKind[step.kind] else {
                throw EngineError.invalidInput("the state machine has no state for the plan step '\(step.kind)'")
            }
            if order.last != state {
                guard !order.contains(state) else { throw EngineError.invalidInput("the plan step '\(step.kind)' comes back after other steps") }
                order.append(state)
            }
        }
        guard let first = order.first else { throw EngineError.invalidInput("a state machine needs a plan with steps") }
        let after = order + ["Alerts"]
        var states: [String: Any] = [
            // One run per day (`PipelineDayClaim`): a second execution for a day stops here, having only read its claim.
            "Claim": lambdaTask(["job": "pipeline_claim", "execution.$": "$$.Execution.Name", "started.$": "$$.Execution.StartTime", "input.$": "$"],
                                select: ["claimed.$": "$.Payload.claimed", "day.$": "$.Payload.day", "state.$": "$.Payload.state", "holder.$": "$.Payload.holder"],
                                resultPath: "$.claim", next: "Claimed", catchNext: "NotifyFailure"),
            "Claimed": [
                "Type": "Choice",
                "Choices": [
                    ["Variable": "$.claim.claimed", "BooleanEquals": true, "Next": "Plan"] as [String: Any],
                    ["Variable": "$.claim.state", "StringEquals": "done", "Next": "AlreadyDone"],
                ],
                "Default": "DescribeRunning",
            ] as [String: Any],
            "AlreadyDone": ["Type": "Succeed", "Comment": "The day's pipeline ran already (start with {\"rerun\": true} to run it again)."],
            "DescribeRunning": describeFailure("States.Format('The pipeline of {} is running in execution {}; this execution stopped before touching the lake.', $.claim.day, $.claim.holder)",
                                               next: "AlreadyRunning"),
            "AlreadyRunning": failure("Momentum.AlreadyRunning"),
            "Plan": lambdaTask(["job": "transform_plan", "run_id.$": "$$.Execution.Name"], select: ["plan.$": "$.Payload"],
                               resultPath: "$.transform", next: "AnythingToDo"),
            "AnythingToDo": [
                "Type": "Choice",
                "Comment": "A lake with nothing new since the last run only gets its alerts (those that failed before) and its dashboard.",
                "Choices": [["Variable": "$.transform.plan.mode", "StringEquals": "up_to_date", "Next": "Alerts"]],
                "Default": first,
            ] as [String: Any],
            // After the analytics: the rules read the tables just written. Alerts that could not
            // go out are said on the failure topic and tried again next run; the page is still written.
            "Alerts": lambdaTask(["job": "alerts"], select: ["status.$": "$.Payload.status", "delivered.$": "$.Payload.delivered"],
                                 resultPath: "$.alerts", next: "DashboardPlan", catchNext: "AlertsNotDelivered", catchPath: "$.alertsError"),
            "AlertsNotDelivered": notify(subject: "Momentum: some alerts were not delivered",
                                         message: "States.Format('Momentum pipeline run {}: alerts not delivered, tried again next run. {}: {}', $$.Execution.Name, $.alertsError.Error, $.alertsError.Cause)",
                                         next: "DashboardPlan", catchPath: "$.notifyAlertsError"),
            // The dashboard site in parts (ranges of artists, one task each), then its page.
            "DashboardPlan": lambdaTask(["job": "dashboard_plan"], select: ["plan.$": "$.Payload.site", "concurrency.$": "$.Payload.concurrency"],
                                        resultPath: "$.dashboard", next: "DashboardParts"),
            "DashboardParts": rangeTasks(job: "dashboard_part", planField: "site", result: "$.dashboard", items: "parts", state: "WriteDashboardPart",
                                         next: "Dashboard"),
            "Dashboard": lambdaTask(["job": "dashboard", "site.$": "$.dashboard.plan"], select: ["status.$": "$.Payload.status"],
                                    resultPath: "$.dashboardPage", next: "Finish"),
            // A day that could not be marked done is freed instead, not held until the claim expires.
            "Finish": lambdaTask(["job": "pipeline_finish", "execution.$": "$$.Execution.Name", "day.$": "$.claim.day"], select: nil, resultPath: nil,
                                 next: "Done", catchNext: "ReleaseClaim"),
            "Done": ["Type": "Succeed"],
            "CleanUp": lambdaTask(["job": "transform_cleanup", "run_id.$": "$$.Execution.Name"], select: nil, resultPath: nil,
                                  next: "ReleaseClaim", catchNext: "ReleaseClaim", catchPath: "$.cleanupError"),
            // The day is free again: a run started by hand (or tomorrow's) is not refused.
            "ReleaseClaim": lambdaTask(["job": "pipeline_release", "execution.$": "$$.Execution.Name", "day.$": "$.claim.day"], select: nil, resultPath: nil,
                                       next: "NotifyFailure", catchNext: "NotifyFailure", catchPath: "$.releaseError"),
            "NotifyFailure": notifyFailure(),
            "Failed": ["Type": "Fail", "Error": "Momentum.PipelineFailed",
                       "Cause": "A step failed; the failure topic has its error, and the execution history every step."],
        ]
        for (index, state) in order.enumerated() {
            let next = after[index + 1]
            switch state {
            case "GlueSync":
                states[state] = lambdaTask(["job": "catalog"], select: nil, resultPath: nil, next: next)
            case "Statements":
                states[state] = statements(next: next)
            case "Promote":
                states[state] = lambdaTask(["job": "transform_promote", "plan.$": "$.transform.plan"], select: nil, resultPath: nil, next: next)
            default:
                // The analytics in shards: their plan, one task per shard (a Map), then the publish.
                states[state] = lambdaTask(["job": "analytics_plan", "plan.$": "$.transform.plan"],
                                           select: ["plan.$": "$.Payload.shards", "concurrency.$": "$.Payload.concurrency"],
                                           resultPath: "$.analytics", next: "AnalyticsShards")
                states["AnalyticsShards"] = shards(next: "AnalyticsPublish")
                states["AnalyticsPublish"] = lambdaTask(["job": "analytics_publish", "plan.$": "$.transform.plan", "shards.$": "$.analytics.plan"],
                                                        select: nil, resultPath: nil, next: next)
            }
        }
        return [
            "Comment": "Momentum's daily pipeline: the day claimed, the transform's plan, its Athena statements, the partitions promoted, the analytics, the alerts, the dashboard (its parts, then its page). Generated from the plan of `momentum transform --engine athena`; do not edit by hand.",
            "StartAt": "Claim",
            "TimeoutSeconds": Int(PipelineDayClaim.executionTimeout.components.seconds),
            "States": states,
        ]
    }

    // MARK: States

    /// A task of the Momentum function, with its retries and the failure path.
    static func lambdaTask(_ payload: [String: Any], select: [String: Any]?, resultPath: String?, next: String,
                           catchNext: String = "CleanUp", catchPath: String = "$.error", retryAlso: [[String: Any]] = []) -> [String: Any] {
        var task: [String: Any] = [
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": ["FunctionName": "${function_arn}", "Payload": payload] as [String: Any],
            "TimeoutSeconds": 900,
            "ResultPath": resultPath.map { $0 as Any } ?? NSNull(),
            "Retry": [
                // The job stopped before the function's deadline with its work kept: run it again.
                ["ErrorEquals": ["Momentum.DeadlineReached"], "IntervalSeconds": 1, "MaxAttempts": 10, "BackoffRate": 1] as [String: Any],
                ["ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
                                 "Lambda.TooManyRequestsException", "Momentum.Unavailable"],
                 "IntervalSeconds": 30, "MaxAttempts": 3, "BackoffRate": 2],
            ] + retryAlso,
            "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": catchPath, "Next": catchNext]],
            "Next": next,
        ]
        if let select { task["ResultSelector"] = select }
        return task
    }

    /// The Athena statements: a Map over the plan's steps, one at a time, in order; each
    /// `athena_query` is started (its client request token makes a retried start the same
    /// query) and polled until it ends.
    static func statements(next: String) -> [String: Any] {
        let athenaRetry: [[String: Any]] = [
            ["ErrorEquals": ["Athena.TooManyRequestsException", "Athena.InternalServerException"],
             "IntervalSeconds": 5, "MaxAttempts": 5, "BackoffRate": 2],
        ]
        let couldNotRun: [[String: Any]] = [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "QueryCouldNotRun"]]
        let iteration: [String: Any] = [
                "IsStatement": [
                    "Type": "Choice",
                    "Choices": [["Variable": "$.step.kind", "StringEquals": "athena_query", "Next": "StartQuery"]],
                    "Default": "NotAStatement",
                ] as [String: Any],
                "NotAStatement": ["Type": "Pass", "End": true],
                "StartQuery": [
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:athena:startQueryExecution",
                    "Parameters": [
                        "QueryString.$": "$.step.sql",
                        "ClientRequestToken.$": "$.step.clientRequestToken",
                        "WorkGroup.$": "$.workgroup",
                        "QueryExecutionContext": ["Database.$": "$.database"],
                        "ResultConfiguration": ["OutputLocation.$": "$.step.outputLocation"],
                    ] as [String: Any],
                    "ResultSelector": ["id.$": "$.QueryExecutionId"],
                    "ResultPath": "$.query",
                    "TimeoutSeconds": 60,
                    "Retry": athenaRetry,
                    "Catch": couldNotRun,
                    "Next": "QueryState",
                ] as [String: Any],
                "QueryState": [
                    "Type": "Task",
                    "Resource": "arn:aws:states:::aws-sdk:athena:getQueryExecution",
                    "Parameters": ["QueryExecutionId.$": "$.query.id"],
                    // The state alone: the answer's timestamps would not survive the execution's history.
                    "ResultSelector": ["state.$": "$.QueryExecution.Status.State"],
                    "ResultPath": "$.status",
                    "TimeoutSeconds": 60,
                    "Retry": athenaRetry,
                    "Catch": couldNotRun,
                    "Next": "QueryEnded",
                ] as [String: Any],
                "QueryEnded": [
                    "Type": "Choice",
                    "Choices": [
                        ["Variable": "$.status.state", "StringEquals": "SUCCEEDED", "Next": "QuerySucceeded"] as [String: Any],
                        ["Or": [["Variable": "$.status.state", "StringEquals": "FAILED"],
                                ["Variable": "$.status.state", "StringEquals": "CANCELLED"]],
                         "Next": "DescribeFailure"],
                    ],
                    "Default": "QueryRunning",
                ] as [String: Any],
                "QueryRunning": ["Type": "Wait", "Seconds": pollSeconds, "Next": "QueryState"] as [String: Any],
                "QuerySucceeded": ["Type": "Succeed"],
                "DescribeFailure": describeFailure("States.Format('Athena query {} ended {}: its reason is in Athena (GetQueryExecution) and the execution history.', $.query.id, $.status.state)",
                                                   next: "QueryFailed"),
                "QueryFailed": failure("Momentum.QueryFailed"),
                // Athena refused the call (or kept refusing it): its error and message go on.
                "QueryCouldNotRun": ["Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"],
        ]
        return [
            "Type": "Map",
            "ItemsPath": "$.transform.plan.steps",
            "ItemSelector": ["step.$": "$$.Map.Item.Value", "database.$": "$.transform.plan.database", "workgroup.$": "$.transform.plan.workgroup"],
            // In order: the first statement creates the staging table the others insert into.
            "MaxConcurrency": 1,
            "ItemProcessor": ["ProcessorConfig": ["Mode": "INLINE"], "StartAt": "IsStatement", "States": iteration] as [String: Any],
            "ResultPath": NSNull(),
            "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "CleanUp"]],
            "Next": next,
        ]
    }

    /// One task per shard of the analytics, `concurrency` at once (the analytics_plan job's
    /// answer). The items are the shard plan's shards, a few dozen bytes each: even at the plan's
    /// 1,000 shards the state stays far below Step Functions' 256 KiB, so the Map is inline.
    static func shards(next: String) -> [String: Any] {
        rangeTasks(job: "analytics_shard", planField: "shards", result: "$.analytics", items: "shards", state: "AnalyseShard", next: next)
    }

    /// One task per range of artists of `result`'s plan (`result.plan.<items>`), each given the
    /// plan (as `planField`) and its range's index, `result.concurrency` at once.
    static func rangeTasks(job: String, planField: String, result: String, items: String, state: String, next: String) -> [String: Any] {
        let task = lambdaTask(["job": job, "\(planField).$": "$.plan", "index.$": "$.index"], select: nil, resultPath: nil,
                              next: "RangeDone", catchNext: "RangeFailed")
        return [
            "Type": "Map",
            "ItemsPath": "\(result).plan.\(items)",
            "ItemSelector": ["index.$": "$$.Map.Item.Value.index", "plan.$": "\(result).plan"],
            "MaxConcurrencyPath": "\(result).concurrency",
            "ItemProcessor": ["ProcessorConfig": ["Mode": "INLINE"], "StartAt": state, "States": [
                state: task,
                "RangeDone": ["Type": "Succeed"],
                // Its error and cause go on to the Map, whose Catch takes the failure path.
                "RangeFailed": ["Type": "Fail", "ErrorPath": "$.error.Error", "CausePath": "$.error.Cause"],
            ] as [String: Any]] as [String: Any],
            "ResultPath": NSNull(),
            "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "CleanUp"]],
            "Next": next,
        ]
    }

    /// A Fail state's cause, made from the execution's data (a Fail state cannot format one):
    /// `format`, an intrinsic such as `States.Format(...)`, into `$.failure.cause`, then `next`.
    static func describeFailure(_ format: String, next: String) -> [String: Any] {
        ["Type": "Pass", "Parameters": ["cause.$": format], "ResultPath": "$.failure", "Next": next]
    }

    /// The Fail state after `describeFailure`: `error`, with the cause it described.
    static func failure(_ error: String) -> [String: Any] {
        ["Type": "Fail", "Error": error, "CausePath": "$.failure.cause"]
    }

    /// The failure message to the SNS topic (e-mail subscribers read it), then `next`.
    static func notifyFailure(of what: String = "the daily pipeline", run: String = "pipeline run", next: String = "Failed") -> [String: Any] {
        notify(subject: "Momentum: \(what) failed",
               message: "States.Format('Momentum \(run) {} failed. {}: {}', $$.Execution.Name, $.error.Error, $.error.Cause)",
               next: next, catchPath: "$.notifyError")
    }

    /// A message to the failure topic, then `next` whether or not it went out.
    static func notify(subject: String, message: String, next: String, catchPath: String) -> [String: Any] {
        [
            "Type": "Task",
            "Resource": "arn:aws:states:::sns:publish",
            "Parameters": [
                "TopicArn": "${failure_topic_arn}",
                "Subject": subject,
                "Message.$": message,
            ] as [String: Any],
            "ResultPath": NSNull(),
            "TimeoutSeconds": 60,
            "Retry": [["ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 3, "BackoffRate": 2] as [String: Any]],
            "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": catchPath, "Next": next]],
            "Next": next,
        ]
    }
}
