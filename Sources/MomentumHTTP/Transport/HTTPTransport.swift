// The one network seam. Everything a client sends goes through an `HTTPTransport`: URLSession
// in production, a closure, a scripted server or the Spotify simulator in tests.

/// Sends requests. Conformers never follow redirects (a 3xx is an answer: the client decides,
/// so that credentials never reach another origin) and throw only for failures below HTTP.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the server's answer, whatever its status. Ends at once,
    /// throwing `CancellationError`, when the calling task is cancelled.
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

/// A failure below HTTP: no connection, a timeout, a lost connection, an oversized answer.
/// The request may or may not have reached the server.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong; never a credential.
    public var description: String

    /// A transport error.
    public init(_ description: String) {
        self.description = description
    }
}
