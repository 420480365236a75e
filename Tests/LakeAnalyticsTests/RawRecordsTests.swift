// The lake contract's raw records as JSON Lines: MomentumAnalytics' inputs, decoded by LakeKit's
// scanner, timestamps through `Instant`.

import LakeAnalytics
import LakeKit
import MomentumAnalytics
import Testing

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite struct RawRecordsTests {
    let good = #"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","followers":1000,"popularity":80,"genres":["pop","latin"],"captured_at":"2026-11-26T06:00:03Z","source":"spotify-web-api"}"#

    @Test func decodesTheRecordSchema() throws {
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(good + "\n"), source: "f.jsonl")
        #expect(malformed.isEmpty)
        #expect(records == [MetricObservation(
            artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 1000, popularity: 80,
            genres: ["pop", "latin"], capturedAt: try #require(Instant(iso: "2026-11-26T06:00:03Z")),
            source: "spotify-web-api")])
    }

    @Test func malformedLinesAreReportedWithTheirNumbersAndTheRestIsKept() throws {
        let text = [
            good,
            "{not json",
            "",
            #"{"artist_id":"x","captured_at":"yesterday"}"#,
            #"{"artist_name":"no id","captured_at":"2026-11-26T06:00:03Z"}"#,
            #"{"artist_id":"a","captured_at":"2026-11-26T06:00:03Z","followers":1.5}"#,
            good,
        ].joined(separator: "\r\n")
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(text), source: "raw/x.jsonl")
        #expect(records.count == 2)
        #expect(malformed.map(\.line) == [2, 4, 5, 6])
        #expect(malformed.allSatisfy { $0.source == "raw/x.jsonl" })
        #expect(malformed[0].description.hasPrefix("raw/x.jsonl:2: "))
    }

    @Test func nullsEscapesAndUnknownFields() throws {
        let line = #"{"extra":{"nested":[1,{"a":null}]},"artist_id":"id","artist_name":"Caf\u00e9 \"X\" \ud83c\udfb5\n","followers":null,"popularity":null,"genres":null,"captured_at":"2026-11-26T06:00:03.123456789Z","source":null}"#
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(line), source: "f")
        #expect(malformed.isEmpty)
        let r = try #require(records.first)
        #expect(r.artistName == "Café \"X\" 🎵\n")
        #expect(r.followers == nil && r.popularity == nil && r.genres.isEmpty && r.source == "")
        #expect(r.capturedAt.isoString == "2026-11-26T06:00:03.123456789Z")
    }

    /// Keys are matched whatever their order and spelling: the field after the last one is
    /// tried first against the line's bytes, so a reordered line, an escaped key, keys that
    /// start like the one expected first and a repeated key (the last wins) must still read as a
    /// general decoder reads them; strings longer than a word, with a quote, backslash or
    /// control character at every offset, end where they end.
    @Test func fieldsAreFoundInAnyOrderAndSpelling() throws {
        let line = #"{"artist_idx":1,"artist_i":"no","captured_at":"2026-11-26T06:00:03Z","source":"s","artist_id":"0123456789abcdefghij","followers":5,"artist\u005fid":"escaped","popularity":7,"artist_name":"first","artist_name":"second"}"#
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(line), source: "f")
        #expect(malformed.isEmpty)
        let record = try #require(records.first)
        #expect(record.artistID == "escaped" && record.artistName == "second" && record.source == "s")
        #expect(record.followers == 5 && record.popularity == 7)
        for offset in 0..<20 {
            let prefix = String(repeating: "n", count: offset)
            for (inside, decoded) in [(#"\""#, "\""), (#"\\"#, "\\"), (#"\t"#, "\t")] {
                let name = prefix + inside + "tail-of-a-long-name"
                let text = #"{"artist_id":"a","artist_name":""# + name + #"","captured_at":"2026-11-26T06:00:03Z"}"#
                let read = try JSONLines.decode(MetricObservation.self, from: bytes(text), source: "f")
                #expect(read.records.first?.artistName == prefix + decoded + "tail-of-a-long-name")
            }
            // A raw control character is refused wherever it is.
            let refused = #"{"artist_id":"a","artist_name":""# + prefix + "\u{01}x" + #"","captured_at":"2026-11-26T06:00:03Z"}"#
            #expect(try JSONLines.decode(MetricObservation.self, from: bytes(refused), source: "f").malformed.count == 1)
        }
    }

    @Test func encodesAndDecodesBackIdentically() throws {
        let records = [
            MetricObservation(artistID: "a", artistName: "Tab\tQuote\" <script>", followers: nil, popularity: 3,
                            genres: ["k-pop"], capturedAt: Instant(nanosecondsSinceEpoch: 1_700_000_000_500_000_000), source: "csv-import"),
            MetricObservation(artistID: "b", artistName: "Ünïcödé 坂本", followers: 12, popularity: nil,
                            capturedAt: Instant(nanosecondsSinceEpoch: -5), source: "spotify-web-api"),
        ]
        for gzip in [false, true] {
            let encoded = try JSONLines.encode(records, gzip: gzip)
            #expect(Gzip.isGzip(encoded) == gzip)
            let decoded = try JSONLines.decode(MetricObservation.self, from: encoded, source: "f")
            #expect(decoded.records == records && decoded.malformed.isEmpty)
        }
        let releases = [ReleaseRecord(artistID: "a", albumID: "x", albumName: "One", albumType: "album", albumGroup: nil,
                                   releaseDate: "2026", releaseDatePrecision: "year", totalTracks: 3,
                                   discoveredAt: Instant(nanosecondsSinceEpoch: 0), isNew: true)]
        #expect(try JSONLines.decode(ReleaseRecord.self, from: JSONLines.encode(releases), source: "f").records == releases)
    }

    @Test(arguments: ["2026-11-26T06:00:03Z", "2026-11-26t06:00:03z", "2026-11-26T06:00:03.5Z"])
    func readsUTCTimestamps(_ text: String) throws {
        let line = #"{"artist_id":"a","captured_at":"\#(text)"}"#
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(line), source: "f", partitionDay: "2026-11-26")
        #expect(malformed.isEmpty && records.first?.capturedAt == Instant(iso: text))
    }

    // lake.md: UTC with Z only; an offset is refused although `Instant` parses it, and so is a
    // fraction beyond nanoseconds (the one time model refuses it rather than truncating).
    @Test(arguments: ["2026-11-26", "2026-11-26T06:00:03", "2026-02-30T06:00:03Z", "2026-11-26T25:00:03Z",
                      "2026-11-26T06:00:03.Z", "", "2026-11-26T07:00:03+01:00", "2026-11-26T06:00:03.1234567891Z"])
    func refusesOtherTimestamps(_ text: String) throws {
        let line = #"{"artist_id":"a","captured_at":"\#(text)"}"#
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: bytes(line), source: "f")
        #expect(records.isEmpty && malformed.count == 1)
        #expect(malformed.first?.reason.contains("ISO 8601 timestamp in UTC with Z") == true)
    }
}

@Suite struct DamagedFileTests {
    @Test func aTruncatedGzipFileKeepsItsReadableLinesAndIsReported() throws {
        let records = (0..<2_000).map {
            MetricObservation(artistID: "artist\($0)", artistName: "Name \($0)", followers: Int64($0), popularity: 1, capturedAt: Instant(nanosecondsSinceEpoch: 0), source: "t")
        }
        let packed = try JSONLines.encode(records, gzip: true)
        let (decoded, malformed) = try JSONLines.decode(MetricObservation.self, from: Array(packed.prefix(packed.count * 2 / 3)), source: "raw/x.jsonl.gz")
        #expect(decoded.count > 100 && decoded.count < 2_000)
        #expect(decoded.map(\.artistID) == records.prefix(decoded.count).map(\.artistID))
        #expect(malformed.count == 1)
        #expect(malformed.first?.source == "raw/x.jsonl.gz" && malformed.first?.reason.contains("rest of the file") == true)
    }
}

@Suite struct PartitionDayTests {
    private func line(_ capturedAt: String) -> [UInt8] {
        Array(#"{"artist_id":"a","captured_at":"\#(capturedAt)"}"#.utf8)
    }

    @Test(arguments: [
        ("2026-11-26T00:00:00Z", "2026-11-26", true), ("2026-11-26T23:59:59.999999999Z", "2026-11-26", true),
        ("2026-11-27T00:00:00Z", "2026-11-26", false), ("2025-11-26T06:00:00Z", "2026-11-26", false),
        ("1970-01-01T00:00:00Z", "1970-01-01", true), ("1969-12-31T23:59:59Z", "1970-01-01", false),
        ("2026-11-26T06:00:00Z", "2026-11-2x", false), ("2026-11-26T06:00:00Z", "20261126", false),
    ])
    func aRecordBelongsToItsFilesDay(_ capturedAt: String, _ partitionDay: String, _ belongs: Bool) throws {
        let (records, malformed) = try JSONLines.decode(MetricObservation.self, from: line(capturedAt), source: "f", partitionDay: partitionDay)
        #expect(records.count == (belongs ? 1 : 0) && malformed.count == (belongs ? 0 : 1))
        if !belongs { #expect(malformed.first?.reason.contains("is not on the file's day dt=\(partitionDay)") == true) }
    }
}
