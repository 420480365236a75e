// The weekly job: discographies in, new releases out. What is due is decided artist by artist
// from its state, and what was already recorded is read back from the raw releases, so the
// scan is resumable and idempotent: a rerun after a kill (even between the raw file and the
// states) writes each album once, reports each new release once, and never files a week's
// new releases as a first-scan baseline.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import SpotifyKit

extension IngestionJobs {
    package struct ReleasesReport: Sendable {
        /// The raw files written (one per batch of artists).
        package var keys: [String]
        package var key: String? { keys.last }
        package var newAlbums: Int
        package var baselineAlbums: Int
        package var artistsScanned: Int
        /// Tracked artists not due (scanned within the interval).
        package var notDue: Int
        package var failures: [IngestFailure]
    }

    /// Scans the discography of every tracked artist whose last completed scan is at least
    /// `interval` days old (1: anything not scanned today). Takes the lake lock.
    ///
    /// On an artist's first scan every album is written with `is_new = false` (the baseline);
    /// afterwards only albums missing from its state and from the raw releases, with
    /// `is_new = true`. Artists are committed in batches: the raw file, then their states.
    package func ingestReleases(now: Date, interval: Int = 1, batchSize: Int = 200) async throws -> ReleasesReport {
        try await LakeLock.withLock(store, command: "ingest releases") {
            try await ingestReleasesLocked(now: now, interval: max(1, interval), batchSize: max(1, batchSize))
        }
    }

    private func ingestReleasesLocked(now: Date, interval: Int, batchSize: Int) async throws -> ReleasesReport {
        let discovered = try IngestionJobs.nanoseconds(now)
        let today = Instant(nanosecondsSinceEpoch: discovered).day
        let stamp = Instant(nanosecondsSinceEpoch: discovered).isoString
        let roster = try await TrackedArtists.load(from: store)
        guard !roster.artists.isEmpty else {
            throw EngineError.invalidInput("no tracked artists in \(store.location): add some with `momentum artists add`")
        }
        var report = ReleasesReport(keys: [], newAlbums: 0, baselineAlbums: 0, artistsScanned: 0, notDue: 0, failures: roster.invalidEntryFailures)

        // States first: a corrupt one is named and its artist skipped before anything is fetched.
        var due: [(entry: TrackedArtists.ValidEntry, state: DiscographyState?)] = []
        for entry in roster.validEntries {
            do {
                let state = try await DiscographyState.load(artistID: entry.id.rawValue, from: store)
                if ReleaseScan.isDue(state, today: today, interval: interval) {
                    due.append((entry, state))
                } else {
                    report.notDue += 1
                }
            } catch {
                report.failures.append(IngestFailure(artistID: entry.id.rawValue, artistName: entry.name, error: EngineError.invalidInput("\(error)")))
            }
        }
        guard !due.isEmpty else { return report }
        let recorded = try await ReleaseScan.recordedAlbums(in: store)

        var done = 0
        for start in stride(from: 0, to: due.count, by: batchSize) {
            let batch = Array(due[start..<min(start + batchSize, due.count)])
            let scans = await scan(batch.map(\.entry))
            var records: [ReleaseRecord] = []
            var states: [DiscographyState] = []
            for ((entry, previous), result) in zip(batch, scans) {
                switch result {
                case .failure(let error):
                    report.failures.append(IngestFailure(artistID: entry.id.rawValue, artistName: entry.name, error: error))
                case .success(let albums):
                    let id = entry.id.rawValue
                    let alreadyRecorded = recorded[id] ?? []
                    let known = Set(previous?.albumIDs ?? []).union(alreadyRecorded)
                    // A baseline only when nothing of this artist was ever recorded.
                    let firstScan = previous == nil && alreadyRecorded.isEmpty
                    var seen = Set<String>()
                    for album in albums where seen.insert(album.id).inserted && !known.contains(album.id) {
                        records.append(ReleaseRecord(
                            artistID: id, albumID: album.id, albumName: album.name, albumType: album.albumType ?? "",
                            albumGroup: album.albumGroup, releaseDate: album.releaseDate ?? "",
                            releaseDatePrecision: album.releaseDatePrecision ?? "", totalTracks: Int64(max(0, album.totalTracks ?? 0)),
                            discoveredAt: Instant(nanosecondsSinceEpoch: discovered), isNew: !firstScan))
                        if firstScan { report.baselineAlbums += 1 } else { report.newAlbums += 1 }
                    }
                    states.append(DiscographyState(
                        artistID: id, albumIDs: known.union(seen).sorted(), firstScan: previous?.firstScan ?? stamp, lastScan: stamp))
                }
            }
            if !records.isEmpty {
                let key = LakeLayout.rawKey(.releases, day: today.isoString, runID: try IngestionJobs.runID(now))
                try await store.put(key, bytes: JSONLines.encode(records))
                report.keys.append(key)
            }
            // Only now that the records are safe; a kill before this point is repaired by the
            // raw releases read back at the next scan.
            for state in states { try await state.save(to: store) }
            report.artistsScanned += states.count
            done += batch.count
            progress?(EngineProgress(phase: .fetching, completed: done, total: due.count))
        }
        return report
    }

    /// Each artist's albums, with ids checked, in the order given.
    private func scan(_ entries: [TrackedArtists.ValidEntry]) async -> [Result<[SimplifiedAlbum], SpotifyError>] {
        await withTaskGroup(of: (Int, Result<[SimplifiedAlbum], SpotifyError>).self) { group in
            for (index, entry) in entries.enumerated() {
                group.addTask { [spotify] in
                    do {
                        var albums: [SimplifiedAlbum] = []
                        for try await album in spotify.albums(of: entry.id) {
                            guard (try? SpotifyID(parsing: album.id, kind: .album)) != nil else {
                                throw SpotifyError.unexpected("GET /artists/{id}/albums returned an invalid album id '\(TerminalText.sanitized(String(album.id.prefix(40))))'")
                            }
                            albums.append(album)
                        }
                        return (index, .success(albums))
                    } catch let error as SpotifyError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(SpotifyError.unexpected("\(error)")))
                    }
                }
            }
            var results = [Result<[SimplifiedAlbum], SpotifyError>](repeating: .failure(.unexpected("not scanned")), count: entries.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }
}

enum ReleaseScan {
    /// Due when there is no state, its last scan cannot be read, or it is `interval` days old.
    static func isDue(_ state: DiscographyState?, today: Day, interval: Int) -> Bool {
        guard let state, let last = Instant(iso: state.lastScan) else { return true }
        return today - last.day >= interval
    }

    /// Every album id already in the raw releases, by artist.
    static func recordedAlbums(in store: any ObjectStore) async throws -> [String: Set<String>] {
        let read = try await RawLakeReader.read(ReleaseRecord.self, dataset: .releases, from: store)
        var albums: [String: Set<String>] = [:]
        for record in read.recordsByFile.joined() { albums[record.artistID, default: []].insert(record.albumID) }
        return albums
    }
}
