// The one way the CLI writes a file a user named (`dashboard --out`, `init`'s momentum.json, the
// demo's page): a regular file is replaced atomically, so a half-written file never replaces a
// good one; a link is followed, so the file it names is replaced and the link stays; a device, a
// FIFO or a socket (`--out /dev/stdout`, `/dev/null`) is written straight through, since renaming
// over it would replace the device itself (as root, /dev/null becomes a regular file).

import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum OutputFile {
    static func write(_ data: Data, to path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            // Nothing there yet (or a link to nothing): a new file, written atomically.
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            return
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG:
            // Through a link, the file it names.
            let target = URL(fileURLWithPath: path).resolvingSymlinksInPath()
            try data.write(to: target, options: .atomic)
        case S_IFDIR:
            throw CocoaError(.fileWriteInvalidFileName, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "\(path) is a folder"])
        default:
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
        }
    }
}
