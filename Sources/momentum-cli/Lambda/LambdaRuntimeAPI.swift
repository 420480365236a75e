// The AWS Lambda Runtime API (a custom runtime on provided.al2023): long-poll the next
// invocation, then post its response or its error; an initialisation error is posted once.
// Plain HTTP to the address Lambda puts in AWS_LAMBDA_RUNTIME_API, inside the sandbox.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One invocation to serve.
struct LambdaInvocation: Sendable {
    var requestID: String
    /// When Lambda stops the function.
    var deadline: Date
    var functionARN: String?
    var traceID: String?
    var event: [UInt8]
}

/// A failure to talk to the Runtime API itself: the process exits and Lambda starts another.
struct LambdaRuntimeError: Error, CustomStringConvertible {
    var description: String
}

struct LambdaRuntimeAPI: Sendable {
    let base: URL
    private let session: URLSession

    /// `address` is `host:port`, as in AWS_LAMBDA_RUNTIME_API.
    init(address: String) throws {
        guard !address.contains("/"), let base = URL(string: "http://\(address)/2018-06-01/runtime/"), base.host != nil else {
            throw LambdaRuntimeError(description: "AWS_LAMBDA_RUNTIME_API is not host:port: '\(address.prefix(100))'")
        }
        self.base = base
        let configuration = URLSessionConfiguration.ephemeral
        // The next invocation may be hours away: the long poll must not time out.
        configuration.timeoutIntervalForRequest = 7 * 86_400
        configuration.timeoutIntervalForResource = 7 * 86_400
        session = URLSession(configuration: configuration)
    }

    /// Waits for the next invocation.
    func next() async throws -> LambdaInvocation {
        let (body, response) = try await exchange(URLRequest(url: base.appendingPathComponent("invocation/next")))
        guard response.statusCode == 200 else {
            throw LambdaRuntimeError(description: "the Runtime API answered \(response.statusCode) to invocation/next")
        }
        guard let requestID = response.value(forHTTPHeaderField: "Lambda-Runtime-Aws-Request-Id"), !requestID.isEmpty,
              requestID.utf8.count <= 200, !requestID.contains("/"),
              let deadlineText = response.value(forHTTPHeaderField: "Lambda-Runtime-Deadline-Ms"), let deadline = Int64(deadlineText)
        else {
            throw LambdaRuntimeError(description: "the Runtime API's invocation has no request id or deadline")
        }
        return LambdaInvocation(requestID: requestID, deadline: Date(timeIntervalSince1970: Double(deadline) / 1000),
                                functionARN: response.value(forHTTPHeaderField: "Lambda-Runtime-Invoked-Function-Arn"),
                                traceID: response.value(forHTTPHeaderField: "Lambda-Runtime-Trace-Id"), event: body)
    }

    /// Posts an invocation's result.
    func respond(_ invocation: LambdaInvocation, body: [UInt8]) async throws {
        try await post("invocation/\(invocation.requestID)/response", body: body, errorType: nil)
    }

    /// Posts an invocation's failure.
    func fail(_ invocation: LambdaInvocation, type: String, message: String) async throws {
        try await post("invocation/\(invocation.requestID)/error", body: LambdaRuntimeAPI.errorBody(type: type, message: message), errorType: type)
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
        var request = URLRequest(url: base.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let errorType { request.setValue(errorType, forHTTPHeaderField: "Lambda-Runtime-Function-Error-Type") }
        let (_, response) = try await exchange(request)
        guard (200..<300).contains(response.statusCode) else {
            throw LambdaRuntimeError(description: "the Runtime API answered \(response.statusCode) to \(path)")
        }
    }

    private func exchange(_ request: URLRequest) async throws -> ([UInt8], HTTPURLResponse) {
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { throw LambdaRuntimeError(description: "no HTTP answer from the Runtime API") }
            return (Array(data), http)
        } catch let error as LambdaRuntimeError {
            throw error
        } catch {
            throw LambdaRuntimeError(description: "the Runtime API at \(base.host ?? "?") is unreachable: \(error.localizedDescription)")
        }
    }
}
