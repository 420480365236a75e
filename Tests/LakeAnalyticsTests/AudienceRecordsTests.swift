// Lake contract v1.1's audience: the raw record as JSON Lines and `audience_daily` as Parquet,
// and the v1.3 columns (`source`, `metric`, `series`) read back, also from tables written before
// they existed.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import Testing

@Suite struct AudienceRecordsTests {
    let good = #"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","source":"deezer","source_artist_id":"776","metric":"fans","value":12345,"captured_at":"2026-11-26T06:00:03Z"}"#

    @Test func decodesAndEncodesTheRecord() throws {
        let (records, malformed) = try JSONLines.decode(AudienceObservation.self, from: Array((good + "\n").utf8), source: "f.jsonl")
        #expect(malformed.isEmpty)
        let expected = AudienceObservation(artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", source: "deezer", sourceArtistID: "776",
                                           metric: "fans", value: 12345, capturedAt: try #require(Instant(iso: "2026-11-26T06:00:03Z")))
        #expect(records == [expected])
        let again = try JSONLines.decode(AudienceObservation.self, from: try JSONLines.encode(records), source: "g.jsonl")
        #expect(again.records == records)
    }

    @Test func refusesWhatWouldMakeTwoSeriesOneOrANegativeCount() throws {
        let lines = [
            #"{"artist_id":"a","source":"deezer/x","metric":"fans","value":1,"captured_at":"2026-11-26T06:00:03Z"}"#,
            #"{"artist_id":"a","source":"deezer","metric":"fans","value":-1,"captured_at":"2026-11-26T06:00:03Z"}"#,
            #"{"artist_id":"a","metric":"fans","value":1,"captured_at":"2026-11-26T06:00:03Z"}"#,
            #"{"artist_id":"a","source":"deezer","metric":"","value":1,"captured_at":"2026-11-26T06:00:03Z"}"#,
            #"{"artist_id":"a","source":"lastfm","metric":"listeners","value":null,"captured_at":"2026-11-26T06:00:03Z"}"#,
        ].joined(separator: "\n")
        let (records, malformed) = try JSONLines.decode(AudienceObservation.self, from: Array(lines.utf8), source: "raw/audience/x.jsonl")
        #expect(malformed.map(\.line) == [1, 2, 3, 4])
        #expect(records.count == 1 && records[0].value == nil && records[0].series == .lastfmListeners)
    }

    @Test func audienceDailyRoundTripsThroughParquet() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("audience-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let day = try #require(Day(iso: "2026-03-02"))
        let rows = [
            AudienceDaily(artistID: "a", artistName: "A", source: "deezer", metric: "fans", day: day, value: 10, prevDay: day - 1,
                          gapDays: 1, delta: 2, addsPerDay: 2, logGrowth: 0.2, pctChange: 0.25, growth7d: nil, growth28d: 0.5),
            AudienceDaily(artistID: "a", artistName: "A", source: "lastfm", metric: "listeners", day: day),
        ]
        try await store.put(LakeLayout.processedKey(.audienceDaily, partition: ("month", "2026-03")), bytes: try ProcessedTables.parquet(rows))
        #expect(try await ProcessedTables.audienceDaily(in: store) == rows)
        #expect(try await ProcessedTables.audienceDaily(in: store, artistID: "b").isEmpty)
    }

    @Test func tablesWrittenBeforeSeriesExistedReadAsSpotifyFollowers() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("v12-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = FileSystemObjectStore(root: folder)
        let day = try #require(Day(iso: "2026-03-02"))
        // A v1.2 signals file: the six columns, no source and metric.
        var writer = try ParquetWriter(schema: [
            ParquetField("artist_id", .string, nullable: false), ParquetField("day", .date, nullable: false),
            ParquetField("adds_per_day", .double, nullable: false), ParquetField("robust_z", .double, nullable: true),
            ParquetField("is_spike", .boolean, nullable: false), ParquetField("is_drop", .boolean, nullable: false),
        ])
        try writer.append([.string(["a"]), .date([day.daysSinceEpoch]), .double([3]), .double([nil]), .boolean([false]), .boolean([true])])
        try await store.put(LakeLayout.processedKey(.artistSignals, partition: ("month", "2026-03")), bytes: writer.finish())
        let signals = try await ProcessedTables.artistSignals(in: store)
        #expect(signals == [ArtistSignal(artistID: "a", day: day, addsPerDay: 3, isSpike: false, isDrop: true)])
        #expect(signals[0].series == .spotifyFollowers)

        // A v1.3 leaderboard names its series; one it cannot parse is an error naming the file.
        let row = MomentumRow(rank: 1, artistID: "a", artistName: "A", day: day, followers: 5, spikes28d: 0, series: .deezerFans)
        let key = LakeLayout.processedKey(.momentum, partition: ("as_of", day.isoString))
        try await store.put(key, bytes: try ProcessedTables.parquet([row]))
        #expect(try await ProcessedTables.momentum(in: store) == [row])
    }
}
