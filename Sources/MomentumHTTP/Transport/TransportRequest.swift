// A request exactly as it goes on the wire, with the limits that keep a hostile or stalled
// server from holding a job: an idle timeout, an overall deadline and a cap on the answer.

import Foundation

/// An HTTP request as a client builds it. (Named for the transport seam, so that it never
/// clashes with swift-http-types' `HTTPRequest` in a module that imports both.)
public struct TransportRequest: Sendable, Hashable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The absolute URL, its path and query percent-encoded as they are to be sent.
    public var url: URL
    /// Header fields in the order sent.
    public var headers: HTTPHeaders
    /// The body (sent with an exact `Content-Length`), if any.
    public var body: [UInt8]?
    /// Time without progress before the request is abandoned (an idle timeout).
    public var timeout: Duration
    /// Time before the request is abandoned whatever the server sends: the whole answer must
    /// have arrived by then.
    public var deadline: Duration
    /// The most body bytes accepted in the answer; a larger one fails.
    public var maximumResponseBytes: Int

    /// A request from its parts.
    public init(method: String = "GET", url: URL, headers: HTTPHeaders = [:], body: [UInt8]? = nil,
                timeout: Duration = .seconds(30), deadline: Duration = .seconds(60), maximumResponseBytes: Int = 16 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.deadline = deadline
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// The value of a header, its name compared case-insensitively.
    public func header(_ name: String) -> String? { headers[name] }
}

/// An HTTP answer: status, headers (names lower-cased) and body.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// Headers, names lower-cased.
    public var headers: [String: String]
    /// The body as received.
    public var body: [UInt8]

    /// An answer; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    /// The value of a header, its name compared case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
