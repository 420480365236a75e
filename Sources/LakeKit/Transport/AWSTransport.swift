// The one network seam of LakeKit: S3, instance metadata and container credentials all send
// through an `AWSTransport`. URLSession in production; a closure or a scripted server in tests.
// LakeKit does not share SpotifyKit's seam because the libraries stand alone.

import Foundation

/// An HTTP request exactly as it goes on the wire.
public struct AWSHTTPRequest: Sendable {
    /// The method, e.g. `PUT`.
    public var method: String
    /// The absolute URL, its path and query already percent-encoded as they are to be sent.
    public var url: URL
    /// Headers in the order sent.
    public var headers: [(name: String, value: String)]
    /// The body (sent with an exact `Content-Length`, never streamed).
    public var body: [UInt8]
    /// Time without progress before the request is abandoned.
    public var timeout: Duration
    /// Time before the request is abandoned whatever the server does.
    public var deadline: Duration
    /// The most body bytes accepted in the answer.
    public var maximumResponseBytes: Int

    /// A request from its parts.
    public init(method: String, url: URL, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
                timeout: Duration = .seconds(30), deadline: Duration = .seconds(300), maximumResponseBytes: Int = 64 << 20) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.deadline = deadline
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// The value of a header, its name compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An HTTP answer: status, headers (names lower-cased) and body.
public struct AWSHTTPResponse: Sendable, Hashable {
    /// The status code.
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

/// Sends requests. Conformers never follow redirects (a 3xx is an answer, so that a signature
/// never travels to another origin) and throw only for transport failures.
public protocol AWSTransport: Sendable {
    /// Sends `request`; any HTTP status is an answer.
    func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse
}

/// A transport from a closure: the quickest mock.
public struct ClosureAWSTransport: AWSTransport {
    private let handler: @Sendable (AWSHTTPRequest) async throws -> AWSHTTPResponse

    /// A transport that answers every request with `handler`.
    public init(_ handler: @escaping @Sendable (AWSHTTPRequest) async throws -> AWSHTTPResponse) {
        self.handler = handler
    }

    /// Calls the handler.
    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        try await handler(request)
    }
}

/// A failure below HTTP: no connection, a timeout, a lost connection, an oversized answer.
/// The request may or may not have reached the server.
public struct AWSTransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; never a credential.
    public var description: String

    /// A transport error.
    public init(_ description: String) {
        self.description = description
    }
}
