// Reads a raw dataset of the lake: every JSON Lines object under its prefix, in key order,
// decoded in parallel on all cores, with malformed lines collected instead of fatal.

import Foundation

/// The result of reading a raw dataset.
public struct RawReadResult<Record: JSONLineRecord>: Sendable {
    /// Records in key order, then line order: the order "read last" refers to.
    public var records: [Record]
    public var malformed: [MalformedLine]
    public var files: Int
    public var bytes: Int
}

public enum RawLakeReader {
    /// Reads every data object of a raw dataset.
    ///
    /// - Parameters:
    ///   - parallelism: files decoded at once; defaults to the number of cores.
    ///   - progress: called after each file with (files done, files in all).
    public static func read<Record: JSONLineRecord>(
        _ type: Record.Type, dataset: LakeDataset, from store: some ObjectStore,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> RawReadResult<Record> {
        let keys = try await store.list(prefix: dataset.prefix).map(\.key).filter(LakeLayout.isDataKey)
        var parts = [(records: [Record], malformed: [MalformedLine], bytes: Int)?](repeating: nil, count: keys.count)
        try await withThrowingTaskGroup(of: (Int, [Record], [MalformedLine], Int).self) { group in
            var next = 0
            func start() {
                let index = next
                let key = keys[index]
                next += 1
                group.addTask {
                    let bytes = try await store.get(key)
                    let decoded = try JSONLines.decode(Record.self, from: bytes, source: key)
                    return (index, decoded.records, decoded.malformed, bytes.count)
                }
            }
            for _ in 0..<min(max(1, parallelism), keys.count) { start() }
            var done = 0
            while let (index, records, malformed, size) = try await group.next() {
                parts[index] = (records, malformed, size)
                done += 1
                progress?(done, keys.count)
                if next < keys.count { start() }
            }
        }
        var result = RawReadResult<Record>(records: [], malformed: [], files: keys.count, bytes: 0)
        result.records.reserveCapacity(parts.reduce(0) { $0 + ($1?.records.count ?? 0) })
        for part in parts {
            guard let part else { continue }
            result.records.append(contentsOf: part.records)
            result.malformed.append(contentsOf: part.malformed)
            result.bytes += part.bytes
        }
        return result
    }
}
