// One alert rule as `momentum.json` lists it under `alerts`: what to watch (a kind and its
// thresholds), for whom, from when, and where to say it. Decoding refuses what a rule cannot
// mean (an unknown key, a threshold of the wrong type) with a message naming the rule and field.

import MomentumAnalytics

/// A rule: a kind of event, its thresholds, its artists and its destinations.
public struct AlertRule: Sendable, Hashable {
    /// What identifies the rule when it is edited (letters, digits, `-` and `_`).
    public var id: String
    /// What the rule watches.
    public var kind: AlertKind
    /// The Spotify artist ids it watches; every artist when nil.
    public var artists: Set<String>?
    /// The series it watches (`deezer/fans`, ...); every series when nil.
    public var series: Set<AudienceSeries>?
    /// `growth`: the smallest growth that fires (0.1 is +10 %); `release_impact`: the smallest
    /// `t_stat` (default 2); `spike`/`drop`: the smallest |robust z| (default 3.5, the contract's).
    public var threshold: Double?
    /// `growth`: which growth column (`growth_7d` by default, or `growth_28d`).
    public var growthWindow: GrowthWindow
    /// `leaderboard`: the size of the top (default 10).
    public var top: Int
    /// `milestone`: the counts that fire when a series reaches them.
    public var milestones: [Int64]
    /// Fires for what happens from this day on; when nil, from the day the rule is first evaluated.
    public var since: Day?
    /// The destinations' names, as `alert_destinations` names them.
    public var destinations: [String]
    /// One message per alert, or one per run, day or week.
    public var digest: AlertDigest

    /// The growth column a `growth` rule reads.
    public enum GrowthWindow: String, Sendable, Hashable, CaseIterable {
        /// Growth over 7 days.
        case growth7d = "growth_7d"
        /// Growth over 28 days.
        case growth28d = "growth_28d"
    }

    /// The round numbers a `milestone` rule watches when it names none.
    public static let defaultMilestones: [Int64] = [10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

    /// A rule from its parts.
    public init(id: String, kind: AlertKind, artists: Set<String>? = nil, series: Set<AudienceSeries>? = nil, threshold: Double? = nil,
                growthWindow: GrowthWindow = .growth7d, top: Int = 10, milestones: [Int64] = AlertRule.defaultMilestones,
                since: Day? = nil, destinations: [String], digest: AlertDigest = .none) {
        self.id = id
        self.kind = kind
        self.artists = artists
        self.series = series
        self.threshold = threshold
        self.growthWindow = growthWindow
        self.top = top
        self.milestones = milestones.sorted()
        self.since = since
        self.destinations = destinations
        self.digest = digest
    }

    /// The threshold in force: the rule's, else the kind's default.
    public var effectiveThreshold: Double? {
        if let threshold { return threshold }
        switch kind {
        case .releaseImpact: return 2
        case .spike, .drop: return 3.5
        default: return nil
        }
    }

    /// True when the rule watches the artist.
    public func watches(artist: String) -> Bool { artists?.contains(artist) ?? true }

    /// True when the rule watches the series.
    public func watches(series candidate: AudienceSeries) -> Bool { series?.contains(candidate) ?? true }
}

/// The kinds of event a rule watches.
public enum AlertKind: String, Sendable, Hashable, CaseIterable, Comparable {
    /// A release the weekly scan found new (`is_new`).
    case newRelease = "new_release"
    /// An `artist_signals` row with `is_spike`, on any series.
    case spike
    /// An `artist_signals` row with `is_drop`.
    case drop
    /// `growth_7d` or `growth_28d` reaching a threshold.
    case growth
    /// An artist entering or leaving the top N of the leaderboard.
    case leaderboard
    /// A series reaching a round number.
    case milestone
    /// A release whose event window closed with a measurable effect.
    case releaseImpact = "release_impact"

    /// Digests list the kinds in this order: what people act on first.
    var priority: Int {
        switch self {
        case .newRelease: 0
        case .releaseImpact: 1
        case .milestone: 2
        case .spike: 3
        case .leaderboard: 4
        case .growth: 5
        case .drop: 6
        }
    }

    public static func < (lhs: AlertKind, rhs: AlertKind) -> Bool { lhs.priority < rhs.priority }
}

/// How a rule's alerts are batched.
public enum AlertDigest: String, Sendable, Hashable, CaseIterable {
    /// One message per alert.
    case none
    /// One message per run with every new alert.
    case run
    /// One message per day of the alerts.
    case day
    /// One message per ISO week (Monday to Sunday) of the alerts.
    case week
}
