// Options every subcommand takes (and --format, which only data commands add), and how they
// combine with the environment and the config file: flag > environment > config file > default.

import ArgumentParser
import Foundation
import LakeKit
import Logging
import MomentumAlerts
import MomentumEngine

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Lake root: a folder (default ./lake) or s3://bucket/prefix. Env: MOMENTUM_LAKE.")
    var lake: String?

    @Option(name: .long, help: "Config file (default ./momentum.json when present). Env: MOMENTUM_CONFIG.")
    var config: String?

    @Flag(name: .shortAndLong, help: "More log output on stderr, every retried request included.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Only errors on stderr; no progress.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
    }
}

/// `--format`, offered only by the commands that print data.
struct FormatOption: ParsableArguments {
    @Option(name: .long, help: "Output: table, json or csv (default: table on a terminal, json otherwise; or \"format\" in momentum.json).")
    var format: OutputFormat?
}

/// Where the lake path came from, for messages about a lake that is not there.
enum LakeSource: Equatable {
    case flag, environment, configFile(String), defaultPath

    var description: String {
        switch self {
        case .flag: return "from --lake"
        case .environment: return "from MOMENTUM_LAKE"
        case .configFile(let path): return "from \"lake\" in \(path)"
        case .defaultPath: return "the default, ./lake; pass --lake, set MOMENTUM_LAKE or \"lake\" in momentum.json"
        }
    }
}

/// The settings a command runs with, resolved from flags, environment and config file.
struct Settings {
    var lake: String
    var lakeSource: LakeSource
    var format: OutputFormat
    var logger: Logger
    var market: String
    var spotifyAPIURL: String
    var spotifyAccountsURL: String
    var environment: [String: String]
    /// `database`, `workgroup` and `athena_output` of the config file (Glue and Athena).
    var catalog: (database: String?, workgroup: String?, athenaOutput: String?) = (nil, nil, nil)
    /// `sources` of the config file: audience sources turned on or off.
    var sourceSwitches: [String: Bool] = [:]
    /// `alerts`, `alert_destinations` and `dashboard_url` of the config file.
    var alertRules: [AlertRule] = []
    var alertDestinationConfigs: [String: AlertDestinationConfig] = [:]
    var dashboardURL: String?

    static func resolve(_ options: GlobalOptions, format formatOption: FormatOption? = nil,
                        environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Settings {
        let config = try await ConfigFile.load(explicit: options.config ?? environment["MOMENTUM_CONFIG"],
                                         environment: environment, warn: { if !options.quiet { Console.warnOnce($0) } })
        let (lake, source): (String, LakeSource) = {
            if let flag = options.lake { return (flag, .flag) }
            if let variable = environment["MOMENTUM_LAKE"], !variable.isEmpty { return (variable, .environment) }
            if let config, let configured = config.resolvedLake { return (configured, .configFile(config.path)) }
            return ("./lake", .defaultPath)
        }()
        let format = formatOption?.format ?? config?.format ?? (Console.stdoutIsTerminal ? .table : .json)
        let level: Logger.Level = options.quiet ? .error : options.verbose ? .debug : .notice
        Console.bootstrapLogging(level: level)
        var logger = Logger(label: "momentum")
        logger.logLevel = level
        var settings = Settings(
            lake: lake, lakeSource: source, format: format, logger: logger,
            market: environment["SPOTIFY_MARKET"] ?? config?.market ?? "US",
            spotifyAPIURL: environment["SPOTIFY_API_URL"] ?? config?.spotifyAPIURL ?? "https://api.spotify.com/v1",
            spotifyAccountsURL: environment["SPOTIFY_ACCOUNTS_URL"] ?? config?.spotifyAccountsURL ?? "https://accounts.spotify.com",
            environment: environment
        )
        settings.catalog = Settings.catalog(environment: environment, config: config)
        settings.sourceSwitches = config?.sources ?? [:]
        settings.alertRules = config?.alerts ?? []
        settings.alertDestinationConfigs = config?.alertDestinations ?? [:]
        settings.dashboardURL = config?.dashboardURL
        return settings
    }

    /// The lake's store: a folder, or an S3 bucket and prefix (`s3://bucket/prefix`), through
    /// which every command runs the same code.
    func store() throws -> any ObjectStore {
        guard lake.hasPrefix("s3://") else { return FileSystemObjectStore(path: lake) }
        guard let (bucket, prefix) = S3ObjectStore.parse(lake) else {
            throw CommandFailure.usage("'\(lake)' (\(lakeSource.description)) is not an S3 location: write s3://bucket/prefix")
        }
        do {
            return try S3ObjectStore(client: S3Client.standard(environment: environment, logger: logger), bucket: bucket, prefix: prefix)
        } catch let error as LakeError {
            throw CommandFailure.usage("\(error.message) (the lake \(lake), \(lakeSource.description))")
        }
    }

    /// The store of a read command: a folder must exist (an S3 prefix is checked by listing it).
    func existingStore() throws -> any ObjectStore {
        let store = try store()
        if let folder = store as? FileSystemObjectStore {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure.usage("no lake at \(folder.root.path) (\(lakeSource.description))")
            }
        }
        return store
    }

    /// The message every read command gives for a lake with no raw records (exit 2).
    func emptyLake(_ store: any ObjectStore) -> CommandFailure {
        .usage("the lake at \(store.location) (\(lakeSource.description)) holds no raw records yet: track artists with `momentum artists add`, then `momentum run` (or `momentum import csv`)")
    }
}


