// The production transport, on libcurl's easy interface. URLSession on Linux (FoundationNetworking,
// itself on libcurl's multi interface) burns most of a core while it waits for an answer; one
// blocking `curl_easy_perform` per request, on a thread of its own, waits in poll(2) and costs
// nothing. Like every transport here it never follows a redirect, sends bodies as exact bytes
// without `Expect: 100-continue`, caps the answer, gives every request an idle timeout and an
// overall deadline, and ends the caller's wait the moment its task is cancelled (the transfer
// itself is aborted at libcurl's next progress call, within a second).

import CCurlShims
import Foundation

/// libcurl without automatic redirects, with a body cap, an overall deadline per request and
/// cancellation that ends at once; waiting costs no CPU.
public final class CurlTransport: HTTPTransport, Sendable {
    /// The most body bytes any answer may have, whatever a request allows; nil for the
    /// request's own limit alone.
    public let maximumResponseBytes: Int?

    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    /// A transport.
    ///
    /// - Parameter maximumResponseBytes: a cap on every answer's body, over each request's
    ///   own (`TransportRequest.maximumResponseBytes`).
    public init(maximumResponseBytes: Int? = nil) {
        self.maximumResponseBytes = maximumResponseBytes.map { max(1, $0) }
        _ = CurlTransport.initialised
    }

    /// Sends the request; any status is an answer, a 3xx included.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let transfer = CurlTransfer(request, limit: max(1, min(request.maximumResponseBytes, maximumResponseBytes ?? .max)))
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.start(continuation)
                // Cancelled before the transfer started: `onCancel` may have run first.
                if Task.isCancelled { transfer.cancel() }
            }
        } onCancel: {
            transfer.cancel()
        }
    }
}

/// One request on its own thread: answers its caller exactly once, whichever comes first of
/// the answer, a failure and a cancellation.
final class CurlTransfer: @unchecked Sendable {
    private let request: TransportRequest
    private let limit: Int
    private let name: String
    private let lock = NSLock()
    private var continuation: CheckedContinuation<TransportResponse, any Error>?
    private var finished = false
    private var aborted = false
    // Filled by libcurl's callbacks on the transfer's thread only.
    private var body: [UInt8] = []
    private var headers: [String: String] = [:]
    private var overflow = false

    init(_ request: TransportRequest, limit: Int) {
        self.request = request
        self.limit = limit
        self.name = "\(request.method) \(request.url.host ?? "?")"
    }

    func start(_ continuation: CheckedContinuation<TransportResponse, any Error>) {
        let ended = lock.withLock { () -> Bool in
            if finished { return true }
            self.continuation = continuation
            return false
        }
        if ended {
            continuation.resume(throwing: CancellationError())
            return
        }
        let thread = Thread { [self] in perform() }
        thread.name = "momentum-http"
        thread.start()
    }

    /// Ends the caller's wait now; the transfer stops at libcurl's next progress call.
    func cancel() {
        lock.withLock { aborted = true }
        finish(.failure(CancellationError()))
    }

    var isAborted: Bool { lock.withLock { aborted } }

    private func finish(_ result: Result<TransportResponse, any Error>) {
        let waiting = lock.withLock { () -> CheckedContinuation<TransportResponse, any Error>? in
            guard !finished else { return nil }
            finished = true
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: result)
    }

    // MARK: The transfer (its own thread)

    private func perform() {
        guard let handle = curl_easy_init() else {
            finish(.failure(TransportError("\(name): libcurl could not start a transfer")))
            return
        }
        defer { curl_easy_cleanup(handle) }
        var fields: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(fields) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        let url = strdup(request.url.absoluteString)
        defer { free(url) }
        let method = strdup(request.method)
        defer { free(method) }
        let payload = request.body ?? []

        _ = momentum_curl_set_pointer(handle, CURLOPT_URL, url)
        _ = momentum_curl_set_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = momentum_curl_set_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        // Whatever the server does, the whole exchange ends by the deadline; a server that sends
        // nothing for `timeout` is abandoned before that.
        let deadline = max(1, Int(min(request.deadline.secondsValue, 1e6) * 1000))
        let idle = max(1, Int(min(request.timeout.secondsValue, 1e6).rounded(.up)))
        _ = momentum_curl_set_long(handle, CURLOPT_TIMEOUT_MS, deadline)
        _ = momentum_curl_set_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(deadline, idle * 1000))
        _ = momentum_curl_set_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = momentum_curl_set_long(handle, CURLOPT_LOW_SPEED_TIME, idle)
        if request.method == "HEAD" {
            _ = momentum_curl_set_long(handle, CURLOPT_NOBODY, 1)
        } else if request.method != "GET" || !payload.isEmpty {
            _ = momentum_curl_set_pointer(handle, CURLOPT_CUSTOMREQUEST, method)
        }
        for field in request.headers where field.name.lowercased() != "expect" {
            fields = curl_slist_append(fields, "\(field.name): \(field.value)")
        }
        // No `Expect: 100-continue` (libcurl would wait for it before sending a body), and no
        // form content type libcurl would add to a body sent without one (S3 would store it).
        fields = curl_slist_append(fields, "Expect:")
        if request.header("Content-Type") == nil { fields = curl_slist_append(fields, "Content-Type:") }
        _ = momentum_curl_set_pointer(handle, CURLOPT_HTTPHEADER, fields)

        _ = momentum_curl_set_data_callback(handle, CURLOPT_WRITEFUNCTION, curlWrite)
        _ = momentum_curl_set_pointer(handle, CURLOPT_WRITEDATA, context)
        _ = momentum_curl_set_data_callback(handle, CURLOPT_HEADERFUNCTION, curlHeader)
        _ = momentum_curl_set_pointer(handle, CURLOPT_HEADERDATA, context)
        _ = momentum_curl_set_long(handle, CURLOPT_NOPROGRESS, 0)
        _ = momentum_curl_set_progress_callback(handle, curlProgress)
        _ = momentum_curl_set_pointer(handle, CURLOPT_XFERINFODATA, context)

        let code: CURLcode = payload.withUnsafeBufferPointer { bytes in
            if !payload.isEmpty || request.method == "PUT" || request.method == "POST" {
                _ = momentum_curl_set_offset(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
                _ = momentum_curl_set_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress ?? UnsafePointer(bitPattern: 1))
            }
            return curl_easy_perform(handle)
        }
        if isAborted { return }
        if overflow {
            finish(.failure(TransportError("\(name): the answer is larger than the \(limit) bytes this request accepts")))
            return
        }
        guard code == CURLE_OK else {
            let reason: String
            switch code {
            case CURLE_OPERATION_TIMEDOUT:
                reason = "no complete answer within the \(Duration.describe(seconds: request.deadline.secondsValue)) deadline, or nothing for \(idle) s"
            default:
                reason = String(cString: curl_easy_strerror(code))
            }
            finish(.failure(TransportError("\(name): \(reason)")))
            return
        }
        let status = momentum_curl_response_code(handle)
        finish(.success(TransportResponse(status: Int(status), headers: headers, body: body)))
    }

    /// Body bytes: kept up to the limit; beyond it the transfer stops.
    fileprivate func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limit else {
            overflow = true
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// A header line; a status line starts a new set (a `100 Continue` before the answer).
    fileprivate func headerLine(_ line: String) -> Bool {
        if line.hasPrefix("HTTP/") {
            headers = [:]
            return true
        }
        guard let colon = line.firstIndex(of: ":") else { return true }
        let field = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
        headers[field] = headers[field].map { "\($0), \(value)" } ?? value
        if field == "content-length", request.method != "HEAD", let announced = Int(value), announced > limit {
            overflow = true
            return false
        }
        return true
    }
}

private let curlWrite: momentum_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    return transfer.received(UnsafeRawBufferPointer(start: data, count: length)) ? length : 0
}

private let curlHeader: momentum_curl_data_callback = { data, size, count, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let length = size * count
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    return transfer.headerLine(line) ? length : 0
}

private let curlProgress: momentum_curl_progress_callback = { context, _, _, _, _ in
    guard let context else { return 1 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().isAborted ? 1 : 0
}
