// Incremental transforms on the local engine: raw files are held back, the lake is transformed,
// the files come back in steps (a new day, a second run on an old day, a back-dated release),
// each followed by an incremental run; the tables must then be byte for byte those of a full
// rebuild. Anything but new files (a rewritten file) means a full rebuild.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumTestSupport
import MomentumAnalytics
import Testing

@Suite struct IncrementalTransformTests {
    /// Holds `steps` back, transforms, then returns each step's files and transforms again
    /// (checking each run's plan with `expect`; `prepare` runs after a step's files are back,
    /// before its run); finally compares with a full rebuild. Returns each run's log.
    @discardableResult
    private func incrementalEqualsFull(lake: URL, steps: [[String]], expect: [String], throughWindow: Bool = true,
                                       environment: [String: String] = [:], prepare: (Int) throws -> Void = { _ in }) async throws -> [String] {
        let aside = lake.deletingLastPathComponent().appendingPathComponent("held-back")
        let files = FileManager.default
        for key in steps.joined() {
            let target = aside.appendingPathComponent(key)
            try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try files.moveItem(at: lake.appendingPathComponent(key), to: target)
        }
        let first = try await momentum(["transform", "--lake", lake.path, "--full", "--quiet"])
        try #require(first.status == 0, "\(first.stderr)")
        var logs: [String] = []
        for (index, (step, expected)) in zip(steps, expect).enumerated() {
            for key in step {
                let target = lake.appendingPathComponent(key)
                try files.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try files.moveItem(at: aside.appendingPathComponent(key), to: target)
            }
            try prepare(index)
            let plan = try await momentum(["transform", "--lake", lake.path, "--dry-run"], environment: environment)
            #expect(plan.status == 0 && plan.stdout.contains(expected), "\(step): \(plan.stdout) \(plan.stderr)")
            let incremental = try await momentum(["transform", "--lake", lake.path, "-v"], environment: environment)
            #expect(incremental.status == 0 && incremental.stderr.contains(expected), "\(incremental.stderr)")
            // The window or the carried state, not the whole history, was read.
            #expect(!throughWindow || incremental.stderr.contains("read and analysed the window")
                        || incremental.stderr.contains("appended from the carried state"), "\(incremental.stderr)")
            logs.append(incremental.stderr)
        }
        let again = try await momentum(["transform", "--lake", lake.path])
        #expect(again.status == 0 && again.stderr.contains("up to date"), "\(again.stderr)")

        let reference = lake.deletingLastPathComponent().appendingPathComponent("reference")
        try files.copyItem(at: lake, to: reference)
        try files.removeItem(at: reference.appendingPathComponent("processed"))
        let full = try await momentum(["transform", "--lake", reference.path, "--full", "--quiet"])
        try #require(full.status == 0, "\(full.stderr)")
        let ours = try processedFiles(lake), theirs = try processedFiles(reference)
        // A leaderboard snapshot of an earlier as-of day stays (snapshots are kept per day).
        #expect(Set(theirs.keys).isSubset(of: Set(ours.keys)), "\(theirs.keys.sorted()) vs \(ours.keys.sorted())")
        for (key, bytes) in theirs {
            #expect(ours[key] == bytes, "\(key) differs from a full rebuild")
        }
        #expect(Set(ours.keys).subtracting(theirs.keys).allSatisfy { $0.hasPrefix("processed/momentum/") })
        return logs
    }

    /// A demo lake's raw data alone (its tables removed), for a test to transform step by step.
    private func rawDemoLake(in work: URL, artists: Int, days: Int, seed: Int) async throws -> URL {
        let demo = try await momentum(["demo", "--dir", work.path, "--artists", "\(artists)", "--days", "\(days)", "--seed", "\(seed)", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let lake = work.appendingPathComponent("lake")
        try FileManager.default.removeItem(at: lake.appendingPathComponent("processed"))
        return lake
    }

    private func processedFiles(_ lake: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let root = lake.appendingPathComponent("processed")
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? .init()
        where url.pathExtension == "parquet" {
            files[String(url.path.dropFirst(lake.path.count + 1))] = try Data(contentsOf: url)
        }
        return files
    }

    @Test func aDemoLakeGrowingDayByDayEqualsAFullRebuild() async throws {
        let work = try Repository.temporaryFolder("incremental-demo")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = try await rawDemoLake(in: work, artists: 15, days: 75, seed: 11)
        let metricDays = try rawKeys(lake, "raw/artist_metrics")
        let releaseScans = try rawKeys(lake, "raw/releases")
        try #require(metricDays.count >= 3 && releaseScans.count >= 2)
        // A back-dated release: a scan found an album of two months ago.
        let backDated = "raw/releases/dt=\(metricDays.last!.dropFirst(22).prefix(10))/late-scan.jsonl"
        let album = ReleaseRecord(artistID: try firstArtist(lake), albumID: "backdated0000000000001", albumName: "Found Later",
                               albumType: "album", albumGroup: "album", releaseDate: String(metricDays[3].dropFirst(22).prefix(10)),
                               releaseDatePrecision: "day", totalTracks: 9, discoveredAt: nil, isNew: true)
        try FileManager.default.createDirectory(at: lake.appendingPathComponent(backDated).deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(try JSONLines.encode([album])).write(to: lake.appendingPathComponent(backDated))
        let firstMonth = String(metricDays[3].dropFirst(22).prefix(7))
        try await incrementalEqualsFull(lake: lake, steps: [
            [metricDays[metricDays.count - 2]],
            [metricDays[metricDays.count - 1], releaseScans.last!],
            [backDated],
        ], expect: [
            // Metrics of the next day: appended from the carried state. With a release scan of
            // albums of the last days: appended too, their days computed again. A back-dated
            // release, before the state reaches: its month on.
            "appended from the carried state, stored rows kept", "appended from the carried state, stored rows from", "months from \(firstMonth) recomputed",
        ])
    }

    @Test(.tags(.outsideTools))
    func aLongGeneratedLakeReadThroughItsWindowEqualsAFullRebuild() async throws {
        // 220 days: the run reads back 76 days of stored rows; the rest of each artist's
        // history is carried in (its last count before the window), read from the older months
        // for Development Mode artists, whose window rows carry none. Gaps, duplicate runs and
        // releases as generate_lake.py writes them.
        let work = try Repository.temporaryFolder("incremental-window")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        let generated = try await OutsideTools.runScript("generate_lake.py", ["--out", lake.path, "--artists", "40", "--days", "220", "--seed", "8"])
        try #require(generated.status == 0, "\(generated.stderr)")
        let days = try rawKeys(lake, "raw/artist_metrics")
        let scans = try rawKeys(lake, "raw/releases")
        try await incrementalEqualsFull(lake: lake, steps: [[days[days.count - 2]], [days[days.count - 1], scans.last!]],
                                  expect: ["incremental: 1 new raw file(s)", "incremental"])
    }

    /// With the carried state, the day and the releases of the last days are appended from it;
    /// without it, the window reads back and carries history in.
    @Test(arguments: [true, false])
    func historyBeforeTheWindowIsCarriedIn(keepingTheCarriedState: Bool) async throws {
        // 200 days from 2026-01-01; the last day (2026-07-19) arrives late, so the window
        // starts 76 days before 2026-07-01. Flip: counts, then Development Mode for 99 days, then
        // a count again (its prev_day is 98 days back, in the older months). Late: no count from
        // day 100 until day 186 (a stored row after the window's first day points back before
        // it). Stale: no rows after day 49, but a new release (its name is from day 49). Steady
        // has a count every day and a new release too.
        let work = try Repository.temporaryFolder("incremental-carry")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        let store = FileSystemObjectStore(root: lake)
        let start = try #require(Day(iso: "2026-01-01"))
        func day(_ offset: Int) -> Day { Day(daysSinceEpoch: start.daysSinceEpoch + Int32(offset))! }
        func metric(_ id: String, _ name: String, _ offset: Int, _ followers: Int64?) -> MetricObservation {
            MetricObservation(artistID: id, artistName: name, followers: followers, popularity: followers.map { _ in Int32(40 + offset % 7) },
                            capturedAt: Instant(nanosecondsSinceEpoch: Int64(day(offset).daysSinceEpoch) * 86_400_000_000_000 + 21_600_000_000_000), source: "test")
        }
        for offset in 0..<200 {
            var records = [metric("1111111111111111111111", "Steady", offset, 10_000 + Int64(offset * offset))]
            records.append(metric("2222222222222222222222", "Flip", offset, offset < 100 || offset == 199 ? 1_000 + Int64(offset * 3) : nil))
            records.append(metric("3333333333333333333333", "Late", offset, offset < 100 || offset >= 186 ? 2_000 + Int64(offset * 5) : nil))
            if offset < 50 { records.append(metric("4444444444444444444444", offset < 49 ? "Stale" : "Stale (renamed)", offset, 500 + Int64(offset))) }
            try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day(offset).isoString, runID: "run"), bytes: JSONLines.encode(records))
        }
        func release(_ artist: String, _ album: String, _ offset: Int) -> ReleaseRecord {
            ReleaseRecord(artistID: artist, albumID: album, albumName: "Album \(album.suffix(3))", albumType: "album", albumGroup: "album",
                       releaseDate: day(offset).isoString, releaseDatePrecision: "day", totalTracks: 10, discoveredAt: nil, isNew: false)
        }
        try store.writeFile(LakeLayout.rawKey(.releases, day: day(0).isoString, runID: "scan"), bytes: JSONLines.encode([
            release("1111111111111111111111", "album00000000000000a001", 30), release("4444444444444444444444", "album00000000000000a002", 20),
            release("2222222222222222222222", "album00000000000000a003", 60),
        ]))
        try store.writeFile(LakeLayout.rawKey(.releases, day: day(199).isoString, runID: "scan"), bytes: JSONLines.encode([
            release("1111111111111111111111", "album00000000000000a004", 190), release("4444444444444444444444", "album00000000000000a005", 195),
        ]))
        try await incrementalEqualsFull(lake: lake, steps: [[
            LakeLayout.rawKey(.artistMetrics, day: day(199).isoString, runID: "run"), LakeLayout.rawKey(.releases, day: day(199).isoString, runID: "scan"),
        ]], expect: [keepingTheCarriedState ? "day 2026-07-19 appended from the carried state, stored rows from 2026-07-10 computed again"
                                            : "incremental: 2 new raw file(s); months from 2026-07"]) { _ in
            if !keepingTheCarriedState { try FileManager.default.removeItem(at: lake.appendingPathComponent("state/increment/carried.parquet")) }
        }
    }

    @Test func aWindowLargerThanAStreamingBucketIsRebuiltInFullStreaming() async throws {
        // 100 artists, 150 days: about 2.4 MiB of counts. A release 120 days back is before the
        // carried state reaches; its months' window holds more than a 1 MiB bucket.
        let work = try Repository.temporaryFolder("incremental-bucket")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        let store = FileSystemObjectStore(root: lake)
        let start = try #require(Day(iso: "2026-02-01"))
        func day(_ offset: Int) -> Day { Day(daysSinceEpoch: start.daysSinceEpoch + Int32(offset))! }
        for offset in 0..<150 {
            let records = (0..<100).map { index in
                MetricObservation(artistID: String(format: "artist%016d", index), artistName: "Artist \(index)", followers: Int64(1_000 * index + offset * (index % 7)),
                                  popularity: Int32(20 + index % 50), capturedAt: Instant(nanosecondsSinceEpoch: Int64(day(offset).daysSinceEpoch) * 86_400_000_000_000))
            }
            try store.writeFile(LakeLayout.rawKey(.artistMetrics, day: day(offset).isoString, runID: "run"), bytes: JSONLines.encode(records))
        }
        let late = LakeLayout.rawKey(.releases, day: day(149).isoString, runID: "scan")
        try store.writeFile(late, bytes: JSONLines.encode([
            ReleaseRecord(artistID: "artist0000000000000003", albumID: "album00000000000000b001", albumName: "Found Later", albumType: "album",
                          albumGroup: "album", releaseDate: day(30).isoString, releaseDatePrecision: "day", totalTracks: 8, discoveredAt: nil, isNew: true),
        ]))
        let raw = try rawKeys(lake, "raw/artist_metrics").map { try FileManager.default.attributesOfItem(atPath: lake.appendingPathComponent($0).path)[.size] as? Int ?? 0 }
        try #require(raw.reduce(0, +) > 2 << 20, "the lake must hold more than two buckets")
        try await incrementalEqualsFull(lake: lake, steps: [[late]], expect: ["full rebuild: the rows from 2026-03 on read back to"],
                                        throughWindow: false, environment: ["MOMENTUM_TRANSFORM_BUCKET_MB": "1"])
    }

    @Test func theHandWrittenLakeWithTiesAndDuplicatesEqualsAFullRebuild() async throws {
        let work = try Repository.temporaryFolder("incremental-hand")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = work.appendingPathComponent("lake")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Tests/Fixtures/hand-lake"), to: lake)
        // A second run on a day already transformed: the day's record is chosen again among
        // both runs' records, ties broken by read order as in a full run.
        try await incrementalEqualsFull(lake: lake, steps: [
            ["raw/artist_metrics/dt=2026-03-03/20260303-second-run.jsonl"],
            ["raw/artist_metrics/dt=2026-03-10/2026010-run.jsonl"],
        ], expect: ["incremental: 1 new raw file(s)", "incremental: 1 new raw file(s)"])
    }

    @Test func theCarriedStateIsUsedOnlyWhenItIsTheOneTheRecordNamesAndReadsWhole() async throws {
        let work = try Repository.temporaryFolder("incremental-carried")
        defer { try? FileManager.default.removeItem(at: work) }
        let lake = try await rawDemoLake(in: work, artists: 12, days: 70, seed: 5)
        let days = try rawKeys(lake, "raw/artist_metrics")
        try #require(days.count >= 5)
        let state = lake.appendingPathComponent("state/increment/carried.parquet")
        let logs = try await incrementalEqualsFull(lake: lake, steps: days.suffix(4).map { [$0] }, expect: Array(repeating: "incremental: 1 new raw file(s)", count: 4)) { step in
            switch step {
            case 0:
                // Rewritten in place at the same size, its modification time put back: the
                // record's fingerprint still names it, but it no longer reads as a state.
                var info = stat()
                try #require(stat(state.path, &info) == 0)
                let handle = try FileHandle(forWritingTo: state)
                try handle.seek(toOffset: UInt64(info.st_size / 2))
                try handle.write(contentsOf: Data(repeating: 0xFF, count: 64))
                try handle.close()
                var times = [info.st_atim, info.st_mtim]
                try #require(utimensat(AT_FDCWD, state.path, &times, 0) == 0)
            case 1:
                // Removed: not the state the record names.
                try FileManager.default.removeItem(at: state)
            default:
                break
            }
        }
        try #require(logs.count == 4)
        #expect(logs[0].contains("its content has changed") && logs[0].contains("read and analysed the window"), "\(logs[0])")
        #expect(logs[1].contains("is not the state the last transform left") && logs[1].contains("read and analysed the window"), "\(logs[1])")
        // A window run leaves a state again: the following days are appended.
        #expect(logs[2].contains("appended from the carried state") && logs[3].contains("appended from the carried state"), "\(logs[2])\n\(logs[3])")
    }

    @Test func aRewrittenOrRemovedRawFileMeansAFullRebuild() async throws {
        let work = try Repository.temporaryFolder("incremental-rewrite")
        defer { try? FileManager.default.removeItem(at: work) }
        try writeHandMadeLake(at: work)
        #expect(try await momentum(["transform", "--lake", work.path, "--quiet"]).status == 0)
        let key = "raw/artist_metrics/dt=2026-03-05/run4.jsonl"
        let file = work.appendingPathComponent(key)
        var bytes = try Data(contentsOf: file)
        bytes += Data(#"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","followers":7,"popularity":1,"captured_at":"2026-03-05T07:00:00Z"}"#.utf8 + [10])
        try bytes.write(to: file)
        let plan = try await momentum(["transform", "--lake", work.path, "--dry-run", "--format", "json"])
        #expect(plan.status == 0 && plan.stdout.contains(#""mode":"full""#) && plan.stdout.contains("was rewritten"), "\(plan.stdout)")
        try FileManager.default.removeItem(at: file)
        let removed = try await momentum(["transform", "--lake", work.path, "--dry-run"])
        #expect(removed.stdout.contains("full rebuild: raw file \(key) was removed"), "\(removed.stdout)")
        // Processed files changed behind the transform's back: rebuilt, not trusted.
        #expect(try await momentum(["transform", "--lake", work.path, "--quiet"]).status == 0)
        try FileManager.default.removeItem(at: work.appendingPathComponent("processed/artist_daily/month=2026-04"))
        try FileManager.default.createDirectory(at: work.appendingPathComponent("raw/artist_metrics/dt=2026-04-30"), withIntermediateDirectories: true)
        try Data(#"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","followers":9,"popularity":1,"captured_at":"2026-04-30T07:00:00Z"}"#.utf8 + [10])
            .write(to: work.appendingPathComponent("raw/artist_metrics/dt=2026-04-30/late.jsonl"))
        let tampered = try await momentum(["transform", "--lake", work.path, "--dry-run"])
        #expect(tampered.stdout.contains("full rebuild: processed/artist_daily/ has changed"), "\(tampered.stdout)")
        #expect(try await momentum(["transform", "--lake", work.path, "--full", "--dry-run"]).stdout.contains("full rebuild: --full"))
    }

    private func rawKeys(_ lake: URL, _ prefix: String) throws -> [String] {
        let root = lake.appendingPathComponent(prefix)
        var keys: [String] = []
        for case let url as URL in FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) ?? .init()
        where url.pathExtension == "jsonl" || url.lastPathComponent.hasSuffix(".jsonl.gz") {
            keys.append(String(url.path.dropFirst(lake.path.count + 1)))
        }
        return keys.sorted()
    }

    private func firstArtist(_ lake: URL) throws -> String {
        let tracked = try JSONSerialization.jsonObject(with: Data(contentsOf: lake.appendingPathComponent("state/artists.json"))) as? [String: Any]
        let artists = try #require(tracked?["artists"] as? [[String: Any]])
        return try #require(artists.first?["id"] as? String)
    }
}
