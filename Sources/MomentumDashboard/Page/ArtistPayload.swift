// One artist's data for the page's script, which draws the artist's charts when the artist is
// opened: the page then grows with the data (a few bytes a day), not with the drawing (an SVG
// path per series and per scale). Series are written as delta-encoded base-36 integers with
// run-length repeats, so a steady series of 365 days takes a few hundred bytes.
//
// Series grammar (the script's `decodeSeries` reads it): tokens separated by ",". An empty token
// is a missing value; `v` is the previous present value plus v; `=v` is v itself (where a
// difference would overflow); `v*n` repeats the token n times. Numbers are base 36, "-" signed.

import MomentumAnalytics

struct ArtistPayload {
    let panel: ArtistPanel

    /// `{"id", "name", "n": rows, "t": days, "a": [[row, adds]] where the script cannot derive them, "f": followers, "p": popularity, "s": spike rows, "x": drop
    /// rows, "ev": [[day, title]], "cp": [[day, aligned]], "tiles": [[label, value, note]],
    /// "imp": [[day, releases, ok, CAR, t, uplift, contaminated]], "rk": the series that ranks the
    /// artist, "au": [[series, rows, days, values]]}`, script-safe.
    func json(name: String) -> String {
        let analysis = panel.analysis
        let daily = analysis.daily
        let json = HTMLText.scriptSafeJSONString
        var out = "{\"id\":\(json(analysis.artistID)),\"name\":\(json(name))"
        out += ",\"n\":\(daily.count),\"t\":\"\(SeriesCode.encode(daily.map { Int64($0.day.daysSinceEpoch) }))\""
        out += ",\"f\":\"\(SeriesCode.encode(daily.map(\.followers)))\""
        out += ",\"p\":\"\(SeriesCode.encode(daily.map { $0.popularity.map(Int64.init) }))\""
        out += ",\"a\":[\(addsExceptions(daily).joined(separator: ","))]"
        let signals = Dictionary(analysis.signals(of: .spotifyFollowers).map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        let flagged = daily.indices.filter { daily[$0].addsPerDay != nil }
        out += ",\"s\":[\(flagged.filter { signals[daily[$0].day]?.isSpike == true }.map(String.init).joined(separator: ","))]"
        out += ",\"x\":[\(flagged.filter { signals[daily[$0].day]?.isSpike != true && signals[daily[$0].day]?.isDrop == true }.map(String.init).joined(separator: ","))]"
        // Every event is listed for the event windows; the script draws markers for those on the
        // chart, as `ArtistPanel.chartedEvents` does.
        let events = analysis.calendar.events.map { event in
            "[\(event.eventDay.daysSinceEpoch),\(json(ArtistPanel.markerTitle(event)))]"
        }
        out += ",\"ev\":[\(events.joined(separator: ","))]"
        let points = analysis.changePoints().map { "[\($0.day.daysSinceEpoch),\($0.releaseAligned ? 1 : 0)]" }
        out += ",\"cp\":[\(points.joined(separator: ","))]"
        let tiles = panel.tileItems().map { "[\(json($0.0)),\(json($0.1)),\(json($0.2))]" }
        out += ",\"tiles\":[\(tiles.joined(separator: ","))]"
        let impacts = panel.impactRows().map { row in
            "[\(json(row.day)),\(json(row.releases)),\(row.ok ? 1 : 0),\(json(row.car)),\(json(row.t)),\(json(row.uplift)),\(row.contaminated ? 1 : 0)]"
        }
        out += ",\"imp\":[\(impacts.joined(separator: ","))]"
        // Section 8: the series the artist is ranked on, and every series with its days.
        out += ",\"rk\":\(panel.rankedOn.map { json($0.name) } ?? "null")"
        let series = panel.audienceSeries.map { series in
            "[\(json(series.name)),\(series.days.count),\"\(SeriesCode.encode(series.days.map { Int64($0.daysSinceEpoch) }))\",\"\(SeriesCode.encode(series.values))\"]"
        }
        out += ",\"au\":[\(series.joined(separator: ","))]}"
        return out
    }

    /// The script derives adds per day from the followers series (metrics.md: the difference
    /// to the previous day with a count, over the days between). Rows where the stored value
    /// differs (a history whose earlier counts are not in these rows) are sent as they are.
    private func addsExceptions(_ daily: [ArtistDaily]) -> [String] {
        var out: [String] = []
        var previous: ArtistDaily?
        for (index, row) in daily.enumerated() {
            var derived: Double?
            if let followers = row.followers, let earlier = previous, let before = earlier.followers {
                let (difference, overflow) = followers.subtractingReportingOverflow(before)
                derived = overflow ? nil : Double(difference) / Double(row.day - earlier.day)
            }
            if derived != row.addsPerDay {
                out.append("[\(index),\(row.addsPerDay.flatMap { $0.isFinite ? "\($0)" : nil } ?? "null")]")
            }
            if row.followers != nil { previous = row }
        }
        return out
    }
}

/// The compact series form described at the top of this file.
enum SeriesCode {
    static func encode(_ values: [Int64?]) -> String {
        var tokens: [String] = []
        var previous: Int64 = 0
        for value in values {
            guard let value else {
                tokens.append("")
                continue
            }
            let (difference, overflow) = value.subtractingReportingOverflow(previous)
            tokens.append(overflow ? "=" + String(value, radix: 36) : String(difference, radix: 36))
            previous = value
        }
        var out = ""
        var index = 0
        while index < tokens.count {
            var run = 1
            while index + run < tokens.count, tokens[index + run] == tokens[index] { run += 1 }
            if !out.isEmpty || index > 0 { out += "," }
            out += run > 2 ? "\(tokens[index])*\(String(run, radix: 36))" : tokens[index]
            if run == 2 { out += "," + tokens[index] }
            index += run
        }
        return out
    }
}
