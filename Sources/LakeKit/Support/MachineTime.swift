// The three timestamps LakeKit prints for machines: SigV4's `X-Amz-Date`, run ids and the lake
// lock's `acquired_at`. LakeKit parses no dates and keeps no calendar of its own: the lake's
// days and record timestamps parse and print through MomentumAnalytics' `Day` and `Instant`
// (in LakeAnalytics); these three use Foundation's ISO 8601 style.

import Foundation

enum MachineTime {
    private static let extended = Date.ISO8601FormatStyle(timeZone: .gmt)
    private static let basic = Date.ISO8601FormatStyle(
        dateSeparator: .omitted, dateTimeSeparator: .standard, timeSeparator: .omitted, timeZone: .gmt)

    /// `YYYY-MM-DDTHH:MM:SSZ` of whole seconds since 1970.
    static func iso(secondsSinceEpoch seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(extended)
    }

    /// `YYYYMMDDTHHMMSSZ` of whole seconds since 1970 (ISO 8601's basic format).
    static func compact(secondsSinceEpoch seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(basic)
    }
}
