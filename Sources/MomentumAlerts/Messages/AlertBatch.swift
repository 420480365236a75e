// What one message carries: one alert, or a digest of a rule's alerts for a run, a day or a
// week, grouped by artist with the most important first. A batch's id is stable for the same
// alerts, so that a message repeated after a kill carries the id its receiver has seen.

import MomentumAnalytics

/// The alerts of one message.
public struct AlertBatch: Sendable, Hashable {
    /// The rule whose alerts these are.
    public var ruleID: String
    /// How the rule batches: `none` for one alert a message.
    public var digest: AlertDigest
    /// The alerts, most important first, grouped by artist (the artist of the most important
    /// alert first).
    public var alerts: [Alert]
    /// The days the batch covers, for digests.
    public var period: ClosedRange<Day>?

    /// The most alerts one digest message carries; a larger digest is sent in parts (SNS takes
    /// 256 KiB, a chat message a few thousand characters).
    public static let maximumAlerts = 100

    /// The message id: the alert's for one alert; for a digest, `digest_` and a hash of its
    /// rule and alert ids.
    public var id: String {
        if digest == .none, alerts.count == 1 { return alerts[0].id }
        return "digest_" + Alert.digest(([ruleID] + alerts.map(\.id).sorted()).joined(separator: "\n"))
    }

    /// A batch from its parts; the alerts are put in digest order.
    public init(ruleID: String, digest: AlertDigest, alerts: [Alert], period: ClosedRange<Day>? = nil) {
        self.ruleID = ruleID
        self.digest = digest
        self.alerts = AlertBatch.ordered(alerts)
        self.period = period
    }

    /// The messages a rule's pending alerts make under its digest setting.
    public static func batches(for rule: AlertRule, alerts: [Alert]) -> [AlertBatch] {
        guard !alerts.isEmpty else { return [] }
        let groups: [[Alert]]
        switch rule.digest {
        case .none:
            return alerts.sorted { $0.day != $1.day ? $0.day < $1.day : Alert.moreImportant($0, $1) }
                .map { AlertBatch(ruleID: rule.id, digest: .none, alerts: [$0]) }
        case .run: groups = [alerts]
        case .day: groups = Dictionary(grouping: alerts, by: \.day).sorted { $0.key < $1.key }.map(\.value)
        case .week: groups = Dictionary(grouping: alerts, by: { weekStart(of: $0.day) }).sorted { $0.key < $1.key }.map(\.value)
        }
        return groups.flatMap { group in
            let ordered = ordered(group)
            return stride(from: 0, to: ordered.count, by: maximumAlerts).map { start in
                let part = Array(ordered[start..<min(start + maximumAlerts, ordered.count)])
                let days = part.map(\.day)
                return AlertBatch(ruleID: rule.id, digest: rule.digest, alerts: part, period: days.min().flatMap { low in days.max().map { low...$0 } })
            }
        }
    }

    /// The batch's alerts by artist, in the batch's order.
    public var byArtist: [(artistID: String, artistName: String, alerts: [Alert])] {
        var order: [String] = []
        var groups: [String: [Alert]] = [:]
        for alert in alerts {
            if groups[alert.artistID] == nil { order.append(alert.artistID) }
            groups[alert.artistID, default: []].append(alert)
        }
        return order.map { ($0, groups[$0]?.first?.artistName ?? $0, groups[$0] ?? []) }
    }

    /// The Monday of the ISO week of `day` (1970-01-01 was a Thursday).
    static func weekStart(of day: Day) -> Day {
        let weekday = Int((Int64(day.daysSinceEpoch) + 3) % 7 + 7) % 7   // 0 = Monday
        return day - weekday
    }

    static func ordered(_ alerts: [Alert]) -> [Alert] {
        let sorted = alerts.sorted(by: Alert.moreImportant)
        var rank: [String: Int] = [:]
        for (index, alert) in sorted.enumerated() where rank[alert.artistID] == nil { rank[alert.artistID] = index }
        return sorted.enumerated().sorted { lhs, rhs in
            let left = rank[lhs.element.artistID] ?? 0, right = rank[rhs.element.artistID] ?? 0
            return left != right ? left < right : lhs.offset < rhs.offset
        }.map(\.element)
    }
}
