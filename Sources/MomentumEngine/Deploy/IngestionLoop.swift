// The ingestion state machine's loop, shared by its generator (MomentumDeploy) and the function
// that answers it (`momentum lambda`'s ingest job).

/// Limits of the ingestion machine's loop.
package enum IngestionLoop {
    /// Invocations of one execution at most: 96 of 15 minutes are a day.
    package static let maximumInvocations = 96
}
