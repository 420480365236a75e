// A Slack incoming-webhook message: `text` (the notification and the fallback) and Block Kit
// `blocks`, within Slack's limits (50 blocks, 150 characters in a header, 3,000 in a section).
// Names are escaped for mrkdwn (`&`, `<`, `>`), so no artist name makes a link or a mention.

import Foundation
import MomentumText

/// Slack's message for a batch.
public enum SlackMessage {
    static let maximumSections = 45

    /// The JSON body.
    public static func body(for batch: AlertBatch, dashboardURL: String?) -> [UInt8] {
        let title = AlertText.title(of: batch)
        var blocks: [[String: Any]] = [["type": "header", "text": ["type": "plain_text", "text": AlertText.clipped(title, 150)]]]
        let groups = batch.byArtist
        for group in groups.prefix(maximumSections) {
            let lines = group.alerts.map { "• " + escaped(AlertText.headline(of: $0)) }
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": AlertText.clipped("*\(escaped(group.artistName))*\n" + lines.joined(separator: "\n"), 3_000)]])
        }
        var footer: [String] = []
        if groups.count > maximumSections { footer.append("and \(groups.count - maximumSections) more artists") }
        if let dashboardURL { footer.append("<\(escaped(dashboardURL))|Open the dashboard>") }
        if !footer.isEmpty { blocks.append(["type": "context", "elements": [["type": "mrkdwn", "text": footer.joined(separator: " · ")]]]) }
        return AlertJSON.bytes(["text": AlertText.clipped(escaped(title), 3_000), "blocks": blocks])
    }

    /// mrkdwn's three escapes (`&`, `<`, `>`); control characters but tab and newline dropped.
    static func escaped(_ text: String) -> String {
        MarkupText.escaped(text, controls: .drop, quotes: false)
    }

}
