// A fake Lambda Runtime API (Tests/Tools/fake_lambda_runtime.py) handing out events to
// `momentum lambda`, and what the runtime posted back.

import Foundation
import MomentumTestSupport

/// The fake Runtime API, serving `events`; what the runtime posted is in `log`.
final class FakeRuntime: Sendable {
    let child: ChildProcess
    let address: String
    let log: URL

    init(events: [[String: Any]], in folder: URL) async throws {
        let queue = folder.appendingPathComponent("events.json")
        try JSONSerialization.data(withJSONObject: events).write(to: queue)
        log = folder.appendingPathComponent("runtime-log.jsonl")
        child = try ChildProcess(OutsideTools.python, [OutsideTools.tool("fake_lambda_runtime.py"), queue.path, log.path],
                                 captureStderr: false)
        let line = try await child.line(containing: "listening on ", timeout: .seconds(20))
        guard let match = line.firstRange(of: "listening on ") else { throw TestSetupError("the fake runtime did not start: \(line)") }
        address = String(line[match.upperBound...])
    }

    /// Every post, in order.
    func posts() throws -> [[String: Any]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
    }

    deinit {
        child.signal(SIGTERM)
    }
}

extension FakeRuntime {
    /// Runs `momentum lambda` until the fake runtime has nothing more to hand out.
    func serve(environment extra: [String: String]) async throws -> ProcessResult {
        var variables = ["AWS_LAMBDA_RUNTIME_API": address]
        for (name, value) in extra { variables[name] = value }
        return try await momentum(["lambda"], environment: variables)
    }
}
