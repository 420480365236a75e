// Local files of bytes by bucket and worker: each worker appends to its own buffers, which go
// to disk past a size (so workers share no file and no lock), and a bucket is read back as the
// concatenation of its workers' files.

import Foundation
import LakeKit

final class BucketFiles: @unchecked Sendable {
    let folder: URL
    let name: String
    let buckets: Int
    /// Buffers by worker, then bucket; only that worker touches its row.
    private var buffers: [[[UInt8]]]
    /// Buffered bytes per bucket and worker before they go to disk: 32 MiB across all the
    /// buffers, so that many buckets do not add up to much memory.
    private let flushBytes: Int

    init(folder: URL, name: String, buckets: Int, workers: Int) {
        self.folder = folder
        self.name = name
        self.buckets = buckets
        buffers = Array(repeating: Array(repeating: [], count: buckets), count: max(1, workers))
        flushBytes = min(1 << 20, max(16 << 10, (32 << 20) / max(1, buckets * max(1, workers))))
    }

    var workers: Int { buffers.count }

    func file(bucket: Int, worker: Int) -> URL {
        folder.appendingPathComponent("\(name)-\(bucket)-\(worker).spill")
    }

    /// Lets `encode` append to the buffer of `worker` and `bucket`.
    func append(worker: Int, bucket: Int, _ encode: (inout [UInt8]) -> Void) throws {
        encode(&buffers[worker][bucket])
        if buffers[worker][bucket].count >= flushBytes { try flush(worker: worker, bucket: bucket) }
    }

    /// Appends a buffer to its file. The file is opened for each write, not kept open: a
    /// thousand buckets on sixteen cores would need more descriptors than a process has.
    private func flush(worker: Int, bucket: Int) throws {
        guard !buffers[worker][bucket].isEmpty else { return }
        let path = file(bucket: bucket, worker: worker).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else {
            throw LakeError.io("cannot write the transform's scratch file \(path) (errno \(errno)): check free space and TMPDIR")
        }
        defer { close(descriptor) }
        try buffers[worker][bucket].withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard count > 0 else {
                    throw LakeError.io("cannot write the transform's scratch file \(path) (errno \(errno)): check free space and TMPDIR")
                }
                written += count
            }
        }
        buffers[worker][bucket].removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and lets the buffers go.
    func finish() throws {
        for worker in buffers.indices {
            for bucket in 0..<buckets { try flush(worker: worker, bucket: bucket) }
            buffers[worker] = Array(repeating: [], count: buckets)
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

    /// A file's bytes, read straight into one array (no intermediate `Data` copy: the
    /// largest partition is the largest thing a streaming transform holds).
    static func bytes(of url: URL) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        try handle.seek(toOffset: 0)
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            let count = bytes.withUnsafeMutableBytes { buffer in
                read(handle.fileDescriptor, buffer.baseAddress! + filled, size - filled)
            }
            guard count > 0 else { throw LakeError.io("could not read the transform's scratch file \(url.path)") }
            filled += count
        }
        return bytes
    }

}
