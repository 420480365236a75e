// Section 3 of the metric contract: from raw release records to release events.

/// An artist's releases after filtering and de-duplication, and the events they form.
public struct ReleaseCalendar: Sendable, Hashable {
    /// De-duplicated day-precision albums and singles, in date-then-id order.
    public let albums: [ReleaseEvent.Album]
    /// Events in day order.
    public let events: [ReleaseEvent]

    /// Builds the calendar of one artist from its raw release records (in the order read).
    public init(artistID: String, releases: [ReleaseRecord]) {
        // Step 1: day precision, group album or single.
        var byID: [String: (record: ReleaseRecord, day: Day, order: Int)] = [:]
        for (order, record) in releases.enumerated() {
            guard record.releaseDatePrecision == "day" else { continue }
            let group = record.albumGroup ?? record.albumType
            guard group == "album" || group == "single", let day = Day(iso: record.releaseDate) else { continue }
            // Step 2a: one record per album id; a repeated scan keeps the earliest sighting.
            if let existing = byID[record.albumID] {
                let earlier = ReleaseCalendar.discoveredEarlier(record, than: existing.record)
                if !earlier { continue }
            }
            byID[record.albumID] = (record, day, order)
        }
        // Step 2b: one album per (lowercased trimmed name, date), the smallest id wins:
        // Spotify lists the same release under several ids in different markets.
        var byNameAndDate: [NameDateKey: ReleaseEvent.Album] = [:]
        for (id, entry) in byID {
            let key = NameDateKey(name: ReleaseCalendar.normalizedName(entry.record.albumName), day: entry.day)
            if let kept = byNameAndDate[key], kept.albumID.utf8Less(than: id) { continue }
            byNameAndDate[key] = ReleaseEvent.Album(
                albumID: id, albumName: entry.record.albumName, releaseDay: entry.day,
                group: entry.record.albumGroup ?? entry.record.albumType
            )
        }
        let albums = byNameAndDate.values.sorted {
            $0.releaseDay != $1.releaseDay ? $0.releaseDay < $1.releaseDay : $0.albumID.utf8Less(than: $1.albumID)
        }
        self.albums = albums
        self.events = ReleaseCalendar.cluster(artistID: artistID, albums: albums)
    }

    /// A calendar of events already formed (read back from `release_impact`, say).
    public init(events: [ReleaseEvent]) {
        self.events = events.sorted { $0.eventDay < $1.eventDay }
        albums = self.events.flatMap(\.albums)
    }

    /// Number of de-duplicated albums released on each day.
    public var releaseCounts: [Day: Int32] {
        var counts: [Day: Int32] = [:]
        for album in albums { counts[album.releaseDay, default: 0] += 1 }
        return counts
    }

    /// The days of the artist's release events, in order.
    public var eventDays: [Day] { events.map(\.eventDay) }

    // Step 3: a date joins the cluster when it is at most 7 days after the previous date.
    static func cluster(artistID: String, albums: [ReleaseEvent.Album]) -> [ReleaseEvent] {
        var events: [ReleaseEvent] = []
        var current: [ReleaseEvent.Album] = []
        for album in albums {
            if let last = current.last, album.releaseDay - last.releaseDay > 7 {
                events.append(ReleaseEvent(artistID: artistID, eventDay: current[0].releaseDay, albums: current))
                current = []
            }
            current.append(album)
        }
        if let first = current.first {
            events.append(ReleaseEvent(artistID: artistID, eventDay: first.releaseDay, albums: current))
        }
        return events
    }

    static func normalizedName(_ name: String) -> String {
        var scalars = Substring(name)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return scalars.lowercased()
    }

    static func discoveredEarlier(_ candidate: ReleaseRecord, than existing: ReleaseRecord) -> Bool {
        switch (candidate.discoveredAt, existing.discoveredAt) {
        case let (c?, e?): return c < e
        case (_?, nil): return true
        default: return false
        }
    }

    struct NameDateKey: Hashable {
        var name: String
        var day: Day
    }
}

extension String {
    /// Byte-wise comparison of the UTF-8 encodings, the order SQL engines use for ids.
    func utf8Less(than other: String) -> Bool {
        self.utf8.lexicographicallyPrecedes(other.utf8)
    }
}
