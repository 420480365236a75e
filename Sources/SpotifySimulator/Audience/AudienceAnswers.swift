// The other audience sources, answered from the simulated world as the real services answer:
// Deezer under `/deezer` (errors, quota included, as HTTP 200 with `{"error": {...}}`), Last.fm
// under `/lastfm/2.0/` (counts as strings, errors as `{"error": N}` with HTTP 200), MusicBrainz
// under `/musicbrainz/ws/2/url` (503 when a client goes too fast). Injected faults take each
// source's own form of "slow down".

import Foundation
import MomentumHTTP

extension SpotifySimulator {
    /// The audience source a path belongs to, with the path below the source's prefix.
    enum AudienceRoute {
        case deezer(String)
        case lastFM
        case musicBrainz

        var name: String {
            switch self {
            case .deezer(let path):
                let parts = path.split(separator: "/")
                let template = parts.first.map { first -> String in
                    if first.hasPrefix("album") { return "/album/upc:{upc}" }
                    if first.hasPrefix("track") { return "/track/isrc:{isrc}" }
                    if first == "search" { return "/search/artist" }
                    return "/\(first)/{id}"
                } ?? "/"
                return "Deezer GET \(template)"
            case .lastFM: return "Last.fm artist.getInfo"
            case .musicBrainz: return "MusicBrainz GET /ws/2/url"
            }
        }

        static func of(_ path: String) -> AudienceRoute? {
            if path.hasPrefix("/deezer/") { return .deezer(String(path.dropFirst("/deezer".count))) }
            if path == "/lastfm/2.0/" || path == "/lastfm/2.0" { return .lastFM }
            if path == "/musicbrainz/ws/2/url" { return .musicBrainz }
            return nil
        }
    }

    /// Each source's way of asking a client to slow down, for injected rate limits.
    func slowDown(_ route: AudienceRoute) -> TransportResponse {
        switch route {
        case .deezer: return json(["error": ["type": "Exception", "message": "Quota limit exceeded", "code": 4]])
        case .lastFM: return json(["error": 29, "message": "Rate Limit Exceeded"])
        case .musicBrainz: return error(503, "Your requests are exceeding the allowable rate limit")
        }
    }

    func answer(_ route: AudienceRoute, query: [String: String], resources: [String]) -> TransportResponse {
        let day = epochDay(now)
        switch route {
        case .deezer(let path): return deezer(path, query: query, day: day)
        case .lastFM: return lastFM(query, day: day)
        case .musicBrainz: return musicBrainz(resources)
        }
    }

    // MARK: Deezer

    private func deezerError(_ code: Int, _ type: String, _ message: String) -> TransportResponse {
        json(["error": ["type": type, "message": message, "code": code]])
    }

    private var noData: TransportResponse { deezerError(800, "DataException", "no data") }

    private func deezer(_ path: String, query: [String: String], day: Int) -> TransportResponse {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 1 else { return deezerError(501, "MethodException", "Unknown method") }
        switch (parts[0], parts.count) {
        case ("artist", 2):
            guard let id = Int64(parts[1]), let index = world.audience.firstIndex(where: { $0.deezerID == id }) else { return noData }
            return json(deezerArtist(index, day: day))
        case ("search", 2) where parts[1] == "artist":
            let needle = ArtistKey.of(query["q"] ?? "")
            guard !needle.isEmpty else { return deezerError(600, "DataException", "no query") }
            let limit = min(100, max(1, Int(query["limit"] ?? "") ?? 25))
            let hits = world.audience.indices.filter { world.audience[$0].deezerID != nil && ArtistKey.of(world.audience[$0].sourceName).contains(needle) }
            return json(["data": hits.prefix(limit).map { deezerArtist($0, day: day) }, "total": hits.count])
        case (let first, 1) where first.hasPrefix("album:upc:") || first.hasPrefix("upc:"):
            return deezerAlbum(upc: String(first.split(separator: ":").last ?? ""), day: day)
        case ("album", 2) where parts[1].hasPrefix("upc:"):
            return deezerAlbum(upc: String(parts[1].dropFirst(4)), day: day)
        case ("track", 2) where parts[1].hasPrefix("isrc:"):
            return deezerTrack(isrc: String(parts[1].dropFirst(5)), day: day)
        default:
            return deezerError(501, "MethodException", "Unknown method")
        }
    }

    private func deezerArtist(_ index: Int, day: Int) -> [String: Any] {
        let presence = world.audience[index]
        return ["id": presence.deezerID ?? 0, "name": presence.sourceName, "nb_fan": world.deezerFans(artist: index, day: day),
                "nb_album": world.artists[index].releases.filter { $0.day <= day }.count, "type": "artist",
                "link": "https://www.deezer.com/artist/\(presence.deezerID ?? 0)"]
    }

    private func deezerReference(_ index: Int) -> [String: Any] {
        ["id": world.audience[index].deezerID ?? 0, "name": world.audience[index].sourceName, "type": "artist"]
    }

    private func deezerAlbum(upc: String, day: Int) -> TransportResponse {
        // Deezer looks barcodes up as 12 digits (an EAN-13 with a leading 0 works too).
        let wanted = upc.count == 13 && upc.hasPrefix("0") ? String(upc.dropFirst()) : upc
        for (index, artist) in world.artists.enumerated() where world.audience[index].deezerID != nil && world.audience[index].albumsHaveUPC {
            if let release = artist.releases.first(where: { $0.day <= day && SimulatedWorld.upc(of: $0) == wanted }) {
                return json(["id": 500_000 + Int64(SimulatedWorld.stableHash(release.id) % 1_000_000), "title": release.name,
                             "upc": SimulatedWorld.upc(of: release), "artist": deezerReference(index), "type": "album"])
            }
        }
        return noData
    }

    private func deezerTrack(isrc: String, day: Int) -> TransportResponse {
        for (index, artist) in world.artists.enumerated() where world.audience[index].deezerID != nil {
            for release in artist.releases where release.day <= day {
                for n in 1...max(1, release.tracks) where SimulatedWorld.isrc(ofTrack: SpotifySimulator.trackID(release, n)) == isrc {
                    return json(["id": 900_000 + Int64(n), "title": "\(release.name) \(n)", "isrc": isrc, "artist": deezerReference(index),
                                 "type": "track"])
                }
            }
        }
        return noData
    }

    // MARK: Last.fm

    private func lastFM(_ query: [String: String], day: Int) -> TransportResponse {
        guard query["method"]?.lowercased() == "artist.getinfo" else { return json(["error": 3, "message": "Invalid Method"]) }
        guard let key = query["api_key"], !key.isEmpty, options.lastFMAPIKey.map({ $0 == key }) ?? true else {
            return json(["error": 10, "message": "Invalid API key - You must be granted a valid key by last.fm"], status: 403)
        }
        let index: Int?
        if let mbid = query["mbid"], !mbid.isEmpty {
            index = world.audience.firstIndex { $0.lastFMMBID == mbid }
        } else if let name = query["artist"], !name.isEmpty {
            // One page per name on Last.fm: two artists of one name are one entry.
            index = world.audience.firstIndex { $0.lastFMMBID != nil && $0.sourceName == name }
        } else {
            return json(["error": 6, "message": "You must supply either an artist name or a musicbrainz id"])
        }
        guard let index else { return json(["error": 6, "message": "The artist you supplied could not be found"]) }
        let counts = world.lastFMCounts(artist: index, day: day)
        return json(["artist": [
            "name": world.audience[index].sourceName, "mbid": world.audience[index].lastFMMBID ?? "",
            "url": "https://www.last.fm/music/\(index)", "streamable": "0",
            "stats": ["listeners": String(counts.listeners), "playcount": String(counts.plays)],
        ]])
    }

    // MARK: MusicBrainz

    private func musicBrainz(_ resources: [String]) -> TransportResponse {
        guard !resources.isEmpty else { return error(400, "resource is required") }
        guard resources.count <= 100 else { return error(400, "too many resources") }
        var entries: [[String: Any]] = []
        for resource in resources {
            guard resource.hasPrefix("https://open.spotify.com/artist/"),
                  let index = world.byID[String(resource.dropFirst("https://open.spotify.com/artist/".count))],
                  world.audience[index].inMusicBrainz, let mbid = world.audience[index].lastFMMBID else { continue }
            entries.append(["id": SimulatedWorld.uuid(of: resource), "resource": resource, "relations": [
                ["type": "free streaming", "direction": "backward", "target-type": "artist",
                 "artist": ["id": mbid, "name": world.audience[index].sourceName, "sort-name": world.audience[index].sourceName]],
            ]])
        }
        if resources.count == 1 {
            return entries.first.map { json($0) } ?? error(404, "Not Found")
        }
        return json(["url-count": entries.count, "url-offset": 0, "urls": entries])
    }
}

/// Names as a search compares them: NFC, case folded.
enum ArtistKey {
    static func of(_ name: String) -> String { name.precomposedStringWithCanonicalMapping.uppercased().lowercased() }
}

extension SimulatedWorld {
    /// A stable id for a MusicBrainz URL entity.
    static func uuid(of text: String) -> String {
        var rng = SeededGenerator(seed: stableHash(text))
        return uuid(&rng)
    }
}
