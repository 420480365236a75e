// What new release files change. The analysis reads releases only through each artist's
// release calendar (de-duplicated albums, clustered into events), so new records change rows
// only where a calendar changes: a weekly scan that sees known albums again (the calendar keeps
// the earliest sighting of an album) changes nothing; a new album changes its own day and its
// event's; a record that moves an album changes the event it leaves and the one it joins.

import Foundation
import LakeKit
import MomentumAnalytics

/// The release calendars new release files change.
struct CalendarChanges: Sendable {
    /// The earliest release day of an album gained, lost or changed; nil when none is.
    var firstAlbumDay: Day?
    /// The earliest day of an event gained, lost or changed (on or before the album's: an
    /// album can join a cluster that begins earlier).
    var firstEventDay: Day?
    /// The albums now of each artist whose calendar changed.
    var albums: [String: [ReleaseEvent.Album]] = [:]
}

/// Where an appending run starts: the carried state the record names, and the release
/// calendars the new release files change.
struct AppendStart: Sendable {
    var carried: CarriedStateWriter.Written
    var calendars: CalendarChanges

    /// The first stored day an appending run computes again: the first changed event's, when
    /// it is on or before the state's last day.
    var recomputedFrom: Day? { calendars.firstEventDay.flatMap { $0 <= carried.lastDay ? $0 : nil } }

    /// The earliest event an appending run can compute again: its window reads 35 days back
    /// (`incremental.md`), which the state's window must hold.
    static func earliestEventRecomputed(lastDay: Day) -> Day {
        CarriedState.windowStart(lastDay: lastDay) + WindowedIncrement.eventReachBack
    }
}

extension LocalEngine {
    /// What the new release files (`newFiles`) change: for each artist with records in them,
    /// its calendar from the records before and from all of them, each in the order read.
    /// Only those artists' records are held (a lake's releases can be hundreds of megabytes);
    /// `readWhole` is false when a line of a new file could not be read.
    func calendarChanges(by newFiles: Set<String>) async throws -> (changes: CalendarChanges, readWhole: Bool) {
        let fresh = FileCollector<ReleaseRecord>()
        let freshRead = try await RawLakeReader.forEachFile(ReleaseRecord.self, dataset: .releases, from: store, including: { newFiles.contains($0) }) { _, file in
            fresh.add(file)
        }
        let freshFiles = fresh.sorted()
        let readWhole = freshRead.problems.isEmpty && freshFiles.allSatisfy(\.malformed.isEmpty)
        let touched = Set(freshFiles.flatMap { $0.records.map(\.artistID) })
        guard !touched.isEmpty else { return (CalendarChanges(), readWhole) }
        // Every file again (the new ones among them), keeping the touched artists' records.
        let kept = FileCollector<ReleaseRecord>()
        _ = try await RawLakeReader.forEachFile(ReleaseRecord.self, dataset: .releases, from: store) { _, file in
            var file = file
            file.records = file.records.filter { touched.contains($0.artistID) }
            file.malformed = []
            kept.add(file)
        }
        var before: [String: [ReleaseRecord]] = [:], after: [String: [ReleaseRecord]] = [:]
        for file in kept.sorted() {
            let isNew = newFiles.contains(file.key)
            for record in file.records {
                after[record.artistID, default: []].append(record)
                if !isNew { before[record.artistID, default: []].append(record) }
            }
        }
        let earlier = before
        let compared = await LocalEngine.parallelMap(Array(after)) { artistID, records -> (String, ReleaseCalendar, album: Day?, event: Day?) in
            let was = ReleaseCalendar(artistID: artistID, releases: earlier[artistID] ?? [])
            let now = ReleaseCalendar(artistID: artistID, releases: records)
            return (artistID, now, Set(was.albums).symmetricDifference(now.albums).map(\.releaseDay).min(),
                    Set(was.events).symmetricDifference(now.events).map(\.eventDay).min())
        }
        var changes = CalendarChanges()
        for (artistID, now, album, event) in compared where album != nil || event != nil {
            changes.albums[artistID] = now.albums
            if let album { changes.firstAlbumDay = min(changes.firstAlbumDay ?? album, album) }
            if let event { changes.firstEventDay = min(changes.firstEventDay ?? event, event) }
        }
        return (changes, readWhole)
    }
}
