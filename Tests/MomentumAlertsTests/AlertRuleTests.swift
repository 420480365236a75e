// Rules from JSON: what a rule may say, and a clear refusal, naming the rule and the field, of
// what it may not.

import Foundation
import MomentumAlerts
import MomentumAnalytics
import Testing

@Suite struct AlertRuleTests {
    func decode(_ json: String) throws -> AlertRule { try JSONDecoder().decode(AlertRule.self, from: Data(json.utf8)) }

    @Test func aRuleReadsEveryField() throws {
        let rule = try decode(#"{"id": "fast-growth", "kind": "growth", "threshold": 0.2, "window": "growth_28d", "artists": ["a", "b"], "series": ["deezer/fans"], "since": "2026-11-01", "destinations": ["team", "stdout"], "digest": "week"}"#)
        #expect(rule.kind == .growth && rule.threshold == 0.2 && rule.growthWindow == .growth28d && rule.artists == ["a", "b"])
        #expect(rule.series == [.deezerFans] && rule.since == Day(iso: "2026-11-01") && rule.destinations == ["team", "stdout"] && rule.digest == .week)
        let defaults = try decode(#"{"id": "m", "kind": "milestone", "destinations": ["x"]}"#)
        #expect(defaults.milestones == AlertRule.defaultMilestones && defaults.digest == .none && defaults.artists == nil)
        #expect(try decode(#"{"id": "i", "kind": "release_impact", "destinations": ["x"]}"#).effectiveThreshold == 2)
    }

    @Test(arguments: [
        (#"{"kind": "spike", "destinations": ["x"]}"#, "needs an \"id\""),
        (#"{"id": "a b", "kind": "spike", "destinations": ["x"]}"#, "must be 1 to 64 letters"),
        (#"{"id": "s", "kind": "surge", "destinations": ["x"]}"#, "rule \"s\": \"kind\" \"surge\" is not one of"),
        (#"{"id": "s", "kind": "spike"}"#, "\"destinations\" must be a list"),
        (#"{"id": "s", "kind": "spike", "destinations": ["x", "x"]}"#, "distinct"),
        (#"{"id": "s", "kind": "spike", "destinations": ["x"], "treshold": 4}"#, "unknown key \"treshold\""),
        (#"{"id": "g", "kind": "growth", "destinations": ["x"]}"#, "needs a \"threshold\""),
        (#"{"id": "g", "kind": "growth", "threshold": "10%", "destinations": ["x"]}"#, "\"threshold\" must be a number"),
        (#"{"id": "s", "kind": "spike", "threshold": 2, "destinations": ["x"]}"#, "cannot be below 3.5"),
        (#"{"id": "n", "kind": "new_release", "threshold": 2, "destinations": ["x"]}"#, "does not apply to a new_release rule"),
        (#"{"id": "l", "kind": "leaderboard", "top": 0, "destinations": ["x"]}"#, "between 1 and 1000"),
        (#"{"id": "m", "kind": "milestone", "milestones": [-5], "destinations": ["x"]}"#, "positive counts"),
        (#"{"id": "s", "kind": "spike", "series": ["deezer"], "destinations": ["x"]}"#, "source/metric"),
        (#"{"id": "s", "kind": "spike", "since": "yesterday", "destinations": ["x"]}"#, "YYYY-MM-DD"),
        (#"{"id": "s", "kind": "spike", "digest": "hourly", "destinations": ["x"]}"#, "\"digest\" must be"),
    ])
    func aBadRuleIsRefusedByName(_ json: String, _ expected: String) {
        do {
            _ = try decode(json)
            Issue.record("\(json) was accepted")
        } catch let error as AlertRuleError {
            #expect(error.description.contains(expected), "\(error.description)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
