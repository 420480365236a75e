// The rules' meaning, as pure functions of the tables: which events a rule fires for from a
// day on. Docs/Alerts.md states each kind's rule; Tests/Tools/expected_alerts.py computes the
// same from the Parquet files with code of its own.

import MomentumAnalytics

/// Evaluates rules on tables.
public enum AlertEvaluator {
    /// Every alert `rule` fires for on days `from` and later, in no particular order (a digest
    /// orders them). The rows before `from` are read as history: the growth a day crossed from,
    /// the count a milestone was reached from, the snapshot a leaderboard changed from.
    public static func alerts(for rule: AlertRule, in inputs: AlertInputs, from: Day) -> [Alert] {
        let watched = inputs.analyses.filter { rule.watches(artist: $0.artistID) }
        switch rule.kind {
        case .newRelease: return newReleases(rule, inputs, from: from)
        case .spike, .drop: return watched.flatMap { signals(rule, $0, from: from) }
        case .growth: return watched.flatMap { growth(rule, $0, from: from) }
        case .milestone: return watched.flatMap { milestones(rule, $0, from: from) }
        case .releaseImpact: return watched.flatMap { impacts(rule, $0, from: from) }
        case .leaderboard: return leaderboard(rule, inputs.leaderboards, from: from)
        }
    }

    // MARK: Kinds

    static func newReleases(_ rule: AlertRule, _ inputs: AlertInputs, from: Day) -> [Alert] {
        let names = Dictionary(inputs.analyses.map { ($0.artistID, name(of: $0)) }, uniquingKeysWith: { first, _ in first })
        var first: [String: AlertInputs.NewRelease] = [:]
        for release in inputs.newReleases where release.discovered >= from && rule.watches(artist: release.artistID) {
            let key = release.artistID + "\n" + release.albumID
            if let seen = first[key], seen.discovered <= release.discovered { continue }
            first[key] = release
        }
        return first.values.map { release in
            var facts = Alert.Facts()
            facts.albumIDs = release.albumID
            facts.albumNames = release.albumName
            facts.albumType = release.albumType
            facts.releaseDate = release.releaseDate
            return Alert(ruleID: rule.id, kind: .newRelease, artistID: release.artistID,
                         artistName: names[release.artistID] ?? release.artistID, series: nil,
                         day: release.discovered, key: "album/\(release.albumID)", facts: facts)
        }
    }

    static func signals(_ rule: AlertRule, _ analysis: ArtistAnalysis, from: Day) -> [Alert] {
        guard let threshold = rule.effectiveThreshold else { return [] }
        let fired = analysis.signals.filter { signal in
            guard signal.day >= from, rule.watches(series: signal.series), let z = signal.robustZ else { return false }
            return abs(z) >= threshold && (rule.kind == .spike ? signal.isSpike : signal.isDrop)
        }
        guard !fired.isEmpty else { return [] }
        // The count of each fired day, looked up once per series.
        var counts: [AudienceSeries: [Day: Int64]] = [:]
        for series in Set(fired.map(\.series)) {
            counts[series] = Dictionary(rows(of: series, in: analysis).compactMap { row in row.count.map { (row.day, $0) } }, uniquingKeysWith: { _, last in last })
        }
        return fired.compactMap { signal in
            guard let z = signal.robustZ else { return nil }
            var facts = Alert.Facts()
            facts.robustZ = z
            facts.addsPerDay = signal.addsPerDay
            facts.count = counts[signal.series]?[signal.day]
            return Alert(ruleID: rule.id, kind: rule.kind, artistID: analysis.artistID, artistName: name(of: analysis),
                         series: signal.series, day: signal.day, key: "\(signal.series.name)/\(signal.day.isoString)", facts: facts)
        }
    }

    static func growth(_ rule: AlertRule, _ analysis: ArtistAnalysis, from: Day) -> [Alert] {
        guard let threshold = rule.threshold else { return [] }
        var alerts: [Alert] = []
        for series in allSeries(of: analysis) where rule.watches(series: series) {
            var wasAbove = false
            for row in rows(of: series, in: analysis) {
                let value = rule.growthWindow == .growth7d ? row.growth7d : row.growth28d
                let above = value.map { $0 >= threshold } ?? false
                defer { wasAbove = above }
                guard above, !wasAbove, row.day >= from, let value else { continue }
                var facts = Alert.Facts()
                facts.growthWindow = rule.growthWindow
                facts.growth = value
                facts.threshold = threshold
                facts.count = row.count
                alerts.append(Alert(ruleID: rule.id, kind: .growth, artistID: analysis.artistID, artistName: name(of: analysis),
                                    series: series, day: row.day, key: "\(series.name)/\(row.day.isoString)", facts: facts))
            }
        }
        return alerts
    }

    static func milestones(_ rule: AlertRule, _ analysis: ArtistAnalysis, from: Day) -> [Alert] {
        var alerts: [Alert] = []
        for series in allSeries(of: analysis) where rule.watches(series: series) {
            var previous: Int64?
            var reached = Set<Int64>()
            for row in rows(of: series, in: analysis) {
                guard let count = row.count else { continue }
                defer { previous = count }
                guard let before = previous, row.day >= from else { continue }
                for milestone in rule.milestones where before < milestone && milestone <= count && !reached.contains(milestone) {
                    // A milestone is reached once: a count that dips below and comes back is not news.
                    reached.insert(milestone)
                    var facts = Alert.Facts()
                    facts.milestone = milestone
                    facts.count = count
                    alerts.append(Alert(ruleID: rule.id, kind: .milestone, artistID: analysis.artistID, artistName: name(of: analysis),
                                        series: series, day: row.day, key: "\(series.name)/\(milestone)", facts: facts))
                }
            }
        }
        return alerts
    }

    /// The event window is `[r, r + 13]`: its figures are final once the series has a row on
    /// its last day or later.
    static let windowCloses = 13

    static func impacts(_ rule: AlertRule, _ analysis: ArtistAnalysis, from: Day) -> [Alert] {
        guard let threshold = rule.effectiveThreshold else { return [] }
        var latestDays: [AudienceSeries: Day] = [:]
        return analysis.impacts.compactMap { impact in
            let closed = impact.eventDay + windowCloses
            guard impact.status == .ok, rule.watches(series: impact.series), let t = impact.tStat, t >= threshold, closed >= from else { return nil }
            if latestDays[impact.series] == nil { latestDays[impact.series] = rows(of: impact.series, in: analysis).last?.day }
            guard let latest = latestDays[impact.series], latest >= closed else { return nil }
            var facts = Alert.Facts()
            facts.eventDay = impact.eventDay
            facts.tStat = t
            facts.car = impact.car
            facts.uplift = impact.uplift
            facts.albumIDs = impact.albumIDs
            facts.albumNames = impact.albumNames
            return Alert(ruleID: rule.id, kind: .releaseImpact, artistID: analysis.artistID, artistName: name(of: analysis),
                         series: impact.series, day: closed, key: "\(impact.series.name)/\(impact.eventDay.isoString)", facts: facts)
        }
    }

    /// Each snapshot on or after `from` against the one before it (the rows' `rank`).
    static func leaderboard(_ rule: AlertRule, _ snapshots: [Day: [MomentumRow]], from: Day) -> [Alert] {
        let days = snapshots.keys.sorted()
        var alerts: [Alert] = []
        for (previousDay, day) in zip(days, days.dropFirst()) where day >= from {
            let now = snapshots[day] ?? [], before = snapshots[previousDay] ?? []
            let topNow = Dictionary(now.filter { $0.rank <= rule.top }.map { ($0.artistID, $0) }, uniquingKeysWith: { first, _ in first })
            let topBefore = Dictionary(before.filter { $0.rank <= rule.top }.map { ($0.artistID, $0) }, uniquingKeysWith: { first, _ in first })
            let ranked = Dictionary(now.map { ($0.artistID, $0) }, uniquingKeysWith: { first, _ in first })
            for (artist, row) in topNow where topBefore[artist] == nil && rule.watches(artist: artist) {
                alerts.append(leaderboardAlert(rule, artist: artist, name: row.artistName, row: row, entered: true, day: day))
            }
            for (artist, row) in topBefore where topNow[artist] == nil && rule.watches(artist: artist) {
                alerts.append(leaderboardAlert(rule, artist: artist, name: ranked[artist]?.artistName ?? row.artistName, row: ranked[artist],
                                               entered: false, day: day))
            }
        }
        return alerts
    }

    static func leaderboardAlert(_ rule: AlertRule, artist: String, name: String, row: MomentumRow?, entered: Bool, day: Day) -> Alert {
        var facts = Alert.Facts()
        facts.entered = entered
        facts.rank = row.map { Int($0.rank) }
        facts.momentumScore = row?.momentumScore
        facts.top = rule.top
        return Alert(ruleID: rule.id, kind: .leaderboard, artistID: artist, artistName: name, series: nil, day: day,
                     key: "\(entered ? "entered" : "left")/\(day.isoString)", facts: facts)
    }

    // MARK: Rows

    /// The artist's series with rows: `spotify/followers` (artist_daily), then its audience series.
    static func allSeries(of analysis: ArtistAnalysis) -> [AudienceSeries] {
        (analysis.daily.isEmpty ? [] : [.spotifyFollowers]) + Set(analysis.audience.map(\.series)).sorted()
    }

    /// One series' rows in day order.
    static func rows(of series: AudienceSeries, in analysis: ArtistAnalysis) -> [any SeriesRow] {
        series == .spotifyFollowers ? analysis.daily : analysis.audience(of: series)
    }

    /// The name of the artist's latest row.
    static func name(of analysis: ArtistAnalysis) -> String {
        let daily = analysis.daily.last
        let audience = analysis.audience.max { $0.day < $1.day }
        if let daily, let audience { return audience.day > daily.day ? audience.artistName : daily.artistName }
        return daily?.artistName ?? audience?.artistName ?? analysis.artistID
    }
}
