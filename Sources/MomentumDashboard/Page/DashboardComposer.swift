// The page written artist by artist: a caller that reads a large lake a slice of artists at a
// time hands each artist's analysis over once, and only the artist's compact data (a few KB)
// stays until the page is put together. `Dashboard.render` is this with every analysis at hand.

import MomentumAnalytics
import MomentumText

/// Builds the dashboard page from analyses given one at a time, in any order.
public struct DashboardComposer: Sendable {
    /// One artist made ready for the page: its script data and what orders it. Made apart from
    /// the composer (`prepare`), so that callers can prepare artists concurrently.
    public struct PreparedArtist: Sendable {
        let artistID: String
        let name: String
        let sortName: String
        let payload: String

        init(artistID: String, name: String, sortName: String, payload: String) {
            self.artistID = artistID
            self.name = name
            self.sortName = sortName
            self.payload = payload
        }

        /// The page data of one artist ranked on `rankedOn` (nil: not on the leaderboard);
        /// nil for an artist no page shows (no daily row and no release event).
        init?(_ analysis: ArtistAnalysis, rankedOn: AudienceSeries?) {
            guard !analysis.daily.isEmpty || !analysis.impacts.isEmpty else { return nil }
            let name = PageWriter.name(analysis)
            let payload = ArtistPayload(panel: ArtistPanel(analysis: analysis, rankedOn: rankedOn)).json(name: name)
            self.init(artistID: analysis.artistID, name: name, sortName: analysis.daily.last?.artistName ?? analysis.artistID, payload: payload)
        }
    }

    private let leaderboard: [MomentumRow]
    private let asOf: Day?
    private let options: Dashboard.Options
    private let rank: [String: Int]
    private let rankedOn: [String: AudienceSeries]
    private var artists: [PreparedArtist] = []
    /// The artist the page opens on, kept whole (it is drawn into the page): the selected one,
    /// or the first in page order seen so far.
    private var opening: ArtistAnalysis?
    /// Every artist handed over, shown or not (for "is the selected artist here").
    public private(set) var artistsSeen = 0
    private var selectedSeen = false

    /// A composer for a leaderboard (in rank order) as of `asOf`.
    public init(leaderboard: [MomentumRow], asOf: Day?, options: Dashboard.Options = Dashboard.Options()) {
        self.leaderboard = leaderboard
        self.asOf = asOf
        self.options = options
        rank = Dictionary(leaderboard.enumerated().map { ($1.artistID, $0) }, uniquingKeysWith: { a, _ in a })
        rankedOn = Dictionary(leaderboard.map { ($0.artistID, $0.series) }, uniquingKeysWith: { a, _ in a })
    }

    /// Whether the artist the options select has been handed over.
    public var hasSelectedArtist: Bool { selectedSeen }

    /// The page data of one artist; nil for an artist the page does not show (no daily row and
    /// no release event). Pure: safe to call from several tasks at once.
    public func prepare(_ analysis: ArtistAnalysis) -> PreparedArtist? {
        PreparedArtist(analysis, rankedOn: rankedOn[analysis.artistID])
    }

    /// Hands an artist over with its prepared data (`prepare(analysis)`, nil when not shown).
    public mutating func add(_ analysis: ArtistAnalysis, prepared: PreparedArtist?) {
        artistsSeen += 1
        if analysis.artistID == options.selectedArtistID { selectedSeen = true }
        guard let prepared else { return }
        artists.append(prepared)
        if let selected = options.selectedArtistID, selected == analysis.artistID {
            opening = analysis
        } else if options.selectedArtistID.map({ id in opening?.artistID == id }) != true,
                  opening.map({ precedes(prepared, orderingKey(of: $0)) }) ?? true {
            opening = analysis
        }
    }

    /// Hands an artist over.
    public mutating func add(_ analysis: ArtistAnalysis) {
        add(analysis, prepared: prepare(analysis))
    }

    /// The page.
    public func render() -> String {
        let ordered = artists.sorted(by: precedes)
        var page = PageWriter()
        page.rankedOn = rankedOn
        // The artists' data, the leaderboard twice (rows and data) and the page's assets.
        page.reserve(ordered.reduce(0) { $0 + $1.payload.utf8.count + $1.name.utf8.count + $1.artistID.utf8.count + 40 }
                     + leaderboard.count * 600 + (1 << 20))
        page.head(title: options.title)
        page.header(title: options.title, asOf: asOf, generatedAt: options.generatedAt, artists: ordered.count)
        page.leaderboard(leaderboard)
        page.picker(ordered.map { ($0.artistID, $0.name) })
        // Only the artist the page opens on is drawn here; the script draws the others from
        // their data when they are opened, so the page grows with the data, not the drawing.
        let selected = options.selectedArtistID.flatMap { id in ordered.firstIndex { $0.artistID == id } } ?? 0
        let openingIndex = opening.flatMap { open in ordered.firstIndex { $0.artistID == open.artistID } }
        page.artists(opening: opening.flatMap { open in openingIndex == selected ? (open, selected) : nil })
        page.data(ordered.map(\.payload), leaderboard: leaderboard, selected: selected)
        page.finish()
        return page.html
    }

    /// Page order: the leaderboard's artists in rank order, then the others by name (then id).
    private func precedes(_ a: PreparedArtist, _ b: PreparedArtist) -> Bool {
        switch (rank[a.artistID], rank[b.artistID]) {
        case let (x?, y?): return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default:
            if a.sortName != b.sortName { return a.sortName < b.sortName }
            return UTF8Order.less(a.artistID, b.artistID)
        }
    }

    /// What orders an artist kept whole (its page data is not needed for that).
    private func orderingKey(of analysis: ArtistAnalysis) -> PreparedArtist {
        PreparedArtist(artistID: analysis.artistID, name: "", sortName: analysis.daily.last?.artistName ?? analysis.artistID, payload: "")
    }
}
