// The public face of the processed tables (lake.md: `processed/<table>/…part-<n>.parquet`):
// the contract's columns and types come from the one definition per table beside this file,
// so what an embedder reads and writes is what `momentum transform` and Athena write.

import LakeKit
import MomentumAnalytics

/// The processed tables of the lake contract, read from and written to Parquet.
public enum ProcessedTables {
    /// `processed/artist_daily`, optionally one artist's rows only (row groups of other
    /// artists are skipped by their statistics).
    public static func artistDaily(in store: any ObjectStore, artistID: String? = nil) async throws -> [ArtistDaily] {
        try await ProcessedTableReader.daily(ProcessedTableReader.files(.artistDaily, in: store), in: store, artistID: artistID)
    }

    /// `processed/audience_daily` (metric contract section 8), optionally one artist's rows only.
    public static func audienceDaily(in store: any ObjectStore, artistID: String? = nil) async throws -> [AudienceDaily] {
        try await ProcessedTableReader.audience(ProcessedTableReader.files(.audienceDaily, in: store), in: store, artistID: artistID)
    }

    /// `processed/artist_signals`, optionally one artist's rows only.
    public static func artistSignals(in store: any ObjectStore, artistID: String? = nil) async throws -> [ArtistSignal] {
        try await ProcessedTableReader.signals(ProcessedTableReader.files(.artistSignals, in: store), in: store, artistID: artistID)
    }

    /// `processed/release_impact`, optionally one artist's rows only.
    public static func releaseImpact(in store: any ObjectStore, artistID: String? = nil) async throws -> [ReleaseImpact] {
        try await ProcessedTableReader.impacts(ProcessedTableReader.files(.releaseImpact, in: store), in: store, artistID: artistID)
    }

    /// `processed/momentum`, by rank.
    public static func momentum(in store: any ObjectStore) async throws -> [MomentumRow] {
        try await ProcessedTableReader.leaderboard(ProcessedTableReader.files(.momentum, in: store), in: store)
    }

    /// A Parquet file of `artist_daily` rows, with the contract's column names and types.
    public static func parquet(_ rows: [ArtistDaily], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        try Tables.artistDaily.parquetFile(rows, options: options)
    }

    /// A Parquet file of `audience_daily` rows.
    public static func parquet(_ rows: [AudienceDaily], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        try Tables.audienceDaily.parquetFile(rows, options: options)
    }

    /// A Parquet file of `artist_signals` rows.
    public static func parquet(_ rows: [ArtistSignal], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        try Tables.artistSignals.parquetFile(rows, options: options)
    }

    /// A Parquet file of `release_impact` rows.
    public static func parquet(_ rows: [ReleaseImpact], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        try Tables.releaseImpact.parquetFile(rows, options: options)
    }

    /// A Parquet file of `momentum` rows.
    public static func parquet(_ rows: [MomentumRow], options: ParquetWriter.Options = .init()) throws -> [UInt8] {
        try Tables.momentum.parquetFile(rows, options: options)
    }
}
