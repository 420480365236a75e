// Small statistics helpers with the contract's conventions (the median of an even count is
// the mean of the two middle values).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

enum Statistics {
    /// The median; nil for an empty collection.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// The arithmetic mean; nil for an empty collection.
    static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The median absolute deviation from `center` (unscaled).
    static func medianAbsoluteDeviation(_ values: [Double], from center: Double) -> Double? {
        median(values.map { abs($0 - center) })
    }

    static func naturalLog(_ value: Double) -> Double { log(value) }
    static func squareRoot(_ value: Double) -> Double { sqrt(value) }
}

extension Array where Element == Double {
    /// The first index whose value is not below `value` (the array must be sorted).
    func lowerBound(of value: Double) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The first index whose value is above `value` (the array must be sorted).
    func upperBound(of value: Double) -> Int {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            if self[mid] <= value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
