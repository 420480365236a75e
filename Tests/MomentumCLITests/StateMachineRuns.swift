// The committed state machines run in moto_server's Step Functions interpreter
// (Tests/Tools/state_machine_run.py), their Lambda tasks answered with what the function
// answered when it carried the steps out.

import Foundation
import MomentumTestSupport
import Testing

/// moto's canned Lambda answers are one queue for the whole server: suites that run machines
/// at the same time would take each other's answers, so one machine runs at a time.
private actor MotoMachines {
    static let shared = MotoMachines()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}

/// Runs the definition committed at `path` in moto with `answers` as the Lambda tasks'
/// answers, in order, and `input` as the execution's input; the run as the tool prints it.
func runInMoto(_ path: String, answers: [[String: Any]], slowQueries: Bool = false, input: [String: Any] = [:]) async throws -> [String: Any] {
    await MotoMachines.shared.acquire()
    do {
        let run = try await runOneInMoto(path, answers: answers, slowQueries: slowQueries, input: input)
        await MotoMachines.shared.release()
        return run
    } catch {
        await MotoMachines.shared.release()
        throw error
    }
}

private func runOneInMoto(_ path: String, answers: [[String: Any]], slowQueries: Bool, input: [String: Any]) async throws -> [String: Any] {
    let folder = try Repository.temporaryFolder("state-machine-moto")
    defer { try? FileManager.default.removeItem(at: folder) }
    let texts = try answers.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    let file = folder.appendingPathComponent("answers.json")
    try JSONSerialization.data(withJSONObject: texts).write(to: file)
    let result = try await run(OutsideTools.python, [OutsideTools.tool("state_machine_run.py"),
                                               try AWSServers.moto, Repository.root.appendingPathComponent(path).path,
                                               file.path] + (slowQueries ? ["--slow-queries"] : [])
                                               + ["--input", String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self)])
    try #require(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
}
