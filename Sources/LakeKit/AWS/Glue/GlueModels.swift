// The Glue Data Catalog shapes LakeKit uses, as botocore's service model names them. Enum-like
// fields are strings, so a value AWS adds later is kept, not fatal; unknown fields are ignored.

/// A column of a Glue table.
public struct GlueColumn: Codable, Sendable, Hashable {
    /// The column name.
    public var Name: String
    /// Its Hive type, e.g. `bigint`, `string`, `date`.
    public var `Type`: String?
    /// A comment.
    public var Comment: String?

    /// A column.
    public init(_ name: String, _ type: String, comment: String? = nil) {
        Name = name
        self.Type = type
        Comment = comment
    }
}

/// How a table's files are serialised.
public struct GlueSerDeInfo: Codable, Sendable, Hashable {
    /// The SerDe class, e.g. `org.openx.data.jsonserde.JsonSerDe`.
    public var SerializationLibrary: String?
    /// The SerDe's parameters.
    public var Parameters: [String: String]?

    /// A SerDe.
    public init(library: String, parameters: [String: String]? = nil) {
        SerializationLibrary = library
        Parameters = parameters
    }
}

/// Where a table's (or a partition's) files are and how to read them.
public struct GlueStorageDescriptor: Codable, Sendable, Hashable {
    /// The columns (partition keys excluded).
    public var Columns: [GlueColumn]?
    /// The S3 location, e.g. `s3://bucket/lake/raw/artist_metrics/`.
    public var Location: String?
    /// The Hadoop input format class.
    public var InputFormat: String?
    /// The Hadoop output format class.
    public var OutputFormat: String?
    /// The SerDe.
    public var SerdeInfo: GlueSerDeInfo?

    /// A storage descriptor.
    public init(columns: [GlueColumn], location: String, inputFormat: String, outputFormat: String, serde: GlueSerDeInfo) {
        Columns = columns
        Location = location
        InputFormat = inputFormat
        OutputFormat = outputFormat
        SerdeInfo = serde
    }
}

/// A table as it is created or updated.
public struct GlueTableInput: Codable, Sendable, Hashable {
    /// The table name.
    public var Name: String
    /// E.g. `EXTERNAL_TABLE`.
    public var TableType: String?
    /// Table properties (partition projection, classification, ...).
    public var Parameters: [String: String]?
    /// The partition columns.
    public var PartitionKeys: [GlueColumn]?
    /// The files.
    public var StorageDescriptor: GlueStorageDescriptor?

    /// A table definition.
    public init(name: String, tableType: String = "EXTERNAL_TABLE", parameters: [String: String], partitionKeys: [GlueColumn],
                storage: GlueStorageDescriptor) {
        Name = name
        TableType = tableType
        Parameters = parameters
        PartitionKeys = partitionKeys
        StorageDescriptor = storage
    }
}

/// A table as Glue returns it (the fields LakeKit reads).
public struct GlueTable: Codable, Sendable, Hashable {
    /// The table name.
    public var Name: String
    /// Its database.
    public var DatabaseName: String?
    /// E.g. `EXTERNAL_TABLE`.
    public var TableType: String?
    /// Table properties.
    public var Parameters: [String: String]?
    /// The partition columns.
    public var PartitionKeys: [GlueColumn]?
    /// The files.
    public var StorageDescriptor: GlueStorageDescriptor?
}

/// A partition as it is created.
public struct GluePartitionInput: Codable, Sendable, Hashable {
    /// The partition's values, in the order of the table's partition keys.
    public var Values: [String]
    /// Its files.
    public var StorageDescriptor: GlueStorageDescriptor?

    /// A partition.
    public init(values: [String], storage: GlueStorageDescriptor?) {
        Values = values
        StorageDescriptor = storage
    }
}

/// A partition as Glue returns it.
public struct GluePartition: Codable, Sendable, Hashable {
    /// The partition's values.
    public var Values: [String]
    /// Its files.
    public var StorageDescriptor: GlueStorageDescriptor?
}

/// A crawler's state as Glue returns it.
public struct GlueCrawler: Codable, Sendable, Hashable {
    /// The crawler's name.
    public var Name: String
    /// `READY`, `RUNNING` or `STOPPING` (kept as sent).
    public var State: String?
    /// The last crawl.
    public var LastCrawl: LastCrawl?

    /// How the last crawl ended.
    public struct LastCrawl: Codable, Sendable, Hashable {
        /// `SUCCEEDED`, `CANCELLED` or `FAILED` (kept as sent).
        public var Status: String?
        /// Why it failed.
        public var ErrorMessage: String?
    }
}
