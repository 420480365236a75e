// Where the dashboard site goes (a folder, or the lake's `dashboard/`), its builds' folder names
// and how long a replaced build stays, and the presigned link to a site in an S3 lake.

import Foundation
import LakeKit
import MomentumAnalytics
import MomentumDashboard

/// Where a site goes and how long a replaced build's files stay.
package struct DashboardSiteTarget: Sendable {
    package var store: any ObjectStore
    /// Prepended to every key: "" for a folder of its own, `dashboard/` in a lake.
    package var prefix: String
    /// A replaced build's files are removed once older than this (never sooner than an hour:
    /// a page opened a moment before a rebuild, or a second build running at once, keeps its
    /// files). On S3 it covers the longest presigned link (seven days) and a day.
    package var keep: Duration

    package init(store: any ObjectStore, prefix: String, keep: Duration) {
        self.store = store
        self.prefix = prefix
        self.keep = keep
    }

    /// The lake's site, kept for the longest presigned link's life and a day.
    package static func lake(_ store: any ObjectStore) -> DashboardSiteTarget {
        DashboardSiteTarget(store: store, prefix: lakePrefix, keep: .seconds(8 * 86_400))
    }

    /// The site's folder in a lake.
    package static let lakePrefix = "dashboard/"

    /// The page's key.
    package var pageKey: String { prefix + "index.html" }
}

/// A site build's folder name: its time (so that old builds can be found) and a random part (so
/// that two builds in the same second do not share a folder).
enum DashboardSiteGeneration {
    static func name(at date: Date) -> String {
        stamp(date) + "-" + String(format: "%08x", UInt32.random(in: .min ... .max))
    }

    /// `YYYYMMDDTHHMMSSZ`: the one ISO 8601 printer's text without its separators.
    private static func stamp(_ date: Date) -> String {
        date.isoSeconds.filter { $0 != "-" && $0 != ":" }
    }

    /// A generation's time; nil for a name that is not a generation's.
    static func time(of name: String) -> Date? {
        let parts = name.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 8, parts[1].allSatisfy(\.isHexDigit), parts[0].utf8.count == 16 else { return nil }
        let s = Array(parts[0])
        let iso = String(s[0..<4]) + "-" + String(s[4..<6]) + "-" + String(s[6..<11]) + ":" + String(s[11..<13]) + ":" + String(s[13...])
        guard let instant = Instant(iso: iso) else { return nil }
        return instant.date
    }

    /// Removes the files of builds other than `current` older than the target keeps them.
    static func removeReplaced(in target: DashboardSiteTarget, current: String, now: Date) async throws {
        let keep = max(Double(target.keep.components.seconds), 3_600)
        for object in try await target.store.list(prefix: target.prefix) {
            let rest = object.key.dropFirst(target.prefix.count)
            guard let slash = rest.firstIndex(of: "/") else { continue }
            let generation = String(rest[..<slash])
            guard generation != current, let time = time(of: generation), now.timeIntervalSince(time) > keep else { continue }
            try await target.store.delete(object.key)
        }
    }
}

extension DashboardSiteTarget {
    /// A link anyone can open to the site published in an S3 lake, for `expires`: a copy of the
    /// page whose data files are presigned URLs, kept in its build's folder (which outlives the
    /// longest link), presigned in turn. The link shows the build it was made from; the links
    /// inside it expire with it. Nil when the lake holds no site.
    package static func link(to store: S3ObjectStore, expires: Duration) async throws -> S3Client.PresignedURL? {
        let target = lake(store)
        let page: [UInt8]
        do { page = try await store.get(target.pageKey) } catch LakeError.notFoundKind { return nil }
        guard let text = String(validating: page, as: UTF8.self), let generation = DashboardSite.generation(ofPage: text) else {
            throw EngineError.invalidInput("\(store.location)/\(target.pageKey) is not a dashboard site's page")
        }
        let folder = target.prefix + generation + "/"
        var urls: [String: String] = [:]
        for object in try await store.list(prefix: folder) where object.key.hasSuffix(".js") {
            urls[String(object.key.dropFirst(folder.count))] = try await store.presignedURL(object.key, expires: expires).url.absoluteString
        }
        guard let signed = DashboardSite.signed(page: text, urls: urls) else {
            throw EngineError.invalidInput("\(store.location)/\(target.pageKey) is not a dashboard site's page")
        }
        let key = folder + "link-" + DashboardSiteGeneration.name(at: Date()) + ".html"
        try await store.put(key, bytes: Array(signed.utf8), servedAs: "text/html; charset=utf-8")
        return try await store.presignedURL(key, expires: expires)
    }
}
