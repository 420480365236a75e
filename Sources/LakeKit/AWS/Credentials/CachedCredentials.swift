// Credentials fetched once and reused until shortly before they expire, as botocore's
// refreshable credentials: temporary credentials from a container or an instance are refreshed
// ten minutes before their expiry, and concurrent callers share one refresh.

import Foundation

/// Caches another source's credentials and refreshes them before they expire.
public actor CachedCredentials: AWSCredentialProvider {
    private let source: any AWSCredentialProvider
    private let refreshMargin: Duration
    private let now: @Sendable () -> Date
    private var cached: AWSCredentials?
    private var refreshing: Task<AWSCredentials?, any Error>?

    /// Caches `source`; credentials are refreshed once fewer than `refreshMargin` remain.
    public init(_ source: any AWSCredentialProvider, refreshMargin: Duration = .seconds(600),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.source = source
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// The cached credentials, refreshed first when they are about to expire.
    public func credentials() async throws -> AWSCredentials? {
        if let cached, !needsRefresh(cached) { return cached }
        if let refreshing { return try await refreshing.value }
        let task = Task { try await source.credentials() }
        refreshing = task
        defer { refreshing = nil }
        do {
            let fresh = try await task.value
            cached = fresh
            return fresh
        } catch {
            // A failed refresh keeps credentials that still work.
            if let cached, let expiration = cached.expiration, expiration > now() { return cached }
            throw error
        }
    }

    /// Forgets the cached credentials (after S3 said `ExpiredToken`, say).
    public func invalidate() {
        cached = nil
    }

    /// The source's description.
    public nonisolated var sourceDescription: String { source.sourceDescription }

    private func needsRefresh(_ credentials: AWSCredentials) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now()) < refreshMargin.seconds
    }
}
