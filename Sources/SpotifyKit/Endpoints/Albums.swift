// GET /albums/{id}: one full album.

extension SpotifyClient {
    /// `GET /albums/{id}`: one album with its first page of tracks.
    public func album(_ id: SpotifyID) async throws -> Album {
        try await get(Album.self, path: "albums/\(id.rawValue)", query: [("market", configuration.market)], endpoint: "GET /albums/{id}")
    }
}
