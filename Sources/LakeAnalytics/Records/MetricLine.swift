// One `raw/artist_metrics` line read and checked without making a record of it: its strings
// stay views into the line. A full transform spills each line's fields to local disk at once,
// so a `MetricObservation` (three strings allocated, then dropped) would be made for nothing.
// `MetricObservation(jsonLine:)` reads through this too: one reading, one set of checks.

import LakeKit
import MomentumAnalytics

package struct MetricLine {
    /// The fields of `raw/artist_metrics`, numbered as the reader's cases read them.
    static let fields = JSONFieldScanner.FieldNames(["artist_id", "artist_name", "followers", "popularity", "genres", "captured_at", "source"])

    /// Never empty.
    package var artistID: JSONFieldScanner.FieldKey
    /// Nil when the line has none (an empty name).
    package var artistName: JSONFieldScanner.FieldKey?
    package var followers: Int64?
    package var popularity: Int32?
    package var capturedAt: Instant
    package var source: JSONFieldScanner.FieldKey?
    /// The genres, when asked for (they are checked either way).
    package var genres: [String]

    /// Reads a line; the views it keeps are valid while `jsonLine`'s bytes are. Throws
    /// `LakeError` with the reason when the line is not a valid record.
    package init(jsonLine: UnsafeBufferPointer<UInt8>, keepingGenres: Bool) throws {
        var scanner = JSONFieldScanner(jsonLine)
        var id: JSONFieldScanner.FieldKey?, name: JSONFieldScanner.FieldKey?, captured: Instant?
        var followers: Int64?, popularity: Int64?, genres: [String] = [], source: JSONFieldScanner.FieldKey?
        // The field after the last one read is tried first (see `nextField`). The names are
        // read from the static once (each read of it checks that it is initialised).
        let names = MetricLine.fields
        var expected = 0
        fields: while true {
            switch try scanner.nextField(in: names, expected: expected) {
            case .end: break fields
            case .other: try scanner.skipValue()
            case .field(let field):
                expected = field + 1
                switch field {
                case 0: id = try scanner.stringValue()
                case 1: name = try scanner.stringValue()
                case 2: followers = try scanner.optionalInteger()
                case 3: popularity = try scanner.optionalInteger()
                case 4:
                    genres = []
                    try scanner.stringArray { if keepingGenres { genres.append($0.string) } }
                case 5: captured = try scanner.lakeTimestamp()
                default: source = try scanner.optionalStringValue()
                }
            }
        }
        guard let id, !id.withBytes(\.isEmpty) else { throw LakeError.format("missing field artist_id") }
        guard let captured else { throw LakeError.format("missing field captured_at") }
        if let followers, followers < 0 { throw LakeError.format("followers \(followers) is negative") }
        if let popularity, !(0...100).contains(popularity) {
            throw LakeError.format("popularity \(popularity) is outside 0-100")
        }
        artistID = id
        artistName = name
        self.followers = followers
        self.popularity = popularity.map { Int32($0) }
        capturedAt = captured
        self.source = source
        self.genres = genres
    }

    /// Why the line breaks the lake contract (its time is not on its file's day), nil when it
    /// does not.
    package func contractViolation(partitionDay: PartitionDay?) -> String? {
        LakeRecordDay.violation("captured_at", capturedAt, partitionDay: partitionDay)
    }
}
