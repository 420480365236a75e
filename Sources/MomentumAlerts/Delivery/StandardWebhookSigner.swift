// Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 of `id.timestamp.body`
// keyed with the secret's bytes (the base64 after `whsec_`), sent as `webhook-signature:
// v1,<base64>` beside `webhook-id` and `webhook-timestamp` (Unix seconds). Pure: the time is
// given, so that a signature is checked against known answers.

import Crypto
import Foundation

/// Signs webhook messages with one secret.
public struct StandardWebhookSigner: Sendable, CustomStringConvertible {
    private let key: SymmetricKey

    /// A signer for a `whsec_` secret; throws ``AlertRuleError`` when the secret is not one
    /// (the message never contains it).
    public init(secret: String) throws {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), bytes.count >= 16 else {
            throw AlertRuleError("a webhook secret is whsec_ followed by the base64 of at least 16 bytes")
        }
        key = SymmetricKey(data: bytes)
    }

    /// Never the secret.
    public var description: String { "StandardWebhookSigner(secret redacted)" }

    /// `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`.
    public func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        var content = Array("\(id).\(timestamp).".utf8)
        content += body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers of a signed message.
    public func headers(id: String, timestamp: Int64, body: [UInt8]) -> [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature(id: id, timestamp: timestamp, body: body))]
    }
}
