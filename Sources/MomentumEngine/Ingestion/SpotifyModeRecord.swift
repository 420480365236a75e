// What the Spotify app may do (batches of 50 or single calls, pages of 50 or 10), remembered in
// the lake between runs: the daily job then sends its first batch with the others instead of
// alone to find out, and a Development Mode app does not spend a request on a batch endpoint it
// lacks. The record is probed again every week, and at once when answers contradict it (an app
// that got extended quota), so a change of access is seen within days.

import LakeKit
import Logging
import MomentumAnalytics
import SpotifyKit

struct SpotifyModeRecord: Codable, Equatable {
    var batchEndpointAvailable: Bool
    var pageLimit: Int
    /// The day the mode was last found out by probing (ISO).
    var probedOn: String

    enum CodingKeys: String, CodingKey {
        case batchEndpointAvailable = "batch_endpoint_available", pageLimit = "page_limit", probedOn = "probed_on"
    }

    static let key = "state/spotify/api_mode.json"
    /// Days a probed mode is trusted.
    static let trustedDays = 7

    var mode: SpotifyAPIMode {
        SpotifyAPIMode(batchEndpointAvailable: batchEndpointAvailable, pageLimit: pageLimit, followersMissing: false)
    }

    /// The remembered mode, when there is one probed within `trustedDays` of `day`. A record
    /// that does not read is named in a warning and treated as none: the job probes and
    /// replaces it (it is this job's own memory, not data).
    static func load(from store: any ObjectStore, on day: Day, logger: Logger) async -> SpotifyModeRecord? {
        let record: SpotifyModeRecord?
        do {
            record = try await LakeStateJSON.load(SpotifyModeRecord.self, key: key, from: store, what: "record of the Spotify app's access")
        } catch {
            logger.warning("\(error); the daily job finds the app's access out again")
            return nil
        }
        guard let record, let probed = Day(iso: record.probedOn), (1...50).contains(record.pageLimit) else { return nil }
        let age = Int(day.daysSinceEpoch) - Int(probed.daysSinceEpoch)
        return (0..<trustedDays).contains(age) ? record : nil
    }

    /// Records what a run on `day` saw, starting from `remembered` (nil: the run probed).
    /// Single calls that all brought follower counts contradict a remembered Development Mode:
    /// the record is removed, so the next run probes. Nothing is written when nothing changed.
    static func update(in store: any ObjectStore, on day: Day, remembered: SpotifyModeRecord?, seen: SpotifyAPIMode, asked: Bool) async throws {
        guard asked else { return }
        if let remembered, !remembered.batchEndpointAvailable, !seen.followersMissing {
            try await store.delete(key)
            return
        }
        let unchanged = remembered.map { $0.batchEndpointAvailable == seen.batchEndpointAvailable && $0.pageLimit == seen.pageLimit } ?? false
        if unchanged { return }
        let record = SpotifyModeRecord(batchEndpointAvailable: seen.batchEndpointAvailable, pageLimit: seen.pageLimit, probedOn: day.isoString)
        try await store.put(key, bytes: try LakeStateJSON.encode(record))
    }
}
