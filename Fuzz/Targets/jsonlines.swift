// libFuzzer target: the JSON Lines reader and record scanner, plain and gzip, through the
// lake contract's records (LakeAnalytics) and their timestamps (MomentumAnalytics' `Instant`).
import LakeAnalytics
import LakeKit
import MomentumAnalytics

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? JSONLines.decode(MetricObservation.self, from: bytes, source: "fuzz", partitionDay: "2026-01-01")
    _ = try? JSONLines.decode(ReleaseRecord.self, from: bytes, source: "fuzz")
    _ = try? JSONLines.decode(AudienceObservation.self, from: bytes, source: "fuzz", partitionDay: "2026-01-01")
    return 0
}
