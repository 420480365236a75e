// GET /artists/{id} and GET /artists?ids= (batches of 50, with a fallback to single calls for
// apps that lost the batch endpoint in February 2026).

extension SpotifyClient {
    /// The largest batch `GET /artists?ids=` accepts.
    public static let artistBatchSize = 50

    /// One artist.
    public func artist(_ id: SpotifyID) async throws -> Artist {
        let artist = try await get(Artist.self, path: "artists/\(id.rawValue)", endpoint: "GET /artists/{id}")
        if artist.followers?.total == nil { await state.sawArtistWithoutFollowers() }
        return try SpotifyClient.checked(artist, asked: id, endpoint: "GET /artists/{id}").get()
    }

    /// One artist, from an id, a `spotify:artist:` URI or an `open.spotify.com` link.
    public func artist(_ idOrLink: String) async throws -> Artist {
        try await artist(SpotifyID(parsing: idOrLink, kind: .artist))
    }

    /// Several artists, in the order asked, each with its own result: one unknown id does not
    /// sink the others. Uses batches of 50 while the API allows it, single calls otherwise.
    public func artists(_ ids: [SpotifyID]) async -> [Result<Artist, SpotifyError>] {
        var results = [Result<Artist, SpotifyError>?](repeating: nil, count: ids.count)
        var singles: [Int] = []
        let chunks = stride(from: 0, to: ids.count, by: SpotifyClient.artistBatchSize).map {
            $0..<min($0 + SpotifyClient.artistBatchSize, ids.count)
        }
        if await state.batchEndpointAvailable, let first = chunks.first {
            // The first batch alone tells whether the endpoint exists for this app; the rest
            // then go out together, paced by the concurrency limit.
            var answers = [(first, await batch(Array(ids[first])))]
            if await state.batchEndpointAvailable {
                answers += await withTaskGroup(of: (Range<Int>, Result<[Artist?], SpotifyError>).self) { group in
                    for range in chunks.dropFirst() {
                        group.addTask { (range, await self.batch(Array(ids[range]))) }
                    }
                    var rest: [(Range<Int>, Result<[Artist?], SpotifyError>)] = []
                    for await answer in group { rest.append(answer) }
                    return rest
                }
            } else {
                for range in chunks.dropFirst() { singles.append(contentsOf: range) }
            }
            var unavailable = false
            for (range, answer) in answers {
                switch answer {
                case .success(let artists) where artists.count != range.count:
                    // More or fewer answers than ids: none of them can be matched to an id safely.
                    let error = SpotifyError.invalidAnswer("GET /artists?ids=", "\(artists.count) artists for \(range.count) ids")
                    for index in range { results[index] = .failure(error) }
                case .success(let artists):
                    for (offset, artist) in artists.enumerated() {
                        let index = range.lowerBound + offset
                        results[index] = artist.map { SpotifyClient.checked($0, asked: ids[index], endpoint: "GET /artists?ids=") }
                            ?? .failure(.notFound("artist \(ids[index].rawValue)"))
                    }
                case .failure(let error) where error == .endpointUnavailableKind:
                    unavailable = true
                    singles.append(contentsOf: range)
                case .failure(let error):
                    for index in range { results[index] = .failure(error) }
                }
            }
            if unavailable {
                logger?.info("GET /artists?ids= is not available to this app (Development Mode); fetching artists one by one")
            }
        } else {
            singles = Array(ids.indices)
        }
        if !singles.isEmpty {
            await withTaskGroup(of: (Int, Result<Artist, SpotifyError>).self) { group in
                for index in singles {
                    group.addTask {
                        do {
                            return (index, .success(try await self.artist(ids[index])))
                        } catch let error as SpotifyError {
                            return (index, .failure(error))
                        } catch {
                            return (index, .failure(.transport("GET /artists/{id}", "\(error)", attempts: 1)))
                        }
                    }
                }
                for await (index, result) in group { results[index] = result }
            }
        }
        return results.map { $0 ?? .failure(.transport("GET /artists", "no answer", attempts: 0)) }
    }

    /// The artist, when it is the one asked for and its numbers are in range; ids and values
    /// from a server are checked before anything stores them.
    static func checked(_ artist: Artist, asked: SpotifyID, endpoint: String) -> Result<Artist, SpotifyError> {
        guard artist.id == asked.rawValue else {
            return .failure(.invalidAnswer(endpoint, "asked for artist \(asked.rawValue), got '\(artist.id.prefix(40))'"))
        }
        if let followers = artist.followers?.total, followers < 0 {
            return .failure(.invalidAnswer(endpoint, "artist \(asked.rawValue) has \(followers) followers"))
        }
        if let popularity = artist.popularity, !(0...100).contains(popularity) {
            return .failure(.invalidAnswer(endpoint, "artist \(asked.rawValue) has popularity \(popularity), outside 0-100"))
        }
        return .success(artist)
    }

    /// One `GET /artists?ids=` call; `.endpointUnavailable` when the API says it is gone.
    private func batch(_ ids: [SpotifyID]) async -> Result<[Artist?], SpotifyError> {
        let endpoint = "GET /artists?ids="
        do {
            let response = try await send(path: "artists", query: [("ids", ids.map(\.rawValue).joined(separator: ","))],
                                          endpoint: endpoint, passing: [403, 404])
            if response.status == 403 || response.status == 404 {
                await state.batchEndpointUnavailable()
                return .failure(.endpointUnavailable(endpoint, status: response.status))
            }
            let batch = try decode(ArtistBatch.self, from: response, endpoint: endpoint)
            if batch.artists.contains(where: { $0 != nil && $0?.followers?.total == nil }) {
                await state.sawArtistWithoutFollowers()
            }
            return .success(batch.artists)
        } catch let error as SpotifyError {
            return .failure(error)
        } catch {
            return .failure(.transport(endpoint, "\(error)", attempts: 1))
        }
    }
}
