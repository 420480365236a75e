// The default transport, on URLSession (FoundationNetworking on Linux). It never follows a
// redirect itself (the client decides, so that credentials cannot follow one to another
// origin), caps the body it buffers, and gives every request an overall deadline as well as
// URLSession's idle timeout, so a server that trickles a byte every few seconds cannot hold a
// job.

import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The production transport: URLSession without automatic redirects, with a body cap and an overall deadline per request.
public final class URLSessionTransport: HTTPTransport, @unchecked Sendable {
    private let session: URLSession
    private let delegate: Delegate
    /// The most body bytes a response may have; larger answers fail.
    public let maximumResponseBytes: Int

    /// - Parameters:
    ///   - maximumResponseBytes: bodies beyond this fail with a transport error (Spotify's
    ///     largest answers are well under 1 MiB).
    public init(maximumResponseBytes: Int = 16 << 20) {
        self.maximumResponseBytes = max(1, maximumResponseBytes)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        delegate = Delegate(maximumResponseBytes: self.maximumResponseBytes)
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    deinit {
        session.invalidateAndCancel()
    }

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        var urlRequest = URLRequest(url: request.url, timeoutInterval: max(0.001, request.timeout.secondsValue))
        urlRequest.httpMethod = request.method
        for (name, value) in request.headers { urlRequest.setValue(value, forHTTPHeaderField: name) }
        if let body = request.body { urlRequest.httpBody = Data(body) }
        let task = session.dataTask(with: urlRequest)
        let host = request.url.host ?? "?"
        let deadline = request.deadline.secondsValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                delegate.register(task, host: host, method: request.method, continuation: continuation)
                // Cancelled before the task was registered: `onCancel` found nothing to end, and
                // a cancelled task that is resumed may never report back.
                if Task.isCancelled {
                    delegate.fail(task, TransportError("\(request.method) \(host): cancelled"))
                    return
                }
                task.resume()
                // The overall deadline: whatever the server does, the request ends by then.
                if deadline.isFinite, deadline > 0 {
                    DispatchQueue.global().asyncAfter(deadline: .now() + min(deadline, 1e9)) { [delegate] in
                        delegate.fail(task, TransportError("\(request.method) \(host): no complete answer within the \(Int(deadline)) s deadline"))
                    }
                }
            }
        } onCancel: { [delegate] in
            // Ends the caller's wait now, whatever URLSession later reports for the task.
            delegate.fail(task, TransportError("\(request.method) \(host): cancelled"))
        }
    }

    /// Collects each task's answer and resumes its caller exactly once.
    final class Delegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
        private struct Pending {
            var continuation: CheckedContinuation<TransportResponse, any Error>
            var host: String
            var method: String
            var response: HTTPURLResponse?
            var body = Data()
        }

        private let lock = NSLock()
        private var pending: [Int: Pending] = [:]
        private let maximumResponseBytes: Int

        init(maximumResponseBytes: Int) {
            self.maximumResponseBytes = maximumResponseBytes
        }

        func register(_ task: URLSessionTask, host: String, method: String, continuation: CheckedContinuation<TransportResponse, any Error>) {
            lock.withLock { pending[task.taskIdentifier] = Pending(continuation: continuation, host: host, method: method) }
        }

        /// Ends a task with an error, if it has not ended yet.
        func fail(_ task: URLSessionTask, _ error: TransportError) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            task.cancel()
            entry.continuation.resume(throwing: error)
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void) {
            // The 3xx itself is the answer; SpotifyKit decides whether to follow it.
            completionHandler(nil)
        }

        func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                        completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
            let http = response as? HTTPURLResponse
            let announced = http?.value(forHTTPHeaderField: "Content-Length").flatMap { Int($0) } ?? 0
            let (host, method) = lock.withLock { () -> (String, String) in
                pending[dataTask.taskIdentifier]?.response = http
                return (pending[dataTask.taskIdentifier]?.host ?? "?", pending[dataTask.taskIdentifier]?.method ?? "?")
            }
            if announced > maximumResponseBytes {
                completionHandler(.cancel)
                fail(dataTask, TransportError("\(method) \(host): the answer announces \(announced) bytes, more than the \(maximumResponseBytes) this client accepts"))
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
                return entry.body.count > maximumResponseBytes ? (entry.method, entry.host) : nil
            }
            if let (method, host) = overflow {
                fail(dataTask, TransportError("\(method) \(host): the answer is larger than the \(maximumResponseBytes) bytes this client accepts"))
            }
        }

        func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
            guard let entry = lock.withLock({ pending.removeValue(forKey: task.taskIdentifier) }) else { return }
            if let error {
                entry.continuation.resume(throwing: TransportError("\(entry.method) \(entry.host): \(error.localizedDescription)"))
                return
            }
            guard let http = entry.response ?? (task.response as? HTTPURLResponse) else {
                entry.continuation.resume(throwing: TransportError("\(entry.host) answered without HTTP"))
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
