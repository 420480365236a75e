// The production transport, on URLSession (FoundationNetworking on Linux). It never follows a
// redirect (the client decides, so that credentials and signatures never reach another
// origin), sends bodies as exact bytes with `Expect` disabled (libcurl would otherwise wait for
// `100 Continue`), caps the body it buffers, gives every request an overall deadline as well as
// an idle timeout, and ends the caller's wait the moment its task is cancelled.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// URLSession without automatic redirects, with a body cap, an overall deadline per request
/// and cancellation that ends at once.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    private let delegate: Delegate
    /// The most body bytes any answer may have, whatever a request allows; nil for the
    /// request's own limit alone.
    public let maximumResponseBytes: Int?

    /// A transport with its own ephemeral session (no cookies, no cache).
    ///
    /// - Parameter maximumResponseBytes: a cap on every answer's body, over each request's
    ///   own (`TransportRequest.maximumResponseBytes`).
    public init(maximumResponseBytes: Int? = nil) {
        self.maximumResponseBytes = maximumResponseBytes.map { max(1, $0) }
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
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: max(0.001, request.timeout.secondsValue))
        urlRequest.httpMethod = request.method
        for field in request.headers { urlRequest.addValue(field.value, forHTTPHeaderField: field.name) }
        // An empty value removes libcurl's own `Expect: 100-continue`.
        if request.header("Expect") == nil { urlRequest.setValue("", forHTTPHeaderField: "Expect") }
        if let body = request.body, !body.isEmpty || request.method == "PUT" || request.method == "POST" {
            urlRequest.httpBody = Data(body)
        }
        let task = session.dataTask(with: urlRequest)
        let name = "\(request.method) \(request.url.host ?? "?")"
        let deadline = request.deadline.secondsValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task, name: name, method: request.method, limit: max(1, min(request.maximumResponseBytes, maximumResponseBytes ?? .max)),
                                  continuation: continuation)
                // Cancelled before the task was registered: `onCancel` found nothing to end, and
                // a cancelled task that is resumed may never report back.
                if Task.isCancelled {
                    delegate.fail(task, CancellationError())
                    return
                }
                task.resume()
                // The overall deadline: whatever the server does, the request ends by then.
                if deadline.isFinite, deadline > 0 {
                    DispatchQueue.global().asyncAfter(deadline: .now() + min(deadline, 1e9)) { [delegate] in
                        delegate.fail(task, TransportError("\(name): no complete answer within the \(Duration.describe(seconds: deadline)) deadline"))
                    }
                }
            }
        } onCancel: { [delegate] in
            // Ends the caller's wait now, whatever URLSession later reports for the task.
            delegate.fail(task, CancellationError())
        }
    }

    /// Collects each task's answer and resumes its caller exactly once.
    final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private struct Pending {
            var continuation: CheckedContinuation<TransportResponse, any Error>
            var name: String
            var method: String
            var limit: Int
            var response: HTTPURLResponse?
            var body = Data()
        }

        private let lock = NSLock()
        private var pending: [Int: Pending] = [:]

        func register(_ task: URLSessionTask, name: String, method: String, limit: Int,
                      continuation: CheckedContinuation<TransportResponse, any Error>) {
            lock.withLock { pending[task.taskIdentifier] = Pending(continuation: continuation, name: name, method: method, limit: limit) }
        }

        /// Ends a task with an error, if it has not ended yet.
        func fail(_ task: URLSessionTask, _ error: any Error) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            task.cancel()
            entry.continuation.resume(throwing: error)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            // The 3xx itself is the answer; the client decides what to do with it.
            completionHandler(nil)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            let http = response as? HTTPURLResponse
            let announced = http?.value(forHTTPHeaderField: "Content-Length").flatMap { Int($0) } ?? 0
            let (name, method, limit) = lock.withLock { () -> (String, String, Int) in
                pending[dataTask.taskIdentifier]?.response = http
                let entry = pending[dataTask.taskIdentifier]
                return (entry?.name ?? "?", entry?.method ?? "?", entry?.limit ?? 1)
            }
            // A HEAD answer announces the object's size and carries no body.
            if announced > limit, method != "HEAD" {
                completionHandler(.cancel)
                fail(dataTask, TransportError("\(name): the answer announces \(announced) bytes, more than the \(limit) this request accepts"))
                return
            }
            completionHandler(.allow)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
            let overflow: (String, Int)? = lock.withLock {
                // Appended in place: a copy of the entry would copy the whole body on every
                // chunk (quadratic in the body's size).
                guard pending[dataTask.taskIdentifier] != nil else { return nil }
                pending[dataTask.taskIdentifier]?.body.append(data)
                guard let entry = pending[dataTask.taskIdentifier] else { return nil }
                return entry.body.count > entry.limit ? (entry.name, entry.limit) : nil
            }
            if let (name, limit) = overflow {
                fail(dataTask, TransportError("\(name): the answer is larger than the \(limit) bytes this request accepts"))
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            if let error {
                entry.continuation.resume(throwing: TransportError("\(entry.name): \(error.localizedDescription)"))
                return
            }
            guard let http = entry.response ?? (task.response as? HTTPURLResponse) else {
                entry.continuation.resume(throwing: TransportError("\(entry.name): the answer is not HTTP"))
                return
            }
            var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields {
                if let name = name as? String, let value = value as? String { headers[name] = value }
            }
            entry.continuation.resume(returning: TransportResponse(status: http.statusCode, headers: headers, body: [UInt8](entry.body)))
        }
    }
}
