// `momentum artists add|list|remove|link`: the tracked artists (kept in the lake,
// state/artists.json) and who they are on the other audience sources (state/identity/).

import ArgumentParser
import AudienceKit
import Foundation
import LakeAnalytics
import LakeKit
import MomentumEngine
import SpotifyKit

struct Artists: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the tracked artists.",
        subcommands: [Add.self, List.self, Remove.self, Link.self]
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
            let settings = try await Settings.resolve(global)
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
            try await matchOnOtherSources(resolved, settings: settings, store: store, spotify: spotify)
            if !problems.isEmpty {
                for problem in problems { Console.error(problem) }
                throw CommandFailure(code: .failed, message: "\(problems.count) of \(artists.count) could not be added\(added > 0 ? "; \(added) added" : "")")
            }
        }

        /// Matches the added artists on the enabled audience sources; a source that cannot be
        /// asked now is asked again by the daily job, so its failures are warnings.
        private func matchOnOtherSources(_ resolved: [Artist], settings: Settings, store: any ObjectStore, spotify: SpotifyClient) async throws {
            let sources = try await settings.audienceSources()
            guard !sources.enabled.isEmpty, !resolved.isEmpty else { return }
            let roster = try await TrackedArtists.load(from: store).validEntries
            let wanted = Set(resolved.map(\.id))
            let matcher = IdentityMatcher(store: store, spotify: spotify, sources: sources, logger: settings.logger)
            // A few requests an artist: a long list is matched a budget at a time, the rest by
            // the daily job (`run`, `ingest audience`), which says how many are left.
            let added = roster.filter { wanted.contains($0.id.rawValue) }
            let first = added.prefix(IngestionJobs.matchesPerRun)
            let outcomes = try await settings.withLakeLock(store, command: "momentum artists add") {
                try await matcher.match(Array(first), roster: roster, now: Date(), force: true)
            }
            if added.count > first.count {
                Console.note("matched the first \(first.count) on \(sources.enabled.map(\.displayName).joined(separator: " and ")); the other \(added.count - first.count) are matched by the daily job, \(IngestionJobs.matchesPerRun) a run")
            }
            for outcome in outcomes {
                for source in sources.enabled {
                    let name = TerminalText.sanitized(outcome.artistName)
                    if let match = outcome.state.sources[source] {
                        Console.note("\(name) on \(source.displayName): \(TerminalText.sanitized(match.name)) (\(match.id), by \(IdentityText.evidence(match)))")
                    } else if let failure = outcome.failures.first(where: { IdentityText.concerns($0, source) }) {
                        Console.warnOnce("\(name) on \(source.displayName): not matched now (\(failure.error)); the daily job tries again")
                    } else {
                        Console.note("\(name) on \(source.displayName): no unambiguous match; set one with `momentum artists link \(outcome.artistID) --\(source.rawValue) ...`")
                    }
                }
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
            let settings = try await Settings.resolve(global, format: output)
            let store = try settings.existingStore()
            let tracked = try await TrackedArtists.load(from: store)
            if tracked.artists.isEmpty, try await store.list(prefix: "raw/").isEmpty {
                throw settings.emptyLake(store)
            }
            var rows: [[Cell]] = []
            for entry in tracked.artists {
                // An id a hand edit broke has no identity document to read.
                let state = (try? SpotifyID(parsing: entry.id, kind: .artist)) == nil ? nil : try await IdentityState.load(artistID: entry.id, from: store)
                var row: [Cell] = [.string(entry.id), .string(entry.name), .string(entry.addedAt)]
                for source in AudienceSourceName.allCases {
                    let match = state?.sources[source]
                    row.append(match.map { .string("\($0.name) (\($0.id))") } ?? .null)
                    row.append(match.map { .string(IdentityText.evidence($0)) } ?? .null)
                }
                rows.append(row)
            }
            Console.write(TableOutput(columns: ["artist_id", "artist_name", "added_at", "deezer", "deezer_matched_by", "lastfm", "lastfm_matched_by"],
                                      rows: rows).render(settings.format))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop tracking artists (their data stays in the lake).")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Artist ids, URIs or links.")
        var artists: [String]

        func run() async throws {
            let settings = try await Settings.resolve(global)
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

    struct Link: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or set an artist's identity on Deezer and Last.fm.",
            discussion: "With no option, shows the matches and how they were made. --deezer or --lastfm sets a match by hand: a manual match is never replaced automatically."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: FormatOption

        @Argument(help: "The tracked artist: id, URI, link or name.")
        var artist: String

        @Option(help: "The artist's Deezer id (the number in deezer.com/artist/<id>).")
        var deezer: String?

        @Option(help: "The artist on Last.fm: its MusicBrainz id, or its exact name.")
        var lastfm: String?

        func validate() throws {
            try ArtistArgument.validate(artist)
            if let deezer, Int64(deezer).map({ $0 > 0 }) != true {
                throw ValidationError("--deezer must be a Deezer artist id (a positive number), got '\(TerminalText.sanitized(String(deezer.prefix(40))))'")
            }
            if let lastfm, lastfm.trimmingCharacters(in: .whitespaces).isEmpty || TerminalText.hasControlCharacters(lastfm) {
                throw ValidationError("--lastfm must be a MusicBrainz id or an artist's name")
            }
        }

        func run() async throws {
            let settings = try await Settings.resolve(global, format: output)
            let store = try settings.existingStore()
            let engine = LocalEngine(store: store, logger: settings.logger)
            let id = try await ArtistArgument.id(artist, in: engine)
            guard let entry = try await TrackedArtists.load(from: store).artists.first(where: { $0.id == id }) else {
                throw CommandFailure.usage("\(id) is not tracked: add it with `momentum artists add \(id)`")
            }
            if deezer != nil || lastfm != nil {
                let sources = try await settings.audienceSources()
                var found: [AudienceSourceName: IdentityState.SourceMatch] = [:]
                let now = Date().isoSeconds
                if let deezer, let deezerID = Int64(deezer) {
                    // Checked against Deezer when it is on: a typo is caught now, not tomorrow.
                    var name = deezer
                    if let client = sources.deezer {
                        guard let artist = try await LinkCheck.deezer(client, deezerID) else {
                            throw CommandFailure.usage("Deezer has no artist \(deezerID)")
                        }
                        name = artist.name
                    }
                    found[.deezer] = IdentityState.SourceMatch(id: String(deezerID), name: name, matchedBy: .manual, evidence: [:], checkedAt: now)
                }
                if let lastfm {
                    var name = lastfm
                    if let client = sources.lastFM {
                        guard let artist = try await LinkCheck.lastFM(client, lastfm) else {
                            throw CommandFailure.usage("Last.fm does not know '\(TerminalText.sanitized(String(lastfm.prefix(80))))'")
                        }
                        name = artist.name
                    }
                    found[.lastfm] = IdentityState.SourceMatch(id: lastfm, name: name, matchedBy: .manual, evidence: [:], checkedAt: now)
                }
                try await settings.withLakeLock(store, command: "momentum artists link") {
                    var state = try await IdentityState.load(artistID: id, from: store) ?? IdentityState(artistID: id)
                    for (source, var match) in found {
                        // Unchecked (the source is off): the name a match already gave this id stays.
                        if match.name == match.id, let known = state.sources[source], known.id == match.id { match.name = known.name }
                        state.sources[source] = match
                        state.unmatchedCheckedAt[source] = nil
                    }
                    try await state.save(to: store)
                }
                for (source, match) in found.sorted(by: { $0.key < $1.key }) {
                    Console.note("\(TerminalText.sanitized(entry.name)) on \(source.displayName): \(TerminalText.sanitized(match.name)) (\(match.id)), set by hand")
                }
            }
            let state = try await IdentityState.load(artistID: id, from: store)
            var rows: [[Cell]] = []
            for source in AudienceSourceName.allCases {
                let checked: Cell = .string(state?.sources[source]?.checkedAt ?? state?.unmatchedCheckedAt[source] ?? "")
                guard let match = state?.sources[source] else {
                    rows.append([.string(source.rawValue), .null, .null, .null, .null, checked])
                    continue
                }
                let evidence = match.evidence.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                rows.append([.string(source.rawValue), .string(match.id), .string(match.name), .string(IdentityText.evidence(match)), .string(evidence), checked])
            }
            Console.write(TableOutput(columns: ["source", "id", "name", "matched_by", "evidence", "checked_at"], rows: rows).render(settings.format))
        }
    }
}

/// Lookups that check a hand-set identity.
enum LinkCheck {
    static func deezer(_ client: DeezerClient, _ id: Int64) async throws -> DeezerArtist? {
        do { return try await client.artist(id: id) } catch let error as AudienceError {
            throw CommandFailure(code: .unavailable, message: "could not check the Deezer id: \(error)")
        }
    }

    static func lastFM(_ client: LastFMClient, _ value: String) async throws -> LastFMArtist? {
        do {
            let isMBID = value.count == 36 && value.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12]
            return isMBID ? try await client.artist(mbid: value) : try await client.artist(named: value)
        } catch let error as AudienceError {
            throw CommandFailure(code: error.isRefusal ? .usage : .unavailable, message: "could not check the Last.fm artist: \(error)")
        }
    }
}

/// How a match reads in `artists list` and `artists link`: a name match is marked weaker.
enum IdentityText {
    /// Whether a matching failure came from `source` (or from the Spotify requests it needed).
    static func concerns(_ failure: IngestFailure, _ source: AudienceSourceName) -> Bool {
        guard let error = failure.error as? AudienceError else { return source == .deezer }
        return error.source == source.displayName || (source == .lastfm && error.source == "MusicBrainz")
    }

    static func evidence(_ match: IdentityState.SourceMatch) -> String {
        match.matchedBy == .name ? "name (weaker)" : match.matchedBy.rawValue
    }
}
