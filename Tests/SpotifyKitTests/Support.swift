// Test transports and helpers: a recording transport around any other, a fake clock for
// waits, and JSON answers.

import Foundation
import MomentumTestSupport
import SpotifyKit
import SpotifySimulator

/// Records every request, counts requests in flight, and answers through `handler`.
final class RecordingTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _requests: [TransportRequest] = []
    private var _exchanges: [(TransportRequest, TransportResponse?)] = []
    private var inFlight = 0
    private(set) var maxInFlight = 0
    let handler: @Sendable (TransportRequest, Int) async throws -> TransportResponse

    /// `handler` gets the request and its 0-based number.
    init(_ handler: @escaping @Sendable (TransportRequest, Int) async throws -> TransportResponse) {
        self.handler = handler
    }

    /// Records around another transport (the simulator, URLSession, ...).
    convenience init(wrapping inner: any HTTPTransport) {
        self.init { request, _ in try await inner.send(request) }
    }

    var requests: [TransportRequest] { lock.withLock { _requests } }
    var exchanges: [(TransportRequest, TransportResponse?)] { lock.withLock { _exchanges } }
    func requests(to pathSuffix: String) -> [TransportRequest] { requests.filter { $0.url.path.hasSuffix(pathSuffix) } }
    var apiRequests: [TransportRequest] { requests.filter { $0.url.path.contains("/v1/") } }
    var tokenRequests: [TransportRequest] { requests.filter { $0.url.path.hasSuffix("/api/token") } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let number: Int = lock.withLock {
            _requests.append(request)
            inFlight += 1
            maxInFlight = max(maxInFlight, inFlight)
            return _requests.count - 1
        }
        defer { lock.withLock { inFlight -= 1 } }
        do {
            let response = try await handler(request, number)
            lock.withLock { _exchanges.append((request, response)) }
            return response
        } catch {
            lock.withLock { _exchanges.append((request, nil)) }
            throw error
        }
    }
}


func json(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> TransportResponse {
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return TransportResponse(status: status, headers: headers.merging(["Content-Type": "application/json"]) { a, _ in a }, body: [UInt8](data))
}

func spotifyError(_ status: Int, _ message: String, headers: [String: String] = [:]) -> TransportResponse {
    json(["error": ["status": status, "message": message]], status: status, headers: headers)
}

let tokenAnswer = json(["access_token": "token-1", "token_type": "Bearer", "expires_in": 3600])

func artistJSON(_ id: String, followers: Int? = 100) -> [String: Any] {
    var object: [String: Any] = ["id": id, "name": "Artist \(id.prefix(4))", "type": "artist", "uri": "spotify:artist:\(id)"]
    if let followers { object["followers"] = ["href": NSNull(), "total": followers]; object["popularity"] = 50 }
    return object
}

/// A 22-character base-62 id from a number.
func testID(_ n: Int) -> String {
    let digits = String(n)
    return String(repeating: "A", count: 22 - digits.count) + digits
}

func ids(_ count: Int) throws -> [SpotifyID] {
    try (0..<count).map { try SpotifyID(parsing: testID($0), kind: .artist) }
}

func configuration(_ sleeper: SleepRecorder? = nil, maxConcurrent: Int = 4, retries: Int = 3, cap: Duration = .seconds(60)) -> SpotifyConfiguration {
    SpotifyConfiguration(
        apiURL: URL(string: "http://spotify.test/v1"), accountsURL: URL(string: "http://spotify.test"), market: "US",
        maxConcurrentRequests: maxConcurrent,
        retry: RetryPolicy(maximumAttempts: retries + 1, baseDelay: .milliseconds(250), maximumDelay: .seconds(8), retryAfterCap: cap),
        clock: sleeper ?? SleepRecorder())
}

func client(_ transport: any HTTPTransport, _ configuration: SpotifyConfiguration = configuration(),
            logger: Logger? = nil) -> SpotifyClient {
    SpotifyClient(clientID: "test-client", clientSecret: "s3cr3t-value", configuration: configuration, transport: transport, logger: logger)
}

import Logging
import MomentumHTTP

/// Holds requests until `size` of them wait together, then lets that group go: requests overlap
/// by construction, on any machine, with no sleep on the wall clock.
final class Rendezvous: @unchecked Sendable {
    private let lock = NSLock()
    private let size: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(size: Int) { self.size = size }

    func arrive() async {
        await withCheckedContinuation { continuation in
            let group: [CheckedContinuation<Void, Never>] = lock.withLock {
                waiting.append(continuation)
                guard waiting.count == size else { return [] }
                defer { waiting = [] }
                return waiting
            }
            for member in group { member.resume() }
        }
    }
}

/// Holds every caller of `wait()` until `open()`; after that, lets them through at once.
final class Latch: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        await withCheckedContinuation { continuation in
            let passes: Bool = lock.withLock {
                if isOpen { return true }
                waiting.append(continuation)
                return false
            }
            if passes { continuation.resume() }
        }
    }

    func open() {
        let woken: [CheckedContinuation<Void, Never>] = lock.withLock {
            isOpen = true
            defer { waiting = [] }
            return waiting
        }
        for waiter in woken { waiter.resume() }
    }
}
