// libFuzzer target: the CSV history reader of `momentum import csv`.
import MomentumAnalytics
import MomentumEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = CSVImport.parse(text, artistID: "AAAAAAAAAAAAAAAAAAAAAA", artistName: "A", today: Day(iso: "2026-11-27"))
    return 0
}
