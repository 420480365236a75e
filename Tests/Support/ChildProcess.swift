// The one way tests run another program: `momentum`, the Python checkers, a served simulator.
// Nothing here blocks a thread of Swift's cooperative pool: each pipe is drained by a thread of
// its own (not Dispatch's global queue, whose few workers many long-lived servers' blocking
// reads would starve), the exit arrives through `terminationHandler`, and an `await` only parks
// a continuation. A test task that is cancelled kills the program it waits for.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// A running program whose output is collected as it arrives.
public final class ChildProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var stdout = Data()
    private var stderr = Data()
    private var openStreams = 2
    private var exitStatus: Int32?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Starts `program` (a path, or a name looked up on `PATH`), its standard input empty.
    /// `captureStderr: false` sends the program's standard error to /dev/null.
    public init(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: URL? = nil, captureStderr: Bool = true) throws {
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        if let environment { process.environment = environment }
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        process.standardOutput = out
        var err: Pipe?
        if captureStderr {
            err = Pipe()
            process.standardError = err
        } else {
            process.standardError = FileHandle.nullDevice
            openStreams = 1
        }
        process.terminationHandler = { [weak self] finished in
            self?.update { $0.exitStatus = finished.terminationStatus }
        }
        try process.run()
        drain(out.fileHandleForReading, isStandardError: false)
        if let err { drain(err.fileHandleForReading, isStandardError: true) }
    }

    /// Waits for the program to exit and both its streams to close.
    public func result() async -> ProcessResult {
        await withTaskCancellationHandler {
            await until { $0.exitStatus != nil && $0.openStreams == 0 }
        } onCancel: {
            self.signal(SIGKILL)
        }
        return lock.withLock {
            ProcessResult(status: exitStatus ?? -1, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
        }
    }

    /// The standard output up to and including its first line that contains `marker`; throws
    /// when the program exits or `timeout` passes first.
    public func line(containing marker: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [weak self] in self?.update { _ in } }
        func found(_ child: ChildProcess) -> String? {
            String(decoding: child.stdout, as: UTF8.self).split(separator: "\n").first { $0.contains(marker) }.map(String.init)
        }
        await withTaskCancellationHandler {
            await until { found($0) != nil || $0.openStreams == 0 || ContinuousClock.now >= deadline }
        } onCancel: {
            self.signal(SIGKILL)
        }
        if let line = lock.withLock({ found(self) }) { return line }
        let output = lock.withLock { String(decoding: stdout + stderr, as: UTF8.self) }
        throw TestSetupError("\(process.executableURL?.lastPathComponent ?? "program") printed no line with '\(marker)' within \(timeout): \(output)")
    }

    /// Sends `signal` while the program runs.
    public func signal(_ signal: Int32) {
        lock.withLock {
            if exitStatus == nil { kill(process.processIdentifier, signal) }
        }
    }

    private func drain(_ handle: FileHandle, isStandardError: Bool) {
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                update { child in
                    if isStandardError { child.stderr.append(chunk) } else { child.stdout.append(chunk) }
                }
            }
            update { $0.openStreams -= 1 }
        }.start()
    }

    /// Changes the state under the lock and wakes every waiter to look again.
    private func update(_ change: (ChildProcess) -> Void) {
        let woken: [CheckedContinuation<Void, Never>] = lock.withLock {
            change(self)
            defer { waiters = [] }
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Parks until `condition` holds (it is checked under the lock after every change).
    private func until(_ condition: @escaping (ChildProcess) -> Bool) async {
        while !lock.withLock({ condition(self) }) {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let holds = lock.withLock {
                    if condition(self) { return true }
                    waiters.append(continuation)
                    return false
                }
                if holds { continuation.resume() }
            }
        }
    }
}

/// Runs a program to completion, capturing its output, without blocking a thread.
public func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: URL? = nil) async throws -> ProcessResult {
    try await ChildProcess(program, arguments, environment: environment, currentDirectory: currentDirectory).result()
}

/// The test's own environment without what would point `momentum` at the lake, configuration,
/// Spotify app or terminal width of the person running the tests, plus `extra`.
public func momentumEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for name in ["MOMENTUM_LAKE", "MOMENTUM_CONFIG", "COLUMNS", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_SECRET_ARN", "LASTFM_API_KEY"] {
        environment[name] = nil
    }
    // No test reaches a public host: the audience sources (Deezer is on by default) point at a
    // closed port on loopback unless a test points them at a simulator.
    environment["DEEZER_API_URL"] = "http://127.0.0.1:9/deezer"
    environment["LASTFM_API_URL"] = "http://127.0.0.1:9/lastfm/2.0"
    environment["MUSICBRAINZ_API_URL"] = "http://127.0.0.1:9/musicbrainz"
    for (name, value) in extra { environment[name] = value }
    return environment
}

/// Runs the built `momentum` as a user would, in `folder`, with `momentumEnvironment(extra)`.
public func momentum(_ arguments: [String], in folder: URL? = nil, environment extra: [String: String] = [:]) async throws -> ProcessResult {
    try await run(Repository.momentumBinary().path, arguments, environment: momentumEnvironment(extra), currentDirectory: folder)
}
