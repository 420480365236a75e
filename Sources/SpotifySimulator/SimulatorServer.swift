// Serves a SpotifySimulator over HTTP/1.1 on 127.0.0.1, so that real clients (URLSession,
// curl, other languages) can be pointed at it: the token endpoint at /api/token and the API
// under /v1 on the same port. One thread per connection, one request per connection. It is a
// test server that must survive hostile clients: connections are capped, each request must
// arrive whole within a deadline (a slowloris is cut off), bodies are capped, and a failing
// `accept` (out of file descriptors) pauses instead of stopping the server.

import Foundation
import SpotifyKit
import MomentumHTTP
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The simulator served over HTTP/1.1 on 127.0.0.1, for clients that need a real socket.
public final class SimulatorServer: @unchecked Sendable {
    /// The simulator it serves.
    public let simulator: SpotifySimulator
    /// The port it listens on, once started.
    public private(set) var port: Int = 0
    private var listener: Int32 = -1
    private let lock = NSLock()
    private var running = false
    private var connections = 0
    /// Connections served at once; more are answered 503 and closed.
    public var maximumConnections = 256
    /// Seconds a client has to send a whole request.
    public var requestDeadline: Double = 10
    /// The largest request body accepted.
    public var maximumBodyBytes = 1 << 20

    /// A server for a simulator; `start(port:)` listens.
    public init(simulator: SpotifySimulator) {
        self.simulator = simulator
    }

    /// Binds 127.0.0.1:`port` (0 picks a free port) and starts answering. Returns the port.
    @discardableResult
    public func start(port requested: Int = 0) throws -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw TransportError("cannot open a socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(requested).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw TransportError("cannot listen on 127.0.0.1:\(requested): \(reason)")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        lock.withLock {
            listener = fd
            running = true
            port = Int(UInt16(bigEndian: actual.sin_port))
        }
        let thread = Thread { [weak self] in self?.acceptLoop(fd) }
        thread.name = "simulator-accept"
        thread.start()
        return port
    }

    /// Stops accepting connections.
    public func stop() {
        let fd: Int32 = lock.withLock {
            running = false
            defer { listener = -1 }
            return listener
        }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private func acceptLoop(_ fd: Int32) {
        while lock.withLock({ running }) {
            let client = accept(fd, nil, nil)
            guard client >= 0 else {
                // EMFILE, ENFILE, ECONNABORTED...: wait a little and go on; only stop() ends the loop.
                if errno != EINTR { Thread.sleep(forTimeInterval: 0.05) }
                continue
            }
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // Each recv waits at most a second, so the request deadline is checked often.
            var timeout = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let admitted = lock.withLock { () -> Bool in
                guard connections < maximumConnections else { return false }
                connections += 1
                return true
            }
            guard admitted else {
                writeAll(client, Array("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8))
                close(client)
                continue
            }
            let thread = Thread { [weak self] in
                self?.serve(client)
                close(client)
                self?.lock.withLock { self?.connections -= 1 }
            }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        let request: TransportRequest
        switch readRequest(client) {
        case .request(let read): request = read
        case .tooLarge:
            writeAll(client, Array("HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".utf8))
            return
        case .none: return
        }
        let arrived = ContinuousClock.now
        let outcome = simulator.handle(request)
        // The answer leaves `delay` after the request arrived: the work above is part of it.
        let wait = arrived + outcome.delay - ContinuousClock.now
        if wait > .zero {
            Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
        }
        let response = outcome.response
        if outcome.fault == .dropConnection { return }
        var head = "HTTP/1.1 \(response.status) \(SimulatorServer.reason(response.status))\r\n"
        for (name, value) in response.headers.sorted(by: { $0.key < $1.key }) where name != "content-length" && name != "connection" {
            head += "\(name): \(value)\r\n"
        }
        head += "content-length: \(response.body.count)\r\nconnection: close\r\n\r\n"
        var bytes = Array(head.utf8)
        if outcome.fault == .truncateBody {
            bytes += response.body.prefix(response.body.count / 2)
        } else {
            bytes += response.body
        }
        writeAll(client, bytes)
        if outcome.fault == .truncateBody {
            // Reset rather than close cleanly, so the client sees the answer was cut short.
            var reset = linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        }
    }

    private enum ReadOutcome {
        case request(TransportRequest)
        case tooLarge
        case none
    }

    /// One chunk from the client, or nil when it closed, failed, or the deadline passed.
    private func receive(_ client: Int32, into chunk: inout [UInt8], before deadline: Date) -> Int? {
        while Date() < deadline {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n > 0 { return n }
            if n < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { continue }
            return nil
        }
        return nil
    }

    private func readRequest(_ client: Int32) -> ReadOutcome {
        let deadline = Date().addingTimeInterval(requestDeadline)
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var headerEnd: Int?
        var searched = 0
        while headerEnd == nil {
            guard let n = receive(client, into: &chunk, before: deadline) else { return .none }
            buffer += chunk[0..<n]
            headerEnd = SimulatorServer.find([13, 10, 13, 10], in: buffer, from: max(0, searched - 3))
            searched = buffer.count
            if headerEnd == nil, buffer.count > 64 << 10 { return .tooLarge }
        }
        guard let end = headerEnd else { return .none }
        let head = String(decoding: buffer[0..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return .none }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let lengthText = headers.first { $0.key.lowercased() == "content-length" }?.value
        let length = lengthText.map { Int($0) ?? -1 } ?? 0
        guard length >= 0 else { return .none }
        guard length <= maximumBodyBytes else { return .tooLarge }
        var body = Array(buffer[(end + 4)...])
        while body.count < length {
            guard let n = receive(client, into: &chunk, before: deadline) else { return .none }
            body += chunk[0..<n]
        }
        guard let url = URL(string: "http://127.0.0.1:\(port)\(requestLine[1])") else { return .none }
        return .request(TransportRequest(method: String(requestLine[0]), url: url, headers: HTTPHeaders(headers), body: length > 0 ? Array(body.prefix(length)) : nil))
    }

    private func writeAll(_ client: Int32, _ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            sent += n
        }
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}
