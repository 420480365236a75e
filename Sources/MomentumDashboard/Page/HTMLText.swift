// Escaping for the contexts the dashboard writes into: HTML text, attribute values, and JSON
// inside a <script> element. Every string that comes from data (artist and album names, ids)
// passes through one of these; nothing is written raw.

import MomentumAnalytics
import MomentumText

enum HTMLText {
    /// For element content and double-quoted attribute values; control characters other than
    /// newline and tab are dropped.
    static func escape(_ text: String) -> String {
        MarkupText.escaped(text, controls: .drop)
    }

    /// A JSON string literal that is safe inside <script>: `<`, `>`, `&` and U+2028/2029 are
    /// escaped, so the text can never close the element or open a comment.
    static func scriptSafeJSONString(_ text: String) -> String {
        JSONString.quoted(text, scriptSafe: true)
    }
}

/// Number and date formatting for people: thousands separators, fixed decimals, signed
/// percentages, month labels. Pure Swift, so the analytics keep no Foundation dependency.
enum DisplayFormat {
    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func grouped(_ value: Int64) -> String {
        GroupedNumber.text(value, minus: "−")
    }

    static func signedGrouped(_ value: Int64) -> String {
        value > 0 ? "+" + grouped(value) : grouped(value)
    }

    /// `value` with `digits` decimals; "–" when it is not finite.
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "–" }
        var factor = 1.0
        for _ in 0..<digits { factor *= 10 }
        let scaled = (abs(value) * factor).rounded()
        guard scaled < 9.0e15 else { return value < 0 ? "−∞" : "∞" }
        let whole = Int64(scaled)
        let integer = whole / Int64(factor)
        var text = grouped(integer)
        if digits > 0 {
            let fraction = String(whole % Int64(factor))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return value < 0 && scaled > 0 ? "−" + text : text
    }

    /// A fraction as a signed percentage: 0.1234 → "+12.3%".
    static func percent(_ fraction: Double, digits: Int = 1) -> String {
        let text = fixed(fraction * 100, digits) + "%"
        return fraction > 0 && !text.hasPrefix("0.0") ? "+" + text : text
    }

    /// A coordinate with one decimal, no grouping.
    static func coordinate(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        let whole = Int(tenths)
        let sign = whole < 0 ? "-" : ""
        let magnitude = abs(whole)
        return magnitude % 10 == 0 ? sign + String(magnitude / 10) : sign + String(magnitude / 10) + "." + String(magnitude % 10)
    }

    static func monthLabel(_ day: Day) -> String {
        let (year, month, _) = day.civil
        return month == 1 ? "\(monthNames[0]) \(year)" : monthNames[month - 1]
    }

    static func longDate(_ day: Day) -> String {
        let (year, month, dayOfMonth) = day.civil
        return "\(dayOfMonth) \(monthNames[month - 1]) \(year)"
    }

    /// Axis labels: 1,200 · 45K · 3.2M.
    static func axis(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return trimmed(fixed(value / 1_000_000, 1)) + "M" }
        if magnitude >= 10_000 { return trimmed(fixed(value / 1_000, 1)) + "K" }
        if magnitude >= 10 || value == value.rounded() { return grouped(Int64(value.rounded())) }
        return fixed(value, 2)
    }

    private static func trimmed(_ text: String) -> String {
        text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
