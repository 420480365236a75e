// The lake in S3: `s3://bucket/prefix` as an object store. Keys are relative to the prefix, so
// every job reads and writes the same keys on S3 as on a folder. S3's PUT is atomic and
// `If-None-Match: *` makes create exclusive, which is all the lake's writers rely on.

import Foundation

/// An ``ObjectStore`` on an S3 bucket and prefix.
public struct S3ObjectStore: ObjectStore {
    /// The client requests go through.
    public let client: S3Client
    /// The bucket.
    public let bucket: String
    /// The prefix every key is under, without leading or trailing `/`; empty for the bucket root.
    public let prefix: String
    /// Objects this large or larger are uploaded in parts.
    public let multipartThreshold: Int

    /// A store on `bucket` under `prefix`.
    public init(client: S3Client, bucket: String, prefix: String = "", multipartThreshold: Int = 16 << 20) throws {
        try S3Client.validate(bucket: bucket)
        let trimmed = prefix.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if !trimmed.isEmpty { try ObjectKey.validate(trimmed) }
        self.client = client
        self.bucket = bucket
        self.prefix = trimmed
        self.multipartThreshold = max(S3Client.minimumPartSize, multipartThreshold)
    }

    /// Splits `s3://bucket/prefix` into its bucket and prefix; nil for anything else.
    public static func parse(_ location: String) -> (bucket: String, prefix: String)? {
        guard location.hasPrefix("s3://") else { return nil }
        let rest = location.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else { return nil }
        return (String(bucket), String(rest.dropFirst(bucket.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/")))
    }

    /// `s3://bucket/prefix`.
    public var location: String { "s3://\(bucket)" + (prefix.isEmpty ? "" : "/\(prefix)") }

    func fullKey(_ key: String) throws -> String {
        try ObjectKey.validate(key)
        return prefix.isEmpty ? key : prefix + "/" + key
    }

    /// Every object under `prefix` (relative to the store's prefix), sorted by key.
    public func list(prefix keyPrefix: String) async throws -> [ObjectInfo] {
        let base = self.prefix.isEmpty ? "" : self.prefix + "/"
        let objects = try await translate(key: keyPrefix) { try await client.listAllObjects(bucket: bucket, prefix: base + keyPrefix) }
        return objects.compactMap { object in
            guard object.key.hasPrefix(base) else { return nil }
            return ObjectInfo(key: String(object.key.dropFirst(base.count)), size: object.size, version: object.version)
        }
    }

    /// The object's bytes.
    public func get(_ key: String) async throws -> [UInt8] {
        let full = try fullKey(key)
        return try await translate(key: key) { try await client.getObject(bucket: bucket, key: full) }
    }

    /// Bytes `range` of the object (a ranged GET: only those bytes cross the network).
    public func get(_ key: String, range: Range<Int>) async throws -> [UInt8] {
        let full = try fullKey(key)
        return try await translate(key: key) { try await client.getObject(bucket: bucket, key: full, range: range) }
    }

    /// The object's size (HeadObject); nil when absent.
    public func size(of key: String) async throws -> Int? {
        let full = try fullKey(key)
        return try await translate(key: key) { try await client.headObject(bucket: bucket, key: full)?.size }
    }

    /// The parts of a multipart upload, and how many are sent at once.
    static let partSize = 8 << 20, partsInFlight = 4

    /// Stores the object: one PUT, or a multipart upload from `multipartThreshold` on.
    public func put(_ key: String, bytes: [UInt8]) async throws {
        try await put(key, bytes: bytes, contentType: "application/octet-stream")
    }

    /// A URL that reads the object at `key` for `expires`, with no credentials of its own
    /// (see ``S3Client/presignedURL(bucket:key:expires:)``).
    public func presignedURL(_ key: String, expires: Duration) async throws -> S3Client.PresignedURL {
        try await client.presignedURL(bucket: bucket, key: try fullKey(key), expires: expires)
    }

    /// Stores the object with the `Content-Type` S3 serves it with (a page a browser opens).
    public func put(_ key: String, bytes: [UInt8], contentType: String) async throws {
        let full = try fullKey(key)
        try await translate(key: key) {
            if bytes.count >= multipartThreshold {
                try await client.putObjectInParts(bucket: bucket, key: full, bytes: bytes, partSize: Self.partSize, concurrency: Self.partsInFlight, contentType: contentType)
            } else {
                try await client.putObject(bucket: bucket, key: full, bytes: bytes, contentType: contentType)
            }
        }
    }

    /// Stores a local file as the object and removes the file: one PUT below
    /// `multipartThreshold`, else a multipart upload whose parts are read from the file as
    /// they are sent, so memory holds the parts in flight, not the file.
    public func put(_ key: String, movingFileAt file: URL) async throws {
        let full = try fullKey(key)
        let source = try LocalFile(path: file.path)
        if source.size < multipartThreshold {
            try await put(key, bytes: try source.readAll())
        } else {
            try await translate(key: key) {
                try await client.putObjectInParts(bucket: bucket, key: full, size: source.size, partSize: Self.partSize, concurrency: Self.partsInFlight,
                                                  contentType: "application/octet-stream") { try source.read($0) }
            }
        }
        try? FileManager.default.removeItem(at: file)
    }

    /// Copies the object on the server (CopyObject): one atomic object, no bytes through here.
    /// Objects over 5 GiB are read and put in parts instead.
    public func copy(_ source: String, to destination: String) async throws {
        let from = try fullKey(source), to = try fullKey(destination)
        if let size = try await size(of: source), size > S3Client.maximumCopyBytes {
            try await put(destination, bytes: try await get(source))
            return
        }
        try await translate(key: source) { try await client.copyObject(bucket: bucket, sourceKey: from, destinationKey: to) }
    }

    /// Stores the object only if the key is free (`If-None-Match: *`).
    ///
    /// When the key is taken by exactly these bytes, the create counts as done: a first attempt
    /// that reached S3 but whose answer was lost, then retried, must not look like a lost race
    /// (the caller would retry or give up on what it already holds). The lake's exclusive
    /// objects (lock files) hold unique tokens, so another writer's bytes never match.
    public func create(_ key: String, bytes: [UInt8]) async throws -> Bool {
        let full = try fullKey(key)
        guard bytes.count <= 5 << 30 else {
            throw LakeError.invalidArgument("\(location)/\(key): a conditional create is one PUT, at most 5 GiB")
        }
        return try await translate(key: key) {
            if try await client.putObject(bucket: bucket, key: full, bytes: bytes, ifNoneMatch: true) { return true }
            guard let head = try await client.headObject(bucket: bucket, key: full), head.size == bytes.count else { return false }
            return try await client.getObject(bucket: bucket, key: full) == bytes
        }
    }

    /// Removes the object.
    public func delete(_ key: String) async throws {
        let full = try fullKey(key)
        try await translate(key: key) { try await client.deleteObject(bucket: bucket, key: full) }
    }

    /// Removes many objects, 1,000 per request.
    public func delete(keys: [String]) async throws {
        let full = try keys.map(fullKey)
        try await translate(key: "") { try await client.deleteObjects(bucket: bucket, keys: full) }
    }

    /// `NoSuchKey` becomes the store's `notFound`, as every store reports a missing object.
    private func translate<T>(key: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch S3Error.noSuchKey {
            throw LakeError.notFound(key, in: location)
        }
    }
}
