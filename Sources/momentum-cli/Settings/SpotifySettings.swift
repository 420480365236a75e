// Building the Spotify client from the settings: credentials from the environment, or from
// AWS Secrets Manager when SPOTIFY_SECRET_ARN names a secret (a deployed job keeps no secret in
// its environment). The secret's value never reaches a message.

import Foundation
import LakeKit
import Logging
import MomentumEngine
import MomentumHTTP
import SpotifyKit

extension Settings {
    /// A client for the configured Spotify (real, or a simulator on loopback).
    func spotifyClient(transport: any HTTPTransport = CurlTransport()) async throws -> SpotifyClient {
        let (id, secret) = try await spotifyCredentials()
        let api = try Settings.webURL(spotifyAPIURL, name: "SPOTIFY_API_URL")
        let accounts = try Settings.webURL(spotifyAccountsURL, name: "SPOTIFY_ACCOUNTS_URL")
        // A job against an unresponsive server ends: by default after 6 hours in all.
        let jobDeadline = try seconds(environment["MOMENTUM_JOB_TIMEOUT"], name: "MOMENTUM_JOB_TIMEOUT") ?? 6 * 3600
        let configuration = SpotifyConfiguration(apiURL: api, accountsURL: accounts, market: market, jobDeadline: .milliseconds(Int64(jobDeadline * 1000)))
        return SpotifyClient(clientID: id, clientSecret: secret, configuration: configuration, transport: transport, logger: logger)
    }
}

extension Settings {
    /// An http(s) URL with a host, or a usage error (exit 2) naming the setting: a `file://`
    /// or schemeless value is a mistake in the configuration, not a service that failed.
    static func webURL(_ text: String, name: String) throws -> URL {
        guard let url = HTTPURL.parse(text) else {
            throw CommandFailure.usage("\(name) '\(TerminalText.sanitized(String(text.prefix(100))))' is not an http or https URL with a host")
        }
        return url
    }
}

extension Settings {
    /// The Spotify app's id and secret: from Secrets Manager when SPOTIFY_SECRET_ARN is set
    /// (a JSON object with `client_id` and `client_secret`), else from SPOTIFY_CLIENT_ID and
    /// SPOTIFY_CLIENT_SECRET.
    func spotifyCredentials() async throws -> (id: String, secret: String) {
        if let arn = environment["SPOTIFY_SECRET_ARN"], !arn.isEmpty {
            return try await SpotifySecret.credentials(arn: arn, environment: environment, logger: logger)
        }
        guard let id = environment["SPOTIFY_CLIENT_ID"], !id.isEmpty,
              let secret = environment["SPOTIFY_CLIENT_SECRET"], !secret.isEmpty
        else {
            throw CommandFailure.usage("set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET, or SPOTIFY_SECRET_ARN (an app from developer.spotify.com; `momentum demo` needs neither)")
        }
        return (id, secret)
    }
}

/// Spotify credentials kept in AWS Secrets Manager. A warm Lambda serves many invocations in
/// one process: the value is read again after 15 minutes, so a rotated secret is picked up soon
/// after, and a read that fails then keeps the value for up to an hour (the HTTP core's one
/// `ExpiringValue`).
enum SpotifySecret {
    private static let caches = SecretCaches()

    static func credentials(arn: String, environment: [String: String], logger: Logger? = nil) async throws -> (id: String, secret: String) {
        let pair = try await value(arn: arn, environment: environment, logger: logger)
        return (pair.id, pair.secret)
    }

    /// The secret's optional `lastfm_api_key` field: a deployed job keeps its Last.fm key with
    /// the Spotify credentials.
    static func lastFMKey(arn: String, environment: [String: String], logger: Logger? = nil) async throws -> String? {
        try await value(arn: arn, environment: environment, logger: logger).lastFMKey
    }

    /// The secret's optional `alerts` field: per alert destination its `url` and `secret`.
    static func alertSecrets(arn: String, environment: [String: String], logger: Logger? = nil) async throws -> [String: [String: String]] {
        try await value(arn: arn, environment: environment, logger: logger).alerts
    }

    private static func value(arn: String, environment: [String: String], logger: Logger?) async throws -> SecretPair {
        let cache = await caches.cache(for: arn) {
            // Valid an hour, read again after 15 minutes.
            (try await fetch(arn: arn, environment: environment, logger: logger), Date().addingTimeInterval(3600))
        }
        return try await cache.value()
    }

    private static func fetch(arn: String, environment: [String: String], logger: Logger?) async throws -> SecretPair {
        let shown = TerminalText.sanitized(String(arn.prefix(200)))
        let value: SecretValue
        do {
            value = try await SecretsManagerClient.standard(environment: environment, region: AWSRegion.configured(environment: environment) ?? AWSRegion.of(arn: arn),
                                                  logger: logger).secretValue(arn)
        } catch let error as AWSServiceError {
            throw CommandFailure(code: error.isRetryable ? .unavailable : .usage,
                                 message: "could not read the Spotify secret \(shown): \(error)")
        } catch let error as LakeError {
            throw CommandFailure(code: .usage, message: "could not read the Spotify secret \(shown): \(error)")
        }
        // Only the field names are ever shown, never the text around them.
        guard let text = value.string,
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CommandFailure.usage("the Spotify secret \(shown) must be a JSON object with client_id and client_secret")
        }
        guard let id = object["client_id"] as? String, !id.isEmpty else {
            throw CommandFailure.usage("the Spotify secret \(shown) has no client_id (a non-empty string)")
        }
        guard let secret = object["client_secret"] as? String, !secret.isEmpty else {
            throw CommandFailure.usage("the Spotify secret \(shown) has no client_secret (a non-empty string)")
        }
        let lastFM = object["lastfm_api_key"]
        guard lastFM == nil || (lastFM as? String).map({ !$0.isEmpty }) == true else {
            throw CommandFailure.usage("the Spotify secret \(shown): lastfm_api_key must be a non-empty string when present")
        }
        var alerts: [String: [String: String]] = [:]
        if let field = object["alerts"] {
            guard let destinations = field as? [String: Any] else {
                throw CommandFailure.usage("the Spotify secret \(shown): alerts must be an object of destinations, each {\"url\": ..., \"secret\": ...}")
            }
            for (name, fields) in destinations {
                guard let strings = fields as? [String: String] else {
                    throw CommandFailure.usage("the Spotify secret \(shown): alerts.\(TerminalText.sanitized(String(name.prefix(64)))) must be an object of strings (url, secret)")
                }
                alerts[name] = strings
            }
        }
        return SecretPair(id: id, secret: secret, lastFMKey: lastFM as? String, alerts: alerts)
    }
}

/// A secret's fields (kept apart from any text around them).
private struct SecretPair: Sendable {
    var id: String
    var secret: String
    var lastFMKey: String?
    /// Alert destination → its `url` and `secret`.
    var alerts: [String: [String: String]] = [:]
}

/// One cache per secret ARN.
private actor SecretCaches {
    private var caches: [String: ExpiringValue<SecretPair>] = [:]

    func cache(for arn: String, fetch: @escaping @Sendable () async throws -> (value: SecretPair, expires: Date?)) -> ExpiringValue<SecretPair> {
        if let cache = caches[arn] { return cache }
        let cache = ExpiringValue<SecretPair>(refreshMargin: .seconds(45 * 60), fetch: fetch)
        caches[arn] = cache
        return cache
    }
}

/// Exit status for a job whose items failed: 3 when nothing worked and Spotify was the cause,
/// 1 when some items failed.
func failureStatus(succeeded: Int, failures: [IngestFailure]) -> ExitStatus {
    let serviceFailures = failures.allSatisfy(\.isServiceFailure)
    return succeeded == 0 && serviceFailures ? .unavailable : .failed
}

extension Settings {
    /// Runs `body` holding the lake lock; waits up to `MOMENTUM_LOCK_WAIT` seconds (default 30)
    /// for another command to finish.
    func withLakeLock<T: Sendable>(_ store: any ObjectStore, command: String, _ body: () async throws -> T) async throws -> T {
        let wait = try seconds(environment["MOMENTUM_LOCK_WAIT"], name: "MOMENTUM_LOCK_WAIT") ?? 30
        return try await LakeLock.withLock(store, command: command, wait: .milliseconds(Int64(wait * 1000)), body)
    }

    /// A number of seconds from an environment variable: finite, non-negative, at most a week.
    func seconds(_ text: String?, name: String) throws -> Double? {
        guard let text else { return nil }
        guard let value = Double(text), value.isFinite, (0...604_800).contains(value) else {
            throw CommandFailure.usage("\(name) must be a number of seconds from 0 to 604800, got '\(text.prefix(40))'")
        }
        return value
    }
}
