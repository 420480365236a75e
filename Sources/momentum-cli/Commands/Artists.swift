// `momentum artists add|list|remove`: the tracked artists (kept in the lake, state/artists.json).

import ArgumentParser
import Foundation
import MomentumEngine
import SpotifyKit

struct Artists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the tracked artists.",
        subcommands: [Add.self, List.self, Remove.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Track artists by id, Spotify URI, open.spotify.com link or name.",
            discussion: "A name is looked up with Spotify's search; the best match is shown and must be confirmed (or pass --yes)."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Artist ids, spotify:artist: URIs, open.spotify.com/artist/ links or names.")
        var artists: [String]

        @Flag(name: .shortAndLong, help: "Accept search matches without asking.")
        var yes = false

        func run() async throws {
            let settings = try Settings.resolve(global)
            let store = try settings.store()
            let spotify = try await settings.spotifyClient()
            // Resolved first (a name may need confirming), then added under the lake lock, so
            // that two `artists add` at once both keep their artists.
            var resolved: [Artist] = []
            var problems: [String] = []
            for input in artists {
                do {
                    let artist: Artist
                    if let id = try? SpotifyID(parsing: input, kind: .artist) {
                        artist = try await spotify.artist(id)
                    } else {
                        guard let match = try await spotify.searchArtists(input, count: 1).first else {
                            problems.append("no artist on Spotify matches '\(input)'")
                            continue
                        }
                        let followers = match.followerCount.map { " · \(TableOutput.grouped(Int64($0))) followers" } ?? ""
                        Console.note("'\(input)' → \(match.name) (\(match.id))\(followers)")
                        guard try confirm("Track \(match.name)?") else {
                            Console.note("skipped \(match.name)")
                            continue
                        }
                        artist = match
                    }
                    // An id from a server is checked before it is stored.
                    guard (try? SpotifyID(parsing: artist.id, kind: .artist)) != nil else {
                        problems.append("\(TerminalText.sanitized(input)): Spotify answered with an invalid artist id")
                        continue
                    }
                    resolved.append(artist)
                } catch let error as SpotifyError where !error.isServiceFailure {
                    problems.append("\(TerminalText.sanitized(input)): \(error.message)")
                }
            }
            let addedAt = Date().isoSeconds
            let added = try await settings.withLakeLock(store, command: "momentum artists add") {
                try await TrackedArtists.update(in: store, command: "momentum artists add") { tracked in
                    var added = 0
                    for artist in resolved {
                        let name = TerminalText.sanitized(artist.name)
                        if tracked.artists.contains(where: { $0.id == artist.id }) {
                            Console.note("\(name) (\(artist.id)) is already tracked")
                            continue
                        }
                        tracked.artists.append(TrackedArtists.Entry(id: artist.id, name: artist.name, addedAt: addedAt))
                        added += 1
                        Console.note("tracking \(name) (\(artist.id))")
                    }
                    return added
                }
            }
            if !problems.isEmpty {
                for problem in problems { Console.error(problem) }
                throw CommandFailure(code: .failed, message: "\(problems.count) of \(artists.count) could not be added\(added > 0 ? "; \(added) added" : "")")
            }
        }

        private func confirm(_ question: String) throws -> Bool {
            if yes { return true }
            guard isatty(STDIN_FILENO) == 1 else {
                throw CommandFailure.usage("a name needs confirming: run in a terminal, or pass --yes, or give the artist's id or link")
            }
            FileHandle.standardError.write(Data("\(question) [y/N] ".utf8))
            let answer = readLine()?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            return answer == "y" || answer == "yes"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tracked artists.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        func run() async throws {
            let settings = try Settings.resolve(global, format: output)
            let store = try settings.existingStore()
            let tracked = try await TrackedArtists.load(from: store)
            if tracked.artists.isEmpty, try await store.list(prefix: "raw/").isEmpty {
                throw settings.emptyLake(store)
            }
            Console.write(TableOutput(columns: ["artist_id", "artist_name", "added_at"],
                                      rows: tracked.artists.map { [.string($0.id), .string($0.name), .string($0.addedAt)] })
                .render(settings.format))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop tracking artists (their data stays in the lake).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Artist ids, URIs or links.")
        var artists: [String]

        func run() async throws {
            let settings = try Settings.resolve(global)
            let store = try settings.store()
            // Anything listed can be removed, a hand-edited invalid id included: an input
            // matches an entry by its exact text or by the id it parses to.
            let inputs = artists
            let removed = try await settings.withLakeLock(store, command: "momentum artists remove") {
                try await TrackedArtists.update(in: store, command: "momentum artists remove") { tracked -> Int in
                    let wanted = Set(inputs + inputs.compactMap { try? SpotifyID(parsing: $0, kind: .artist).rawValue })
                    let missing = inputs.filter { input in
                        let id = try? SpotifyID(parsing: input, kind: .artist).rawValue
                        return !tracked.artists.contains { $0.id == input || $0.id == id }
                    }
                    guard missing.isEmpty else {
                        throw CommandFailure.usage("not tracked: \(missing.map(TerminalText.sanitized).joined(separator: ", ")) (see `momentum artists list`)")
                    }
                    let before = tracked.artists.count
                    tracked.artists.removeAll { wanted.contains($0.id) }
                    return before - tracked.artists.count
                }
            }
            Console.note("stopped tracking \(removed) artist\(removed == 1 ? "" : "s")")
        }
    }
}
