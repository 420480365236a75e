// The raw audience record of lake.md v1.1 (`raw/audience`) as JSON Lines: MomentumAnalytics'
// `AudienceObservation`, decoded on LakeKit's scanner like the other raw records.

import LakeKit
import MomentumAnalytics

extension AudienceObservation: JSONLineRecord {
    /// The fields of `raw/audience`, numbered as the decoder's cases read them.
    static let fields = JSONFieldScanner.FieldNames(["artist_id", "artist_name", "source", "source_artist_id", "metric", "value", "captured_at"])

    public init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws {
        var scanner = JSONFieldScanner(jsonLine)
        var id: String?, name: String?, source: String?, sourceID: String?, metric: String?
        var value: Int64?, captured: Instant?
        while let key = try scanner.nextKey() {
            switch AudienceObservation.fields.index(of: key) {
            case 0: id = try scanner.string(interning: &strings)
            case 1: name = try scanner.optionalString(interning: &strings)
            case 2: source = try scanner.string(interning: &strings)
            case 3: sourceID = try scanner.optionalString(interning: &strings)
            case 4: metric = try scanner.string(interning: &strings)
            case 5: value = try scanner.optionalInteger()
            case 6: captured = try scanner.lakeTimestamp()
            default: try scanner.skipValue()
            }
        }
        guard let id, !id.isEmpty else { throw LakeError.format("missing field artist_id") }
        guard let source, !source.isEmpty else { throw LakeError.format("missing field source") }
        guard let metric, !metric.isEmpty else { throw LakeError.format("missing field metric") }
        guard let captured else { throw LakeError.format("missing field captured_at") }
        // A series is named `source/metric` (metrics.md section 8): a slash in either would
        // make two series one.
        guard !source.contains("/"), !metric.contains("/") else { throw LakeError.format("source and metric may not contain '/'") }
        if let value, value < 0 { throw LakeError.format("value \(value) is negative") }
        self.init(artistID: id, artistName: name ?? "", source: source, sourceArtistID: sourceID ?? "", metric: metric,
                  value: value, capturedAt: captured)
    }

    public func appendJSON(to output: inout [UInt8]) {
        var json = JSONObjectWriter()
        json.field("artist_id", artistID)
        json.field("artist_name", artistName)
        json.field("source", source)
        json.field("source_artist_id", sourceArtistID)
        json.field("metric", metric)
        json.field("value", value)
        json.field("captured_at", capturedAt.isoString)
        json.close(into: &output)
    }

    public func contractViolation(partitionDay: String?) -> String? {
        LakeRecordDay.violation("captured_at", capturedAt, partitionDay: partitionDay)
    }
}
