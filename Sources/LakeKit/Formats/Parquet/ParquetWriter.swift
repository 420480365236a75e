// A Parquet writer in pure Swift for flat schemas: data pages (v1) in PLAIN encoding, or for
// strings with few distinct values a dictionary page and RLE_DICTIONARY indices; OPTIONAL
// columns with RLE definition levels; min/max/null-count statistics per column chunk; row
// groups and pages of bounded size; and the UNCOMPRESSED, SNAPPY and GZIP codecs. The output
// is read by pyarrow, DuckDB, Spark and Athena alike (the test suite checks the first two).

import MomentumText

/// Writes one Parquet file into memory; the lake stores it with a single atomic put.
public struct ParquetWriter: Sendable {
    /// How a file is compressed and cut into row groups and pages.
    public struct Options: Sendable, Hashable {
        /// The compression of every page.
        public var codec: ParquetCodec
        /// Rows per row group at most; a file holds as many row groups as it needs.
        public var rowGroupRows: Int
        /// Values per data page at most, so that no page grows without bound.
        public var pageRows: Int

        /// Options; the defaults suit files of up to a few million rows.
        public init(codec: ParquetCodec = .snappy, rowGroupRows: Int = 131_072, pageRows: Int = 16_384) {
            self.codec = codec
            self.rowGroupRows = min(Int(Int32.max), max(1, rowGroupRows))
            self.pageRows = min(Int(Int32.max), max(1, pageRows))
        }
    }

    /// The columns every appended batch must have.
    public let schema: [ParquetField]
    /// Compression and sizes.
    public let options: Options
    private var output: [UInt8] = Array("PAR1".utf8)
    /// Bytes already handed to the caller by `takeWrittenBytes()`; offsets stay absolute.
    private var taken: Int64 = 0
    private var rowGroups: [RowGroupMetadata] = []
    private var rows: Int64 = 0

    /// Identifies the writer in the footer's `created_by`.
    public static let createdBy = "Momentum LakeKit version \(LakeKit.version)"

    /// A writer for one file.
    public init(schema: [ParquetField], options: Options = Options()) throws {
        guard !schema.isEmpty else { throw LakeError.invalidArgument("a Parquet schema needs at least one column") }
        let names = schema.map(\.name)
        guard Set(names).count == names.count else {
            throw LakeError.invalidArgument("Parquet column names must be unique: \(names.joined(separator: ", "))")
        }
        self.schema = schema
        self.options = options
    }

    /// Appends rows given column by column (same order and length as the schema); they are
    /// cut into row groups of at most `rowGroupRows`.
    public mutating func append(_ columns: [ParquetColumn]) throws {
        guard columns.count == schema.count else {
            throw LakeError.invalidArgument("expected \(schema.count) columns, got \(columns.count)")
        }
        let count = columns.first?.count ?? 0
        for (field, column) in zip(schema, columns) {
            guard column.matches(field.type) else {
                throw LakeError.invalidArgument("column '\(field.name)' holds values of the wrong type for \(field.type)")
            }
            guard column.count == count else {
                throw LakeError.invalidArgument("column '\(field.name)' has \(column.count) values, expected \(count)")
            }
            if !field.nullable, column.hasNulls {
                throw LakeError.invalidArgument("column '\(field.name)' is REQUIRED but holds nulls")
            }
        }
        var start = 0
        while start < count {
            let end = min(start + options.rowGroupRows, count)
            try writeRowGroup(columns, rows: start..<end)
            start = end
        }
    }

    /// The bytes written since the last call (the magic and whole row groups), handed over so
    /// that a large file can go to disk row group by row group; `finish()` then returns only
    /// the rest. Concatenated in order, the pieces are the file.
    public mutating func takeWrittenBytes() -> [UInt8] {
        let bytes = output
        taken += Int64(output.count)
        output = []
        return bytes
    }

    /// The complete file (or, after `takeWrittenBytes()`, its rest): data, footer, footer
    /// length and magic. The writer is spent.
    public consuming func finish() -> [UInt8] {
        var file = output
        let footer = fileMetadata()
        file.append(contentsOf: footer)
        let length = UInt32(clamping: footer.count)
        file.append(contentsOf: withUnsafeBytes(of: length.littleEndian, Array.init))
        file.append(contentsOf: Array("PAR1".utf8))
        return file
    }

    // MARK: Row groups and column chunks

    private struct ColumnChunkMetadata {
        var field: ParquetField
        /// Where the chunk starts: its dictionary page when it has one, else its first data page.
        var offset: Int64
        var dataPageOffset: Int64
        var dictionaryPageOffset: Int64?
        var encodings: [Int32]
        var values: Int64
        var uncompressedSize: Int64
        var compressedSize: Int64
        var statistics: ColumnStatistics
    }

    private struct RowGroupMetadata {
        var columns: [ColumnChunkMetadata]
        var rows: Int64
        var uncompressedSize: Int64
    }

    private mutating func writeRowGroup(_ columns: [ParquetColumn], rows range: Range<Int>) throws {
        var chunks: [ColumnChunkMetadata] = []
        for (field, column) in zip(schema, columns) {
            chunks.append(try writeColumnChunk(field, column, rows: range))
        }
        rowGroups.append(RowGroupMetadata(
            columns: chunks, rows: Int64(range.count), uncompressedSize: chunks.reduce(0) { $0 + $1.uncompressedSize }
        ))
        rows += Int64(range.count)
    }

    private mutating func writeColumnChunk(_ field: ParquetField, _ column: ParquetColumn, rows range: Range<Int>) throws -> ColumnChunkMetadata {
        switch column {
        case .string(let v):
            if let chunk = try writeDictionaryChunk(field, v[range]) { return chunk }
            return try writeChunk(field, v[range], plain: PlainEncoding.strings, less: UTF8Order.less, bytes: { Array($0.utf8) })
        case .date(let v), .int32(let v): return try writeChunk(field, v[range], plain: PlainEncoding.fixedWidth, less: <, bytes: PlainEncoding.littleEndian)
        case .int64(let v): return try writeChunk(field, v[range], plain: PlainEncoding.fixedWidth, less: <, bytes: PlainEncoding.littleEndian)
        case .double(let v): return try writeChunk(field, v[range], plain: PlainEncoding.doubles, less: <, bytes: { PlainEncoding.littleEndian($0.bitPattern) })
        case .boolean(let v): return try writeChunk(field, v[range], plain: PlainEncoding.booleans, less: { !$0 && $1 }, bytes: { [$0 ? 1 : 0] })
        }
    }

    // Inlined into each case above: with its `less` known there, the comparison of every
    // value for the statistics is an instruction, not a call through a closure.
    @inline(__always) private mutating func writeChunk<T>(
        _ field: ParquetField, _ values: ArraySlice<T?>,
        plain: ([T], inout [UInt8]) -> Void, less: (T, T) -> Bool, bytes: (T) -> [UInt8]
    ) throws -> ColumnChunkMetadata {
        let offset = taken + Int64(output.count)
        var uncompressed: Int64 = 0
        var compressed: Int64 = 0
        var minimum: T?, maximum: T?
        var nulls: Int64 = 0

        var pageStart = values.startIndex
        while pageStart < values.endIndex {
            let pageEnd = min(pageStart + options.pageRows, values.endIndex)
            let page = values[pageStart..<pageEnd]
            var present: [T] = []
            present.reserveCapacity(page.count)
            for value in page {
                guard let value else {
                    nulls += 1
                    continue
                }
                if minimum.map({ less(value, $0) }) ?? true { minimum = value }
                if maximum.map({ less($0, value) }) ?? true { maximum = value }
                present.append(value)
            }
            var body: [UInt8] = []
            if field.nullable { PlainEncoding.definitionLevels(of: page, into: &body) }
            plain(present, &body)
            let sizes = try writePage(body) { ParquetWriter.dataPageHeader(values: page.count, uncompressed: $0, compressed: $1) }
            uncompressed += sizes.uncompressed
            compressed += sizes.compressed
            pageStart = pageEnd
        }
        return ColumnChunkMetadata(
            field: field, offset: offset, dataPageOffset: offset, dictionaryPageOffset: nil,
            encodings: field.nullable ? [PlainEncoding.plain, PlainEncoding.rle] : [PlainEncoding.plain],
            values: Int64(values.count), uncompressedSize: uncompressed, compressedSize: compressed,
            statistics: ColumnStatistics(nullCount: nulls, min: minimum.map(bytes), max: maximum.map(bytes))
        )
    }

    /// Strings with few distinct values (artist ids and names repeat on every row of an
    /// artist) are written as a dictionary page plus runs of indices: smaller files, less to
    /// compress. Nil when the column has too many distinct values to gain from it.
    private mutating func writeDictionaryChunk(_ field: ParquetField, _ values: ArraySlice<String?>) throws -> ColumnChunkMetadata? {
        var dictionary: [String] = []
        // By bytes: Swift's String equality is canonical equivalence, under which an NFC and an
        // NFD spelling of one name are equal, but a file keeps each value's own bytes.
        var positions: [ExactString: UInt32] = [:]
        var indices: [UInt32] = []
        indices.reserveCapacity(values.count)
        let limit = max(64, values.count / 2)
        // By position in the values' memory, not `for value in values`: each value copied out
        // was a retain and a release, for every row of an id or name column.
        let complete: Bool = values.withUnsafeBufferPointer { values in
            var previous = -1  // the position of the last value given an index
            var previousIndex: UInt32 = 0
            for position in values.indices {
                // Rows come grouped by artist: most values are the one before, often the very
                // same string (compared in place, not copied out).
                if previous >= 0, UTF8Order.sameRepresentation(values, previous, position) {
                    indices.append(previousIndex)
                    continue
                }
                guard let value = values[position] else { continue }
                if previous >= 0, UTF8Order.equal(values[previous].unsafelyUnwrapped, value) {
                    indices.append(previousIndex)
                    continue
                }
                let index: UInt32
                if let known = positions[ExactString(value)] {
                    index = known
                } else {
                    guard dictionary.count < limit else { return false }
                    index = UInt32(dictionary.count)
                    positions[ExactString(value)] = index
                    dictionary.append(value)
                }
                indices.append(index)
                previous = position
                previousIndex = index
            }
            return true
        }
        guard complete else { return nil }
        guard !dictionary.isEmpty else { return nil }

        let offset = taken + Int64(output.count)
        var uncompressed: Int64 = 0, compressed: Int64 = 0
        var dictionaryBody: [UInt8] = []
        PlainEncoding.strings(dictionary, into: &dictionaryBody)
        let dictionarySizes = try writePage(dictionaryBody) {
            ParquetWriter.dictionaryPageHeader(entries: dictionary.count, uncompressed: $0, compressed: $1)
        }
        uncompressed += dictionarySizes.uncompressed
        compressed += dictionarySizes.compressed

        let dataOffset = taken + Int64(output.count)
        let bitWidth = max(1, UInt32(dictionary.count - 1).bitWidthNeeded)
        var pageStart = values.startIndex
        var indexCursor = 0
        while pageStart < values.endIndex {
            let pageEnd = min(pageStart + options.pageRows, values.endIndex)
            let page = values[pageStart..<pageEnd]
            let present = page.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            var body: [UInt8] = []
            if field.nullable { PlainEncoding.definitionLevels(of: page, into: &body) }
            body.append(UInt8(bitWidth))
            PlainEncoding.runs(indices[indexCursor..<(indexCursor + present)], bitWidth: bitWidth, into: &body)
            indexCursor += present
            let sizes = try writePage(body) {
                ParquetWriter.dataPageHeader(values: page.count, uncompressed: $0, compressed: $1, encoding: PlainEncoding.rleDictionary)
            }
            uncompressed += sizes.uncompressed
            compressed += sizes.compressed
            pageStart = pageEnd
        }
        // Statistics from the distinct values only.
        let minimum = dictionary.min(by: UTF8Order.less), maximum = dictionary.max(by: UTF8Order.less)
        return ColumnChunkMetadata(
            field: field, offset: offset, dataPageOffset: dataOffset, dictionaryPageOffset: offset,
            encodings: [PlainEncoding.plain, PlainEncoding.rle, PlainEncoding.rleDictionary],
            values: Int64(values.count), uncompressedSize: uncompressed, compressedSize: compressed,
            statistics: ColumnStatistics(nullCount: Int64(values.count - indices.count),
                                         min: minimum.map { Array($0.utf8) }, max: maximum.map { Array($0.utf8) })
        )
    }

    /// Compresses a page body, writes its header and the body, and returns the sizes the
    /// column chunk accounts for (headers included).
    private mutating func writePage(_ body: [UInt8], header: (Int, Int) -> [UInt8]) throws -> (uncompressed: Int64, compressed: Int64) {
        let packed = try options.codec.compress(body)
        // Thrift's page header holds sizes as i32: a page past 2 GiB cannot be described.
        guard body.count <= Int(Int32.max), packed.count <= Int(Int32.max) else {
            throw LakeError.invalidArgument("a Parquet page of \(body.count) bytes exceeds the format's 2 GiB page limit; lower pageRows")
        }
        let head = header(body.count, packed.count)
        output.append(contentsOf: head)
        output.append(contentsOf: packed)
        return (Int64(head.count + body.count), Int64(head.count + packed.count))
    }

    // MARK: Thrift structures

    private static func dictionaryPageHeader(entries: Int, uncompressed: Int, compressed: Int) -> [UInt8] {
        var t = ThriftCompactWriter()
        t.field(1, i32: 2)  // DICTIONARY_PAGE
        t.field(2, i32: Int32(uncompressed))
        t.field(3, i32: Int32(compressed))
        t.beginStruct(7)
        t.field(1, i32: Int32(clamping: entries))
        t.field(2, i32: PlainEncoding.plain)
        t.endStruct()
        t.endMessage()
        return t.bytes
    }

    private static func dataPageHeader(values: Int, uncompressed: Int, compressed: Int, encoding: Int32 = PlainEncoding.plain) -> [UInt8] {
        var t = ThriftCompactWriter()
        t.field(1, i32: 0)  // DATA_PAGE
        t.field(2, i32: Int32(uncompressed))
        t.field(3, i32: Int32(compressed))
        t.beginStruct(5)
        t.field(1, i32: Int32(clamping: values))
        t.field(2, i32: encoding)
        t.field(3, i32: 3)  // RLE definition levels
        t.field(4, i32: 3)  // RLE repetition levels (none are written: the schema is flat)
        t.endStruct()
        t.endMessage()
        return t.bytes
    }

    private func fileMetadata() -> [UInt8] {
        var t = ThriftCompactWriter()
        t.field(1, i32: 1)
        t.beginList(2, of: .structure, count: schema.count + 1)
        t.beginStructElement()
        t.field(4, string: "schema")
        t.field(5, i32: Int32(clamping: schema.count))
        t.endStruct()
        for field in schema {
            t.beginStructElement()
            t.field(1, i32: field.type.physicalType)
            t.field(3, i32: field.nullable ? 1 : 0)
            t.field(4, string: field.name)
            switch field.type {
            case .string:
                t.field(6, i32: 0)  // UTF8
                t.beginStruct(10)
                t.beginStruct(1)  // StringType
                t.endStruct()
                t.endStruct()
            case .date:
                t.field(6, i32: 6)  // DATE
                t.beginStruct(10)
                t.beginStruct(6)  // DateType
                t.endStruct()
                t.endStruct()
            default:
                break
            }
            t.endStruct()
        }
        t.field(3, i64: rows)
        t.beginList(4, of: .structure, count: rowGroups.count)
        for group in rowGroups {
            t.beginStructElement()
            t.beginList(1, of: .structure, count: group.columns.count)
            for chunk in group.columns {
                t.beginStructElement()
                t.field(2, i64: chunk.offset)
                t.beginStruct(3)
                t.field(1, i32: chunk.field.type.physicalType)
                t.beginList(2, of: .i32, count: chunk.encodings.count)
                for encoding in chunk.encodings { t.element(i32: encoding) }
                t.beginList(3, of: .binary, count: 1)
                t.element(string: chunk.field.name)
                t.field(4, i32: options.codec.thriftValue)
                t.field(5, i64: chunk.values)
                t.field(6, i64: chunk.uncompressedSize)
                t.field(7, i64: chunk.compressedSize)
                t.field(9, i64: chunk.dataPageOffset)
                if let dictionary = chunk.dictionaryPageOffset { t.field(11, i64: dictionary) }
                t.beginStruct(12)
                t.field(3, i64: chunk.statistics.nullCount)
                if let max = chunk.statistics.max { t.field(5, binary: max) }
                if let min = chunk.statistics.min { t.field(6, binary: min) }
                t.endStruct()
                t.endStruct()
                t.endStruct()
            }
            t.field(2, i64: group.uncompressedSize)
            t.field(3, i64: group.rows)
            t.endStruct()
        }
        t.field(6, string: ParquetWriter.createdBy)
        // Column orders say that min/max follow each type's natural order (bytes unsigned).
        t.beginList(7, of: .structure, count: schema.count)
        for _ in schema {
            t.beginStructElement()
            t.beginStruct(1)
            t.endStruct()
            t.endStruct()
        }
        t.endMessage()
        return t.bytes
    }
}

extension UInt32 {
    /// Bits needed to write the value (0 for 0).
    var bitWidthNeeded: UInt32 { UInt32(UInt32.bitWidth - leadingZeroBitCount) }
}

struct ColumnStatistics {
    var nullCount: Int64
    var min: [UInt8]?
    var max: [UInt8]?
}

extension ParquetType {
    var physicalType: Int32 {
        switch self {
        case .boolean: return 0
        case .int32, .date: return 1
        case .int64: return 2
        case .double: return 5
        case .string: return 6
        }
    }
}

extension ParquetColumn {
    var hasNulls: Bool {
        switch self {
        case .string(let v): return v.contains(nil)
        case .date(let v), .int32(let v): return v.contains(nil)
        case .int64(let v): return v.contains(nil)
        case .double(let v): return v.contains(nil)
        case .boolean(let v): return v.contains(nil)
        }
    }
}

/// Parquet's PLAIN encoding and the RLE/bit-packed hybrid for levels and dictionary indices.
enum PlainEncoding {
    static let plain: Int32 = 0
    static let rle: Int32 = 3
    static let rleDictionary: Int32 = 8

    static func fixedWidth<T: FixedWidthInteger>(_ values: [T], into output: inout [UInt8]) {
        #if _endian(little)
        // The values' memory is already PLAIN's bytes: one copy, not an append per value.
        values.withUnsafeBytes { output.append(contentsOf: $0) }
        #else
        output.reserveCapacity(output.count + values.count * MemoryLayout<T>.size)
        for value in values { withUnsafeBytes(of: value.littleEndian) { output.append(contentsOf: $0) } }
        #endif
    }

    static func doubles(_ values: [Double], into output: inout [UInt8]) {
        #if _endian(little)
        values.withUnsafeBytes { output.append(contentsOf: $0) }
        #else
        fixedWidth(values.map(\.bitPattern), into: &output)
        #endif
    }

    static func strings(_ values: [String], into output: inout [UInt8]) {
        for value in values {
            let utf8 = value.utf8
            withUnsafeBytes(of: UInt32(clamping: utf8.count).littleEndian) { output.append(contentsOf: $0) }
            output.append(contentsOf: utf8)
        }
    }

    /// Booleans are bit-packed, least significant bit first.
    static func booleans(_ values: [Bool], into output: inout [UInt8]) {
        var byte: UInt8 = 0
        for (i, value) in values.enumerated() {
            if value { byte |= 1 << UInt8(i % 8) }
            if i % 8 == 7 {
                output.append(byte)
                byte = 0
            }
        }
        if values.count % 8 != 0 { output.append(byte) }
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }

    /// Definition levels (bit width 1) as RLE runs, prefixed by their byte length.
    /// Read straight from the page's values (no arrays of flags made), the length written
    /// in place once the runs are.
    static func definitionLevels<T>(of page: ArraySlice<T?>, into output: inout [UInt8]) {
        let lengthAt = output.count
        output.append(contentsOf: [0, 0, 0, 0])
        runs(page.lazy.map { $0 == nil ? UInt32(0) : 1 }, bitWidth: 1, into: &output)
        withUnsafeBytes(of: UInt32(output.count - lengthAt - 4).littleEndian) { length in
            for (offset, byte) in length.enumerated() { output[lengthAt + offset] = byte }
        }
    }

    /// Values as RLE runs of the hybrid encoding: a varint header `count << 1`, then the
    /// value in `ceil(bitWidth / 8)` little-endian bytes.
    static func runs(_ values: some Collection<UInt32>, bitWidth: UInt32, into output: inout [UInt8]) {
        let valueBytes = Int((bitWidth + 7) / 8)
        var iterator = values.makeIterator()
        guard var current = iterator.next() else { return }
        var count: UInt64 = 1
        func flush() {
            var header = count << 1
            while header >= 0x80 {
                output.append(UInt8(header & 0x7f) | 0x80)
                header >>= 7
            }
            output.append(UInt8(header))
            for k in 0..<valueBytes { output.append(UInt8(truncatingIfNeeded: current >> (8 * UInt32(k)))) }
        }
        while let value = iterator.next() {
            if value == current {
                count += 1
            } else {
                flush()
                current = value
                count = 1
            }
        }
        flush()
    }
}

/// A string compared and hashed by its UTF-8 bytes, not by canonical equivalence.
struct ExactString: Hashable {
    let value: String

    init(_ value: String) {
        self.value = value
    }

    static func == (lhs: ExactString, rhs: ExactString) -> Bool { UTF8Order.equal(lhs.value, rhs.value) }

    func hash(into hasher: inout Hasher) {
        UTF8Order.withBytes(of: value) { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

}
