// libFuzzer target: Snappy decompression of hostile input, and a round trip of any input.
import LakeKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Snappy.decompress(bytes)
    guard (try? Snappy.decompress(Snappy.compress(bytes))) == bytes else { fatalError("snappy round trip lost data") }
    return 0
}
