// The embedded default: a lake in a local folder. Writes go to a hidden temporary file in the
// destination folder and are renamed into place, which POSIX makes atomic.

import Foundation

/// An object store over a local directory.
public struct FileSystemObjectStore: ObjectStore {
    public let root: URL

    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    public init(path: String) {
        self.init(root: URL(fileURLWithPath: path, isDirectory: true))
    }

    public var location: String { root.path }

    public func list(prefix: String) async throws -> [ObjectInfo] {
        try listSync(prefix: prefix)
    }

    /// Synchronous listing, for callers that are not async.
    public func listSync(prefix: String) throws -> [ObjectInfo] {
        // Walk only the deepest folder the prefix names completely.
        let folder = prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let start = folder.isEmpty ? root : root.appendingPathComponent(folder, isDirectory: true)
        var results: [ObjectInfo] = []
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: start.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        guard let enumerator = manager.enumerator(
            at: start, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey], options: []
        ) else { return [] }
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in enumerator {
            let values = try? url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values?.isRegularFile == true else { continue }
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(rootPath) else { continue }
            let key = String(path.dropFirst(rootPath.count))
            guard key.hasPrefix(prefix) else { continue }
            results.append(ObjectInfo(key: key, size: values?.fileSize ?? 0))
        }
        return results.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
    }

    public func get(_ key: String) async throws -> [UInt8] {
        try getSync(key)
    }

    public func getSync(_ key: String) throws -> [UInt8] {
        try ObjectKey.validate(key)
        let url = fileURL(for: key)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw LakeError.notFound(key, in: location)
        }
        return [UInt8](data)
    }

    public func put(_ key: String, bytes: [UInt8]) async throws {
        try putSync(key, bytes: bytes)
    }

    public func putSync(_ key: String, bytes: [UInt8]) throws {
        try ObjectKey.validate(key)
        let url = fileURL(for: key)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw LakeError.io("cannot create folder \(folder.path): \(error.localizedDescription)")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw LakeError.io("cannot write \(temporary.path): \(error.localizedDescription)")
        }
        // rename(2) replaces the destination atomically; FileManager.moveItem refuses to.
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw LakeError.io("cannot move \(temporary.path) into place at \(url.path): \(reason)")
        }
    }

    public func delete(_ key: String) async throws {
        try ObjectKey.validate(key)
        let url = fileURL(for: key)
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        do {
            try FileManager.default.removeItem(at: url)
        } catch {
            throw LakeError.io("cannot delete \(url.path): \(error.localizedDescription)")
        }
    }

    /// The local path of a key (it need not exist).
    public func fileURL(for key: String) -> URL {
        root.appendingPathComponent(key, isDirectory: false)
    }
}
