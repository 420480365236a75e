// Redirects stay on their origin (one rule for every client), and headers keep their order and
// compare without case. (Deadlines and cancellation: TransportCancellationTests.)

import Foundation
@testable import MomentumHTTP
import MomentumTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite struct URLSessionTransportTests {
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
