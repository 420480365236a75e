// Matching a tracked Spotify artist to the same artist on Deezer and Last.fm, strongest evidence
// first:
//   1. Deezer by barcode: one of the artist's albums or singles (`GET /albums/{id}`: Spotify
//      restored `external_ids` in March 2026), looked up on Deezer by its UPC; accepted only when
//      Deezer's album has the same UPC and its artist's name matches (NFC, case folded). An
//      album without a UPC offers its first track's ISRC instead.
//   2. Last.fm by the MBID MusicBrainz links the Spotify artist page to.
//   3. By name: only when exactly one candidate matches, and no other tracked artist has that
//      name (two artists of one name cannot be told apart by it); marked `name`, weaker, and
//      looked at again for stronger evidence.
//   4. A `manual` match (`momentum artists link`) is never replaced.
// A source that refuses (Last.fm's key) stops; an artist the sources could not be asked about is
// a failure of its own, the others go on.

import AudienceKit
import Foundation
import LakeKit
import Logging
import MomentumAnalytics
import SpotifyKit

package struct IdentityMatcher: Sendable {
    package let store: any ObjectStore
    package let spotify: SpotifyClient
    package let sources: AudienceSources
    package let logger: Logger
    /// Albums whose barcodes are tried per artist, at most.
    package var albumsTried = 2
    /// An unmatched artist is searched again after this many days.
    package var recheckDays = IdentityMatcher.defaultRecheckDays

    package init(store: any ObjectStore, spotify: SpotifyClient, sources: AudienceSources, logger: Logger) {
        self.store = store
        self.spotify = spotify
        self.sources = sources
        self.logger = logger
    }

    /// What matching did for one artist.
    package struct Outcome: Sendable {
        package var artistID: String
        package var artistName: String
        package var state: IdentityState
        /// Sources whose match was made or improved.
        package var changed: [AudienceSourceName]
        package var failures: [IngestFailure]
    }

    /// Whether `state` needs looking at for `source` today: no match, or a match by name only
    /// (stronger evidence may have appeared), not looked at for `recheckDays`. `force` looks at
    /// every source that has no manual match.
    package func isDue(_ state: IdentityState?, _ source: AudienceSourceName, now: Date, force: Bool) -> Bool {
        IdentityMatcher.isDue(state, source, now: now, force: force, recheckDays: recheckDays)
    }

    package static let defaultRecheckDays = 7

    package static func isDue(_ state: IdentityState?, _ source: AudienceSourceName, now: Date, force: Bool,
                              recheckDays: Int = defaultRecheckDays) -> Bool {
        func stale(_ checked: String?) -> Bool {
            guard let checked, let date = Instant(iso: checked)?.date else { return true }
            return now.timeIntervalSince(date) >= Double(recheckDays) * 86_400
        }
        if let match = state?.sources[source] {
            guard match.matchedBy != .manual else { return false }
            return force || (match.matchedBy == .name && stale(match.checkedAt))
        }
        return force || stale(state?.unmatchedCheckedAt[source])
    }

    /// Matches `artists` on the enabled sources and saves each artist's state. `roster` is every
    /// tracked artist (for the same-name rule); `known` the states the caller has read already
    /// (the others are read here).
    package func match(_ artists: [TrackedArtists.ValidEntry], roster: [TrackedArtists.ValidEntry], now: Date, force: Bool = false,
                       known: [String: IdentityState] = [:]) async throws -> [Outcome] {
        let checkedAt = Instant(nanosecondsSinceEpoch: try IngestionJobs.nanoseconds(now)).isoString
        var nameCounts: [String: Int] = [:]
        for entry in roster { nameCounts[ArtistNames.matchKey(entry.name), default: 0] += 1 }
        var states = known
        for artist in artists where states[artist.id.rawValue] == nil {
            states[artist.id.rawValue] = try await IdentityState.load(artistID: artist.id.rawValue, from: store)
        }
        // MusicBrainz is asked once for every artist Last.fm needs, 100 per request.
        var mbids: [String: String] = [:]
        var musicBrainzFailure: (any Error & Sendable)?
        if sources.lastFM != nil, let musicBrainz = sources.musicBrainz {
            let needing = artists.filter { isDue(states[$0.id.rawValue], .lastfm, now: now, force: force) }.map(\.id.rawValue)
            if !needing.isEmpty {
                do { mbids = try await musicBrainz.artistMBIDs(spotifyArtistIDs: needing) } catch let error as AudienceError {
                    logger.warning("MusicBrainz could not be asked for MBIDs: \(error)")
                    musicBrainzFailure = error
                }
            }
        }
        var outcomes: [Outcome] = []
        var refused: [AudienceSourceName: AudienceError] = [:]
        for artist in artists {
            try Task.checkCancellation()
            let id = artist.id.rawValue
            var state = states[id] ?? IdentityState(artistID: id)
            var outcome = Outcome(artistID: id, artistName: artist.name, state: state, changed: [], failures: [])
            let uniqueName = nameCounts[ArtistNames.matchKey(artist.name), default: 0] <= 1
            for source in sources.enabled where isDue(state, source, now: now, force: force) {
                if let error = refused[source] {
                    outcome.failures.append(IngestFailure(artistID: id, artistName: artist.name, error: error))
                    continue
                }
                do {
                    let found: IdentityState.SourceMatch?
                    switch source {
                    case .deezer: found = try await matchOnDeezer(artist, uniqueName: uniqueName, current: state.sources[.deezer], checkedAt: checkedAt)
                    case .lastfm: found = try await matchOnLastFM(artist, mbid: mbids[id], uniqueName: uniqueName, checkedAt: checkedAt)
                    }
                    if let found {
                        if state.sources[source].map({ $0.id != found.id || $0.matchedBy != found.matchedBy }) ?? true { outcome.changed.append(source) }
                        state.sources[source] = found
                        state.unmatchedCheckedAt[source] = nil
                    } else if state.sources[source] == nil {
                        state.unmatchedCheckedAt[source] = checkedAt
                    }
                } catch let error as AudienceError where error.isRefusal {
                    refused[source] = error
                    outcome.failures.append(IngestFailure(artistID: id, artistName: artist.name, error: error))
                } catch let error as CancellationError {
                    throw error
                } catch {
                    outcome.failures.append(IngestFailure(artistID: id, artistName: artist.name, error: error))
                }
            }
            // Without MusicBrainz's answer a Last.fm match may have been missed: say so.
            if state.sources[.lastfm] == nil, let musicBrainzFailure, sources.lastFM != nil {
                outcome.failures.append(IngestFailure(artistID: id, artistName: artist.name, error: musicBrainzFailure))
            }
            if state != states[id] { try await state.save(to: store) }
            outcome.state = state
            outcomes.append(outcome)
        }
        return outcomes
    }

    // MARK: Deezer

    private func matchOnDeezer(_ artist: TrackedArtists.ValidEntry, uniqueName: Bool, current: IdentityState.SourceMatch?,
                               checkedAt: String) async throws -> IdentityState.SourceMatch? {
        guard let deezer = sources.deezer else { return nil }
        if let strong = try await deezerByRelease(artist, deezer: deezer, checkedAt: checkedAt) { return strong }
        if var current, current.matchedBy == .name {
            current.checkedAt = checkedAt
            return current
        }
        guard uniqueName else {
            logger.info("\(artist.name): another tracked artist has this name; not matched on Deezer by name")
            return nil
        }
        let candidates = try await deezer.searchArtists(artist.name).filter { ArtistNames.match($0.name, artist.name) }
        guard candidates.count == 1, let only = candidates.first else { return nil }
        return IdentityState.SourceMatch(id: String(only.id), name: only.name, matchedBy: .name, evidence: ["query": artist.name], checkedAt: checkedAt)
    }

    /// Steps 1: an album's UPC, else a track's ISRC, found on Deezer under an artist of the same name.
    private func deezerByRelease(_ artist: TrackedArtists.ValidEntry, deezer: DeezerClient, checkedAt: String) async throws -> IdentityState.SourceMatch? {
        var tried = 0
        for try await album in spotify.albums(of: artist.id, groups: [.album, .single]) {
            guard tried < albumsTried else { break }
            tried += 1
            let albumID = try SpotifyID(parsing: album.id, kind: .album)
            let full = try await spotify.album(albumID)
            if let upc = full.externalIDs?.upc ?? full.externalIDs?.ean, let code = DeezerClient.normalizedUPC(upc) {
                if let found = try await deezer.album(upc: code), let theirs = found.upc, DeezerClient.sameUPC(theirs, code),
                   ArtistNames.match(found.artist.name, artist.name) {
                    return IdentityState.SourceMatch(id: String(found.artist.id), name: found.artist.name, matchedBy: .upc,
                                                     evidence: ["upc": code, "album_id": album.id, "album_name": album.name, "deezer_album_id": String(found.id)],
                                                     checkedAt: checkedAt)
                }
                continue
            }
            guard let trackID = full.tracks?.items.first?.id, let parsed = try? SpotifyID(parsing: trackID, kind: .track),
                  let isrc = try await spotify.track(parsed).externalIDs?.isrc else { continue }
            if let found = try await deezer.track(isrc: isrc), found.isrc.map({ $0.uppercased() == isrc.uppercased() }) ?? false,
               ArtistNames.match(found.artist.name, artist.name) {
                return IdentityState.SourceMatch(id: String(found.artist.id), name: found.artist.name, matchedBy: .isrc,
                                                 evidence: ["isrc": isrc, "track_id": trackID, "album_id": album.id, "album_name": album.name],
                                                 checkedAt: checkedAt)
            }
        }
        return nil
    }

    // MARK: Last.fm

    private func matchOnLastFM(_ artist: TrackedArtists.ValidEntry, mbid: String?, uniqueName: Bool, checkedAt: String) async throws -> IdentityState.SourceMatch? {
        guard let lastFM = sources.lastFM else { return nil }
        if let mbid, let found = try await lastFM.artist(mbid: mbid) {
            return IdentityState.SourceMatch(id: mbid, name: found.name, matchedBy: .musicbrainz,
                                             evidence: ["mbid": mbid, "spotify_url": MusicBrainzClient.spotifyURL(artist.id.rawValue)], checkedAt: checkedAt)
        }
        guard uniqueName else {
            logger.info("\(artist.name): another tracked artist has this name; not matched on Last.fm by name")
            return nil
        }
        guard let found = try await lastFM.artist(named: artist.name), ArtistNames.match(found.name, artist.name) else { return nil }
        return IdentityState.SourceMatch(id: found.mbid ?? found.name, name: found.name, matchedBy: .name, evidence: ["query": artist.name],
                                         checkedAt: checkedAt)
    }
}
