// An alert as JSON data (Standard Webhooks payloads, `momentum alerts --format json`): the
// fields a receiver's code reads, with snake_case names like the lake's columns.

import Foundation

extension Alert {
    /// The alert's fields; absent figures are left out.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "id": id, "rule": ruleID, "kind": kind.rawValue, "artist_id": artistID, "artist_name": artistName,
            "day": day.isoString, "key": key, "text": AlertText.line(of: self),
        ]
        if let series { object["series"] = series.name }
        let facts = self.facts
        let numbers: [(String, Double?)] = [
            ("robust_z", facts.robustZ), ("adds_per_day", facts.addsPerDay), ("growth", facts.growth), ("threshold", facts.threshold),
            ("momentum_score", facts.momentumScore), ("t_stat", facts.tStat), ("car", facts.car), ("uplift", facts.uplift),
        ]
        for (name, value) in numbers { if let value, value.isFinite { object[name] = value } }
        let integers: [(String, Int64?)] = [("rank", facts.rank.map(Int64.init)), ("top", facts.top.map(Int64.init)),
                                            ("milestone", facts.milestone), ("count", facts.count)]
        for (name, value) in integers { if let value { object[name] = value } }
        let texts: [(String, String?)] = [("window", facts.growthWindow?.rawValue), ("event_day", facts.eventDay?.isoString),
                                          ("album_ids", facts.albumIDs), ("album_names", facts.albumNames),
                                          ("album_type", facts.albumType), ("release_date", facts.releaseDate)]
        for (name, value) in texts { if let value { object[name] = value } }
        if let entered = facts.entered { object["entered"] = entered }
        return object
    }
}

enum AlertJSON {
    /// Compact JSON, keys sorted, slashes as they are.
    static func bytes(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
    }
}
