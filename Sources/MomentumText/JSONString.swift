// JSON string literals (RFC 8259), for every JSON this package writes by hand: the lake's JSON
// Lines, the simulator's answers, the CLI's `--format json`, the data a dashboard page embeds
// in a <script> element.

/// Writes strings as JSON string literals.
package enum JSONString {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Appends `value` as a quoted JSON string.
    ///
    /// - Parameter scriptSafe: also escape `<`, `>` and `&` (so the text can never close a
    ///   <script> element or open a comment) and U+2028/U+2029 (line breaks to older JavaScript).
    package static func append(_ value: String, to output: inout [UInt8], scriptSafe: Bool = false) {
        output.append(UInt8(ascii: "\""))
        let bytes = value.utf8
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""): output.append(contentsOf: [0x5c, 0x22])
            case UInt8(ascii: "\\"): output.append(contentsOf: [0x5c, 0x5c])
            case 0x0a: output.append(contentsOf: [0x5c, UInt8(ascii: "n")])
            case 0x0d: output.append(contentsOf: [0x5c, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5c, UInt8(ascii: "t")])
            case 0..<0x20: appendUnicodeEscape(UInt16(byte), to: &output)
            case UInt8(ascii: "<") where scriptSafe, UInt8(ascii: ">") where scriptSafe, UInt8(ascii: "&") where scriptSafe:
                appendUnicodeEscape(UInt16(byte), to: &output)
            case 0xe2 where scriptSafe:
                // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
                let next = bytes.index(after: index)
                if next != bytes.endIndex, bytes[next] == 0x80, bytes.index(after: next) != bytes.endIndex,
                   case let last = bytes[bytes.index(after: next)], last == 0xa8 || last == 0xa9 {
                    appendUnicodeEscape(last == 0xa8 ? 0x2028 : 0x2029, to: &output)
                    index = bytes.index(after: bytes.index(after: next))
                    continue
                }
                output.append(byte)
            default: output.append(byte)
            }
            index = bytes.index(after: index)
        }
        output.append(UInt8(ascii: "\""))
    }

    /// `value` as a quoted JSON string.
    package static func quoted(_ value: String, scriptSafe: Bool = false) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        append(value, to: &bytes, scriptSafe: scriptSafe)
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to output: inout [UInt8]) {
        output.append(contentsOf: [0x5c, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) { output.append(hex[Int(unit >> UInt16(shift)) & 0xf]) }
    }
}
