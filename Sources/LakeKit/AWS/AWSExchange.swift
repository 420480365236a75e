// What every AWS client signs and sends with, and the one exchange loop S3 and the JSON
// services share, on MomentumHTTP's retry policy: a transport failure is retried, an expired
// session token is refreshed once, a service error is retried when it says it may be.

import Foundation
import Logging
import MomentumHTTP

/// An error an AWS service answered, as the exchange loop reads it.
protocol AWSAnsweredError: Error {
    /// The service's error code, e.g. `SlowDown` or `ThrottlingException`.
    var code: String { get }
    var status: Int { get }
    var isRetryable: Bool { get }
    var retryCause: RetryCause { get }
}

extension S3Error: AWSAnsweredError {}
extension AWSServiceError: AWSAnsweredError {}

/// The parts of an AWS client that send: credentials, transport, retries, clocks, logger.
struct AWSExchange: Sendable {
    let credentials: any AWSCredentialProvider
    let transport: any HTTPTransport
    let retry: RetryPolicy
    /// The clock signatures are dated by.
    let now: @Sendable () -> Date
    /// What back-offs (and the clients' polls) sleep on.
    let clock: any Clock<Duration>
    let logger: Logger?

    /// How a client reads one answer.
    enum Reading<Value: Sendable> {
        /// The call's result.
        case finished(Value)
        /// Send again at once (the request changes, e.g. signed for another region).
        case again
        /// The service refused.
        case refused(any AWSAnsweredError)
    }

    /// The session-token errors after which fresh credentials may succeed.
    static let expiredTokenCodes: Set<String> = ["ExpiredToken", "ExpiredTokenException"]

    /// Sends `request()` until `read` finishes or a failure is final.
    ///
    /// - Parameters:
    ///   - operation: how the call is named in messages and logs, e.g. `S3 GetObject s3://b/k`.
    ///   - request: the signed request of one attempt.
    ///   - read: what an answer means.
    func send<Value: Sendable>(
        _ operation: String, request: () async throws -> TransportRequest,
        read: (TransportResponse) async throws -> Reading<Value>
    ) async throws -> Value {
        var refreshed = false
        return try await retry.run(operation, clock: clock, logger: logger) { attempt in
            let response: TransportResponse
            do {
                response = try await transport.send(try await request())
            } catch let error as TransportError {
                return .retry(.transport, error.description,
                              failure: TransportError("\(operation): \(error.description) (after \(attempt) attempts)"))
            }
            switch try await read(response) {
            case .finished(let value):
                return .finished(value)
            case .again:
                return .again
            case .refused(let error):
                if AWSExchange.expiredTokenCodes.contains(error.code), !refreshed, let cache = credentials as? CachedCredentials {
                    refreshed = true
                    await cache.invalidate()
                    return .again
                }
                guard error.isRetryable else { throw error }
                return .retry(error.retryCause, "\(error.code) (HTTP \(error.status))", failure: error)
            }
        }
    }
}

extension AWSExchange {
    /// A POST to the endpoint's path, signed with SigV4's general rules (Glue, Athena, Secrets
    /// Manager, SNS: every service but S3).
    ///
    /// - Parameters:
    ///   - headers: the protocol's headers (`Content-Type`, `X-Amz-Target`), Host excluded.
    ///   - displayName: the service's name in messages.
    func signedPOST(service: String, displayName: String, region: String, endpoint: AWSEndpoint,
                    headers protocolHeaders: [(name: String, value: String)], body: [UInt8],
                    deadline: Duration, maximumResponseBytes: Int) async throws -> TransportRequest {
        let found = try await credentials.required(for: displayName)
        let host = (endpoint.url.host ?? "") + (endpoint.url.port.map { ":\($0)" } ?? "")
        let basePath = endpoint.url.path.isEmpty ? "/" : endpoint.url.path
        var headers: [(name: String, value: String)] = [("Host", host)] + protocolHeaders
        let signer = SigV4Signer(credentials: found, region: region, service: service)
        headers += signer.sign(SigV4Signer.Request(method: "POST", path: basePath, headers: headers, body: body), date: now()).headers
        headers.removeFirst()   // the transport sets Host from the URL
        guard let url = URL(string: "\(endpoint.url.scheme ?? "https")://\(host)\(basePath)") else {
            throw LakeError.invalidArgument("cannot make a URL for \(displayName) at \(endpoint.url)")
        }
        return TransportRequest(method: "POST", url: url, headers: HTTPHeaders(headers), body: body, timeout: .seconds(30), deadline: deadline,
                                maximumResponseBytes: maximumResponseBytes)
    }
}
