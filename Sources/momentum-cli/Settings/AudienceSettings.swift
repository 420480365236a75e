// The audience sources from the settings: Deezer on by default (it needs no key), Last.fm when a
// key is set (LASTFM_API_KEY, or `lastfm_api_key` in the Spotify secret of a deployed job), each
// turned off by `"sources": {"deezer": false}` in momentum.json. DEEZER_API_URL, LASTFM_API_URL
// and MUSICBRAINZ_API_URL point them elsewhere (a simulator, a proxy). The key never reaches a
// message.

import AudienceKit
import Foundation
import MomentumEngine
import MomentumHTTP

extension Settings {
    /// The enabled sources, among `wanted` (every one when nil), with clients on `transport`.
    func audienceSources(wanted: Set<AudienceSourceName>? = nil, transport: any HTTPTransport = CurlTransport()) async throws -> AudienceSources {
        var sources = AudienceSources()
        let want = wanted ?? Set(AudienceSourceName.allCases)
        if want.contains(.deezer), sourceSwitches["deezer"] ?? true {
            let url = try Settings.webURL(environment["DEEZER_API_URL"] ?? "https://api.deezer.com", name: "DEEZER_API_URL")
            sources.deezer = DeezerClient(configuration: .deezer(baseURL: url), transport: transport, logger: logger)
        }
        if want.contains(.lastfm), sourceSwitches["lastfm"] ?? true, let key = try await lastFMKey() {
            let url = try Settings.webURL(environment["LASTFM_API_URL"] ?? "https://ws.audioscrobbler.com/2.0", name: "LASTFM_API_URL")
            sources.lastFM = LastFMClient(apiKey: key, configuration: .lastFM(baseURL: url), transport: transport, logger: logger)
            let brainz = try Settings.webURL(environment["MUSICBRAINZ_API_URL"] ?? "https://musicbrainz.org", name: "MUSICBRAINZ_API_URL")
            sources.musicBrainz = MusicBrainzClient(configuration: .musicBrainz(baseURL: brainz), transport: transport, logger: logger)
        }
        return sources
    }

    /// Why a source the user asked for is off, for the message that says so.
    func whyOff(_ source: AudienceSourceName) -> String {
        if sourceSwitches[source.rawValue] == false { return "\"sources\": {\"\(source.rawValue)\": false} in momentum.json" }
        return source == .lastfm ? "LASTFM_API_KEY is not set (a key from last.fm/api/account/create)" : "it is turned off"
    }

    /// Last.fm's API key: LASTFM_API_KEY, else the Spotify secret's `lastfm_api_key`.
    func lastFMKey() async throws -> String? {
        if let key = environment["LASTFM_API_KEY"], !key.isEmpty { return key }
        if let arn = environment["SPOTIFY_SECRET_ARN"], !arn.isEmpty {
            return try await SpotifySecret.lastFMKey(arn: arn, environment: environment, logger: logger)
        }
        return nil
    }
}
