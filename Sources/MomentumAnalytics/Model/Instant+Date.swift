// Bridges between the analytics' time values and Foundation's `Date`, for callers that have
// one. The rest of the module stays free of Foundation.

#if canImport(FoundationEssentials)
import FoundationEssentials
#elseif canImport(Foundation)
import Foundation
#endif

#if canImport(FoundationEssentials) || canImport(Foundation)
extension Instant {
    /// The instant of a `Date`, to the nanosecond; nil for dates outside the years 1678 to 2261
    /// (64-bit nanoseconds) or not finite.
    public init?(_ date: Date) {
        // Whole seconds and the fraction apart, so that the fraction keeps its precision.
        let interval = date.timeIntervalSince1970
        guard interval.isFinite, let whole = Int64(exactly: interval.rounded(.down)) else { return nil }
        let fraction = Int64(((interval - interval.rounded(.down)) * 1e9).rounded())
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflowAdding) = scaled.addingReportingOverflow(fraction)
        guard !overflowAdding else { return nil }
        self.init(nanosecondsSinceEpoch: total)
    }

    /// The instant as a `Date` (to Date's precision, about a microsecond today).
    public var date: Date {
        let seconds = nanosecondsSinceEpoch / 1_000_000_000, remainder = nanosecondsSinceEpoch % 1_000_000_000
        return Date(timeIntervalSince1970: Double(seconds) + Double(remainder) / 1e9)
    }
}

extension Day {
    /// The UTC day a `Date` falls on; nil for dates outside the years 1678 to 2261.
    public init?(_ date: Date) {
        guard let instant = Instant(date) else { return nil }
        self = instant.day
    }
}
#endif
