// The incremental transform against a full rebuild, on random histories: tiny lakes in
// memory-sized folders get random sequences of appends, second files on old days, same-size
// rewrites, removed raw files, back-dated (and chaining) releases, Development Mode days, reads
// that fail, and processed tables removed by hand; after each step an incremental run must
// leave the tables byte for byte as a full rebuild of the same raw files does.
//
// MOMENTUM_PROPERTY_SEQUENCES sets how many sequences run (200 by default, in CI);
// MOMENTUM_PROPERTY_SEED replays one.

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumEngine
import MomentumTestSupport
import MomentumAnalytics
import Testing

/// A store whose reads of some keys fail, as a file without read permission does.
private struct FailingReads: ObjectStore {
    let base: FileSystemObjectStore
    let failing: Set<String>

    var location: String { base.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await base.list(prefix: prefix) }
    func listing(prefix: String) async throws -> ObjectListing { try await base.listing(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] {
        if failing.contains(key) { throw LakeError.io("\(key): permission denied (injected)") }
        return try await base.get(key)
    }
    func get(_ key: String, range: Range<Int>) async throws -> [UInt8] { try await base.get(key, range: range) }
    func put(_ key: String, bytes: [UInt8]) async throws { try await base.put(key, bytes: bytes) }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try await base.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try await base.delete(key) }
    func size(of key: String) async throws -> Int? { try await base.size(of: key) }
    func copy(_ source: String, to destination: String) async throws { try await base.copy(source, to: destination) }
}

/// The reference lake: its own processed tables and state over the raw files of the lake
/// under test (read in place rather than copied at every step).
private struct ReferenceStore: ObjectStore {
    let own: FileSystemObjectStore
    let raw: FailingReads

    private func store(_ key: String) -> any ObjectStore { key.hasPrefix("raw/") ? raw : own }
    var location: String { own.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await store(prefix).list(prefix: prefix) }
    func listing(prefix: String) async throws -> ObjectListing { try await store(prefix).listing(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] { try await store(key).get(key) }
    func get(_ key: String, range: Range<Int>) async throws -> [UInt8] { try await store(key).get(key, range: range) }
    func put(_ key: String, bytes: [UInt8]) async throws { try await own.put(key, bytes: bytes) }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try await own.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try await own.delete(key) }
    func size(of key: String) async throws -> Int? { try await store(key).size(of: key) }
    func copy(_ source: String, to destination: String) async throws { try await own.copy(source, to: destination) }
}

/// One random history and what has been done to it.
private struct RandomLake {
    enum Step: String, CaseIterable {
        case appendDay, secondFileOnOldDay, sameSizeRewrite, removeRawFile, backDatedRelease, developmentModeDay, failedRead, removeProcessedTable,
             audienceDay, scanDay
    }

    let folder: URL
    var random: SplitMix
    let artists = ["4Z8W4fKeB5YxbusRsdQVPb", "0OdUWJ0sBjDrqHygGUXeCF", "1vCWHaC5f2uS3yhpwWbIA6"]
    let start: Int32
    var lastDay: Int32
    var files = 0
    var albums: [(artist: String, day: Int32, id: String, filedOn: Int32)] = []

    init(folder: URL, seed: UInt64) throws {
        self.folder = folder
        random = SplitMix(seed: seed)
        start = 20_454 + Int32.random(in: 0...40, using: &random)   // early 2026
        lastDay = start + Int32.random(in: 80...140, using: &random)
        for day in start...lastDay where Int.random(in: 0..<10, using: &random) > 0 {
            try metricFile(day: day, hour: 6)
        }
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            try releaseFile(releaseDay: Int32.random(in: start...lastDay, using: &random), filedOn: lastDay)
        }
        // Often a chain of albums 7 days apart: one event that a later album can extend.
        if Bool.random(using: &random) {
            var day = Int32.random(in: start...(lastDay - 40), using: &random)
            for _ in 0..<Int.random(in: 3...5, using: &random) {
                try releaseFile(releaseDay: day, filedOn: lastDay, artist: artists[0], chaining: false)
                day += 7
            }
        }
    }

    static func iso(_ day: Int32) -> String { Day(daysSinceEpoch: day)!.isoString }

    mutating func write(_ key: String, _ lines: [String]) throws {
        let url = folder.appendingPathComponent(key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    }

    mutating func metricFile(day: Int32, hour: Int, development: Bool = false) throws {
        files += 1
        var lines: [String] = []
        for (index, artist) in artists.enumerated() where Int.random(in: 0..<8, using: &random) > 0 {
            let base = 10_000 * (index + 1) + Int(day - start) * (5 + index * 3)
            let followers = development ? "null" : String(base + Int.random(in: 0...(day % 9 == 0 ? 3_000 : 40), using: &random))
            let popularity = development ? "null" : String(Int.random(in: 30...70, using: &random))
            lines.append(#"{"artist_id":"\#(artist)","artist_name":"Artist \#(index)","followers":\#(followers),"popularity":\#(popularity),"captured_at":"\#(Self.iso(day))T\#(String(format: "%02d", hour)):00:00Z"}"#)
        }
        guard !lines.isEmpty else { return }
        try write("raw/artist_metrics/dt=\(Self.iso(day))/run-\(String(format: "%04d", files)).jsonl", lines)
    }

    /// Deezer fans of some artists on a day (metrics.md section 8).
    mutating func audienceFile(day: Int32) throws {
        files += 1
        var lines: [String] = []
        for (index, artist) in artists.enumerated() where Bool.random(using: &random) {
            let fans = 2_000 * (index + 1) + Int(day - start) * 3 + Int.random(in: 0...30, using: &random)
            lines.append(#"{"artist_id":"\#(artist)","artist_name":"Artist \#(index)","source":"deezer","source_artist_id":"\#(index + 1)","metric":"fans","value":\#(fans),"captured_at":"\#(Self.iso(day))T07:00:00Z"}"#)
        }
        guard !lines.isEmpty else { return }
        try write("raw/audience/dt=\(Self.iso(day))/run-\(String(format: "%04d", files)).jsonl", lines)
    }

    mutating func releaseFile(releaseDay: Int32, filedOn: Int32, artist chosen: String? = nil, chaining: Bool = true) throws {
        files += 1
        let artist = chosen ?? artists[Int.random(in: 0..<artists.count, using: &random)]
        // Now and then an album 7 days after the artist's latest, or 7 days from another:
        // clusters chain.
        var day = releaseDay
        let own = albums.filter { $0.artist == artist }
        if chaining, let latest = own.map(\.day).max(), Bool.random(using: &random) {
            day = latest + 7
        } else if chaining, let earlier = own.randomElement(using: &random), Bool.random(using: &random) {
            day = earlier.day + (Bool.random(using: &random) ? 7 : -7)
        }
        let album = "album\(String(format: "%017d", files))"
        albums.append((artist, day, album, filedOn))
        try write("raw/releases/dt=\(Self.iso(filedOn))/scan-\(String(format: "%04d", files)).jsonl", [
            Self.releaseLine(artist: artist, album: album, name: "Record \(files)", day: day, discovered: filedOn),
        ])
    }

    static func releaseLine(artist: String, album: String, name: String, day: Int32, discovered: Int32) -> String {
        #"{"artist_id":"\#(artist)","album_id":"\#(album)","album_name":"\#(name)","album_type":"album","album_group":"album","release_date":"\#(iso(day))","release_date_precision":"day","total_tracks":9,"discovered_at":"\#(iso(discovered))T07:00:00Z","is_new":true}"#
    }

    /// A weekly scan on `filedOn`: known albums seen again (now and then under another date or
    /// name, which the earlier sighting overrules, or sighted earlier than first thought, which
    /// moves the album), and often an album of the last weeks.
    mutating func scanFile(filedOn: Int32) throws {
        files += 1
        var lines: [String] = []
        for album in albums.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)) {
            let day = Bool.random(using: &random) ? album.day : album.day + Int32.random(in: -9...9, using: &random)
            let earlier = Int.random(in: 0..<4, using: &random) == 0
            lines.append(Self.releaseLine(artist: album.artist, album: album.id, name: Bool.random(using: &random) ? "Record" : "Other",
                                          day: day, discovered: earlier ? album.filedOn - 1 : filedOn))
        }
        if Bool.random(using: &random) {
            let artist = artists[Int.random(in: 0..<artists.count, using: &random)]
            let latest = albums.filter { $0.artist == artist }.map(\.day).max()
            let day = latest.map { $0 + 7 <= filedOn && Bool.random(using: &random) ? $0 + 7 : filedOn - Int32.random(in: 0...20, using: &random) }
                ?? filedOn - Int32.random(in: 0...20, using: &random)
            let album = "album\(String(format: "%017d", files))"
            albums.append((artist, day, album, filedOn))
            lines.append(Self.releaseLine(artist: artist, album: album, name: "Record \(files)", day: day, discovered: filedOn))
        }
        try write("raw/releases/dt=\(Self.iso(filedOn))/scan-\(String(format: "%04d", files)).jsonl", lines)
    }

    func rawKeys(_ prefix: String) -> [String] {
        let root = folder.appendingPathComponent(prefix)
        return ((FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects as? [URL]) ?? [])
            .filter { $0.pathExtension == "jsonl" }.map { String($0.path.dropFirst(folder.path.count + 1)) }.sorted()
    }

    /// Does one step; returns the keys whose reads fail during the runs that follow it.
    mutating func apply(_ step: Step) throws -> Set<String> {
        switch step {
        case .appendDay:
            // Now and then after weeks without data: the leaderboard's day stays far behind.
            lastDay += Int.random(in: 0..<4, using: &random) == 0 ? Int32.random(in: 19...45, using: &random) : Int32.random(in: 1...3, using: &random)
            try metricFile(day: lastDay, hour: 6)
        case .secondFileOnOldDay:
            try metricFile(day: Int32.random(in: max(start, lastDay - 100)...lastDay, using: &random), hour: 18)
        case .sameSizeRewrite:
            guard let key = (rawKeys("raw/artist_metrics") + rawKeys("raw/audience")).randomElement(using: &random) else { return [] }
            let url = folder.appendingPathComponent(key)
            var text = try String(contentsOf: url, encoding: .utf8)
            // One digit of a count changes: same size, new content.
            if let range = text.range(of: #""(followers|value)":\d"#, options: .regularExpression) {
                let digit = text.index(before: range.upperBound)
                text.replaceSubrange(digit...digit, with: text[digit] == "9" ? "8" : "9")
            }
            try Data(text.utf8).write(to: url)
        case .removeRawFile:
            guard let key = (rawKeys("raw/artist_metrics") + rawKeys("raw/releases") + rawKeys("raw/audience")).randomElement(using: &random) else { return [] }
            try FileManager.default.removeItem(at: folder.appendingPathComponent(key))
        case .backDatedRelease:
            try releaseFile(releaseDay: Int32.random(in: start...lastDay, using: &random), filedOn: lastDay)
        case .developmentModeDay:
            // Often weeks later: the leaderboard's day (the latest count) stays behind.
            lastDay += Bool.random(using: &random) ? Int32.random(in: 19...36, using: &random) : 1
            try metricFile(day: lastDay, hour: 6, development: true)
        case .failedRead:
            lastDay += 1
            try metricFile(day: lastDay, hour: 6)
            return Set(rawKeys("raw/artist_metrics/dt=\(Self.iso(lastDay))"))
        case .removeProcessedTable:
            try? FileManager.default.removeItem(at: folder.appendingPathComponent("processed/release_impact"))
        case .audienceDay:
            try audienceFile(day: Int32.random(in: max(start, lastDay - 60)...lastDay, using: &random))
        case .scanDay:
            lastDay += 1
            try metricFile(day: lastDay, hour: 6)
            try scanFile(filedOn: lastDay)
        }
        return []
    }
}

@Suite struct IncrementalPropertyTests {
    static let sequences = Int(ProcessInfo.processInfo.environment["MOMENTUM_PROPERTY_SEQUENCES"] ?? "") ?? 200
    static let stepsPerSequence = 4

    private static func processed(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = folder.appendingPathComponent("processed")
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? .init() where url.pathExtension == "parquet" {
            files[String(url.path.dropFirst(folder.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    /// Tables are written uncompressed: compression is the same on both sides and would be
    /// most of the test's time. Small row groups: both sides must cut them alike.
    static let options = ParquetWriter.Options(codec: .uncompressed, rowGroupRows: 40)

    /// Quiet: the injected read failures would fill the test log with warnings.
    static let logger: Logger = {
        var logger = Logger(label: "property")
        logger.logLevel = .critical
        return logger
    }()

    private static func engine(_ folder: URL, failing: Set<String>) -> LocalEngine {
        LocalEngine(store: FailingReads(base: FileSystemObjectStore(root: folder), failing: failing), logger: logger, parquetOptions: options)
    }

    /// Runs one sequence; returns a description of the first difference, nil when none, and
    /// how many of its runs appended days from the carried state.
    static func sequence(seed: UInt64, in root: URL) async throws -> (difference: String?, appended: Int, appendedScans: Int) {
        let lake = root.appendingPathComponent("lake-\(seed)"), reference = root.appendingPathComponent("reference-\(seed)")
        defer { try? FileManager.default.removeItem(at: lake); try? FileManager.default.removeItem(at: reference) }
        var history = try RandomLake(folder: lake, seed: seed)
        _ = try await engine(lake, failing: []).transform(full: true)
        var steps: [RandomLake.Step] = []
        var appended = 0, appendedScans = 0
        for _ in 0..<stepsPerSequence {
            let step = RandomLake.Step.allCases.randomElement(using: &history.random)!
            steps.append(step)
            let failing = try history.apply(step)
            let incremental = try await engine(lake, failing: failing).transform()
            if case .appended = incremental.scope {
                appended += 1
                if step == .scanDay { appendedScans += 1 }
            }

            try? FileManager.default.removeItem(at: reference)
            try FileManager.default.createDirectory(at: reference, withIntermediateDirectories: true)
            let rebuild = ReferenceStore(own: FileSystemObjectStore(root: reference),
                                         raw: FailingReads(base: FileSystemObjectStore(root: lake), failing: failing))
            _ = try await LocalEngine(store: rebuild, logger: logger, parquetOptions: options).transform(full: true)
            let ours = try processed(lake), theirs = try processed(reference)
            for (key, bytes) in theirs.sorted(by: { $0.key < $1.key }) where ours[key] != bytes {
                return ("seed \(seed), steps \(steps.map(\.rawValue)): \(key) differs from a full rebuild (\(incremental.scope.summary))", appended, appendedScans)
            }
            // Only leaderboard snapshots of earlier days may be extra (snapshots are kept per day).
            if let extra = Set(ours.keys).subtracting(theirs.keys).first(where: { !$0.hasPrefix("processed/momentum/") }) {
                return ("seed \(seed), steps \(steps.map(\.rawValue)): \(extra) is not in a full rebuild (\(incremental.scope.summary))", appended, appendedScans)
            }
        }
        return (nil, appended, appendedScans)
    }

    @Test func incrementalRunsEqualFullRebuildsOnRandomHistories() async throws {
        // Thousands of small files and folders are made and removed: in memory when the
        // machine has a tmpfs at /dev/shm, in the temporary folder otherwise.
        let shm = URL(fileURLWithPath: "/dev/shm/momentum-incremental-property-\(UUID().uuidString)")
        let root = (try? FileManager.default.createDirectory(at: shm, withIntermediateDirectories: true)) != nil
            ? shm : try Repository.temporaryFolder("incremental-property")
        defer { try? FileManager.default.removeItem(at: root) }
        let seeds: [UInt64] = ProcessInfo.processInfo.environment["MOMENTUM_PROPERTY_SEED"].flatMap { UInt64($0) }.map { [$0] }
            ?? (0..<UInt64(Self.sequences)).map { 0x5EED_0000 + $0 }
        // One sequence at a time: the rest of the suite runs beside this test, and some of it
        // measures deadlines.
        var appended = 0, appendedScans = 0
        for seed in seeds {
            let run = try await Self.sequence(seed: seed, in: root)
            if let difference = run.difference { Issue.record(Comment(rawValue: difference)) }
            appended += run.appended
            appendedScans += run.appendedScans
        }
        // The days appended from the carried state are among the runs compared: a change that
        // stopped them from ever being taken would otherwise pass unseen.
        if seeds.count >= 50 {
            #expect(appended >= seeds.count / 10, "\(appended) of \(seeds.count * Self.stepsPerSequence) runs appended days")
            // Weekly scans among them: release files that change calendars the state reaches.
            #expect(appendedScans >= seeds.count / 10, "\(appendedScans) scan days appended")
        }
    }
}
