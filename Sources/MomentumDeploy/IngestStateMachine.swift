// The ingestion state machine (Amazon States Language): the daily metrics job and the weekly
// release scan, each invoked until it is done. A large roster does not fit one 15-minute
// invocation (in Development Mode Spotify is asked one artist at a time), so the job stops
// before its deadline with what it stored kept and answers "incomplete"; the machine invokes
// it again, up to `IngestLoop`'s cap of invocations (a day's worth), and past the cap tells the
// failure topic and ends failed. After the metrics (done, or stopped at the cap) it starts the
// daily pipeline for the same day, so the tables are built once the day's numbers are in.
//
// Template variables for Terraform: `${function_arn}`, `${failure_topic_arn}`, `${pipeline_arn}`.

import Foundation
import MomentumEngine

/// The state machine of the ingestion jobs.
package enum IngestStateMachine {
    /// Where the definition is committed, from the package root.
    package static let path = "deploy/state-machine/ingest.asl.json"

    /// Invocations of one execution at most (the function refuses an attempt number past it too).
    package static let maximumInvocations = IngestionLoop.maximumInvocations

    /// The definition as committed: sorted keys, two-space indentation, a final newline.
    package static func definitionText() throws -> String {
        let data = try JSONSerialization.data(withJSONObject: definition(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    package static func definition() -> [String: Any] {
        // Two jobs wanting the lake at once (the weekly scan beside the daily metrics) take
        // turns: a job refused the lake lock is invoked again a minute later, for an hour.
        let lakeBusy: [String: Any] = ["ErrorEquals": ["Momentum.LakeBusy"], "IntervalSeconds": 60, "MaxAttempts": 60, "BackoffRate": 1]
        let states: [String: Any] = [
            "Start": [
                "Type": "Pass",
                "Comment": "The input names the job (metrics or releases) and, from the schedule, scheduled_time.",
                "Parameters": ["job.$": "$.job", "attempt": 0],
                "ResultPath": "$.run",
                "Next": "Ingest",
            ] as [String: Any],
            "Ingest": PipelineStateMachine.lambdaTask(
                ["job": "ingest", "input.$": "$$.Execution.Input", "started.$": "$$.Execution.StartTime", "attempt.$": "$.run.attempt"],
                select: ["job.$": "$.Payload.job", "status.$": "$.Payload.status", "attempt.$": "$.Payload.attempt",
                         "day.$": "$.Payload.day", "scheduled_time.$": "$.Payload.scheduled_time"],
                resultPath: "$.run", next: "Ingested", catchNext: "NotifyFailure", retryAlso: [lakeBusy]),
            "Ingested": [
                "Type": "Choice",
                "Choices": [
                    ["Variable": "$.run.status", "StringEquals": "done", "Next": "AfterIngest"] as [String: Any],
                    ["Variable": "$.run.attempt", "NumericGreaterThanEquals": maximumInvocations, "Next": "DescribeIncomplete"],
                ],
                "Default": "Ingest",
            ] as [String: Any],
            "DescribeIncomplete": [
                "Type": "Pass",
                "Parameters": [
                    "Error": "Momentum.IngestionIncomplete",
                    "Cause.$": "States.Format('The {} job of {} stopped after {} invocations with artists left; what it stored is kept.', $.run.job, $.run.day, $.run.attempt)",
                ] as [String: Any],
                "ResultPath": "$.error",
                "Next": "NotifyIncomplete",
            ] as [String: Any],
            "NotifyIncomplete": PipelineStateMachine.notifyFailure(of: "ingestion", run: "ingestion run", next: "AfterIngest"),
            "AfterIngest": [
                "Type": "Choice",
                "Choices": [["Variable": "$.run.job", "StringEquals": "metrics", "Next": "StartPipeline"] as [String: Any]],
                "Default": "Ended",
            ] as [String: Any],
            // Not awaited: the pipeline is an execution of its own, which claims the day.
            "StartPipeline": [
                "Type": "Task",
                "Resource": "arn:aws:states:::states:startExecution",
                "Parameters": ["StateMachineArn": "${pipeline_arn}", "Input": ["scheduled_time.$": "$.run.scheduled_time"]] as [String: Any],
                "ResultPath": NSNull(),
                "TimeoutSeconds": 60,
                "Retry": [["ErrorEquals": ["States.ALL"], "IntervalSeconds": 10, "MaxAttempts": 3, "BackoffRate": 2] as [String: Any]],
                "Catch": [["ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "NotifyFailure"]],
                "Next": "Ended",
            ] as [String: Any],
            "Ended": [
                "Type": "Choice",
                "Choices": [["Variable": "$.run.status", "StringEquals": "done", "Next": "Done"] as [String: Any]],
                "Default": "Incomplete",
            ] as [String: Any],
            "Done": ["Type": "Succeed"],
            "Incomplete": ["Type": "Fail", "Error": "Momentum.IngestionIncomplete",
                           "Cause": "The job reached the cap of invocations with artists left; the failure topic says which and when."],
            "NotifyFailure": PipelineStateMachine.notifyFailure(of: "ingestion", run: "ingestion run"),
            "Failed": ["Type": "Fail", "Error": "Momentum.IngestionFailed",
                       "Cause": "The job failed; the failure topic has its error, and the execution history every step."],
        ]
        return [
            "Comment": "Momentum's ingestion: the metrics or release job named by the input, invoked until done (at most \(maximumInvocations) times), then, after the metrics, the daily pipeline. Generated by IngestStateMachine; do not edit by hand.",
            "StartAt": "Start",
            "TimeoutSeconds": 26 * 3600,
            "States": states,
        ]
    }
}
