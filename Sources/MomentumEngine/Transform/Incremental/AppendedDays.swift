// The daily case at the cost of a day: new metric files whose days all come after the last
// stored day, and nothing else new. Rows are causal (a row reads its own day and earlier ones,
// `incremental.md`), so every stored `artist_daily` and `artist_signals` row stays as it is,
// and the new days' rows are appended to their month partitions (decoded and written again:
// a partition is one object). The new rows, the events whose 14-day windows reach the new
// days, and the leaderboard are computed by the analytics from the carried state
// (`CarriedState`) plus the new records: the same inputs, over the days they read, that a full
// rebuild gives them. Older events keep their stored rows, renamed to the artist's latest name.
//
// Whatever the state cannot settle sends the run back to the window (and says why): a new
// record dated on or before the last day, an artist the state does not know, a leaderboard
// day before the new days, events that do not match the stored ones.

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
    func appendDays(newKeys: Set<String>, lastDay: Day, rawListing: [ObjectInfo]) async throws -> TransformSummary {
        var clock = PhaseClock(logger: logger)
        let metrics = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store, including: { newKeys.contains($0) })
        // A file that could not be read is left for the next run, like any other run does; one
        // that was read must hold days after the state's only.
        guard metrics.recordCount > 0 else { throw AppendRefusal(description: "the new files hold no record") }
        if let early = metrics.recordsByFile.joined().first(where: { $0.capturedAt.day <= lastDay }) {
            throw AppendRefusal(description: "a new record of \(early.artistID) is dated \(early.capturedAt.day.isoString), not after the last day \(lastDay.isoString)")
        }
        let carried = try await CarriedState.read(store)
        clock.lap("read \(metrics.files) new raw files (\(metrics.recordCount) records) and the state of \(carried.count) artists")

        var inputs = carried.map { ($0.artistID, $0.inputs) }
        let known = Dictionary(uniqueKeysWithValues: carried.enumerated().map { ($1.artistID, $0) })
        for record in metrics.recordsByFile.joined() {
            guard let index = known[record.artistID] else {
                throw AppendRefusal(description: "artist \(record.artistID) has no carried state (new, or not seen for weeks)")
            }
            inputs[index].1.observations.append(record)
        }
        let analyses = await LocalEngine.parallelMap(inputs) { id, artist in
            ArtistAnalysis(artistID: id, observations: artist.observations, releases: artist.releases)
        }
        let firstDay = lastDay + 1
        guard let asOf = Leaderboard.defaultAsOf(analyses), asOf >= firstDay else {
            throw AppendRefusal(description: "no follower count on the new days: the leaderboard's day reads history before the state")
        }
        clock.lap("analysed \(analyses.count) artists over the state's \(CarriedState.windowDays) days and the new ones")
        // Independent work on both cores: each month's partitions, the events, the state.
        let months = Set(analyses.flatMap { $0.daily.filter { $0.day >= firstDay }.map(\.day.monthIndex) }).sorted()
        let state = try CarriedStateWriter(lastDay: max(lastDay, metrics.recordsByFile.joined().map(\.capturedAt.day).max() ?? lastDay), options: parquetOptions)
        async let encodedState: Void = state.add(analyses)
        async let events = appendedImpacts(analyses, firstDay: firstDay)
        let partitions = try await withThrowingTaskGroup(of: (LakeDataset, String, (bytes: [UInt8], rows: Int, stored: Bool)).self) { group in
            for month in months {
                let partition = ("month", Day.monthString(ofMonthIndex: month))
                let dailyKey = LakeLayout.processedKey(.artistDaily, partition: partition)
                let signalKey = LakeLayout.processedKey(.artistSignals, partition: partition)
                let daily = analyses.flatMap { $0.daily.filter { $0.day >= firstDay && $0.day.monthIndex == month } }
                let signals = analyses.flatMap { $0.signals.filter { $0.day >= firstDay && $0.day.monthIndex == month } }
                group.addTask { (.artistDaily, dailyKey, try await self.appendedPartition(Tables.artistDaily, key: dailyKey, new: daily)) }
                group.addTask { (.artistSignals, signalKey, try await self.appendedPartition(Tables.artistSignals, key: signalKey, new: signals)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let (impacts, byArtist) = try await events
        try await encodedState
        var files: [LakeDataset: [String: [UInt8]]] = [:]
        var dailyRows = 0, signalRows = 0
        for (dataset, key, partition) in partitions {
            if dataset == .artistDaily {
                dailyRows += partition.rows
                files[dataset, default: [:]][key] = partition.bytes
            } else {
                signalRows += partition.rows
                // A full rebuild writes no partition without signals (but for an empty table).
                if partition.rows > 0 || partition.stored { files[dataset, default: [:]][key] = partition.bytes }
            }
        }
        // A table without any signal is one empty partition, of the leaderboard's month: not
        // one a full rebuild would leave once signals appear, or the day moves.
        let signalFiles = try await processedFiles(.artistSignals)
        if signalFiles.count == 1, let only = signalFiles.first, files[.artistSignals]?[only.key] == nil,
           try await ParquetReader.open(store, key: only.key, wholeFileLimit: 0).rowCount == 0 {
            throw AppendRefusal(description: "artist_signals has no row yet")
        }
        files[.releaseImpact] = [LakeLayout.processedKey(.releaseImpact, partition: nil): try Tables.releaseImpact.parquetFile(impacts, options: parquetOptions)]
        // The leaderboard reads each artist's latest event's impact: the stored one when older.
        let leaderboard = Leaderboard.rank(analyses.compactMap { analysis in
            ArtistAnalysis(artistID: analysis.artistID, daily: analysis.daily, signals: analysis.signals, impacts: byArtist[analysis.artistID] ?? [])
                .leaderboardEntry(asOf: asOf)
        })
        clock.lap("wrote \(months.count) month(s) of artist_daily and artist_signals again with the new rows, \(impacts.count) events and the state")

        // The last check: from here the tables are published, file by file.
        try Task.checkCancellation()
        var written = 0
        for (_, byKey) in files.sorted(by: { $0.key.prefix < $1.key.prefix }) {
            for (key, bytes) in byKey.sorted(by: { $0.key < $1.key }) {
                try await store.put(key, bytes: bytes)
                written += 1
            }
        }
        var observed = Set<Day>()
        for record in metrics.recordsByFile.joined() { observed.insert(record.capturedAt.day) }
        let snapshots = try await writeLeaderboard(leaderboard, asOf: asOf, observedDays: observed, knownFrom: firstDay)
        written += snapshots.written
        try await state.publish(to: store)
        try await recordTransform(engine: "local", rawListing: rawListing, unread: unreadKeys(metrics.malformed), carriedLastDay: state.lastDay)
        clock.lap("wrote \(written) files and the state")
        for line in metrics.malformed { logger.debug("skipped a malformed line", metadata: ["line": "\(line)"]) }
        return TransformSummary(
            artists: analyses.count, dailyRows: dailyRows, signalRows: signalRows, events: impacts.count, leaderboardRows: leaderboard.count,
            asOf: asOf, objectsWritten: written, objectsRemoved: snapshots.removed, malformed: metrics.malformed, rawBytes: metrics.bytes,
            scope: .appended(days: observed.sorted(), newFiles: newKeys.count))
    }

    /// A month partition with the new rows after each artist's stored ones (artists in id
    /// order; a new day comes after every stored one), merged column by column (no stored row
    /// is decoded into its struct) and cut into row groups as a full rebuild cuts them.
    private func appendedPartition<Row: ArtistKeyed>(_ table: TableDefinition<Row>, key: String, new rows: [Row]) async throws
        -> (bytes: [UInt8], rows: Int, stored: Bool) {
        let added = table.parquetColumns(rows)
        var stored = table.parquetColumns([])
        var storedIDs: [String?] = []
        let exists = try await store.size(of: key) != nil
        if exists {
            let reader = try await ParquetReader.open(store, key: key)
            guard reader.schema == table.parquetSchema else {
                throw AppendRefusal(description: "\(key) does not have the columns this version writes")
            }
            let read = try await reader.read(columns: table.columnNames)
            stored = try table.columnNames.map { name in
                guard let column = read.column(name) else { throw AppendRefusal(description: "\(key) has no column \(name)") }
                return column
            }
            guard case .string(let ids) = stored[0], table.columnNames.first == "artist_id" else {
                throw AppendRefusal(description: "\(key) does not start with artist_id")
            }
            storedIDs = ids
        }
        // The merged order: stored rows as n >= 0, new rows as ~n.
        var order: [Int] = []
        order.reserveCapacity(storedIDs.count + rows.count)
        var next = 0
        for (index, row) in rows.enumerated() {
            while next < storedIDs.count, let id = storedIDs[next], !row.artistID.utf8.lexicographicallyPrecedes(id.utf8) {
                order.append(next)
                next += 1
            }
            order.append(~index)
        }
        while next < storedIDs.count {
            order.append(next)
            next += 1
        }
        var groups = ArtistRowGroups<Int>(limit: parquetOptions.rowGroupRows) { $0 >= 0 ? storedIDs[$0] ?? "" : rows[~$0].artistID }
        var writer = try ParquetWriter(schema: table.parquetSchema, options: parquetOptions)
        for group in groups.add(order) + [groups.finish()] where !group.isEmpty {
            try writer.append(try zip(stored, added).map { try $0.gathered($1, group) })
        }
        return (writer.finish(), order.count, exists)
    }

    /// Every `release_impact` row: events whose windows reach the new days computed again, older
    /// ones as stored with the artist's latest name; artists in order, events in order.
    /// Also returns each analysed artist's rows.
    private func appendedImpacts(_ analyses: [ArtistAnalysis], firstDay: Day) async throws -> (all: [ReleaseImpact], byArtist: [String: [ReleaseImpact]]) {
        let cut = firstDay - WindowedIncrement.eventReachForward
        let stored = try await ProcessedTableReader.impacts(try await ProcessedTableReader.files(.releaseImpact, in: store), in: store, artistID: nil)
        var storedByArtist: [String: [ReleaseImpact]] = [:]
        for impact in stored { storedByArtist[impact.artistID, default: []].append(impact) }
        var impacts: [ReleaseImpact] = []
        impacts.reserveCapacity(stored.count)
        var analysed: [String: [ReleaseImpact]] = [:]
        for analysis in analyses {
            var old = (storedByArtist[analysis.artistID] ?? []).filter { $0.eventDay < cut }
            let computedOld = analysis.impacts.filter { $0.eventDay < cut }
            guard old.map(\.eventDay) == computedOld.map(\.eventDay), old.map(\.albumIDs) == computedOld.map(\.albumIDs) else {
                throw AppendRefusal(description: "the stored events of \(analysis.artistID) do not match its release calendar")
            }
            let name = analysis.daily.last?.artistName
            for index in old.indices { old[index].artistName = name }
            let rows = old + analysis.impacts.filter { $0.eventDay >= cut }
            analysed[analysis.artistID] = rows
            impacts += rows
        }
        // Artists without state have no rows since the state's window began: their events stay.
        let others = storedByArtist.filter { analysed[$0.key] == nil }
        guard others.isEmpty else {
            let all = impacts + others.values.joined()
            return (all.enumerated().sorted { a, b in
                a.element.artistID != b.element.artistID ? a.element.artistID.utf8.lexicographicallyPrecedes(b.element.artistID.utf8) : a.offset < b.offset
            }.map(\.element), analysed)
        }
        return (impacts, analysed)
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
}
