// Shared by the test targets: where the repository, the shared reference material and the
// built `momentum` binary are, and how to run the outside tools (Python with pyarrow, DuckDB)
// that check our output independently.

import Foundation

public enum Repository {
    /// The package root (two levels above this file).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file of `../shared/reference/`, the outside material the project is tested against.
    /// Throws, loudly, when the folder is missing: a missing reference is a failure, not a skip.
    public static func reference(_ relativePath: String) throws -> URL {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/reference/\(relativePath)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestSetupError("reference material \(url.path) is missing: the tests need ../shared/reference beside the repository")
        }
        return url
    }

    /// The `momentum` executable built with the tests (it sits beside the test bundle).
    public static func momentumBinary() throws -> URL {
        var candidates: [URL] = []
        if let bundle = Bundle.allBundles.first(where: { $0.bundlePath.hasSuffix(".xctest") }) {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("momentum"))
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(executable.deletingLastPathComponent().appendingPathComponent("momentum"))
        candidates.append(root.appendingPathComponent(".build/debug/momentum"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw TestSetupError("the momentum executable was not built (looked at \(candidates.map(\.path))); run `swift build` first")
        }
        return found
    }

    /// A new empty folder under the system temporary directory.
    public static func temporaryFolder(_ label: String = "momentum-tests") throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// The tools outside Swift that check our files. They are switched on by
/// `MOMENTUM_OUTSIDE_TOOLS=1` (scripts/test sets it); when on, a missing tool fails the test.
public enum OutsideTools {
    public static var enabled: Bool { ProcessInfo.processInfo.environment["MOMENTUM_OUTSIDE_TOOLS"] == "1" }

    /// The Python with pyarrow, DuckDB and sqlglot (`MOMENTUM_PYTHON`, else `python3`).
    public static var python: String { ProcessInfo.processInfo.environment["MOMENTUM_PYTHON"] ?? "python3" }

    /// Runs a script of `scripts/lib/` with that Python.
    public static func runScript(_ name: String, _ arguments: [String]) throws -> ProcessResult {
        try run(python, [Repository.root.appendingPathComponent("scripts/lib/\(name)").path] + arguments)
    }
}

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

/// Runs a program to completion, capturing its output.
public func run(_ program: String, _ arguments: [String], environment: [String: String]? = nil,
                currentDirectory: URL? = nil) throws -> ProcessResult {
    let process = Process()
    if program.contains("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    if let environment { process.environment = environment }
    if let currentDirectory { process.currentDirectoryURL = currentDirectory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes while the process runs, so a full pipe cannot block it.
    let outData = LockedData(), errData = LockedData()
    let group = DispatchGroup()
    for (pipe, sink) in [(out, outData), (err, errData)] {
        group.enter()
        DispatchQueue.global().async {
            sink.set(pipe.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
    }
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData.get(), as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self))
}

private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.lock(); data = value; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
