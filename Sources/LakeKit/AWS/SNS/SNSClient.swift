// Amazon SNS: publishing a message to a topic (the deployment's alerts topic, whose e-mail
// subscribers read it). SNS speaks the Query protocol, not JSON 1.1: a form-encoded POST with
// `Action` and `Version`, signed with SigV4's general rules, answered in XML (errors as
// `<ErrorResponse><Error><Code>`). Retries as every AWS client: throttling, 5xx, transport.

import Foundation
import Logging
import MomentumHTTP

/// An SNS client.
public struct SNSClient: Sendable {
    /// The region requests are signed for.
    public let region: String
    /// Where requests go.
    public let endpoint: AWSEndpoint
    let exchange: AWSExchange

    /// The API version the Query protocol names.
    static let apiVersion = "2010-03-31"

    /// A client from its parts.
    public init(credentials: any AWSCredentialProvider, region: String, endpoint: AWSEndpoint, transport: any HTTPTransport = CurlTransport(),
                retry: RetryPolicy = .standard, now: @escaping @Sendable () -> Date = { Date() }, clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger? = nil) {
        exchange = AWSExchange(credentials: credentials, transport: transport, retry: retry, now: now, clock: clock, logger: logger)
        self.region = region
        self.endpoint = endpoint
    }

    /// The client the environment describes (`AWS_ENDPOINT_URL_SNS`, credentials); the region
    /// is the topic's when `region` is given (``AWSRegion/of(arn:)``), else the configured one.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment, region: AWSRegion? = nil,
                                transport: any HTTPTransport = CurlTransport(), logger: Logger? = nil) throws -> SNSClient {
        guard let region = region ?? AWSRegion.configured(environment: environment) else {
            throw LakeError.credentials("no AWS region for SNS: set AWS_REGION (or a profile's region)")
        }
        return SNSClient(credentials: CachedCredentials(AWSCredentialChain.standard(environment: environment, transport: transport)),
                         region: region.name, endpoint: try AWSEndpoint.resolve(service: "sns", region: region.name, environment: environment),
                         transport: transport, logger: logger)
    }

    /// Publishes a message; its message id.
    ///
    /// - Parameters:
    ///   - message: the text (at most 256 KiB).
    ///   - topicARN: the topic.
    ///   - subject: the e-mail subject (at most 100 printable ASCII characters; longer ones are cut).
    /// - Throws: `AWSServiceError` as SNS answered (`NotFound`, `AuthorizationError`, ...).
    @discardableResult
    public func publish(_ message: String, topicARN: String, subject: String? = nil) async throws -> String {
        guard message.utf8.count <= 262_144 else { throw LakeError.invalidArgument("an SNS message is at most 256 KiB") }
        var parameters = [("Action", "Publish"), ("Version", SNSClient.apiVersion), ("TopicArn", topicARN), ("Message", message)]
        if let subject { parameters.append(("Subject", SNSClient.subject(subject))) }
        let answer = try await send("Publish", parameters)
        guard let id = (try? S3XMLNode.parse(answer))?.child("PublishResult")?.value("MessageId") else {
            throw LakeError.format("SNS Publish: the answer has no MessageId")
        }
        return id
    }

    /// SNS takes a subject of printable ASCII, without line breaks, up to 100 characters.
    static func subject(_ text: String) -> String {
        let printable = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }))
        return printable.count <= 100 ? printable : String(printable.prefix(99)) + "~"
    }

    func send(_ action: String, _ parameters: [(String, String)]) async throws -> [UInt8] {
        let body = Array(parameters.map { "\(SigV4Signer.encode($0.0))=\(SigV4Signer.encode($0.1))" }.joined(separator: "&").utf8)
        return try await exchange.send("SNS \(action)", request: { try await signed(body) }) { response in
            if (200..<300).contains(response.status) { return .finished(response.body) }
            return .refused(SNSClient.error(response, operation: action))
        }
    }

    func signed(_ body: [UInt8]) async throws -> TransportRequest {
        try await exchange.signedPOST(service: "sns", displayName: "SNS", region: region, endpoint: endpoint,
                                      headers: [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")],
                                      body: body, deadline: .seconds(60), maximumResponseBytes: 1 << 20)
    }

    /// The Query protocol's error: `<ErrorResponse><Error><Code>…</Code><Message>…`.
    static func error(_ response: TransportResponse, operation: String) -> AWSServiceError {
        let node = try? S3XMLNode.parse(response.body)
        let error = node?.child("Error") ?? node
        return AWSServiceError(service: "SNS", operation: operation, code: error?.value("Code") ?? "HTTP \(response.status)",
                               message: error?.value("Message") ?? "", status: response.status,
                               requestID: node?.value("RequestId") ?? response.header("x-amzn-requestid"))
    }
}
