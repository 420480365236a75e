// Identity matching and the audience job against the simulated sources (acceptance of "audience
// beyond Spotify"): every artist a source knows unambiguously is matched with the right evidence,
// the same-name pair is never matched by name, the counts filed are the sources' own, a rerun asks
// for nothing, and a store that fails part-way loses at most one file and doubles nothing.

import AudienceKit
import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
import MomentumEngine
import MomentumHTTP
import MomentumTestSupport
import SpotifyKit
import SpotifySimulator
import Testing

/// The in-process simulator as Spotify and as the three audience sources.
struct SimulatedWorldSources {
    let simulator: SpotifySimulator
    let spotify: SpotifyClient
    let sources: AudienceSources

    init(artists: Int, seed: UInt64 = 1, faultRate: Double = 0) {
        simulator = SpotifySimulator(options: .init(artists: artists, seed: seed, mode: .development, faultRate: faultRate))
        let retry = RetryPolicy(maximumAttempts: 10, baseDelay: .milliseconds(1), maximumDelay: .milliseconds(5))
        spotify = SpotifyClient(clientID: "id", clientSecret: "secret",
                                configuration: SpotifyConfiguration(apiURL: URL(string: "http://simulator.invalid/v1"),
                                                                    accountsURL: URL(string: "http://simulator.invalid"), retry: retry),
                                transport: simulator)
        func configuration(_ path: String) -> AudienceSourceConfiguration {
            AudienceSourceConfiguration(baseURL: URL(string: "http://simulator.invalid\(path)")!, rate: RequestRate(requests: 10_000, per: .seconds(1)),
                                        retry: retry, quotaPause: .milliseconds(1))
        }
        sources = AudienceSources(
            deezer: DeezerClient(configuration: configuration("/deezer"), transport: simulator),
            lastFM: LastFMClient(apiKey: "key", configuration: configuration("/lastfm/2.0"), transport: simulator),
            musicBrainz: MusicBrainzClient(configuration: configuration("/musicbrainz"), transport: simulator))
    }

    func roster(in store: any ObjectStore) async throws {
        try await TrackedArtists(artists: simulator.artistDirectory.map { .init(id: $0.id, name: $0.name, addedAt: "2026-01-01T00:00:00Z") })
            .save(to: store)
    }
}

@Suite struct AudienceIngestionTests {
    @Test func everyUnambiguousArtistIsMatchedWithTheRightEvidenceAndNamesakesNeverByName() async throws {
        let folder = try Repository.temporaryFolder("identity")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let world = SimulatedWorldSources(artists: 16)
        try await world.roster(in: store)
        let jobs = IngestionJobs(store: store, spotify: world.spotify, logger: Logger(label: "test"))
        let report = try await jobs.ingestAudience(sources: world.sources, now: Date(), matchBudget: 100)
        #expect(report.failures.isEmpty, "\(report.failures)")
        let directory = world.simulator.artistDirectory
        let mbids = try await world.sources.musicBrainz!.artistMBIDs(spotifyArtistIDs: directory.map(\.id))
        for (index, artist) in directory.enumerated() {
            let state = try #require(try await IdentityState.load(artistID: artist.id, from: store), "artist \(index)")
            // Deezer: every artist on it (index % 8 != 6) by its album's UPC; artist 5's albums
            // carry none, so its track's ISRC.
            let deezer = state.sources[.deezer]
            if index % 8 == 6 {
                #expect(deezer == nil, "artist \(index) is not on Deezer: \(String(describing: deezer))")
            } else {
                #expect(deezer?.id == String(1_000 + index * 7) && deezer?.matchedBy == (index == 5 ? .isrc : .upc), "artist \(index): \(String(describing: deezer))")
                #expect(deezer.map { ArtistNames.match($0.name, artist.name) } == true)
            }
            // Last.fm: by MusicBrainz's MBID where it links the artist, by a unique name where it
            // does not; the namesake (artist 3, named as artist 7) is never matched by name.
            let lastFM = state.sources[.lastfm]
            let onLastFM = index % 6 != 2, inMusicBrainz = onLastFM && index % 5 != 3
            if inMusicBrainz {
                #expect(lastFM?.matchedBy == .musicbrainz && lastFM?.id == mbids[artist.id], "artist \(index): \(String(describing: lastFM))")
            } else if onLastFM && index != 3 {
                #expect(lastFM?.matchedBy == .name && lastFM?.name == artist.name, "artist \(index): \(String(describing: lastFM))")
            } else {
                #expect(lastFM == nil, "artist \(index): \(String(describing: lastFM))")
            }
            if index == 3 || index == 7 {
                #expect(state.sources.values.allSatisfy { $0.matchedBy != .name }, "namesake \(index) matched by name")
            }
        }
        #expect(directory[3].name == directory[7].name)

        // The counts filed are the sources' own: Deezer's fans of artist 0 as Deezer gives them.
        let records = try await RawLakeReader.read(AudienceObservation.self, dataset: .audience, from: store).records
        let fans = records.first { $0.artistID == directory[0].id && $0.metric == "fans" }?.value
        let deezerFans = try await world.sources.deezer!.artist(id: 1_000)?.fans
        #expect(fans != nil && fans == deezerFans)
        #expect(Set(records.map { "\($0.artistID) \($0.source) \($0.metric)" }).count == records.count, "one record per artist and series")
        #expect(report.stored == 14 + 12)

        // A rerun asks for nothing; a manual match is kept; a later day asks again.
        let before = world.simulator.statistics.requests.values.reduce(0, +)
        let again = try await jobs.ingestAudience(sources: world.sources, now: Date())
        #expect(again.stored == 0 && again.alreadyRecorded == 26 && again.keys.isEmpty)
        #expect(world.simulator.statistics.requests.values.reduce(0, +) == before, "a rerun of the day sent requests")
    }

    @Test func aManualMatchIsNeverReplacedAndANameMatchLooksForStrongerEvidence() async throws {
        let folder = try Repository.temporaryFolder("identity-manual")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let world = SimulatedWorldSources(artists: 8)
        try await world.roster(in: store)
        let directory = world.simulator.artistDirectory
        // By hand, artist 0 is Deezer's artist 1014 (wrongly, as far as its barcodes go); artist 1
        // carries an old name match.
        try await IdentityState(artistID: directory[0].id, sources: [
            .deezer: .init(id: "1014", name: "by hand", matchedBy: .manual, evidence: [:], checkedAt: "2026-01-01T00:00:00Z"),
        ]).save(to: store)
        try await IdentityState(artistID: directory[1].id, sources: [
            .deezer: .init(id: "1021", name: directory[1].name, matchedBy: .name, evidence: [:], checkedAt: "2026-01-01T00:00:00Z"),
        ]).save(to: store)
        let matcher = IdentityMatcher(store: store, spotify: world.spotify, sources: world.sources.only([.deezer]), logger: Logger(label: "test"))
        let roster = try await TrackedArtists.load(from: store).validEntries
        _ = try await matcher.match(Array(roster.prefix(2)), roster: roster, now: Date(), force: true)
        #expect(try await IdentityState.load(artistID: directory[0].id, from: store)?.sources[.deezer]?.id == "1014")
        let upgraded = try await IdentityState.load(artistID: directory[1].id, from: store)?.sources[.deezer]
        #expect(upgraded?.matchedBy == .upc && upgraded?.id == "1007")
    }

    @Test func aStoreThatFailsPartWayLosesAtMostAFileAndTheRerunDoublesNothing() async throws {
        let folder = try Repository.temporaryFolder("audience-crash")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let world = SimulatedWorldSources(artists: 40, faultRate: 0.1)
        try await world.roster(in: store)
        let now = Date()
        // Identity first (its documents are puts too), then the counts in files of 10 records.
        var matching = IngestionJobs(store: store, spotify: world.spotify, logger: Logger(label: "test"))
        matching.metricsPerFile = 10
        _ = try await matching.ingestAudience(sources: world.sources, now: now, matchBudget: 100)
        let complete = try await RawLakeReader.read(AudienceObservation.self, dataset: .audience, from: store).records
        try FileManager.default.removeItem(at: folder.appendingPathComponent("raw/audience"))

        // The third raw file's put fails: two files are stored, the rest is not.
        var crashing = IngestionJobs(store: CrashingStore(base: store, failing: 3, prefix: "raw/audience/"), spotify: world.spotify,
                                     logger: Logger(label: "test"))
        crashing.metricsPerFile = 10
        await #expect(throws: (any Error).self) { _ = try await crashing.ingestAudience(sources: world.sources, now: now) }
        let partial = try await RawLakeReader.read(AudienceObservation.self, dataset: .audience, from: store)
        #expect(partial.files == 2 && partial.recordCount >= 20)

        var rerun = IngestionJobs(store: store, spotify: world.spotify, logger: Logger(label: "test"))
        rerun.metricsPerFile = 10
        let report = try await rerun.ingestAudience(sources: world.sources, now: now)
        #expect(report.failures.isEmpty, "\(report.failures)")
        let all = try await RawLakeReader.read(AudienceObservation.self, dataset: .audience, from: store).records
        func series(_ records: [AudienceObservation]) -> [String] { records.map { "\($0.artistID) \($0.source) \($0.metric)" }.sorted() }
        #expect(series(all) == series(complete), "every artist-source once for the day")
    }
}
