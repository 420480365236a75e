// `momentum.json`: settings shared by every command. Plain JSON; secrets never live here.

import Foundation
import LakeKit
import MomentumAlerts
import MomentumEngine
import MomentumHTTP

struct ConfigFile {
    /// The file's absolute path, named in every message about it.
    var path: String
    var lake: String?
    var format: OutputFormat?
    var market: String?
    var spotifyAPIURL: String?
    var spotifyAccountsURL: String?
    var database: String?
    var workgroup: String?
    var athenaOutput: String?
    /// `"sources": {"deezer": true, "lastfm": false}`: the audience sources turned on or off.
    var sources: [String: Bool] = [:]
    /// `"alerts"`: the alert rules, as MomentumAlerts reads them.
    var alerts: [AlertRule] = []
    /// `"alert_destinations"`: where the rules send, by name.
    var alertDestinations: [String: AlertDestinationConfig] = [:]
    /// `"dashboard_url"`: where the dashboard is served, for the alerts' link.
    var dashboardURL: String?

    /// The settings a file may hold (each a string, but `sources`, an object of booleans).
    static let knownKeys = ["lake", "format", "market", "spotify_api_url", "spotify_accounts_url", "database", "workgroup", "athena_output", "sources", "alerts", "alert_destinations", "dashboard_url"]
    /// The audience sources `sources` may name.
    static let knownSources = ["deezer", "lastfm"]

    /// A file larger than this is not a settings file.
    static let maximumBytes = 1 << 20

    /// Loads the file named by `--config`/`MOMENTUM_CONFIG`, else `./momentum.json` when present.
    /// An `s3://bucket/key` names an object: a deployed function's settings (Terraform puts them
    /// there), read with the lake's credentials.
    static func load(explicit path: String?, environment: [String: String], warn: (String) -> Void) async throws -> ConfigFile? {
        if let path, path.hasPrefix("s3://") { return try await loadObject(path, environment: environment, warn: warn) }
        let chosen = path ?? "momentum.json"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: chosen, isDirectory: &isDirectory) else {
            if let path { throw CommandFailure.usage("config file \(path) does not exist") }
            return nil
        }
        let absolute = URL(fileURLWithPath: chosen).standardizedFileURL.path
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: chosen) else {
            throw CommandFailure.usage("cannot read config file \(absolute)")
        }
        guard data.count <= maximumBytes else {
            throw CommandFailure.usage("config file \(absolute) is larger than 1 MiB; it is not a momentum config")
        }
        return try parse(data, path: absolute, warn: warn)
    }

    static func loadObject(_ location: String, environment: [String: String], warn: (String) -> Void) async throws -> ConfigFile {
        guard let (bucket, key) = S3ObjectStore.parse(location), !key.isEmpty else {
            throw CommandFailure.usage("config \(location) is not an S3 object: write s3://bucket/key")
        }
        let bytes: [UInt8]
        do {
            let client = try S3Client.standard(environment: environment)
            bytes = try await client.getObject(bucket: bucket, key: key, maximumBytes: maximumBytes)
        } catch let error as LakeError {
            throw CommandFailure.usage("cannot read the config \(location): \(error.message)")
        } catch let error as S3Error {
            throw CommandFailure(code: error.code == "NoSuchKey" ? .usage : .unavailable, message: "cannot read the config \(location): \(error)")
        }
        guard bytes.count <= maximumBytes else { throw CommandFailure.usage("config \(location) is larger than 1 MiB; it is not a momentum config") }
        var config = try parse(Data(bytes), path: location, warn: warn)
        // A relative lake means nothing beside an object: MOMENTUM_LAKE or an s3:// lake it is.
        if let lake = config.lake, !lake.hasPrefix("s3://"), !lake.hasPrefix("/") { config.lake = nil }
        return config
    }

    static func parse(_ data: Data, path: String, warn: (String) -> Void) throws -> ConfigFile {
        let object: Any
        // Files written by momentum 0.1 carry `//` comments; they still load.
        let text = Array(stripComments(String(decoding: data, as: UTF8.self)).utf8)
        do {
            object = try JSONSerialization.jsonObject(with: Data(text))
        } catch {
            throw CommandFailure.usage("config file \(path) is not valid JSON: \(JSONErrorText.describe(error))")
        }
        if let key = JSONDuplicateKeys.first(in: text) {
            throw CommandFailure.usage("config file \(path) names \"\(TerminalText.sanitized(String(key.prefix(40))))\" twice: keep one")
        }
        guard let settings = object as? [String: Any] else {
            throw CommandFailure.usage("config file \(path) must hold a JSON object ({\"lake\": \"./lake\", ...})")
        }
        var config = ConfigFile(path: path)
        for key in settings.keys.sorted() where !knownKeys.contains(key) {
            let suggestion = closestKey(to: key).map { "; did you mean \"\($0)\"?" } ?? "; known keys: \(knownKeys.joined(separator: ", "))"
            warn("config file \(path): unknown key \"\(TerminalText.sanitized(key))\" ignored\(suggestion)")
        }
        func string(_ key: String) throws -> String? {
            guard let value = settings[key] else { return nil }
            // A key present but empty or null is a mistake, not "the default": say so.
            if value is NSNull { throw CommandFailure.usage("config file \(path): \"\(key)\" is null; remove the key to use the default") }
            guard let text = value as? String else {
                throw CommandFailure.usage("config file \(path): \"\(key)\" must be a string, got \(jsonTypeName(value))")
            }
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CommandFailure.usage("config file \(path): \"\(key)\" is empty; remove the key to use the default")
            }
            return text
        }
        config.lake = try string("lake")
        config.market = try string("market")
        config.spotifyAPIURL = try string("spotify_api_url")
        config.spotifyAccountsURL = try string("spotify_accounts_url")
        config.database = try string("database")
        config.workgroup = try string("workgroup")
        config.athenaOutput = try string("athena_output")
        if let value = settings["sources"] {
            guard let sources = value as? [String: Any] else {
                throw CommandFailure.usage("config file \(path): \"sources\" must be an object such as {\"deezer\": true, \"lastfm\": false}, got \(jsonTypeName(value))")
            }
            for (name, flag) in sources.sorted(by: { $0.key < $1.key }) {
                guard knownSources.contains(name) else {
                    throw CommandFailure.usage("config file \(path): \"sources\" names \"\(TerminalText.sanitized(String(name.prefix(40))))\"; the sources are \(knownSources.joined(separator: " and "))")
                }
                guard jsonTypeName(flag) == "a boolean", let on = flag as? Bool else {
                    throw CommandFailure.usage("config file \(path): \"sources\".\"\(name)\" must be true or false, got \(jsonTypeName(flag))")
                }
                config.sources[name] = on
            }
        }
        config.dashboardURL = try string("dashboard_url")
        if let url = config.dashboardURL, HTTPURL.parse(url) == nil {
            throw CommandFailure.usage("config file \(path): \"dashboard_url\" must be an http or https URL")
        }
        config.alerts = try AlertConfig.rules(settings["alerts"], path: path)
        config.alertDestinations = try AlertConfig.destinations(settings["alert_destinations"], path: path)
        try AlertConfig.check(rules: config.alerts, destinations: config.alertDestinations, path: path)
        if let format = try string("format") {
            guard let parsed = OutputFormat(rawValue: format) else {
                throw CommandFailure.usage("config file \(path): \"format\" must be one of table, json, csv, got \"\(TerminalText.sanitized(format))\"")
            }
            config.format = parsed
        }
        return config
    }

    /// The lake named in the file: a relative path is relative to the file's folder, so that
    /// cron in any folder reaches the same lake.
    var resolvedLake: String? {
        guard let lake else { return nil }
        if lake.hasPrefix("s3://") || lake.hasPrefix("/") { return lake }
        if lake == "~" || lake.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            return URL(fileURLWithPath: home).appendingPathComponent(String(lake.dropFirst(2))).standardizedFileURL.path
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return folder.appendingPathComponent(lake).standardizedFileURL.path
    }

    /// The known key nearest to `key` (edit distance at most 3, or a case difference).
    static func closestKey(to key: String) -> String? {
        let scored = knownKeys.map { ($0, editDistance(key.lowercased(), $0)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 3 else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars.prefix(64)), b = Array(b.unicodeScalars.prefix(64))
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    static func jsonTypeName(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case let number as NSNumber: return String(cString: number.objCType) == "c" ? "a boolean" : "a number"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "null"
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

/// Foundation's JSON errors say "The data couldn't be read…"; the underlying reason is more use.
enum JSONErrorText {
    static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let detail = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return detail }
        return ns.localizedDescription
    }
}
