// Durations meet Foundation (URLRequest's timeout, Retry-After headers, expiry dates) as seconds.

extension Duration {
    /// The duration in seconds, as a `Double` (for Foundation APIs and messages).
    package var secondsValue: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A duration from seconds that may be negative, NaN or huge: clamped to 0…1e9 s so that
    /// no conversion traps.
    package static func clampedSeconds(_ seconds: Double) -> Duration {
        guard seconds.isFinite else { return seconds.isNaN || seconds < 0 ? .zero : .seconds(1_000_000_000) }
        return .nanoseconds(Int64(min(max(0, seconds), 1e9) * 1e9))
    }

    /// "0.5 s", "12 s": seconds for messages.
    package static func describe(seconds: Double) -> String {
        seconds < 10 && seconds != seconds.rounded() ? "\((seconds * 10).rounded() / 10) s" : "\(Int(seconds.rounded())) s"
    }
}
