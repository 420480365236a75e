// GET /artists/{id}/albums: an artist's discography, every page, with the market always sent
// (without it Spotify lists a release once per market, under different ids).

extension SpotifyClient {
    /// Every album of an artist in the given groups, fetched page by page as you iterate.
    ///
    /// ```swift
    /// for try await album in spotify.albums(of: id, groups: [.album, .single]) { ... }
    /// ```
    public func albums(of artist: SpotifyID, groups: [AlbumGroup] = AlbumGroup.allCases) -> PageSequence<SimplifiedAlbum> {
        PageSequence(
            client: self, endpoint: "GET /artists/{id}/albums", path: "artists/\(artist.rawValue)/albums",
            query: [("include_groups", groups.map(\.rawValue).joined(separator: ",")), ("market", configuration.market)],
            decodePage: { client, response in
                try client.decode(Paging<SimplifiedAlbum>.self, from: response, endpoint: "GET /artists/{id}/albums")
            },
            maxOffset: nil
        )
    }
}
