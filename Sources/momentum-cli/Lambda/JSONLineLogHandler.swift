// Log lines as JSON objects on stdout, one per line: what CloudWatch Logs indexes by field.

import Foundation
import Logging

struct JSONLineLogHandler: LogHandler {
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    init(label: String) {
        self.label = label
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = "\(value)" }
        object["time"] = Date().ISO8601Format(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        object["level"] = event.level.rawValue
        object["logger"] = label
        object["message"] = event.message.description
        if let error = event.error { object["error"] = "\(error)" }
        guard var bytes = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        bytes.append(0x0A)
        // One write per line, so lines from concurrent tasks never interleave.
        FileHandle.standardOutput.write(bytes)
    }
}
