// LakeKit's production transport, on URLSession (FoundationNetworking on Linux). It never
// follows a redirect (S3 answers 307 for a new bucket; the client re-signs for the region it
// names, so a signature never travels to another origin), sends bodies as exact bytes with
// `Expect` disabled (libcurl would otherwise wait for `100 Continue`), caps the body it buffers,
// and gives every request an overall deadline as well as an idle timeout.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport: URLSession without automatic redirects, with a body cap and an overall deadline per request.
public final class URLSessionAWSTransport: AWSTransport, @unchecked Sendable {
    private let session: URLSession
    private let delegate: Delegate
    /// A transport with its own ephemeral session (no cookies, no cache).
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        delegate = Delegate()
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    /// Sends the request; any status is an answer, a 3xx included.
    public func send(_ request: AWSHTTPRequest) async throws -> AWSHTTPResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: max(0.001, request.timeout.seconds))
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.addValue(value, forHTTPHeaderField: name) }
        // An empty value removes libcurl's own `Expect: 100-continue`.
        if request.header("Expect") == nil { urlRequest.setValue("", forHTTPHeaderField: "Expect") }
        if !request.body.isEmpty || request.method == "PUT" || request.method == "POST" { urlRequest.httpBody = Data(request.body) }
        let task = session.dataTask(with: urlRequest)
        let host = request.url.host ?? "?"
        let deadline = request.deadline.seconds
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task, host: host, method: request.method, limit: max(1, request.maximumResponseBytes), continuation: continuation)
                task.resume()
                // The overall deadline: whatever the server does, the request ends by then.
                if deadline.isFinite, deadline > 0 {
                    DispatchQueue.global().asyncAfter(deadline: .now() + min(deadline, 1e9)) { [delegate] in
                        delegate.fail(task, AWSTransportError("\(request.method) \(host): no complete answer within the \(Int(deadline)) s deadline"))
                    }
                }
            }
        } onCancel: {
            task.cancel()
        }
    }

    /// Collects each task's answer and resumes its caller exactly once.
    final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private struct Pending {
            var continuation: CheckedContinuation<AWSHTTPResponse, any Error>
            var host: String
            var method: String
            var limit: Int
            var response: HTTPURLResponse?
            var body = Data()
        }

        private let lock = NSLock()
        private var pending: [Int: Pending] = [:]

        func register(_ task: URLSessionTask, host: String, method: String, limit: Int, continuation: CheckedContinuation<AWSHTTPResponse, any Error>) {
            lock.withLock { pending[task.taskIdentifier] = Pending(continuation: continuation, host: host, method: method, limit: limit) }
        }

        /// Ends a task with an error, if it has not ended yet.
        func fail(_ task: URLSessionTask, _ error: AWSTransportError) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            task.cancel()
            entry.continuation.resume(throwing: error)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            // The 3xx itself is the answer; the S3 client decides what to do with it.
            completionHandler(nil)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            let http = response as? HTTPURLResponse
            let announced = http?.value(forHTTPHeaderField: "Content-Length").flatMap { Int($0) } ?? 0
            let (host, method, limit) = lock.withLock { () -> (String, String, Int) in
                pending[dataTask.taskIdentifier]?.response = http
                let entry = pending[dataTask.taskIdentifier]
                return (entry?.host ?? "?", entry?.method ?? "?", entry?.limit ?? 1)
            }
            // A HEAD answer announces the object's size and carries no body.
            if announced > limit, method != "HEAD" {
                completionHandler(.cancel)
                fail(dataTask, AWSTransportError("\(method) \(host): the answer announces \(announced) bytes, more than the \(limit) this client accepts"))
                return
            }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let overflow: (String, String)? = lock.withLock {
                // Appended in place: a copy of the entry would copy the whole body on every
                // chunk (quadratic in the body's size).
                guard pending[dataTask.taskIdentifier] != nil else { return nil }
                pending[dataTask.taskIdentifier]?.body.append(data)
                guard let entry = pending[dataTask.taskIdentifier] else { return nil }
                return entry.body.count > entry.limit ? (entry.method, entry.host) : nil
            }
            if let (method, host) = overflow {
                fail(dataTask, AWSTransportError("\(method) \(host): the answer is larger than this request accepts"))
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            if let error {
                entry.continuation.resume(throwing: AWSTransportError("\(entry.method) \(entry.host): \(error.localizedDescription)"))
                return
            }
            guard let http = entry.response ?? (task.response as? HTTPURLResponse) else {
                entry.continuation.resume(throwing: AWSTransportError("\(entry.host) answered without HTTP"))
                return
            }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name] = value }
            }
            entry.continuation.resume(returning: AWSHTTPResponse(status: http.statusCode, headers: headers, body: [UInt8](entry.body)))
        }
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
