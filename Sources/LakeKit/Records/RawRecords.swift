// The raw record schemas of the lake contract: what the daily and weekly jobs append, one JSON
// object per line. Decoding is by the purpose-built scanner; encoding writes the same fields in
// a fixed order.

/// One follower/popularity observation (`raw/artist_metrics`).
public struct RawArtistMetric: Sendable, Hashable {
    /// `artist_id`.
    public var artistID: String
    /// `artist_name`.
    public var artistName: String
    /// `followers`; nil in Development Mode.
    public var followers: Int64?
    /// `popularity` (0 to 100); nil in Development Mode.
    public var popularity: Int32?
    /// `genres`; may be empty.
    public var genres: [String]
    /// `captured_at`, as nanoseconds since the epoch (UTC).
    public var capturedAt: Int64
    /// `source`, e.g. `spotify-web-api` or `csv-import`.
    public var source: String

    /// A record; `capturedAt` is nanoseconds since 1970 UTC.
    public init(
        artistID: String, artistName: String, followers: Int64?, popularity: Int32?, genres: [String] = [],
        capturedAt: Int64, source: String
    ) {
        self.artistID = artistID
        self.artistName = artistName
        self.followers = followers
        self.popularity = popularity
        self.genres = genres
        self.capturedAt = capturedAt
        self.source = source
    }
}

/// One album seen in an artist's discography (`raw/releases`).
public struct RawRelease: Sendable, Hashable {
    /// `artist_id`: the tracked artist.
    public var artistID: String
    /// `album_id`.
    public var albumID: String
    /// `album_name`.
    public var albumName: String
    /// `album_type`: `album`, `single` or `compilation`.
    public var albumType: String
    /// `album_group`; nil when the API omits it.
    public var albumGroup: String?
    /// `release_date` as the API gives it.
    public var releaseDate: String
    /// `release_date_precision`: `year`, `month` or `day`.
    public var releaseDatePrecision: String
    /// `total_tracks`.
    public var totalTracks: Int64
    /// `discovered_at`, as nanoseconds since the epoch (UTC); nil when a record lacks it.
    public var discoveredAt: Int64?
    /// `is_new`: false on an artist's first scan (the baseline).
    public var isNew: Bool

    /// A record; `discoveredAt` is nanoseconds since 1970 UTC.
    public init(
        artistID: String, albumID: String, albumName: String, albumType: String, albumGroup: String?,
        releaseDate: String, releaseDatePrecision: String, totalTracks: Int64, discoveredAt: Int64?, isNew: Bool
    ) {
        self.artistID = artistID
        self.albumID = albumID
        self.albumName = albumName
        self.albumType = albumType
        self.albumGroup = albumGroup
        self.releaseDate = releaseDate
        self.releaseDatePrecision = releaseDatePrecision
        self.totalTracks = totalTracks
        self.discoveredAt = discoveredAt
        self.isNew = isNew
    }
}

/// A record type that lives in the lake as JSON Lines.
public protocol JSONLineRecord: Sendable {
    /// Decodes one line, sharing repeated strings through `strings`; throws `LakeError` with
    /// the reason when the line is not a valid record.
    init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws
    /// Appends the record as one JSON object, without the newline.
    func appendJSON(to output: inout [UInt8])
    /// Why the record breaks the lake contract, nil when it does not; `partitionDay` is the
    /// `dt=` day of its file, when known.
    func contractViolation(partitionDay: LakeDate?) -> String?
}

extension JSONLineRecord {
    public func contractViolation(partitionDay: LakeDate?) -> String? { nil }
}

extension JSONLineRecord {
    /// Decodes one line on its own.
    public init(jsonLine: UnsafeBufferPointer<UInt8>) throws {
        var strings = StringInterner(capacity: 64)
        try self.init(jsonLine: jsonLine, strings: &strings)
    }
}

extension RawArtistMetric: JSONLineRecord {
    public init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws {
        var scanner = JSONFieldScanner(jsonLine)
        var id: String?, name: String?, captured: Int64?
        var followers: Int64?, popularity: Int64?, genres: [String] = [], source = ""
        try scanner.forEachField { key, value in
            if key.equals("artist_id") { id = try value.string(interning: &strings) }
            else if key.equals("artist_name") { name = try value.string(interning: &strings) }
            else if key.equals("followers") { followers = try value.optionalInteger() }
            else if key.equals("popularity") { popularity = try value.optionalInteger() }
            else if key.equals("genres") { genres = try value.stringArray() }
            else if key.equals("captured_at") { captured = try value.timestamp() }
            else if key.equals("source") { source = try value.optionalString(interning: &strings) ?? "" }
            else { try value.skipValue() }
        }
        guard let id, !id.isEmpty else { throw LakeError.format("missing field artist_id") }
        guard let captured else { throw LakeError.format("missing field captured_at") }
        if let followers, followers < 0 { throw LakeError.format("followers \(followers) is negative") }
        if let popularity, !(0...100).contains(popularity) {
            throw LakeError.format("popularity \(popularity) is outside 0-100")
        }
        self.init(
            artistID: id, artistName: name ?? "", followers: followers, popularity: popularity.map { Int32($0) },
            genres: genres, capturedAt: captured, source: source
        )
    }

    public func appendJSON(to output: inout [UInt8]) {
        var json = JSONObjectWriter()
        json.field("artist_id", artistID)
        json.field("artist_name", artistName)
        json.field("followers", followers)
        json.field("popularity", popularity.map(Int64.init))
        json.field("genres", genres)
        json.field("captured_at", Timestamp.iso(nanoseconds: capturedAt))
        json.field("source", source)
        json.close(into: &output)
    }

    public func contractViolation(partitionDay: LakeDate?) -> String? {
        if let partitionDay, LakeDate(nanosecondsSinceEpoch: capturedAt) != partitionDay {
            return "captured_at \(Timestamp.iso(nanoseconds: capturedAt)) is not on the file's day dt=\(partitionDay)"
        }
        return nil
    }
}

extension RawRelease: JSONLineRecord {
    public init(jsonLine: UnsafeBufferPointer<UInt8>, strings: inout StringInterner) throws {
        var scanner = JSONFieldScanner(jsonLine)
        var artistID: String?, albumID: String?, albumName: String?, albumType: String?, albumGroup: String?
        var releaseDate: String?, precision: String?, totalTracks: Int64 = 0, discovered: Int64?, isNew = false
        try scanner.forEachField { key, value in
            if key.equals("artist_id") { artistID = try value.string(interning: &strings) }
            else if key.equals("album_id") { albumID = try value.string() }
            else if key.equals("album_name") { albumName = try value.string() }
            else if key.equals("album_type") { albumType = try value.optionalString(interning: &strings) }
            else if key.equals("album_group") { albumGroup = try value.optionalString(interning: &strings) }
            else if key.equals("release_date") { releaseDate = try value.string() }
            else if key.equals("release_date_precision") { precision = try value.string(interning: &strings) }
            else if key.equals("total_tracks") { totalTracks = try value.optionalInteger() ?? 0 }
            else if key.equals("discovered_at") { discovered = try value.isNull() ? nil : value.timestamp() }
            else if key.equals("is_new") { isNew = try value.isNull() ? false : value.boolean() }
            else { try value.skipValue() }
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
        json.field("discovered_at", discoveredAt.map { Timestamp.iso(nanoseconds: $0) })
        json.field("is_new", isNew)
        json.close(into: &output)
    }

    public func contractViolation(partitionDay: LakeDate?) -> String? {
        if let partitionDay, let discoveredAt, LakeDate(nanosecondsSinceEpoch: discoveredAt) != partitionDay {
            return "discovered_at \(Timestamp.iso(nanoseconds: discoveredAt)) is not on the file's day dt=\(partitionDay)"
        }
        return nil
    }
}

extension JSONFieldScanner {
    mutating func timestamp() throws -> Int64 {
        let text = try string()
        guard let value = Timestamp.nanoseconds(iso: text, utcOnly: true) else {
            throw error("'\(text.prefix(40))' is not an ISO 8601 timestamp in UTC with Z (lake.md: no offset), from 1678 to 2261")
        }
        return value
    }
}
