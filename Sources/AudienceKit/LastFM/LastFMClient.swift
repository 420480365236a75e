// Last.fm's `artist.getInfo`: an artist's listeners and plays. The counts arrive as strings;
// errors are `{"error": N, "message": …}`, sometimes with HTTP 200: 6 is "not found" (an
// answer), 10 and 26 refuse the key (nothing will work: the job stops), 29 is the rate limit
// (pause and try again), 8, 11 and 16 are the service failing for now. The API key is a
// secret: it goes in the query of each request and nowhere else (requests are named by their
// templates in messages and logs, never by their URLs).

import Foundation
import Logging
import MomentumHTTP

/// An artist on Last.fm, as `artist.getInfo` gives it.
public struct LastFMArtist: Sendable, Hashable {
    /// The artist's name on Last.fm.
    public var name: String
    /// Its MusicBrainz id, when Last.fm has one.
    public var mbid: String?
    /// `stats.listeners`: distinct listeners; nil when not given.
    public var listeners: Int64?
    /// `stats.playcount`: plays; nil when not given.
    public var playcount: Int64?

    /// A value from its parts (for consumers' own tests).
    public init(name: String, mbid: String? = nil, listeners: Int64? = nil, playcount: Int64? = nil) {
        self.name = name
        self.mbid = mbid
        self.listeners = listeners
        self.playcount = playcount
    }
}

/// A client for Last.fm's `artist.getInfo`.
public final class LastFMClient: Sendable {
    /// How this client talks to Last.fm.
    public let configuration: AudienceSourceConfiguration
    let exchange: AudienceExchange
    private let apiKey: String

    /// A client with an API key (a secret: never printed, never logged).
    public init(apiKey: String, configuration: AudienceSourceConfiguration = .lastFM(), transport: any HTTPTransport = CurlTransport(),
                logger: Logger? = nil) {
        self.apiKey = apiKey
        self.configuration = configuration
        exchange = AudienceExchange(source: "Last.fm", configuration: configuration, transport: transport, logger: logger)
    }

    /// The artist with this MusicBrainz id; nil when Last.fm does not know it.
    public func artist(mbid: String) async throws -> LastFMArtist? {
        try await artistInfo([("mbid", mbid)])
    }

    /// The artist of exactly this name (no autocorrection); nil when Last.fm does not know it.
    public func artist(named name: String) async throws -> LastFMArtist? {
        try await artistInfo([("artist", name)])
    }

    private func artistInfo(_ selector: [(String, String)]) async throws -> LastFMArtist? {
        let endpoint = "artist.getInfo"
        let url = try exchange.url("/", query: [("method", "artist.getInfo")] + selector
                                        + [("autocorrect", "0"), ("api_key", apiKey), ("format", "json")])
        return try await exchange.get(url, endpoint: endpoint) { response in try LastFMClient.read(response, endpoint: endpoint) }
    }

    /// Last.fm's error codes, as its documentation names them.
    static let notFound: Int64 = 6
    static let refusedKeys: Set<Int64> = [4, 10, 26]
    static let rateLimited: Int64 = 29
    static let temporary: Set<Int64> = [8, 11, 16]

    static func read(_ response: TransportResponse, endpoint: String) throws -> AudienceExchange.Reading<LastFMArtist?> {
        let answer: LastFMAnswer
        do {
            answer = try JSONDecoder().decode(LastFMAnswer.self, from: Data(response.body))
        } catch {
            return .failed(AudienceError.malformed("Last.fm", endpoint, "HTTP \(response.status): \(AudienceExchange.reason(error))"))
        }
        if let code = answer.error?.value {
            let detail = "error \(code): \(answer.message.map { String($0.prefix(200)) } ?? "")"
            if code == notFound { return .value(nil) }
            if refusedKeys.contains(code) { return .failed(AudienceError.refused("Last.fm", endpoint, "\(detail); check LASTFM_API_KEY")) }
            if code == rateLimited { return .quota("rate limit exceeded (\(detail))") }
            if temporary.contains(code) { return .busy("temporarily unavailable (\(detail))") }
            return .failed(AudienceError.service("Last.fm", endpoint, detail))
        }
        guard (200..<300).contains(response.status) else { return .failed(AudienceError.service("Last.fm", endpoint, "HTTP \(response.status)")) }
        guard let artist = answer.artist else {
            return .failed(AudienceError.malformed("Last.fm", endpoint, "no artist in the answer"))
        }
        for (field, count) in [("listeners", artist.stats?.listeners), ("playcount", artist.stats?.playcount)] where (count?.value ?? 0) < 0 {
            return .failed(AudienceError.malformed("Last.fm", endpoint, "stats.\(field) is negative"))
        }
        return .value(LastFMArtist(name: artist.name, mbid: artist.mbid.flatMap { $0.isEmpty ? nil : $0 },
                                   listeners: artist.stats?.listeners?.value, playcount: artist.stats?.playcount?.value))
    }
}

/// `artist.getInfo`'s answer, or its error.
struct LastFMAnswer: Decodable {
    var error: LastFMInteger?
    var message: String?
    var artist: Artist?

    struct Artist: Decodable {
        var name: String
        var mbid: String?
        var stats: Stats?
    }

    struct Stats: Decodable {
        var listeners: LastFMInteger?
        var playcount: LastFMInteger?
    }
}

/// A whole number given as a JSON number or, as Last.fm gives its counts, as a string of
/// digits; anything else is a malformed answer.
struct LastFMInteger: Decodable {
    var value: Int64

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int64.self) {
            value = number
            return
        }
        let text = try container.decode(String.self)
        guard let number = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a whole number")
        }
        value = number
    }
}
