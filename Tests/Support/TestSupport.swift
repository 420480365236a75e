// Shared by the test targets: where the repository, the vendored reference material and the
// built `momentum` binary are, and how to run the outside tools (Python with pyarrow, DuckDB)
// that check our output independently.

import Foundation

public enum Repository {
    /// The package root (two levels above this file).
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A file of `Tests/Reference/`, the outside material the project is tested against, vendored
    /// with its licences. Throws, loudly, when it is missing: a missing reference is a failure, not a skip.
    public static func reference(_ relativePath: String) throws -> URL {
        let url = root.appendingPathComponent("Tests/Reference/\(relativePath)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw TestSetupError("reference material \(url.path) is missing (Tests/Reference is part of the repository)")
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

/// The tools outside Swift that check our files (tests tagged `.outsideTools`).
public enum OutsideTools {
    /// The Python with pyarrow, DuckDB and sqlglot that scripts/test installs (`MOMENTUM_PYTHON`).
    public static var python: String {
        get throws { try Services.variable("MOMENTUM_PYTHON", for: "the Python checkers") }
    }

    /// A script of `Tests/Tools/`, where the independent checkers live.
    public static func tool(_ name: String) -> String {
        Repository.root.appendingPathComponent("Tests/Tools/\(name)").path
    }

    /// Runs a script of `Tests/Tools/` with that Python.
    public static func runScript(_ name: String, _ arguments: [String]) async throws -> ProcessResult {
        try await run(python, [tool(name)] + arguments)
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
