// An incremental local run that reads a window, not the history. Rows from the first changed
// day F on are recomputed; what they depend on reaches back at most 76 days (release windows
// start 35 days before an event whose 14-day window reaches F, and their growth looks 28 days
// further back; `../shared/spec/incremental.md` gives each output's reach), so the stored rows from W = F - 76 are fed back as kept records (one
// observation per day), the raw files of the changed days are read again, and each artist's
// `prev_day` before W is carried in by one observation taken from the stored row that points
// at it. Release events before F - 13 keep their stored `release_impact` rows (their windows end
// before F), with their album lists taken from the whole release list (clusters chain). Where
// the window does not settle a value (an artist whose stored window rows carry no follower
// count, so its last count before W is unknown; a leaderboard day before W + 58, whose signal
// baselines reach before W; an event before the window that appeared),
// the older months are read for those artists, or the run falls back to the whole history.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// What an incremental run reads and computes. The reaches are those of
/// `incremental.md`: an impact row reads `[r-35, r+13]`, a growth look-back 28 days, a
/// leaderboard day `d` in `[a-3, a]` reads signals on `[d-27, d]`, each of which reads a
/// 28-day baseline.
struct WindowedIncrement: Sendable {
    /// How far an event's window reaches forward, and back.
    static let eventReachForward = 13, eventReachBack = 35
    /// The longest growth look-back, and a signal's baseline.
    static let growthLookBack = 28, signalBaseline = 28
    /// How far back of `as_of` the leaderboard reads signal baselines: the latest row may be
    /// 3 days old, `spikes_28d` counts 28 days of signals, each with its 28-day baseline.
    static let leaderboardReach = 3 + 27 + signalBaseline

    /// The first day recomputed (a month's first day).
    var firstDay: Day
    /// The first day read back: recomputed events' windows and their growth look-backs.
    var windowStart: Day { firstDay - (Self.eventReachForward + Self.eventReachBack + Self.growthLookBack) }
    /// Events from this day on are recomputed; earlier ones are kept.
    var firstEventRecomputed: Day { firstDay - Self.eventReachForward }
    /// The earliest leaderboard day the window settles.
    var earliestLeaderboardDay: Day { windowStart + Self.leaderboardReach }
}

/// One stored `artist_daily` row with what the window needs of it.
struct WindowRow: Sendable {
    var kept: StoredDay
    var prevDay: Day?
    var followerDelta: Int64?
}

extension LocalEngine {
    /// The analyses of an incremental run, or nil when the window cannot settle them (the
    /// caller then reads the whole history).
    /// `untrimmed`: the analyses over the window before older events were replaced by their
    /// stored rows (their calendars are whole: the carried state is taken from them).
    func windowedAnalysis(firstDay: Day, changedDays: Set<Day>) async throws
        -> (analysis: LakeAnalysis, lake: RawLake, keptImpacts: [ReleaseImpact], untrimmed: [ArtistAnalysis])? {
        let window = WindowedIncrement(firstDay: firstDay)
        var clock = PhaseClock(logger: logger)
        let dailyKeys = try await ProcessedTableReader.files(.artistDaily, in: store)
        let windowMonth = window.windowStart.monthIndex
        let recent = dailyKeys.filter { (LocalEngine.monthIndex(ofProcessedKey: $0) ?? .min) >= windowMonth }
        // The window's first month also holds days before it.
        let older = dailyKeys.filter { (LocalEngine.monthIndex(ofProcessedKey: $0) ?? .min) <= windowMonth }
        let rows = try await ProcessedTableReader.windowRows(recent, in: store).filter { $0.kept.day >= window.windowStart && !changedDays.contains($0.kept.day) }
        clock.lap("read \(rows.count) stored artist_daily rows of the window (\(recent.count) files)")

        let dayStrings = Set(changedDays.map(\.isoString))
        let metrics = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store, including: { key in
            LakeLayout.captureDay(ofRawKey: key).map { dayStrings.contains($0) } ?? false
        })
        let releases = try await RawLakeReader.read(ReleaseRecord.self, dataset: .releases, from: store)
        let storedImpacts = try await ProcessedTableReader.impacts(try await ProcessedTableReader.files(.releaseImpact, in: store), in: store, artistID: nil)
        clock.lap("read \(metrics.files) raw metric files, \(releases.files) release files and \(storedImpacts.count) stored events")

        var observations: [String: [MetricObservation]] = [:]
        var carried = Set<String>()
        // Rows arrive month by month; the earliest row with a count settles the carry.
        for row in rows.sorted(by: { $0.kept.day < $1.kept.day }) {
            let kept = row.kept
            observations[kept.artistID, default: []].append(MetricObservation(
                artistID: kept.artistID, artistName: kept.artistName, followers: kept.followers, popularity: kept.popularity, capturedAt: kept.day.start))
            guard let followers = kept.followers, !carried.contains(kept.artistID) else { continue }
            carried.insert(kept.artistID)
            if let prev = row.prevDay, prev < window.windowStart, let delta = row.followerDelta {
                let at = prev.start
                let (count, overflow) = followers.subtractingReportingOverflow(delta)
                guard !overflow else { return nil }
                observations[kept.artistID, default: []].append(MetricObservation(
                    artistID: kept.artistID, artistName: kept.artistName, followers: count, popularity: nil, capturedAt: at))
            }
        }
        LocalEngine.appendObservations(metrics, to: &observations)
        let releaseRecords = LocalEngine.releasesByArtist(releases)
        let impactsByArtist = Dictionary(grouping: storedImpacts, by: \.artistID)

        // Artists the window does not settle: no stored count in it (their last count before W
        // is unknown), or no row in it at all while events of theirs are recomputed (their name
        // comes from their latest row, before W).
        let recomputed = Set(observations.keys).union(releaseRecords.keys)
        let unsettled = recomputed.filter { !carried.contains($0) }
        if !unsettled.isEmpty, !older.isEmpty {
            // A name is needed only where the window has no row of the artist.
            let withRows = Set(rows.map(\.kept.artistID)).union(metrics.recordsByFile.joined().map(\.artistID))
            let needingNames = unsettled.subtracting(withRows)
            for (artist, extra) in try await ProcessedTableReader.carries(older, in: store, artists: unsettled, needingNames: needingNames,
                                                                          before: window.windowStart) {
                observations[artist, default: []].append(contentsOf: extra)
            }
            clock.lap("read the older months (\(older.count) files) for \(unsettled.count) artists the window does not settle")
        }

        let ids = recomputed.sorted { UTF8Order.less($0, $1) }
        let inputs = ids.map { id in (id, observations[id] ?? [], releaseRecords[id] ?? []) }
        let first = window.firstEventRecomputed
        let analyses = await LocalEngine.parallelMap(inputs) { id, observations, releases in
            ArtistAnalysis(artistID: id, observations: observations, releases: releases)
        }
        clock.lap("analysed \(analyses.count) artists over the window")
        let asOf = Leaderboard.defaultAsOf(analyses)
        // The leaderboard reads signal baselines 58 days back from its day: the window must hold them.
        guard let asOf, asOf >= window.earliestLeaderboardDay else {
            logger.debug("the window does not settle the leaderboard of \(asOf?.isoString ?? "no day"): reading the whole history")
            return nil
        }
        var trimmed: [ArtistAnalysis] = []
        for analysis in analyses {
            // Events before the window's reach keep their stored rows; the name is the latest row's.
            var old = (impactsByArtist[analysis.artistID] ?? []).filter { $0.eventDay < first }
            if let latestName = analysis.daily.last?.artistName { for index in old.indices { old[index].artistName = latestName } }
            // Clusters chain: a new album can join an event that starts before the window. Its
            // day cannot move (a new album is dated on or after the first changed day), but its
            // album list can: taken from the events computed over the whole release list.
            let computed = Dictionary(analysis.impacts.filter { $0.eventDay < first }.map { ($0.eventDay, $0) }, uniquingKeysWith: { a, _ in a })
            guard computed.count == old.count else {
                logger.debug("events of \(analysis.artistID) before \(first.isoString) changed: reading the whole history")
                return nil
            }
            for index in old.indices {
                guard let event = computed[old[index].eventDay] else { return nil }
                old[index].albumIDs = event.albumIDs
                old[index].albumNames = event.albumNames
            }
            trimmed.append(ArtistAnalysis(
                artistID: analysis.artistID, daily: analysis.daily, signals: analysis.signals,
                impacts: old + analysis.impacts.filter { $0.eventDay >= first }))
        }
        // Artists outside the window keep their stored events as they are.
        let keptImpacts = impactsByArtist.filter { !recomputed.contains($0.key) }.values.flatMap { $0 }
        let leaderboard = Leaderboard.rank(trimmed.compactMap { $0.leaderboardEntry(asOf: asOf) })
        let lake = RawLake(
            artists: ids.map { RawLake.ArtistInput(artistID: $0, observations: observations[$0] ?? [], releases: releaseRecords[$0] ?? []) },
            malformed: metrics.malformed + releases.malformed, files: metrics.files + releases.files, bytes: metrics.bytes + releases.bytes,
            metricRecords: metrics.recordCount + rows.count, releaseRecords: releases.recordCount)
        return (LakeAnalysis(analyses: trimmed, asOf: asOf, leaderboard: leaderboard), lake, keptImpacts, analyses)
    }
}

extension ProcessedTableReader {
    /// The stored rows of `keys` with the columns a window needs.
    static func windowRows(_ keys: [String], in store: any ObjectStore) async throws -> [WindowRow] {
        var rows: [WindowRow] = []
        for key in keys {
            try Task.checkCancellation()
            let reader = try await ParquetReader.open(store, key: key)
            let c = ProcessedColumns(table: try await reader.read(columns: ["artist_id", "artist_name", "day", "followers", "popularity", "prev_day", "follower_delta"]),
                                     file: "\(store.location)/\(key)")
            let ids = try c.strings("artist_id"), names = try c.strings("artist_name"), days = try c.days("day")
            let followers = try c.int64s("followers"), popularity = try c.int32s("popularity")
            let previous = try c.days("prev_day"), deltas = try c.int64s("follower_delta")
            rows.reserveCapacity(rows.count + c.table.rowCount)
            for row in 0..<c.table.rowCount {
                rows.append(WindowRow(
                    kept: StoredDay(artistID: try c.required(ids, "artist_id", row), artistName: try c.required(names, "artist_name", row),
                                    day: try c.required(days, "day", row), followers: followers[row], popularity: popularity[row]),
                    prevDay: previous[row], followerDelta: deltas[row]))
            }
        }
        return rows
    }

    /// For each of `artists`, its latest stored row before `day` and its latest one with a
    /// follower count, as observations (a name and a count the window cannot see). Three
    /// columns are read; names only for `needingNames`.
    static func carries(_ keys: [String], in store: any ObjectStore, artists: Set<String>, needingNames: Set<String>,
                        before day: Day) async throws -> [String: [MetricObservation]] {
        struct Found { var day: Day; var followers: Int64?; var popularity: Int32?; var name: String? }
        var latest: [String: Found] = [:], latestCount: [String: Found] = [:]
        for key in keys {
            try Task.checkCancellation()
            let reader = try await ParquetReader.open(store, key: key)
            let names = needingNames.isEmpty ? [] : ["artist_name", "popularity"]
            let c = ProcessedColumns(table: try await reader.read(columns: ["artist_id", "day", "followers"] + names), file: "\(store.location)/\(key)")
            let ids = try c.strings("artist_id"), days = try c.days("day"), followers = try c.int64s("followers")
            let artistNames = needingNames.isEmpty ? [] : try c.strings("artist_name")
            let popularity = needingNames.isEmpty ? [] : try c.int32s("popularity")
            for row in 0..<c.table.rowCount {
                guard let id = ids[row], artists.contains(id), let rowDay = days[row], rowDay < day else { continue }
                let wantsName = needingNames.contains(id)
                guard followers[row] != nil || wantsName else { continue }
                let found = Found(day: rowDay, followers: followers[row], popularity: wantsName ? popularity[row] : nil,
                                  name: wantsName ? artistNames[row] : nil)
                if wantsName, rowDay > latest[id]?.day ?? Day.earliest { latest[id] = found }
                if found.followers != nil, rowDay > latestCount[id]?.day ?? Day.earliest { latestCount[id] = found }
            }
        }
        var carries: [String: [MetricObservation]] = [:]
        for (id, found) in Array(latest) + Array(latestCount) {
            let at = found.day.start
            guard !(carries[id]?.contains { $0.capturedAt == at } ?? false) else { continue }
            // A count's day keeps its count; its name matters only when it is also the latest row.
            carries[id, default: []].append(MetricObservation(artistID: id, artistName: found.name ?? latest[id]?.name ?? id,
                                                              followers: found.followers, popularity: found.popularity, capturedAt: at))
        }
        return carries
    }
}
