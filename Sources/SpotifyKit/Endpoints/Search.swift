// GET /search?type=artist: finding an artist by name.

extension SpotifyClient {
    /// Artists matching `query`, best matches first, fetched page by page as you iterate.
    /// (Spotify serves at most the first 1,000 results.)
    public func searchArtists(_ query: String) -> PageSequence<Artist> {
        PageSequence(
            client: self, endpoint: "GET /search", path: "search",
            query: [("q", query), ("type", "artist"), ("market", configuration.market)],
            decodePage: { client, response in
                try client.decode(ArtistSearchResult.self, from: response, endpoint: "GET /search").artists
            },
            maxOffset: 1000
        )
    }

    /// The first `count` artists matching `query`.
    public func searchArtists(_ query: String, count: Int) async throws -> [Artist] {
        var found: [Artist] = []
        for try await artist in searchArtists(query) {
            found.append(artist)
            if found.count >= count { break }
        }
        return found
    }
}
