// The daily job at scale: answers are filed as they arrive (a raw file per `metricsPerFile`
// records), so a crash loses at most one file's worth, and the rerun asks Spotify only for the
// artists not yet filed: in batches of 50 in extended quota, one by one in Development Mode.

import Foundation
import LakeAnalytics
import LakeKit
import Logging
import MomentumAnalytics
import MomentumEngine
import MomentumTestSupport
import SpotifyKit
import SpotifySimulator
import Testing

/// A store that fails the `failing`-th put of a raw metrics file, as a kill would cut the job.
struct CrashingStore: ObjectStore {
    let base: FileSystemObjectStore
    let failing: Int
    /// Only puts under this prefix count (and fail).
    var prefix = LakeDataset.artistMetrics.prefix
    let puts = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
    }

    var location: String { base.location }
    func list(prefix: String) async throws -> [ObjectInfo] { try await base.list(prefix: prefix) }
    func get(_ key: String) async throws -> [UInt8] { try await base.get(key) }
    func get(_ key: String, range: Range<Int>) async throws -> [UInt8] { try await base.get(key, range: range) }
    func put(_ key: String, bytes: [UInt8]) async throws {
        if key.hasPrefix(prefix), puts.next() == failing {
            throw CocoaError(.fileWriteUnknown)
        }
        try await base.put(key, bytes: bytes)
    }
    func create(_ key: String, bytes: [UInt8]) async throws -> Bool { try await base.create(key, bytes: bytes) }
    func delete(_ key: String) async throws { try await base.delete(key) }
    func size(of key: String) async throws -> Int? { try await base.size(of: key) }
    func copy(_ source: String, to destination: String) async throws { try await base.copy(source, to: destination) }
}

@Suite struct DailyJobTests {
    @Test(arguments: [SpotifySimulator.Mode.extended, .development])
    func answersAreFiledAsTheyArriveAndARerunAsksOnlyForWhatIsMissing(_ mode: SpotifySimulator.Mode) async throws {
        let folder = try Repository.temporaryFolder("daily-job")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let simulator = SpotifySimulator(options: .init(artists: 530, seed: 9, mode: mode))
        let roster = TrackedArtists(artists: simulator.artistDirectory.map { .init(id: $0.id, name: $0.name, addedAt: "2026-01-01T00:00:00Z") })
        try await roster.save(to: store)
        let now = Date()

        // The third file's put fails: two files (three batches of 50 each) are already stored.
        var crashing = IngestionJobs(store: CrashingStore(base: store, failing: 3), spotify: SpotifyClient(clientID: "id", clientSecret: "secret", transport: simulator),
                                     logger: Logger(label: "test"))
        crashing.metricsPerFile = 120
        await #expect(throws: (any Error).self) { try await crashing.ingestMetrics(now: now) }
        let stored = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store)
        #expect(stored.files == 2 && stored.recordCount == 300)

        // The rerun (a new process: a new client) asks only for the 230 missing artists.
        let before = simulator.statistics.requests
        var rerun = IngestionJobs(store: store, spotify: SpotifyClient(clientID: "id", clientSecret: "secret", transport: simulator), logger: Logger(label: "test"))
        rerun.metricsPerFile = 120
        let report = try await rerun.ingestMetrics(now: now)
        let asked = simulator.statistics.requests.merging(before) { $0 - $1 }
        #expect(report.recorded == 230 && report.alreadyRecorded == 300 && report.failures.isEmpty)
        #expect(report.keys.count == 2, "230 answers in files of at least 120: \(report.keys)")
        switch mode {
        case .extended:
            #expect(asked["GET /artists"] == 5 && asked["GET /artists/{id}", default: 0] == 0, "\(asked)")
        case .development:
            // One batch call learns the endpoint is gone; then one call per missing artist.
            #expect(asked["GET /artists"] == 1 && asked["GET /artists/{id}"] == 230, "\(asked)")
        }

        // Every tracked artist exactly once, and a third run asks for nothing.
        let all = try await RawLakeReader.read(MetricObservation.self, dataset: .artistMetrics, from: store).records
        #expect(all.count == 530 && Set(all.map(\.artistID)) == Set(simulator.artistDirectory.map(\.id)))
        let idle = simulator.statistics.requests
        let third = try await rerun.ingestMetrics(now: now)
        #expect(third.recorded == 0 && third.keys.isEmpty && simulator.statistics.requests == idle)
    }

    /// What the app may do is remembered in the lake: a Development Mode app's next run sends no
    /// batch call, an extended one sends its first batch with the others; the record is probed
    /// again after a week, and answers that contradict it (follower counts on single calls, a
    /// batch endpoint gone) correct it.
    @Test func theAppsAccessIsRememberedAndCorrectedByWhatSpotifyAnswers() async throws {
        let folder = try Repository.temporaryFolder("api-mode")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let development = SpotifySimulator(options: .init(artists: 120, seed: 4, mode: .development))
        let extended = SpotifySimulator(options: .init(artists: 120, seed: 4, mode: .extended))
        try await TrackedArtists(artists: development.artistDirectory.map { .init(id: $0.id, name: $0.name, addedAt: "2026-01-01T00:00:00Z") }).save(to: store)
        let start = Date()
        var runs = 0
        /// A run on day `offset` (a new process: a new client) against `simulator`: the requests it made.
        func run(_ simulator: SpotifySimulator, day offset: Int) async throws -> [String: Int] {
            let before = simulator.statistics.requests
            let jobs = IngestionJobs(store: store, spotify: SpotifyClient(clientID: "id", clientSecret: "secret", transport: simulator), logger: Logger(label: "test"))
            let report = try await jobs.ingestMetrics(now: start.addingTimeInterval(Double(offset) * 86_400))
            #expect(report.recorded == 120 && report.failures.isEmpty, "run \(runs)")
            runs += 1
            return simulator.statistics.requests.merging(before) { $0 - $1 }
        }
        struct Remembered: Decodable { var batch_endpoint_available: Bool }
        /// Whether the lake remembers a batch endpoint; nil for no record.
        func record() async throws -> Bool? {
            guard let bytes = try? await store.get("state/spotify/api_mode.json") else { return nil }
            return try JSONDecoder().decode(Remembered.self, from: Data(bytes)).batch_endpoint_available
        }

        // Development Mode: probed once, then remembered.
        var asked = try await run(development, day: 0)
        #expect(asked["GET /artists"] == 1 && asked["GET /artists/{id}"] == 120, "\(asked)")
        #expect(try await record() == false)
        asked = try await run(development, day: 1)
        #expect(asked["GET /artists", default: 0] == 0 && asked["GET /artists/{id}"] == 120, "\(asked)")
        // A week after the probe, the job probes again.
        asked = try await run(development, day: 7)
        #expect(asked["GET /artists"] == 1 && asked["GET /artists/{id}"] == 120, "\(asked)")

        // The app got extended quota: single calls bring follower counts, so the record goes and
        // the next run probes, finds the batch endpoint and remembers it.
        asked = try await run(extended, day: 8)
        #expect(asked["GET /artists", default: 0] == 0 && asked["GET /artists/{id}"] == 120, "\(asked)")
        #expect(try await record() == nil)
        asked = try await run(extended, day: 9)
        #expect(asked["GET /artists"] == 3 && asked["GET /artists/{id}", default: 0] == 0, "\(asked)")
        #expect(try await record() == true)
        asked = try await run(extended, day: 10)
        #expect(asked["GET /artists"] == 3 && asked["GET /artists/{id}", default: 0] == 0, "\(asked)")

        // The app lost it again: the batches, all sent at once, fall back to single calls, and the
        // record says so.
        asked = try await run(development, day: 11)
        #expect(asked["GET /artists/{id}"] == 120, "\(asked)")
        #expect(try await record() == false)

        // A record that does not read is replaced after a probe.
        try await store.put("state/spotify/api_mode.json", bytes: Array("{not json".utf8))
        asked = try await run(development, day: 12)
        #expect(asked["GET /artists"] == 1, "\(asked)")
        #expect(try await record() == false)
    }
}
