// An error a JSON 1.1 service (Glue, Athena, Secrets Manager, Step Functions) answered, typed by
// its `__type`, with the request id.

import Foundation
import MomentumHTTP

/// A refusal from an AWS JSON service.
public struct AWSServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The service, e.g. `Glue`.
    public let service: String
    /// The operation, e.g. `GetTable`.
    public let operation: String
    /// The error's type without namespace, e.g. `EntityNotFoundException`.
    public let code: String
    /// The service's message.
    public let message: String
    /// The HTTP status.
    public let status: Int
    /// `x-amzn-RequestId`, for AWS support.
    public let requestID: String?

    /// An error from its parts.
    public init(service: String, operation: String, code: String, message: String, status: Int, requestID: String?) {
        self.service = service
        self.operation = operation
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
    }

    /// One line: service, operation, code, message, request id.
    public var description: String {
        var text = "\(service) \(operation) failed: \(code) (HTTP \(status))"
        if !message.isEmpty { text += ": \(message.prefix(500))" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }

    /// Throttling and server-side failures, worth another try.
    public var isRetryable: Bool {
        status >= 500 || AWSServiceError.retryableCodes.contains(code)
    }

    /// Why a retryable error is retried: throttling, or the service failing.
    var retryCause: RetryCause {
        status == 429 || code.contains("Throttl") || code.contains("TooManyRequests") || code == "RequestLimitExceeded"
            || code == "ProvisionedThroughputExceededException" ? .rateLimit : .serverError
    }

    static let retryableCodes: Set<String> = [
        "ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded",
        "ProvisionedThroughputExceededException", "InternalServiceException", "InternalServerException",
        "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException", "OperationTimeoutException",
    ]

    /// Errors of the same code are equal.
    public static func == (lhs: AWSServiceError, rhs: AWSServiceError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    /// Lets `catch AWSServiceError.entityNotFound` match any error with that code.
    public static func ~= (pattern: AWSServiceError, error: any Error) -> Bool { (error as? AWSServiceError)?.code == pattern.code }

    private static func kind(_ code: String) -> AWSServiceError {
        AWSServiceError(service: "", operation: "", code: code, message: "", status: 0, requestID: nil)
    }
    /// Matches `EntityNotFoundException` (Glue).
    public static let entityNotFound = kind("EntityNotFoundException")
    /// Matches `AlreadyExistsException` (Glue).
    public static let alreadyExists = kind("AlreadyExistsException")
    /// Matches `InvalidRequestException` (Athena).
    public static let invalidRequest = kind("InvalidRequestException")

    /// The error in an answer: `__type` (or `x-amzn-ErrorType`) and `message`.
    static func from(_ response: TransportResponse, service: String, operation: String) -> AWSServiceError {
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        let raw = (object["__type"] as? String) ?? response.header("x-amzn-errortype") ?? "HTTP \(response.status)"
        // "com.amazonaws.glue#EntityNotFoundException" or "EntityNotFoundException:http://..."
        let code = String(raw.split(separator: "#").last.map(String.init)?.split(separator: ":").first ?? Substring(raw))
        let message = (object["message"] as? String) ?? (object["Message"] as? String) ?? ""
        return AWSServiceError(service: service, operation: operation, code: code, message: message, status: response.status,
                               requestID: response.header("x-amzn-requestid"))
    }
}
