// The AWS Lambda Runtime API (a custom runtime on provided.al2023): long-poll the next
// invocation, then post its response or its error; an initialisation error is posted once.
// Plain HTTP to the address Lambda puts in AWS_LAMBDA_RUNTIME_API, inside the sandbox, through
// the HTTP core's one transport. A dropped connection is tried again; an invocation whose
// headers are unusable is answered with an error, never dropped.

import Foundation
import MomentumHTTP

/// One invocation to serve.
struct LambdaInvocation: Sendable {
    var requestID: String
    /// When Lambda stops the function.
    var deadline: Date
    var functionARN: String?
    var traceID: String?
    var event: [UInt8]
}

/// What `invocation/next` gave.
enum LambdaNext: Sendable {
    /// An invocation to serve.
    case invocation(LambdaInvocation)
    /// An invocation that cannot be served as it came (no usable deadline): answer it with
    /// an error and take the next.
    case unusable(requestID: String, reason: String)
}

/// A failure to talk to the Runtime API itself: the process exits and Lambda starts another.
struct LambdaRuntimeError: Error, CustomStringConvertible {
    var description: String
}

struct LambdaRuntimeAPI: Sendable {
    let base: URL
    private let transport: any HTTPTransport
    /// Dropped connections to the Runtime API are tried again this way before the runtime gives
    /// up (and Lambda starts another).
    private let retry = RetryPolicy(maximumAttempts: 5, baseDelay: .milliseconds(100), maximumDelay: .seconds(2))

    /// `address` is `host:port`, as in AWS_LAMBDA_RUNTIME_API.
    init(address: String, transport: any HTTPTransport = CurlTransport()) throws {
        guard !address.contains("/"), let base = URL(string: "http://\(address)/2018-06-01/runtime/"), base.host != nil else {
            throw LambdaRuntimeError(description: "AWS_LAMBDA_RUNTIME_API is not host:port: '\(address.prefix(100))'")
        }
        self.base = base
        self.transport = transport
    }

    /// Waits for the next invocation.
    func next() async throws -> LambdaNext {
        // The next invocation may be hours away: the long poll must not time out.
        let week = Duration.seconds(7 * 86_400)
        let response = try await exchange(TransportRequest(url: base.appendingPathComponent("invocation/next"), timeout: week, deadline: week,
                                                           maximumResponseBytes: 6 << 20), name: "invocation/next")
        guard let requestID = response.header("Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty,
              requestID.utf8.count <= 200, !requestID.contains("/"), requestID.allSatisfy({ $0.isASCII && !$0.isWhitespace })
        else {
            throw LambdaRuntimeError(description: "the Runtime API's invocation has no usable request id")
        }
        guard let text = response.header("Lambda-Runtime-Deadline-Ms"), let milliseconds = Int64(text.trimmingCharacters(in: .whitespaces)),
              milliseconds > 0, milliseconds < 32_503_680_000_000 else {
            let shown = response.header("Lambda-Runtime-Deadline-Ms").map { "'\($0.prefix(40))'" } ?? "missing"
            return .unusable(requestID: requestID, reason: "the invocation's Lambda-Runtime-Deadline-Ms is \(shown): not served, since it could not be stopped in time")
        }
        return .invocation(LambdaInvocation(requestID: requestID, deadline: Date(timeIntervalSince1970: Double(milliseconds) / 1000),
                                            functionARN: response.header("Lambda-Runtime-Invoked-Function-Arn"),
                                            traceID: response.header("Lambda-Runtime-Trace-Id"), event: response.body))
    }

    /// Posts an invocation's result.
    func respond(_ invocation: LambdaInvocation, body: [UInt8]) async throws {
        try await post("invocation/\(invocation.requestID)/response", body: body, errorType: nil)
    }

    /// Posts an invocation's failure.
    func fail(requestID: String, type: String, message: String) async throws {
        try await post("invocation/\(requestID)/error", body: LambdaRuntimeAPI.errorBody(type: type, message: message), errorType: type)
    }

    /// Posts a failure to start; Lambda then fails the pending invocation with it.
    func initFailed(type: String, message: String) async throws {
        try await post("init/error", body: LambdaRuntimeAPI.errorBody(type: type, message: message), errorType: type)
    }

    static func errorBody(type: String, message: String) -> [UInt8] {
        let object: [String: Any] = ["errorType": type, "errorMessage": message, "stackTrace": [String]()]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    private func post(_ path: String, body: [UInt8], errorType: String?) async throws {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let errorType { headers["Lambda-Runtime-Function-Error-Type"] = errorType }
        _ = try await exchange(TransportRequest(method: "POST", url: base.appendingPathComponent(path), headers: headers, body: body,
                                                timeout: .seconds(10), deadline: .seconds(30), maximumResponseBytes: 1 << 20), name: path)
    }

    /// Sends with the core's retries: a dropped connection is tried again; any answer but a
    /// 2xx ends the runtime, as the Runtime API asks (a 500 is "non-recoverable: exit
    /// promptly"; a 4xx refuses this request).
    private func exchange(_ request: TransportRequest, name: String) async throws -> TransportResponse {
        try await retry.run("Runtime API \(name)", clock: ContinuousClock()) { attempt -> AttemptOutcome<TransportResponse> in
            let response: TransportResponse
            do {
                response = try await transport.send(request)
            } catch let error as TransportError {
                return .retry(.transport, error.description, failure: LambdaRuntimeError(
                    description: "the Runtime API at \(base.host ?? "?") is unreachable: \(error.description) (after \(attempt) attempts)"))
            }
            guard (200..<300).contains(response.status) else {
                throw LambdaRuntimeError(description: "the Runtime API answered \(response.status) to \(name)")
            }
            return .finished(response)
        }
    }
}
