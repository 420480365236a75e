// Text from outside (artist names from Spotify, cells of a user's file, server messages) is
// printed to terminals and spreadsheets. Control characters would let a name clear the screen
// or rewrite earlier lines; they are shown as visible escapes instead.

package enum TerminalText {
    /// `text` with C0/C1 controls, DEL and bidirectional overrides replaced by `\u{…}` escapes.
    package static func sanitized(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let isControl = value < 0x20 || (0x7f...0x9f).contains(value)
            let isBidiOverride = (0x202a...0x202e).contains(value) || (0x2066...0x2069).contains(value)
            if isControl || isBidiOverride {
                output += "\\u{" + String(value, radix: 16) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
