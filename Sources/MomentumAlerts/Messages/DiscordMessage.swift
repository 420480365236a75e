// A Discord webhook message: `content` (at most 2,000 characters) and up to 10 embeds, one per
// artist, within Discord's limits (256 characters in a title, 4,096 in a description, 6,000 in
// all embeds together). `allowed_mentions` is empty: no artist name pings anyone.

import Foundation

/// Discord's message for a batch.
public enum DiscordMessage {
    static let maximumEmbeds = 10
    static let maximumContent = 2_000
    static let maximumEmbedCharacters = 6_000

    /// The JSON body.
    public static func body(for batch: AlertBatch, dashboardURL: String?) -> [UInt8] {
        var content = escaped(AlertText.title(of: batch))
        if let dashboardURL { content += "\n<\(dashboardURL)>" }
        let groups = batch.byArtist
        var embeds: [[String: Any]] = []
        var budget = maximumEmbedCharacters
        for (index, group) in groups.enumerated() {
            let remaining = groups.count - index
            if embeds.count == maximumEmbeds - 1, remaining > 1 {
                let rest = "and \(remaining) more artists"
                embeds.append(["title": rest, "description": "See the dashboard for every alert."])
                break
            }
            let title = AlertText.clipped(escaped(group.artistName), 256)
            let description = AlertText.clipped(group.alerts.map { "• " + escaped(AlertText.headline(of: $0)) }.joined(separator: "\n"),
                                                    min(4_096, max(1, budget - title.count - 40)))
            guard budget - title.count - description.count > 40 else { break }
            budget -= title.count + description.count
            var embed: [String: Any] = ["title": title, "description": description]
            if let dashboardURL { embed["url"] = dashboardURL }
            embeds.append(embed)
        }
        return AlertJSON.bytes(["content": AlertText.clipped(content, maximumContent), "embeds": embeds,
                                "allowed_mentions": ["parse": [String]()]])
    }

    /// Discord markdown's special characters, backslash-escaped.
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\*_~`|>".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
