// The simulated world on the other audience sources (Deezer, Last.fm, MusicBrainz): each
// artist's Deezer fans and Last.fm listeners follow its Spotify followers with a scale and a
// daily noise of their own (so releases lift them all), and the traps identity matching must
// survive are built in: some artists are missing from a source or from MusicBrainz, two artists
// share a name, one has a name in another script that Deezer stores decomposed (NFD), and one
// artist's albums carry no UPC (its tracks' ISRCs find it). Every number comes from the seed.

import Foundation

/// An artist's presence on the other sources.
struct AudiencePresence: Sendable {
    /// Deezer's id, nil when the artist is not on Deezer.
    var deezerID: Int64?
    /// The name Deezer and Last.fm show.
    var sourceName: String
    var deezerScale: Double
    /// Last.fm's MBID, nil when the artist is not on Last.fm.
    var lastFMMBID: String?
    var lastFMScale: Double
    var playsPerListener: Double
    /// True when MusicBrainz links the artist's Spotify page to its MBID.
    var inMusicBrainz: Bool
    /// True when the artist's albums carry a UPC on Spotify.
    var albumsHaveUPC: Bool
    var noiseSeed: UInt64
}

extension SimulatedWorld {
    /// The index of the artist that shares the name of artist `sameNameOriginal`, when the
    /// world has one (past the first three, which the README's tour shows).
    static let sameNameIndex = 7
    static let sameNameOriginal = 3
    /// The index of the artist with a name in another script.
    static let otherScriptIndex = 4
    /// The index of the artist whose albums carry no UPC.
    static let noUPCIndex = 5

    /// Who is where. Positions are fixed (by index) so that tests know them; the rest is drawn
    /// from the seed.
    static func presence(of artists: [SimulatedArtist], seed: UInt64) -> [AudiencePresence] {
        var rng = SeededGenerator(seed: seed ^ 0xA0D1_E4CE)
        return artists.indices.map { index in
            let onDeezer = index % 8 != 6
            let onLastFM = index % 6 != 2
            let mbid = SimulatedWorld.uuid(&rng)
            return AudiencePresence(
                deezerID: onDeezer ? 1_000 + Int64(index) * 7 : nil,
                sourceName: index == otherScriptIndex ? artists[index].name.decomposedStringWithCanonicalMapping : artists[index].name,
                deezerScale: Double.random(in: 0.15...2.5, using: &rng),
                lastFMMBID: onLastFM ? mbid : nil,
                lastFMScale: Double.random(in: 0.4...6, using: &rng),
                playsPerListener: Double.random(in: 12...60, using: &rng),
                inMusicBrainz: onLastFM && index % 5 != 3,
                albumsHaveUPC: index != noUPCIndex,
                noiseSeed: rng.next())
        }
    }

    static func uuid(_ rng: inout SeededGenerator) -> String {
        let hex = Array("0123456789abcdef")
        let digits = (0..<32).map { _ in hex[Int(rng.next() % 16)] }
        let text = String(digits)
        func part(_ from: Int, _ to: Int) -> Substring { text.dropFirst(from).prefix(to - from) }
        return "\(part(0, 8))-\(part(8, 12))-4\(part(13, 16))-8\(part(17, 20))-\(part(20, 32))"
    }

    /// Deezer fans on a day: followers × the artist's scale, with a small daily noise.
    func deezerFans(artist index: Int, day: Int) -> Int64 {
        let presence = audience[index]
        return Int64((Double(followers(artist: index, day: day)) * presence.deezerScale * noise(presence, day: day, salt: 1)).rounded())
    }

    /// Last.fm listeners and plays on a day.
    func lastFMCounts(artist index: Int, day: Int) -> (listeners: Int64, plays: Int64) {
        let presence = audience[index]
        let listeners = Double(followers(artist: index, day: day)) * presence.lastFMScale * noise(presence, day: day, salt: 2)
        // Plays accumulate: a little more per listener every day.
        let plays = listeners * presence.playsPerListener * (1 + Double(max(0, day - SimulatedWorld.origin)) / 3650)
        return (Int64(listeners.rounded()), Int64(plays.rounded()))
    }

    private func noise(_ presence: AudiencePresence, day: Int, salt: UInt64) -> Double {
        var rng = SeededGenerator(seed: presence.noiseSeed &+ UInt64(bitPattern: Int64(day)) &* 0x9E37 &+ salt)
        return exp(0.002 * rng.gaussian())
    }

    /// A release's barcode: 12 digits from its id (FNV-1a: the same on every run and machine).
    static func upc(of release: SimulatedRelease) -> String {
        String(format: "%012llu", stableHash(release.id) % 1_000_000_000_000)
    }

    /// A track's ISRC: country `QZ`, registrant `SIM`, year 26, five digits from its id.
    static func isrc(ofTrack id: String) -> String {
        "QZSIM26" + String(format: "%05llu", stableHash(id) % 100_000)
    }

    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01B3
        }
        return hash
    }
}
