// The first pass of a streaming transform: raw files are read on every core and each record
// (a metric line's fields, straight from its bytes) is appended to its artist's bucket
// (BucketRanges), in a file per bucket and worker (so workers never
// share a file or a lock). What the second pass needs to know about the whole lake (the days
// observed, the likely leaderboard day) is gathered on the way.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

final class SpillWriters: @unchecked Sendable {
    /// What one worker learns of the lake; only that worker touches it.
    private final class Worker {
        var records = 0
        var latestCounted: Int32?
        var observedDays = Set<Int32>()
        var malformed: [(file: Int, lines: [MalformedLine])] = []
    }

    let ranges: BucketRanges
    var buckets: Int { ranges.count }
    private let observations: BucketFiles
    private let releases: BucketFiles
    private let audience: BucketFiles
    private let workers: [Worker]
    private let lock = NSLock()
    private var done = 0
    private var releaseWorkers: [Worker]
    private var audienceWorkers: [Worker]

    init(folder: URL, ranges: BucketRanges, workers: Int) {
        self.ranges = ranges
        observations = BucketFiles(folder: folder, name: "observations", buckets: ranges.count, workers: workers)
        releases = BucketFiles(folder: folder, name: "releases", buckets: ranges.count, workers: workers)
        audience = BucketFiles(folder: folder, name: "audience", buckets: ranges.count, workers: workers)
        self.workers = (0..<max(1, workers)).map { _ in Worker() }
        releaseWorkers = (0..<max(1, workers)).map { _ in Worker() }
        audienceWorkers = (0..<max(1, workers)).map { _ in Worker() }
    }

    /// Spills one raw metrics file, each line's fields straight from its bytes (no record is
    /// made: its strings would be allocated only to be copied into the spill); returns how
    /// many files are done. Lines are skipped and named as `JSONLines.decode` would.
    func addMetrics(_ object: RawObject, worker index: Int) throws -> Int {
        let worker = workers[index]
        var malformed = object.malformed
        if let bytes = object.bytes {
            let partitionDay = object.partitionDay.map(PartitionDay.init)
            var position = 0
            var lastDay: Int32?
            do {
                malformed += try JSONLines.readLines(of: bytes, source: object.key) { line in
                    let fields = try MetricLine(jsonLine: line, keepingGenres: false)
                    if let violation = fields.contractViolation(partitionDay: partitionDay) { throw LakeError.format(violation) }
                    let bucket = fields.artistID.withBytes { ranges.bucket(ofUTF8: $0) }
                    do {
                        try ObservationSpill.encode(fields, file: object.index, position: position, into: observations, worker: index, bucket: bucket)
                    } catch {
                        // Not the line's fault: it must not be taken for a malformed line.
                        throw ScratchWriteFailure(underlying: error)
                    }
                    position += 1
                    let day = fields.capturedAt.day.daysSinceEpoch
                    // A file's records share their day (the contract files them by it): one insert.
                    if day != lastDay { worker.observedDays.insert(day) }
                    lastDay = day
                    if fields.followers != nil, day > worker.latestCounted ?? .min { worker.latestCounted = day }
                }
            } catch let failure as ScratchWriteFailure {
                throw failure.underlying
            }
            worker.records += position
        }
        if !malformed.isEmpty { worker.malformed.append((object.index, malformed)) }
        return lock.withLock { done += 1; return done }
    }

    /// A scratch file that could not be written, carried out of a line reader that counts
    /// `LakeError`s as the line's.
    private struct ScratchWriteFailure: Error {
        var underlying: any Error
    }

    /// Spills one decoded release file.
    func add(_ file: RawFile<ReleaseRecord>, worker index: Int) throws {
        let worker = releaseWorkers[index]
        if !file.malformed.isEmpty { worker.malformed.append((file.index, file.malformed)) }
        for (position, record) in file.records.enumerated() {
            let bucket = ranges.bucket(of: record.artistID)
            try ReleaseSpill.encode(record, file: file.index, position: position, into: releases, worker: index, bucket: bucket)
        }
        worker.records += file.records.count
    }

    /// Spills one decoded audience file (metrics.md section 8).
    func add(_ file: RawFile<AudienceObservation>, worker index: Int) throws {
        let worker = audienceWorkers[index]
        if !file.malformed.isEmpty { worker.malformed.append((file.index, file.malformed)) }
        var lastDay: Int32?
        for (position, record) in file.records.enumerated() {
            let bucket = ranges.bucket(of: record.artistID)
            try AudienceSpill.encode(record, file: file.index, position: position, into: audience, worker: index, bucket: bucket)
            let day = record.capturedAt.day.daysSinceEpoch
            if day != lastDay { worker.observedDays.insert(day) }
            lastDay = day
            if record.value != nil, day > worker.latestCounted ?? .min { worker.latestCounted = day }
        }
        worker.records += file.records.count
    }

    /// Writes the metric records buffered: a bucket's can be read from then on, while the
    /// release and audience files are still being spilled.
    func finishMetrics() throws {
        try observations.finish()
    }

    /// Writes the release and audience records buffered.
    func finishReleasesAndAudience() throws {
        try releases.finish()
        try audience.finish()
    }

    /// A bucket's records by artist, each artist's in read order.
    func observations(bucket: Int) throws -> [String: [MetricObservation]] {
        // Every string numbered, however many: the records hold each one anyway.
        var strings = StringInterner(capacity: .max)
        var artists = ObservationSpill.ArtistRecords()
        for bytes in try observations.contents(bucket: bucket) { try ObservationSpill.decode(bytes, strings: &strings, into: &artists) }
        return artists.byArtist()
    }

    /// A bucket's release records by artist, in read order.
    func releases(bucket: Int) throws -> [String: [ReleaseRecord]] {
        var entries: [ReleaseSpill.Entry] = []
        try decode(releases, bucket: bucket) { try ReleaseSpill.decode($0, strings: &$1, into: &entries) }
        return SpillWriters.byArtist(entries.sorted { $0.order < $1.order }.map(\.record), \.artistID)
    }

    /// A bucket's audience records by artist, in read order.
    func audience(bucket: Int) throws -> [String: [AudienceObservation]] {
        var entries: [AudienceSpill.Entry] = []
        try decode(audience, bucket: bucket) { try AudienceSpill.decode($0, strings: &$1, into: &entries) }
        return SpillWriters.byArtist(entries.sorted { $0.order < $1.order }.map(\.record), \.artistID)
    }

    /// Each of a bucket's spill files handed to `decode`, with one string interner for all.
    private func decode(_ files: BucketFiles, bucket: Int, _ decode: ([UInt8], inout StringInterner) throws -> Void) throws {
        var strings = StringInterner(capacity: 1 << 16)
        for bytes in try files.contents(bucket: bucket) { try decode(bytes, &strings) }
    }

    private static func byArtist<Record>(_ records: [Record], _ artist: KeyPath<Record, String>) -> [String: [Record]] {
        var grouped: [String: [Record]] = [:]
        for record in records { grouped[record[keyPath: artist], default: []].append(record) }
        return grouped
    }

    var records: Int { workers.reduce(0) { $0 + $1.records } }
    var audienceRecords: Int { audienceWorkers.reduce(0) { $0 + $1.records } }
    var releaseRecords: Int { releaseWorkers.reduce(0) { $0 + $1.records } }
    // Days of instants, so always in Day's range.
    var observedDays: Set<Day> { Set((workers + audienceWorkers).flatMap(\.observedDays).compactMap(Day.init(daysSinceEpoch:))) }
    /// The latest day with a count (followers or an audience value) in any record: the
    /// leaderboard's day unless that day's kept record of every such series has none (checked
    /// after the second pass).
    var latestCounted: Day? { (workers + audienceWorkers).compactMap(\.latestCounted).max().flatMap(Day.init(daysSinceEpoch:)) }
    /// The malformed lines, files in key order.
    var malformed: [MalformedLine] { workers.flatMap(\.malformed).sorted { $0.file < $1.file }.flatMap(\.lines) }
    var releaseMalformed: [MalformedLine] { releaseWorkers.flatMap(\.malformed).sorted { $0.file < $1.file }.flatMap(\.lines) }
    var audienceMalformed: [MalformedLine] { audienceWorkers.flatMap(\.malformed).sorted { $0.file < $1.file }.flatMap(\.lines) }
}
