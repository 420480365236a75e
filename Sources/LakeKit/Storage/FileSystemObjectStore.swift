// The embedded default: a lake in a local folder. Writes go to a hidden temporary file in the
// destination folder and are renamed into place, which POSIX makes atomic. Reads tell "absent"
// from "unreadable": only ENOENT means absent.

import Foundation
import MomentumText
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An object store over a local directory.
public struct FileSystemObjectStore: ObjectStore {
    /// The folder keys are relative to.
    public let root: URL

    /// A store over a folder (created on first write).
    public init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// A store over a folder given as a path.
    public init(path: String) {
        self.init(root: URL(fileURLWithPath: path, isDirectory: true))
    }

    public var location: String { root.path }

    public func list(prefix: String) async throws -> [ObjectInfo] {
        let listing = try listingSync(prefix: prefix)
        if let first = listing.unreadable.first {
            throw LakeError.io("cannot list \(first)\(listing.unreadable.count > 1 ? " (and \(listing.unreadable.count - 1) more)" : "")")
        }
        return listing.objects
    }

    public func listing(prefix: String) async throws -> ObjectListing {
        try listingSync(prefix: prefix)
    }

    func listingSync(prefix: String) throws -> ObjectListing {
        // Walk only the deepest folder the prefix names completely.
        let folder = prefix.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        var objects: [ObjectInfo] = []
        var unreadable: [String] = []
        let start = folder.isEmpty ? root.path : root.appendingPathComponent(folder, isDirectory: true).path
        var info = stat()
        guard stat(start, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return ObjectListing(objects: []) }
            return ObjectListing(objects: [], unreadable: ["\(start): \(String(cString: strerror(errno)))"])
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return ObjectListing(objects: []) }
        walk(start, key: folder, prefix: prefix, depth: 0, into: &objects, unreadable: &unreadable)
        objects.sort { UTF8Order.less($0.key, $1.key) }
        return ObjectListing(objects: objects, unreadable: unreadable)
    }

    private func walk(_ path: String, key: String, prefix: String, depth: Int,
                      into objects: inout [ObjectInfo], unreadable: inout [String]) {
        // A symlink loop or a hostile tree must not recurse forever.
        guard depth < 64 else {
            unreadable.append("\(path): folders nested deeper than 64 levels")
            return
        }
        guard let directory = opendir(path) else {
            unreadable.append("\(path): \(String(cString: strerror(errno)))")
            return
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        for name in names {
            let childKey = key.isEmpty ? name : key + "/" + name
            // Prune subtrees that cannot hold a key with the prefix.
            guard childKey.hasPrefix(prefix) || prefix.hasPrefix(childKey + "/") else { continue }
            let childPath = path + "/" + name
            var info = stat()
            guard stat(childPath, &info) == 0 else {
                unreadable.append("\(childPath): \(String(cString: strerror(errno)))")
                continue
            }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                walk(childPath, key: childKey, prefix: prefix, depth: depth + 1, into: &objects, unreadable: &unreadable)
            case S_IFREG:
                if childKey.hasPrefix(prefix) {
                    let version = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)-\(info.st_ino)"
                    objects.append(ObjectInfo(key: childKey, size: Int(info.st_size), version: version))
                }
            default:
                continue
            }
        }
    }

    public func get(_ key: String) async throws -> [UInt8] {
        try getSync(key)
    }

    /// Bytes `range` of the file, read with `pread` (only those bytes are read).
    public func get(_ key: String, range: Range<Int>) async throws -> [UInt8] {
        try getSync(key, range: range)
    }

    /// The file's size; nil when absent.
    public func size(of key: String) async throws -> Int? {
        try ObjectKey.validate(key)
        var info = stat()
        guard stat(fileURL(for: key).path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(info.st_size)
    }

    func getSync(_ key: String, range wanted: Range<Int>? = nil) throws -> [UInt8] {
        try ObjectKey.validate(key)
        let file = try LocalFile(path: fileURL(for: key).path, missing: LakeError.notFound(key, in: location))
        if let wanted { return try file.read(wanted) }
        return try file.readAll()
    }

    public func put(_ key: String, bytes: [UInt8]) async throws {
        try putSync(key, bytes: bytes)
    }

    /// Moves the file into place when it is on the lake's file system (nothing is copied;
    /// it is flushed to disk first, as every write, and keeps its own mode), else copies it a
    /// chunk at a time beside the key's file and renames that: memory holds a chunk, not the
    /// file.
    public func put(_ key: String, movingFileAt file: URL) async throws {
        try ObjectKey.validate(key)
        let source = file.path, destination = fileURL(for: key).path
        let fd = open(source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LakeError.io("cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw LakeError.io("cannot write \(source): \(String(cString: strerror(errno)))") }
        try makeFolder(of: fileURL(for: key))
        var moved = rename(source, destination) == 0
        if !moved, errno == ENOENT, access(source, F_OK) == 0 {
            // A delete emptied and removed the folder just now: make it again, once.
            try makeFolder(of: fileURL(for: key))
            moved = rename(source, destination) == 0
        }
        if moved { return }
        guard errno == EXDEV else { throw LakeError.io("cannot move \(source) into place at \(destination): \(String(cString: strerror(errno)))") }
        let (temporary, _) = try writeTemporary(key) { output in
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count >= 0 else { return "cannot read \(source): \(String(cString: strerror(errno)))" }
                if count == 0 { return nil }
                if let failure = FileSystemObjectStore.writeAll(chunk[0..<count], to: output) { return failure }
            }
        }
        try moveIntoPlace(temporary, destination)
        unlink(source)
    }

    func putSync(_ key: String, bytes: [UInt8]) throws {
        let (temporary, destination) = try writeTemporary(key) { FileSystemObjectStore.writeAll(bytes[...], to: $0) }
        try moveIntoPlace(temporary, destination)
    }

    private func moveIntoPlace(_ temporary: String, _ destination: String) throws {
        // rename(2) replaces the destination atomically; FileManager.moveItem refuses to.
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw LakeError.io("cannot move \(temporary) into place at \(destination): \(reason)")
        }
    }

    public func create(_ key: String, bytes: [UInt8]) async throws -> Bool {
        let (temporary, destination) = try writeTemporary(key) { FileSystemObjectStore.writeAll(bytes[...], to: $0) }
        defer { unlink(temporary) }
        // link(2) fails with EEXIST when the name is taken: an atomic "create if absent" that
        // publishes a complete file.
        var linked = link(temporary, destination) == 0
        for _ in 0..<3 where !linked && errno == ENOENT && access(temporary, F_OK) == 0 {
            // A delete emptied and removed the folder between our write and the link.
            try? FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            linked = link(temporary, destination) == 0
        }
        guard linked else {
            if errno == EEXIST { return false }
            throw LakeError.io("cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        return true
    }

    /// Makes a hidden temporary file beside the key's file, lets `fill` write it (returning
    /// why it failed, or nil) and flushes it to disk.
    private func writeTemporary(_ key: String, _ fill: (Int32) -> String?) throws -> (temporary: String, destination: String) {
        try ObjectKey.validate(key)
        let url = fileURL(for: key)
        let folder = url.deletingLastPathComponent()
        try makeFolder(of: url)
        let temporary = folder.appendingPathComponent(
            FileSystemObjectStore.temporaryPrefix + url.lastPathComponent + "." + UUID().uuidString + FileSystemObjectStore.temporarySuffix).path
        var fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0, errno == ENOENT {
            // A delete emptied and removed the folder just now: make it again, once.
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard fd >= 0 else { throw LakeError.io("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var failure = fill(fd)
        // Flushed before the rename, so a power cut cannot publish an empty file.
        if failure == nil, fsync(fd) != 0 { failure = String(cString: strerror(errno)) }
        close(fd)
        if let failure {
            unlink(temporary)
            throw LakeError.io("cannot write \(temporary): \(failure)")
        }
        return (temporary, url.path)
    }

    private func makeFolder(of url: URL) throws {
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw LakeError.io("cannot create folder \(folder.path): \(error.localizedDescription)")
        }
    }

    /// Writes all the bytes; returns why it could not, or nil.
    private static func writeAll(_ bytes: ArraySlice<UInt8>, to fd: Int32) -> String? {
        var written = bytes.startIndex
        while written < bytes.endIndex {
            let count = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            written += count
        }
        return nil
    }

    public func delete(_ key: String) async throws {
        try ObjectKey.validate(key)
        let path = fileURL(for: key).path
        guard unlink(path) == 0 || errno == ENOENT else {
            throw LakeError.io("cannot delete \(path): \(String(cString: strerror(errno)))")
        }
        // Folders the key leaves empty go too (a removed partition, the lock's folder), so a
        // lake holds only what it holds. rmdir refuses non-empty folders, so this is safe.
        var folder = (path as NSString).deletingLastPathComponent
        let rootPath = root.path
        while folder.count > rootPath.count, folder.hasPrefix(rootPath), rmdir(folder) == 0 {
            folder = (folder as NSString).deletingLastPathComponent
        }
    }

    /// Claims the file with an atomic rename to a name of its own, then compares: a file that
    /// is not the one expected is linked back (link(2) never replaces a file written since).
    public func delete(_ key: String, ifContentIs expected: [UInt8]) async throws -> Bool {
        try ObjectKey.validate(key)
        let path = fileURL(for: key).path
        let folder = (path as NSString).deletingLastPathComponent
        let claimed = folder + "/" + FileSystemObjectStore.temporaryPrefix + ((path as NSString).lastPathComponent) + ".\(UUID().uuidString).claim" + FileSystemObjectStore.temporarySuffix
        guard rename(path, claimed) == 0 else {
            if errno == ENOENT { return false }
            throw LakeError.io("cannot claim \(path) to delete it: \(String(cString: strerror(errno)))")
        }
        let found = FileManager.default.contents(atPath: claimed).map { [UInt8]($0) }
        if found == expected {
            unlink(claimed)
            try await delete(key)   // the folders it leaves empty
            return true
        }
        // Not ours: put it back unless a new file took the name meanwhile.
        if link(claimed, path) != 0 && errno != EEXIST {
            throw LakeError.io("cannot put \(path) back after claiming it: \(String(cString: strerror(errno))); it is at \(claimed)")
        }
        unlink(claimed)
        return false
    }

    /// The local path of a key (it need not exist).
    public func fileURL(for key: String) -> URL {
        root.appendingPathComponent(key, isDirectory: false)
    }

    static let temporaryPrefix = "."
    static let temporarySuffix = ".tmp"

    /// Removes temporary files that killed writes left behind (`.<name>.<uuid>.tmp`). Call it
    /// only while holding the lake lock, when no other writer can be mid-write; the lock's own
    /// folder is left alone, since commands waiting for the lock write there. Returns the
    /// paths removed.
    @discardableResult
    public func removeOrphanedTemporaryFiles() throws -> [String] {
        var removed: [String] = []
        var pending = [root.path]
        while let folder = pending.popLast() {
            guard let directory = opendir(folder) else { continue }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != ".", name != ".." { names.append(name) }
            }
            closedir(directory)
            for name in names {
                let path = folder + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                if (info.st_mode & S_IFMT) == S_IFDIR {
                    let isLockFolder = folder == root.path && name == "_momentum"
                    if pending.count < 100_000, !isLockFolder { pending.append(path) }
                } else if name.hasPrefix(FileSystemObjectStore.temporaryPrefix), name.hasSuffix(FileSystemObjectStore.temporarySuffix),
                          name.count > 40, unlink(path) == 0 {
                    removed.append(path)
                }
            }
        }
        return removed
    }
}
