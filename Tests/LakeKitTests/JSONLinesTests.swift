@testable import LakeKit
import Testing

@Suite struct JSONLinesTests {
    @Test func linesSplitAcrossChunks() {
        var splitter = JSONLinesSplitter()
        var lines: [String] = []
        for chunk in ["{\"a\":", "1}\n{\"b\"", ":2}\n\n{\"c\":3}"] {
            Array(chunk.utf8).withUnsafeBufferPointer { buffer in
                splitter.feed(buffer) { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
            }
        }
        splitter.finish { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }
}
