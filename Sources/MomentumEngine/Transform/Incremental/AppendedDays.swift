// The daily case at the cost of a day: new metric files whose days all come after the last
// stored day, and nothing else new. Rows are causal (a row reads its own day and earlier ones,
// `incremental.md`), so every stored `artist_daily` and `artist_signals` row stays as it is,
// and the new days' rows are inserted into their month partitions, stored row group by stored
// row group, column by column (no stored row is decoded into its struct). The new rows, the
// events whose 14-day windows reach the new days, and the leaderboard are computed by the
// analytics from the carried state (`CarriedState`) plus the new records: the same inputs,
// over the days they read, that a full rebuild gives them. Older events keep their stored
// rows, renamed to the artist's latest name.
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

/// What an appending run found it cannot settle.
struct AppendRefusal: Error, CustomStringConvertible {
    var description: String
}

extension LocalEngine {
    /// Appends the days of `newKeys` (new metric files only) to the processed tables from the
    /// carried state whose last day is `lastDay`. Throws `AppendRefusal` before writing
    /// anything when the state cannot settle them.
    func appendDays(newKeys: Set<String>, carried: CarriedStateWriter.Written, rawListing: [ObjectInfo]) async throws -> TransformSummary {
        let lastDay = carried.lastDay
        var clock = PhaseClock(logger: logger)
        let metrics = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store, including: { newKeys.contains($0) })
        // A file that could not be read is left for the next run, like any other run does; one
        // that was read must hold days after the state's only.
        var newRecords: [String: [MetricObservation]] = [:]
        var observed = Set<Day>()
        for record in metrics.recordsByFile.joined() {
            guard record.capturedAt.day > lastDay else {
                throw AppendRefusal(description: "a new record of \(record.artistID) is dated \(record.capturedAt.day.isoString), not after the last day \(lastDay.isoString)")
            }
            newRecords[record.artistID, default: []].append(record)
            observed.insert(record.capturedAt.day)
        }
        let firstDay = lastDay + 1
        // The leaderboard's day is the latest with a kept count: predicted from the records,
        // checked against the analyses at the end.
        guard let asOf = metrics.recordsByFile.joined().filter({ $0.followers != nil }).map(\.capturedAt.day).max() else {
            throw AppendRefusal(description: "no follower count on the new days: the leaderboard's day reads history before the state")
        }
        clock.lap("read \(metrics.files) new raw files (\(metrics.recordCount) records)")

        let state: CarriedStateReader
        do { state = try await CarriedStateReader(store, sha256: carried.sha256) } catch { throw AppendRefusal(description: "the carried state cannot be read: \(error)") }
        let nextState = try CarriedStateWriter(lastDay: max(lastDay, observed.max() ?? lastDay), options: parquetOptions)
        var events = try await ImpactRewrite(self, cut: firstDay - WindowedIncrement.eventReachForward)
        var entries: [LeaderboardEntry] = []
        var daily: [Int32: PartitionAppender<ArtistDaily>] = [:], signals: [Int32: PartitionAppender<ArtistSignal>] = [:]
        var latestCounted: Day?
        var artists = 0
        var unmatched = Set(newRecords.keys)
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
                    if let new = records[artist.artistID] {
                        inputs.observations += new
                        matched.append(artist.artistID)
                    }
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
                for row in analysis.daily where row.day >= firstDay { newDaily[row.day.monthIndex, default: []].append(row) }
                for row in analysis.signals where row.day >= firstDay { newSignals[row.day.monthIndex, default: []].append(row) }
            }
            for month in Set(newDaily.keys).union(newSignals.keys) where daily[month] == nil {
                daily[month] = try await PartitionAppender(Tables.artistDaily, month: month, engine: self)
                signals[month] = try await PartitionAppender(Tables.artistSignals, month: month, engine: self)
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
        if let unknown = unmatched.min(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            throw AppendRefusal(description: "\(unmatched.count) artist(s) with new records, such as \(unknown), have no carried state: new, or not seen for weeks")
        }
        guard latestCounted == asOf else {
            throw AppendRefusal(description: "the latest kept count is not on \(asOf.isoString): the leaderboard's day reads history before the state")
        }
        let (impactFile, eventCount) = try await events.finish()
        var files: [(key: String, bytes: [UInt8])] = []
        var dailyRows = 0, signalRows = 0
        for month in daily.keys.sorted() {
            guard let dailyPartition = daily[month], let signalPartition = signals[month] else { continue }
            async let d = dailyPartition.finish()
            async let s = signalPartition.finish()
            let (dailyFile, signalFile) = try await (d, s)
            dailyRows += dailyPartition.rows
            signalRows += signalPartition.rows
            files.append((dailyPartition.key, dailyFile))
            // A full rebuild writes no partition without signals (but for an empty table).
            if signalPartition.rows > 0 || signalPartition.stored { files.append((signalPartition.key, signalFile)) }
        }
        clock.lap("analysed \(artists) artists from the carried state and the new records span by span, and inserted the new rows into \(daily.count) month(s)")
        // A table without any signal is one empty partition, of the leaderboard's month: not
        // one a full rebuild would leave once signals appear, or the day moves.
        let signalFiles = try await processedFiles(.artistSignals)
        if signalFiles.count == 1, let only = signalFiles.first, !files.contains(where: { $0.key == only.key }),
           try await ParquetReader.open(store, key: only.key, wholeFileLimit: 0).rowCount == 0 {
            throw AppendRefusal(description: "artist_signals has no row yet")
        }
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
            rawBytes: metrics.bytes, scope: .appended(days: observed.sorted(), newFiles: newKeys.count))
    }
}

/// A month partition with the new rows after each artist's stored ones (artists in id order;
/// a new day comes after every stored one), merged column by column (no stored row is decoded
/// into its struct) one stored row group at a time, as the spans reach it, and cut into row
/// groups as a full rebuild cuts them.
private final class PartitionAppender<Row: ArtistKeyed & Sendable>: @unchecked Sendable {  // one task at a time
    let key: String
    private let table: TableDefinition<Row>
    private let reader: ParquetReader?
    /// Each stored row group's greatest artist.
    private let groupEnds: [String]
    private var nextGroup = 0
    /// New rows not merged yet, in artist order.
    private var pending: [Row] = []
    private let buffer: MergeBuffer
    private var groups: ArtistRowGroups<Int>
    private var writer: ParquetWriter

    var stored: Bool { reader != nil }
    var rows: Int { buffer.total }

    init(_ table: TableDefinition<Row>, month: Int32, engine: LocalEngine) async throws {
        self.table = table
        key = LakeLayout.processedKey(table.dataset, partition: ("month", Day.monthString(ofMonthIndex: month)))
        let buffer = MergeBuffer(empty: table.parquetColumns([]))
        self.buffer = buffer
        groups = ArtistRowGroups(limit: engine.parquetOptions.rowGroupRows) { buffer.artist(at: $0) }
        writer = try ParquetWriter(schema: table.parquetSchema, options: engine.parquetOptions)
        guard try await engine.store.size(of: key) != nil else {
            reader = nil
            groupEnds = []
            return
        }
        let reader = try await ParquetReader.open(engine.store, key: key)
        guard reader.schema == table.parquetSchema, table.columnNames.first == "artist_id" else {
            throw AppendRefusal(description: "\(key) does not have the columns this version writes")
        }
        // Each row group's artists come after the previous group's: a batch holds whole artists.
        let ranges = try reader.rowGroupRanges(of: "artist_id")
        var ends: [String] = []
        for (index, range) in ranges.enumerated() {
            guard case .string(let low)? = range.min, case .string(let high)? = range.max,
                  ends.last.map({ $0.utf8.lexicographicallyPrecedes(low.utf8) }) ?? true else {
                throw AppendRefusal(description: "\(key): row group \(index) has no artist range after the one before's")
            }
            ends.append(high)
        }
        self.reader = reader
        groupEnds = ends
    }

    /// New rows of artists up to `upper`, all of them: stored row groups that end there are merged.
    func add(_ rows: [Row], through upper: String) async throws {
        pending += rows
        while nextGroup < groupEnds.count, !upper.utf8.lexicographicallyPrecedes(groupEnds[nextGroup].utf8) { try await mergeNextGroup() }
    }

    /// The file, every row merged.
    func finish() async throws -> [UInt8] {
        while nextGroup < groupEnds.count { try await mergeNextGroup() }
        try merge([], table.parquetColumns([]), through: nil)
        let rest = groups.finish()
        if !rest.isEmpty { try writer.append(try buffer.take(rest.count)) }
        return writer.finish()
    }

    private func mergeNextGroup() async throws {
        guard let reader else { return }
        let read = try await reader.read(columns: table.columnNames, rowGroups: [nextGroup])
        let columns = try table.columnNames.map { name in
            guard let column = read.column(name) else { throw AppendRefusal(description: "\(key) has no column \(name)") }
            return column
        }
        guard case .string(let ids) = columns[0] else { throw AppendRefusal(description: "\(key): artist_id is not a string column") }
        try merge(ids.map { $0 ?? "" }, columns, through: groupEnds[nextGroup])
        nextGroup += 1
    }

    /// Stored rows (`ids`, `columns`) and the pending new rows up to `upper` (all when nil), in
    /// artist order: each stored artist's rows, then its new ones.
    private func merge(_ ids: [String], _ columns: [ParquetColumn], through upper: String?) throws {
        var order: [Int] = [], orderIDs: [String] = []
        var stored = 0, next = 0
        func takeNew() {
            order.append(~next)
            orderIDs.append(pending[next].artistID)
            next += 1
        }
        while stored < ids.count {
            while next < pending.count, pending[next].artistID.utf8.lexicographicallyPrecedes(ids[stored].utf8) { takeNew() }
            let id = ids[stored]
            while stored < ids.count, ids[stored] == id {
                order.append(stored)
                orderIDs.append(id)
                stored += 1
            }
            while next < pending.count, pending[next].artistID == id { takeNew() }
        }
        while next < pending.count, upper.map({ !$0.utf8.lexicographicallyPrecedes(pending[next].artistID.utf8) }) ?? true { takeNew() }
        guard !order.isEmpty else { return }
        let added = table.parquetColumns(Array(pending[..<next]))
        // New rows are numbered from the front of `pending` here, so picks index `added`.
        let batch = buffer.append(try zip(columns, added).map { try $0.gathered($1, order) }, ids: orderIDs)
        pending.removeFirst(next)
        for group in groups.add(Array(batch)) { try writer.append(try buffer.take(group.count)) }
    }
}

/// `release_impact` rewritten span by span: the stored rows are read as far as each span
/// reaches (artists in order); an analysed artist's events whose windows reach the new days
/// are computed again, its older ones kept as stored under its latest name; artists without
/// state keep theirs. Rows go out in row groups as a full rebuild cuts them.
private struct ImpactRewrite {
    private var stored: ProcessedSpanReader<ReleaseImpact>
    private var groups: ArtistRowGroups<ReleaseImpact>
    private var writer: ParquetWriter
    private let cut: Day
    private(set) var count = 0

    init(_ engine: LocalEngine, cut: Day) async throws {
        var tables: [ProcessedTableReader.OpenedTable] = []
        for key in try await ProcessedTableReader.files(.releaseImpact, in: engine.store) {
            tables.append(try await ProcessedTableReader.open(key, in: engine.store))
        }
        stored = try ProcessedSpanReader(tables, artistID: { $0.artistID }, decode: { try ProcessedTableReader.impacts($0, span: nil) })
        groups = ArtistRowGroups(limit: engine.parquetOptions.rowGroupRows) { $0.artistID }
        writer = try ParquetWriter(schema: Tables.releaseImpact.parquetSchema, options: engine.parquetOptions)
        self.cut = cut
    }

    /// Adds a span's analysed artists (all ids up to `upper`); returns their rows.
    mutating func add(_ analyses: [ArtistAnalysis], through upper: String?) async throws -> [String: [ReleaseImpact]] {
        var byArtist: [String: [ReleaseImpact]] = [:]
        for impact in try await stored.rows(through: upper) { byArtist[impact.artistID, default: []].append(impact) }
        var analysed: [String: [ReleaseImpact]] = [:]
        for analysis in analyses {
            var old = (byArtist[analysis.artistID] ?? []).filter { $0.eventDay < cut }
            let computedOld = analysis.impacts.filter { $0.eventDay < cut }
            guard old.map(\.eventDay) == computedOld.map(\.eventDay), old.map(\.albumIDs) == computedOld.map(\.albumIDs) else {
                throw AppendRefusal(description: "the stored events of \(analysis.artistID) do not match its release calendar")
            }
            let name = analysis.daily.last?.artistName
            for index in old.indices { old[index].artistName = name }
            analysed[analysis.artistID] = old + analysis.impacts.filter { $0.eventDay >= cut }
        }
        let ids = Set(byArtist.keys).union(analysed.keys).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        try write(ids.flatMap { analysed[$0] ?? byArtist[$0] ?? [] })
        return analysed
    }

    private mutating func write(_ rows: [ReleaseImpact]) throws {
        count += rows.count
        for group in groups.add(rows) { try writer.append(Tables.releaseImpact.parquetColumns(group)) }
    }

    /// The rest of the stored rows (artists after the last span), and the file.
    mutating func finish() async throws -> (file: [UInt8], rows: Int) {
        _ = try await add([], through: nil)
        let rest = groups.finish()
        if !rest.isEmpty { try writer.append(Tables.releaseImpact.parquetColumns(rest)) }
        return (writer.finish(), count)
    }
}

/// Merged rows waiting for their row group, batch by batch as merged, and each row's artist
/// by its number among all rows merged (groups are taken from the front; values are copied
/// once, into the group).
private final class MergeBuffer {
    private var batches: [(columns: [ParquetColumn], ids: [String], taken: Int)] = []
    private let empty: [ParquetColumn]
    /// The number of the first row still held.
    private var start = 0
    private(set) var total = 0

    init(empty: [ParquetColumn]) { self.empty = empty }

    /// Adds rows; returns their numbers.
    func append(_ columns: [ParquetColumn], ids: [String]) -> Range<Int> {
        batches.append((columns, ids, 0))
        total += ids.count
        return (total - ids.count)..<total
    }

    func artist(at number: Int) -> String {
        var offset = number - start
        for batch in batches {
            let held = batch.ids.count - batch.taken
            if offset < held { return batch.ids[batch.taken + offset] }
            offset -= held
        }
        return ""
    }

    /// The first `count` rows, removed.
    func take(_ count: Int) throws -> [ParquetColumn] {
        var picks: [[Int]] = []
        var left = count
        for index in batches.indices where left > 0 {
            let n = min(left, batches[index].ids.count - batches[index].taken)
            picks.append(Array(batches[index].taken..<(batches[index].taken + n)))
            batches[index].taken += n
            left -= n
        }
        var out = empty
        for (batch, rows) in zip(batches, picks) {
            out = try zip(out, batch.columns).map { try $0.appending($1, rows) }
        }
        batches.removeAll { $0.taken == $0.ids.count }
        start += count
        return out
    }
}

/// A processed row's artist (the tables are in artist order).
protocol ArtistKeyed { var artistID: String { get } }
extension ArtistDaily: ArtistKeyed {}
extension ArtistSignal: ArtistKeyed {}

extension ParquetColumn {
    /// Values picked from this column (`n >= 0`) or from `other` (`~n`), of the same type.
    func gathered(_ other: ParquetColumn, _ picks: [Int]) throws -> ParquetColumn {
        func pick<T>(_ a: [T?], _ b: [T?]) -> [T?] { picks.map { $0 >= 0 ? a[$0] : b[~$0] } }
        switch (self, other) {
        case let (.string(a), .string(b)): return .string(pick(a, b))
        case let (.date(a), .date(b)): return .date(pick(a, b))
        case let (.int32(a), .int32(b)): return .int32(pick(a, b))
        case let (.int64(a), .int64(b)): return .int64(pick(a, b))
        case let (.double(a), .double(b)): return .double(pick(a, b))
        case let (.boolean(a), .boolean(b)): return .boolean(pick(a, b))
        default: throw AppendRefusal(description: "a stored column has another type")
        }
    }

    /// This column's values, then the values at `rows` of `other` (of the same type).
    func appending(_ other: ParquetColumn, _ rows: [Int]) throws -> ParquetColumn {
        func joined<T>(_ a: [T?], _ b: [T?]) -> [T?] {
            var out = a
            out.reserveCapacity(a.count + rows.count)
            for row in rows { out.append(b[row]) }
            return out
        }
        switch (self, other) {
        case let (.string(a), .string(b)): return .string(joined(a, b))
        case let (.date(a), .date(b)): return .date(joined(a, b))
        case let (.int32(a), .int32(b)): return .int32(joined(a, b))
        case let (.int64(a), .int64(b)): return .int64(joined(a, b))
        case let (.double(a), .double(b)): return .double(joined(a, b))
        case let (.boolean(a), .boolean(b)): return .boolean(joined(a, b))
        default: throw AppendRefusal(description: "a stored column has another type")
        }
    }
}
