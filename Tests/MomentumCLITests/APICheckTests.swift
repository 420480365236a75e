// scripts/check-api must be able to fail: a removed public function without a version bump,
// and a source change without a changelog entry, are refused; a compatible change with an
// entry passes (Tests/Tools/check-api-self-test.sh builds the scratch repository).

import Foundation
import MomentumTestSupport
import Testing

@Suite(.tags(.outsideTools))
struct APICheckTests {
    @Test func aBrokenAPIOrAMissingChangelogEntryIsRefused() async throws {
        let result = try await run("/bin/bash", [OutsideTools.tool("check-api-self-test.sh")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("refused a broken API without a bump"), "\(result.stderr)")
        #expect(result.stderr.contains("refused a source change without a changelog entry"), "\(result.stderr)")
        #expect(result.stderr.contains("accepted a compatible change with an entry"), "\(result.stderr)")
    }
}
