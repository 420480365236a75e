// A small XML reader for S3's answers (errors, listings, multipart uploads). FoundationXML
// needs libxml2 at run time and in static builds; S3's XML is plain elements and text, so a
// strict little parser with caps on size and depth does. It never traps: bad XML is an error.

import Foundation
import MomentumText

/// An element: its name (namespace prefix dropped), text and children.
package struct S3XMLNode: Sendable {
    package var name: String
    package var text = ""
    package var children: [S3XMLNode] = []

    /// The first child of that name.
    package func child(_ name: String) -> S3XMLNode? { children.first { $0.name == name } }
    /// Every child of that name.
    package func all(_ name: String) -> [S3XMLNode] { children.filter { $0.name == name } }
    /// The text of the first child of that name.
    package func value(_ name: String) -> String? { child(name)?.text }

    static let maximumDepth = 32

    /// Parses a document; its root element.
    package static func parse(_ bytes: [UInt8]) throws -> S3XMLNode {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func document() throws -> S3XMLNode {
            skipProlog()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "<") else { throw fail("no root element") }
            return try element(depth: 0)
        }

        mutating func skipProlog() {
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            while true {
                skipSpace()
                if starts("<?") { skip(past: "?>") } else if starts("<!--") { skip(past: "-->") } else if starts("<!") { skip(past: ">") } else { return }
            }
        }

        mutating func element(depth: Int) throws -> S3XMLNode {
            guard depth < S3XMLNode.maximumDepth else { throw fail("nested deeper than \(S3XMLNode.maximumDepth)") }
            index += 1   // "<"
            let name = readName()
            guard !name.isEmpty else { throw fail("an element without a name") }
            var node = S3XMLNode(name: String(name.split(separator: ":").last ?? Substring(name)))
            // Attributes are not used by S3's answers that matter here (xmlns only): skipped.
            while index < bytes.count, bytes[index] != UInt8(ascii: ">") {
                if bytes[index] == UInt8(ascii: "/"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ">") {
                    index += 2
                    return node
                }
                if bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                    let quote = bytes[index]
                    index += 1
                    while index < bytes.count, bytes[index] != quote { index += 1 }
                }
                index += 1
            }
            guard index < bytes.count else { throw fail("<\(node.name)> is not closed") }
            index += 1
            var text: [UInt8] = []
            while index < bytes.count {
                if starts("</") {
                    index += 2
                    let closing = readName()
                    guard String(closing.split(separator: ":").last ?? Substring(closing)) == node.name else {
                        throw fail("</\(closing)> closes <\(node.name)>")
                    }
                    skip(past: ">")
                    node.text = try decodeEntities(text)
                    return node
                } else if starts("<!--") {
                    skip(past: "-->")
                } else if starts("<![CDATA[") {
                    index += 9
                    let start = index
                    skip(past: "]]>")
                    text += bytes[start..<max(start, index - 3)]
                } else if bytes[index] == UInt8(ascii: "<") {
                    node.children.append(try element(depth: depth + 1))
                } else {
                    text.append(bytes[index])
                    index += 1
                }
            }
            throw fail("<\(node.name)> is not closed")
        }

        mutating func readName() -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
                    || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") { break }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        func starts(_ text: String) -> Bool {
            let pattern = Array(text.utf8)
            return index + pattern.count <= bytes.count && bytes[index..<(index + pattern.count)].elementsEqual(pattern)
        }

        mutating func skip(past text: String) {
            while index < bytes.count, !starts(text) { index += 1 }
            index = min(bytes.count, index + text.utf8.count)
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func decodeEntities(_ raw: [UInt8]) throws -> String {
            do {
                return try MarkupText.unescaped(String(decoding: raw, as: UTF8.self))
            } catch {
                throw fail(error.reason)
            }
        }

        func fail(_ reason: String) -> LakeError {
            LakeError.format("S3 answered XML that does not parse (\(reason), at byte \(index))")
        }
    }
}
