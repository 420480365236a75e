// The AWS JSON 1.1 protocol (Glue, Athena, Secrets Manager, Step Functions): a POST to `/` with
// `X-Amz-Target: <prefix>.<Operation>` and a JSON body, signed with SigV4's general rules;
// errors carry `__type`. Retries as for S3: throttling, 5xx and transport errors, with back-off.

import Foundation
import Logging
import MomentumHTTP

/// A client for one JSON 1.1 service.
public struct AWSJSONClient: Sendable {
    /// The service's signing name and endpoint id, e.g. `glue`.
    public let service: String
    /// The `X-Amz-Target` prefix, e.g. `AWSGlue` or `AmazonAthena`.
    public let targetPrefix: String
    /// How the service is named in messages, e.g. `Glue`.
    public let displayName: String
    /// The region requests are signed for.
    public let region: String
    /// Where requests go.
    public let endpoint: AWSEndpoint
    /// Credentials, transport, retries, clocks and logger.
    let exchange: AWSExchange

    /// A client from its parts.
    ///
    /// - Parameters:
    ///   - service: the signing name and endpoint id (`glue`, `athena`).
    ///   - targetPrefix: the `X-Amz-Target` prefix (`AWSGlue`, `AmazonAthena`).
    ///   - displayName: the service's name in messages.
    ///   - credentials: where signing credentials come from.
    ///   - region: the signing region.
    ///   - endpoint: where requests go.
    ///   - transport: what sends them.
    ///   - retry: how often and how patiently to retry.
    ///   - now: the clock signatures are dated by.
    ///   - clock: what back-offs sleep on.
    ///   - logger: hears each retry once, at debug level, without secrets.
    public init(service: String, targetPrefix: String, displayName: String, credentials: any AWSCredentialProvider, region: String,
                endpoint: AWSEndpoint, transport: any HTTPTransport = CurlTransport(), retry: RetryPolicy = .standard,
                now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(), logger: Logger? = nil) {
        self.exchange = AWSExchange(credentials: credentials, transport: transport, retry: retry, now: now, clock: clock, logger: logger)
        self.service = service
        self.targetPrefix = targetPrefix
        self.displayName = displayName
        self.region = region
        self.endpoint = endpoint
    }

    /// The client botocore would build from the environment (credential chain, region, endpoint).
    ///
    /// - Parameters:
    ///   - service: the signing name, e.g. `glue`.
    ///   - targetPrefix: the `X-Amz-Target` prefix, e.g. `AWSGlue`.
    ///   - displayName: the service's name in messages.
    ///   - environment: the variables to read.
    ///   - region: the region by ``AWSRegion/resolve(for:bucket:environment:transport:)``; when
    ///     nil, the configured one, else a refusal: a catalog never runs in a guessed region.
    ///   - transport: what sends requests.
    ///   - logger: hears each retry once, at debug level.
    public static func standard(service: String, targetPrefix: String, displayName: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                region: AWSRegion? = nil,
                                transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) throws -> AWSJSONClient {
        guard let region = region ?? AWSRegion.configured(environment: environment) else {
            throw LakeError.credentials("no AWS region for \(displayName): set AWS_REGION (or a profile's region)")
        }
        let endpoint = try AWSEndpoint.resolve(service: service, region: region.name, environment: environment)
        return AWSJSONClient(service: service, targetPrefix: targetPrefix, displayName: displayName,
                             credentials: CachedCredentials(AWSCredentialChain.standard(environment: environment, transport: transport)),
                             region: region.name, endpoint: endpoint, transport: transport, logger: logger)
    }

    /// Calls an operation with an encodable input and decodes its output.
    public func send<Output: Decodable>(_ operation: String, _ input: some Encodable, as output: Output.Type = Output.self) async throws -> Output {
        let body = try JSONEncoder().encode(input)
        let answer = try await send(operation, body: Array(body))
        do {
            return try JSONDecoder().decode(Output.self, from: Data(answer.isEmpty ? Array("{}".utf8) : answer))
        } catch {
            throw LakeError.format("\(displayName) \(operation): the answer does not decode (\(error))")
        }
    }

    /// Calls an operation with a JSON body; the answer's body.
    public func send(_ operation: String, body: [UInt8]) async throws -> [UInt8] {
        try await exchange.send("\(displayName) \(operation)", request: { try await signed(operation, body: body) }) { response in
            if (200..<300).contains(response.status) { return .finished(response.body) }
            return .refused(AWSServiceError.from(response, service: displayName, operation: operation))
        }
    }

    func signed(_ operation: String, body: [UInt8]) async throws -> TransportRequest {
        try await exchange.signedPOST(service: service, displayName: displayName, region: region, endpoint: endpoint,
                                      headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "\(targetPrefix).\(operation)")],
                                      body: body, deadline: .seconds(120), maximumResponseBytes: 64 << 20)
    }
}
