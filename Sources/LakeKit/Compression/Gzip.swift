// gzip through the system zlib: `.jsonl.gz` raw files and Parquet's GZIP codec.

import CZlib

package enum Gzip {
    /// True when the bytes start with the gzip magic number.
    package static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1f && iterator.next() == 0x8b
    }

    /// Compresses into the gzip format (RFC 1952).
    package static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip header and trailer instead of zlib's.
        guard deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                            zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { throw LakeError.compression("zlib could not start a gzip stream") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let produced: Int = try input.withUnsafeBufferPointer { inBuffer in
            try output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let status = deflate(&stream, Z_FINISH)
                guard status == Z_STREAM_END else { throw LakeError.compression("gzip compression failed (zlib status \(status))") }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Decompresses gzip (several concatenated members are allowed, as `cat a.gz b.gz` makes).
    /// Inflation stops as soon as the output passes `limit` bytes: a few kilobytes can inflate
    /// to gigabytes, so the cap is checked block by block, never after the fact.
    package static func decompress(_ input: [UInt8], limit: Int = Int.max) throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, input.count &* 4))
        let decoder = try GzipDecoder()
        try decoder.feed(input) { block in
            guard block.count <= limit - output.count else { throw LakeError.compression("the gzip data inflates past \(limit) bytes") }
            output.append(contentsOf: block)
        }
        try decoder.finish()
        return output
    }
}

/// Incremental gzip decompression, for reading large files chunk by chunk.
package final class GzipDecoder {
    private var stream = z_stream()
    private var ended = false
    private var inMember = false
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    package init() throws {
        // windowBits 15 + 32: accept gzip or zlib headers.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw LakeError.compression("zlib could not start a gzip decoder")
        }
    }

    deinit { inflateEnd(&stream) }

    /// Decompresses `input`, handing each produced block to `sink`.
    package func feed(_ input: [UInt8], sink: ([UInt8]) throws -> Void) throws {
        guard !input.isEmpty else { return }
        try input.withUnsafeBufferPointer { inBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
            stream.avail_in = uInt(inBuffer.count)
            while stream.avail_in > 0 {
                inMember = true
                let (status, produced): (Int32, Int) = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, out.count - Int(stream.avail_out))
                }
                if produced > 0 { try sink(Array(buffer[0..<produced])) }
                switch status {
                case Z_OK:
                    continue
                case Z_BUF_ERROR where produced > 0:
                    continue
                case Z_STREAM_END:
                    inMember = false
                    // Another gzip member may follow.
                    guard inflateReset(&stream) == Z_OK else { throw LakeError.compression("zlib could not reset the decoder") }
                default:
                    throw LakeError.compression("the gzip data is corrupt (zlib status \(status))")
                }
            }
        }
    }

    /// Throws when the data ended inside a gzip member (a truncated file).
    package func finish() throws {
        if inMember { throw LakeError.compression("the gzip data is truncated") }
    }
}
