// A fake Lambda Runtime API (scripts/lib/fake_lambda_runtime.py) handing out events to
// `momentum lambda`, and what the runtime posted back.

import Foundation
import MomentumTestSupport

/// The fake Runtime API, serving `events`; what the runtime posted is in `log`.
final class FakeRuntime: @unchecked Sendable {
    let process = Process()
    let address: String
    let log: URL

    init(events: [[String: Any]], in folder: URL) throws {
        let queue = folder.appendingPathComponent("events.json")
        try JSONSerialization.data(withJSONObject: events).write(to: queue)
        log = folder.appendingPathComponent("runtime-log.jsonl")
        process.executableURL = URL(fileURLWithPath: OutsideTools.python)
        process.arguments = [Repository.root.appendingPathComponent("scripts/lib/fake_lambda_runtime.py").path, queue.path, log.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let match = line.firstRange(of: "listening on ") else {
            process.terminate()
            throw TestSetupError("the fake runtime did not start: \(line)")
        }
        address = String(line[match.upperBound...].prefix { $0 != "\n" })
    }

    /// Every post, in order.
    func posts() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }

    deinit {
        process.terminate()
        process.waitUntilExit()
    }
}

extension FakeRuntime {
    /// Runs `momentum lambda` until the fake runtime has nothing more to hand out.
    func serve(environment extra: [String: String]) throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        for name in ["MOMENTUM_LAKE", "MOMENTUM_CONFIG", "SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET", "SPOTIFY_SECRET_ARN"] { environment[name] = nil }
        environment["AWS_LAMBDA_RUNTIME_API"] = address
        for (name, value) in extra { environment[name] = value }
        return try run(Repository.momentumBinary().path, ["lambda"], environment: environment)
    }
}
