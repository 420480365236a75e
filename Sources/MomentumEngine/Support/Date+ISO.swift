// Timestamps the commands print and store (`added_at`, a page's "generated at"), to the whole
// second, through the one ISO 8601 printer (MomentumAnalytics' `Instant`).

import Foundation
import MomentumAnalytics

extension Date {
    /// `YYYY-MM-DDTHH:MM:SSZ`, the fraction of a second dropped.
    package var isoSeconds: String {
        Instant(nanosecondsSinceEpoch: Int64(timeIntervalSince1970.rounded(.down)) * 1_000_000_000).isoString
    }
}
