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

/// What the default transport puts on the wire, against a real socket.
@Suite struct CurlTransportWireTests {
    @Test(arguments: ["PUT", "POST", "GET", "DELETE", "HEAD"])
    func exactlyTheRequestsHeadersGoOutAndTheAnswerComesBack(_ method: String) async throws {
        let server = try ScriptedHTTPServer { _ in
            .init(status: 307, headers: ["Location": "https://elsewhere.example/", "X-Amz-Bucket-Region": "eu-west-1"], body: Array("moved".utf8))
        }
        defer { server.stop() }
        let body: [UInt8]? = ["PUT", "POST"].contains(method) ? Array("payload".utf8) : nil
        let request = TransportRequest(method: method, url: URL(string: "\(server.url)/bucket/a%20key?x=1")!,
                                       headers: ["Authorization": "AWS4-HMAC-SHA256 signature", "x-amz-date": "20261203T000000Z"], body: body,
                                       timeout: .seconds(5), deadline: .seconds(10))
        let answer = try await CurlTransport().send(request)
        // A redirect is an answer, not followed.
        #expect(answer.status == 307 && answer.header("location") == "https://elsewhere.example/" && answer.header("X-AMZ-BUCKET-REGION") == "eu-west-1")
        #expect(answer.body == (method == "HEAD" ? [] : Array("moved".utf8)))
        let received = try #require(server.requests.first)
        #expect(received.method == method && received.path == "/bucket/a%20key?x=1")
        #expect(received.headers["authorization"] == "AWS4-HMAC-SHA256 signature" && received.headers["x-amz-date"] == "20261203T000000Z")
        // Nothing libcurl would add on its own: no Expect, no form content type.
        #expect(received.headers["expect"] == nil && received.headers["content-type"] == nil, "\(received.headers)")
        #expect(server.requests.count == 1)
    }

    @Test func anAnswerOverTheCapIsRefused() async throws {
        let server = try ScriptedHTTPServer { _ in .init(status: 200, body: [UInt8](repeating: 7, count: 10_000)) }
        defer { server.stop() }
        let request = TransportRequest(url: URL(string: "\(server.url)/big")!, maximumResponseBytes: 1000)
        await #expect(throws: TransportError.self) { _ = try await CurlTransport().send(request) }
        #expect(try await CurlTransport().send(TransportRequest(url: URL(string: "\(server.url)/big")!)).body.count == 10_000)
    }
}
