// What a record type needs to live in the lake as JSON Lines. The lake contract's own records
// (`raw/artist_metrics`, `raw/releases`) conform in LakeAnalytics, where they are
// MomentumAnalytics' inputs; LakeKit knows lines, files and keys, not what a record means.

/// A record type that lives in the lake as JSON Lines.
public protocol JSONLineRecord: Sendable {
    /// Decodes one line, sharing repeated strings through `strings`; throws `LakeError` with
    /// the reason when the line is not a valid record.
    init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws
    /// Appends the record as one JSON object, without the newline.
    func appendJSON(to output: inout [UInt8])
    /// Why the record breaks the lake contract, nil when it does not; `partitionDay` is the
    /// `dt=` value (`YYYY-MM-DD`) of its file, when it has one.
    func contractViolation(partitionDay: String?) -> String?
}

extension JSONLineRecord {
    public func contractViolation(partitionDay: String?) -> String? { nil }
}

extension JSONLineRecord {
    /// Decodes one line on its own.
    public init(jsonLine: UnsafeBufferPointer<UInt8>) throws {
        var strings = StringInterner(capacity: 64)
        try self.init(jsonLine: jsonLine, strings: &strings)
    }
}
