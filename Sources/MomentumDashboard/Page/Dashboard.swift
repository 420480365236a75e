// The dashboard: one self-contained HTML page from analytics results. Inline SVG, CSS and a
// little plain JavaScript; no request to any network when opened (a Content-Security-Policy
// forbids it). It works without JavaScript too: the leaderboard and the top artist show; the
// script adds sorting, artist selection and the log-scale toggle.

import MomentumAnalytics

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
        var composer = DashboardComposer(leaderboard: leaderboard, asOf: asOf, options: options)
        for analysis in analyses { composer.add(analysis) }
        return composer.render()
    }

    /// The single page's stand-in when the roster is too large for one page: where the site is
    /// and how to get a link to it.
    public static func siteNotice(title: String = "Momentum", artists: Int, sitePath: String, linkCommand: String) -> String {
        var page = PageWriter()
        page.head(title: title)
        page.header(title: title, asOf: nil, generatedAt: nil, artists: artists)
        page.text("<section><h2>This dashboard is a site</h2><p>\(DisplayFormat.grouped(Int64(artists))) artists are too many for one page. "
                  + "The dashboard is at <code>\(HTMLText.escape(sitePath))</code>, with data files it loads when an artist is opened. "
                  + "A link anyone can open: <code>\(HTMLText.escape(linkCommand))</code>.</p></section>\n</main>\n")
        page.finish()
        return page.html
    }
}

struct PageWriter {
    private(set) var html = ""
    /// Each leaderboard artist's primary series.
    var rankedOn: [String: AudienceSeries] = [:]

    /// Room for a page of about `bytes`, so that a large page is not copied as it grows.
    mutating func reserve(_ bytes: Int) {
        html.reserveCapacity(bytes)
    }

    /// The page's head. A site's page may load scripts from its own origin (its data files);
    /// the single page loads nothing.
    mutating func head(title: String, loadsDataFiles: Bool = false) {
        let scripts = loadsDataFiles ? "'unsafe-inline' 'self'" : "'unsafe-inline'"
        html += """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src \(scripts); img-src data:">
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

    /// Rows the page writes; the script adds the others, a page at a time, and sorts them all.
    /// (Ten thousand table rows take a browser seconds to lay out.)
    static let leaderboardPageRows = 100

    /// The leaderboard's first rows; `total` counts every row (a site's page has only the
    /// first rows at hand).
    mutating func leaderboard(_ rows: [MomentumRow], total: Int? = nil) {
        let total = total ?? rows.count
        html += "<section class=\"leaderboard\"><h2>Leaderboard</h2>"
        guard total > 0 else {
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
        for row in rows.prefix(PageWriter.leaderboardPageRows) {
            html += PageWriter.leaderboardRow(row)
        }
        html += "</tbody></table></div>"
        let shown = min(rows.count, PageWriter.leaderboardPageRows)
        html += "<p class=\"board-count\"><span>\(DisplayFormat.grouped(Int64(shown))) of \(DisplayFormat.grouped(Int64(total))) artists shown</span>"
        html += " <button type=\"button\" id=\"leaderboard-more\" hidden>Show \(PageWriter.leaderboardPageRows) more</button></p></section>\n"
    }

    /// One leaderboard row; the script's `boardRow` writes the same markup from the row's data.
    static func leaderboardRow(_ row: MomentumRow) -> String {
        let id = HTMLText.escape(row.artistID)
        // An artist without a score is listed after the ranked ones, unranked.
        var out = "<tr data-artist=\"\(id)\">" + cell(row.momentumScore == nil ? nil : String(row.rank))
        // The series that ranks the artist, when it is not Spotify's followers (section 8).
        let series = row.series == .spotifyFollowers ? "" : " <small class=\"series\">\(HTMLText.escape(row.series.name))</small>"
        out += "<td><a href=\"#artist=\(id)\">\(HTMLText.escape(row.artistName))</a>\(series)</td>"
        out += cell(row.followers.map(DisplayFormat.grouped))
        out += cell(row.growth7d.map { DisplayFormat.percent($0) })
        out += cell(row.growth28d.map { DisplayFormat.percent($0) })
        out += cell(row.acceleration7d.map { DisplayFormat.percent($0) })
        out += cell(row.momentumScore.map { DisplayFormat.fixed($0, 1) })
        out += cell(String(row.spikes28d))
        out += "<td>\(row.lastEventDay.map { "<time datetime=\"\($0.isoString)\">\($0.isoString)</time>" } ?? "–")</td>"
        out += cell(row.lastEventUplift.map { DisplayFormat.percent($0, digits: 0) })
        return out + "</tr>"
    }

    private static func cell(_ text: String?) -> String {
        "<td class=\"num\">\(text.map(HTMLText.escape) ?? "–")</td>"
    }

    /// The leaderboard as data for the script: per row `[id, name, rank (null when unranked),
    /// followers, growth 7d, growth 28d, acceleration, score, spikes, last release day, uplift,
    /// series]`.
    static func leaderboardData(_ rows: [MomentumRow]) -> String {
        func number(_ value: Double?) -> String { value.flatMap { $0.isFinite ? "\($0)" : nil } ?? "null" }
        let json = HTMLText.scriptSafeJSONString
        let entries = rows.map { row in
            "[\(json(row.artistID)),\(json(row.artistName)),\(row.momentumScore == nil ? "null" : String(row.rank)),"
                + "\(row.followers.map { String($0) } ?? "null"),\(number(row.growth7d)),\(number(row.growth28d)),"
                + "\(number(row.acceleration7d)),\(number(row.momentumScore)),\(row.spikes28d),"
                + "\(row.lastEventDay.map { "\"\($0.isoString)\"" } ?? "null"),\(number(row.lastEventUplift)),\(json(row.series.name))]"
        }
        return "[" + entries.joined(separator: ",\n") + "]"
    }

    /// The artist menu: each artist's id and name, in page order.
    mutating func picker(_ artists: [(id: String, name: String)]) {
        guard !artists.isEmpty else { return }
        html += "<nav class=\"picker\"><label for=\"artist-picker\">Artist</label> <select id=\"artist-picker\">"
        for artist in artists {
            html += "<option value=\"\(HTMLText.escape(artist.id))\">\(HTMLText.escape(artist.name))</option>"
        }
        html += "</select></nav>\n"
    }

    /// A site's way to any artist: a search over its directory files (the script loads them
    /// when a reader first searches).
    mutating func search() {
        html += "<nav class=\"picker\"><label for=\"artist-search\">Find an artist</label> "
        html += "<input type=\"search\" id=\"artist-search\" placeholder=\"name or Spotify id\" autocomplete=\"off\">"
        html += "<p class=\"search-status\" id=\"search-status\" hidden></p><ol class=\"search-results\" id=\"search-results\"></ol></nav>\n"
    }

    /// The container of the artists' sections, holding the opening artist's; the script adds
    /// the others to it.
    mutating func artists(opening: (analysis: ArtistAnalysis, index: Int)?) {
        html += "<div id=\"artists\">"
        if let opening { artistSection(opening.analysis, index: opening.index) }
        html += "</div>\n"
    }

    static func name(_ analysis: ArtistAnalysis) -> String {
        analysis.daily.last?.artistName ?? analysis.impacts.first?.artistName ?? analysis.artistID
    }

    mutating func artistSection(_ analysis: ArtistAnalysis, index: Int) {
        let name = PageWriter.name(analysis)
        let panel = ArtistPanel(analysis: analysis, rankedOn: rankedOn[analysis.artistID])
        html += "<section class=\"artist\" id=\"artist-\(index)\" data-artist=\"\(HTMLText.escape(analysis.artistID))\" data-events=\"\(panel.chartedEvents.count)\">"
        html += "<h2>\(HTMLText.escape(name)) <small>\(HTMLText.escape(analysis.artistID))</small></h2>"
        html += panel.render()
        html += "</section>\n"
    }

    /// The script's data: the leaderboard and each artist's payload (`ArtistPayload`), in page
    /// order. A site's page holds the opening artist's payload and the first rows of the
    /// leaderboard; `site` says where the rest is (`DashboardSite`).
    mutating func data(_ payloads: [String], leaderboard: [MomentumRow], selected: Int, site: String? = nil) {
        // The script's data: every artist's payload, as JSON that cannot close its element.
        html += "</main>\n<script id=\"dashboard-data\" type=\"application/json\">{\"selected\":\(selected),"
        if let site { html += "\"site\":\(site),\n" }
        html += "\"board\":\(PageWriter.leaderboardData(leaderboard)),\n\"artists\":["
        html += payloads.joined(separator: ",\n")
        html += "]}</script>\n"
        html += "<script>\(DashboardAssets.chartScript)\n\(DashboardAssets.script)</script>\n"
    }

    /// Markup written as it is (the caller escaped what came from data).
    mutating func text(_ markup: String) {
        html += markup
    }

    mutating func finish() {
        html += "</body>\n</html>\n"
    }
}
