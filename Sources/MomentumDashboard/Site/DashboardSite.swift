// The dashboard for a roster of any size: a site instead of one file. The single page holds
// every artist's data (about 3 KB per artist-year): 34 MB at 10,000 artists, and its writer holds
// it all too. The site's page holds the leaderboard's first rows and the artist it opens on; the
// rest is in data files beside it that the page's script loads when they are needed:
//
// - `board-<k>.js`: the leaderboard in rank order, `Sizes.boardRowsPerFile` rows each (for "show more"
//   and for sorting, which loads them all);
// - `artists-<part>-<k>.js`: the artists' payloads in the lake's artist order (UTF-8 byte order),
//   about `Sizes.artistFileBytes` each; the page knows each file's first id, so opening an artist
//   loads one;
// - `directory-<part>-<k>.js`: every shown artist's id and name, for the search (loaded on its
//   first use).
//
// A part is a range of artists: one for `momentum dashboard --site`, one per task on AWS, where
// each part is written by a Lambda invocation of its own and the page by one more.
//
// Each data file is a script calling `MomentumSite.receive(name, data)`: a page opened from a
// folder (file://) may load scripts but not fetch. The files of one build live in a folder of
// their own (the generation), and the page, written last, names it: a reader gets the old site
// or the new, never a mixture. A part's writer holds one file's worth of artists and its
// artists' ranking series, never every artist's data.

import MomentumAnalytics
import MomentumText

/// The dashboard site: its data files, written a part (a range of artists) at a time, and its page.
public enum DashboardSite {
    /// One file of the site: its name inside the build's folder and its text.
    public struct File: Sendable {
        /// The file's name inside the build's folder, such as `artists-0-3.js`.
        public let name: String
        /// The script: `MomentumSite.receive(name, data);`.
        public let text: String
    }

    /// How the site's data are cut into files.
    public struct Sizes: Sendable {
        /// Leaderboard rows per board file.
        public var boardRowsPerFile: Int
        /// Leaderboard rows the page itself holds (the script draws pages of 100 from them).
        public var inlineBoardRows: Int
        /// The size at which an artists file is closed.
        public var artistFileBytes: Int
        /// Artists per directory file.
        public var directoryArtistsPerFile: Int

        /// Sizes; a count below one is one (the page may hold no leaderboard row: zero).
        public init(boardRowsPerFile: Int, inlineBoardRows: Int, artistFileBytes: Int, directoryArtistsPerFile: Int) {
            self.boardRowsPerFile = max(1, boardRowsPerFile)
            self.inlineBoardRows = max(0, inlineBoardRows)
            self.artistFileBytes = max(1, artistFileBytes)
            self.directoryArtistsPerFile = max(1, directoryArtistsPerFile)
        }

        /// Board files of about 1 MB, 1,000 rows in the page, artists files of 512 KiB (about
        /// 170 artists of a year: opening one loads one), directory files of about 2 MB.
        public static let standard = Sizes(boardRowsPerFile: 10_000, inlineBoardRows: 1_000, artistFileBytes: 512 * 1024, directoryArtistsPerFile: 50_000)
    }

    /// What a part wrote: its files in order, each artists file with its first id.
    public struct Manifest: Codable, Sendable, Equatable {
        /// An artists file and the first id it holds.
        public struct ArtistFile: Codable, Sendable, Equatable {
            /// The file's name.
            public var name: String
            /// Its first artist's id: the page finds an artist's file by it.
            public var first: String
        }

        /// The part's artists files, in the lake's order.
        public var artistFiles: [ArtistFile] = []
        /// The part's directory files (ids and names, for the search), in order.
        public var directoryFiles: [String] = []
        /// Artists handed over.
        public var artistsSeen = 0
        /// Artists shown (with a daily row or a release event).
        public var artistsShown = 0
        /// The part's first shown artist (the page opens on the site's first when there is no leaderboard).
        public var firstShown: String?

        /// A part that has written nothing.
        public init() {}

        enum CodingKeys: String, CodingKey {
            case artistFiles = "artist_files", directoryFiles = "directory_files", artistsSeen = "artists_seen"
            case artistsShown = "artists_shown", firstShown = "first_shown"
        }
    }

    /// Board file `number`: the leaderboard's rows from `number × sizes.boardRowsPerFile` on, as
    /// many as a file holds (fewer in the last), in rank order.
    public static func boardFile(_ number: Int, rows: some Collection<MomentumRow>) -> File {
        receive("board-\(number).js", PageWriter.leaderboardData(Array(rows)))
    }

    /// The data files of one part of the roster: artists handed over in the lake's order (UTF-8
    /// byte order of their ids), each file handed back as it fills.
    public struct Part: Sendable {
        private let number: Int
        private let sizes: Sizes
        private let rankedOn: [String: AudienceSeries]
        private var artistFile: [String] = []
        private var artistFileSize = 0
        private var directory: [String] = []
        private var lastID: String?
        /// What the part has written so far.
        public private(set) var manifest = Manifest()

        /// Part `number` of a site; `leaderboard` holds (at least) the part's artists' rows,
        /// which say the series each is ranked on.
        public init(number: Int, leaderboard: [MomentumRow], sizes: Sizes = .standard) {
            self.number = number
            self.sizes = sizes
            rankedOn = Dictionary(leaderboard.map { ($0.artistID, $0.series) }, uniquingKeysWith: { a, _ in a })
        }

        /// The page data of one artist; nil for an artist the site does not show. Pure: safe to
        /// call from several tasks at once.
        public func prepare(_ analysis: ArtistAnalysis) -> DashboardComposer.PreparedArtist? {
            DashboardComposer.PreparedArtist(analysis, rankedOn: rankedOn[analysis.artistID])
        }

        /// Hands an artist over with its prepared data (`prepare`); the files this completes.
        public mutating func add(_ analysis: ArtistAnalysis, prepared: DashboardComposer.PreparedArtist?) throws -> [File] {
            if let lastID, !UTF8Order.less(lastID, analysis.artistID) {
                throw DashboardSiteError("artists reach the site out of order: \(analysis.artistID) after \(lastID)")
            }
            lastID = analysis.artistID
            manifest.artistsSeen += 1
            guard let prepared else { return [] }
            manifest.artistsShown += 1
            if manifest.firstShown == nil { manifest.firstShown = analysis.artistID }
            var done: [File] = []
            if artistFile.isEmpty {
                manifest.artistFiles.append(.init(name: "artists-\(number)-\(manifest.artistFiles.count).js", first: analysis.artistID))
            }
            artistFile.append(prepared.payload)
            artistFileSize += prepared.payload.utf8.count + 2
            if artistFileSize >= sizes.artistFileBytes { done.append(closeArtistFile()) }
            directory.append("[\(HTMLText.scriptSafeJSONString(prepared.artistID)),\(HTMLText.scriptSafeJSONString(prepared.name))]")
            if directory.count >= sizes.directoryArtistsPerFile { done.append(closeDirectoryFile()) }
            return done
        }

        /// The files still open, closed: call once, after the part's last artist.
        public mutating func finish() -> [File] {
            var done: [File] = []
            if !artistFile.isEmpty { done.append(closeArtistFile()) }
            if !directory.isEmpty { done.append(closeDirectoryFile()) }
            return done
        }

        private mutating func closeArtistFile() -> File {
            let file = DashboardSite.receive(manifest.artistFiles[manifest.artistFiles.count - 1].name, "[" + artistFile.joined(separator: ",\n") + "]")
            artistFile.removeAll(keepingCapacity: true)
            artistFileSize = 0
            return file
        }

        private mutating func closeDirectoryFile() -> File {
            let name = "directory-\(number)-\(manifest.directoryFiles.count).js"
            manifest.directoryFiles.append(name)
            let file = DashboardSite.receive(name, "[" + directory.joined(separator: ",\n") + "]")
            directory.removeAll(keepingCapacity: true)
            return file
        }
    }

    /// The site's page (`index.html`), written after every data file, since it names them.
    ///
    /// - Parameters:
    ///   - leaderboard: the leaderboard's first rows (at least `sizes.inlineBoardRows`), in rank order.
    ///   - boardRows: the leaderboard's rows in all.
    ///   - parts: the parts' manifests, in the lake's order.
    ///   - opening: the artist the page opens on, drawn into it, with the series it is ranked on.
    ///   - generation: the folder of the build's data files (letters, digits, `-` and `_`).
    ///   - asOf: the leaderboard's day.
    ///   - options: title, generation time and the artist asked for.
    ///   - sizes: how the data were cut into files (the board files' rows).
    public static func page(leaderboard: [MomentumRow], boardRows: Int, parts: [Manifest], opening: (ArtistAnalysis, rankedOn: AudienceSeries?)?,
                            generation: String, asOf: Day?, options: Dashboard.Options = Dashboard.Options(), sizes: Sizes = .standard) throws -> String {
        guard !generation.isEmpty, generation.utf8.count <= 100,
              generation.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }) else {
            throw DashboardSiteError("a site's generation is a folder name of letters, digits, - and _, got '\(generation.prefix(40))'")
        }
        let top = Array(leaderboard.prefix(sizes.inlineBoardRows))
        let shown = parts.reduce(0) { $0 + $1.artistsShown }
        let openingPayload = opening.flatMap { DashboardComposer.PreparedArtist($0.0, rankedOn: $0.rankedOn)?.payload }
        var page = PageWriter()
        if let opening, let series = opening.rankedOn { page.rankedOn = [opening.0.artistID: series] }
        page.reserve((openingPayload?.utf8.count ?? 0) + top.count * 700 + parts.reduce(0) { $0 + $1.artistFiles.count * 60 } + (1 << 18))
        page.head(title: options.title, loadsDataFiles: true)
        page.header(title: options.title, asOf: asOf, generatedAt: options.generatedAt, artists: shown)
        page.leaderboard(top, total: boardRows)
        if shown > 0 { page.search() }
        page.artists(opening: openingPayload == nil ? nil : opening.map { ($0.0, 0) })
        let json = HTMLText.scriptSafeJSONString
        let boardFiles = (boardRows + sizes.boardRowsPerFile - 1) / sizes.boardRowsPerFile
        let artistFiles = parts.flatMap(\.artistFiles).map { "[\(json($0.name)),\(json($0.first))]" }
        let site = "{\"base\":\(json(generation + "/")),\"boardRows\":\(boardRows),\"boardFiles\":\(boardFiles),"
            + "\"boardRowsPerFile\":\(sizes.boardRowsPerFile),\"directoryFiles\":[\(parts.flatMap(\.directoryFiles).map(json).joined(separator: ","))],"
            + "\"artistFiles\":[\(artistFiles.joined(separator: ","))]," + unsignedMarker
        page.data(openingPayload.map { [$0] } ?? [], leaderboard: top, selected: 0, site: site)
        page.finish()
        return page.html
    }

    /// The end of the site data in an unsigned page (`urls` null: the page loads `base` + a
    /// file's name); `signed` replaces it.
    private static let unsignedMarker = "\"urls\":null}"

    /// A copy of a site's page that loads each data file from the URL given for its name (a
    /// presigned URL of a private bucket's object): the page and its files are then readable
    /// by whoever holds the page's own link. Nil when `page` is not a site's page.
    public static func signed(page: String, urls: [String: String]) -> String? {
        guard let start = page.range(of: "<script id=\"dashboard-data\" type=\"application/json\">{\"selected\":0,\"site\":{"),
              let marker = page.range(of: unsignedMarker, range: start.upperBound..<page.endIndex) else { return nil }
        let json = HTMLText.scriptSafeJSONString
        let entries = urls.sorted { $0.key < $1.key }.map { "\(json($0.key)):\(json($0.value))" }
        return page.replacingCharacters(in: marker, with: "\"urls\":{\(entries.joined(separator: ","))}}")
    }

    /// The build folder a site's page names; nil when `page` is not a site's page.
    public static func generation(ofPage page: String) -> String? {
        guard let start = page.range(of: "\"site\":{\"base\":\"") else { return nil }
        let rest = page[start.upperBound...]
        guard let end = rest.firstIndex(of: "/") else { return nil }
        let name = String(rest[..<end])
        return name.isEmpty || name.contains("\"") ? nil : name
    }

    /// A data file: a script handing its data to the page.
    static func receive(_ name: String, _ data: String) -> File {
        File(name: name, text: "MomentumSite.receive(\(HTMLText.scriptSafeJSONString(name)),\(data));\n")
    }
}

/// A site that cannot be built as asked.
public struct DashboardSiteError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
