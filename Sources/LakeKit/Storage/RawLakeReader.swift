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
        let collected = Collected<Record>()
        let summary = try await eachFile(type, dataset: dataset, from: store, parallelism: parallelism, including: including, sharingStrings: true) { _, file in
            collected.add(file)
            progress?(collected.count, file.filesInAll)
        }
        let files = collected.sorted()
        var result = RawReadResult<Record>(recordsByFile: [], malformed: summary.problems, files: summary.files, bytes: summary.bytes)
        result.recordsByFile.reserveCapacity(files.count)
        for file in files {
            result.recordsByFile.append(file.records)
            result.malformed.append(contentsOf: file.malformed)
        }
        return result
    }

    /// Decodes the data objects of a raw dataset file by file, on `parallelism` workers, and
    /// hands each file to `body` as it is decoded (files arrive in any order; `index` is the
    /// file's place in key order, the order "read last" refers to). Nothing is held after
    /// `body` returns, so a caller that spills or aggregates reads a lake of any size in
    /// bounded memory.
    ///
    /// - Parameters:
    ///   - type: the record type of the dataset.
    ///   - dataset: which raw dataset.
    ///   - store: the lake.
    ///   - parallelism: workers decoding files at once; defaults to the number of cores.
    ///   - including: which keys to read; every data object by default.
    ///   - body: called with the worker's number (0..<parallelism, for per-worker state) and
    ///     the file.
    /// - Returns: files and bytes read, and the files that could not be read or lie outside
    ///   the layout (their lines are in each file's `malformed`).
    ///
    /// Records do not share strings across files (``read(_:dataset:from:parallelism:progress:)``
    /// does): a caller that drops each file's records would pay a lookup per string for nothing.
    public static func forEachFile<Record: JSONLineRecord>(
        _ type: Record.Type, dataset: LakeDataset, from store: some ObjectStore,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        including: @escaping @Sendable (String) -> Bool = { _ in true },
        _ body: @escaping @Sendable (_ worker: Int, _ file: RawFile<Record>) async throws -> Void
    ) async throws -> RawReadSummary {
        try await eachFile(type, dataset: dataset, from: store, parallelism: parallelism, including: including, sharingStrings: false, body)
    }

    /// `forEachFile`, with each worker's records sharing equal strings across its files when
    /// `sharingStrings` (for a reader that keeps them: ids and names repeat daily).
    private static func eachFile<Record: JSONLineRecord>(
        _ type: Record.Type, dataset: LakeDataset, from store: some ObjectStore,
        parallelism: Int, including: @escaping @Sendable (String) -> Bool, sharingStrings: Bool,
        _ body: @escaping @Sendable (_ worker: Int, _ file: RawFile<Record>) async throws -> Void
    ) async throws -> RawReadSummary {
        let interners = WorkerInterners(workers: max(1, parallelism), capacity: sharingStrings ? 200_000 : 0)
        return try await forEachObject(dataset: dataset, from: store, parallelism: parallelism, including: including) { worker, object in
            guard let bytes = object.bytes else {
                try await body(worker, RawFile(index: object.index, key: object.key, records: [], filesInAll: object.filesInAll,
                                               malformed: object.malformed, bytes: 0))
                return
            }
            let file = try interners.withInterner(worker) {
                try JSONLines.decode(Record.self, from: bytes, source: object.key, partitionDay: object.partitionDay, strings: &$0)
            }
            try await body(worker, RawFile(index: object.index, key: object.key, records: file.records, filesInAll: object.filesInAll,
                                           malformed: file.malformed, bytes: bytes.count))
        }
    }

    /// Gets the data objects of a raw dataset on `parallelism` workers and hands each one's
    /// bytes to `body` undecoded (files arrive in any order): for a reader that takes each
    /// line's fields straight from its bytes (`JSONLines.readLines`) instead of making records.
    /// An object that cannot be read comes with no bytes and the reason in `malformed`.
    ///
    /// - Returns: files and bytes read, and the files that could not be read or lie outside
    ///   the layout.
    package static func forEachObject(
        dataset: LakeDataset, from store: some ObjectStore, parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        including: @escaping @Sendable (String) -> Bool = { _ in true },
        _ body: @escaping @Sendable (_ worker: Int, _ object: RawObject) async throws -> Void
    ) async throws -> RawReadSummary {
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
        let bytes = try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var read = 0
                    while let index = queue.next() {
                        let key = readable[index]
                        var object = RawObject(index: index, key: key, partitionDay: LakeLayout.captureDay(ofRawKey: key),
                                               filesInAll: readable.count, bytes: nil, malformed: [])
                        do {
                            let bytes = try await store.get(key)
                            object.bytes = bytes
                            read += bytes.count
                        } catch let error as LakeError where !error.isKind(of: .invalidKeyKind) {
                            // Unreadable (or gone since the listing): named, never silently empty.
                            object.malformed = [MalformedLine(source: key, line: 0, reason: error.message)]
                        }
                        try await body(worker, object)
                    }
                    return read
                }
            }
            var total = 0
            for try await part in group { total += part }
            return total
        }
        return RawReadSummary(files: keys.count, bytes: bytes, problems: problems)
    }
}

/// One object of a raw dataset, got but not decoded (`RawLakeReader.forEachObject`).
package struct RawObject: Sendable {
    /// The file's place in key order, the order "read last" refers to.
    package var index: Int
    package var key: String
    /// Its `dt=` value.
    package var partitionDay: String?
    /// How many files the read covers.
    package var filesInAll: Int
    /// Nil when the object could not be read (`malformed` says why).
    package var bytes: [UInt8]?
    package var malformed: [MalformedLine]
}

/// Each worker's string interner, touched by that worker only (a box each: workers never
/// mutate a shared array).
private final class WorkerInterners: @unchecked Sendable {
    private final class Box {
        var interner: StringInterner

        init(_ interner: StringInterner) {
            self.interner = interner
        }
    }

    private let boxes: [Box]

    init(workers: Int, capacity: Int) {
        boxes = (0..<workers).map { _ in Box(StringInterner(capacity: capacity)) }
    }

    func withInterner<T>(_ worker: Int, _ body: (inout StringInterner) throws -> T) rethrows -> T {
        try body(&boxes[worker].interner)
    }
}

/// One decoded file of a raw dataset.
public struct RawFile<Record: Sendable>: Sendable {
    /// The file's place in key order.
    public var index: Int
    /// Its key.
    public var key: String
    /// Its records, in line order.
    public var records: [Record]
    /// How many files the read covers.
    public var filesInAll: Int
    /// Its lines that break the contract (or, as line 0, why it could not be read).
    public var malformed: [MalformedLine]
    /// Its size in bytes.
    public var bytes: Int
}

/// What `RawLakeReader.forEachFile` read.
public struct RawReadSummary: Sendable {
    /// Files read.
    public var files: Int
    /// Bytes read.
    public var bytes: Int
    /// Files and folders that could not be listed or lie outside the layout (as line 0).
    public var problems: [MalformedLine]
}

/// The files of a read, collected from its workers.
private final class Collected<Record: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var files: [RawFile<Record>] = []

    func add(_ file: RawFile<Record>) { lock.withLock { files.append(file) } }
    var count: Int { lock.withLock { files.count } }
    func sorted() -> [RawFile<Record>] { lock.withLock { files.sorted { $0.index < $1.index } } }
}

/// Hands out indices 0..<count to workers, once each.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let count: Int
    private var nextIndex = 0

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
}
