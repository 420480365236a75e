// The local engine: a lake, a logger, Parquet options and a progress callback, shared by the
// jobs it runs, each in its own folder: reading and analysing (Reading/), the transform
// (Transform/, with its incremental and streaming forms), the catalog (Catalog/), ingestion
// (Ingestion/ through `IngestionJobs`). The Athena engine (Athena/) is the scaled-out twin.

import LakeKit
import Logging

/// The engine that runs on this machine.
package struct LocalEngine: Sendable {
    package let store: any ObjectStore
    package let logger: Logger
    package let parquetOptions: ParquetWriter.Options
    /// Called as work completes; nil for no reports.
    package let progress: (@Sendable (EngineProgress) -> Void)?
    /// Raw metric bytes per bucket of a streaming full transform: a larger lake is analysed
    /// in buckets of artists (bounded memory); a smaller one at once, in memory.
    package var streamingBucketBytes = 16 << 20
    /// `artist_daily` rows per span of a reader of every artist's processed rows (the
    /// dashboard): about what it holds at once.
    package var spanRows = 100_000

    /// Rows per row group of the processed tables: groups of whole artists up to this size
    /// (`ArtistRowGroups`), small enough that a streaming transform holds one waiting group
    /// per partition without strain, large enough that pages compress well.
    package static let processedRowGroupRows = 8_192

    package init(store: any ObjectStore, logger: Logger = Logger(label: "momentum.engine"),
                parquetOptions: ParquetWriter.Options = .init(rowGroupRows: LocalEngine.processedRowGroupRows),
                progress: (@Sendable (EngineProgress) -> Void)? = nil) {
        self.store = store
        self.logger = logger
        self.parquetOptions = parquetOptions
        self.progress = progress
    }
}
