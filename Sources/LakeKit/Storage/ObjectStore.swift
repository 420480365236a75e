// The object-store seam: the lake is a tree of objects under one root, locally a folder and in
// the cloud an S3 prefix. Everything above this protocol uses keys only.

import Foundation

/// An object's key and size, as listed.
public struct ObjectInfo: Sendable, Hashable {
    /// The object's key.
    public var key: String
    /// Its size in bytes.
    public var size: Int
    /// What changes whenever the content may have changed, even at the same size: S3's ETag;
    /// for a file, its modification time (to the nanosecond) and inode (an atomic replace makes
    /// a new one). Nil when the store has nothing of the kind: then only the size tells.
    public var version: String?

    /// An entry of a listing.
    public init(key: String, size: Int, version: String? = nil) {
        self.key = key
        self.size = size
        self.version = version
    }
}

/// A listing that also names what could not be listed, so that a reader can report an
/// unreadable folder instead of silently treating it as empty.
public struct ObjectListing: Sendable, Hashable {
    /// The objects found.
    public var objects: [ObjectInfo]
    /// Locations (paths or keys) that exist but could not be read, each with the reason.
    public var unreadable: [String]

    /// A listing.
    public init(objects: [ObjectInfo], unreadable: [String] = []) {
        self.objects = objects
        self.unreadable = unreadable
    }
}

/// A flat namespace of immutable objects addressed by `/`-separated keys.
///
/// Writes are all-or-nothing: a reader sees an object either complete or not at all.
public protocol ObjectStore: Sendable {
    /// A human-readable location (a path or `s3://bucket/prefix`), for messages.
    var location: String { get }
    /// Every object whose key starts with `prefix`, sorted by key.
    func list(prefix: String) async throws -> [ObjectInfo]
    /// The object's bytes; throws a `notFound` error when absent and an `io` error when it
    /// exists but cannot be read (never `notFound` for that).
    func get(_ key: String) async throws -> [UInt8]
    /// Stores the object, replacing any existing one, atomically.
    func put(_ key: String, bytes: [UInt8]) async throws
    /// Stores the object only if no object has the key (S3: `If-None-Match: *`); returns false,
    /// writing nothing, when one exists. Two racing callers cannot both succeed.
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool
    /// Removes the object; removing an absent object is not an error.
    func delete(_ key: String) async throws
    /// Like `list`, and names what could not be listed. The default lists with `list`.
    func listing(prefix: String) async throws -> ObjectListing
    /// Bytes `range` of the object (end exclusive, cut at the object's end). The default reads
    /// the whole object; stores that can read part of one (files, S3) override it.
    func get(_ key: String, range: Range<Int>) async throws -> [UInt8]
    /// The object's size in bytes; nil when absent. The default lists the key.
    func size(of key: String) async throws -> Int?
    /// Stores a local file's bytes as the object, atomically, replacing any object there, and
    /// removes the file. The default reads the file and puts its bytes; a folder on the same
    /// file system moves the file into place (nothing copied, nothing held in memory).
    func put(_ key: String, movingFileAt file: URL) async throws
    /// Stores a copy of `source` at `destination`, atomically, replacing any object there.
    /// The default reads and puts; S3 copies on the server.
    func copy(_ source: String, to destination: String) async throws
    /// Removes the object only while its bytes are `expected`; returns whether it did. A
    /// folder claims the file with an atomic rename first, so nothing written meanwhile is
    /// removed. The default (S3, whose conditional delete not every server has) reads, compares
    /// and deletes: an object replaced between the read and the delete (milliseconds) is lost.
    func delete(_ key: String, ifContentIs expected: [UInt8]) async throws -> Bool
}

extension ObjectStore {
    /// Lists with `list`; nothing is reported unreadable.
    public func listing(prefix: String) async throws -> ObjectListing {
        ObjectListing(objects: try await list(prefix: prefix))
    }

    /// Reads the whole object and returns the range.
    public func get(_ key: String, range: Range<Int>) async throws -> [UInt8] {
        let bytes = try await get(key)
        let lower = min(max(0, range.lowerBound), bytes.count)
        return Array(bytes[lower..<min(max(lower, range.upperBound), bytes.count)])
    }

    /// Reads, compares and deletes (see the requirement for the window this leaves).
    public func delete(_ key: String, ifContentIs expected: [UInt8]) async throws -> Bool {
        let current: [UInt8]
        do { current = try await get(key) } catch LakeError.notFoundKind { return false }
        guard current == expected else { return false }
        try await delete(key)
        return true
    }

    /// Removes an object found stale (a dead holder's lock, an expired claim), once, however
    /// many callers find it stale at the same time: the right to remove it is itself an object,
    /// `claim`, created conditionally, so only one caller deletes, and only while `isStill`
    /// holds of the object as then stored (another may have replaced it meanwhile). A caller
    /// that did not get the right returns at once; the caller looks at the key again.
    package func removeStale(_ key: String, claim: String, claimBytes: [UInt8], isStill: ([UInt8]) -> Bool) async throws {
        guard try await create(claim, bytes: claimBytes) else { return }
        if let current = try? await get(key), isStill(current) {
            try await delete(key)
        }
        try await delete(claim)
    }

    /// Reads the file, puts its bytes and removes it.
    public func put(_ key: String, movingFileAt file: URL) async throws {
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: file))
        } catch {
            throw LakeError.io("cannot read \(file.path): \(error.localizedDescription)")
        }
        try await put(key, bytes: bytes)
        try? FileManager.default.removeItem(at: file)
    }

    /// Reads the source and puts it at the destination.
    public func copy(_ source: String, to destination: String) async throws {
        try await put(destination, bytes: try await get(source))
    }

    /// Lists the key and returns its size.
    public func size(of key: String) async throws -> Int? {
        try await list(prefix: key).first { $0.key == key }?.size
    }
}

/// Checks the shape of a key: relative, `/`-separated, no empty, `.` or `..` segment.
public enum ObjectKey {
    /// Throws `LakeError.invalidKeyKind` for an empty key, a leading or doubled `/`, `.` or `..` segments, or control characters.
    public static func validate(_ key: String) throws {
        guard !key.isEmpty else { throw LakeError.invalidKey(key, reason: "it is empty") }
        guard key.utf8.count <= 1024 else { throw LakeError.invalidKey(String(key.prefix(64)) + "…", reason: "keys are at most 1024 bytes") }
        guard !key.hasPrefix("/") else { throw LakeError.invalidKey(key, reason: "keys are relative to the lake root") }
        for segment in key.split(separator: "/", omittingEmptySubsequences: false) {
            guard !segment.isEmpty, segment != ".", segment != ".." else {
                throw LakeError.invalidKey(key, reason: "empty, '.' or '..' segments are not allowed")
            }
        }
        guard !key.utf8.contains(0) else { throw LakeError.invalidKey(key, reason: "it contains a NUL byte") }
    }

    /// True for temporary and hidden objects, which readers must ignore.
    public static func isHidden(_ key: String) -> Bool {
        key.split(separator: "/").contains { $0.hasPrefix(".") || $0.hasPrefix("_") }
    }
}
