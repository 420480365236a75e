// Text in XML and HTML: the five characters markup reserves, escaped on the way out (S3
// request bodies, the dashboard page, Slack's mrkdwn) and decoded on the way in (S3 answers). One table serves
// both directions.

/// Escapes and unescapes markup text.
package enum MarkupText {
    /// Each reserved character and the entity it is written as. The apostrophe is `&#39;`,
    /// which HTML 4, HTML 5 and XML all read.
    private static let written: [Unicode.Scalar: String] = ["&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"]
    /// Named entities a reader accepts: XML's five.
    private static let named: [Substring: Unicode.Scalar] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]

    /// What happens to a control character (below U+0020).
    package enum ControlCharacters: Sendable {
        /// Left out, but for tab and newline: a page has no use for them.
        case drop
        /// Written as a numeric reference (`&#13;`), tab and newline included: an S3 key keeps
        /// every character, where a literal return would reach the server as a newline.
        case reference
    }

    /// `text` for element content and quoted attribute values. Without `quotes`, only `&`,
    /// `<` and `>`: what Slack's mrkdwn decodes (it would show `&quot;` as it is).
    package static func escaped(_ text: String, controls: ControlCharacters, quotes: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if let entity = written[scalar], quotes || (scalar != "\"" && scalar != "'") {
                out += entity
            } else if scalar.value < 0x20, controls == .reference {
                out += "&#\(scalar.value);"
            } else if scalar.value < 0x20, scalar != "\t", scalar != "\n" {
                continue
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text an element holds, its entities and numeric references decoded.
    ///
    /// - Throws: `MarkupText.Failure` naming a bare `&` or an unknown entity.
    package static func unescaped(_ text: String) throws(Failure) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                throw Failure(reason: "a bare '&' in text")
            }
            let entity = rest[rest.index(after: amp)..<semi]
            if let scalar = named[entity] {
                out.unicodeScalars.append(scalar)
            } else {
                let number: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
                guard let number, let scalar = Unicode.Scalar(number) else { throw Failure(reason: "unknown entity &\(entity);") }
                out.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    /// Why markup text could not be decoded.
    package struct Failure: Error, Sendable {
        package let reason: String
    }
}
