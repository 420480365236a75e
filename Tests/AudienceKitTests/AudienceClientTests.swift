// The audience clients: the same cases against the simulated sources in memory and over a real
// socket on 127.0.0.1, and each source's own ways of failing from a scripted transport: Deezer's
// quota answered with HTTP 200, Last.fm's counts as strings and its refused key, MusicBrainz's
// batches. The pace and the pauses run on a clock that records instead of sleeping.

import AudienceKit
import Foundation
import InMemoryLogging
import Logging
import MomentumHTTP
import MomentumTestSupport
import SpotifySimulator
import Testing

enum Wire: String, CaseIterable, CustomStringConvertible {
    case inMemory, loopback
    var description: String { rawValue }
}

/// The simulated sources reached over `wire`.
struct SimulatedSources {
    let simulator: SpotifySimulator
    let server: SimulatorServer?
    let deezer: DeezerClient
    let lastFM: LastFMClient
    let musicBrainz: MusicBrainzClient

    init(_ wire: Wire, artists: Int = 16, seed: UInt64 = 1, faultRate: Double = 0, clock: SleepRecorder = SleepRecorder()) throws {
        simulator = SpotifySimulator(options: .init(artists: artists, seed: seed, faultRate: faultRate, lastFMAPIKey: "the-key"))
        let transport: any HTTPTransport
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
        func configuration(_ path: String) -> AudienceSourceConfiguration {
            AudienceSourceConfiguration(baseURL: URL(string: base + path)!, rate: RequestRate(requests: 1000, per: .seconds(1)),
                                        retry: RetryPolicy(maximumAttempts: 8, baseDelay: .milliseconds(10), maximumDelay: .milliseconds(50)),
                                        clock: clock)
        }
        deezer = DeezerClient(configuration: configuration("/deezer"), transport: transport)
        lastFM = LastFMClient(apiKey: "the-key", configuration: configuration("/lastfm/2.0"), transport: transport)
        musicBrainz = MusicBrainzClient(configuration: configuration("/musicbrainz"), transport: transport)
    }

    func stop() { server?.stop() }
}

@Suite struct SimulatedSourcesTests {
    @Test(arguments: Wire.allCases)
    func deezerFindsArtistsByNameAndCountsTheirFans(_ wire: Wire) async throws {
        let sources = try SimulatedSources(wire)
        defer { sources.stop() }
        let directory = sources.simulator.artistDirectory
        // Artist 1 is on Deezer under id 1007; its fans follow its followers.
        let artist = try #require(try await sources.deezer.artist(id: 1007))
        #expect(artist.name == directory[1].name && (artist.fans ?? 0) > 0)
        // No such artist: Deezer's "no data" (code 800, HTTP 200) is nil, not an error.
        #expect(try await sources.deezer.artist(id: 999_999) == nil)
        // Artists 3 and 7 share a name: a search finds both.
        let namesakes = try await sources.deezer.searchArtists(directory[3].name)
        #expect(namesakes.filter { $0.name == directory[3].name }.count == 2)
        // Artist 4's name is Cyrillic, stored decomposed: a composed search still finds it.
        let cyrillic = try await sources.deezer.searchArtists(directory[4].name.precomposedStringWithCanonicalMapping)
        #expect(cyrillic.count == 1 && cyrillic[0].name == directory[4].name && cyrillic[0].name.unicodeScalars.count > directory[4].name.unicodeScalars.count)
    }

    @Test(arguments: Wire.allCases)
    func lastFMCountsArriveAsNumbersAndMusicBrainzGivesMBIDsInBatches(_ wire: Wire) async throws {
        let sources = try SimulatedSources(wire, artists: 130)
        defer { sources.stop() }
        let ids = sources.simulator.artistDirectory.map(\.id)
        let before = sources.simulator.statistics.requests["MusicBrainz GET /ws/2/url", default: 0]
        let mbids = try await sources.musicBrainz.artistMBIDs(spotifyArtistIDs: ids)
        // 130 ids: two requests of at most 100 resources.
        #expect(sources.simulator.statistics.requests["MusicBrainz GET /ws/2/url", default: 0] - before == 2)
        // Artists missing from Last.fm (index % 6 == 2) or from MusicBrainz (index % 5 == 3) have none.
        for (index, id) in ids.enumerated() {
            #expect((mbids[id] != nil) == (index % 6 != 2 && index % 5 != 3), "artist \(index)")
        }
        let first = try #require(mbids[ids[0]])
        let artist = try #require(try await sources.lastFM.artist(mbid: first))
        #expect(artist.mbid == first && (artist.listeners ?? 0) > 0 && (artist.playcount ?? 0) > (artist.listeners ?? 0))
        #expect(try await sources.lastFM.artist(named: "Nobody Of This Name") == nil)
    }

    @Test func quotaFaultsAreRetriedNotReadAsNoData() async throws {
        let clock = SleepRecorder()
        let sources = try SimulatedSources(.inMemory, faultRate: 0.3, clock: clock)
        for index in 0..<16 where index % 8 != 6 {
            let artist = try await sources.deezer.artist(id: 1_000 + Int64(index) * 7)
            #expect(artist != nil, "artist \(index) read as missing under faults")
        }
        #expect(sources.simulator.statistics.faults > 0 && !clock.waits.isEmpty)
    }
}

/// A transport answering from a script: each request gets the next answer.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [TransportResponse]
    private(set) var requests: [TransportRequest] = []

    init(_ answers: [TransportResponse]) {
        self.answers = answers
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        lock.withLock {
            requests.append(request)
            return answers.isEmpty ? TransportResponse(status: 500) : answers.removeFirst()
        }
    }
}

func answer(_ json: String, status: Int = 200, headers: [String: String] = [:]) -> TransportResponse {
    TransportResponse(status: status, headers: headers.merging(["content-type": "application/json"]) { a, _ in a }, body: Array(json.utf8))
}

func configuration(_ clock: SleepRecorder, attempts: Int = 4, rate: RequestRate = RequestRate(requests: 100, per: .seconds(1))) -> AudienceSourceConfiguration {
    AudienceSourceConfiguration(baseURL: URL(string: "https://source.example")!, rate: rate,
                                retry: RetryPolicy(maximumAttempts: attempts, baseDelay: .milliseconds(100), maximumDelay: .seconds(1)),
                                quotaPause: .seconds(5), clock: clock)
}

@Suite struct SourceFailureTests {
    let quota = answer(#"{"error":{"type":"Exception","message":"Quota limit exceeded","code":4}}"#)
    let artist = answer(#"{"id":27,"name":"Daft Punk","nb_album":40,"nb_fan":4700000,"type":"artist"}"#)

    @Test func deezersQuotaAnsweredWith200PausesAndTriesAgain() async throws {
        let clock = SleepRecorder()
        let transport = ScriptedTransport([quota, quota, artist])
        let found = try await DeezerClient(configuration: configuration(clock), transport: transport).artist(id: 27)
        #expect(found == DeezerArtist(id: 27, name: "Daft Punk", fans: 4_700_000, albums: 40))
        #expect(transport.requests.count == 3 && clock.waits.filter { $0 == 5 }.count == 2, "\(clock.waits)")
    }

    @Test func aQuotaThatOutlastsTheRetriesIsAnErrorNeverNoData() async throws {
        let transport = ScriptedTransport(Array(repeating: quota, count: 10))
        await #expect(throws: AudienceError.rateLimitedKind) {
            _ = try await DeezerClient(configuration: configuration(SleepRecorder()), transport: transport).artist(id: 27)
        }
        #expect(transport.requests.count == 4)
    }

    @Test func deezersOtherErrorsAndBarcodes() async throws {
        let noData = answer(#"{"error":{"type":"DataException","message":"no data","code":800}}"#)
        let busy = answer(#"{"error":{"type":"Exception","message":"busy","code":700}}"#)
        let album = answer(#"{"id":302127,"title":"Discovery","upc":"724384960650","artist":{"id":27,"name":"Daft Punk"}}"#)
        let transport = ScriptedTransport([noData, busy, album])
        let client = DeezerClient(configuration: configuration(SleepRecorder()), transport: transport)
        #expect(try await client.album(upc: "0724384960650") == nil)
        let found = try #require(try await client.album(upc: "724384960650"))
        #expect(found.artist.name == "Daft Punk" && DeezerClient.sameUPC(found.upc ?? "", "00724384960650"))
        // A 13-digit EAN with a leading zero and a 14-digit GTIN are cut to 12; short codes padded.
        #expect(transport.requests.map(\.url.path) == ["/album/upc:724384960650", "/album/upc:724384960650", "/album/upc:724384960650"])
        #expect(DeezerClient.normalizedUPC("123") == "000000000123" && DeezerClient.normalizedUPC("4006381333931") == "4006381333931")
        #expect(DeezerClient.normalizedUPC("no digits") == nil && DeezerClient.normalizedUPC("123456789012345") == nil)
    }

    @Test func lastFMsStringCountsAndErrorCodes() async throws {
        let clock = SleepRecorder()
        let info = answer(#"{"artist":{"name":"Cher","mbid":"bfcc6d75-a6a5-4bc6-8282-47aec8531818","stats":{"listeners":"1234567","playcount":"98765432"}}}"#)
        let limited = answer(#"{"error":29,"message":"Rate Limit Exceeded"}"#)
        let missing = answer(#"{"error":6,"message":"The artist you supplied could not be found"}"#)
        let transport = ScriptedTransport([limited, info, missing])
        let client = LastFMClient(apiKey: "s3cr3t-key", configuration: configuration(clock), transport: transport)
        let cher = try #require(try await client.artist(mbid: "bfcc6d75-a6a5-4bc6-8282-47aec8531818"))
        #expect(cher.listeners == 1_234_567 && cher.playcount == 98_765_432 && cher.name == "Cher")
        #expect(clock.waits == [5])
        #expect(try await client.artist(named: "Nobody") == nil)
        let query = transport.requests[1].url.query ?? ""
        #expect(query.contains("api_key=s3cr3t-key") && query.contains("autocorrect=0") && query.contains("format=json"))
    }

    @Test func aRefusedKeyStopsAtOnceAndNoMessageOrLogCarriesTheKey() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .trace
        let refused = answer(#"{"error":10,"message":"Invalid API key - You must be granted a valid key by last.fm"}"#, status: 403)
        let transport = ScriptedTransport([answer("{}", status: 503), refused, refused])
        let client = LastFMClient(apiKey: "s3cr3t-key", configuration: configuration(SleepRecorder()), transport: transport, logger: logger)
        do {
            _ = try await client.artist(named: "Cher")
            Issue.record("a refused key must throw")
        } catch let error as AudienceError {
            #expect(error.isRefusal && error == AudienceError.refusedKind && !error.description.contains("s3cr3t"), "\(error)")
        }
        #expect(transport.requests.count == 2, "a refused key is not retried")
        #expect(!handler.entries.isEmpty)
        for entry in handler.entries {
            #expect(!"\(entry.message) \(entry.metadata)".contains("s3cr3t"))
        }
        // Counts that are not whole numbers are a malformed answer.
        let odd = ScriptedTransport([answer(#"{"artist":{"name":"X","stats":{"listeners":"many","playcount":"1"}}}"#)])
        await #expect(throws: AudienceError.malformedKind) {
            _ = try await LastFMClient(apiKey: "k", configuration: configuration(SleepRecorder()), transport: odd).artist(named: "X")
        }
    }

    @Test func aRedirectToAnotherOriginIsNotFollowed() async throws {
        let transport = ScriptedTransport([TransportResponse(status: 302, headers: ["location": "https://elsewhere.example/steal"])])
        await #expect(throws: AudienceError.redirectKind) {
            _ = try await LastFMClient(apiKey: "s3cr3t-key", configuration: configuration(SleepRecorder()), transport: transport).artist(named: "X")
        }
        #expect(transport.requests.count == 1)
    }

    @Test func musicBrainzLinksOnlyAnUnambiguousArtistAndPacesItself() async throws {
        let clock = SleepRecorder()
        let two = answer(#"""
        {"url-count":2,"urls":[
          {"resource":"https://open.spotify.com/artist/AAAAAAAAAAAAAAAAAAAAAA","relations":[{"artist":{"id":"mbid-a","name":"A"}}]},
          {"resource":"https://open.spotify.com/artist/BBBBBBBBBBBBBBBBBBBBBB","relations":[{"artist":{"id":"mbid-b1"}},{"artist":{"id":"mbid-b2"}}]}]}
        """#)
        let one = answer(#"{"resource":"https://open.spotify.com/artist/CCCCCCCCCCCCCCCCCCCCCC","relations":[{"artist":{"id":"mbid-c"}}]}"#)
        let transport = ScriptedTransport([two, one, answer("{}", status: 404)])
        let client = MusicBrainzClient(configuration: configuration(clock, rate: RequestRate(requests: 1, per: .seconds(1))), transport: transport)
        let found = try await client.artistMBIDs(spotifyArtistIDs: ["AAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBB"])
        #expect(found == ["AAAAAAAAAAAAAAAAAAAAAA": "mbid-a"])
        #expect(try await client.artistMBIDs(spotifyArtistIDs: ["CCCCCCCCCCCCCCCCCCCCCC"]) == ["CCCCCCCCCCCCCCCCCCCCCC": "mbid-c"])
        #expect(try await client.artistMBIDs(spotifyArtistIDs: ["DDDDDDDDDDDDDDDDDDDDDD"]).isEmpty)
        // One request a second: the second and third waited for the window to pass.
        #expect(clock.waits.count == 2 && clock.waits.allSatisfy { $0 > 0.9 && $0 <= 1 }, "\(clock.waits)")
        #expect(transport.requests.allSatisfy { $0.headers["User-Agent"]?.hasPrefix("Momentum-AudienceKit/") == true })
    }
}
