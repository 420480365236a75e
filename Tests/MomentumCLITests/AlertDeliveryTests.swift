// `momentum alerts` against real receivers on loopback (Tests/Tools/alert_receivers.py): a
// simulated season's alerts, computed by the test from the tables with code of its own
// (Tests/Tools/expected_alerts.py), reach Slack-, Discord- and Standard Webhooks-shaped
// receivers exactly once each (signatures checked with the `standardwebhooks` package); a
// failing receiver gets them after a retry, a gone one is disabled; a run killed while it
// delivers loses nothing and repeats nothing it recorded; and on Lambda the digest reaches an
// SQS queue through moto's SNS.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

/// The receivers, started for one test.
final class AlertReceivers: @unchecked Sendable {
    let child: ChildProcess
    let port: Int
    let log: URL

    init(secret: String, in folder: URL) async throws {
        let portFile = folder.appendingPathComponent("receivers.port")
        log = folder.appendingPathComponent("receivers.jsonl")
        child = try ChildProcess(try OutsideTools.python, [OutsideTools.tool("alert_receivers.py"), portFile.path, log.path, secret])
        var found: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let number = Int(text) { found = number; break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard let found else { child.signal(SIGKILL); throw TestSetupError("the alert receivers did not start: \(await child.result().stderr)") }
        port = found
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Every request received so far, in order.
    func entries() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    func entries(at path: String) throws -> [[String: Any]] { try entries().filter { $0["path"] as? String == path } }

    func stop() { child.signal(SIGKILL) }
}

/// A season of a Development Mode app: 100 simulated days, and the leaderboard snapshots its
/// daily runs would have left for its last week (each from the lake as it stood that day).
enum AlertSeason {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    static func make(in folder: URL, artists: Int = 24) async throws -> (lake: URL, last: String) {
        let demo = try await momentum(["demo", "--dir", folder.appendingPathComponent("demo").path, "--mode", "development",
                                       "--artists", "\(artists)", "--days", "100", "--seed", "11", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let lake = folder.appendingPathComponent("demo/lake")
        let manager = FileManager.default
        let snapshots = lake.appendingPathComponent("processed/momentum")
        let last = try #require(try manager.contentsOfDirectory(atPath: snapshots.path).sorted().last).replacingOccurrences(of: "as_of=", with: "")
        for back in 1...6 {
            let copy = folder.appendingPathComponent("day-\(back)")
            try manager.copyItem(at: lake, to: copy)
            try manager.removeItem(at: copy.appendingPathComponent("processed"))
            try? manager.removeItem(at: copy.appendingPathComponent("state/transform.json"))
            let cutoff = try #require(day(last, minus: back))
            for dataset in ["artist_metrics", "audience", "releases"] {
                let raw = copy.appendingPathComponent("raw/\(dataset)")
                for partition in (try? manager.contentsOfDirectory(atPath: raw.path)) ?? [] where partition > "dt=\(cutoff)" {
                    try manager.removeItem(at: raw.appendingPathComponent(partition))
                }
            }
            let transform = try await momentum(["transform", "--lake", copy.path, "--quiet"])
            try #require(transform.status == 0, "\(transform.stderr)")
            let made = copy.appendingPathComponent("processed/momentum/as_of=\(cutoff)")
            try #require(manager.fileExists(atPath: made.path), "the lake of \(cutoff) was not ranked as of that day")
            try manager.copyItem(at: made, to: snapshots.appendingPathComponent("as_of=\(cutoff)"))
            try manager.removeItem(at: copy)
        }
        return (lake, last)
    }

    static func day(_ text: String, minus days: Int) -> String? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: text).map { formatter.string(from: $0.addingTimeInterval(-Double(days) * 86_400)) }
    }

    /// What the test's own code says the tables give, for the rules of `config`.
    static func expected(lake: URL, config: URL) async throws -> [[String: Any]] {
        let result = try await OutsideTools.runScript("expected_alerts.py", [lake.path, config.path])
        try #require(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    static func write(_ config: [String: Any], to url: URL) throws {
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: url)
    }
}

/// The alerts a Standard Webhooks message carries: its data, or a digest's list.
func carriedAlerts(_ entry: [String: Any]) -> [[String: Any]] {
    let data = (entry["body"] as? [String: Any])?["data"] as? [String: Any] ?? [:]
    return data["alerts"] as? [[String: Any]] ?? [data]
}

@Suite(.serialized, .tags(.outsideTools)) struct AlertDeliveryTests {
    @Test func aSeasonsAlertsReachEveryReceiverOnceAndASecondRunSendsNothing() async throws {
        let folder = try Repository.temporaryFolder("alerts")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (lake, last) = try await AlertSeason.make(in: folder)
        let since = try #require(AlertSeason.day(last, minus: 45))
        let receivers = try await AlertReceivers(secret: AlertSeason.secret, in: folder)
        defer { receivers.stop() }
        let config = folder.appendingPathComponent("momentum.json")
        try AlertSeason.write([
            "lake": lake.path,
            "dashboard_url": "https://dashboard.example.com/momentum",
            "alerts": [
                ["id": "releases", "kind": "new_release", "since": since, "destinations": ["fans", "hooks"]],
                ["id": "spikes", "kind": "spike", "since": since, "destinations": ["team", "hooks", "retry"]],
                ["id": "drops", "kind": "drop", "since": since, "destinations": ["hooks"]],
                ["id": "growth", "kind": "growth", "threshold": 0.03, "since": since, "destinations": ["hooks"], "digest": "day"],
                ["id": "top", "kind": "leaderboard", "top": 8, "since": since, "destinations": ["team", "hooks", "old"]],
                ["id": "milestones", "kind": "milestone", "milestones": [1_000, 5_000, 10_000, 50_000, 100_000, 500_000], "since": since, "destinations": ["hooks"]],
                ["id": "impact", "kind": "release_impact", "threshold": 1.5, "since": since, "destinations": ["hooks"], "digest": "run"],
            ] as [[String: Any]],
            "alert_destinations": [
                "team": ["type": "slack"], "fans": ["type": "discord", "url_env": "FANS_DISCORD_URL"],
                "hooks": ["type": "webhook"], "retry": ["type": "webhook"], "old": ["type": "slack"],
            ],
        ], to: config)
        let environment = [
            "MOMENTUM_ALERT_TEAM_URL": receivers.url("/slack/team"), "FANS_DISCORD_URL": receivers.url("/discord/fans"),
            "MOMENTUM_ALERT_HOOKS_URL": receivers.url("/webhook/hooks"), "MOMENTUM_ALERT_HOOKS_SECRET": AlertSeason.secret,
            "MOMENTUM_ALERT_RETRY_URL": receivers.url("/flaky/webhook/retry"), "MOMENTUM_ALERT_RETRY_SECRET": AlertSeason.secret,
            "MOMENTUM_ALERT_OLD_URL": receivers.url("/gone/slack/old"),
        ]
        let expected = try await AlertSeason.expected(lake: lake, config: config)
        let byRule = Dictionary(grouping: expected) { $0["rule"] as? String ?? "" }
        for rule in ["releases", "spikes", "growth", "top", "impact"] { #expect(!(byRule[rule] ?? []).isEmpty, "the season gives no \(rule) alert: \(byRule.keys)") }

        let first = try await momentum(["alerts", "--format", "json"], in: folder, environment: environment)
        #expect(first.status == 1, "the gone receiver makes it a partial failure: \(first.stderr)")
        #expect(first.stderr.contains("alert destination old answered HTTP 410"), "\(first.stderr)")
        for secret in environment.values where secret.contains("/") || secret.hasPrefix("whsec_") {
            #expect(!first.stdout.contains(secret) && !first.stderr.contains(secret), "a webhook URL or secret was printed")
        }

        func ids(_ rules: [String]) -> [String] { rules.flatMap { byRule[$0] ?? [] }.compactMap { $0["id"] as? String }.sorted() }
        // The Standard Webhooks receiver: every alert of its rules once, every message signed.
        let hooks = try receivers.entries(at: "/webhook/hooks")
        #expect(hooks.allSatisfy { $0["verified"] as? Bool == true && $0["status"] as? Int == 200 }, "\(hooks.filter { $0["verified"] as? Bool != true })")
        #expect(hooks.flatMap(carriedAlerts).compactMap { $0["id"] as? String }.sorted() == ids(["releases", "spikes", "drops", "growth", "top", "milestones", "impact"]))
        for entry in hooks {
            let body = entry["body"] as? [String: Any] ?? [:], data = body["data"] as? [String: Any] ?? [:]
            #expect((entry["headers"] as? [String: Any])?["webhook-id"] as? String == data["id"] as? String, "webhook-id is the message's id")
            #expect(data["dashboard_url"] as? String == "https://dashboard.example.com/momentum")
        }
        let expectedFields = Dictionary(expected.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { $1 })
        for alert in hooks.flatMap(carriedAlerts) {
            let want = try #require(expectedFields[alert["id"] as? String ?? ""])
            for field in ["rule", "kind", "artist_id", "day", "key"] { #expect(alert[field] as? String == want[field] as? String, "\(field) of \(alert)") }
            #expect(alert["series"] as? String == want["series"] as? String)
        }
        #expect(hooks.contains { (($0["body"] as? [String: Any])?["type"] as? String) == "alert.digest" }, "the growth and impact rules send digests")

        // 500 then 200: each message delivered once, after one retry.
        let retry = try receivers.entries(at: "/flaky/webhook/retry")
        let accepted = retry.filter { $0["status"] as? Int == 200 }
        #expect(accepted.flatMap(carriedAlerts).compactMap { $0["id"] as? String }.sorted() == ids(["spikes"]))
        #expect(retry.count == 2 * accepted.count && retry.allSatisfy { $0["verified"] as? Bool == true })

        // Slack and Discord carry no ids: each message is one alert, known by its artist and day.
        func people(_ rules: [String]) -> [String] {
            rules.flatMap { byRule[$0] ?? [] }.map { "\($0["artist_name"] as? String ?? "") \($0["day"] as? String ?? "")" }.sorted()
        }
        func matched(_ entries: [[String: Any]], against expectedPairs: [String]) -> Bool {
            var remaining = expectedPairs
            for entry in entries {
                let text = entry["text"] as? String ?? ""
                guard let index = remaining.firstIndex(where: { pair in
                    let split = pair.split(separator: " ")
                    return text.contains(split.dropLast().joined(separator: " ")) && text.contains(split.last.map(String.init) ?? "")
                }) else { return false }
                remaining.remove(at: index)
            }
            return remaining.isEmpty
        }
        let team = try receivers.entries(at: "/slack/team")
        #expect(team.allSatisfy { ($0["shape_error"] as? String) == nil && $0["status"] as? Int == 200 }, "\(team.compactMap { $0["shape_error"] as? String })")
        #expect(team.count == people(["spikes", "top"]).count && matched(team, against: people(["spikes", "top"])))
        let fans = try receivers.entries(at: "/discord/fans")
        #expect(fans.allSatisfy { ($0["shape_error"] as? String) == nil }, "\(fans.compactMap { $0["shape_error"] as? String })")
        #expect(fans.count == people(["releases"]).count && matched(fans, against: people(["releases"])))
        // 410: asked once, then disabled; the others were still delivered.
        #expect(try receivers.entries(at: "/gone/slack/old").count == 1)
        let record = try String(contentsOf: lake.appendingPathComponent("state/alerts/destinations/old.json"), encoding: .utf8)
        #expect(record.contains("\"disabled\"") && record.contains("410"), "\(record)")
        #expect(!record.contains(String(receivers.port)), "the record keeps no webhook URL")

        // The daily run: nothing is due, the tables are current, and no receiver hears anything new.
        let before = try receivers.entries().count
        let again = try await momentum(["run"], in: folder, environment: environment)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("alert destination old is disabled"), "\(again.stderr)")
        let after = try receivers.entries()
        #expect(after.count == before, "a second run sent \(after.dropFirst(before))")
    }

    @Test func aRunKilledWhileDeliveringLosesNothingAndRepeatsNothingItRecorded() async throws {
        let folder = try Repository.temporaryFolder("alerts-kill")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (lake, last) = try await AlertSeason.make(in: folder, artists: 16)
        let since = try #require(AlertSeason.day(last, minus: 45))
        let receivers = try await AlertReceivers(secret: AlertSeason.secret, in: folder)
        defer { receivers.stop() }
        let config = folder.appendingPathComponent("momentum.json")
        try AlertSeason.write([
            "lake": lake.path,
            "alerts": [["id": "spikes", "kind": "spike", "since": since, "destinations": ["hooks"]],
                       ["id": "releases", "kind": "new_release", "since": since, "destinations": ["hooks"]]],
            "alert_destinations": ["hooks": ["type": "webhook"]],
        ] as [String: Any], to: config)
        let environment = ["MOMENTUM_ALERT_HOOKS_URL": receivers.url("/slow/webhook/hooks"), "MOMENTUM_ALERT_HOOKS_SECRET": AlertSeason.secret]
        let expected = Set(try await AlertSeason.expected(lake: lake, config: config).compactMap { $0["id"] as? String })
        try #require(expected.count >= 8, "the season gives too few alerts to kill a run among them: \(expected.count)")

        let run = try ChildProcess(try Repository.momentumBinary().path, ["alerts", "--quiet"], environment: momentumEnvironment(environment),
                                   currentDirectory: folder)
        while try receivers.entries().count < 4 { try await Task.sleep(for: .milliseconds(20)) }
        run.signal(SIGKILL)
        _ = await run.result()
        let recordFile = lake.appendingPathComponent("state/alerts/destinations/hooks.json")
        let recordObject = (try? JSONSerialization.jsonObject(with: Data(contentsOf: recordFile))) as? [String: Any]
        let recorded = Set((recordObject?["delivered"] as? [String: Any] ?? [:]).keys)
        try await Task.sleep(for: .milliseconds(400))   // a request in flight at the kill is answered and logged
        let killedRun = try receivers.entries()
        #expect(killedRun.count < expected.count, "the run was killed before it delivered everything")

        let rerun = try await momentum(["alerts", "--quiet"], in: folder, environment: environment)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let all = try receivers.entries()
        let ids = all.compactMap { (($0["body"] as? [String: Any])?["data"] as? [String: Any])?["id"] as? String }
        #expect(Set(ids) == expected, "no alert lost")
        let rerunIDs = all.dropFirst(killedRun.count).compactMap { (($0["body"] as? [String: Any])?["data"] as? [String: Any])?["id"] as? String }
        #expect(Set(rerunIDs).isDisjoint(with: recorded), "a recorded alert was sent again")
        let repeats = Dictionary(grouping: ids, by: { $0 }).filter { $0.value.count > 1 }.keys
        #expect(repeats.count <= 1, "only the message in flight at the kill may repeat: \(repeats)")
        for id in repeats {
            #expect(!recorded.contains(id))
            #expect(all.filter { (($0["body"] as? [String: Any])?["data"] as? [String: Any])?["id"] as? String == id }
                .allSatisfy { ($0["headers"] as? [String: Any])?["webhook-id"] as? String == id }, "a repeat carries the same webhook-id")
        }
        #expect(all.allSatisfy { $0["verified"] as? Bool == true })
    }

    @Test(.tags(.seaweedFS, .moto))
    func onLambdaTheDigestReachesAQueueSubscribedToTheTopic() async throws {
        let folder = try Repository.temporaryFolder("alerts-lambda")
        defer { try? FileManager.default.removeItem(at: folder) }
        let (lake, last) = try await AlertSeason.make(in: folder, artists: 16)
        let since = try #require(AlertSeason.day(last, minus: 45))
        let moto = try AWSServers.moto
        let created = try await OutsideTools.runScript("sns_queue.py", [moto, "create", "alerts-" + UUID().uuidString.prefix(8).lowercased()])
        try #require(created.status == 0, "\(created.stderr)")
        let names = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
        let topic = try #require(names["topic"]), queue = try #require(names["queue"])

        // The function's settings live in S3, as Terraform puts them (MOMENTUM_CONFIG).
        let config: [String: Any] = [
            "alerts": [["id": "spikes", "kind": "spike", "since": since, "destinations": ["email"], "digest": "run"],
                       ["id": "releases", "kind": "new_release", "since": since, "destinations": ["stdout"]]],
            "alert_destinations": ["email": ["type": "sns"]],
        ]
        let local = folder.appendingPathComponent("momentum.json")
        try AlertSeason.write(config, to: local)
        let expected = try await AlertSeason.expected(lake: lake, config: local)
        let spikes = expected.filter { $0["rule"] as? String == "spikes" }
        try #require(!spikes.isEmpty)
        let client = try S3Client.standard(environment: AWSServers.aws())
        do { try await client.createBucket(AWSServers.bucket) } catch let error as S3Error where error.code.hasPrefix("BucketAlready") {}
        let key = "config-\(UUID().uuidString.prefix(8))/momentum.json"
        try await client.putObject(bucket: AWSServers.bucket, key: key, bytes: Array(try Data(contentsOf: local)))

        var environment = try AWSServers.aws()
        environment["AWS_ENDPOINT_URL_SNS"] = moto
        environment["MOMENTUM_LAKE"] = lake.path
        environment["MOMENTUM_CONFIG"] = "s3://\(AWSServers.bucket)/\(key)"
        environment["MOMENTUM_ALERTS_TOPIC_ARN"] = topic
        let runtime = try await FakeRuntime(events: [["event": ["job": "alerts"]], ["event": ["job": "alerts"]], ["event": ["job": "alerts", "since": "last week"]]],
                                            in: try Repository.temporaryFolder("alerts-runtime"))
        let served = try await runtime.serve(environment: environment)
        #expect(served.status == 3, "\(served.stderr)")
        let posts = try runtime.posts()
        try #require(posts.map { $0["kind"] as? String } == ["response", "response", "error", "exhausted"], "\(posts)")
        let answer = try #require(posts[0]["body"] as? [String: Any])
        #expect(answer["status"] as? String == "done" && answer["delivered"] as? Int == expected.count, "\(answer)")
        #expect((posts[1]["body"] as? [String: Any])?["delivered"] as? Int == 0, "the second invocation sends nothing new")
        #expect(posts[2]["error_type"] as? String == "Momentum.InvalidEvent")
        // Standard output's alerts are the function's log lines.
        #expect(served.stdout.contains("alert: "), "\(served.stdout.prefix(2000))")

        let received = try await OutsideTools.runScript("sns_queue.py", [moto, "receive", queue])
        try #require(received.status == 0, "\(received.stderr)")
        let messages = try #require(try JSONSerialization.jsonObject(with: Data(received.stdout.utf8)) as? [[String: Any]])
        try #require(messages.count == 1, "one digest for the run: \(messages.count) messages")
        let subject = messages[0]["Subject"] as? String ?? "", text = messages[0]["Message"] as? String ?? ""
        #expect(subject.hasPrefix("Momentum: \(spikes.count) alert"), "\(subject)")
        for alert in spikes {
            #expect(text.contains(alert["artist_name"] as? String ?? "?") && text.contains(alert["day"] as? String ?? "?"), "\(alert) is not in \(text)")
        }
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("  - spike on ") }.count == spikes.count, "\(text)")
    }

    @Test func aDestinationWithoutItsSecretStopsRunBeforeItTouchesAnything() async throws {
        let folder = try Repository.temporaryFolder("alerts-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try await momentum(["demo", "--dir", folder.appendingPathComponent("demo").path, "--artists", "4", "--days", "30", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let lake = folder.appendingPathComponent("demo/lake")
        try FileManager.default.removeItem(at: lake.appendingPathComponent("processed"))
        try AlertSeason.write([
            "lake": lake.path,
            "alerts": [["id": "spikes", "kind": "spike", "destinations": ["hooks"]]],
            "alert_destinations": ["hooks": ["type": "webhook"]],
        ] as [String: Any], to: folder.appendingPathComponent("momentum.json"))
        for arguments in [["run"], ["alerts"]] {
            let result = try await momentum(arguments, in: folder, environment: ["MOMENTUM_ALERT_HOOKS_URL": "https://hooks.example.com/x"])
            #expect(result.status == 2 && result.stderr.contains("MOMENTUM_ALERT_HOOKS_SECRET"), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: lake.appendingPathComponent("processed").path), "run stopped before its transform")
        let bad = try await momentum(["alerts"], in: folder, environment: ["MOMENTUM_ALERT_HOOKS_URL": "http://hooks.example.com/x",
                                                                          "MOMENTUM_ALERT_HOOKS_SECRET": AlertSeason.secret])
        #expect(bad.status == 2 && bad.stderr.contains("must be an https URL") && !bad.stderr.contains("hooks.example.com"), "\(bad.stderr)")
    }
}
