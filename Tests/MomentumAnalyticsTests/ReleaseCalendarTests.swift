import MomentumAnalytics
import Testing

@Suite struct ReleaseCalendarTests {
    @Test func onlyDayPrecisionAlbumsAndSinglesAreEvents() {
        let calendar = ReleaseCalendar(artistID: artist, releases: [
            release("a", "Day album", "2026-03-01"),
            release("b", "Month album", "2026-03", precision: "month"),
            release("c", "Year album", "2026", precision: "year"),
            release("d", "Comp", "2026-05-01", type: "compilation", group: "compilation"),
            release("e", "Feature", "2026-06-01", type: "single", group: "appears_on"),
            release("f", "No group", "2026-07-01", type: "single", group: nil),
        ])
        #expect(calendar.albums.map(\.albumID) == ["a", "f"])
    }

    @Test func marketDuplicatesCollapseToTheSmallestID() {
        let calendar = ReleaseCalendar(artistID: artist, releases: [
            release("id9", "Night Drive", "2026-03-01"),
            release("id2", "  night drive ", "2026-03-01"),
            release("id5", "NIGHT DRIVE", "2026-03-01"),
            release("id9", "Night Drive", "2026-03-01"),  // the same id seen again
            release("id7", "Night Drive", "2026-03-02"),  // another date: another album
        ])
        #expect(calendar.albums.map(\.albumID) == ["id2", "id7"])
        #expect(calendar.releaseCounts[day("2026-03-01")] == 1)
    }

    @Test func datesWithinSevenDaysOfThePreviousChainIntoOneEvent() {
        let calendar = ReleaseCalendar(artistID: artist, releases: [
            release("a", "A", "2026-03-01"),
            release("b", "B", "2026-03-08"),  // 7 days after: joins
            release("c", "C", "2026-03-15"),  // 7 after the previous date: joins (chaining)
            release("d", "D", "2026-03-23"),  // 8 days after: a new event
            release("e", "E", "2026-03-23"),
        ])
        #expect(calendar.events.map(\.eventDay) == [day("2026-03-01"), day("2026-03-23")])
        #expect(calendar.events[0].albums.map(\.albumID) == ["a", "b", "c"])
        #expect(calendar.events[1].albums.map(\.albumID) == ["d", "e"])
    }

    @Test func noReleasesNoEvents() {
        #expect(ReleaseCalendar(artistID: artist, releases: []).events.isEmpty)
    }
}
