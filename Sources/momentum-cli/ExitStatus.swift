// Exit codes of the CLI contract, and the error that carries one.

/// `0` success, `1` some items failed, `2` usage or configuration, `3` an external service,
/// `4` another run holds the lake, `5` the lake or the machine could not be read or written
/// (`cli.md` v1.1).
enum ExitStatus: Int32 {
    case success = 0
    case failed = 1
    case usage = 2
    case unavailable = 3
    case lakeBusy = 4
    case storage = 5
}

/// A failure whose exit code and message are already decided.
struct CommandFailure: Error {
    var code: ExitStatus
    var message: String

    static func usage(_ message: String) -> CommandFailure { CommandFailure(code: .usage, message: message) }
    static func partial(_ message: String) -> CommandFailure { CommandFailure(code: .failed, message: message) }
}

/// Errors from the libraries that mean the user's input or configuration is wrong.
protocol EngineErrorConvertible: Error {
    var userMessage: String { get }
}

import MomentumEngine

extension EngineError: EngineErrorConvertible {
    var userMessage: String { message }
}
