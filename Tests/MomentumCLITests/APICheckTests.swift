// scripts/check-api must be able to fail: a removed public function without a version bump,
// and a source change without a changelog entry, are refused; a compatible change with an
// entry passes (scripts/lib/check-api-self-test.sh builds the scratch repository).

import Foundation
import MomentumTestSupport
import Testing

@Suite(.enabled(if: OutsideTools.enabled, "needs MOMENTUM_OUTSIDE_TOOLS=1 (scripts/test)"))
struct APICheckTests {
    @Test func aBrokenAPIOrAMissingChangelogEntryIsRefused() throws {
        let result = try run("/bin/bash", [Repository.root.appendingPathComponent("scripts/lib/check-api-self-test.sh").path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("refused a broken API without a bump"), "\(result.stderr)")
        #expect(result.stderr.contains("refused a source change without a changelog entry"), "\(result.stderr)")
        #expect(result.stderr.contains("accepted a compatible change with an entry"), "\(result.stderr)")
    }
}
