// Local files of bytes by bucket and worker: each worker appends to its own buffers, which go
// to disk past a size (so workers share no file and no lock), and a bucket is read back as the
// concatenation of its workers' files.

import Foundation
import LakeKit

final class BucketFiles: @unchecked Sendable {
    let folder: URL
    let name: String
    let buckets: Int
    let workers: Int
    /// Buffers by worker, then bucket (flat); only that worker touches its own.
    private let buffers: [SpillBuffer]
    /// Buffered bytes per bucket and worker before they go to disk: 32 MiB across all the
    /// buffers, so that many buckets do not add up to much memory.
    private let flushBytes: Int

    init(folder: URL, name: String, buckets: Int, workers: Int) {
        self.folder = folder
        self.name = name
        self.buckets = buckets
        self.workers = max(1, workers)
        buffers = (0..<(buckets * self.workers)).map { _ in SpillBuffer() }
        flushBytes = min(1 << 20, max(16 << 10, (32 << 20) / max(1, buckets * self.workers)))
    }

    func file(bucket: Int, worker: Int) -> URL {
        folder.appendingPathComponent("\(name)-\(bucket)-\(worker).spill")
    }

    /// Lays out a record of at most `size` bytes in the buffer of `worker` and `bucket`.
    func append(worker: Int, bucket: Int, size: Int, _ fill: (inout SpillBytes.Writer) -> Void) throws {
        let buffer = buffers[worker * buckets + bucket]
        buffer.record(size: size, reserving: flushBytes, fill)
        if buffer.count >= flushBytes { try flush(worker: worker, bucket: bucket) }
    }

    /// Appends a buffer to its file. The file is opened for each write, not kept open: a
    /// thousand buckets on sixteen cores would need more descriptors than a process has.
    private func flush(worker: Int, bucket: Int) throws {
        let buffer = buffers[worker * buckets + bucket]
        guard buffer.count > 0, let base = buffer.base else { return }
        let path = file(bucket: bucket, worker: worker).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else {
            throw LakeError.io("cannot write the transform's scratch file \(path) (errno \(errno)): check free space and TMPDIR")
        }
        defer { close(descriptor) }
        var written = 0
        while written < buffer.count {
            let count = write(descriptor, base + written, buffer.count - written)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else {
                throw LakeError.io("cannot write the transform's scratch file \(path) (errno \(errno)): check free space and TMPDIR")
            }
            written += count
        }
        buffer.count = 0
    }

    /// Writes what is buffered and lets the buffers go.
    func finish() throws {
        for worker in 0..<workers {
            for bucket in 0..<buckets {
                try flush(worker: worker, bucket: bucket)
                buffers[worker * buckets + bucket].release()
            }
        }
    }

    /// A bucket's bytes, worker by worker (each record carries its own read order).
    func contents(bucket: Int) throws -> [[UInt8]] {
        try (0..<workers).compactMap { worker -> [UInt8]? in
            let url = file(bucket: bucket, worker: worker)
            guard FileManager.default.fileExists(atPath: url.path) else { return nil }
            return try BucketFiles.bytes(of: url)
        }
    }

    /// A scratch file's bytes, read straight into one array (the largest partition is the
    /// largest thing a streaming transform holds).
    static func bytes(of url: URL) throws -> [UInt8] {
        try LocalFile(path: url.path).readAll()
    }

}

/// A byte buffer records are laid out in place in: no temporary buffer and copy per record, and
/// no uniqueness check of nested arrays per record (they cost a few percent of a transform).
final class SpillBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>?
    private var capacity = 0
    /// Bytes held.
    var count = 0

    deinit { base?.deallocate() }

    /// Lays out a record of at most `size` bytes after those held; a buffer that must grow
    /// takes room for at least `reserving` bytes (a flush's worth) and doubles.
    func record(size: Int, reserving: Int, _ fill: (inout SpillBytes.Writer) -> Void) {
        if count + size > capacity { grow(to: Swift.max(count + size, 2 * capacity, reserving + size)) }
        var writer = SpillBytes.Writer(UnsafeMutableBufferPointer(start: base! + count, count: size))
        fill(&writer)
        count += writer.count
    }

    private func grow(to wanted: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: wanted)
        if let base {
            grown.initialize(from: base, count: count)
            base.deallocate()
        }
        base = grown
        capacity = wanted
    }

    /// Lets the memory go (the bytes held are dropped).
    func release() {
        base?.deallocate()
        base = nil
        capacity = 0
        count = 0
    }
}
