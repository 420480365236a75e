// A UTC calendar day, the unit of every metric. Stored as days since 1970-01-01, which is
// also how Parquet's DATE type stores it, so no conversion happens on the way to the lake.
// A day exists only where its midnight is an `Instant` (64-bit nanoseconds), so that `start`
// is total: no caller unwraps it, and a file's absurd date is refused where it is read.

/// A calendar day in UTC, from 1677-09-22 to 2262-04-11 (the days whose midnight an ``Instant``
/// holds).
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public let daysSinceEpoch: Int32

    /// The days there are: those whose midnight is an ``Instant``.
    public static let supportedDaysSinceEpoch: ClosedRange<Int32> = -106_751...106_751
    /// The first day there is, 1677-09-22.
    public static let earliest = Day(checked: supportedDaysSinceEpoch.lowerBound)
    /// The last day there is, 2262-04-11.
    public static let latest = Day(checked: supportedDaysSinceEpoch.upperBound)
    /// 1970-01-01.
    public static let epoch = Day(checked: 0)

    /// A day from days since 1970-01-01; nil outside ``supportedDaysSinceEpoch``.
    public init?(daysSinceEpoch: Int32) {
        guard Day.supportedDaysSinceEpoch.contains(daysSinceEpoch) else { return nil }
        self.daysSinceEpoch = daysSinceEpoch
    }

    private init(checked daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The day `daysSinceEpoch`, or the nearest end of the supported range.
    init(clamping daysSinceEpoch: Int64) {
        let range = Day.supportedDaysSinceEpoch
        self.daysSinceEpoch = Int32(min(max(daysSinceEpoch, Int64(range.lowerBound)), Int64(range.upperBound)))
    }

    /// A day from its civil date; nil when the date does not exist (e.g. February 30) or is
    /// outside the supported range.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year),
              (-9999...9999).contains(year)
        else { return nil }
        self.init(daysSinceEpoch: Int32(Day.daysFromCivil(year: year, month: month, day: day)))
    }

    /// Parses exactly `YYYY-MM-DD` (four-digit year, two-digit month and day, ASCII digits);
    /// nil for a date that does not exist, one outside ``earliest`` to ``latest``, and
    /// anything else (see ``Instant/init(iso:)`` for timestamps).
    public init?(iso text: some StringProtocol) {
        guard let day = ISOText.withBytes(of: text, Day.parse) else { return nil }
        self = day
    }

    /// The same for a `String`, the common case: a concrete overload, so that a caller in
    /// another module (a reader checking each record's partition day) needs no generic
    /// dispatch, and a short string's bytes are read in place rather than copied to an array.
    public init?(iso text: String) {
        guard let day = ISOText.withBytes(of: text, Day.parse) else { return nil }
        self = day
    }

    /// `YYYY-MM-DD` from its UTF-8 bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = ISOText.number(bytes, 0, 4), let month = ISOText.number(bytes, 5, 2), let day = ISOText.number(bytes, 8, 2)
        else { return nil }
        return Day(year: year, month: month, day: day)
    }

    /// The civil date (year, month 1-12, day 1-31).
    public var civil: (year: Int, month: Int, day: Int) {
        Day.civilFromDays(Int(daysSinceEpoch))
    }

    /// `YYYY-MM-DD`.
    public var isoString: String {
        let (y, m, d) = civil
        return Day.pad(y, 4) + "-" + Day.pad(m, 2) + "-" + Day.pad(d, 2)
    }

    /// Midnight UTC at the start of the day.
    public var start: Instant {
        // Cannot overflow: 106,751 days of nanoseconds is below Int64.max.
        Instant(nanosecondsSinceEpoch: Int64(daysSinceEpoch) * 86_400_000_000_000)
    }

    /// `YYYY-MM`, the lake's monthly partition value.
    public var monthString: String {
        let (y, m, _) = civil
        return Day.pad(y, 4) + "-" + Day.pad(m, 2)
    }

    /// Months since year 0 (`year × 12 + month - 1`): a cheap grouping key for partitions.
    public var monthIndex: Int32 {
        let (y, m, _) = civil
        return Int32(y * 12 + m - 1)
    }

    /// `YYYY-MM` of a `monthIndex`.
    public static func monthString(ofMonthIndex index: Int32) -> String {
        let year = Int(index) / 12, month = Int(index) % 12 + 1
        return pad(year, 4) + "-" + pad(month, 2)
    }

    public var description: String { isoString }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// The day `days` later (earlier when negative), stopping at ``earliest`` and ``latest``.
    public static func + (lhs: Day, days: Int) -> Day {
        let (sum, overflow) = Int64(lhs.daysSinceEpoch).addingReportingOverflow(Int64(days))
        return Day(clamping: overflow ? (days < 0 ? Int64.min : Int64.max) : sum)
    }

    /// The day `days` before, stopping at ``earliest`` and ``latest``.
    public static func - (lhs: Day, days: Int) -> Day {
        days == Int.min ? lhs + Int.max : lhs + (-days)
    }

    /// Calendar days from `rhs` to `lhs`.
    public static func - (lhs: Day, rhs: Day) -> Int {
        Int(lhs.daysSinceEpoch) - Int(rhs.daysSinceEpoch)
    }
}

extension Day {
    // Howard Hinnant's civil-date algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(abs(value))
        let padded = text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        return value < 0 ? "-" + padded : padded
    }
}

/// A point in time, with nanosecond resolution, in UTC.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public let nanosecondsSinceEpoch: Int64

    /// An instant from nanoseconds since 1970-01-01T00:00:00Z.
    public init(nanosecondsSinceEpoch: Int64) {
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
    }

    /// Parses ISO 8601 as the lake writes it and APIs send it. This and
    /// ``Day/init(iso:)-(StringProtocol)`` are the package's one date parser (LakeKit parses
    /// none; LakeAnalytics reads the lake's timestamps through this one).
    ///
    /// Accepted: `YYYY-MM-DD`, then `T` (or `t`, or a space), then `HH:MM:SS` with a second up
    /// to 60 (a leap second), then an optional fraction of 1 to 9 digits after a `.`, then `Z`
    /// (or `z`) or an offset `+HH:MM`/`-HH:MM`.
    ///
    /// Refused (nil): a date that does not exist (`2026-02-30`), an hour past 23 or a minute
    /// past 59, a fraction with no digit or more than 9 (nanoseconds are the resolution; more
    /// is refused, not cut), no zone, a zone without its colon (`+0100`), any other character
    /// or trailing text, more than 64 characters, and instants outside what 64-bit
    /// nanoseconds hold (1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z).
    /// The lake contract narrows this further to `Z` only (lake.md); LakeAnalytics enforces it.
    public init?(iso text: some StringProtocol) {
        guard let instant = ISOText.withBytes(of: text, Instant.parse) else { return nil }
        self = instant
    }

    /// Parses the UTF-8 bytes of an ISO 8601 timestamp, as ``init(iso:)`` parses text: for a
    /// reader that holds the bytes (a JSON Lines scanner), with no string made of them.
    public init?(isoBytes bytes: UnsafeBufferPointer<UInt8>) {
        guard let instant = Instant.parse(bytes) else { return nil }
        self = instant
    }

    /// An ISO 8601 timestamp from its UTF-8 bytes.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Instant? {
        guard bytes.count >= 20, bytes.count <= 64, let day = Day.parse(UnsafeBufferPointer(rebasing: bytes[0..<10])),
              bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t") || bytes[10] == UInt8(ascii: " "),
              bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
              let hour = ISOText.number(bytes, 11, 2), let minute = ISOText.number(bytes, 14, 2), let second = ISOText.number(bytes, 17, 2),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < bytes.count, let digit = ISOText.number(bytes, index, 1) {
                guard digits < 9 else { return nil }
                fraction = fraction * 10 + Int64(digit)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<9 { fraction *= 10 }
        }
        var offsetSeconds: Int64 = 0
        let zone = bytes.count - index
        if zone == 1, bytes[index] == UInt8(ascii: "Z") || bytes[index] == UInt8(ascii: "z") {
            offsetSeconds = 0
        } else if zone == 6, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-"),
                  bytes[index + 3] == UInt8(ascii: ":"),
                  let hours = ISOText.number(bytes, index + 1, 2), let minutes = ISOText.number(bytes, index + 4, 2),
                  hours < 24, minutes < 60 {
            offsetSeconds = Int64(hours * 3600 + minutes * 60) * (bytes[index] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        let seconds = Int64(day.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - offsetSeconds
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflowAdding) = scaled.addingReportingOverflow(fraction)
        guard !overflowAdding else { return nil }
        return Instant(nanosecondsSinceEpoch: total)
    }

    /// The UTC day this instant falls on (``Day/earliest`` for the instants before it, the first
    /// 24 hours that 64-bit nanoseconds hold).
    public var day: Day {
        let perDay: Int64 = 86_400_000_000_000
        var days = nanosecondsSinceEpoch / perDay
        if nanosecondsSinceEpoch % perDay < 0 { days -= 1 }
        return Day(clamping: days)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, with a fraction when the instant has one.
    public var isoString: String {
        // The day unclamped: the first instants 64-bit nanoseconds hold fall on 1677-09-21.
        let perDay: Int64 = 86_400_000_000_000
        var days = nanosecondsSinceEpoch / perDay
        if nanosecondsSinceEpoch % perDay < 0 { days -= 1 }
        let withinDay = nanosecondsSinceEpoch &- days &* perDay
        let seconds = Int(withinDay / 1_000_000_000), nanoseconds = Int(withinDay % 1_000_000_000)
        let (y, m, d) = Day.civilFromDays(Int(days))
        var text = Day.pad(y, 4) + "-" + Day.pad(m, 2) + "-" + Day.pad(d, 2) + "T" + Day.pad(seconds / 3600, 2) + ":" + Day.pad(seconds / 60 % 60, 2) + ":" + Day.pad(seconds % 60, 2)
        if nanoseconds > 0 {
            var digits = Day.pad(nanoseconds, 9)
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text + "Z"
    }

    /// The ISO 8601 text (`isoString`).
    public var description: String { isoString }

    /// Orders instants in time.
    public static func < (lhs: Instant, rhs: Instant) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }
}

/// Reading ISO 8601 text byte by byte, without copying it: the lake's timestamps are parsed once
/// per record a transform reads.
enum ISOText {
    /// `body` over the text's UTF-8 bytes, in place when the string stores them contiguously.
    static func withBytes<T>(of text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// The same for a `String`: a short one (up to 15 bytes, every date) keeps its bytes inline
    /// and has no contiguous storage to lend; `withUTF8` reads them from a copy on the stack.
    static func withBytes<T>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        var text = text
        return text.withUTF8(body)
    }

    /// The decimal number of `count` ASCII digits from `start`; nil when one is not a digit.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for index in start..<(start + count) {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        return value
    }
}
