// An error S3 answered: its code (`NoSuchKey`, `AccessDenied`, `SignatureDoesNotMatch`, ...),
// the HTTP status, the request id to quote to AWS support, and what to check.

import Foundation
import MomentumHTTP

/// A refusal from S3 (or an S3-compatible server), typed by S3's error code.
public struct S3Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// S3's error code, e.g. `NoSuchBucket`; `HTTP <status>` when the answer had no XML.
    public let code: String
    /// The HTTP status.
    public let status: Int
    /// S3's own message.
    public let message: String
    /// The request id (`x-amz-request-id` or `<RequestId>`), for AWS support.
    public let requestID: String?
    /// The operation, e.g. `PutObject`.
    public let operation: String
    /// What it was about: `s3://bucket/key`.
    public let resource: String

    /// An error from its parts.
    public init(code: String, status: Int, message: String, requestID: String?, operation: String, resource: String) {
        self.code = code
        self.status = status
        self.message = message
        self.requestID = requestID
        self.operation = operation
        self.resource = resource
    }

    /// One line: operation, resource, code, S3's message, a hint, the request id.
    public var description: String {
        var text = "S3 \(operation) \(resource) failed: \(code) (HTTP \(status))"
        if !message.isEmpty { text += ": " + String(message.prefix(300)).trimmingCharacters(in: CharacterSet(charactersIn: ". ")) }
        if let hint = S3Error.hints[code] { text += ". \(hint)" }
        if let requestID { text += " (request id \(requestID))" }
        return text
    }

    /// Worth another try: throttling, timeouts and server errors.
    public var isRetryable: Bool {
        status >= 500 || status == 429 || ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "TemporaryRedirect"].contains(code)
    }

    /// Why a retryable error is retried: S3 asking to slow down, or failing.
    var retryCause: RetryCause {
        status == 429 || status == 503 || code == "SlowDown" ? .rateLimit : .serverError
    }

    /// Codes that mean the caller's credentials, permissions or configuration are wrong.
    public var isAccessProblem: Bool {
        ["AccessDenied", "SignatureDoesNotMatch", "InvalidAccessKeyId", "ExpiredToken", "InvalidToken", "AllAccessDisabled"].contains(code)
    }

    /// Errors of the same code are equal; matches `S3Error.noSuchBucket` style patterns.
    public static func == (lhs: S3Error, rhs: S3Error) -> Bool { lhs.code == rhs.code }
    /// Hashes the code.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    /// Lets `catch S3Error.noSuchBucket` match any error with that code.
    public static func ~= (pattern: S3Error, error: any Error) -> Bool { (error as? S3Error)?.code == pattern.code }

    private static func kind(_ code: String) -> S3Error {
        S3Error(code: code, status: 0, message: "", requestID: nil, operation: "", resource: "")
    }
    /// Matches `NoSuchKey`.
    public static let noSuchKey = kind("NoSuchKey")
    /// Matches `NoSuchBucket`.
    public static let noSuchBucket = kind("NoSuchBucket")
    /// Matches `AccessDenied`.
    public static let accessDenied = kind("AccessDenied")
    /// Matches `SignatureDoesNotMatch`.
    public static let signatureDoesNotMatch = kind("SignatureDoesNotMatch")
    /// Matches `InvalidAccessKeyId`.
    public static let invalidAccessKeyID = kind("InvalidAccessKeyId")
    /// Matches `PreconditionFailed` (a conditional write lost).
    public static let preconditionFailed = kind("PreconditionFailed")
    /// Matches `SlowDown`.
    public static let slowDown = kind("SlowDown")
    /// Matches an answer that does not follow the S3 API (XML that does not parse, a missing
    /// element): the server, or whatever stands at the endpoint, answered nonsense.
    public static let invalidAnswer = kind("InvalidAnswer")

    /// An answer that does not follow the S3 API.
    static func invalidAnswer(_ reason: String, status: Int, operation: String, resource: String) -> S3Error {
        S3Error(code: "InvalidAnswer", status: status, message: reason, requestID: nil, operation: operation, resource: resource)
    }

    static let hints: [String: String] = [
        "NoSuchBucket": "Check the bucket name in --lake, and the region (AWS_REGION) or endpoint (AWS_ENDPOINT_URL_S3)",
        "AccessDenied": "Check that the credentials' policy allows this action on the bucket and prefix (Docs/S3.md lists the permissions)",
        "SignatureDoesNotMatch": "Check AWS_SECRET_ACCESS_KEY (or the profile's aws_secret_access_key) and the machine's clock",
        "InvalidAccessKeyId": "Check AWS_ACCESS_KEY_ID or the profile: the key is unknown to this endpoint",
        "ExpiredToken": "The session token has expired: refresh the credentials",
        "RequestTimeTooSkewed": "The machine's clock is more than 15 minutes off: set it right",
        "AuthorizationHeaderMalformed": "Check the region (AWS_REGION): the bucket lives in another one",
        "PermanentRedirect": "The bucket lives in another region: set AWS_REGION to it",
        "BadDigest": "The upload was damaged on the way (its checksum did not match) and was refused; nothing was stored",
        "XAmzContentSHA256Mismatch": "The upload was damaged on the way (its checksum did not match) and was refused; nothing was stored",
        "SlowDown": "S3 is throttling this prefix; the request was retried with back-off",
        "InvalidAnswer": "The answer does not follow the S3 API: check that the endpoint (AWS_ENDPOINT_URL_S3) is an S3 service",
    ]

    /// The error in an answer: S3's XML `<Error>` when there is one, the status otherwise.
    static func from(_ response: TransportResponse, operation: String, resource: String) -> S3Error {
        let headerID = response.header("x-amz-request-id")
        if let xml = try? S3XMLNode.parse(response.body), xml.name == "Error" {
            return S3Error(code: xml.value("Code") ?? "HTTP \(response.status)", status: response.status, message: xml.value("Message") ?? "",
                           requestID: xml.value("RequestId") ?? headerID, operation: operation, resource: resource)
        }
        // HEAD answers carry no body: name the usual cause by status.
        let code: String
        switch response.status {
        case 404: code = resource.dropFirst(5).contains("/") ? "NoSuchKey" : "NoSuchBucket"
        case 403: code = "AccessDenied"
        case 412: code = "PreconditionFailed"
        case 503: code = "SlowDown"
        default: code = "HTTP \(response.status)"
        }
        return S3Error(code: code, status: response.status, message: "", requestID: headerID, operation: operation, resource: resource)
    }
}
