// The daily case at the cost of a day: new metric files whose days all come after the last
// stored day, and nothing else new but release files whose calendar changes (`CalendarChanges`)
// the state reaches (the weekly scan's day). Rows are causal (a row reads its own day and
// earlier ones, `incremental.md`), so every stored `artist_daily` and `artist_signals` row stays
// as it is, but the `artist_daily` rows from the first changed event on (`release_count`,
// `days_since_release`), and the new days' rows are inserted into their month partitions,
// stored row group by stored row group, column by column (no stored row is decoded into its
// struct). The new and changed rows, the events whose 14-day windows reach the new days or that
// changed, and the leaderboard are computed by the analytics from the carried state
// (`CarriedState`, its albums replaced by the changed calendars) plus the new records: the same
// inputs, over the days they read, that a full rebuild gives them. Older events keep their
// stored rows, renamed to the artist's latest name.
//
// Memory holds one span of artists (a row group of the state) and one row group of each file
// being rewritten, whatever the lake's size.
//
// Whatever the state cannot settle sends the run back to the window (and says why): a new
// record dated on or before the last day, an artist the state does not know, a leaderboard
// day that is not the latest new day, events that do not match the stored ones.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// What an appending run found it cannot settle.
struct AppendRefusal: Error, CustomStringConvertible {
    var description: String
}

extension LocalEngine {
    /// Appends the days of `newKeys` (new metric files, and release files whose calendar
    /// changes `start` carries) to the processed tables from the carried state the transform
    /// record names. Throws `AppendRefusal` before writing anything when the state cannot
    /// settle them.
    func appendDays(newKeys: Set<String>, from start: AppendStart, rawListing: [ObjectInfo]) async throws -> TransformSummary {
        let carried = start.carried, calendars = start.calendars.albums
        let lastDay = carried.lastDay
        var clock = PhaseClock(logger: logger)
        let metrics = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store, including: { newKeys.contains($0) })
        // A file that could not be read is left for the next run, like any other run does; one
        // that was read must hold days after the state's only.
        var newRecords: [String: [MetricObservation]] = [:]
        var observed = Set<Day>()
        // The leaderboard's day is the latest with a kept count: predicted from the records,
        // checked against the analyses at the end.
        var predictedAsOf: Day?
        for record in metrics.recordsByFile.joined() {
            guard record.capturedAt.day > lastDay else {
                throw AppendRefusal(description: "a new record of \(record.artistID) is dated \(record.capturedAt.day.isoString), not after the last day \(lastDay.isoString)")
            }
            newRecords[record.artistID, default: []].append(record)
            observed.insert(record.capturedAt.day)
            if record.followers != nil, record.capturedAt.day > predictedAsOf ?? Day.earliest { predictedAsOf = record.capturedAt.day }
        }
        let firstDay = lastDay + 1
        // Stored rows from the first changed event on are computed again, from the changed
        // calendars (`CalendarChanges`): `release_count` and `days_since_release` read them.
        let recomputedFrom = start.recomputedFrom ?? firstDay
        guard let asOf = predictedAsOf else {
            throw AppendRefusal(description: "no follower count on the new days: the leaderboard's day reads history before the state")
        }
        // A table without any signal is one empty partition, of the leaderboard's month, which
        // a full rebuild would not keep once signals appear or the day moves: settled up front.
        let signalFiles = try await processedFiles(.artistSignals)
        if signalFiles.count == 1, let only = signalFiles.first, try await ParquetReader.open(store, key: only.key, wholeFileLimit: 0).rowCount == 0 {
            throw AppendRefusal(description: "artist_signals has no row yet")
        }
        clock.lap("read \(metrics.files) new raw files (\(metrics.recordCount) records)")

        let state: CarriedStateReader
        do { state = try await CarriedStateReader(store, sha256: carried.sha256) } catch { throw AppendRefusal(description: "the carried state cannot be read: \(error)") }
        let nextState = try CarriedStateWriter(lastDay: max(lastDay, observed.max() ?? lastDay), options: parquetOptions)
        var events = try await ImpactRewrite(self, cut: min(firstDay - WindowedIncrement.eventReachForward, recomputedFrom))
        var entries: [LeaderboardEntry] = []
        var daily: [Int32: PartitionAppender<ArtistDaily>] = [:], signals: [Int32: PartitionAppender<ArtistSignal>] = [:]
        var latestCounted: Day?
        /// Rows of stored days computed again, by month.
        var recomputedRows: [Int32: Int] = [:]
        var artists = 0
        var unmatched = Set(newRecords.keys).union(calendars.keys)
        let records = newRecords
        /// The next span of the state, analysed with its artists' new records.
        @Sendable func analysedSpan() async throws -> (analyses: [ArtistAnalysis], upper: String, matched: [String])? {
            while true {
                let span: [(artistID: String, inputs: CarriedState.Artist)]
                do {
                    guard let next = try await state.next() else { return nil }
                    span = next
                } catch { throw AppendRefusal(description: "the carried state cannot be read: \(error)") }
                guard let upper = span.last?.artistID else { continue }
                try Task.checkCancellation()
                var matched: [String] = []
                let inputs = span.map { artist in
                    var inputs = artist.inputs
                    if let new = records[artist.artistID] { inputs.observations += new }
                    if let albums = calendars[artist.artistID] { inputs.releases = albums.map { CarriedState.record(of: $0, artistID: artist.artistID) } }
                    if records[artist.artistID] != nil || calendars[artist.artistID] != nil { matched.append(artist.artistID) }
                    return (artist.artistID, inputs)
                }
                let analyses = await LocalEngine.parallelMap(inputs) { id, artist in
                    ArtistAnalysis(artistID: id, observations: artist.observations, releases: artist.releases)
                }
                return (analyses, upper, matched)
            }
        }
        // One span is analysed while the one before is written out.
        var current = try await analysedSpan()
        while let span = current {
            // Four things at once: the next span's analysis, this one's state, its new rows
            // into their month partitions (as far as this span reaches), its events.
            async let following = analysedSpan()
            async let stateWritten: Void = nextState.add(span.analyses)
            var newDaily: [Int32: [ArtistDaily]] = [:], newSignals: [Int32: [ArtistSignal]] = [:]
            for analysis in span.analyses {
                for row in analysis.daily where row.day >= recomputedFrom {
                    newDaily[row.day.monthIndex, default: []].append(row)
                    if row.day < firstDay { recomputedRows[row.day.monthIndex, default: 0] += 1 }
                }
                for row in analysis.signals where row.day >= firstDay { newSignals[row.day.monthIndex, default: []].append(row) }
            }
            // Signals do not read releases: theirs are the new days' only.
            for month in newDaily.keys where daily[month] == nil {
                daily[month] = try await PartitionAppender(Tables.artistDaily, month: month, engine: self, replacingFrom: recomputedFrom)
            }
            for month in newSignals.keys where signals[month] == nil {
                signals[month] = try await PartitionAppender(Tables.artistSignals, month: month, engine: self, replacingFrom: firstDay)
            }
            let (dailyNow, signalsNow, upper) = (daily, signals, span.upper)
            async let dailyMerged: Void = { for (month, partition) in dailyNow { try await partition.add(newDaily[month] ?? [], through: upper) } }()
            async let signalsMerged: Void = { for (month, partition) in signalsNow { try await partition.add(newSignals[month] ?? [], through: upper) } }()
            let impacts = try await events.add(span.analyses, through: span.upper)
            try await stateWritten
            try await dailyMerged
            try await signalsMerged
            for analysis in span.analyses {
                if let counted = analysis.daily.last(where: { $0.followers != nil })?.day, counted > latestCounted ?? Day.earliest { latestCounted = counted }
                // The lake has no audience series: the primary series is spotify/followers. The
                // latest event's impact is the stored one when it is older than the cut.
                if let entry = Leaderboard.entry(asOf: asOf, daily: analysis.daily, signals: analysis.signals,
                                                 impacts: impacts[analysis.artistID] ?? []) {
                    entries.append(entry)
                }
            }
            unmatched.subtract(span.matched)
            artists += span.analyses.count
            current = try await following
        }
        if let unknown = unmatched.min(by: { UTF8Order.less($0, $1) }) {
            throw AppendRefusal(description: "\(unmatched.count) artist(s) with new records, such as \(unknown), have no carried state: new, or not seen for weeks")
        }
        guard latestCounted == asOf else {
            throw AppendRefusal(description: "the latest kept count is not on \(asOf.isoString): the leaderboard's day reads history before the state")
        }
        let (impactFile, eventCount) = try await events.finish()
        var files: [(key: String, bytes: [UInt8])] = []
        var dailyRows = 0, signalRows = 0
        let (dailyParts, signalParts) = (daily, signals)
        for month in Set(daily.keys).union(signals.keys).sorted() {
            async let d = dailyParts[month]?.finish()
            async let s = signalParts[month]?.finish()
            let (dailyFile, signalFile) = try await (d, s)
            if let dailyPartition = daily[month], let dailyFile {
                // Every stored row replaced is one computed again: else the state is not the tables'.
                guard dailyPartition.replaced == recomputedRows[month, default: 0] else {
                    throw AppendRefusal(description: "\(dailyPartition.key) holds \(dailyPartition.replaced) rows from \(recomputedFrom.isoString) to \(lastDay.isoString), the carried state \(recomputedRows[month, default: 0])")
                }
                dailyRows += dailyPartition.rows
                files.append((dailyPartition.key, dailyFile))
            }
            // A full rebuild writes no partition without signals (but for an empty table).
            guard signals[month]?.replaced ?? 0 == 0 else { throw AppendRefusal(description: "artist_signals holds rows after \(lastDay.isoString)") }
            if let signalPartition = signals[month], let signalFile, signalPartition.rows > 0 || signalPartition.stored {
                signalRows += signalPartition.rows
                files.append((signalPartition.key, signalFile))
            }
        }
        clock.lap("analysed \(artists) artists from the carried state and the new records span by span, and inserted the new rows into \(daily.count) month(s)")
        files.append((LakeLayout.processedKey(.releaseImpact, partition: nil), impactFile))
        let leaderboard = Leaderboard.rank(entries)

        // The last check: from here the tables are published, file by file.
        try Task.checkCancellation()
        for (key, bytes) in files.sorted(by: { $0.key < $1.key }) { try await store.put(key, bytes: bytes) }
        let snapshots = try await writeLeaderboard(leaderboard, asOf: asOf, observedDays: observed, knownFrom: firstDay)
        let written = try await nextState.publish(to: store)
        try await recordTransform(engine: "local", rawListing: rawListing, unread: unreadKeys(metrics.malformed), carried: written)
        clock.lap("wrote \(files.count + snapshots.written) files and the state")
        for line in metrics.malformed { logger.debug("skipped a malformed line", metadata: ["line": "\(line)"]) }
        return TransformSummary(
            artists: artists, dailyRows: dailyRows, signalRows: signalRows, events: eventCount, leaderboardRows: leaderboard.count,
            asOf: asOf, objectsWritten: files.count + snapshots.written, objectsRemoved: snapshots.removed, malformed: metrics.malformed,
            rawBytes: metrics.bytes, scope: .appended(days: observed.sorted(), newFiles: newKeys.count, recomputedFrom: start.recomputedFrom))
    }
}
