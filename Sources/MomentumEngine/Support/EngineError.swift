// The engine's own errors: a message a user can act on, and whether input or data is wrong.

/// An error of the engine, with a message a user can act on.
package struct EngineError: Error, CustomStringConvertible, Sendable {
    private enum Code: Sendable { case noData, invalidInput }
    private let code: Code
    package let message: String

    package var description: String { message }

    package static func noData(_ message: String) -> EngineError { EngineError(code: .noData, message: message) }
    package static func invalidInput(_ message: String) -> EngineError { EngineError(code: .invalidInput, message: message) }
}
