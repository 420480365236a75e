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
    /// Rows waiting for their row group to fill, by partition (tables in artist order).
    private var groups: [String: ArtistRowGroups<Row>] = [:]
    private(set) var rows = 0

    init(_ table: TableDefinition<Row>, options: ParquetWriter.Options, folder: URL) {
        self.table = table
        self.options = options
        self.folder = folder.appendingPathComponent(table.dataset.tableName)
    }

    private func path(_ partition: String) -> URL {
        folder.appendingPathComponent((partition.isEmpty ? "table" : partition) + ".parquet")
    }

    /// Appends one bucket's rows, grouped by partition: each partition's rows become row
    /// groups, encoded on all cores, then appended to its file in partition order. A table in
    /// artist order holds rows back until their group (``ArtistRowGroups``) is complete, so
    /// the groups do not depend on the buckets.
    func append(_ byPartition: [String: [Row]]) async throws {
        let batches = byPartition.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        guard !batches.isEmpty else { return }
        try await encode(batches.map { partition, rows in (partition, completedGroups(partition, rows)) })
        rows += batches.reduce(0) { $0 + $1.value.count }
    }

    private func completedGroups(_ partition: String, _ rows: [Row]) -> [[Row]] {
        guard let artistOf = table.artistOf else { return [rows] }
        var cutter = groups.removeValue(forKey: partition) ?? ArtistRowGroups(limit: options.rowGroupRows, artistOf: artistOf)
        let done = cutter.add(rows)
        groups[partition] = cutter
        return done
    }

    /// Encodes row groups into their partitions' files, partitions on all cores.
    private func encode(_ batches: [(partition: String, groups: [[Row]])]) async throws {
        var pending: [(String, ParquetWriter, [[Row]])] = []
        for (partition, groups) in batches {
            if writers[partition] == nil { writers[partition] = try ParquetWriter(schema: table.parquetSchema, options: options) }
            guard !groups.isEmpty, let writer = writers[partition] else { continue }
            pending.append((partition, writer, groups))
        }
        let table = self.table
        let encoded = await LocalEngine.parallelMap(pending) { partition, writer, groups in
            Result { () throws -> (String, ParquetWriter, [UInt8]) in
                var writer = writer
                for group in groups { try writer.append(table.parquetColumns(group)) }
                let bytes = writer.takeWrittenBytes()
                return (partition, writer, bytes)
            }
        }
        for result in encoded {
            let (partition, writer, bytes) = try result.get()
            writers[partition] = writer
            try handle(partition).write(contentsOf: bytes)
        }
    }

    private func handle(_ partition: String) throws -> FileHandle {
        if let handle = files[partition] { return handle }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: path(partition).path, contents: nil) else {
            throw LakeError.io("cannot create the transform's scratch file \(path(partition).path): check free space and TMPDIR")
        }
        let handle = try FileHandle(forWritingTo: path(partition))
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
        let last = groups.keys.sorted().map { partition in (partition, [groups[partition]?.finish() ?? []].filter { !$0.isEmpty }) }
        groups = [:]
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
