// `momentum lambda` against a fake Lambda Runtime API (Tests/Tools/fake_lambda_runtime.py):
// a job that succeeds, a job that fails, malformed events, an initialisation failure, and a
// daily job stopped before its deadline that the next invocation resumes, none lost or doubled.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumTestSupport
import SpotifySimulator
import MomentumAnalytics
import Testing

@Suite(.tags(.outsideTools), .serialized)
struct LambdaRuntimeTests {
    /// Runs `momentum lambda` until the fake runtime has nothing more to hand out.
    private func serve(_ runtime: FakeRuntime, environment extra: [String: String]) async throws -> ProcessResult {
        try await runtime.serve(environment: extra)
    }

    @Test func jobsSucceedFailAndBadEventsAreAnsweredWithoutStoppingTheLoop() async throws {
        let folder = try Repository.temporaryFolder("lambda")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        let runtime = try await FakeRuntime(events: [
            ["event": ["job": "transform"]],
            ["event": ["job": "metrics"]],                  // no Spotify credentials: a usage error
            ["event": "not json {", "raw": true],
            ["event": ["job": "dance"]],
            ["event": ["job": "transform", "full": "yes"]],
            ["event": ["job": "transform", "engine": "local", "full": true]],
            ["event": ["job": "artists_add", "ids": ["Radiohead"]]],
            ["event": ["job": "transform_promote", "plan": ["run_id": "x"]]],
            ["event": #"{"job": "transform", "full": false, "job": "metrics"}"#, "raw": true],
            // The state machines' jobs check what the machine hands them, the execution's input too.
            ["event": ["job": "pipeline_claim", "execution": "run-1", "started": "2026-12-05T07:00:00Z", "input": ["scheduled_tme": "2026-12-05T07:00:00Z"]]],
            ["event": ["job": "ingest", "input": ["job": "metrics"], "started": "2026-12-05T07:00:00Z", "attempt": -1]],
            ["event": ["job": "ingest", "input": ["job": "weather"], "started": "2026-12-05T07:00:00Z", "attempt": 0]],
            ["event": ["job": "pipeline_finish", "execution": "run-1", "day": "2026-13-01"]],
            ["event": ["job": "pipeline_release", "execution": "../run", "day": "2026-12-05"]],
            ["event": ["job": "dashboard_part", "index": 0]],
            ["event": ["job": "dashboard_part", "index": 1, "site": ["generation": "20261205T070000Z-0badf00d", "generated_at": "2026-12-05T07:00:00Z",
                                                                     "parts": [["index": 0]]]]],
            ["event": ["job": "dashboard", "site": ["generation": "../up", "generated_at": "2026-12-05T07:00:00Z", "parts": [["index": 0]]]]],
            ["event": ["job": "dashboard_plan", "parts": 0]],
        ], in: folder)
        let result = try await serve(runtime, environment: ["MOMENTUM_LAKE": lake.path])
        // The loop ends only when the Runtime API fails (the fake's list is used up): exit 3.
        #expect(result.status == 3, "\(result.stderr)")
        let posts = try runtime.posts()
        #expect(posts.map { $0["kind"] as? String } == ["response", "error", "error", "error", "error", "response", "error", "error", "error"]
                + Array(repeating: "error", count: 9) + ["exhausted"])
        #expect((posts[0]["body"] as? [String: Any])?["status"] as? String == "done" && posts[0]["request"] as? String == "request-0")
        #expect(posts[1]["error_type"] as? String == "Momentum.Usage")
        #expect(((posts[1]["body"] as? [String: Any])?["errorMessage"] as? String)?.contains("SPOTIFY_CLIENT_ID") == true)
        for (index, expected) in [(2, "not a JSON object"), (3, "unknown job 'dance'"), (4, #""full" must be true or false"#),
                                  (6, "'Radiohead' is not a Spotify artist id"), (7, #""plan" must be the plan the transform_plan job answered"#),
                                  (8, #"names "job" twice"#), (9, "unknown field 'scheduled_tme' (known: rerun, scheduled_time)"),
                                  (10, #""attempt" must be the invocations so far"#), (11, #"needs "job": "metrics" or "releases""#),
                                  (12, #""day" must be a day"#), (13, "run_id must be 1 to 80 letters"),
                                  (14, #"needs "site" (the dashboard_plan job's answer)"#), (15, #""index" must be a part of the plan, 0 to 0"#),
                                  (16, "is not a build's name"), (17, #""parts" must be a count of parts"#)] {
            #expect(posts[index]["error_type"] as? String == "Momentum.InvalidEvent")
            let message = (posts[index]["body"] as? [String: Any])?["errorMessage"] as? String ?? ""
            #expect(message.contains(expected), "\(message)")
        }
        #expect(FileManager.default.fileExists(atPath: lake.appendingPathComponent("state/transform.json").path))
        // Log lines are JSON objects on stdout, each naming its invocation.
        let lines = result.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["level"] != nil && object?["message"] != nil, "\(line)")
        }
        #expect(result.stdout.contains(#""requestId":"request-1""#))
    }

    @Test func aBadDeadlineHeaderOrADroppedConnectionIsAnsweredAndTheLoopGoesOn() async throws {
        let folder = try Repository.temporaryFolder("lambda-headers")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        let runtime = try await FakeRuntime(events: [
            ["event": ["job": "transform"], "deadline_header": "soon"],
            ["event": ["job": "transform"], "deadline_header": NSNull()],
            ["event": ["job": "transform"], "deadline_header": "-5"],
            ["event": ["job": "transform"], "drop_first": true],
        ], in: folder)
        let result = try await serve(runtime, environment: ["MOMENTUM_LAKE": lake.path])
        #expect(result.status == 3, "\(result.stderr)")
        let posts = try runtime.posts()
        #expect(posts.map { $0["kind"] as? String } == ["error", "error", "error", "dropped", "response", "exhausted"], "\(posts)")
        for index in 0..<3 {
            #expect(posts[index]["error_type"] as? String == "Momentum.InvalidEvent" && posts[index]["request"] as? String == "request-\(index)")
            let message = (posts[index]["body"] as? [String: Any])?["errorMessage"] as? String ?? ""
            #expect(message.contains("Lambda-Runtime-Deadline-Ms"), "\(message)")
        }
        #expect(posts[4]["request"] as? String == "request-3")
    }

    @Test func aMissingLakeIsAnInitialisationError() async throws {
        let folder = try Repository.temporaryFolder("lambda-init")
        defer { try? FileManager.default.removeItem(at: folder) }
        let runtime = try await FakeRuntime(events: [["event": ["job": "run"]]], in: folder)
        let result = try await serve(runtime, environment: [:])
        #expect(result.status == 2)
        let posts = try runtime.posts()
        #expect(posts.count == 1 && posts.first?["kind"] as? String == "init-error")
        #expect(((posts.first?["body"] as? [String: Any])?["errorMessage"] as? String)?.contains("MOMENTUM_LAKE") == true)
    }

    @Test func aJobNearItsDeadlineStopsInTimeAndTheNextInvocationResumesIt() async throws {
        // 400 artists one request each (Development Mode), 4 at a time, 150 ms each: 15 s of
        // work in an invocation of 5 s (3 s of work, 2 s of margin). The second invocation has
        // time for the rest.
        let server = try await ServedSimulator(artists: 400, seed: 12, mode: .development, faultRate: 0, latencyMilliseconds: 150)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("lambda-deadline")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        // Spotify's metrics alone: this is about the deadline.
        let (ids, config) = try await server.trackEveryArtist(in: lake, configIn: folder)
        let runtime = try await FakeRuntime(events: [
            ["event": ["job": "metrics"], "deadline_seconds": 5],
            ["event": ["job": "metrics"], "deadline_seconds": 120],
        ], in: folder)
        var environment = server.environment
        environment["MOMENTUM_LAKE"] = lake.path
        let started = Date()
        let result = try await serve(runtime, environment: ["MOMENTUM_LAKE": lake.path, "SPOTIFY_CLIENT_ID": "integration",
                                                      "SPOTIFY_CLIENT_SECRET": "not-a-real-secret-42",
                                                      "SPOTIFY_ACCOUNTS_URL": environment["SPOTIFY_ACCOUNTS_URL"] ?? "",
                                                      "SPOTIFY_API_URL": environment["SPOTIFY_API_URL"] ?? "",
                                                      "MOMENTUM_CONFIG": config.path])
        #expect(result.status == 3, "\(result.stderr)")
        let posts = try runtime.posts()
        try #require(posts.count == 3, "\(posts)")
        #expect(posts[0]["kind"] as? String == "error" && posts[0]["error_type"] as? String == "Momentum.DeadlineReached")
        // Answered before the invocation's deadline (5 s after it was handed out), measured
        // by the runtime itself: how long the process took to start does not count.
        let firstAnswer = try #require(posts[0]["at"] as? Double)
        let deadline = try #require(posts[0]["deadline"] as? Double)
        #expect(firstAnswer < deadline, "answered \(firstAnswer - deadline) s after the deadline")
        #expect(firstAnswer - started.timeIntervalSince1970 < 30, "the run did not hang")
        #expect(posts[1]["kind"] as? String == "response")
        let records = try metricRecords(in: lake)
        #expect(records.count == 400 && Set(records.map(\.record.artistID)) == Set(ids), "none lost, none doubled")
        #expect(Set(records.map(\.key)).count >= 2, "the first invocation kept what it had fetched")
        #expect(!(result.stdout + result.stderr).contains("not-a-real-secret-42"))
    }

    /// A warm function reads the Spotify secret once: the second invocation still runs after
    /// the secret was deleted between the two.
    @Test(.tags(.moto))
    func theSpotifySecretIsReadOncePerWarmFunction() async throws {
        let server = try await ServedSimulator(artists: 3, seed: 5, mode: .extended, faultRate: 0)
        defer { server.stop() }
        let folder = try Repository.temporaryFolder("lambda-secret")
        defer { try? FileManager.default.removeItem(at: folder) }
        let lake = folder.appendingPathComponent("lake")
        let ids = SpotifySimulator(options: server.options).artistDirectory.map(\.id)
        #expect(try await server.momentum(["artists", "add", "--lake", lake.path, "--yes"] + ids).status == 0)
        let arn = try await SpotifySecretTests.secret(#"{"client_id": "integration", "client_secret": "s3cr3t-warm"}"#)
        let moto = try AWSServers.moto
        let delete: [String: Any] = [
            "url": moto + "/",
            "headers": ["X-Amz-Target": "secretsmanager.DeleteSecret", "Content-Type": "application/x-amz-json-1.1",
                        "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20261127/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0"],
            "body": #"{"SecretId": "\#(arn)", "ForceDeleteWithoutRecovery": true}"#,
        ]
        let yesterday = Instant(nanosecondsSinceEpoch: Int64(Date().timeIntervalSince1970 - 86_400) * 1_000_000_000).day.isoString
        let runtime = try await FakeRuntime(events: [
            ["event": ["job": "metrics"]],
            ["event": ["job": "metrics", "date": yesterday], "before": delete],
        ], in: folder)
        var environment = try server.environment.merging(SpotifySecretTests.environment) { $1 }
        environment["SPOTIFY_CLIENT_ID"] = nil
        environment["SPOTIFY_CLIENT_SECRET"] = nil
        environment["SPOTIFY_SECRET_ARN"] = arn
        environment["MOMENTUM_LAKE"] = lake.path
        let result = try await serve(runtime, environment: environment)
        #expect(result.status == 3, "\(result.stderr)")
        let posts = try runtime.posts()
        #expect(posts.map { $0["kind"] as? String } == ["response", "before", "response", "exhausted"], "\(posts)")
        #expect(try metricRecords(in: lake).count == 6)
        // The secret is really gone: a cold start cannot read it.
        await #expect(throws: (any Error).self) { try await SpotifySecretTests.secrets().secretValue(arn) }
        #expect(!(result.stdout + result.stderr).contains("s3cr3t"))
    }
}
