// The words of an alert, once for every destination: a title for a message and a sentence per
// alert. Destinations differ only in how they mark them up.

import Foundation
import MomentumAnalytics
import MomentumText

/// Sentences for alerts and batches.
public enum AlertText {
    /// The message's title: the alert's headline, or the digest's count and period.
    public static func title(of batch: AlertBatch) -> String {
        if batch.digest == .none, let alert = batch.alerts.first { return "\(alert.artistName): \(headline(of: alert))" }
        let artists = Set(batch.alerts.map(\.artistID)).count
        var text = "Momentum: \(batch.alerts.count) alert\(batch.alerts.count == 1 ? "" : "s") for \(artists) artist\(artists == 1 ? "" : "s") (\(batch.ruleID))"
        if let period = batch.period {
            text += period.lowerBound == period.upperBound ? ", \(period.lowerBound)" : ", \(period.lowerBound) to \(period.upperBound)"
        }
        return text
    }

    /// What happened, without the artist's name.
    public static func headline(of alert: Alert) -> String {
        let facts = alert.facts
        let series = alert.series.map(\.name) ?? ""
        switch alert.kind {
        case .newRelease:
            return "new \(facts.albumType ?? "release") “\(facts.albumNames ?? "")” (released \(facts.releaseDate ?? "?")), found on \(alert.day)"
        case .spike, .drop:
            let adds = facts.addsPerDay.map { signed(Int64($0.rounded())) } ?? "?"
            return "\(alert.kind == .spike ? "spike" : "drop") on \(series): \(adds) a day, robust z \(decimal(facts.robustZ, places: 1)) on \(alert.day)"
        case .growth:
            let window = facts.growthWindow == .growth28d ? "28" : "7"
            return "\(series) grew \(percent(facts.growth)) in \(window) days (threshold \(percent(facts.threshold))) to \(facts.count.map(grouped) ?? "?") on \(alert.day)"
        case .leaderboard:
            let top = facts.top ?? 0
            if facts.entered == true { return "entered the top \(top) at rank \(facts.rank.map(String.init) ?? "?") on \(alert.day)" }
            return "left the top \(top)\(facts.rank.map { " (now rank \($0))" } ?? " (no longer ranked)") on \(alert.day)"
        case .milestone:
            return "reached \(facts.milestone.map(grouped) ?? "?") on \(series) (\(facts.count.map(grouped) ?? "?")) on \(alert.day)"
        case .releaseImpact:
            let albums = facts.albumNames.map { "“\($0)”" } ?? "the release"
            return "\(albums) of \(facts.eventDay.map(\.isoString) ?? "?") moved \(series): CAR \(signedDecimal(facts.car)), uplift \(facts.uplift.map { percent($0, signed: true) } ?? "n/a"), t \(decimal(facts.tStat, places: 1)), window closed on \(alert.day)"
        }
    }

    /// The alert as one line: the artist, then what happened.
    public static func line(of alert: Alert) -> String { "\(alert.artistName): \(headline(of: alert))" }

    /// The batch as plain text (SNS e-mail, standard output): the title, a line per alert, the link.
    public static func plain(_ batch: AlertBatch, dashboardURL: String?) -> String {
        var lines = [title(of: batch), ""]
        for group in batch.byArtist {
            lines.append(group.artistName)
            lines += group.alerts.map { "  - " + headline(of: $0) }
        }
        if let dashboardURL { lines += ["", "Dashboard: \(dashboardURL)"] }
        return lines.joined(separator: "\n") + "\n"
    }

    /// At most `limit` characters, an ellipsis marking a cut (each receiver has its limits).
    static func clipped(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    // MARK: Numbers

    static func grouped(_ value: Int64) -> String { GroupedNumber.text(value) }

    static func signed(_ value: Int64) -> String { (value >= 0 ? "+" : "") + grouped(value) }

    static func decimal(_ value: Double?, places: Int) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.\(places)f", value)
    }

    static func signedDecimal(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%+.3f", value)
    }

    static func percent(_ value: Double?, signed: Bool = false) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: signed ? "%+.1f %%" : "%.1f %%", value * 100)
    }
}
