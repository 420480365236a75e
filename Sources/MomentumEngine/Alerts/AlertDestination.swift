// A place alerts go, as the configuration names it, with its secrets resolved by the caller:
// standard output, a Slack or Discord webhook, a signed generic webhook, or an SNS topic. The
// URL of a webhook is a credential: it is never printed, and the delivery record keeps only a
// fingerprint of it (to tell a replaced webhook from the one that answered 410).

import Foundation
import LakeKit
import MomentumAlerts

package struct AlertDestination: Sendable {
    package enum Target: Sendable {
        /// The command's output.
        case standardOutput
        case slack(URL)
        case discord(URL)
        /// A generic webhook, signed per Standard Webhooks.
        case webhook(URL, StandardWebhookSigner)
        case sns(topicARN: String, client: SNSClient)
    }

    /// The name rules use.
    package var name: String
    package var target: Target

    package init(name: String, target: Target) {
        self.name = name
        self.target = target
    }

    /// `stdout`, `slack`, `discord`, `webhook` or `sns`.
    package var type: String {
        switch target {
        case .standardOutput: "stdout"
        case .slack: "slack"
        case .discord: "discord"
        case .webhook: "webhook"
        case .sns: "sns"
        }
    }

    /// 16 hexadecimal digits of the SHA-256 of the type and address: what the record compares,
    /// never the address itself.
    var fingerprint: String {
        let address: String
        switch target {
        case .standardOutput: address = ""
        case .slack(let url), .discord(let url), .webhook(let url, _): address = url.absoluteString
        case .sns(let topic, _): address = topic
        }
        return Digest.sha256Hex(Array("\(type)\n\(address)".utf8), prefix: 8)
    }
}
