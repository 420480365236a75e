// Building the Spotify client from the settings: credentials from the environment only.

import Foundation
import Logging
import SpotifyKit

extension Settings {
    /// A client for the configured Spotify (real, or a simulator on loopback).
    func spotifyClient(transport: any HTTPTransport = URLSessionTransport()) throws -> SpotifyClient {
        guard let id = environment["SPOTIFY_CLIENT_ID"], !id.isEmpty,
              let secret = environment["SPOTIFY_CLIENT_SECRET"], !secret.isEmpty
        else {
            throw CommandFailure.usage("set SPOTIFY_CLIENT_ID and SPOTIFY_CLIENT_SECRET (an app from developer.spotify.com; `momentum demo` needs neither)")
        }
        guard let api = URL(string: spotifyAPIURL), api.scheme != nil else {
            throw CommandFailure.usage("SPOTIFY_API_URL '\(spotifyAPIURL)' is not a URL")
        }
        guard let accounts = URL(string: spotifyAccountsURL), accounts.scheme != nil else {
            throw CommandFailure.usage("SPOTIFY_ACCOUNTS_URL '\(spotifyAccountsURL)' is not a URL")
        }
        let configuration = SpotifyConfiguration(apiURL: api, accountsURL: accounts, market: market)
        return SpotifyClient(clientID: id, clientSecret: secret, configuration: configuration, transport: transport, logger: logger)
    }
}

/// Exit status for a job whose items failed: 3 when nothing worked and Spotify was the cause,
/// 1 when some items failed.
func failureStatus(succeeded: Int, failures: [any Error]) -> ExitStatus {
    let serviceFailures = failures.allSatisfy { ($0 as? SpotifyError)?.isServiceFailure == true }
    return succeeded == 0 && serviceFailures ? .unavailable : .failed
}
