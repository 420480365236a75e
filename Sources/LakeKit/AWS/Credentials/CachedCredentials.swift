// Credentials fetched once and reused until shortly before they expire, as botocore's
// refreshable credentials: temporary credentials from a container or an instance are refreshed
// ten minutes before their expiry, concurrent callers share one refresh, and a failed refresh
// keeps credentials that still work. The caching is the HTTP core's one `ExpiringValue`.

import Foundation
import MomentumHTTP

/// Caches another source's credentials and refreshes them before they expire.
public actor CachedCredentials: AWSCredentialProvider {
    private let source: any AWSCredentialProvider
    private let cache: ExpiringValue<AWSCredentials?>

    /// Caches `source`; credentials are refreshed once fewer than `refreshMargin` remain.
    public init(_ source: any AWSCredentialProvider, refreshMargin: Duration = .seconds(600),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        cache = ExpiringValue(refreshMargin: refreshMargin, now: now) {
            let fresh = try await source.credentials()
            return (fresh, fresh?.expiration)
        }
    }

    /// The cached credentials, refreshed first when they are about to expire.
    public func credentials() async throws -> AWSCredentials? {
        try await cache.value()
    }

    /// Forgets the cached credentials (after S3 said `ExpiredToken`, say).
    public func invalidate() async {
        await cache.invalidate()
    }

    /// The source's description.
    public nonisolated var sourceDescription: String { source.sourceDescription }
}
