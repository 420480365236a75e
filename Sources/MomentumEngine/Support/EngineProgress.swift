// Progress of the engine's long jobs, for the command line's progress bars.

/// How far a long job has come, for progress bars.
package struct EngineProgress: Sendable {
    package enum Phase: String, Sendable, CaseIterable {
        case fetching = "fetching from Spotify"
        case fetchingAudience = "fetching audience counts"
        case matching = "matching artists on other sources"
        case reading = "reading raw files"
        case analysing = "analysing artists"
        case writing = "writing Parquet"
    }

    package var phase: Phase
    package var completed: Int
    package var total: Int

    package init(phase: Phase, completed: Int, total: Int) {
        self.phase = phase
        self.completed = completed
        self.total = total
    }
}
