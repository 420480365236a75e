// How two artist names are compared when a person types one ("Zoë", "zoë", "ZOË"): equal when
// they are canonically equivalent (NFC: a precomposed "ë" and "e" + combining diaeresis are
// one) after Unicode case folding. One function, so that every place that matches a typed or
// another source's name agrees.

/// Artist-name matching.
public enum ArtistNames {
    /// The key two names share when they match: case folded (full folding: "ß" matches "SS",
    /// final sigma matches sigma). Compare keys with `==`, which is canonical equivalence for
    /// Swift strings (and so is their hashing): "Zoë" composed and decomposed give equal keys.
    /// Spaces and punctuation are kept.
    public static func matchKey(_ name: String) -> String {
        // Upper- then lower-casing folds what lower-casing alone keeps apart (ß/SS, ς/σ).
        name.uppercased().lowercased()
    }

    /// True when the two names match.
    public static func match(_ a: String, _ b: String) -> Bool {
        matchKey(a) == matchKey(b)
    }
}
