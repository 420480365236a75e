// GET /albums/{id}: one full album (with its barcodes); GET /tracks/{id}: one full track (with
// its ISRC). Identity matching on other sources reads them.

extension SpotifyClient {
    /// `GET /albums/{id}`: one album with its first page of tracks.
    public func album(_ id: SpotifyID) async throws -> Album {
        try await get(Album.self, path: "albums/\(id.rawValue)", query: [("market", configuration.market)], endpoint: "GET /albums/{id}")
    }

    /// `GET /tracks/{id}`: one track, with its ISRC.
    public func track(_ id: SpotifyID) async throws -> Track {
        try await get(Track.self, path: "tracks/\(id.rawValue)", query: [("market", configuration.market)], endpoint: "GET /tracks/{id}")
    }
}
