// Snappy, the default Parquet codec of most writers, in pure Swift: a greedy LZ77 over 64 KiB
// blocks with a 4-byte hash table, in the raw Snappy format (no framing), as Parquet wants it.

package enum Snappy {
    private static let blockSize = 1 << 16

    package static func compress(_ input: [UInt8]) -> [UInt8] {
        // Written through a pointer into the worst case's room (Snappy's own bound: the length
        // header, then every byte a literal with a tag per 60): appending byte by byte to an
        // array checked its capacity on every byte, a third of the compressor's time.
        let capacity = 32 + input.count + input.count / 6
        // Filled once, not per block: a block only takes a candidate at or after its own start
        // (`compressBlock`), so an earlier block's entries are refused exactly as -1 is, and
        // the output is the same as with a fresh table per block.
        var table = [Int32](repeating: -1, count: 1 << 14)
        return [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            var output = Output(base: buffer.baseAddress!)
            output.varint(UInt64(input.count))
            input.withUnsafeBufferPointer { bytes in
                table.withUnsafeMutableBufferPointer { table in
                    var blockStart = 0
                    while blockStart < bytes.count {
                        let blockEnd = min(blockStart + blockSize, bytes.count)
                        compressBlock(bytes, from: blockStart, to: blockEnd, table: table, into: &output)
                        blockStart = blockEnd
                    }
                }
            }
            count = output.count
        }
    }

    /// Where compressed bytes go: the caller sized the room for the worst case.
    private struct Output {
        let base: UnsafeMutablePointer<UInt8>
        var count = 0

        @inline(__always) mutating func byte(_ value: UInt8) {
            base[count] = value
            count += 1
        }

        @inline(__always) mutating func bytes(_ source: UnsafeBufferPointer<UInt8>) {
            guard let start = source.baseAddress else { return }
            (base + count).initialize(from: start, count: source.count)
            count += source.count
        }

        mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 {
                byte(UInt8(v & 0x7f) | 0x80)
                v >>= 7
            }
            byte(UInt8(v))
        }
    }

    package static func decompress(_ input: [UInt8]) throws -> [UInt8] {
        var position = 0
        let expected = try readVarint(input, &position)
        guard expected <= UInt64(Int32.max) else { throw LakeError.compression("snappy: length \(expected) is too large") }
        let size = Int(expected)
        // No element inflates more than a copy of 64 bytes from 3 input bytes does: a header
        // promising more than that is refused before its room is allocated.
        guard size <= input.count &* 22 &+ 64 else {
            throw LakeError.compression("snappy: header says \(size) bytes, more than \(input.count) bytes can hold")
        }
        // Written through a pointer into the room the header names (appending byte by byte
        // checked capacity on every byte of every copy).
        return try [UInt8](unsafeUninitializedCapacity: size) { output, count in
            let out = output.baseAddress!
            try input.withUnsafeBufferPointer { input in
                while position < input.count {
                    let tag = input[position]
                    position += 1
                    var length: Int
                    var offset = 0
                    switch tag & 3 {
                    case 0:
                        length = Int(tag >> 2) + 1
                        if length > 60 {
                            let extra = length - 60
                            guard position + extra <= input.count else { throw LakeError.compression("snappy: truncated literal") }
                            length = 0
                            for k in 0..<extra { length |= Int(input[position + k]) << (8 * k) }
                            length += 1
                            position += extra
                        }
                        guard position + length <= input.count else { throw LakeError.compression("snappy: truncated literal") }
                        guard count + length <= size else { throw LakeError.compression("snappy: more bytes than the header says") }
                        (out + count).initialize(from: input.baseAddress! + position, count: length)
                        count += length
                        position += length
                        continue
                    case 1:
                        guard position < input.count else { throw LakeError.compression("snappy: truncated copy") }
                        length = Int((tag >> 2) & 7) + 4
                        offset = (Int(tag >> 5) << 8) | Int(input[position])
                        position += 1
                    case 2:
                        guard position + 2 <= input.count else { throw LakeError.compression("snappy: truncated copy") }
                        length = Int(tag >> 2) + 1
                        offset = Int(input[position]) | Int(input[position + 1]) << 8
                        position += 2
                    default:
                        guard position + 4 <= input.count else { throw LakeError.compression("snappy: truncated copy") }
                        length = Int(tag >> 2) + 1
                        offset = 0
                        for k in 0..<4 { offset |= Int(input[position + k]) << (8 * k) }
                        position += 4
                    }
                    guard offset > 0, offset <= count else { throw LakeError.compression("snappy: copy offset \(offset) out of range") }
                    guard count + length <= size else { throw LakeError.compression("snappy: more bytes than the header says") }
                    let source = out + (count - offset)
                    if offset >= length {
                        (out + count).initialize(from: source, count: length)
                    } else {
                        // Overlapping: the copy repeats bytes it has just written, in order.
                        for k in 0..<length { out[count + k] = source[k] }
                    }
                    count += length
                }
            }
            guard count == size else {
                throw LakeError.compression("snappy: produced \(count) bytes, header says \(expected)")
            }
        }
    }

    private static func compressBlock(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, table: UnsafeMutableBufferPointer<Int32>, into output: inout Output
    ) {
        // Callers keep i + 4 <= end (and i + 8 <= end for load64): the loads stay in the input.
        let base = UnsafeRawPointer(bytes.baseAddress!)
        @inline(__always) func load32(_ i: Int) -> UInt32 {
            UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self))
        }
        @inline(__always) func load64(_ i: Int) -> UInt64 {
            UInt64(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
        }
        @inline(__always) func hash(_ v: UInt32) -> Int { Int((v &* 0x1E35_A7BD) >> 18) }

        var literalStart = start
        var i = start
        let limit = end - 4
        // As in the reference implementation, look further ahead the longer nothing matches,
        // the step growing by a 32nd of itself with each miss: incompressible stretches (the
        // growth rates' doubles) are skipped over in a few lookups.
        var skip = 32
        while i <= limit {
            let value = load32(i)
            let h = hash(value)
            let candidate = Int(table[h])
            table[h] = Int32(i)
            if candidate >= start, load32(candidate) == value {
                skip = 32
                var matchEnd = i + 4
                var candidateEnd = candidate + 4
                // Eight bytes at a time while they all match (the first differing byte is the
                // lowest set byte of the difference of little-endian loads), then byte by byte
                // near the end: the same match length as a byte loop.
                var differs = false
                while !differs, matchEnd + 8 <= end {
                    let difference = load64(matchEnd) ^ load64(candidateEnd)
                    if difference == 0 {
                        matchEnd += 8
                        candidateEnd += 8
                    } else {
                        matchEnd += difference.trailingZeroBitCount >> 3
                        differs = true
                    }
                }
                while !differs, matchEnd < end, bytes[matchEnd] == bytes[candidateEnd] {
                    matchEnd += 1
                    candidateEnd += 1
                }
                emitLiteral(bytes, from: literalStart, to: i, into: &output)
                emitCopy(offset: i - candidate, length: matchEnd - i, into: &output)
                i = matchEnd
                literalStart = i
            } else {
                let step = skip >> 5
                i += step
                skip += step
            }
        }
        emitLiteral(bytes, from: literalStart, to: end, into: &output)
    }

    private static func emitLiteral(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, into output: inout Output) {
        let length = end - start
        guard length > 0 else { return }
        let n = length - 1
        if n < 60 {
            output.byte(UInt8(n << 2))
        } else {
            let extra = (Int.bitWidth - n.leadingZeroBitCount + 7) / 8
            output.byte(UInt8((59 + extra) << 2))
            for k in 0..<extra { output.byte(UInt8(truncatingIfNeeded: n >> (8 * k))) }
        }
        output.bytes(UnsafeBufferPointer(rebasing: bytes[start..<end]))
    }

    private static func emitCopy(offset: Int, length: Int, into output: inout Output) {
        var remaining = length
        // Copies of more than 64 bytes are split; keep the last piece at 4 bytes or more.
        while remaining > 0 {
            var piece = min(remaining, 64)
            if remaining - piece > 0, remaining - piece < 4 { piece = remaining - 4 }
            if piece >= 4, piece <= 11, offset < 2048 {
                output.byte(UInt8(((offset >> 8) << 5) | ((piece - 4) << 2) | 1))
                output.byte(UInt8(offset & 0xff))
            } else {
                output.byte(UInt8(((piece - 1) << 2) | 2))
                output.byte(UInt8(offset & 0xff))
                output.byte(UInt8(offset >> 8))
            }
            remaining -= piece
        }
    }

    private static func readVarint(_ input: [UInt8], _ position: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < input.count, shift < 64 {
            let byte = input[position]
            position += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw LakeError.compression("snappy: truncated length header")
    }
}
