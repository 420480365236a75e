// Spotify for Artists style history: `date,followers[,popularity]` rows become raw records.

import Foundation
import LakeKit

package enum CSVImport {
    package struct Report: Sendable {
        package var records: [RawArtistMetric]
        package var problems: [String]
    }

    /// Parses the CSV text. A header row is required; rows that do not parse, or that name a
    /// day after `today`, are reported with their line numbers and left out.
    package static func parse(_ text: String, artistID: String, artistName: String, today: LakeDate? = nil) -> Report {
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
        var records: [RawArtistMetric] = []
        var problems: [String] = []
        for row in rows.dropFirst() where !row.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            let cells = row.fields.map { $0.trimmingCharacters(in: .whitespaces) }
            let number = row.line
            guard cells.count > max(dateColumn, followersColumn), let day = LakeDate(iso: cells[dateColumn]) else {
                problems.append("line \(number): expected a date as YYYY-MM-DD in column \(dateColumn + 1)")
                continue
            }
            guard let dayStart = day.startNanoseconds else {
                problems.append("line \(number): \(day) is outside the years 1678 to 2261")
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
            records.append(RawArtistMetric(
                artistID: artistID, artistName: artistName, followers: followers, popularity: popularity,
                capturedAt: dayStart, source: "csv-import"))
        }
        return Report(records: records, problems: problems)
    }

    /// Writes the records, one raw file per capture day, all under one run id. Takes the lake lock.
    package static func write(_ records: [RawArtistMetric], to store: any ObjectStore, now: Date) async throws -> [String] {
        try await LakeLock.withLock(store, command: "import csv") {
            let runID = try IngestionJobs.runID(now)
            var byDay: [LakeDate: [RawArtistMetric]] = [:]
            for record in records { byDay[LakeDate(nanosecondsSinceEpoch: record.capturedAt), default: []].append(record) }
            var keys: [String] = []
            for (day, dayRecords) in byDay.sorted(by: { $0.key < $1.key }) {
                let key = LakeLayout.rawKey(.artistMetrics, day: day, runID: runID)
                try await store.put(key, bytes: JSONLines.encode(dayRecords))
                keys.append(key)
            }
            return keys
        }
    }
}
