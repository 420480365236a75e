// A folder whose `failAt`-th change (put, create, move, copy, delete) fails, as a task killed
// there would stop: the promotion's and the publish's kill tests run a step once counting its
// changes, then once killed at each.

import Foundation
import LakeKit

struct KilledStore: ObjectStore {
    let base: FileSystemObjectStore
    let failAt: Int?
    /// The location it reports (an `s3://` name, for a step that wants one).
    var reportedLocation: String?
    let changes = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
        var count: Int { lock.withLock { value } }
    }

    struct Killed: Error {}

    private func change() throws { if changes.next() == failAt { throw Killed() } }
    var location: String { reportedLocation ?? base.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await base.list(prefix: prefix) }
    func listing(prefix: String) async throws -> ObjectListing { try await base.listing(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] { try await base.get(key) }
    func get(_ key: String, range: Range<Int>) async throws -> [UInt8] { try await base.get(key, range: range) }
    func put(_ key: String, bytes: [UInt8]) async throws { try change(); try await base.put(key, bytes: bytes) }
    func put(_ key: String, movingFileAt file: URL) async throws { try change(); try await base.put(key, movingFileAt: file) }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try change(); return try await base.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try change(); try await base.delete(key) }
    func size(of key: String) async throws -> Int? { try await base.size(of: key) }
    func copy(_ source: String, to destination: String) async throws { try change(); try await base.copy(source, to: destination) }
}
