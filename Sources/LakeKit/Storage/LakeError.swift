// Errors of LakeKit: a struct wrapping a private code, so that new cases are not API breaks.

/// An error from an object store, a codec or a file format.
public struct LakeError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidKey
        case notFound
        case io
        case compression
        case format
        case invalidArgument
        case locked
        case credentials
    }

    private let code: Code
    /// What went wrong and what to do about it.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Errors are equal when they are of the same kind, whatever their message.
    public static func == (lhs: LakeError, rhs: LakeError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// A key that is not a valid object key.
    public static func invalidKey(_ key: String, reason: String) -> LakeError {
        LakeError(.invalidKey, "invalid object key '\(key)': \(reason)")
    }
    /// No object at a key.
    public static func notFound(_ key: String, in root: String) -> LakeError {
        LakeError(.notFound, "no object '\(key)' in \(root)")
    }
    /// The storage failed.
    public static func io(_ message: String) -> LakeError { LakeError(.io, message) }
    /// Compressed data that does not decompress.
    public static func compression(_ message: String) -> LakeError { LakeError(.compression, message) }
    /// Data that is not in the expected format.
    public static func format(_ message: String) -> LakeError { LakeError(.format, message) }
    /// A caller's argument out of range.
    public static func invalidArgument(_ message: String) -> LakeError { LakeError(.invalidArgument, message) }
    /// Another writer holds the lake lock.
    public static func locked(_ message: String) -> LakeError { LakeError(.locked, message) }

    /// No usable AWS credentials (the message names every source looked at, never a secret).
    public static func credentials(_ message: String) -> LakeError { LakeError(.credentials, message) }

    /// Matches errors of the same kind, whatever their message: `error ~= LakeError.notFoundKind`.
    public static let notFoundKind = LakeError(.notFound, "")
    /// Matches invalid keys.
    public static let invalidKeyKind = LakeError(.invalidKey, "")
    /// Matches format errors.
    public static let formatKind = LakeError(.format, "")
    /// Matches compression errors.
    public static let compressionKind = LakeError(.compression, "")
    /// Matches storage failures.
    public static let ioKind = LakeError(.io, "")
    /// Matches a lake locked by another command.
    public static let lockedKind = LakeError(.locked, "")
    /// Matches a caller's argument out of range.
    public static let invalidArgumentKind = LakeError(.invalidArgument, "")
    /// Matches missing or broken AWS credentials.
    public static let credentialsKind = LakeError(.credentials, "")

    /// True when both errors are of the same kind.
    public func isKind(of other: LakeError) -> Bool { code == other.code }

    /// Lets `catch LakeError.notFoundKind` style patterns match errors of a kind.
    public static func ~= (pattern: LakeError, error: any Error) -> Bool {
        (error as? LakeError)?.code == pattern.code
    }
}
