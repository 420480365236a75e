// Dates and timestamps as the lake writes them: `YYYY-MM-DD` days (partition values, Parquet
// DATE) and ISO 8601 UTC timestamps (`captured_at`, `discovered_at`).

/// A UTC calendar day, stored as days since 1970-01-01 like Parquet's DATE.
public struct LakeDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public let daysSinceEpoch: Int32

    /// A day from days since 1970-01-01.
    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Parses exactly `YYYY-MM-DD` of a real date.
    public init?(iso text: some StringProtocol) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == 0x2d, b[7] == 0x2d,
              let y = CivilCalendar.number(b[0..<4]), let m = CivilCalendar.number(b[5..<7]), let d = CivilCalendar.number(b[8..<10]),
              CivilCalendar.isValid(year: y, month: m, day: d)
        else { return nil }
        daysSinceEpoch = Int32(CivilCalendar.days(year: y, month: m, day: d))
    }

    /// The day of an instant given in nanoseconds since the epoch.
    public init(nanosecondsSinceEpoch: Int64) {
        let perDay: Int64 = 86_400_000_000_000
        var days = nanosecondsSinceEpoch / perDay
        if nanosecondsSinceEpoch % perDay < 0 { days -= 1 }
        daysSinceEpoch = Int32(days)
    }

    /// The first instant of the day in nanoseconds since the epoch; nil outside the years
    /// 1677 to 2262, which 64-bit nanoseconds cannot reach.
    public var startNanoseconds: Int64? {
        let (value, overflow) = Int64(daysSinceEpoch).multipliedReportingOverflow(by: 86_400_000_000_000)
        return overflow ? nil : value
    }

    /// `YYYY-MM-DD`.
    public var isoString: String {
        let (y, m, d) = CivilCalendar.civil(Int(daysSinceEpoch))
        return CivilCalendar.pad(y, 4) + "-" + CivilCalendar.pad(m, 2) + "-" + CivilCalendar.pad(d, 2)
    }

    /// `YYYY-MM`.
    public var monthString: String {
        let (y, m, _) = CivilCalendar.civil(Int(daysSinceEpoch))
        return CivilCalendar.pad(y, 4) + "-" + CivilCalendar.pad(m, 2)
    }

    public var description: String { isoString }

    public static func < (a: LakeDate, b: LakeDate) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
}

/// ISO 8601 timestamps, parsed to and printed from nanoseconds since the epoch.
public enum Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when it is not such a timestamp
    /// or lies outside what 64-bit nanoseconds hold (about 1677 to 2262). Fractions beyond
    /// nanoseconds are truncated.
    ///
    /// - Parameters:
    ///   - text: the timestamp.
    ///   - utcOnly: accept only the `Z` form, as the lake contract requires.
    public static func nanoseconds(iso text: String, utcOnly: Bool = false) -> Int64? {
        var text = text
        return text.withUTF8 { nanoseconds(isoBytes: $0, utcOnly: utcOnly) }
    }

    static func nanoseconds(isoBytes b: UnsafeBufferPointer<UInt8>, utcOnly: Bool = false) -> Int64? {
        guard b.count >= 20, b[4] == 0x2d, b[7] == 0x2d, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20,
              b[13] == 0x3a, b[16] == 0x3a,
              let y = CivilCalendar.number(b[0..<4]), let mo = CivilCalendar.number(b[5..<7]),
              let d = CivilCalendar.number(b[8..<10]), let h = CivilCalendar.number(b[11..<13]),
              let mi = CivilCalendar.number(b[14..<16]), let s = CivilCalendar.number(b[17..<19]),
              CivilCalendar.isValid(year: y, month: mo, day: d), h < 24, mi < 60, s <= 60
        else { return nil }
        var i = 19
        var fraction: Int64 = 0
        if b[i] == 0x2e {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { fraction = fraction * 10 + Int64(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 9)..<9 { fraction *= 10 }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        if b[i] == 0x5a || b[i] == 0x7a {
            i += 1
        } else if !utcOnly, b[i] == 0x2b || b[i] == 0x2d, i + 6 == b.count, b[i + 3] == 0x3a,
                  let oh = CivilCalendar.number(b[(i + 1)..<(i + 3)]), let om = CivilCalendar.number(b[(i + 4)..<(i + 6)]),
                  oh < 24, om < 60 {
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 0x2b ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let seconds = Int64(CivilCalendar.days(year: y, month: mo, day: d)) * 86_400
            + Int64(h * 3600 + mi * 60 + s) - Int64(offsetSeconds)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (value, overflowAdding) = scaled.addingReportingOverflow(fraction)
        return overflowAdding ? nil : value
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, with the shortest fraction that is exact.
    public static func iso(nanoseconds: Int64) -> String {
        var seconds = nanoseconds / 1_000_000_000
        var fraction = nanoseconds % 1_000_000_000
        if fraction < 0 {
            fraction += 1_000_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = CivilCalendar.civil(Int(days))
        let hms = CivilCalendar.pad(Int(secondOfDay / 3600), 2) + ":" + CivilCalendar.pad(Int(secondOfDay / 60 % 60), 2)
            + ":" + CivilCalendar.pad(Int(secondOfDay % 60), 2)
        var text = CivilCalendar.pad(y, 4) + "-" + CivilCalendar.pad(m, 2) + "-" + CivilCalendar.pad(d, 2) + "T" + hms
        if fraction > 0 {
            var digits = CivilCalendar.pad(Int(fraction), 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }
}

/// Proleptic Gregorian calendar arithmetic (Howard Hinnant's algorithms).
enum CivilCalendar {
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        return era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    }

    static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, doy - (153 * mp + 2) / 5 + 1)
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let length = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= length
    }

    static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var value = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
