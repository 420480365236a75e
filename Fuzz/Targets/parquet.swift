// libFuzzer target: the Parquet reader (footer, page headers, every encoding and codec) on
// hostile bytes: an error is fine, a trap or a sanitizer report is not.
import Dispatch
import LakeKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let done = DispatchSemaphore(value: 0)
    Task {
        defer { done.signal() }
        guard let reader = try? await ParquetReader.open(bytes: bytes, name: "fuzz.parquet") else { return }
        _ = try? await reader.read()
        if let first = reader.schema.first {
            _ = try? await reader.read(columns: [first.name], filter: ParquetFilter(column: first.name, from: .integer(0), through: .string("m")))
        }
    }
    done.wait()
    return 0
}
