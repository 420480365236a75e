// Parquet's footer (FileMetaData in parquet.thrift), decoded into what the reader needs: the
// flat schema, and per row group each column chunk's place, codec, value count and statistics.

struct ParquetFooter: Sendable {
    struct SchemaElement: Sendable {
        var name = ""
        var physicalType: Int32?
        var repetition: Int32?      // 0 REQUIRED, 1 OPTIONAL, 2 REPEATED
        var childCount: Int32?
        var convertedType: Int32?
        var isDateLogical = false
        var isStringLogical = false
    }

    struct Statistics: Sendable {
        var min: [UInt8]?
        var max: [UInt8]?
        var nullCount: Int64?
        /// From the deprecated fields, whose string order is signed: trusted for numbers only.
        var legacy = false
    }

    struct ColumnChunk: Sendable {
        var path: [String] = []
        var physicalType: Int32 = -1
        var codec: Int32 = 0
        var valueCount: Int64 = 0
        var compressedSize: Int64 = 0
        var dataPageOffset: Int64 = -1
        var dictionaryPageOffset: Int64?
        var statistics: Statistics?

        /// Where the chunk's pages start: the dictionary page when there is one.
        var start: Int64 {
            if let dictionaryPageOffset, dictionaryPageOffset > 0, dictionaryPageOffset < dataPageOffset { return dictionaryPageOffset }
            return dataPageOffset
        }
    }

    struct RowGroup: Sendable {
        var columns: [ColumnChunk] = []
        var rowCount: Int64 = 0
    }

    var schema: [SchemaElement] = []
    var rowCount: Int64 = 0
    var rowGroups: [RowGroup] = []
    var createdBy: String?

    static func decode(_ bytes: [UInt8]) throws -> ParquetFooter {
        var reader = ThriftCompactReader(bytes)
        var footer = ParquetFooter()
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (2, 9): footer.schema = try r.readList { try schemaElement(&$0) }
            case (3, 6): footer.rowCount = try r.i64()
            case (4, 9): footer.rowGroups = try r.readList { try rowGroup(&$0) }
            case (6, 8): footer.createdBy = try r.string()
            default: try r.skip(type)
            }
        }
        return footer
    }

    private static func schemaElement(_ reader: inout ThriftCompactReader) throws -> SchemaElement {
        var element = SchemaElement()
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (1, 5): element.physicalType = try r.i32()
            case (3, 5): element.repetition = try r.i32()
            case (4, 8): element.name = try r.string()
            case (5, 5): element.childCount = try r.i32()
            case (6, 5): element.convertedType = try r.i32()
            case (10, 12):
                try r.readStruct { r, member, memberType in
                    if member == 6 { element.isDateLogical = true }
                    if member == 1 { element.isStringLogical = true }
                    try r.skip(memberType)
                }
            default: try r.skip(type)
            }
        }
        return element
    }

    private static func rowGroup(_ reader: inout ThriftCompactReader) throws -> RowGroup {
        var group = RowGroup()
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (1, 9): group.columns = try r.readList { try columnChunk(&$0) }
            case (3, 6): group.rowCount = try r.i64()
            default: try r.skip(type)
            }
        }
        return group
    }

    private static func columnChunk(_ reader: inout ThriftCompactReader) throws -> ColumnChunk {
        var chunk = ColumnChunk()
        try reader.readStruct { r, id, type in
            guard id == 3, type == 12 else { return try r.skip(type) }
            try r.readStruct { r, id, type in
                switch (id, type) {
                case (1, 5): chunk.physicalType = try r.i32()
                case (3, 9):
                    let (_, count) = try r.listHeader()
                    chunk.path = try (0..<count).map { _ in try r.string() }
                case (4, 5): chunk.codec = try r.i32()
                case (5, 6): chunk.valueCount = try r.i64()
                case (7, 6): chunk.compressedSize = try r.i64()
                case (9, 6): chunk.dataPageOffset = try r.i64()
                case (11, 6): chunk.dictionaryPageOffset = try r.i64()
                case (12, 12): chunk.statistics = try statistics(&r)
                default: try r.skip(type)
                }
            }
        }
        return chunk
    }

    private static func statistics(_ reader: inout ThriftCompactReader) throws -> Statistics {
        var stats = Statistics()
        var legacyMin: [UInt8]?
        var legacyMax: [UInt8]?
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (1, 8): legacyMax = try r.binary()
            case (2, 8): legacyMin = try r.binary()
            case (3, 6): stats.nullCount = try r.i64()
            case (5, 8): stats.max = try r.binary()
            case (6, 8): stats.min = try r.binary()
            default: try r.skip(type)
            }
        }
        // The deprecated min/max sort signed bytes for strings: trusted for numbers only (the
        // caller decides by type).
        if stats.min == nil, stats.max == nil, legacyMin != nil || legacyMax != nil {
            return Statistics(min: legacyMin, max: legacyMax, nullCount: stats.nullCount, legacy: true)
        }
        return stats
    }

    struct PageHeader {
        var type: Int32 = -1            // 0 DATA_PAGE, 2 DICTIONARY_PAGE, 3 DATA_PAGE_V2
        var uncompressedSize: Int32 = 0
        var compressedSize: Int32 = 0
        var valueCount: Int32 = 0
        var encoding: Int32 = 0
        var nullCount: Int32 = 0
        var definitionLevelsLength: Int32 = 0
        var repetitionLevelsLength: Int32 = 0
        var isCompressed = true
    }

    static func pageHeader(_ reader: inout ThriftCompactReader) throws -> PageHeader {
        var header = PageHeader()
        try reader.readStruct { r, id, type in
            switch (id, type) {
            case (1, 5): header.type = try r.i32()
            case (2, 5): header.uncompressedSize = try r.i32()
            case (3, 5): header.compressedSize = try r.i32()
            case (5, 12), (7, 12):
                // DataPageHeader and DictionaryPageHeader both start num_values, encoding.
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, 5): header.valueCount = try r.i32()
                    case (2, 5): header.encoding = try r.i32()
                    default: try r.skip(type)
                    }
                }
            case (8, 12):
                try r.readStruct { r, id, type in
                    switch (id, type) {
                    case (1, 5): header.valueCount = try r.i32()
                    case (2, 5): header.nullCount = try r.i32()
                    case (4, 5): header.encoding = try r.i32()
                    case (5, 5): header.definitionLevelsLength = try r.i32()
                    case (6, 5): header.repetitionLevelsLength = try r.i32()
                    case (7, 1): header.isCompressed = true
                    case (7, 2): header.isCompressed = false
                    default: try r.skip(type)
                    }
                }
            default: try r.skip(type)
            }
        }
        return header
    }
}
