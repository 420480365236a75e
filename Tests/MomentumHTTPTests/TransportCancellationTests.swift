// Waits that end and cost nothing: a request to a server that never answers ends at its deadline
// without burning CPU meanwhile, and a retry loop's wait and a transport's request end within a
// second of their task's cancellation. scripts/test runs the suites named
// *CancellationTests alone, after the others: they time the end, which a machine busy with the
// whole suite would blur.

import Foundation
import MomentumHTTP
import MomentumTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct TransportCancellationTests {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// The transports, by name: the default (libcurl) and URLSession.
    static let transports: [String] = ["curl", "URLSession"]

    static func transport(_ name: String) -> any HTTPTransport {
        name == "curl" ? CurlTransport() : URLSessionTransport()
    }

    @Test func theDeadlineEndsASilentServersRequestAndWaitingCostsNoCPU() async throws {
        let server = try SilentServer()
        // The default transport: URLSession on Linux spins while it waits (about 70 % of a
        // core here), which is why it is not the default.
        let transport = CurlTransport()
        let request = TransportRequest(url: URL(string: "http://127.0.0.1:\(server.port)/hang")!, timeout: .seconds(30), deadline: .seconds(2))
        let cpu = Self.cpuSeconds()
        let started = ContinuousClock.now
        do {
            _ = try await transport.send(request)
            Issue.record("a server that never answered gave an answer")
        } catch let error as TransportError {
            #expect(error.description.contains("deadline"), "\(error)")
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(1900) && waited < .seconds(10))
        // The process's CPU while it waited (this suite runs alone): a spinning wait burns a core.
        let spent = Self.cpuSeconds() - cpu
        #expect(spent < waited.secondsValue * 0.2, "\(spent) s of CPU in \(waited)")
    }

    @Test func aCancelledWaitEndsAtOnce() async throws {
        let policy = RetryPolicy(maximumAttempts: 5, baseDelay: .seconds(600), maximumDelay: .seconds(600))
        struct Failed: Error {}
        let task = Task {
            try await policy.run("GET slow", clock: ContinuousClock()) { _ -> AttemptOutcome<Int> in
                .retry(.serverError, "HTTP 500", after: .seconds(600), failure: Failed())
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(ContinuousClock.now - cancelled < .seconds(1))
    }

    @Test(arguments: transports)
    func aCancelledTaskEndsItsRequestAtOnce(_ name: String) async throws {
        let server = try SilentServer()
        let transport = Self.transport(name)
        let request = TransportRequest(url: URL(string: "http://127.0.0.1:\(server.port)/hang")!, timeout: .seconds(300), deadline: .seconds(300))
        let task = Task { try await transport.send(request) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(ContinuousClock.now - cancelled < .seconds(1))
        // Cancelled before it starts: ends without sending.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(request)
        }
        await #expect(throws: CancellationError.self) { _ = try await early.value }
    }
}
