// The key layout of the lake contract, in one place: every key the project reads or writes is
// built or recognised here.

/// The datasets of the lake and where they live.
public enum LakeDataset: String, Sendable, CaseIterable {
    /// `raw/artist_metrics/`: daily snapshots (JSON Lines).
    case artistMetrics = "raw/artist_metrics"
    /// `raw/releases/`: release records (JSON Lines).
    case releases = "raw/releases"
    /// `state/discography/`: per-artist scan state.
    case discographyState = "state/discography"
    /// `processed/artist_daily/` (Parquet).
    case artistDaily = "processed/artist_daily"
    /// `processed/artist_signals/` (Parquet).
    case artistSignals = "processed/artist_signals"
    /// `processed/release_impact/` (Parquet).
    case releaseImpact = "processed/release_impact"
    /// `processed/momentum/` (Parquet).
    case momentum = "processed/momentum"

    /// The key prefix of the dataset, ending in `/`.
    public var prefix: String { rawValue + "/" }

    /// The table name (`artist_daily`, `raw_artist_metrics`, ...).
    public var tableName: String {
        switch self {
        case .artistMetrics: return "raw_artist_metrics"
        case .releases: return "raw_releases"
        case .discographyState: return "discography_state"
        default: return String(rawValue.split(separator: "/").last ?? "")
        }
    }
}

/// The keys of lake.md: where each dataset's objects live.
public enum LakeLayout {
    /// `raw/<dataset>/dt=YYYY-MM-DD/<run-id>.jsonl[.gz]`
    public static func rawKey(_ dataset: LakeDataset, day: LakeDate, runID: String, gzip: Bool = false) -> String {
        "\(dataset.prefix)dt=\(day.isoString)/\(runID).jsonl\(gzip ? ".gz" : "")"
    }

    /// `state/discography/<artist_id>.json`
    public static func discographyStateKey(artistID: String) -> String {
        "\(LakeDataset.discographyState.prefix)\(artistID).json"
    }

    /// `processed/<dataset>/[<partition>=<value>/]part-<n>.parquet`
    public static func processedKey(_ dataset: LakeDataset, partition: (name: String, value: String)?, part: Int = 0) -> String {
        let folder = partition.map { "\($0.name)=\($0.value)/" } ?? ""
        return "\(dataset.prefix)\(folder)part-\(part).parquet"
    }

    /// True for keys a reader must consider: data files that are not temporary or hidden.
    public static func isDataKey(_ key: String) -> Bool {
        guard !ObjectKey.isHidden(key) else { return false }
        return key.hasSuffix(".jsonl") || key.hasSuffix(".jsonl.gz") || key.hasSuffix(".parquet")
    }

    /// The `dt=` day of a raw key, if it has a valid one.
    public static func captureDay(ofRawKey key: String) -> LakeDate? {
        for segment in key.split(separator: "/") where segment.hasPrefix("dt=") {
            return LakeDate(iso: segment.dropFirst(3))
        }
        return nil
    }

    /// A run id unique per run: UTC time to the second plus random hex, e.g. `20261126T060003Z-3f2a9c`.
    public static func makeRunID(nanosecondsSinceEpoch: Int64, using generator: inout some RandomNumberGenerator) -> String {
        let iso = Timestamp.iso(nanoseconds: nanosecondsSinceEpoch - nanosecondsSinceEpoch % 1_000_000_000)
        let compact = iso.filter { $0 != "-" && $0 != ":" }
        let random = String(UInt32.random(in: 0...UInt32.max, using: &generator), radix: 16)
        return compact + "-" + String(repeating: "0", count: 8 - random.count) + random
    }
}
