// Where output goes: data to stdout, logs and messages to stderr.

import Foundation
import Logging

enum Console {
    static var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Colour only on a terminal and when NO_COLOR is not set.
    static var useColor: Bool {
        stderrIsTerminal && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
    }

    /// `error: <message>`, once: a message that already starts with "Error: " (as
    /// ArgumentParser's texts do) loses that prefix instead of repeating it.
    static func error(_ message: String) {
        let prefix = useColor ? "\u{1B}[31merror:\u{1B}[0m " : "error: "
        FileHandle.standardError.write(Data((prefix + withoutErrorPrefix(message) + "\n").utf8))
    }

    static func withoutErrorPrefix(_ message: String) -> String {
        var text = Substring(message)
        while let range = text.range(of: "error: ", options: [.caseInsensitive, .anchored]) {
            text = text[range.upperBound...]
        }
        return String(text)
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    nonisolated(unsafe) private static var warned = Set<String>()

    /// A warning shown once per process, however many times the condition recurs (the demo
    /// runs the daily job 180 times).
    static func warnOnce(_ message: String) {
        guard !warned.contains(message) else { return }
        warned.insert(message)
        let prefix = useColor ? "\u{1B}[33mwarning:\u{1B}[0m " : "warning: "
        FileHandle.standardError.write(Data((prefix + message + "\n").utf8))
    }

    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    // Set once, from the main task, before any work starts.
    nonisolated(unsafe) private static var loggingBootstrapped = false

    /// Log lines as JSON on stdout (for `momentum lambda`), at `level`.
    static func bootstrapLogging(_ handler: JSONLineLogHandler.Type, level: Logger.Level) {
        bootstrapOnce(level: level) { JSONLineLogHandler(label: $0) }
    }

    static func bootstrapLogging(level: Logger.Level) {
        bootstrapOnce(level: level) { StreamLogHandler.standardError(label: $0) }
    }

    private static func bootstrapOnce(level: Logger.Level, _ make: @escaping @Sendable (String) -> any LogHandler) {
        guard !loggingBootstrapped else { return }
        loggingBootstrapped = true
        LoggingSystem.bootstrap { label in
            var handler = make(label)
            handler.logLevel = level
            return handler
        }
    }
}
