// Messages within each receiver's limits, digests grouped and ordered, ids stable, and the
// Standard Webhooks signature against the specification's published example.

import Foundation
import MomentumAlerts
import MomentumAnalytics
import Testing

func spike(_ artist: String, name: String, z: Double, on text: String, series: AudienceSeries = .deezerFans) -> Alert {
    var facts = Alert.Facts()
    facts.robustZ = z
    facts.addsPerDay = 1_234
    return Alert(ruleID: "spikes", kind: .spike, artistID: artist, artistName: name, series: series, day: day(text),
                 key: "\(series.name)/\(text)", facts: facts)
}

@Suite struct AlertMessageTests {
    @Test func theSignatureIsTheSpecificationsExample() throws {
        // standard-webhooks/standard-webhooks, the specification's example.
        let signer = try StandardWebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signer.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Array(#"{"test": 2432232314}"#.utf8))
                == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
        #expect(!"\(signer)".contains("MfKQ9r8"))
        #expect(throws: AlertRuleError.self) { try StandardWebhookSigner(secret: "whsec_short") }
    }

    @Test func digestsGroupByPeriodAndPutTheMostImportantArtistFirst() {
        let alerts = [
            spike("a", name: "Ann", z: 4, on: "2026-11-30"), spike("b", name: "Bo", z: 9, on: "2026-12-01"),
            spike("a", name: "Ann", z: 5, on: "2026-12-02", series: .lastfmListeners), spike("c", name: "Cy", z: 4.5, on: "2026-12-07"),
        ]
        let weekly = AlertBatch.batches(for: AlertRule(id: "spikes", kind: .spike, destinations: ["x"], digest: .week), alerts: alerts)
        // 2026-11-30 is a Monday: the first three share a week, the 7th starts the next.
        #expect(weekly.map(\.alerts.count) == [3, 1])
        #expect(weekly[0].alerts.map(\.artistID) == ["b", "a", "a"] && weekly[0].period == day("2026-11-30")...day("2026-12-02"))
        #expect(weekly[0].id.hasPrefix("digest_") && weekly[0].id == AlertBatch.batches(for: AlertRule(id: "spikes", kind: .spike, destinations: ["x"], digest: .week), alerts: alerts.reversed())[0].id)
        #expect(AlertBatch.batches(for: AlertRule(id: "spikes", kind: .spike, destinations: ["x"], digest: .day), alerts: alerts).count == 4)
        let single = AlertBatch.batches(for: AlertRule(id: "spikes", kind: .spike, destinations: ["x"]), alerts: alerts)
        #expect(single.count == 4 && single.map(\.id) == single.map { $0.alerts[0].id })
        let many = (0..<250).map { spike("a\($0)", name: "A\($0)", z: 4, on: "2026-12-01") }
        #expect(AlertBatch.batches(for: AlertRule(id: "spikes", kind: .spike, destinations: ["x"], digest: .run), alerts: many).map(\.alerts.count) == [100, 100, 50])
    }

    @Test func discordStaysWithinItsLimitsAndPingsNobody() throws {
        let alerts = (0..<40).map { spike("a\($0)", name: "@everyone **Loud** \($0) " + String(repeating: "x", count: 300), z: 4, on: "2026-12-01") }
        let batch = AlertBatch.batches(for: AlertRule(id: "spikes", kind: .spike, destinations: ["x"], digest: .run), alerts: alerts)[0]
        let body = try #require(try JSONSerialization.jsonObject(with: Data(DiscordMessage.body(for: batch, dashboardURL: "https://example.com/d"))) as? [String: Any])
        let embeds = try #require(body["embeds"] as? [[String: Any]])
        #expect((body["content"] as? String ?? "").count <= 2_000)
        #expect(embeds.count <= 10)
        let total = embeds.reduce(0) { $0 + ($1["title"] as? String ?? "").count + ($1["description"] as? String ?? "").count }
        #expect(total <= 6_000)
        #expect(embeds.allSatisfy { ($0["title"] as? String ?? "").count <= 256 && ($0["description"] as? String ?? "").count <= 4_096 })
        #expect((body["allowed_mentions"] as? [String: Any])?["parse"] as? [Any] != nil)
        #expect((embeds[0]["title"] as? String)?.contains(#"\*\*Loud\*\*"#) == true)
    }

    @Test func slackHasTextAndBlocksAndEscapesNames() throws {
        let batch = AlertBatch(ruleID: "spikes", digest: .none, alerts: [spike("a", name: "<!channel> & Co", z: 4, on: "2026-12-01")])
        let body = try #require(try JSONSerialization.jsonObject(with: Data(SlackMessage.body(for: batch, dashboardURL: nil))) as? [String: Any])
        let text = try #require(body["text"] as? String)
        #expect(text.contains("&lt;!channel&gt; &amp; Co") && !text.contains("<!channel>"))
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.first?["type"] as? String == "header" && blocks.count <= 50)
    }

    @Test func aWebhookPayloadIsTypeTimestampAndData() throws {
        let one = AlertBatch(ruleID: "spikes", digest: .none, alerts: [spike("a", name: "Ann", z: 4, on: "2026-12-01")])
        let body = try #require(try JSONSerialization.jsonObject(with: Data(WebhookPayload.body(for: one, timestamp: "2026-12-04T06:00:00Z", dashboardURL: nil))) as? [String: Any])
        #expect(body["type"] as? String == "alert.spike" && body["timestamp"] as? String == "2026-12-04T06:00:00Z")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["id"] as? String == one.id && data["series"] as? String == "deezer/fans" && data["robust_z"] as? Double == 4)
    }
}
