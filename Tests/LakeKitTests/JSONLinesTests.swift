@testable import LakeKit
import Testing

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite struct JSONLinesTests {
    let good = #"{"artist_id":"0TnOYISbd1XYRBk9myaseg","artist_name":"Pitbull","followers":1000,"popularity":80,"genres":["pop","latin"],"captured_at":"2026-11-26T06:00:03Z","source":"spotify-web-api"}"#

    @Test func decodesTheRecordSchema() throws {
        let (records, malformed) = try JSONLines.decode(RawArtistMetric.self, from: bytes(good + "\n"), source: "f.jsonl")
        #expect(malformed.isEmpty)
        #expect(records == [RawArtistMetric(
            artistID: "0TnOYISbd1XYRBk9myaseg", artistName: "Pitbull", followers: 1000, popularity: 80,
            genres: ["pop", "latin"], capturedAt: Timestamp.nanoseconds(iso: "2026-11-26T06:00:03Z") ?? 0,
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
        let (records, malformed) = try JSONLines.decode(RawArtistMetric.self, from: bytes(text), source: "raw/x.jsonl")
        #expect(records.count == 2)
        #expect(malformed.map(\.line) == [2, 4, 5, 6])
        #expect(malformed.allSatisfy { $0.source == "raw/x.jsonl" })
        #expect(malformed[0].description.hasPrefix("raw/x.jsonl:2: "))
    }

    @Test func nullsEscapesAndUnknownFields() throws {
        let line = #"{"extra":{"nested":[1,{"a":null}]},"artist_id":"id","artist_name":"Caf\u00e9 \"X\" \ud83c\udfb5\n","followers":null,"popularity":null,"genres":null,"captured_at":"2026-11-26T06:00:03.123456789Z","source":null}"#
        let (records, malformed) = try JSONLines.decode(RawArtistMetric.self, from: bytes(line), source: "f")
        #expect(malformed.isEmpty)
        let r = try #require(records.first)
        #expect(r.artistName == "Café \"X\" 🎵\n")
        #expect(r.followers == nil && r.popularity == nil && r.genres.isEmpty && r.source == "")
        #expect(Timestamp.iso(nanoseconds: r.capturedAt) == "2026-11-26T06:00:03.123456789Z")
    }

    @Test func encodesAndDecodesBackIdentically() throws {
        let records = [
            RawArtistMetric(artistID: "a", artistName: "Tab\tQuote\" <script>", followers: nil, popularity: 3,
                            genres: ["k-pop"], capturedAt: 1_700_000_000_500_000_000, source: "csv-import"),
            RawArtistMetric(artistID: "b", artistName: "Ünïcödé 坂本", followers: 12, popularity: nil,
                            capturedAt: -5, source: "spotify-web-api"),
        ]
        for gzip in [false, true] {
            let encoded = try JSONLines.encode(records, gzip: gzip)
            #expect(Gzip.isGzip(encoded) == gzip)
            let decoded = try JSONLines.decode(RawArtistMetric.self, from: encoded, source: "f")
            #expect(decoded.records == records && decoded.malformed.isEmpty)
        }
        let releases = [RawRelease(artistID: "a", albumID: "x", albumName: "One", albumType: "album", albumGroup: nil,
                                   releaseDate: "2026", releaseDatePrecision: "year", totalTracks: 3,
                                   discoveredAt: 0, isNew: true)]
        #expect(try JSONLines.decode(RawRelease.self, from: JSONLines.encode(releases), source: "f").records == releases)
    }

    @Test func linesSplitAcrossChunks() {
        var splitter = JSONLinesSplitter()
        var lines: [String] = []
        for chunk in ["{\"a\":", "1}\n{\"b\"", ":2}\n\n{\"c\":3}"] {
            Array(chunk.utf8).withUnsafeBufferPointer { buffer in
                splitter.feed(buffer) { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
            }
        }
        splitter.finish { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
        #expect(lines == ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"])
    }

    @Test(arguments: ["2026-11-26T06:00:03Z", "2026-11-26t06:00:03z", "2026-11-26T06:00:03.5Z", "2026-11-26T07:00:03+01:00"])
    func parsesTimestamps(_ text: String) {
        let value = Timestamp.nanoseconds(iso: text)
        #expect(value != nil)
        #expect(LakeDate(nanosecondsSinceEpoch: value ?? 0).isoString == "2026-11-26")
    }

    @Test(arguments: ["2026-11-26", "2026-11-26T06:00:03", "2026-02-30T06:00:03Z", "2026-11-26T25:00:03Z", "2026-11-26T06:00:03.Z", ""])
    func rejectsBadTimestamps(_ text: String) {
        #expect(Timestamp.nanoseconds(iso: text) == nil)
    }
}

@Suite struct DamagedFileTests {
    @Test func aTruncatedGzipFileKeepsItsReadableLinesAndIsReported() throws {
        let records = (0..<2_000).map {
            RawArtistMetric(artistID: "artist\($0)", artistName: "Name \($0)", followers: Int64($0), popularity: 1, capturedAt: 0, source: "t")
        }
        let packed = try JSONLines.encode(records, gzip: true)
        let (decoded, malformed) = try JSONLines.decode(RawArtistMetric.self, from: Array(packed.prefix(packed.count * 2 / 3)), source: "raw/x.jsonl.gz")
        #expect(decoded.count > 100 && decoded.count < 2_000)
        #expect(decoded.map(\.artistID) == records.prefix(decoded.count).map(\.artistID))
        #expect(malformed.count == 1)
        #expect(malformed.first?.source == "raw/x.jsonl.gz" && malformed.first?.reason.contains("rest of the file") == true)
    }
}
