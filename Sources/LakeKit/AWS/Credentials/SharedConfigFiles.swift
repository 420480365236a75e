// The shared credentials and config files of the AWS CLI and SDKs (`~/.aws/credentials`,
// `~/.aws/config`, or `AWS_SHARED_CREDENTIALS_FILE` and `AWS_CONFIG_FILE`), with profiles
// (`AWS_PROFILE`, else `default`). In the config file a profile's section is
// `[profile name]` (`[default]` for the default one); in the credentials file it is `[name]`.

import Foundation

/// The two shared files, parsed: settings per profile.
public struct AWSSharedConfig: Sendable, Hashable {
    /// Settings of the credentials file, by profile.
    public var credentialsFile: [String: [String: String]]
    /// Settings of the config file, by profile.
    public var configFile: [String: [String: String]]
    /// The profile in use.
    public var profile: String

    /// The largest file read (a shared config file is a few kilobytes).
    static let maximumBytes = 1 << 20

    /// Reads the files named by the environment, or `~/.aws/credentials` and `~/.aws/config`.
    /// A missing file is an empty one.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        func path(_ variable: String, _ fallback: String) -> String {
            let value = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? fallback
            return value.hasPrefix("~/") ? home + value.dropFirst() : value
        }
        profile = environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        credentialsFile = try AWSSharedConfig.read(path("AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials"), config: false)
        configFile = try AWSSharedConfig.read(path("AWS_CONFIG_FILE", home + "/.aws/config"), config: true)
    }

    /// The settings of `profile`: the config file's, overridden by the credentials file's.
    public func settings(of profile: String? = nil) -> [String: String] {
        let name = profile ?? self.profile
        return (configFile[name] ?? [:]).merging(credentialsFile[name] ?? [:]) { _, credentials in credentials }
    }

    static func read(_ path: String, config: Bool) throws -> [String: [String: String]] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path), data.count <= maximumBytes else {
            throw LakeError.credentials("cannot read \(path) (or it is larger than 1 MiB)")
        }
        return parse(String(decoding: data, as: UTF8.self), config: config)
    }

    /// INI as the AWS tools write it: `[section]`, `key = value`, `#` and `;` comments, and
    /// indented lines that continue a nested setting (kept as they are).
    static func parse(_ text: String, config: Bool) -> [String: [String: String]] {
        var sections: [String: [String: String]] = [:]
        var current: String?
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";") else { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                var name = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if config {
                    // `[profile x]` names profile x; `[default]` and `[profile default]` the default.
                    if name.hasPrefix("profile ") {
                        name = name.dropFirst("profile ".count).trimmingCharacters(in: .whitespaces)
                    } else if name != "default" {
                        current = nil   // `[sso-session x]`, `[services x]`: not a profile
                        continue
                    }
                }
                current = name
                continue
            }
            // A nested setting's indented lines (`s3 =` then `  addressing_style = path`).
            if rawLine.first == " " || rawLine.first == "\t" { continue }
            guard let section = current, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            sections[section, default: [:]][key] = value
        }
        return sections
    }
}

/// Credentials of the profile in the shared files.
public struct SharedFileCredentials: AWSCredentialProvider {
    let environment: [String: String]

    /// Reads the files the environment names.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// The profile's keys; nil when the profile has none; an error when it has half of them.
    public func credentials() async throws -> AWSCredentials? {
        let config = try AWSSharedConfig(environment: environment)
        let settings = config.settings()
        guard let id = settings["aws_access_key_id"], !id.isEmpty else { return nil }
        guard let secret = settings["aws_secret_access_key"], !secret.isEmpty else {
            throw LakeError.credentials("profile \(config.profile) has aws_access_key_id but no aws_secret_access_key")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret,
                              sessionToken: settings["aws_session_token"].flatMap { $0.isEmpty ? nil : $0 })
    }

    /// `shared files (profile <name>)`.
    public var sourceDescription: String {
        "shared credentials and config files (profile \(environment["AWS_PROFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? "default"))"
    }
}
