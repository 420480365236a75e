// The client's behaviour, driven in memory with scripted answers.

import Foundation
import InMemoryLogging
import Logging
import SpotifyKit
import Testing

@Suite struct AuthenticationTests {
    @Test func theTokenIsFetchedOnceWithBasicAuthAndCached() async throws {
        let transport = RecordingTransport { request, _ in
            request.url.path == "/api/token" ? tokenAnswer : json(artistJSON(testID(1)))
        }
        let spotify = client(transport)
        for _ in 0..<5 { _ = try await spotify.artist(testID(1)) }
        #expect(transport.tokenRequests.count == 1)
        let tokenRequest = try #require(transport.tokenRequests.first)
        #expect(tokenRequest.method == "POST")
        #expect(tokenRequest.header("Authorization") == "Basic " + Data("test-client:s3cr3t-value".utf8).base64EncodedString())
        #expect(tokenRequest.header("Content-Type") == "application/x-www-form-urlencoded")
        #expect(tokenRequest.body == Array("grant_type=client_credentials".utf8))
        #expect(transport.apiRequests.allSatisfy { $0.header("Authorization") == "Bearer token-1" })
    }

    @Test(.timeLimit(.minutes(3)))   // a guard against a hang, not a speed check: a loaded 2-core machine is slow
    func concurrentCallersShareOneRefresh() async throws {
        // The twenty callers start together, and the token answer waits until the test lets it
        // go: the callers find the refresh under way. (A caller that came after the answer would
        // find the token cached: one request either way, unless refreshes are not shared.)
        let start = Rendezvous(size: 21)
        let tokenAsked = Latch(), tokenAnswered = Latch()
        let transport = RecordingTransport { request, _ in
            if request.url.path == "/api/token" {
                tokenAsked.open()
                await tokenAnswered.wait()
                return tokenAnswer
            }
            return json(artistJSON(testID(1)))
        }
        let spotify = client(transport, configuration(maxConcurrent: 8))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await start.arrive()
                    _ = try await spotify.artist(testID(1))
                }
            }
            await start.arrive()
            await tokenAsked.wait()
            for _ in 0..<10 { await Task.yield() }
            tokenAnswered.open()
            try await group.waitForAll()
        }
        #expect(transport.tokenRequests.count == 1)
        #expect(transport.apiRequests.count == 20)
    }

    @Test func invalidIDsAreRefusedBeforeAnyRequest() async throws {
        let transport = RecordingTransport { _, _ in tokenAnswer }
        await #expect(throws: SpotifyError.invalidIDKind) { try await client(transport).artist("Pitbull") }
        await #expect(throws: SpotifyError.invalidIDKind) { try await client(transport).artist("spotify:album:0TnOYISbd1XYRBk9myaseg") }
        #expect(transport.requests.isEmpty)
        _ = try? await client(transport).artist("https://open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg?si=1")
        #expect(transport.requests(to: "/artists/0TnOYISbd1XYRBk9myaseg").count == 1)
    }

    @Test(.timeLimit(.minutes(3)))   // a guard against a hang, not a speed check: a loaded 2-core machine is slow
    func noMoreRequestsInFlightThanTheLimit() async throws {
        // Each request waits until three are in the transport together: the limit is reached
        // every time, and a fourth would be counted while the three wait.
        let together = Rendezvous(size: 3)
        let transport = RecordingTransport { request, _ in
            if request.url.path == "/api/token" { return tokenAnswer }
            await together.arrive()
            return json(artistJSON(String(request.url.lastPathComponent)))
        }
        let spotify = client(transport, configuration(maxConcurrent: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<24 { group.addTask { _ = try await spotify.artist(testID(n)) } }
            try await group.waitForAll()
        }
        #expect(transport.maxInFlight == 3)
    }

    @Test func logsNeverCarryTheSecretOrTheToken() async throws {
        let handler = InMemoryLogHandler()
        let logger = Logger(label: "test", factory: { _ in handler })
        var level = logger
        level.logLevel = .trace
        let transport = RecordingTransport { request, number in
            if request.url.path == "/api/token" { return tokenAnswer }
            return number == 1 ? spotifyError(503, "busy") : json(artistJSON(testID(1)))
        }
        _ = try await client(transport, logger: level).artist(testID(1))
        #expect(!handler.entries.isEmpty)
        for entry in handler.entries {
            let text = "\(entry.message) \(entry.metadata)"
            #expect(!text.contains("s3cr3t") && !text.contains("token-1") && !text.contains("Basic "), "\(text)")
        }
    }
}

@Suite struct EndpointTests {
    @Test func artistsComeInBatchesOfFiftyInOrderWithUnknownIDsApart() async throws {
        let transport = RecordingTransport { request, _ in
            if request.url.path == "/api/token" { return tokenAnswer }
            let ids = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "ids" }?.value ?? ""
            return json(["artists": ids.split(separator: ",").map { id -> Any in id == Substring(testID(7)) ? NSNull() : artistJSON(String(id)) }])
        }
        let spotify = client(transport)
        let results = await spotify.artists(try ids(120))
        #expect(transport.apiRequests.count == 3)
        #expect(transport.apiRequests.compactMap { URLComponents(url: $0.url, resolvingAgainstBaseURL: false)?.queryItems?.first?.value?.split(separator: ",").count }.sorted() == [20, 50, 50])
        #expect(results.count == 120)
        for (n, result) in results.enumerated() {
            if n == 7 {
                #expect(throws: SpotifyError.notFoundKind) { try result.get() }
            } else {
                #expect(try result.get().id == testID(n))
            }
        }
        let mode = await spotify.apiMode
        #expect(!mode.isDevelopmentMode)
    }

    @Test func aMissingBatchEndpointFallsBackToSingleCallsAndIsRemembered() async throws {
        let transport = RecordingTransport { request, _ in
            if request.url.path == "/api/token" { return tokenAnswer }
            if request.url.path == "/v1/artists" { return spotifyError(403, "Forbidden") }
            return json(artistJSON(request.url.lastPathComponent, followers: nil))
        }
        let spotify = client(transport)
        let first = await spotify.artists(try ids(60))
        #expect(first.allSatisfy { (try? $0.get()) != nil })
        #expect(transport.requests(to: "/v1/artists").count == 1)
        #expect(transport.apiRequests.count == 61)
        _ = await spotify.artists(try ids(5))
        #expect(transport.requests(to: "/v1/artists").count == 1, "the batch endpoint is not tried again")
        let mode = await spotify.apiMode
        #expect(mode.isDevelopmentMode && !mode.batchEndpointAvailable && mode.followersMissing)
        #expect(mode.description.contains("Development Mode"))
    }

    @Test func albumsPageThroughEverythingWithTheMarketAndDropTheLimitWhenRefused() async throws {
        let total = 37
        let transport = RecordingTransport { request, _ in
            if request.url.path == "/api/token" { return tokenAnswer }
            let query = Dictionary(uniqueKeysWithValues: (URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            let limit = Int(query["limit"] ?? "") ?? 0, offset = Int(query["offset"] ?? "") ?? 0
            guard limit <= 10 else { return spotifyError(400, "Invalid limit") }
            let items = (offset..<min(offset + limit, total)).map { n -> [String: Any] in
                ["id": testID(n), "name": "Album \(n)", "album_type": "single", "album_group": "single", "release_date": "2026-01-01", "release_date_precision": "day", "total_tracks": 1]
            }
            return json(["items": items, "limit": limit, "offset": offset, "total": total, "href": "x",
                         "next": offset + limit < total ? "more" : NSNull(), "previous": NSNull()])
        }
        let spotify = client(transport)
        var names: [String] = []
        for try await album in spotify.albums(of: try SpotifyID(parsing: testID(1), kind: .artist), groups: [.album, .single]) {
            names.append(album.name)
        }
        #expect(names == (0..<total).map { "Album \($0)" })
        let queries = transport.apiRequests.map { URLComponents(url: $0.url, resolvingAgainstBaseURL: false)?.queryItems ?? [] }
        #expect(queries.allSatisfy { $0.contains(URLQueryItem(name: "market", value: "US")) })
        #expect(queries.allSatisfy { $0.contains(URLQueryItem(name: "include_groups", value: "album,single")) })
        #expect(queries.map { $0.first { $0.name == "limit" }?.value } == ["50", "10", "10", "10", "10"])
        let mode = await spotify.apiMode
        #expect(mode.pageLimit == 10)
    }

    @Test func otherBadRequestsAreErrorsWithSpotifysMessage() async throws {
        let transport = RecordingTransport { request, _ in
            request.url.path == "/api/token" ? tokenAnswer : spotifyError(400, "Invalid market code")
        }
        do {
            for try await _ in client(transport).albums(of: try SpotifyID(parsing: testID(1), kind: .artist)) {}
            Issue.record("expected an error")
        } catch let error as SpotifyError {
            #expect(error == .badRequestKind && error.message.contains("Invalid market code"))
        }
    }
}

@Suite struct TokenProviderTests {
    @Test func aStaticTokenIsUsedAsIsAndNeverFetched() async throws {
        let transport = RecordingTransport { request, _ in json(artistJSON(testID(2))) }
        let spotify = SpotifyClient(tokenProvider: StaticTokenProvider(token: "user-token"), configuration: configuration(), transport: transport)
        _ = try await spotify.artist(testID(2))
        #expect(transport.tokenRequests.isEmpty)
        #expect(transport.apiRequests.first?.header("Authorization") == "Bearer user-token")
    }
}
