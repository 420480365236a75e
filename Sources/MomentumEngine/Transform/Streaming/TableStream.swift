// A processed table written row group by row group to local files, one per partition, while a
// streaming transform moves from bucket to bucket; each file is then put into the lake whole
// (one atomic object per partition), one at a time, so memory holds one bucket's rows and one
// file, not the lake.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

final class TableStream<Row: Sendable>: @unchecked Sendable {
    let table: TableDefinition<Row>
    let options: ParquetWriter.Options
    private let folder: URL
    /// Writers and files by partition value (`YYYY-MM`, or "" for an unpartitioned table).
    private var writers: [String: ParquetWriter] = [:]
    private var files: [String: FileHandle] = [:]
    /// Rows of each partition's unfinished row group, and where its groups are cut (tables in
    /// artist order: groups do not depend on the buckets, `ArtistRowGroups`).
    private var tails: [String: [Row]] = [:]
    private var cutters: [String: ArtistGroupCutter] = [:]
    private(set) var rows = 0

    init(_ table: TableDefinition<Row>, options: ParquetWriter.Options, folder: URL) {
        self.table = table
        self.options = options
        self.folder = folder.appendingPathComponent(table.dataset.tableName)
    }

    private func path(_ partition: String) -> URL {
        folder.appendingPathComponent((partition.isEmpty ? "table" : partition) + ".parquet")
    }

    /// Appends one bucket's rows, grouped by partition: each partition's completed row groups
    /// are encoded on all cores, then appended to its file in partition order; the rows of an
    /// unfinished group wait for the next bucket.
    func append(_ byPartition: [String: [Row]]) async throws {
        let batches = byPartition.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        guard !batches.isEmpty else { return }
        var jobs: [Job] = []
        for (partition, rows) in batches {
            var sizes = [rows.count]
            if let artistOf = table.artistOf {
                var cutter = cutters[partition] ?? ArtistGroupCutter(limit: options.rowGroupRows)
                sizes = cutter.add(runs: ArtistGroupCutter.runs(rows, artistOf))
                cutters[partition] = cutter
            }
            jobs.append(Job(partition: partition, writer: try writers[partition] ?? ParquetWriter(schema: table.parquetSchema, options: options),
                            tail: tails.removeValue(forKey: partition) ?? [], rows: rows, sizes: sizes))
        }
        try await encode(jobs)
        rows += batches.reduce(0) { $0 + $1.value.count }
    }

    /// A partition's rows to encode: the waiting `tail`, then `rows`, cut into groups of
    /// `sizes` (the rest waits).
    private struct Job: Sendable {
        var partition: String
        var writer: ParquetWriter
        var tail: [Row]
        var rows: [Row]
        var sizes: [Int]
    }

    /// Encodes the jobs' groups into their partitions' files, partitions on all cores; each
    /// group is copied out of the tail and the batch only while it is encoded.
    private func encode(_ jobs: [Job]) async throws {
        let table = self.table
        let encoded = await LocalEngine.parallelMap(jobs) { job in
            Result { () throws -> (Job, [UInt8]) in
                var job = job
                var next = 0
                for size in job.sizes {
                    let fromRows = size - job.tail.count
                    let group = job.tail + job.rows[next..<(next + fromRows)]
                    next += fromRows
                    job.tail = []
                    try job.writer.append(table.parquetColumns(group))
                }
                job.tail += job.rows[next...]
                job.rows = []
                let bytes = job.writer.takeWrittenBytes()
                return (job, bytes)
            }
        }
        for result in encoded {
            let (job, bytes) = try result.get()
            writers[job.partition] = job.writer
            if !job.tail.isEmpty { tails[job.partition] = job.tail }
            try handle(job.partition).write(contentsOf: bytes)
        }
    }

    private func handle(_ partition: String) throws -> FileHandle {
        if let handle = files[partition] { return handle }
        let handle = try ScratchFolder.newFile(at: path(partition))
        files[partition] = handle
        return handle
    }

    /// Ensures a partition exists (with no rows, the file still has the table's schema).
    func touch(_ partition: String) throws {
        if writers[partition] == nil { writers[partition] = try ParquetWriter(schema: table.parquetSchema, options: options) }
    }

    /// Finishes every file and puts it into the lake at its key; then removes the dataset's
    /// files the new version does not have.
    func publish(to engine: LocalEngine) async throws -> (written: Int, removed: Int) {
        let last = tails.keys.sorted().compactMap { partition -> Job? in
            guard let tail = tails[partition], !tail.isEmpty, let writer = writers[partition] else { return nil }
            return Job(partition: partition, writer: writer, tail: tail, rows: [], sizes: [tail.count])
        }
        tails = [:]
        try await encode(last)
        var keys: [String: String] = [:]
        for partition in writers.keys.sorted() {
            guard let writer = writers.removeValue(forKey: partition) else { continue }
            try handle(partition).write(contentsOf: writer.finish())
            try files.removeValue(forKey: partition)?.close()
            let key = partition.isEmpty ? LakeLayout.processedKey(table.dataset, partition: nil)
                : LakeLayout.processedKey(table.dataset, partition: ("month", partition))
            keys[key] = partition
        }
        var written = 0
        for (key, partition) in keys.sorted(by: { $0.key < $1.key }) {
            try await engine.store.put(key, bytes: try BucketFiles.bytes(of: path(partition)))
            try FileManager.default.removeItem(at: path(partition))
            written += 1
        }
        var removed = 0
        for key in try await engine.store.list(prefix: table.dataset.prefix).map(\.key).filter(LakeLayout.isDataKey) where keys[key] == nil {
            try await engine.store.delete(key)
            removed += 1
        }
        return (written, removed)
    }
}
