// The one network seam of SpotifyKit. Everything the client sends goes through an
// `HTTPTransport`: URLSession in production, a closure or the simulator in tests.

import Foundation

/// An HTTP request as the client builds it.
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    public var url: URL
    /// Header names as sent; look them up case-insensitively with `header(_:)`.
    public var headers: [String: String]
    public var body: [UInt8]?
    /// Seconds without progress before the request is abandoned (an idle timeout).
    public var timeout: Double
    /// Seconds before the request is abandoned whatever the server sends: the whole answer
    /// must have arrived by then.
    public var deadline: Double

    public init(method: String = "GET", url: URL, headers: [String: String] = [:], body: [UInt8]? = nil, timeout: Double = 30,
                deadline: Double = 60) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.deadline = deadline
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// An HTTP response: status, headers (names lower-cased) and body.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, b in b })
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Sends requests. Conformers throw only for transport failures (no connection, timeout,
/// connection lost); any HTTP status is a response.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// A transport from a closure: the quickest mock.
public struct ClosureTransport: HTTPTransport {
    private let handler: @Sendable (HTTPRequest) async throws -> HTTPResponse

    public init(_ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse) {
        self.handler = handler
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await handler(request)
    }
}

/// A transport-level failure (the request may or may not have reached the server).
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
