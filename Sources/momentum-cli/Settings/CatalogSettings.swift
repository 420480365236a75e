// Where Glue and Athena work for a lake: --database/--workgroup/--athena-output, else
// MOMENTUM_DATABASE/MOMENTUM_WORKGROUP/MOMENTUM_ATHENA_OUTPUT (a deployed function has no
// config file), else momentum.json, else the defaults.

import Foundation
import LakeKit
import MomentumEngine

extension Settings {
    /// The Athena settings of the lake in `store`.
    func athenaSettings(_ store: any ObjectStore, database: String?, workgroup: String?, athenaOutput: String?) throws -> AthenaSettings {
        try AthenaSettings(lake: store.location, database: database ?? catalog.database ?? LakeCatalog.defaultDatabase,
                           workgroup: workgroup ?? catalog.workgroup ?? "primary", athenaOutput: athenaOutput ?? catalog.athenaOutput)
    }

    /// The Athena engine over `local`'s lake.
    func athenaEngine(_ local: LocalEngine, settings athenaSettings: AthenaSettings) async throws -> AthenaEngine {
        let region = try await catalogRegion(local.store)
        do {
            return try AthenaEngine(local: local, glue: try GlueClient.standard(environment: environment, region: region, logger: logger),
                                    athena: try AthenaClient.standard(environment: environment, region: region, logger: logger), settings: athenaSettings)
        } catch let error as LakeError {
            throw CommandFailure.usage(error.message)
        }
    }

    /// The region of Glue and Athena for the lake in `store`, by the one rule of every AWS client
    /// (``AWSRegion``): configured, else the lake bucket's own, else a refusal (exit 2).
    func catalogRegion(_ store: any ObjectStore) async throws -> AWSRegion {
        do {
            return try await AWSRegion.resolve(for: "Glue and Athena", bucket: (store as? S3ObjectStore)?.bucket, environment: environment)
        } catch let error as LakeError {
            throw CommandFailure.usage(error.message)
        }
    }

    /// The catalog settings from the environment over those of the config file.
    static func catalog(environment: [String: String], config: ConfigFile?) -> (database: String?, workgroup: String?, athenaOutput: String?) {
        func variable(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        return (variable("MOMENTUM_DATABASE") ?? config?.database, variable("MOMENTUM_WORKGROUP") ?? config?.workgroup,
                variable("MOMENTUM_ATHENA_OUTPUT") ?? config?.athenaOutput)
    }
}
