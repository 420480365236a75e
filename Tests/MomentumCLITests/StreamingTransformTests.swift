// The streaming transform (artists in buckets spilled to disk, tables written row group by row
// group) against the in-memory one on lakes with gaps, ties, duplicate runs, Development Mode
// artists, clustered releases and a leaderboard day whose records lose their follower counts to
// a later capture, and audience series of other sources (metrics.md section 8): every table holds
// the same rows.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumDashboard
import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct StreamingTransformTests {
    /// Transforms copies of `lake` in memory and in buckets of `bucketBytes`, and compares;
    /// row groups of at most `groupRows` rows, so that files have several.
    private func streamingEqualsInMemory(_ lake: URL, bucketBytes: Int, groupRows: Int) async throws {
        let work = lake.deletingLastPathComponent()
        let copies = ["memory", "streaming"].map { work.appendingPathComponent($0) }
        for copy in copies { try FileManager.default.copyItem(at: lake, to: copy) }
        let options = ParquetWriter.Options(rowGroupRows: groupRows)
        let memory = LocalEngine(store: FileSystemObjectStore(root: copies[0]), parquetOptions: options)
        var streaming = LocalEngine(store: FileSystemObjectStore(root: copies[1]), parquetOptions: options)
        streaming.streamingBucketBytes = bucketBytes
        let expected = try await memory.transform(full: true)
        let streamed = try await streaming.transform(full: true)
        #expect(expected.scope == .full(reason: "--full") && streamed.scope == .full(reason: "--full"))
        #expect(streamed.dailyRows == expected.dailyRows && streamed.signalRows == expected.signalRows)
        #expect(streamed.audienceRows == expected.audienceRows)
        #expect(streamed.events == expected.events && streamed.leaderboardRows == expected.leaderboardRows)
        #expect(streamed.asOf == expected.asOf && streamed.malformed == expected.malformed, "\(streamed.malformed) vs \(expected.malformed)")

        let a = try await memory.processedAnalyses(try await memory.processedLake())
        let b = try await streaming.processedAnalyses(try await streaming.processedLake())
        expectSameRows(a, b, "streamed vs in memory")
        // Read a span of artists at a time (the dashboard): the same artists, once each, with
        // the same rows.
        try await spansEqualWhole(memory)
        try await spansEqualWhole(streaming)
        let leaderboardA = try await memory.processedLeaderboard(try await memory.processedLake(), asOf: nil)
        let leaderboardB = try await streaming.processedLeaderboard(try await streaming.processedLake(), asOf: nil)
        #expect(leaderboardA.day == leaderboardB.day && leaderboardA.rows == leaderboardB.rows)
        // Byte for byte: row groups hold whole artists up to a size (ArtistRowGroups), not
        // whatever a bucket held, so an incremental run can write the same files as either.
        let files = try FileManager.default.subpathsOfDirectory(atPath: copies[1].appendingPathComponent("processed").path).filter { $0.hasSuffix(".parquet") }.sorted()
        #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: copies[0].appendingPathComponent("processed").path)).filter { $0.hasSuffix(".parquet") }.sorted())
        for file in files {
            let streamedBytes = try Data(contentsOf: copies[1].appendingPathComponent("processed").appendingPathComponent(file))
            let memoryBytes = try Data(contentsOf: copies[0].appendingPathComponent("processed").appendingPathComponent(file))
            #expect(streamedBytes == memoryBytes, "processed/\(file): the streamed file differs from the in-memory one")
        }
        // Buckets are ranges of ids: rows come in artist order, and a reader of one artist
        // reads one row group of each partition (the one whose statistics cover it).
        let streamedStore = FileSystemObjectStore(root: copies[1])
        var groups = 0
        for key in try await streamingStoreKeys(streamedStore) {
            let reader = try await ParquetReader.open(streamedStore, key: key)
            guard case .string(let values)? = try await reader.read(columns: ["artist_id"]).column("artist_id") else {
                Issue.record("\(key): no artist_id column")
                continue
            }
            let ids = values.compactMap { $0 }
            #expect(ids == ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }, "\(key): rows out of artist order")
            groups += reader.rowGroupCount
            for id in Set(ids) {
                let table = try await reader.read(columns: ["artist_id"], filter: .equals("artist_id", .string(id)))
                #expect(table.rowGroupsRead == 1, "\(key): \(table.rowGroupsRead) row groups read for \(id)")
            }
        }
        #expect(groups > 1)
        // A streamed full rebuild is recorded like any other: the next run is incremental.
        #expect(try await streaming.transformScope(full: false) == .upToDate)
    }

    @Test(.tags(.outsideTools))
    func aGeneratedLakeStreamedInBucketsEqualsTheInMemoryTransform() async throws {
        let work = try Repository.temporaryFolder("streaming-generated")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        let generated = try await OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "60", "--days", "120", "--seed", "3", "--audience"])
        try #require(generated.status == 0, "\(generated.stderr)")
        // About 1.5 MB of raw metrics and 4 MB of audience records: about 90 buckets.
        try await streamingEqualsInMemory(lake, bucketBytes: 64 << 10, groupRows: 200)
    }

    @Test func theHandWrittenLakeAndAMispredictedLeaderboardDayStreamAsInMemory() async throws {
        let work = try Repository.temporaryFolder("streaming-hand")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        // The last day's only count is overtaken by a later capture without one: the day with
        // followers in some record is not the leaderboard's day.
        let store = FileSystemObjectStore(root: lake)
        let day = try #require(Day(iso: "2026-03-11"))
        let at = Instant(nanosecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000_000 + 6 * 3_600_000_000_000)
        let records = [
            MetricObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 999, popularity: 50, capturedAt: at, source: "test"),
            MetricObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: nil, popularity: nil,
                            capturedAt: Instant(nanosecondsSinceEpoch: at.nanosecondsSinceEpoch + 3_600_000_000_000), source: "test"),
        ]
        try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: "late"), bytes: JSONLines.encode(records))
        try await streamingEqualsInMemory(lake, bucketBytes: 256, groupRows: 12)
    }
}

/// Each artist's rows in `a` and `b` are the same.
private func expectSameRows(_ a: [ArtistAnalysis], _ b: [ArtistAnalysis], _ what: String) {
    #expect(a.map(\.artistID) == b.map(\.artistID), "\(what)")
    for (x, y) in zip(a, b) {
        #expect(x.daily == y.daily, "\(what), \(x.artistID): artist_daily")
        #expect(x.audience == y.audience, "\(what), \(x.artistID): audience_daily")
        #expect(x.signals == y.signals, "\(what), \(x.artistID): artist_signals")
        #expect(x.impacts == y.impacts, "\(what), \(x.artistID): release_impact")
    }
}

/// The processed tables read a span of artists at a time (spans of one row to all of them) hold
/// what reading them whole does, and the dashboard written span by span is the page of every
/// analysis at once. The tables must have row groups enough for several spans.
private func spansEqualWhole(_ engine: LocalEngine) async throws {
    let processed = try await engine.processedLake()
    let whole = try await engine.processedAnalyses(processed)
    for rows in [1, 37, 1_000_000] {
        var spans: [[ArtistAnalysis]] = []
        try await engine.forEachProcessedSpan(processed, rowsPerSpan: rows) { spans.append($0) }
        expectSameRows(spans.flatMap { $0 }, whole, "spans of \(rows) rows")
        // Spans end where row groups do.
        if rows == 1 { #expect(spans.count > 2) }
    }
    var spanning = engine
    spanning.spanRows = 37
    let page = try await LakeReading.open(spanning).dashboardPage(asOf: nil, selected: nil, generatedAt: "now")
    let board = try await engine.processedLeaderboard(processed, asOf: nil)
    #expect(page.html == Dashboard.render(leaderboard: board.rows, analyses: whole, asOf: board.day, options: .init(generatedAt: "now")))
    let selected = try #require(whole.last?.artistID)
    let opened = try await LakeReading.open(spanning).dashboardPage(asOf: nil, selected: selected, generatedAt: "now")
    #expect(opened.html == Dashboard.render(leaderboard: board.rows, analyses: whole, asOf: board.day,
                                            options: .init(generatedAt: "now", selectedArtistID: selected)))
}

/// The artist_daily files of a lake.
private func streamingStoreKeys(_ store: FileSystemObjectStore) async throws -> [String] {
    try await store.list(prefix: LakeDataset.artistDaily.prefix).map(\.key).filter { $0.hasSuffix(".parquet") }
}

/// Buckets are ranges of ids split at quantiles of a sample: even whatever the ids look like.
@Suite struct BucketRangesTests {
    @Test func rangesAreOrderedAndEvenForRandomAndSkewedIds() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        func id(_ prefix: String) -> String {
            prefix + String((0..<(22 - prefix.count)).map { _ in alphabet[Int.random(in: 0..<62, using: &generator)] })
        }
        // Uniform ids, ids whose first character is 0-7 (Spotify's: base 62 of 128 random bits),
        // and ids that share a six-character prefix.
        let cases: [[String]] = [
            (0..<20_000).map { _ in id("") },
            (0..<20_000).map { _ in id(String(alphabet[Int.random(in: 0..<8, using: &generator)])) },
            (0..<20_000).map { _ in id("artist") },
        ]
        for ids in cases {
            let ranges = BucketRanges(buckets: 16, sample: ids.prefix(5_000))
            #expect(ranges.count == 16)
            var sizes = [Int](repeating: 0, count: ranges.count)
            for id in ids { sizes[ranges.bucket(of: id)] += 1 }
            // Every bucket within 25% of an even share (1,250).
            #expect(sizes.allSatisfy { (940...1_560).contains($0) }, "\(sizes)")
            // Byte order of ids is bucket order.
            let sorted = ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            #expect(zip(sorted, sorted.dropFirst()).allSatisfy { ranges.bucket(of: $0) <= ranges.bucket(of: $1) })
        }
        // A sample of one id splits at it, at most; ids of any length are placed.
        let one = BucketRanges(buckets: 8, sample: ["x"])
        #expect(one.count == 2 && one.bucket(of: "") == 0 && one.bucket(of: "x") == 1 && one.bucket(of: "zzzzzzzzzz") == 1)
        #expect(BucketRanges(buckets: 8, sample: []).count == 1)
        #expect(BucketRanges.key("ab") < BucketRanges.key("ab0") && BucketRanges.key("ab") > BucketRanges.key("aa~~~~~~~~"))
    }

    /// A roster in id order, fetched a file per tenth of it every day: the ranges come from the
    /// roster and the sample of files, so no bucket gathers most artists.
    @Test func aSortedRosterFiledInRangesIsSampledAcrossThem() async throws {
        let folder = try Repository.temporaryFolder("bucket-sample")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        var generator = SystemRandomNumberGenerator()
        let ids = (0..<5_000).map { _ in String((0..<22).map { _ in alphabet[Int.random(in: 0..<62, using: &generator)] }) }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        try await TrackedArtists(artists: ids.map { .init(id: $0, name: "a", addedAt: "2026-01-01T00:00:00Z") }).save(to: store)
        for dayIndex in 0..<12 {
            let day = try #require(Day(iso: String(format: "2026-03-%02d", dayIndex + 1)))
            for part in 0..<10 {
                let records = ids[part * 500..<(part + 1) * 500].map {
                    MetricObservation(artistID: $0, artistName: "a", followers: 1, popularity: 1,
                                    capturedAt: Instant(nanosecondsSinceEpoch: Int64(day.daysSinceEpoch) * 86_400_000_000_000), source: "test")
                }
                try await store.put(LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: "run-\(part)"), bytes: JSONLines.encode(records))
            }
        }
        let ranges = try await BucketRanges.sampled(buckets: 10, from: store)
        var sizes = [Int](repeating: 0, count: ranges.count)
        for id in ids { sizes[ranges.bucket(of: id)] += 1 }
        #expect(ranges.count == 10 && sizes.allSatisfy { (250...750).contains($0) }, "\(sizes)")
        // From the plan's listing of the whole raw lake (no second walk): the same ranges. The
        // listing holds other datasets' keys too (here ones that do not exist: sampled, they
        // would fail the read); only metric files are sampled.
        let others = (0..<50).map { ObjectInfo(key: "raw/releases/dt=2026-01-0\($0 % 9 + 1)/missing-\($0).jsonl", size: 1) }
        let fromListing = try await BucketRanges.sampled(buckets: 10, from: store, listing: others + store.list(prefix: "raw/"))
        #expect(ids.allSatisfy { fromListing.bucket(of: $0) == ranges.bucket(of: $0) })
    }

    @Test func scratchFoldersOfKilledTransformsAreRemovedAndAMissingTMPDIRIsNotCreated() async throws {
        let work = try Repository.temporaryFolder("streaming-scratch")
        defer { try? FileManager.default.removeItem(at: work) }
        let demo = try await momentum(["demo", "--dir", work.appendingPathComponent("demo").path, "--artists", "40", "--days", "150", "--seed", "2", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let lake = work.appendingPathComponent("demo/lake")
        let tmp = work.appendingPathComponent("tmp")
        // A killed transform's folder (its pid is gone), a running one's (pid 1 is alive), and
        // one of the older naming, two days old.
        let killed = tmp.appendingPathComponent("momentum-transform-4194303-\(UUID().uuidString)")
        let running = tmp.appendingPathComponent("momentum-transform-1-\(UUID().uuidString)")
        let older = tmp.appendingPathComponent("momentum-transform-\(UUID().uuidString)")
        for folder in [killed, running, older] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(count: 4096).write(to: folder.appendingPathComponent("bucket-0.spill"))
        }
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-2 * 86_400)], ofItemAtPath: older.path)
        let streamed = try await momentum(["transform", "--lake", lake.path, "--full", "-v"],
                                          environment: ["TMPDIR": tmp.path, "MOMENTUM_TRANSFORM_BUCKET_MB": "1"])
        #expect(streamed.status == 0, "\(streamed.stderr)")
        #expect(streamed.stderr.contains("scratch folder(s) of killed transforms"), "\(streamed.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path).sorted()
        #expect(left == [running.lastPathComponent], "\(left)")

        let missing = work.appendingPathComponent("no-such-dir/tmp")
        let refused = try await momentum(["transform", "--lake", lake.path, "--full"],
                                         environment: ["TMPDIR": missing.path, "MOMENTUM_TRANSFORM_BUCKET_MB": "1"])
        #expect(refused.status == 5 && refused.stderr.contains("TMPDIR"), "\(refused.status): \(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }
}
