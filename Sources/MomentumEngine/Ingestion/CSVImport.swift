// Spotify for Artists style history: `date,followers[,popularity]` rows become raw records.

import Foundation
import LakeAnalytics
import LakeKit
import MomentumAnalytics

package enum CSVImport {
    package struct Report: Sendable {
        package var records: [MetricObservation]
        package var problems: [String]
    }

    /// Parses the CSV text. A header row is required; rows that do not parse, or that name a
    /// day after `today`, are reported with their line numbers and left out.
    package static func parse(_ text: String, artistID: String, artistName: String, today: Day? = nil) -> Report {
        let rows: [CSVRecord]
        do {
            rows = try CSVReader.records(text)
        } catch {
            return Report(records: [], problems: [error.description])
        }
        guard let header = rows.first else { return Report(records: [], problems: ["the file is empty"]) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let dateColumn = names.firstIndex(of: "date"), let followersColumn = names.firstIndex(of: "followers") else {
            return Report(records: [], problems: ["line \(header.line): the header must name the columns date and followers (and optionally popularity)"])
        }
        let popularityColumn = names.firstIndex(of: "popularity")
        var records: [MetricObservation] = []
        var problems: [String] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let cells = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            let number = row.line
            guard cells.count > max(dateColumn, followersColumn), let day = Day(iso: cells[dateColumn]) else {
                problems.append("line \(number): expected a date as YYYY-MM-DD from \(Day.earliest) to \(Day.latest) in column \(dateColumn + 1)")
                continue
            }
            if let today, day > today {
                problems.append("line \(number): \(day) is in the future (today is \(today) UTC)")
                continue
            }
            // Spreadsheets group digits: "1,200" (quoted), 1_200 or "1 200".
            let followersText = cells[followersColumn].filter { $0 != "_" && $0 != "," && $0 != " " && $0 != "\u{A0}" && $0 != "\u{202F}" }
            let followers: Int64?
            if followersText.isEmpty {
                followers = nil
            } else if let value = Int64(followersText), value >= 0 {
                followers = value
            } else {
                problems.append("line \(number): '\(TerminalText.sanitized(String(cells[followersColumn].prefix(40))))' is not a follower count")
                continue
            }
            var popularity: Int32?
            if let column = popularityColumn, column < cells.count, !cells[column].isEmpty {
                guard let value = Int32(cells[column]), (0...100).contains(value) else {
                    problems.append("line \(number): '\(TerminalText.sanitized(String(cells[column].prefix(40))))' is not a popularity from 0 to 100")
                    continue
                }
                popularity = value
            }
            records.append(MetricObservation(
                artistID: artistID, artistName: artistName, followers: followers, popularity: popularity,
                capturedAt: day.start, source: "csv-import"))
        }
        return Report(records: records, problems: problems)
    }

    /// What an import wrote.
    package struct Written: Sendable {
        /// The raw files written, one per day with something new.
        package var keys: [String]
        /// Days whose rows were in the lake already, from an earlier import: nothing written.
        package var unchangedDays: Int
    }

    /// Writes the records, one raw file per capture day, all under one run id. A day whose
    /// rows an earlier import stored already (the same artist, name, counts and time, read last
    /// of that day's imports) is left alone, so importing a file twice adds nothing. Takes the
    /// lake lock.
    package static func write(_ records: [MetricObservation], to store: any ObjectStore, now: Date) async throws -> Written {
        try await LakeLock.withLock(store, command: "import csv") {
            let runID = try IngestionJobs.runID(now)
            var byDay: [Day: [MetricObservation]] = [:]
            for record in records { byDay[record.capturedAt.day, default: []].append(record) }
            var written = Written(keys: [], unchangedDays: 0)
            for (day, dayRecords) in byDay.sorted(by: { $0.key < $1.key }) {
                if try await storedAlready(dayRecords, day: day, in: store) {
                    written.unchangedDays += 1
                    continue
                }
                let key = LakeLayout.rawKey(.artistMetrics, day: day.isoString, runID: runID)
                try await store.put(key, bytes: JSONLines.encode(dayRecords))
                written.keys.append(key)
            }
            return written
        }
    }

    /// True when the last import of `day` for these records' artist stored exactly them.
    static func storedAlready(_ records: [MetricObservation], day: Day, in store: any ObjectStore) async throws -> Bool {
        guard let artist = records.first?.artistID else { return true }
        var latest: [MetricObservation]?
        for object in try await store.list(prefix: "\(LakeDataset.artistMetrics.prefix)dt=\(day.isoString)/") where LakeLayout.isDataKey(object.key) {
            let decoded = try JSONLines.decode(MetricObservation.self, from: try await store.get(object.key), source: object.key, partitionDay: day.isoString)
            let imported = decoded.records.filter { $0.artistID == artist && $0.source == "csv-import" }
            if !imported.isEmpty { latest = imported }   // keys in order: the last file is read last
        }
        return latest == records
    }
}
