// Parquet files of a few hundred bytes that declare billions of rows, a delta page of 1 KB
// that unrolls to 100 million values, a GZIP page that inflates far past its declared size
// (Tests/Fixtures/hostile-parquet, written by Tests/Tools/hostile_parquet.py): each is refused
// with an error naming the file before anything large is allocated.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

@Suite struct HostileParquetTests {
    static let shapes = ["dictionary-rle-run", "all-null", "delta-binary-packed", "gzip-bomb"]

    static func fixture(_ shape: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/hostile-parquet/\(shape).parquet")))
    }

    @Test(arguments: shapes)
    func declaredCountsAreBoundedByTheFile(_ shape: String) async throws {
        let bytes = try Self.fixture(shape)
        let clock = ContinuousClock()
        let started = clock.now
        do {
            let reader = try await ParquetReader.open(bytes: bytes, name: "\(shape).parquet")
            _ = try await reader.read()
            Issue.record("\(shape) was read")
        } catch let error as LakeError {
            #expect(error.isKind(of: .formatKind))
            #expect(error.message.contains("\(shape).parquet"), "\(error.message)")
        }
        #expect(clock.now - started < .seconds(2))
    }

    /// A reader of one row group at a time (the dashboard's span reader) checks the whole
    /// file's declared values before its first read, as one read of every group does: each
    /// group alone may be within the file's allowance when all of them are not.
    @Test func theWholeFileIsCheckedBeforeReadingItGroupByGroup() async throws {
        // 100 columns of nulls, 20,000 rows in two groups: a few KB that declare 2 million
        // values, twice what a file of that size may produce; each group alone is 1 million.
        let fields = (0..<100).map { ParquetField("c\($0)", .int64) }
        var writer = try ParquetWriter(schema: fields, options: .init(codec: .snappy, rowGroupRows: 10_000, pageRows: 10_000))
        try writer.append(fields.map { _ in .int64([Int64?](repeating: nil, count: 20_000)) })
        let bytes = writer.finish()
        try #require(ParquetReader.valueAllowance(fileSize: bytes.count) == ParquetReader.minimumValueAllowance)
        let reader = try await ParquetReader.open(bytes: bytes, name: "nulls.parquet")
        #expect(try await reader.read(rowGroups: [1]).rowCount == 10_000)
        #expect(throws: LakeError.self) { try reader.checkValueAllowance() }
        await #expect(throws: LakeError.self) { try await reader.read() }
        #expect(throws: Never.self) { try reader.checkValueAllowance(columns: ["c0", "c1"]) }
    }

    @Test func aPageMayNotDeclareMoreThanItsCodecCanInflate() async throws {
        // A real file whose page headers are intact reads; the allowance grows with the file.
        #expect(ParquetReader.valueAllowance(fileSize: 10) == ParquetReader.minimumValueAllowance)
        #expect(ParquetReader.valueAllowance(fileSize: 1 << 30) == (1 << 30) * ParquetReader.maximumValuesPerByte)
        #expect(ParquetReader.valueAllowance(fileSize: Int.max) > 0)
    }

    @Test func gzipStopsInflatingAtItsLimit() throws {
        let bomb = try Gzip.compress([UInt8](repeating: 0, count: 8 << 20))
        #expect(throws: LakeError.compressionKind) { _ = try Gzip.decompress(bomb, limit: 16) }
        #expect(try Gzip.decompress(bomb, limit: 8 << 20).count == 8 << 20)
    }

    @Test func manyRowsInATinyFileAreRefusedEvenWhenEachGroupIsSmall() async throws {
        // A legitimate writer's file, then the allowance check against a file claimed larger
        // than its bytes: rows within the allowance read, as they always did.
        let rows = 70_000
        var writer = try ParquetWriter(schema: [ParquetField("n", .int64, nullable: false)], options: .init(codec: .snappy, rowGroupRows: 10_000, pageRows: 10_000))
        try writer.append([.int64([Int64](repeating: 7, count: rows))])
        let file = writer.finish()
        let table = try await ParquetReader.open(bytes: file, name: "constant.parquet").read()
        #expect(table.rowCount == rows)
    }
}
