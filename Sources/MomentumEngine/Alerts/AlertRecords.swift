// What the alerts job keeps in the lake (`state/alerts/`, Docs/LAKE.md): the day each rule was
// first evaluated (it fires from then on, so that a new rule does not flood), and per
// destination the alerts it took and whether it is gone (HTTP 410). Each document is rewritten
// whole and atomically, a destination's after every message it took, under the lake's lock.

import Foundation
import LakeKit
import MomentumAnalytics

/// `state/alerts/rules.json`.
package struct AlertRuleRecords: Codable, Sendable, Equatable {
    package struct Rule: Codable, Sendable, Equatable {
        package var kind: String
        /// The day the rule fires from when it has no `since`.
        package var firstDay: String

        enum CodingKeys: String, CodingKey {
            case kind
            case firstDay = "first_day"
        }
    }

    package var rules: [String: Rule] = [:]

    package static let key = "state/alerts/rules.json"

    package static func load(from store: any ObjectStore) async throws -> AlertRuleRecords {
        try await LakeStateJSON.load(AlertRuleRecords.self, key: key, from: store, what: "alert rule record") ?? AlertRuleRecords()
    }

    package func save(to store: any ObjectStore) async throws {
        try await store.put(AlertRuleRecords.key, bytes: try LakeStateJSON.encode(self))
    }
}

/// `state/alerts/destinations/<name>.json`.
package struct AlertDeliveryRecord: Codable, Sendable, Equatable {
    package struct Disabled: Codable, Sendable, Equatable {
        package var at: String
        package var reason: String
        /// The fingerprint of the address that answered 410: another address enables it again.
        package var fingerprint: String
    }

    package var destination: String
    package var type: String
    /// Alert id → the alert's day.
    package var delivered: [String: String] = [:]
    package var disabled: Disabled?

    package static func key(_ destination: String) -> String { "state/alerts/destinations/\(destination).json" }

    package static func load(_ destination: AlertDestination, from store: any ObjectStore) async throws -> AlertDeliveryRecord {
        try await LakeStateJSON.load(AlertDeliveryRecord.self, key: key(destination.name), from: store, what: "alert delivery record")
            ?? AlertDeliveryRecord(destination: destination.name, type: destination.type)
    }

    package func save(to store: any ObjectStore) async throws {
        try await store.put(AlertDeliveryRecord.key(destination), bytes: try LakeStateJSON.encode(self))
    }
}
