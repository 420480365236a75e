// libFuzzer target: the S3 XML reader (listings, errors, multipart answers), the one parser that
// reads what a network peer sends: an error is fine, a trap, a sanitizer report or memory past
// the limit is not.
import LakeKit

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let node = try? S3XMLNode.parse(bytes) {
        // Walk what a listing reads.
        for entry in node.all("Contents") { _ = (entry.value("Key"), entry.value("Size"), entry.value("ETag")) }
        _ = (node.value("IsTruncated"), node.value("NextContinuationToken"), node.child("Error")?.value("Code"))
    }
    return 0
}
