// A cancelled job ends at once, whatever it waits on: a transform waiting on an S3 request and
// the daily job waiting on a Spotify request, both to a server that takes the connection and
// never answers, end within a second of their cancellation. scripts/test runs this suite on
// its own after the others: it times the end, which a machine busy with the whole suite would
// blur (the suite's two cores are shared by dozens of tests).

import Foundation
import LakeKit
import Logging
import MomentumEngine
import MomentumHTTP
import MomentumTestSupport
import SpotifyKit
import Testing

@Suite(.serialized) struct CancellationTests {
    /// Cancels `job` once it has waited `after`, and how long it took to end from then.
    static func timeToEnd<T: Sendable>(of job: Task<T, any Error>, after: Duration = .milliseconds(500)) async throws -> (Duration, (any Error)?) {
        try await Task.sleep(for: after)
        let cancelled = ContinuousClock.now
        job.cancel()
        let result = await job.result
        let error: (any Error)? = if case .failure(let failure) = result { failure } else { nil }
        return (ContinuousClock.now - cancelled, error)
    }

    @Test func aTransformWaitingOnASlowS3RequestEndsWithinASecondOfItsCancellation() async throws {
        let server = try SilentServer()
        let client = S3Client(credentials: EnvironmentCredentials(environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "secret"]),
                              region: "us-east-1", endpoint: AWSEndpoint(url: URL(string: server.url)!, usesPathStyle: true, source: "test"))
        let engine = LocalEngine(store: try S3ObjectStore(client: client, bucket: "lake", prefix: "slow"))
        let job = Task { try await engine.transform() }
        let (took, error) = try await Self.timeToEnd(of: job)
        #expect(took < .seconds(1), "a cancelled transform took \(took) to end")
        #expect(error is CancellationError, "\(String(describing: error))")
    }

    @Test func theDailyJobWaitingOnASlowSpotifyRequestEndsWithinASecondOfItsCancellation() async throws {
        let server = try SilentServer()
        let folder = try Repository.temporaryFolder("cancel-daily")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        try await TrackedArtists(artists: [.init(id: "4Z8W4fKeB5YxbusRsdQVPb", name: "Radiohead", addedAt: "2026-01-01T00:00:00Z")]).save(to: store)
        let spotify = SpotifyClient(clientID: "id", clientSecret: "secret",
                                    configuration: SpotifyConfiguration(apiURL: URL(string: server.url + "/v1"), accountsURL: URL(string: server.url)),
                                    transport: CurlTransport())
        let jobs = IngestionJobs(store: store, spotify: spotify, logger: Logger(label: "test"))
        let job = Task { try await jobs.ingestMetrics(now: Date()) }
        let (took, _) = try await Self.timeToEnd(of: job)
        #expect(took < .seconds(1), "a cancelled daily job took \(took) to end")
        // It released the lake lock on its way out.
        #expect(try await store.size(of: LakeLock.key) == nil)
    }
}
