// A regular local file opened for reading: its size, a range of its bytes (pread, so several
// tasks read parts of it at once) or all of them. One reader for the lake's own files and for
// the local files a store is handed (a scratch file put into S3 a part at a time), and a
// transform's own scratch files.

import Foundation

package final class LocalFile: @unchecked Sendable {  // the descriptor is only read with pread
    package let path: String
    package let size: Int
    private let descriptor: Int32

    /// Opens `path`; a missing file throws `missing` (nil: an I/O error like any other).
    package init(path: String, missing: LakeError? = nil) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if let missing, errno == ENOENT || errno == ENOTDIR { throw missing }
            throw LakeError.io("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw LakeError.io("cannot read \(path): \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw LakeError.io("cannot read \(path): it is not a regular file")
        }
        descriptor = fd
        size = Int(info.st_size)
    }

    deinit { close(descriptor) }

    /// Bytes `wanted` of the file, cut at its size when opened.
    package func read(_ wanted: Range<Int>) throws -> [UInt8] {
        let lower = min(max(0, wanted.lowerBound), size)
        let count = min(max(lower, wanted.upperBound), size) - lower
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(lower + done)) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { throw LakeError.io("cannot read \(path): \(got < 0 ? String(cString: strerror(errno)) : "it shrank while being read")") }
            done += got
        }
        return bytes
    }

    /// Every byte, to the end of the file (which may have grown since it was opened): read
    /// straight into the array, sized by the file (a chunk copied into a growing array
    /// cost a copy of every byte of the lake).
    package func readAll() throws -> [UInt8] {
        var bytes = try read(0..<size)
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64 << 10) { chunk in
            while true {
                let count = pread(descriptor, chunk.baseAddress, chunk.count, off_t(bytes.count))
                if count < 0 {
                    if errno == EINTR { continue }
                    throw LakeError.io("cannot read \(path): \(String(cString: strerror(errno)))")
                }
                if count == 0 { return bytes }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<count]))
            }
        }
    }
}
