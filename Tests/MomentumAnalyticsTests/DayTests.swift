import MomentumAnalytics
import Testing

@Suite struct DayTests {
    @Test func parsesAndFormatsISODates() {
        #expect(Day(iso: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(Day(iso: "2026-11-26")?.isoString == "2026-11-26")
        #expect(Day(iso: "2024-02-29")?.monthString == "2024-02")
        #expect(Day(iso: "1969-12-31")?.daysSinceEpoch == -1)
    }

    @Test(arguments: ["2026-02-29", "2026-13-01", "2026-1-01", "2026", "2026-11", "2026-11-26T00:00:00Z", "", "abcd-ef-gh"])
    func rejectsInvalidDates(_ text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test func roundTripsEveryDayOfFourCenturies() {
        for offset in stride(from: -106_751, through: 106_751, by: 17) {
            let d = Day(daysSinceEpoch: Int32(offset))
            #expect(d.map { Day(iso: $0.isoString) } == d)
        }
    }

    @Test func aDayExistsOnlyWhereItsMidnightIsAnInstantSoStartIsTotal() {
        #expect(Day.earliest.isoString == "1677-09-22" && Day.latest.isoString == "2262-04-11")
        #expect(Day.earliest.start.isoString == "1677-09-22T00:00:00Z" && Day.latest.start.isoString == "2262-04-11T00:00:00Z")
        #expect(Day(daysSinceEpoch: -106_752) == nil && Day(daysSinceEpoch: 106_752) == nil && Day(daysSinceEpoch: .max) == nil)
        #expect(Day(iso: "1677-09-21") == nil && Day(iso: "2262-04-12") == nil && Day(iso: "9999-12-31") == nil)
        // Arithmetic stops at the ends instead of trapping.
        #expect(Day.latest + 1 == Day.latest && Day.earliest - 1 == Day.earliest)
        #expect(Day.epoch + Int.max == Day.latest && Day.epoch - Int.max == Day.earliest && Day.epoch + Int.min == Day.earliest)
        #expect(Day.epoch - Int.min == Day.latest)
        // The first instants 64-bit nanoseconds hold fall before Day.earliest: their day is it,
        // their text is exact.
        let first = Instant(nanosecondsSinceEpoch: .min)
        #expect(first.day == Day.earliest && first.isoString == "1677-09-21T00:12:43.145224192Z")
        #expect(Instant(nanosecondsSinceEpoch: .max).day == Day.latest)
    }

    @Test func instantDayIsTheUTCDate() {
        #expect(instant("2026-11-26", hour: 23, second: 3599).day == day("2026-11-26"))
        #expect(Instant(nanosecondsSinceEpoch: -1).day == day("1969-12-31"))
    }
}
