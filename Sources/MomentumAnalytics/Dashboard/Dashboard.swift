// The dashboard: one self-contained HTML page from analytics results. Inline SVG, CSS and a
// little plain JavaScript; no request to any network when opened (a Content-Security-Policy
// forbids it). It works without JavaScript too: the leaderboard and the top artist show; the
// script adds sorting, artist selection and the log-scale toggle.

/// Renders the Momentum dashboard.
public enum Dashboard {
    /// What the page shows besides the data.
    public struct Options: Sendable {
        /// The page title.
        public var title: String
        /// Shown in the header, as the caller formats it (the analytics never read the clock).
        public var generatedAt: String?
        /// The artist whose panel the page opens on; the leaderboard's first when nil.
        public var selectedArtistID: String?

        /// Creates page options.
        public init(title: String = "Momentum", generatedAt: String? = nil, selectedArtistID: String? = nil) {
            self.title = title
            self.generatedAt = generatedAt
            self.selectedArtistID = selectedArtistID
        }
    }

    /// The page for a leaderboard and the analyses of its artists.
    ///
    /// - Parameters:
    ///   - leaderboard: the ranked rows (section 6), in rank order.
    ///   - analyses: per-artist results; artists on the leaderboard come first in its order,
    ///     the others (no recent data) after them by name.
    ///   - asOf: the leaderboard's day.
    ///   - options: title, generation time and the artist to open on.
    public static func render(
        leaderboard: [MomentumRow], analyses: [ArtistAnalysis], asOf: Day?, options: Options = Options()
    ) -> String {
        let rank = Dictionary(leaderboard.enumerated().map { ($1.artistID, $0) }, uniquingKeysWith: { a, _ in a })
        let artists = analyses.filter { !$0.daily.isEmpty || !$0.impacts.isEmpty }.sorted { a, b in
            switch (rank[a.artistID], rank[b.artistID]) {
            case let (x?, y?): return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.daily.last?.artistName ?? a.artistID) < (b.daily.last?.artistName ?? b.artistID)
            }
        }
        var page = PageWriter()
        page.head(title: options.title)
        page.header(title: options.title, asOf: asOf, generatedAt: options.generatedAt, artists: artists.count)
        page.leaderboard(leaderboard, sections: Dictionary(artists.enumerated().map { ($1.artistID, $0) }, uniquingKeysWith: { a, _ in a }))
        page.picker(artists)
        let selected = options.selectedArtistID.flatMap { id in artists.firstIndex { $0.artistID == id } } ?? 0
        for (index, analysis) in artists.enumerated() {
            page.artistSection(analysis, index: index, hidden: index != selected)
        }
        page.data(artists, selected: selected)
        page.finish()
        return page.html
    }
}

struct PageWriter {
    private(set) var html = ""

    mutating func head(title: String) {
        html += """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
        <title>\(HTMLText.escape(title))</title>
        <style>\(DashboardAssets.css)</style>
        </head>
        <body>

        """
    }

    mutating func header(title: String, asOf: Day?, generatedAt: String?, artists: Int) {
        html += "<header><h1>\(HTMLText.escape(title))</h1><p class=\"meta\">"
        html += asOf.map { "Leaderboard as of <time datetime=\"\($0.isoString)\">\(DisplayFormat.longDate($0))</time> · " } ?? ""
        html += "\(artists) artist\(artists == 1 ? "" : "s")"
        html += generatedAt.map { " · generated \(HTMLText.escape($0))" } ?? ""
        html += "</p></header>\n<main>\n"
    }

    mutating func leaderboard(_ rows: [MomentumRow], sections: [String: Int]) {
        html += "<section class=\"leaderboard\"><h2>Leaderboard</h2>"
        guard !rows.isEmpty else {
            html += "<p class=\"note\">No artist has data within three days of the leaderboard day.</p></section>\n"
            return
        }
        let headers: [(String, String, Bool)] = [
            ("Rank", "rank", true), ("Artist", "artist", false), ("Followers", "followers", true),
            ("7-day growth", "growth_7d", true), ("28-day growth", "growth_28d", true),
            ("Acceleration", "acceleration_7d", true), ("Score", "momentum_score", true), ("Spikes (28d)", "spikes_28d", true),
            ("Last release", "last_event_day", false), ("Release uplift", "last_event_uplift", true),
        ]
        html += "<div class=\"scroll\"><table id=\"leaderboard\" class=\"sortable\"><thead><tr>"
        for (label, key, numeric) in headers {
            html += "<th scope=\"col\" data-key=\"\(key)\"\(numeric ? " class=\"num\"" : "")><button type=\"button\">\(label)</button></th>"
        }
        html += "</tr></thead><tbody>"
        for row in rows {
            let section = sections[row.artistID].map { "artist-\($0)" } ?? ""
            html += "<tr data-artist=\"\(HTMLText.escape(row.artistID))\">"
            // An artist without a score is listed after the ranked ones, unranked.
            html += row.momentumScore == nil ? cell(nil, text: nil) : cell(Double(row.rank), text: String(row.rank))
            html += "<td data-sort=\"\(HTMLText.escape(row.artistName.lowercased()))\"><a href=\"#artist=\(HTMLText.escape(row.artistID))\" data-artist=\"\(HTMLText.escape(row.artistID))\" data-section=\"\(section)\">\(HTMLText.escape(row.artistName))</a></td>"
            html += cell(row.followers.map(Double.init), text: row.followers.map(DisplayFormat.grouped))
            html += cell(row.growth7d, text: row.growth7d.map { DisplayFormat.percent($0) })
            html += cell(row.growth28d, text: row.growth28d.map { DisplayFormat.percent($0) })
            html += cell(row.acceleration7d, text: row.acceleration7d.map { DisplayFormat.percent($0) })
            html += cell(row.momentumScore, text: row.momentumScore.map { DisplayFormat.fixed($0, 1) })
            html += cell(Double(row.spikes28d), text: String(row.spikes28d))
            html += "<td data-sort=\"\(row.lastEventDay?.isoString ?? "")\">\(row.lastEventDay.map { "<time datetime=\"\($0.isoString)\">\($0.isoString)</time>" } ?? "–")</td>"
            html += cell(row.lastEventUplift, text: row.lastEventUplift.map { DisplayFormat.percent($0, digits: 0) })
            html += "</tr>"
        }
        html += "</tbody></table></div></section>\n"
    }

    private func cell(_ value: Double?, text: String?) -> String {
        "<td class=\"num\" data-sort=\"\(value.map { "\($0)" } ?? "")\">\(text.map(HTMLText.escape) ?? "–")</td>"
    }

    mutating func picker(_ artists: [ArtistAnalysis]) {
        guard !artists.isEmpty else { return }
        html += "<nav class=\"picker\"><label for=\"artist-picker\">Artist</label> <select id=\"artist-picker\">"
        for (index, analysis) in artists.enumerated() {
            let name = analysis.daily.last?.artistName ?? analysis.impacts.first?.artistName ?? analysis.artistID
            html += "<option value=\"\(HTMLText.escape(analysis.artistID))\" data-section=\"artist-\(index)\">\(HTMLText.escape(name))</option>"
        }
        html += "</select></nav>\n"
    }

    mutating func artistSection(_ analysis: ArtistAnalysis, index: Int, hidden: Bool) {
        let name = analysis.daily.last?.artistName ?? analysis.impacts.first?.artistName ?? analysis.artistID
        let panel = ArtistPanel(analysis: analysis)
        html += "<section class=\"artist\" id=\"artist-\(index)\" data-artist=\"\(HTMLText.escape(analysis.artistID))\" data-events=\"\(panel.chartedEvents.count)\"\(hidden ? " hidden" : "")>"
        html += "<h2>\(HTMLText.escape(name)) <small>\(HTMLText.escape(analysis.artistID))</small></h2>"
        html += panel.render()
        html += "</section>\n"
    }

    mutating func data(_ artists: [ArtistAnalysis], selected: Int) {
        // The script's data: ids, names and sections, as JSON that cannot close its element.
        let entries = artists.enumerated().map { index, analysis in
            let name = analysis.daily.last?.artistName ?? analysis.artistID
            return "{\"id\":\(HTMLText.scriptSafeJSONString(analysis.artistID)),\"name\":\(HTMLText.scriptSafeJSONString(name)),\"section\":\"artist-\(index)\"}"
        }
        html += "</main>\n<script id=\"dashboard-data\" type=\"application/json\">{\"selected\":\(selected),\"artists\":[\(entries.joined(separator: ","))]}</script>\n"
        html += "<script>\(DashboardAssets.script)</script>\n"
    }

    mutating func finish() {
        html += "</body>\n</html>\n"
    }
}
