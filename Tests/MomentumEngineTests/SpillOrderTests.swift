// A bucket's records come back in read order: each spill file holds its worker's records in
// order, so an artist's list is a few ascending runs, merged (not sorted) into one.

import MomentumEngine
import MomentumTestSupport
import Testing

@Suite struct SpillOrderTests {
    @Test func runsAreMergedIntoReadOrder() {
        var random = SplitMix(seed: 4)
        for _ in 0..<500 {
            // Up to five runs of distinct read orders (unique, as file << 32 | position are).
            let runs = Int.random(in: 1...5, using: &random)
            var keys: [UInt64] = []
            var used = Set<UInt64>()
            for _ in 0..<runs {
                var run: [UInt64] = []
                for _ in 0..<Int.random(in: 0...40, using: &random) {
                    let key = UInt64.random(in: 0...10_000, using: &random)
                    if used.insert(key).inserted { run.append(key) }
                }
                keys += run.sorted()
            }
            let merged = ObservationSpill.ArtistRecords.mergedRuns(keys)
            #expect(merged.map { keys[$0] } == keys.sorted(), "\(keys)")
            #expect(merged.sorted() == Array(keys.indices))
        }
        #expect(ObservationSpill.ArtistRecords.mergedRuns([]) == [])
    }
}
