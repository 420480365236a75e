// MusicBrainz's URL relationships: the artist a Spotify artist page belongs to, as its MBID (the
// key Last.fm is asked by). `GET /ws/2/url?resource=…&inc=artist-rels&fmt=json` takes up to 100
// `resource` values per request; MusicBrainz allows one request per second per client and
// refuses clients without a meaningful User-Agent (503 when exceeded, retried after a pause).

import Foundation
import Logging
import MomentumHTTP

/// A client for MusicBrainz's URL lookup.
public final class MusicBrainzClient: Sendable {
    /// How this client talks to MusicBrainz.
    public let configuration: AudienceSourceConfiguration
    let exchange: AudienceExchange

    /// `resource` values per request, MusicBrainz's limit.
    public static let resourcesPerRequest = 100

    /// A client; set a User-Agent that names your application and how to reach you.
    public init(configuration: AudienceSourceConfiguration = .musicBrainz(), transport: any HTTPTransport = CurlTransport(),
                logger: Logger? = nil) {
        self.configuration = configuration
        exchange = AudienceExchange(source: "MusicBrainz", configuration: configuration, transport: transport, logger: logger)
    }

    /// The MBID of each Spotify artist MusicBrainz links to exactly one artist (ids it does
    /// not know, or links to several artists, are left out), by Spotify id.
    public func artistMBIDs(spotifyArtistIDs ids: [String]) async throws -> [String: String] {
        var found: [String: String] = [:]
        let unique = Array(Set(ids)).sorted()
        for start in stride(from: 0, to: unique.count, by: MusicBrainzClient.resourcesPerRequest) {
            let chunk = Array(unique[start..<min(start + MusicBrainzClient.resourcesPerRequest, unique.count)])
            let byURL = Dictionary(uniqueKeysWithValues: chunk.map { (MusicBrainzClient.spotifyURL($0), $0) })
            for entry in try await lookUp(chunk.map(MusicBrainzClient.spotifyURL)) {
                guard let spotifyID = byURL[entry.resource] else { continue }
                let artists = Set((entry.relations ?? []).compactMap { $0.artist?.id })
                if artists.count == 1, let mbid = artists.first { found[spotifyID] = mbid }
            }
        }
        return found
    }

    /// `https://open.spotify.com/artist/{id}`: the form MusicBrainz stores.
    public static func spotifyURL(_ id: String) -> String { "https://open.spotify.com/artist/\(id)" }

    private func lookUp(_ resources: [String]) async throws -> [URLEntry] {
        let endpoint = "GET /ws/2/url"
        let url = try exchange.url("/ws/2/url", query: resources.map { ("resource", $0) } + [("inc", "artist-rels"), ("fmt", "json")])
        return try await exchange.get(url, endpoint: endpoint) { response -> AudienceExchange.Reading<[URLEntry]> in
            // A single resource MusicBrainz does not know is a 404; several come back as a list
            // of those it knows.
            if response.status == 404 { return .value([]) }
            guard (200..<300).contains(response.status) else {
                return .failed(AudienceError.service("MusicBrainz", endpoint, "HTTP \(response.status)"))
            }
            if let list = try? JSONDecoder().decode(URLList.self, from: Data(response.body)) { return .value(list.urls) }
            return .value([try self.exchange.decode(URLEntry.self, response.body, endpoint: endpoint)])
        }
    }

    struct URLList: Decodable {
        var urls: [URLEntry]
    }

    struct URLEntry: Decodable, Sendable {
        var resource: String
        var relations: [Relation]?

        struct Relation: Decodable, Sendable {
            var artist: Artist?
        }

        struct Artist: Decodable, Sendable {
            var id: String
            var name: String?
        }
    }
}
