// A processed table written row group by row group to local files, one per partition, while a
// streaming transform moves from bucket to bucket; each file then becomes one atomic object per
// partition (moved into a local lake, put whole into S3), one at a time, so memory holds one
// bucket's rows and at most one file, not the lake.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

final class TableStream<Row: Sendable>: @unchecked Sendable {
    let table: TableDefinition<Row>
    let options: ParquetWriter.Options
    private let folder: URL
    /// Each partition's writer, its unfinished row group's values (columns, not rows: a row
    /// is read once, into its columns) and where its groups are cut (tables in artist order:
    /// groups do not depend on the buckets, `ArtistRowGroups`), by partition value (`YYYY-MM`,
    /// or "" for an unpartitioned table).
    private var partitions: [String: PartitionBox] = [:]
    private var files: [String: FileHandle] = [:]
    private(set) var rows = 0

    /// Whether the files' writeback starts as they are written (`ScratchFolder.startWriteback`).
    private let startsWriteback: Bool

    init(_ table: TableDefinition<Row>, options: ParquetWriter.Options, folder: URL, startsWriteback: Bool = false) {
        self.table = table
        self.options = options
        self.folder = folder.appendingPathComponent(table.dataset.tableName)
        self.startsWriteback = startsWriteback
    }

    private func path(_ partition: String) -> URL {
        folder.appendingPathComponent((partition.isEmpty ? "table" : partition) + ".parquet")
    }

    /// A partition being written.
    private struct Partition: Sendable {
        var writer: ParquetWriter
        var open: [ParquetColumn]
        var openRows = 0
        var cutter: ArtistGroupCutter?
    }

    /// A partition in a box of its own: the task that fills it changes it in place (a copy
    /// in a job would share the open group's arrays, and each bucket would copy them whole).
    private final class PartitionBox: @unchecked Sendable {
        var partition: Partition

        init(_ partition: Partition) {
            self.partition = partition
        }
    }

    private func newPartition() throws -> PartitionBox {
        PartitionBox(Partition(writer: try ParquetWriter(schema: table.parquetSchema, options: options), open: table.emptyColumns(reserving: table.artistOf == nil ? 0 : options.rowGroupRows),
                               cutter: table.artistOf == nil ? nil : ArtistGroupCutter(limit: options.rowGroupRows)))
    }

    /// Appends one bucket's rows, grouped by partition: each partition's rows come as
    /// segments, parts of the analyses' own arrays in artist order (a segment holds one
    /// artist's rows; one artist's segments follow each other). Partitions are filled on all
    /// cores, each a run of an artist at a time; a group closed on the way is encoded at once,
    /// and the files are written in partition order. (A table not in artist order makes each
    /// bucket's rows one group.)
    func append(_ byPartition: [String: [ArraySlice<Row>]]) async throws {
        let batches = byPartition.map { ($0.key, $0.value.filter { !$0.isEmpty }) }.filter { !$0.1.isEmpty }.sorted { $0.0 < $1.0 }
        guard !batches.isEmpty else { return }
        var jobs: [Job] = []
        for (partition, segments) in batches {
            let box = try partitions[partition] ?? newPartition()
            partitions[partition] = box
            jobs.append(Job(name: partition, box: box, segments: segments))
            rows += segments.reduce(0) { $0 + $1.count }
        }
        try await run(jobs)
    }

    /// A partition's rows to add.
    private struct Job: Sendable {
        var name: String
        /// Touched by the job's task only.
        var box: PartitionBox
        var segments: [ArraySlice<Row>]
        /// Closes the open group after the segments (the last group of a file).
        var closing = false
    }

    /// Adds the jobs' segments to their partitions, partitions on all cores, and writes what
    /// each encoded to its file.
    private func run(_ jobs: [Job]) async throws {
        let table = self.table
        let encoded = await LocalEngine.parallelMap(jobs) { job in
            Result { () throws -> (String, [UInt8]) in
                try TableStream.fill(&job.box.partition, with: job, table)
                return (job.name, job.box.partition.writer.takeWrittenBytes())
            }
        }
        for result in encoded {
            let (name, bytes) = try result.get()
            let file = try handle(name)
            try file.write(contentsOf: bytes)
            if startsWriteback { ScratchFolder.startWriteback(file) }
        }
    }

    /// Adds a job's segments to its partition, encoding each group that closes.
    private static func fill(_ partition: inout Partition, with job: Job, _ table: TableDefinition<Row>) throws {
        if let artistOf = table.artistOf {
            var start = 0
            while start < job.segments.count {
                // One artist's run: its segments that follow each other.
                let artist = artistOf(job.segments[start][job.segments[start].startIndex])
                var end = start + 1
                while end < job.segments.count, artistOf(job.segments[end][job.segments[end].startIndex]) == artist { end += 1 }
                let run = job.segments[start..<end]
                let closed = partition.cutter!.add(runs: [run.reduce(0) { $0 + $1.count }])
                var next = 0
                // A group the run would overflow closes before it (its size is the
                // open rows; a group the run fills is larger).
                if next < closed.count, partition.openRows > 0, closed[next] == partition.openRows {
                    try TableStream.close(&partition, table)
                    next += 1
                }
                for segment in run { TableStream.add(segment, to: &partition, table) }
                if next < closed.count { try TableStream.close(&partition, table) }
                start = end
            }
        } else {
            for segment in job.segments { TableStream.add(segment, to: &partition, table) }
            try TableStream.close(&partition, table)
        }
        if job.closing { try TableStream.close(&partition, table) }
    }

    private static func add(_ segment: ArraySlice<Row>, to partition: inout Partition, _ table: TableDefinition<Row>) {
        table.append(segment, to: &partition.open)
        partition.openRows += segment.count
    }

    /// Encodes the open group, if it has rows.
    private static func close(_ partition: inout Partition, _ table: TableDefinition<Row>) throws {
        guard partition.openRows > 0 else { return }
        let group = partition.open
        // A group of whole artists fills to about the limit: room for it up front.
        partition.open = table.emptyColumns(reserving: partition.cutter?.limit ?? 0)
        partition.openRows = 0
        try partition.writer.append(group)
    }

    private func handle(_ partition: String) throws -> FileHandle {
        if let handle = files[partition] { return handle }
        let handle = try ScratchFolder.newFile(at: path(partition))
        files[partition] = handle
        return handle
    }

    /// Ensures a partition exists (with no rows, the file still has the table's schema).
    func touch(_ partition: String) throws {
        if partitions[partition] == nil { partitions[partition] = try newPartition() }
    }

    /// Closes every partition's file (its last row group and footer written): the partition
    /// values and their local files, in partition order.
    func finishFiles() async throws -> [(partition: String, file: URL)] {
        let open = partitions.filter { $0.value.partition.openRows > 0 }.sorted { $0.key < $1.key }
            .map { Job(name: $0.key, box: $0.value, segments: [], closing: true) }
        try await run(open)
        var finished: [(partition: String, file: URL)] = []
        for partition in partitions.keys.sorted() {
            guard let writer = partitions.removeValue(forKey: partition)?.partition.writer else { continue }
            try handle(partition).write(contentsOf: writer.finish())
            try files.removeValue(forKey: partition)?.close()
            finished.append((partition, path(partition)))
        }
        return finished
    }

    /// Finishes every file and puts it into the lake at its key; then removes the dataset's
    /// files the new version does not have.
    func publish(to engine: LocalEngine) async throws -> (written: Int, removed: Int) {
        var keys: [String: String] = [:]
        for (partition, _) in try await finishFiles() {
            let key = partition.isEmpty ? LakeLayout.processedKey(table.dataset, partition: nil)
                : LakeLayout.processedKey(table.dataset, partition: ("month", partition))
            keys[key] = partition
        }
        // Moved into a lake on the scratch folder's file system; read and put otherwise. A
        // local move is an fsync and a rename, mostly a wait on the disk: several at once, so
        // the waits overlap (one after another they were most of a small transform's last
        // tenth of a second). An S3 put holds its file's parts in memory: one at a time.
        let inFlight = engine.store is FileSystemObjectStore ? 4 : 1
        let store = engine.store
        let moves = keys.sorted(by: { $0.key < $1.key }).map { ($0.key, path($0.value)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = moves[...]
            func start() {
                guard let (key, file) = pending.popFirst() else { return }
                group.addTask { try await store.put(key, movingFileAt: file) }
            }
            for _ in 0..<inFlight { start() }
            while try await group.next() != nil { start() }
        }
        let written = moves.count
        var removed = 0
        for key in try await engine.store.list(prefix: table.dataset.prefix).map(\.key).filter(LakeLayout.isDataKey) where keys[key] == nil {
            try await engine.store.delete(key)
            removed += 1
        }
        return (written, removed)
    }
}
