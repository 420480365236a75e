import Foundation
@testable import SpotifySimulator
import Testing

@Suite struct SimulatorJSONTests {
    @Test func writesWhatJSONSerializationReadsBack() throws {
        let value: [String: Any] = [
            "name": "Zoë \"Q\" <b>\\ \n\t\u{01}", "n": 42, "x": 0.25, "ok": true, "none": NSNull(),
            "list": [1, "two", ["three": 3]], "empty": [String: Any](),
        ]
        let bytes = try #require(SimulatorJSON.encode(value))
        let back = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(back["name"] as? String == "Zoë \"Q\" <b>\\ \n\t\u{01}")
        #expect(back["n"] as? Int == 42 && back["x"] as? Double == 0.25 && back["ok"] as? Bool == true)
        #expect(back["none"] is NSNull && (back["list"] as? [Any])?.count == 3)
        // Keys in code-point order, so answers are byte-for-byte repeatable.
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix(#"{"empty":{},"list":[1,"two",{"three":3}],"n":42,"name":"#))
        #expect(text.hasSuffix(#""none":null,"ok":true,"x":0.25}"#))
        #expect(SimulatorJSON.encode(["bad": Double.nan]) == nil)
    }
}
