// The engine's one spelling of a SHA-256 digest: lowercase hexadecimal.

import Crypto

enum Digest {
    /// The SHA-256 of `bytes` in lowercase hexadecimal; only its first `prefix` bytes when given.
    static func sha256Hex(_ bytes: [UInt8], prefix: Int = 32) -> String {
        SHA256.hash(data: bytes).prefix(prefix).map { String(format: "%02x", $0) }.joined()
    }
}
