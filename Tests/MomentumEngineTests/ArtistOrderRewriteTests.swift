// The promotion's rewrite of a month Athena staged in no order: the same rows, in artist order,
// laid out as the local engine lays the table out (the same bytes as writing the sorted rows),
// whether the month is sorted in memory or in runs spilled and merged; its row groups then
// cover disjoint ranges of artists, which is what lets a reader of some artists skip the rest.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText
@testable import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct ArtistOrderRewriteTests {
    /// 300 artists × 31 days, values from a seed; ids of varied lengths so that byte order matters.
    static func month() -> [ArtistDaily] {
        var generator = SplitMix(seed: 7)
        let start = Day(iso: "2026-03-01")!
        return (0..<300).flatMap { artist in
            let id = String(repeating: "z", count: artist % 3) + String(format: "%05d", (artist * 7_919) % 100_003)
            return (0..<31).map { offset in
                ArtistDaily(artistID: id, artistName: "Artist \(artist)", day: start + offset, followers: Int64(generator.next() % 1_000_000),
                            popularity: offset % 5 == 0 ? nil : Int32(generator.next() % 100), prevDay: offset == 0 ? nil : start + offset - 1,
                            gapDays: offset == 0 ? nil : 1, followerDelta: nil, addsPerDay: Double(generator.next() % 1000) / 7,
                            logGrowth: nil, pctChange: nil, growth7d: nil, growth28d: nil, popularityChange7d: nil,
                            releaseCount: Int32(offset / 10), daysSinceRelease: nil)
            }
        }
    }

    @Test(arguments: [1_000_000, 1_000])
    func aShuffledMonthComesBackInArtistOrderAsTheLocalEngineWritesIt(runRows: Int) async throws {
        let folder = try Repository.temporaryFolder("artist-order")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder.appendingPathComponent("lake"))
        let rows = Self.month()
        var generator = SplitMix(seed: 3)
        let shuffled = rows.shuffled(using: &generator)
        // As Athena stages it: any order, row groups over every artist, in two files.
        let options = ParquetWriter.Options(rowGroupRows: LocalEngine.processedRowGroupRows)
        try await store.put("_athena/staging/r/month=2026-03/a", bytes: try Tables.artistDaily.parquetFile(Array(shuffled[..<4_000]), options: .init(rowGroupRows: 700)))
        try await store.put("_athena/staging/r/month=2026-03/b", bytes: try Tables.artistDaily.parquetFile(Array(shuffled[4_000...]), options: .init(rowGroupRows: 700)))

        var rewrite = ArtistOrderRewrite.artistDaily(options: options)
        rewrite.runRows = runRows
        rewrite.runGroupRows = 256
        let rewritten = try await rewrite.rewrite(["_athena/staging/r/month=2026-03/a", "_athena/staging/r/month=2026-03/b"], in: store,
                                                  month: "2026-03", scratch: folder.appendingPathComponent("scratch"))
        #expect(rewritten.rows == rows.count)
        #expect(runRows < rows.count ? rewritten.runs > 1 : rewritten.runs == 0, "runs: \(rewritten.runs)")
        let sorted = rows.sorted { UTF8Order.equal($0.artistID, $1.artistID) ? $0.day < $1.day : UTF8Order.less($0.artistID, $1.artistID) }
        let bytes = try [UInt8](Data(contentsOf: rewritten.file))
        let asTheLocalEngine = bytes == (try Tables.artistDaily.parquetFile(sorted, options: options))
        #expect(asTheLocalEngine, "the local engine's bytes for these rows")

        // Row groups over disjoint, ascending ranges of artists: a reader of one artist reads one or two.
        let reader = try await ParquetReader.open(bytes: bytes, name: "rewritten")
        let ranges = try reader.rowGroupRanges(of: "artist_id")
        #expect(ranges.count > 1)
        for (previous, next) in zip(ranges, ranges.dropFirst()) {
            guard case .string(let last)? = previous.max, case .string(let first)? = next.min else { Issue.record("no statistics"); continue }
            #expect(UTF8Order.less(last, first), "\(last) then \(first)")
        }
        let back = try ProcessedTableReader.daily(ProcessedColumns(table: try await reader.read(), file: "rewritten"), span: nil)
        let sameRows = back == sorted
        #expect(sameRows, "the rows read back are the sorted rows")
    }
}
