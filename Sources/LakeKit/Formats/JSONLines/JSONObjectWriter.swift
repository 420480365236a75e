// Writes one flat JSON object into a byte buffer; strings go through the one JSON escaper.

import MomentumText

package struct JSONObjectWriter {
    private var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var first = true

    package init() {}

    private mutating func key(_ name: StaticString) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    }

    package mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        guard let value else { return bytes.append(contentsOf: Array("null".utf8)) }
        JSONString.append(value, to: &bytes)
    }

    package mutating func field(_ name: StaticString, _ value: Int64?) {
        key(name)
        bytes.append(contentsOf: Array((value.map(String.init) ?? "null").utf8))
    }

    package mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
    }

    package mutating func field(_ name: StaticString, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONString.append(value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Closes the object and appends it to `destination`.
    package mutating func close(into destination: inout [UInt8]) {
        bytes.append(UInt8(ascii: "}"))
        destination.append(contentsOf: bytes)
    }
}
