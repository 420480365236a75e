// A small HTTP/1.1 server on 127.0.0.1 for tests that need a real socket: it records what
// arrives (so a test can prove a header never reached it) and answers as scripted, including
// answers that trickle one byte at a time.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public final class ScriptedHTTPServer: @unchecked Sendable {
    public struct Received: Sendable {
        public var method: String
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        /// When the request had fully arrived, by the server's own clock reading.
        public var at: ContinuousClock.Instant
    }

    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        /// Seconds between body bytes; 0 sends the body at once.
        public var trickle: Double

        public init(status: Int, headers: [String: String] = [:], body: [UInt8] = [], trickle: Double = 0) {
            self.status = status
            self.headers = headers
            self.body = body
            self.trickle = trickle
        }
    }

    public private(set) var port: Int = 0
    private let listener: Int32
    private let lock = NSLock()
    private var received: [Received] = []
    private var abandoned: [ContinuousClock.Instant] = []
    private var stopped = false
    private let answer: @Sendable (Received) -> Answer

    public init(_ answer: @escaping @Sendable (Received) -> Answer) throws {
        self.answer = answer
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw TestSetupError("cannot listen on 127.0.0.1") }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: actual.sin_port))
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }
    public var requests: [Received] { lock.withLock { received } }
    /// When clients went away before their answer was sent, as the server's own threads saw it
    /// (a test's clock reading can be late when the cooperative pool is busy; these are not).
    public var abandonedAnswers: [ContinuousClock.Instant] { lock.withLock { abandoned } }

    public func stop() {
        lock.withLock { stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !lock.withLock({ stopped }) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let thread = Thread { [self] in
                serve(client)
                close(client)
            }
            thread.start()
        }
    }

    private func serve(_ client: Int32) {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while !buffer.containsHeaderEnd {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard n > 0, buffer.count < 1 << 20 else { return }
            buffer += chunk[0..<n]
        }
        let head = String(decoding: buffer, as: UTF8.self).components(separatedBy: "\r\n\r\n")[0]
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = Received(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, at: .now)
        lock.withLock { received.append(request) }
        let reply = answer(request)
        var text = "HTTP/1.1 \(reply.status) Scripted\r\n"
        for (name, value) in reply.headers { text += "\(name): \(value)\r\n" }
        text += "content-length: \(reply.body.count)\r\nconnection: close\r\n\r\n"
        guard send(client, Array(text.utf8)) else { return }
        if reply.trickle > 0 {
            for byte in reply.body {
                guard !lock.withLock({ stopped }) else { return }
                guard send(client, [byte]) else {
                    lock.withLock { abandoned.append(ContinuousClock.now) }
                    return
                }
                Thread.sleep(forTimeInterval: reply.trickle)
            }
        } else {
            _ = send(client, reply.body)
        }
    }

    private func send(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            sent += n
        }
        return true
    }
}

private extension Array where Element == UInt8 {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return true }
        return false
    }
}
