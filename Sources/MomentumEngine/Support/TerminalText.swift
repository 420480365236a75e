// Text from outside (artist names from Spotify, cells of a user's file, server messages) is
// printed to terminals and spreadsheets. Control characters would let a name clear the screen
// or rewrite earlier lines; they are shown as visible escapes instead.

package enum TerminalText {
    /// `text` with C0/C1 controls, DEL, bidirectional overrides and line and paragraph separators
    /// replaced by `\u{…}` escapes.
    package static func sanitized(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if isUnsafe(scalar) {
                output += "\\u{" + String(value, radix: 16) + "}"
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }

    /// True when `text` holds what `sanitized` escapes (a newline, a tab, an escape, a bell,
    /// a bidirectional override): refused in names that reach SQL, a terminal or the lake.
    package static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isUnsafe)
    }

    /// C0/C1 controls, DEL, bidirectional overrides, and line and paragraph separators.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value < 0x20 || (0x7f...0x9f).contains(value) || (0x202a...0x202e).contains(value) || (0x2066...0x2069).contains(value)
            || value == 0x2028 || value == 0x2029
    }

    /// Columns `text` takes on a terminal: East Asian wide and fullwidth characters and emoji
    /// take two, combining marks and joiners none (a grapheme cluster counts once, by its first
    /// scalar), everything else one.
    package static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// `text` cut to at most `width` columns, ending in "…" when cut.
    package static func truncated(_ text: String, toWidth width: Int) -> String {
        guard displayWidth(text) > width else { return text }
        var out = ""
        var used = 0
        for character in text {
            let next = self.width(of: character)
            if used + next > width - 1 { break }
            out.append(character)
            used += next
        }
        return out + "…"
    }

    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        let value = first.value
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark || value == 0x200B || value == 0x200D { return 0 }
        if first.properties.isEmojiPresentation || character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return wideRanges.contains { $0.contains(value) } ? 2 : 1
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks of UAX #11.
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F200...0x1F2FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]
}
