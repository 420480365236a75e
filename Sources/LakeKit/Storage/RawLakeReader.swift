// Reads a raw dataset of the lake: every JSON Lines object under its prefix, in key order,
// decoded in parallel on all cores, with malformed lines collected instead of fatal.

import Foundation

/// The result of reading a raw dataset.
public struct RawReadResult<Record: JSONLineRecord>: Sendable {
    /// Each file's records, files in key order, lines in file order: the order "read last"
    /// refers to. Kept per file so that large reads are not copied into one array.
    public var recordsByFile: [[Record]]
    /// All records in that order (a copy; prefer `recordsByFile` for large reads).
    public var records: [Record] { recordsByFile.flatMap { $0 } }
    /// Records read.
    public var recordCount: Int { recordsByFile.reduce(0) { $0 + $1.count } }
    /// Lines that break the contract, and (as line 0) files and folders that could not be
    /// read or lie outside the layout.
    public var malformed: [MalformedLine]
    /// Files read.
    public var files: Int
    /// Bytes read.
    public var bytes: Int

    /// Creates a value from its parts (for consumers' own tests and pipelines).
    public init(recordsByFile: [[Record]], malformed: [MalformedLine], files: Int, bytes: Int) {
        self.recordsByFile = recordsByFile
        self.malformed = malformed
        self.files = files
        self.bytes = bytes
    }
}

/// Reads a raw dataset of the lake, file by file, naming every line it skips.
public enum RawLakeReader {
    /// Reads every data object of a raw dataset.
    ///
    /// - Parameters:
    ///   - type: the record type of the dataset.
    ///   - dataset: which raw dataset.
    ///   - store: the lake.
    ///   - parallelism: workers decoding files at once; defaults to the number of cores. Each
    ///     worker shares strings across the files it decodes (ids and names repeat daily).
    ///   - progress: called after each file with (files done, files in all).
    public static func read<Record: JSONLineRecord>(
        _ type: Record.Type, dataset: LakeDataset, from store: some ObjectStore,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> RawReadResult<Record> {
        try await read(type, dataset: dataset, from: store, parallelism: parallelism, progress: progress, including: { _ in true })
    }

    /// Reads the data objects of a raw dataset whose keys `including` accepts (an incremental
    /// run reads only the days it recomputes); otherwise as ``read(_:dataset:from:parallelism:progress:)``.
    public static func read<Record: JSONLineRecord>(
        _ type: Record.Type, dataset: LakeDataset, from store: some ObjectStore,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (@Sendable (Int, Int) -> Void)? = nil,
        including: @escaping @Sendable (String) -> Bool
    ) async throws -> RawReadResult<Record> {
        let listing = try await store.listing(prefix: dataset.prefix)
        var problems = listing.unreadable.map { MalformedLine(source: $0, line: 0, reason: "cannot be read") }
        var keys: [String] = []
        for key in listing.objects.map(\.key) where LakeLayout.isDataKey(key) && including(key) {
            // The contract files every raw object under its capture day; anything else would be
            // read under no day at all.
            guard LakeLayout.captureDay(ofRawKey: key) != nil, key.split(separator: "/").count == 4 else {
                problems.append(MalformedLine(source: key, line: 0, reason: "not in a dt=YYYY-MM-DD folder of \(dataset.prefix); the file was not read"))
                continue
            }
            keys.append(key)
        }
        let readable = keys
        let queue = WorkQueue(count: readable.count)
        let workers = min(max(1, parallelism), max(1, readable.count))
        let decoded = try await withThrowingTaskGroup(of: [(Int, [Record], [MalformedLine], Int)].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var strings = StringInterner()
                    var done: [(Int, [Record], [MalformedLine], Int)] = []
                    while let index = queue.next() {
                        let bytes: [UInt8]
                        do {
                            bytes = try await store.get(readable[index])
                        } catch let error as LakeError where !error.isKind(of: .invalidKeyKind) {
                            // Unreadable (or gone since the listing): named, never silently empty.
                            done.append((index, [], [MalformedLine(source: readable[index], line: 0, reason: error.message)], 0))
                            progress?(queue.finished(), readable.count)
                            continue
                        }
                        let file = try JSONLines.decode(Record.self, from: bytes, source: readable[index],
                                                        partitionDay: LakeLayout.captureDay(ofRawKey: readable[index]), strings: &strings)
                        done.append((index, file.records, file.malformed, bytes.count))
                        progress?(queue.finished(), readable.count)
                    }
                    return done
                }
            }
            var all: [(Int, [Record], [MalformedLine], Int)] = []
            for try await part in group { all.append(contentsOf: part) }
            return all.sorted { $0.0 < $1.0 }
        }
        var result = RawReadResult<Record>(recordsByFile: [], malformed: problems, files: keys.count, bytes: 0)
        result.recordsByFile.reserveCapacity(decoded.count)
        for (_, records, malformed, size) in decoded {
            result.recordsByFile.append(records)
            result.malformed.append(contentsOf: malformed)
            result.bytes += size
        }
        return result
    }
}

/// Hands out indices 0..<count to workers, once each.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var nextIndex = 0
    private var finishedCount = 0

    init(count: Int) {
        self.count = count
    }

    func next() -> Int? {
        lock.withLock {
            guard nextIndex < count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    /// Marks one item finished; returns how many are.
    func finished() -> Int {
        lock.withLock {
            finishedCount += 1
            return finishedCount
        }
    }
}
