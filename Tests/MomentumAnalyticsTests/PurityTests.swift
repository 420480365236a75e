// MomentumAnalytics promises no I/O and no dependencies: its sources import nothing but the C
// library (for ln and sqrt).

import Foundation
import Testing

@Suite struct PurityTests {
    @Test func importsOnlyTheCLibrary() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/MomentumAnalytics")
        let files = FileManager.default.enumerator(atPath: sources.path)?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") } ?? []
        #expect(files.count > 5)
        let allowed: Set<String> = ["Glibc", "Musl", "Darwin", "ucrt"]
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                let module = String(line.dropFirst("import ".count)).trimmingCharacters(in: .whitespaces)
                #expect(allowed.contains(module), "\(file) imports \(module)")
            }
        }
    }
}
