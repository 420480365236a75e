// Plain file access to a local lake for tests: what a user (or a script) would do by hand,
// without going through the store's own code.

import Foundation
import LakeKit

extension FileSystemObjectStore {
    func writeFile(_ key: String, bytes: [UInt8]) throws {
        let url = fileURL(for: key)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    func readFile(_ key: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: fileURL(for: key)))
    }

    /// Keys of regular files under `prefix`, sorted, hidden ones included.
    func keys(under prefix: String) -> [String] {
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var keys: [String] = []
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: base + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            if relative.hasPrefix(prefix) { keys.append(relative) }
        }
        return keys.sorted()
    }
}
