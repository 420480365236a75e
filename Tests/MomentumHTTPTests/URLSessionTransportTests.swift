// The one URLSession transport against a server that accepts a connection and never answers:
// the deadline ends the request, a cancelled task ends it at once, and waiting burns no CPU.
// Redirects are answers, never followed, and a redirect to another origin is refused.

import Foundation
@testable import MomentumHTTP
import MomentumTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct URLSessionTransportTests {
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    @Test func theDeadlineEndsASilentServersRequestAndWaitingCostsNoCPU() async throws {
        let server = try SilentServer()
        let transport = URLSessionTransport()
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
        // The whole process's CPU while it waited (the rest of the suite runs beside it, so
        // this bounds the waiting, not the suite): a spinning wait burns a core.
        let spent = Self.cpuSeconds() - cpu
        #expect(spent < waited.secondsValue * 0.9, "\(spent) s of CPU in \(waited)")
    }

    @Test func aCancelledTaskEndsItsRequestAtOnce() async throws {
        let server = try SilentServer()
        let transport = URLSessionTransport()
        let request = TransportRequest(url: URL(string: "http://127.0.0.1:\(server.port)/hang")!, timeout: .seconds(300), deadline: .seconds(300))
        let task = Task { try await transport.send(request) }
        try await Task.sleep(for: .milliseconds(200))
        let cancelled = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // Long before the 300 s deadline; standalone it takes milliseconds, and the suite's other
        // tests share the two cores (Benchmarks/cancellation measures the latency itself).
        #expect(ContinuousClock.now - cancelled < .seconds(30))
        // Cancelled before it starts: ends without sending.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(request)
        }
        await #expect(throws: CancellationError.self) { _ = try await early.value }
    }

    @Test func redirectsStayOnTheirOriginAndHeadersKeepTheirOrder() throws {
        let request = TransportRequest(method: "POST", url: URL(string: "https://api.example.com/v1/a")!, headers: ["Authorization": "Bearer t"], body: [1])
        let same = try request.following(TransportResponse(status: 302, headers: ["Location": "/v1/b"]))
        #expect(same?.url.absoluteString == "https://api.example.com/v1/b" && same?.method == "GET" && same?.body == nil)
        #expect(try request.following(TransportResponse(status: 307, headers: ["Location": "https://api.example.com:443/c"]))?.method == "POST")
        for other in ["https://evil.example/v1/b", "http://api.example.com/v1/b", "https://api.example.com:8443/v1/b"] {
            #expect(throws: TransportError.self) { _ = try request.following(TransportResponse(status: 302, headers: ["Location": other])) }
        }
        #expect(try request.following(TransportResponse(status: 302)) == nil)

        var headers: HTTPHeaders = ["Host": "h", "X-Amz-Date": "d", "authorization": "a"]
        #expect(headers["AUTHORIZATION"] == "a" && headers.map(\.name) == ["Host", "X-Amz-Date", "authorization"])
        headers["x-amz-date"] = "e"
        #expect(headers.map(\.name) == ["Host", "x-amz-date", "authorization"] && headers["X-AMZ-DATE"] == "e")
        headers["host"] = nil
        #expect(headers.map(\.name) == ["x-amz-date", "authorization"])
        #expect(HTTPHeaders(["b": "2", "a": "1"]).map(\.name) == ["a", "b"])
    }
}
