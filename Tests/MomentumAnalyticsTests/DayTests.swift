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
        for offset in stride(from: -150_000, through: 150_000, by: 17) {
            let d = Day(daysSinceEpoch: Int32(offset))
            #expect(Day(iso: d.isoString) == d)
        }
    }

    @Test func instantDayIsTheUTCDate() {
        #expect(instant("2026-11-26", hour: 23, second: 3599).day == day("2026-11-26"))
        #expect(Instant(nanosecondsSinceEpoch: -1).day == day("1969-12-31"))
    }
}
