// Options every subcommand takes, and how they combine with the environment and the config
// file: flag > environment > config file > default.

import ArgumentParser
import Foundation
import LakeKit
import Logging

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Lake root: a folder (default ./lake) or s3://bucket/prefix. Env: MOMENTUM_LAKE.")
    var lake: String?

    @Option(name: .long, help: "Config file (default ./momentum.json when present). Env: MOMENTUM_CONFIG.")
    var config: String?

    @Option(name: .long, help: "Output of commands that print data: table, json or csv (table on a terminal, json otherwise).")
    var format: OutputFormat?

    @Flag(name: .shortAndLong, help: "More log output on stderr.")
    var verbose = false

    @Flag(name: .shortAndLong, help: "Only errors on stderr; no progress.")
    var quiet = false

    func validate() throws {
        if verbose && quiet { throw ValidationError("--verbose and --quiet exclude each other") }
    }
}

/// The settings a command runs with, resolved from flags, environment and config file.
struct Settings {
    var lake: String
    var format: OutputFormat
    var logger: Logger
    var market: String
    var spotifyAPIURL: String
    var spotifyAccountsURL: String
    var environment: [String: String]

    static func resolve(_ options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let config = try ConfigFile.load(explicit: options.config ?? environment["MOMENTUM_CONFIG"])
        let lake = options.lake ?? environment["MOMENTUM_LAKE"] ?? config?.lake ?? "./lake"
        let format = options.format ?? config?.format ?? (Console.stdoutIsTerminal ? .table : .json)
        let level: Logger.Level = options.quiet ? .error : options.verbose ? .debug : .notice
        Console.bootstrapLogging(level: level)
        var logger = Logger(label: "momentum")
        logger.logLevel = level
        return Settings(
            lake: lake, format: format, logger: logger,
            market: environment["SPOTIFY_MARKET"] ?? config?.market ?? "US",
            spotifyAPIURL: environment["SPOTIFY_API_URL"] ?? config?.spotifyAPIURL ?? "https://api.spotify.com/v1",
            spotifyAccountsURL: environment["SPOTIFY_ACCOUNTS_URL"] ?? config?.spotifyAccountsURL ?? "https://accounts.spotify.com",
            environment: environment
        )
    }

    /// The local lake store; S3 lakes are not supported by this version.
    func localStore() throws -> FileSystemObjectStore {
        if lake.hasPrefix("s3://") {
            throw CommandFailure.usage("this version of momentum reads local lakes only; '\(lake)' is an S3 lake (use a folder path)")
        }
        return FileSystemObjectStore(path: lake)
    }

    /// The local lake store, which must already exist.
    func existingLocalStore() throws -> FileSystemObjectStore {
        let store = try localStore()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: store.root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.usage("no lake at \(store.root.path): pass --lake or set MOMENTUM_LAKE")
        }
        return store
    }
}

/// `momentum.json`: settings shared by every command. `//` comments are allowed (the file
/// `momentum init` writes explains each setting). Secrets never live here.
struct ConfigFile: Decodable {
    var lake: String?
    var format: OutputFormat?
    var market: String?
    var spotifyAPIURL: String?
    var spotifyAccountsURL: String?

    enum CodingKeys: String, CodingKey {
        case lake, format, market
        case spotifyAPIURL = "spotify_api_url", spotifyAccountsURL = "spotify_accounts_url"
    }

    static func load(explicit path: String?) throws -> ConfigFile? {
        let chosen = path ?? "momentum.json"
        guard FileManager.default.fileExists(atPath: chosen) else {
            if let path { throw CommandFailure.usage("config file \(path) does not exist") }
            return nil
        }
        guard let data = FileManager.default.contents(atPath: chosen) else {
            throw CommandFailure.usage("cannot read config file \(chosen)")
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: Data(stripComments(String(decoding: data, as: UTF8.self)).utf8))
        } catch {
            throw CommandFailure.usage("config file \(chosen) is not valid JSON (with // comments): \(error)")
        }
    }

    /// Removes `//` comments outside strings.
    static func stripComments(_ text: String) -> String {
        var out = ""
        var inString = false, escaped = false, inComment = false
        var previous: Character?
        for character in text {
            if inComment {
                if character == "\n" { inComment = false; out.append(character) }
                continue
            }
            if inString {
                out.append(character)
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inString = false }
                continue
            }
            if character == "/", previous == "/" {
                out.removeLast()
                inComment = true
                previous = nil
                continue
            }
            if character == "\"" { inString = true }
            out.append(character)
            previous = character
        }
        return out
    }
}

extension OutputFormat: Decodable {}
