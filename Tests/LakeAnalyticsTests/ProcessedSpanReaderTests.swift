// The processed tables read a span of artists at a time: each row group once, rows of a group
// that reaches into later spans kept for them, and a file whose declared values are more than
// its size allows refused before the first group is read.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumTestSupport
import Testing

@Suite struct ProcessedSpanReaderTests {
    /// A table of `artist_id` and `n`, written in groups of `groupRows`, opened footer-only.
    private func table(_ ids: [String], groupRows: Int, in store: FileSystemObjectStore, key: String) async throws -> ProcessedTableReader.OpenedTable {
        var writer = try ParquetWriter(schema: [ParquetField("artist_id", .string, nullable: false), ParquetField("n", .int64)],
                                       options: .init(codec: .snappy, rowGroupRows: groupRows, pageRows: groupRows))
        try writer.append([.string(ids), .int64(ids.indices.map { Int64($0) })])
        try await store.put(key, bytes: writer.finish())
        return try await ProcessedTableReader.open(key, in: store, holdingBytes: false)
    }

    private func reader(_ tables: [ProcessedTableReader.OpenedTable]) throws -> ProcessedSpanReader<(String, Int64)> {
        try ProcessedSpanReader(tables, artistID: { $0.0 }) { columns in
            guard case .string(let ids)? = columns.table.column("artist_id"), case .int64(let numbers)? = columns.table.column("n") else { return [] }
            return zip(ids, numbers).map { ($0 ?? "", $1 ?? -1) }
        }
    }

    @Test func everyRowComesOnceInItsSpanWhateverTheRowGroups() async throws {
        let folder = try Repository.temporaryFolder("span-reader")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let ids = (0..<300).map { String(format: "a%03d", $0) }
        // Groups of 10 ids (a transform's), one group of every id (another tool's), and groups
        // of 128 that straddle the spans.
        let tables = [
            try await table(ids, groupRows: 10, in: store, key: "small.parquet"),
            try await table(ids, groupRows: 1_000, in: store, key: "one.parquet"),
            try await table(ids, groupRows: 128, in: store, key: "wide.parquet"),
        ]
        var spans = try reader(tables)
        var seen: [[String]] = []
        for upper in ["a049", "a050", "a199", nil] as [String?] {
            let rows = try await spans.rows(through: upper)
            #expect(rows.allSatisfy { upper == nil || $0.0 <= upper! }, "rows past \(upper ?? "the end")")
            seen.append(rows.map(\.0))
        }
        // Each id three times (once per file), each in the first span that reaches it, in file order.
        #expect(seen.map(\.count) == [150, 3, 447, 300])
        #expect(seen.joined().sorted() == ids.flatMap { [$0, $0, $0] })
        #expect(seen[1] == ["a050", "a050", "a050"])
        #expect(try await spans.rows(through: nil).isEmpty)
    }

    @Test func aFileThatDeclaresMoreThanItsSizeAllowsIsRefusedBeforeAnyRead() async throws {
        // All-null columns: a few KB declaring 2 million values (a file of that size may give
        // 1 million); each of its two row groups alone is within that.
        let fields = [ParquetField("artist_id", .string)] + (0..<99).map { ParquetField("c\($0)", .int64) }
        var writer = try ParquetWriter(schema: fields, options: .init(codec: .snappy, rowGroupRows: 10_000, pageRows: 10_000))
        try writer.append([.string([String?](repeating: nil, count: 20_000))] + (0..<99).map { _ in .int64([Int64?](repeating: nil, count: 20_000)) })
        let folder = try Repository.temporaryFolder("span-reader-hostile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        try await store.put("nulls.parquet", bytes: writer.finish())
        let opened = try await ProcessedTableReader.open("nulls.parquet", in: store, holdingBytes: false)
        #expect(throws: LakeError.self) { _ = try reader([opened]) }
    }
}
