// `momentum dashboard`: the self-contained HTML dashboard.

import ArgumentParser
import Foundation
import LakeKit
import MomentumAnalytics
import MomentumEngine

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Write a self-contained HTML dashboard (no network needed to view it).",
        discussion: """
        One page holds every artist's data: right for rosters up to about 20,000 artists. \
        --site writes a page and data files it loads when an artist is opened, for rosters of any size.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Where to write the page (default dashboard.html; with --publish, only when given); with --site, the site's folder (default dashboard).")
    var out: String?

    @Flag(help: "Write a site: a page with the leaderboard's first rows and data files it loads when an artist is opened or searched for, for rosters of any size (a folder; with --publish, the lake's dashboard/).")
    var site = false

    @Flag(help: "Print a link to the dashboard the pipeline published into the lake (an s3:// lake), building nothing: its site when it has one, else dashboard.html.")
    var link = false

    @Flag(help: "Write dashboard.html into the lake (an s3:// lake) and print a presigned link to it: the page opens in any browser, no AWS account needed.")
    var publish = false

    @Option(help: "How long the --publish link works: 7d (the default and the most SigV4 allows), 12h, 30m, 90s.")
    var expires: String?

    @Option(name: .customLong("as-of"), help: "Leaderboard day (YYYY-MM-DD); default: the latest day with follower counts.")
    var asOf: String?

    @Option(help: "Open the page on this artist: an id, spotify:artist: URI, open.spotify.com link or the name (any case).")
    var artist: String?

    func validate() throws {
        if expires != nil, !publish, !link { throw ValidationError("--expires goes with --publish or --link") }
        if link, publish || site || out != nil || asOf != nil || artist != nil {
            throw ValidationError("--link prints a link to what is published; it takes no --publish, --site, --out, --as-of or --artist")
        }
        if site, publish, out != nil { throw ValidationError("--site --publish writes into the lake's dashboard/; --out has no place there") }
        if let expires { _ = try DashboardCommand.lifetime(expires) }
        if let asOf, Day(iso: asOf) == nil { throw ValidationError("--as-of must be a date as YYYY-MM-DD, got '\(asOf)'") }
        if let artist { try ArtistArgument.validate(artist) }
    }

    func run() async throws {
        let settings = try await Settings.resolve(global)
        let store = try settings.existingStore()
        let lifetime = try expires.map(DashboardCommand.lifetime) ?? S3Client.maximumPresignedLifetime
        if publish || link, !(store is S3ObjectStore) {
            throw CommandFailure.usage("--\(link ? "link" : "publish") \(link ? "reads" : "writes into") an S3 lake: the lake at \(store.location) (\(settings.lakeSource.description)) is a folder")
        }
        if link, let s3 = store as? S3ObjectStore { return try await printLink(s3, lifetime: lifetime) }
        var selected: String?
        if let artist { selected = try await ArtistArgument.id(artist, in: LocalEngine(store: store, logger: settings.logger)) }
        if site { return try await writeSite(settings: settings, store: store, selected: selected, lifetime: lifetime) }
        let (page, reading) = try await DashboardCommand.page(settings: settings, store: store, asOf: asOf.flatMap { Day(iso: $0) },
                                                              selected: selected, quiet: global.quiet)
        if asOf == nil { warnIfAfterToday(page.asOf) }
        if let path = out ?? (publish ? nil : "dashboard.html") {
            try DashboardCommand.write(page.html, to: path)
            if !global.quiet { Console.note("wrote \(path) (\(page.html.utf8.count / 1024) KiB, \(page.artists) artists)") }
        }
        if publish, let s3 = store as? S3ObjectStore {
            let location = try await DashboardPage.publish(page.html, to: s3)
            if !global.quiet { Console.note("wrote \(location) (\(page.html.utf8.count / 1024) KiB, \(page.artists) artists)") }
            announce(try await s3.presignedURL(DashboardPage.lakeKey, expires: lifetime))
        }
        if let raw = reading.rawLake { try reportMalformed(raw) }
    }

    /// `--site`: the site into a folder, or with `--publish` into the lake and a link to it.
    private func writeSite(settings: Settings, store: any ObjectStore, selected: String?, lifetime: Duration) async throws {
        let folder = out ?? "dashboard"
        // The lake first: a lake with nothing to show makes no folder.
        let reading = try await DashboardCommand.reading(settings: settings, store: store, quiet: global.quiet)
        let target: DashboardSiteTarget
        if publish, let s3 = store as? S3ObjectStore {
            target = .lake(s3)
        } else {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw CommandFailure.usage("cannot write the site into \(folder): \(error.localizedDescription)")
            }
            // A folder's old builds go as soon as no page opened a moment ago can want them.
            target = DashboardSiteTarget(store: FileSystemObjectStore(path: folder), prefix: "", keep: .zero)
        }
        let result = try await reading.writeDashboardSite(asOf: asOf.flatMap { Day(iso: $0) }, selected: selected, to: target)
        if asOf == nil { warnIfAfterToday(result.asOf) }
        let location = publish ? "\(store.location)/\(result.pageKey)" : (folder as NSString).appendingPathComponent(result.pageKey)
        if !global.quiet {
            Console.note("wrote \(location) and \(result.files) data files (\(result.bytes / 1024) KiB, \(result.artists) artists)")
        }
        if publish, let s3 = store as? S3ObjectStore { try await printLink(s3, lifetime: lifetime) }
        if let raw = reading.rawLake { try reportMalformed(raw) }
    }

    /// `--link`, and the link `--site --publish` prints: the published site's signed copy, or
    /// the single page.
    private func printLink(_ s3: S3ObjectStore, lifetime: Duration) async throws {
        let link: S3Client.PresignedURL
        if let site = try await DashboardSiteTarget.link(to: s3, expires: lifetime) {
            link = site
        } else if try await s3.size(of: DashboardPage.lakeKey) != nil {
            link = try await s3.presignedURL(DashboardPage.lakeKey, expires: lifetime)
        } else {
            throw CommandFailure.usage("\(s3.location) holds no dashboard yet: the pipeline's Dashboard step or `momentum dashboard --publish` writes one")
        }
        announce(link)
    }

    /// A link printed: the command's output (it reads the dashboard, nothing else), with how
    /// long it works on standard error.
    private func announce(_ link: S3Client.PresignedURL) {
        if !global.quiet {
            let until = ISO8601DateFormatter().string(from: link.expires)
            Console.note("the link below opens the dashboard until \(until)")
            if link.cutShortByCredentials {
                Console.warnOnce("the link stops working at \(until), when the temporary credentials that signed it expire; sign with longer-lived credentials for a longer link")
            }
        }
        print(link.url.absoluteString)
    }

    /// The lake by the engine's read policy; a lake with nothing to show is an error.
    static func reading(settings: Settings, store: any ObjectStore, quiet: Bool) async throws -> LakeReading {
        let engine = LocalEngine(store: store, logger: settings.logger, progress: ProgressBar.forCommand(quiet: quiet).update)
        let reading = try await LakeReading.open(engine)
        guard !reading.isEmpty else { throw settings.emptyLake(store) }
        if let warning = reading.staleWarning { Console.warnOnce(warning) }
        return reading
    }

    /// The page by the engine's read policy; a lake with nothing to show is an error.
    static func page(settings: Settings, store: any ObjectStore, asOf day: Day?, selected: String?, quiet: Bool) async throws
        -> (page: DashboardPage, reading: LakeReading) {
        let reading = try await reading(settings: settings, store: store, quiet: quiet)
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
