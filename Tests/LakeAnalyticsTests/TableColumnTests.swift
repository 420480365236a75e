// The processed tables' columns read straight from the rows' memory (stored properties, at
// their offsets) must give what reading each row through its key path gives, for every
// table, every kind of value (nil, NaN, extremes, non-ASCII and NFC/NFD spellings), whole or
// appended segment by segment as a streaming transform appends them.

import LakeKit
import MomentumAnalytics
import MomentumTestSupport
import Testing

@testable import LakeAnalytics

@Suite struct TableColumnTests {
    @Test func storedColumnsAreReadAsTheirRowsSayForEveryTable() {
        var random = SplitMix(seed: 20261204)
        check(Tables.artistDaily, (0..<300).map { _ in Self.daily(&random) }, &random)
        check(Tables.artistSignals, (0..<300).map { _ in Self.signal(&random) }, &random)
        check(Tables.audienceDaily, (0..<300).map { _ in Self.audience(&random) }, &random)
        check(Tables.releaseImpact, (0..<300).map { _ in Self.impact(&random) }, &random)
        check(Tables.momentum, (0..<300).map { _ in Self.momentum(&random) }, &random)
    }

    @Test func everyStoredPropertyIsReadFromMemoryAndOnlyComputedOnesThroughAClosure() {
        // The fast path is the one taken: a column of a stored property that fell back to its
        // key path would still be right, only slow, and no other test would notice.
        #expect(Tables.artistDaily.columns.allSatisfy { $0.stored != nil })
        #expect(Tables.artistSignals.columns.allSatisfy { $0.stored != nil })
        #expect(Tables.audienceDaily.columns.allSatisfy { $0.stored != nil })
        #expect(Tables.releaseImpact.columns.filter { $0.stored == nil }.map(\.name) == ["status"])
        #expect(Tables.momentum.columns.filter { $0.stored == nil }.map(\.name) == ["series"])
    }

    @Test func aColumnPulledBackFromAPartIsReadAtThePartsOffset() {
        struct Wrapped: Sendable {
            var before: String
            var daily: ArtistDaily
            var after: Int64
        }
        var random = SplitMix(seed: 7)
        let rows = (0..<50).map { _ in Wrapped(before: Self.name(&random), daily: Self.daily(&random), after: Int64.random(in: .min ... .max, using: &random)) }
        let columns = Tables.artistDaily.columns.map { $0.pulled(back: \Wrapped.daily) }
        #expect(columns.allSatisfy { $0.stored != nil })
        let table = TableDefinition<Wrapped>(dataset: .artistDaily, columns: columns)
        check(table, rows, &random)
    }

    /// The table's Parquet columns, whole and appended in random segments, against its cells.
    private func check<Row>(_ table: TableDefinition<Row>, _ rows: [Row], _ random: inout SplitMix, sourceLocation: SourceLocation = #_sourceLocation) {
        let cells = table.cells(rows)
        let whole = table.parquetColumns(rows)
        var appended = table.emptyColumns
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + Int.random(in: 0...40, using: &random))
            table.append(rows[start..<end], to: &appended)
            start = end
        }
        for (index, column) in table.columns.enumerated() {
            let expected = cells.map { $0[index] }
            #expect(Self.same(Self.cells(whole[index]), expected), "\(column.name), whole", sourceLocation: sourceLocation)
            #expect(Self.same(Self.cells(appended[index]), expected), "\(column.name), in segments", sourceLocation: sourceLocation)
        }
    }

    /// Equal cells, doubles by bit pattern (NaN is a value here, and -0 is not 0).
    private static func same(_ a: [Cell], _ b: [Cell]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            if case .double(let p) = x, case .double(let q) = y { return p.bitPattern == q.bitPattern }
            return x == y
        }
    }

    /// A Parquet column's values as cells.
    private static func cells(_ column: ParquetColumn) -> [Cell] {
        switch column {
        case .string(let values): return values.map { $0.map(Cell.string) ?? .null }
        case .date(let values): return values.map { $0.flatMap(Day.init(daysSinceEpoch:)).map(Cell.date) ?? .null }
        case .int32(let values): return values.map { $0.map { .integer(Int64($0)) } ?? .null }
        case .int64(let values): return values.map { $0.map(Cell.integer) ?? .null }
        case .double(let values): return values.map { $0.map(Cell.double) ?? .null }
        case .boolean(let values): return values.map { $0.map(Cell.boolean) ?? .null }
        }
    }

    // Random rows: every optional is nil a third of the time.

    private static func maybe<T>(_ random: inout SplitMix, _ make: (inout SplitMix) -> T) -> T? {
        Int.random(in: 0..<3, using: &random) == 0 ? nil : make(&random)
    }

    private static func name(_ random: inout SplitMix) -> String {
        let spellings = ["Beyonc\u{E9}", "Beyonce\u{301}", "", "a", "Sigur R\u{F3}s", "\u{5C71}\u{53E3}\u{767E}\u{6075}", "x y z 0123456789 long enough to be on the heap"]
        return spellings[Int.random(in: 0..<spellings.count, using: &random)] + String(Int.random(in: 0..<1000, using: &random))
    }

    private static func day(_ random: inout SplitMix) -> Day { Day(daysSinceEpoch: Int32.random(in: -1000...30000, using: &random))! }
    private static func int32(_ random: inout SplitMix) -> Int32 { [Int32.min, Int32.max, 0, -1, Int32.random(in: -100...100, using: &random)][Int.random(in: 0..<5, using: &random)] }
    private static func int64(_ random: inout SplitMix) -> Int64 { [Int64.min, Int64.max, 0, Int64.random(in: -1_000_000...1_000_000, using: &random)][Int.random(in: 0..<4, using: &random)] }
    private static func double(_ random: inout SplitMix) -> Double {
        [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, Double.random(in: -1e9...1e9, using: &random)][Int.random(in: 0..<6, using: &random)]
    }
    private static func bool(_ random: inout SplitMix) -> Bool { Bool.random(using: &random) }
    private static func series(_ random: inout SplitMix) -> AudienceSeries {
        [AudienceSeries.spotifyFollowers, AudienceSeries(source: "deezer", metric: "fans"), AudienceSeries(source: "lastfm", metric: "listeners")][Int.random(in: 0..<3, using: &random)]
    }

    private static func daily(_ r: inout SplitMix) -> ArtistDaily {
        ArtistDaily(artistID: name(&r), artistName: name(&r), day: day(&r), followers: maybe(&r, int64), popularity: maybe(&r, int32),
                    prevDay: maybe(&r, day), gapDays: maybe(&r, int32), followerDelta: maybe(&r, int64), addsPerDay: maybe(&r, double),
                    logGrowth: maybe(&r, double), pctChange: maybe(&r, double), growth7d: maybe(&r, double), growth28d: maybe(&r, double),
                    popularityChange7d: maybe(&r, int32), releaseCount: int32(&r), daysSinceRelease: maybe(&r, int32))
    }

    private static func signal(_ r: inout SplitMix) -> ArtistSignal {
        ArtistSignal(artistID: name(&r), day: day(&r), addsPerDay: double(&r), robustZ: maybe(&r, double), isSpike: bool(&r), isDrop: bool(&r), series: series(&r))
    }

    private static func audience(_ r: inout SplitMix) -> AudienceDaily {
        let series = series(&r)
        return AudienceDaily(artistID: name(&r), artistName: name(&r), source: series.source, metric: series.metric, day: day(&r),
                             value: maybe(&r, int64), prevDay: maybe(&r, day), gapDays: maybe(&r, int32), delta: maybe(&r, int64),
                             addsPerDay: maybe(&r, double), logGrowth: maybe(&r, double), pctChange: maybe(&r, double),
                             growth7d: maybe(&r, double), growth28d: maybe(&r, double))
    }

    private static func impact(_ r: inout SplitMix) -> ReleaseImpact {
        ReleaseImpact(artistID: name(&r), artistName: maybe(&r, name), eventDay: day(&r), albumIDs: name(&r), albumNames: name(&r),
                      nBaseline: int32(&r), nWindow: int32(&r), status: bool(&r) ? .ok : .insufficientData, baselineGrowth: maybe(&r, double),
                      spread: maybe(&r, double), abnormalGrowth: maybe(&r, double), car: maybe(&r, double), tStat: maybe(&r, double),
                      uplift: maybe(&r, double), contaminated: bool(&r), series: series(&r))
    }

    private static func momentum(_ r: inout SplitMix) -> MomentumRow {
        MomentumRow(rank: int32(&r), artistID: name(&r), artistName: name(&r), day: day(&r), followers: maybe(&r, int64),
                    growth7d: maybe(&r, double), growth28d: maybe(&r, double), acceleration7d: maybe(&r, double),
                    popularityChange28d: maybe(&r, int32), momentumScore: maybe(&r, double), spikes28d: int32(&r),
                    lastEventDay: maybe(&r, day), lastEventUplift: maybe(&r, double), lastEventCar: maybe(&r, double), series: series(&r))
    }
}
