// Athena writes a month of `artist_daily` (and `audience_daily`) in no particular order: every
// row group of its file spans every artist, so a reader of some artists (the dashboard's spans,
// an analytics shard) reads the whole month. The promotion therefore rewrites each staged month
// in artist order, laid out as the local engine lays the table out (`TableStream`: row groups cut
// at artists), so that row group statistics skip other artists whoever computed the rows.
//
// Streaming, in bounded memory: the staged rows are read a row group at a time; up to `runRows`
// are sorted in memory; a month with more is sorted in runs spilled to the scratch folder and
// merged, a row group of each run at a time.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics
import MomentumText

struct ArtistOrderRewrite<Row: Sendable>: Sendable {
    let table: TableDefinition<Row>
    let decode: @Sendable (ProcessedColumns) throws -> [Row]
    /// The table's order: by artist, then as the local engine orders an artist's rows.
    let less: @Sendable (Row, Row) -> Bool
    let options: ParquetWriter.Options
    /// Rows sorted in memory at once (a few hundred bytes each, decoded).
    var runRows = 1_000_000
    /// Rows of a spilled run's row groups: what the merge holds of each run.
    var runGroupRows = 16_384

    /// What a rewrite did.
    struct Rewritten {
        var file: URL
        var rows: Int
        var runs: Int
    }

    /// The rows of the staged files `sources`, in artist order, as one file of partition
    /// `month` (`""` for an unpartitioned table) in `scratch`.
    func rewrite(_ sources: [String], in store: any ObjectStore, month: String, scratch: URL) async throws -> Rewritten {
        let folder = try Self.folder(in: scratch, table.dataset, month)
        let runStore = FileSystemObjectStore(root: folder)
        var runs: [String] = []
        var buffer: [Row] = []
        func spill() async throws {
            buffer.sort(by: less)
            let key = "run-\(runs.count).parquet"
            try await runStore.put(key, bytes: try table.parquetFile(buffer, options: .init(codec: options.codec, rowGroupRows: runGroupRows, pageRows: options.pageRows)))
            runs.append(key)
            buffer.removeAll(keepingCapacity: true)
        }
        let output = try stream(folder, month)
        let rows = try await forEachRowGroup(of: sources, in: store) { decoded in
            buffer += decoded
            if buffer.count >= runRows { try await spill() }
        }
        if runs.isEmpty {
            buffer.sort(by: less)
            try await append(buffer[...], to: output, month: month)
        } else {
            if !buffer.isEmpty { try await spill() }
            buffer = []
            try await merge(runs, in: runStore, into: output, month: month)
        }
        let file = try await finish(output, month)
        for run in runs { try? await runStore.delete(run) }
        return Rewritten(file: file, rows: rows, runs: runs.count)
    }

    /// The rows of `sources` that are in the table's order already, each and one after the
    /// other (the parts of analytics shards), re-encoded as they are read into one file of
    /// partition `month` in `scratch`: nothing sorted, an artist's rows held at most.
    func concatenate(_ sources: [String], in store: any ObjectStore, month: String, scratch: URL) async throws -> Rewritten {
        let output = try stream(try Self.folder(in: scratch, table.dataset, month), month)
        var held: [Row] = []
        let rows = try await forEachRowGroup(of: sources, in: store) { decoded in
            guard let artistOf = table.artistOf else { return try await append(decoded[...], to: output, month: month) }
            // Held until the next artist begins: the stream takes an artist's rows at once.
            held += decoded
            if let last = held.last, let cut = held.lastIndex(where: { artistOf($0) != artistOf(last) }) {
                try await append(held[...cut], to: output, month: month)
                held.removeSubrange(...cut)
            }
        }
        try await append(held[...], to: output, month: month)
        return Rewritten(file: try await finish(output, month), rows: rows, runs: 0)
    }

    /// A folder of its own in the scratch folder, for one rewrite.
    private static func folder(in scratch: URL, _ dataset: LakeDataset, _ month: String) throws -> URL {
        let folder = scratch.appendingPathComponent("rewrite-\(dataset.tableName)-\(month)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The output: the local engine's writer of the table, its one partition begun.
    private func stream(_ folder: URL, _ month: String) throws -> TableStream<Row> {
        let output = TableStream(table, options: options, folder: folder.appendingPathComponent("out"))
        try output.touch(month)
        return output
    }

    /// Decodes the sources a row group at a time, in order; returns the rows read.
    private func forEachRowGroup(of sources: [String], in store: any ObjectStore, _ body: ([Row]) async throws -> Void) async throws -> Int {
        var rows = 0
        for source in sources {
            let opened = try await ProcessedTableReader.open(source, in: store, holdingBytes: false)
            for group in 0..<opened.reader.rowGroupCount {
                try Task.checkCancellation()
                let decoded = try decode(ProcessedColumns(table: try await opened.reader.read(rowGroups: [group]), file: opened.file))
                rows += decoded.count
                try await body(decoded)
            }
        }
        return rows
    }

    /// The output's one file, finished.
    private func finish(_ output: TableStream<Row>, _ month: String) async throws -> URL {
        let files = try await output.finishFiles()
        guard let file = files.first?.file, files.count == 1 else {
            throw LakeError.io("the rewrite of \(table.dataset.tableName) month \(month) made \(files.count) files")
        }
        return file
    }

    /// Merges sorted runs into `output`: each run is read a row group at a time, the next row
    /// taken from the run whose current row comes first (a binary heap of the runs).
    private func merge(_ runs: [String], in store: FileSystemObjectStore, into output: TableStream<Row>, month: String) async throws {
        var cursors: [RunCursor] = []
        for run in runs {
            var cursor = RunCursor(reader: try await ParquetReader.open(store, key: run, wholeFileLimit: 0), file: store.location + "/" + run)
            if try await cursor.advance(decode) { cursors.append(cursor) }
        }
        let less = self.less
        func before(_ a: Int, _ b: Int) -> Bool { less(cursors[a].current, cursors[b].current) }
        var heap = MinHeap(count: cursors.count, before: before)
        var out: [Row] = []
        out.reserveCapacity(65_536)
        while let top = heap.top {
            out.append(cursors[top].current)
            cursors[top].index += 1
            if cursors[top].index == cursors[top].rows.count {
                if try await !cursors[top].advance(decode) { heap.removeTop(before: before); continue }
            }
            heap.siftDown(before: before)
            if out.count >= 65_536, let last = out.last, let next = heap.top, table.artistOf?(cursors[next].current) != table.artistOf?(last) {
                // Cut only between artists: an artist's rows go to the stream together.
                try await append(out[...], to: output, month: month)
                out.removeAll(keepingCapacity: true)
                try Task.checkCancellation()
            }
        }
        try await append(out[...], to: output, month: month)
    }

    /// Sorted rows into the stream, one segment per artist (the stream cuts row groups
    /// between artists).
    private func append(_ rows: ArraySlice<Row>, to output: TableStream<Row>, month: String) async throws {
        guard !rows.isEmpty else { return }
        guard let artistOf = table.artistOf else { return try await output.append([month: [rows]]) }
        var segments: [ArraySlice<Row>] = []
        var start = rows.startIndex
        for index in rows.indices.dropFirst() where artistOf(rows[index]) != artistOf(rows[index - 1]) {
            segments.append(rows[start..<index])
            start = index
        }
        segments.append(rows[start...])
        try await output.append([month: segments])
    }

    /// A spilled run, a row group at a time.
    struct RunCursor {
        let reader: ParquetReader
        let file: String
        var group = 0
        var rows: [Row] = []
        var index = 0

        var current: Row { rows[index] }

        /// Reads the next row group; false when the run is done.
        mutating func advance(_ decode: (ProcessedColumns) throws -> [Row]) async throws -> Bool {
            while group < reader.rowGroupCount {
                rows = try decode(ProcessedColumns(table: try await reader.read(rowGroups: [group]), file: file))
                group += 1
                index = 0
                if !rows.isEmpty { return true }
            }
            return false
        }
    }
}

/// A binary min-heap of the indices 0..<count, ordered by `before`, which the caller may change
/// for the top only (then `siftDown`).
struct MinHeap {
    private var items: [Int]

    init(count: Int, before: (Int, Int) -> Bool) {
        items = Array(0..<count)
        for index in stride(from: count / 2 - 1, through: 0, by: -1) { sift(from: index, before: before) }
    }

    var top: Int? { items.first }

    mutating func siftDown(before: (Int, Int) -> Bool) { sift(from: 0, before: before) }

    mutating func removeTop(before: (Int, Int) -> Bool) {
        items.swapAt(0, items.count - 1)
        items.removeLast()
        sift(from: 0, before: before)
    }

    private mutating func sift(from start: Int, before: (Int, Int) -> Bool) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < items.count, before(items[left], items[first]) { first = left }
            if right < items.count, before(items[right], items[first]) { first = right }
            if first == parent { return }
            items.swapAt(parent, first)
            parent = first
        }
    }
}

extension ArtistOrderRewrite {
    /// By artist id (byte order, as Parquet orders strings), then by `then` within an artist.
    static func byArtist(_ id: @escaping @Sendable (Row) -> String, then: @escaping @Sendable (Row, Row) -> Bool) -> @Sendable (Row, Row) -> Bool {
        { a, b in UTF8Order.equal(id(a), id(b)) ? then(a, b) : UTF8Order.less(id(a), id(b)) }
    }
}

extension ArtistOrderRewrite where Row == ArtistDaily {
    /// `artist_daily`: by artist, then day.
    static func artistDaily(options: ParquetWriter.Options) -> ArtistOrderRewrite {
        ArtistOrderRewrite(table: Tables.artistDaily, decode: { try ProcessedTableReader.daily($0, span: nil) },
                           less: byArtist(\.artistID) { $0.day < $1.day }, options: options)
    }
}

extension ArtistOrderRewrite where Row == ArtistSignal {
    /// `artist_signals`: by artist, then day.
    static func artistSignals(options: ParquetWriter.Options) -> ArtistOrderRewrite {
        ArtistOrderRewrite(table: Tables.artistSignals, decode: { try ProcessedTableReader.signals($0, span: nil) },
                           less: byArtist(\.artistID) { $0.day < $1.day }, options: options)
    }
}

extension ArtistOrderRewrite where Row == ReleaseImpact {
    /// `release_impact`, whose shards' parts are concatenated (in order already): by artist, then event.
    static func releaseImpact(options: ParquetWriter.Options) -> ArtistOrderRewrite {
        ArtistOrderRewrite(table: Tables.releaseImpact, decode: { try ProcessedTableReader.impacts($0, span: nil) },
                           less: byArtist(\.artistID) { $0.eventDay < $1.eventDay }, options: options)
    }
}

extension ArtistOrderRewrite where Row == AudienceDaily {
    /// `audience_daily`: by artist, then series, then day.
    static func audienceDaily(options: ParquetWriter.Options) -> ArtistOrderRewrite {
        ArtistOrderRewrite(table: Tables.audienceDaily, decode: { try ProcessedTableReader.audience($0, span: nil) },
                           less: byArtist(\.artistID) { $0.series != $1.series ? $0.series < $1.series : $0.day < $1.day }, options: options)
    }
}
