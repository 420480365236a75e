// The simulated catalogue: artists with names, follower histories and discographies, all
// derived from a seed, so that the same seed gives the same world on every machine.

import Foundation
import SpotifyKit

/// A small, fast, seedable generator (SplitMix64).
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal value (Box-Muller).
    mutating func gaussian() -> Double {
        let u1 = max(Double.random(in: 0..<1, using: &self), 1e-12)
        let u2 = Double.random(in: 0..<1, using: &self)
        return sqrt(-2 * log(u1)) * cos(2 * .pi * u2)
    }
}

/// Days since 1970-01-01 of a UTC date.
func epochDay(_ date: Date) -> Int {
    Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
}

func isoDay(_ day: Int) -> String {
    let date = Date(timeIntervalSince1970: Double(day) * 86_400)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
    let c = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d-%02d-%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
}

struct SimulatedRelease: Sendable {
    var id: String
    var name: String
    var day: Int
    /// `album`, `single` or `compilation`.
    var albumType: String
    /// `album`, `single`, `compilation` or `appears_on`.
    var group: String
    var precision: String
    var tracks: Int
    var markets: [String]
}

struct SimulatedArtist: Sendable {
    var id: String
    var name: String
    var genres: [String]
    var startFollowers: Double
    var drift: Double
    var noise: Double
    var popularityOffset: Double
    var releases: [SimulatedRelease]
    var seed: UInt64
}

/// The world: a fixed origin day, artists, and a lazily extended follower history each.
final class SimulatedWorld: @unchecked Sendable {
    /// Histories start here (2024-01-01), whatever day the simulator is asked about, so that a
    /// given date shows the same numbers on every run.
    static let origin = 19_723
    let artists: [SimulatedArtist]
    let byID: [String: Int]
    /// Each artist on the other audience sources (Audience/SimulatedAudience.swift).
    let audience: [AudiencePresence]
    private var logFollowers: [[Double]]
    private let lock = NSLock()

    init(artistCount: Int, seed: UInt64) {
        var rng = SeededGenerator(seed: seed ^ 0x5EED_5EED)
        var names = NameGenerator(generator: SeededGenerator(seed: seed &+ 17))
        var artists: [SimulatedArtist] = []
        var used = Set<String>()
        for index in 0..<max(0, artistCount) {
            var id = ""
            repeat { id = SimulatedWorld.base62(&rng) } while used.contains(id)
            used.insert(id)
            // Two artists share a name, and one is named in Cyrillic (with letters that
            // decompose: other sources may store them decomposed): identity matching must
            // neither guess between the two nor miss the third.
            let generated = names.next(index: index)
            let name = index == SimulatedWorld.sameNameIndex ? artists[SimulatedWorld.sameNameOriginal].name
                : index == SimulatedWorld.otherScriptIndex ? "Звёздный Йод" : generated
            let followers = pow(10, Double.random(in: 2.5...6.6, using: &rng))
            let releases = SimulatedWorld.discography(artistID: id, rng: &rng, names: &names)
            artists.append(SimulatedArtist(
                id: id, name: name, genres: NameGenerator.genres(&rng),
                startFollowers: followers, drift: Double.random(in: -0.0004...0.0025, using: &rng),
                noise: Double.random(in: 0.0008...0.004, using: &rng), popularityOffset: Double.random(in: -6...6, using: &rng),
                releases: releases, seed: rng.next()
            ))
        }
        self.artists = artists
        self.byID = Dictionary(uniqueKeysWithValues: artists.enumerated().map { ($1.id, $0) })
        audience = SimulatedWorld.presence(of: artists, seed: seed)
        self.logFollowers = Array(repeating: [], count: artists.count)
    }

    static func base62(_ rng: inout SeededGenerator) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<22).map { _ in alphabet[Int(rng.next() % 62)] })
    }

    /// A back catalogue from years before the origin, and releases every 3 weeks to 5 months
    /// from then on, for ten years.
    static func discography(artistID: String, rng: inout SeededGenerator, names: inout NameGenerator) -> [SimulatedRelease] {
        var releases: [SimulatedRelease] = []
        var day = origin - Int.random(in: 400...4000, using: &rng)
        let end = origin + 3650
        while day < end {
            let roll = Double.random(in: 0..<1, using: &rng)
            let (type, group) = roll < 0.3 ? ("album", "album") : roll < 0.88 ? ("single", "single")
                : roll < 0.94 ? ("compilation", "compilation") : ("album", "appears_on")
            let old = day < 14_610  // before 2010: sometimes only a year or a month is known
            let precision = old ? ["year", "month", "day"][Int(rng.next() % 3)] : "day"
            let release = SimulatedRelease(
                id: base62(&rng), name: names.title(), day: day, albumType: type, group: group, precision: precision,
                tracks: type == "single" ? Int.random(in: 1...3, using: &rng) : Int.random(in: 8...16, using: &rng),
                markets: ["US", "GB", "DE", "FR", "SE", "BR", "JP"]
            )
            releases.append(release)
            if Double.random(in: 0..<1, using: &rng) < 0.12 {
                // The same release under another id, sold elsewhere: listed too when no market is sent.
                var duplicate = release
                duplicate.id = base62(&rng)
                duplicate.markets = ["MX", "AR"]
                releases.append(duplicate)
            }
            day += Int.random(in: 21...150, using: &rng)
        }
        return releases
    }

    /// Followers of an artist on a day: a random walk with drift, lifted for two weeks after
    /// each release.
    func followers(artist index: Int, day: Int) -> Int {
        let offset = max(0, day - SimulatedWorld.origin)
        lock.lock()
        defer { lock.unlock() }
        if logFollowers[index].count <= offset { extend(index, through: offset) }
        return Int(exp(logFollowers[index][offset]).rounded())
    }

    func popularity(artist index: Int, day: Int) -> Int {
        let f = Double(max(1, followers(artist: index, day: day)))
        return min(100, max(0, Int((9 * log10(f) - 5 + artists[index].popularityOffset).rounded())))
    }

    private func extend(_ index: Int, through offset: Int) {
        let artist = artists[index]
        var series = logFollowers[index]
        var rng = SeededGenerator(seed: artist.seed &+ UInt64(series.count))
        if series.isEmpty { series.append(log(artist.startFollowers)) }
        let releaseDays = artist.releases.filter { $0.group != "appears_on" }.map { $0.day - SimulatedWorld.origin }
        while series.count <= offset {
            let t = series.count
            var growth = artist.drift + artist.noise * rng.gaussian()
            for r in releaseDays where t - r >= 0 && t - r < 21 {
                growth += 0.005 * exp(-Double(t - r) / 5)
            }
            if Double.random(in: 0..<1, using: &rng) < 0.006 { growth += 0.04 }  // a viral day
            series.append(series[t - 1] + growth)
        }
        logFollowers[index] = series
    }
}

/// Real-looking names, including non-ASCII and characters that need escaping in HTML.
struct NameGenerator {
    var generator: SeededGenerator

    static let first = ["Aurora", "Los", "The", "DJ", "MC", "Lil", "Sister", "Björk", "Sigur", "Niño", "Café", "Zoë",
                        "Ólafur", "MØ", "Anouk", "Kai", "Luna", "Tame", "Beyoncé", "坂本", "Noor", "Ibeyi", "Rosalía", "Jean-Michel"]
    static let second = ["Vale", "Lanterns", "del Sur", "Rivers", "Echo", "Tacvba", "& Friends", "O'Brien", "Sound",
                         "Φ Collective", "Ünder", "<Noise>", "\"Quoted\" Band", "Kiddies", "Nights", "Orchestra", "Rós", "Ray", "Bloom"]
    static let titleWords = ["Midnight", "Echoes", "Gold", "Summer", "Paper", "Neon", "Rivers", "Ghosts", "Velvet",
                             "Satellite", "Corazón", "Nocturne", "Tiempo", "Ljós", "Heat", "Blue", "Static", "Lights"]

    mutating func next(index: Int) -> String {
        let a = NameGenerator.first[Int(generator.next() % UInt64(NameGenerator.first.count))]
        let b = NameGenerator.second[Int(generator.next() % UInt64(NameGenerator.second.count))]
        return index < 200 ? "\(a) \(b)" : "\(a) \(b) \(index / 200 + 1)"
    }

    mutating func title() -> String {
        let words = (0..<Int(1 + generator.next() % 3)).map { _ in NameGenerator.titleWords[Int(generator.next() % UInt64(NameGenerator.titleWords.count))] }
        return words.joined(separator: " ")
    }

    static func genres(_ rng: inout SeededGenerator) -> [String] {
        let all = ["pop", "indie", "latin", "k-pop", "afrobeats", "electronica", "hip hop", "folk", "jazz"]
        return (0..<Int(rng.next() % 3)).map { _ in all[Int(rng.next() % UInt64(all.count))] }
    }
}
