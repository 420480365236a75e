// libFuzzer target: the JSON Lines reader and record scanner, plain and gzip.
import LakeKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? JSONLines.decode(RawArtistMetric.self, from: bytes, source: "fuzz", partitionDay: LakeDate(iso: "2026-01-01"))
    _ = try? JSONLines.decode(RawRelease.self, from: bytes, source: "fuzz")
    return 0
}
