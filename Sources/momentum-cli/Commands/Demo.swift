// `momentum demo`: the whole product with no account and no network. The simulator answers in
// process; the daily and weekly jobs, the transform and the dashboard are the production code.

import ArgumentParser
import AudienceKit
import Foundation
import LakeKit
import Logging
import MomentumAnalytics
import MomentumDashboard
import MomentumEngine
import MomentumHTTP
import SpotifyKit
import SpotifySimulator

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate days of daily runs and weekly scans against the built-in Spotify simulator, then transform, report and write the dashboard.",
        discussion: "--mode development plays an app under Spotify's February 2026 rules (no follower counts): the demo then also records Deezer fans and Last.fm listeners from the same simulated world, and the leaderboard ranks every artist on them."
    )

    @Option(help: "Folder for the demo (its lake and dashboard.html are replaced).")
    var dir: String = "./momentum-demo"

    @OptionGroup var world: Simulator.WorldOptions

    @Option(help: "Number of simulated days, ending today.")
    var days: Int = 180

    @Flag(name: .shortAndLong, help: "Only errors on stderr.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "More log output on stderr.")
    var verbose = false

    func validate() throws {
        guard (1...3_650).contains(days) else { throw ValidationError("--days must be between 1 and 3650") }
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: dir, isDirectory: true).standardizedFileURL
        let lakeURL = folder.appendingPathComponent("lake", isDirectory: true)
        let dashboard = folder.appendingPathComponent("dashboard.html")
        try Demo.prepare(folder: folder, lake: lakeURL)
        Console.bootstrapLogging(level: quiet ? .error : verbose ? .debug : .warning)
        var logger = Logger(label: "momentum.demo")
        logger.logLevel = quiet ? .error : verbose ? .debug : .warning
        let started = Date()

        let store = FileSystemObjectStore(root: lakeURL)
        let simulator = SpotifySimulator(options: .init(artists: world.artists, seed: world.seed, mode: world.mode))
        let spotify = SpotifyClient(
            clientID: "momentum-demo", clientSecret: "momentum-demo",
            configuration: SpotifyConfiguration(apiURL: URL(string: "http://simulator.invalid/v1"),
                                                accountsURL: URL(string: "http://simulator.invalid")),
            transport: simulator, logger: logger)
        let jobs = IngestionJobs(store: store, spotify: spotify, logger: logger, source: "spotify-simulator")
        // Without Spotify's counts the other sources carry the demo; in process, unpaced.
        let sources = world.mode == .development ? Demo.audienceSources(simulator, logger: logger) : AudienceSources()
        try await LakeLock.withLock(store, command: "momentum demo") {
            try await simulate(store: store, simulator: simulator, jobs: jobs, sources: sources, lakeURL: lakeURL, dashboard: dashboard,
                               started: started, logger: logger)
        }
    }

    /// Deezer, Last.fm and MusicBrainz answered by the in-process simulator: no request leaves
    /// the process, and nothing is paced (there is no service to spare).
    static func audienceSources(_ simulator: SpotifySimulator, logger: Logger) -> AudienceSources {
        func configuration(_ path: String) -> AudienceSourceConfiguration {
            AudienceSourceConfiguration(baseURL: URL(string: "http://simulator.invalid\(path)") ?? URL(fileURLWithPath: "/"),
                                        rate: RequestRate(requests: 1_000_000, per: .seconds(1)))
        }
        return AudienceSources(
            deezer: DeezerClient(configuration: configuration("/deezer"), transport: simulator, logger: logger),
            lastFM: LastFMClient(apiKey: "momentum-demo", configuration: configuration("/lastfm/2.0"), transport: simulator, logger: logger),
            musicBrainz: MusicBrainzClient(configuration: configuration("/musicbrainz"), transport: simulator, logger: logger))
    }

    private func simulate(store: FileSystemObjectStore, simulator: SpotifySimulator, jobs: IngestionJobs, sources: AudienceSources, lakeURL: URL,
                          dashboard: URL, started: Date, logger: Logger) async throws {
        let tracked = TrackedArtists(artists: simulator.artistDirectory.map {
            TrackedArtists.Entry(id: $0.id, name: $0.name, addedAt: Demo.iso(Date()))
        })
        try await tracked.save(to: store)

        let bar = ProgressBar.forCommand(quiet: quiet)
        let today = Date().timeIntervalSince1970 - Date().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400)
        var failures: [CommandFailure] = []
        for offset in 0..<days {
            let day = Date(timeIntervalSince1970: today - Double(days - 1 - offset) * 86_400)
            // The daily job runs in the morning, a little later each day; the weekly scan an hour later.
            let morning = day.addingTimeInterval(6 * 3600 + Double(offset % 17) * 60)
            simulator.setDate(morning)
            if let failure = try await IngestMetricsStep.run(jobs, now: morning, quiet: true) { failures.append(failure) }
            if !sources.enabled.isEmpty {
                // Every artist is matched on the first day (the demo's roster is small).
                let audience = morning.addingTimeInterval(300)
                simulator.setDate(audience)
                if let failure = try await IngestAudienceStep.run(jobs, sources: sources, now: audience, quiet: true, matchBudget: world.artists) {
                    failures.append(failure)
                }
            }
            if offset % 7 == 0 {
                let scan = morning.addingTimeInterval(3600)
                simulator.setDate(scan)
                if let failure = try await IngestReleasesStep.run(jobs, now: scan, interval: 7, quiet: true) { failures.append(failure) }
            }
            bar.update(EngineProgress(phase: .fetching, completed: offset + 1, total: days))
        }
        bar.finish()

        let engine = LocalEngine(store: store, logger: logger, progress: bar.update)
        let lake = try await engine.loadRawLake()
        let analysis = await engine.analyze(lake)
        let summary = try await engine.writeProcessedTables(analysis, from: lake)
        let html = Dashboard.render(leaderboard: analysis.leaderboard, analyses: analysis.analyses, asOf: analysis.asOf,
                                    options: .init(title: "Momentum demo", generatedAt: Demo.iso(Date())))
        try DashboardCommand.write(html, to: dashboard.path)
        bar.finish()

        let requests = simulator.statistics.requests.values.reduce(0, +)
        Console.write(LeaderboardOutput.render(Array(analysis.leaderboard.prefix(10)), format: Console.stdoutIsTerminal ? .table : .json))
        if !quiet {
            Console.note("""

            \(days) simulated days · \(world.artists) artists · \(world.mode.rawValue) mode · \(requests) API requests · \(String(format: "%.1f", Date().timeIntervalSince(started))) s
            lake:      \(lakeURL.path)  (\(summary.dailyRows) daily rows\(summary.audienceRows > 0 ? ", \(summary.audienceRows) Deezer and Last.fm rows" : ""), \(summary.events) release events)
            dashboard: \(dashboard.path)
            explore:   \(Demo.invocation) report --lake \(lakeURL.path) --artist \(analysis.leaderboard.first?.artistID ?? "<id>")
                       \(Demo.invocation) releases impact --lake \(lakeURL.path)
            """)
        }
        if let first = failures.first { throw first }
    }

    /// How to run momentum from where the demo was started: `momentum` when it is on PATH
    /// (installed), `swift run momentum` otherwise (the demo was started with `swift run`).
    static var invocation: String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let installed = path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/momentum") }
        return installed ? "momentum" : "swift run momentum"
    }

    /// The file that marks a folder as the demo's own: only such a folder's lake is replaced.
    static let marker = ".momentum-demo"

    /// A fresh lake. The demo replaces only a lake it created itself (its folder carries the
    /// marker); a folder that holds anything else is refused, so that `--dir` pointed at a real
    /// lake deletes nothing.
    static func prepare(folder: URL, lake: URL) throws {
        let manager = FileManager.default
        let markerPath = folder.appendingPathComponent(marker).path
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CommandFailure.usage("--dir \(folder.path) is a file, not a folder")
            }
            let contents = (try? manager.contentsOfDirectory(atPath: folder.path)) ?? []
            if !contents.isEmpty, !manager.fileExists(atPath: markerPath) {
                throw CommandFailure.usage("\(folder.path) is not empty and was not created by `momentum demo` (no \(marker) file): the demo replaces its folder's lake, so it only uses an empty folder or one of its own. Pass another --dir")
            }
        }
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
            try OutputFile.write(Data("This folder was created by `momentum demo`; the next demo run replaces its lake.\n".utf8),
                                 to: markerPath)
            if manager.fileExists(atPath: lake.path) { try manager.removeItem(at: lake) }
            try manager.createDirectory(at: lake, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.usage("cannot prepare \(folder.path): \(error.localizedDescription)")
        }
    }

    static func iso(_ date: Date) -> String {
        date.isoSeconds
    }
}
