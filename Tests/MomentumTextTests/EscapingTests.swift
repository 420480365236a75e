// The one escaper of each text format: what LakeKit, the simulator, the dashboard and the CLI
// write through it.

import Foundation
import MomentumText
import Testing

@Suite struct JSONStringTests {
    @Test func escapesWhatRFC8259Requires() {
        #expect(JSONString.quoted("a\"b\\c\nd\re\tf\u{01}g") == #""a\"b\\c\nd\re\tf\u0001g""#)
        #expect(JSONString.quoted("Café 坂本 🎵 </script>") == "\"Café 坂本 🎵 </script>\"")
    }

    @Test func scriptSafeTextCannotLeaveItsElement() {
        let text = "</script><!-- & \u{2028}\u{2029} \u{2027}"
        let quoted = JSONString.quoted(text, scriptSafe: true)
        #expect(quoted == #""\u003c/script\u003e\u003c!-- \u0026 \u2028\u2029 "# + "\u{2027}\"")
        #expect(!quoted.contains("<") && !quoted.contains(">") && !quoted.contains("&"))
    }

    @Test(arguments: ["", "plain", "quote\" and \\", "\u{0}\u{1f}\u{7f}", "a\u{2028}b", "\u{e2}\u{80}", "坂本 🎵 <&>"])
    func decodesBackToTheSameString(_ text: String) throws {
        for scriptSafe in [false, true] {
            let data = Data(JSONString.quoted(text, scriptSafe: scriptSafe).utf8)
            let decoded = try JSONDecoder().decode(String.self, from: data)
            #expect(decoded == text)
        }
    }
}

@Suite struct MarkupTextTests {
    @Test func escapesTheFiveReservedCharacters() {
        #expect(MarkupText.escaped(#"<a href="x">Tom & 'Jerry'</a>"#, controls: .drop)
                == "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;")
        // Slack's mrkdwn decodes three: quotes stay as they are.
        #expect(MarkupText.escaped(#"<!here> "Tom" & 'Jerry'"#, controls: .drop, quotes: false) == #"&lt;!here&gt; "Tom" &amp; 'Jerry'"#)
    }

    @Test func controlCharactersAreDroppedOnAPageAndKeptInAKey() {
        let text = "a\u{1B}[2J\tb\nc\rd"
        #expect(MarkupText.escaped(text, controls: .drop) == "a[2J\tb\ncd")
        #expect(MarkupText.escaped(text, controls: .reference) == "a&#27;[2J&#9;b&#10;c&#13;d")
    }

    @Test(arguments: ["", "plain", "Tom & 'Jerry' <\"x\">", "key\rwith\u{1}controls", "坂本 🎵"])
    func unescapesWhatItEscapes(_ text: String) throws {
        #expect(try MarkupText.unescaped(MarkupText.escaped(text, controls: .reference)) == text)
    }

    @Test func readsNamedAndNumericEntitiesAndRefusesOthers() throws {
        #expect(try MarkupText.unescaped("&apos;&quot;&#x41;&#66;&lt;") == "'\"AB<")
        #expect(throws: MarkupText.Failure.self) { try MarkupText.unescaped("a & b") }
        #expect(throws: MarkupText.Failure.self) { try MarkupText.unescaped("&nbsp;") }
        #expect(throws: MarkupText.Failure.self) { try MarkupText.unescaped("&#xD800;") }
    }
}
