import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import Testing

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("momentum-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct FileSystemObjectStoreTests {
    @Test func putGetListDelete() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        try await store.put("raw/artist_metrics/dt=2026-11-26/b.jsonl", bytes: [1, 2, 3])
        try await store.put("raw/artist_metrics/dt=2026-11-25/a.jsonl", bytes: [4])
        try await store.put("raw/releases/dt=2026-11-25/a.jsonl", bytes: [5])
        #expect(try await store.get("raw/artist_metrics/dt=2026-11-26/b.jsonl") == [1, 2, 3])
        #expect(try await store.list(prefix: "raw/artist_metrics/").map(\.key) == [
            "raw/artist_metrics/dt=2026-11-25/a.jsonl", "raw/artist_metrics/dt=2026-11-26/b.jsonl",
        ])
        #expect(try await store.list(prefix: "raw/artist_metrics/dt=2026-11-2").count == 2)
        #expect(try await store.list(prefix: "nothing/").isEmpty)
        // Replacing is atomic and leaves no temporary file behind.
        try await store.put("raw/artist_metrics/dt=2026-11-26/b.jsonl", bytes: [9])
        #expect(try await store.get("raw/artist_metrics/dt=2026-11-26/b.jsonl") == [9])
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("raw/artist_metrics/dt=2026-11-26").path)
        #expect(names == ["b.jsonl"])
        try await store.delete("raw/artist_metrics/dt=2026-11-26/b.jsonl")
        try await store.delete("raw/artist_metrics/dt=2026-11-26/b.jsonl")
        await #expect(throws: LakeError.notFoundKind) { try await store.get("raw/artist_metrics/dt=2026-11-26/b.jsonl") }
    }

    /// A file put by moving: on the lake's file system it is renamed into place (the same
    /// inode, no copy); from another file system (tmpfs under /dev/shm, when the machine has
    /// one apart from TMPDIR's) it is copied beside the key's file and renamed; through a store
    /// with only `put(_:bytes:)` (the default) it is read and put. Each replaces the object
    /// whole, leaves no temporary file and removes the source.
    @Test func aFilePutByMovingReplacesTheObjectWhole() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        let key = "processed/artist_daily/month=2026-01/part-0.parquet"
        try await store.put(key, bytes: [9, 9])
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }

        let local = root.appendingPathComponent("scratch.parquet")
        try Data(bytes).write(to: local)
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: local.path)[.systemFileNumber] as? UInt64)
        try await store.put(key, movingFileAt: local)
        #expect(try await store.get(key) == bytes)
        #expect(try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(key).path)[.systemFileNumber] as? UInt64 == inode)
        #expect(!FileManager.default.fileExists(atPath: local.path))

        var shared = stat(), lake = stat()
        if stat("/dev/shm", &shared) == 0, stat(root.path, &lake) == 0, shared.st_dev != lake.st_dev {
            let elsewhere = URL(fileURLWithPath: "/dev/shm/momentum-test-\(UUID().uuidString)")
            try Data(bytes.reversed()).write(to: elsewhere)
            try await store.put(key, movingFileAt: elsewhere)
            #expect(try await store.get(key) == bytes.reversed())
            #expect(!FileManager.default.fileExists(atPath: elsewhere.path))
        }

        let viaBytes = root.appendingPathComponent("other.parquet")
        try Data([1, 2, 3]).write(to: viaBytes)
        try await BytesOnlyStore(inner: store).put(key, movingFileAt: viaBytes)
        #expect(try await store.get(key) == [1, 2, 3])
        #expect(!FileManager.default.fileExists(atPath: viaBytes.path))
        let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("processed/artist_daily/month=2026-01").path)
        #expect(names == ["part-0.parquet"])
        await #expect(throws: LakeError.ioKind) { try await store.put(key, movingFileAt: root.appendingPathComponent("missing.parquet")) }
    }

    @Test(arguments: ["", "/abs", "a/../b", "a//b", "./a", "a/."])
    func rejectsKeysThatEscapeTheRoot(_ key: String) async throws {
        let store = FileSystemObjectStore(root: try temporaryFolder())
        await #expect(throws: LakeError.invalidKeyKind) { try await store.put(key, bytes: [1]) }
    }

    @Test func layoutKeys() {
        #expect(LakeLayout.rawKey(.artistMetrics, day: "2026-11-26", runID: "r1") == "raw/artist_metrics/dt=2026-11-26/r1.jsonl")
        #expect(LakeLayout.rawKey(.releases, day: "2026-11-26", runID: "r1", gzip: true) == "raw/releases/dt=2026-11-26/r1.jsonl.gz")
        #expect(LakeLayout.processedKey(.artistDaily, partition: ("month", "2026-11")) == "processed/artist_daily/month=2026-11/part-0.parquet")
        #expect(LakeLayout.processedKey(.releaseImpact, partition: nil) == "processed/release_impact/part-0.parquet")
        #expect(LakeLayout.isDataKey("raw/releases/dt=2026-11-26/x.jsonl.gz"))
        #expect(!LakeLayout.isDataKey("raw/releases/dt=2026-11-26/.x.jsonl.tmp"))
        #expect(!LakeLayout.isDataKey("raw/releases/dt=2026-11-26/_x.jsonl"))
        #expect(!LakeLayout.isDataKey("raw/releases/dt=2026-11-26/x.json"))
        #expect(LakeLayout.captureDay(ofRawKey: "raw/releases/dt=2026-11-26/x.jsonl") == "2026-11-26")
        #expect(LakeLayout.captureDay(ofRawKey: "raw/releases/dt=2026-13-01/x.jsonl") == nil)
        #expect(LakeLayout.captureDay(ofRawKey: "raw/releases/dt=2026-1-010/x.jsonl") == nil)
        #expect(LakeLayout.captureDay(ofRawKey: "raw/releases/dt=２026-11-26/x.jsonl") == nil)
        var rng = SystemRandomNumberGenerator()
        let id = LakeLayout.makeRunID(nanosecondsSinceEpoch: 1_795_672_803_000_000_000, using: &rng)
        #expect(id.hasPrefix("20261126T060003Z-") && id.count == 25)
    }

    @Test func rawReaderKeepsKeyOrderAndCollectsMalformedLines() async throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = FileSystemObjectStore(root: root)
        func record(_ id: String, _ day: String) -> MetricObservation {
            MetricObservation(artistID: id, artistName: id, followers: 1, popularity: 1,
                              capturedAt: Day(iso: day)?.start ?? Day.epoch.start, source: "t")
        }
        try await store.put("raw/artist_metrics/dt=2026-01-02/r.jsonl", bytes: JSONLines.encode([record("c", "2026-01-02")], gzip: true))
        try await store.put("raw/artist_metrics/dt=2026-01-01/r.jsonl", bytes: JSONLines.encode([record("a", "2026-01-01"), record("b", "2026-01-01")]) + Array("oops\n".utf8))
        try await store.put("raw/artist_metrics/dt=2026-01-01/.hidden.jsonl", bytes: JSONLines.encode([record("z", "2026-01-01")]))
        try await store.put("raw/artist_metrics/dt=2026-01-01/notes.txt", bytes: [1])
        let result = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store)
        #expect(result.records.map(\.artistID) == ["a", "b", "c"])
        #expect(result.files == 2)
        #expect(result.malformed.map(\.description) == ["raw/artist_metrics/dt=2026-01-01/r.jsonl:3: a record must be a JSON object (at byte 1)"])
    }
}

/// A store that has only the protocol's requirements, so the defaults run.
private struct BytesOnlyStore: ObjectStore {
    let inner: FileSystemObjectStore
    var location: String { inner.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await inner.list(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] { try await inner.get(key) }
    func put(_ key: String, bytes: [UInt8]) async throws { try await inner.put(key, bytes: bytes) }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try await inner.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try await inner.delete(key) }
}
