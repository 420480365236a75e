// The key layout of the lake contract, in one place: every key the project reads or writes is
// built or recognised here.

/// The datasets of the lake and where they live.
public enum LakeDataset: String, Sendable, CaseIterable {
    /// `raw/artist_metrics/`: daily snapshots (JSON Lines).
    case artistMetrics = "raw/artist_metrics"
    /// `raw/releases/`: release records (JSON Lines).
    case releases = "raw/releases"
    /// `raw/audience/`: audience counts on other sources (JSON Lines; lake.md v1.1).
    case audience = "raw/audience"
    /// `state/discography/`: per-artist scan state.
    case discographyState = "state/discography"
    /// `state/identity/`: per-artist matches on other sources (lake.md v1.1).
    case identityState = "state/identity"
    /// `processed/artist_daily/` (Parquet).
    case artistDaily = "processed/artist_daily"
    /// `processed/artist_signals/` (Parquet).
    case artistSignals = "processed/artist_signals"
    /// `processed/audience_daily/` (Parquet; lake.md v1.1).
    case audienceDaily = "processed/audience_daily"
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
        case .audience: return "raw_audience"
        case .discographyState: return "discography_state"
        case .identityState: return "identity_state"
        default: return String(rawValue.split(separator: "/").last ?? "")
        }
    }
}

/// The keys of lake.md: where each dataset's objects live.
public enum LakeLayout {
    /// `raw/<dataset>/dt=YYYY-MM-DD/<run-id>.jsonl[.gz]`; `day` is the `YYYY-MM-DD` text (e.g.
    /// MomentumAnalytics' `Day.isoString`).
    public static func rawKey(_ dataset: LakeDataset, day: String, runID: String, gzip: Bool = false) -> String {
        "\(dataset.prefix)dt=\(day)/\(runID).jsonl\(gzip ? ".gz" : "")"
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

    /// The `dt=` value of a raw key when it has the form `YYYY-MM-DD` (digits, a month 01-12, a
    /// day 01-31); nil otherwise. Whether the day exists in the calendar is the reader's to say:
    /// LakeKit parses no dates (MomentumAnalytics' `Day` is the one parser).
    public static func captureDay(ofRawKey key: String) -> String? {
        for segment in key.split(separator: "/") where segment.hasPrefix("dt=") {
            let value = segment.dropFirst(3)
            let bytes = Array(value.utf8)
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
                  bytes.enumerated().allSatisfy({ $0.offset == 4 || $0.offset == 7 || (48...57).contains($0.element) }),
                  let month = Int(value.dropFirst(5).prefix(2)), (1...12).contains(month),
                  let day = Int(value.suffix(2)), (1...31).contains(day)
            else { return nil }
            return String(value)
        }
        return nil
    }

    /// A run id unique per run: UTC time to the second plus random hex, e.g. `20261126T060003Z-3f2a9c`.
    public static func makeRunID(nanosecondsSinceEpoch: Int64, using generator: inout some RandomNumberGenerator) -> String {
        let compact = MachineTime.compact(secondsSinceEpoch: nanosecondsSinceEpoch / 1_000_000_000
            - (nanosecondsSinceEpoch % 1_000_000_000 < 0 ? 1 : 0))
        let random = String(UInt32.random(in: 0...UInt32.max, using: &generator), radix: 16)
        return compact + "-" + String(repeating: "0", count: 8 - random.count) + random
    }
}
