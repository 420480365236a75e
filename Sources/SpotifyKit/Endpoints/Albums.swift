// GET /albums/{id}: one full album.

extension SpotifyClient {
    public func album(_ id: SpotifyID) async throws -> Album {
        try await get(Album.self, path: "albums/\(id.rawValue)", query: [("market", configuration.market)], endpoint: "GET /albums/{id}")
    }
}
