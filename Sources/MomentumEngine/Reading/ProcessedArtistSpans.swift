// Every artist's analysis from the processed tables, a span of artists at a time, so that a
// reader of the whole lake (the dashboard) holds one span's rows, not the lake's. The transform
// writes each month's rows in artist order, one row group per range of ids, so a span reads a
// few row groups of each file; the spans are cut at the row groups' bounds.

import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

extension LocalEngine {
    /// Calls `body` with the analyses of each span of artists in turn, in id order; every
    /// artist of the tables is in exactly one span. A span holds about `rowsPerSpan` (default
    /// `spanRows`) daily rows; a span's rows of every table, as the analytics' types, take a few
    /// hundred bytes each. With `within`, the artists of that span only (a part of the roster:
    /// row groups outside it are not read).
    package func forEachProcessedSpan(
        _ processed: ProcessedLake, within range: ArtistSpan? = nil, rowsPerSpan: Int? = nil, _ body: ([ArtistAnalysis]) async throws -> Void
    ) async throws {
        precondition(range?.includesLower != true, "a part of the roster starts after an id")
        let after = range?.lower
        func opened(_ keys: [String]) async throws -> [ProcessedTableReader.OpenedTable] {
            var tables: [ProcessedTableReader.OpenedTable] = []
            for key in keys { tables.append(try await ProcessedTableReader.open(key, in: store, holdingBytes: false)) }
            return tables
        }
        let dailyFiles = try await opened(processed.dailyKeys)
        var daily = try ProcessedSpanReader(dailyFiles, after: after, artistID: \.artistID) { try ProcessedTableReader.daily($0, span: nil) }
        var signals = try ProcessedSpanReader(try await opened(processed.signalKeys), after: after, artistID: \.artistID) { try ProcessedTableReader.signals($0, span: nil) }
        var impacts = try ProcessedSpanReader(try await opened(processed.impactKeys), after: after, artistID: \.artistID) { try ProcessedTableReader.impacts($0, span: nil) }
        var audience = try ProcessedSpanReader(try await opened(processed.audienceKeys), after: after, artistID: \.artistID) { try ProcessedTableReader.audience($0, span: nil) }
        // The spans' ends within the range; the last ends at the range's end.
        var ends = try Self.spanEnds(of: dailyFiles, rowsPerSpan: rowsPerSpan ?? spanRows).dropLast().filter { end in
            end.map { id in range?.contains(id) ?? true } ?? false
        }
        ends.append(range?.upper)
        for upper in ends {
            try Task.checkCancellation()
            let dailyRows = Dictionary(grouping: try await daily.rows(through: upper), by: \.artistID)
            let signalRows = Dictionary(grouping: try await signals.rows(through: upper), by: \.artistID)
            let impactRows = Dictionary(grouping: try await impacts.rows(through: upper), by: \.artistID)
            let audienceRows = Dictionary(grouping: try await audience.rows(through: upper), by: \.artistID)
            let ids = Set(dailyRows.keys).union(impactRows.keys).union(audienceRows.keys).sorted { UTF8Order.less($0, $1) }
            try await body(ids.map {
                ArtistAnalysis(artistID: $0, daily: dailyRows[$0] ?? [], signals: signalRows[$0] ?? [],
                               impacts: impactRows[$0] ?? [], audience: audienceRows[$0] ?? [])
            })
            MemoryRelease.returnFreedPages()
        }
    }

    /// The greatest id of each span of about `rowsPerSpan` daily rows, cut where row groups of
    /// `artist_daily` end; the last span has no bound (nil): it also holds artists found in the
    /// other tables only, after every daily row group. Without statistics to cut at (a file
    /// written by a tool that gives none), one span holds every artist, as reading the whole
    /// tables did.
    static func spanEnds(of daily: [ProcessedTableReader.OpenedTable], rowsPerSpan: Int) throws -> [String?] {
        var ends: [(id: String, rows: Int)] = []
        for table in daily {
            for group in try table.reader.rowGroupRanges(of: "artist_id") {
                guard case .string(let last)? = group.max else { return [nil] }
                ends.append((last, group.rowCount))
            }
        }
        ends.sort { UTF8Order.less($0.id, $1.id) }
        var spans: [String?] = []
        var rows = 0
        for (index, end) in ends.enumerated() {
            rows += end.rows
            let nextIsSame = index + 1 < ends.count && UTF8Order.equal(ends[index + 1].id, end.id)
            if rows >= rowsPerSpan, !nextIsSame {
                spans.append(end.id)
                rows = 0
            }
        }
        return spans + [nil]
    }
}
