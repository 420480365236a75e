// The first pass of a streaming transform: raw metric files are decoded on every core and each
// record is appended to its artist's bucket, in a file per bucket and worker (so workers never
// share a file or a lock). What the second pass needs to know about the whole lake (the days
// observed, the likely leaderboard day) is gathered on the way.

import Foundation
import LakeKit
import MomentumAnalytics

final class SpillWriters: @unchecked Sendable {
    /// What one worker holds; only that worker touches it.
    private final class Worker {
        var buffers: [ObservationSpill]
        var records = 0
        var latestWithFollowers: Int32?
        var observedDays = Set<Int32>()
        var malformed: [(file: Int, lines: [MalformedLine])] = []

        init(buckets: Int) {
            buffers = Array(repeating: ObservationSpill(), count: buckets)
        }
    }

    let folder: URL
    let buckets: Int
    private let workers: [Worker]
    private let lock = NSLock()
    private var done = 0
    /// Buffered bytes per bucket and worker before they go to disk: 32 MiB across all the
    /// buffers, so that many buckets do not add up to much memory.
    private let flushBytes: Int

    init(folder: URL, buckets: Int, workers: Int) {
        self.folder = folder
        self.buckets = buckets
        self.workers = (0..<max(1, workers)).map { _ in Worker(buckets: buckets) }
        flushBytes = min(1 << 20, max(16 << 10, (32 << 20) / max(1, buckets * workers)))
    }

    func file(bucket: Int, worker: Int) -> URL {
        folder.appendingPathComponent("bucket-\(bucket)-worker-\(worker).spill")
    }

    /// Spills one decoded file; returns how many files are done.
    func add(_ file: RawFile<RawArtistMetric>, worker index: Int) throws -> Int {
        let worker = workers[index]
        if !file.malformed.isEmpty { worker.malformed.append((file.index, file.malformed)) }
        for (position, record) in file.records.enumerated() {
            let bucket = ObservationSpill.bucket(of: record.artistID, buckets: buckets)
            worker.buffers[bucket].append(record, file: file.index, position: position)
            let day = LakeDate(nanosecondsSinceEpoch: record.capturedAt).daysSinceEpoch
            worker.observedDays.insert(day)
            if record.followers != nil, day > worker.latestWithFollowers ?? .min { worker.latestWithFollowers = day }
            if worker.buffers[bucket].count >= flushBytes { try flush(worker, index: index, bucket: bucket) }
        }
        worker.records += file.records.count
        return lock.withLock { done += 1; return done }
    }

    /// Appends a buffer to its file. The file is opened for each write, not kept open: a
    /// thousand buckets on sixteen cores would need more descriptors than a process has.
    private func flush(_ worker: Worker, index: Int, bucket: Int) throws {
        guard worker.buffers[bucket].count > 0 else { return }
        let path = file(bucket: bucket, worker: index).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else {
            throw EngineError.invalidInput("cannot write the transform's scratch file \(path) (errno \(errno)): check free space and TMPDIR")
        }
        defer { close(descriptor) }
        try worker.buffers[bucket].bytes.withUnsafeBytes { buffer in
            var written = 0
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                guard count > 0 else {
                    throw EngineError.invalidInput("cannot write the transform's scratch file \(path) (errno \(errno)): check free space and TMPDIR")
                }
                written += count
            }
        }
        worker.buffers[bucket].removeAll()
    }

    /// Writes what is buffered.
    func finish() throws {
        for (index, worker) in workers.enumerated() {
            for bucket in 0..<buckets { try flush(worker, index: index, bucket: bucket) }
        }
    }

    /// A bucket's records, each with its read order.
    func entries(bucket: Int) throws -> [ObservationSpill.Entry] {
        var strings = StringInterner(capacity: 1 << 16)
        var entries: [ObservationSpill.Entry] = []
        for index in workers.indices {
            let url = file(bucket: bucket, worker: index)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            try ObservationSpill.decode(Array(try Data(contentsOf: url)), strings: &strings, into: &entries)
        }
        return entries
    }

    var records: Int { workers.reduce(0) { $0 + $1.records } }
    var observedDays: Set<Day> { Set(workers.flatMap(\.observedDays).map(Day.init(daysSinceEpoch:))) }
    /// The latest day with a follower count in any record: the leaderboard's day unless that
    /// day's kept record of every such artist has none (checked after the second pass).
    var latestWithFollowers: Day? { workers.compactMap(\.latestWithFollowers).max().map(Day.init(daysSinceEpoch:)) }
    /// The malformed lines, files in key order.
    var malformed: [MalformedLine] { workers.flatMap(\.malformed).sorted { $0.file < $1.file }.flatMap(\.lines) }
}
