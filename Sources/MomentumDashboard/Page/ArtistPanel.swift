// One artist's part of the dashboard: headline tiles, the followers chart with release
// markers and change points, daily adds with spikes, popularity, and the release-impact table.

import MomentumAnalytics

struct ArtistPanel {
    let analysis: ArtistAnalysis
    /// The series the leaderboard ranks the artist on (metrics.md section 8); nil when the
    /// artist is not on it.
    var rankedOn: AudienceSeries? = nil

    private var daily: [ArtistDaily] { analysis.daily }

    /// The days the charts span, nil without daily rows.
    var chartRange: ClosedRange<Day>? {
        guard let first = daily.first?.day, let last = daily.last?.day else { return nil }
        return first...max(last, first + 1)
    }

    /// Events that fall on the followers chart, one marker each. (A first discography scan also
    /// lists releases from years before tracking began; they appear in the impact table only, as
    /// do the events of artists without follower counts, who get a note instead of a chart.)
    var chartedEvents: [ReleaseEvent] {
        guard hasFollowers, let range = chartRange else { return [] }
        return analysis.calendar.events.filter { range.contains($0.eventDay) }
    }
    private var hasFollowers: Bool { daily.contains { $0.followers != nil } }

    func render() -> String {
        var out = tiles()
        if let rankedOn { out += "<p class=\"ranked-on\">Ranked on <b>\(HTMLText.escape(rankedOn.name))</b></p>" }
        guard let range = chartRange else {
            return out + "<p class=\"note\">No daily observations for this artist yet.</p>" + impactTable()
        }
        let (first, end) = (range.lowerBound, range.upperBound)
        if hasFollowers {
            out += followersChart(TimeChart(height: 250, start: first, end: end))
            out += addsChart(TimeChart(height: 170, start: first, end: end))
        } else {
            out += "<p class=\"note missing-followers\">No follower counts for this artist: it was captured by a Spotify app in Development Mode, which since February 2026 gets no followers or popularity. \(audienceSeries.isEmpty ? "Track it with an extended-quota app, or import a history with <code>momentum import csv</code>." : "Its audience on other sources is charted below.")</p>"
        }
        if !audienceSeries.isEmpty { out += audienceChart(TimeChart(height: 220, start: first, end: end)) }
        out += popularityChart(TimeChart(height: 150, start: first, end: end))
        return out + impactTable()
    }

    /// The impacts the panel shows: those measured on the series that ranks the artist (Spotify's
    /// followers when it has counts, else its first other series with counts).
    var shownImpacts: [ReleaseImpact] {
        let series = rankedOn ?? (hasFollowers ? .spotifyFollowers : analysis.countedSeries.first ?? .spotifyFollowers)
        return analysis.impacts(of: series)
    }

    // MARK: Every series

    /// The series the audience chart draws: every series with a count (Spotify's followers
    /// too, when the artist has other series), each as (name, days, values), in the tables' order.
    var audienceSeries: [(name: String, days: [Day], values: [Int64?])] {
        guard !analysis.audience.isEmpty else { return [] }
        var series: [(name: String, days: [Day], values: [Int64?])] = []
        if hasFollowers { series.append((AudienceSeries.spotifyFollowers.name, daily.map(\.day), daily.map(\.followers))) }
        var start = 0
        let rows = analysis.audience
        for end in rows.indices where end + 1 == rows.count || rows[end + 1].series != rows[start].series {
            let run = rows[start...end]
            if run.contains(where: { $0.value != nil }) { series.append((rows[start].series.name, run.map(\.day), run.map(\.value))) }
            start = end + 1
        }
        return series
    }

    /// Every series on one chart, each as an index of its first count (= 100), so that
    /// counts of different sizes share an axis; release markers on all.
    private func audienceChart(_ chart: TimeChart) -> String {
        let normalized = audienceSeries.map { series -> (String, [(Day, Double?)]) in
            let base = series.values.first { $0 != nil && $0! > 0 }.flatMap { $0 }.map(Double.init)
            return (series.name, zip(series.days, series.values).map { day, value in (day, base.flatMap { b in value.map { Double($0) / b * 100 } }) })
        }
        let scale = YScale.fitting(normalized.flatMap { $0.1.compactMap(\.1) }, logarithmic: false)
        var svg = chart.open(class: "chart audience", label: "Audience on every source, indexed to 100 at its first count")
        svg += chart.xAxis() + chart.yAxis(scale, title: "index (first count = 100)")
        for (index, (name, points)) in normalized.enumerated() {
            let line = chart.line(points, scale)
            svg += "<path class=\"series audience-line s\(index % 4)\" data-series=\"\(HTMLText.escape(name))\" data-points=\"\(line.points)\" d=\"\(line.d)\"/>"
        }
        svg += releaseMarkers(chart, events: analysis.calendar.events.filter { $0.eventDay >= chart.start && $0.eventDay <= chart.end })
        svg += "</svg>"
        let legend = normalized.enumerated().map { index, series in
            ("line audience s\(index % 4)", series.0 + (series.0 == rankedOn?.name ? " (ranks this artist)" : ""))
        }
        return figure("audience-figure", title: "Audience on every source", svg: svg, toggle: false, legend: legend + [("marker", "release event (hover for titles)")])
    }

    // MARK: Tiles

    /// The headline tiles as (label, value, note), formatted for people; the page's script
    /// draws the same tiles from these strings.
    func tileItems() -> [(String, String, String)] {
        let index = DayIndex(days: daily.map(\.day))
        let latest = daily.last { $0.followers != nil }
        func change(_ days: Int) -> Int64? {
            guard let row = latest, let f = row.followers, let i = index.position(of: row.day - days),
                  let old = daily[i].followers else { return nil }
            return f - old
        }
        let lastImpact = shownImpacts.last
        var items: [(String, String, String)] = [
            ("Followers", latest?.followers.map(DisplayFormat.grouped) ?? "–", latest.map { "on \($0.day.isoString)" } ?? "no counts"),
            ("Δ 1 day", change(1).map(DisplayFormat.signedGrouped) ?? "–", "followers"),
            ("Δ 7 days", change(7).map(DisplayFormat.signedGrouped) ?? "–", "followers"),
            ("Growth 28d", latest?.growth28d.map { DisplayFormat.percent($0) } ?? "–", "vs. 28 days earlier"),
        ]
        items.append(("Last release uplift", lastImpact?.uplift.map { DisplayFormat.percent($0, digits: 0) } ?? "–",
                      lastImpact.map { "event of \($0.eventDay.isoString)" } ?? "no releases"))
        return items
    }

    private func tiles() -> String {
        let items = tileItems()
        var out = "<div class=\"tiles\">"
        for (label, value, note) in items {
            out += "<div class=\"tile\"><span class=\"label\">\(label)</span><span class=\"value\">\(HTMLText.escape(value))</span><span class=\"sub\">\(HTMLText.escape(note))</span></div>"
        }
        return out + "</div>"
    }

    // MARK: Followers

    private func followersChart(_ chart: TimeChart) -> String {
        let values = daily.compactMap { $0.followers.map(Double.init) }
        let linear = YScale.fitting(values, logarithmic: false)
        let log = YScale.fitting(values, logarithmic: true)
        let points = daily.map { ($0.day, $0.followers.map(Double.init)) }
        let linearLine = chart.line(points, linear)
        let logLine = chart.line(points, log)

        var svg = chart.open(class: "chart followers", label: "Followers over time")
        svg += eventWindows(chart)
        svg += chart.xAxis()
        svg += "<g class=\"scale-linear\">" + chart.yAxis(linear, title: "followers")
        svg += "<path class=\"series followers-line\" data-points=\"\(linearLine.points)\" d=\"\(linearLine.d)\"/></g>"
        svg += "<g class=\"scale-log\">" + chart.yAxis(log, title: "followers (log scale)")
        svg += "<path class=\"series followers-line\" data-points=\"\(logLine.points)\" d=\"\(logLine.d)\"/></g>"
        svg += changePointLines(chart)
        svg += releaseMarkers(chart)
        svg += "</svg>"
        return figure("followers-figure", title: "Followers", svg: svg, toggle: true, legend: [
            ("line", "followers (line breaks where a day is missing)"), ("marker", "release event (hover for titles)"),
            ("window", "event window: release day + 13 days"), ("change", "change point in growth"),
            ("change aligned", "change point within 3 days of a release"),
        ])
    }

    private func eventWindows(_ chart: TimeChart) -> String {
        var out = "<g class=\"event-windows\">"
        for event in analysis.calendar.events where event.eventDay <= chart.end {
            let x0 = chart.x(max(event.eventDay, chart.start))
            let x1 = chart.x(min(event.eventDay + 13, chart.end)) + chart.dayWidth
            guard x1 > x0 else { continue }
            out += "<rect class=\"event-window\" x=\"\(chart.f(x0))\" y=\"\(chart.f(chart.top))\" width=\"\(chart.f(min(x1, chart.left + chart.plotWidth) - x0))\" height=\"\(chart.f(chart.plotHeight))\"/>"
        }
        return out + "</g>"
    }

    private func releaseMarkers(_ chart: TimeChart, events: [ReleaseEvent]? = nil) -> String {
        var out = "<g class=\"release-markers\">"
        for event in events ?? chartedEvents {
            let x = chart.f(chart.x(event.eventDay))
            out += "<g class=\"release-marker\" data-day=\"\(event.eventDay.isoString)\" tabindex=\"0\">"
            out += "<title>\(HTMLText.escape(ArtistPanel.markerTitle(event)))</title>"
            out += "<line class=\"hit\" x1=\"\(x)\" y1=\"\(chart.f(chart.top))\" x2=\"\(x)\" y2=\"\(chart.f(chart.plotBottom))\"/>"
            out += "<line class=\"mark\" x1=\"\(x)\" y1=\"\(chart.f(chart.top))\" x2=\"\(x)\" y2=\"\(chart.f(chart.plotBottom))\"/>"
            out += "<path class=\"flag\" d=\"M\(x) \(chart.f(chart.top))l5 -6h-10z\"/></g>"
        }
        return out + "</g>"
    }

    /// A release marker's tooltip: the event day, then each album with its group and day.
    static func markerTitle(_ event: ReleaseEvent) -> String {
        let titles = event.albums.map { "\($0.albumName) (\($0.group.isEmpty ? "" : "\($0.group), ")\($0.releaseDay.isoString))" }
        return "Release event \(event.eventDay.isoString)\n" + titles.joined(separator: "\n")
    }

    private func changePointLines(_ chart: TimeChart) -> String {
        var out = "<g class=\"change-points\">"
        for point in analysis.changePoints() {
            let x = chart.f(chart.x(point.day))
            out += "<line class=\"change-point\(point.releaseAligned ? " aligned" : "")\" data-day=\"\(point.day.isoString)\" x1=\"\(x)\" y1=\"\(chart.f(chart.top))\" x2=\"\(x)\" y2=\"\(chart.f(chart.plotBottom))\">"
            out += "<title>Change in growth from \(point.day.isoString)\(point.releaseAligned ? " (within 3 days of a release)" : "")</title></line>"
        }
        return out + "</g>"
    }

    // MARK: Daily adds

    private func addsChart(_ chart: TimeChart) -> String {
        let signals = Dictionary(analysis.signals(of: .spotifyFollowers).map { ($0.day, $0) }, uniquingKeysWith: { a, _ in a })
        let values = daily.compactMap(\.addsPerDay)
        let scale = YScale.fitting(values, logarithmic: false, includeZero: true)
        let zero = chart.y(0, scale)
        var normal = "", spikes = "", drops = ""
        var spikeCount = 0
        for row in daily {
            guard let adds = row.addsPerDay else { continue }
            let bar = "M\(chart.f(chart.x(row.day) + chart.dayWidth / 2))\u{20}\(chart.f(zero))V\(chart.f(chart.y(adds, scale)))"
            if signals[row.day]?.isSpike == true {
                spikes += bar
                spikeCount += 1
            } else if signals[row.day]?.isDrop == true {
                drops += bar
            } else {
                normal += bar
            }
        }
        let barWidth = chart.f(max(1, chart.dayWidth * 0.75))
        var svg = chart.open(class: "chart adds", label: "Daily follower adds")
        svg += chart.xAxis() + chart.yAxis(scale, title: "added per day")
        svg += "<path class=\"bars\" stroke-width=\"\(barWidth)\" d=\"\(normal)\"/>"
        svg += "<path class=\"bars spike\" data-spikes=\"\(spikeCount)\" stroke-width=\"\(barWidth)\" d=\"\(spikes)\"/>"
        svg += "<path class=\"bars drop\" stroke-width=\"\(barWidth)\" d=\"\(drops)\"/>"
        svg += "</svg>"
        return figure("adds-figure", title: "Daily adds", svg: svg, toggle: false, legend: [
            ("bar", "followers added per day"), ("bar spike", "spike (robust z > 3.5)"), ("bar drop", "drop (robust z < −3.5)"),
        ])
    }

    // MARK: Popularity

    private func popularityChart(_ chart: TimeChart) -> String {
        let points = daily.map { ($0.day, $0.popularity.map(Double.init)) }
        guard points.contains(where: { $0.1 != nil }) else {
            return hasFollowers ? "<p class=\"note\">No popularity values for this artist.</p>" : ""
        }
        let scale = YScale(low: 0, high: 100, logarithmic: false)
        let line = chart.line(points, scale)
        var svg = chart.open(class: "chart popularity", label: "Popularity over time")
        svg += chart.xAxis() + chart.yAxis(scale, title: "popularity")
        svg += "<path class=\"series popularity-line\" data-points=\"\(line.points)\" d=\"\(line.d)\"/></svg>"
        return figure("popularity-figure", title: "Popularity (0–100)", svg: svg, toggle: false, legend: [("line popularity", "Spotify popularity")])
    }

    // MARK: Release impact

    private func impactTable() -> String {
        guard !shownImpacts.isEmpty else { return "<p class=\"note\">No release events (albums and singles with a release day).</p>" }
        // Newest first; events with too little data around them are hidden behind a
        // CSS-only toggle, so the page needs no script for it.
        let impacts = shownImpacts.sorted { $0.eventDay > $1.eventDay }
        let insufficient = impacts.filter { $0.status != .ok }.count
        let toggle = "impact-all-" + HTMLText.escape(analysis.artistID)
        var out = "<h3>Release impact</h3>"
        if insufficient > 0 {
            out += "<input type=\"checkbox\" class=\"show-all\" id=\"\(toggle)\" hidden>"
        }
        out += "<div class=\"scroll\"><table class=\"impact\"><thead><tr>"
        for header in ["Event day", "Releases", "Status", "CAR", "t", "Uplift", "Contaminated"] {
            out += "<th scope=\"col\">\(header)</th>"
        }
        out += "</tr></thead><tbody>"
        for row in impactRows() {
            let rowClass = row.ok ? "" : " class=\"insufficient-row\""
            out += "<tr data-day=\"\(row.day)\"\(rowClass)><td><time datetime=\"\(row.day)\">\(row.day)</time></td>"
            out += "<td>\(HTMLText.escape(row.releases))</td>"
            out += "<td><span class=\"status \(row.ok ? "ok" : "insufficient")\">\(row.ok ? "ok" : "insufficient data")</span></td>"
            out += "<td class=\"num\">\(row.car)</td><td class=\"num\">\(row.t)</td><td class=\"num\">\(row.uplift)</td>"
            out += "<td>\(row.contaminated ? "yes" : "no")</td></tr>"
        }
        out += "</tbody></table></div>"
        if insufficient > 0 {
            let shown = impacts.count - insufficient
            out += "<p class=\"note impact-toggle\">\(shown) of \(impacts.count) events shown. "
            out += "<label for=\"\(toggle)\" class=\"show-all-link\">Show all \(impacts.count) (\(insufficient) with insufficient data)</label></p>"
        }
        return out
    }

    /// One row of the release-impact table, formatted for people.
    struct ImpactRow {
        var day: String
        var releases: String
        var ok: Bool
        var car: String
        var t: String
        var uplift: String
        var contaminated: Bool
    }

    /// The impact table's rows, newest first; the page's script draws the same rows.
    func impactRows() -> [ImpactRow] {
        shownImpacts.sorted { $0.eventDay > $1.eventDay }.map { impact in
            ImpactRow(day: impact.eventDay.isoString, releases: impact.albumNames, ok: impact.status == .ok,
                      car: impact.car.map { DisplayFormat.fixed($0, 3) } ?? "–",
                      t: impact.tStat.map { DisplayFormat.fixed($0, 1) } ?? "–",
                      uplift: impact.uplift.map { DisplayFormat.percent($0, digits: 0) } ?? "–",
                      contaminated: impact.contaminated)
        }
    }

    // MARK: Layout

    private func figure(_ name: String, title: String, svg: String, toggle: Bool, legend: [(String, String)]) -> String {
        var out = "<figure class=\"\(name)\"><figcaption><span>\(title)</span>"
        if toggle {
            out += "<span class=\"scale-toggle\" role=\"group\" aria-label=\"Scale\"><button type=\"button\" data-scale=\"linear\" aria-pressed=\"true\">linear</button><button type=\"button\" data-scale=\"log\" aria-pressed=\"false\">log</button></span>"
        }
        out += "</figcaption>" + svg + "<ul class=\"legend\">"
        for (swatch, text) in legend {
            out += "<li><span class=\"swatch \(swatch)\"></span>\(HTMLText.escape(text))</li>"
        }
        return out + "</ul></figure>"
    }
}
