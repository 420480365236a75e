// ParquetReader reads what ParquetWriter writes, and (tagged .outsideTools) what
// pyarrow and DuckDB write with every codec, page version and encoding they offer; damaged
// files are errors that name the file.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

@Suite struct ParquetReaderTests {
    @Test(arguments: ParquetInteropTests.cases)
    func readsWhatTheWriterWrites(_ testCase: ParquetInteropTests.Case) async throws {
        let columns = ParquetInteropTests.columns(rows: testCase.rows)
        var writer = try ParquetWriter(schema: columns.map(\.0), options: .init(codec: testCase.codec, rowGroupRows: testCase.rowGroupRows, pageRows: testCase.pageRows))
        try writer.append(columns.map(\.1))
        let file = writer.finish()
        let reader = try await ParquetReader.open(bytes: file, name: "case.parquet")
        #expect(reader.schema == columns.map(\.0))
        #expect(reader.rowCount == testCase.rows)
        let table = try await reader.read()
        for (field, column, _) in columns {
            #expect(describe(table.column(field.name)) == describe(column), "\(field.name)")
        }
        // Projection: one column only.
        let one = try await reader.read(columns: ["followers"])
        #expect(one.schema.map(\.name) == ["followers"] && one.rowCount == testCase.rows)
    }

    @Test func rowGroupsOutsideAFilterAreSkipped() async throws {
        let ids = (0..<1000).map { String(format: "artist-%04d", $0) }
        var writer = try ParquetWriter(schema: [ParquetField("artist_id", .string, nullable: false), ParquetField("n", .int64)],
                                       options: .init(codec: .snappy, rowGroupRows: 100, pageRows: 50))
        try writer.append([.string(ids), .int64((0..<1000).map { Int64($0) })])
        let bytes = try writer.finish()
        let reader = try await ParquetReader.open(bytes: bytes, name: "groups.parquet")
        #expect(reader.rowGroupCount == 10)
        let one = try await reader.read(filter: .equals("artist_id", .string("artist-0421")))
        #expect(one.rowGroupsRead == 1 && one.rowGroupsSkipped == 9 && one.rowCount == 100)
        guard case .string(let found)? = one.column("artist_id") else { Issue.record("no artist_id"); return }
        #expect(found.contains("artist-0421") && !found.contains("artist-0521"))
        let range = try await reader.read(columns: ["n"], filter: ParquetFilter(column: "n", from: .integer(250), through: .integer(449)))
        #expect(range.rowGroupsRead == 3 && range.rowCount == 300, "read \(range.rowGroupsRead) groups, \(range.rowCount) rows")

        // Each group's bounds from the footer, and chosen groups read alone (from a reader that
        // keeps only the footer, reading column chunks as asked).
        let ranges = try reader.rowGroupRanges(of: "artist_id")
        #expect(ranges.count == 10 && ranges.allSatisfy { $0.rowCount == 100 })
        #expect(ranges[4].min == .string("artist-0400") && ranges[4].max == .string("artist-0499"))
        let last = try reader.rowGroupRanges(of: "n")[9]
        #expect(last.rowCount == 100 && last.min == .integer(900) && last.max == .integer(999))
        #expect(throws: LakeError.self) { try reader.rowGroupRanges(of: "nope") }
        let folder = try Repository.temporaryFolder("row-groups")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        try await store.put("groups.parquet", bytes: bytes)
        let footerOnly = try await ParquetReader.open(store, key: "groups.parquet", wholeFileLimit: 0)
        let chosen = try await footerOnly.read(columns: ["n"], rowGroups: [7, 2])
        guard case .int64(let numbers)? = chosen.column("n") else { Issue.record("no n"); return }
        #expect(numbers == (200..<300).map { Int64($0) } + (700..<800).map { Int64($0) } && chosen.rowGroupsRead == 2)
        await #expect(throws: LakeError.self) { try await reader.read(rowGroups: [10]) }
    }

    @Test func damagedFilesAreErrorsNamingTheFile() async throws {
        let columns = ParquetInteropTests.columns(rows: 300)
        var writer = try ParquetWriter(schema: columns.map(\.0), options: .init(codec: .snappy, rowGroupRows: 100, pageRows: 40))
        try writer.append(columns.map(\.1))
        let file = writer.finish()
        for cut in [0, 3, 11, 100, file.count / 2, file.count - 9, file.count - 1] {
            await #expect(throws: LakeError.formatKind) { _ = try await ParquetReader.open(bytes: Array(file.prefix(cut)), name: "cut.parquet").read() }
        }
        // Every single-byte change either reads (a value changed) or is a format error; never a crash.
        var generator = SystemRandomNumberGenerator()
        var errors = 0
        for _ in 0..<400 {
            var damaged = file
            let at = Int.random(in: 0..<damaged.count, using: &generator)
            damaged[at] ^= UInt8.random(in: 1...255, using: &generator)
            do {
                _ = try await ParquetReader.open(bytes: damaged, name: "damaged.parquet").read()
            } catch let error as LakeError {
                errors += 1
                #expect(error.message.contains("damaged.parquet"))
            }
        }
        #expect(errors > 0)
    }

    @Test func aFooterOfListsWithinListsIsAnErrorNotAStackOverflow() async throws {
        // Field 1 of FileMetaData as a list whose element is a list, 200,000 deep.
        var footer: [UInt8] = [0x19]
        footer += [UInt8](repeating: 0x19, count: 200_000)
        footer += [0x00]
        let length = UInt32(footer.count)
        let file = Array("PAR1".utf8) + footer + withUnsafeBytes(of: length.littleEndian, Array.init) + Array("PAR1".utf8)
        await #expect(throws: LakeError.formatKind) { _ = try await ParquetReader.open(bytes: file, name: "nested.parquet") }
    }

    @Test(.tags(.outsideTools))
    func readsWhatPyarrowAndDuckDBWrite() async throws {
        let folder = try Repository.temporaryFolder("parquet-variants")
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await OutsideTools.runScript("write_parquet_variants.py", [folder.path])
        try #require(result.status == 0, "\(result.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("expected.json"))) as? [String: [Any]] ?? [:]
        let files = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("files.json"))) as? [[String: Any]] ?? []
        #expect(files.count >= 12)
        let store = FileSystemObjectStore(root: folder)
        for entry in files {
            let name = entry["file"] as? String ?? "?"
            let table = try await ParquetReader.open(store, key: name).read()
            #expect(table.rowCount == 3000, "\(name)")
            for (column, values) in expected {
                let type = table.schema.first { $0.name == column }?.type
                let got = describe(table.column(column)), want = values.map { describeJSON($0, as: type) }
                let firstDifference = zip(got, want).enumerated().first { $0.element.0 != $0.element.1 }
                #expect(got.count == want.count && firstDifference == nil, "\(name): \(column): row \(firstDifference?.offset ?? -1): \(firstDifference.map { "\($0.element.0) ≠ \($0.element.1)" } ?? "count \(got.count)")")
            }
        }
        // Statistics written by pyarrow let a filter skip row groups.
        let grouped = try await ParquetReader.open(store, key: "pyarrow-row-groups.parquet").read(columns: ["artist_id"], filter: .equals("artist_id", .string("id00050")))
        #expect(grouped.rowGroupsRead == 1 && grouped.rowGroupsSkipped >= 3)
        // ZSTD is refused by name, naming the file.
        do {
            _ = try await ParquetReader.open(store, key: "zstd.parquet").read()
            Issue.record("a ZSTD file was read")
        } catch let error as LakeError {
            #expect(error.message.contains("ZSTD") && error.message.contains("zstd.parquet"))
        }
    }

    /// Every value as text, so columns of any type compare.
    func describe(_ column: ParquetColumn?) -> [String] {
        switch column {
        case .string(let v)?: return v.map { $0.map { "s:" + $0 } ?? "null" }
        case .date(let v)?, .int32(let v)?: return v.map { $0.map { "i:\($0)" } ?? "null" }
        case .int64(let v)?: return v.map { $0.map { "i:\($0)" } ?? "null" }
        case .double(let v)?: return v.map { $0.map { "d:\($0)" } ?? "null" }
        case .boolean(let v)?: return v.map { $0.map { "b:\($0)" } ?? "null" }
        case nil: return ["missing"]
        }
    }

    /// A JSON value as `describe` writes a value of the column's type.
    func describeJSON(_ value: Any, as type: ParquetType?) -> String {
        if type == .double, let text = value as? String, let number = Double(text) { return "d:\(number)" }
        if let string = value as? String { return "s:" + string }
        guard let number = value as? NSNumber else { return "null" }
        switch type {
        case .boolean?: return "b:\(number.boolValue)"
        case .double?: return "d:\(number.doubleValue)"
        default: return "i:\(number.int64Value)"
        }
    }
}

/// A string column keeps each value's own bytes: Swift's `String ==` is canonical equivalence,
/// under which a composed and a decomposed spelling are one value, but a file must not merge
/// them (Deezer stores some names decomposed; the dictionary of a column used to keep the first).
@Suite struct ParquetStringBytesTests {
    @Test func canonicallyEquivalentSpellingsStayApart() async throws {
        let composed = "Zoë Йод", decomposed = composed.decomposedStringWithCanonicalMapping
        #expect(composed == decomposed && Array(composed.utf8) != Array(decomposed.utf8))
        var writer = try ParquetWriter(schema: [ParquetField("name", .string, nullable: false)])
        try writer.append([.string([composed, decomposed, decomposed, composed])])
        let table = try await ParquetReader.open(bytes: writer.finish(), name: "names.parquet").read()
        guard case .string(let values)? = table.column("name") else {
            Issue.record("no string column")
            return
        }
        #expect(values.map { $0.map { Array($0.utf8) } } == [composed, decomposed, decomposed, composed].map { Array($0.utf8) })
    }
}
