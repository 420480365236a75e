@testable import LakeKit
import Testing

@Suite struct ParquetWriterTests {
    static let schema = [
        ParquetField("id", .string, nullable: false),
        ParquetField("name", .string),
        ParquetField("day", .date),
        ParquetField("n32", .int32),
        ParquetField("n64", .int64, nullable: false),
        ParquetField("x", .double),
        ParquetField("flag", .boolean),
    ]

    @Test func fileHasMagicFooterAndRowGroups() throws {
        var writer = try ParquetWriter(schema: Self.schema, options: .init(codec: .snappy, rowGroupRows: 2, pageRows: 1))
        try writer.append([
            .string(["a", "b", "c"]), .string(["x", nil, "z"]), .date([1, nil, 3]), .int32([nil, nil, nil]),
            .int64([1, 2, 3]), .double([0.5, nil, -1]), .boolean([true, nil, false]),
        ])
        let file = writer.finish()
        #expect(Array(file.prefix(4)) == Array("PAR1".utf8))
        #expect(Array(file.suffix(4)) == Array("PAR1".utf8))
        let footerLength = Int(file[file.count - 8]) | Int(file[file.count - 7]) << 8 | Int(file[file.count - 6]) << 16
        #expect(footerLength > 0 && footerLength < file.count)
    }

    @Test func rejectsMismatchedColumns() throws {
        var writer = try ParquetWriter(schema: [ParquetField("id", .string, nullable: false)])
        #expect(throws: LakeError.self) { try writer.append([.int32([1])]) }
        #expect(throws: LakeError.self) { try writer.append([.string([nil])]) }
        #expect(throws: LakeError.self) { try writer.append([]) }
        #expect(throws: LakeError.self) { try ParquetWriter(schema: [ParquetField("a", .int32), ParquetField("a", .int64)]) }
    }

    @Test func definitionLevelsAreRunLengthEncoded() {
        // After bytes already in the page: the length is written in its place.
        var out: [UInt8] = [42]
        let page: [Int32?] = [1, 2, 3, nil, 5]
        PlainEncoding.definitionLevels(of: page[...], into: &out)
        // length 6, then runs (3 << 1, 1), (1 << 1, 0), (1 << 1, 1)
        #expect(out == [42, 6, 0, 0, 0, 6, 1, 2, 0, 2, 1])
        var none: [UInt8] = []
        PlainEncoding.definitionLevels(of: ([] as [String?])[...], into: &none)
        #expect(none == [0, 0, 0, 0])
    }

    @Test func thriftCompactFieldHeaders() {
        var t = ThriftCompactWriter()
        t.field(1, i32: -1)
        t.field(20, i64: 3)
        t.field(21, bool: true)
        t.endMessage()
        // delta 1 i32 (0x15) zigzag(-1)=1; long form for id 20: type 6, zigzag(20)=40; delta 1 true (0x11)
        #expect(t.bytes == [0x15, 0x01, 0x06, 40, 0x06, 0x11, 0x00])
    }
}

@Suite struct DictionaryEncodingTests {
    @Test func repeatedStringsGetADictionaryAndDistinctOnesStayPlain() throws {
        func file(_ values: [String?]) throws -> [UInt8] {
            var writer = try ParquetWriter(schema: [ParquetField("s", .string)], options: .init(codec: .uncompressed))
            try writer.append([.string(values)])
            return writer.finish()
        }
        let repeated = try file(Array(repeating: "0TnOYISbd1XYRBk9myaseg", count: 5_000))
        let distinct = try file((0..<5_000).map { String(format: "%022d", $0) })
        // The repeated column holds one copy of the string and a single run of index 0.
        #expect(repeated.count < 1_000)
        #expect(distinct.count > 5_000 * 22)
    }

    @Test func runsEncodeValuesAndLengths() {
        var out: [UInt8] = []
        PlainEncoding.runs([3, 3, 3, 300, 300] as [UInt32], bitWidth: 9, into: &out)
        // (3 << 1) then 3 in two bytes; (2 << 1) then 300 in two bytes.
        #expect(out == [6, 3, 0, 4, 44, 1])
        #expect(UInt32(0).bitWidthNeeded == 0 && UInt32(1).bitWidthNeeded == 1 && UInt32(255).bitWidthNeeded == 8 && UInt32(256).bitWidthNeeded == 9)
    }
}
