// One alert: something a rule saw happen to an artist on a day, with the figures that say how
// much, and an id that stays the same however often it is evaluated (the rule, the kind, the
// artist, the series and the day or event): receivers and the delivery record key on it.

import Crypto
import MomentumAnalytics
import MomentumText

/// An event a rule fired for.
public struct Alert: Sendable, Hashable {
    /// The rule that fired.
    public var ruleID: String
    /// What it is.
    public var kind: AlertKind
    /// The Spotify artist id.
    public var artistID: String
    /// The artist's name as the tables hold it.
    public var artistName: String
    /// The series it happened on; nil for a new release and the leaderboard.
    public var series: AudienceSeries?
    /// The day it happened (for `release_impact`, the day the event window closed).
    public var day: Day
    /// What makes it one event of its rule: the series, day, album or milestone.
    public var key: String
    /// The figures, by kind.
    public var facts: Facts

    /// The figures of an alert; each kind fills its own.
    public struct Facts: Sendable, Hashable {
        /// `spike`/`drop`: the day's robust z.
        public var robustZ: Double?
        /// `spike`/`drop`: the day's adds.
        public var addsPerDay: Double?
        /// `growth`: the growth column the rule reads.
        public var growthWindow: AlertRule.GrowthWindow?
        /// `growth`: the growth column's value on the day.
        public var growth: Double?
        /// `growth`: the rule's threshold.
        public var threshold: Double?
        /// `leaderboard`: true when the artist entered the top, false when it left.
        public var entered: Bool?
        /// `leaderboard`: the artist's rank on the day; nil when it is no longer ranked.
        public var rank: Int?
        /// `leaderboard`: the artist's momentum score on the day.
        public var momentumScore: Double?
        /// `leaderboard`: the size of the top.
        public var top: Int?
        /// `milestone`: the round number and the count that reached it.
        public var milestone: Int64?
        /// The series' count on the day (`milestone`, `spike`, `drop`, `growth`).
        public var count: Int64?
        /// `release_impact`: the event's day.
        public var eventDay: Day?
        /// `release_impact`: the event's t statistic.
        public var tStat: Double?
        /// `release_impact`: the cumulative abnormal log growth.
        public var car: Double?
        /// `release_impact`: the uplift of daily adds.
        public var uplift: Double?
        /// `new_release` and `release_impact`: the release's id (ids joined by `,` for an event).
        public var albumIDs: String?
        /// The release's name (names joined by ` | ` for an event).
        public var albumNames: String?
        /// `new_release`: `album`, `single` or `compilation`.
        public var albumType: String?
        /// `new_release`: the release date as Spotify gives it.
        public var releaseDate: String?

        /// No figures yet.
        public init() {}
    }

    /// An alert from its parts.
    public init(ruleID: String, kind: AlertKind, artistID: String, artistName: String, series: AudienceSeries?, day: Day, key: String, facts: Facts) {
        self.ruleID = ruleID
        self.kind = kind
        self.artistID = artistID
        self.artistName = artistName
        self.series = series
        self.day = day
        self.key = key
        self.facts = facts
    }

    /// The stable id, sent as `webhook-id`: `alert_` and 32 hexadecimal digits of the SHA-256
    /// of the rule, kind, artist and key.
    public var id: String { "alert_" + Alert.digest("\(ruleID)\n\(kind.rawValue)\n\(artistID)\n\(key)") }

    /// How much it matters within its kind (larger first in a digest).
    public var magnitude: Double {
        switch kind {
        case .spike, .drop: abs(facts.robustZ ?? 0)
        case .growth: facts.growth ?? 0
        case .leaderboard: -Double(facts.rank ?? (facts.top ?? 0) + 1)
        case .milestone: Double(facts.milestone ?? 0)
        case .releaseImpact: facts.tStat ?? 0
        case .newRelease: 0
        }
    }

    /// Digest order: kind, then magnitude, then day, artist and key.
    public static func moreImportant(_ lhs: Alert, _ rhs: Alert) -> Bool {
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        if lhs.magnitude != rhs.magnitude { return lhs.magnitude > rhs.magnitude }
        if lhs.day != rhs.day { return lhs.day > rhs.day }
        if lhs.artistID != rhs.artistID { return UTF8Order.less(lhs.artistID, rhs.artistID) }
        return UTF8Order.less(lhs.key, rhs.key)
    }

    /// 32 hexadecimal digits of the SHA-256 of `text`.
    static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).prefix(16).map { String($0, radix: 16).leftPadded }.joined()
    }
}

extension String {
    /// Two hexadecimal digits.
    fileprivate var leftPadded: String { count < 2 ? "0" + self : self }
}
