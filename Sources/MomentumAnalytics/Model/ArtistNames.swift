// How two artist names are compared when a person types one ("Zoë", "zoë", "ZOË"): equal when
// their canonical compositions (NFC) are equal after Unicode case folding. One function, so
// that every place that matches a typed or another source's name agrees.

import Foundation

/// Artist-name matching.
public enum ArtistNames {
    /// The key two names share when they match: NFC, case folded (full folding: "ß" matches
    /// "SS", final sigma matches sigma), then NFC again. Spaces and punctuation are kept.
    public static func matchKey(_ name: String) -> String {
        let composed = name.precomposedStringWithCanonicalMapping
        // Upper- then lower-casing folds what lower-casing alone keeps apart (ß/SS, ς/σ).
        return composed.uppercased().lowercased().precomposedStringWithCanonicalMapping
    }

    /// True when the two names match.
    public static func match(_ a: String, _ b: String) -> Bool {
        matchKey(a) == matchKey(b)
    }
}
