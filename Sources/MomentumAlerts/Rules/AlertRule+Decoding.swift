// A rule read from JSON (`momentum.json`'s `alerts`), strictly: an unknown key, a value of the
// wrong type or a threshold a kind does not take is refused with the rule and field named,
// since a rule that silently means something else sends nothing, or floods.

import MomentumAnalytics

/// Why a rule cannot be read.
public struct AlertRuleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the rule and the field.
    public let description: String

    init(_ description: String) { self.description = description }
}

extension AlertRule: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The keys a rule may hold.
    public static let knownKeys = ["id", "kind", "artists", "series", "threshold", "window", "top", "milestones", "since", "destinations", "digest"]

    /// Reads a rule; throws ``AlertRuleError`` naming the field.
    public init(from decoder: any Decoder) throws {
        let object: KeyedDecodingContainer<Key>
        do { object = try decoder.container(keyedBy: Key.self) } catch { throw AlertRuleError("a rule must be an object such as {\"id\": \"spikes\", \"kind\": \"spike\", \"destinations\": [\"team\"]}") }
        guard let id = try? object.decode(String.self, forKey: Key("id")) else { throw AlertRuleError("a rule needs an \"id\" (a string)") }
        guard AlertRule.isValidID(id) else {
            throw AlertRuleError("rule id \"\(id.prefix(70))\" must be 1 to 64 letters, digits, '-' or '_'")
        }
        func fail(_ message: String) -> AlertRuleError { AlertRuleError("rule \"\(id)\": \(message)") }
        if let unknown = object.allKeys.map(\.stringValue).sorted().first(where: { !AlertRule.knownKeys.contains($0) }) {
            throw fail("unknown key \"\(unknown.prefix(40))\" (known: \(AlertRule.knownKeys.joined(separator: ", ")))")
        }
        let kinds = AlertKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let kindText = try? object.decode(String.self, forKey: Key("kind")) else { throw fail("\"kind\" must be one of \(kinds)") }
        guard let kind = AlertKind(rawValue: kindText) else { throw fail("\"kind\" \"\(kindText.prefix(40))\" is not one of \(kinds)") }
        func optional<T: Decodable>(_ type: T.Type, _ name: String, _ expected: String) throws -> T? {
            guard object.contains(Key(name)) else { return nil }
            guard let value = try? object.decode(T.self, forKey: Key(name)) else { throw fail("\"\(name)\" must be \(expected)") }
            return value
        }
        func only(_ name: String, for allowed: Set<AlertKind>) throws {
            if object.contains(Key(name)), !allowed.contains(kind) {
                throw fail("\"\(name)\" does not apply to a \(kind.rawValue) rule")
            }
        }
        try only("threshold", for: [.growth, .releaseImpact, .spike, .drop])
        try only("window", for: [.growth])
        try only("top", for: [.leaderboard])
        try only("milestones", for: [.milestone])
        try only("series", for: [.spike, .drop, .growth, .milestone, .releaseImpact])

        guard let destinations = try? object.decode([String].self, forKey: Key("destinations")), !destinations.isEmpty,
              destinations.count <= 20, Set(destinations).count == destinations.count else {
            throw fail("\"destinations\" must be a list of 1 to 20 distinct destination names")
        }
        var artists: Set<String>?
        if let list = try optional([String].self, "artists", "a list of Spotify artist ids") {
            guard !list.isEmpty, list.count <= 100_000 else { throw fail("\"artists\" must list 1 to 100,000 ids; leave it out for every artist") }
            artists = Set(list)
        }
        var series: Set<AudienceSeries>?
        if let names = try optional([String].self, "series", "a list of series such as \"deezer/fans\"") {
            var parsed = Set<AudienceSeries>()
            for name in names {
                guard let one = AudienceSeries(name: name) else { throw fail("\"series\" names \"\(name.prefix(40))\"; a series is source/metric, such as spotify/followers or deezer/fans") }
                parsed.insert(one)
            }
            guard !parsed.isEmpty else { throw fail("\"series\" is empty; leave it out for every series") }
            series = parsed
        }
        let threshold = try optional(Double.self, "threshold", "a number")
        if let threshold, !threshold.isFinite { throw fail("\"threshold\" must be a finite number") }
        if kind == .growth, threshold == nil { throw fail("a growth rule needs a \"threshold\" (0.1 fires at +10 %)") }
        if kind == .spike || kind == .drop, let threshold, threshold < 3.5 {
            throw fail("\"threshold\" is the smallest |robust z| and cannot be below 3.5, where the contract flags \(kind.rawValue)s")
        }
        var window = GrowthWindow.growth7d
        if let text = try optional(String.self, "window", "\"growth_7d\" or \"growth_28d\"") {
            guard let parsed = GrowthWindow(rawValue: text) else { throw fail("\"window\" must be \"growth_7d\" or \"growth_28d\"") }
            window = parsed
        }
        let top = try optional(Int.self, "top", "a whole number") ?? 10
        guard (1...1_000).contains(top) else { throw fail("\"top\" must be between 1 and 1000") }
        var milestones = AlertRule.defaultMilestones
        if let list = try optional([Int64].self, "milestones", "a list of whole numbers") {
            guard !list.isEmpty, list.count <= 100, list.allSatisfy({ $0 > 0 }) else { throw fail("\"milestones\" must list 1 to 100 positive counts") }
            milestones = Array(Set(list))
        }
        var since: Day?
        if let text = try optional(String.self, "since", "a day YYYY-MM-DD") {
            guard let day = Day(iso: text) else { throw fail("\"since\" must be a day YYYY-MM-DD, got \"\(text.prefix(40))\"") }
            since = day
        }
        var digest = AlertDigest.none
        if let text = try optional(String.self, "digest", "\"none\", \"run\", \"day\" or \"week\"") {
            guard let parsed = AlertDigest(rawValue: text) else { throw fail("\"digest\" must be \"none\", \"run\", \"day\" or \"week\"") }
            digest = parsed
        }
        self.init(id: id, kind: kind, artists: artists, series: series, threshold: threshold, growthWindow: window, top: top,
                  milestones: milestones, since: since, destinations: destinations, digest: digest)
    }

    /// Letters, digits, `-` and `_`, 1 to 64 of them: ids travel in keys and message ids.
    public static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64 && id.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x5F
        }
    }
}
