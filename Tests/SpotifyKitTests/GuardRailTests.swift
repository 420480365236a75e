// Regression tests for a hostile or broken Spotify: each case sent a secret to another host,
// trapped, hung or looped before.

import Foundation
import MomentumTestSupport
@testable import SpotifyKit
import Testing
import MomentumHTTP

@Suite struct SpotifyGuardRailTests {
    private func client(_ transport: any HTTPTransport, api: String = "http://api.test/v1", accounts: String = "http://accounts.test",
                        sleep: SleepRecorder = SleepRecorder(), maximumPages: Int = 200, deadline: Duration = .seconds(60)) -> SpotifyClient {
        SpotifyClient(clientID: "client-id", clientSecret: "super-secret-value",
                      configuration: SpotifyConfiguration(apiURL: URL(string: api), accountsURL: URL(string: accounts), retry: RetryPolicy(maximumAttempts: 3),
                                                          requestDeadline: deadline, maximumPages: maximumPages, clock: sleep),
                      transport: transport)
    }

    private static let id = try! SpotifyID(parsing: "0TnOYISbd1XYRBk9myaseg", kind: .artist)
    private static let token = #"{"access_token":"the-bearer-token","token_type":"Bearer","expires_in":3600}"#

    /// Over real sockets with URLSession: a 307 from the token endpoint and a 302 from the API
    /// point at another port (another origin); that server must never see our credentials.
    @Test func credentialsNeverFollowARedirectToAnotherOrigin() async throws {
        let elsewhere = try ScriptedHTTPServer { _ in .init(status: 200, body: Array(Self.token.utf8)) }
        defer { elsewhere.stop() }
        let accounts = try ScriptedHTTPServer { _ in .init(status: 307, headers: ["Location": "\(elsewhere.url)/api/token"]) }
        defer { accounts.stop() }
        let spotify = client(CurlTransport(), api: "\(accounts.url)/v1", accounts: accounts.url)
        await #expect(throws: SpotifyError.redirectKind) { try await spotify.artist(Self.id) }

        let api = try ScriptedHTTPServer { request in
            request.path.hasSuffix("/api/token") ? .init(status: 200, body: Array(Self.token.utf8))
                : .init(status: 302, headers: ["Location": "\(elsewhere.url)/v1/artists/x"])
        }
        defer { api.stop() }
        let second = client(CurlTransport(), api: "\(api.url)/v1", accounts: api.url)
        await #expect(throws: SpotifyError.redirectKind) { try await second.artist(Self.id) }
        #expect(elsewhere.requests.isEmpty, "another origin was contacted: \(elsewhere.requests.map(\.headers))")
        #expect(!api.requests.isEmpty && api.requests.allSatisfy { $0.headers["location"] == nil })
    }

    @Test func aSameOriginRedirectIsFollowedWithItsCredentials() async throws {
        let transport = RecordingTransport { request, _ in
            if request.url.path.hasSuffix("/api/token") { return TransportResponse(status: 200, body: Array(Self.token.utf8)) }
            if request.url.path.hasSuffix("/moved") {
                return TransportResponse(status: 200, body: Array(#"{"id":"0TnOYISbd1XYRBk9myaseg","name":"Moved"}"#.utf8))
            }
            return TransportResponse(status: 301, headers: ["Location": "/v1/moved"])
        }
        let artist = try await client(transport).artist(Self.id)
        #expect(artist.name == "Moved")
        #expect(transport.requests(to: "/moved").first?.header("Authorization") == "Bearer the-bearer-token")
    }

    /// A body trickled a byte every half second never trips the idle timeout; the deadline ends it.
    @Test func aTrickledBodyEndsAtTheDeadline() async throws {
        let server = try ScriptedHTTPServer { request in
            request.path.hasSuffix("/api/token") ? .init(status: 200, body: Array(Self.token.utf8))
                : .init(status: 200, body: Array(repeating: 0x20, count: 400), trickle: 0.5)
        }
        defer { server.stop() }
        let spotify = SpotifyClient(clientID: "c", clientSecret: "s",
                                    configuration: SpotifyConfiguration(apiURL: URL(string: "\(server.url)/v1"), accountsURL: URL(string: server.url),
                                                                        retry: .none, requestTimeout: .seconds(5), requestDeadline: .milliseconds(1500)),
                                    transport: CurlTransport())
        await #expect(throws: SpotifyError.transportKind) { try await spotify.artist(Self.id) }
        // The whole body would take 200 s; the 1.5 s deadline ends it long before. Measured by
        // the server, from the request's arrival to the connection's close (a byte every 0.5 s
        // fails to send): on a loaded machine whose cooperative threads are busy with other
        // tests' processes, the client may send late and the test may resume late, but once
        // sent, the deadline must end the request.
        let deadline = ContinuousClock.now + .seconds(30)
        while server.abandonedAnswers.isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let closed = try #require(server.abandonedAnswers.first, "the client never closed the trickled answer")
        let sent = try #require(server.requests.first { $0.path.hasSuffix("/artists/\(Self.id)") }?.at)
        #expect(closed - sent < .seconds(20), "closed \(closed - sent) after the request arrived")
    }

    @Test func anOversizedAnswerIsRefused() async throws {
        let server = try ScriptedHTTPServer { request in
            request.path.hasSuffix("/api/token") ? .init(status: 200, body: Array(Self.token.utf8))
                : .init(status: 200, body: Array(repeating: 0x20, count: 300_000))
        }
        defer { server.stop() }
        let spotify = SpotifyClient(clientID: "c", clientSecret: "s",
                                    configuration: SpotifyConfiguration(apiURL: URL(string: "\(server.url)/v1"), accountsURL: URL(string: server.url), retry: .none),
                                    transport: CurlTransport(maximumResponseBytes: 100_000))
        do {
            _ = try await spotify.artist(Self.id)
            Issue.record("a 300 kB answer was accepted")
        } catch let error as SpotifyError {
            #expect(error.message.contains("100000"))
        }
    }

    @Test(arguments: ["1e30", "nan", "inf", "-5", "-inf", "99999999999999999999999"])
    func hostileRetryAfterValuesNeitherTrapNorHang(_ value: String) async throws {
        let sleeps = SleepRecorder()
        let transport = RecordingTransport { request, number in
            if request.url.path.hasSuffix("/api/token") { return TransportResponse(status: 200, body: Array(Self.token.utf8)) }
            return TransportResponse(status: 429, headers: ["Retry-After": value])
        }
        do {
            _ = try await client(transport, sleep: sleeps).artist(Self.id)
            Issue.record("a permanent 429 succeeded")
        } catch let error as SpotifyError {
            #expect(error == .rateLimitedKind, "\(error)")
        }
        #expect(sleeps.waits.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 60 }, "\(sleeps.waits)")
        #expect(SpotifyError.formatWait(1e30) == "more than a year")
        #expect(SpotifyError.formatWait(.nan).contains("unusable"))
    }

    @Test func aBatchAnswerWithMoreArtistsThanAskedIsAnErrorNotACrash() async throws {
        let ids = try ["0TnOYISbd1XYRBk9myaseg", "1TnOYISbd1XYRBk9myaseg"].map { try SpotifyID(parsing: $0, kind: .artist) }
        let transport = RecordingTransport { request, _ in
            if request.url.path.hasSuffix("/api/token") { return TransportResponse(status: 200, body: Array(Self.token.utf8)) }
            let artists = (0..<5).map { #"{"id":"\#($0)TnOYISbd1XYRBk9myaseg","name":"x"}"# }.joined(separator: ",")
            return TransportResponse(status: 200, body: Array(#"{"artists":[\#(artists)]}"#.utf8))
        }
        let results = await client(transport).artists(ids)
        #expect(results.count == 2)
        #expect(results.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test func idsAndValuesFromTheServerAreChecked() async throws {
        let transport = RecordingTransport { request, _ in
            if request.url.path.hasSuffix("/api/token") { return TransportResponse(status: 200, body: Array(Self.token.utf8)) }
            return TransportResponse(status: 200, body: Array(#"{"artists":[{"id":"../../etc","name":"x"},{"id":"1TnOYISbd1XYRBk9myaseg","name":"y","popularity":3000000000}]}"#.utf8))
        }
        let ids = try ["0TnOYISbd1XYRBk9myaseg", "1TnOYISbd1XYRBk9myaseg"].map { try SpotifyID(parsing: $0, kind: .artist) }
        let results = await client(transport).artists(ids)
        #expect(results.allSatisfy { if case .failure = $0 { true } else { false } })
    }

    @Test func endlessPagesStopAtTheCap() async throws {
        let transport = RecordingTransport { request, number in
            if request.url.path.hasSuffix("/api/token") { return TransportResponse(status: 200, body: Array(Self.token.utf8)) }
            let item = #"{"id":"a\#(number)","name":"n"}"#
            return TransportResponse(status: 200, body: Array(#"{"items":[\#(item)],"next":"http://api.test/v1/more","total":null}"#.utf8))
        }
        var count = 0
        do {
            for try await _ in client(transport, maximumPages: 25).albums(of: Self.id) { count += 1 }
            Issue.record("an endless paging ended by itself")
        } catch let error as SpotifyError {
            #expect(error.message.contains("25 pages"))
        }
        #expect(count == 25 && transport.apiRequests.count == 25)
    }

    @Test func serverTextIsRedactedAndCapped() async throws {
        let echo = #"{"error":{"status":500,"message":"bad header Authorization: Bearer the-bearer-token and client_secret=super-secret-value \#(String(repeating: "x", count: 2000))"}}"#
        let transport = RecordingTransport { request, _ in
            if request.url.path.hasSuffix("/api/token") { return TransportResponse(status: 200, body: Array(Self.token.utf8)) }
            return TransportResponse(status: 418, body: Array(echo.utf8))
        }
        do {
            _ = try await client(transport).artist(Self.id)
            Issue.record("a 418 succeeded")
        } catch let error as SpotifyError {
            #expect(!error.message.contains("the-bearer-token") && !error.message.contains("super-secret-value"), "\(error.message)")
            #expect(error.message.count < 500)
        }
        // The token endpoint echoing the Basic credentials.
        let basic = Data("client-id:super-secret-value".utf8).base64EncodedString()
        let tokenEcho = RecordingTransport { _, _ in TransportResponse(status: 400, body: Array(#"{"error":"invalid_client Basic \#(basic) super-secret-value"}"#.utf8)) }
        do {
            _ = try await client(tokenEcho).artist(Self.id)
        } catch let error as SpotifyError {
            #expect(!error.message.contains(basic) && !error.message.contains("super-secret-value"), "\(error.message)")
        }
    }

    @Test func aJobPastItsDeadlineSendsNothingMore() async throws {
        let transport = RecordingTransport { _, _ in TransportResponse(status: 200, body: Array(Self.token.utf8)) }
        let spotify = SpotifyClient(tokenProvider: StaticTokenProvider(token: "t"),
                                    configuration: SpotifyConfiguration(apiURL: URL(string: "http://api.test/v1"), jobDeadline: .zero),
                                    transport: transport)
        await #expect(throws: SpotifyError.deadlineKind) { try await spotify.artist(Self.id) }
        #expect(transport.requests.isEmpty)
    }
}
