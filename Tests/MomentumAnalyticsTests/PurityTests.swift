// MomentumAnalytics promises no I/O and no dependencies: its sources import nothing but the C
// library (for ln and sqrt). The one exception is the bridge to Foundation's `Date`
// (Model/Instant+Date.swift), which converts values and does nothing else.

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
        let bridge = "Model/Instant+Date.swift"
        #expect(files.contains(bridge))
        for file in files {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                let module = String(line.dropFirst("import ".count)).trimmingCharacters(in: .whitespaces)
                let bridging = file == bridge && ["Foundation", "FoundationEssentials"].contains(module)
                #expect(allowed.contains(module) || bridging, "\(file) imports \(module)")
            }
        }
    }

    @Test func theDateBridgeOnlyConverts() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/MomentumAnalytics/Model/Instant+Date.swift")
        let text = try String(contentsOf: sources, encoding: .utf8)
        for forbidden in ["Date()", "FileManager", "URL", "ProcessInfo", "now"] {
            #expect(!text.contains(forbidden), "the bridge must not read the clock, files or the environment: \(forbidden)")
        }
    }
}
