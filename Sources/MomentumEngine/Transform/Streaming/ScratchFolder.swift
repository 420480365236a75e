// The streaming transform's scratch folder under TMPDIR, named after the process that owns it
// (`momentum-transform-<pid>-<uuid>`): a killed transform cannot remove its own, so each new one
// removes those whose process is gone (Lambda's /tmp is 512 MB and outlives invocations). A
// TMPDIR that does not exist is an error, never created.

import Foundation
import LakeKit
import Logging

enum ScratchFolder {
    static let prefix = "momentum-transform-"
    /// Folders of the older naming (no pid) are removed once this old.
    static let unnamedOwnerAge: TimeInterval = 24 * 3600

    /// A new scratch folder, after removing the stale ones beside it.
    static func make(logger: Logger? = nil) throws -> URL {
        let base = FileManager.default.temporaryDirectory
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw LakeError.io("the temporary folder \(base.path) (TMPDIR) does not exist: set TMPDIR to a folder with free space")
        }
        let removed = removeStale(in: base)
        if removed > 0 { logger?.notice("removed \(removed) scratch folder(s) of killed transforms in \(base.path)") }
        let folder = base.appendingPathComponent("\(prefix)\(getpid())-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        } catch {
            throw LakeError.io("cannot create the transform's scratch folder \(folder.path): \(error.localizedDescription)")
        }
        return folder
    }

    /// A new empty file in a scratch folder (its folder made when missing), open for writing.
    static func newFile(at url: URL) throws -> FileHandle {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        // The mode a local lake's own writes ask for: a table file is moved into the lake as
        // it is (`put(_:movingFileAt:)`).
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LakeError.io("cannot create the transform's scratch file \(url.path) (errno \(errno)): check free space and TMPDIR")
        }
        return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    /// Starts writing a scratch file's pages to disk, without waiting for them (Linux's
    /// `sync_file_range`; elsewhere nothing). A table file moved into a local lake is made
    /// durable (fsync) when it is published, at the end of a transform: its pages written
    /// while the buckets are still being analysed leave that wait short, instead of a disk's
    /// worth of the whole output at once while the cores have nothing else to do.
    static func startWriteback(_ handle: FileHandle) {
        #if os(Linux)
        if let syncFileRange { _ = syncFileRange(handle.fileDescriptor, 0, 0, 2 /* SYNC_FILE_RANGE_WRITE */) }
        #endif
    }

    #if os(Linux)
    /// glibc's `sync_file_range`, looked up at run time: Swift's Glibc module leaves it out
    /// (it is a GNU extension).
    private static let syncFileRange: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "sync_file_range") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32, Int64, Int64, UInt32) -> Int32).self)
    }()
    #endif

    /// Removes scratch folders whose owning process is gone; returns how many.
    @discardableResult
    static func removeStale(in base: URL, now: Date = Date()) -> Int {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base.path) else { return 0 }
        var removed = 0
        for name in names where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            let path = base.appendingPathComponent(name)
            let stale: Bool
            if let dash = rest.firstIndex(of: "-"), let pid = Int32(rest[..<dash]), pid > 0 {
                stale = pid != getpid() && LocalProcess.isGone(pid)
            } else {
                let modified = (try? FileManager.default.attributesOfItem(atPath: path.path)[.modificationDate] as? Date) ?? now
                stale = now.timeIntervalSince(modified) > unnamedOwnerAge
            }
            if stale, (try? FileManager.default.removeItem(at: path)) != nil { removed += 1 }
        }
        return removed
    }
}
