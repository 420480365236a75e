// The reading commands on a lake whose processed tables hold a hostile Parquet file (the
// shapes of Tests/Fixtures/hostile-parquet and the Parquet fuzz corpus): each ends within 10 s
// of CPU under a 512 MiB address-space limit, with exit 5 naming the file, or reads it.

import Foundation
import MomentumTestSupport
import Testing

@Suite struct HostileFileTests {
    static let shapes = try! FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("Tests/Fixtures/hostile-parquet").path)
        .map { "Tests/Fixtures/hostile-parquet/\($0)" }
    static let corpus = try! FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("Fuzz/Corpus/parquet").path)
        .sorted().map { "Fuzz/Corpus/parquet/\($0)" }

    /// Runs momentum under `ulimit -v` (512 MiB of address space: more than any reading
    /// command needs, far less than what the hostile files declare) and `ulimit -t` (10 s of
    /// CPU, the soft limit: a loop over a declared count ends there, stopped by SIGXCPU). The
    /// bound is on CPU time, not wall time, because the suite runs many programs at once on two
    /// cores, where a command of 0.1 s can wait seconds for a core. A command that waits without
    /// using the CPU is killed after `wallLimit`.
    static let cpuSeconds = 10
    static let wallLimit = Duration.seconds(120)

    static func bounded(_ arguments: [String], lake: URL) async throws -> (result: ProcessResult, overran: Bool) {
        let child = try ChildProcess("/bin/sh", ["-c", "ulimit -v 524288; ulimit -c 0; ulimit -S -t \(cpuSeconds); exec \"$0\" \"$@\"", try Repository.momentumBinary().path] + arguments,
                                     environment: momentumEnvironment(["MOMENTUM_LAKE": lake.path, "MALLOC_ARENA_MAX": "2"]))
        let watchdog = Task {
            try await Task.sleep(for: wallLimit)
            child.signal(SIGKILL)
        }
        let result = await child.result()
        watchdog.cancel()
        let watchdogFired = (try? await watchdog.value) != nil
        return (result, watchdogFired)
    }

    @Test(arguments: shapes + corpus)
    func readingCommandsStayBounded(_ file: String) async throws {
        let folder = try Repository.temporaryFolder("hostile")
        let demo = try await momentum(["demo", "--dir", folder.path, "--artists", "4", "--days", "40", "--seed", "5", "--quiet"])
        try #require(demo.status == 0, "\(demo.stderr)")
        let lake = folder.appendingPathComponent("lake")
        let leaderboard = try await momentum(["report", "--lake", lake.path, "--format", "csv"])
        let artist = try #require(leaderboard.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",").dropFirst().first.map(String.init))
        let months = lake.appendingPathComponent("processed/artist_daily")
        let month = try #require(try FileManager.default.contentsOfDirectory(atPath: months.path).sorted().first)
        let placed = months.appendingPathComponent("\(month)/part-9.parquet")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent(file), to: placed)

        for arguments in [["report", "--artist", artist], ["releases", "impact", "--artist", artist],
                          ["dashboard", "--out", folder.appendingPathComponent("d.html").path], ["transform"]] {
            let (result, overran) = try await Self.bounded(arguments, lake: lake)
            #expect(!overran, "\(arguments) on \(file): still running after \(Self.wallLimit)")
            #expect(result.status != SIGXCPU, "\(arguments) on \(file): used more than \(Self.cpuSeconds) s of CPU")
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace"), "\(arguments) on \(file): \(result.stderr.suffix(400))")
            // Refused with the file named (5), or read: never a crash or an allocation failure.
            #expect([0, 5].contains(result.status), "\(arguments) on \(file): exit \(result.status): \(result.stderr.suffix(400))")
            if result.status == 5 { #expect(result.stderr.contains("part-9.parquet"), "\(result.stderr)") }
            if arguments == ["report", "--artist", artist], file.hasPrefix("Tests/Fixtures") {
                #expect(result.status == 5, "\(result.stderr)")
                if file.hasSuffix("int96-day.parquet") { #expect(result.stderr.contains("column 'day' is INT96"), "\(result.stderr)") }
            }
        }
    }
}
