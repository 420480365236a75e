// A deterministic model of the Spotify Web API for tests, demos and users' own integration
// tests. It answers the subset Momentum uses with the real JSON shapes, in either of the two
// regimes apps live under since February 2026, with optional seeded faults. Use it in process
// (it is an `HTTPTransport`) or over a socket (`SimulatorServer`).

import Foundation
import SpotifyKit
import MomentumHTTP

/// The simulated Spotify.
public final class SpotifySimulator: HTTPTransport, @unchecked Sendable {
    /// Semantic version of the SpotifySimulator product (see Docs/CHANGELOG-SpotifySimulator.md).
    public static let version = "0.6.0"

    /// The two regimes of the Web API.
    public enum Mode: String, Sendable, CaseIterable {
        /// Extended quota: followers and popularity, batch endpoints, pages of 50.
        case extended
        /// Development Mode since February 2026: no followers or popularity, no batch
        /// endpoints, pages of at most 10.
        case development
    }

    /// What the simulated world holds and how the simulated API behaves.
    public struct Options: Sendable {
        /// Artists in the world.
        public var artists: Int
        /// The seed every number of the world comes from: the same seed, the same world.
        public var seed: UInt64
        /// The Web API regime answered.
        public var mode: Mode
        /// Share of requests that meet a fault (0 to 1).
        public var faultRate: Double
        /// How long every answer takes from its request (at most a minute): the simulator's own
        /// work is inside it, as a remote server's is inside its round trip, so the time a
        /// client sees does not depend on how busy the machine running the simulator is.
        public var latency: Duration
        /// When set, the token endpoint accepts only these credentials.
        public var clientID: String?
        /// The client secret the token endpoint accepts, with `clientID`.
        public var clientSecret: String?
        /// How long a token stays valid (whole seconds are announced).
        public var tokenLifetime: Duration
        /// The `Retry-After` of simulated rate limits (whole seconds).
        public var retryAfter: Duration
        /// The base written into `href` fields.
        public var publicAPIURL: String
        /// When set, the simulated Last.fm accepts only this API key (any non-empty key otherwise).
        public var lastFMAPIKey: String?

        /// Options; the defaults answer like extended quota, without faults.
        public init(artists: Int = 50, seed: UInt64 = 1, mode: Mode = .extended, faultRate: Double = 0, latency: Duration = .zero,
                    clientID: String? = nil, clientSecret: String? = nil, tokenLifetime: Duration = .seconds(3600), retryAfter: Duration = .seconds(1),
                    publicAPIURL: String = "https://api.spotify.com/v1", lastFMAPIKey: String? = nil) {
            self.artists = artists
            self.seed = seed
            self.mode = mode
            self.faultRate = faultRate.isNaN ? 0 : min(1, max(0, faultRate))
            // At most a minute, and never NaN or infinite: a latency is a sleep.
            self.latency = min(.seconds(60), max(.zero, latency))
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.tokenLifetime = max(.zero, tokenLifetime)
            self.retryAfter = max(.zero, retryAfter)
            self.publicAPIURL = publicAPIURL
            self.lastFMAPIKey = lastFMAPIKey
        }
    }

    /// What the simulator decided for one request.
    public struct Outcome: Sendable {
        /// A way the answer is broken on the wire.
        public enum Fault: Sendable, Equatable {
            /// The connection is closed without an answer.
            case dropConnection
            /// The headers promise more body than is sent.
            case truncateBody
        }
        /// The answer.
        public var response: TransportResponse
        /// How long to wait before answering.
        public var delay: Duration
        /// How to break the answer on the wire, if at all.
        public var fault: Fault?
    }

    /// What the world holds and how the API behaves.
    public let options: Options
    let world: SimulatedWorld
    private let lock = NSLock()
    private var clock: Date?
    private var faults: SeededGenerator
    private var tokens: [String: Date] = [:]
    private var tokenCounter: UInt64 = 0
    private var counts: [String: Int] = [:]
    private var faultCount = 0

    /// A simulated Spotify.
    public init(options: Options = Options()) {
        self.options = options
        self.world = SimulatedWorld(artistCount: options.artists, seed: options.seed)
        self.faults = SeededGenerator(seed: options.seed &* 31 &+ 7)
    }

    // MARK: Clock and catalogue

    /// Sets the simulated date (the wall clock when never set).
    public func setDate(_ date: Date) {
        lock.withLock { clock = date }
    }

    /// The simulated clock: the day and time answers are as of.
    public var now: Date { lock.withLock { clock ?? Date() } }

    /// The artists of the world: (id, name), in creation order.
    public var artistDirectory: [(id: String, name: String)] {
        world.artists.map { ($0.id, $0.name) }
    }

    /// The true follower count of an artist on a day (for tests that check what was ingested).
    public func followers(of artistID: String, on date: Date) -> Int? {
        world.byID[artistID].map { world.followers(artist: $0, day: epochDay(date)) }
    }

    /// Requests answered so far, by endpoint, and faults injected.
    public var statistics: (requests: [String: Int], faults: Int) {
        lock.withLock { (counts, faultCount) }
    }

    // MARK: HTTPTransport

    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let arrived = ContinuousClock.now
        let outcome = handle(request)
        if outcome.delay > .zero { try await Task.sleep(until: arrived + outcome.delay, clock: .continuous) }
        switch outcome.fault {
        case .dropConnection: throw TransportError("the simulated connection was dropped")
        case .truncateBody: throw TransportError("the simulated answer was cut short")
        case nil: return outcome.response
        }
    }

    // MARK: Routing

    /// Decides the answer to a request: the core of both front ends.
    public func handle(_ request: TransportRequest) -> Outcome {
        let path = request.url.path
        let query = Dictionary(
            (URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { _, last in last })
        if path == "/_simulator/stats" { return Outcome(response: stats(), delay: .zero, fault: nil) }
        if let audience = AudienceRoute.of(path) { return handle(audience, request: request, query: query) }

        let route = SpotifySimulator.route(method: request.method, path: path)
        var delay = options.latency
        lock.withLock { counts[route.name, default: 0] += 1 }
        if let injected = injectFault() {
            switch injected {
            case .rateLimit:
                return Outcome(response: error(429, "API rate limit exceeded", headers: ["Retry-After": String(options.retryAfter.components.seconds)]), delay: delay, fault: nil)
            case .serverError(let status):
                return Outcome(response: error(status, "Service unavailable"), delay: delay, fault: nil)
            case .drop:
                return Outcome(response: TransportResponse(status: 200), delay: delay, fault: .dropConnection)
            case .truncate:
                let full = answer(route, request: request, query: query)
                return Outcome(response: full, delay: delay, fault: full.body.count > 1 ? .truncateBody : .dropConnection)
            case .slow:
                delay += .milliseconds(300)
            }
        }
        return Outcome(response: answer(route, request: request, query: query), delay: delay, fault: nil)
    }

    /// An audience source's request: the same faults, in that source's form.
    private func handle(_ route: AudienceRoute, request: TransportRequest, query: [String: String]) -> Outcome {
        var delay = options.latency
        lock.withLock { counts[route.name, default: 0] += 1 }
        let resources = (URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? [])
            .filter { $0.name == "resource" }.compactMap(\.value)
        if let injected = injectFault() {
            switch injected {
            case .rateLimit: return Outcome(response: slowDown(route), delay: delay, fault: nil)
            case .serverError(let status): return Outcome(response: error(status, "Service unavailable"), delay: delay, fault: nil)
            case .drop: return Outcome(response: TransportResponse(status: 200), delay: delay, fault: .dropConnection)
            case .truncate:
                let full = answer(route, query: query, resources: resources)
                return Outcome(response: full, delay: delay, fault: full.body.count > 1 ? .truncateBody : .dropConnection)
            case .slow: delay += .milliseconds(300)
            }
        }
        return Outcome(response: answer(route, query: query, resources: resources), delay: delay, fault: nil)
    }

    enum Route {
        case token, artist(String), artists, artistAlbums(String), search, album(String), albums, track(String), unknown
        var name: String {
            switch self {
            case .token: return "POST /api/token"
            case .artist: return "GET /artists/{id}"
            case .artists: return "GET /artists"
            case .artistAlbums: return "GET /artists/{id}/albums"
            case .search: return "GET /search"
            case .album: return "GET /albums/{id}"
            case .albums: return "GET /albums"
            case .track: return "GET /tracks/{id}"
            case .unknown: return "unknown"
            }
        }
    }

    static func route(method: String, path: String) -> Route {
        let parts = path.split(separator: "/").map(String.init)
        switch (method, parts.count) {
        case ("POST", _) where path == "/api/token": return .token
        case ("GET", 2) where parts == ["v1", "artists"]: return .artists
        case ("GET", 3) where parts[0] == "v1" && parts[1] == "artists": return .artist(parts[2])
        case ("GET", 4) where parts[0] == "v1" && parts[1] == "artists" && parts[3] == "albums": return .artistAlbums(parts[2])
        case ("GET", 2) where parts == ["v1", "search"]: return .search
        case ("GET", 2) where parts == ["v1", "albums"]: return .albums
        case ("GET", 3) where parts[0] == "v1" && parts[1] == "albums": return .album(parts[2])
        case ("GET", 3) where parts[0] == "v1" && parts[1] == "tracks": return .track(parts[2])
        default: return .unknown
        }
    }

    private func answer(_ route: Route, request: TransportRequest, query: [String: String]) -> TransportResponse {
        if case .token = route { return token(request) }
        if case .unknown = route { return error(404, "Service not found") }
        guard authorized(request) else { return error(401, "The access token expired") }
        let day = epochDay(now)
        switch route {
        case .artist(let id):
            guard SpotifySimulator.isBase62(id) else { return error(400, "Invalid base62 id") }
            guard let index = world.byID[id] else { return error(404, "Resource not found") }
            return json(artistJSON(index, day: day))
        case .artists:
            guard options.mode == .extended else { return error(403, "Forbidden: this endpoint is not available to apps in Development Mode") }
            let ids = (query["ids"] ?? "").split(separator: ",").map(String.init)
            guard !ids.isEmpty else { return error(400, "Missing ids") }
            guard ids.count <= 50 else { return error(400, "Too many ids requested") }
            return json(["artists": ids.map { id -> Any in world.byID[id].map { artistJSON($0, day: day) } ?? NSNull() }])
        case .artistAlbums(let id):
            guard let index = world.byID[id] else { return error(404, "Resource not found") }
            guard let (limit, offset) = paging(query) else { return error(400, "Invalid limit") }
            return json(discography(index, day: day, query: query, limit: limit, offset: offset))
        case .search:
            guard let q = query["q"], !q.isEmpty else { return error(400, "No search query") }
            guard (query["type"] ?? "").split(separator: ",").contains("artist") else { return error(400, "Unsupported type") }
            guard let (limit, offset) = paging(query), offset <= 1000 else { return error(400, "Invalid limit") }
            return json(search(q, day: day, limit: limit, offset: offset))
        case .album(let id):
            guard let (artist, release) = findRelease(id), release.day <= day,
                  query["market"].map({ release.markets.contains($0) }) ?? true
            else { return error(404, "Resource not found") }
            return json(albumJSON(artist: artist, release: release, full: true))
        case .albums:
            return options.mode == .extended ? error(400, "Use GET /albums/{id}") : error(403, "Forbidden: this endpoint is not available to apps in Development Mode")
        case .track(let id):
            guard let (artist, release, number) = findTrack(id), release.day <= day else { return error(404, "Resource not found") }
            return json(trackJSON(artist: artist, release: release, number: number))
        case .token, .unknown:
            return error(404, "Service not found")
        }
    }

    // MARK: Authentication

    private func token(_ request: TransportRequest) -> TransportResponse {
        let form = String(decoding: request.body ?? [], as: UTF8.self)
        guard form.split(separator: "&").contains("grant_type=client_credentials") else {
            return json(["error": "unsupported_grant_type", "error_description": "grant_type must be client_credentials"], status: 400)
        }
        guard let header = request.header("Authorization"), header.hasPrefix("Basic "),
              let decoded = Data(base64Encoded: String(header.dropFirst(6))).map({ String(decoding: $0, as: UTF8.self) }),
              let colon = decoded.firstIndex(of: ":")
        else {
            return json(["error": "invalid_client", "error_description": "Invalid client"], status: 400)
        }
        let id = String(decoded[..<colon]), secret = String(decoded[decoded.index(after: colon)...])
        let valid = !id.isEmpty && !secret.isEmpty && (options.clientID ?? id) == id && (options.clientSecret ?? secret) == secret
        guard valid else { return json(["error": "invalid_client", "error_description": "Invalid client secret"], status: 400) }
        let token: String = lock.withLock {
            tokenCounter += 1
            let value = "sim-\(options.seed)-\(tokenCounter)-\(UInt32.random(in: 0...UInt32.max))"
            tokens[value] = Date().addingTimeInterval(Double(options.tokenLifetime.components.seconds))
            return value
        }
        return json(["access_token": token, "token_type": "Bearer", "expires_in": Int(options.tokenLifetime.components.seconds)])
    }

    private func authorized(_ request: TransportRequest) -> Bool {
        guard let header = request.header("Authorization"), header.hasPrefix("Bearer ") else { return false }
        let token = String(header.dropFirst(7))
        return lock.withLock { tokens[token].map { $0 > Date() } ?? false }
    }

    // MARK: Faults

    enum InjectedFault {
        case rateLimit, serverError(Int), drop, truncate, slow
    }

    private func injectFault() -> InjectedFault? {
        guard options.faultRate > 0 else { return nil }
        return lock.withLock {
            guard Double.random(in: 0..<1, using: &faults) < options.faultRate else { return nil }
            faultCount += 1
            switch faults.next() % 7 {
            case 0: return .rateLimit
            case 1: return .serverError(500)
            case 2: return .serverError(502)
            case 3: return .serverError(503)
            case 4: return .drop
            case 5: return .truncate
            default: return .slow
            }
        }
    }

    // MARK: JSON

    private var maxLimit: Int { options.mode == .extended ? 50 : 10 }

    /// (limit, offset) when both are valid for the mode; nil otherwise.
    private func paging(_ query: [String: String]) -> (Int, Int)? {
        let limit = query["limit"].map { Int($0) ?? -1 } ?? (options.mode == .extended ? 20 : 5)
        let offset = query["offset"].map { Int($0) ?? -1 } ?? 0
        // Spotify refuses offsets past its catalogue limits; a huge one must not overflow `offset + limit`.
        guard (1...maxLimit).contains(limit), (0...100_000).contains(offset) else { return nil }
        return (limit, offset)
    }

    func artistJSON(_ index: Int, day: Int) -> [String: Any] {
        let artist = world.artists[index]
        var object: [String: Any] = [
            "id": artist.id, "name": artist.name, "type": "artist", "uri": "spotify:artist:\(artist.id)",
            "href": "\(options.publicAPIURL)/artists/\(artist.id)",
            "external_urls": ["spotify": "https://open.spotify.com/artist/\(artist.id)"],
            "images": [["url": "https://i.scdn.co/image/ab6761610000e5eb\(artist.id.lowercased())", "width": 640, "height": 640]],
        ]
        if options.mode == .extended {
            object["followers"] = ["href": NSNull(), "total": world.followers(artist: index, day: day)]
            object["popularity"] = world.popularity(artist: index, day: day)
            object["genres"] = artist.genres
        }
        return object
    }

    private func discography(_ index: Int, day: Int, query: [String: String], limit: Int, offset: Int) -> [String: Any] {
        let artist = world.artists[index]
        let groups = Set((query["include_groups"] ?? "album,single,compilation,appears_on").split(separator: ",").map(String.init))
        let market = query["market"]
        // Newest first, as Spotify lists them.
        let visible = artist.releases.filter { $0.day <= day && groups.contains($0.group) && (market.map($0.markets.contains) ?? true) }
            .sorted { $0.day != $1.day ? $0.day > $1.day : $0.id < $1.id }
        let page = visible.dropFirst(offset).prefix(limit)
        var items: [[String: Any]] = []
        for release in page {
            // album_group is deprecated but still required by the OpenAPI description, so the
            // simulator always sends it; the client copes without it all the same.
            var album = albumJSON(artist: artist, release: release, full: false)
            album["album_group"] = release.group
            items.append(album)
        }
        return pagingJSON(items: items, total: visible.count, limit: limit, offset: offset,
                          path: "artists/\(artist.id)/albums", query: query)
    }

    private func search(_ q: String, day: Int, limit: Int, offset: Int) -> [String: Any] {
        let needle = q.replacingOccurrences(of: "artist:", with: "").trimmingCharacters(in: .whitespaces).lowercased()
        let matches = world.artists.indices.filter { world.artists[$0].name.lowercased().contains(needle) }
            .sorted { world.followers(artist: $0, day: day) > world.followers(artist: $1, day: day) }
        let items = matches.dropFirst(offset).prefix(limit).map { artistJSON($0, day: day) }
        return ["artists": pagingJSON(items: Array(items), total: matches.count, limit: limit, offset: offset,
                                      path: "search", query: ["q": q, "type": "artist"])]
    }

    private func pagingJSON(items: [[String: Any]], total: Int, limit: Int, offset: Int, path: String, query: [String: String]) -> [String: Any] {
        func link(_ offset: Int) -> String {
            var components = URLComponents(string: "\(options.publicAPIURL)/\(path)")
            components?.queryItems = query.filter { $0.key != "limit" && $0.key != "offset" }.sorted { $0.key < $1.key }
                .map { URLQueryItem(name: $0.key, value: $0.value) } + [URLQueryItem(name: "offset", value: String(offset)), URLQueryItem(name: "limit", value: String(limit))]
            return components?.string ?? ""
        }
        return [
            "href": link(offset), "items": items, "limit": limit, "offset": offset, "total": total,
            "next": offset + limit < total ? link(offset + limit) : NSNull(),
            "previous": offset > 0 ? link(max(0, offset - limit)) : NSNull(),
        ]
    }

    /// A track's id: its album's id cut to 19 characters and its number in three digits.
    static func trackID(_ release: SimulatedRelease, _ number: Int) -> String {
        "\(release.id.prefix(19))\(String(format: "%03d", number))"
    }

    private func findTrack(_ id: String) -> (SimulatedArtist, SimulatedRelease, Int)? {
        guard id.count == 22, let number = Int(id.suffix(3)), number >= 1 else { return nil }
        for artist in world.artists {
            if let release = artist.releases.first(where: { $0.id.hasPrefix(id.prefix(19)) && number <= $0.tracks }) { return (artist, release, number) }
        }
        return nil
    }

    private func trackJSON(artist: SimulatedArtist, release: SimulatedRelease, number: Int) -> [String: Any] {
        let id = SpotifySimulator.trackID(release, number)
        return ["id": id, "name": "\(release.name) \(number)", "track_number": number, "disc_number": 1, "type": "track",
                "duration_ms": 180_000 + number * 7_000, "explicit": false, "is_local": false, "uri": "spotify:track:\(id)",
                "href": "\(options.publicAPIURL)/tracks/\(id)", "external_urls": ["spotify": "https://open.spotify.com/track/\(id)"],
                "external_ids": ["isrc": SimulatedWorld.isrc(ofTrack: id)],
                "artists": [["id": artist.id, "name": artist.name, "type": "artist", "uri": "spotify:artist:\(artist.id)"]],
                "album": albumJSON(artist: artist, release: release, full: false)]
    }

    private func findRelease(_ id: String) -> (SimulatedArtist, SimulatedRelease)? {
        for artist in world.artists {
            if let release = artist.releases.first(where: { $0.id == id }) { return (artist, release) }
        }
        return nil
    }

    private func albumJSON(artist: SimulatedArtist, release: SimulatedRelease, full: Bool) -> [String: Any] {
        let date = isoDay(release.day)
        let shown = release.precision == "year" ? String(date.prefix(4)) : release.precision == "month" ? String(date.prefix(7)) : date
        let artistRef: [String: Any] = [
            "id": artist.id, "name": artist.name, "type": "artist", "uri": "spotify:artist:\(artist.id)",
            "href": "\(options.publicAPIURL)/artists/\(artist.id)",
            "external_urls": ["spotify": "https://open.spotify.com/artist/\(artist.id)"],
        ]
        var album: [String: Any] = [
            "id": release.id, "name": release.name, "type": "album", "uri": "spotify:album:\(release.id)",
            "album_type": release.albumType, "total_tracks": release.tracks, "available_markets": release.markets,
            "release_date": shown, "release_date_precision": release.precision,
            "href": "\(options.publicAPIURL)/albums/\(release.id)",
            "external_urls": ["spotify": "https://open.spotify.com/album/\(release.id)"],
            "images": [["url": "https://i.scdn.co/image/ab67616d0000b273\(release.id.lowercased())", "width": 640, "height": 640]],
            "artists": [artistRef],
        ]
        if full {
            album["label"] = "\(artist.name) Records"
            album["popularity"] = 40
            album["genres"] = [String]()
            album["copyrights"] = [["text": "℗ \(date.prefix(4)) \(artist.name)", "type": "P"]]
            // Spotify restored `external_ids` in March 2026; one artist's albums carry no UPC.
            let hasUPC = world.byID[artist.id].map { world.audience[$0].albumsHaveUPC } ?? true
            album["external_ids"] = hasUPC ? ["upc": SimulatedWorld.upc(of: release)] : [String: String]()
            let tracks: [[String: Any]] = (1...release.tracks).map { n in
                ["id": SpotifySimulator.trackID(release, n), "name": "\(release.name) \(n)", "track_number": n,
                 "disc_number": 1, "duration_ms": 180_000 + n * 7_000, "explicit": false, "type": "track", "is_local": false,
                 "uri": "spotify:track:\(SpotifySimulator.trackID(release, n))",
                 "href": "\(options.publicAPIURL)/tracks/\(SpotifySimulator.trackID(release, n))",
                 "external_urls": ["spotify": "https://open.spotify.com/track/\(release.id.prefix(19))"],
                 "available_markets": release.markets, "artists": [artistRef]]
            }
            album["tracks"] = ["href": "\(options.publicAPIURL)/albums/\(release.id)/tracks", "items": tracks, "limit": 50, "offset": 0,
                               "total": tracks.count, "next": NSNull(), "previous": NSNull()]
        }
        return album
    }

    private func stats() -> TransportResponse {
        let (requests, faults) = statistics
        return json(["requests": requests, "total": requests.values.reduce(0, +), "faults": faults])
    }

    func json(_ object: Any, status: Int = 200, headers: [String: String] = [:]) -> TransportResponse {
        let body = SimulatorJSON.encode(object) ?? Array(#"{"error":{"status":500,"message":"simulator could not encode its answer"}}"#.utf8)
        return TransportResponse(status: status, headers: headers.merging(["Content-Type": "application/json; charset=utf-8"]) { a, _ in a }, body: body)
    }

    func error(_ status: Int, _ message: String, headers: [String: String] = [:]) -> TransportResponse {
        json(["error": ["status": status, "message": message]], status: status, headers: headers)
    }

    static func isBase62(_ text: String) -> Bool {
        text.utf8.count == 22 && text.utf8.allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }
}
