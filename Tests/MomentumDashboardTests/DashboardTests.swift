// Structural tests of the dashboard HTML: parsed, not snapshotted.

import Foundation
import MomentumAnalytics
@testable import MomentumDashboard
import Testing

/// A minimal HTML tokenizer: the start tags of a page, with attributes, skipping the content
/// of <script> and <style> elements (which is not markup).
struct HTMLTags {
    struct Tag {
        var name: String
        var attributes: [String: String]
        var offset: Int
        func has(class name: String) -> Bool { attributes["class"]?.split(separator: " ").contains(Substring(name)) ?? false }
    }

    var tags: [Tag] = []
    var texts: [String] = []

    init(_ html: String) {
        let chars = Array(html.unicodeScalars)
        var i = 0
        var text = ""
        while i < chars.count {
            guard chars[i] == "<" else { text.unicodeScalars.append(chars[i]); i += 1; continue }
            texts.append(text)
            text = ""
            var j = i + 1
            while j < chars.count, chars[j] != ">" {
                if chars[j] == "\"" { j += 1; while j < chars.count, chars[j] != "\"" { j += 1 } }
                j += 1
            }
            let inner = String(String.UnicodeScalarView(chars[(i + 1)..<min(j, chars.count)]))
            i = j + 1
            guard let first = inner.first, first.isLetter else { continue }
            let tag = HTMLTags.parse(inner, offset: i)
            tags.append(tag)
            if tag.name == "script" || tag.name == "style" {
                let close = Array("</\(tag.name)>".unicodeScalars)
                var k = i
                while k + close.count <= chars.count, Array(chars[k..<(k + close.count)]) != close { k += 1 }
                i = k + close.count
            }
        }
    }

    static func parse(_ inner: String, offset: Int) -> Tag {
        var scalars = Substring(inner)
        let name = String(scalars.prefix { !$0.isWhitespace && $0 != "/" }).lowercased()
        scalars = scalars.dropFirst(name.count)
        var attributes: [String: String] = [:]
        while let start = scalars.firstIndex(where: { !$0.isWhitespace && $0 != "/" }) {
            scalars = scalars[start...]
            let key = String(scalars.prefix { $0 != "=" && !$0.isWhitespace && $0 != "/" })
            scalars = scalars.dropFirst(key.count)
            if scalars.first == "=" {
                scalars = scalars.dropFirst()
                if scalars.first == "\"" {
                    scalars = scalars.dropFirst()
                    let value = scalars.prefix { $0 != "\"" }
                    attributes[key] = String(value)
                    scalars = scalars.dropFirst(value.count + 1)
                } else {
                    let value = scalars.prefix { !$0.isWhitespace }
                    attributes[key] = String(value)
                    scalars = scalars.dropFirst(value.count)
                }
            } else {
                attributes[key] = ""
            }
            if key.isEmpty { break }
        }
        return Tag(name: name, attributes: attributes, offset: offset)
    }

    /// Tags between the start of `section` and the next tag with the same name and class.
    func inside(_ section: Tag) -> ArraySlice<Tag> {
        guard let start = tags.firstIndex(where: { $0.offset == section.offset }) else { return [] }
        let end = tags[(start + 1)...].firstIndex { $0.name == section.name && $0.attributes["class"] == section.attributes["class"] } ?? tags.endIndex
        return tags[(start + 1)..<end]
    }
}

@Suite struct DashboardTests {
    static let hostileName = "<script>alert(1)</script>"
    static let attributeName = "\"onmouseover=alert(1) x=\""

    /// Three artists: one with releases and gaps, one with hostile names, one without followers.
    static func analyses() -> [ArtistAnalysis] {
        let start = day("2026-01-01")
        func observations(_ id: String, _ name: String, followers: (Int) -> Int64?) -> [MetricObservation] {
            (0..<120).compactMap { i -> MetricObservation? in
                if i % 17 == 5 { return nil }  // a missing day
                return MetricObservation(artistID: id, artistName: name, followers: followers(i), popularity: followers(i) == nil ? nil : 40,
                                         capturedAt: Instant(nanosecondsSinceEpoch: Int64((start + i).daysSinceEpoch) * 86_400_000_000_000))
            }
        }
        func release(_ artist: String, _ id: String, _ name: String, _ offset: Int) -> ReleaseRecord {
            ReleaseRecord(artistID: artist, albumID: id, albumName: name, albumType: "single", albumGroup: "single",
                          releaseDate: (start + offset).isoString, releaseDatePrecision: "day")
        }
        return [
            ArtistAnalysis(artistID: "artistAAAAAAAAAAAAAAAAA", observations: observations("artistAAAAAAAAAAAAAAAAA", "Aurora") { 1000 + Int64($0 * 40) },
                           releases: [release("artistAAAAAAAAAAAAAAAAA", "a1", "First", 40), release("artistAAAAAAAAAAAAAAAAA", "a2", "Second", 44),
                                      release("artistAAAAAAAAAAAAAAAAA", "a3", "Third", 90)]),
            ArtistAnalysis(artistID: "artistBBBBBBBBBBBBBBBBB", observations: observations("artistBBBBBBBBBBBBBBBBB", hostileName) { 500 + Int64($0 * $0) },
                           releases: [release("artistBBBBBBBBBBBBBBBBB", "b1", attributeName, 60)]),
            ArtistAnalysis(artistID: "artistCCCCCCCCCCCCCCCCC", observations: observations("artistCCCCCCCCCCCCCCCCC", "Dev Mode") { _ in nil }, releases: []),
        ]
    }

    /// The page, drawn on `selecting` (the leaderboard's first artist when nil).
    static func page(selecting: String? = nil) -> (String, [ArtistAnalysis], [MomentumRow]) {
        let analyses = analyses()
        let asOf = day("2026-04-30")
        let board = Leaderboard.rank(analyses.compactMap { $0.leaderboardEntry(asOf: asOf) })
        let options = Dashboard.Options(generatedAt: "test", selectedArtistID: selecting)
        return (Dashboard.render(leaderboard: board, analyses: analyses, asOf: asOf, options: options), analyses, board)
    }

    /// The script's data for each artist, parsed.
    static func payloads(_ html: String) throws -> [[String: Any]] {
        let json = try #require(html.split(separator: "<script id=\"dashboard-data\" type=\"application/json\">").last?
            .split(separator: "</script>").first)
        let data = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(data["artists"] as? [[String: Any]])
    }

    @Test func theOpeningArtistIsDrawnAndEveryArtistIsInTheData() throws {
        for id in Self.analyses().map(\.artistID) {
            let (html, analyses, board) = Self.page(selecting: id)
            let page = HTMLTags(html)
            let sections = page.tags.filter { $0.name == "section" && $0.has(class: "artist") }
            // One drawing in the page; the others are drawn by the script when opened.
            #expect(sections.count == 1 && sections.first?.attributes["data-artist"] == id)
            #expect(page.tags.filter { $0.name == "tr" && $0.attributes["data-artist"] != nil }.count == board.count)
            let payloads = try Self.payloads(html)
            let ids: [String] = payloads.compactMap { $0["id"] as? String }
            #expect(ids.sorted() == analyses.map(\.artistID).sorted())
            for payload in payloads {
                let analysis = try #require(analyses.first { $0.artistID == payload["id"] as? String })
                #expect(payload["n"] as? Int == analysis.daily.count)
                #expect(SeriesCodeTests.decode(payload["t"] as? String ?? "", count: analysis.daily.count) == analysis.daily.map { Int64($0.day.daysSinceEpoch) })
                #expect(SeriesCodeTests.decode(payload["f"] as? String ?? "", count: analysis.daily.count) == analysis.daily.map(\.followers))
                #expect((payload["imp"] as? [Any])?.count == analysis.impacts.count)
                // Adds per day are derived from the followers by the script: none sent here.
                #expect((payload["a"] as? [Any])?.isEmpty == true)
            }
            let section = try #require(sections.first)
            let analysis = try #require(analyses.first { $0.artistID == id })
            let inside = page.inside(section)
            let range = try #require(analysis.daily.first?.day).daysSinceEpoch...(try #require(analysis.daily.last?.day)).daysSinceEpoch
            let hasFollowers = analysis.daily.contains { $0.followers != nil }
            let charted = hasFollowers ? analysis.calendar.events.filter { range.contains($0.eventDay.daysSinceEpoch) }.count : 0
            #expect(inside.filter { $0.has(class: "release-marker") }.count == charted)
            #expect(Int(section.attributes["data-events"] ?? "") == charted)
            #expect(inside.filter { $0.name == "tr" && $0.attributes["data-day"] != nil }.count == analysis.impacts.count)
            if analysis.daily.contains(where: { $0.followers != nil }) {
                #expect(inside.filter { $0.has(class: "change-point") }.count == analysis.changePoints().count)
            }
        }
        // Artist A: two singles 4 days apart are one event; the third is another.
        let analyses = Self.analyses()
        #expect(analyses[0].calendar.events.count == 2)
        // An event before the first observed day (from a first discography scan) has an impact
        // row but no marker on the charts.
        let early = ArtistAnalysis(artistID: "early", observations: analyses[0].daily.map {
            MetricObservation(artistID: "early", artistName: "Early", followers: $0.followers, popularity: nil,
                              capturedAt: Instant(nanosecondsSinceEpoch: Int64($0.day.daysSinceEpoch) * 86_400_000_000_000))
        }, releases: [ReleaseRecord(artistID: "early", albumID: "old", albumName: "Debut", albumType: "album", albumGroup: "album",
                                    releaseDate: "2019-05-01", releaseDatePrecision: "day")])
        let earlyPage = HTMLTags(Dashboard.render(leaderboard: [], analyses: [early], asOf: nil))
        #expect(earlyPage.tags.filter { $0.has(class: "release-marker") }.isEmpty)
        #expect(earlyPage.tags.filter { $0.name == "tr" && $0.attributes["data-day"] == "2019-05-01" }.count == 1)
    }

    @Test func followersLineHasOnePointPerDayWithFollowersAndBreaksAtGaps() throws {
        let (html, analyses, _) = Self.page(selecting: "artistAAAAAAAAAAAAAAAAA")
        let page = HTMLTags(html)
        let section = try #require(page.tags.first { $0.name == "section" && $0.attributes["data-artist"] == "artistAAAAAAAAAAAAAAAAA" })
        let lines = page.inside(section).filter { $0.name == "path" && $0.has(class: "followers-line") }
        #expect(lines.count == 2)  // linear and log
        let expectedPoints = analyses[0].daily.filter { $0.followers != nil }.count
        let days = analyses[0].daily.map(\.day)
        let runs = 1 + zip(days.dropFirst(), days).filter { $0 - $1 > 1 }.count
        for line in lines {
            let d = line.attributes["d"] ?? ""
            let moves = d.filter { $0 == "M" }.count
            let segments = d.filter { $0 == "L" }.count
            #expect(moves + segments == expectedPoints)
            #expect(moves == runs)
            #expect(Int(line.attributes["data-points"] ?? "") == expectedPoints)
        }
        #expect(page.inside(section).contains { $0.name == "svg" && $0.has(class: "adds") })
        #expect(page.inside(section).contains { $0.name == "svg" && $0.has(class: "popularity") })
    }

    @Test func namesAreTextNeverMarkup() throws {
        let (html, _, _) = Self.page()
        let page = HTMLTags(html)
        // Our two script elements only: the data and the code.
        let scripts = page.tags.filter { $0.name == "script" }
        #expect(scripts.count == 2)
        #expect(scripts.first?.attributes["type"] == "application/json")
        #expect(!html.contains(Self.hostileName))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.tags.contains { $0.attributes.keys.contains { $0.lowercased().hasPrefix("on") } })
        #expect(html.contains("&quot;onmouseover=alert(1) x=&quot;"))
        // The JSON for the script escapes what could end its element.
        let json = try #require(html.split(separator: "<script id=\"dashboard-data\" type=\"application/json\">").last?
            .split(separator: "</script>").first)
        #expect(!json.contains("<") && json.contains("\\u003cscript\\u003e"))
    }

    @Test func missingFollowersGetANoteInsteadOfAnEmptyChart() throws {
        let (html, _, _) = Self.page(selecting: "artistCCCCCCCCCCCCCCCCC")
        let page = HTMLTags(html)
        let section = try #require(page.tags.first { $0.name == "section" && $0.attributes["data-artist"] == "artistCCCCCCCCCCCCCCCCC" })
        let inside = page.inside(section)
        #expect(inside.contains { $0.has(class: "missing-followers") })
        #expect(!inside.contains { $0.name == "svg" })
    }

    @Test func selfContainedAndSmall() {
        let (html, _, _) = Self.page()
        for forbidden in ["http://", "https://", "<link", "<img", "@import", "url("] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        #expect(html.contains("Content-Security-Policy"))
        #expect(html.utf8.count < 200_000)
    }

    @Test func formatting() {
        #expect(DisplayFormat.grouped(1_234_567) == "1,234,567")
        #expect(DisplayFormat.grouped(-1_000) == "−1,000")
        #expect(DisplayFormat.fixed(12.346, 2) == "12.35")
        #expect(DisplayFormat.fixed(-0.06, 1) == "−0.1")
        #expect(DisplayFormat.fixed(-0.01, 1) == "0.0")
        #expect(DisplayFormat.fixed(1234.5, 1) == "1,234.5")
        #expect(DisplayFormat.percent(0.1234) == "+12.3%")
        #expect(DisplayFormat.percent(-0.5) == "−50.0%")
        #expect(DisplayFormat.axis(1_500_000) == "1.5M")
        #expect(DisplayFormat.axis(45_000) == "45K")
        #expect(DisplayFormat.coordinate(12.34) == "12.3" && DisplayFormat.coordinate(-3.0) == "-3")
        #expect(HTMLText.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        #expect(YScale(low: 0, high: 100, logarithmic: false).ticks() == [0, 20, 40, 60, 80, 100])
        #expect(YScale(low: 900, high: 120_000, logarithmic: true).ticks() == [1000, 10_000, 100_000])
    }
}

/// The compact series form the page's script decodes (ArtistPayload.swift).
struct SeriesCodeTests {
    /// The script's `decodeSeries`, in Swift, for the tests.
    static func decode(_ text: String, count: Int) -> [Int64?] {
        guard count > 0 else { return [] }
        var out: [Int64?] = []
        var previous: Int64 = 0
        for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
            var token = Substring(piece)
            var repeats = 1
            if let star = token.firstIndex(of: "*") {
                repeats = Int(token[token.index(after: star)...], radix: 36) ?? -1
                token = token[..<star]
            }
            for _ in 0..<max(repeats, 0) {
                if token.isEmpty { out.append(nil); continue }
                if token.first == "=" {
                    previous = Int64(token.dropFirst(), radix: 36) ?? .min
                } else {
                    previous &+= Int64(token, radix: 36) ?? .min
                }
                out.append(previous)
            }
        }
        return out
    }

    @Test func roundTripsRunsGapsAndExtremes() {
        let cases: [[Int64?]] = [
            [], [nil], [0], [5, 5, 5, 5], [nil, nil, nil, 7, 8, 9, 10, nil, 10],
            [1_000, 1_040, 1_080, 1_120, 1_121], [.max, .min, 0, .max, -1], [-5, nil, -3, nil, nil, -3],
            Array(repeating: 12_345, count: 400) + [nil] + (0..<50).map { Int64($0 * $0) },
        ]
        for values in cases {
            #expect(Self.decode(SeriesCode.encode(values), count: values.count) == values, "\(values.prefix(12))")
        }
        // A steady year is a handful of bytes: 365 days, +40 a day.
        #expect(SeriesCode.encode((0..<365).map { Int64(1_000 + $0 * 40) }).utf8.count < 16)
    }
}

/// A day from its ISO text (the test's own dates, always valid).
func day(_ iso: String) -> Day {
    guard let day = Day(iso: iso) else { fatalError("bad test date \(iso)") }
    return day
}
