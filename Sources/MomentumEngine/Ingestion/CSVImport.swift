// Spotify for Artists style history: `date,followers[,popularity]` rows become raw records.

import Foundation
import LakeKit

public enum CSVImport {
    public struct Report: Sendable {
        public var records: [RawArtistMetric]
        public var problems: [String]
    }

    /// Parses the CSV text. A header row is required; rows that do not parse, or that name a
    /// day after `today`, are reported with their line numbers and left out.
    public static func parse(_ text: String, artistID: String, artistName: String, today: LakeDate? = nil) -> Report {
        // `isNewline` also matches "\r\n", which Swift treats as one character.
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { return Report(records: [], problems: ["the file is empty"]) }
        let names = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let dateColumn = names.firstIndex(of: "date"), let followersColumn = names.firstIndex(of: "followers") else {
            return Report(records: [], problems: ["line 1: the header must name the columns date and followers (and optionally popularity)"])
        }
        let popularityColumn = names.firstIndex(of: "popularity")
        var records: [RawArtistMetric] = []
        var problems: [String] = []
        for (offset, line) in lines.enumerated().dropFirst() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let number = offset + 1
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
            let followersText = cells[followersColumn].replacingOccurrences(of: "_", with: "")
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
    public static func write(_ records: [RawArtistMetric], to store: any ObjectStore, now: Date) async throws -> [String] {
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
