// libFuzzer target: gzip decompression of hostile input (bounded by the caller's data).
import LakeKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Gzip.decompress(bytes)
    guard (try? Gzip.decompress(Gzip.compress(bytes))) == bytes else { fatalError("gzip round trip lost data") }
    return 0
}
