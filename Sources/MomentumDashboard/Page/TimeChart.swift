// SVG charts over calendar days: a shared x axis (days, labelled by month), linear and log
// y scales with round tick values, and paths that break across missing days.

import Foundation
import MomentumAnalytics

struct TimeChart {
    static let width = 760.0
    let height: Double
    let start: Day
    let end: Day
    let left = 60.0, right = 14.0, top = 12.0, bottom = 24.0

    var plotWidth: Double { TimeChart.width - left - right }
    var plotHeight: Double { height - top - bottom }
    var plotBottom: Double { top + plotHeight }

    func x(_ day: Day) -> Double {
        left + plotWidth * Double(day - start) / Double(max(1, end - start))
    }

    /// Width of one day on the x axis.
    var dayWidth: Double { plotWidth / Double(max(1, end - start)) }

    /// The opening tag, sized by viewBox so it scales to any screen.
    func open(class name: String, label: String) -> String {
        "<svg class=\"\(name)\" viewBox=\"0 0 \(Int(TimeChart.width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLText.escape(label))\" preserveAspectRatio=\"xMidYMid meet\">"
    }

    /// Month ticks along the bottom.
    func xAxis() -> String {
        var out = "<g class=\"axis x-axis\"><line x1=\"\(f(left))\" y1=\"\(f(plotBottom))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(plotBottom))\"/>"
        var (year, month, _) = start.civil
        var ticks: [Day] = []
        while let first = Day(year: year, month: month, day: 1), first <= end {
            if first >= start { ticks.append(first) }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        // Keep labels apart on long spans: every month up to a year, then every quarter.
        let stride = ticks.count > 13 ? 3 : 1
        for (i, tick) in ticks.enumerated() where i % stride == 0 {
            let tx = x(tick)
            out += "<line x1=\"\(f(tx))\" y1=\"\(f(plotBottom))\" x2=\"\(f(tx))\" y2=\"\(f(plotBottom + 4))\"/>"
            out += "<text x=\"\(f(tx))\" y=\"\(f(plotBottom + 16))\" text-anchor=\"middle\">\(DisplayFormat.monthLabel(tick))</text>"
        }
        if ticks.isEmpty {
            out += "<text x=\"\(f(left))\" y=\"\(f(plotBottom + 16))\">\(start.isoString)</text>"
        }
        return out + "</g>"
    }

    /// Gridlines, tick labels and the axis title for a y scale.
    func yAxis(_ scale: YScale, title: String, class name: String = "axis y-axis") -> String {
        var out = "<g class=\"\(name)\">"
        out += "<text class=\"axis-title\" transform=\"translate(11 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTMLText.escape(title))</text>"
        for tick in scale.ticks() {
            let ty = y(tick, scale)
            out += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(ty))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(ty))\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(ty + 4))\" text-anchor=\"end\">\(DisplayFormat.axis(tick))</text>"
        }
        return out + "</g>"
    }

    func y(_ value: Double, _ scale: YScale) -> Double {
        top + plotHeight * (1 - scale.position(of: value))
    }

    /// A path through (day, value) points, broken where days are not consecutive or a value is
    /// missing (or not plottable on the scale). Returns the path data and the number of points.
    func line(_ points: [(Day, Double?)], _ scale: YScale) -> (d: String, points: Int) {
        var d = ""
        var previous: Day?
        var count = 0
        for (day, value) in points {
            guard let value, scale.canPlot(value) else {
                previous = nil
                continue
            }
            let command = previous.map { day - $0 == 1 } == true ? "L" : "M"
            d += "\(command)\(f(x(day))) \(f(y(value, scale)))"
            previous = day
            count += 1
        }
        return (d, count)
    }

    func f(_ value: Double) -> String { DisplayFormat.coordinate(value) }
}

/// A y scale: linear or logarithmic over [low, high].
struct YScale {
    let low: Double
    let high: Double
    let logarithmic: Bool

    /// A scale that fits the values with a little room; log scales need positive values.
    static func fitting(_ values: [Double], logarithmic: Bool, includeZero: Bool = false) -> YScale {
        let usable = logarithmic ? values.filter { $0 > 0 } : values
        var low = usable.min() ?? (logarithmic ? 1 : 0)
        var high = usable.max() ?? (logarithmic ? 10 : 1)
        if includeZero && !logarithmic { low = min(low, 0); high = max(high, 0) }
        if logarithmic {
            if high / low < 1.5 { low /= 1.2; high *= 1.2 }
            return YScale(low: low / 1.05, high: high * 1.05, logarithmic: true)
        }
        if high - low < 1e-12 { low -= 1; high += 1 }
        let pad = (high - low) * 0.06
        return YScale(low: includeZero && low == 0 ? 0 : low - pad, high: high + pad, logarithmic: false)
    }

    func canPlot(_ value: Double) -> Bool { value.isFinite && (!logarithmic || value > 0) }

    func position(of value: Double) -> Double {
        if logarithmic {
            return (log(value) - log(low)) / (log(high) - log(low))
        }
        return (value - low) / (high - low)
    }

    /// Round tick values inside the scale: 1-2-5 steps for linear, powers of ten (with 2 and 5
    /// between when the range is short) for log.
    func ticks() -> [Double] {
        if logarithmic {
            var ticks: [Double] = []
            var decade = 1.0
            while decade * 10 <= low { decade *= 10 }
            while decade > low { decade /= 10 }
            let short = high / low < 100
            while decade <= high {
                for m in short ? [1.0, 2.0, 5.0] : [1.0] where decade * m >= low && decade * m <= high {
                    ticks.append(decade * m)
                }
                decade *= 10
            }
            return ticks
        }
        let raw = (high - low) / 5
        var magnitude = 1.0
        while magnitude * 10 <= raw { magnitude *= 10 }
        while magnitude > raw { magnitude /= 10 }
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? magnitude * 10
        var tick = (low / step).rounded(.up) * step
        var ticks: [Double] = []
        while tick <= high + step * 1e-9, ticks.count < 12 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }
}
