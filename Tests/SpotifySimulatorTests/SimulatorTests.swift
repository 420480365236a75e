// The simulator, and the SpotifyKit client against it: the same cases in memory and over a
// real socket on 127.0.0.1 with the URLSession transport.

import Foundation
@testable import SpotifyKit
@testable import SpotifySimulator
import Testing
import MomentumHTTP

enum Wire: String, CaseIterable, CustomStringConvertible {
    case inMemory, loopback
    var description: String { rawValue }
}

/// A simulator reached over `wire`; `stop()` closes the server, if any.
struct SimulatedSpotify {
    let simulator: SpotifySimulator
    let transport: any HTTPTransport
    let configuration: SpotifyConfiguration
    let server: SimulatorServer?

    init(_ wire: Wire, options: SpotifySimulator.Options, retries: Int = 8) throws {
        simulator = SpotifySimulator(options: options)
        var base = "http://simulator.invalid"
        switch wire {
        case .inMemory:
            server = nil
            transport = simulator
        case .loopback:
            let server = SimulatorServer(simulator: simulator)
            base = "http://127.0.0.1:\(try server.start(port: 0))"
            self.server = server
            transport = CurlTransport()
        }
        configuration = SpotifyConfiguration(
            apiURL: URL(string: base + "/v1"), accountsURL: URL(string: base), market: "US",
            maxConcurrentRequests: 4,
            retry: RetryPolicy(maximumAttempts: retries + 1, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(50)),
            requestTimeout: .seconds(10))
    }

    func client() -> SpotifyClient {
        SpotifyClient(clientID: "id", clientSecret: "secret", configuration: configuration, transport: transport)
    }

    func stop() { server?.stop() }
}

@Suite struct SimulatorTests {
    @Test(arguments: Wire.allCases)
    func extendedModeHasFollowersBatchesAndBigPages(_ wire: Wire) async throws {
        let spotify = try SimulatedSpotify(wire, options: .init(artists: 120, seed: 5, mode: .extended))
        defer { spotify.stop() }
        let client = spotify.client()
        let directory = spotify.simulator.artistDirectory
        let ids = try directory.map { try SpotifyID(parsing: $0.id, kind: .artist) }
        let results = await client.artists(ids)
        let artists = try results.map { try $0.get() }
        #expect(artists.map(\.id) == directory.map(\.id))
        #expect(artists.allSatisfy { ($0.followerCount ?? 0) > 0 && $0.popularity != nil })
        #expect(artists[3].followerCount == spotify.simulator.followers(of: directory[3].id, on: spotify.simulator.now))
        let stats = spotify.simulator.statistics.requests
        #expect(stats["GET /artists"] == 3 && stats["GET /artists/{id}"] == nil)
        var albums = 0
        for try await _ in client.albums(of: ids[0]) { albums += 1 }
        #expect(albums > 0)
        let mode = await client.apiMode
        #expect(!mode.isDevelopmentMode && mode.pageLimit == 50)
    }

    @Test(arguments: Wire.allCases)
    func developmentModeFollowsTheFebruary2026Rules(_ wire: Wire) async throws {
        let spotify = try SimulatedSpotify(wire, options: .init(artists: 12, seed: 5, mode: .development))
        defer { spotify.stop() }
        let client = spotify.client()
        let ids = try spotify.simulator.artistDirectory.map { try SpotifyID(parsing: $0.id, kind: .artist) }
        let artists = try await client.artists(ids).map { try $0.get() }
        #expect(artists.count == 12 && artists.allSatisfy { $0.followers == nil && $0.popularity == nil })
        var seen = 0
        for try await _ in client.albums(of: ids[1]) { seen += 1 }
        #expect(seen > 10, "enough albums to need several pages of 10")
        let mode = await client.apiMode
        #expect(mode.isDevelopmentMode && !mode.batchEndpointAvailable && mode.pageLimit == 10 && mode.followersMissing)
        let stats = spotify.simulator.statistics.requests
        #expect(stats["GET /artists"] == 1 && stats["GET /artists/{id}"] == 12)
    }

    @Test(arguments: Wire.allCases)
    func faultsAreRetriedUntilEveryArtistIsIn(_ wire: Wire) async throws {
        let spotify = try SimulatedSpotify(wire, options: .init(artists: 40, seed: 9, mode: .development, faultRate: 0.3, retryAfter: .zero))
        defer { spotify.stop() }
        let client = spotify.client()
        let ids = try spotify.simulator.artistDirectory.map { try SpotifyID(parsing: $0.id, kind: .artist) }
        let results = await client.artists(ids)
        #expect(results.allSatisfy { (try? $0.get()) != nil }, "\(results.compactMap { if case .failure(let e) = $0 { e.message } else { nil } })")
        #expect(spotify.simulator.statistics.faults > 5)
    }

    @Test(arguments: Wire.allCases)
    func searchMatchesNamesCaseInsensitivelyMostFollowedFirst(_ wire: Wire) async throws {
        let spotify = try SimulatedSpotify(wire, options: .init(artists: 300, seed: 2))
        defer { spotify.stop() }
        let client = spotify.client()
        let needle = "o'brien"
        let expected = spotify.simulator.artistDirectory.filter { $0.name.lowercased().contains(needle) }
        #expect(expected.count > 3)
        var found: [Artist] = []
        for try await artist in client.searchArtists(needle.uppercased()) { found.append(artist) }
        #expect(Set(found.map(\.id)) == Set(expected.map(\.id)))
        let followers = found.compactMap(\.followerCount)
        #expect(followers == followers.sorted(by: >))
        #expect(try await client.searchArtists("zzzz no such artist", count: 5).isEmpty)
    }

    @Test func theMarketRemovesDuplicateListingsOfOneRelease() async throws {
        let simulator = SpotifySimulator(options: .init(artists: 30, seed: 3))
        let world = simulator.world
        let index = try #require(world.artists.indices.first { i in
            let days = world.artists[i].releases.filter { $0.day <= epochDay(Date()) }.map(\.day)
            return Set(days).count < days.count
        })
        let client = SpotifyClient(clientID: "a", clientSecret: "b", configuration: SpotifyConfiguration(market: "US"), transport: simulator)
        let id = try SpotifyID(parsing: world.artists[index].id, kind: .artist)
        var withMarket: [SimplifiedAlbum] = []
        for try await album in client.albums(of: id) { withMarket.append(album) }
        #expect(Set(withMarket.map(\.id)).count == withMarket.count)
        let visible = world.artists[index].releases.filter { $0.day <= epochDay(Date()) }
        #expect(withMarket.count == visible.filter { $0.markets.contains("US") }.count)
        #expect(withMarket.count < visible.count, "without a market, Spotify would list duplicates")
    }

    @Test func theSameSeedGivesTheSameWorld() {
        let a = SpotifySimulator(options: .init(artists: 20, seed: 77)), b = SpotifySimulator(options: .init(artists: 20, seed: 77))
        #expect(a.artistDirectory.map(\.id) == b.artistDirectory.map(\.id))
        #expect(a.artistDirectory.map(\.name) == b.artistDirectory.map(\.name))
        let day = Date(timeIntervalSince1970: 1_790_000_000)
        #expect(a.artistDirectory.map { a.followers(of: $0.id, on: day) } == b.artistDirectory.map { b.followers(of: $0.id, on: day) })
        #expect(SpotifySimulator(options: .init(artists: 20, seed: 78)).artistDirectory.map(\.id) != a.artistDirectory.map(\.id))
        #expect(a.artistDirectory.contains { $0.name.unicodeScalars.contains { !$0.isASCII } })
    }

    @Test func tokensAreCheckedAndExpire() async throws {
        let simulator = SpotifySimulator(options: .init(artists: 3, clientID: "me", clientSecret: "pw"))
        let wrong = SpotifyClient(clientID: "me", clientSecret: "nope", transport: simulator)
        await #expect(throws: SpotifyError.authenticationKind) { try await wrong.artist(simulator.artistDirectory[0].id) }
        let right = SpotifyClient(clientID: "me", clientSecret: "pw", transport: simulator)
        _ = try await right.artist(simulator.artistDirectory[0].id)
        let artistURL = try #require(URL(string: "http://x/v1/artists/\(simulator.artistDirectory[0].id)"))
        #expect(simulator.handle(TransportRequest(url: artistURL)).response.status == 401)

        // A token stops working after its lifetime (one second here).
        let shortLived = SpotifySimulator(options: .init(artists: 3, clientID: "me", clientSecret: "pw", tokenLifetime: .seconds(1)))
        let token = try Self.issueToken(shortLived)
        try await Task.sleep(nanoseconds: 1_100_000_000)
        #expect(shortLived.handle(TransportRequest(url: artistURL, headers: ["Authorization": "Bearer \(token)"])).response.status == 401)
        let fresh = SpotifySimulator(options: .init(artists: 3, clientID: "me", clientSecret: "pw"))
        let freshToken = try Self.issueToken(fresh)
        #expect(fresh.handle(TransportRequest(url: artistURL, headers: ["Authorization": "Bearer \(freshToken)"])).response.status == 200)
    }

    static func issueToken(_ simulator: SpotifySimulator) throws -> String {
        let url = try #require(URL(string: "http://x/api/token"))
        let issued = simulator.handle(TransportRequest(
            method: "POST", url: url, headers: ["Authorization": "Basic " + Data("me:pw".utf8).base64EncodedString()],
            body: Array("grant_type=client_credentials".utf8)))
        let object = try JSONSerialization.jsonObject(with: Data(issued.response.body)) as? [String: Any]
        return try #require(object?["access_token"] as? String)
    }

    @Test func theClockMovesFollowersAndReleases() throws {
        let simulator = SpotifySimulator(options: .init(artists: 5, seed: 1))
        let id = simulator.artistDirectory[0].id
        let early = Date(timeIntervalSince1970: 1_750_000_000), late = early.addingTimeInterval(200 * 86_400)
        #expect(simulator.followers(of: id, on: early) != simulator.followers(of: id, on: late))
        simulator.setDate(early)
        #expect(simulator.now == early)
    }
}
