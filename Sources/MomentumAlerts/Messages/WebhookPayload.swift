// The body of a generic webhook, as Standard Webhooks lays out a payload: `type`, `timestamp`
// and `data`. One alert is `alert.<kind>` with the alert's fields; a digest is `alert.digest`
// with its alerts in order.

import Foundation

/// The Standard Webhooks payload for a batch.
public enum WebhookPayload {
    /// The JSON body; `timestamp` is when the message was made (ISO 8601, UTC).
    public static func body(for batch: AlertBatch, timestamp: String, dashboardURL: String?) -> [UInt8] {
        var data: [String: Any]
        let type: String
        if batch.digest == .none, let alert = batch.alerts.first, batch.alerts.count == 1 {
            type = "alert.\(alert.kind.rawValue)"
            data = alert.jsonObject
        } else {
            type = "alert.digest"
            data = ["id": batch.id, "rule": batch.ruleID, "digest": batch.digest.rawValue, "title": AlertText.title(of: batch),
                    "alerts": batch.alerts.map(\.jsonObject)]
            if let period = batch.period { data["from"] = period.lowerBound.isoString; data["to"] = period.upperBound.isoString }
        }
        if let dashboardURL { data["dashboard_url"] = dashboardURL }
        return AlertJSON.bytes(["type": type, "timestamp": timestamp, "data": data])
    }
}
