// Files written by ParquetWriter are read back by pyarrow and DuckDB (the tests tagged
// .outsideTools), and the footer field ids are checked against parquet.thrift.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

@Suite struct ParquetInteropTests {
    struct Case: Sendable {
        var name: String
        var codec: ParquetCodec
        var rows: Int
        var rowGroupRows: Int
        var pageRows: Int
    }

    static let cases = [
        Case(name: "uncompressed", codec: .uncompressed, rows: 5, rowGroupRows: 100, pageRows: 100),
        Case(name: "snappy", codec: .snappy, rows: 2_500, rowGroupRows: 1_000, pageRows: 300),
        Case(name: "gzip", codec: .gzip, rows: 700, rowGroupRows: 256, pageRows: 64),
    ]

    /// Columns of every contract type, with nulls, extremes and text that needs care.
    static func columns(rows: Int) -> [(ParquetField, ParquetColumn, [Any?])] {
        let names = ["Beyoncé", "坂本龍一", "<script>alert(1)</script>", "\"quoted\", comma", "", "Zoë 🎵"]
        var strings: [String?] = [], ids: [String?] = [], dates: [Int32?] = [], small: [Int32?] = []
        var big: [Int64?] = [], doubles: [Double?] = [], flags: [Bool?] = [], statuses: [String?] = []
        for i in 0..<rows {
            strings.append(i % 7 == 3 ? nil : names[i % names.count] + String(i % 11))
            ids.append("id" + String((i * 7919) % 100_000))
            let day: Int32 = Int32(20_000 + i % 400) - Int32(30_000 * (i % 2))
            dates.append(i % 5 == 0 ? nil : day)
            small.append(i % 4 == 1 ? nil : (i % 9 == 0 ? Int32.min : Int32(i) - 50))
            big.append(i == 2 ? Int64.max : i == 3 ? Int64.min : Int64(i) * 1_000_003)
            doubles.append(i % 6 == 0 ? nil : Double(i) / 7 - 3)
            flags.append(i % 3 == 0 ? nil : i % 2 == 0)
            // Few distinct values, in runs: written with a dictionary.
            statuses.append((i / 5) % 3 == 0 ? "ok" : "insufficient_data")
        }
        let dateValues: [Any?] = dates.map { $0.map { Int($0) } }
        let smallValues: [Any?] = small.map { $0.map { Int($0) } }
        let bigValues: [Any?] = big.map { $0.map { Int($0) } }
        return [
            (ParquetField("artist_id", .string, nullable: false), .string(ids), ids),
            (ParquetField("artist_name", .string), .string(strings), strings),
            (ParquetField("day", .date), .date(dates), dateValues),
            (ParquetField("popularity", .int32), .int32(small), smallValues),
            (ParquetField("followers", .int64, nullable: false), .int64(big), bigValues),
            (ParquetField("log_growth", .double), .double(doubles), doubles),
            (ParquetField("is_spike", .boolean), .boolean(flags), flags),
            (ParquetField("status", .string, nullable: false), .string(statuses), statuses),
        ]
    }

    @Test(.tags(.outsideTools), arguments: cases)
    func pyarrowAndDuckDBReadWhatWeWrite(_ testCase: Case) async throws {
        let folder = try Repository.temporaryFolder("parquet-interop")
        defer { try? FileManager.default.removeItem(at: folder) }
        let columns = Self.columns(rows: testCase.rows)
        var writer = try ParquetWriter(schema: columns.map(\.0), options: .init(
            codec: testCase.codec, rowGroupRows: testCase.rowGroupRows, pageRows: testCase.pageRows))
        try writer.append(columns.map(\.1))
        let file = folder.appendingPathComponent("\(testCase.name).parquet")
        try Data(writer.finish()).write(to: file)

        let expectation: [String: Any] = [
            "codec": testCase.name,
            "row_groups": (testCase.rows + testCase.rowGroupRows - 1) / testCase.rowGroupRows,
            "columns": columns.map { field, _, values in
                [
                    "name": field.name, "nullable": field.nullable,
                    "type": "\(field.type)",
                    "values": values.map { $0 ?? NSNull() },
                ] as [String: Any]
            },
        ]
        let expectationFile = folder.appendingPathComponent("\(testCase.name).json")
        try JSONSerialization.data(withJSONObject: expectation).write(to: expectationFile)
        let result = try await OutsideTools.runScript("check_parquet.py", [file.path, expectationFile.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// Every (struct, field id, name) the writer emits, checked against the Parquet format's IDL.
    @Test func footerFieldIDsMatchParquetThrift() throws {
        let idl = try String(contentsOf: Repository.reference("parquet/parquet.thrift"), encoding: .utf8)
        let used: [(String, Int, String)] = [
            ("FileMetaData", 1, "version"), ("FileMetaData", 2, "schema"), ("FileMetaData", 3, "num_rows"),
            ("FileMetaData", 4, "row_groups"), ("FileMetaData", 6, "created_by"), ("FileMetaData", 7, "column_orders"),
            ("SchemaElement", 1, "type"), ("SchemaElement", 3, "repetition_type"), ("SchemaElement", 4, "name"),
            ("SchemaElement", 5, "num_children"), ("SchemaElement", 6, "converted_type"), ("SchemaElement", 10, "logicalType"),
            ("RowGroup", 1, "columns"), ("RowGroup", 2, "total_byte_size"), ("RowGroup", 3, "num_rows"),
            ("ColumnChunk", 2, "file_offset"), ("ColumnChunk", 3, "meta_data"),
            ("ColumnMetaData", 1, "type"), ("ColumnMetaData", 2, "encodings"), ("ColumnMetaData", 3, "path_in_schema"),
            ("ColumnMetaData", 4, "codec"), ("ColumnMetaData", 5, "num_values"), ("ColumnMetaData", 6, "total_uncompressed_size"),
            ("ColumnMetaData", 7, "total_compressed_size"), ("ColumnMetaData", 9, "data_page_offset"),
            ("ColumnMetaData", 11, "dictionary_page_offset"), ("ColumnMetaData", 12, "statistics"),
            ("PageHeader", 7, "dictionary_page_header"), ("DictionaryPageHeader", 1, "num_values"),
            ("DictionaryPageHeader", 2, "encoding"),
            ("Statistics", 3, "null_count"), ("Statistics", 5, "max_value"), ("Statistics", 6, "min_value"),
            ("PageHeader", 1, "type"), ("PageHeader", 2, "uncompressed_page_size"), ("PageHeader", 3, "compressed_page_size"),
            ("PageHeader", 5, "data_page_header"),
            ("DataPageHeader", 1, "num_values"), ("DataPageHeader", 2, "encoding"),
            ("DataPageHeader", 3, "definition_level_encoding"), ("DataPageHeader", 4, "repetition_level_encoding"),
            ("LogicalType", 1, "STRING"), ("LogicalType", 6, "DATE"), ("ColumnOrder", 1, "TYPE_ORDER"),
        ]
        for (structure, id, name) in used {
            let body = try #require(Self.body(of: structure, in: idl), "parquet.thrift has no \(structure)")
            let declared = body.split(separator: "\n").contains { line in
                let text = line.trimmingCharacters(in: .whitespaces)
                return text.hasPrefix("\(id):") && text.split(whereSeparator: { " :;".contains($0) }).contains { $0 == Substring(name) }
            }
            #expect(declared, "\(structure).\(name) is not field \(id) in parquet.thrift")
        }
        let enums: [(String, String, Int)] = [
            ("Type", "BOOLEAN", 0), ("Type", "INT32", 1), ("Type", "INT64", 2), ("Type", "DOUBLE", 5), ("Type", "BYTE_ARRAY", 6),
            ("ConvertedType", "UTF8", 0), ("ConvertedType", "DATE", 6), ("FieldRepetitionType", "REQUIRED", 0),
            ("FieldRepetitionType", "OPTIONAL", 1), ("Encoding", "PLAIN", 0), ("Encoding", "RLE", 3),
            ("CompressionCodec", "UNCOMPRESSED", 0), ("CompressionCodec", "SNAPPY", 1), ("CompressionCodec", "GZIP", 2),
            ("PageType", "DATA_PAGE", 0), ("PageType", "DICTIONARY_PAGE", 2), ("Encoding", "RLE_DICTIONARY", 8),
        ]
        for (enumeration, name, value) in enums {
            let body = try #require(Self.body(of: enumeration, in: idl, keyword: "enum"))
            #expect(body.contains("\(name) = \(value);"), "\(enumeration).\(name) is not \(value) in parquet.thrift")
        }
    }

    static func body(of name: String, in idl: String, keyword: String? = nil) -> String? {
        for prefix in keyword.map({ [$0] }) ?? ["struct", "union"] {
            guard let start = idl.range(of: "\n\(prefix) \(name) {") else { continue }
            guard let end = idl[start.upperBound...].range(of: "\n}") else { return nil }
            return String(idl[start.upperBound..<end.lowerBound])
        }
        return nil
    }
}
