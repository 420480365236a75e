// `momentum simulator serve`: the simulated Spotify Web API on 127.0.0.1.

import ArgumentParser
import Dispatch
import Foundation
import SpotifySimulator

struct Simulator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The simulated Spotify Web API, for trying Momentum and for integration tests.",
        subcommands: [Serve.self, ListArtists.self]
    )

    struct WorldOptions: ParsableArguments {
        @Option(help: "Number of simulated artists.")
        var artists: Int = 50

        @Option(help: "Seed of the simulated world (the same seed gives the same world).")
        var seed: UInt64 = 1

        @Option(help: "extended (followers, batches, pages of 50) or development (the February 2026 rules).")
        var mode: SpotifySimulator.Mode = .extended

        func validate() throws {
            guard (1...100_000).contains(artists) else { throw ValidationError("--artists must be between 1 and 100000") }
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the simulator on 127.0.0.1 (token endpoint at /api/token, the API under /v1).",
            discussion: "Point the client at it with SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:<port> and SPOTIFY_API_URL=http://127.0.0.1:<port>/v1; any client id and secret are accepted unless --client-id/--client-secret are given. It serves the other audience sources from the same world: DEEZER_API_URL=http://127.0.0.1:<port>/deezer, LASTFM_API_URL=http://127.0.0.1:<port>/lastfm/2.0 (any key unless --lastfm-key is given) and MUSICBRAINZ_API_URL=http://127.0.0.1:<port>/musicbrainz."
        )

        @Option(help: "Port (0 picks a free one; it is printed).")
        var port: Int = 8080

        @OptionGroup var world: WorldOptions

        @Option(name: .customLong("fault-rate"), help: "Share of requests that fail (429, 5xx, dropped connections, truncated bodies, slow answers), 0 to 1.")
        var faultRate: Double = 0

        @Option(help: "Milliseconds every answer takes from its request (the simulator's own work included).")
        var latency: Double = 0

        @Option(help: "Answer as of this day (YYYY-MM-DD) instead of today.")
        var date: String?

        @Option(name: .customLong("client-id"), help: "Accept only this client id.")
        var clientID: String?

        @Option(name: .customLong("client-secret"), help: "Accept only this client secret.")
        var clientSecret: String?

        @Option(name: .customLong("lastfm-key"), help: "Accept only this Last.fm API key (any key otherwise).")
        var lastFMKey: String?

        func validate() throws {
            guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
            guard faultRate.isFinite, (0...1).contains(faultRate) else { throw ValidationError("--fault-rate must be between 0 and 1") }
            guard latency.isFinite, (0...60_000).contains(latency) else { throw ValidationError("--latency must be a number of milliseconds from 0 to 60000") }
            if let date, Simulator.date(date) == nil { throw ValidationError("--date must be YYYY-MM-DD") }
        }

        func run() async throws {
            let simulator = SpotifySimulator(options: .init(
                artists: world.artists, seed: world.seed, mode: world.mode, faultRate: faultRate, latency: .milliseconds(Int64(latency)),
                clientID: clientID, clientSecret: clientSecret, lastFMAPIKey: lastFMKey))
            if let day = date.flatMap(Simulator.date) { simulator.setDate(day.addingTimeInterval(6 * 3600)) }
            let server = SimulatorServer(simulator: simulator)
            let bound: Int
            do {
                bound = try server.start(port: port)
            } catch {
                throw CommandFailure.usage("\(error)")
            }
            Console.write("""
            Spotify simulator on http://127.0.0.1:\(bound) · \(world.artists) artists · \(world.mode.rawValue) mode · fault rate \(faultRate)
              export SPOTIFY_ACCOUNTS_URL=http://127.0.0.1:\(bound) SPOTIFY_API_URL=http://127.0.0.1:\(bound)/v1
              export SPOTIFY_CLIENT_ID=\(clientID ?? "any") SPOTIFY_CLIENT_SECRET=\(clientSecret == nil ? "any" : "<the one you chose>")
              export DEEZER_API_URL=http://127.0.0.1:\(bound)/deezer LASTFM_API_URL=http://127.0.0.1:\(bound)/lastfm/2.0 MUSICBRAINZ_API_URL=http://127.0.0.1:\(bound)/musicbrainz
              export LASTFM_API_KEY=\(lastFMKey ?? "any")

            """)
            await Simulator.waitForTermination()
            server.stop()
        }
    }

    struct ListArtists: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "artists", abstract: "Print the simulated artists' ids and names (tab-separated).")

        @OptionGroup var world: WorldOptions

        func run() throws {
            let simulator = SpotifySimulator(options: .init(artists: world.artists, seed: world.seed, mode: world.mode))
            for artist in simulator.artistDirectory { print("\(artist.id)\t\(artist.name)") }
        }
    }

    static func date(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10 else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (parts[0], parts[1], parts[2])
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        guard let date = calendar.date(from: components), calendar.component(.day, from: date) == parts[2] else { return nil }
        return date
    }

    /// Suspends until SIGINT or SIGTERM.
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = ResumeOnce(continuation)
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler { once.resume() }
                source.resume()
                SignalSources.keep(source)
            }
        }
    }
}

extension SpotifySimulator.Mode: ExpressibleByArgument {}

private final class ResumeOnce: @unchecked Sendable {
    private var continuation: CheckedContinuation<Void, Never>?
    private let lock = NSLock()
    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
    func resume() {
        lock.lock()
        let pending = continuation
        continuation = nil
        lock.unlock()
        pending?.resume()
    }
}

/// Signal sources must outlive the call that made them.
private enum SignalSources {
    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []
    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}
