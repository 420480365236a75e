// `momentum artists add|list|remove`: the tracked artists (kept in the lake, state/artists.json).

import ArgumentParser
import Foundation
import LakeKit
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
            let store = try settings.localStore()
            let spotify = try settings.spotifyClient()
            var tracked = try await TrackedArtists.load(from: store)
            var added = 0
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
                    if tracked.artists.contains(where: { $0.id == artist.id }) {
                        Console.note("\(artist.name) (\(artist.id)) is already tracked")
                        continue
                    }
                    tracked.artists.append(TrackedArtists.Entry(id: artist.id, name: artist.name, addedAt: Timestamp.iso(nanoseconds: Int64(Date().timeIntervalSince1970) * 1_000_000_000)))
                    added += 1
                    Console.note("tracking \(artist.name) (\(artist.id))")
                } catch let error as SpotifyError where !error.isServiceFailure {
                    problems.append("\(input): \(error.message)")
                }
            }
            if added > 0 { try await tracked.save(to: store) }
            if !problems.isEmpty {
                for problem in problems { Console.error(problem) }
                throw CommandFailure(code: added > 0 ? .failed : .usage, message: "\(problems.count) of \(artists.count) could not be added")
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

        func run() async throws {
            let settings = try Settings.resolve(global)
            let tracked = try await TrackedArtists.load(from: try settings.localStore())
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
            let store = try settings.localStore()
            var tracked = try await TrackedArtists.load(from: store)
            let ids = try artists.map { try SpotifyID(parsing: $0, kind: .artist).rawValue }
            let missing = ids.filter { id in !tracked.artists.contains { $0.id == id } }
            guard missing.isEmpty else {
                throw CommandFailure.usage("not tracked: \(missing.joined(separator: ", ")) (see `momentum artists list`)")
            }
            tracked.artists.removeAll { ids.contains($0.id) }
            try await tracked.save(to: store)
            Console.note("stopped tracking \(ids.count) artist\(ids.count == 1 ? "" : "s")")
        }
    }
}
