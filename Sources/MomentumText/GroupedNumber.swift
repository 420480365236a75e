// Whole numbers for people, with thousands separators: the CLI's tables and the dashboard
// print follower counts the same way.

/// Formats whole numbers with thousands separators.
package enum GroupedNumber {
    /// `value` with a comma every three digits, e.g. `-1,234,567`.
    ///
    /// - Parameter minus: the sign of a negative number: `-` for terminals and CSV, `−`
    ///   (U+2212) for a typeset page.
    package static func text(_ value: Int64, minus: String = "-") -> String {
        let digits = String(value.magnitude)
        var out = ""
        out.reserveCapacity(digits.count + digits.count / 3 + 1)
        for (i, character) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? minus + out : out
    }
}
