// `release_impact` of a run that appends days, span by span (`AppendedDays.swift`).

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// `release_impact` rewritten span by span: the stored rows are read as far as each span
/// reaches (artists in order); an analysed artist's events whose windows reach the new days
/// are computed again, its older ones kept as stored under its latest name; artists without
/// state keep theirs. Rows go out in row groups as a full rebuild cuts them.
struct ImpactRewrite {
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
        let ids = Set(byArtist.keys).union(analysed.keys).sorted { UTF8Order.less($0, $1) }
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
