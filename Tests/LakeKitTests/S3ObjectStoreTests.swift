// One body of object-store tests, run on a folder and, when scripts/test has started SeaweedFS
// (MOMENTUM_S3_ENDPOINT), on a real S3 server that checks every signature.

import Foundation
import LakeKit
import MomentumTestSupport
import Testing

enum LiveS3 {
    /// The environment the CLI and the client see: the server's endpoint and identity.
    static func awsEnvironment(secret: String? = nil) throws -> [String: String] {
        let server = try Services.s3()
        return [
            "AWS_ENDPOINT_URL_S3": server.endpoint,
            "AWS_ACCESS_KEY_ID": server.accessKey,
            "AWS_SECRET_ACCESS_KEY": secret ?? server.secret,
            "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent",
        ]
    }

    /// The tests' bucket, created once; each test works under a prefix of its own.
    static let bucket = "momentum-tests"

    /// A client, the bucket, and a new prefix.
    static func freshPrefix(secret: String? = nil) async throws -> (S3Client, String, String) {
        let client = try S3Client.standard(environment: awsEnvironment(secret: secret))
        do {
            try await S3Client.standard(environment: awsEnvironment()).createBucket(bucket)
        } catch let error as S3Error where error.code == "BucketAlreadyOwnedByYou" || error.code == "BucketAlreadyExists" {}
        return (client, bucket, "test-" + UUID().uuidString.prefix(8).lowercased())
    }
}

@Suite struct ObjectStoreContractTests {
    enum Kind: String, CaseIterable, Sendable { case folder, s3 }

    /// The contract, one body for both stores: a folder here, SeaweedFS in the tagged twin.
    func contract(_ kind: Kind) async throws {
        try await oddKeysRoundTrip(kind)
        try await createIsExclusiveAndMissingObjectsAreNotFound(kind)
        try await rangesAndLargeObjects(kind)
        try await filesPutByMoving(kind)
    }

    @Test func aFolderKeepsTheContract() async throws { try await contract(.folder) }

    @Test(.tags(.seaweedFS)) func s3KeepsTheContract() async throws { try await contract(.s3) }

    func store(_ kind: Kind) async throws -> any ObjectStore {
        switch kind {
        case .folder: return FileSystemObjectStore(root: try Repository.temporaryFolder("store-contract"))
        case .s3:
            let (client, bucket, prefix) = try await LiveS3.freshPrefix()
            return try S3ObjectStore(client: client, bucket: bucket, prefix: prefix + "/lake root")
        }
    }

    static let oddKeys = [
        "raw/artist_metrics/dt=2026-11-27/run one+two=3.jsonl",
        "state/a*b%20c%/Beyoncé 坂本 🎵.json",
        "processed/momentum/as_of=2026-11-27/part-0.parquet",
        "x/~tilde!$&'()@,;:[].txt",
    ]

    func oddKeysRoundTrip(_ kind: Kind) async throws {
        let store = try await store(kind)
        for (index, key) in Self.oddKeys.enumerated() {
            try await store.put(key, bytes: Array("value \(index)".utf8))
        }
        for (index, key) in Self.oddKeys.enumerated() {
            #expect(try await store.get(key) == Array("value \(index)".utf8), "\(kind): \(key)")
            #expect(try await store.size(of: key) == "value \(index)".utf8.count)
        }
        #expect(try await store.list(prefix: "").map(\.key) == Self.oddKeys.sorted(), "\(kind)")
        #expect(try await store.list(prefix: "raw/artist_metrics/dt=2026-11-27/").map(\.key) == [Self.oddKeys[0]])
        #expect(try await store.list(prefix: "nothing/").isEmpty)
        // A copy (server-side on S3) of every odd key, over an existing object too.
        for (index, key) in Self.oddKeys.enumerated() {
            let target = "copies/\(index)/" + key
            try await store.put(target, bytes: [9])
            try await store.copy(key, to: target)
            #expect(try await store.get(target) == Array("value \(index)".utf8), "\(kind): copy of \(key)")
        }
        await #expect(throws: LakeError.self) { try await store.copy("absent/key", to: "copies/absent") }
    }

    func createIsExclusiveAndMissingObjectsAreNotFound(_ kind: Kind) async throws {
        let store = try await store(kind)
        #expect(try await store.create("state/lock.json", bytes: [1]))
        #expect(try await store.create("state/lock.json", bytes: [2]) == false)
        #expect(try await store.get("state/lock.json") == [1])
        await #expect(throws: LakeError.notFoundKind) { try await store.get("state/none.json") }
        #expect(try await store.size(of: "state/none.json") == nil)
        try await store.delete("state/lock.json")
        try await store.delete("state/lock.json")
        #expect(try await store.create("state/lock.json", bytes: [3]))
        // Racing creators: exactly one wins.
        let winners = await withTaskGroup(of: Bool.self) { group in
            for n in 0..<8 { group.addTask { (try? await store.create("state/race.json", bytes: [UInt8(n)])) ?? false } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(winners == 1, "\(kind)")
    }

    func rangesAndLargeObjects(_ kind: Kind) async throws {
        let store = try await store(kind)
        // Above the multipart threshold on S3 (16 MiB): uploaded in parts, read back whole.
        let big = (0..<(17 << 20)).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 11) }
        try await store.put("processed/big.bin", bytes: big)
        #expect(try await store.size(of: "processed/big.bin") == big.count)
        #expect(try await store.get("processed/big.bin") == big)
        #expect(try await store.get("processed/big.bin", range: 5..<105) == Array(big[5..<105]))
        #expect(try await store.get("processed/big.bin", range: (big.count - 10)..<(big.count + 50)) == Array(big.suffix(10)))
    }

    /// A local file put by moving, small and above the multipart threshold (on S3 sent a
    /// part at a time from the file), replaces the object whole and is removed.
    func filesPutByMoving(_ kind: Kind) async throws {
        let store = try await store(kind)
        let folder = try Repository.temporaryFolder("moving")
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = "processed/artist_daily/month=2026-01/part-0.parquet"
        try await store.put(key, bytes: [9, 9, 9])
        for size in [3, (17 << 20) + 12345] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
            let file = folder.appendingPathComponent("scratch-\(size).parquet")
            try Data(bytes).write(to: file)
            try await store.put(key, movingFileAt: file)
            #expect(try await store.size(of: key) == size, "\(kind): \(size) bytes")
            #expect(try await store.get(key) == bytes, "\(kind): \(size) bytes")
            #expect(!FileManager.default.fileExists(atPath: file.path), "\(kind): the file is moved, not copied")
        }
        await #expect(throws: LakeError.ioKind) { try await store.put(key, movingFileAt: folder.appendingPathComponent("missing.parquet")) }
        #expect(try await store.list(prefix: "processed/").map(\.key) == [key], "\(kind): nothing else is left")
    }

    @Test(.tags(.seaweedFS))
    func manyKeysListAndDeleteInBatches() async throws {
        let (client, bucket, prefix) = try await LiveS3.freshPrefix()
        let store = try S3ObjectStore(client: client, bucket: bucket, prefix: prefix)
        let keys = (0..<1_203).map { String(format: "raw/releases/dt=2026-01-01/%05d.jsonl", $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: keys.count, by: 100) {
                group.addTask { for key in keys[chunk..<min(keys.count, chunk + 100)] { try await store.put(key, bytes: [1]) } }
            }
            try await group.waitForAll()
        }
        // More than one page of ListObjectsV2 (1,000 keys per page).
        #expect(try await store.list(prefix: "raw/").map(\.key) == keys)
        try await store.delete(keys: keys)
        #expect(try await store.list(prefix: "raw/").isEmpty)
    }

    @Test(.tags(.seaweedFS))
    func aWrongSecretIsRefusedByName() async throws {
        let (client, bucket, prefix) = try await LiveS3.freshPrefix(secret: "not-the-secret")
        let store = try S3ObjectStore(client: client, bucket: bucket, prefix: prefix)
        do {
            try await store.put("a.json", bytes: [1])
            Issue.record("a wrong secret was accepted")
        } catch let error as S3Error {
            #expect(error.code == "SignatureDoesNotMatch" && error.status == 403)
            #expect(error.description.contains("AWS_SECRET_ACCESS_KEY") && !error.description.contains("not-the-secret"))
        }
    }
}
