// A progress bar on stderr, drawn only when stderr is a terminal and the user did not ask for
// quiet; redrawn at most ten times a second so that it costs nothing measurable.

import Foundation
import MomentumEngine

final class ProgressBar: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    static let labelWidth = EngineProgress.Phase.allCases.map(\.rawValue.count).max() ?? 0

    /// A bar for a command with these options: on a terminal, unless `--quiet`.
    static func forCommand(quiet: Bool) -> ProgressBar {
        ProgressBar(enabled: !quiet && Console.stderrIsTerminal)
    }

    func update(_ progress: EngineProgress) {
        guard enabled, progress.total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard progress.completed == progress.total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let width = 30
        let fraction = min(1, Double(progress.completed) / Double(progress.total))
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        // Padded to the longest label, never cut ("fetching from Spot").
        let label = progress.phase.rawValue.padding(toLength: ProgressBar.labelWidth, withPad: " ", startingAt: 0)
        let text = "\r\(label) \(bar) \(Int(fraction * 100))% (\(progress.completed)/\(progress.total))"
        FileHandle.standardError.write(Data((text + "\u{1B}[K").utf8))
        drawn = true
    }

    /// Removes the bar, so that the next line starts clean.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
