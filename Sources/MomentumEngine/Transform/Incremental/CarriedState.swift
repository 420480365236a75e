// What the next transform needs of each artist to append days after the last one without
// reading the history (`../shared/spec/incremental.md`, "Consequences"): the artist's kept
// record of every day of the last `windowDays`, its latest row and latest counted row before
// them (a name for its events, a `prev_day` for its first counted row), and its release
// calendar's albums. Fed back to the analytics as observations and releases, with the new
// days' records, they give the new days' rows, the events whose windows reach them and the
// leaderboard exactly as a full rebuild does (`AppendedDays.swift` says why).
//
// One Parquet file, `state/increment/carried.parquet`, written after the tables and before
// the transform record, which names its fingerprint and its SHA-256: a state that is not the
// one the record names (a kill in between, a copy, an edit, even in place with its time put
// back) is not used.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

/// The per-artist state an appending run starts from.
struct CarriedState: Sendable {
    static let key = "state/increment/carried.parquet"

    /// Days of kept records before the next run's first day that it reads: the leaderboard of
    /// a day after the last one reads signals 27 days back from a row up to 3 days old, each
    /// with a 28-day baseline (58 days, `WindowedIncrement.leaderboardReach`); events and
    /// growth look-backs reach less far.
    static let windowDays = WindowedIncrement.leaderboardReach

    /// The first day kept for a state whose last day is `lastDay`.
    static func windowStart(lastDay: Day) -> Day { lastDay - (windowDays - 1) }

    enum Kind: Int32 {
        /// The kept record of a day in the window.
        case day = 0
        /// A row before the window: the artist's latest, or its latest with a count.
        case carried = 1
        /// An album of the artist's release calendar.
        case album = 2
    }

    /// One row of the state file.
    struct Row: Sendable {
        var artistID: String
        var kind: Kind
        /// The artist's name on that day, or the album's name.
        var name: String
        /// The row's day, or the album's release day.
        var day: Day
        var followers: Int64?
        var popularity: Int32?
        var albumID: String?
        var albumGroup: String?
    }

    /// One artist's state as the analytics' inputs.
    struct Artist: Sendable {
        var observations: [MetricObservation] = []
        var releases: [ReleaseRecord] = []
    }

    /// The state rows of one analysed artist, for a state whose window starts on `windowStart`.
    static func rows(of analysis: ArtistAnalysis, windowStart: Day) -> [Row] {
        var rows: [Row] = []
        let daily = analysis.daily
        let firstInWindow = daily.firstIndex { $0.day >= windowStart } ?? daily.endIndex
        func row(_ r: ArtistDaily, _ kind: Kind) -> Row {
            Row(artistID: analysis.artistID, kind: kind, name: r.artistName, day: r.day, followers: r.followers, popularity: r.popularity)
        }
        if firstInWindow > 0 {
            let latest = daily[firstInWindow - 1]
            if latest.followers == nil, let counted = daily[..<firstInWindow].last(where: { $0.followers != nil }) {
                rows.append(row(counted, .carried))
            }
            rows.append(row(latest, .carried))
        }
        for r in daily[firstInWindow...] { rows.append(row(r, .day)) }
        for album in analysis.calendar.albums {
            rows.append(Row(artistID: analysis.artistID, kind: .album, name: album.albumName, day: album.releaseDay,
                            albumID: album.albumID, albumGroup: album.group))
        }
        return rows
    }

    /// An album of a calendar as the one record the calendar keeps of it: the calendar made
    /// of these records is the one they came from (they are de-duplicated already).
    static func record(of album: ReleaseEvent.Album, artistID: String) -> ReleaseRecord {
        ReleaseRecord(artistID: artistID, albumID: album.albumID, albumName: album.albumName, albumType: album.group, albumGroup: album.group,
                      releaseDate: album.releaseDay.isoString, releaseDatePrecision: "day")
    }

    /// The file's columns. An artist's id is on its first row only, and a name only where it
    /// differs from the row before's (null: the same): most of an artist's rows then hold no
    /// string, which is most of the cost of writing and reading the file.
    static let schema: [ParquetField] = [
        ParquetField("artist_id", .string), ParquetField("kind", .int32, nullable: false),
        ParquetField("name", .string), ParquetField("day", .date, nullable: false),
        ParquetField("followers", .int64), ParquetField("popularity", .int32),
        ParquetField("album_id", .string), ParquetField("album_group", .string),
    ]

    /// The columns of whole artists' rows, in order.
    static func columns(_ rows: [Row]) -> [ParquetColumn] {
        var ids: [String?] = [], names: [String?] = []
        ids.reserveCapacity(rows.count)
        names.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() {
            let continues = index > 0 && rows[index - 1].artistID == row.artistID
            ids.append(continues ? nil : row.artistID)
            let sameName = continues && UTF8Order.equal(rows[index - 1].name, row.name)
            names.append(sameName ? nil : row.name)
        }
        return [.string(ids), .int32(rows.map { $0.kind.rawValue }), .string(names),
                .date(rows.map { $0.day.daysSinceEpoch }), .int64(rows.map(\.followers)), .int32(rows.map(\.popularity)),
                .string(rows.map(\.albumID)), .string(rows.map(\.albumGroup))]
    }
}

/// Reads a state file row group by row group: the artists each group completes, in order
/// (an artist's rows may go on into the next group). Every row is checked: a state that does
/// not read as one this version writes is not used.
final class CarriedStateReader: @unchecked Sendable {  // used by one task at a time
    private let reader: ParquetReader
    private let file: String
    private var nextGroup = 0
    private var id = "", name = ""
    private var current: (artistID: String, inputs: CarriedState.Artist)?
    private var rowsRead = 0

    /// Opens the state whose bytes hash to `sha256` (as its record says), else throws.
    init(_ store: any ObjectStore, sha256: String) async throws {
        file = "\(store.location)/\(CarriedState.key)"
        let bytes = try await store.get(CarriedState.key)
        guard CarriedStateWriter.sha256(bytes) == sha256 else { throw LakeError.format("\(file) is not the file its record names (its content has changed)") }
        reader = try await ParquetReader.open(bytes: bytes, name: file)
        guard reader.schema == CarriedState.schema else { throw LakeError.format("\(file) does not have the columns this version writes") }
    }

    /// The artists completed by the next row group; nil after the last group (which hands over
    /// the last artist).
    func next() async throws -> [(artistID: String, inputs: CarriedState.Artist)]? {
        guard nextGroup < reader.rowGroupCount else {
            defer { current = nil }
            return current.map { [$0] }
        }
        let c = ProcessedColumns(table: try await reader.read(columns: CarriedState.schema.map(\.name), rowGroups: [nextGroup]), file: file)
        nextGroup += 1
        let ids = try c.strings("artist_id"), kinds = try c.int32s("kind"), names = try c.strings("name"), days = try c.days("day")
        let followers = try c.int64s("followers"), popularity = try c.int32s("popularity")
        let albumIDs = try c.strings("album_id"), groups = try c.strings("album_group")
        var done: [(artistID: String, inputs: CarriedState.Artist)] = []
        for row in 0..<c.table.rowCount {
            let at = rowsRead + row
            if let next = ids[row] {
                if let current {
                    guard UTF8Order.less(current.artistID, next) else {
                        throw LakeError.format("\(file): artists out of order at row \(at)")
                    }
                    done.append(current)
                }
                id = next
                current = (id, CarriedState.Artist())
            } else if current == nil {
                throw LakeError.format("\(file): row \(at) has no artist")
            }
            if let named = names[row] { name = named } else if ids[row] != nil {
                throw LakeError.format("\(file): row \(at) has no name")
            }
            let day = try c.required(days, "day", row)
            guard let kind = kinds[row].flatMap(CarriedState.Kind.init(rawValue:)) else {
                throw LakeError.format("\(file): row \(at) has no kind this version knows")
            }
            switch kind {
            case .day, .carried:
                current?.inputs.observations.append(MetricObservation(
                    artistID: id, artistName: name, followers: followers[row], popularity: popularity[row], capturedAt: day.start))
            case .album:
                let album = ReleaseEvent.Album(albumID: try c.required(albumIDs, "album_id", row), albumName: name, releaseDay: day,
                                               group: try c.required(groups, "album_group", row))
                current?.inputs.releases.append(CarriedState.record(of: album, artistID: id))
            }
        }
        rowsRead += c.table.rowCount
        return done
    }
}

/// Writes a state file as artists arrive (in artist order), to a scratch file when given one
/// (a streaming transform: the state of a large lake is not held in memory) or to memory.
final class CarriedStateWriter: @unchecked Sendable {
    let lastDay: Day
    let windowStart: Day
    private var writer: ParquetWriter
    private let file: FileHandle?
    private let path: URL?
    private var bytes: [UInt8] = []

    init(lastDay: Day, options: ParquetWriter.Options, scratch: URL? = nil) throws {
        self.lastDay = lastDay
        windowStart = CarriedState.windowStart(lastDay: lastDay)
        // Row groups of a few hundred artists: the next run's spans.
        writer = try ParquetWriter(schema: CarriedState.schema, options: ParquetWriter.Options(codec: options.codec, rowGroupRows: 4 * options.rowGroupRows))
        if let scratch {
            let path = scratch.appendingPathComponent("carried.parquet")
            self.path = path
            file = try ScratchFolder.newFile(at: path)
        } else {
            path = nil
            file = nil
        }
    }

    /// Adds analysed artists (in artist order, after those added before).
    func add(_ analyses: [ArtistAnalysis]) throws {
        let rows = analyses.flatMap { CarriedState.rows(of: $0, windowStart: windowStart) }
        guard !rows.isEmpty else { return }
        try writer.append(CarriedState.columns(rows))
        try flush(writer.takeWrittenBytes())
    }

    private func flush(_ piece: [UInt8]) throws {
        if let file { try file.write(contentsOf: piece) } else { bytes += piece }
    }

    /// What a transform's record says of the state it wrote.
    struct Written: Sendable, Equatable {
        var lastDay: Day
        var sha256: String
    }

    static func sha256(_ bytes: [UInt8]) -> String { Digest.sha256Hex(bytes) }

    /// Finishes the file and puts it into the lake.
    func publish(to store: any ObjectStore) async throws -> Written {
        let rest = writer.finish()
        let file: [UInt8]
        if let handle = self.file, let path {
            try handle.write(contentsOf: rest)
            try handle.close()
            file = try BucketFiles.bytes(of: path)
            try FileManager.default.removeItem(at: path)
        } else {
            file = bytes + rest
        }
        try await store.put(CarriedState.key, bytes: file)
        return Written(lastDay: lastDay, sha256: CarriedStateWriter.sha256(file))
    }
}
