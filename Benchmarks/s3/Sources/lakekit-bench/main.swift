// lakekit-bench upload BUCKET PREFIX FILE...   puts each file at PREFIX/<name>, 4 at a time
// lakekit-bench download BUCKET PREFIX         gets every object under PREFIX, 4 at a time
// lakekit-bench parquet FILE                   reads every column of a Parquet file
// lakekit-bench parquet-copy FILE OUT          reads a Parquet file and writes it again (Snappy)
// lakekit-bench jsonl FOLDER                   decodes every raw metric JSON Lines file under FOLDER
// S3 settings come from the AWS_* environment variables, as for `momentum`.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("lakekit-bench: \(message)\n".utf8))
    exit(2)
}

let arguments = Array(CommandLine.arguments.dropFirst())
guard let command = arguments.first else { fail("usage: upload|download|parquet ...") }

do {
    switch command {
    case "upload" where arguments.count >= 4:
        let store = try S3ObjectStore(client: S3Client.standard(), bucket: arguments[1], prefix: arguments[2])
        let files = Array(arguments.dropFirst(3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func start() {
                let path = files[next]
                next += 1
                group.addTask {
                    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
                    try await store.put(URL(fileURLWithPath: path).lastPathComponent, bytes: bytes)
                }
            }
            while next < min(4, files.count) { start() }
            while try await group.next() != nil { if next < files.count { start() } }
        }
    case "download" where arguments.count == 3:
        let store = try S3ObjectStore(client: S3Client.standard(), bucket: arguments[1], prefix: arguments[2])
        let keys = try await store.list(prefix: "").map(\.key)
        let total = try await withThrowingTaskGroup(of: Int.self) { group in
            var next = 0, total = 0
            func start() {
                let key = keys[next]
                next += 1
                group.addTask { try await store.get(key).count }
            }
            while next < min(4, keys.count) { start() }
            while let count = try await group.next() {
                total += count
                if next < keys.count { start() }
            }
            return total
        }
        print(total)
    case "parquet" where arguments.count == 2:
        let url = URL(fileURLWithPath: arguments[1])
        let store = FileSystemObjectStore(root: url.deletingLastPathComponent())
        let table = try await ParquetReader.open(store, key: url.lastPathComponent).read()
        print(table.rowCount)
    case "parquet-copy" where arguments.count == 3:
        let url = URL(fileURLWithPath: arguments[1])
        let table = try await ParquetReader.open(FileSystemObjectStore(root: url.deletingLastPathComponent()), key: url.lastPathComponent).read()
        var writer = try ParquetWriter(schema: table.schema, options: .init(codec: .snappy))
        try writer.append(table.columns)
        try Data(writer.finish()).write(to: URL(fileURLWithPath: arguments[2]))
        print(table.rowCount)
    case "jsonl" where arguments.count == 2:
        // The lake's raw metric files, decoded into records on every core (as a transform does).
        let store = FileSystemObjectStore(root: URL(fileURLWithPath: arguments[1]))
        let records = ManagedAtomicCounter()
        let summary = try await RawLakeReader.forEachFile(MetricObservation.self, dataset: .artistMetrics, from: store,
                                                          parallelism: ProcessInfo.processInfo.activeProcessorCount) { _, file in
            records.add(file.records.count)
        }
        print(records.value, summary.bytes)
    default:
        fail("usage: upload BUCKET PREFIX FILE... | download BUCKET PREFIX | parquet FILE | parquet-copy FILE OUT | jsonl FOLDER")
    }
} catch {
    fail("\(error)")
}

/// A count shared by the decoding workers.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0
    func add(_ count: Int) { lock.withLock { total += count } }
    var value: Int { lock.withLock { total } }
}
