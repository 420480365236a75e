// Delivery on the retry loop: a failing receiver is tried again, a 410 is gone, a redirect is
// not followed, and no message names the webhook's URL.

import Foundation
import MomentumAlerts
import MomentumHTTP
import MomentumTestSupport
import Testing

@Suite struct WebhookSenderTests {
    let url = URL(string: "https://hooks.example.com/services/T000/B000/SECRETPATH")!

    func sender(_ statuses: [Int], headers: [String: String] = [:], seen: Counter) -> WebhookSender {
        WebhookSender(transport: ClosureTransport { request in
            let index = seen.next()
            #expect(request.method == "POST" && request.header("Content-Type") == "application/json")
            return TransportResponse(status: statuses[min(index, statuses.count - 1)], headers: headers)
        }, clock: SleepRecorder())
    }

    @Test func aServerErrorIsTriedAgainAndDeliveredOnce() async throws {
        let seen = Counter()
        let outcome = try await sender([500, 200], seen: seen).post([], to: url, destination: "team")
        #expect(outcome == .delivered(status: 200) && seen.count == 2)
    }

    @Test func goneIsGoneAtOnce() async throws {
        let seen = Counter()
        #expect(try await sender([410], seen: seen).post([], to: url, destination: "team") == .gone && seen.count == 1)
    }

    @Test func failuresNameTheDestinationNeverTheURL() async throws {
        for (statuses, expected) in [([503], "HTTP 503 after 4 attempt(s)"), ([302], "HTTP 302"), ([404], "HTTP 404")] {
            let seen = Counter()
            guard case .failed(let reason) = try await sender(statuses, seen: seen).post([], to: url, destination: "team") else {
                Issue.record("\(statuses) was not a failure"); continue
            }
            #expect(reason.contains("alert destination team") && reason.contains(expected) && !reason.contains("SECRETPATH"), "\(reason)")
        }
        let seen = Counter()
        guard case .failed(let reason) = try await sender([429], headers: ["Retry-After": "7200"], seen: seen).post([], to: url, destination: "team") else {
            Issue.record("a 2-hour Retry-After was waited for"); return
        }
        #expect(seen.count == 1 && reason.contains("next run"))
    }

    @Test func eachAttemptIsSignedAfresh() async throws {
        let signer = try StandardWebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signatures = Recorder()
        let sender = WebhookSender(transport: ClosureTransport { request in
            signatures.append("\(request.header("webhook-id") ?? "") \(request.header("webhook-signature") ?? "")")
            return TransportResponse(status: signatures.count == 1 ? 502 : 204)
        }, clock: SleepRecorder())
        let body = Array(#"{"type":"alert.spike"}"#.utf8)
        let outcome = try await sender.post(body, to: url, destination: "hooks") { signer.headers(id: "alert_1", timestamp: 1_614_265_330, body: body) }
        #expect(outcome == .delivered(status: 204))
        #expect(signatures.values == Array(repeating: "alert_1 " + signer.signature(id: "alert_1", timestamp: 1_614_265_330, body: body), count: 2))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
    var count: Int { lock.withLock { value } }
}

final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var values: [String] { lock.withLock { items } }
    var count: Int { lock.withLock { items.count } }
}
