// `momentum dashboard`: the self-contained HTML dashboard.

import ArgumentParser
import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Write a self-contained HTML dashboard (no network needed to view it)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Where to write the page (default dashboard.html; with --publish, only when given).")
    var out: String?

    @Flag(help: "Write dashboard.html into the lake (an s3:// lake) and print a presigned link to it: the page opens in any browser, no AWS account needed.")
    var publish = false

    @Option(help: "How long the --publish link works: 7d (the default and the most SigV4 allows), 12h, 30m, 90s.")
    var expires: String?

    @Option(name: .customLong("as-of"), help: "Leaderboard day (YYYY-MM-DD); default: the latest day with follower counts.")
    var asOf: String?

    @Option(help: "Open the page on this artist: an id, spotify:artist: URI, open.spotify.com link or the name (any case).")
    var artist: String?

    func validate() throws {
        if expires != nil, !publish { throw ValidationError("--expires goes with --publish") }
        if let expires { _ = try DashboardCommand.lifetime(expires) }
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'") }
        if let artist { try ArtistArgument.validate(artist) }
    }

    func run() async throws {
        let settings = try await Settings.resolve(global)
        let store = try settings.existingStore()
        let lifetime = try expires.map(DashboardCommand.lifetime) ?? S3Client.maximumPresignedLifetime
        if publish, !(store is S3ObjectStore) {
            throw CommandFailure.usage("--publish writes into an S3 lake: the lake at \(store.location) (\(settings.lakeSource.description)) is a folder")
        }
        var selected: String?
        if let artist { selected = try await ArtistArgument.id(artist, in: LocalEngine(store: store, logger: settings.logger)) }
        let (page, reading) = try await DashboardCommand.page(settings: settings, store: store, asOf: asOf.flatMap { Day(iso: $0) },
                                                              selected: selected, quiet: global.quiet)
        if asOf == nil { warnIfAfterToday(page.asOf) }
        if let path = out ?? (publish ? nil : "dashboard.html") {
            try DashboardCommand.write(page.html, to: path)
            if !global.quiet { Console.note("wrote \(path) (\(page.html.utf8.count / 1024) KiB, \(page.artists) artists)") }
        }
        if publish, let s3 = store as? S3ObjectStore {
            let location = try await DashboardPage.publish(page.html, to: s3)
            let link = try await s3.presignedURL(DashboardPage.lakeKey, expires: lifetime)
            if !global.quiet {
                let until = ISO8601DateFormatter().string(from: link.expires)
                Console.note("wrote \(location) (\(page.html.utf8.count / 1024) KiB, \(page.artists) artists); the link below opens it until \(until)")
                if link.cutShortByCredentials {
                    Console.warnOnce("the link stops working at \(until), when the temporary credentials that signed it expire; sign with longer-lived credentials for a longer link")
                }
            }
            // The link itself is the command's output: it reads the page, nothing else.
            print(link.url.absoluteString)
        }
        if let raw = reading.rawLake { try reportMalformed(raw) }
    }

    /// The page by the engine's read policy; a lake with nothing to show is an error.
    static func page(settings: Settings, store: any ObjectStore, asOf day: Day?, selected: String?, quiet: Bool) async throws
        -> (page: DashboardPage, reading: LakeReading) {
        let engine = LocalEngine(store: store, logger: settings.logger, progress: ProgressBar.forCommand(quiet: quiet).update)
        let reading = try await LakeReading.open(engine)
        guard !reading.isEmpty else { throw settings.emptyLake(store) }
        if let warning = reading.staleWarning { Console.warnOnce(warning) }
        return (try await reading.dashboardPage(asOf: day, selected: selected, generatedAt: Date().isoSeconds), reading)
    }

    /// `7d`, `12h`, `30m` or `90s`: from a second to SigV4's seven days.
    static func lifetime(_ text: String) throws -> Duration {
        let units: [Character: Int64] = ["d": 86_400, "h": 3_600, "m": 60, "s": 1]
        guard let unit = text.last, let scale = units[unit], let count = Int64(text.dropLast()), count > 0,
              count <= S3Client.maximumPresignedLifetime.components.seconds / scale else {
            throw ValidationError("--expires must be a lifetime such as 7d, 12h, 30m or 90s, at most 7d; got '\(text.prefix(20))'")
        }
        return .seconds(count * scale)
    }

    /// Writes the page (`OutputFile`: atomically, or straight into a device such as /dev/stdout).
    static func write(_ html: String, to path: String) throws {
        do {
            try OutputFile.write(Data(html.utf8), to: path)
        } catch {
            throw CommandFailure.usage("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
