// The audience sources a job may ask, each present only when enabled (Deezer by default: it
// needs no key; Last.fm when a key is set; MusicBrainz with Last.fm, for the MBIDs it is asked by).

import AudienceKit

package struct AudienceSources: Sendable {
    package var deezer: DeezerClient?
    package var lastFM: LastFMClient?
    package var musicBrainz: MusicBrainzClient?

    package init(deezer: DeezerClient? = nil, lastFM: LastFMClient? = nil, musicBrainz: MusicBrainzClient? = nil) {
        self.deezer = deezer
        self.lastFM = lastFM
        self.musicBrainz = musicBrainz
    }

    /// The sources enabled, in order.
    package var enabled: [AudienceSourceName] {
        (deezer == nil ? [] : [.deezer]) + (lastFM == nil ? [] : [.lastfm])
    }

    /// The same with only `names` kept.
    package func only(_ names: Set<AudienceSourceName>) -> AudienceSources {
        AudienceSources(deezer: names.contains(.deezer) ? deezer : nil, lastFM: names.contains(.lastfm) ? lastFM : nil,
                        musicBrainz: names.contains(.lastfm) ? musicBrainz : nil)
    }
}
