// The progress bar's label is padded to the longest phase, never cut ("fetching from Spot").

@testable import momentum_cli
import MomentumEngine
import Testing

@Suite struct ProgressBarTests {
    @Test func everyPhaseLabelFitsWhole() {
        for phase in EngineProgress.Phase.allCases {
            let label = phase.rawValue.padding(toLength: ProgressBar.labelWidth, withPad: " ", startingAt: 0)
            #expect(label.hasPrefix(phase.rawValue), "\(phase.rawValue) is cut to '\(label)'")
        }
        #expect(ProgressBar.labelWidth >= "fetching from Spotify".count)
    }

    @Test func tablesKeepThePriorityColumnsWhenNarrow() {
        var table = TableOutput(columns: ["rank", "artist_id", "artist_name", "momentum_score"],
                                rows: [[.integer(1), .string("0TnOYISbd1XYRBk9myaseg"), .string("Pitbull"), .double(97.5)]])
        table.priority = ["artist_name", "momentum_score"]
        let text = table.render(.table, width: 35)
        #expect(text.contains("momentum_score") && !text.contains("artist_id  "), "\(text)")
        #expect(text.contains("1 column hidden to fit 35 characters: artist_id"), "\(text)")
    }
}
