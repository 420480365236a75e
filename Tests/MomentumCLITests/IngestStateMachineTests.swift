// The ingestion state machine (deploy/state-machine/ingest.asl.json): committed as its generator
// makes it; the function's ingest job stopping at its deadline with "incomplete" and resuming,
// every invocation filing under the schedule's day; and the machine run in moto with those
// answers: it loops until done and starts the pipeline for the day, and at the cap of
// invocations it tells the failure topic, still starts the pipeline, and ends failed.

import Foundation
import LakeKit
import MomentumAnalytics
import MomentumDeploy
import MomentumEngine
import MomentumTestSupport
import SpotifySimulator
import Testing

@Suite(.serialized) struct IngestStateMachineTests {
    @Test func theCommittedDefinitionIsWhatTheGeneratorMakes() throws {
        let generated = try IngestStateMachine.definitionText()
        let url = Repository.root.appendingPathComponent(IngestStateMachine.path)
        if ProcessInfo.processInfo.environment["MOMENTUM_UPDATE_DEPLOY"] == "1" {
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == generated,
                "\(IngestStateMachine.path) is not what the generator makes: MOMENTUM_UPDATE_DEPLOY=1 swift test --filter IngestStateMachineTests writes it")
        let states = IngestStateMachine.definition()["States"] as? [String: Any] ?? [:]
        for (name, value) in states {
            guard let state = value as? [String: Any], state["Type"] as? String == "Task" else { continue }
            #expect(!((state["Retry"] as? [Any]) ?? []).isEmpty, "\(name) has no Retry")
            #expect(!((state["Catch"] as? [Any]) ?? []).isEmpty, "\(name) has no Catch")
            #expect(state["TimeoutSeconds"] != nil, "\(name) has no timeout")
        }
        let choices = (states["Ingested"] as? [String: Any])?["Choices"] as? [[String: Any]] ?? []
        #expect(choices.contains { $0["NumericGreaterThanEquals"] as? Int == IngestionLoop.maximumInvocations }, "the loop's cap is the function's")
        let after = states["AfterIngest"] as? [String: Any] ?? [:]
        #expect(after["Default"] as? String == "Ended" && (after["Choices"] as? [[String: Any]])?.map { $0["StringEquals"] as? String } == ["metrics"],
                "only the metrics are followed by the pipeline, not the weekly scan")
        let retries = (states["Ingest"] as? [String: Any])?["Retry"] as? [[String: Any]] ?? []
        #expect(retries.contains { ($0["ErrorEquals"] as? [String]) == ["Momentum.LakeBusy"] }, "a job refused the lake lock waits its turn")
    }

    @Test(.tags(.moto))
    func theJobResumesUntilDoneUnderTheSchedulesDayAndTheMachineLoopsThenStartsThePipeline() async throws {
        // 300 artists one request each (Development Mode), 4 at a time, 150 ms each: 11 s of work;
        // two invocations of 5 s (3 s of work each) stop short, the third has time for the rest.
        let server = try await ServedSimulator(artists: 300, seed: 14, mode: .development, faultRate: 0, latencyMilliseconds: 150)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("ingest-machine")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let (ids, config) = try await server.trackEveryArtist(in: lake, configIn: folder)

        // Scheduled yesterday, started today (a start retried past midnight): yesterday's day.
        let now = Date()
        let scheduled = Date(timeIntervalSince1970: now.timeIntervalSince1970 - 86_400).isoSeconds
        let day = String(scheduled.prefix(10))
        let input: [String: Any] = ["job": "metrics", "scheduled_time": scheduled]
        func ingest(_ attempt: Int, deadline: Int, input: [String: Any] = input) -> [String: Any] {
            ["event": ["job": "ingest", "input": input, "started": now.isoSeconds, "attempt": attempt], "deadline_seconds": deadline]
        }
        // And one more: the function's answer to the last invocation the cap allows, on a day
        // whose work is not done (the day before), to replay the cap through the machine.
        let earlier = Date(timeIntervalSince1970: now.timeIntervalSince1970 - 2 * 86_400).isoSeconds
        let runtime = try await FakeRuntime(events: [
            ingest(0, deadline: 5), ingest(1, deadline: 5), ingest(2, deadline: 120),
            ingest(IngestionLoop.maximumInvocations - 1, deadline: 5, input: ["job": "metrics", "scheduled_time": earlier]),
            ingest(IngestionLoop.maximumInvocations, deadline: 5),
        ], in: folder)
        var environment = server.environment
        environment["MOMENTUM_LAKE"] = lake.path
        environment["MOMENTUM_CONFIG"] = config.path
        let result = try await runtime.serve(environment: environment)
        #expect(result.status == 3, "\(result.stderr)")
        let posts = try runtime.posts()
        try #require(posts.map { $0["kind"] as? String } == ["response", "response", "response", "response", "error", "exhausted"], "\(posts)")
        let answers = try posts.prefix(4).map { try #require($0["body"] as? [String: Any]) }
        #expect(answers.map { $0["status"] as? String } == ["incomplete", "incomplete", "done", "incomplete"], "\(answers)")
        #expect(answers.map { $0["attempt"] as? Int } == [1, 2, 3, IngestionLoop.maximumInvocations])
        #expect(answers.prefix(3).allSatisfy { $0["day"] as? String == day && $0["scheduled_time"] as? String == scheduled })
        #expect(posts[4]["error_type"] as? String == "Momentum.InvalidEvent", "past the cap the function refuses: \(posts[4])")
        // Every artist once, under the schedule's day, although the invocations were cut short.
        let records = try metricRecords(in: lake).filter { $0.key.contains("dt=\(day)/") }
        #expect(records.count == 300 && Set(records.map(\.record.artistID)) == Set(ids), "none lost, none doubled: \(records.count)")
        #expect(Set(records.map(\.key)).count >= 3, "each invocation kept what it had fetched")

        // The machine with those answers: it invokes the job until done, then starts the pipeline for that day.
        let done = try await runInMoto(IngestStateMachine.path, answers: Array(answers.prefix(3)), input: input)
        #expect(done["status"] as? String == "SUCCEEDED", "\(done)")
        #expect(done["entered"] as? [String] == ["Start", "Ingest", "Ingested", "Ingest", "Ingested", "Ingest", "Ingested", "AfterIngest", "StartPipeline", "Ended", "Done"],
                "\(done)")
        let payloads = done["lambda_payloads"] as? [[String: Any]] ?? []
        try #require(payloads.count == 3, "\(payloads)")
        #expect(payloads.map { $0["attempt"] as? Int } == [0, 1, 2] && payloads.allSatisfy { $0["job"] as? String == "ingest" }, "\(payloads)")
        let handed = NSDictionary(dictionary: payloads.first?["input"] as? [String: Any] ?? [:])
        #expect(handed.isEqual(to: input), "the task gets the execution's input: \(handed)")
        #expect((done["started_pipelines"] as? [[String: Any]] ?? []).map { $0["scheduled_time"] as? String } == [scheduled], "\(done)")
        #expect((done["notifications"] as? [Any])?.isEmpty == true)

        // At the cap: the failure topic is told, the pipeline still runs on what was stored, the execution fails.
        let capped = try await runInMoto(IngestStateMachine.path, answers: [answers[3]], input: ["job": "metrics", "scheduled_time": earlier])
        #expect(capped["status"] as? String == "FAILED" && capped["error"] as? String == "Momentum.IngestionIncomplete", "\(capped)")
        #expect(capped["entered"] as? [String] == ["Start", "Ingest", "Ingested", "DescribeIncomplete", "NotifyIncomplete", "AfterIngest", "StartPipeline",
                                                   "Ended", "Incomplete"], "\(capped)")
        let notifications = capped["notifications"] as? [String] ?? []
        #expect(notifications.count == 1 && notifications.first?.contains("stopped after \(IngestionLoop.maximumInvocations) invocations with artists left") == true,
                "\(notifications)")
        #expect((capped["started_pipelines"] as? [[String: Any]] ?? []).count == 1)
    }
}
