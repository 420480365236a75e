// The raw records of the lake contract (lake.md: `raw/artist_metrics`, `raw/releases`) as JSON
// Lines. The record types are MomentumAnalytics' inputs, so what the daily jobs append is what
// the analytics read, with no second struct between them; the decoding runs on LakeKit's
// purpose-built scanner and the timestamps parse and print through MomentumAnalytics' `Instant`.

import LakeKit
import MomentumAnalytics

extension MetricObservation: JSONLineRecord {
    public init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws {
        let line = try MetricLine(jsonLine: jsonLine, keepingGenres: true)
        self.init(
            artistID: line.artistID.withBytes { strings.intern($0) }, artistName: line.artistName?.withBytes { strings.intern($0) } ?? "",
            followers: line.followers, popularity: line.popularity, genres: line.genres, capturedAt: line.capturedAt,
            source: line.source?.withBytes { strings.intern($0) } ?? ""
        )
    }

    public func appendJSON(to output: inout [UInt8]) {
        var json = JSONObjectWriter()
        json.field("artist_id", artistID)
        json.field("artist_name", artistName)
        json.field("followers", followers)
        json.field("popularity", popularity.map(Int64.init))
        json.field("genres", genres)
        json.field("captured_at", capturedAt.isoString)
        json.field("source", source)
        json.close(into: &output)
    }

    public func contractViolation(partitionDay: String?) -> String? {
        LakeRecordDay.violation("captured_at", capturedAt, partitionDay: partitionDay)
    }
}

extension ReleaseRecord: JSONLineRecord {
    /// The fields of `raw/releases`, numbered as the decoder's cases read them.
    static let fields = JSONFieldScanner.FieldNames([
        "artist_id", "album_id", "album_name", "album_type", "album_group", "release_date", "release_date_precision",
        "total_tracks", "discovered_at", "is_new",
    ])

    public init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws {
        var scanner = JSONFieldScanner(jsonLine)
        var artistID: String?, albumID: String?, albumName: String?, albumType: String?, albumGroup: String?
        var releaseDate: String?, precision: String?, totalTracks: Int64 = 0, discovered: Instant?, isNew = false
        while let key = try scanner.nextKey() {
            switch ReleaseRecord.fields.index(of: key) {
            case 0: artistID = try scanner.string(interning: &strings)
            case 1: albumID = try scanner.string()
            case 2: albumName = try scanner.string()
            case 3: albumType = try scanner.optionalString(interning: &strings)
            case 4: albumGroup = try scanner.optionalString(interning: &strings)
            case 5: releaseDate = try scanner.string()
            case 6: precision = try scanner.string(interning: &strings)
            case 7: totalTracks = try scanner.optionalInteger() ?? 0
            case 8: discovered = try scanner.isNull() ? nil : scanner.lakeTimestamp()
            case 9: isNew = try scanner.isNull() ? false : scanner.boolean()
            default: try scanner.skipValue()
            }
        }
        guard let artistID, !artistID.isEmpty else { throw LakeError.format("missing field artist_id") }
        guard let albumID, !albumID.isEmpty else { throw LakeError.format("missing field album_id") }
        guard let releaseDate else { throw LakeError.format("missing field release_date") }
        guard let precision else { throw LakeError.format("missing field release_date_precision") }
        self.init(
            artistID: artistID, albumID: albumID, albumName: albumName ?? "", albumType: albumType ?? "",
            albumGroup: albumGroup, releaseDate: releaseDate, releaseDatePrecision: precision,
            totalTracks: totalTracks, discoveredAt: discovered, isNew: isNew
        )
    }

    public func appendJSON(to output: inout [UInt8]) {
        var json = JSONObjectWriter()
        json.field("artist_id", artistID)
        json.field("album_id", albumID)
        json.field("album_name", albumName)
        json.field("album_type", albumType)
        json.field("album_group", albumGroup)
        json.field("release_date", releaseDate)
        json.field("release_date_precision", releaseDatePrecision)
        json.field("total_tracks", totalTracks)
        json.field("discovered_at", discoveredAt?.isoString)
        json.field("is_new", isNew)
        json.close(into: &output)
    }

    public func contractViolation(partitionDay: String?) -> String? {
        discoveredAt.flatMap { LakeRecordDay.violation("discovered_at", $0, partitionDay: partitionDay) }
    }
}

/// A file's `dt=` value, and its day when it is one (a value that is no date, say
/// `2026-02-31`, has no record on it).
package struct PartitionDay: Sendable {
    package let text: String
    package let day: Day?

    package init(_ text: String) {
        self.text = text
        day = Day(iso: text)
    }
}

/// The lake's rule for a record's own time: it falls on its file's `dt=` day.
enum LakeRecordDay {
    static func violation(_ field: String, _ instant: Instant, partitionDay: String?) -> String? {
        guard let partitionDay, !isOn(instant, partitionDay) else { return nil }
        return "\(field) \(instant.isoString) is not on the file's day dt=\(partitionDay)"
    }

    /// The same with the file's day parsed once (a reader of a whole file checks every line).
    static func violation(_ field: String, _ instant: Instant, partitionDay: PartitionDay?) -> String? {
        guard let partitionDay, instant.day != partitionDay.day else { return nil }
        return "\(field) \(instant.isoString) is not on the file's day dt=\(partitionDay.text)"
    }

    /// Through `Day`'s parser, which reads the text in place: this runs for every record a
    /// transform reads, where printing the instant's day would allocate a string each time.
    static func isOn(_ instant: Instant, _ partitionDay: String) -> Bool {
        Day(iso: partitionDay) == instant.day
    }
}

extension JSONFieldScanner {
    /// A lake timestamp: ISO 8601 in UTC with `Z` (lake.md: no offset), parsed by `Instant`.
    mutating func lakeTimestamp() throws -> Instant {
        // Parsed from the line's bytes: a transform reads one timestamp per record.
        var refused = ""
        let parsed = try withStringBytes { bytes -> Instant? in
            if let last = bytes.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z"), let instant = Instant(isoBytes: bytes) {
                return instant
            }
            refused = String(decoding: bytes.prefix(40), as: UTF8.self)
            return nil
        }
        guard let parsed else {
            throw error("'\(refused)' is not an ISO 8601 timestamp in UTC with Z (lake.md: no offset), from 1678 to 2261")
        }
        return parsed
    }
}
