// The one network seam of SpotifyKit. Everything the client sends goes through an
// `HTTPTransport`: URLSession in production, a closure or the simulator in tests.

import Foundation

/// An HTTP request as the client builds it. (Named for the transport seam, so that it never
/// clashes with swift-http-types' `HTTPRequest` in a module that imports both.)
public struct TransportRequest: Sendable, Hashable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The absolute URL.
    public var url: URL
    /// Header names as sent; look them up case-insensitively with `header(_:)`.
    public var headers: [String: String]
    /// The body, if any.
    public var body: [UInt8]?
    /// Time without progress before the request is abandoned (an idle timeout).
    public var timeout: Duration
    /// Time before the request is abandoned whatever the server sends: the whole answer must
    /// have arrived by then.
    public var deadline: Duration

    /// Creates a request.
    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: [UInt8]? = nil,
                timeout: Duration = .seconds(30), deadline: Duration = .seconds(60)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.deadline = deadline
    }

    /// The value of a header, its name compared case-insensitively.
    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An HTTP response: status, headers (names lower-cased) and body.
public struct TransportResponse: Sendable, Hashable {
    /// The HTTP status code.
    public var status: Int
    /// Headers, names lower-cased.
    public var headers: [String: String]
    /// The body as received.
    public var body: [UInt8]

    /// Creates a response; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, b in b })
        self.body = body
    }

    /// The value of a header, its name compared case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Sends requests. Conformers throw only for transport failures (no connection, timeout,
/// connection lost); any HTTP status is a response.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the server's answer, whatever its status.
    func send(_ request: TransportRequest) async throws -> TransportResponse
}

/// A transport from a closure: the quickest mock.
public struct ClosureTransport: HTTPTransport {
    private let handler: @Sendable (TransportRequest) async throws -> TransportResponse

    /// A transport that answers every request with `handler`.
    public init(_ handler: @escaping @Sendable (TransportRequest) async throws -> TransportResponse) {
        self.handler = handler
    }

    /// Calls the handler.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await handler(request)
    }
}

/// A transport-level failure (the request may or may not have reached the server).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without credentials.
    public var description: String

    /// Creates a transport error.
    public init(_ description: String) {
        self.description = description
    }
}
